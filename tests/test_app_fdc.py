"""The Streamlit app through Streamlit's own test harness (no browser): The FoodData Central
panel, against a local HTTP server.

One module per component of the ``ui`` package; shared helpers in ``apptest_helpers``.
After every run the page must hold no exception element.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("streamlit")
from apptest_helpers import (  # noqa: E402
    FDC_DATA,
    mode,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


@pytest.fixture
def fdc_server(monkeypatch):
    """A real HTTP server on 127.0.0.1 standing in for FoodData Central; the app finds it
    through the environment, with a key that is not real."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    monkeypatch.setenv("FDC_API_KEY", "test-key-not-real")
    monkeypatch.setenv("B12_FDC_BASE_URL", server.url_for("/fdc/v1"))
    try:
        yield server
    finally:
        server.clear()
        server.stop()


# -- FoodData Central ---------------------------------------------------------------------------
def search(app) -> None:
    """Search FoodData Central for "soymilk" in the app."""
    mode(app, "fdc")
    app.text_input(key="fdc_query").input("soymilk")
    app.button(key="fdc_go").click()
    run(app)


def test_fdc_search_and_save(app, fdc_server):
    payload = json.loads((FDC_DATA / "search_page1.json").read_text(encoding="utf-8"))
    fdc_server.expect_request("/fdc/v1/foods/search").respond_with_json(payload)
    search(app)
    assert not app.error, texts(app.error)
    fid = app.selectbox(key="fdc_choice").value
    assert fid.startswith("fdc:")
    app.button(key="fdc_save").click()
    run(app)
    assert "from FoodData Central" in texts(app.success)
    assert app.session_state["food_choice"] == fid
    from planner import read_user_foods

    assert fid in set(read_user_foods()[0]["food_id"])
    app.button(key="add_food").click()  # and it goes into the plan like any food
    run(app)
    assert (plan(app)["food_id"] == fid).any()


def test_fdc_errors_are_readable(app, fdc_server):
    fdc_server.expect_request("/fdc/v1/foods/search").respond_with_json(
        {"error": {"code": "API_KEY_INVALID", "message": "bad key"}}, status=403)
    search(app)
    assert "key" in texts(app.error).lower()
    assert "test-key-not-real" not in texts(app.error)
