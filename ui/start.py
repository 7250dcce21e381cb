"""Start: an example week, an empty plan or an imported CSV; Undo."""

from __future__ import annotations

from typing import Any

import streamlit as st

import planner
from ui import state
from ui.text import PROFILE_FIELD_WORDS, as_text, guarded


def _example_profile(example: Any) -> dict[str, Any]:
    """The profile fields loading ``example`` sets when the person asks for it."""
    fields = {"pregnant": False, "lactating": False, "conditions": []}
    fields.update(example.profile)
    return fields


def _load_start() -> None:
    """Callback of "Load": the chosen example or an empty plan. The profile changes only
    when the person ticked "Also set my profile to this person", and the notice says what
    changed."""
    ss = st.session_state
    choice = ss[state.START_CHOICE]
    foods = state.get_foods()
    if choice == "empty":
        state.set_plan(planner.empty_plan(), foods, "Empty plan", replace=True,
                       name="An empty plan", where="start")
        state.notify("info", "Started an empty plan: add foods below (section 4).", "start")
        return
    example = planner.EXAMPLES[choice]
    try:
        plan = planner.load_example(choice, foods)
    except (planner.InputError, planner.DataFileError) as exc:
        state.notify("error", f"Could not load {example.title}: {exc}", "start")
        return
    if not state.set_plan(plan, foods, example.title, replace=True,
                          name=f"The {example.title.lower()} example", where="start"):
        return
    text = f"Loaded the {example.title.lower()}: {example.description}"
    if ss.get(state.MATCH_PROFILE):
        new = _example_profile(example)
        changed = planner.profile_changes(state.profile_fields(), new, PROFILE_FIELD_WORDS)
        state.set_profile_fields(new)
        text += (" Your profile now matches this person: " + "; ".join(changed) + "."
                 if changed else " Your profile already matched this person.")
    else:
        text += f" Your profile is unchanged (the example is written for {example.person})."
    state.notify("success", text, "start")


@guarded("Import a plan")
def handle_upload(foods: planner.FoodTable) -> None:
    """Read a newly uploaded CSV (once per file), before the page is drawn; errors stay
    visible while it is there."""
    ss = st.session_state
    uploaded = ss.get("uploader")
    if uploaded is None:
        ss.pop("upload_error", None)
        return
    file_id = getattr(uploaded, "file_id", None) or f"{uploaded.name}|{uploaded.size}"
    if ss.get("upload_done") == file_id:
        return
    ss["upload_done"] = file_id
    ss.pop("upload_error", None)
    try:
        uploaded.seek(0)
        plan = planner.plan_from_csv(uploaded, foods)
    except planner.InputError as exc:
        ss["upload_error"] = str(exc)  # unknown ids come with the foods they may be
        return
    except (TypeError, ValueError, OSError) as exc:  # not a CSV at all
        ss["upload_error"] = f"{uploaded.name} could not be read as a plan ({exc})."
        return
    if len(plan) == 0:
        ss["upload_error"] = f"{uploaded.name} has no rows."
        return
    if state.set_plan(plan, foods, f"Imported {uploaded.name}", replace=True,
                      name=f"Imported from {uploaded.name}", where="start"):
        state.notify("success", f"Imported {len(plan)} rows from {uploaded.name}.", "start")


@guarded("Start")
def start_panel() -> None:
    ss = st.session_state
    st.subheader("1 · Start with a week of meals")
    left, right = st.columns([3, 2], gap="large")
    with left:
        options = [*planner.EXAMPLES, "empty"]
        st.selectbox(
            "Start from", options, key=state.START_CHOICE,
            format_func=lambda k: ("An empty plan" if k == "empty"
                                   else f"Example: {planner.EXAMPLES[k].title}"),
        )
        choice = ss[state.START_CHOICE]
        with st.container():  # keeps "Load" in place whatever the choice shows here
            if choice == "empty":
                st.caption("No rows: add foods in section 4, or import a CSV.")
            else:
                ex = planner.EXAMPLES[choice]
                st.caption(f"{ex.description} Written for {ex.person}.")
                st.checkbox("Also set my profile to this person", key=state.MATCH_PROFILE,
                            help="Off: only the meals are loaded and your profile stays "
                                 "as it is. On: the notice says what changed.")
        b1, b2 = st.columns([1, 1])
        b1.button("Load", type="primary", on_click=_load_start, key="load_start",
                  width="stretch")
        if ss[state.PLAN_UNDO] is not None:
            b2.button(f"Undo: back to “{as_text(ss[state.PLAN_UNDO][0])}”",
                      on_click=state.undo, key="undo", width="stretch")
        plan = ss[state.PLAN]
        if len(plan):
            n_days = planner.plan_span(plan["day"])[2]
            st.caption(f"You are working on: **{as_text(state.plan_words())}** "
                       f"({len(plan)} foods and supplements over {n_days} day(s)). "
                       "Loading replaces it (Undo brings it back).")
    with right:
        st.file_uploader(
            "…or import a plan (CSV)", type=["csv"], key="uploader",
            max_upload_size=planner.MAX_CSV_BYTES // (1024 * 1024),
            help=f"A plan downloaded from this app, or any CSV with the columns day, meal, "
                 f"food_id and grams (dose_ug for supplements). At most "
                 f"{planner.MAX_CSV_BYTES // (1024 * 1024)} MB.",
        )
        if ss.get("upload_error"):  # the upload was read before the page (handle_upload)
            st.error("Import failed, your plan is unchanged.\n\n"
                     + as_text(ss["upload_error"]))
    state.show_notices("start")
