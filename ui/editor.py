"""The plan editor: the plan as a table (edit, delete, add rows), download, saved plans,
and the forms that add foods and supplements below it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import planner
from ui import state
from ui.add_forms import add_panel
from ui.saved_plans import download_section, saved_plans_section
from ui.text import as_text, guarded


def editor_view(plan: pd.DataFrame, evaluation: planner.Evaluation | None) -> pd.DataFrame:
    """What the editor shows: the plan columns plus B12 per row (text: "unknown")."""
    view = plan.copy()
    items = evaluation.items if evaluation is not None else None
    view["b12"] = pd.Series(planner.b12_cells(items, len(plan)), dtype="str",
                            index=view.index)
    return view


def apply_editor_changes(foods: planner.FoodTable) -> None:
    """Apply the editor's pending edits, additions and deletions to the plan.

    Runs before anything is drawn, so the results reflect the edit. A bad edit leaves the
    plan as it was (the message says why).
    """
    ss = st.session_state
    changes = planner.EditorChanges.from_state(ss.get(state.editor_key()))
    if not changes:
        return
    merged = planner.apply_editor_changes(ss[state.PLAN], changes)
    if state.set_plan(merged, foods, "Your edit"):
        state.notify("success", "Plan updated: " + changes.words() + ".")
    else:
        ss[state.PLAN_VERSION] += 1  # discard the bad edit in the editor too


@guarded("Your meal plan")
def plan_editor(plan: pd.DataFrame, evaluation: planner.Evaluation | None,
                foods: planner.FoodTable) -> None:
    st.subheader("4 · Your meal plan")
    span = planner.plan_span(plan["day"])[2] if len(plan) else 0
    st.caption(f"**{as_text(state.plan_words())}**: {len(plan)} foods and supplements over "
               f"{span} day(s). Change amounts, days, meals or times in the table; "
               "to remove rows, tick them on the left and press the bin icon above the table. "
               "Add foods and supplements with the forms below the table.")
    with st.container(horizontal=True):
        download_section(plan, evaluation)
        saved_plans_section(plan)
    state.show_notices("plan")
    view = editor_view(plan, evaluation)
    has_supplements = bool(plan["food_id"].str.startswith(planner.SUPPLEMENT_PREFIX).any())
    cc = st.column_config
    # Food, amount and B12 first: on a phone they are what fits without scrolling sideways.
    # Widths add up to less than the main column on a 1400 px screen with the sidebar open.
    st.data_editor(
        view,
        key=state.editor_key(),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * max(len(view), 3)),
        column_order=["day", "description", "portion", "grams", "b12", "meal", "time",
                      *(["dose_ug"] if has_supplements else []), "food_id"],
        disabled=["description", "b12"],
        column_config={
            "day": cc.NumberColumn("Day", min_value=1, max_value=planner.MAX_DAY, step=1,
                                   required=True, width=50),
            "meal": cc.TextColumn("Meal", required=True, max_chars=40, width=85),
            "time": cc.TextColumn("Time", max_chars=5, width=55,
                                  help="HH:MM, 24 h; blank = usual time"),
            "description": cc.TextColumn("Food", width=200),
            "portion": cc.TextColumn("Portion", max_chars=80, width=110),
            "grams": cc.NumberColumn("Grams", min_value=0.0, width=70,
                                     max_value=planner.MAX_GRAMS, format="%.0f"),
            "dose_ug": cc.NumberColumn("Dose µg", min_value=0.0, width=80,
                                       max_value=planner.MAX_DOSE_UG, format="%g",
                                       help="Supplements only"),
            "b12": cc.TextColumn("B12 µg", width=120,
                                 help="B12 eaten in this row; “unknown”: USDA gives no "
                                      "value; “not counted”: not a reliable source."),
            "food_id": cc.TextColumn("Food id", max_chars=80, width=110),
        },
    )
    plan_as_list(view)
    add_panel()


def plan_as_list(view: pd.DataFrame) -> None:
    """The plan as lines (food, amount, B12), day by day: readable on a phone, where the
    table shows only its first columns."""
    if not len(view):
        return
    with st.expander("The plan as a list (food, amount, B12), easier to read on a phone"):
        for day, rows in view.groupby("day", sort=True):
            lines = []
            for r in rows.itertuples(index=False):
                if str(r.food_id).startswith(planner.SUPPLEMENT_PREFIX):
                    amount = f"{r.dose_ug:g} µg dose"
                else:
                    amount = f"{r.portion} ({r.grams:g} g)" if r.portion else f"{r.grams:g} g"
                cell = str(r.b12)
                if cell == "unknown":
                    b12 = ", B12 unknown"
                elif cell.endswith("(not counted)"):
                    b12 = f", {cell.split()[0]} µg B12 (not counted)"
                else:
                    b12 = f", {cell} µg B12" if cell else ""
                lines.append("- " + as_text(f"{r.meal}: {r.description}, {amount}{b12}"))
            st.markdown(f"**Day {int(day)}**\n\n" + "\n".join(lines))
