"""The Streamlit app through Streamlit's own test harness (no browser): The sidebar: who the
plan is for (profile, conditions, authority, body store).

One module per component of the ``ui`` package; shared helpers in ``apptest_helpers``.
After every run the page must hold no exception element.
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_helpers import (  # noqa: E402
    load,
    metrics,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


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
    # issue 15: the symptoms question replaced the one "numbness, tingling…" tick box
    assert app.multiselect(key="p_symptoms").value == []
    app.multiselect(key="p_symptoms").set_value(["balance_problems"])
    run(app)
    assert "See a doctor." in texts(app.error)
    assert "do not wait to see whether diet changes help" in texts(app.error)


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
