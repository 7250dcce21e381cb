"""Exceptions raised by the public API.

Every error a user can cause is an :class:`InputError` (a :class:`ValueError`) whose
message names the offending field or row and says what to do about it.
"""

from __future__ import annotations

import math
import re

#: Longest message an :class:`InputError` keeps [characters]; a longer one is cut (a
#: hostile value must not make a megabyte-long message).
MAX_MESSAGE = 8000
#: Longest part of a user's value repeated in a message [characters].
MAX_SHOWN = 60

_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


def shorten(value: object, limit: int = MAX_SHOWN) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters.

    A long value is shown by its start and its length: ``'xxxx…' (2,600,000 characters)``.
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a hostile __repr__ must not break the message
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = text[:limit] + "…"
    return text


def parse_decimal(text: str) -> float | None:
    """A number written with the digits 0-9, or None.

    The one rule for numbers typed by a person (CSV cells, label amounts, the command
    line): ASCII digits, an optional sign, a decimal point or comma, an optional
    exponent. Digits of other scripts ("١٢", or a mixed "1١") are refused rather than
    silently read, as Python's ``float`` would; so are "nan", "inf" and "1_000".
    """
    t = text.strip()
    if not _ASCII_NUMBER.fullmatch(t):
        return None
    try:
        x = float(t.replace(",", "."))
    except (ValueError, OverflowError):
        return None
    return x if math.isfinite(x) else None


class InputError(ValueError):
    """Bad input from a user: a profile field, a plan row, a CSV file, a search.

    The message is cut to :data:`MAX_MESSAGE` characters.
    """

    def __init__(self, *args: object):
        if args and isinstance(args[0], str) and len(args[0]) > MAX_MESSAGE:
            args = (args[0][:MAX_MESSAGE] + "… (message cut)", *args[1:])
        super().__init__(*args)


class UnknownFoodError(InputError, KeyError):
    """A ``food_id`` that is not in the food table.

    It is both an :class:`InputError` and a :class:`KeyError`, so ``except KeyError``
    works as for a dict look-up. ``suggestions`` holds close matches, best first.
    """

    def __init__(self, food_id: str, suggestions: list[str] | tuple[str, ...] = ()):
        self.food_id = food_id
        self.suggestions = list(suggestions)
        msg = f"Unknown food id {shorten(food_id)}."
        if self.suggestions:
            msg += " Did you mean: " + ", ".join(self.suggestions) + "?"
        else:
            msg += " Search the table with planner.load_foods().search(text)."
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


class DataFileError(RuntimeError):
    """A shipped or saved data file is missing or unreadable; the message names the file."""
