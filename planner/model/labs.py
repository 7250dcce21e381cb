"""Blood-test results for B12 read with their units and judged by a named guideline.

:func:`interpret_labs` takes total (serum) B12, active B12 (holotranscobalamin, holoTC),
methylmalonic acid (MMA) and total homocysteine, each as a number in the marker's
default unit or as a ``(value, unit)`` pair, puts each on its band and combines them
into one category:

``deficiency_likely`` / ``indeterminate`` / ``deficiency_unlikely``

Bands live in ``data/lab_thresholds.csv`` (marker, band, edges, unit, guideline, source,
status), the markers and their plausible ranges in ``data/lab_markers.csv``; both are
human-editable like the recommendations and are checked when loaded.

Bands
    Total B12: < 180 ng/L deficiency likely, 180–350 indeterminate (NICE advises MMA),
    > 350 unlikely; active B12: < 25 / 25–70 / > 70 pmol/L [NICE-NG239]. MMA is raised
    above 0.271 µmol/L (the upper reference limit in Kuzminski 1998 [KUZMINSKI-98];
    NICE leaves the cut-off to the laboratory); homocysteine above 15 µmol/L (the
    commonly used cut-off; normal 5.1–13.9 µmol/L [KUZMINSKI-98]).
Units
    Total B12 pmol/L (default), pg/mL or ng/L: 1 pmol/L = 1.355 ng/L, from the molar mass
    of cyanocobalamin, 1355.37 g/mol (1 pmol = 1355.37 pg, per litre 1.355 ng/L) [WIKI]
    [VH-LAB]. HoloTC pmol/L. MMA µmol/L (default; ``umol/L`` accepted) or nmol/L.
    Homocysteine µmol/L. A value is compared with the edges in the unit the guideline
    uses (ng/L for total B12), so 180 pg/mL is exactly on the edge; a pmol/L value is
    converted first (the edges are 132.8 and 258.3 pmol/L, which NICE rounds to 133 and
    258; for whole-number results the two agree).
Combination (:data:`COMBINATION`)
    The circulating markers (total and active B12) give the lower band of the two. A
    raised MMA turns an indeterminate result into ``deficiency_likely`` (NICE); a
    raised MMA with B12 above the indeterminate band makes the markers disagree
    (``indeterminate``); MMA not raised leaves an indeterminate result indeterminate
    (NICE leaves its reading to the laboratory and the clinician). Without total or
    active B12 the category is ``indeterminate``: NICE's first test is one of them.
    Homocysteine supports but is not specific (folate, B6 and kidney disease raise it
    too): it never changes the category, only the next steps.

Nothing here is a diagnosis: the categories are the guideline's bands, for a
conversation with a clinician.

References
----------
.. [NICE-NG239] NICE guideline NG239 (2024). Vitamin B12 deficiency in over 16s.
   Thresholds as quoted by [BNSSG-24] and [PULSE-24] (secondary; confirm).
.. [KUZMINSKI-98] Kuzminski et al. (1998). Blood 92:1191.
.. [WIKI] Vitamin B12, molar mass 1355.37 g/mol. [VH-LAB] 1.35 pg/mL = 1 pmol/L.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from planner._files import read_text_csv
from planner._paths import data_path
from planner.errors import DataFileError, InputError
from planner.model.symptoms import SymptomAssessment, assess_symptoms, normalise_risk_factors

THRESHOLDS_FILE = "lab_thresholds.csv"
MARKERS_FILE = "lab_markers.csv"

#: Markers, in the order of :func:`interpret_labs`'s arguments.
LAB_MARKERS: tuple[str, ...] = ("total_b12", "holotc", "mma", "homocysteine")
#: Overall categories, most concerning first.
LAB_CATEGORIES: tuple[str, ...] = ("deficiency_likely", "indeterminate",
                                   "deficiency_unlikely")
CATEGORY_LABELS: dict[str, str] = {
    "deficiency_likely": "deficiency likely",
    "indeterminate": "indeterminate",
    "deficiency_unlikely": "deficiency unlikely",
}
BAND_LABELS: dict[str, str] = {**CATEGORY_LABELS, "raised": "raised",
                               "not_raised": "not raised"}
GUIDELINE = "NICE NG239 (2024)"

MOLAR_MASS_G_PER_MOL = 1355.37  # cyanocobalamin [WIKI]
#: ng/L (= pg/mL) per pmol/L of B12: 1355.37 g/mol → 1.35537, as labs round it [VH-LAB].
NG_PER_L_PER_PMOL_PER_L = 1.355

#: Units each marker accepts: canonical spelling → factor to the marker's default unit.
UNITS: dict[str, dict[str, float]] = {
    "total_b12": {"pmol/L": 1.0, "pg/mL": 1.0 / NG_PER_L_PER_PMOL_PER_L,
                  "ng/L": 1.0 / NG_PER_L_PER_PMOL_PER_L},
    "holotc": {"pmol/L": 1.0},
    "mma": {"µmol/L": 1.0, "nmol/L": 1e-3},
    "homocysteine": {"µmol/L": 1.0},
}
#: Unit spellings understood (lower case, no spaces, µ/μ/mc → u) → canonical spelling.
#: Units that no marker here accepts are listed so the error can say "wrong kind".
_UNIT_SPELLINGS: dict[str, str] = {
    "pmol/l": "pmol/L", "pg/ml": "pg/mL", "ng/l": "ng/L", "umol/l": "µmol/L",
    "nmol/l": "nmol/L", "mmol/l": "mmol/L", "mg/dl": "mg/dL", "mg/l": "mg/L",
    "ng/ml": "ng/mL", "ug/l": "µg/L", "g/l": "g/L", "pmol/ml": "pmol/mL",
}
_SIGNIFICANT = 10  # digits kept after a unit conversion (removes float noise at edges)

_THRESHOLD_COLUMNS = ("marker", "band", "lower_op", "lower", "upper_op", "upper", "unit",
                      "guideline", "source", "status", "note")
_MARKER_COLUMNS = ("marker", "label", "default_unit", "role", "plausible_min",
                   "plausible_max", "plausible_unit", "plausible_basis")
_STATUSES = ("verified", "secondary", "unconfirmed")
_ROLES = ("circulating", "functional")
_BAND_ORDER = {"deficiency_likely": 0, "indeterminate": 1, "deficiency_unlikely": 2}

#: (circulating state, MMA state) → (category, rule). States: the lower band of total and
#: active B12 (None: neither given) and ``raised``/``not_raised``/None for MMA.
COMBINATION: dict[tuple[str | None, str | None], tuple[str, str]] = {
    ("deficiency_likely", None): ("deficiency_likely", "circulating_low"),
    ("deficiency_likely", "not_raised"): ("deficiency_likely", "circulating_low"),
    ("deficiency_likely", "raised"): ("deficiency_likely", "circulating_low"),
    ("indeterminate", None): ("indeterminate", "mma_advised"),
    ("indeterminate", "not_raised"): ("indeterminate", "mma_not_raised"),
    ("indeterminate", "raised"): ("deficiency_likely", "mma_raised"),
    ("deficiency_unlikely", None): ("deficiency_unlikely", "circulating_ok"),
    ("deficiency_unlikely", "not_raised"): ("deficiency_unlikely", "circulating_ok"),
    ("deficiency_unlikely", "raised"): ("indeterminate", "markers_disagree"),
    (None, None): ("indeterminate", "no_circulating"),
    (None, "not_raised"): ("indeterminate", "no_circulating"),
    (None, "raised"): ("indeterminate", "no_circulating"),
}
_TREAT_FIRST = ("Take these results to a doctor soon to confirm them, look for the cause "
                "and discuss treatment: treatment comes first, the diet plan afterwards.")
#: Rule → first next step.
RULE_STEPS: dict[str, str] = {
    "circulating_low": "By NICE NG239 these results put B12 deficiency in the 'likely' "
                       "band. " + _TREAT_FIRST,
    "mma_raised": "B12 is in NICE NG239's indeterminate band and MMA is raised "
                  "(> 0.271 µmol/L), so deficiency is likely. " + _TREAT_FIRST,
    "mma_advised": "B12 is in NICE NG239's indeterminate band. NICE advises an MMA "
                   "(methylmalonic acid) test to decide, especially with symptoms; a doctor "
                   "may also offer treatment if deficiency is suspected.",
    "mma_not_raised": "B12 is in NICE NG239's indeterminate band and MMA is not raised "
                      "(≤ 0.271 µmol/L), which does not point to a lack of B12 in the "
                      "cells. A doctor reads this with your symptoms and may still offer "
                      "treatment if deficiency is suspected.",
    "markers_disagree": "B12 is above NICE NG239's indeterminate band but MMA is raised "
                        "(> 0.271 µmol/L): the markers disagree. MMA also rises with kidney "
                        "impairment; ask a doctor to read them together.",
    "no_circulating": "NICE NG239 judges B12 status from total or active B12 first; MMA "
                      "and homocysteine alone are not judged here. Ask for a total or "
                      "active B12 test.",
    "circulating_ok": "By NICE NG239 these results make B12 deficiency unlikely. If "
                      "symptoms continue, see a doctor: they have many causes, and no test "
                      "is perfect.",
}
_RULE_SOURCES: dict[str, str] = {
    "circulating_low": "[NICE-NG239]", "mma_raised": "[NICE-NG239] [KUZMINSKI-98]",
    "mma_advised": "[NICE-NG239] [PULSE-24]", "mma_not_raised": "[NICE-NG239] [PULSE-24]",
    "markers_disagree": "[NICE-NG239] [KUZMINSKI-98]", "no_circulating": "[NICE-NG239]",
    "circulating_ok": "[NICE-NG239]",
}


@dataclass(frozen=True)
class _Caveat:
    markers: tuple[str, ...]
    text: str
    source: str


#: Circumstances that change how results read: keyword of :func:`interpret_labs`.
CIRCUMSTANCES: tuple[str, ...] = ("pregnant", "kidney_disease", "nitrous_oxide",
                                  "recent_b12", "oral_contraceptives")
#: Caveat code → the markers it applies to (any given), the sentence and its sources.
CAVEATS: dict[str, _Caveat] = {
    "pregnant": _Caveat(
        ("total_b12",),
        "Pregnancy: total B12 falls naturally in pregnancy, so a low result is hard to "
        "read; active B12 (holoTC) is the preferred test in pregnancy.",
        "[NICE-NG239] [BNSSG-24]"),
    "kidney_disease": _Caveat(
        ("mma", "homocysteine"),
        "Kidney disease: MMA and homocysteine rise when the kidneys work less well, so a "
        "raised value may not mean a lack of B12.",
        "[NICE-NG239] [VH-UPD]"),
    "nitrous_oxide": _Caveat(
        LAB_MARKERS,
        "Nitrous oxide: it inactivates B12, so total and active B12 can look normal while "
        "B12 does not work; MMA or homocysteine are the tests to ask for, and symptoms "
        "need a doctor now.",
        "[NICE-NG239] [N2O]"),
    "recent_b12": _Caveat(
        ("total_b12", "holotc"),
        "Recent B12 supplements or injections raise total and active B12, so results "
        "taken soon after can look normal while the cause remains; tell the doctor what "
        "you took and when.",
        "[BNSSG-24] [KUZMINSKI-98]"),
    "oral_contraceptives": _Caveat(
        ("total_b12",),
        "Oral contraceptives can lower total B12 without a deficiency; an MMA test helps "
        "to tell the two apart.",
        "[BNSSG-24]"),
    "under_16": _Caveat(
        LAB_MARKERS,
        "NICE NG239 covers people over 16: for a child or young teenager, ask a "
        "paediatrician to read these results.",
        "[NICE-NG239]"),
    "lab_ranges": _Caveat(
        LAB_MARKERS,
        "Assays differ and laboratories use their own reference ranges: the range printed "
        "on your lab report comes first.",
        "[BCSH] [NICE-NG239]"),
}
ADULT_AGE_YEARS = 16.0  # NICE NG239 covers people over 16 [NICE-NG239]
#: Names read from ``profile.conditions`` / ``profile.risk_factors`` for each
#: circumstance (after lower-casing, spaces and hyphens → "_").
PROFILE_NAMES: dict[str, frozenset[str]] = {
    "pregnant": frozenset({"pregnant", "pregnancy"}),
    "kidney_disease": frozenset({"kidney_disease", "chronic_kidney_disease", "ckd",
                                 "renal_impairment", "renal_disease"}),
    "nitrous_oxide": frozenset({"nitrous_oxide", "n2o"}),
    "recent_b12": frozenset({"recent_b12", "recent_b12_supplements",
                             "recent_b12_injections", "b12_injections"}),
    "oral_contraceptives": frozenset({"oral_contraceptives", "oral_contraceptive",
                                      "combined_pill", "cocp"}),
}
#: Profile attributes :func:`interpret_labs` reads, if present (duck-typed).
PROFILE_ATTRIBUTES: tuple[str, ...] = ("pregnant", "life_stage", "age", "conditions",
                                       "risk_factors")
#: Finding columns.
FINDING_COLUMNS: tuple[str, ...] = ("marker", "label", "value", "unit", "default_value",
                                    "default_unit", "band", "band_label", "range",
                                    "guideline", "source", "status")


# -- data files ---------------------------------------------------------------------------
def _num(text: str) -> float:
    try:
        return float(text) if text.strip() else math.nan
    except ValueError:
        return math.nan


@lru_cache(maxsize=4)
def _load_markers(path: str) -> pd.DataFrame:
    df = read_text_csv(path, _MARKER_COLUMNS)
    for c in _MARKER_COLUMNS:
        df[c] = df[c].astype(str).str.strip()
    problems = []
    for c in ("plausible_min", "plausible_max"):
        df[c] = [_num(v) for v in df[c]]
    for i, r in df.iterrows():
        where = f"{path} line {int(i) + 2}"
        m = r["marker"]
        if m not in UNITS:
            problems.append(f"{where}: unknown marker {m!r}; use {', '.join(LAB_MARKERS)}")
            continue
        for c in ("default_unit", "plausible_unit"):
            if r[c] not in UNITS[m]:
                problems.append(f"{where}: {c} {r[c]!r} is not a unit of {m}")
        if r["role"] not in _ROLES:
            problems.append(f"{where}: role must be one of {', '.join(_ROLES)}")
        if not (0 < r["plausible_min"] < r["plausible_max"] < math.inf):
            problems.append(f"{where}: need 0 < plausible_min < plausible_max")
        if not r["plausible_basis"] or not r["label"]:
            problems.append(f"{where}: label and plausible_basis must not be empty")
    missing = sorted(set(LAB_MARKERS) - set(df["marker"]))
    if missing:
        problems.append(f"{path}: no row for {', '.join(missing)}")
    if df["marker"].duplicated().any():
        problems.append(f"{path}: a marker is listed twice")
    if problems:
        raise DataFileError("Lab marker table has problems:\n- " + "\n- ".join(problems))
    return df.set_index("marker", drop=False)


@lru_cache(maxsize=4)
def _load_thresholds(path: str) -> pd.DataFrame:
    df = read_text_csv(path, _THRESHOLD_COLUMNS)
    for c in _THRESHOLD_COLUMNS:
        df[c] = df[c].astype(str).str.strip()
    for c in ("lower", "upper"):
        df[c] = [_num(v) for v in df[c]]
    problems = []
    for i, r in df.iterrows():
        where = f"{path} line {int(i) + 2}"
        m = r["marker"]
        if m not in UNITS:
            problems.append(f"{where}: unknown marker {m!r}")
            continue
        if r["unit"] not in UNITS[m]:
            problems.append(f"{where}: unit {r['unit']!r} is not a unit of {m}")
        if r["band"] not in BAND_LABELS:
            problems.append(f"{where}: band {r['band']!r} is not one of "
                            f"{', '.join(BAND_LABELS)}")
        if r["lower_op"] not in ("", ">", ">=") or r["upper_op"] not in ("", "<", "<="):
            problems.append(f"{where}: lower_op must be '', '>' or '>='; upper_op '', '<' "
                            "or '<='")
        if bool(r["lower_op"]) == math.isnan(r["lower"]) or \
                bool(r["upper_op"]) == math.isnan(r["upper"]):
            problems.append(f"{where}: an edge needs both its operator and its number")
        if r["status"] not in _STATUSES:
            problems.append(f"{where}: status must be one of {', '.join(_STATUSES)}")
        if not re.fullmatch(r"(\[[^\[\]]+\]\s*)+", r["source"]) or not r["guideline"]:
            problems.append(f"{where}: guideline and source ([TAG]s) must be given")
    if not problems:
        for m, g in df.groupby("marker", sort=False):
            problems += _tiling_problems(path, m, g)
    missing = sorted(set(LAB_MARKERS) - set(df["marker"]))
    if missing:
        problems.append(f"{path}: no bands for {', '.join(missing)}")
    if problems:
        raise DataFileError("Lab threshold table has problems:\n- " + "\n- ".join(problems))
    return df.reset_index(drop=True)


def _tiling_problems(path: str, marker: str, g: pd.DataFrame) -> list[str]:
    """The bands of one marker must cover 0..∞ in order, without gap or overlap."""
    out = []
    if g["unit"].nunique() != 1:
        out.append(f"{path}: {marker} bands use more than one unit")
    rows = list(g.itertuples(index=False))
    if rows[0].lower_op or rows[-1].upper_op:
        out.append(f"{path}: {marker}: the first band must be open below, the last above")
    for a, b in zip(rows, rows[1:], strict=False):
        if not (a.upper_op and b.lower_op and a.upper == b.lower
                and {a.upper_op, b.lower_op} in ({"<", ">="}, {"<=", ">"})):
            out.append(f"{path}: {marker}: bands {a.band} and {b.band} must meet at one "
                       "edge (< with >=, or <= with >)")
    return out


def load_lab_thresholds(path: str | Path | None = None) -> pd.DataFrame:
    """The band table, checked: one row per marker × band.

    Returns
    -------
    pandas.DataFrame
        ``marker``, ``band``, ``lower_op`` ('', '>' or '>='), ``lower``, ``upper_op``
        ('', '<' or '<='), ``upper`` (NaN when open), ``unit``, ``guideline``, ``source``,
        ``status`` (verified/secondary/unconfirmed, as marked in the reference), ``note``.
        A copy.

    Raises
    ------
    DataFileError
        The file is missing or unreadable, a row is bad, or a marker's bands leave a
        gap or overlap.
    """
    return _load_thresholds(str(path or data_path(THRESHOLDS_FILE))).copy()


def load_lab_markers(path: str | Path | None = None) -> pd.DataFrame:
    """The markers: label, default unit, role and plausible range with its basis. A copy."""
    return _load_markers(str(path or data_path(MARKERS_FILE))).reset_index(drop=True)


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (_load_markers(str(data_path(MARKERS_FILE))),
            _load_thresholds(str(data_path(THRESHOLDS_FILE))))


# -- units and values ---------------------------------------------------------------------
def _fmt(x: float) -> str:
    """A computed number, 4 significant digits, no exponent: 0.271, 180, 132.8, 100,500."""
    if x == 0 or 0.001 <= abs(x) < 10_000:
        return f"{x:.4g}"
    return f"{x:,.0f}" if abs(x) >= 10_000 else f"{x:.6f}".rstrip("0")


def _fmt_given(x: float) -> str:
    """A number as the person gave it (up to 6 significant digits): 250, 0.35, 12.345."""
    return f"{x:g}" if 1e-4 <= abs(x) < 1e6 or x == 0 else _fmt(x)


def _round(x: float) -> float:
    return float(f"{x:.{_SIGNIFICANT}g}")


def normalise_unit(marker: str, unit: object) -> str:
    """The canonical spelling of ``unit`` for ``marker`` (``"umol/l"`` → ``"µmol/L"``).

    Raises
    ------
    InputError
        The unit is not text, not known, or of the wrong kind for the marker (e.g.
        ``mg/dL`` for B12); the message lists the units the marker accepts.
    """
    accepted = ", ".join(UNITS[marker])
    name = _marker_name(marker)
    if not isinstance(unit, str) or not unit.strip():
        raise InputError(f"{marker}: the unit {unit!r} is not a unit; for {name} use "
                         f"{accepted}.")
    key = re.sub(r"\s+", "", unit).lower()
    key = key.replace("µ", "u").replace("μ", "u")
    key = re.sub(r"^mc(?=mol|g)", "u", key)
    key = re.sub(r"/(litre|liter)$", "/l", key)
    canonical = _UNIT_SPELLINGS.get(key)
    if canonical is None:
        raise InputError(f"{marker}: unit {unit!r} is not known; for {name} use {accepted}.")
    if canonical not in UNITS[marker]:
        raise InputError(f"{marker}: {canonical} is not a unit for {name}; use {accepted}.")
    return canonical


def _marker_name(marker: str) -> str:
    return {"total_b12": "total B12", "holotc": "active B12 (holoTC)", "mma": "MMA",
            "homocysteine": "homocysteine"}[marker]


def convert(value: float, marker: str, from_unit: str, to_unit: str) -> float:
    """Convert a ``marker`` value between two of its units (rounded to 10 digits).

    >>> convert(250, "total_b12", "pg/mL", "pmol/L")   # doctest: +ELLIPSIS
    184.50...
    """
    f_from = UNITS[marker][normalise_unit(marker, from_unit)]
    f_to = UNITS[marker][normalise_unit(marker, to_unit)]
    if f_from == f_to:
        return float(value)
    return _round(float(value) * f_from / f_to)


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def parse_lab_value(text: object) -> float | tuple[float, str]:
    """Read a result typed as text: ``"250 pg/mL"`` → ``(250.0, "pg/mL")``; ``"250"`` → 250.0.

    The unit is kept as typed (checked later, per marker, by :func:`interpret_labs`).

    Raises
    ------
    InputError
        Not a number; a comma in the number (``1,200`` could mean 1200 or 1.2); a limit
        such as ``<50`` (not a value: the planner does not guess one).
    """
    if not isinstance(text, str):
        raise InputError(f"a lab result must be text such as '250 pg/mL', not {text!r}.")
    s = text.strip()
    if s[:1] in ("<", ">", "≤", "≥"):
        raise InputError(
            f"{text!r} is a limit, not a value, and the planner does not guess one. To judge "
            f"the limit's own band, enter the number without {s[0]!r} (a result below it "
            "is in the same band or a lower one).")
    m = _NUMBER.match(s)
    if not m:
        raise InputError(f"{text!r} does not start with a number; write e.g. '250 pg/mL'.")
    rest = s[m.end():].strip()
    if rest.startswith(","):
        raise InputError(f"{text!r}: write the number without a comma (1200, or 1.2 as a "
                         "decimal point).")
    value = float(m.group(0))
    return (value, rest) if rest else value


def _given(marker: str, raw: object) -> tuple[float, str]:
    """(value, canonical unit as given), or InputError saying what is wrong."""
    if isinstance(raw, tuple | list):
        if len(raw) != 2:
            raise InputError(f"{marker}: give a number or a (value, unit) pair, not "
                             f"{len(raw)} items.")
        value, unit = raw
        unit = normalise_unit(marker, unit)
    else:
        value, unit = raw, next(iter(UNITS[marker]))
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        hint = (f" (text can be read with planner.parse_lab_value({value!r}))"
                if isinstance(value, str) else "")
        raise InputError(f"{marker}: {value!r} is not a number{hint}.")
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        raise InputError(f"{marker}: {value!r} is not a finite number.")
    if v < 0:
        raise InputError(f"{marker}: {_fmt_given(v)} {unit} is negative; a concentration cannot "
                         "be.")
    return v, unit


# -- the result ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LabInterpretation:
    """What blood-test results mean by the guideline; see :func:`interpret_labs`.

    Attributes
    ----------
    category : str
        ``deficiency_likely``, ``indeterminate`` or ``deficiency_unlikely``.
    findings : pandas.DataFrame
        One row per marker given (columns :data:`FINDING_COLUMNS`): ``marker``,
        ``label``, ``value`` and ``unit`` as given (unit in canonical spelling),
        ``default_value`` in ``default_unit``, ``band``, ``band_label``, ``range`` (the
        band's edges, e.g. "180–350 ng/L (132.8–258.3 pmol/L)"), ``guideline``,
        ``source`` and ``status`` (verified/secondary as marked in the reference).
    next_steps : list of str
        Plain sentences, most important first.
    caveats : list of str
        Plain sentences on what can mislead these results; the last is always the
        reminder that the laboratory's own reference range comes first.
    caveat_codes : tuple of str
        The codes of :attr:`caveats` (keys of :data:`CAVEATS`), in the same order.
    rule : str
        The :data:`COMBINATION` rule that set the category.
    guideline : str
        The guideline behind the bands of total and active B12.
    sources : tuple of str
        Every source tag used.
    """

    category: str
    findings: pd.DataFrame
    next_steps: list[str]
    caveats: list[str]
    caveat_codes: tuple[str, ...] = ()
    rule: str = ""
    guideline: str = GUIDELINE
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def category_label(self) -> str:
        """The category in words ("deficiency likely")."""
        return CATEGORY_LABELS[self.category]

    @property
    def deficiency_likely(self) -> bool:
        return self.category == "deficiency_likely"


def _optional_bool(value: object, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InputError(f"{name} must be True, False or None (read from the profile), not "
                     f"{value!r}.")


def _names(profile: object) -> set[str]:
    out: set[str] = set()
    for attr in ("conditions", "risk_factors"):
        items = getattr(profile, attr, None) or ()
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, Iterable):
            continue
        out |= {re.sub(r"[\s\-]+", "_", str(x).strip().lower()) for x in items}
    return out


def circumstances_from(profile: object = None, **flags: bool | None) -> tuple[str, ...]:
    """The circumstances that apply: explicit flags first, else read from ``profile``.

    ``profile`` is read duck-typed (any object; the attributes in
    :data:`PROFILE_ATTRIBUTES`): ``pregnant`` (bool) or ``life_stage`` ("pregnancy"),
    and names in ``conditions`` or ``risk_factors`` (see :data:`PROFILE_NAMES`). A flag
    given as True or False overrides the profile. ``age`` below 16 adds ``under_16``.
    """
    unknown = sorted(set(flags) - set(CIRCUMSTANCES))
    if unknown:
        raise InputError(f"unknown circumstance(s) {', '.join(unknown)}; use "
                         f"{', '.join(CIRCUMSTANCES)}.")
    names = _names(profile) if profile is not None else set()
    out = []
    for c in CIRCUMSTANCES:
        flag = _optional_bool(flags.get(c), c)
        if flag is None and profile is not None:
            flag = bool(PROFILE_NAMES[c] & names)
            if c == "pregnant":
                stage = str(getattr(profile, "life_stage", "") or "").strip().lower()
                flag = flag or getattr(profile, "pregnant", False) is True or \
                    stage in ("pregnancy", "pregnant")
        if flag:
            out.append(c)
    age = getattr(profile, "age", None) if profile is not None else None
    if isinstance(age, numbers.Real) and not isinstance(age, bool) and \
            age < ADULT_AGE_YEARS:
        out.append("under_16")
    return tuple(out)


def _band(thresholds: pd.DataFrame, marker: str, value: float) -> pd.Series:
    ops = {">": float.__gt__, ">=": float.__ge__, "<": float.__lt__, "<=": float.__le__}
    for _, r in thresholds[thresholds["marker"] == marker].iterrows():
        if (not r["lower_op"] or ops[r["lower_op"]](value, r["lower"])) and \
                (not r["upper_op"] or ops[r["upper_op"]](value, r["upper"])):
            return r
    raise AssertionError(f"no band for {marker} {value}")  # pragma: no cover - tiling


def _range_text(r: pd.Series, marker: str, default_unit: str) -> str:
    def text(unit: str, f: float) -> str:
        lo = None if math.isnan(r["lower"]) else _fmt(_round(r["lower"] * f))
        hi = None if math.isnan(r["upper"]) else _fmt(_round(r["upper"] * f))
        if lo is None:
            return f"{'<' if r['upper_op'] == '<' else '≤'} {hi} {unit}"
        if hi is None:
            return f"{'>' if r['lower_op'] == '>' else '≥'} {lo} {unit}"
        return f"{lo}–{hi} {unit}"

    out = text(r["unit"], 1.0)
    if r["unit"] != default_unit:
        f = UNITS[marker][r["unit"]] / UNITS[marker][default_unit]
        out += f" ({text(default_unit, f)})"
    return out


def interpret_labs(
    total_b12: object = None,
    holotc: object = None,
    mma: object = None,
    homocysteine: object = None,
    *,
    profile: object = None,
    pregnant: bool | None = None,
    kidney_disease: bool | None = None,
    nitrous_oxide: bool | None = None,
    recent_b12: bool | None = None,
    oral_contraceptives: bool | None = None,
) -> LabInterpretation:
    """Read B12 blood-test results by NICE NG239 and say what they mean.

    Parameters
    ----------
    total_b12 : float or (float, str), optional
        Total (serum) B12: a number in pmol/L, or ``(value, unit)`` with unit pmol/L,
        pg/mL or ng/L (1 pmol/L = 1.355 ng/L).
    holotc : float or (float, str), optional
        Active B12 (holotranscobalamin) [pmol/L].
    mma : float or (float, str), optional
        Methylmalonic acid: a number in µmol/L, or with unit µmol/L (``umol/L``) or
        nmol/L.
    homocysteine : float or (float, str), optional
        Total homocysteine [µmol/L].
    profile : object, optional
        Read duck-typed for the circumstances below (attributes
        :data:`PROFILE_ATTRIBUTES`: ``pregnant``, ``life_stage``, ``age``,
        ``conditions``, ``risk_factors``); any object works, a :class:`planner.Profile`
        included.
    pregnant, kidney_disease, nitrous_oxide, recent_b12, oral_contraceptives : bool, optional
        Circumstances that change how results read (``recent_b12``: B12 supplements or
        injections shortly before the test). None (default) reads them from
        ``profile``; True/False overrides it.

    Returns
    -------
    LabInterpretation
        ``category``, ``findings``, ``next_steps``, ``caveats`` (see the class).

    Raises
    ------
    InputError
        No result given; a value that is negative, NaN, infinite, not a number, a bool,
        or outside the range any assay reports (``data/lab_markers.csv`` gives each
        range and its basis); an unknown unit or one of the wrong kind (mg/dL for B12).
        One message lists every problem.

    Examples
    --------
    >>> r = interpret_labs(total_b12=(250, "pg/mL"), mma=0.40)
    >>> r.category
    'deficiency_likely'
    """
    markers, thresholds = _tables()
    given = dict(zip(LAB_MARKERS, (total_b12, holotc, mma, homocysteine), strict=True))
    given = {m: v for m, v in given.items() if v is not None}
    if not given:
        raise InputError("give at least one result: total_b12, holotc, mma or "
                         "homocysteine.")
    circumstances = circumstances_from(
        profile, pregnant=pregnant, kidney_disease=kidney_disease,
        nitrous_oxide=nitrous_oxide, recent_b12=recent_b12,
        oral_contraceptives=oral_contraceptives)
    problems: list[str] = []
    rows = []
    for m, raw in given.items():
        try:
            value, unit = _given(m, raw)
        except InputError as exc:
            problems.append(str(exc))
            continue
        mk = markers.loc[m]
        band_unit = thresholds.loc[thresholds["marker"] == m, "unit"].iloc[0]
        in_band_unit = convert(value, m, unit, band_unit)
        in_plaus_unit = convert(value, m, unit, mk["plausible_unit"])
        if not mk["plausible_min"] <= in_plaus_unit <= mk["plausible_max"]:
            lo, hi = _fmt(mk["plausible_min"]), _fmt(mk["plausible_max"])
            hint = (" A result below the detection limit is reported as '< limit'."
                    if in_plaus_unit < mk["plausible_min"] else "")
            if m == "mma" and unit == "µmol/L" and in_plaus_unit > mk["plausible_max"]:
                hint = (f" Was it in nmol/L? {_fmt_given(value)} nmol/L = "
                        f"{_fmt(value / 1000)} µmol/L.")
            problems.append(
                f"{m}: {_fmt_given(value)} {unit} is outside what assays report for "
                f"{_marker_name(m)} ({lo} to {hi} {mk['plausible_unit']}); check the value "
                f"and the unit.{hint}")
            continue
        r = _band(thresholds, m, in_band_unit)
        rows.append({
            "marker": m, "label": mk["label"], "value": value, "unit": unit,
            "default_value": convert(value, m, unit, mk["default_unit"]),
            "default_unit": mk["default_unit"], "band": r["band"],
            "band_label": BAND_LABELS[r["band"]],
            "range": _range_text(r, m, mk["default_unit"]), "guideline": r["guideline"],
            "source": r["source"], "status": r["status"],
        })
    if problems:
        raise InputError("lab results: " + " ".join(problems))
    findings = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    return _judge(findings, circumstances)


def _judge(findings: pd.DataFrame, circumstances: tuple[str, ...]) -> LabInterpretation:
    band = dict(zip(findings["marker"], findings["band"], strict=True))
    circ = [band[m] for m in ("total_b12", "holotc") if m in band]
    circ_state = min(circ, key=_BAND_ORDER.__getitem__) if circ else None
    mma_state = band.get("mma")
    category, rule = COMBINATION[(circ_state, mma_state)]
    steps = [RULE_STEPS[rule]]
    sources = [_RULE_SOURCES[rule]]
    if len(set(circ)) > 1:
        steps.append("Total and active B12 fall in different bands; the lower band is used "
                     "here, and a doctor reads them together.")
    if circ_state == "deficiency_likely" and mma_state == "not_raised":
        steps.append("MMA is not raised although B12 is low; a doctor reads the two "
                     "together.")
    if circ_state is None and mma_state == "raised":
        steps.append("MMA is raised (> 0.271 µmol/L): a sign of a lack of B12 in the cells, "
                     "but it also rises with kidney impairment; a doctor reads it with a "
                     "B12 test.")
        sources.append("[KUZMINSKI-98] [NICE-NG239]")
    if band.get("homocysteine") == "raised":
        steps.append("Homocysteine is raised (> 15 µmol/L). This fits a lack of B12 but is "
                     "not specific: low folate or vitamin B6 and kidney disease raise it "
                     "too.")
        sources.append("[KUZMINSKI-98]")
    if "nitrous_oxide" in circumstances and not {"mma", "homocysteine"} & set(band):
        steps.append("After nitrous oxide use, ask for an MMA or homocysteine test: total "
                     "and active B12 can look normal.")
        sources.append("[NICE-NG239] [N2O]")
    codes = [c for c in (*circumstances, "lab_ranges")
             if set(CAVEATS[c].markers) & set(band)]
    caveats = [CAVEATS[c].text for c in codes]
    sources += [CAVEATS[c].source for c in codes]
    sources += list(findings["source"])
    tags = tuple(dict.fromkeys(t for s in sources for t in re.findall(r"\[[^\[\]]+\]", s)))
    return LabInterpretation(category=category, findings=findings, next_steps=steps,
                             caveats=caveats, caveat_codes=tuple(codes), rule=rule,
                             sources=tags)


# -- treatment information ----------------------------------------------------------------
#: Risk factors whose cause is poor absorption: treatment is usually lifelong.
MALABSORPTION_CAUSES: tuple[str, ...] = ("pernicious_anemia", "bariatric_surgery",
                                         "gastrectomy", "ileal_resection")
REGIMEN_COLUMNS: tuple[str, ...] = ("option", "dose", "route", "when", "source")
_ORAL = {
    "option": "High-dose oral B12", "dose": "1000–2000 µg a day", "route": "by mouth",
    "when": "Often enough even when absorption is poor (about 1 % is taken up passively): "
            "oral 1000 µg a day is adequate in pernicious anaemia, and 2000 µg a day worked "
            "as well as injections. Under a doctor's direction.",
    "source": "[IOM p.342] [CHAN-16] [KUZMINSKI-98]",
}
_INJECTION = {
    "option": "B12 injections", "dose": "e.g. 1000 µg, on a schedule the doctor sets",
    "route": "into a muscle",
    "when": "Urgently with neurological symptoms (numbness, pins and needles, balance, "
            "vision or memory problems); also when absorption is very poor.",
    "source": "[NICE-NG239] [BCSH] [FDA-INJ]",
}
_LIFELONG = {
    "option": "Lifelong treatment", "dose": "as prescribed", "route": "oral or injections",
    "when": "When the cause is poor absorption (autoimmune gastritis, i.e. pernicious "
            "anaemia, or stomach or bowel surgery): the cause does not go away.",
    "source": "[NICE-NG239] [IOM p.342]",
}


@dataclass(frozen=True, eq=False)
class TreatmentInformation:
    """Treatment regimens as information for a conversation with a clinician.

    Attributes
    ----------
    applies : bool
        True when the results make deficiency likely, or with neurological symptoms
        and no result that makes it unlikely; otherwise everything is empty.
    messages : list of str
        Plain sentences, most important first (never a prescription).
    regimens : pandas.DataFrame
        Columns :data:`REGIMEN_COLUMNS`; injections first with neurological symptoms.
    urgent : bool
        Neurological symptoms: see a doctor now.
    sources : tuple of str
    basis : str
        ``"labs"`` (the results make deficiency likely), ``"symptoms"`` (neurological
        symptoms without such results) or ``""`` (does not apply).
    """

    applies: bool
    messages: list[str]
    regimens: pd.DataFrame
    urgent: bool = False
    sources: tuple[str, ...] = ()
    basis: str = ""


def treatment_information(
    labs: LabInterpretation | None,
    symptoms: object = (),
    *,
    risk_factors: object = (),
    profile: object = None,
) -> TreatmentInformation:
    """The treatment regimens a clinician may offer, when the results make deficiency likely
    or neurological symptoms need a clinician before results rule it out.

    Parameters
    ----------
    labs : LabInterpretation or None
        From :func:`interpret_labs`; None when there are no results yet.
    symptoms : iterable of str or SymptomAssessment
        Symptom keys (see :func:`planner.model.symptoms.load_symptoms`) or an assessment.
    risk_factors : iterable of str
        Risk-factor keys; those in :data:`MALABSORPTION_CAUSES` add "lifelong". Ignored
        when ``symptoms`` is an assessment (its own risk factors are used).
    profile : object, optional
        Read duck-typed: ``conditions`` and ``risk_factors`` (added to ``risk_factors``)
        and ``age`` (under 16: no adult regimens; ask a paediatrician).

    Returns
    -------
    TreatmentInformation
        ``applies`` False (and nothing else) unless ``labs.category`` is
        ``deficiency_likely``, or there are neurological symptoms and no result says
        deficiency is unlikely (``labs`` None or ``indeterminate``: a doctor does not
        delay treatment when the clinical picture is strong [BCSH]; ``basis``
        "symptoms"). Otherwise oral 1000–2000 µg a day, injections (urgently
        with neurological symptoms) and lifelong treatment where the cause is
        malabsorption, each with its source, and the message that the diet plan is for
        afterwards: a diet does not treat a deficiency.

    Raises
    ------
    InputError
        ``labs`` is not a :class:`LabInterpretation`; unknown symptoms or risk factors.
    """
    if labs is not None and not isinstance(labs, LabInterpretation):
        raise InputError(f"labs must be the result of planner.interpret_labs or None, not "
                         f"{type(labs).__name__}.")
    if isinstance(symptoms, SymptomAssessment):
        assessment = symptoms
    else:
        extra: list[str] = []
        if profile is not None:
            known = set(_risk_keys())
            extra = [n for n in _names(profile) if n in known]
        assessment = assess_symptoms(
            symptoms, tuple(normalise_risk_factors(risk_factors)) + tuple(extra))
    empty = pd.DataFrame(columns=list(REGIMEN_COLUMNS))
    urgent = bool(assessment.neurological)
    likely = labs is not None and labs.deficiency_likely
    by_symptoms = urgent and not likely and (labs is None
                                             or labs.category == "indeterminate")
    if not likely and not by_symptoms:
        return TreatmentInformation(applies=False, messages=[], regimens=empty)
    if likely:
        messages = [
            "By NICE NG239 these results make B12 deficiency likely. What follows is "
            "information for the conversation with your doctor, not a prescription: the "
            "doctor chooses the treatment after looking for the cause."]
        sources = ["[NICE-NG239]"]
    else:
        messages = [
            ("No blood result here shows B12 deficiency yet" if labs is not None else
             "There are no blood results yet") + ", but neurological symptoms should not "
            "wait for them: when the clinical picture is strong a doctor does not delay "
            "treatment. Have the blood taken first, since B12 taken before the test can "
            "make the results look normal. What follows is information for that "
            "conversation, not a prescription."]
        sources = ["[BCSH] [NICE-NG239] [BNSSG-24] [KUZMINSKI-98]"]
    if urgent:
        messages.append("With neurological symptoms treatment is urgent and usually starts "
                        "with injections: see a doctor now; nerve damage can become "
                        "permanent if treatment waits.")
        sources += ["[NICE-NG239]", "[NHS-B12]"]
    age = getattr(profile, "age", None) if profile is not None else None
    if isinstance(age, numbers.Real) and not isinstance(age, bool) and \
            age < ADULT_AGE_YEARS:
        messages.append("These adult regimens (NICE NG239 covers people over 16) are not "
                        "for children: a paediatrician decides a child's treatment.")
        messages.append(_DIET_AFTER)
        return TreatmentInformation(applies=True, messages=messages, regimens=empty,
                                    urgent=urgent, sources=_tags(sources + ["[PULSE-24]"]),
                                    basis="labs" if likely else "symptoms")
    malabsorption = [k for k in assessment.risk_factors if k in MALABSORPTION_CAUSES]
    rows = [_INJECTION, _ORAL] if urgent else [_ORAL, _INJECTION]
    if malabsorption:
        rows.append(_LIFELONG)
        messages.append("Where the cause is poor absorption, as with "
                        f"{_words_lower(assessment.risk_factor_labels, malabsorption, assessment)}"
                        ", treatment is usually lifelong.")
    messages.append(_DIET_AFTER)
    regimens = pd.DataFrame(rows, columns=list(REGIMEN_COLUMNS))
    sources += list(regimens["source"]) + ["[PULSE-24]"]
    return TreatmentInformation(applies=True, messages=messages, regimens=regimens,
                                urgent=urgent, sources=_tags(sources),
                                basis="labs" if likely else "symptoms")


_DIET_AFTER = ("The diet plan is for afterwards: once treatment has restored B12, a plan "
               "with enough B12 helps keep it up. More B12 in the diet does not treat a "
               "deficiency.")


def _risk_keys() -> list[str]:
    from planner.model.symptoms import load_risk_factors

    return list(load_risk_factors()["key"])


def _words_lower(labels: list[str], keys: list[str], a: SymptomAssessment) -> str:
    label = dict(zip(a.risk_factors, labels, strict=True))
    words = [label[k][0].lower() + label[k][1:] for k in keys]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _tags(sources: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for s in sources for t in re.findall(r"\[[^\[\]]+\]", s)))


def result_text(finding: Any) -> str:
    """A finding's value as given, with the default-unit value when the unit differs:
    "250 pg/mL (184.5 pmol/L)". ``finding`` is a findings row (attribute access)."""
    also = ("" if finding.unit == finding.default_unit
            else f" ({_fmt(finding.default_value)} {finding.default_unit})")
    return f"{_fmt_given(finding.value)} {finding.unit}{also}"


def findings_as_text(labs: LabInterpretation) -> list[str]:
    """One line per finding: "Total (serum) B12: 250 pg/mL (184.5 pmol/L): indeterminate
    (180–350 ng/L (132.8–258.3 pmol/L); NICE NG239 (2024))"."""
    return [f"{r.label}: {result_text(r)}: {r.band_label} ({r.range}; {r.guideline})"
            for r in labs.findings.itertuples(index=False)]


def as_dict(labs: LabInterpretation) -> dict[str, Any]:
    """A plain dict (for JSON and the app)."""
    return {
        "category": labs.category, "category_label": labs.category_label,
        "guideline": labs.guideline, "rule": labs.rule,
        "findings": labs.findings.to_dict(orient="records"),
        "next_steps": list(labs.next_steps), "caveats": list(labs.caveats),
        "caveat_codes": list(labs.caveat_codes), "sources": list(labs.sources),
    }


# -- dated results over time --------------------------------------------------------------
#: Fields of one dated lab result (:func:`normalise_lab_results`).
LAB_RESULT_FIELDS: tuple[str, ...] = ("date", "marker", "value", "unit")
#: Columns of :func:`lab_history`.
HISTORY_COLUMNS: tuple[str, ...] = ("date", "marker", "label", "value", "unit",
                                    "default_value", "default_unit", "band", "band_label",
                                    "guideline", "source")
#: Most dated results kept (a plausibility bound: 25 years of monthly tests of 4 markers).
MAX_LAB_RESULTS = 1200


def _date(value: object, where: str) -> str:
    """An ISO date ``YYYY-MM-DD`` from a date, datetime, Timestamp or ISO text."""
    import datetime as dt

    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise InputError(f"{where}: date {value!r} is not a date; write it as YYYY-MM-DD.")


def normalise_lab_results(results: object) -> list[dict[str, Any]]:
    """Check dated lab results and give them in one plain form, oldest first.

    Parameters
    ----------
    results : iterable of mapping
        Each with ``date`` (a date or ``"YYYY-MM-DD"``), ``marker`` (one of
        :data:`LAB_MARKERS`), ``value`` (a number, or text such as ``"250 pg/mL"``
        read by :func:`parse_lab_value`) and ``unit`` (optional when the value holds it
        or is in the marker's default unit). A DataFrame with those columns works too.

    Returns
    -------
    list of dict
        ``date`` (ISO text), ``marker``, ``value`` (float, as given) and ``unit`` (the
        canonical spelling), sorted by date then marker order (stable).

    Raises
    ------
    InputError
        Naming the entry (1-based) and the field: not a list of mappings, a missing or
        unknown field, a bad date, an unknown marker, or a value :func:`interpret_labs`
        refuses (negative, not a number, a wrong-kind unit, outside what assays report).
    """
    if isinstance(results, pd.DataFrame):
        results = results.to_dict(orient="records")
    if isinstance(results, str | bytes | dict) or not isinstance(results, Iterable):
        raise InputError("lab results must be a list of results (date, marker, value, "
                         f"unit), not {type(results).__name__}.")
    items = list(results)
    if len(items) > MAX_LAB_RESULTS:
        raise InputError(f"lab results: at most {MAX_LAB_RESULTS:,} results, not "
                         f"{len(items):,}.")
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    for i, r in enumerate(items, start=1):
        where = f"lab result {i}"
        try:
            if not isinstance(r, dict):
                raise InputError(f"{where}: must be a mapping of {', '.join(LAB_RESULT_FIELDS)}"
                                 f", not {type(r).__name__}.")
            unknown = sorted(set(map(str, r)) - set(LAB_RESULT_FIELDS))
            if unknown:
                raise InputError(f"{where}: unknown field(s) {', '.join(unknown)}; use "
                                 f"{', '.join(LAB_RESULT_FIELDS)}.")
            missing = [f for f in ("date", "marker", "value") if r.get(f) is None]
            if missing:
                raise InputError(f"{where}: {', '.join(missing)} missing.")
            marker = str(r["marker"]).strip().lower()
            if marker not in LAB_MARKERS:
                raise InputError(f"{where}: marker {r['marker']!r} is not known; use "
                                 f"{', '.join(LAB_MARKERS)}.")
            date = _date(r["date"], where)
            raw: object = r["value"]
            if isinstance(raw, str):
                raw = parse_lab_value(raw)
            unit = r.get("unit")
            if isinstance(unit, float) and math.isnan(unit):
                unit = None
            if isinstance(raw, tuple):
                if unit is not None and normalise_unit(marker, unit) != \
                        normalise_unit(marker, raw[1]):
                    raise InputError(f"{where}: the value has unit {raw[1]!r} but unit "
                                     f"says {unit!r}.")
                value, unit = raw
            else:
                value = raw
            pair = (value, unit if unit is not None else next(iter(UNITS[marker])))
            found = interpret_labs(**{marker: pair}).findings.iloc[0]  # every check
            out.append({"date": date, "marker": marker, "value": float(found["value"]),
                        "unit": str(found["unit"])})
        except InputError as exc:
            msg = str(exc).removeprefix("lab results: ")
            problems.append(msg if msg.startswith(where + ":") else f"{where}: {msg}")
    if problems:
        raise InputError("lab results: " + " ".join(problems))
    order = {m: i for i, m in enumerate(LAB_MARKERS)}
    return sorted(out, key=lambda r: (r["date"], order[r["marker"]]))


def lab_history(results: object) -> pd.DataFrame:
    """Dated lab results as a tidy table for a chart over time.

    Parameters
    ----------
    results : iterable of mapping or pandas.DataFrame
        As for :func:`normalise_lab_results` (e.g. from
        :func:`planner.saved_plans.load_lab_results`).

    Returns
    -------
    pandas.DataFrame
        One row per result, oldest first, columns :data:`HISTORY_COLUMNS`: ``date``
        (datetime64), ``marker``, ``label``, ``value`` and ``unit`` as given,
        ``default_value`` in ``default_unit`` (pmol/L for total B12, so results in
        pg/mL and pmol/L share one axis), and the marker's own ``band`` on the day
        (:func:`interpret_labs` of that one value: NICE NG239 for total and active B12,
        the MMA and homocysteine cut-offs of :data:`THRESHOLDS_FILE`), ``band_label``,
        ``guideline``, ``source``. Empty (with the columns) for no results.

    Raises
    ------
    InputError
        As :func:`normalise_lab_results`.
    """
    rows = []
    for r in normalise_lab_results(results):
        f = interpret_labs(**{r["marker"]: (r["value"], r["unit"])}).findings.iloc[0]
        rows.append({"date": r["date"], **{c: f[c] for c in HISTORY_COLUMNS[1:]}})
    df = pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    for c in ("value", "default_value"):
        df[c] = df[c].astype("float64")
    return df


__all__ = [
    "CATEGORY_LABELS",
    "CAVEATS",
    "CIRCUMSTANCES",
    "COMBINATION",
    "GUIDELINE",
    "HISTORY_COLUMNS",
    "LAB_CATEGORIES",
    "LAB_MARKERS",
    "LAB_RESULT_FIELDS",
    "LabInterpretation",
    "TreatmentInformation",
    "UNITS",
    "as_dict",
    "convert",
    "findings_as_text",
    "interpret_labs",
    "lab_history",
    "load_lab_markers",
    "load_lab_thresholds",
    "normalise_lab_results",
    "normalise_unit",
    "parse_lab_value",
    "result_text",
    "treatment_information",
]
