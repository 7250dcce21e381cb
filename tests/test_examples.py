"""The four example weeks: real foods and portions, honest B12 levels."""

from __future__ import annotations

import pandas as pd
import pytest

from planner import InputError
from planner.io.examples import EXAMPLES, example_names, load_example
from planner.io.plan_csv import PLAN_CSV_COLUMNS
from planner.model.plan import is_supplement
from planner.model.profile import Profile


@pytest.fixture(scope="module")
def evaluations(foods):
    from planner.model.evaluate import evaluate

    out = {}
    for name, ex in EXAMPLES.items():
        plan = load_example(name, foods)
        out[name] = (plan, evaluate(plan, Profile(**ex.profile), foods))
    return out


def test_four_examples_in_display_order():
    assert example_names() == ["vegan", "vegetarian", "older_adult", "omnivore"]
    for ex in EXAMPLES.values():
        assert ex.path.is_file(), ex.path
        assert ex.person.startswith("a ") and ex.profile["diet"] in ex.person


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_is_a_realistic_week_of_real_foods(name, foods):
    plan = load_example(name, foods)
    assert sorted(plan["day"].unique()) == list(range(1, 8))
    assert set(plan["meal"]) == {"breakfast", "lunch", "snack", "dinner"}
    assert len(plan) >= 50  # three meals and a snack, several foods each
    assert not plan["food_id"].map(is_supplement).any()  # suggestions add those
    for fid, portion, grams in zip(plan["food_id"], plan["portion"], plan["grams"],
                                   strict=True):
        assert fid in foods
        assert 0 < grams <= 600
        if portion:  # a USDA household measure of that very food
            labels = foods.portions(fid)["label"].tolist()
            base = portion.split(" × ")[-1]
            assert any(base == lab or lab.endswith(base.split(" ", 1)[-1]) for lab in labels), (
                fid, portion, labels)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_foods_fit_the_diet(name, foods):
    plan = load_example(name, foods)
    diet = EXAMPLES[name].profile["diet"]
    assert foods.allowed(diet)[plan["food_id"]].all()


def test_example_files_are_in_the_export_format():
    for ex in EXAMPLES.values():
        header = ex.path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert tuple(header) == PLAN_CSV_COLUMNS


def test_vegan_week_is_low_and_relies_on_unreliable_sources(evaluations):
    plan, ev = evaluations["vegan"]
    s = ev.summary
    assert s["absorbed_ug_per_day"] < s["requirement_absorbed_ug"]
    assert not s["adequate"]
    assert s["n_unreliable"] >= 3  # tempeh, nori, miso count 0
    assert 0 < s["fortified_ug_per_day"] == pytest.approx(s["intake_ug_per_day"])
    days_with_fortified = ev.days.loc[ev.days["fortified_ug"] > 0, "day"].tolist()
    assert 2 <= len(days_with_fortified) <= 5  # "some days"


def test_vegetarian_week_is_modest(evaluations):
    _, ev = evaluations["vegetarian"]
    s = ev.summary
    assert 1.0 < s["intake_ug_per_day"] < s["target_intake_ug"]
    assert not s["meets_target"]


def test_older_adult_week_is_mostly_food_bound(evaluations):
    _, ev = evaluations["older_adult"]
    s = ev.summary
    assert s["intake_ug_per_day"] >= 2.4
    assert s["food_bound_ug_per_day"] > 0.8 * s["intake_ug_per_day"]
    # mostly food-bound over 50: a warning, not an info note (issue 11, [IOM p.306])
    assert any(f["code"] == "over_50_food_bound" and f["severity"] == "warning"
               for f in s["flags"])


def test_omnivore_week_is_normal(evaluations):
    _, ev = evaluations["omnivore"]
    s = ev.summary
    assert 3.5 < s["intake_ug_per_day"] < 8  # US median 3.5-5 µg/d (IOM p.306)
    assert s["meets_target"]


def test_unknown_example():
    with pytest.raises(InputError, match="vegan"):
        load_example("carnivore")


def test_examples_round_trip_through_the_csv_export(foods):
    import io

    from planner.io.plan_csv import plan_from_csv, plan_to_csv

    for name in EXAMPLES:
        plan = load_example(name, foods)
        again = plan_from_csv(io.StringIO(plan_to_csv(plan)), foods)
        pd.testing.assert_frame_equal(plan, again)
