"""The Streamlit app, driven by Streamlit's own test harness (no browser).

Every flow of the app is exercised: profiles, example plans, the plan editor (edits,
deletions, additions through its session state), adding foods and supplements, the
suggestions panel (the real planner.suggest), saved plans (restored in a new session,
damaged or unwritable files), a food from a label, FoodData Central, CSV upload (good and
hostile files) and the download. After every run the page must hold no exception element.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import planner

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PLANS = Path(__file__).parent / "data" / "plans"
FDC_DATA = Path(__file__).parent / "data" / "fdc"


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch):
    """``st.cache_data`` leaks between AppTest runs (streamlit issue #9139): clear it.

    ``st.cache_resource`` (the food table, keyed by the saved-foods file; the
    suggestions, keyed by plan and profile) is keyed by everything it depends on, so it
    may be shared: that keeps the suite fast. The user folder (saved foods and plans) is
    a fresh temporary folder per test (conftest.py).
    """
    import streamlit as st

    monkeypatch.delenv("FDC_API_KEY", raising=False)
    monkeypatch.delenv("B12_FDC_BASE_URL", raising=False)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def new_session() -> AppTest:
    """A new browser session (same user folder): what a restart or a reload gives."""
    return run(AppTest.from_file(APP, default_timeout=30))


@pytest.fixture
def app() -> AppTest:
    return new_session()


def load(at: AppTest, example: str, match_profile: bool = True) -> AppTest:
    at.selectbox(key="start_choice").set_value(example)
    if example != "empty":
        at.checkbox(key="match_profile").set_value(match_profile)
    at.button(key="load_start").click()
    return run(at)


def plan(at: AppTest) -> pd.DataFrame:
    return at.session_state["plan"]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements) -> str:
    """The elements' text as a reader sees it: Markdown escapes (``\\-``) undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(str(e.value) for e in elements))


def mode(at: AppTest, which: str) -> AppTest:
    """Open one of the "Add to the plan" forms (food, supplement, label, fdc)."""
    at.radio(key="add_mode").set_value(which)
    return run(at)


def edit(at: AppTest, edited=None, added=None, deleted=None) -> AppTest:
    """Simulate the data editor: set its state as the frontend would, then rerun."""
    key = f"plan_editor_{at.session_state['editor_version']}"
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [],
                             "deleted_rows": deleted or []}
    return run(at)


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


def test_day_chart_has_meals_in_order_and_a_target_line(app):
    load(app, "omnivore")
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    bars, rule = spec["layer"][0], spec["layer"][1]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["breakfast", "lunch", "snack",
                                                            "dinner"]
    assert rule["mark"]["type"] == "rule"
    # issue 14: a text description for screen readers, readable labels
    assert spec["description"].startswith("Bar chart of b12 eaten per day, stacked by meal.")
    assert "day 1: " in spec["description"]
    assert spec["config"]["axis"]["labelColor"] == "#31333F"
    assert all("description" in json.loads(c.proto.spec) for c in app.get("vega_lite_chart"))
    assert "The chart as text" in [e.label for e in app.expander]
    app.radio(key="chart_measure").set_value("absorbed_ug")
    run(app)
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    assert "absorbed" in spec["layer"][0]["encoding"]["y"]["title"]


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


# -- profiles -----------------------------------------------------------------------------------
def test_pregnancy_raises_the_target_and_men_cannot_be_pregnant(app):
    load(app, "vegetarian")
    assert "Pregnant" in [c.label for c in app.sidebar.checkbox]
    app.checkbox(key="p_pregnant").check()
    run(app)
    assert metrics(app)["Your target (RDA)"] == "2.6 µg eaten"
    app.radio(key="p_sex").set_value("male")
    run(app)
    assert "Pregnant" not in [c.label for c in app.sidebar.checkbox]
    assert metrics(app)["Your target (RDA)"] == "2.4 µg eaten"


def test_lactation_vegan_gets_daily_source_warning(app):
    load(app, "vegan")
    app.checkbox(key="p_lactating").check()
    run(app)
    assert metrics(app)["Your target (RDA)"] == "2.8 µg eaten"
    assert "every day" in texts(app.warning)


# One flag per kind of box; the flags themselves are unit-tested in tests/test_evaluate.py
# (PPI: test_acid_reducer_is_judged_by_years_of_use below).
@pytest.mark.parametrize("condition, where, words", [
    ("metformin", "warning", "Metformin"),
    ("pernicious_anemia", "error", "clinician"),
    ("nitrous_oxide", "error", "medical care"),
])
def test_conditions_are_flagged_in_plain_words(app, condition, where, words):
    load(app, "older_adult")
    app.multiselect(key="p_conditions").set_value([condition])
    run(app)
    assert words in texts(getattr(app, where))
    assert "Sources:" in texts(getattr(app, where))
    if condition in ("pernicious_anemia", "bariatric_surgery"):  # no intrinsic factor
        assert "sugg_plan" not in [b.key for b in app.button]  # no food plan
        assert "1000 µg once a month, by injection (a clinician's regimen): not added to a plan" \
            in texts(app.caption)
        assert [b.key for b in app.button if b.key.startswith("sugg_supplement_")]


def test_acid_reducer_is_judged_by_years_of_use(app):
    # The old app cut food-bound absorption by 76 % from the first day of a PPI; Lam 2013
    # gives deficiency odds after ≥ 2 years, not an absorption figure [LAM-13].
    load(app, "older_adult")
    before = metrics(app)["B12 absorbed per day"]
    app.multiselect(key="p_conditions").set_value(["ppi"])
    run(app)
    assert metrics(app)["B12 absorbed per day"] == before
    assert "How many years" in texts(app.info)
    app.number_input(key="p_acid_years").set_value(5.0)
    run(app)
    assert "5 years of use (1.65× the odds of deficiency" in texts(app.warning)


def test_neurological_symptoms_send_to_a_doctor(app):
    app.checkbox(key="p_neuro").check()
    run(app)
    assert "See a doctor soon" in texts(app.error)


def test_authority_in_force_and_side_by_side_table(app):
    load(app, "omnivore")
    app.selectbox(key="p_authority").set_value("EFSA")
    run(app)
    assert metrics(app)["Your target (AI)"] == "4 µg eaten"
    assert "European Food Safety Authority" in texts(app.caption)
    table = app.dataframe[0].value
    assert list(table["Authority"].str[:2]) == ["US", "Eu", "Ge", "UK", "WH"]
    assert table.loc[table["In use"] == "yes", "Authority"].str.contains("European").all()


def test_unconfirmed_child_band_is_said(app):
    load(app, "vegetarian", match_profile=False)
    app.number_input(key="p_age").set_value(8)
    app.selectbox(key="p_authority").set_value("EFSA")
    run(app)
    assert "unconfirmed" in texts(app.caption)
    assert "unconfirmed" in texts(app.warning)


def test_foods_outside_my_diet_are_pointed_out(app):
    load(app, "vegetarian")  # a vegetarian's week with cheese, yogurt and eggs
    rows = len(plan(app))
    assert "not vegan" not in texts(app.warning)
    app.selectbox(key="p_diet").set_value("vegan")
    run(app)
    warning = texts(app.warning)
    assert "are not vegan" in warning and "Cheese, Cheddar" in warning
    assert len(plan(app)) == rows  # nothing is dropped: the plan is scored as written


def test_body_store_setting_changes_the_outlook(app):
    load(app, "vegan")
    long = metrics(app)["Leaves the replete zone"]
    app.checkbox(key="p_store_manual").check()
    run(app)
    app.number_input(key="p_store").set_value(600.0)
    run(app)
    assert metrics(app)["Leaves the replete zone"] == "starts low" != long


def test_starting_store_is_estimated_from_what_the_person_says(app):
    load(app, "vegan")
    assert app.session_state["p_store"] == 2500.0
    app.number_input(key="p_years_no_b12").set_value(3.0)
    run(app)
    assert app.session_state["p_store"] == pytest.approx(840.0)  # 2500·e^(−0.001·3·365.25)
    assert "after 3 year(s) without a reliable B12 source" in texts(app.caption)


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


# -- add a food ---------------------------------------------------------------------------------
def test_add_a_food_with_a_portion_every_day(app):
    load(app, "vegan")
    n = len(plan(app))
    app.text_input(key="food_query").input("soy milk")
    run(app)
    choice = app.selectbox(key="food_choice")
    assert "µg B12 per 100 g" in choice.format_func(choice.value)
    app.selectbox(key="food_choice").set_value("fndds:11320100")
    run(app)
    app.selectbox(key="food_portion_fndds:11320100").set_value("1 cup")
    app.number_input(key="food_count").set_value(2.0)
    app.multiselect(key="food_days").set_value(["Every day"])
    app.selectbox(key="food_meal").set_value("lunch")
    app.button(key="add_food").click()
    run(app)
    p = plan(app)
    added = p[(p["food_id"] == "fndds:11320100") & (p["meal"] == "lunch")]
    assert len(p) == n + 7 and len(added) == 7
    assert set(added["grams"]) == {488.0} and set(added["portion"]) == {"2 cup"}
    assert "Added Soy milk, unsweetened" in texts(app.success)


def test_the_food_form_starts_afresh_for_the_next_food(app, foods):
    """Issue 14: "How many" (and the food, days) do not carry over to the next food."""
    load(app, "empty")
    app.text_input(key="food_query").input("banana")
    run(app)
    fid = app.selectbox(key="food_choice").value
    measures = foods.portions(fid)["label"].tolist()
    assert measures, fid  # a household measure to count
    app.selectbox(key=f"food_portion_{fid}").set_value(measures[0])
    run(app)
    app.number_input(key="food_count").set_value(2.0)
    app.button(key="add_food").click()
    run(app)
    assert len(plan(app)) == 1
    assert "Added " in texts(app.success)
    assert app.text_input(key="food_query").value == ""
    app.text_input(key="food_query").input("apple")
    run(app)
    assert app.number_input(key="food_count").value == 1.0


def test_add_a_food_in_grams_on_chosen_days(app):
    load(app, "empty")
    app.text_input(key="food_query").input("salmon")
    app.checkbox(key="food_diet_only").uncheck()
    run(app)
    fid = app.selectbox(key="food_choice").value
    app.selectbox(key=f"food_portion_{fid}").set_value("grams")
    run(app)
    app.number_input(key="food_grams").set_value(150.0)
    app.multiselect(key="food_days").set_value([2, 5])
    app.button(key="add_food").click()
    run(app)
    assert plan(app)["day"].tolist() == [2, 5]
    assert set(plan(app)["grams"]) == {150.0}


def _offered(at: AppTest) -> list[str]:
    boxes = [s for s in at.selectbox if s.key == "food_choice"]
    if not boxes:
        return []
    return list(boxes[0].proto.options)  # the labels people see


def test_search_is_filtered_to_the_diet(app, foods):
    app.selectbox(key="p_diet").set_value("vegan")
    app.text_input(key="food_query").input("cheese")
    run(app)
    assert "(vegan)" in app.checkbox(key="food_diet_only").label
    labels = _offered(app)
    assert labels, "vegan cheese alternatives exist"
    described = set(foods.df.loc[foods.allowed("vegan"), "description"])
    assert all(label.rsplit(" (", 1)[0] in described for label in labels)
    app.checkbox(key="food_diet_only").uncheck()
    run(app)
    assert len(_offered(app)) > len(labels) or any(
        "Cheese, cheddar" in lab for lab in _offered(app))


@pytest.mark.parametrize("query", ["=HYPERLINK(\"http://x\")", "'; DROP TABLE foods;--",
                                   "x" * 500, "🙂🙂🙂", "\x00\x01"])
def test_hostile_search_text_is_harmless(app, query):
    app.text_input(key="food_query").input(query)
    run(app)
    shown = texts(app.warning) + texts(app.caption)
    assert "No food matches" in shown or "Search the USDA table" in shown or [
        s for s in app.selectbox if s.key == "food_choice"]


def test_absurd_numbers_in_widgets_end_readably(app, foods):
    """Out-of-range numbers (which the browser refuses) never crash the app or lose rows."""
    from planner.plan import validate_plan

    load(app, "vegan")
    n = len(plan(app))
    app.checkbox(key="p_store_manual").check()
    run(app)
    for key, value in [("p_age", 999), ("p_age", -5), ("p_store", 1e12),
                       ("p_store", float("nan")), ("p_years_no_b12", 1e9)]:
        app.number_input(key=key).set_value(value)
        run(app)
    mode(app, "supplement")
    for value in (1e12, -1.0, float("inf")):
        app.number_input(key="sup_dose").set_value(value)
        app.button(key="add_sup").click()
        run(app)
    mode(app, "label")
    app.text_input(key="lbl_name").input("x" * 10_000)
    app.number_input(key="lbl_serving").set_value(1e30)
    app.button(key="lbl_save").click()
    run(app)
    p = plan(app)
    assert len(p) >= n
    validate_plan(p, foods)  # whatever happened, the plan is still a valid plan


# -- supplements --------------------------------------------------------------------------------
# The schedule of each frequency is unit-tested (tests/test_plan_edit.py); here the form.
@pytest.mark.parametrize("frequency, days", [("twice weekly", [1, 4])])
def test_supplement_regimens(app, frequency, days):
    load(app, "vegan")
    before = metrics(app)["B12 absorbed per day"]
    mode(app, "supplement")
    app.number_input(key="sup_dose").set_value(1000.0)
    app.selectbox(key="sup_freq").set_value(frequency)
    app.selectbox(key="sup_meal").set_value("dinner")
    app.button(key="add_sup").click()
    run(app)
    sup = plan(app)[plan(app)["food_id"] == "supplement:cyanocobalamin"]
    assert sup["day"].tolist() == days
    assert set(sup["dose_ug"]) == {1000.0} and set(sup["meal"]) == {"dinner"}
    assert metrics(app)["B12 absorbed per day"] != before


def test_a_daily_supplement_fixes_the_vegan_week(app):
    load(app, "vegan")
    assert metrics(app)["Status"] == "Below the requirement"
    mode(app, "supplement")
    app.number_input(key="sup_dose").set_value(250.0)
    app.button(key="add_sup").click()
    run(app)
    assert metrics(app)["Status"] == "Meets the goal"


# -- suggestions --------------------------------------------------------------------------------
def _suggestion_for(at: AppTest, foods):
    """What planner.suggest says about the app's current plan and profile."""
    from planner.profile import Profile
    from planner.suggest import suggest

    ss = at.session_state
    profile = Profile(age=int(ss["p_age"]), sex=ss["p_sex"], diet=ss["p_diet"],
                      conditions=tuple(ss["p_conditions"]), authority=ss["p_authority"])
    return suggest(plan(at), profile, foods, days=7)


def test_suggestions_panel_shows_the_real_suggestion_and_applies_it(app, foods):
    load(app, "vegan")
    n = len(plan(app))
    result = _suggestion_for(app, foods)
    assert result.status == "plan_found"
    assert result.messages[0] in texts(app.info)
    shown = texts(app.markdown)
    first_addition = result.additions.iloc[0]
    assert f"{first_addition['portion']} {first_addition['description']}" in shown
    foods_offered = result.food_options().drop_duplicates("option")
    sups_offered = result.supplement_options().drop_duplicates("option")
    for title in [*foods_offered["title"][:4], *sups_offered["title"][:4]]:
        assert title in shown
    assert [b.key for b in app.button if b.key.startswith("sugg_food_")] == [
        f"sugg_food_{i}" for i in range(min(4, len(foods_offered)))]
    assert foods_offered["detail"].iloc[0] in texts(app.caption)
    # one click adds the first food card: one serving every day at its meal
    option = foods_offered.iloc[0]
    app.button(key="sugg_food_0").click()
    run(app)
    p = plan(app)
    added = p[(p["food_id"] == option["food_id"]) & (p["meal"] == option["meal"])
              & (p["portion"] == option["portion"])]
    assert len(p) == n + 7 and sorted(added["day"]) == list(range(1, 8))
    assert f"Added {option['title']}" in texts(app.success)


@pytest.mark.parametrize("example", ["vegan"])  # the vegetarian week: tests/test_suggest.py
def test_real_suggestions_reach_the_goal(app, foods, example):
    load(app, example)
    assert metrics(app)["Status"] != "Meets the goal"
    n = len(plan(app))
    additions = _suggestion_for(app, foods).additions
    app.button(key="sugg_plan").click()
    run(app)
    assert len(plan(app)) == n + len(additions)
    assert metrics(app)["Status"] == "Meets the goal"
    assert "Added the least-change plan" in texts(app.success)


def test_real_suggestion_cards_add_rows(app):
    load(app, "older_adult")
    app.multiselect(key="p_conditions").set_value(["ppi"])
    run(app)
    n = len(plan(app))
    buttons = [b for b in app.button if b.key.startswith("sugg_supplement_")]
    assert buttons
    buttons[0].click()
    run(app)
    assert (plan(app)["food_id"] == "supplement:cyanocobalamin").sum() >= 1
    assert len(plan(app)) > n
    assert metrics(app)["Status"] == "Meets the goal"


def test_an_error_in_one_section_is_readable(app, monkeypatch):
    import planner

    def broken(*args, **kwargs):
        raise RuntimeError("chart exploded")

    monkeypatch.setattr(planner, "day_chart", broken)  # the app calls planner.day_chart
    load(app, "vegan")  # run() asserts there is no exception element
    assert "Something went wrong in “Results” (RuntimeError: chart exploded)" in texts(app.error)
    assert app.get("download_button")  # the other sections still work
    assert "sugg_plan" in [b.key for b in app.button]


# -- saved plans ----------------------------------------------------------------------------------
def test_a_new_session_restores_the_plan_saved_by_the_last(app):
    load(app, "vegan")
    edit(app, deleted=[0])  # every change is saved, not only loads
    edited = plan(app).copy()
    again = new_session()
    pd.testing.assert_frame_equal(plan(again), edited)
    assert (f"Restored your last plan ({len(edited)} entries) and your profile (left)."
            in texts(again.info))
    assert metrics(again)["Status"] == "Below the requirement"
    assert "could not" not in texts(again.warning)
    load(again, "empty")  # an empty plan is restored as empty, without a message
    third = new_session()
    assert len(plan(third)) == 0
    assert "Restored" not in texts(third.info) and not third.warning  # nothing to flag


def test_a_new_session_restores_the_profile(app):
    load(app, "older_adult")  # sets the profile to a 70-year-old man
    app.multiselect(key="p_conditions").set_value(["ppi", "metformin"])
    app.selectbox(key="p_authority").set_value("EFSA")
    app.checkbox(key="p_store_manual").check()
    run(app)
    app.number_input(key="p_store").set_value(900.0)
    run(app)
    before = metrics(app)
    again = new_session()
    ss = again.session_state
    assert (ss["p_age"], ss["p_sex"], ss["p_diet"]) == (70, "male", "omnivore")
    assert sorted(ss["p_conditions"]) == ["metformin", "ppi"]
    assert (ss["p_authority"], ss["p_store"]) == ("EFSA", 900.0)
    assert metrics(again) == before  # the same person, the same verdict


def test_a_damaged_saved_profile_warns_and_uses_the_defaults():
    from planner.saved_plans import profile_path

    profile_path().parent.mkdir(parents=True, exist_ok=True)
    profile_path().write_text('{"profile": {"age": 30, "diet": "carnivore"}}')
    at = new_session()
    assert "profile.json.corrupt-1" in texts(at.warning)
    assert at.session_state["p_diet"] == "omnivore" and not at.exception


def test_a_damaged_saved_plan_warns_and_starts_empty():
    from planner.saved_plans import plans_dir

    plans_dir().mkdir(parents=True)
    (plans_dir() / "current.csv").write_bytes(b"day,meal,food_id,grams\n1,lunch,nope,abc\n")
    at = new_session()
    warning = texts(at.warning)
    assert "The saved plan 'current' could not be read" in warning
    assert "current.csv.corrupt-1" in warning and "Starting with an empty plan" in warning
    assert len(plan(at)) == 0 and "Your plan is empty" in texts(at.info)
    assert (plans_dir() / "current.csv.corrupt-1").is_file()  # kept, never overwritten
    run(at)  # shown once
    assert not at.warning


def test_a_failed_save_warns_once_and_keeps_the_plan(monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plans").write_text("a file where the plans folder should be")
    monkeypatch.setenv("B12_PLANNER_HOME", str(home))
    at = new_session()
    load(at, "vegan")
    assert "Your plan could not be saved on this computer" in texts(at.warning)
    assert len(plan(at)) > 50 and metrics(at)["Status"] == "Below the requirement"
    edit(at, deleted=[0])
    assert "could not be saved" not in texts(at.warning)  # said once, not on every change
    assert len(plan(at)) > 50


def test_save_as_open_and_delete(app):
    from planner.saved_plans import list_saved_plans

    load(app, "vegan")
    vegan = plan(app).copy()
    app.text_input(key="save_name").input("current")
    app.button(key="save_as").click()
    run(app)
    assert "Not saved" in texts(app.error)
    app.text_input(key="save_name").input("My vegan week!")
    app.button(key="save_as").click()
    run(app)
    assert "Saved your plan as “my vegan week!”." in texts(app.success)
    assert "my vegan week!" in list_saved_plans()
    load(app, "omnivore")
    assert app.selectbox(key="open_choice").options == ["my vegan week!"]  # not "current"
    app.button(key="open_saved").click()
    run(app)
    pd.testing.assert_frame_equal(plan(app), vegan)
    assert app.session_state["plan_name"] == "Saved plan “my vegan week!”"
    assert "Opened the saved plan “my vegan week!”" in texts(app.success)
    app.button(key="undo").click()  # back to the omnivore week
    run(app)
    assert app.session_state["plan_name"] == "The omnivore week example"
    assert app.button(key="delete_saved").disabled  # not without a tick
    app.checkbox(key="confirm_delete").check()
    run(app)
    app.button(key="delete_saved").click()
    run(app)
    assert "Deleted the saved plan “my vegan week!”." in texts(app.info)
    assert list_saved_plans() == ["current"]
    assert "No saved plans yet" in texts(app.caption)


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
    from planner.userfoods import read_user_foods

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
    from planner.userfoods import read_user_foods

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
    from planner.userfoods import read_user_foods

    saved, _ = read_user_foods()
    assert saved["description"].tolist() == ["=1+2"]


# -- FoodData Central ---------------------------------------------------------------------------
def test_fdc_search_and_save(app, monkeypatch):
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        payload = json.loads((FDC_DATA / "search_page1.json").read_text(encoding="utf-8"))
        server.expect_request("/fdc/v1/foods/search").respond_with_json(payload)
        monkeypatch.setenv("FDC_API_KEY", "test-key-not-real")
        monkeypatch.setenv("B12_FDC_BASE_URL", server.url_for("/fdc/v1"))
        mode(app, "fdc")
        app.text_input(key="fdc_query").input("soymilk")
        app.button(key="fdc_go").click()
        run(app)
        assert not app.error, texts(app.error)
        fid = app.selectbox(key="fdc_choice").value
        assert fid.startswith("fdc:")
        app.button(key="fdc_save").click()
        run(app)
        assert "from FoodData Central" in texts(app.success)
        assert app.session_state["food_choice"] == fid
        from planner.userfoods import read_user_foods

        assert fid in set(read_user_foods()[0]["food_id"])
        app.button(key="add_food").click()  # and it goes into the plan like any food
        run(app)
        assert (plan(app)["food_id"] == fid).any()
    finally:
        server.clear()
        server.stop()


def test_fdc_errors_are_readable(app, monkeypatch):
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        server.expect_request("/fdc/v1/foods/search").respond_with_json(
            {"error": {"code": "API_KEY_INVALID", "message": "bad key"}}, status=403)
        monkeypatch.setenv("FDC_API_KEY", "test-key-not-real")
        monkeypatch.setenv("B12_FDC_BASE_URL", server.url_for("/fdc/v1"))
        mode(app, "fdc")
        app.text_input(key="fdc_query").input("soymilk")
        app.button(key="fdc_go").click()
        run(app)
        assert "key" in texts(app.error).lower()
        assert "test-key-not-real" not in texts(app.error)
    finally:
        server.clear()
        server.stop()


# -- upload -------------------------------------------------------------------------------------
def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader(key="uploader").set_value((name, data, mime))
    return run(at)


def test_upload_a_good_csv(app, foods):
    from planner.examples import load_example
    from planner.plan_csv import plan_to_csv

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


# -- download -----------------------------------------------------------------------------------
def test_download_button_and_its_bytes(app, foods):
    load(app, "vegan")
    assert app.get("download_button")
    from planner.evaluate import evaluate
    from planner.plan_csv import plan_from_csv, plan_to_csv
    from planner.profile import Profile

    p = plan(app)
    ev = evaluate(p, Profile(age=30, sex="female", diet="vegan"), foods, days=7)
    text = plan_to_csv(p, evaluation=ev)
    header = text.splitlines()[0].split(",")
    assert header[-3:] == ["ingested_ug", "fortified_ug", "absorbed_ug"]
    again = plan_from_csv(io.StringIO(text), foods)
    pd.testing.assert_frame_equal(again, p)


# -- verdicts, the span rule and the store outlook (issue 11) -----------------------------------
def _one_row_plan(app, dose, conditions=(), age=40):
    """A plan with one supplement row on day 1, through the supplement form."""
    load(app, "empty")
    app.number_input(key="p_age").set_value(age)
    app.multiselect(key="p_conditions").set_value(list(conditions))
    run(app)
    mode(app, "supplement")
    app.number_input(key="sup_dose").set_value(float(dose))
    app.selectbox(key="sup_freq").set_value("daily")
    app.button(key="add_sup").click()
    run(app)
    # keep only day 1: a one-day plan
    p = plan(app)
    edit(app, deleted=[int(i) for i in p.index[p["day"] != 1]])
    assert plan(app)["day"].tolist() == [1]
    return app


def test_a_one_day_plan_is_not_stretched_to_a_week(app):
    # the case: 10 µg on one day was 0.16 µg absorbed in the app, 1.14 in the CLI
    _one_row_plan(app, 10)
    assert metrics(app)["B12 absorbed per day"] == "1.14 µg"
    assert "Averaged over **1 day(s)**, day 1 to day 1" in texts(app.caption)
    app.number_input(key="span_days_input").set_value(7)
    run(app)
    assert metrics(app)["B12 absorbed per day"] == "0.16 µg"  # only when asked for
    assert "Day(s) 2, 3, 4, 5, 6, 7 have no entries" in texts(app.caption)


@pytest.mark.parametrize("condition", ["pernicious_anemia"])  # others: test_evaluate.py
def test_clinician_managed_conditions_never_show_a_green_box(app, condition):
    # the case: pernicious anaemia with 250 µg a day showed "Enough B12" in green
    _one_row_plan(app, 250, conditions=[condition])
    assert metrics(app)["Status"] == "Needs a clinician"
    assert not [s for s in app.success if "Meets the goal" in str(s.value)]
    assert "**Needs a clinician.**" in texts(app.error)


def test_app_verdict_equals_the_library_and_cli(app, foods):
    from planner.evaluate import evaluate
    from planner.profile import Profile
    from planner.verdicts import Verdict

    load(app, "vegan")
    app.selectbox(key="p_authority").set_value("EFSA")
    run(app)
    ss = app.session_state
    s = evaluate(plan(app), Profile(age=ss["p_age"], sex=ss["p_sex"], diet=ss["p_diet"],
                                    authority="EFSA"), foods).summary
    assert metrics(app)["Status"] == Verdict(s["verdict"]).label
    assert s["verdict"] in ("below_ai", "meets_goal")


def test_store_outlook_agrees_with_a_low_verdict(app):
    _one_row_plan(app, 1)  # 1 µg a day: 0.56 µg absorbed, below the requirement
    assert metrics(app)["Status"] == "Below the requirement"
    m = metrics(app)
    assert m["Where the store settles"] == "560 µg"  # a low steady state, not "never"
    assert m["Depleted (below 300 µg)"] == "never"
    assert "settles near 560 µg: low" in texts(app.caption)
