"""Recommended B12 intakes by authority and life stage, and their absorbed equivalents.

The figures live in ``data/recommendations.csv`` (one row per authority × life stage,
human-editable); this module loads and checks that table, picks the row for a
:class:`~planner.model.profile.Profile`, and converts intakes to absorbed-equivalent lines with
the IOM's 50 % food-absorption assumption.

Two lines are derived (both labelled *model-derived*; no authority publishes absorbed
figures):

``target_absorbed_ug`` (the goal line)
    recommended intake (RDA, AI, RNI or PRI) × 50 % [IOM p.309].
``requirement_absorbed_ug`` (the requirement line)
    published average requirement × 50 %: the IOM EAR (ages ≥ 1 y), the UK COMA 1991
    EAR and the WHO/FAO 2004 average requirement. An authority that publishes only an
    adequate intake (EFSA, D-A-CH, NASEM infants) has **no** requirement line (NaN; None
    in an evaluation's summary): an intake below an AI cannot be judged inadequate
    (IOM 2000, *Using the DRIs in dietary assessment*) [IOM-2000], and inventing a
    requirement from the AI would do exactly that.

References
----------
.. [IOM] Institute of Medicine (1998). Dietary Reference Intakes ... Vitamin B12, ch. 9.
.. [EFSA-15] EFSA NDA Panel (2015). EFSA Journal 13(7):4150.
.. [DACH-18] D-A-CH reference values 2018; Ströhle et al. (2019) Mol Nutr Food Res.
.. [COMA-91] Department of Health (1991). Dietary Reference Values for Food Energy and
   Nutrients for the United Kingdom (RHSS 41): LRNI, EAR and RNI for vitamin B12.
.. [IOM-2000] Institute of Medicine (2000). DRIs: Applications in Dietary Assessment, ch. 4.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from planner._files import read_text_csv
from planner._paths import data_path
from planner.errors import DataFileError, InputError
from planner.formats import flag as _flag
from planner.formats import parse_yes_no
from planner.model.authorities import (  # noqa: F401 - re-exported for old imports
    AUTHORITIES,
    AUTHORITY_ALIASES,
    AUTHORITY_NAMES,
    normalise_authority,
)
from planner.model.profile import Profile

RECOMMENDATIONS_FILE = "recommendations.csv"

#: Kinds of recommended intake in the table.
KINDS: tuple[str, ...] = ("RDA", "AI", "RNI", "PRI")
#: How sure a figure is, as marked in the reference (✅ / 🟡 / ❌).
STATUSES: tuple[str, ...] = ("verified", "secondary", "unconfirmed")

FOOD_ABSORPTION = 0.50  # share of food B12 absorbed, the IOM's assumption [IOM p.309]
RDA_PER_EAR = 1.2  # RDA = EAR + 2 × CV, CV 10 % [IOM p.340, p.342] (documentation only)
AGE_EPS_YEARS = 1e-6  # float noise on band edges [y]

_COLUMNS = ("authority", "life_stage", "age_min_years", "age_max_years", "pregnancy",
            "lactation", "value_ug", "kind", "ear_ug", "status", "source", "note")


def _as_bool(series: pd.Series) -> pd.Series:
    return series.map(lambda v: parse_yes_no(v) is True).astype(bool)


@lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    df = read_text_csv(path, _COLUMNS)
    for c in ("authority", "life_stage", "kind", "status", "source", "note"):
        df[c] = df[c].astype(str).str.strip()
    for c in ("age_min_years", "age_max_years", "value_ug", "ear_ug"):
        df[c] = pd.to_numeric(df[c].replace("", math.nan), errors="coerce").astype("float64")
    df["age_max_years"] = df["age_max_years"].fillna(math.inf)
    for c in ("pregnancy", "lactation"):
        df[c] = _as_bool(df[c])
    problems = []
    for i, r in df.iterrows():
        where = f"{path} line {int(i) + 2}"
        if r["authority"] not in AUTHORITIES:
            problems.append(f"{where}: unknown authority {r['authority']!r}")
        if r["kind"] not in KINDS:
            problems.append(f"{where}: kind {r['kind']!r} is not one of {', '.join(KINDS)}")
        if r["status"] not in STATUSES:
            problems.append(f"{where}: status {r['status']!r} is not one of {STATUSES}")
        if not (r["value_ug"] > 0):
            problems.append(f"{where}: value_ug must be a positive number")
        if not (0 <= r["age_min_years"] < r["age_max_years"]):
            problems.append(f"{where}: age range must satisfy 0 <= min < max")
        if not r["source"]:
            problems.append(f"{where}: source is empty")
    if problems:
        raise DataFileError("Recommendation table has problems:\n- " + "\n- ".join(problems))
    return df.reset_index(drop=True)


def load_recommendations(path: str | Path | None = None) -> pd.DataFrame:
    """The recommendation table, checked.

    Parameters
    ----------
    path : path, optional
        Another CSV with the same columns; default the shipped ``recommendations.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per authority × life stage with ``authority``, ``life_stage``,
        ``age_min_years`` [y], ``age_max_years`` [y] (``inf`` when open), ``pregnancy``,
        ``lactation`` (bool), ``value_ug`` [µg/day], ``kind`` (RDA/AI/RNI/PRI), ``ear_ug``
        [µg/day] (NaN unless published), ``status`` (verified/secondary/unconfirmed),
        ``source`` and ``note``. A copy: editing it does not change the cache.

    Raises
    ------
    DataFileError
        The file is missing, unreadable or has a bad row (the message names it).
    """
    return _load(str(path or data_path(RECOMMENDATIONS_FILE))).copy()


@dataclass(frozen=True)
class Recommendation:
    """One authority's recommendation for one profile, with its absorbed equivalents.

    Attributes
    ----------
    authority, authority_name, life_stage, kind : str
        Kind is RDA, AI, RNI or PRI.
    value_ug : float
        Recommended intake [µg/day] (the target intake).
    ear_ug : float
        Published average requirement [µg/day]; NaN when the authority publishes none.
    requirement_intake_ug : float
        Published average requirement [µg/day]; NaN for an AI-only recommendation.
    requirement_basis : str
        ``"published average requirement"`` or why there is none.
    target_absorbed_ug, requirement_absorbed_ug : float
        The goal and requirement lines in absorbed µg/day: intake × 50 % [IOM p.309];
        model-derived. ``requirement_absorbed_ug`` is NaN for an AI-only
        recommendation.
    status : str
        ``verified``, ``secondary`` or ``unconfirmed`` as marked in the reference.
    source, note : str
    """

    authority: str
    authority_name: str
    life_stage: str
    kind: str
    value_ug: float
    ear_ug: float
    requirement_intake_ug: float
    requirement_basis: str
    target_absorbed_ug: float
    requirement_absorbed_ug: float
    absorption_assumption: float
    status: str
    source: str
    note: str

    @property
    def ai_only(self) -> bool:
        """True when only an adequate intake is published (no average requirement)."""
        return math.isnan(self.requirement_absorbed_ug)

    @property
    def confirmed(self) -> bool:
        """False when the reference could not confirm the figure in any source."""
        return self.status != "unconfirmed"

    def as_dict(self) -> dict[str, Any]:
        """A plain dict (for JSON, the app and CSV export), with ``confirmed``."""
        d = asdict(self)
        d["confirmed"] = self.confirmed
        d["derivation"] = (
            "Absorbed lines are model-derived: intake × 50 %, the IOM's food-absorption "
            "assumption [IOM p.309]; no authority publishes absorbed figures."
        )
        return d

    def flags(self) -> list[dict[str, str]]:
        """Plain-language caveats about this recommendation (unconfirmed figures)."""
        out = []
        if self.status == "unconfirmed":
            out.append(_flag(
                "recommendation_unconfirmed", "warning",
                f"The {self.authority} value for {self.life_stage} ({self.value_ug:g} µg/day) "
                "is unconfirmed: it is commonly cited but could not be checked in a primary "
                "source. Treat it as approximate.", self.source))
        elif self.status == "secondary":
            out.append(_flag(
                "recommendation_secondary", "info",
                f"The {self.authority} value for {self.life_stage} ({self.value_ug:g} µg/day) "
                "comes from a secondary source.", self.source))
        return out


def _row_for(table: pd.DataFrame, authority: str, age: float, pregnant: bool,
             lactating: bool) -> pd.Series | None:
    t = table[table["authority"] == authority]
    if lactating:
        t = t[t["lactation"]]
    elif pregnant:
        t = t[t["pregnancy"]]
    else:
        t = t[~t["pregnancy"] & ~t["lactation"]]
    t = t[(t["age_min_years"] <= age + AGE_EPS_YEARS) & (age + AGE_EPS_YEARS < t["age_max_years"])]
    if t.empty:
        return None
    return t.iloc[-1]  # the highest band starting at or below the age


def _recommendation(row: pd.Series) -> Recommendation:
    value = float(row["value_ug"])
    ear = float(row["ear_ug"])
    if math.isnan(ear):
        req = math.nan
        basis = ("none: only an adequate intake is published, so intakes below it cannot "
                 "be judged inadequate [IOM-2000]")
    else:
        req, basis = ear, "published average requirement"
    return Recommendation(
        authority=str(row["authority"]),
        authority_name=AUTHORITY_NAMES[str(row["authority"])],
        life_stage=str(row["life_stage"]),
        kind=str(row["kind"]),
        value_ug=value,
        ear_ug=ear,
        requirement_intake_ug=req,
        requirement_basis=basis,
        target_absorbed_ug=value * FOOD_ABSORPTION,
        requirement_absorbed_ug=req * FOOD_ABSORPTION,
        absorption_assumption=FOOD_ABSORPTION,
        status=str(row["status"]),
        source=str(row["source"]),
        note=str(row["note"]),
    )


def _check_profile(profile: object) -> Profile:
    if not isinstance(profile, Profile):
        raise InputError(
            f"profile must be a planner.Profile, not {type(profile).__name__}; "
            "build one with Profile(age=..., sex=..., diet=...)."
        )
    return profile


def recommended_intake(profile: Profile, authority: str | None = None) -> Recommendation:
    """The recommended B12 intake for a profile, with its absorbed-equivalent lines.

    Parameters
    ----------
    profile : Profile
        Age, pregnancy/lactation and the chosen authority are used.
    authority : str, optional
        Overrides ``profile.authority``.

    Returns
    -------
    Recommendation
        Value [µg/day], kind, authority, life stage, source, status, and the goal and
        requirement lines in absorbed µg/day (intake × 50 %, model-derived [IOM p.309]).

    Raises
    ------
    InputError
        The authority publishes no value for this life stage in the reference table.

    References
    ----------
    IOM 1998, ch. 9 [IOM p.306, p.323, p.340–342]; EFSA 2015 [EFSA-15];
    D-A-CH 2018 [DACH-18]; COMA 1991 [HANSARD] [BOLT]; WHO/FAO 2004 [HANSARD] [WHO-CODE].
    """
    profile = _check_profile(profile)
    auth = normalise_authority(authority if authority is not None else profile.authority)
    rec = _shipped_recommendation(auth, profile.age, profile.pregnant, profile.lactating)
    if rec is None:
        raise InputError(
            f"authority {auth} has no recommendation for {profile.life_stage_words} in the "
            f"reference table; choose another authority (e.g. NASEM)."
        )
    return rec


@lru_cache(maxsize=512)
def _shipped_recommendation(authority: str, age: float, pregnant: bool,
                            lactating: bool) -> Recommendation | None:
    """The shipped table's row for these facts, looked up once (evaluate asks each call)."""
    row = _row_for(_load(str(data_path(RECOMMENDATIONS_FILE))), authority, age, pregnant,
                   lactating)
    return None if row is None else _recommendation(row)


def compare_authorities(profile: Profile) -> pd.DataFrame:
    """Every authority's recommendation for one profile, side by side.

    Parameters
    ----------
    profile : Profile

    Returns
    -------
    pandas.DataFrame
        One row per authority (in :data:`AUTHORITIES` order) with the fields of
        :class:`Recommendation` plus ``confirmed``; an authority with no value for the
        life stage has NaN figures and says so in ``note``.
    """
    profile = _check_profile(profile)
    rows = []
    for auth in AUTHORITIES:
        rec = _shipped_recommendation(auth, profile.age, profile.pregnant, profile.lactating)
        if rec is None:
            rows.append({
                "authority": auth, "authority_name": AUTHORITY_NAMES[auth],
                "life_stage": "", "kind": "", "value_ug": math.nan, "ear_ug": math.nan,
                "requirement_intake_ug": math.nan, "requirement_basis": "",
                "target_absorbed_ug": math.nan, "requirement_absorbed_ug": math.nan,
                "absorption_assumption": FOOD_ABSORPTION, "status": "unconfirmed",
                "source": "", "note": f"No value for {profile.life_stage_words} in the table.",
                "confirmed": False,
            })
            continue
        d = rec.as_dict()
        d.pop("derivation")
        rows.append(d)
    return pd.DataFrame(rows)


__all__ = [
    "AUTHORITIES",
    "FOOD_ABSORPTION",
    "Recommendation",
    "compare_authorities",
    "load_recommendations",
    "normalise_authority",
    "recommended_intake",
]
