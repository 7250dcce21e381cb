"""Numbers and words as people read and write them: one of each small helper.

* :func:`format_ug`: the µg formatter of every message and table ("0.84 µg", "unknown").
* :func:`round_significant`: how computed numbers are exported (CSV, JSON): 4
  significant digits, never below the units, so ``0.8360000000000001`` is written ``0.836``.
* :func:`parse_yes_no` / :func:`require_yes_no`: the yes/no parser of every table, file
  and argument (``true``/``yes``/``1`` and ``false``/``no``/``0``).
* :class:`Flag` / :func:`flag`: the note a profile, a recommendation or an evaluation
  attaches to its result.

Part of the base layer: every layer may import it; it imports only :mod:`planner.errors`.
"""

from __future__ import annotations

import math
from typing import TypedDict

import numpy as np

from planner.errors import InputError, shorten

#: Significant digits of computed numbers in exports. Food B12 in SR28 and FNDDS is given
#: to at most 2 decimals [µg/100 g] and the dose model's parameters to 2-3 significant
#: digits (e.g. 1.16 µg, 0.010) [IOM p.308]: a 5th digit is noise, a 3rd would hide
#: differences people compare (0.836 vs 0.84).
SIGNIFICANT_DIGITS = 4
#: Words read as yes and as no (any case, blanks trimmed).
YES_WORDS: frozenset[str] = frozenset({"true", "yes", "1"})
NO_WORDS: frozenset[str] = frozenset({"false", "no", "0"})
#: What a missing amount is called in text (unknown is not zero).
UNKNOWN = "unknown"


def round_significant(x: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """``x`` rounded to ``digits`` significant digits, but never below the units.

    Parameters
    ----------
    x : float
        A computed number; NaN and infinities are returned as they are.
    digits : int
        Significant digits kept (default :data:`SIGNIFICANT_DIGITS`).

    Returns
    -------
    float
        E.g. 0.8360000000000001 → 0.836, 0.012345 → 0.01235, 1234.56 → 1235.0,
        123456.7 → 123457.0 (whole numbers are not rounded to tens).
    """
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return x
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return round(x, decimals)


def format_ug(x: float | None, digits: int = 2) -> str:
    """An amount of B12 for people to read: ``"0.84 µg"``, ``"1,000.00 µg"``, ``"unknown"``.

    Parameters
    ----------
    x : float or None
        Amount [µg]; None or NaN is unknown, not zero.
    digits : int
        Decimals shown. An amount too small to show with them gets one more decimal
        ("0.04 µg" with ``digits=1``, never a misleading "0.0 µg").

    Returns
    -------
    str
    """
    if x is None or (isinstance(x, float | np.floating) and math.isnan(x)):
        return UNKNOWN
    x = float(x)
    if 0 < abs(x) < 0.95 * 10.0 ** -digits:
        digits += 1
    return f"{x:,.{digits}f} µg"


def _blank(value: object) -> bool:
    return (value is None or (isinstance(value, float | np.floating) and math.isnan(value))
            or (isinstance(value, str) and not value.strip()))


def parse_yes_no(value: object) -> bool | None:
    """True or False from a bool, 0/1, or the words of :data:`YES_WORDS`/:data:`NO_WORDS`.

    Returns
    -------
    bool or None
        None for anything else, including blank and missing values.
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text in YES_WORDS else False if text in NO_WORDS else None
    return None


def require_yes_no(value: object, name: str, blank: bool = False) -> bool:
    """:func:`parse_yes_no` for a field that must be yes or no.

    Parameters
    ----------
    value : object
        What was given.
    name : str
        The field, for the message.
    blank : bool
        What a blank or missing value (None, NaN, ``""``) means.

    Raises
    ------
    InputError
        Naming the field, when the value is neither yes nor no.
    """
    if _blank(value):
        return blank
    parsed = parse_yes_no(value)
    if parsed is None:
        raise InputError(f"{name} must be true or false (yes/no, 1/0), not {shorten(value)}.")
    return parsed


class Flag(TypedDict):
    """A note attached to a result: what, how serious, what it says, and its source tag."""

    code: str
    severity: str  # "info", "warning" or "urgent"
    message: str
    source: str


def flag(code: str, severity: str, message: str, source: str) -> Flag:
    """A :class:`Flag` (a plain dict, so it goes to JSON as it is)."""
    return {"code": code, "severity": severity, "message": message, "source": source}


__all__ = [
    "NO_WORDS",
    "SIGNIFICANT_DIGITS",
    "UNKNOWN",
    "YES_WORDS",
    "Flag",
    "flag",
    "format_ug",
    "parse_yes_no",
    "require_yes_no",
    "round_significant",
]
