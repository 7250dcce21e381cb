"""Results: the verdict at a glance, what the plan is averaged over, the flags, every
authority side by side; the charts and the store outlook come from their own modules."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import planner
from ui import state
from ui.charts import charts_section
from ui.store_outlook import stores_section
from ui.text import TONE_COLOURS, as_text, fmt_ug, guarded


def evaluate_plan(plan: pd.DataFrame, profile: planner.Profile | None,
                  foods: planner.FoodTable) -> planner.Evaluation | None:
    """The plan's evaluation, or None (with a message) when it cannot be evaluated."""
    if profile is None or len(plan) == 0:
        return None
    try:
        return state.evaluation_of(plan, profile, foods)
    except planner.InputError as exc:
        st.error(f"The plan cannot be evaluated: {as_text(exc)}")
        return None


def verdict_box(summary: Any) -> None:
    """The verdict in a box coloured by its tone (:data:`planner.VERDICTS`): green only for
    an ok verdict."""
    v = planner.Verdict(summary["verdict"])
    absorbed, days = summary["absorbed_ug_per_day"], summary["days"]
    req = summary["requirement_absorbed_ug"]
    goal = summary["target_absorbed_ug"]
    V = planner.Verdict
    lines = {
        V.MEETS_GOAL: f"Over these {days} days you absorb about {absorbed:.2f} µg a "
                      f"day, at or above the goal of {goal:.2f} µg.",
        V.ADEQUATE: f"You absorb about {absorbed:.2f} µg a day: above the average "
                    f"requirement ({req or 0:.2f} µg) but below the goal "
                    f"({goal:.2f} µg). See the suggestions below.",
        V.BELOW_REQUIREMENT: f"You absorb about {absorbed:.2f} µg a day, below the "
                             f"average requirement of {req or 0:.2f} µg. See the "
                             "suggestions below.",
        V.BELOW_AI: f"You absorb about {absorbed:.2f} µg a day, below the "
                    f"{goal:.2f} µg that the adequate intake corresponds to.",
        V.NEEDS_CLINICIAN: (summary.get("clinician") or {}).get("message", ""),
    }[v]
    text = f"**{v.label}.** {lines}  \n{v.explanation}"
    if v.tone == "success":
        st.success(text)
    elif v.tone == "warning":
        st.warning(text)
    elif v is V.NEEDS_CLINICIAN:
        st.error(text, icon=":material/stethoscope:")
    else:
        st.error(text)


def ask_risk_factors(profile: planner.Profile, unasked: list[str]) -> None:
    """A short prompt to answer the risk-factor question, when NICE NG239's risk factors
    are still unasked and the person has symptoms or is 60 or older (then they change the
    advice)."""
    if not unasked or not (profile.symptoms
                           or (profile.age or 0) >= planner.OLDER_RISK_AGE_YEARS):
        return
    st.info("**Please answer “Other risk factors for low B12” in the sidebar** (or choose "
            "“None of these”): with symptoms or from 60, they change whether a blood test "
            f"is advised. Not asked yet: {len(unasked)} of NICE NG239's risk factors.",
            icon=":material/help:")


def span_section(plan: pd.DataFrame, summary: Any) -> None:
    """What the plan is averaged over, its empty days, and the box to average over more."""
    ss = st.session_state
    n = planner.plan_span(plan["day"])[2]
    days, first, last = summary["days"], summary["first_day"], summary["last_day"]
    how = ("first to last day of your plan" if days == n else
           f"you chose {days} days; the plan runs over {n}")
    text = f"Averaged over **{days} day(s)**, day {first} to day {last} ({how})."
    empty = summary.get("empty_days") or []
    if empty:
        text += (f" Day(s) {', '.join(map(str, empty))} have no entries and count as days "
                 "without B12 (right for a weekly supplement; otherwise add those meals).")
    st.caption(text)
    ss[state.SPAN_INPUT] = days
    st.number_input("Days to average over", min_value=n, max_value=planner.MAX_DAY, step=1,
                    key=state.SPAN_INPUT, on_change=state.set_span,
                    help="Normally the plan's first to last day. Raise it when the plan lists "
                         "only part of a longer period (e.g. one weekly supplement row: 7).")


def show_flags(flags: list[dict[str, str]]) -> None:
    """Flags in plain words, most serious first, each with its sources."""
    order = {"urgent": 0, "warning": 1, "info": 2}
    for f in sorted(flags, key=lambda f: order.get(f.get("severity", "info"), 3)):
        # Messages quote food descriptions (e.g. "not in your diet"): plain text.
        text = (f"{as_text(f.get('message', ''))}  \n"
                f"*Sources: {as_text(f.get('source') or '—')}*")
        sev = f.get("severity", "info")
        if sev == "urgent":
            st.error(text, icon=":material/stethoscope:")
        elif sev == "warning":
            st.warning(text)
        else:
            st.info(text)


def authorities_table(profile: planner.Profile, in_force: str) -> None:
    table = planner.compare_authorities(profile)
    show = pd.DataFrame({
        "In use": ["yes" if a == in_force else "" for a in table["authority"]],
        "Authority": table["authority_name"],
        "Life stage": table["life_stage"],
        "Kind": table["kind"],
        "Intake µg/day": [fmt_ug(x) for x in table["value_ug"]],
        "Absorbed goal µg/day": [fmt_ug(x, 2) for x in table["target_absorbed_ug"]],
        "Status": table["status"],
        "Source": table["source"],
        "Note": table["note"],
    })
    st.dataframe(show, hide_index=True, width="stretch")
    st.caption("Absorbed goals are model-derived (intake × 50 %, the IOM's assumption); no "
               "authority publishes them. “unconfirmed”: commonly cited, not found in a "
               "primary source.")


def _metrics(evaluation: planner.Evaluation) -> None:
    s = evaluation.summary
    rec = evaluation.recommendation
    v = planner.Verdict(s["verdict"])
    # Two by two: "Below the requirement" fits in a half-width metric, not a quarter.
    c4, c2 = st.columns(2)
    c1, c3 = st.columns(2)
    at_least = "at least " if s.get("n_unknown") else ""
    c4.metric("Status", v.label,
              delta=f"{s['absorbed_pct_of_target']:.0f} % of goal absorbed",
              delta_color=TONE_COLOURS[v.tone], delta_arrow="off", help=v.explanation)
    c2.metric("B12 absorbed per day", fmt_ug(s["absorbed_ug_per_day"], 2),
              delta=f"{s['absorbed_ug_per_day'] - s['target_absorbed_ug']:+.2f} µg vs goal",
              help="Model estimate: absorption saturates at 1.5–2 µg per meal and depends on "
                   "your conditions. Goal = recommended intake × 50 % (the IOM's "
                   "assumption).")
    c1.metric("B12 eaten per day", at_least + fmt_ug(s["intake_ug_per_day"]),
              delta=f"{s['intake_ug_per_day'] - s['target_intake_ug']:+.1f} µg vs target",
              help="Average over the plan's days. Unknown and unreliable sources count 0.")
    c3.metric(f"Your target ({rec.kind})", f"{rec.value_ug:g} µg eaten",
              delta=f"≈ {s['target_absorbed_ug']:.2f} µg absorbed", delta_color="off",
              delta_arrow="off",
              help=f"{rec.authority_name}, {rec.life_stage}. Source: {rec.source}")


@guarded("Results")
def results(plan: pd.DataFrame, evaluation: planner.Evaluation | None,
            profile: planner.Profile | None) -> None:
    st.subheader("2 · Your B12 at a glance")
    if profile is None:
        st.info("Fix your profile in the sidebar to see results.")
        return
    if evaluation is None:  # no verdict box yet: symptoms that need a doctor are said here
        symptom_check = profile.symptom_assessment
        if symptom_check.needs_clinician:
            st.error("**See a doctor.** " + " ".join(symptom_check.messages),
                     icon=":material/stethoscope:")
        ask_risk_factors(profile, planner.unasked_risk_factors(profile))
    if len(plan) == 0:
        st.info("Your plan is empty. Load an example above, import a CSV, or add foods "
                "and supplements below (section 4).")
        return
    if evaluation is None:
        return
    s = evaluation.summary
    rec = evaluation.recommendation
    # The verdict first: on a phone it is what a person reads before the numbers.
    verdict_box(s)
    ask_risk_factors(profile, s["risk_factors_unasked"])
    _metrics(evaluation)
    span_section(plan, s)
    st.caption(
        f"Compared with **{rec.authority_name}**: {rec.kind} {rec.value_ug:g} µg/day for "
        f"{rec.life_stage} ({rec.status}; source {rec.source})."
        + (" **Caution:** this child band is **unconfirmed** in primary sources: treat it as "
           "approximate." if rec.status == "unconfirmed" else "")
    )
    show_flags(s.get("flags", []))
    charts_section(plan, evaluation)
    with st.expander("Every authority side by side"):
        authorities_table(profile, rec.authority)
    stores_section(evaluation, profile)
