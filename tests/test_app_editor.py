"""The Streamlit app through Streamlit's own test harness (no browser): The plan editor: edits,
deletions and additions through its session state.

One module per component of the ``ui`` package; shared helpers in ``apptest_helpers``.
After every run the page must hold no exception element.
"""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("streamlit")
from apptest_helpers import (  # noqa: E402
    edit,
    load,
    metrics,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


# -- plan editor --------------------------------------------------------------------------------
def test_edit_delete_and_add_rows_through_the_editor(app):
    load(app, "omnivore")
    n = len(plan(app))
    first = plan(app).iloc[0]
    edit(app, edited={0: {"grams": 10.0}}, deleted=[1, 2])
    p = plan(app)
    assert len(p) == n - 2
    row = p[(p["food_id"] == first["food_id"]) & (p["day"] == 1)].iloc[0]
    assert row["grams"] == 10.0 and row["portion"] == ""  # the measure no longer applies
    edit(app, added=[{"day": 3, "meal": "snack", "food_id": "sr28:01129", "grams": 50}])
    p = plan(app)
    assert len(p) == n - 1
    assert ((p["food_id"] == "sr28:01129") & (p["day"] == 3)).any()
    assert "Plan updated" in texts(app.success)


BAD_EDITS = [
    {"edited_rows": {0: {"grams": 99999.0}}},
    {"edited_rows": {0: {"grams": -5}}},
    {"edited_rows": {0: {"day": 0}}},
    {"edited_rows": {0: {"time": "=cmd|' /C calc'!A0"}}},
    {"edited_rows": {0: {"meal": ""}}},
    {"added_rows": [{"day": 1, "meal": "lunch", "food_id": "nope", "grams": "abc"}]},
    {"added_rows": [{"day": 1, "meal": "lunch", "food_id": "supplement:unicorn",
                     "dose_ug": 1e9}]},
]


def test_bad_edits_leave_the_plan_intact(app):
    load(app, "vegetarian")
    before = plan(app).copy()
    for bad in BAD_EDITS:  # one session, one bad edit after another
        edit(app, edited=bad.get("edited_rows"), added=bad.get("added_rows"))
        pd.testing.assert_frame_equal(plan(app), before, obj=str(bad))
        assert "your plan is unchanged" in texts(app.error), bad
        run(app)  # the bad edit is gone from the editor: no repeated error
        assert "your plan is unchanged" not in texts(app.error), bad


def test_editor_shows_unknown_b12_as_unknown(app, foods):
    unknown = foods.df.index[foods.df["b12_ug"].isna() & (foods.df["diet"] == "vegan")][0]
    load(app, "empty")
    edit(app, added=[{"day": 1, "meal": "lunch", "food_id": unknown, "grams": 100}])
    view = app.dataframe[-1].value
    assert view.loc[view["food_id"] == unknown, "b12"].tolist() == ["unknown"]
    assert "unknown" in texts(app.caption)
    assert metrics(app)["B12 eaten per day"] == "at least 0.0 µg"
    assert "no USDA B12 value" in texts(app.info)
