"""A user's saved meal plans (CSV), profile and lab results (JSON) in the user data directory.

Every file is written atomically, so a crash leaves the old version or the new one.

Plans are stored in the same CSV format as the app's download (:func:`plan_to_csv`),
so a saved plan is also a file the user can open, share and upload elsewhere.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

from planner._files import atomic_write_text, move_aside
from planner.errors import InputError, shorten
from planner.io.plan_csv import plan_from_csv, plan_to_csv
from planner.io.user_folder import user_dir
from planner.model.foods import FoodTable
from planner.model.labs import normalise_lab_results
from planner.model.profile import Profile
from planner.model.stores import DEFAULT_INITIAL_STORE_UG

#: Name under which the app keeps the plan being edited, so it survives a restart.
CURRENT = "current"
#: Longest plan name [characters].
MAX_PLAN_NAME = 60
#: Longest file name stem a plan name may need [bytes]; file systems allow 255 bytes,
#: and the temporary and ``.corrupt-N`` names add a few.
_MAX_STEM_BYTES = 200
_ESCAPE = re.compile(r"_([0-9a-f]{1,6})_")


class PlanExistsError(InputError):
    """A saved plan of this name exists and ``replace=False`` was asked for."""


def plans_dir() -> Path:
    """Folder of saved plans (``<user data dir>/plans``)."""
    return user_dir() / "plans"


def plan_name(name: str) -> str:
    """The canonical form of a plan name: blanks collapsed, Unicode NFC, case folded.

    Two names are the same plan exactly when their canonical forms are equal: "Week 1" and
    "week 1" are one plan (as they would be one file on macOS and Windows), while "Week 1",
    "week-1", "WEEK_1" and "week.1" are four. Any script is fine ("Été", "日本語").

    Raises
    ------
    InputError
        No letter or digit, longer than :data:`MAX_PLAN_NAME` characters, or control
        characters.
    """
    if not isinstance(name, str):
        raise InputError(f"A plan name must be text, not {type(name).__name__}.")
    text = " ".join(unicodedata.normalize("NFC", name).split())
    text = unicodedata.normalize("NFC", text.casefold())
    if not any(c.isalnum() for c in text):
        raise InputError("A plan name needs at least one letter or digit.")
    if len(text) > MAX_PLAN_NAME:
        raise InputError(f"A plan name can have at most {MAX_PLAN_NAME} characters; this one "
                         f"has {len(text):,}. Choose a shorter name.")
    if not text.isprintable():
        raise InputError("A plan name cannot hold control characters; type plain text.")
    return text


def _stem(key: str) -> str:
    """File name stem of a canonical plan name; one stem per name and one name per stem.

    Letters and digits (any script) are kept, a blank becomes ``-``, every other character
    ``_<hex code point>_``: "week 1" -> ``week-1``, "week-1" -> ``week_2d_1``.
    """
    out = []
    for c in key:
        if c == " ":
            out.append("-")
        elif c.isalnum():
            out.append(c)
        else:
            out.append(f"_{ord(c):x}_")
    stem = "".join(out)
    if len(stem.encode("utf-8")) > _MAX_STEM_BYTES:
        raise InputError("This plan name is too long for a file name (it has many symbols or "
                         "rare characters); choose a shorter name.")
    return stem


def _name_of(stem: str) -> str | None:
    """The plan name a file stem stands for, or None when no name gives this stem."""
    stem = unicodedata.normalize("NFC", stem)
    parts, pos = [], 0
    for m in _ESCAPE.finditer(stem):
        parts.append(stem[pos:m.start()].replace("-", " "))
        code = int(m.group(1), 16)
        if code > 0x10FFFF:
            return None
        parts.append(chr(code))
        pos = m.end()
    parts.append(stem[pos:].replace("-", " "))
    name = "".join(parts)
    try:
        if _stem(plan_name(name)) != stem:
            return None
    except InputError:
        return None
    return plan_name(name)


def _plan_path(name: str) -> Path:
    return plans_dir() / f"{_stem(plan_name(name))}.csv"


def save_plan(plan: pd.DataFrame, name: str = CURRENT, *, replace: bool = True) -> Path:
    """Save ``plan`` under ``name``; a crash mid-save leaves the previous version intact.

    Parameters
    ----------
    plan : pandas.DataFrame
    name : str
        Any name with a letter or digit, up to :data:`MAX_PLAN_NAME` characters (see
        :func:`plan_name`: case and repeated blanks do not make another plan).
    replace : bool
        Replace a saved plan of the same name (default). With False an existing plan is
        never replaced, not even by a save racing this one: :class:`PlanExistsError`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        An invalid or empty plan (an empty plan would not read back: delete the saved plan
        instead), or a bad name.
    PlanExistsError
        ``replace=False`` and the plan exists.
    """
    if not isinstance(plan, pd.DataFrame) or not len(plan):
        raise InputError("An empty plan is not saved; add at least one row.")
    key = plan_name(name)
    path = _plan_path(key)
    try:
        atomic_write_text(path, plan_to_csv(plan), replace=replace)
    except FileExistsError:
        raise PlanExistsError(f"A saved plan named “{key}” exists already.") from None
    return path


def list_saved_plans() -> list[str]:
    """Names of the saved plans (as :func:`plan_name` gives them), most recently saved first.

    Files that are not saved plans (other names, folders, links that lead nowhere, a file
    deleted while listing) are left out.
    """
    found: list[tuple[float, str]] = []
    try:
        entries = list(os.scandir(plans_dir()))
    except OSError:  # no folder yet, or not readable
        return []
    for entry in entries:
        if not entry.name.endswith(".csv"):
            continue
        name = _name_of(entry.name[:-4])
        if name is None:
            continue
        try:
            if not entry.is_file():
                continue
            mtime = entry.stat().st_mtime
        except OSError:  # a dangling link, or deleted meanwhile
            continue
        found.append((mtime, name))
    return [n for _, n in sorted(found, key=lambda t: (-t[0], t[1]))]


def load_saved_plan(name: str = CURRENT,
                    foods: FoodTable | None = None) -> pd.DataFrame | None:
    """The saved plan ``name``, or None when there is none.

    A saved file that no longer reads (edited by hand, or foods it names were removed)
    is moved aside as ``<name>.csv.corrupt-N``, never overwritten, and the
    :class:`InputError` says where it went.
    """
    path = _plan_path(name)
    if not path.is_file():
        return None
    try:
        return plan_from_csv(path, foods)
    except InputError as exc:
        if not path.is_file():  # deleted (or replaced by a dangling link) meanwhile
            return None
        moved = move_aside(path)
        where = f" It was kept as {moved.name}." if moved else ""
        raise InputError(f"The saved plan {plan_name(name)!r} could not be read.{where}\n"
                         f"{exc}") from None


def delete_saved_plan(name: str) -> None:
    """Delete a saved plan (no error when it does not exist)."""
    _plan_path(name).unlink(missing_ok=True)


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
    try:
        store = float(initial_store_ug)
    except (TypeError, ValueError, OverflowError):
        store = math.nan
    if not math.isfinite(store) or store < 0:
        raise InputError(
            f"initial_store_ug must be a number ≥ 0, not {shorten(initial_store_ug)}.")
    doc = {"profile": profile.to_dict(), "initial_store_ug": store}
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
    except (InputError, ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        # (RecursionError: JSON nested too deeply; ArithmeticError: a number too large)
        if isinstance(exc, RecursionError):
            exc = InputError("it is nested too deeply to be a profile")
        moved = move_aside(path)
        where = f" It was kept as {moved.name}." if moved else ""
        why = str(exc) if len(str(exc)) <= 300 else str(exc)[:300] + "…"
        raise InputError(f"Your saved profile could not be read ({why}).{where}") from None
    return profile, store


# -- blood-test results kept with the profile --------------------------------------------------
LAB_RESULTS_FILE = "lab_results.json"


def lab_results_path() -> Path:
    """Where dated lab results are kept: ``<user data dir>/lab_results.json``."""
    return user_dir() / LAB_RESULTS_FILE


def save_lab_results(results: object) -> Path:
    """Keep dated blood-test results beside the profile (JSON, written atomically).

    Parameters
    ----------
    results : iterable of mapping or pandas.DataFrame
        Each with ``date`` (``"YYYY-MM-DD"`` or a date), ``marker`` (``total_b12``,
        ``holotc``, ``mma``, ``homocysteine``), ``value`` and ``unit``; checked by
        :func:`planner.labs.normalise_lab_results` (the parsing and checks of
        :func:`planner.interpret_labs`). The whole list replaces the saved one; an
        empty list keeps an empty file.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        A bad result (naming the entry and the field); nothing is written then.
    """
    clean = normalise_lab_results(results)
    doc = {"lab_results": clean}
    path = lab_results_path()
    atomic_write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return path


def load_lab_results() -> list[dict[str, object]] | None:
    """The results saved by :func:`save_lab_results` (oldest first), or None.

    Returns
    -------
    list of dict or None
        ``date`` (ISO text), ``marker``, ``value`` and ``unit``; None when nothing was
        saved. :func:`planner.labs.lab_history` turns them into a table for a chart.

    Raises
    ------
    InputError
        The file no longer reads (edited by hand, damaged): it is moved aside as
        ``lab_results.json.corrupt-N`` and the message says so.
    """
    path = lab_results_path()
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("lab_results"), list):
            raise InputError("the file holds no list of lab results")
        return normalise_lab_results(doc["lab_results"])
    except (InputError, ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        if isinstance(exc, RecursionError):
            exc = InputError("it is nested too deeply to be a list of lab results")
        moved = move_aside(path)
        where = f" It was kept as {moved.name}." if moved else ""
        why = str(exc) if len(str(exc)) <= 300 else str(exc)[:300] + "…"
        raise InputError(f"Your saved lab results could not be read ({why}).{where}"
                         ) from None
