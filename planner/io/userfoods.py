"""Foods the user saved: from FoodData Central or typed in from a product label.

They live in one human-readable JSON file, ``user_foods.json``, in the user data directory
(:func:`planner.io.user_folder.user_dir`: ``$B12_PLANNER_HOME`` or the platform's user data dir),
and :func:`planner.load_foods` merges them into the food table.

Safety of the file:

* every write goes to a temporary file in the same folder, is flushed and ``fsync``-ed, and
  then atomically replaces the old file (``os.replace``), so a crash mid-save leaves either
  the old or the new file, never half of one;
* a file that cannot be read is never overwritten: it is renamed to
  ``user_foods.json.corrupt-<n>`` and a :class:`UserFoodsWarning` says so (the message is
  also kept for the app, see :func:`user_food_messages`). Entries that are readable are kept.

File layout (version 1)::

    {"format": "b12-planner/user-foods", "version": 1,
     "foods": [{"food_id": "user:...", ..., "portions": [{"label": "1 cup", "grams": 240}]}]}

Unknown nutrient values are ``null`` (unknown, not zero).
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import time
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from planner._files import atomic_write_text, move_aside
from planner.errors import InputError, UnknownFoodError, parse_decimal, shorten
from planner.formats import require_yes_no
from planner.io.user_folder import user_dir
from planner.model.plan import MAX_B12_UG_PER_100G, MAX_GRAMS, MAX_ID, MAX_TEXT, clean_text
from planner.model.reliability import infer_fortified
from planner.schema import DIET_ORDER, FOOD_COLUMNS, PORTION_COLUMNS

USER_FOODS_FILE = "user_foods.json"
FILE_FORMAT = "b12-planner/user-foods"
FILE_VERSION = 1
#: Id prefixes a saved food may have; shipped foods (``sr28:``, ``fndds:``) are never saved.
SAVED_PREFIXES = ("user:", "fdc:")

#: US Daily Value of vitamin B12 on labels under the 2016 rule [µg] ([FDA-RDI]).
DV_B12_2016_UG = 2.4
#: US Daily Value of vitamin B12 on labels before the 2016 rule [µg] ([OLD-DV]).
DV_B12_OLD_UG = 6.0

_FLOAT_COLUMNS = [c for c, t in FOOD_COLUMNS.items() if t == "float64"]
#: Largest value of each amount per 100 g (plausibility bounds): B12 [µg] see
#: :data:`planner.model.plan.MAX_B12_UG_PER_100G`; energy [kcal]: pure fat has 900 (Atwater
#: factor 9 kcal/g; Merrill & Watt 1973, USDA Agriculture Handbook 74), the table's highest
#: is 902 (oils); protein [g]: at most the weight itself (the table's highest is 88).
MAX_PER_100G: dict[str, float] = {
    "b12_ug": MAX_B12_UG_PER_100G,
    "b12_added_ug": MAX_B12_UG_PER_100G,
    "b12_fortified_ug": MAX_B12_UG_PER_100G,
    "kcal": 1000.0,
    "protein_g": 100.0,
}
#: Longest portion label kept [characters].
MAX_LABEL = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_messages: list[str] = []


class UserFoodsWarning(UserWarning):
    """The saved-foods file had a problem (moved aside, entries skipped); the text says what."""


def user_foods_path() -> Path:
    """Where saved foods live: ``<user data dir>/user_foods.json``."""
    return user_dir() / USER_FOODS_FILE


def user_food_messages(clear: bool = True) -> list[str]:
    """Problems found with the saved-foods file since last asked (for the app to show).

    Parameters
    ----------
    clear : bool
        Forget the messages once returned.
    """
    out = list(_messages)
    if clear:
        _messages.clear()
    return out


def _warn(message: str) -> None:
    _messages.append(message)
    warnings.warn(message, UserFoodsWarning, stacklevel=3)


# ---------------------------------------------------------------------------------------
# Validation of one entry
# ---------------------------------------------------------------------------------------
def _float(value: Any, name: str, most: float = math.inf) -> float:
    """A number ≥ 0 (and ≤ ``most``), NaN for blank; text only with the digits 0-9."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number, not {shorten(value)}.")
    if isinstance(value, str):
        out = parse_decimal(value)
        if out is None:
            raise InputError(f"{name} must be a number written with the digits 0-9, not "
                             f"{shorten(value)}.")
    else:
        try:
            out = float(value)
        except (TypeError, ValueError, OverflowError):
            raise InputError(f"{name} must be a number, not {shorten(value)}.") from None
    if math.isnan(out):
        return out
    if not math.isfinite(out) or out < 0:
        raise InputError(f"{name} must be a finite number >= 0, not {shorten(value)}.")
    if out > most:
        raise InputError(f"{name} {out:g} is above the plausible maximum of {most:,g}; check "
                         "the number and its unit.")
    return out


def _bool(value: Any, name: str, default: bool) -> bool:
    if value is None:
        return default
    return require_yes_no(value, name, blank=False)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def normalize_food(row: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
    """Check one food row and return it with every column of ``FOOD_COLUMNS``.

    Missing optional fields get defaults ("" for text, NaN for numbers, ``b12_reliable``
    True, ``diet_verified`` False, ``fortified_basis`` "none").

    Raises
    ------
    InputError
        The message names the field: a missing or non-saved ``food_id``, an empty
        description, an unknown diet, a negative or non-numeric amount.
    """
    if isinstance(row, pd.Series):
        row = row.to_dict()
    if not isinstance(row, Mapping):
        raise InputError(f"A saved food must be a mapping of columns, not {type(row).__name__}.")
    food_id = _text(row.get("food_id"))
    if not food_id.startswith(SAVED_PREFIXES) or not food_id.split(":", 1)[1].strip():
        raise InputError(f"food_id {shorten(food_id)}: saved foods need an id starting with "
                         f"{' or '.join(SAVED_PREFIXES)} (shipped foods are already in the table).")
    if len(food_id) > MAX_ID or _CONTROL.search(food_id):
        raise InputError(f"food_id {shorten(food_id)} is longer than {MAX_ID} characters or "
                         "holds control characters.")
    description = _text(row.get("description"))
    if not description:
        raise InputError(f"{food_id}: description is empty.")
    if len(description) > MAX_TEXT or _CONTROL.search(description):
        # The same rule as a plan's description (planner.model.plan.validate_plan), so a saved
        # food always fits a plan.
        raise InputError(f"{food_id}: description is longer than {MAX_TEXT} characters or "
                         "holds control characters; shorten it to plain text.")
    diet = _text(row.get("diet"))
    if diet not in DIET_ORDER:
        raise InputError(f"{food_id}: diet must be one of {', '.join(DIET_ORDER)}, not "
                         f"{shorten(diet)}.")
    out: dict[str, Any] = {}
    for col, dtype in FOOD_COLUMNS.items():
        value = row.get(col)
        if dtype == "float64":
            out[col] = _float(value, f"{food_id}: {col}", MAX_PER_100G.get(col, math.inf))
        elif dtype == "bool":
            out[col] = _bool(value, f"{food_id}: {col}", default=(col == "b12_reliable"))
        else:
            out[col] = clean_text(value)
    out["food_id"], out["description"], out["diet"] = food_id, description, diet
    out["source"] = out["source"] or food_id.split(":", 1)[0]
    out["fortified_basis"] = out["fortified_basis"] or "none"
    return out


def normalize_portions(food_id: str, portions: Any) -> list[dict[str, Any]]:
    """Portions as ``[{"label", "grams"}]`` from dicts, (label, grams) pairs or a DataFrame.

    Raises
    ------
    InputError
        A portion has no label or a weight that is not a positive number.
    """
    if portions is None:
        return []
    if isinstance(portions, pd.DataFrame):
        portions = portions.to_dict("records")
    out = []
    for i, p in enumerate(portions, start=1):
        if isinstance(p, Mapping):
            label, grams = p.get("label"), p.get("grams")
        else:
            try:
                label, grams = p
            except (TypeError, ValueError):
                raise InputError(f"{food_id}: portion {i} must be (label, grams).") from None
        label = clean_text(label)[:MAX_LABEL]
        g = _float(grams, f"{food_id}: portion {i} grams", MAX_GRAMS)
        if not label or math.isnan(g) or g <= 0:
            raise InputError(f"{food_id}: portion {i} needs a label and a weight above 0 g "
                             f"(got {shorten(label)}, {shorten(grams)}).")
        out.append({"label": label, "grams": g})
    return out


# ---------------------------------------------------------------------------------------
# File I/O
# ---------------------------------------------------------------------------------------
def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _serialise(entries: list[dict[str, Any]]) -> str:
    foods = []
    for e in entries:
        item = {c: _json_value(e[c]) for c in FOOD_COLUMNS}
        item["portions"] = e.get("portions", [])
        if e.get("saved_at"):
            item["saved_at"] = e["saved_at"]
        foods.append(item)
    doc = {"format": FILE_FORMAT, "version": FILE_VERSION, "foods": foods}
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _clean_stale_temps(path: Path, older_than_s: float = 600.0) -> None:
    """Remove temporary files a crashed save left behind (not recent ones: maybe in use)."""
    now = time.time()
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > older_than_s:
                tmp.unlink()


@contextlib.contextmanager
def _locked(path: Path, for_writing: bool = True) -> Iterator[None]:
    """Serialise read-modify-write between processes (POSIX advisory lock; else no-op).

    A reader that cannot create the lock file (a read-only folder) reads without it:
    every write is an atomic rename, so a reader sees a whole file either way.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path.with_name(f".{path.name}.lock"), "a+")  # noqa: SIM115
    except OSError as exc:
        if for_writing:
            raise _folder_error(path, exc) from None
        yield
        return
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _folder_error(path: Path, exc: OSError) -> OSError:
    """The same kind of OSError, saying which folder could not be written and why."""
    why = exc.strerror or type(exc).__name__
    return type(exc)(exc.errno, f"Cannot write in the folder {path.parent} ({why}); saved "
                     "foods can be read but not changed. Make the folder writable, or set "
                     "B12_PLANNER_HOME to another folder.")


def _parse_document(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Entries of a saved-foods document and the problems of the ones that were skipped.

    Raises ``ValueError`` when the document as a whole is unreadable.
    """
    doc = json.loads(text)
    if not isinstance(doc, Mapping) or not isinstance(doc.get("foods"), list):
        raise ValueError("it is not a saved-foods document (no 'foods' list)")
    if doc.get("format", FILE_FORMAT) != FILE_FORMAT:
        raise ValueError(f"its format is {doc.get('format')!r}, not {FILE_FORMAT!r}")
    version = doc.get("version", FILE_VERSION)
    if not isinstance(version, int) or version > FILE_VERSION:
        raise ValueError(f"it was written by a newer B12 Planner (version {version!r}); "
                         "update the planner")
    entries, problems, seen = [], [], set()
    for i, item in enumerate(doc["foods"], start=1):
        try:
            if not isinstance(item, Mapping):
                raise InputError(f"entry {i} is not an object")
            food = normalize_food(item)
            if food["food_id"] in seen:
                raise InputError(f"{food['food_id']} appears twice")
            food["portions"] = normalize_portions(food["food_id"], item.get("portions"))
            food["saved_at"] = _text(item.get("saved_at"))
        except InputError as exc:
            problems.append(f"entry {i}: {exc}")
            continue
        seen.add(food["food_id"])
        entries.append(food)
    return entries, problems


def _load(path: Path) -> list[dict[str, Any]]:
    """Entries of the file, moving it aside (and warning) when it is not fully readable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        _warn(f"Saved foods file {path} cannot be read ({exc}); saved foods are not shown.")
        return []
    try:
        entries, problems = _parse_document(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        why = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        entries, problems = [], [f"the file is unreadable: {why}"]
        whole = True
    else:
        whole = False
    if not problems:
        return entries
    try:
        moved = move_aside(path)
    except OSError as exc:
        _warn(f"Saved foods file {path} has problems ({'; '.join(problems[:3])}) and could not "
              f"be moved aside ({exc}); it was left as it is and not changed.")
        return entries
    where = f"moved to {moved.name}" if moved else "moved aside by another process"
    if whole:
        _warn(f"Saved foods file {path} is corrupt ({problems[0]}). It was {where} in the same "
              "folder, so nothing in it is lost; your saved foods start empty. Fix that file "
              f"and rename it back to {path.name}, or add the foods again.")
        return []
    kept = f"; the {len(entries)} good food(s) were kept" if entries else ""
    _warn(f"Saved foods file {path}: {len(problems)} entr{'y' if len(problems) == 1 else 'ies'} "
          f"could not be read ({'; '.join(problems[:3])}). The original was {where}{kept}.")
    if entries:
        try:
            atomic_write_text(path, _serialise(entries))
        except OSError as exc:  # the good foods are still in the moved file
            _warn(f"The good saved foods could not be written back to {path} ({exc}); "
                  f"they are shown from {moved.name if moved else 'the moved file'}.")
    return entries


def _foods_frames(entries: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    foods = pd.DataFrame([{c: e[c] for c in FOOD_COLUMNS} for e in entries],
                         columns=list(FOOD_COLUMNS)).astype(FOOD_COLUMNS)
    portions = pd.DataFrame(
        [{"food_id": e["food_id"], "seq": n, "label": p["label"], "grams": p["grams"]}
         for e in entries for n, p in enumerate(e["portions"], start=1)],
        columns=list(PORTION_COLUMNS),
    ).astype(PORTION_COLUMNS)
    return foods, portions


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------
def read_user_foods(path: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The saved foods and their portions, ready to merge into the food table.

    Parameters
    ----------
    path : path, optional
        Default :func:`user_foods_path`.

    Returns
    -------
    foods : pandas.DataFrame
        Columns of :data:`planner.schema.FOOD_COLUMNS` (empty when nothing is saved).
    portions : pandas.DataFrame
        Columns of :data:`planner.schema.PORTION_COLUMNS`.

    Warns
    -----
    UserFoodsWarning
        The file was corrupt (moved to ``<name>.corrupt-<n>``) or had unreadable entries.
        The same text is available from :func:`user_food_messages`. Never raises for a bad
        file: the planner keeps working with the shipped table.
    """
    path = Path(path) if path is not None else user_foods_path()
    if not path.exists():
        return _foods_frames([])
    with _locked(path, for_writing=False):
        entries = _load(path)
    return _foods_frames(entries)


def save_user_food(
    row: Mapping[str, Any] | pd.Series,
    portions: Iterable[Mapping[str, Any] | tuple[str, float]] | pd.DataFrame | None = None,
    *,
    path: str | Path | None = None,
) -> str:
    """Save (or replace) one food and its portions; survives restarts.

    Parameters
    ----------
    row : mapping or pandas.Series
        A food row, e.g. from :meth:`planner.io.fdc.FdcClient.get_food` or :func:`label_food`.
        The id must start with ``user:`` or ``fdc:``.
    portions : iterable, optional
        ``{"label", "grams"}`` mappings, ``(label, grams)`` pairs, or a portions DataFrame
        (other foods' rows in it are ignored).
    path : path, optional
        Default :func:`user_foods_path`.

    Returns
    -------
    str
        The saved ``food_id``.

    Raises
    ------
    InputError
        The row or a portion is invalid (nothing is written).
    """
    food = normalize_food(row)
    if isinstance(portions, pd.DataFrame) and "food_id" in portions:
        portions = portions[portions["food_id"] == food["food_id"]]
    food["portions"] = normalize_portions(food["food_id"], portions)
    food["saved_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = Path(path) if path is not None else user_foods_path()
    with _locked(path):
        entries = [e for e in _load(path) if e["food_id"] != food["food_id"]]
        entries.append(food)
        atomic_write_text(path, _serialise(entries))
        _clean_stale_temps(path)
    return food["food_id"]


def delete_user_food(food_id: str, *, path: str | Path | None = None) -> None:
    """Remove one saved food.

    Raises
    ------
    UnknownFoodError
        No saved food has this id (close saved ids are suggested).
    """
    path = Path(path) if path is not None else user_foods_path()
    with _locked(path):
        entries = _load(path)
        kept = [e for e in entries if e["food_id"] != food_id]
        if len(kept) == len(entries):
            ids = [e["food_id"] for e in entries]
            close = [i for i in ids if str(food_id).split(":")[-1] in i][:3]
            raise UnknownFoodError(str(food_id), close)
        atomic_write_text(path, _serialise(kept))


def slugify(text: str, max_len: int = 60) -> str:
    """Lower-case ASCII slug for ids: ``"Oat Drink, Barista"`` -> ``oat-drink-barista``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "food"


def b12_from_percent_dv(percent_dv: float, dv_basis_ug: float = DV_B12_2016_UG) -> float:
    """Micrograms of B12 behind a label's %DV.

    Parameters
    ----------
    percent_dv : float
        The label's "% Daily Value" for vitamin B12 [%].
    dv_basis_ug : float
        The Daily Value the label used [µg]: 2.4 under the 2016 rule (labels from the 2020/2021
        compliance dates on) [1]_, 6.0 on older labels [2]_. The same "25 %" is 0.6 µg or 1.5 µg.

    Returns
    -------
    float
        B12 per serving [µg].

    References
    ----------
    .. [1] FDA, Reference Daily Intakes table for the 2016 Nutrition Facts rule (FDA-RDI).
    .. [2] Pre-2016 Daily Values table (OLD-DV).
    """
    pct = _float(percent_dv, "percent_dv")
    basis = _float(dv_basis_ug, "dv_basis_ug")
    if math.isnan(pct) or math.isnan(basis) or basis <= 0:
        raise InputError("percent_dv needs a number and dv_basis_ug a Daily Value above 0 µg.")
    return pct / 100.0 * basis


def _dv_step(pct: float) -> float:
    """Rounding step of %DV on US labels for vitamins: 2 % below 10, 5 % to 50, 10 % above."""
    return 2.0 if pct < 10 else 5.0 if pct <= 50 else 10.0


def label_food(
    name: str,
    serving_g: float,
    b12_per_serving_ug: float | None = None,
    percent_dv: float | None = None,
    dv_basis_ug: float = DV_B12_2016_UG,
    fortified: bool = True,
    diet: str = "vegan",
    *,
    brand: str = "",
    kcal_per_serving: float | None = None,
    protein_per_serving_g: float | None = None,
    food_id: str | None = None,
    group: str = "From a label",
) -> dict[str, Any]:
    """A food row built from a product's Nutrition Facts label.

    Parameters
    ----------
    name : str
        Product name as the person knows it.
    serving_g : float
        Serving size [g] (for drinks, ml is close enough: 1 ml ≈ 1 g).
    b12_per_serving_ug : float, optional
        Vitamin B12 per serving [µg], when the label states it.
    percent_dv : float, optional
        B12 "% Daily Value" per serving [%], when that is all the label gives.
    dv_basis_ug : float
        The Daily Value behind ``percent_dv`` [µg]: 2.4 (2016 rule; compliance 2020/2021) or
        6.0 (older labels). See :func:`b12_from_percent_dv`.
    fortified : bool
        Whether B12 was added (a cobalamin in the ingredients). Fortified B12 is crystalline
        and well absorbed; it is recorded as the food's fortified part.
    diet : str
        The least permissive diet the product suits (one of ``DIET_ORDER``), as read from
        its ingredient list.
    brand : str
        Manufacturer or brand.
    kcal_per_serving, protein_per_serving_g : float, optional
        Energy [kcal] and protein [g] per serving.
    food_id : str, optional
        Default ``user:<slug of brand and name>``.
    group : str
        Food group shown in the table.

    Returns
    -------
    dict
        A row with the columns of :data:`planner.schema.FOOD_COLUMNS`, per 100 g. Save it
        with ``save_user_food(row, [(f"1 serving", serving_g)])``.

    Raises
    ------
    InputError
        No B12 figure, a non-positive serving, or µg and %DV that disagree (often a label
        made under the other Daily Value; the message says which basis would fit).

    Notes
    -----
    B12 per 100 g = per serving × 100 / ``serving_g``. A plant food (``diet="vegan"``) that
    is not fortified but claims B12 is marked not reliable: plants make no B12, so the claim
    is most likely inactive analogues from algae or fermentation.
    """
    name = _text(name)
    if not name:
        raise InputError("name: give the product's name.")
    serving = _float(serving_g, "serving_g")
    if math.isnan(serving) or serving <= 0:
        raise InputError(f"serving_g must be a weight above 0 g, not {shorten(serving_g)}.")
    if serving > MAX_GRAMS:
        raise InputError(f"serving_g {serving:g} is more than {MAX_GRAMS:,.0f} g; check the "
                         "serving size.")
    if diet not in DIET_ORDER:
        raise InputError(f"diet must be one of {', '.join(DIET_ORDER)}, not {shorten(diet)}.")
    ug = _float(b12_per_serving_ug, "b12_per_serving_ug")
    if percent_dv is not None and not (isinstance(percent_dv, str) and not percent_dv.strip()):
        from_dv = b12_from_percent_dv(percent_dv, dv_basis_ug)
        if math.isnan(ug):
            ug = from_dv
        else:
            pct = _float(percent_dv, "percent_dv")
            basis = _float(dv_basis_ug, "dv_basis_ug")
            tolerance = _dv_step(pct) / 2 / 100 * basis + 0.05
            if abs(from_dv - ug) > tolerance:
                other = DV_B12_OLD_UG if basis != DV_B12_OLD_UG else DV_B12_2016_UG
                hint = ""
                if abs(b12_from_percent_dv(pct, other) - ug) <= _dv_step(pct) / 200 * other + 0.05:
                    hint = f" It matches a Daily Value of {other:g} µg: pass dv_basis_ug={other:g}."
                raise InputError(
                    f"b12_per_serving_ug {ug:g} µg and {pct:g} % DV of {basis:g} µg "
                    f"(= {from_dv:.2f} µg) disagree.{hint}"
                )
    if math.isnan(ug):
        raise InputError("Give the label's vitamin B12 per serving in µg (b12_per_serving_ug) "
                         "or its % Daily Value (percent_dv).")
    per100 = ug * 100.0 / serving
    if not per100 <= MAX_B12_UG_PER_100G:
        raise InputError(
            f"{ug:g} µg of B12 in {serving:g} g is {per100:,.0f} µg per 100 g, above the "
            f"plausible maximum of {MAX_B12_UG_PER_100G:,.0f} µg per 100 g (the richest food "
            "in USDA's table has 98.9, SR28 15159). Check the amount, its unit (µg, not mg) "
            "and the serving size; a supplement goes in as a supplement, not a food.")
    kcal = _float(kcal_per_serving, "kcal_per_serving", MAX_PER_100G["kcal"] * serving / 100) \
        * 100.0 / serving
    protein = _float(protein_per_serving_g, "protein_per_serving_g",
                     MAX_PER_100G["protein_g"] * serving / 100) * 100.0 / serving
    reliable, note = True, ""
    if fortified or infer_fortified(name, "", "", per100).fortified:  # planner.model.reliability
        added, fortified_ug, basis = per100, per100, "label"
    else:
        added, fortified_ug, basis = 0.0, 0.0, "none"
        if diet == "vegan" and per100 > 0:
            reliable = False
            note = ("B12 claimed by a plant food that is not fortified: most likely inactive "
                    "analogues (algae, fermentation); counted as 0")
    brand = _text(brand)
    row = {
        "food_id": food_id or f"user:{slugify(f'{brand} {name}' if brand else name)}",
        "source": "user",
        "description": name,
        "group": _text(group),
        "manufacturer": brand,
        "b12_ug": per100,
        "b12_added_ug": added,
        "b12_fortified_ug": fortified_ug,
        "fortified_basis": basis,
        "kcal": kcal,
        "protein_g": protein,
        "diet": diet,
        "diet_basis": "label, entered by the user",
        "diet_verified": True,
        "b12_reliable": reliable,
        "b12_note": note,
    }
    return normalize_food(row)


__all__ = [
    "DV_B12_2016_UG",
    "DV_B12_OLD_UG",
    "UserFoodsWarning",
    "b12_from_percent_dv",
    "delete_user_food",
    "label_food",
    "normalize_food",
    "read_user_foods",
    "save_user_food",
    "slugify",
    "user_food_messages",
    "user_foods_path",
]
