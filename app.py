"""B12 Planner web app: does your diet give you enough vitamin B12?

This file only assembles the page; the components live in the ``ui`` package beside it
(one module per section, :mod:`ui.state` for the session state) and every computation is
a call into the public face of ``planner``. Run with ``make run`` (or
``python -m streamlit run app.py``).

Layout: the sidebar says who the plan is for; the main page starts a week (example,
empty or uploaded CSV), shows the verdict at a glance, the charts and the flags, the
blood tests and symptoms (with the PDF report), the
suggestions, then the plan editor with the ways to add foods and supplements.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the ui package beside this file

import planner  # noqa: E402
from ui import state  # noqa: E402
from ui.about import about_the_model  # noqa: E402
from ui.editor import apply_editor_changes, plan_editor  # noqa: E402
from ui.results import evaluate_plan, results  # noqa: E402
from ui.sidebar import sidebar_profile  # noqa: E402
from ui.start import handle_upload, start_panel  # noqa: E402
from ui.status_check import status_check  # noqa: E402
from ui.suggestions import suggestions_panel  # noqa: E402
from ui.text import as_text  # noqa: E402


def main() -> None:
    st.set_page_config(page_title="B12 Planner", page_icon="🧪", layout="wide")
    state.init_state()
    st.title("B12 Planner")
    st.caption("Does your diet give you enough vitamin B12, eaten and absorbed? Tell us about "
               "you (left; on a phone, the » button at the top), start from an example week "
               "or your own, and see what to add. Food data: USDA SR Legacy and FNDDS "
               "2021–2023.")
    try:
        foods = state.get_foods()
    except planner.DataFileError as exc:
        st.error(f"The food table could not be loaded: {as_text(exc)}")
        st.stop()
        return
    # One container per section: a message shown once in one section does not shift
    # the sections below it (which would close their open expanders and popovers).
    with st.container():
        for msg in planner.user_food_messages():
            st.warning(as_text(msg))
    state.restore_plan(foods)
    apply_editor_changes(foods)
    handle_upload(foods)
    estimate = state.store_estimate()
    profile, problem = state.read_profile()
    state.start_page_run()
    # The results are drawn first, the sidebar and section 1 after them in the places kept
    # for them: after an edit the browser shows the page's elements in the order they are
    # sent, so the new verdict and numbers come before anything that did not change.
    start_box = st.container()
    try:
        plan = state.current_plan()
        with st.container():
            evaluation = evaluate_plan(plan, profile, foods)
            results(plan, evaluation, profile)
        sidebar_profile(estimate, problem)
        with start_box:
            start_panel()
        with st.container():
            status_check(plan, evaluation, profile, foods)
        with st.container():
            suggestions_panel(plan, profile, foods)
        plan_editor(plan, evaluation, foods)
        about_the_model()
    finally:
        state.mark_drawn()  # the add-food fragment redraws the page when the plan changes
        state.save_changes(profile)  # after drawing: saving does not delay the results


main()
