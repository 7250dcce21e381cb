"""The body's B12 store over the next years (projection chart and outlook)."""

from __future__ import annotations

import streamlit as st

import planner
from ui import state
from ui.charts import show_chart


def stores_section(evaluation: planner.Evaluation, profile: planner.Profile) -> None:
    st.markdown("**Your body's B12 store over the next years**")
    if not planner.store_outlook_applies(profile.age):
        st.info(planner.NO_CHILD_OUTLOOK)
        return
    s = evaluation.summary
    start = float(st.session_state[state.STORE])
    absorbed = float(s["absorbed_ug_per_day"])
    days = int(planner.OUTLOOK_YEARS * planner.DAYS_PER_YEAR)
    try:
        projection = planner.project_stores(absorbed, days, initial_store_ug=start,
                                            conditions=profile.conditions)
        outlook = planner.store_outlook(absorbed, start, conditions=profile.conditions)
    except planner.InputError as exc:
        st.error(f"No projection: {exc}")
        return
    left, right = st.columns([3, 1], gap="large")
    leaves = (planner.years_words(outlook.leaves_replete_days, "never")
              if outlook.start_zone == "replete" else f"starts {outlook.start_zone}")
    depleted = planner.years_words(outlook.depleted_days, "never")
    with left:
        frame = planner.store_frame(projection)
        frame = frame[frame["day"] % 7 == 0].reset_index(drop=True)  # weekly points suffice
        words = (f"Line chart of the body's B12 store over {planner.OUTLOOK_YEARS:g} years, from "
                 f"{start:,.0f} µg; it settles at {outlook.steady_state_ug:,.0f} µg "
                 f"({outlook.steady_zone}). Depleted (below 300 µg): {depleted}.")
        show_chart("store", frame, words, threshold_ug=planner.DEPLETION_THRESHOLD_UG)
    with right:
        st.metric("Where the store settles", f"{outlook.steady_state_ug:,.0f} µg",
                  delta=outlook.steady_zone, delta_arrow="off",
                  delta_color={"replete": "green", "low": "orange",
                               "depleted": "red"}[outlook.steady_zone])
        st.metric("Leaves the replete zone", leaves)
        st.metric("Depleted (below 300 µg)", depleted)
    st.caption(outlook.message + " Replete: at least 1,000 µg, what the requirement "
               "maintains; depleted: below 300 µg, the lowest level consistent with "
               "health (IOM). Start: change it in the sidebar (Your body's B12 store).")
