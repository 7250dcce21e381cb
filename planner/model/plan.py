"""Meal plans: the one place a plan DataFrame is checked and normalised.

A plan has one row per food or supplement eaten: ``day`` (1-based), ``meal``, optional
``time`` ("HH:MM"), ``food_id`` and ``grams``; supplement rows use the id
``supplement:<form>`` and ``dose_ug`` instead of grams. Every entry point (evaluation,
CSV import, the app, the CLI) goes through :func:`validate_plan`, so a bad row gets the
same readable message wherever it comes from.
"""

from __future__ import annotations

import math
import re
import weakref

import numpy as np
import pandas as pd

from planner.errors import InputError, parse_decimal, shorten
from planner.schema import DEFAULT_MEAL_TIMES, PLAN_COLUMNS, SUPPLEMENT_PREFIX

#: Largest amount of one food in one row [g]; more is taken as a typo (5 kg).
MAX_GRAMS = 5000.0
#: Largest supplement dose in one row [µg]; oral tablets go up to 5000 µg and
#: injections are 1000 µg/mL [FDA-INJ], so 100,000 µg is taken as a typo.
MAX_DOSE_UG = 100_000.0
#: Longest plan [days]: ten years.
MAX_DAY = 3660
#: Largest B12 content of a food accepted from a label, FoodData Central or a saved file
#: [µg per 100 g]. A plausibility bound, not a model constant. Basis: the richest food in
#: the shipped USDA table (SR28 + FNDDS 2021-2023) has 98.89 µg per 100 g (SR28 15159,
#: clams, cooked, moist heat; next beef and lamb liver, 96 and 90), and the most
#: concentrated fortified products, energy shots with 500 µg in a 57 ml bottle on their
#: labels, about 900 µg. 100,000 µg (0.1 % of the weight, 1,000 times the USDA maximum)
#: leaves room for any real product while refusing typos such as 1e308, which made the
#: absorbed amount infinite.
MAX_B12_UG_PER_100G = 100_000.0
#: Supplement forms understood (all are reduced to cobalamin; Paul & Brady 2017).
SUPPLEMENT_FORMS = ("cyanocobalamin", "methylcobalamin", "hydroxocobalamin", "adenosylcobalamin")

_TIME_RE = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_AMBIGUOUS_COMMA = re.compile(r"^[+-]?[0-9]{1,3},[0-9]{3}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Longest description or portion label kept [characters].
MAX_TEXT = 500
#: Longest food id [characters]; ids are short ("sr28:01123", "user:<name>").
MAX_ID = 120
#: How many problems one error message lists before it says "and N more".
MAX_LISTED = 20


def is_supplement(food_id: str) -> bool:
    return str(food_id).startswith(SUPPLEMENT_PREFIX)


def empty_plan() -> pd.DataFrame:
    """A plan with no rows and every column of :data:`planner.schema.PLAN_COLUMNS`."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in PLAN_COLUMNS.items()})


def _short_name(description: object, limit: int = 50) -> str:
    """A food's description cut to ``limit`` characters for a message."""
    text = str(description)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _name_hint(text: str, foods) -> str:
    """For an id that looks like no id ("egg"): the foods whose names match it."""
    try:
        hits = foods.search(text, limit=3)
    except (InputError, AttributeError):
        return " Search for the food."
    if len(hits) == 0 or not hits.attrs.get("good_match", True):
        return " Search for the food."
    named = [f"{_short_name(d)} ({i})" for d, i in zip(hits["description"], hits["food_id"],
                                                       strict=True)]
    return " Foods with that name: " + "; ".join(named) + "."


def _number(value: object) -> float | None:
    """A finite float, NaN for blank, or None when not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        # A decimal comma ("12,5") is fine; "1,000" could mean 1000 or 1.0, and
        # "1_000" is Python syntax, not a number a person writes: refuse both.
        # Only the digits 0-9 (planner.errors.parse_decimal): "١٢" is refused, as are
        # "nan" and "inf", which are not numbers a person writes.
        if _AMBIGUOUS_COMMA.match(text):
            return None
        return parse_decimal(text)
    else:
        try:
            x = float(value)
        except (TypeError, ValueError, OverflowError):
            return None
    if math.isinf(x):
        return None
    return x


def _text(value: object) -> str:
    """A stripped string; blank for None and NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def clean_text(value: object) -> str:
    """Text from a food table or a saved food made fit for a plan cell: control
    characters removed, blanks collapsed, cut to :data:`MAX_TEXT` characters."""
    text = " ".join(_CONTROL.sub(" ", _text(value)).split())
    return text[:MAX_TEXT].rstrip()


#: Each food table's descriptions as plan cells (:func:`clean_text`), worked out once per
#: table: a year's plan would otherwise clean thousands of descriptions on every check.
_CLEAN_DESCRIPTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _clean_descriptions(foods) -> pd.Series:
    """``foods.df["description"]`` through :func:`clean_text`, cached per table."""
    try:
        return _CLEAN_DESCRIPTIONS[foods]
    except (KeyError, TypeError):
        pass
    d = foods.df["description"]
    cleaned = d.map({v: clean_text(v) for v in d.unique()})
    try:
        _CLEAN_DESCRIPTIONS[foods] = cleaned
    except TypeError:  # not weak-referenceable: computed each time, still correct
        pass
    return cleaned


def _any_bad_text(s: pd.Series, limit: int) -> bool:
    """Whether a distinct value of ``s`` is over ``limit`` characters or holds a control
    character (column-wise: plans repeat their words)."""
    u = pd.Series(s.unique(), dtype="str")
    return bool((u.str.len() > limit).any()
                or u.str.contains(_CONTROL.pattern, regex=True).any())


def raise_problems(problems: list[str], what: str = "The plan") -> None:
    """Raise one :class:`InputError` listing ``problems`` (if any)."""
    if not problems:
        return
    shown = problems[:MAX_LISTED]
    more = len(problems) - len(shown)
    msg = f"{what} has {len(problems)} problem(s):\n- " + "\n- ".join(shown)
    if more:
        msg += f"\n- ... and {more} more"
    raise InputError(msg)



def _fast_path(src: pd.DataFrame, foods) -> pd.DataFrame | None:
    """The normalised plan when every row is clean, checked column-wise; else None.

    Returns exactly what the row loop would; any doubt (odd types, a bad value) returns
    None and the loop produces the messages.
    """
    n = len(src)
    if n == 0 or not {"grams", "dose_ug"} & set(src.columns):
        return None

    def num(name: str) -> np.ndarray | None:
        if name not in src.columns:
            return np.full(n, np.nan)
        s = src[name]
        if s.dtype == bool or not pd.api.types.is_numeric_dtype(s.dtype):
            return None
        return s.to_numpy(dtype="float64", na_value=np.nan)

    def text(name: str) -> pd.Series | None:
        if name not in src.columns:
            return pd.Series([""] * n, dtype="str")
        s = src[name]
        vals = s.to_numpy(dtype=object)
        ok = np.fromiter((isinstance(v, str) or v is None or (isinstance(v, float) and v != v)
                          for v in vals), bool, n) if s.dtype == object else None
        if s.dtype == object and not ok.all():
            return None
        if s.dtype != object and not pd.api.types.is_string_dtype(s.dtype):
            return None
        return s.fillna("").astype("str").str.strip()

    day = num("day")
    grams, dose = num("grams"), num("dose_ug")
    meal, time, fid = text("meal"), text("time"), text("food_id")
    desc, portion = text("description"), text("portion")
    if any(x is None for x in (day, grams, dose, meal, time, fid, desc, portion)):
        return None
    if np.isnan(day).any() or (day != np.floor(day)).any() or (day < 1).any() \
            or (day > MAX_DAY).any():
        return None
    if (meal == "").any() or (fid == "").any():
        return None
    if _any_bad_text(fid, MAX_ID) or any(_any_bad_text(s, MAX_TEXT)
                                         for s in (meal, desc, portion)):
        return None
    given = (time != "").to_numpy()
    default = meal.str.lower().map(DEFAULT_MEAL_TIMES)
    if default[~given].isna().any():
        return None
    times = default
    if given.any():
        m = time.str.extract(_TIME_RE.pattern)
        if m[0][given].isna().any():
            return None
        times = (m[0].fillna("0").str.zfill(2) + ":" + m[1].fillna("")).where(given, default)
    supp = fid.str.startswith(SUPPLEMENT_PREFIX).to_numpy()
    if supp.any():
        forms = fid[supp].str.slice(len(SUPPLEMENT_PREFIX))
        if not forms.isin(SUPPLEMENT_FORMS).all():
            return None
        d = dose[supp]
        if np.isnan(d).any() or (d <= 0).any() or (d > MAX_DOSE_UG).any():
            return None
    food = ~supp
    g = grams[food]
    if np.isnan(g).any() or np.isinf(g).any() or (g < 0).any() or (g > MAX_GRAMS).any():
        return None
    if foods is not None and food.any() and (
            foods.df.index.get_indexer(fid[food]) < 0).any():  # not .isin: slow on arrow str
        return None
    desc = desc.copy()
    blank = (desc == "").to_numpy()
    if foods is not None and (blank & food).any():
        desc[blank & food] = _clean_descriptions(foods).reindex(
            fid[blank & food]).to_numpy()
    if (blank & supp).any():
        desc[blank & supp] = ("B12 supplement (" + fid[blank & supp].str.slice(
            len(SUPPLEMENT_PREFIX)) + ")")
    # src has a 0-based index, so these Series line up; "str" stays arrow-backed
    return pd.DataFrame({
        "day": pd.Series(day.astype("int64"), dtype="int64"),
        "meal": meal.astype("str"),
        "time": times.astype("str"),
        "food_id": fid.astype("str"),
        "description": desc.astype("str"),
        "portion": portion.astype("str"),
        "grams": pd.Series(np.where(supp, np.nan, grams), dtype="float64"),
        "dose_ug": pd.Series(np.where(supp, dose, np.nan), dtype="float64"),
    })


def validate_plan(plan: pd.DataFrame, foods=None, row_label=None) -> pd.DataFrame:
    """Check a plan and return it normalised.

    Parameters
    ----------
    plan : pandas.DataFrame
        Rows with at least ``day``, ``meal``, ``food_id`` and ``grams`` (or ``dose_ug``
        for supplement rows).
    foods : FoodTable, optional
        When given, every non-supplement ``food_id`` must be in it, and empty
        descriptions are filled from it.
    row_label : callable, optional
        Turns a 0-based row position into the words used in messages; default
        ``"row N"`` (1-based).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`planner.schema.PLAN_COLUMNS` in order, with a fresh
        0-based index; ``time`` filled from the meal name where blank; ``grams`` NaN
        on supplement rows and ``dose_ug`` NaN on food rows.

    Raises
    ------
    InputError
        Listing every offending row and field, and what to do about it.
    """
    if not isinstance(plan, pd.DataFrame):
        raise InputError("A plan must be a table (pandas DataFrame) with one row per food.")
    label = row_label or (lambda i: f"row {i + 1}")
    cols = {str(c).strip().lower(): c for c in plan.columns}
    missing = [c for c in ("day", "meal", "food_id") if c not in cols]
    if "grams" not in cols and "dose_ug" not in cols:
        missing.append("grams")
    if missing:
        raise InputError(
            "The plan is missing column(s): " + ", ".join(missing)
            + ". Needed: day, meal, food_id, grams (dose_ug for supplements)."
        )
    src = plan.rename(columns={v: k for k, v in cols.items()}).reset_index(drop=True)
    fast = _fast_path(src, foods)
    if fast is not None:
        return fast
    n = len(src)

    def col(name: str) -> list:
        return list(src[name]) if name in src.columns else [None] * n

    problems: list[str] = []
    days, meals, times, ids, grams, doses, descs, portions = ([] for _ in range(8))
    for i, (day, meal, time, fid, g, dose, desc, portion) in enumerate(
        zip(col("day"), col("meal"), col("time"), col("food_id"), col("grams"),
            col("dose_ug"), col("description"), col("portion"), strict=True)
    ):
        where = label(i)
        d = _number(day)
        if d is None or math.isnan(d) or d != int(d) or not 1 <= d <= MAX_DAY:
            problems.append(
                f"{where}: day {shorten(day)} must be a whole number from 1 to {MAX_DAY}.")
            d = 1
        meal_s = _text(meal)
        if not meal_s:
            problems.append(f"{where}: meal is empty; name it (breakfast, lunch, snack, dinner).")
        t = _text(time)
        if t:
            m = _TIME_RE.match(t)
            if not m:
                problems.append(f"{where}: time {shorten(t)} must be HH:MM (24 h), e.g. 08:00.")
            else:
                t = f"{int(m.group(1)):02d}:{m.group(2)}"
        elif meal_s:
            t = DEFAULT_MEAL_TIMES.get(meal_s.lower(), "")
            if not t:
                problems.append(
                    f"{where}: meal {shorten(meal_s)} has no default time; give a time (HH:MM) "
                    "or use breakfast, lunch, snack or dinner."
                )
        f = _text(fid)
        g_val = _number(g)
        dose_val = _number(dose)
        if not f:
            problems.append(f"{where}: food_id is empty.")
        elif len(f) > MAX_ID or _CONTROL.search(f):
            problems.append(
                f"{where}: food_id {shorten(f)} is longer than {MAX_ID} characters or holds "
                "control characters; copy the id from a food search.")
        elif is_supplement(f):
            form = f[len(SUPPLEMENT_PREFIX):]
            if form not in SUPPLEMENT_FORMS:
                problems.append(
                    f"{where}: unknown supplement form {shorten(form)}; use one of "
                    + ", ".join(SUPPLEMENT_PREFIX + s for s in SUPPLEMENT_FORMS) + "."
                )
            if dose_val is None or math.isnan(dose_val):
                problems.append(f"{where}: supplement {f} needs a dose_ug (µg per dose).")
            elif not 0 < dose_val <= MAX_DOSE_UG:
                problems.append(
                    f"{where}: dose_ug {shorten(dose)} must be above 0 and at most "
                    f"{MAX_DOSE_UG:,.0f} µg."
                )
            g_val = math.nan
        else:
            if foods is not None and f not in foods:
                hint = ""
                # Hints cost a fuzzy search or a name search each: only for problems that
                # are shown (a file of 5,000 bad ids searched 5,000 times, 6 s).
                if len(problems) < MAX_LISTED:
                    close = foods.close_ids(f)
                    # Named as foods, not only ids: a person recognises "Soymilk", not an id.
                    named = [f"{c} ({_short_name(foods.df.at[c, 'description'])})"
                             for c in close]
                    hint = (f" Did you mean {'; '.join(named)}?" if close
                            else _name_hint(f, foods))
                problems.append(f"{where}: unknown food_id {shorten(f)}.{hint}")
            if g_val is None:
                problems.append(f"{where}: grams {shorten(g)} is not a number (write it with the "
                                "digits 0-9, e.g. 50 or 12.5).")
                g_val = math.nan
            elif math.isnan(g_val):
                problems.append(f"{where}: grams is empty; give the amount eaten in grams.")
            elif not 0 <= g_val <= MAX_GRAMS:
                problems.append(
                    f"{where}: grams {shorten(g)} must be between 0 and {MAX_GRAMS:,.0f} g."
                )
            dose_val = math.nan
        desc_s = _text(desc)
        por = _text(portion)
        for name, value in (("description", desc_s), ("portion", por), ("meal", meal_s)):
            if len(value) > MAX_TEXT or _CONTROL.search(value):
                problems.append(
                    f"{where}: {name} is longer than {MAX_TEXT} characters or holds control "
                    "characters; shorten it to plain text."
                )
        if not desc_s and foods is not None and f in foods:
            desc_s = clean_text(foods.df.at[f, "description"])
        elif not desc_s and is_supplement(f):
            desc_s = f"B12 supplement ({f[len(SUPPLEMENT_PREFIX):]})"
        days.append(int(d))
        meals.append(meal_s)
        times.append(t)
        ids.append(f)
        grams.append(g_val if g_val is not None else math.nan)
        doses.append(dose_val if dose_val is not None else math.nan)
        descs.append(desc_s)
        portions.append(por)
    raise_problems(problems)
    out = pd.DataFrame({
        "day": pd.Series(days, dtype="int64"),
        "meal": pd.Series(meals, dtype="str"),
        "time": pd.Series(times, dtype="str"),
        "food_id": pd.Series(ids, dtype="str"),
        "description": pd.Series(descs, dtype="str"),
        "portion": pd.Series(portions, dtype="str"),
        "grams": pd.Series(grams, dtype="float64"),
        "dose_ug": pd.Series(doses, dtype="float64"),
    })
    return out
