"""The rules for changing a plan (planner.plan_edit): millisecond tests of what the app's
forms, editor and suggestion cards do, without Streamlit."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import planner
from planner import (
    EVERY_DAY,
    EditorChanges,
    additions_words,
    append_plan_rows,
    apply_editor_changes,
    b12_cells,
    days_words,
    food_choice_label,
    food_rows,
    form_days,
    option_rows,
    portion_words,
    profile_changes,
    supplement_rows,
    target_days,
    validate_plan,
    years_words,
)


@pytest.fixture(scope="module")
def week(foods) -> pd.DataFrame:
    return planner.load_example("vegan", foods)


@pytest.mark.parametrize(("frequency", "days"), [
    ("daily", list(range(1, 15))),
    ("twice weekly", [1, 4, 8, 11]),
    ("weekly", [1, 8]),
])
def test_supplement_schedule(frequency, days):
    rows = supplement_rows("cyanocobalamin", 250, frequency, "breakfast", 14)
    assert [r["day"] for r in rows] == days
    assert {r["food_id"] for r in rows} == {"supplement:cyanocobalamin"}
    assert {r["dose_ug"] for r in rows} == {250.0}
    assert {r["meal"] for r in rows} == {"breakfast"}


def test_supplement_schedule_unknown_frequency():
    with pytest.raises(KeyError):
        supplement_rows("cyanocobalamin", 250, "hourly", "breakfast", 7)


def test_supplement_rows_validate(foods):
    rows = supplement_rows("methylcobalamin", 1000, "weekly", "lunch", 7)
    plan = validate_plan(append_plan_rows(planner.empty_plan(), rows), foods)
    assert len(plan) == 1
    assert plan["dose_ug"].iloc[0] == 1000.0


@pytest.mark.parametrize(("label", "count", "words"), [
    ("1 cup", 1, "1 cup"),
    ("1 cup", 2, "2 cup"),
    ("1 large", 0.5, "0.5 large"),
    ("slice", 3, "3 × slice"),
])
def test_portion_words(label, count, words):
    assert portion_words(label, count) == words


def test_target_days_and_their_words():
    assert target_days([EVERY_DAY], 7) == [1, 2, 3, 4, 5, 6, 7]
    assert target_days([3, 1, 3], 7) == [1, 3]
    assert target_days([], 7) == []
    assert days_words([1, 2, 3, 4, 5, 6, 7], 7) == "every day"
    assert days_words([1, 3], 7) == "day 1, 3"
    assert days_words([1], 1) == "day 1"


def test_form_days_is_at_least_a_week(week):
    assert form_days(planner.empty_plan()) == 7
    assert form_days(week) == 7
    longer = week.assign(day=week["day"] * 2)
    assert form_days(longer) == int(longer["day"].max()) > 7


def test_food_rows():
    rows = food_rows("fid", "Soy milk", [1, 2], "lunch", 243.0, "1 cup")
    assert rows == [
        {"day": 1, "meal": "lunch", "food_id": "fid", "description": "Soy milk",
         "portion": "1 cup", "grams": 243.0},
        {"day": 2, "meal": "lunch", "food_id": "fid", "description": "Soy milk",
         "portion": "1 cup", "grams": 243.0},
    ]


def test_editor_changes_from_state():
    assert not EditorChanges.from_state(None)
    assert not EditorChanges.from_state({"edited_rows": {}, "added_rows": [],
                                         "deleted_rows": []})
    changes = EditorChanges.from_state({"edited_rows": {0: {"grams": 5}},
                                        "added_rows": [{}], "deleted_rows": [1, 2]})
    assert changes
    assert changes.words() == "1 row(s) changed, 2 removed, 1 added"


def test_apply_editor_changes_edits_deletes_and_adds(week, foods):
    n = len(week)
    assert n > 3
    changes = EditorChanges(
        edited={0: {"grams": 123.0}, "1": {"meal": "dinner"}, 99: {"grams": 1.0},
                "x": {"grams": 1.0}, 2: {"description": "hacked"}},
        added=[{"day": 2, "meal": "lunch", "food_id": "supplement:cyanocobalamin",
                "dose_ug": 50.0}, "not a row"],
        deleted=[3, "nonsense"],
    )
    out = apply_editor_changes(week, changes)
    assert len(out) == n - 1 + 1
    assert out.at[0, "grams"] == 123.0
    assert out.at[0, "portion"] == ""  # grams changed: the household measure is gone
    assert out.at[1, "meal"] == "dinner"
    assert out.at[2, "description"] == week.at[2, "description"]  # never from the editor
    assert out["food_id"].iloc[-1] == "supplement:cyanocobalamin"
    assert len(week) == n
    assert len(validate_plan(out, foods)) == n


def test_apply_editor_changes_new_food_id_clears_the_description(week):
    out = apply_editor_changes(week, EditorChanges({0: {"food_id": "other"}}, [], []))
    assert out.at[0, "food_id"] == "other"
    assert out.at[0, "description"] == ""


def test_apply_editor_changes_keeps_the_input_unchanged(week):
    before = week.copy()
    apply_editor_changes(week, EditorChanges({0: {"grams": 1.0}}, [], [0]))
    pd.testing.assert_frame_equal(week, before)


def test_b12_cells():
    items = pd.DataFrame({"b12_listed_ug": [1.0, math.nan, 0.3],
                          "unknown": [False, True, False],
                          "unreliable": [False, False, True],
                          "ingested_ug": [0.5, 0.0, 0.0]})
    assert b12_cells(items, 3) == ["0.50", "unknown", "0.30 (not counted)"]
    assert b12_cells(items, 2) == ["", ""]
    assert b12_cells(None, 1) == [""]


def test_additions_words():
    additions = pd.DataFrame({
        "description": ["Soy milk"] * 7 + ["Cereal"],
        "portion": ["1 cup"] * 7 + [""],
        "meal": ["lunch"] * 7 + ["breakfast"],
        "day": list(range(1, 8)) + [2],
        "grams": [243.0] * 7 + [30.0],
    })
    assert additions_words(additions, 7) == [
        "1 cup Soy milk at lunch, every day", "30 g Cereal at breakfast, on 1 day(s)"]


def test_option_rows_groups_by_option():
    cols = list(planner.PLAN_COLUMNS)
    frame = pd.DataFrame([
        {**dict.fromkeys(cols), "option": 0, "title": "A", "detail": "a", "day": 1},
        {**dict.fromkeys(cols), "option": 0, "title": "A", "detail": "a", "day": 2},
        {**dict.fromkeys(cols), "option": 1, "title": "B", "detail": "b", "day": 1},
    ])
    cards = option_rows(frame)
    assert [(t, d, len(r)) for t, d, r in cards] == [("A", "a", 2), ("B", "b", 1)]
    assert set(cards[0][2][0]) == set(cols)


@pytest.mark.parametrize(("days", "words"), [
    (None, "never"), (0, "already"), (200, "in 7 months"), (3 * 365.25, "in 3.0 years")])
def test_years_words(days, words):
    assert years_words(days, "never") == words


def test_food_choice_label():
    assert food_choice_label({"description": "Milk", "b12_ug": 0.45}) == (
        "Milk (0.45 µg B12 per 100 g)")
    assert food_choice_label({"description": "X", "b12_ug": math.nan}) == "X (B12 unknown)"
    assert food_choice_label({"description": "Spirulina", "b12_ug": 2.0,
                              "b12_reliable": False}).endswith("· not a reliable source)")
    assert food_choice_label({"description": "Cereal", "b12_ug": 6.0,
                              "b12_fortified_ug": 6.0}).endswith("· fortified)")


def test_profile_changes_in_words():
    current = {"age": 35, "diet": "omnivore", "conditions": ["ppi"], "pregnant": True}
    new = {"age": 70, "diet": "omnivore", "conditions": [], "pregnant": False}
    assert profile_changes(current, new, {"age": "Age"}) == [
        "Age 35 → 70", "conditions ppi → none", "pregnant yes → no"]
    assert profile_changes(current, dict(current)) == []
