"""Rules for changing a plan: the rows a form adds, how an editor's changes merge in, and
how a plan and a suggestion are put into words.

Pure functions over plan DataFrames (no files, no environment, no Streamlit), so that any
front end (the web app, a notebook) changes plans the same way and the rules are tested in
milliseconds. The result of every function here still goes through
:func:`planner.plan.validate_plan` before it replaces a plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.schema import PLAN_COLUMNS, SUPPLEMENT_PREFIX

#: Days offered in forms that add rows when the plan is shorter (a week).
MIN_FORM_DAYS = 7
#: The choice that stands for every day of the plan in a day picker.
EVERY_DAY = "Every day"
#: Supplement frequencies: the days of each week (0 = the first day) a dose is taken.
SUPPLEMENT_WEEK_DAYS: dict[str, tuple[int, ...]] = {
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "twice weekly": (0, 3),
    "weekly": (0,),
}


def form_days(plan: pd.DataFrame) -> int:
    """Days offered in the forms that add rows: the plan's last day, at least a week.

    The plan is averaged over :func:`planner.evaluate.plan_span`, not over this.
    """
    if len(plan) == 0:
        return MIN_FORM_DAYS
    return max(MIN_FORM_DAYS, int(plan["day"].max()))


def target_days(choice: Iterable[Any], n_days: int) -> list[int]:
    """The days a day picker means: 1..n_days for :data:`EVERY_DAY`, else the chosen days
    (sorted, each once)."""
    choice = list(choice)
    if EVERY_DAY in choice:
        return list(range(1, n_days + 1))
    return sorted({int(d) for d in choice})


def days_words(days: Sequence[int], n_days: int) -> str:
    """ "every day" when ``days`` covers 1..n_days (more than one day), else "day 1, 3"."""
    if len(days) > 1 and len(days) == n_days:
        return "every day"
    return "day " + ", ".join(map(str, days))


def portion_words(label: str, count: float) -> str:
    """ "1 cup" × 2 -> "2 cup"; "1 large" × 0.5 -> "0.5 large"; other labels "3 × label"."""
    if count == 1:
        return label
    if label.startswith("1 "):
        return f"{count:g} {label[2:]}"
    return f"{count:g} × {label}"


def food_rows(food_id: str, description: str, days: Sequence[int], meal: str,
              grams: float, portion: str = "") -> list[dict[str, Any]]:
    """Plan rows for one food eaten at ``meal`` on each of ``days``."""
    return [{"day": int(d), "meal": meal, "food_id": food_id, "description": description,
             "portion": portion, "grams": float(grams)} for d in days]


def supplement_rows(form: str, dose: float, frequency: str, meal: str,
                    n_days: int) -> list[dict[str, Any]]:
    """Plan rows for a supplement regimen over days 1..n_days.

    Daily: every day; twice weekly: the 1st and 4th day of each week; weekly: the 1st.
    An unknown frequency raises ``KeyError``.
    """
    week_days = SUPPLEMENT_WEEK_DAYS[frequency]
    days = [d for d in range(1, n_days + 1) if (d - 1) % 7 in week_days]
    fid = f"{SUPPLEMENT_PREFIX}{form}"
    return [{"day": d, "meal": meal, "food_id": fid, "description": f"B12 supplement ({form})",
             "dose_ug": float(dose)} for d in days]


def append_plan_rows(plan: pd.DataFrame, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """``plan`` with ``rows`` (dicts of plan columns; missing columns empty) added at the end.

    Not validated: pass the result to :func:`planner.validate_plan`.
    """
    new = pd.DataFrame([{c: row.get(c) for c in PLAN_COLUMNS} for row in rows],
                       columns=list(PLAN_COLUMNS))
    return pd.concat([plan[list(PLAN_COLUMNS)].astype(object), new.astype(object)],
                     ignore_index=True)


@dataclass(frozen=True)
class EditorChanges:
    """A table editor's pending changes: ``edited`` row position -> {column: value},
    ``added`` new rows, ``deleted`` row positions (Streamlit's data-editor delta)."""

    edited: Mapping[Any, Mapping[str, Any]]
    added: Sequence[Any]
    deleted: Sequence[Any]

    @classmethod
    def from_state(cls, state: object) -> EditorChanges:
        """From the editor's state (anything that is not a dict means no changes)."""
        if not isinstance(state, Mapping):
            return cls({}, [], [])
        return cls(state.get("edited_rows") or {}, state.get("added_rows") or [],
                   state.get("deleted_rows") or [])

    def __bool__(self) -> bool:
        return bool(self.edited or self.added or self.deleted)

    def words(self) -> str:
        """ "2 row(s) changed, 1 removed, 1 added"."""
        parts = []
        if self.edited:
            parts.append(f"{len(self.edited)} row(s) changed")
        if self.deleted:
            parts.append(f"{len(self.deleted)} removed")
        if self.added:
            parts.append(f"{len(self.added)} added")
        return ", ".join(parts)


def apply_editor_changes(plan: pd.DataFrame, changes: EditorChanges) -> pd.DataFrame:
    """The plan with an editor's edits, deletions and additions merged in.

    Row positions that are out of range or not numbers are ignored; the description is
    never taken from the editor (it is filled in from the food table when the food id
    changes); changing the grams and not the portion clears the portion, since the
    household measure no longer matches. Not validated: pass the result to
    :func:`planner.validate_plan`.
    """
    df = plan[list(PLAN_COLUMNS)].astype(object).copy().reset_index(drop=True)
    n = len(df)
    for idx, row_changes in changes.edited.items():
        try:
            i = int(idx)
        except (TypeError, ValueError):
            continue
        if not 0 <= i < n:
            continue
        row_changes = row_changes or {}
        for col, value in row_changes.items():
            if col not in PLAN_COLUMNS or col == "description":
                continue
            df.at[i, col] = value
        if "grams" in row_changes and "portion" not in row_changes:
            df.at[i, "portion"] = ""
        if "food_id" in row_changes:
            df.at[i, "description"] = ""
    gone = {int(d) for d in changes.deleted if str(d).isdigit()}
    df = df.iloc[[i for i in range(n) if i not in gone]]
    new_rows = [{c: row.get(c) for c in PLAN_COLUMNS} for row in changes.added
                if isinstance(row, Mapping)]
    if new_rows:
        df = pd.concat([df, pd.DataFrame(new_rows, columns=list(PLAN_COLUMNS)).astype(object)],
                       ignore_index=True)
    return df.reset_index(drop=True)


def b12_cells(items: pd.DataFrame | None, n_rows: int) -> list[str]:
    """B12 per plan row as a person reads it: "0.52", "unknown" (no value in the table),
    "0.30 (not counted)" (not a reliable source); blanks when there is no evaluation
    (``items`` None or of another length)."""
    if items is None or len(items) != n_rows:
        return [""] * n_rows
    out = []
    for listed, unknown, unreliable, ingested in zip(
            items["b12_listed_ug"], items["unknown"], items["unreliable"],
            items["ingested_ug"], strict=True):
        if unknown:
            out.append("unknown")
        elif unreliable:
            out.append(f"{listed:.2f} (not counted)")
        else:
            out.append(f"{ingested:.2f}")
    return out


def additions_words(additions: pd.DataFrame, n_days: int) -> list[str]:
    """ "1 cup Soy milk at lunch, every day" for each food of a least-change plan."""
    words = []
    for (desc, portion, meal), group in additions.groupby(
            ["description", "portion", "meal"], sort=False, dropna=False):
        days = group["day"].nunique()
        when = "every day" if days >= n_days else f"on {days} day(s)"
        amount = portion if isinstance(portion, str) and portion else (
            f"{group['grams'].iloc[0]:g} g")
        words.append(f"{amount} {desc} at {meal}, {when}")
    return words


def option_rows(options: pd.DataFrame) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(title, detail, plan rows) per option of :meth:`planner.Suggestion.food_options` or
    :meth:`~planner.Suggestion.supplement_options` (one option = one group of rows)."""
    out = []
    for _, group in options.groupby("option", sort=False):
        first = group.iloc[0]
        out.append((str(first["title"]), str(first["detail"]),
                    group[list(PLAN_COLUMNS)].to_dict("records")))
    return out


def years_words(days: float | None, never: str) -> str:
    """A time from now in words: ``never`` for None, "already", "in 8 months", "in 2.5
    years"."""
    if days is None:
        return never
    if days == 0:
        return "already"
    years = days / 365.25
    return f"in {years:.1f} years" if years >= 1 else f"in {days / 30.4:.0f} months"


def food_choice_label(row: Mapping[str, Any]) -> str:
    """A food in a picker: "Soymilk (1.1 µg B12 per 100 g · fortified)"."""
    b12 = row.get("b12_ug")
    missing = b12 is None or (isinstance(b12, float) and math.isnan(b12))
    amount = "B12 unknown" if missing else f"{b12:.2g} µg B12 per 100 g"
    extra = ""
    fortified = row.get("b12_fortified_ug")
    if not bool(row.get("b12_reliable", True)):
        extra = " · not a reliable source"
    elif fortified is not None and not (isinstance(fortified, float)
                                        and math.isnan(fortified)) and fortified > 0:
        extra = " · fortified"
    return f"{row['description']} ({amount}{extra})"


def profile_changes(current: Mapping[str, Any], new: Mapping[str, Any],
                    labels: Mapping[str, str] | None = None) -> list[str]:
    """What setting ``new`` over ``current`` changes, in words: ["age 35 → 70", ...].

    Only fields in ``new`` that differ are listed; ``labels`` names the fields (default:
    the field name with spaces).
    """
    labels = labels or {}
    out = []
    for field, value in new.items():
        old = current.get(field)
        if old == value or (isinstance(old, list | tuple) and isinstance(value, list | tuple)
                            and list(old) == list(value)):
            continue
        name = labels.get(field, field.replace("_", " "))
        out.append(f"{name} {_value_words(old)} → {_value_words(value)}")
    return out


def _value_words(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) if value else "none"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value)
