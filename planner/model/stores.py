"""Body B12 stores over time: first-order kinetics ``dS/dt = A − k·S``.

``S`` is the body pool [µg], ``A`` the absorbed B12 [µg/day] and ``k`` the fractional
daily turnover [1/day] (IOM Appendix N). With constant ``A`` the store approaches the
steady state ``A/k``; with no intake it falls exponentially, e.g. from 2,000 µg at
0.1 %/day to the ≈300 µg threshold in ln(2000/300)/0.001 ≈ 1,897 days ≈ 5.2 years.

References
----------
.. [IOM] Institute of Medicine (1998), ch. 9 pp. 308–331 and Appendix N p. 527.
.. [DOETS-13] Doets et al. (2013). Ann Nutr Metab 62:311.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from planner.errors import InputError
from planner.model.absorption import CONDITIONS, normalise_conditions

#: Fractional daily loss of the body pool [1/day], by basis.
TURNOVER_PER_DAY: dict[str, float] = {
    "normal": 0.0010,  # normal absorption and bile reabsorption [IOM p.331; App. N p.527]
    "pooled": 0.0013,  # 0.13 ± 0.03 %/d, 5 studies, 52 people [DOETS-13]
    "atrophic_gastritis": 0.0015,  # IOM suggestion [IOM App. N]
    "no_biliary_reabsorption": 0.0020,  # pernicious anaemia, bile B12 lost [IOM App. N]
}
DEPLETION_THRESHOLD_UG = 300.0  # lowest pool consistent with health (Bozian 1963) [IOM p.331]
#: The store the adult requirement maintains: ≈1.0 µg/day absorbed (IOM EAR 2.0 µg × 50 %,
#: Box 9-2 [IOM p.328]) ÷ 0.1 %/day turnover [IOM p.331] = 1,000 µg. At or above it the
#: store is "replete"; between 300 µg and it, "low"; below 300 µg, "depleted".
REPLETE_STORE_UG = 1.0 / 0.0010
DEFAULT_INITIAL_STORE_UG = 2500.0  # most adult pools 2–3 mg [IOM p.308]; mixed diet only
#: Store zones, highest first: name → lower bound [µg].
STORE_ZONES: dict[str, float] = {
    "replete": REPLETE_STORE_UG,
    "low": DEPLETION_THRESHOLD_UG,
    "depleted": 0.0,
}
DAYS_PER_YEAR = 365.25  # the Julian year, a year of days on average (leap years included) [d]
MAX_DAYS = 36_525  # longest projection: 100 years (a plausibility bound)
#: How far the store outlook looks ahead [years]: the app's chart, the report and the
#: command line's default (a display choice, not a model constant).
OUTLOOK_YEARS = 10.0
#: From this age the store model's figures apply [y]: the pool (most 2–3 mg) and the daily
#: losses (0.1–0.2 %) are measured in adults [IOM p.308, p.310, p.331]; the sources give
#: none for children, so no outlook is drawn for a child (unknown is not an adult's store).
ADULT_AGE_YEARS = 18.0
#: What a child's page and report say instead of the store outlook.
NO_CHILD_OUTLOOK = (
    "No body-store outlook for a child: the store model's figures (a store of 2–3 mg, "
    "0.1–0.2 % of it lost a day) are measured in adults [IOM p.308, p.331], and our sources "
    "give none for children.")


def store_outlook_applies(age: float | None) -> bool:
    """Whether the store model's adult figures apply at ``age`` [y]: from
    :data:`ADULT_AGE_YEARS` on, or when the age is not given (the command line's
    ``project-stores``, which takes no age)."""
    return age is None or float(age) >= ADULT_AGE_YEARS
MAX_STORE_UG = 50_000.0  # largest starting pool accepted; highest recorded 11.1 mg [IOM p.308]


def store_turnover(conditions: object = (), basis: str = "normal") -> float:
    """The store turnover rate ``k`` for a set of conditions.

    Parameters
    ----------
    conditions : iterable of str
        Condition names (see :data:`planner.model.absorption.CONDITIONS`); the fastest rate
        any of them implies is used.
    basis : {"normal", "pooled"}
        Rate without conditions: 0.1 %/day [IOM p.331] or the 0.13 %/day pooled
        estimate [DOETS-13].

    Returns
    -------
    float
        ``k`` [1/day].
    """
    if basis not in ("normal", "pooled"):
        raise InputError(f"basis must be 'normal' or 'pooled', not {basis!r}.")
    rates = [TURNOVER_PER_DAY[basis]]
    rates += [TURNOVER_PER_DAY[CONDITIONS[c].turnover] for c in normalise_conditions(conditions)]
    return max(rates)


def _number(x: object, name: str, lo: float, hi: float) -> float:
    if isinstance(x, bool):
        raise InputError(f"{name} must be a number, not {x!r}.")
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, not {x!r}.") from None
    if not (lo <= v <= hi):
        raise InputError(f"{name} must be between {lo:g} and {hi:g}, not {x!r}.")
    return v


def _k(k: float | None, conditions: object) -> float:
    if k is None:
        return store_turnover(conditions)
    return _number(k, "k", 1e-6, 0.1)


def project_stores(
    absorbed_ug_per_day,
    days: int,
    initial_store_ug: float = DEFAULT_INITIAL_STORE_UG,
    conditions: object = (),
    k: float | None = None,
) -> pd.DataFrame:
    """Project the body B12 store day by day.

    Parameters
    ----------
    absorbed_ug_per_day : float or array_like
        Absorbed B12 [µg/day]: one value held constant, or one value per day
        (length ``days``), e.g. an evaluation's daily figures repeated.
    days : int
        Days to project (1 to 36,525).
    initial_store_ug : float
        Body store on day 0 [µg]; default 2,500 (adults mostly 2–3 mg [IOM p.308]).
    conditions : iterable of str
        Conditions, which choose ``k`` (see :func:`store_turnover`).
    k : float, optional
        Turnover [1/day], overriding the one chosen from ``conditions``.

    Returns
    -------
    pandas.DataFrame
        ``day`` (0..days), ``store_ug`` [µg], ``below_threshold`` (store < 300 µg
        [IOM p.331]) and ``zone`` (``replete`` ≥ 1,000 µg, ``low``, ``depleted``).
        The daily intake is treated as a constant infusion over each day,
        so the result is exact for ``dS/dt = A − k·S``.

    References
    ----------
    [IOM p.331; App. N p.527]; [DOETS-13].
    """
    n = int(_number(days, "days", 1, MAX_DAYS))
    s0 = _number(initial_store_ug, "initial_store_ug", 0, MAX_STORE_UG)
    kk = _k(k, conditions)
    try:
        if np.asarray(absorbed_ug_per_day).dtype == bool:  # True is not 1 µg
            raise TypeError("bool")
        a = np.asarray(absorbed_ug_per_day, dtype="float64")
    except (TypeError, ValueError, OverflowError):
        raise InputError("absorbed_ug_per_day must be a number or numbers [µg/day].") from None
    # The same bound as days_to_depletion: 1e6 µg/day, far above any absorbed amount
    # (absorption saturates at about 1.5 µg per dose plus ~1 % passively [IOM p.308]).
    if np.isnan(a).any() or np.isinf(a).any() or (a < 0).any() or (a > 1e6).any():
        raise InputError("absorbed_ug_per_day must be a number from 0 to 1,000,000 "
                         "[µg/day].")
    t = np.arange(n + 1, dtype="float64")
    if a.ndim == 0:
        ss = float(a) / kk
        store = ss + (s0 - ss) * np.exp(-kk * t)
    else:
        if a.shape != (n,):
            raise InputError(
                f"absorbed_ug_per_day has {a.size} values; give one number or one per day "
                f"({n})."
            )
        # S_{j+1} = e^{-k}·S_j + A_j·(1 − e^{-k})/k: a first-order linear filter.
        from scipy.signal import lfilter

        decay = math.exp(-kk)
        forced = lfilter([(1.0 - decay) / kk], [1.0, -decay], a)
        store = s0 * np.exp(-kk * t) + np.concatenate([[0.0], forced])
    return pd.DataFrame({
        "day": np.arange(n + 1, dtype="int64"),
        "store_ug": store,
        "below_threshold": store < DEPLETION_THRESHOLD_UG,
        "zone": np.where(store + 1e-9 >= REPLETE_STORE_UG, "replete",
                         np.where(store + 1e-9 >= DEPLETION_THRESHOLD_UG, "low", "depleted")),
    })


class Depletion(NamedTuple):
    """When the store falls to the threshold (``days`` None: never) and where it settles."""

    days: float | None
    steady_state_ug: float

    @property
    def years(self) -> float | None:
        """``days`` in years (365.25 days), or None."""
        return None if self.days is None else self.days / DAYS_PER_YEAR


def days_to_depletion(
    absorbed_ug_per_day: float = 0.0,
    initial_store_ug: float = DEFAULT_INITIAL_STORE_UG,
    conditions: object = (),
    threshold_ug: float = DEPLETION_THRESHOLD_UG,
    k: float | None = None,
) -> Depletion:
    """Days until the body store falls to the threshold at a constant absorbed intake.

    Parameters
    ----------
    absorbed_ug_per_day : float
        Absorbed B12 [µg/day].
    initial_store_ug : float
        Starting store [µg]; default 2,500 [IOM p.308].
    conditions : iterable of str
        Conditions, which choose ``k`` (see :func:`store_turnover`).
    threshold_ug : float
        Depletion threshold [µg]; default 300, the lowest pool consistent with health
        [IOM p.331].
    k : float, optional
        Turnover [1/day], overriding the one from ``conditions``.

    Returns
    -------
    Depletion
        ``days``: when the threshold is crossed (0.0 if the store starts at or below it;
        None if the steady state ``A/k`` keeps it above the threshold), and
        ``steady_state_ug`` = ``A/k`` [µg].

    Notes
    -----
    ``t = ln((S0 − S*)/(T − S*))/k`` with ``S* = A/k``; with no intake ``ln(S0/T)/k``.
    """
    a = _number(absorbed_ug_per_day, "absorbed_ug_per_day", 0, 1e6)
    s0 = _number(initial_store_ug, "initial_store_ug", 0, MAX_STORE_UG)
    thr = _number(threshold_ug, "threshold_ug", 1e-9, MAX_STORE_UG)
    kk = _k(k, conditions)
    ss = a / kk
    if s0 <= thr:
        return Depletion(0.0, ss)
    if ss >= thr:
        return Depletion(None, ss)
    return Depletion(math.log((s0 - ss) / (thr - ss)) / kk, ss)


def store_zone(store_ug: float) -> str:
    """``replete`` (≥ 1,000 µg), ``low`` (300–1,000 µg) or ``depleted`` (< 300 µg)."""
    s = float(store_ug)
    for name, lower in STORE_ZONES.items():
        if s + 1e-9 >= lower:
            return name
    return "depleted"


def initial_store_estimate(
    diet: str = "omnivore",
    years_without_reliable_b12: float = 0.0,
    conditions: object = (),
    pregnant: bool = False,
) -> dict[str, object]:
    """A starting store from what the person says (always shown, always editable).

    Parameters
    ----------
    diet : str
        ``omnivore``/``pescatarian``/``vegetarian``/``vegan``.
    years_without_reliable_b12 : float
        Years on a diet without a reliable B12 source (no fortified foods or supplements,
        and for vegans no animal foods) before the plan starts.
    conditions : iterable of str
        Conditions, which choose the turnover (:func:`store_turnover`).
    pregnant : bool
        Adds a note: only newly absorbed B12 crosses the placenta easily, so the store
        does not protect the baby [IOM p.340].

    Returns
    -------
    dict
        ``store_ug`` (the estimate), ``basis`` (how it was reached, in words) and
        ``source``.

    Notes
    -----
    2,500 µg (most adults 2–3 mg [IOM p.308]) is used for a mixed diet with no years
    without B12. Each year without a reliable source decays it at the person's turnover
    with no intake: ``2500·exp(−k·365.25·years)`` [IOM p.331; App. N]. For vegans and
    vegetarians with no years given, the same 2,500 µg is assumed (they are asked).
    """
    years = _number(years_without_reliable_b12, "years_without_reliable_b12", 0, 100)
    k = store_turnover(conditions)
    store = DEFAULT_INITIAL_STORE_UG * math.exp(-k * DAYS_PER_YEAR * years)
    if years > 0:
        basis = (f"{DEFAULT_INITIAL_STORE_UG:,.0f} µg (a usual adult store) after {years:g} "
                 f"year(s) without a reliable B12 source at {k * 100:.2f} %/day turnover")
    else:
        basis = f"{DEFAULT_INITIAL_STORE_UG:,.0f} µg: most adults store 2,000–3,000 µg"
        if str(diet).strip().lower() in ("vegan", "vegetarian"):
            basis += (" (assumed; if you have gone without fortified foods or supplements, "
                      "give the years)")
    if pregnant:
        basis += ("; in pregnancy only B12 absorbed now reaches the baby easily, so the "
                  "store does not protect the baby")
    return {"store_ug": store, "basis": basis,
            "source": "[IOM p.308] [IOM p.331] [IOM p.340]"}


class StoreOutlook(NamedTuple):
    """Where the store goes at a constant absorbed intake, in the three zones.

    ``leaves_replete_days`` / ``depleted_days``: when the store falls below 1,000 µg and
    below 300 µg (0.0: already there; None: never). ``steady_state_ug`` and
    ``steady_zone``: where it settles. ``start_zone`` and ``message`` in words.
    """

    start_ug: float
    start_zone: str
    steady_state_ug: float
    steady_zone: str
    leaves_replete_days: float | None
    depleted_days: float | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return dict(self._asdict())


def _years_words(days: float) -> str:
    years = days / DAYS_PER_YEAR
    return f"{years:.1f} years" if years >= 1 else f"{days / 30.4:.0f} months"


def store_outlook(
    absorbed_ug_per_day: float,
    initial_store_ug: float = DEFAULT_INITIAL_STORE_UG,
    conditions: object = (),
    k: float | None = None,
) -> StoreOutlook:
    """The store outlook the CLI and the app both show.

    Parameters
    ----------
    absorbed_ug_per_day : float
        Absorbed B12 [µg/day] (an evaluation's ``absorbed_ug_per_day``).
    initial_store_ug : float
        Starting store [µg] (see :func:`initial_store_estimate`).
    conditions : iterable of str
        Conditions, which choose the turnover.
    k : float, optional
        Turnover [1/day], overriding the one from ``conditions``.

    Returns
    -------
    StoreOutlook
        The zones: replete ≥ 1,000 µg (what the requirement maintains), low, depleted
        < 300 µg [IOM p.328, p.331]; when the store leaves "replete" and when it is
        depleted, or where it settles. A steady state between 300 and 1,000 µg is called
        low, not "never depleted".
    """
    a = _number(absorbed_ug_per_day, "absorbed_ug_per_day", 0, 1e6)
    s0 = _number(initial_store_ug, "initial_store_ug", 0, MAX_STORE_UG)
    kk = _k(k, conditions)
    leave = days_to_depletion(a, s0, conditions, threshold_ug=REPLETE_STORE_UG, k=kk)
    dep = days_to_depletion(a, s0, conditions, threshold_ug=DEPLETION_THRESHOLD_UG, k=kk)
    ss = dep.steady_state_ug
    start_zone, steady_zone = store_zone(s0), store_zone(ss)
    parts = [f"Starting at {s0:,.0f} µg ({start_zone})"]
    if start_zone == "replete" and leave.days is not None:
        parts.append(f"the store leaves the replete zone after {_years_words(leave.days)}")
    if dep.days is not None and dep.days > 0:
        parts.append(f"it is depleted (below {DEPLETION_THRESHOLD_UG:,.0f} µg) after "
                     f"{_years_words(dep.days)}")
    elif dep.days == 0.0:
        parts.append(f"it is already below {DEPLETION_THRESHOLD_UG:,.0f} µg")
    parts.append(f"at this intake it settles near {ss:,.0f} µg: {steady_zone}")
    msg = "; ".join(parts) + "."
    return StoreOutlook(s0, start_zone, ss, steady_zone, leave.days, dep.days, msg)


__all__ = [
    "ADULT_AGE_YEARS",
    "NO_CHILD_OUTLOOK",
    "store_outlook_applies",
    "DEPLETION_THRESHOLD_UG",
    "OUTLOOK_YEARS",
    "REPLETE_STORE_UG",
    "STORE_ZONES",
    "StoreOutlook",
    "initial_store_estimate",
    "store_outlook",
    "store_zone",
    "TURNOVER_PER_DAY",
    "Depletion",
    "days_to_depletion",
    "project_stores",
    "store_turnover",
]
