"""The Streamlit app through Streamlit's own test harness (no browser): Start: the first page,
example weeks (asking before the profile changes), Undo, an empty plan, and CSV upload.

One module per component of the ``ui`` package; shared helpers in ``apptest_helpers``.
After every run the page must hold no exception element.
"""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("streamlit")
from apptest_helpers import (  # noqa: E402
    PLANS,
    AppTest,
    edit,
    load,
    metrics,
    mode,
    new_session,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


# -- first page -------------------------------------------------------------------------------
def test_first_page_explains_itself(app):
    assert app.title[0].value == "B12 Planner"
    assert "Your plan is empty" in texts(app.info)
    assert len(plan(app)) == 0
    everything = texts(app.caption) + texts(app.markdown)
    assert everything.count("Not medical advice") == 1
    mode(app, "fdc")
    assert "Search all of USDA FoodData Central" in texts(app.info)
    assert "api-key-signup" in texts(app.info)


# -- example plans ------------------------------------------------------------------------------
# One example below and one meeting the goal: every example's numbers are checked in
# milliseconds by tests/test_examples.py (the suite stays quick, issue 14).
@pytest.mark.parametrize("example, diet, status", [
    ("vegan", "vegan", "Below the requirement"),
    ("omnivore", "omnivore", "Meets the goal"),
])
def test_example_plans_load_and_evaluate(app, example, diet, status):
    load(app, example)
    assert len(plan(app)) > 50
    assert app.session_state["p_diet"] == diet
    m = metrics(app)
    assert m["Status"] == status
    assert m["B12 eaten per day"].endswith("µg")
    assert m["Depleted (below 300 µg)"] and m["Where the store settles"].endswith("µg")
    assert len([e for e in app.get("vega_lite_chart")]) == 3  # day, split, store
    assert "Loaded the" in texts(app.success)
    if status == "Meets the goal":  # the suggestions say so, and offer only a margin
        assert "The options below would add a margin." in texts(app.success)
        assert "Nothing needed: your plan meets the goal." in texts(app.caption)
        assert "sugg_plan" not in [b.key for b in app.button]
    else:
        assert "sugg_plan" in [b.key for b in app.button]

def test_loading_replaces_and_undo_restores(app):
    load(app, "vegan")
    load(app, "omnivore")
    assert app.session_state["plan_name"] == "The omnivore week example"
    app.button(key="undo").click()
    run(app)
    assert app.session_state["plan_name"] == "The vegan week example"
    assert (plan(app)["food_id"] == "sr28:16114").any()  # tempeh is back
    again = new_session()  # the undone plan is the saved one
    assert again.session_state["plan_name"] == "Your plan from last time"
    pd.testing.assert_frame_equal(plan(again), plan(app))


def test_example_without_changing_my_profile(app):
    app.selectbox(key="p_diet").set_value("pescatarian")
    run(app)
    load(app, "vegan", match_profile=False)
    assert app.session_state["p_diet"] == "pescatarian"


def test_loading_an_example_asks_before_changing_the_profile(app):
    """Issue 14: the box is not ticked by default; ticked, the notice says what changed."""
    app.number_input(key="p_age").set_value(40)
    run(app)
    app.selectbox(key="start_choice").set_value("older_adult")
    run(app)
    assert app.checkbox(key="match_profile").value is False
    app.button(key="load_start").click()
    run(app)
    assert app.session_state["p_age"] == 40 and app.session_state["p_diet"] == "omnivore"
    assert "Your profile is unchanged" in texts(app.success)
    app.selectbox(key="start_choice").set_value("vegan")
    app.checkbox(key="match_profile").check()
    app.button(key="load_start").click()
    run(app)
    assert app.session_state["p_diet"] == "vegan"
    assert "Your profile now matches this person: " in texts(app.success)
    assert "diet omnivore → vegan" in texts(app.success)


def test_the_current_plan_is_said_in_words(app):
    load(app, "vegan")
    assert "You are working on: **The vegan week example** (" in texts(app.caption)
    edit(app, edited={0: {"grams": 50.0}})
    assert "**The vegan week example, with your changes**" in texts(app.caption)
    assert "Undo" not in [b.label for b in app.button]  # an edit is not a replacement


def test_about_the_model_and_the_plan_as_a_list(app):
    assert "About the model: how the numbers are made" in [e.label for e in app.expander]
    assert "Intrinsic factor" in texts(app.markdown)
    load(app, "vegan")
    label = "The plan as a list (food, amount, B12), easier to read on a phone"
    assert label in [e.label for e in app.expander]
    listed = texts(app.markdown)
    assert "**Day 1**" in listed and "**Day 7**" in listed
    assert "breakfast: Oatmeal, regular or quick" in listed
    assert "µg B12 (not counted)" in listed  # tempeh, nori, miso


def test_empty_plan(app):
    load(app, "vegan")
    load(app, "empty")
    assert len(plan(app)) == 0
    assert "Your plan is empty" in texts(app.info)

# -- upload -------------------------------------------------------------------------------------
def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader(key="uploader").set_value((name, data, mime))
    return run(at)


def test_upload_a_good_csv(app, foods):
    from planner import load_example, plan_to_csv

    good = plan_to_csv(load_example("older_adult", foods)).encode()
    upload(app, "my-week.csv", good)
    assert len(plan(app)) == len(load_example("older_adult", foods))
    assert app.session_state["plan_name"] == "Imported from my-week.csv"
    assert "Imported" in texts(app.success)
    run(app)  # a rerun does not import the same file again
    assert "Imported" not in texts(app.success)


def test_upload_the_shared_test_export(app):
    upload(app, "export.csv", (PLANS / "export.csv").read_bytes())
    assert "Import failed" not in texts(app.error)
    assert len(plan(app)) == 3


BAD_FILES = [
    ("latin1.csv", (PLANS / "latin1.csv").read_bytes(), "UTF-8"),
    ("binary.csv", bytes(range(256)) * 40, "binary"),
    ("huge.csv", b"day,meal,food_id,grams\n" + b"1,lunch,sr28:01123,50\n" * 500_000, "MB"),
    ("book.csv", b"PK\x03\x04" + b"\x00" * 100, "workbook"),
    ("utf16.csv", "day,meal,food_id,grams\n".encode("utf-16"), "UTF-16"),
    ("empty.csv", b"", "empty"),
    ("unknown.csv", (PLANS / "unknown_ids.csv").read_bytes(), "unknown food_id"),
    ("absurd.csv", b"day,meal,food_id,grams\n999999,lunch,sr28:01123,1e308\n", "day"),
    ("quote.csv", (PLANS / "unterminated_quote.csv").read_bytes(), "quote"),
]


def test_upload_bad_files_keeps_the_plan(app):
    load(app, "vegetarian")
    before = plan(app).copy()
    for name, data, words in BAD_FILES:  # one session, one bad file after another
        upload(app, name, data)
        error = texts(app.error)
        assert "Import failed, your plan is unchanged" in error, name
        assert words in error, (name, error)
        pd.testing.assert_frame_equal(plan(app), before, obj=name)


def test_an_unexpected_error_while_importing_is_a_message_and_the_results_stay(app,
                                                                              monkeypatch):
    """The upload is read before the page is drawn (the results come first): a bug there
    must not take the page down."""
    import planner

    load(app, "vegetarian")
    before = plan(app).copy()

    def broken(*args, **kwargs):
        raise RuntimeError("reader exploded")

    monkeypatch.setattr(planner, "plan_from_csv", broken)  # the app calls planner.plan_from_csv
    upload(app, "week.csv", b"day,meal,food_id,grams\n1,lunch,sr28:01123,50\n")
    assert ("Something went wrong in “Import a plan” (RuntimeError: reader exploded)"
            in texts(app.error))
    pd.testing.assert_frame_equal(plan(app), before)
    assert metrics(app)  # the results are still drawn


def test_upload_error_names_the_foods_not_just_ids(app):
    upload(app, "typos.csv", b"day,meal,food_id,grams\n1,lunch,sr28:1123,50\n1,lunch,egg,50\n")
    shown = texts(app.error)
    assert "Import failed, your plan is unchanged." in shown
    assert "Did you mean sr28:01123 (Egg, whole, raw, fresh)?" in shown
    assert "unknown food_id 'egg'. Foods with that name: Egg" in shown


def test_upload_formula_text_is_text(app):
    upload(app, "formula.csv", (PLANS / "formula.csv").read_bytes())
    p = plan(app)
    if "Import failed" in texts(app.error):  # e.g. the test file's ids are not in the table
        assert len(p) == 0
    else:
        assert p["description"].str.startswith(("=", "+", "-", "@")).any()
