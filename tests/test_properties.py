"""Issue 13: property-based tests (Hypothesis) over every way input gets in.

Each property says what must hold for *every* input, not for chosen examples:

* the CSV reader takes any bytes to a plan or one readable :class:`InputError`, and
  anything :func:`validate_plan` accepts survives export and import unchanged;
* a profile, ``evaluate``/``suggest``/``project_stores`` arguments: a result or an
  ``InputError``, never another exception, never an infinite or NaN figure;
* the user-folder files (saved foods, profile, plans): whatever their bytes, loading never
  raises anything but ``InputError`` and the bytes are never lost (kept in place or in a
  ``.corrupt-N`` file); distinct plan names never overwrite each other;
* the FoodData Central parser: any JSON gives a row or ``FdcBadResponse``, and every row
  it gives can be saved as a user food and used in a plan.

Example counts are bounded and the runs are derandomised (the same examples every run), so
the suite takes a few seconds and never fails by chance.
"""

from __future__ import annotations

import io
import json
import math
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import MAX_MESSAGE, InputError
from planner.io.plan_csv import plan_from_csv, plan_to_csv
from planner.model.plan import MAX_DAY, MAX_GRAMS, SUPPLEMENT_FORMS, validate_plan
from planner.model.profile import Profile

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def fast(n: int):
    return settings(max_examples=n, **SETTINGS)


def readable(exc: BaseException) -> None:
    """One of the planner's errors, with a message a person can read."""
    text = str(exc)
    assert text.strip(), type(exc)
    assert len(text) <= MAX_MESSAGE + 50, len(text)
    assert "Traceback" not in text


# -- building blocks -----------------------------------------------------------------------
IDS = ["sr28:01123", "sr28:01077", "fndds:11111000", "sr28:99999", "nope", ""] + [
    f"supplement:{f}" for f in SUPPLEMENT_FORMS] + ["supplement:unknown"]
WEIRD_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
CELL = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True), WEIRD_TEXT,
    st.sampled_from(["1", "12,5", "1,000", "١٢", "1e308", "nan", "=1+1", "08:00", "25:00",
                     " 7 ", "-0", "0x10"]),
)
NUMBER_LIKE = st.one_of(CELL, st.floats(0, MAX_GRAMS), st.integers(1, MAX_DAY))


@st.composite
def messy_plans(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 6))
    cols = {
        "day": draw(st.lists(NUMBER_LIKE, min_size=n, max_size=n)),
        "meal": draw(st.lists(st.one_of(st.sampled_from(["breakfast", "lunch", "Snack"]),
                                        CELL), min_size=n, max_size=n)),
        "food_id": draw(st.lists(st.one_of(st.sampled_from(IDS), CELL), min_size=n,
                                 max_size=n)),
        "grams": draw(st.lists(NUMBER_LIKE, min_size=n, max_size=n)),
    }
    if draw(st.booleans()):
        cols["dose_ug"] = draw(st.lists(NUMBER_LIKE, min_size=n, max_size=n))
    if draw(st.booleans()):
        cols["time"] = draw(st.lists(st.one_of(st.sampled_from(["07:30", "7:5", ""]), CELL),
                                     min_size=n, max_size=n))
    if draw(st.booleans()):
        cols["description"] = draw(st.lists(st.one_of(WEIRD_TEXT, st.sampled_from(
            ['=HYPERLINK("x")', "'=x", "a,b;c", 'say "hi"', "line\nbreak", "tab\there",
             "+1", "@home", "-5", "x" * 501])), min_size=n, max_size=n))
    return pd.DataFrame(cols, dtype=object)


# -- the CSV reader and writer ---------------------------------------------------------------
@fast(60)
@given(data=st.one_of(
    st.binary(max_size=600),
    st.text(st.sampled_from(list('day,meal;food_id grams\n\r"\'=1.5١x\x00\t')), max_size=300)
    .map(lambda t: t.encode("utf-8")),
    st.lists(st.lists(CELL.map(str), min_size=1, max_size=5), max_size=6).map(
        lambda rows: ("day,meal,food_id,grams,description\n" + "\n".join(
            ",".join(r) for r in rows)).encode("utf-8", "surrogatepass")),
))
def test_csv_reader_gives_a_plan_or_one_readable_error(data, foods):
    try:
        plan = plan_from_csv(io.BytesIO(data), foods)
    except InputError as exc:
        readable(exc)
        return
    assert len(plan) >= 1
    again = plan_from_csv(io.StringIO(plan_to_csv(plan)), foods)
    pd.testing.assert_frame_equal(again, plan)


@fast(80)
@given(plan=messy_plans())
def test_whatever_validate_plan_accepts_survives_export_and_import(plan, foods):
    try:
        valid = validate_plan(plan)
    except InputError as exc:
        readable(exc)
        return
    text = plan_to_csv(valid)
    import csv

    for row in list(csv.DictReader(io.StringIO(text, newline="")))[:50]:
        for col in ("meal", "food_id", "description", "portion"):   # no live formula
            assert not row[col].startswith(("=", "+", "-", "@", "\t", "\r")), row[col]
    back = plan_from_csv(io.StringIO(text))
    pd.testing.assert_frame_equal(back, valid)
    # and with the food table: the same plan or one readable error (unknown ids)
    try:
        with_table = validate_plan(plan, foods)
    except InputError as exc:
        readable(exc)
        return
    pd.testing.assert_frame_equal(plan_from_csv(io.StringIO(plan_to_csv(with_table)), foods),
                                  with_table)


# -- the profile, evaluate, suggest, project_stores ------------------------------------------
PROFILE_VALUES = {
    "age": st.one_of(CELL, st.floats(0, 125), st.integers(0, 130)),
    "sex": st.one_of(st.sampled_from(["female", "male", "F", "m", "x"]), CELL),
    "diet": st.one_of(st.sampled_from(["vegan", "Omnivore", "fruitarian"]), CELL),
    "pregnant": CELL, "lactating": CELL,
    "conditions": st.one_of(st.lists(st.one_of(st.sampled_from(["ppi", "metformin", "flu"]),
                                               WEIRD_TEXT), max_size=3), CELL),
    "authority": st.one_of(st.sampled_from(["NASEM", "efsa", "WHO", "FDA"]), CELL),
    "age_months": st.one_of(st.none(), CELL),
}


@fast(200)
@given(kwargs=st.fixed_dictionaries({}, optional=PROFILE_VALUES))
def test_profile_is_built_or_refused_readably(kwargs):
    try:
        p = Profile(**kwargs)
    except InputError as exc:
        readable(exc)
        return
    assert 0 <= p.age <= 125 and math.isfinite(p.age)
    assert Profile.from_dict({k: getattr(p, k) for k in ("age", "sex", "diet", "pregnant",
                                                          "lactating", "conditions",
                                                          "authority")}) == p


GOOD_PLAN = pd.DataFrame({"day": [1, 2], "meal": ["breakfast", "lunch"],
                          "food_id": ["sr28:01123", "supplement:cyanocobalamin"],
                          "grams": [50.0, None], "dose_ug": [None, 250.0]})
DAYS = st.one_of(st.none(), CELL, st.integers(-5, 10**6), st.just(MAX_DAY))


@fast(30)
@given(days=DAYS, age=st.one_of(st.floats(1, 100), st.integers(1, 100)))
def test_evaluate_gives_finite_figures_or_an_input_error(days, age, foods):
    from planner.model.evaluate import evaluate

    try:
        ev = evaluate(GOOD_PLAN, Profile(age=age), foods, days=days)
    except InputError as exc:
        readable(exc)
        return
    s = ev.summary
    for key in ("intake_ug_per_day", "absorbed_ug_per_day", "target_absorbed_ug"):
        assert math.isfinite(s[key]) and s[key] >= 0, key
    assert 2 <= s["days"] <= MAX_DAY


@fast(12)
@given(days=st.one_of(st.none(), st.integers(-2, 10**7), st.floats(allow_nan=True)),
       servings=st.one_of(st.integers(-1, 10), st.floats(allow_nan=True), CELL),
       goal=st.one_of(st.sampled_from(["target", "requirement"]), CELL))
def test_suggest_gives_a_suggestion_or_an_input_error(days, servings, goal, foods):
    from planner.model.suggest import suggest

    try:
        res = suggest(GOOD_PLAN, Profile(age=40, diet="vegan"), foods, goal=goal,
                      max_servings_per_day=servings, days=days)
    except InputError as exc:
        readable(exc)
        return
    assert res.status and isinstance(res.messages, list)


@fast(150)
@given(absorbed=st.one_of(CELL, st.floats(0, 1e6), st.lists(st.floats(0, 10), min_size=1,
                                                              max_size=4)),
       days=st.one_of(CELL, st.integers(0, 40_000)),
       initial=st.one_of(CELL, st.floats(0, 50_000)),
       k=st.one_of(st.none(), CELL, st.floats(1e-6, 0.1)))
def test_project_stores_gives_finite_stores_or_an_input_error(absorbed, days, initial, k):
    from planner.model.stores import days_to_depletion, project_stores

    try:
        proj = project_stores(absorbed, days, initial_store_ug=initial, k=k)
    except InputError as exc:
        readable(exc)
    else:
        assert proj["store_ug"].map(math.isfinite).all() and (proj["store_ug"] >= 0).all()
    try:
        dep = days_to_depletion(absorbed, initial, k=k)
    except InputError as exc:
        readable(exc)
    else:
        assert dep.days is None or (math.isfinite(dep.days) and dep.days >= 0)


# -- the user folder -------------------------------------------------------------------------
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
              st.floats(allow_nan=False), WEIRD_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(WEIRD_TEXT, inner, max_size=4)),
    max_leaves=15)
FOOD_ENTRY = st.fixed_dictionaries(
    {"food_id": st.one_of(st.sampled_from(["user:a", "fdc:1", "user:b", "sr28:01123"]),
                          WEIRD_TEXT.map(lambda t: "user:" + t))},
    optional={"description": st.one_of(st.just("Oat drink"), WEIRD_TEXT, CELL),
              "diet": st.one_of(st.sampled_from(["vegan", "omnivore"]), CELL),
              "b12_ug": st.one_of(CELL, st.floats(0, 200)), "kcal": CELL,
              "portions": st.one_of(st.lists(st.fixed_dictionaries(
                  {"label": st.one_of(st.just("1 cup"), CELL),
                   "grams": st.one_of(st.floats(0, 6000), CELL)}), max_size=2), CELL)})


def document_bytes():
    good = st.lists(FOOD_ENTRY, max_size=4).map(lambda foods: json.dumps(
        {"format": "b12-planner/user-foods", "version": 1, "foods": foods},
        ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return st.one_of(good, JSONISH.map(lambda d: json.dumps(d).encode()), st.binary(max_size=200),
                     st.integers(1, 3000).map(lambda n: b"[" * n))


def _fresh_folder():
    from planner.io.user_folder import user_dir

    shutil.rmtree(user_dir(), ignore_errors=True)
    user_dir().mkdir(parents=True)
    return user_dir()


def _kept_somewhere(folder, name: str, data: bytes) -> bool:
    return any(p.read_bytes() == data for p in folder.glob(name + "*") if p.is_file())


@fast(60)
@given(data=document_bytes())
def test_saved_foods_file_never_raises_and_its_bytes_are_never_lost(data):
    import warnings

    from planner.io.userfoods import read_user_foods, user_food_messages, user_foods_path

    folder = _fresh_folder()
    user_foods_path().write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        foods, portions = read_user_foods()
    user_food_messages()
    assert _kept_somewhere(folder, "user_foods.json", data)   # in place or .corrupt-N
    assert foods["food_id"].is_unique
    for desc in foods["description"]:
        validate_plan(pd.DataFrame({"day": [1], "meal": ["lunch"], "food_id": ["x"],
                                    "grams": [1.0], "description": [desc]}))


@fast(120)
@given(data=st.one_of(document_bytes(), st.fixed_dictionaries(
    {"profile": st.fixed_dictionaries({}, optional=PROFILE_VALUES)},
    optional={"initial_store_ug": CELL}).map(
        lambda d: json.dumps(d, default=str).encode())))
def test_saved_profile_never_raises_and_its_bytes_are_never_lost(data):
    from planner.io.saved_plans import load_profile, profile_path

    folder = _fresh_folder()
    profile_path().write_bytes(data)
    try:
        got = load_profile()
    except InputError as exc:
        readable(exc)
    else:
        assert got is not None and math.isfinite(got[1])
    assert _kept_somewhere(folder, "profile.json", data)


@fast(40)
@given(names=st.lists(st.one_of(WEIRD_TEXT, st.sampled_from(
    ["Week 1", "week-1", "WEEK_1", "week.1", "Été", "ete", "日本語", "current", "a/b", "..",
     "x" * 61, "CON", "nul", "😀" * 60])), min_size=1, max_size=5))
def test_plan_names_never_overwrite_another_plan(names):
    from planner.io.saved_plans import list_saved_plans, load_saved_plan, plan_name, save_plan

    _fresh_folder()
    saved: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        plan = pd.DataFrame({"day": [1] * i, "meal": "lunch", "food_id": "sr28:01123",
                             "grams": float(i)})
        try:
            save_plan(plan, name)
        except InputError as exc:
            readable(exc)
            continue
        saved[plan_name(name)] = i    # the same canonical name: replaced, as asked
    assert set(list_saved_plans()) == set(saved)
    for key, rows in saved.items():
        assert len(load_saved_plan(key)) == rows


# -- the FoodData Central parser -------------------------------------------------------------
NUTRIENT = st.fixed_dictionaries({}, optional={
    "nutrient": st.fixed_dictionaries({}, optional={
        "id": st.one_of(st.sampled_from([1178, 1246, 1008, 1003]), CELL),
        "number": st.one_of(st.sampled_from(["418", "578", "208", "203"]), CELL),
        "unitName": st.one_of(st.sampled_from(["µg", "UG", "mg", "kcal", "g"]), CELL)}),
    "amount": st.one_of(CELL, st.floats(-10, 2e5)),
    "nutrientId": CELL, "nutrientNumber": CELL, "value": CELL, "unitName": CELL})
FDC_FOOD = st.fixed_dictionaries({}, optional={
    "fdcId": st.one_of(st.integers(-5, 10**9), CELL),
    "description": st.one_of(WEIRD_TEXT, CELL, st.just("x" * 900)),
    "ingredients": st.one_of(WEIRD_TEXT, CELL), "brandOwner": CELL, "brandName": CELL,
    "foodNutrients": st.one_of(st.lists(NUTRIENT, max_size=4), CELL),
    "servingSize": st.one_of(st.floats(-1, 10_000), CELL),
    "servingSizeUnit": st.one_of(st.sampled_from(["g", "ml", "oz"]), CELL),
    "householdServingFullText": st.one_of(WEIRD_TEXT, CELL),
    "foodPortions": st.one_of(st.lists(st.fixed_dictionaries({}, optional={
        "gramWeight": st.one_of(st.floats(-1, 10_000), CELL),
        "portionDescription": st.one_of(WEIRD_TEXT, CELL), "amount": CELL}), max_size=3),
        CELL),
    "foodCategory": st.one_of(JSONISH, WEIRD_TEXT)})


@fast(80)
@given(food=st.one_of(FDC_FOOD, JSONISH))
def test_fdc_parser_gives_savable_rows_or_a_bad_response(food):
    from planner.io.fdc import FdcBadResponse, parse_fdc_food, parse_fdc_portions
    from planner.io.userfoods import normalize_food, normalize_portions
    from planner.model.plan import MAX_B12_UG_PER_100G

    try:
        row = parse_fdc_food(food)
    except FdcBadResponse as exc:
        readable(exc)
        return
    for col in ("b12_ug", "b12_added_ug", "b12_fortified_ug"):
        assert math.isnan(row[col]) or 0 <= row[col] <= MAX_B12_UG_PER_100G
    saved = normalize_food(row)                         # every parsed food can be saved
    normalize_portions(saved["food_id"], parse_fdc_portions(food))
    validate_plan(pd.DataFrame({"day": [1], "meal": ["lunch"], "food_id": [saved["food_id"]],
                                "grams": [100.0], "description": [saved["description"]]}))


@fast(60)
@given(payload=st.one_of(JSONISH, st.fixed_dictionaries(
    {"foods": st.lists(FDC_FOOD, max_size=3)},
    optional={"totalHits": CELL, "currentPage": CELL, "totalPages": CELL})))
def test_fdc_search_parser_gives_a_result_or_a_bad_response(payload):
    from planner.io.fdc import FdcBadResponse, parse_fdc_search

    try:
        res = parse_fdc_search(payload)
    except FdcBadResponse as exc:
        readable(exc)
        return
    assert res.foods["food_id"].str.match(r"fdc:\d+$").all()


def test_the_property_suite_is_bounded():
    """Guard: every property here runs a bounded, derandomised number of examples."""
    import inspect
    import sys

    for name, fn in inspect.getmembers(sys.modules[__name__], inspect.isfunction):
        if name.startswith("test_") and hasattr(fn, "hypothesis"):
            assert fn._hypothesis_internal_use_settings.max_examples <= 200, name
            assert fn._hypothesis_internal_use_settings.derandomize, name


pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
