"""The Streamlit app through Streamlit's own test harness (no browser): A food from its label:
saved, edited, deleted, refused when it makes no sense.

One module per component of the ``ui`` package; shared helpers in ``apptest_helpers``.
After every run the page must hold no exception element.
"""

from __future__ import annotations

import pytest

import planner

pytest.importorskip("streamlit")
from apptest_helpers import (  # noqa: E402
    edit,
    load,
    mode,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


# -- a food from a label ------------------------------------------------------------------------
def test_custom_food_from_a_label_in_ug(app):
    load(app, "vegan")
    mode(app, "label")
    app.text_input(key="lbl_name").input("Oat drink barista")
    app.text_input(key="lbl_brand").input("Oatly")
    app.number_input(key="lbl_serving").set_value(250.0)
    app.number_input(key="lbl_ug").set_value(0.95)
    run(app)
    app.button(key="lbl_save").click()
    run(app)
    assert "Saved “Oat drink barista”" in texts(app.success)
    assert app.session_state["add_mode"] == "food"  # back to the food form, food selected
    fid = app.session_state["food_choice"]
    assert fid.startswith("user:")
    from planner import read_user_foods

    saved, portions = read_user_foods()
    assert saved.set_index("food_id").loc[fid, "b12_ug"] == pytest.approx(0.38)
    # it is now searchable and addable like any food
    app.multiselect(key="food_days").set_value(["Every day"])
    app.button(key="add_food").click()
    run(app)
    assert (plan(app)["food_id"] == fid).sum() == 7


def test_saved_label_foods_can_be_edited_and_deleted(app):
    mode(app, "label")
    app.text_input(key="lbl_name").input("Oat drink")
    app.number_input(key="lbl_serving").set_value(200.0)
    app.number_input(key="lbl_ug").set_value(0.8)
    app.button(key="lbl_save").click()
    run(app)
    fid = app.session_state["food_choice"]
    mode(app, "label")
    assert "Your foods from labels (1)" in [e.label for e in app.expander]
    app.button(key="lbl_edit_0").click()
    run(app)
    assert app.text_input(key="lbl_name").value == "Oat drink"
    assert app.number_input(key="lbl_ug").value == pytest.approx(0.8)
    assert "Editing your saved food" in texts(app.info)
    app.number_input(key="lbl_ug").set_value(1.2)
    app.button(key="lbl_save").click()
    run(app)
    assert "Updated “Oat drink”" in texts(app.success)
    saved = planner.read_user_foods()[0].set_index("food_id")
    assert list(saved.index) == [fid]  # replaced, not a second food
    assert saved.loc[fid, "b12_ug"] == pytest.approx(0.6)
    app.button(key="add_food").click()  # in the plan: deleting is refused
    run(app)
    assert (plan(app)["food_id"] == fid).any()
    mode(app, "label")
    app.button(key="lbl_delete_0").click()
    run(app)
    assert "is in your plan" in texts(app.error)
    assert fid in set(planner.read_user_foods()[0]["food_id"])
    edit(app, deleted=list(range(len(plan(app)))))
    mode(app, "label")
    app.button(key="lbl_delete_0").click()
    run(app)
    assert "Deleted your saved food “Oat drink”" in texts(app.info)
    assert fid not in set(planner.read_user_foods()[0]["food_id"])


# The 2.4 µg basis: tests/test_userfoods.py; here the question the form asks.
@pytest.mark.parametrize("dv, expected_ug", [(6.0, 1.5)])
def test_custom_food_from_percent_dv_asks_which_dv(app, dv, expected_ug):
    mode(app, "label")
    app.text_input(key="lbl_name").input("Cereal X")
    app.radio(key="lbl_mode").set_value("pct")
    run(app)
    app.number_input(key="lbl_serving").set_value(100.0)
    app.number_input(key="lbl_pct").set_value(25.0)
    app.radio(key="lbl_dv").set_value(dv)
    app.selectbox(key="lbl_diet").set_value("vegetarian")
    app.button(key="lbl_save").click()
    run(app)
    from planner import read_user_foods

    saved, _ = read_user_foods()
    assert saved["b12_ug"].iloc[0] == pytest.approx(expected_ug)
    assert saved["diet"].iloc[0] == "vegetarian"


@pytest.mark.parametrize("name", ["", "   "])
def test_custom_food_without_a_name_is_refused(app, name):
    mode(app, "label")
    app.text_input(key="lbl_name").input(name)
    app.button(key="lbl_save").click()
    run(app)
    assert "Not saved" in texts(app.error)


def test_custom_food_with_formula_name_is_stored_as_text(app):
    mode(app, "label")
    app.text_input(key="lbl_name").input("=1+2")
    app.button(key="lbl_save").click()
    run(app)
    from planner import read_user_foods

    saved, _ = read_user_foods()
    assert saved["description"].tolist() == ["=1+2"]
