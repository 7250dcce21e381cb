"""Evaluate many people's food diaries at once (survey recalls, cohort food records).

:func:`evaluate_many` takes a long table of diary rows (``person_id``, ``day``,
``food_id`` or an FNDDS ``food_code``, ``grams``, the time or the eating occasion) and
a table of profiles (one row per person) and returns one row per person with the
daily averages and the verdict of :func:`planner.model.evaluate` for that person. It applies
the same model with the same public building blocks
(:func:`planner.model.absorption.dose_loads` with ``group=person``,
:func:`planner.model.absorption.absorbed_from_loads`, :func:`planner.model.absorption.params_for`,
:func:`planner.model.recommendations.recommended_intake` and
:func:`planner.model.verdicts.decide_many`), vectorised over every row:
there is no Python loop over rows or people, only over the few distinct condition
sets and recommendation rows.

:func:`planner.io.xpt.read_diaries_xpt` reads NHANES-style individual-food files (SAS
transport, ``.xpt``) into that layout; :func:`evaluate_many_dask` runs
:func:`evaluate_many` per partition of a Dask DataFrame. See ``docs/batch.md``.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.errors import InputError
from planner.formats import require_yes_no
from planner.model.absorption import (
    CONDITIONS,
    AbsorptionParams,
    DoseLoads,
    absorbed_from_loads,
    clinician_conditions,
    dose_loads,
    normalise_conditions,
    params_for,
)
from planner.model.evaluate import split_b12  # the same arithmetic
from planner.model.foods import FoodTable
from planner.model.plan import MAX_DAY, MAX_DOSE_UG, MAX_GRAMS, SUPPLEMENT_FORMS, raise_problems
from planner.model.profile import MAX_AGE_YEARS, REPRODUCTIVE_AGE_YEARS, SEX_ALIASES, SEXES, Profile
from planner.model.recommendations import (
    AGE_EPS_YEARS,
    load_recommendations,
    normalise_authority,
    recommended_intake,
)
from planner.model.symptoms import assess_symptoms, normalise_risk_factors, normalise_symptoms
from planner.model.verdicts import Verdict, decide_many
from planner.schema import DEFAULT_MEAL_TIMES, DIET_ORDER, SUPPLEMENT_PREFIX

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

#: Columns of the result of :func:`evaluate_many`, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "person_id",
    "days",
    "n_items",
    "n_unknown",
    "n_unmatched",
    "unknown_share",
    "intake_ug_per_day",
    "absorbed_ug_per_day",
    "target_intake_ug",
    "target_absorbed_ug",
    "requirement_absorbed_ug",
    "adequate",
    "meets_target",
    "verdict",
    "authority",
    "life_stage",
)
_RESULT_DTYPES: dict[str, str] = {
    "days": "int64", "n_items": "int64", "n_unknown": "int64", "n_unmatched": "int64",
    "unknown_share": "float64", "intake_ug_per_day": "float64",
    "absorbed_ug_per_day": "float64", "target_intake_ug": "float64",
    "target_absorbed_ug": "float64", "requirement_absorbed_ug": "float64",
    "adequate": "bool", "meets_target": "bool", "verdict": "str", "authority": "str",
    "life_stage": "str",
}

_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?\s*$")
_SHOWN = 5  # ids listed in a message before "..."


# -- small helpers ----------------------------------------------------------------------
def _lower_columns(df: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{what} must be a table (pandas DataFrame).")
    names = [str(c).strip().lower() for c in df.columns]
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise InputError(f"{what} has duplicate column(s) {', '.join(dup)}.")
    out = df.copy(deep=False)
    out.columns = names
    return out.reset_index(drop=True)


def _listed(values: Any, limit: int = _SHOWN) -> str:
    vals = [str(v) for v in list(dict.fromkeys(values))]
    text = ", ".join(vals[:limit])
    return text + (f" ... ({len(vals)} in all)" if len(vals) > limit else "")


def _numeric(s: pd.Series) -> np.ndarray:
    """Float values; NaN for blank or non-numbers (decimal commas are accepted)."""
    if pd.api.types.is_bool_dtype(s):
        return np.full(len(s), np.nan)
    if pd.api.types.is_numeric_dtype(s):
        return s.to_numpy(dtype="float64", na_value=np.nan)
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    text = pd.Series(uniq, dtype=object).map(
        lambda v: np.nan if isinstance(v, bool) else str(v).strip().replace(",", "."))
    vals = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")
    out = np.full(len(s), np.nan)
    ok = codes >= 0
    out[ok] = vals[codes[ok]]
    return out


def _blank(s: pd.Series) -> np.ndarray:
    """True where a cell is missing or only spaces."""
    na = s.isna().to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return na
    return na | (s.astype(str).str.strip() == "").to_numpy(dtype=bool)


def _map_uniques(s: pd.Series, fn) -> tuple[np.ndarray, list]:
    """Factorize ``s`` (NaN included as a value) and apply ``fn`` to each distinct value.

    Returns the codes and the list of ``fn`` results (an :class:`Exception` instance
    where ``fn`` raised :class:`InputError`).
    """
    codes, uniq = pd.factorize(s.astype(object), use_na_sentinel=False)
    results = []
    for v in uniq:  # distinct values only
        try:
            results.append(fn(v))
        except InputError as exc:
            results.append(exc)
    return codes, results


# -- profiles ---------------------------------------------------------------------------
def _bool_value(v: object, name: str) -> bool:
    return require_yes_no(v, name, blank=False)


def _names_cell(v: object) -> object:
    """A ``;``-separated cell (or a list) as a list of names; blank → empty."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    if isinstance(v, str):
        return [c for c in v.split(";") if c.strip()]
    return v


def _conditions_value(v: object) -> tuple[str, ...]:
    return normalise_conditions(_names_cell(v))


def _person_facts(conditions: object, symptoms: object,
                  risk_factors: object) -> tuple[tuple[str, ...], bool]:
    """(conditions, symptoms need a clinician) as :class:`planner.Profile` reads them:
    risk factors that are conditions join ``conditions``; the symptom assessment is
    :func:`planner.symptoms.assess_symptoms`'s."""
    conds = _conditions_value(conditions)
    risk = normalise_risk_factors(_names_cell(risk_factors))
    conds = normalise_conditions(conds + tuple(r for r in risk if r in CONDITIONS))
    sym = normalise_symptoms(_names_cell(symptoms))
    if not sym:
        return conds, False
    return conds, assess_symptoms(sym, normalise_risk_factors(conds + risk)).needs_clinician


class _People:
    """Validated per-person columns, in the profile table's order."""

    def __init__(self, profiles: pd.DataFrame):
        p = _lower_columns(profiles, "The profile table")
        missing = [c for c in ("person_id", "age", "diet") if c not in p.columns]
        if missing:
            raise InputError(
                "The profile table is missing column(s) " + ", ".join(missing)
                + ". Needed: person_id, age, diet; optional: sex, pregnant, lactating, "
                "conditions, symptoms, risk_factors (';'-separated), authority, days."
            )
        n = len(p)
        ids = p["person_id"]
        problems: list[str] = []
        if ids.isna().any():
            rows = np.flatnonzero(ids.isna().to_numpy()) + 1
            problems.append(f"person_id is empty in profile row(s) {_listed(rows)}.")
        dup = ids[ids.duplicated() & ids.notna()]
        if len(dup):
            problems.append(f"person_id {_listed(dup)} appear(s) more than once; give one "
                            "profile row per person.")
        raise_problems(problems, "The profile table")
        self.ids = ids
        self.index = pd.Index(ids)

        def who(mask: np.ndarray) -> str:
            return _listed(ids.to_numpy()[mask])

        # age
        age = _numeric(p["age"])
        bad = np.isnan(age) | (age < 0) | (age > MAX_AGE_YEARS)
        if bad.any():
            problems.append(f"person_id {who(bad)}: age must be a number from 0 to "
                            f"{MAX_AGE_YEARS:g} years.")
        # sex (blank: Profile's default)
        sex = np.full(n, "female", dtype=object)
        if "sex" in p.columns:
            blank = _blank(p["sex"])
            raw = p["sex"].astype(object).where(~blank, "female")
            key = raw.map(lambda v: SEX_ALIASES.get(str(v).strip().lower(),
                                                     str(v).strip().lower()))
            bad = ~key.isin(SEXES).to_numpy(dtype=bool)
            if bad.any():
                problems.append(f"person_id {who(bad)}: sex must be one of "
                                f"{', '.join(SEXES)} (or blank).")
            sex = key.to_numpy(dtype=object)
        # diet
        diet = p["diet"].astype(object).map(lambda v: str(v).strip().lower())
        bad = _blank(p["diet"]) | ~diet.isin(DIET_ORDER).to_numpy(dtype=bool)
        if bad.any():
            problems.append(f"person_id {who(bad)}: diet must be one of "
                            f"{', '.join(DIET_ORDER)}.")
        # pregnant, lactating
        flags = {}
        for name in ("pregnant", "lactating"):
            if name not in p.columns:
                flags[name] = np.zeros(n, dtype=bool)
                continue
            codes, res = _map_uniques(p[name], lambda v, nm=name: _bool_value(v, nm))
            err = np.array([isinstance(r, Exception) for r in res], dtype=bool)
            if err.any():
                problems.append(f"person_id {who(err[codes])}: {name} must be true or false "
                                "(or blank).")
            flags[name] = np.array([r is True for r in res], dtype=bool)[codes]
        lo, hi = REPRODUCTIVE_AGE_YEARS
        for name, on in flags.items():
            bad = on & (sex != "female")
            if bad.any():
                problems.append(f"person_id {who(bad)}: {name} is only valid with sex "
                                "'female'.")
            with np.errstate(invalid="ignore"):
                bad = on & ~((age >= lo) & (age <= hi))
            if bad.any():
                problems.append(f"person_id {who(bad)}: {name} is only valid for ages "
                                f"{lo:g} to {hi:g}.")
        # conditions, symptoms and risk factors → absorption parameter groups and
        # needs_clinician (one call per distinct combination)
        facts = [c for c in ("conditions", "symptoms", "risk_factors") if c in p.columns]
        if facts:
            cols = []
            for c in ("conditions", "symptoms", "risk_factors"):
                col = p[c] if c in p.columns else pd.Series([None] * n, dtype=object)
                if col.dtype == object:  # cells may be lists of names
                    col = col.map(lambda v: tuple(v) if isinstance(v, list | tuple | set)
                                  else v)
                cols.append(col.astype(object).where(col.notna(), None))
            combo = pd.Series(list(zip(*cols, strict=True)), dtype=object) if n else \
                pd.Series([], dtype=object)
            codes, res = _map_uniques(combo, lambda t: _person_facts(*t))
            err = [i for i, r in enumerate(res) if isinstance(r, Exception)]
            for i in err:
                problems.append(f"person_id {who(codes == i)}: {res[i]}")
            res = [((), False) if isinstance(r, Exception) else r for r in res]
        else:
            codes, res = np.zeros(n, dtype="int64"), [((), False)]
        symptom_clin = np.array([r[1] for r in res], dtype=bool)
        res = [r[0] for r in res]
        params: list[AbsorptionParams] = []
        param_code_of: dict[AbsorptionParams, int] = {}
        per_unique = np.empty(len(res), dtype="int64")
        clin_unique = np.array([bool(clinician_conditions(c)) for c in res], dtype=bool)
        clin_unique |= symptom_clin
        self.needs_clinician = clin_unique[codes] if n else np.zeros(0, dtype=bool)
        for i, conds in enumerate(res):  # distinct condition sets only
            prm = params_for(conds)
            per_unique[i] = param_code_of.setdefault(prm, len(param_code_of))
            if per_unique[i] == len(params):
                params.append(prm)
        self.params = params
        self.param_code = per_unique[codes] if n else np.zeros(0, dtype="int64")
        # authority
        if "authority" in p.columns:
            blank = _blank(p["authority"])
            codes, res = _map_uniques(p["authority"].astype(object).where(~blank, "NASEM"),
                                      normalise_authority)
            err = [i for i, r in enumerate(res) if isinstance(r, Exception)]
            for i in err:
                problems.append(f"person_id {who(codes == i)}: {res[i]}")
            auth = np.array([str(r) for r in res], dtype=object)[codes] if n else \
                np.zeros(0, dtype=object)
        else:
            auth = np.full(n, "NASEM", dtype=object)
        # days (optional override of the span)
        self.days = np.full(n, np.nan)
        if "days" in p.columns:
            d = _numeric(p["days"])
            blank = _blank(p["days"])
            with np.errstate(invalid="ignore"):
                bad = ~blank & (np.isnan(d) | (d != np.floor(d)) | (d < 1) | (d > MAX_DAY))
            if bad.any():
                problems.append(f"person_id {who(bad)}: days must be a whole number of days "
                                f"from 1 to {MAX_DAY} (or blank for the diary's span).")
            self.days = np.where(blank, np.nan, d)
        raise_problems(problems, "The profile table")
        self.n = n
        self.age = age
        self.sex = sex
        self.diet = diet.to_numpy(dtype=object)
        self.pregnant = flags["pregnant"]
        self.lactating = flags["lactating"]
        self.authority = auth
        self._recommend()

    def _recommend(self) -> None:
        """Recommendation lines per person: one look-up per distinct table row used."""
        table = load_recommendations()
        n = self.n
        row = np.full(n, -1, dtype="int64")
        lact = self.lactating
        preg = self.pregnant & ~self.lactating
        plain = ~self.pregnant & ~self.lactating
        age = self.age + AGE_EPS_YEARS
        for j, r in enumerate(table.itertuples(index=False)):  # table rows, not people
            stage = lact if r.lactation else preg if r.pregnancy else plain
            match = (self.authority == r.authority) & stage & (r.age_min_years <= age) & (
                age < r.age_max_years)
            row[match] = j  # later rows win: "the highest band starting at or below"
        none = row < 0
        if none.any():
            raise InputError(
                f"The profile table: person_id {_listed(self.ids.to_numpy()[none])}: the "
                "chosen authority has no recommendation for that life stage in the reference "
                "table; choose another authority (e.g. NASEM)."
            )
        self.value = np.zeros(n)
        self.target_absorbed = np.zeros(n)
        self.requirement_absorbed = np.zeros(n)
        self.life_stage = np.empty(n, dtype=object)
        for j in np.unique(row):  # distinct recommendation rows (a few dozen at most)
            members = row == j
            i = int(np.flatnonzero(members)[0])
            rec = recommended_intake(Profile(
                age=float(self.age[i]), sex=self.sex[i], diet=self.diet[i],
                pregnant=bool(self.pregnant[i]), lactating=bool(self.lactating[i]),
                authority=self.authority[i]))
            self.value[members] = rec.value_ug
            self.target_absorbed[members] = rec.target_absorbed_ug
            self.requirement_absorbed[members] = rec.requirement_absorbed_ug
            self.life_stage[members] = rec.life_stage

    def subset(self, ids: pd.Series) -> np.ndarray:
        return self.index.get_indexer(ids)


# -- diaries ----------------------------------------------------------------------------
def _food_lookup(foods: FoodTable) -> pd.DataFrame:
    """The columns of the food table the batch needs, indexed by ``food_id``."""
    return foods.df[["b12_ug", "b12_fortified_ug", "b12_reliable"]]


def _food_ids(d: pd.DataFrame, problems: list[str], where) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the distinct food ids, and those ids as strings."""
    if "food_id" in d.columns:
        codes, uniq = pd.factorize(d["food_id"], use_na_sentinel=True)
        ids = np.array([str(v).strip() for v in uniq], dtype=object)
        empty = (codes < 0) | (ids[codes] == "") if len(ids) else codes < 0
        if empty.any():
            problems.append(f"{where(empty)}: food_id is empty.")
        return np.where(codes < 0, 0, codes), ids
    num = _numeric(d["food_code"])
    with np.errstate(invalid="ignore"):
        bad = np.isnan(num) | (num != np.floor(num)) | (num <= 0)
    if bad.any():
        problems.append(f"{where(bad)}: food_code must be a whole number (an FNDDS food code).")
    codes, uniq = pd.factorize(np.where(bad, 0, num).astype("int64"))
    ids = np.array([f"fndds:{int(c):08d}" for c in uniq], dtype=object)
    return codes, ids


def _minutes(d: pd.DataFrame, time_unit: str, problems: list[str], where) -> np.ndarray:
    """Minutes after midnight of each diary row."""
    n = len(d)
    minute = np.full(n, np.nan)
    if "time" in d.columns:
        t = d["time"]
        if pd.api.types.is_timedelta64_dtype(t):
            minute = np.floor(t.dt.total_seconds().to_numpy(dtype="float64") / 60.0)
        elif pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t):
            v = t.to_numpy(dtype="float64", na_value=np.nan)
            minute = np.floor(v / 60.0) if time_unit == "seconds" else np.floor(v)
        else:
            codes, uniq = pd.factorize(t.astype(object), use_na_sentinel=True)
            parsed = np.full(len(uniq) + 1, np.nan)  # last slot: missing
            bad_u = np.zeros(len(uniq) + 1, dtype=bool)
            for i, v in enumerate(uniq):  # distinct clock times only
                if hasattr(v, "hour") and hasattr(v, "minute"):  # datetime.time/Timestamp
                    parsed[i] = v.hour * 60 + v.minute
                    continue
                text = str(v).strip()
                if not text:
                    continue
                m = _TIME_RE.match(text)
                if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
                    parsed[i] = int(m.group(1)) * 60 + int(m.group(2))
                else:
                    bad_u[i] = True
            codes = np.where(codes < 0, len(uniq), codes)
            bad = bad_u[codes]
            if bad.any():
                problems.append(f"{where(bad)}: time must be HH:MM (24 h), e.g. 08:00.")
            minute = parsed[codes]
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(minute) & ((minute < 0) | (minute >= 1440))
        if bad.any():
            problems.append(f"{where(bad)}: time must be within the day (00:00 to 23:59; "
                            f"numbers are {time_unit} after midnight).")
            minute[bad] = 0
    need = np.isnan(minute)
    if need.any():
        if "meal" in d.columns:
            codes, uniq = pd.factorize(d["meal"].astype(object), use_na_sentinel=True)
            default = np.array([_meal_minutes(v) for v in uniq] + [np.nan], dtype="float64")
            minute = np.where(need, default[np.where(codes < 0, len(uniq), codes)], minute)
        still = np.isnan(minute)
        if still.any():
            problems.append(f"{where(still)}: no time, and the meal has no default time; give "
                            "a time (HH:MM) or use breakfast, lunch, snack or dinner.")
            minute[still] = 0
    return minute.astype("int64")


def _meal_minutes(meal: object) -> float:
    t = DEFAULT_MEAL_TIMES.get(str(meal).strip().lower())
    if t is None:
        return np.nan
    h, m = t.split(":")
    return int(h) * 60 + int(m)


def _empty_result(id_dtype: Any) -> pd.DataFrame:
    cols: dict[str, pd.Series] = {"person_id": pd.Series([], dtype=id_dtype)}
    for c in RESULT_COLUMNS[1:]:
        cols[c] = pd.Series([], dtype=_RESULT_DTYPES[c])
    return pd.DataFrame(cols)


# -- the batch --------------------------------------------------------------------------
def evaluate_many(
    diaries: pd.DataFrame,
    profiles: pd.DataFrame,
    foods: FoodTable | None = None,
    *,
    days: int | None = None,
    time_unit: str = "minutes",
    on_unknown: str = "count",
) -> pd.DataFrame:
    """Evaluate the vitamin B12 of many people's food diaries at once.

    Parameters
    ----------
    diaries : pandas.DataFrame
        One row per food eaten (a long table): ``person_id``; ``day`` (whole number,
        1-based); ``food_id`` (``"fndds:11111000"``, ``"sr28:01123"``, ...) **or**
        ``food_code`` (an FNDDS food code, e.g. ``11111000`` → ``fndds:11111000``);
        ``grams``; and ``time`` and/or ``meal``. ``time`` is ``"HH:MM"`` text
        (``"HH:MM:SS"`` is cut to the minute), a timedelta, or a number of
        ``time_unit`` after midnight; where it is blank the meal's default time is used
        (breakfast 08:00, lunch 12:30, snack 16:00, dinner 19:00). Optional
        ``dose_ug`` for supplement rows (``food_id`` ``supplement:<form>``). Column
        names are matched case-insensitively; other columns are ignored.
    profiles : pandas.DataFrame
        One row per person: ``person_id``, ``age`` [years], ``diet``; optional
        ``sex``, ``pregnant``, ``lactating`` (true/false), ``conditions`` (names
        separated by ``;``, e.g. ``"ppi;metformin"``), ``symptoms`` and
        ``risk_factors`` (``;``-separated keys of ``data/symptoms.csv`` and
        ``data/risk_factors.csv``, as :class:`planner.Profile` takes them:
        neurological symptoms make the verdict ``needs_clinician``; risk factors that
        are conditions count as conditions), ``authority`` and ``days``
        (days to average over for that person). Blank cells take the defaults of
        :class:`planner.Profile` (sex female, not pregnant or lactating, no
        conditions, authority NASEM).
    foods : FoodTable, optional
        Default: :func:`planner.load_foods` (the shipped table and saved foods).
    days : int, optional
        Days to average over for everyone (e.g. 7 for a week's diary with empty days);
        default each person's span, first to last diary day, as :func:`planner.model.evaluate`.
        A profile's ``days`` cell overrides it.
    time_unit : {"minutes", "seconds"}
        Unit of numeric ``time`` values.
    on_unknown : {"count", "raise"}
        Food ids that are not in the food table: ``"count"`` (default) treats their
        B12 as unknown (0, counted in ``n_unknown``, ``n_unmatched`` and
        ``unknown_share``) and lists them in ``result.attrs["unmatched_food_ids"]``;
        ``"raise"`` raises :class:`planner.UnknownFoodError`-style
        :class:`~planner.InputError` naming them.

    Returns
    -------
    pandas.DataFrame
        One row per profile, in the profile table's order, with :data:`RESULT_COLUMNS`:
        ``person_id``; ``days`` averaged over; ``n_items`` (diary rows); ``n_unknown``
        (rows whose B12 is unknown: no USDA value, or not in the table);
        ``n_unmatched`` (rows whose food id is not in the table); ``unknown_share``
        (``n_unknown / n_items``; NaN without rows); ``intake_ug_per_day``,
        ``absorbed_ug_per_day`` [µg/day]; ``target_intake_ug``, ``target_absorbed_ug``,
        ``requirement_absorbed_ug`` [µg/day] (NaN for an AI-only recommendation);
        ``adequate``, ``meets_target`` and ``verdict`` (a :class:`planner.Verdict` key);
        ``authority`` and ``life_stage`` of the recommendation. Every figure equals
        the ``summary`` of :func:`planner.model.evaluate` for that person's rows and profile.
        A person without diary rows gets zero intake over 1 day (or ``days``).

    Raises
    ------
    InputError
        A bad diary row (the message names the row number and ``person_id`` and the
        field), a diary ``person_id`` without a profile row, or a bad profile value
        (naming ``person_id`` and the field).

    Notes
    -----
    Vectorised: rows are labelled by person and clock time into doses, the loads each
    dose finds from the doses before and after it are computed with
    :func:`planner.model.absorption.dose_loads` (``group`` = person, so doses of different
    people never interact; one pass per lag, up to the most doses any person has within
    6 h), and the absorption model runs once per distinct set of absorption parameters
    (a handful of condition sets) over all doses of the people who share it. Time and
    memory grow linearly with the rows; see ``docs/benchmarks.md``.
    """
    if time_unit not in ("minutes", "seconds"):
        raise InputError(f"time_unit must be 'minutes' or 'seconds', not {time_unit!r}.")
    if on_unknown not in ("count", "raise"):
        raise InputError(f"on_unknown must be 'count' or 'raise', not {on_unknown!r}.")
    if foods is not None and not isinstance(foods, FoodTable):
        raise InputError(f"foods must be a FoodTable, not {type(foods).__name__}.")
    people = _People(profiles)
    d = _lower_columns(diaries, "The diary table")
    if foods is None:
        from planner.model.foods import load_foods

        foods = load_foods()
    return _evaluate_core(d, people, _food_lookup(foods), days=days, time_unit=time_unit,
                          on_unknown=on_unknown, foods=foods)


def _check_days_arg(days: object) -> float:
    if days is None:
        return np.nan
    if isinstance(days, bool):
        raise InputError(f"days must be a whole number of days, not {days!r}.")
    try:
        v = float(days)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"days must be a whole number of days, not {days!r}.") from None
    if math.isnan(v) or v != int(v) or not 1 <= v <= MAX_DAY:
        raise InputError(f"days must be a whole number of days from 1 to {MAX_DAY}, "
                         f"not {days!r}.")
    return v


def _evaluate_core(
    d: pd.DataFrame,
    people: _People,
    lookup: pd.DataFrame,
    *,
    days: int | None,
    time_unit: str,
    on_unknown: str,
    foods: FoodTable | None = None,
) -> pd.DataFrame:
    days_all = _check_days_arg(days)
    missing = [c for c in ("person_id", "day") if c not in d.columns]
    if "food_id" not in d.columns and "food_code" not in d.columns:
        missing.append("food_id (or food_code)")
    if "grams" not in d.columns and "dose_ug" not in d.columns:
        missing.append("grams")
    if "time" not in d.columns and "meal" not in d.columns:
        missing.append("time (or meal)")
    if missing:
        raise InputError(
            "The diary table is missing column(s): " + ", ".join(missing) + ". Needed: "
            "person_id, day, food_id or food_code, grams, time or meal."
        )
    n = len(d)
    pid = d["person_id"]

    def where(mask: np.ndarray) -> str:
        rows = np.flatnonzero(mask)
        shown = ", ".join(f"row {r + 1} (person_id {pid.iat[r]})" for r in rows[:_SHOWN])
        return shown + (f" ... ({len(rows)} rows in all)" if len(rows) > _SHOWN else "")

    problems: list[str] = []
    pc = people.subset(pid) if n else np.zeros(0, dtype="int64")
    no_profile = pc < 0
    if no_profile.any():
        raise InputError(
            f"The diary table has person_id(s) without a profile row: "
            f"{_listed(pid.to_numpy()[no_profile])}. Add them to the profile table (check "
            "that person_id has the same type, e.g. numbers in both tables)."
        )
    day_f = _numeric(d["day"])
    with np.errstate(invalid="ignore"):
        bad = np.isnan(day_f) | (day_f != np.floor(day_f)) | (day_f < 1) | (day_f > MAX_DAY)
    if bad.any():
        problems.append(f"{where(bad)}: day must be a whole number from 1 to {MAX_DAY}.")
    day = np.where(bad, 1, day_f).astype("int64")
    fcodes, fids = _food_ids(d, problems, where)
    supp_u = np.array([f.startswith(SUPPLEMENT_PREFIX) for f in fids], dtype=bool)
    supp = supp_u[fcodes] if n else np.zeros(0, dtype=bool)
    grams = _numeric(d["grams"]) if "grams" in d.columns else np.full(n, np.nan)
    dose = _numeric(d["dose_ug"]) if "dose_ug" in d.columns else np.full(n, np.nan)
    food = ~supp
    with np.errstate(invalid="ignore"):
        bad = food & (np.isnan(grams) | (grams < 0) | (grams > MAX_GRAMS))
    if bad.any():
        problems.append(f"{where(bad)}: grams must be a number from 0 to {MAX_GRAMS:,.0f}.")
    if supp.any():
        form_ok = np.array([f[len(SUPPLEMENT_PREFIX):] in SUPPLEMENT_FORMS for f in fids])
        bad = supp & ~form_ok[fcodes]
        if bad.any():
            problems.append(f"{where(bad)}: unknown supplement form; use one of "
                            + ", ".join(SUPPLEMENT_PREFIX + s for s in SUPPLEMENT_FORMS) + ".")
        with np.errstate(invalid="ignore"):
            bad = supp & (np.isnan(dose) | (dose <= 0) | (dose > MAX_DOSE_UG))
        if bad.any():
            problems.append(f"{where(bad)}: a supplement row needs dose_ug above 0 and at "
                            f"most {MAX_DOSE_UG:,.0f} µg.")
    minute = _minutes(d, time_unit, problems, where)
    raise_problems(problems, "The diary table")

    # -- B12 per row (the arithmetic of planner.model.evaluate) ----------------------------------
    look = lookup.reindex(pd.Index(fids, dtype=object))
    in_table_u = pd.Index(fids, dtype=object).isin(lookup.index)
    unmatched_u = ~in_table_u & ~supp_u
    if on_unknown == "raise" and (unmatched_u & np.isin(np.arange(len(fids)),
                                                        fcodes)).any():
        bad_ids = fids[unmatched_u]
        hint = ""
        if foods is not None:
            close = foods.close_ids(str(bad_ids[0]))
            hint = f" Did you mean {', '.join(close)} for {bad_ids[0]}?" if close else ""
        raise InputError(f"The diary table has food id(s) not in the food table: "
                         f"{_listed(bad_ids)}.{hint}")
    b = split_b12(
        supp, grams, dose,
        look["b12_ug"].to_numpy(dtype="float64")[fcodes],
        look["b12_fortified_ug"].to_numpy(dtype="float64")[fcodes],
        look["b12_reliable"].astype(object).fillna(True).to_numpy(dtype=bool)[fcodes],
    )
    ingested, fortified, food_bound = b["ingested"], b["fortified"], b["food_bound"]
    unknown = b["unknown"]

    # -- doses and absorption (the model of planner.model.evaluate) -------------------------------
    P = people.n
    t = (day - 1) * 1440.0 + np.asarray(minute, dtype="float64")
    order = np.lexsort((t, pc))
    ps, ts = pc[order], t[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (ps[1:] != ps[:-1]) | (ts[1:] != ts[:-1])
    event = np.empty(n, dtype="int64")
    event[order] = np.cumsum(new) - 1  # one dose per person and clock time
    n_events = int(new.sum())
    person_e = ps[new]
    fb_e = np.bincount(event, weights=food_bound, minlength=n_events)
    cr_e = np.bincount(event, weights=fortified, minlength=n_events)
    food_e = np.bincount(event, weights=~supp, minlength=n_events) > 0
    loads = dose_loads(ts[new], fb_e, cr_e, has_food=food_e, group=person_e)
    pgroup_e = people.param_code[person_e]
    abs_e = np.zeros(n_events)
    for g, prm in enumerate(people.params):  # distinct absorption parameter sets
        sel = pgroup_e == g
        if not sel.any():
            continue
        sub = DoseLoads(*(np.asarray(x)[sel] for x in (
            loads.food_before, loads.crystalline_before, loads.food_after, loads.near_food)))
        f_abs, c_abs = absorbed_from_loads(fb_e[sel], cr_e[sel], sub, prm)
        abs_e[sel] = f_abs + c_abs

    # -- per person ---------------------------------------------------------------------
    n_items = np.bincount(pc, minlength=P).astype("int64")
    first = np.full(P, np.iinfo("int64").max, dtype="int64")
    last = np.full(P, np.iinfo("int64").min, dtype="int64")
    np.minimum.at(first, pc, day)
    np.maximum.at(last, pc, day)
    has = n_items > 0
    need = np.where(has, last - first + 1, 1)
    span = need.astype("float64")
    override = np.where(np.isnan(people.days), days_all, people.days)
    given = ~np.isnan(override)
    short = given & (override < need)
    if short.any():
        raise InputError(
            f"days is shorter than the diary of person_id "
            f"{_listed(people.ids.to_numpy()[short])}; give at least the span from the first "
            "to the last diary day."
        )
    span = np.where(given, override, span)
    intake = np.bincount(pc, weights=ingested, minlength=P) / span
    absorbed = np.bincount(person_e, weights=abs_e, minlength=P) / span
    n_unknown = np.bincount(pc, weights=unknown, minlength=P).astype("int64")
    n_unmatched = np.bincount(pc, weights=unmatched_u[fcodes] if n else None,
                              minlength=P).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(has, n_unknown / np.maximum(n_items, 1), np.nan)
    verdict = decide_many(absorbed, people.target_absorbed, people.requirement_absorbed,
                          people.needs_clinician)
    out = pd.DataFrame({
        "person_id": people.ids.reset_index(drop=True),
        "days": span.astype("int64"),
        "n_items": n_items,
        "n_unknown": n_unknown,
        "n_unmatched": n_unmatched,
        "unknown_share": share,
        "intake_ug_per_day": intake,
        "absorbed_ug_per_day": absorbed,
        "target_intake_ug": people.value,
        "target_absorbed_ug": people.target_absorbed,
        "requirement_absorbed_ug": people.requirement_absorbed,
        "adequate": np.isin(verdict, [Verdict.MEETS_GOAL.value, Verdict.ADEQUATE.value]),
        "meets_target": verdict == Verdict.MEETS_GOAL.value,
        "verdict": pd.Series(verdict, dtype="str"),
        "authority": pd.Series(people.authority, dtype="str"),
        "life_stage": pd.Series(people.life_stage, dtype="str"),
    })
    used = np.zeros(len(fids), dtype=bool)
    used[fcodes] = True
    out.attrs["unmatched_food_ids"] = sorted(str(f) for f in fids[unmatched_u & used])
    return out


# -- Dask -------------------------------------------------------------------------------
class _ProfilePart:
    """Partition ``i`` of the profile table (its people with partition number ``i``)."""

    def __init__(self, prof: pd.DataFrame):
        self.prof = prof

    def __call__(self, i: int) -> pd.DataFrame:
        return self.prof.loc[self.prof.index == i]


def evaluate_many_dask(
    diaries: dd.DataFrame | pd.DataFrame,
    profiles: pd.DataFrame,
    foods: FoodTable | None = None,
    *,
    npartitions: int | None = None,
    days: int | None = None,
    time_unit: str = "minutes",
) -> dd.DataFrame:
    """:func:`evaluate_many` on a Dask DataFrame, one partition of people at a time.

    Parameters
    ----------
    diaries : dask.dataframe.DataFrame or pandas.DataFrame
        Diary rows as for :func:`evaluate_many` (a pandas table is split first).
    profiles : pandas.DataFrame
        The profile table (one row per person; small enough for memory).
    foods : FoodTable, optional
        Default: :func:`planner.load_foods`.
    npartitions : int, optional
        Partitions of people; default the diaries' partitions.
    days, time_unit
        As for :func:`evaluate_many`. Unknown food ids are counted (``on_unknown``
        ``"count"``); ``attrs`` do not survive Dask, use ``n_unmatched``.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; ``.compute()`` gives the rows of :func:`evaluate_many` (one per profile,
        ordered by partition, then profile order within it).

    Notes
    -----
    People are independent, so each person's rows are moved to one partition (a
    shuffle on a partition number given to every person in the profile table) and the
    profile table is split the same way; :meth:`dask.dataframe.DataFrame.map_partitions`
    then runs the pandas function on each pair. Needs the ``dask`` extra
    (``pip install "b12-planner[dask]"``).
    """
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('evaluate_many_dask needs Dask: pip install "b12-planner[dask]"'
                          ) from exc
    if foods is None:
        from planner.model.foods import load_foods

        foods = load_foods()
    people = _People(profiles)  # validate once, eagerly: errors before any task runs
    _check_days_arg(days)
    if isinstance(diaries, pd.DataFrame):
        diaries = dd.from_pandas(_lower_columns(diaries, "The diary table"),
                                 npartitions=max(1, npartitions or 1), sort=False)
    else:
        diaries = diaries.rename(columns={c: str(c).strip().lower() for c in diaries.columns})
    nparts = int(npartitions or diaries.npartitions)
    if nparts < 1:
        raise InputError(f"npartitions must be at least 1, not {npartitions!r}.")
    if "person_id" not in diaries.columns:
        raise InputError("The diary table is missing column(s): person_id.")
    part_of = pd.Series(np.arange(people.n, dtype="int64") % nparts, index=people.index)
    lookup = _food_lookup(foods)
    prof = _lower_columns(profiles, "The profile table")
    prof = prof.assign(_part=part_of.to_numpy()).set_index("_part").sort_index(kind="stable")
    divisions = tuple(range(nparts)) + (nparts,)
    prof_dd = dd.from_map(_ProfilePart(prof), range(nparts), divisions=divisions,
                          meta=prof.iloc[:0], enforce_metadata=False)

    def _part_number(ids: pd.Series) -> pd.Series:
        # -1 for a person without a profile: it lands in partition 0, whose
        # evaluate_many call then raises the usual InputError naming it.
        codes = part_of.reindex(pd.Index(ids)).to_numpy()
        return pd.Series(np.where(np.isnan(codes), 0, codes).astype("int64"),
                         index=ids.index)

    keyed = diaries.assign(_part=diaries["person_id"].map_partitions(
        _part_number, meta=("_part", "int64")))
    keyed = keyed.set_index("_part", divisions=divisions)
    meta = _empty_result(prof["person_id"].dtype)

    def _one(rows: pd.DataFrame, prof_part: pd.DataFrame) -> pd.DataFrame:
        if len(prof_part) == 0:
            return meta.copy()
        res = _evaluate_core(rows.reset_index(drop=True), _People(prof_part.reset_index(
            drop=True)), lookup, days=days, time_unit=time_unit, on_unknown="count")
        res.attrs = {}
        return res

    return dd.map_partitions(_one, keyed, prof_dd, meta=meta, align_dataframes=False)


__all__ = [
    "RESULT_COLUMNS",
    "evaluate_many",
    "evaluate_many_dask",
]
