"""The Streamlit app through Streamlit's own test harness (no browser): Results: the verdict,
the span rule, the charts and the store outlook; a failing section.

One module per component of the ``ui`` package; shared helpers in ``apptest_helpers``.
After every run the page must hold no exception element.
"""

from __future__ import annotations

import json

import pytest

import planner

pytest.importorskip("streamlit")
from apptest_helpers import (  # noqa: E402
    edit,
    load,
    metrics,
    mode,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


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

def test_every_chart_drawn_is_valid_vega_lite(app):
    """The app skips the schema check at run time (ui.charts.chart_spec); here every spec
    it draws, both measures, passes Vega-Lite's JSON schema."""
    jsonschema = pytest.importorskip("jsonschema")
    from altair.vegalite.v6.schema.core import load_schema

    schema = load_schema()
    load(app, "vegan")
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    app.radio(key="chart_measure").set_value("absorbed_ug")
    run(app)
    specs += [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    assert len(specs) == 6  # day, split and store chart, twice
    assert specs[0] != specs[3]  # the day chart changed with the measure
    for spec in specs:
        jsonschema.validate(spec, schema)
    broken = dict(specs[0], mark=5)  # the check can fail
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_a_child_gets_no_adult_store_outlook(app):
    load(app, "vegetarian")
    assert len(app.get("vega_lite_chart")) == 3  # an adult: day, split and store charts
    assert "No body-store outlook for a child" not in texts(app.info)
    app.number_input(key="p_age").set_value(4)
    run(app)
    assert len(app.get("vega_lite_chart")) == 2  # no store chart for a child
    assert "No body-store outlook for a child" in texts(app.info)
    assert "Where the store settles" not in metrics(app)


def test_an_error_in_one_section_is_readable(app, monkeypatch):

    def broken(*args, **kwargs):
        raise RuntimeError("chart exploded")

    monkeypatch.setattr(planner, "day_chart", broken)  # the app calls planner.day_chart
    load(app, "vegan")  # run() asserts there is no exception element
    assert "Something went wrong in “Results” (RuntimeError: chart exploded)" in texts(app.error)
    assert app.get("download_button")  # the other sections still work
    assert "sugg_plan" in [b.key for b in app.button]

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
    from planner import Profile, Verdict, evaluate

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
