"""Charts: B12 per day by meal, and fortified/supplement vs. naturally in food.

Each chart carries a text description (for screen readers, and as the chart's alt text)
built from the same numbers as the bars.

Charts are drawn from Vega-Lite specs cached per inputs (:func:`chart_spec`): a rerun that
does not change a chart's numbers does not rebuild it, and the spec is not checked against
the Vega-Lite schema on every run (that check alone took 40–50 ms a page run; the tests
check every chart the app draws against the schema: ``tests/test_app_results.py`` and
``tests/test_app_status_check.py``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import planner

MEASURES = {"ingested_ug": "B12 eaten", "absorbed_ug": "B12 absorbed (estimate)"}
#: Axis and legend text: dark (#31333F is 12.6:1 on white) and 12 px, not the theme's grey.
LABEL_COLOUR = "#31333F"


def readable(chart: Any, words: str) -> Any:
    """``chart`` with its text description (for screen readers) and readable labels."""
    return chart.properties(description=words).configure_axis(
        labelColor=LABEL_COLOUR, titleColor=LABEL_COLOUR, labelFontSize=12, titleFontSize=12,
    ).configure_legend(labelColor=LABEL_COLOUR, titleColor=LABEL_COLOUR, labelFontSize=12,
                       titleFontSize=12)


#: The chart builders of :func:`chart_spec`: kind -> name in ``planner``.
CHARTS = {"day": "day_chart", "split": "split_chart", "store": "store_chart",
          "lab": "lab_chart"}


@st.cache_data(max_entries=64, show_spinner=False)
def chart_spec(kind: str, frame: pd.DataFrame, words: str, **options: Any) -> dict[str, Any]:
    """The Vega-Lite spec of chart ``kind`` (:data:`CHARTS`) of ``frame``, with its text
    description ``words`` and readable labels; ``options`` go to the chart's builder."""
    build = getattr(planner, CHARTS[kind])
    return readable(build(frame, **options), words).to_dict(validate=False)


def show_chart(kind: str, frame: pd.DataFrame, words: str, *, alt: str | None = None,
               **options: Any) -> None:
    """Draw chart ``kind`` of ``frame`` (see :func:`chart_spec`), as wide as its column.

    ``alt`` is the chart's accessible name for screen readers (default ``words``): a short
    description; the chart's numbers in full are on the page as text. (Vega does not expose
    the spec's own description: without it a screen reader reads out the axis labels.)
    """
    st.vega_lite_chart(chart_spec(kind, frame, words, **options), width="stretch",
                       alt=alt or words)


def day_chart_words(frame: pd.DataFrame, measure: str, target: float,
                    label: str) -> tuple[str, str]:
    """The day chart in words: the amount per day against the target (shown as text and
    kept in the spec), and one sentence of it for the chart's accessible name."""
    per_day = frame.groupby("day", sort=True)[measure].sum()
    days = "; ".join(f"day {int(d)}: {v:.2f} µg" for d, v in per_day.items())
    what = f"Bar chart of {MEASURES[measure].lower()} per day, stacked by meal"
    below = f"{int((per_day < target).sum())} of {len(per_day)} day(s) below the line"
    return (f"{what}. {label} (dashed line). {days}. {below}.",
            f"{what}; {label} (dashed line); {below}; every day's amount is in “The chart "
            "as text” below it.")


def charts_section(plan: pd.DataFrame, evaluation: planner.Evaluation) -> None:
    s = evaluation.summary
    left, right = st.columns([3, 2], gap="large")
    with left:
        measure = st.radio("Show per day", list(MEASURES), horizontal=True,
                           key="chart_measure", format_func=MEASURES.get)
        frame = planner.meal_frame(plan, evaluation.items)
        target = s["target_intake_ug"] if measure == "ingested_ug" else s["target_absorbed_ug"]
        label = f"Target {target:.2g} µg" if measure == "ingested_ug" else f"Goal {target:.2g} µg"
        words, summary = day_chart_words(frame, measure, target, label)
        show_chart("day", frame, words, alt=summary, measure=measure, target_ug=target,
                   target_label=label, days=s["days"])
        unknown = int(frame["unknown_items"].sum())
        note = "Meals are stacked in the order you eat them."
        if unknown:
            note += f" {unknown} food(s) have **unknown** B12 and are not in the bars."
        if measure == "ingested_ug" and s.get("supplement_ug_per_day", 0) > 10 * target:
            note += (" Supplement doses tower over food, but only a small share of a large "
                     "dose is absorbed: choose **B12 absorbed** to compare with your goal.")
        st.caption(note)
        with st.expander("The chart as text"):
            st.markdown(words)
    with right:
        st.markdown("**Fortified and supplements vs. naturally in food**")
        fort = s["fortified_ug_per_day"]
        total = s["intake_ug_per_day"]
        share = f"{fort / total:.0%}" if total > 0 else "—"
        words = (f"Per day: {fort:.2f} µg from fortified foods and supplements ({share}), "
                 f"{s['food_bound_ug_per_day']:.2f} µg naturally in food.")
        show_chart("split", planner.split_frame(plan, evaluation.items), "Bar chart. " + words)
        st.caption(words + " Crystalline B12 (fortified, supplements) is absorbed even with "
                   "low stomach acid.")
