"""Helpers shared by the AppTest modules (tests/test_app_*.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PLANS = Path(__file__).parent / "data" / "plans"
FDC_DATA = Path(__file__).parent / "data" / "fdc"

__all__ = ["APP", "FDC_DATA", "PLANS", "AppTest", "edit", "load", "metrics", "mode",
           "new_session", "plan", "run", "texts"]


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def new_session() -> AppTest:
    """A new browser session (same user folder): what a restart or a reload gives."""
    return run(AppTest.from_file(APP, default_timeout=30))


def load(at: AppTest, example: str, match_profile: bool = True) -> AppTest:
    at.selectbox(key="start_choice").set_value(example)
    if example != "empty":
        at.checkbox(key="match_profile").set_value(match_profile)
    at.button(key="load_start").click()
    return run(at)


def plan(at: AppTest) -> pd.DataFrame:
    return at.session_state["plan"]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements) -> str:
    """The elements' text as a reader sees it: Markdown escapes (``\\-``) undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(str(e.value) for e in elements))


def mode(at: AppTest, which: str) -> AppTest:
    """Open one of the "Add to the plan" forms (food, supplement, label, fdc)."""
    at.radio(key="add_mode").set_value(which)
    return run(at)


def edit(at: AppTest, edited=None, added=None, deleted=None) -> AppTest:
    """Simulate the data editor: set its state as the frontend would, then rerun."""
    key = f"plan_editor_{at.session_state['editor_version']}"
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [],
                             "deleted_rows": deleted or []}
    return run(at)
