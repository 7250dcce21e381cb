"""Plan evaluation: Vegan Society options, authority consistency, conditions, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from planner._paths import data_path
from planner.errors import InputError
from planner.evaluate import Evaluation, evaluate
from planner.foods import FoodTable
from planner.profile import Profile
from planner.recommendations import AUTHORITIES, recommended_intake

FOODS = pd.DataFrame([
    # food_id, description, b12_ug, b12_fortified_ug, diet, reliable, note  (per 100 g)
    ("t:liver", "Beef liver", 59.3, 0.0, "omnivore", True, ""),
    ("t:milk", "Whole milk", 0.45, 0.0, "vegetarian", True, ""),
    ("t:oat", "Oat milk, fortified", 0.50, 0.50, "vegan", True, ""),
    ("t:meat", "Meat with 1 µg per 100 g", 1.0, 0.0, "omnivore", True, ""),
    ("t:veg", "Broccoli", 0.0, 0.0, "vegan", True, ""),
    ("t:cereal", "Fortified cereal", 5.0, 4.0, "vegetarian", True, ""),
    ("t:nori", "Nori", 10.0, 0.0, "vegan", False, "inactive analogues; counted 0"),
    ("t:mystery", "Mystery stew", math.nan, math.nan, "omnivore", True, ""),
], columns=["food_id", "description", "b12_ug", "b12_fortified_ug", "diet", "b12_reliable",
            "b12_note"]).assign(source="test", group="g", manufacturer="", b12_added_ug=math.nan,
                                fortified_basis="none", kcal=0.0, protein_g=0.0,
                                diet_basis="test", diet_verified=True)


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return FoodTable(FOODS)


VEGAN = Profile(age=30, sex="female", diet="vegan")


def _plan(rows, cols=("day", "meal", "food_id", "grams", "dose_ug")):
    return pd.DataFrame(rows, columns=list(cols))


def _supplement(day, dose, meal="breakfast"):
    return (day, meal, "supplement:cyanocobalamin", math.nan, dose)


# -- the Vegan Society's three options [VEGSOC], vegan adult, NASEM -------------------------
def test_fortified_food_three_times_a_day(table):
    rows = [(d, m, "t:oat", 200.0, math.nan) for d in range(1, 8)
            for m in ("breakfast", "lunch", "dinner")]        # 08:00, 12:30, 19:00: ≥4 h apart
    s = evaluate(_plan(rows), VEGAN, table).summary
    assert s["intake_ug_per_day"] == pytest.approx(3.0)
    assert s["absorbed_ug_per_day"] == pytest.approx(1.7, rel=0.02)  # reference §4.3
    assert s["adequate"] and s["meets_target"]


def test_ten_micrograms_once_a_day_is_adequate_but_below_the_goal_line(table):
    s = evaluate(_plan([_supplement(d, 10.0) for d in range(1, 8)]), VEGAN, table).summary
    assert s["absorbed_ug_per_day"] == pytest.approx(1.15, rel=0.01)  # reference §4.3
    assert s["requirement_absorbed_ug"] == 1.0 and s["target_absorbed_ug"] == 1.2
    assert s["adequate"] is True
    assert s["meets_target"] is False
    assert s["status"].startswith("adequate")


def test_2000_micrograms_once_a_week_averaged_over_the_plan(table):
    rows = [_supplement(1, 2000.0)] + [(d, "lunch", "t:veg", 150.0, math.nan)
                                        for d in range(1, 8)]
    ev = evaluate(_plan(rows), VEGAN, table)
    assert ev.summary["days"] == 7
    assert ev.summary["absorbed_ug_per_day"] == pytest.approx(21.2 / 7, rel=0.01)
    assert ev.summary["adequate"] and ev.summary["meets_target"]
    # the same with only the supplement row and days=7
    alone = evaluate(_plan([_supplement(1, 2000.0)]), VEGAN, table, days=7).summary
    assert alone["absorbed_ug_per_day"] == pytest.approx(ev.summary["absorbed_ug_per_day"])


def test_one_3_microgram_fortified_serving_a_day_is_not_adequate(table):
    rows = [(d, "breakfast", "t:oat", 600.0, math.nan) for d in range(1, 8)]
    s = evaluate(_plan(rows), VEGAN, table).summary
    assert s["intake_ug_per_day"] == pytest.approx(3.0)
    assert s["adequate"] is False and s["meets_target"] is False


# -- consistency with how the authorities built their numbers ---------------------------------
STAGES = [dict(age=35), dict(age=30, pregnant=True), dict(age=30, lactating=True),
          dict(age=70), dict(age=6), dict(age=16)]


@pytest.mark.parametrize("authority", AUTHORITIES)
@pytest.mark.parametrize("stage", STAGES, ids=lambda s: "-".join(map(str, s.items())))
def test_recommended_intake_as_food_over_three_meals_meets_the_goal(table, authority, stage):
    profile = Profile(authority=authority, diet="omnivore", **stage)
    rec = recommended_intake(profile)
    grams = rec.value_ug / 3 * 100  # t:meat has 1 µg per 100 g, all food-bound
    rows = [(1, m, "t:meat", grams, math.nan) for m in ("breakfast", "lunch", "dinner")]
    s = evaluate(_plan(rows), profile, table).summary
    assert s["intake_ug_per_day"] == pytest.approx(rec.value_ug)
    assert s["absorbed_ug_per_day"] == pytest.approx(s["target_absorbed_ug"], rel=0.05)
    assert s["meets_target"]


def test_liver_meal_of_38_micrograms(table):
    grams = 38.0 / 59.3 * 100
    ev = evaluate(_plan([(1, "dinner", "t:liver", grams, math.nan)]), Profile(age=40), table)
    assert ev.items["ingested_ug"].iloc[0] == pytest.approx(38.0)
    assert ev.summary["absorbed_ug_per_day"] == pytest.approx(4.1, rel=0.01)  # [IOM p.309]


# -- tables, apportioning, determinism ---------------------------------------------------------
def _mixed_plan():
    return _plan([
        (1, "breakfast", "t:cereal", 40.0, math.nan),    # 2 µg: 1.6 fortified, 0.4 food-bound
        (1, "breakfast", "t:milk", 250.0, math.nan),     # 1.125 food-bound
        (1, "snack", "t:nori", 5.0, math.nan),           # unreliable
        (1, "lunch", "t:mystery", 300.0, math.nan),      # unknown
        (1, "dinner", "t:liver", 100.0, math.nan),
        (3, "breakfast", "supplement:methylcobalamin", math.nan, 250.0),
    ])


def test_tables_are_consistent(table):
    ev = evaluate(_mixed_plan(), Profile(age=45), table)
    assert isinstance(ev, Evaluation)
    items, events, days = ev.items, ev.events, ev.days
    for col in ("ingested_ug", "fortified_ug", "food_bound_ug", "absorbed_ug", "unknown",
                "unreliable", "absorbed_fortified_ug", "absorbed_food_bound_ug"):
        assert col in items.columns
    assert_allclose(items["absorbed_ug"].sum(), events["absorbed_ug"].sum())
    assert_allclose(items["absorbed_ug"].sum(), days["absorbed_ug"].sum())
    assert list(days["day"]) == [1, 2, 3]
    assert days.loc[1, "absorbed_ug"] == 0  # day 2 has no rows: counts as zero
    s = ev.summary
    assert s["days"] == 3
    assert s["absorbed_ug_per_day"] == pytest.approx(days["absorbed_ug"].sum() / 3)
    assert s["fortified_ug_per_day"] + s["food_bound_ug_per_day"] == pytest.approx(
        s["intake_ug_per_day"])
    assert s["n_unknown"] == 1 and s["n_unreliable"] == 1
    assert s["uncounted_ug_per_day"] == pytest.approx(0.5 / 3)
    row = items.set_index("food_id")
    assert row.loc["t:cereal", "fortified_ug"] == pytest.approx(1.6)
    assert row.loc["t:cereal", "food_bound_ug"] == pytest.approx(0.4)
    assert row.loc["t:nori", "absorbed_ug"] == 0 and row.loc["t:nori", "ingested_ug"] == 0
    assert math.isnan(row.loc["t:mystery", "b12_listed_ug"])
    assert row.loc["supplement:methylcobalamin", "fortified_ug"] == 250.0
    codes = [f["code"] for f in s["flags"]]
    assert "unknown_b12" in codes and "unreliable_source" in codes
    msg = next(f["message"] for f in s["flags"] if f["code"] == "unknown_b12")
    assert msg.startswith("1 item(s) have no USDA B12 value")


def test_absorbed_is_shared_in_proportion_within_an_event(table):
    rows = [(1, "breakfast", "t:oat", 100.0, math.nan), (1, "breakfast", "t:oat", 300.0,
                                                         math.nan)]
    items = evaluate(_plan(rows), VEGAN, table).items
    assert items["absorbed_ug"].iloc[1] == pytest.approx(3 * items["absorbed_ug"].iloc[0])
    # one event: 2 µg crystalline absorbed as one dose, not two 1 µg doses
    from planner.absorption import absorbed_crystalline

    assert items["absorbed_ug"].sum() == pytest.approx(absorbed_crystalline(2.0))


def test_snack_within_four_hours_joins_the_meal(table):
    rows = [(1, "lunch", "t:oat", 200.0, math.nan), (1, "snack", "t:oat", 200.0, math.nan)]
    ev = evaluate(_plan(rows), VEGAN, table)  # 12:30 and 16:00: one event
    assert len(ev.events) == 1
    timed = _plan([(1, "lunch", "12:30", "t:oat", 200.0), (1, "snack", "16:31", "t:oat", 200.0)],
                  cols=("day", "meal", "time", "food_id", "grams"))
    assert len(evaluate(timed, VEGAN, table).events) == 2


def test_same_plan_twice_gives_identical_results(table):
    a = evaluate(_mixed_plan(), Profile(age=45), table)
    b = evaluate(_mixed_plan(), Profile(age=45), table)
    pd.testing.assert_frame_equal(a.items, b.items)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.days, b.days)
    assert a.summary == b.summary


def test_row_order_does_not_change_the_totals(table):
    plan = _mixed_plan()
    a = evaluate(plan, Profile(age=45), table).summary
    b = evaluate(plan.iloc[::-1], Profile(age=45), table).summary
    assert b["absorbed_ug_per_day"] == pytest.approx(a["absorbed_ug_per_day"], rel=1e-12)


# -- conditions --------------------------------------------------------------------------------
def _omnivore_day():
    return _plan([(1, "breakfast", "t:milk", 250.0, math.nan),
                  (1, "lunch", "t:meat", 100.0, math.nan),
                  (1, "dinner", "t:meat", 150.0, math.nan)])


@pytest.mark.parametrize("condition,expected", [
    (None, 0.5625 + 0.5 + 0.75),                        # 50 % of each meal
    ("ppi", 0.12 * (1.125 + 1.0 + 1.5)),                # food-bound capped at 12 %
    ("h2_blocker", 0.12 * (1.125 + 1.0 + 1.5)),
    ("atrophic_gastritis", 0.12 * (1.125 + 1.0 + 1.5)),
    ("metformin", 0.85 * (0.5625 + 0.5 + 0.75)),        # IF pathway −15 %
    ("pernicious_anemia", 0.0),                         # no IF: food-bound not absorbed
    ("bariatric_surgery", 0.0),
    ("ileal_resection", 0.0),
    ("nitrous_oxide", 0.5625 + 0.5 + 0.75),             # absorption unchanged, urgent flag
])
def test_each_condition_changes_food_absorption(table, condition, expected):
    profile = Profile(age=45, conditions=[condition] if condition else [])
    s = evaluate(_omnivore_day(), profile, table).summary
    assert s["absorbed_ug_per_day"] == pytest.approx(expected, rel=1e-6)
    if condition:
        assert any(f["code"] == f"condition_{condition}" for f in s["flags"])


def test_pernicious_anaemia_needs_high_dose(table):
    profile = Profile(age=60, conditions=["pernicious_anemia"])
    s = evaluate(_plan([_supplement(1, 1000.0)]), profile, table).summary
    assert s["absorbed_ug_per_day"] == pytest.approx(10.0)  # passive 1 % [IOM p.308]
    assert s["adequate"]
    s = evaluate(_plan([_supplement(1, 10.0)]), profile, table).summary
    assert not s["adequate"]
    flag = next(f for f in s["flags"] if f["code"] == "condition_pernicious_anemia")
    assert flag["severity"] == "urgent" and "clinician" in flag["message"]


def test_atrophic_gastritis_keeps_crystalline(table):
    rows = [_supplement(d, 10.0) for d in range(1, 8)]
    normal = evaluate(_plan(rows), Profile(age=70), table).summary
    ag = evaluate(_plan(rows), Profile(age=70, conditions=["atrophic_gastritis"]), table).summary
    assert ag["absorbed_ug_per_day"] == pytest.approx(normal["absorbed_ug_per_day"])
    assert any(f["code"] == "over_50" for f in ag["flags"])


def test_flags_for_unconfirmed_bands_and_large_doses(table):
    s = evaluate(_plan([_supplement(1, 2500.0)]), Profile(age=8, authority="WHO"), table).summary
    codes = [f["code"] for f in s["flags"]]
    assert "recommendation_unconfirmed" in codes and "above_evm_guidance" in codes
    assert all(f["source"] for f in s["flags"])


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("plan,match", [
    ("not a table", "DataFrame"),
    (pd.DataFrame({"day": [1], "meal": ["lunch"]}), "missing column"),
    (_plan([(1, "lunch", "t:nope", 100.0, math.nan)]), r"row 1: unknown food_id"),
    (_plan([(1, "lunch", "t:milk", 100.0, math.nan), (1, "lunch", "t:milk", -5, math.nan)]),
     r"row 2: grams"),
    (_plan([(1, "lunch", "t:milk", "lots", math.nan)]), r"row 1: grams 'lots' is not a number"),
    (_plan([(1, "lunch", "supplement:cyanocobalamin", math.nan, math.nan)]),
     r"row 1: supplement .* needs a dose_ug"),
    (_plan([(0, "lunch", "t:milk", 100.0, math.nan)]), r"row 1: day"),
    (_plan([(1, "brunch", "t:milk", 100.0, math.nan)]), r"row 1: meal 'brunch'"),
    (_plan([(None, None, None, None, None)]), r"row 1"),
    (pd.DataFrame({"day": [[1]], "meal": [{}], "food_id": [3.5], "grams": [object()]}), "row 1"),
])
def test_bad_plans_raise_input_error_naming_the_row(table, plan, match):
    with pytest.raises(InputError, match=match):
        evaluate(plan, VEGAN, table)


@pytest.mark.parametrize("kwargs,match", [
    ({"profile": {"age": 30}}, "profile"),
    ({"profile": None}, "profile"),
    ({"foods": "usda"}, "foods"),
    ({"days": "week"}, "days"),
    ({"days": 0}, "days"),
    ({"days": 2.5}, "days"),
    ({"days": 1}, "shorter than the plan"),
])
def test_bad_arguments_raise_input_error(table, kwargs, match):
    args = {"plan": _omnivore_day().assign(day=[1, 2, 3]), "profile": VEGAN, "foods": table}
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        evaluate(**args)


def test_no_bare_errors_escape_on_random_junk(table):
    rng = np.random.default_rng(7)
    junk = [None, "", "x", -1, 1e9, math.nan, [], {}, object(), True, "08:00", "supplement:"]
    for _ in range(200):
        row = {c: junk[rng.integers(len(junk))] for c in
               ("day", "meal", "time", "food_id", "grams", "dose_ug")}
        try:
            evaluate(pd.DataFrame([row]), VEGAN, table)
        except InputError:
            pass


def test_empty_plan_gives_zero(table):
    ev = evaluate(_plan([]), VEGAN, table)
    assert ev.summary["absorbed_ug_per_day"] == 0 and not ev.summary["adequate"]
    assert len(ev.items) == 0 and len(ev.events) == 0 and len(ev.days) == 1


def test_supplement_only_plan_needs_no_food_table():
    s = evaluate(_plan([_supplement(1, 10.0)]), VEGAN).summary
    assert s["absorbed_ug_per_day"] == pytest.approx(1.144, rel=0.01)


# -- real foods (once data/foods.csv.gz exists) ---------------------------------------------------
needs_data = pytest.mark.skipif(not data_path("foods.csv.gz").is_file(),
                                reason="data/foods.csv.gz not built yet")


@needs_data
def test_real_foods(foods):
    assert foods.get("sr28:13325")["b12_ug"] == pytest.approx(59.3, abs=0.05)
    assert foods.get("sr28:01077")["b12_ug"] == pytest.approx(0.45, abs=0.01)
    oat = foods.get("fndds:11360200")
    assert oat["b12_ug"] == pytest.approx(0.50, abs=0.01)
    assert oat["b12_fortified_ug"] == pytest.approx(oat["b12_ug"])
    liver = _plan([(1, "dinner", "sr28:13325", 38.0 / 59.3 * 100, math.nan)])
    s = evaluate(liver, Profile(age=40), foods).summary
    assert s["absorbed_ug_per_day"] == pytest.approx(4.1, rel=0.02)
    oat_plan = _plan([(1, m, "fndds:11360200", 200.0, math.nan)
                      for m in ("breakfast", "lunch", "dinner")])
    s = evaluate(oat_plan, VEGAN, foods).summary
    assert s["fortified_ug_per_day"] == pytest.approx(3.0, rel=0.02)
    assert s["adequate"] and s["meets_target"]
    milk = _plan([(1, m, "sr28:01077", 178.0, math.nan) for m in ("breakfast", "lunch",
                                                                 "dinner")])
    s = evaluate(milk, Profile(age=30, diet="vegetarian"), foods).summary
    assert s["food_bound_ug_per_day"] == pytest.approx(2.4, rel=0.01)
    assert s["absorbed_ug_per_day"] == pytest.approx(1.2, rel=0.05)


# -- foods outside the person's diet (real USDA classes) ------------------------------------
@pytest.mark.parametrize(("food_id", "diet", "expected"), [
    ("sr28:13325", "vegetarian", "not_in_diet"),   # beef liver
    ("sr28:13325", "pescatarian", "not_in_diet"),
    ("sr28:13325", "omnivore", None),
    ("sr28:15076", "vegetarian", "not_in_diet"),   # Atlantic salmon
    ("sr28:15076", "pescatarian", None),
    ("sr28:01077", "vegan", "not_in_diet"),        # whole milk
    ("sr28:01077", "vegetarian", None),
    ("fndds:11360200", "vegan", None),             # oat milk, ingredients all plant-based
    ("fndds:11350020", "vegan", "diet_unverified"),  # almond milk: no SR ingredient proof
    ("fndds:11350020", "vegetarian", None),        # only vegans are asked to check labels
])
def test_foods_outside_the_diet_are_flagged(foods, food_id, diet, expected):
    plan = pd.DataFrame({"day": [1, 1], "meal": ["breakfast", "lunch"],
                         "food_id": [food_id, "supplement:cyanocobalamin"],
                         "grams": [100.0, None], "dose_ug": [None, 10.0]})
    result = evaluate(plan, Profile(age=40, diet=diet), foods)
    codes = {f["code"] for f in result.summary["flags"]} & {"not_in_diet", "diet_unverified"}
    assert codes == ({expected} if expected else set())
    if expected:
        flag = next(f for f in result.summary["flags"] if f["code"] == expected)
        assert foods.get(food_id)["description"] in flag["message"]
    # the plan is still scored as written (the food's B12 counts)
    assert result.items["ingested_ug"].iloc[0] == pytest.approx(foods.get(food_id)["b12_ug"])
    assert list(result.items["diet"]) == [foods.get(food_id)["diet"], "vegan"]
