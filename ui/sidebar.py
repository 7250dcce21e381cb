"""Sidebar: who the plan is for (the profile widgets and the body's B12 store)."""

from __future__ import annotations

from typing import Any

import streamlit as st

import planner
from ui import state
from ui.text import CONDITION_LABELS, DIET_LABELS, NOT_MEDICAL_ADVICE


def sidebar_profile(estimate: dict[str, Any], problem: str | None) -> None:
    """The profile widgets (their values are read before, :func:`ui.state.read_profile`).

    ``estimate`` is the starting store estimated from the answers
    (:func:`ui.state.store_estimate`); ``problem`` what is wrong with the profile, if
    anything, said under the widgets.
    """
    sb = st.sidebar
    ss = st.session_state
    sb.header("About you")
    sb.number_input("Age (years)", min_value=1, max_value=120, step=1, key="p_age",
                    help="Whole years, 1 to 120.")
    sb.radio("Sex", ["female", "male"], format_func=str.capitalize, key="p_sex",
             horizontal=True)
    sb.selectbox("Diet", list(planner.DIET_ORDER), format_func=DIET_LABELS.get, key="p_diet")
    can_be_pregnant = state.can_be_pregnant()
    if can_be_pregnant:
        c1, c2 = sb.columns(2)
        c1.checkbox("Pregnant", key="p_pregnant")
        c2.checkbox("Breastfeeding", key="p_lactating")
    sb.multiselect("Medicines and health conditions", list(CONDITION_LABELS),
                   format_func=CONDITION_LABELS.get, key="p_conditions",
                   placeholder="None", help="They change how much B12 you absorb.")
    if planner.ACID_REDUCERS & set(ss["p_conditions"]):
        sb.number_input("Years you have taken the acid reducer", min_value=0.0,
                        max_value=100.0, step=0.5, key="p_acid_years",
                        placeholder="Not sure", format="%g",
                        help="From 2 years on, the risk of low B12 is higher (Lam 2013, "
                             "JAMA): worth a blood test.")
    symptoms = planner.load_symptoms()
    symptom_words = {k: f"{label} (nerve sign: see a doctor)" if neuro else label
                     for k, label, neuro in zip(symptoms["key"], symptoms["label"],
                                                symptoms["neurological"], strict=True)}
    sb.multiselect("Symptoms you have now", list(symptom_words), format_func=symptom_words.get,
                   key=state.PROFILE_WIDGETS["symptoms"], placeholder="None",
                   help="Signs that B12 may be low (NHS, NICE NG239). Those marked “nerve "
                        "sign” need a doctor soon, whatever your diet.")
    risks = planner.load_risk_factors()
    risk_words = dict(zip(risks["key"], risks["label"], strict=True))
    risk_words[state.RISK_NONE] = "None of these"
    sb.multiselect("Other risk factors for low B12", state.risk_factor_options(),
                   format_func=risk_words.get, key=state.PROFILE_WIDGETS["risk_factors"],
                   on_change=state.tidy_risk_factors, placeholder="Not answered yet",
                   help="From NICE NG239's list. Medicines and conditions chosen above "
                        "count too. Choose “None of these” if none applies.")
    sb.selectbox("Recommendation to compare with", list(planner.AUTHORITIES),
                 format_func=lambda a: planner.AUTHORITY_NAMES.get(a, a), key="p_authority",
                 help="Whose recommended intake is your target. US NASEM (IOM) is the "
                      "default; the results also show every authority side by side.")
    with sb.expander("Your body's B12 store"):
        st.number_input(
            "Years on a diet without a reliable B12 source", min_value=0.0, max_value=100.0,
            step=0.5, key=state.YEARS_NO_B12, format="%g",
            help="Years without fortified foods, supplements or (for vegans) animal foods "
                 "before now. Used to estimate your store.")
        st.checkbox("Set the starting store myself", key=state.STORE_MANUAL)
        st.number_input(
            "B12 stored in your body at the start (µg)", min_value=0.0, max_value=50_000.0,
            step=100.0, key=state.STORE, disabled=not ss[state.STORE_MANUAL],
            help="Estimated from your answers; tick the box above to type your own. Used "
                 "only for the body-store outlook.")
        if not ss[state.STORE_MANUAL]:
            st.caption(f"Estimate: {estimate['basis']}.")
    sb.divider()
    sb.caption(NOT_MEDICAL_ADVICE)
    if problem:
        sb.error(f"Please check your profile: {problem}")
