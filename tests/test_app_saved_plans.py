"""The Streamlit app through Streamlit's own test harness (no browser): Saved plans (restored
in a new session, damaged or unwritable files, Save as, Open, Delete) and the download.

One module per component of the ``ui`` package; shared helpers in ``apptest_helpers``.
After every run the page must hold no exception element.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

pytest.importorskip("streamlit")
from apptest_helpers import (  # noqa: E402
    edit,
    load,
    metrics,
    new_session,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


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
    from planner.io.saved_plans import profile_path

    profile_path().parent.mkdir(parents=True, exist_ok=True)
    profile_path().write_text('{"profile": {"age": 30, "diet": "carnivore"}}')
    at = new_session()
    assert "profile.json.corrupt-1" in texts(at.warning)
    assert at.session_state["p_diet"] == "omnivore" and not at.exception


def test_a_damaged_saved_plan_warns_and_starts_empty():
    from planner import plans_dir

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
    from planner import list_saved_plans

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

# -- download -----------------------------------------------------------------------------------
def test_download_button_and_its_bytes(app, foods):
    load(app, "vegan")
    assert app.get("download_button")
    from planner import Profile, evaluate, plan_from_csv, plan_to_csv

    p = plan(app)
    ev = evaluate(p, Profile(age=30, sex="female", diet="vegan"), foods, days=7)
    text = plan_to_csv(p, evaluation=ev)
    header = text.splitlines()[0].split(",")
    assert header[-3:] == ["ingested_ug", "fortified_ug", "absorbed_ug"]
    again = plan_from_csv(io.StringIO(text), foods)
    pd.testing.assert_frame_equal(again, p)
