"""validate_plan: the one checker of plan rows (fast column-wise path and row loop agree)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner import InputError
from planner.model import plan as plan_mod
from planner.model.plan import validate_plan


def _random_plan(rng: np.random.Generator, n: int, ids: list[str]) -> pd.DataFrame:
    meals = ["breakfast", "lunch", "snack", "dinner"]
    supp = rng.random(n) < 0.1
    return pd.DataFrame({
        "day": rng.integers(1, 8, n),
        "meal": rng.choice(meals, n),
        "time": rng.choice(["07:05", "7:05", "", "", ""], n),
        "food_id": np.where(supp, "supplement:cyanocobalamin", rng.choice(ids, n)),
        "grams": np.where(supp, np.nan, rng.uniform(0, 400, n).round(1)),
        "dose_ug": np.where(supp, rng.choice([10.0, 250.0, 1000.0], n), np.nan),
    })


@pytest.mark.parametrize("seed", range(20))
def test_fast_path_equals_row_loop(foods, seed, monkeypatch):
    rng = np.random.default_rng(seed)
    ids = list(foods.df.index[rng.integers(0, len(foods), 50)])
    plan = _random_plan(rng, int(rng.integers(1, 60)), ids)
    if seed % 2:  # a slice of a longer plan keeps its row labels
        plan.index = plan.index * 3 + 5
    fast = validate_plan(plan, foods)
    monkeypatch.setattr(plan_mod, "_fast_path", lambda src, foods: None)
    slow = validate_plan(plan, foods)
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.parametrize(
    "column, value, words",
    [
        ("day", 0, "day 0"),
        ("day", 1.5, "whole number"),
        ("grams", -5, "between 0"),
        ("grams", 6000, "between 0"),
        ("grams", "abc", "not a number"),
        ("grams", "1,000", "not a number"),
        ("meal", "", "meal is empty"),
        ("meal", "brunch", "no default time"),
        ("time", "25:00", "HH:MM"),
        ("food_id", "sr28:99999", "unknown food_id"),
        ("description", "x" * 600, "longer than"),
        ("description", "bell\x07", "control"),
    ],
)
def test_each_bad_field_is_named(foods, column, value, words):
    plan = pd.DataFrame({"day": [1, 2], "meal": ["breakfast", "lunch"],
                         "food_id": ["sr28:01123", "sr28:01077"], "grams": [50.0, 244.0]})
    plan[column] = plan[column].astype(object) if column in plan else ""
    plan.loc[1, column] = value
    with pytest.raises(InputError, match="row 2") as exc:
        validate_plan(plan, foods)
    assert words in str(exc.value)
    assert "row 1" not in str(exc.value)


def test_supplement_without_dose_is_named():
    plan = pd.DataFrame({"day": [1], "meal": ["breakfast"],
                         "food_id": ["supplement:cyanocobalamin"], "grams": [np.nan]})
    with pytest.raises(InputError, match="row 1: supplement .* needs a dose_ug"):
        validate_plan(plan)


def test_missing_columns_are_listed():
    with pytest.raises(InputError, match="missing column"):
        validate_plan(pd.DataFrame({"day": [1], "food_id": ["x"]}))
