"""A user's saved meal plans (CSV) and profile (JSON) in the user data directory.

Every file is written atomically, so a crash leaves the old version or the new one.

Plans are stored in the same CSV format as the app's download (:func:`plan_to_csv`),
so a saved plan is also a file the user can open, share and upload elsewhere.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd

from planner._files import atomic_write_text, move_aside
from planner._paths import user_dir
from planner.errors import InputError
from planner.foods import FoodTable
from planner.plan_csv import plan_from_csv, plan_to_csv
from planner.profile import Profile
from planner.stores import DEFAULT_INITIAL_STORE_UG

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


# -- the person the current plan is for -------------------------------------------------------
PROFILE_FILE = "profile.json"


def profile_path() -> Path:
    """Where the last profile is kept: ``<user data dir>/profile.json``."""
    return user_dir() / PROFILE_FILE


def save_profile(profile: Profile,
                 initial_store_ug: float = DEFAULT_INITIAL_STORE_UG) -> Path:
    """Keep ``profile`` (and the body store the projection starts from) for next time.

    Parameters
    ----------
    profile : Profile
    initial_store_ug : float
        B12 in the body at the start of the plan [µg], as the app's projection uses it.

    Returns
    -------
    pathlib.Path
        The file written (JSON, written atomically).
    """
    if not isinstance(profile, Profile):
        raise InputError(f"profile must be a planner.Profile, not {type(profile).__name__}.")
    store = float(initial_store_ug)
    if not math.isfinite(store) or store < 0:
        raise InputError(f"initial_store_ug must be a number ≥ 0, not {initial_store_ug!r}.")
    data = {f: getattr(profile, f) for f in ("age", "sex", "diet", "pregnant", "lactating",
                                             "authority")}
    data["conditions"] = list(profile.conditions)
    doc = {"profile": data, "initial_store_ug": store}
    path = profile_path()
    atomic_write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return path


def load_profile() -> tuple[Profile, float] | None:
    """The profile saved by :func:`save_profile` and its start store [µg], or None.

    A file that no longer reads (edited by hand, or from a version with other fields) is
    moved aside as ``profile.json.corrupt-N`` and the :class:`InputError` says so.
    """
    path = profile_path()
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            raise InputError("the file holds no profile")
        profile = Profile.from_dict(doc.get("profile"))
        store = float(doc.get("initial_store_ug", DEFAULT_INITIAL_STORE_UG))
        if not math.isfinite(store) or store < 0:
            raise InputError(f"initial_store_ug {store!r} is not a number ≥ 0")
    except (InputError, ValueError, TypeError, UnicodeDecodeError) as exc:
        moved = move_aside(path)
        where = f" It was kept as {moved.name}." if moved else ""
        raise InputError(f"Your saved profile could not be read ({exc}).{where}") from None
    return profile, store
