"""A user's saved meal plans: CSV files in the user data directory, written atomically.

Plans are stored in the same CSV format as the app's download (:func:`plan_to_csv`),
so a saved plan is also a file the user can open, share and upload elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from planner._files import atomic_write_text, move_aside
from planner._paths import user_dir
from planner.errors import InputError
from planner.foods import FoodTable
from planner.plan_csv import plan_from_csv, plan_to_csv

_NAME = re.compile(r"[^a-z0-9-]+")
#: Name under which the app keeps the plan being edited, so it survives a restart.
CURRENT = "current"


def plans_dir() -> Path:
    """Folder of saved plans (``<user data dir>/plans``)."""
    return user_dir() / "plans"


def plan_name(name: str) -> str:
    """The file-safe name of a plan: lower case, letters, digits and dashes."""
    slug = _NAME.sub("-", str(name).strip().lower()).strip("-")[:60]
    if not slug:
        raise InputError("A plan name needs at least one letter or digit.")
    return slug


def save_plan(plan: pd.DataFrame, name: str = CURRENT) -> Path:
    """Save ``plan`` under ``name``; a crash mid-save leaves the previous version intact.

    Returns the path written. Raises :class:`InputError` for an invalid or empty plan
    (an empty plan would not read back: delete the saved plan instead).
    """
    if not len(plan):
        raise InputError("An empty plan is not saved; add at least one row.")
    path = plans_dir() / f"{plan_name(name)}.csv"
    atomic_write_text(path, plan_to_csv(plan))
    return path


def list_saved_plans() -> list[str]:
    """Names of the saved plans, most recently saved first."""
    folder = plans_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.csv"), key=lambda p: p.stat().st_mtime, reverse=True)
    return [p.stem for p in files]


def load_saved_plan(name: str = CURRENT,
                    foods: FoodTable | None = None) -> pd.DataFrame | None:
    """The saved plan ``name``, or None when there is none.

    A saved file that no longer reads (edited by hand, or foods it names were removed)
    is moved aside as ``<name>.csv.corrupt-N``, never overwritten, and the
    :class:`InputError` says where it went.
    """
    path = plans_dir() / f"{plan_name(name)}.csv"
    if not path.is_file():
        return None
    try:
        return plan_from_csv(path, foods)
    except InputError as exc:
        moved = move_aside(path)
        where = f" It was kept as {moved.name}." if moved else ""
        raise InputError(f"The saved plan {name!r} could not be read.{where}\n{exc}") from None


def delete_saved_plan(name: str) -> None:
    """Delete a saved plan (no error when it does not exist)."""
    (plans_dir() / f"{plan_name(name)}.csv").unlink(missing_ok=True)
