"""Download the plan, "Save as…", and open or delete saved plans."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import planner
from ui import state
from ui.text import as_text, guarded


@guarded("Download")
def download_section(plan: pd.DataFrame, evaluation: planner.Evaluation | None) -> None:
    if len(plan) == 0:
        return
    st.download_button("Download the plan (CSV)", icon=":material/download:",
                       data=(planner.evaluation_csv(plan, evaluation) if evaluation is not None
                             else planner.plan_to_csv(plan)).encode("utf-8"),
                       file_name="b12-plan.csv", mime="text/csv", key="download",
                       on_click="ignore",  # a download changes nothing: no rerun
                       help="Opens in any spreadsheet; import it here again later. Includes "
                            "B12 eaten, fortified and absorbed per row, and the verdict.")


def _save_as() -> None:
    """Callback of "Save": saves under a new name; an existing plan of that name is not
    replaced before the person confirms it ("Replace it" below the question)."""
    ss = st.session_state
    plan = ss[state.PLAN]
    ss.pop("replace_pending", None)
    if not len(plan):
        state.notify("warning", "Your plan is empty: nothing to save yet.")
        return
    try:
        name = planner.plan_name(ss.get("save_name") or "")
        if name == planner.CURRENT_PLAN:
            raise planner.InputError(
                f"“{planner.CURRENT_PLAN}” is the name of the plan being edited (saved "
                "automatically); choose another name.")
        planner.save_plan(plan, name, replace=False)
    except planner.PlanExistsError:
        ss["replace_pending"] = name  # ask first (the question is in the popover)
        return
    except planner.InputError as exc:
        state.notify("error", f"Not saved: {exc}")
        return
    except OSError as exc:
        state.notify("error", f"Not saved: the file could not be written ({exc}).")
        return
    ss["open_choice"] = name
    state.notify("success", f"Saved your plan as “{name}”.")


def _replace_saved() -> None:
    """Callback of "Replace it": the person confirmed replacing the saved plan."""
    ss = st.session_state
    name = ss.pop("replace_pending", None)
    if not name or not len(ss[state.PLAN]):
        return
    try:
        planner.save_plan(ss[state.PLAN], name, replace=True)
    except (planner.InputError, OSError) as exc:
        state.notify("error", f"Not saved: {exc}")
        return
    ss["open_choice"] = name
    state.notify("success", f"Saved your plan as “{name}” (replacing the earlier one).")


def _keep_saved() -> None:
    st.session_state.pop("replace_pending", None)


def _open_saved() -> None:
    ss = st.session_state
    name = ss.get("open_choice")
    if not name:
        return
    foods = state.get_foods()
    try:
        plan = planner.load_saved_plan(name, foods)
    except (planner.InputError, OSError) as exc:  # a damaged file is moved aside
        state.notify("error", f"Could not open “{name}”: {exc}")
        return
    if plan is None:
        state.notify("error", f"The saved plan “{name}” is gone (deleted elsewhere?).")
        return
    if state.set_plan(plan, foods, f"Open “{name}”", replace=True,
                      name=f"Saved plan “{name}”"):
        state.notify("success", f"Opened the saved plan “{name}” ({len(plan)} rows). Undo "
                                "(at the top, section 1) brings back the plan you had.")


def _delete_saved() -> None:
    ss = st.session_state
    name = ss.get("open_choice")
    if not name:
        return
    try:
        planner.delete_saved_plan(name)
    except (planner.InputError, OSError) as exc:
        state.notify("error", f"Could not delete “{name}”: {exc}")
        return
    ss.pop("open_choice", None)
    ss["confirm_delete"] = False
    state.notify("info", f"Deleted the saved plan “{name}”.")


@guarded("Saved plans")
def saved_plans_section(plan: pd.DataFrame) -> None:
    """"Save as…" and "Open a saved plan" (files in the user data folder)."""
    ss = st.session_state
    # Keyed popovers stay open when the app reruns from a widget inside them.
    with st.popover("Save as…", icon=":material/save:", key="save_popover"):
        st.text_input("Name for this plan", key="save_name", max_chars=60,
                      placeholder="e.g. My usual week")
        st.button("Save", key="save_as", on_click=_save_as, type="primary",
                  disabled=not len(plan))
        pending = ss.get("replace_pending")
        if pending:
            st.warning(f"A saved plan named “{as_text(pending)}” exists already. Replace it "
                       "with your current plan?")
            r1, r2 = st.columns(2)
            r1.button("Replace it", key="replace_saved", on_click=_replace_saved,
                      width="stretch")
            r2.button("Keep it", key="keep_saved", on_click=_keep_saved, type="primary",
                      width="stretch")
        st.caption("Saved on this computer. Your current plan is also saved automatically "
                   "and comes back when you reopen the app.")
    names = [n for n in planner.list_saved_plans() if n != planner.CURRENT_PLAN]
    with st.popover("Open a saved plan", icon=":material/folder_open:", key="open_popover"):
        if not names:
            st.caption("No saved plans yet: use “Save as…”.")
            return
        if ss.get("open_choice") not in names:
            ss["open_choice"] = names[0]
        st.selectbox("Saved plans (newest first)", names, key="open_choice")
        b1, b2 = st.columns(2)
        b1.button("Open this plan", key="open_saved", on_click=_open_saved, type="primary",
                  width="stretch")
        b2.button("Delete this plan", key="delete_saved", on_click=_delete_saved,
                  width="stretch", icon=":material/delete:",
                  disabled=not ss.get("confirm_delete"))
        st.checkbox("Yes, delete it (cannot be undone)", key="confirm_delete")
        st.caption(f"Opening replaces your plan (Undo brings it back). Folder: "
                   f"{as_text(planner.plans_dir())}")
