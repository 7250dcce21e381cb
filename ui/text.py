"""Words shown to people, and text from outside shown as text."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

import planner

log = logging.getLogger("b12planner.app")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@=^&])")


def as_text(value: object) -> str:
    """Text from outside (a CSV, a saved food, FoodData Central, a file or plan name, an
    error message quoting them) made safe for an element that renders Markdown.

    Every Markdown character is escaped, so the text shows exactly as written: no link,
    no image loaded from another address, no formatting; line breaks are kept.
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    return "  \n".join(text.split("\n"))


DIET_LABELS = {
    "vegan": "Vegan (no animal foods)",
    "vegetarian": "Vegetarian (dairy and/or eggs)",
    "pescatarian": "Pescatarian (fish, no meat)",
    "omnivore": "Omnivore (I eat meat)",
}
CONDITION_LABELS = {
    "metformin": "I take metformin (diabetes medicine)",
    "ppi": "I take an acid reducer: PPI (omeprazole, pantoprazole…)",
    "h2_blocker": "I take an acid reducer: H2 blocker (famotidine…)",
    "atrophic_gastritis": "Atrophic gastritis (diagnosed)",
    "pernicious_anemia": "Pernicious anaemia (diagnosed)",
    "bariatric_surgery": "I had weight-loss (bariatric) surgery",
    "ileal_resection": "Part of my small intestine (ileum) was removed",
    "nitrous_oxide": "Nitrous oxide: laughing gas, recent anaesthesia",
}
#: How profile fields are named when the app says what changed.
PROFILE_FIELD_WORDS = {
    "age": "age", "sex": "sex", "diet": "diet", "pregnant": "pregnant",
    "lactating": "breastfeeding", "conditions": "medicines and conditions",
    "authority": "recommendation",
}
ADD_MODES = {
    "food": "Add a food",
    "supplement": "Add a supplement",
    "label": "Food from a label",
    "fdc": "Search FoodData Central",
}
FREQUENCIES = {"daily": "Every day", "twice weekly": "Twice a week", "weekly": "Once a week"}
DV_CHOICES = {
    planner.DV_B12_2016_UG: f"{planner.DV_B12_2016_UG:g} µg: labels under the 2016 rule (on US "
                            "labels since 2020/2021)",
    planner.DV_B12_OLD_UG: f"{planner.DV_B12_OLD_UG:g} µg: older labels (before 2020)",
}
#: Box and metric colour per verdict tone (:data:`planner.VERDICTS`): green only for ok
#: verdicts, never for needs_clinician or below_*.
TONE_COLOURS = {"success": "green", "warning": "orange", "error": "red"}
NOT_MEDICAL_ADVICE = (
    "**Not medical advice.** This tool estimates B12 from food tables and a published "
    "absorption model. It cannot diagnose anything: if you have symptoms or a condition "
    "marked below, talk to a doctor or dietitian."
)


def fmt_ug(x: float | None, digits: int = 1) -> str:
    """µg for people to read (:func:`planner.format_ug`, one decimal by default)."""
    return planner.format_ug(x, digits)


def guarded(section: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run a page section; an unexpected error becomes a readable message, not a crash."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - last line of defence for the page
                # (st.stop/st.rerun raise BaseException subclasses: they pass through)
                log.exception("section %s failed", section)
                st.error(
                    f"Something went wrong in “{section}” ({type(exc).__name__}: "
                    f"{as_text(exc)}). Your plan is unchanged; you can keep working or "
                    "download it."
                )
                return None

        return run

    return wrap
