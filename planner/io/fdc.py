"""USDA FoodData Central (FDC): parse API replies into food-table rows, and a small client.

The module has two layers, kept apart in the style of pvlib's ``iotools``:

* ``parse_*`` functions are pure: they take the JSON an FDC endpoint returned (already
  decoded) and give rows of the planner's schema (:data:`planner.schema.FOOD_COLUMNS`,
  :data:`planner.schema.PORTION_COLUMNS`). They know the three nutrient shapes FDC uses
  (search results, ``format=full`` detail, ``format=abridged`` detail).
* :class:`FdcClient` does the network: API key, timeouts, retries with back-off, a disk cache
  so a food looked up once can be looked up again offline, and errors that say what to do.

The API key is sent only in the ``X-Api-Key`` header. It is never logged, never written to
the cache and never part of an error message.

Examples
--------
>>> from planner.io.fdc import FdcClient                       # doctest: +SKIP
>>> import os
>>> client = FdcClient(resolve_api_key(environ=os.environ), resolve_base_url(os.environ))
>>> hits = client.search("nutritional yeast", data_types=["Branded"])
>>> row, portions = client.get_food(int(hits.foods.food_id[0].split(":")[1]))
>>> from planner.io.userfoods import save_user_food
>>> save_user_food(row, portions)

References
----------
.. [1] U.S. Department of Agriculture, Agricultural Research Service. FoodData Central.
   fdc.nal.usda.gov. API guide: https://fdc.nal.usda.gov/api-guide
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import io
import json
import logging
import math
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, ReadTimeoutError, ResponseError
from urllib3.util.retry import Retry

from planner.errors import InputError, shorten
from planner.model.diet import text_evidence
from planner.model.plan import MAX_B12_UG_PER_100G, MAX_GRAMS, clean_text
from planner.model.reliability import b12_reliability, fortified_b12, infer_fortified
from planner.schema import FOOD_COLUMNS, PORTION_COLUMNS

logger = logging.getLogger(__name__)

#: Production address of the API (version 1).
DEFAULT_BASE_URL = "https://api.nal.usda.gov/fdc/v1"
#: Where a user gets a free personal key.
KEY_SIGNUP_URL = "https://fdc.nal.usda.gov/api-key-signup"
#: Environment variable holding the key (read by the app and the command line, which
#: hand it to :class:`FdcClient`; the client never reads the environment).
API_KEY_ENV = "FDC_API_KEY"
#: Environment variable that points the app and the command line at another API root.
BASE_URL_ENV = "B12_FDC_BASE_URL"
#: FDC data types accepted by ``dataType`` (search).
DATA_TYPES: tuple[str, ...] = ("Branded", "Foundation", "Survey (FNDDS)", "SR Legacy")
#: The API's limits: ids per ``/foods`` call, results per search page.
MAX_IDS_PER_CALL = 20
MAX_PAGE_SIZE = 200
#: Nutrient numbers asked for on detail calls (keeps replies small): protein, energy,
#: B12, added B12, and the two Atwater energies Foundation foods use instead of 208.
DETAIL_NUTRIENTS: tuple[int, ...] = (203, 208, 418, 578, 957, 958)

# Nutrient identity: FDC nutrient *number* (as in SR) and nutrient *id* (FDC's own).
_B12 = ("418", 1178)
_B12_ADDED = ("578", 1246)
_PROTEIN = ("203", 1003)
_ENERGY = (("208", 1008), ("958", 2048), ("957", 2047))  # kcal; Atwater specific, general

# Units, normalised: everything B12 is µg, protein g, energy kcal.
_TO_UG = {"ug": 1.0, "µg": 1.0, "mcg": 1.0, "mg": 1000.0}
_TO_G = {"g": 1.0, "mg": 0.001}
_TO_KCAL = {"kcal": 1.0}  # kJ deliberately not accepted: 208 is kcal

SOURCE = "fdc"
NO_INGREDIENTS_BASIS = "FDC: no ingredient list"


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------
class FdcError(RuntimeError):
    """A FoodData Central request failed; the message says what to do about it."""


class FdcKeyMissing(FdcError):
    """No API key was handed to the client (the app reads ``FDC_API_KEY`` or its secrets)."""


class FdcKeyInvalid(FdcError):
    """FDC refused the API key (HTTP 403 ``API_KEY_INVALID`` and similar)."""


class FdcRateLimited(FdcError):
    """FDC's hourly request limit for the key is used up (HTTP 429 ``OVER_RATE_LIMIT``).

    Attributes
    ----------
    retry_after : float or None
        Seconds the server asked to wait, when it said [s].
    """

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class FdcNotFound(FdcError):
    """No such food (HTTP 404)."""


class FdcNetworkError(FdcError):
    """The server could not be reached (no network, DNS, refused connection)."""


class FdcTimeout(FdcNetworkError):
    """The server did not answer in time."""


class FdcServerError(FdcError):
    """FDC answered with a server error (5xx) even after retries."""


class FdcBadResponse(FdcError, ValueError):
    """FDC's reply was not the JSON expected (malformed, or an unknown shape)."""


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------
class FdcFood(NamedTuple):
    """One food: a :data:`~planner.schema.FOOD_COLUMNS` row and its portions.

    Unpacks as ``row, portions = client.get_food(...)``, which is what
    :func:`planner.io.userfoods.save_user_food` takes.
    """

    row: dict[str, Any]
    portions: list[dict[str, Any]]


@dataclass
class FdcResult:
    """Foods from a search or a multi-food look-up, in the planner's schema.

    Attributes
    ----------
    foods : pandas.DataFrame
        Columns of :data:`~planner.schema.FOOD_COLUMNS`.
    portions : pandas.DataFrame
        Columns of :data:`~planner.schema.PORTION_COLUMNS` (branded serving sizes and,
        for detail look-ups, USDA's household measures).
    total_hits : int
        Foods matching a search in all pages (for a look-up: foods returned).
    page, total_pages : int
        Page this result holds (1-based) and number of pages.
    missing : list of int
        Ids asked for that FDC did not return (look-ups only).
    """

    foods: pd.DataFrame
    portions: pd.DataFrame
    total_hits: int = 0
    page: int = 1
    total_pages: int = 1
    missing: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.foods)


# ---------------------------------------------------------------------------------------
# Parsing (pure)
# ---------------------------------------------------------------------------------------
def _number_key(value: Any) -> str | None:
    """Nutrient number as a canonical string ("418"), whatever type FDC used."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text or None


def _int_or_none(value: Any) -> int | None:
    """A whole number (an int, a whole float, or digits 0-9), else None: ``1.5``, ``inf``,
    ``True`` and ``"١٢"`` are not ids or counts."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**63 else None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.lstrip("+-").isdigit() and len(text) <= 19:
            return int(text)
    return None


#: Largest FDC id accepted (FDC's ids have at most 7 digits in 2025; room for growth).
MAX_FDC_ID = 10**12


def _float_or_nan(value: Any) -> float:
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def _norm_unit(unit: Any) -> str:
    text = str(unit or "").strip().lower()
    return text.replace("\u03bc", "\u00b5")  # Greek mu -> micro sign


def nutrient_entries(food: Mapping[str, Any]) -> list[tuple[str | None, int | None, str, float]]:
    """Every nutrient of an FDC food as ``(number, id, unit, amount)``.

    Handles the three shapes FDC uses:

    * search results: flat ``nutrientId``, ``nutrientNumber`` (a string), ``unitName`` ("UG"),
      ``value``;
    * ``format=full`` detail: ``{"nutrient": {"id", "number", "unitName"}, "amount"}``;
    * ``format=abridged`` detail: ``number``, ``unitName``, ``amount``.

    Parameters
    ----------
    food : mapping
        One food object as decoded from FDC's JSON.

    Returns
    -------
    list of tuple
        ``unit`` is lower-case with the micro sign normalised; ``amount`` is NaN when FDC
        gives none (unknown, not zero).
    """
    out = []
    items = food.get("foodNutrients")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping):
            continue
        nested = item.get("nutrient")
        if isinstance(nested, Mapping):
            number, nid = nested.get("number"), nested.get("id")
            unit, amount = nested.get("unitName"), item.get("amount")
        elif "nutrientNumber" in item or "nutrientId" in item:
            number, nid = item.get("nutrientNumber"), item.get("nutrientId")
            unit, amount = item.get("unitName"), item.get("value", item.get("amount"))
        else:
            number, nid = item.get("number"), item.get("nutrientId")
            unit, amount = item.get("unitName"), item.get("amount", item.get("value"))
        out.append((_number_key(number), _int_or_none(nid), _norm_unit(unit),
                    _float_or_nan(amount)))
    return out


def _pick(entries: Sequence[tuple[str | None, int | None, str, float]],
          ident: tuple[str, int], factors: Mapping[str, float]) -> float:
    """Amount of one nutrient in the wanted unit, NaN when absent or in another unit."""
    number, nid = ident
    for num, i, unit, amount in entries:
        if num != number and i != nid:
            continue
        if math.isnan(amount):
            continue
        factor = factors.get(unit)
        if factor is None:
            logger.debug("FDC nutrient %s in unit %r ignored", number, unit)
            continue
        return amount * factor
    return math.nan


def _text(value: Any) -> str:
    """Text of a reply field: blanks collapsed, control characters removed, at most
    :data:`planner.model.plan.MAX_TEXT` characters (the longest a plan cell may hold)."""
    return clean_text(value) if value not in (None, "") else ""


#: Plausible range of each amount per 100 g; outside it FDC's value is taken as an error
#: and the amount as unknown (NaN). B12: :data:`planner.model.plan.MAX_B12_UG_PER_100G`;
#: energy: pure fat has 900 kcal; protein: at most the weight itself.
_PLAUSIBLE = {"b12": MAX_B12_UG_PER_100G, "kcal": 1000.0, "protein": 100.0}


def _plausible(value: float, what: str, fdc_id: int) -> float:
    if math.isnan(value) or 0 <= value <= _PLAUSIBLE[what]:
        return value
    logger.warning("FDC %s: %s %r per 100 g is implausible; taken as unknown", fdc_id, what,
                   value)
    return math.nan


def _category(food: Mapping[str, Any]) -> str:
    for key in ("wweiaFoodCategory", "brandedFoodCategory", "foodCategory"):
        value = food.get(key)
        if isinstance(value, Mapping):
            value = value.get("wweiaFoodCategoryDescription") or value.get("description")
        if isinstance(value, str) and value.strip():
            return _text(value)
    return ""


def _manufacturer(food: Mapping[str, Any]) -> str:
    owner = _text(food.get("brandOwner"))
    brand = _text(food.get("brandName"))
    if brand and owner and brand.lower() not in owner.lower():
        return f"{brand} ({owner})"
    return owner or brand


# -- diet class and B12 reliability ---------------------------------------------------------
# The words are planner.model.diet's (the table's classifier); here only what label ingredient
# statements add: allergen notes about shared equipment, and "dairy-free <word>" phrases.
_LABEL_PHRASES = re.compile(
    r"\b(?:(?:dairy|milk|lactose|meat|animal|egg)[- ]?free|non[- ]?dairy|vegan)(?: \w+)?\b"
)
_ALLERGEN_NOTES = re.compile(
    r"\b(?:may contain|may also contain|processed (?:in|on)|manufactured (?:in|on)|"
    r"produced (?:in|on)|made (?:in|on)|packed (?:in|on))\b[^.;]*"
)
_CRYSTALLINE = re.compile(
    r"\b(cyanocobalamin|methylcobalamin|hydroxocobalamin|adenosylcobalamin|cobalamin|"
    r"vitamin b[- ]?12|b[- ]?12)\b"
)


def _clean_label_text(text: str) -> str:
    text = text.lower().replace("_", " ")
    text = _ALLERGEN_NOTES.sub(" ", text)
    return _LABEL_PHRASES.sub(" ", text)


def classify_diet(
    description: str, ingredients: str | None = None, category: str = ""
) -> tuple[str, str, bool]:
    """Diet class of an FDC food from its ingredient list, or from its name when there is none.

    Parameters
    ----------
    description : str
        The food's name.
    ingredients : str, optional
        Ingredient statement as printed on the label (branded foods).
    category : str
        Food category (SR group, WWEIA or branded category).

    Returns
    -------
    diet : str
        One of :data:`planner.schema.DIET_ORDER`.
    basis : str
        Human-readable reason.
    verified : bool
        True only when an ingredient list was read. Without one the class comes from the
        name and category alone (``basis`` starts with ``"FDC: no ingredient list"``) and
        the label should be checked: "Cereals, ready-to-eat" may well contain milk or honey.

    Notes
    -----
    Uses :func:`planner.model.diet.text_evidence`, the table's keyword classifier (animal words
    after removing false friends such as "coconut milk" and "peanut butter"). Ingredient
    statements are first cleared of "may contain / made on shared equipment" notes and of
    "dairy-free <word>" phrases. The class is the most permissive one found.
    """
    has_list = bool(ingredients and ingredients.strip())
    if has_list:
        found = text_evidence(_clean_label_text(str(ingredients)))
        if found:
            return found[0], f"FDC ingredient list: contains {found[1]}", True
        return "vegan", "FDC ingredient list: no animal ingredient found", True
    found = text_evidence(f"{description} ; {category}")
    reason = f"name suggests {found[1]}" if found else "no animal word in the name"
    diet = found[0] if found else "vegan"
    return diet, f"{NO_INGREDIENTS_BASIS}; {reason}, check the label", False


def check_b12_reliable(
    description: str, ingredients: str | None, diet: str, b12_added_ug: float
) -> tuple[bool, str]:
    """Whether a food's B12 can be counted, with the reason when it cannot.

    Wraps :func:`planner.model.reliability.b12_reliability` (plant foods whose B12 comes from
    algae, tempeh, miso, shiitake ... are not dependable unless fortified), reading the
    ingredient list too, and treating a cobalamin in the ingredient list as fortification
    (branded foods have no "added B12" value).

    Parameters
    ----------
    description, ingredients : str
        Name and ingredient statement (may be empty).
    diet : str
        Diet class.
    b12_added_ug : float
        USDA's added B12 [µg per 100 g], NaN when unknown.

    Returns
    -------
    reliable : bool
    note : str
        Why not, or "".
    """
    if ingredients and _CRYSTALLINE.search(ingredients.lower()):
        return True, ""
    return b12_reliability(f"{description} ; {ingredients or ''}", diet, b12_added_ug)


def parse_fdc_food(food: Mapping[str, Any]) -> dict[str, Any]:
    """One FDC food (any data type, any of the three shapes) as a food-table row.

    Parameters
    ----------
    food : mapping
        A food object from ``/food/{id}``, ``/foods`` or a ``/foods/search`` result.

    Returns
    -------
    dict
        Keys and order of :data:`planner.schema.FOOD_COLUMNS`. Nutrients are per 100 g
        (FDC gives branded foods' ``foodNutrients`` per 100 g too; ``labelNutrients`` are
        per serving and are not used). A nutrient FDC does not report is NaN (unknown).

    Raises
    ------
    FdcBadResponse
        The object has no usable ``fdcId``.

    Notes
    -----
    ``b12_ug`` is nutrient 418 (id 1178) and ``b12_added_ug`` 578 (id 1246), in µg
    (FDC writes the unit ``UG``, ``µg`` or ``mcg``). ``kcal`` is 208 (id 1008) in kcal,
    falling back to the Atwater energies 958/957 that Foundation foods report instead.
    The fortified part follows the table's rule (:func:`planner.model.reliability.fortified_b12`):
    all of the B12 of a food classed vegan, else USDA's added B12 when above 0, else 0.
    """
    if not isinstance(food, Mapping):
        raise FdcBadResponse(f"Expected a food object from FoodData Central, got {type(food)}.")
    fdc_id = _int_or_none(food.get("fdcId"))
    if fdc_id is None or not 0 < fdc_id <= MAX_FDC_ID:
        raise FdcBadResponse("A food in FoodData Central's reply has no valid fdcId.")
    entries = nutrient_entries(food)
    b12 = _plausible(_pick(entries, _B12, _TO_UG), "b12", fdc_id)
    added = _plausible(_pick(entries, _B12_ADDED, _TO_UG), "b12", fdc_id)
    kcal = math.nan
    for ident in _ENERGY:
        kcal = _plausible(_pick(entries, ident, _TO_KCAL), "kcal", fdc_id)
        if not math.isnan(kcal):
            break
    protein = _plausible(_pick(entries, _PROTEIN, _TO_G), "protein", fdc_id)
    description = _text(food.get("description")) or f"FDC food {fdc_id}"
    category = _category(food)
    ingredients = _text(food.get("ingredients")) or None
    diet, basis, verified = classify_diet(description, ingredients, category)
    fortified, fortified_basis = fortified_b12(
        b12, added, diet, infer_fortified(description, category, ingredients or "", b12, added))
    reliable, note = check_b12_reliable(description, ingredients, diet, added)
    row = {
        "food_id": f"fdc:{fdc_id}",
        "source": SOURCE,
        "description": description,
        "group": category,
        "manufacturer": _manufacturer(food),
        "b12_ug": b12,
        "b12_added_ug": added,
        "b12_fortified_ug": fortified,
        "fortified_basis": fortified_basis,
        "kcal": kcal,
        "protein_g": protein,
        "diet": diet,
        "diet_basis": basis,
        "diet_verified": verified,
        "b12_reliable": reliable,
        "b12_note": note,
    }
    assert list(row) == list(FOOD_COLUMNS)
    return row


_GRAM_UNITS = {"g", "grm", "gram", "grams", "gr"}
#: Longest portion label kept [characters] (as :data:`planner.io.userfoods.MAX_LABEL`).
_MAX_LABEL = 100
_ML_UNITS = {"ml", "mlt", "milliliter", "millilitre", "milliliters", "millilitres"}


def parse_fdc_portions(food: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Household portions of one FDC food as portion-table rows.

    Parameters
    ----------
    food : mapping
        An FDC food object.

    Returns
    -------
    list of dict
        Keys of :data:`planner.schema.PORTION_COLUMNS`. A branded food gives its serving:
        label ``householdServingFullText`` (or ``"<servingSize> <unit>"``), grams
        ``servingSize`` when the unit is g; for ml the serving is taken as 1 g per ml
        (water-like drinks; plant milks are within about 3 %). Other units give no row.
        Detail replies of SR Legacy, Foundation and Survey foods give ``foodPortions``.
    """
    if not isinstance(food, Mapping):
        return []
    fdc_id = _int_or_none(food.get("fdcId"))
    food_id = f"fdc:{fdc_id}"
    rows: list[dict[str, Any]] = []
    size = _float_or_nan(food.get("servingSize"))
    unit = _norm_unit(food.get("servingSizeUnit"))
    if not math.isnan(size) and 0 < size <= MAX_GRAMS and (unit in _GRAM_UNITS
                                                           or unit in _ML_UNITS):
        shown_unit = "g" if unit in _GRAM_UNITS else "ml"
        label = _text(food.get("householdServingFullText"))[:_MAX_LABEL] \
            or f"{size:g} {shown_unit}"
        rows.append({"food_id": food_id, "seq": 1, "label": label, "grams": size})
    elif not math.isnan(size):
        logger.debug("FDC %s: serving unit %r not converted to grams", food_id, unit)
    measures: list[dict[str, Any]] = []
    listed = food.get("foodPortions")
    for i, portion in enumerate(listed if isinstance(listed, list) else [], start=1):
        if not isinstance(portion, Mapping):
            continue
        grams = _float_or_nan(portion.get("gramWeight"))
        if math.isnan(grams) or grams <= 0 or grams > MAX_GRAMS:
            continue
        label = _text(portion.get("portionDescription"))[:_MAX_LABEL]
        if not label or label.lower() == "quantity not specified":
            amount = _float_or_nan(portion.get("amount"))
            measure = portion.get("measureUnit") or {}
            measure_name = _text(measure.get("name")) if isinstance(measure, Mapping) else ""
            if measure_name.lower() == "undetermined":
                measure_name = ""
            parts = [f"{amount:g}" if not math.isnan(amount) else "", measure_name,
                     _text(portion.get("modifier"))]
            label = (" ".join(p for p in parts if p) or label)[:_MAX_LABEL] or f"{grams:g} g"
        seq = _int_or_none(portion.get("sequenceNumber")) or i
        measures.append({"food_id": food_id, "seq": seq, "label": label, "grams": grams})
    # USDA's order, numbered after the branded serving (which comes first).
    for n, row in enumerate(rows + sorted(measures, key=lambda r: r["seq"]), start=1):
        row["seq"] = n
        if n > len(rows):
            rows.append(row)
    return rows


def foods_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Food rows as a DataFrame with exactly the columns and dtypes of ``FOOD_COLUMNS``."""
    df = pd.DataFrame(list(rows), columns=list(FOOD_COLUMNS))
    return df.astype(FOOD_COLUMNS)


def portions_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Portion rows as a DataFrame with the columns and dtypes of ``PORTION_COLUMNS``."""
    df = pd.DataFrame(list(rows), columns=list(PORTION_COLUMNS))
    return df.astype(PORTION_COLUMNS)


def parse_fdc_foods(foods: Iterable[Mapping[str, Any]]) -> FdcResult:
    """A list of FDC food objects (``/foods`` reply, or search ``foods``) as an FdcResult.

    Objects without a valid ``fdcId`` are skipped (logged), not fatal.
    """
    rows, portions = [], []
    for food in foods:
        try:
            rows.append(parse_fdc_food(food))
        except FdcBadResponse as exc:
            logger.warning("Skipping an FDC food: %s", exc)
            continue
        portions.extend(parse_fdc_portions(food))
    return FdcResult(foods_frame(rows), portions_frame(portions), total_hits=len(rows))


def parse_fdc_search(payload: Mapping[str, Any]) -> FdcResult:
    """A ``/foods/search`` reply as an :class:`FdcResult`.

    Parameters
    ----------
    payload : mapping
        The decoded reply: ``totalHits``, ``currentPage``, ``totalPages``, ``foods``.

    Raises
    ------
    FdcBadResponse
        The reply is not a search result.
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("foods"), list):
        raise FdcBadResponse("FoodData Central's search reply has no 'foods' list.")
    result = parse_fdc_foods(payload["foods"])
    result.total_hits = _int_or_none(payload.get("totalHits")) or len(result.foods)
    result.page = _int_or_none(payload.get("currentPage")) or 1
    result.total_pages = _int_or_none(payload.get("totalPages")) or 1
    return result


# ---------------------------------------------------------------------------------------
# The API key
# ---------------------------------------------------------------------------------------
def _from_secrets(secrets: Any) -> str | None:
    """``FDC_API_KEY`` (or ``[fdc] api_key``) from a secrets mapping such as ``st.secrets``.

    Every error from the mapping (Streamlit raises when there is no secrets file, or a
    malformed one) means "no key".
    """
    if secrets is None:
        return None
    try:
        value = secrets.get(API_KEY_ENV)
        if not value:
            section = secrets.get("fdc")
            value = section.get("api_key") if section is not None else None
        text = str(value).strip() if value else ""
        return text or None
    except Exception:  # noqa: BLE001 - any failure of the secrets store means no key
        return None


def resolve_api_key(
    api_key: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    secrets: Any = None,
) -> str | None:
    """The FDC API key from what the caller hands over; nothing is looked up by itself.

    Parameters
    ----------
    api_key : str, optional
        Used when given (not blank).
    environ : mapping, optional
        Environment variables (the caller passes ``os.environ``); ``FDC_API_KEY`` is read.
    secrets : mapping, optional
        A secrets store with ``.get`` (the app passes ``st.secrets``): ``FDC_API_KEY`` or
        the section ``[fdc]`` with ``api_key``. A store that raises counts as empty.

    Returns
    -------
    str or None
        The first non-blank candidate, stripped; None when there is none.
    """
    env_key = environ.get(API_KEY_ENV) if environ is not None else None
    for candidate in (api_key, env_key, _from_secrets(secrets)):
        if candidate and str(candidate).strip():
            return str(candidate).strip()
    return None


def resolve_base_url(environ: Mapping[str, str] | None = None) -> str:
    """The API root: ``$B12_FDC_BASE_URL`` from the ``environ`` handed over, else
    :data:`DEFAULT_BASE_URL`."""
    value = environ.get(BASE_URL_ENV) if environ is not None else None
    return str(value).strip() if value and str(value).strip() else DEFAULT_BASE_URL


_KEY_CHARS = re.compile(r"[!-~]+")  # printable ASCII without blanks


def key_problem(api_key: str | None) -> str | None:
    """Why ``api_key`` cannot be sent as an HTTP header, or None when it can.

    FDC's keys are 40 letters and digits. A key pasted with a line break inside, or with a
    character outside plain ASCII (a typographic quote, a non-Latin letter), cannot go in a
    header: it would make ``requests`` raise an error that repeats the key. The message
    never contains the key.
    """
    if not api_key:
        return None
    if _KEY_CHARS.fullmatch(api_key):
        return None
    if any(c in api_key for c in "\r\n"):
        what = "a line break"
    elif any(c.isspace() for c in api_key):
        what = "a blank"
    elif not api_key.isascii():
        what = "a character other than plain letters and digits (e.g. a typographic quote)"
    else:
        what = "a control character"
    return (f"The FoodData Central API key contains {what}, so it cannot be sent. Copy the "
            f"key again from the e-mail (40 letters and digits) into {API_KEY_ENV}.")


def _scrub(text: str, secret: str | None) -> str:
    """``text`` without the key, also as Python would quote it in a message."""
    if secret:
        for form in {secret, repr(secret)[1:-1], secret.encode("unicode_escape").decode(),
                     ascii(secret)[1:-1]}:
            if form:
                text = text.replace(form, "***")
    return text


# ---------------------------------------------------------------------------------------
# Retry policy
# ---------------------------------------------------------------------------------------
def retry_after_seconds(value: Any, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait, or None when it cannot be read.

    Both forms of RFC 9110 section 10.2.3 are read: a number of seconds ("120") and an
    HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT"; a date in the past is 0 s).
    """
    if value is None:
        return None
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{1,15}(?:\.[0-9]+)?", text):
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:  # pragma: no cover - older Pythons
        return None
    if when.tzinfo is None:
        return None  # RFC 9110 dates are GMT; one without a zone is not a valid date
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def wait_words(seconds: float) -> str:
    """A wait in the unit a person would use: "about 40 seconds", "about 2 hours"."""
    if seconds < 90:
        return f"about {max(1, math.ceil(seconds))} seconds"
    if seconds < 90 * 60:
        return f"about {math.ceil(seconds / 60)} minutes"
    if seconds < 48 * 3600:
        return f"about {math.ceil(seconds / 3600)} hours"
    if seconds < 60 * 86400:
        return f"about {math.ceil(seconds / 86400)} days"
    return "much later (the server asked for more than two months)"


class _FdcRetry(Retry):
    """urllib3 Retry that gives up at once when a wait would be too long.

    * ``Retry-After`` above ``retry_after_max`` (seconds or an HTTP date): urllib3 alone
      would cap the wait and retry anyway; FDC blocks an over-limit key for up to an hour,
      so retrying after the cap only spends more of the quota. The caller then gets
      :class:`FdcRateLimited` with the server's ``Retry-After``.
    * a ``Retry-After`` that cannot be read is ignored (plain back-off), not an error;
    * any wait that would end after the client's overall deadline.
    """

    def get_retry_after(self, response: Any) -> float | None:  # noqa: D102
        raw = response.headers.get("Retry-After") if response.headers else None
        seconds = retry_after_seconds(raw)
        return None if seconds is None else min(seconds, self.retry_after_max)

    def increment(  # noqa: D102
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        if response is not None and self.respect_retry_after_header:
            raw = response.headers.get("Retry-After") if response.headers else None
            asked = retry_after_seconds(raw)
            if asked is not None and asked > self.retry_after_max:
                raise MaxRetryError(_pool, url or "", ResponseError(
                    f"Retry-After {asked:.0f} s exceeds the {self.retry_after_max} s cap"))
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        deadline = _DEADLINE.get()
        if deadline is not None:
            wait = (new.get_retry_after(response) if response is not None else None) \
                or new.get_backoff_time()
            if time.monotonic() + wait >= deadline:
                raise MaxRetryError(_pool, url or "", error or ResponseError(
                    "no time left before the deadline for another try"))
        return new


# ---------------------------------------------------------------------------------------
# An overall deadline per request
# ---------------------------------------------------------------------------------------
#: When the request being made must be done (``time.monotonic()``), or None.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "fdc_deadline", default=None)


class _DeadlineReader(io.RawIOBase):
    """Reads a socket, never waiting past the deadline of the request in progress.

    A socket's read timeout starts again with every byte, so a server that sends one byte
    every few seconds is never timed out; this reader shortens each wait to the time left.
    """

    def __init__(self, owner: _DeadlineSocket):
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        sock = self._owner.sock
        deadline = _DEADLINE.get()
        if deadline is None:
            return sock.recv_into(buffer)
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the reply did not arrive before the overall deadline")
        old = sock.gettimeout()
        sock.settimeout(left if old is None else min(old, left))
        try:
            return sock.recv_into(buffer)
        finally:
            sock.settimeout(old)

    def close(self) -> None:
        if not self.closed:
            self._owner.reader_closed()
        super().close()


class _DeadlineSocket:
    """A connected socket whose binary reading files are :class:`_DeadlineReader`\\ s.

    As with :meth:`socket.socket.makefile`, the socket stays open until it and every file
    made from it are closed (http.client closes the connection before the body is read).
    """

    def __init__(self, sock: Any):
        self.sock = sock
        self._readers = 0
        self._closing = False

    def makefile(self, mode: str = "r", buffering: int | None = None, **kw: Any) -> Any:
        if mode.replace("b", "") != "r" or "b" not in mode:
            return self.sock.makefile(mode, buffering, **kw)
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self))

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closing and self._readers <= 0:
            self.sock.close()

    def close(self) -> None:
        self._closing = True
        if self._readers <= 0:
            self.sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sock, name)


class _DeadlineHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock)


class _DeadlineHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock)


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class _DeadlineAdapter(HTTPAdapter):
    """HTTPAdapter whose connections honour the overall deadline (:data:`_DEADLINE`)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _DeadlineHTTPPool,
                                                   "https": _DeadlineHTTPSPool}


def make_retry(retries: int = 3, backoff_factor: float = 0.5, retry_after_max: int = 60) -> Retry:
    """The retry policy of :class:`FdcClient` (429 and 5xx, GET and POST)."""
    return _FdcRetry(
        total=retries,
        read=min(retries, 1),  # one more try after a read timeout, not four slow ones
        status_forcelist=(429, 500, 502, 503, 504),
        backoff_factor=backoff_factor,
        respect_retry_after_header=True,
        retry_after_max=retry_after_max,
        raise_on_status=False,
        allowed_methods=frozenset({"GET", "POST"}),
    )


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, requests.Timeout):
        return True
    seen = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ReadTimeoutError | TimeoutError):
            return True
        if isinstance(item, MaxRetryError):
            stack.append(item.reason)
        if isinstance(item, BaseException):
            stack.extend(a for a in item.args if isinstance(a, BaseException))
            stack.extend([item.__cause__, item.__context__])
    return False


def _json_ok(response: requests.Response) -> bool:
    """Cache filter: store only replies that are valid JSON."""
    try:
        json.loads(response.content)
    except (ValueError, RecursionError):
        return False
    return True


# ---------------------------------------------------------------------------------------
# Client
# ---------------------------------------------------------------------------------------
class FdcClient:
    """Client for the FoodData Central API, returning foods in the planner's schema.

    Parameters
    ----------
    api_key : str, optional
        The key, handed over by the caller (:func:`resolve_api_key` picks it from what the
        caller has: ``os.environ``, ``st.secrets``); the client reads neither. Without a
        key every call raises :class:`FdcKeyMissing` before touching the network.
    base_url : str
        API root; tests point it at a local server.
    timeout : float or (float, float)
        Connect and read timeouts of every request [s].
    retries : int
        Retries on 429 and 5xx replies and on connection errors (with exponential back-off).
    backoff_factor : float
        Back-off base [s]: waits are ``backoff_factor * 2**n``.
    retry_after_max : int
        Longest ``Retry-After`` honoured [s]; a longer one (in seconds or as an HTTP date)
        fails at once with :class:`FdcRateLimited` instead of blocking.
    deadline : float
        Longest time one call may take in all, retries included [s]. The read timeout
        alone does not bound it: it starts again with every byte, so a server sending a
        byte every few seconds could hold a call for minutes. After the deadline the call
        fails with :class:`FdcTimeout`.
    cache : bool
        Keep a disk cache of successful replies so a food looked up once works offline.
    cache_dir : path, optional
        Folder of the cache; default ``planner.io.user_folder.user_dir()``. The cache is the SQLite
        file ``fdc-cache.sqlite`` there. A folder where it cannot be written (read-only,
        full) means no cache, not an error (``cache_problem`` says why).
    expire_after : timedelta
        Age after which a cached reply is fetched again; a stale copy is still used when the
        network fails.
    session : requests.Session, optional
        Use this session (retries are mounted on it) instead of building one.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float | tuple[float, float] = (3.05, 30.0),
        retries: int = 3,
        backoff_factor: float = 0.5,
        retry_after_max: int = 60,
        deadline: float = 60.0,
        cache: bool = True,
        cache_dir: str | Path | None = None,
        expire_after: timedelta = timedelta(days=30),
        session: requests.Session | None = None,
    ):
        self._api_key = resolve_api_key(api_key)  # blank → None; no environment lookup
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        if isinstance(deadline, bool) or not (isinstance(deadline, int | float)
                                              and 0 < deadline <= 3600):
            raise InputError(f"deadline must be a number of seconds from 0 to 3600, not "
                             f"{shorten(deadline)}.")
        self.deadline = float(deadline)
        self.cache_path: Path | None = None
        #: Why the disk cache is off although it was asked for ("" when it is on).
        self.cache_problem = ""
        self._retry = make_retry(retries, backoff_factor, retry_after_max)
        if session is None:
            session = self._make_session(cache, cache_dir, expire_after)
        self._mount(session)
        self.session = session

    def _mount(self, session: requests.Session) -> None:
        adapter = _DeadlineAdapter(max_retries=self._retry)
        session.mount("https://", adapter)
        session.mount("http://", adapter)

    def _drop_cache(self, exc: BaseException) -> None:
        """Go on without the disk cache (it cannot be opened or written)."""
        self.cache_problem = (f"The FoodData Central cache in {self.cache_path} cannot be used "
                              f"({type(exc).__name__}: {shorten(str(exc), 200)}); looking "
                              "foods up without it.")
        logger.warning("%s", self.cache_problem)
        old, self.session = self.session, requests.Session()
        self._mount(self.session)
        with contextlib.suppress(Exception):
            old.close()

    def _make_session(self, cache: bool, cache_dir: str | Path | None,
                      expire_after: timedelta) -> requests.Session:
        if not cache:
            return requests.Session()
        from planner.io.user_folder import user_dir

        folder = Path(cache_dir) if cache_dir is not None else user_dir()
        self.cache_path = folder / "fdc-cache.sqlite"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return self._cached_session(folder, expire_after)
        except (OSError, sqlite3.Error) as exc:  # read-only or full folder, a damaged file
            self.cache_problem = (f"The FoodData Central cache in {self.cache_path} cannot be "
                                  f"used ({type(exc).__name__}: {shorten(str(exc), 200)}); "
                                  "looking foods up without it.")
            logger.warning("%s", self.cache_problem)
            return requests.Session()

    def _cached_session(self, folder: Path, expire_after: timedelta) -> requests.Session:
        from requests_cache import CachedSession

        return CachedSession(
            str(folder / "fdc-cache"),
            backend="sqlite",
            expire_after=expire_after,
            allowable_codes=(200,),
            allowable_methods=("GET",),
            match_headers=False,
            stale_if_error=True,
            filter_fn=_json_ok,
            # requests-cache matches these names case-sensitively when redacting, so list
            # the exact spelling sent as well as its defaults.
            ignored_parameters=["api_key", "X-Api-Key", "X-API-Key", "x-api-key"],
        )

    # -- plumbing --------------------------------------------------------------------------
    def __repr__(self) -> str:
        key = "set" if self._api_key else "missing"
        return f"<FdcClient {self.base_url} key={key}>"

    @property
    def has_key(self) -> bool:
        """Whether an API key is available."""
        return bool(self._api_key)

    def close(self) -> None:
        """Close the HTTP session (and the cache database)."""
        self.session.close()

    def __enter__(self) -> FdcClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _error(self, cls: type[FdcError], message: str, **kw: Any) -> FdcError:
        return cls(_scrub(message, self._api_key), **kw)

    def request_json(self, path: str, params: Mapping[str, Any] | None = None,
                     what: str = "") -> Any:
        """GET ``base_url/path`` and return the decoded JSON, or raise an :class:`FdcError`.

        Parameters
        ----------
        path : str
            Endpoint below the base URL, e.g. ``"foods/search"``.
        params : mapping, optional
            Query parameters (never the key: it goes in a header).
        what : str
            Short description for messages ("food 2345678").
        """
        if not self._api_key:
            raise FdcKeyMissing(
                "No FoodData Central API key. Get a free key at "
                f"{KEY_SIGNUP_URL} and set it in the {API_KEY_ENV} environment variable "
                "(or in .streamlit/secrets.toml as FDC_API_KEY)."
            )
        problem = key_problem(self._api_key)
        if problem:  # before any request: such a key would end in an error repeating it
            raise FdcKeyInvalid(problem)
        url = f"{self.base_url}/{path.lstrip('/')}"
        what = what or path
        token = _DEADLINE.set(time.monotonic() + self.deadline)
        try:
            response = self._get(url, params, what)
        finally:
            _DEADLINE.reset(token)
        from_cache = bool(getattr(response, "from_cache", False))
        logger.debug("FDC GET %s %s -> %s%s", path, dict(params or {}), response.status_code,
                     " (cache)" if from_cache else "")
        if response.status_code == 200:
            error: FdcError | None = None
            try:
                return response.json()
            except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
                snippet = _scrub(response.text[:80], self._api_key)
                why = ("is nested too deeply" if isinstance(exc, RecursionError)
                       else f"is not valid JSON, starting {snippet!r}")
                error = self._error(
                    FdcBadResponse,
                    f"FoodData Central sent a reply that {why} ({what}). Try again later.")
            raise error
        raise self._status_error(response, what)

    def _get(self, url: str, params: Mapping[str, Any] | None, what: str) -> requests.Response:
        """The response, its body read within the deadline; every failure an FdcError."""
        error: FdcError | None = None
        for attempt in (1, 2):
            try:
                response = self.session.get(
                    url, params=dict(params or {}), timeout=self.timeout,
                    allow_redirects=False,
                    headers={"X-Api-Key": self._api_key, "Accept": "application/json"},
                )
                response.content  # noqa: B018 - read the body now, within the deadline
                return response
            except sqlite3.Error as exc:  # the cache became unusable (read-only, full, damaged)
                if attempt == 1 and self.cache_path is not None and not self.cache_problem:
                    self._drop_cache(exc)
                    continue
                error = self._error(FdcError, f"FoodData Central's cache failed ({what}; "
                                    f"{type(exc).__name__}: {shorten(str(exc), 200)}).")
            except requests.RequestException as exc:
                reason = shorten(_scrub(f"{type(exc).__name__}: {exc}", self._api_key), 300)
                if _is_timeout(exc):
                    error = self._error(
                        FdcTimeout,
                        f"FoodData Central did not answer in time ({what}; timeout "
                        f"{self.timeout} s, at most {self.deadline:g} s in all). Try again "
                        f"later; foods looked up before still work offline. ({reason})",
                    )
                else:
                    error = self._error(
                        FdcNetworkError,
                        f"Cannot reach FoodData Central at {self.base_url} ({what}). Check "
                        f"the internet connection; foods looked up before still work "
                        f"offline. ({reason})",
                    )
            except (ValueError, UnicodeError, OSError, RecursionError, TypeError) as exc:
                reason = shorten(_scrub(f"{type(exc).__name__}: {exc}", self._api_key), 300)
                error = self._error(FdcError, f"The request to FoodData Central failed ({what}; "
                                    f"{reason}).")
            break
        assert error is not None
        raise error  # outside the except blocks: no chained request object with the key

    def _status_error(self, response: requests.Response, what: str) -> FdcError:
        status = response.status_code
        code, server_msg = "", ""
        try:
            body = response.json()
            err = body.get("error") if isinstance(body, Mapping) else None
            if isinstance(err, Mapping):
                code = str(err.get("code") or "")[:60]
                server_msg = str(err.get("message") or "")
            elif isinstance(body, Mapping):
                server_msg = str(body.get("message") or body.get("error") or "")
        except (ValueError, RecursionError):
            pass
        detail = f" ({code})" if code else ""
        if status == 403 and code == "API_KEY_MISSING":
            return self._error(FdcKeyMissing, "FoodData Central says no API key was sent "
                               f"(API_KEY_MISSING). Get a free key at {KEY_SIGNUP_URL}.")
        if status in (401, 403):
            return self._error(
                FdcKeyInvalid,
                f"FoodData Central refused the API key{detail or ' (HTTP 403)'}. Check the "
                f"{API_KEY_ENV} value for typos, or get a free key at {KEY_SIGNUP_URL}.",
            )
        if status == 429:
            seconds = retry_after_seconds(response.headers.get("Retry-After"))
            retry_after = math.nan if seconds is None else seconds
            wait = (f" Try again in {wait_words(retry_after)}."
                    if not math.isnan(retry_after) else " Try again in an hour.")
            return self._error(
                FdcRateLimited,
                f"FoodData Central's hourly request limit for this key is used up"
                f"{detail or ' (HTTP 429)'}.{wait} DEMO_KEY allows about 30 requests an hour; "
                f"a free personal key about 1,000 ({KEY_SIGNUP_URL}).",
                retry_after=None if math.isnan(retry_after) else retry_after,
            )
        if status == 404:
            return self._error(FdcNotFound, f"FoodData Central has no {what} (HTTP 404). "
                               "Check the FDC id; search to find the food.")
        if 300 <= status < 400:
            where = shorten(response.headers.get("Location", "?"), 200)
            return self._error(FdcError, f"FoodData Central redirected {what} to {where}; "
                               "not followed (the key is never sent to another address). "
                               "Check the base URL.")
        if status >= 500:
            return self._error(FdcServerError, f"FoodData Central had a server error "
                               f"(HTTP {status}) for {what}, even after retries. "
                               "Try again later.")
        msg = f": {' '.join(server_msg[:200].split())}" if server_msg else ""
        return self._error(FdcError, f"FoodData Central rejected the request for {what} "
                           f"(HTTP {status}{detail}){msg}.")

    # -- endpoints -------------------------------------------------------------------------
    def search_json(self, query: str, data_types: Sequence[str] | None = DATA_TYPES,
                    page_size: int = 50, page_number: int = 1,
                    brand_owner: str | None = None) -> Any:
        """Raw ``/foods/search`` reply (see :meth:`search` for the parameters)."""
        if not isinstance(query, str) or not query.strip():
            raise InputError("FDC search: type a food name to search for.")
        if len(query) > 1000:
            raise InputError("FDC search: the search text is longer than 1,000 characters.")
        page_size = _whole(page_size, "page_size", 1, MAX_PAGE_SIZE)
        page_number = _whole(page_number, "page_number", 1, 10_000)
        params: dict[str, Any] = {"query": query.strip(), "pageSize": int(page_size),
                                  "pageNumber": int(page_number)}
        if data_types:
            lookup = {t.lower(): t for t in DATA_TYPES}
            chosen = []
            for t in ([data_types] if isinstance(data_types, str) else data_types):
                if str(t).lower() not in lookup:
                    raise InputError(f"FDC search: data type {t!r} is not one of "
                                     f"{', '.join(DATA_TYPES)}.")
                chosen.append(lookup[str(t).lower()])
            params["dataType"] = ",".join(chosen)
        if brand_owner:
            params["brandOwner"] = brand_owner
        return self.request_json("foods/search", params,
                                 what=f"search {shorten(query.strip())}")

    def search(self, query: str, data_types: Sequence[str] | None = DATA_TYPES,
               page_size: int = 50, page_number: int = 1,
               brand_owner: str | None = None) -> FdcResult:
        """Search FDC; one page of results in the planner's schema.

        Parameters
        ----------
        query : str
            Search words (FDC's operators allowed).
        data_types : sequence of str, optional
            Any of :data:`DATA_TYPES`; None for all.
        page_size : int
            Results per page, 1-200.
        page_number : int
            1-based page.
        brand_owner : str, optional
            Only branded foods of this owner.

        Returns
        -------
        FdcResult
            ``foods``/``portions`` frames plus ``total_hits``, ``page``, ``total_pages``.
        """
        return parse_fdc_search(self.search_json(query, data_types, page_size, page_number,
                                                 brand_owner))

    def search_all(self, query: str, data_types: Sequence[str] | None = DATA_TYPES,
                   max_results: int = 200, page_size: int = 50) -> FdcResult:
        """Search and follow pages until ``max_results`` foods or the last page."""
        foods, portions = [], []
        page, total_hits, total_pages, count = 1, 0, 1, 0
        size = max(1, min(page_size, max_results, MAX_PAGE_SIZE))  # one size for every page
        while count < max_results:
            res = self.search(query, data_types, page_size=size, page_number=page)
            total_hits, total_pages = res.total_hits, res.total_pages
            if not len(res.foods):
                break
            foods.append(res.foods)
            portions.append(res.portions)
            count += len(res.foods)
            if page >= res.total_pages:
                break
            page += 1
        all_foods = pd.concat(foods, ignore_index=True) if foods else foods_frame([])
        all_portions = pd.concat(portions, ignore_index=True) if portions else portions_frame([])
        keep = all_foods["food_id"].head(max_results)
        all_foods = all_foods.head(max_results)
        all_portions = all_portions[all_portions["food_id"].isin(keep)].reset_index(drop=True)
        return FdcResult(all_foods, all_portions, total_hits=total_hits, page=page,
                         total_pages=total_pages)

    def get_food_json(self, fdc_id: int, format: str = "full") -> Any:
        """Raw ``/food/{fdcId}`` reply, limited to the nutrients the planner uses."""
        fid = _check_id(fdc_id)
        if format not in ("full", "abridged"):
            raise InputError(f"format must be 'full' or 'abridged', not {format!r}.")
        params = {"format": format, "nutrients": ",".join(map(str, DETAIL_NUTRIENTS))}
        return self.request_json(f"food/{fid}", params, what=f"food with FDC id {fid}")

    def get_food(self, fdc_id: int, format: str = "full") -> FdcFood:
        """One food by FDC id: its row and its portions.

        Raises
        ------
        FdcNotFound
            FDC has no such id.
        """
        payload = self.get_food_json(fdc_id, format)
        if not isinstance(payload, Mapping):
            raise self._error(FdcBadResponse, f"FoodData Central's reply for food {fdc_id} is "
                              "not a food object.")
        return FdcFood(parse_fdc_food(payload), parse_fdc_portions(payload))

    def get_foods(self, fdc_ids: Iterable[int], format: str = "full") -> FdcResult:
        """Several foods by FDC id (20 per request); ids FDC does not know are in ``missing``."""
        ids = list(dict.fromkeys(_check_id(i) for i in fdc_ids))
        foods: list[Any] = []
        for start in range(0, len(ids), MAX_IDS_PER_CALL):
            chunk = ids[start:start + MAX_IDS_PER_CALL]
            params = {"fdcIds": ",".join(map(str, chunk)), "format": format,
                      "nutrients": ",".join(map(str, DETAIL_NUTRIENTS))}
            payload = self.request_json("foods", params, what=f"{len(chunk)} foods")
            if not isinstance(payload, list):
                raise self._error(FdcBadResponse, "FoodData Central's /foods reply is not a "
                                  "list of foods.")
            foods.extend(payload)
        result = parse_fdc_foods(foods)
        got = {int(f.split(":")[1]) for f in result.foods["food_id"]}
        result.missing = [i for i in ids if i not in got]
        return result


def _whole(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"FDC search: {name} must be a whole number, not {shorten(value)}.")
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not (text.isascii() and text.isdigit() and len(text) <= 6) or not lo <= int(text) <= hi:
        raise InputError(f"FDC search: {name} must be a whole number from {lo} to {hi}, not "
                         f"{shorten(value)}.")
    return int(text)


def _check_id(fdc_id: Any) -> int:
    text = str(fdc_id).strip() if not isinstance(fdc_id, bool) else ""
    if text.lower().startswith("fdc:"):
        text = text[4:]
    # The digits 0-9 only (as everywhere in the planner); FDC ids have at most 8 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 12) or int(text) <= 0:
        raise InputError(f"An FDC id is a positive whole number, not {shorten(fdc_id)}.")
    return int(text)


__all__ = [
    "DATA_TYPES",
    "DEFAULT_BASE_URL",
    "FdcBadResponse",
    "FdcClient",
    "FdcError",
    "FdcFood",
    "FdcKeyInvalid",
    "FdcKeyMissing",
    "FdcNetworkError",
    "FdcNotFound",
    "FdcRateLimited",
    "FdcResult",
    "FdcServerError",
    "FdcTimeout",
    "check_b12_reliable",
    "classify_diet",
    "foods_frame",
    "nutrient_entries",
    "parse_fdc_food",
    "parse_fdc_foods",
    "parse_fdc_portions",
    "parse_fdc_search",
    "portions_frame",
    "resolve_api_key",
    "resolve_base_url",
]
