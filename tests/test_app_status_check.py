"""Issue 15 in the app: symptoms and risk factors in the profile, the "Blood test and
symptoms" section (dated results with units, bands, history, delete) and the PDF report."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from altair.vegalite.v6.schema.core import load_schema
from apptest_helpers import load, new_session, run, texts  # noqa: E402

import planner
from planner.cli import main as cli_main

pytestmark = pytest.mark.usefixtures("fresh_app_state")

SAVE = "FormSubmitter:labs_form-Save this result"


@pytest.fixture
def app():
    return new_session()


def enter(app, day: dt.date | None = None, **values: tuple[float, str]):
    """Type results into the form (marker=(value, unit)) and press "Save this result"."""
    if day is not None:
        app.date_input(key="lab_date").set_value(day)
    for marker, (value, unit) in values.items():
        app.number_input(key=f"lab_{marker}").set_value(value)
        unit_box = app.selectbox(key=f"lab_{marker}_unit")
        if unit_box.value != unit:
            unit_box.set_value(unit)
    app.button(key=SAVE).click()
    return run(app)


def markdown(app) -> str:
    return texts(app.markdown)


@pytest.mark.parametrize("values, category", [
    ({"total_b12": (120.0, "pg/mL")}, "Deficiency likely"),
    ({"total_b12": (88.0, "pmol/L")}, "Deficiency likely"),
    ({"total_b12": (250.0, "pg/mL"), "mma": (350.0, "nmol/L")}, "Deficiency likely"),
    ({"total_b12": (185.0, "pmol/L"), "mma": (0.2, "µmol/L")}, "Indeterminate"),
    ({"total_b12": (500.0, "ng/L")}, "Deficiency unlikely"),
    ({"total_b12": (400.0, "pmol/L")}, "Deficiency unlikely"),
])
def test_labs_in_either_unit_give_the_category_the_cli_gives(app, values, category, capsys):
    assert "No blood results saved yet." in texts(app.caption)
    enter(app, **values)
    shown = markdown(app)
    assert f"by NICE NG239 (2024): {category}" in shown
    lines = [t for t in shown.splitlines() if t.startswith("- **") and "(band " in t]
    assert len(lines) == len(values), lines  # one line per marker, on its band
    b12 = [t for t in lines if t.startswith("- **Total (serum) B12**")]
    assert len(b12) == 1 and "NICE NG239 (2024)" in b12[0]
    # the same values through the command line: the same category (issue 15)
    args = ["labs", "--format", "json", "--age", "35"]
    for marker, (value, unit) in values.items():
        args += [f"--{marker.replace('_', '-')}", f"{value:g} {unit}"]
    capsys.readouterr()
    cli_main(args)
    cli = json.loads(capsys.readouterr().out)
    labs = planner.interpret_labs(**values, profile=planner.Profile(age=35))
    assert cli["category"] == labs.category
    assert category.split(" (")[0].lower().replace(" ", "_") == labs.category


def test_results_over_time_are_saved_charted_and_deleted(app):
    enter(app, dt.date(2026, 1, 10), total_b12=(150.0, "pg/mL"))
    enter(app, dt.date(2026, 4, 10), total_b12=(400.0, "pg/mL"))
    assert "Latest test (2026-04-10), by NICE NG239 (2024): Deficiency unlikely" \
        in markdown(app)
    saved = planner.load_lab_results()
    assert [r["date"] for r in saved] == ["2026-01-10", "2026-04-10"]
    assert "2026-01-10 150 pg/mL (deficiency likely)" in texts(app.caption)  # chart words
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    lab = [s for s in specs if "facet" in s]
    assert len(lab) == 1 and lab[0]["description"].startswith("Results over time")
    jsonschema.validate(lab[0], load_schema())  # drawn without the run-time schema check
    # a new session reads them back
    again = new_session()
    assert "Latest test (2026-04-10)" in markdown(again)
    again.selectbox(key="lab_delete_choice").set_value(1)
    again.button(key="lab_delete").click()
    run(again)
    assert "Deleted 2026-04-10" in texts(again.info)
    assert "Latest test (2026-01-10), by NICE NG239 (2024): Deficiency likely" \
        in markdown(again)
    assert [r["date"] for r in planner.load_lab_results()] == ["2026-01-10"]


@pytest.mark.parametrize("values, says", [
    ({"mma": (271.0, "µmol/L")}, "271 nmol/L = 0.271 µmol/L"),
    ({"total_b12": (-5.0, "pmol/L")}, "total_b12"),
    ({}, "Enter at least one result"),
])
def test_bad_lab_input_is_a_message_not_a_traceback(app, values, says):
    enter(app, **values)
    assert not app.exception
    assert says in texts(app.error)
    assert "No blood results saved yet." in texts(app.caption)
    assert planner.load_lab_results() is None


def test_a_neurological_symptom_makes_the_verdict_needs_clinician(app):
    load(app, "omnivore")
    assert "Meets the goal." in texts(app.success)
    app.multiselect(key="p_symptoms").set_value(["numbness"])
    run(app)
    errors = texts(app.error)
    assert "Needs a clinician." in errors
    assert "nerve damage can become permanent" in errors
    assert "Meets the goal." not in texts(app.success)
    # symptoms and not asked risk factors: the person is asked for them
    assert "Please answer “Other risk factors for low B12”" in texts(app.info)
    app.multiselect(key="p_risk_factors").set_value(["none_of_these"])
    run(app)
    assert "Please answer" not in texts(app.info)


def test_symptoms_and_risk_factors_are_saved_and_come_back(app):
    app.multiselect(key="p_conditions").set_value(["ppi"])
    run(app)
    app.number_input(key="p_acid_years").set_value(3.0)
    app.multiselect(key="p_symptoms").set_value(["fatigue", "pins_and_needles"])
    app.multiselect(key="p_risk_factors").set_value(["colchicine", "family_history"])
    run(app)
    saved, _ = planner.load_profile()
    assert saved.symptoms == ("fatigue", "pins_and_needles")
    assert saved.risk_factors == ("colchicine", "family_history")
    again = new_session()
    assert again.multiselect(key="p_symptoms").value == ["fatigue", "pins_and_needles"]
    assert again.multiselect(key="p_risk_factors").value == ["colchicine", "family_history"]
    assert again.multiselect(key="p_conditions").value == ["ppi"]
    assert again.number_input(key="p_acid_years").value == 3.0


def test_none_of_these_is_an_answer_and_excludes_the_others(app):
    app.multiselect(key="p_risk_factors").set_value(["none_of_these"])
    run(app)
    assert planner.load_profile()[0].risk_factors == ()
    app.multiselect(key="p_risk_factors").set_value(["none_of_these", "colchicine"])
    run(app)
    assert app.multiselect(key="p_risk_factors").value == ["colchicine"]
    assert new_session().multiselect(key="p_risk_factors").value == ["colchicine"]


def test_likely_deficiency_puts_treatment_first_in_the_suggestions(app):
    load(app, "vegan", match_profile=True)
    enter(app, total_b12=(100.0, "pg/mL"))
    assert "Deficiency likely" in markdown(app)
    assert "treatment information" in texts(app.info)
    labs = planner.interpret_labs(total_b12=(100.0, "pg/mL"))
    profile = app.session_state["saved_profile"][0]
    expected = planner.suggest(app.session_state["plan"], profile, planner.load_foods(),
                               labs=labs)
    head = expected.messages[0]
    assert head[:60] in texts(app.error) + texts(app.info)


def test_the_pdf_report_button(app):
    assert "once your plan has some meals" in texts(app.caption)
    load(app, "omnivore")
    enter(app, total_b12=(250.0, "pg/mL"))
    assert not [b for b in app.get("download_button")
                if b.proto.label == "Download report (PDF)"]  # not written on every rerun
    prepare = [b for b in app.button if b.label == "Prepare the report (PDF)"]
    assert len(prepare) == 1
    prepare[0].click()
    run(app)
    buttons = [b for b in app.get("download_button") if b.proto.label == "Download report (PDF)"]
    assert len(buttons) == 1
    enter(app, total_b12=(400.0, "pg/mL"))  # an edit: the report must be prepared again
    assert not [b for b in app.get("download_button")
                if b.proto.label == "Download report (PDF)"]
