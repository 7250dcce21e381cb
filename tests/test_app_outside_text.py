"""Issue 13: every text the app shows from outside (a CSV and its file name, a saved food,
FoodData Central, a plan name) is displayed as text, never run as Markdown; and "Save as…"
asks before it replaces a saved plan.

A shared CSV must not make the browser load an image from another address or show a
look-alike link. Each test feeds such text in and checks every element that renders
Markdown (messages, captions, Markdown, button labels, toasts).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from planner.io.plan_csv import plan_to_csv  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FDC_DATA = Path(__file__).parent / "data" / "fdc"
#: Markdown that would load a tracking image and show a link that is not what it says.
HOSTILE = "![t](http://127.0.0.1:9/t.png)[Bank](http://e.example/) *x* <b>y</b> :red[z]"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
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


def shown(at: AppTest) -> list[str]:
    """The Markdown source of every element that renders Markdown."""
    out = []
    for kind in ("error", "warning", "success", "info", "markdown", "caption", "toast",
                 "subheader", "title"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(b.label) for b in at.button]
    return out


def unescaped(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def assert_only_as_text(at: AppTest, hostile: str = HOSTILE) -> None:
    """``hostile`` appears on the page, and only with its Markdown escaped."""
    sources = shown(at)
    found = [s for s in sources if hostile in unescaped(s)]
    assert found, "the text is not shown at all"
    for s in sources:
        assert hostile not in s, s                     # never as live Markdown
        for live in ("](http", "![", "<b>", ":red["):
            assert live not in s, (live, s)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="uploader").set_value((name, data, "text/csv"))
    return run(at)


def test_import_error_quotes_the_file_as_text():
    at = run(AppTest.from_file(APP, default_timeout=30))
    short = "![t](http://127.0.0.1:9/t.png)[B](http://e.x/)"  # quoted whole (< 60 chars)
    bad = ("day,meal,food_id,grams,description\n"
           f'1,lunch,"{short}",50,x\n').encode()
    upload(at, "week.csv", bad)
    assert "Import failed" in unescaped("\n".join(shown(at)))
    assert_only_as_text(at, short)


def test_the_imported_file_name_is_text_in_notices_captions_and_undo(foods):
    from planner.io.examples import load_example

    at = run(AppTest.from_file(APP, default_timeout=30))
    at.selectbox(key="start_choice").set_value("vegan")
    at.button(key="load_start").click()
    run(at)
    name = f"{HOSTILE}.csv"
    upload(at, name, plan_to_csv(load_example("older_adult", foods)).encode())
    assert at.session_state["plan_name"] == f"Imported from {name}"
    assert_only_as_text(at, name)          # the "Imported … from <file>" notice, the caption
    at.selectbox(key="start_choice").set_value("omnivore")
    at.button(key="load_start").click()
    run(at)
    assert_only_as_text(at, name)          # "Undo: back to “Imported from …”"


def test_a_saved_food_in_the_not_in_your_diet_flag_and_suggestions():
    from planner.io.userfoods import save_user_food

    fid = save_user_food({"food_id": "user:hostile", "description": HOSTILE,
                          "diet": "omnivore", "b12_ug": 3.0})
    at = run(AppTest.from_file(APP, default_timeout=30))
    at.selectbox(key="p_diet").set_value("vegan")
    plan = pd.DataFrame({"day": range(1, 8), "meal": "lunch", "food_id": fid,
                         "grams": 100.0})
    upload(at, "plan.csv", plan_to_csv(plan).encode())
    flags = unescaped("\n".join(str(w.value) for w in at.warning))
    assert "not vegan" in flags
    assert_only_as_text(at)


def test_a_label_food_name_in_the_saved_notice():
    at = run(AppTest.from_file(APP, default_timeout=30))
    at.radio(key="add_mode").set_value("label")
    run(at)
    at.text_input(key="lbl_name").input(HOSTILE)
    run(at)
    at.button(key="lbl_save").click()
    run(at)
    assert any("Saved" in unescaped(s) for s in shown(at))
    assert_only_as_text(at)


def test_text_from_fooddata_central_and_its_errors(monkeypatch):
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        payload = json.loads((FDC_DATA / "search_page1.json").read_text(encoding="utf-8"))
        for food in payload["foods"]:
            food["description"] = HOSTILE
        server.expect_oneshot_request("/fdc/v1/foods/search").respond_with_json(payload)
        server.expect_request("/fdc/v1/foods/search").respond_with_json(
            {"error": {"code": "X", "message": HOSTILE}}, status=400)
        monkeypatch.setenv("FDC_API_KEY", "test-key-not-real")
        monkeypatch.setenv("B12_FDC_BASE_URL", server.url_for("/fdc/v1"))
        at = run(AppTest.from_file(APP, default_timeout=30))
        at.radio(key="add_mode").set_value("fdc")
        run(at)
        at.text_input(key="fdc_query").input("soymilk")
        at.button(key="fdc_go").click()
        run(at)
        at.button(key="fdc_save").click()
        run(at)
        assert_only_as_text(at)                     # "Saved “…” from FoodData Central"
        at.radio(key="add_mode").set_value("fdc")
        run(at)
        at.text_input(key="fdc_query").input("tofu")  # not cached: FDC answers an error
        at.button(key="fdc_go").click()
        run(at)
        assert any("rejected the request" in unescaped(str(e.value)) for e in at.error)
        assert_only_as_text(at)
    finally:
        server.clear()
        server.stop()


def test_save_as_asks_before_replacing(foods):
    from planner.io.saved_plans import load_saved_plan

    at = run(AppTest.from_file(APP, default_timeout=30))
    at.selectbox(key="start_choice").set_value("vegan")
    at.button(key="load_start").click()
    run(at)
    vegan_rows = len(at.session_state["plan"])
    at.text_input(key="save_name").input("Week 1")
    at.button(key="save_as").click()
    run(at)
    at.selectbox(key="start_choice").set_value("omnivore")
    at.button(key="load_start").click()
    run(at)
    at.text_input(key="save_name").input("WEEK 1")    # the same name: ask first
    at.button(key="save_as").click()
    run(at)
    assert "exists already. Replace it" in unescaped("\n".join(str(w.value) for w in at.warning))
    assert len(load_saved_plan("week 1", foods)) == vegan_rows   # not replaced yet
    at.button(key="keep_saved").click()
    run(at)
    assert len(load_saved_plan("week 1", foods)) == vegan_rows
    assert not at.button(key="save_as").disabled and "replace_pending" not in at.session_state
    at.button(key="save_as").click()
    run(at)
    at.button(key="replace_saved").click()
    run(at)
    assert len(load_saved_plan("week 1", foods)) == len(at.session_state["plan"]) != vegan_rows
    assert any("replacing the earlier one" in unescaped(s) for s in shown(at))
    at.text_input(key="save_name").input("week-1")    # another name: saved at once
    at.button(key="save_as").click()
    run(at)
    assert load_saved_plan("week-1", foods) is not None
    assert len(load_saved_plan("week 1", foods)) == len(at.session_state["plan"])
