"""Exceptions raised by the public API.

Every error a user can cause is an :class:`InputError` (a :class:`ValueError`) whose
message names the offending field or row and says what to do about it.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from a user: a profile field, a plan row, a CSV file, a search."""


class UnknownFoodError(InputError, KeyError):
    """A ``food_id`` that is not in the food table.

    It is both an :class:`InputError` and a :class:`KeyError`, so ``except KeyError``
    works as for a dict look-up. ``suggestions`` holds close matches, best first.
    """

    def __init__(self, food_id: str, suggestions: list[str] | tuple[str, ...] = ()):
        self.food_id = food_id
        self.suggestions = list(suggestions)
        msg = f"Unknown food id {food_id!r}."
        if self.suggestions:
            msg += " Did you mean: " + ", ".join(self.suggestions) + "?"
        else:
            msg += " Search the table with planner.load_foods().search(text)."
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


class DataFileError(RuntimeError):
    """A shipped or saved data file is missing or unreadable; the message names the file."""
