"""Suggestions: the least change, fortified foods, supplement regimens; one click adds."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import planner
from ui import state
from ui.text import as_text, guarded

MAX_CARDS = 4


def _apply_rows(rows: list[dict[str, Any]], title: str) -> None:
    if state.append_rows(rows, state.get_foods(), f"Add {title}", where="suggestions"):
        state.notify("success", f"Added {title} ({len(rows)} row(s)). The results are "
                                "updated.", "suggestions")


def _cards(heading: str, kind: str, items: list[tuple[str, str, list[dict[str, Any]]]]) -> None:
    st.markdown(f"**{heading}**")
    if not items:
        st.caption("None for this plan.")
    for i, (title, detail, rows) in enumerate(items[:MAX_CARDS]):
        with st.container(border=True):
            st.markdown(as_text(title))
            st.caption(as_text(detail))
            st.button("Add to my plan", key=f"sugg_{kind}_{i}", on_click=_apply_rows,
                      args=(rows, title))


@guarded("Suggestions")
def suggestions_panel(plan: pd.DataFrame, profile: planner.Profile | None,
                      foods: planner.FoodTable) -> None:
    st.subheader("3 · Suggestions")
    state.show_notices("suggestions")
    if profile is None:
        return
    if len(plan) == 0:
        st.caption("Suggestions appear once your plan has some meals.")
        return
    span = state.evaluation_days(plan)
    n_days = span or planner.plan_span(plan["day"])[2]
    try:
        result = state.suggestions_for(plan, profile, foods)
    except planner.InputError as exc:
        st.error(f"No suggestions: {as_text(exc)}")
        return
    if result.messages:
        head, rest = result.messages[0], result.messages[1:]
        head = as_text(head)  # messages name foods, saved ones too
        if result.urgent or result.status == "needs_clinician":
            st.error(head, icon=":material/stethoscope:")
        elif result.status == "meets_goal":
            st.success(head + " The options below would add a margin.")
        else:
            st.info(head)
        if rest:
            with st.expander("Why these suggestions (details)"):
                for m in rest:
                    st.markdown(f"- {as_text(m)}")
    c1, c2, c3 = st.columns(3, gap="medium")
    with c1:
        st.markdown("**The least change**")
        words = planner.additions_words(result.additions, n_days)
        if words:
            with st.container(border=True):
                st.markdown(as_text("Add " + "; ".join(words) + "."))
                if result.after is not None:
                    st.caption(f"You would absorb about "
                               f"{result.after.summary['absorbed_ug_per_day']:.1f} µg a day.")
                st.button("Add to my plan", key="sugg_plan", type="primary",
                          on_click=_apply_rows,
                          args=(result.additions.to_dict("records"), "the least-change plan"))
        elif result.status == "meets_goal":
            st.caption("Nothing needed: your plan meets the goal.")
        else:
            st.caption("No food change within reach meets the goal: see the supplements.")
    with c2:
        _cards("Fortified and B12-rich foods", "food",
               planner.option_rows(result.food_options()))
    with c3:
        _cards("Supplement regimens", "supplement",
               planner.option_rows(result.supplement_options()))
        sup = result.supplements
        for r in sup.loc[sup["route"] != "oral"].itertuples(index=False):
            st.caption(f"Or {r.dose_ug:g} µg {r.label}: not added to a plan. {r.note}")
