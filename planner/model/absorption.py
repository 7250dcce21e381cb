"""How much vitamin B12 a person absorbs from each intake: pure, numpy-vectorised.

An *intake* (a dose) is everything eaten or taken at one clock time. Each dose has a
food-bound part (B12 naturally in food) and a crystalline part (B12 added to fortified
foods, and supplements). The model, its calibration and its limits are explained for a
dietitian in ``docs/model.md``.

Crystalline B12, dose ``C`` [µg], taken alone
    ``Amax·C/(Km + C) + p·C``: saturable IF-mediated uptake plus ≈1 % passive diffusion.
    Amax = 1.16 µg, Km = 1.11 µg, p = 0.01, the project's fit to Adams 1971 as quoted by
    the IOM (≈50–56 % of 1 µg, 20 % of 5 µg, just over 5 % of 25 µg) [IOM p.308].
Food-bound B12, dose ``F`` [µg], eaten alone
    50 % up to 2 µg per dose (the IOM's assumption for usual amounts [IOM p.309], and
    the middle of the per-meal IF saturation range 1.5–2.5 µg [IOM p.309] /
    1.5–2.0 µg [WATANABE-07]); above it a power-law tail ``1.0·(F/2)^b`` with ``b``
    fitted so a 38 µg liver meal gives the 4.1 µg the IOM reports [IOM p.309]
    (b ≈ 0.479). The Doets 2013 meta-regression [DOETS-13] is kept for comparison
    (:func:`doets_food_bound`).
Sharing the IF capacity within one dose
    Food-bound absorption is taken as measured on whole meals (it already includes the
    meal's own competition). Food-bound B12 in the same dose holds back the crystalline
    B12: its IF-mediated part is ``Amax·h/(1 + F·h/K)`` with ``h = C/(Km + C)`` and
    ``K = Amax/50 %`` (so adding food B12 never lowers what a meal absorbs).
Doses close in time: gradual recovery of the IF receptors
    After an intake the IF pathway recovers over 4–6 h: a second dose 4–6 h after the
    first is absorbed as well as the first (Heyssel 1966) [IOM p.308]. The model gives
    each earlier dose an *occupancy* ``w(Δt) = (1 + cos(π·Δt/6 h))/2`` (1 at the same
    minute, 0.25 after 4 h, 0 from 6 h on): a dose absorbs the *increment* of the
    saturable curves over the load still occupying the receptors,
    ``A(L + d) − A(L)`` with ``L = Σ w·(earlier doses)``. Doses at the same minute are
    exactly one meal; doses 6 h or more apart are independent; in between, absorption
    changes smoothly with the time (no cliff edge) and never falls when doses are moved
    further apart. See :func:`absorbed_doses`.

References
----------
.. [IOM] Institute of Medicine (1998). DRIs ... Vitamin B12, ch. 9, pp. 306–342.
.. [DOETS-13] Doets et al. (2013). Ann Nutr Metab 62:311.
.. [WATANABE-07] Watanabe (2007). Exp Biol Med 232:1266.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from planner.errors import InputError

# -- model constants (source tag beside each) -------------------------------------------
AMAX_UG = 1.16  # IF-mediated ceiling per dose event [µg]; fit to Adams 1971 [IOM p.308]
KM_UG = 1.11  # half-saturation dose [µg]; same fit [IOM p.308]
PASSIVE_FRACTION = 0.010  # passive diffusion, ≈1 % of any crystalline dose [IOM p.308]
FOOD_FRACTION = 0.50  # food-bound B12 absorbed at usual amounts [IOM p.309]
#: Per-event food B12 where IF saturates [µg]: 1.5–2.5 [IOM p.309]; 1.5–2.0 [WATANABE-07].
FOOD_KNEE_UG = 2.0  # middle of the overlap of both ranges [IOM p.309] [WATANABE-07]
LIVER_DOSE_UG = 38.0  # liver paste meal [µg] [IOM p.309]
LIVER_ABSORBED_UG = 4.1  # mean absorbed from it [µg] (11 %) [IOM p.309]
#: Exponent of the food-bound tail above the knee, fitted through the liver anchor [IOM p.309].
FOOD_TAIL_EXPONENT = math.log(LIVER_ABSORBED_UG / (FOOD_FRACTION * FOOD_KNEE_UG)) / math.log(
    LIVER_DOSE_UG / FOOD_KNEE_UG
)
#: How strongly a dose's food-bound B12 holds back its crystalline B12 at the IF receptors:
#: crystalline IF uptake ``Amax·h/(1 + F·h/K)`` with ``h = C/(Km + C)``. K = Amax ÷ 50 %
#: [IOM p.308, p.309] is the smallest value for which adding food-bound B12 (absorbed at
#: 50 %) never lowers what a meal absorbs; derived, not fitted.
FOOD_COMPETITION_UG = AMAX_UG / FOOD_FRACTION
DOETS_LN_INTERCEPT = -0.9614  # ln(A) = 0.7694·ln(D) − 0.9614, food meals [DOETS-13]
DOETS_SLOPE = 0.7694  # [DOETS-13]
#: Legacy grouping window of :func:`assign_dose_events` [min]: a second dose 4–6 h after
#: the first is absorbed as well (Heyssel 1966) [IOM p.308]; the lower end.
EVENT_WINDOW_MIN = 240
#: After an intake the IF pathway has fully recovered 4–6 h later (Heyssel 1966)
#: [IOM p.308]; the model's occupancy falls smoothly to 0 at the upper end, 6 h.
IF_RECOVERY_MIN = 360
LOW_ACID_FOOD_CAP = 0.12  # food-bound ceiling: normal is >12 % (Miller 1992) [IOM p.320]
#: Model assumption (−15 % IF uptake), scaled to metformin's −19 % serum B12 [DEJAGER-10].
METFORMIN_IF_FACTOR = 0.85  # [DEJAGER-10] [MHRA-22]

#: Passive absorption of a crystalline dose taken *with food* by someone without intrinsic
#: factor: "≤ 0.5 %" (IOM Table 9-2, pernicious anaemia, high dose with food; Berlin 1968)
#: [IOM p.310]. Taken alone (with water) it is ≈1 % [IOM p.308].
NO_IF_PASSIVE_WITH_FOOD = 0.005
#: Absorbed B12 that maintains people without intrinsic factor: 1.5 µg/day given
#: intramuscularly maintains pernicious-anaemia patients (IOM DRI Box 9-2) [IOM p.328].
NO_IF_MAINTENANCE_ABSORBED_UG = 1.5
#: Oral treatment without intrinsic factor: 1000–2000 µg/day [KUZMINSKI-98] [CHAN-16].
NO_IF_ORAL_UG_PER_DAY = (1000.0, 2000.0)
#: After bariatric surgery: 350–500 µg/day by mouth, or 1000 µg/month IM/SC [ASMBS].
BARIATRIC_ORAL_UG_PER_DAY = (350.0, 500.0)
BARIATRIC_INJECTION_UG_PER_MONTH = 1000.0  # [ASMBS]
#: Acid reducers: deficiency risk was raised after ≥ 2 years of supply (Lam 2013)
#: [LAM-13]: odds ratio 1.65 for PPIs, 1.25 for H2-receptor antagonists.
ACID_REDUCER_LONG_TERM_YEARS = 2.0  # [LAM-13]
PPI_DEFICIENCY_ODDS_RATIO = 1.65  # ≥ 2 years of PPI supply [LAM-13]
H2RA_DEFICIENCY_ODDS_RATIO = 1.25  # ≥ 2 years of H2RA supply [LAM-13]

#: Published crystalline (free cyanocobalamin, single oral dose) points: dose [µg], lowest
#: and highest fraction absorbed consistent with the source, source, and whether the
#: curve is fitted to it. Points marked not fitted are listed with the reason in
#: ``docs/model.md`` (they contradict the fitted Adams 1971 points; see there).
CRYSTALLINE_ANCHORS: tuple[tuple[float, float, float, str, bool], ...] = (
    (1.0, 0.50, 0.56, "[IOM p.308] ≈50 % (Adams 1971); [ODS-2012] ≈56 %", True),
    (5.0, 0.19, 0.21, "[IOM p.308] 20 % (Adams 1971)", True),
    (10.0, 0.155, 0.165, "≈16 % at 10 µg, the basis of the Vegan Society's '10 µg a day' "
     "[VEGSOC] [VH-EXPL]; secondary, no primary figure found", False),
    (25.0, 0.050, 0.056, "[IOM p.308] just over 5 % (Adams 1971)", True),
    (500.0, 0.010, 0.013, "[IOM p.308] passive ≈1 %", True),
    (500.0, 0.019, 0.021, "≈2 % at 500 µg (review table) [VEGFAQS]; secondary", False),
    (1000.0, 0.010, 0.013, "[VEGFAQS] ≈1.3 %; [IOM p.308] ≈1 %", True),
    (2000.0, 0.010, 0.013, "[VH-OLD] ≈1 % of 200–2000 µg", True),
)
#: Food-bound anchor points: dose per meal [µg], lowest and highest fraction, source.
FOOD_ANCHORS: tuple[tuple[float, float, float, str], ...] = (
    (0.8, 0.45, 0.55, "[IOM p.309] ≈50 % at usual amounts (RDA over 3 meals)"),
    (1.5, 0.45, 0.55, "[IOM p.309] ≈50 % at usual amounts"),
    (38.0, 0.105, 0.11, "[IOM p.309] liver 38 µg: 4.1 µg (11 %)"),
)


@dataclass(frozen=True)
class AbsorptionParams:
    """Per-person absorption parameters (conditions change them).

    Attributes
    ----------
    if_factor : float
        Multiplier on IF-mediated uptake, both food-bound and crystalline (1 normal,
        0.85 on metformin, 0 without IF).
    food_cap_fraction : float
        Ceiling on the fraction of food-bound B12 absorbed (1 = no ceiling;
        0.12 with atrophic gastritis [IOM p.320]).
    passive_fraction : float
        Fraction of crystalline B12 absorbed by passive diffusion when taken alone
        [IOM p.308].
    passive_fraction_with_food : float
        The same when taken with food: 0.5 % without IF (IOM Table 9-2 [IOM p.310]);
        otherwise equal to ``passive_fraction`` (the normal-function cell of that table
        is unconfirmed, so it is not used).
    """

    if_factor: float = 1.0
    food_cap_fraction: float = 1.0
    passive_fraction: float = PASSIVE_FRACTION
    passive_fraction_with_food: float = PASSIVE_FRACTION


NORMAL = AbsorptionParams()


@dataclass(frozen=True)
class ConditionEffect:
    """What one condition does to the model, and what to tell the person.

    ``turnover`` names a store-turnover rate in :data:`planner.model.stores.TURNOVER_PER_DAY`.
    ``needs_clinician``: the verdict is ``needs_clinician`` whatever the intake.
    """

    label: str
    if_factor: float = 1.0
    food_cap_fraction: float = 1.0
    turnover: str = "normal"
    severity: str = "info"
    message: str = ""
    source: str = ""
    needs_clinician: bool = False


_NO_IF = (
    "without intrinsic factor only passive diffusion works: about 1 % of a dose taken "
    "alone, 0.5 % or less with food, so food and ordinary fortified foods cannot keep up. "
)

#: Condition vocabulary → model parameters and the one message shown for it. One table,
#: no if-chains; the messages do not repeat or contradict each other.
CONDITIONS: dict[str, ConditionEffect] = {
    "metformin": ConditionEffect(
        "Metformin", if_factor=METFORMIN_IF_FACTOR, severity="warning",
        message="Metformin lowers B12 levels (low B12 is a common side effect, up to 1 in 10 "
        "users; more likely with higher doses and longer use). Ask about a B12 test, "
        "especially with symptoms; keep taking metformin. The model lowers IF-mediated "
        "uptake by 15 % (an assumption, not a measured figure).",
        source="[MHRA-22] [DEJAGER-10]"),
    "ppi": ConditionEffect(
        "Proton-pump inhibitor", severity="info",
        message="Proton-pump inhibitors can reduce the absorption of B12 in food over years "
        "of use (after 2 years or more: odds of deficiency 1.65×); B12 in fortified foods "
        "and supplements is still absorbed. The model does not change absorption for it: "
        "no study gives an absorption figure by years of use.",
        source="[LAM-13] [IOM p.342]"),
    "h2_blocker": ConditionEffect(
        "H2 blocker", severity="info",
        message="H2 blockers can reduce the absorption of B12 in food over years of use "
        "(after 2 years or more: odds of deficiency 1.25×); B12 in fortified foods and "
        "supplements is still absorbed. The model does not change absorption for it: no "
        "study gives an absorption figure by years of use.",
        source="[LAM-13] [IOM p.342]"),
    "atrophic_gastritis": ConditionEffect(
        "Atrophic gastritis", food_cap_fraction=LOW_ACID_FOOD_CAP,
        turnover="atrophic_gastritis", severity="warning",
        message="Atrophic gastritis reduces absorption of B12 in food; crystalline B12 "
        "(fortified foods, supplements) is absorbed normally, so get most B12 from them. "
        "The model caps food-bound absorption at 12 %.",
        source="[IOM p.342] [BAIK-99] [IOM p.320]"),
    "pernicious_anemia": ConditionEffect(
        "Pernicious anaemia (autoimmune gastritis)", if_factor=0.0,
        turnover="no_biliary_reabsorption", severity="urgent", needs_clinician=True,
        message="Pernicious anaemia (autoimmune gastritis): " + _NO_IF + "Treatment is "
        "under a clinician: 1000–2000 µg by mouth every day, or injections.",
        source="[IOM p.342] [IOM p.310] [KUZMINSKI-98] [CHAN-16]"),
    "bariatric_surgery": ConditionEffect(
        "Bariatric surgery", if_factor=0.0, turnover="no_biliary_reabsorption",
        severity="urgent", needs_clinician=True,
        message="After bariatric surgery B12 follows the regimen your surgical team "
        "prescribes: usually 350–500 µg by mouth every day, or 1000 µg a month by "
        "injection (ASMBS), with regular blood tests. The model assumes no intrinsic-factor "
        "uptake (as after gastric bypass), so food and ordinary fortified foods count for "
        "little.",
        source="[ASMBS] [IOM p.342] [MAJUMDER-13]"),
    "ileal_resection": ConditionEffect(
        "Ileal resection", if_factor=0.0, turnover="no_biliary_reabsorption",
        severity="urgent", needs_clinician=True,
        message="Ileal resection (the model assumes enough ileum is removed, ≥60 cm, to "
        "lose IF-mediated uptake): " + _NO_IF + "Treatment is under a clinician: "
        "1000–2000 µg by mouth every day, or injections.",
        source="[IOM p.342] [ILEAL-06] [KUZMINSKI-98]"),
    "nitrous_oxide": ConditionEffect(
        "Nitrous oxide exposure", severity="urgent", needs_clinician=True,
        message="Nitrous oxide inactivates B12 in the body; eating or taking more B12 "
        "cannot compensate. Seek medical care now, especially with numbness, tingling or "
        "unsteadiness (serum B12 can look normal).",
        source="[N2O]"),
}

#: Other names accepted for a condition (NICE NG239 says "autoimmune gastritis").
CONDITION_ALIASES: dict[str, str] = {
    "autoimmune_gastritis": "pernicious_anemia",
    "pernicious_anaemia": "pernicious_anemia",
    "h2ra": "h2_blocker",
    "proton_pump_inhibitor": "ppi",
}


def clinician_conditions(conditions: object) -> tuple[str, ...]:
    """The conditions (normalised) whose verdict is ``needs_clinician``."""
    return tuple(c for c in normalise_conditions(conditions) if CONDITIONS[c].needs_clinician)


def normalise_conditions(conditions: object) -> tuple[str, ...]:
    """Conditions as a sorted tuple of vocabulary names.

    Accepts ``None``, one name, or an iterable of names (case and spaces ignored;
    ``pernicious_anaemia`` and ``h2 blocker`` are understood).

    Raises
    ------
    InputError
        Naming the field ``conditions`` and listing the vocabulary.
    """
    if conditions is None:
        return ()
    if isinstance(conditions, str):
        items: Iterable[object] = [conditions] if conditions.strip() else []
    elif isinstance(conditions, Iterable):
        items = conditions
    else:
        raise InputError(
            f"conditions must be a list of names, not {type(conditions).__name__}; "
            f"use any of {', '.join(CONDITIONS)}."
        )
    out = set()
    for c in items:
        key = str(c).strip().lower().replace(" ", "_").replace("-", "_")
        key = CONDITION_ALIASES.get(key, key.replace("anaemia", "anemia"))
        if key not in CONDITIONS:
            raise InputError(
                f"conditions: {c!r} is not a known condition; use any of "
                f"{', '.join(CONDITIONS)}."
            )
        out.add(key)
    return tuple(sorted(out))


def params_for(conditions: object = ()) -> AbsorptionParams:
    """Absorption parameters for a set of conditions.

    IF factors multiply; food-bound ceilings take the lowest.

    Parameters
    ----------
    conditions : iterable of str
        Names from :data:`CONDITIONS`.

    Returns
    -------
    AbsorptionParams
    """
    names = normalise_conditions(conditions)
    effects = [CONDITIONS[c] for c in names]
    if_factor = float(np.prod([e.if_factor for e in effects])) if effects else 1.0
    return AbsorptionParams(
        if_factor=if_factor,
        food_cap_fraction=min([e.food_cap_fraction for e in effects], default=1.0),
        # without IF a crystalline dose with food is absorbed ≤ 0.5 % [IOM p.310]
        passive_fraction_with_food=NO_IF_PASSIVE_WITH_FOOD if if_factor == 0.0
        else PASSIVE_FRACTION,
    )


# -- dose-response curves ---------------------------------------------------------------
def _doses(x: object, name: str) -> np.ndarray:
    try:
        a = np.asarray(x, dtype="float64")
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number or an array of numbers [µg].") from exc
    if np.isnan(a).any() or (a < 0).any() or np.isinf(a).any():
        raise InputError(f"{name} must be finite and not negative [µg].")
    return a


def _out(a: np.ndarray) -> np.ndarray | float:
    return float(a) if a.ndim == 0 else a


def _check_params(params: object) -> AbsorptionParams:
    if params is None:
        return NORMAL
    if not isinstance(params, AbsorptionParams):
        raise InputError("params must be an AbsorptionParams (see planner.params_for).")
    return params


def absorbed_crystalline(dose_ug, params: AbsorptionParams | None = None):
    """Crystalline B12 absorbed from single doses taken alone.

    Parameters
    ----------
    dose_ug : float or array_like
        Crystalline B12 in one dose event [µg] (supplement, added B12 in fortified food).
    params : AbsorptionParams, optional
        Default: normal absorption.

    Returns
    -------
    float or numpy.ndarray
        Absorbed [µg]: ``if_factor·Amax·D/(Km + D) + p·D``.

    References
    ----------
    Adams 1971 as quoted in [IOM p.308]; passive ≈1 % [IOM p.308].
    """
    p = _check_params(params)
    d = _doses(dose_ug, "dose_ug")
    return _out(p.if_factor * AMAX_UG * d / (KM_UG + d) + p.passive_fraction * d)


def _food_curve(d: np.ndarray) -> np.ndarray:
    base = FOOD_FRACTION * FOOD_KNEE_UG
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = base * np.power(np.maximum(d, FOOD_KNEE_UG) / FOOD_KNEE_UG, FOOD_TAIL_EXPONENT)
    return np.where(d <= FOOD_KNEE_UG, FOOD_FRACTION * d, tail)


def absorbed_food_bound(dose_ug, params: AbsorptionParams | None = None):
    """Food-bound B12 absorbed from single meals (dose events) with no crystalline B12.

    Parameters
    ----------
    dose_ug : float or array_like
        Food-bound B12 in one dose event [µg].
    params : AbsorptionParams, optional
        Default: normal absorption.

    Returns
    -------
    float or numpy.ndarray
        Absorbed [µg]: 50 % up to 2 µg, then ``1.0·(D/2)^0.479`` (through the 38 µg
        liver meal → 4.1 µg), times ``if_factor``, at most ``food_cap_fraction·D``.

    References
    ----------
    [IOM p.309] 50 %, saturation at 1.5–2.5 µg/meal, liver 38 µg → 4.1 µg;
    [WATANABE-07] 1.5–2.0 µg/meal; low-acid ceiling 12 % (Miller 1992) [IOM p.320].
    """
    p = _check_params(params)
    d = _doses(dose_ug, "dose_ug")
    return _out(np.minimum(p.if_factor * _food_curve(d), p.food_cap_fraction * d))


def doets_food_bound(dose_ug):
    """The Doets 2013 meta-regression for food, for comparison only.

    Returns
    -------
    float or numpy.ndarray
        Absorbed [µg] = ``exp(−0.9614)·D^0.7694``.

    References
    ----------
    [DOETS-13] Doets et al. 2013, Ann Nutr Metab 62:311.
    """
    d = _doses(dose_ug, "dose_ug")
    return _out(math.exp(DOETS_LN_INTERCEPT) * np.power(d, DOETS_SLOPE))


def absorbed_event_parts(food_bound_ug, crystalline_ug, params: AbsorptionParams | None = None):
    """Absorbed B12 from dose events, split into the food-bound and crystalline parts.

    Parameters
    ----------
    food_bound_ug, crystalline_ug : float or array_like
        B12 in each event [µg]; broadcast together.
    params : AbsorptionParams, optional

    Returns
    -------
    (food_part, crystalline_part) : tuple of float or numpy.ndarray
        Absorbed [µg]. ``food_part`` is :func:`absorbed_food_bound` of the event's
        food-bound B12; ``crystalline_part`` is
        ``if_factor·Amax·h/(1 + F·h/K) + p·C`` with ``h = C/(Km + C)``: the event's
        food-bound B12 holds back crystalline B12 at the IF receptors (see
        ``docs/model.md``); ``p`` is the passive fraction with food when ``F > 0``
        (0.5 % without IF [IOM p.310]).
    """
    p = _check_params(params)
    f = _doses(food_bound_ug, "food_bound_ug")
    c = _doses(crystalline_ug, "crystalline_ug")
    f, c = np.broadcast_arrays(f, c)
    food = np.minimum(p.if_factor * _food_curve(f), p.food_cap_fraction * f)
    passive = np.where(f > 0, p.passive_fraction_with_food, p.passive_fraction)
    cryst = p.if_factor * AMAX_UG * _if_crystalline(c, f * _released(p)) + passive * c
    return _out(food), _out(cryst)


def absorbed_event(food_bound_ug, crystalline_ug, params: AbsorptionParams | None = None):
    """Total B12 absorbed from dose events with a food-bound and a crystalline part.

    Parameters
    ----------
    food_bound_ug, crystalline_ug : float or array_like
        B12 in each event [µg].
    params : AbsorptionParams, optional

    Returns
    -------
    float or numpy.ndarray
        Absorbed [µg]; the sum of :func:`absorbed_event_parts`.

    References
    ----------
    [IOM p.308], [IOM p.309], [IOM p.320], [WATANABE-07]; see ``docs/model.md``.
    """
    food, cryst = absorbed_event_parts(food_bound_ug, crystalline_ug, params)
    return _out(np.asarray(food) + np.asarray(cryst))


# -- doses close in time: gradual IF recovery -------------------------------------------
def if_occupancy(minutes_apart):
    """Share of an earlier dose's load still occupying the IF receptors.

    Parameters
    ----------
    minutes_apart : float or array_like
        Time since the earlier dose [min] (≥ 0).

    Returns
    -------
    float or numpy.ndarray
        ``(1 + cos(π·Δt/360))/2`` for Δt < 360 min, else 0: 1 at the same minute,
        0.75 after 2 h, 0.25 after 4 h, 0 from 6 h on. Smooth, so a dose moved by a few
        minutes changes absorption by a few minutes' worth.

    References
    ----------
    A second dose 4–6 h after the first is absorbed as well as the first (Heyssel 1966)
    [IOM p.308]: recovery is complete at the upper end, 6 h (:data:`IF_RECOVERY_MIN`).
    """
    x = np.clip(np.asarray(minutes_apart, dtype="float64") / IF_RECOVERY_MIN, 0.0, 1.0)
    return _out(0.5 * (1.0 + np.cos(np.pi * x)))


@dataclass(frozen=True)
class DoseLoads:
    """What the doses around each dose leave on the IF receptors (see :func:`dose_loads`).

    Attributes
    ----------
    food_before, crystalline_before : numpy.ndarray
        ``Σ w·F`` and ``Σ w·C`` over earlier doses of the same group [µg].
    food_after : numpy.ndarray
        ``Σ w·F`` over later doses [µg] (food B12 released later competes for the same
        receptors while a crystalline dose is still being taken up).
    near_food : numpy.ndarray
        0–1: 1 when the dose itself contains food, else the largest occupancy of a dose
        with food around it (used for the passive fraction "with food").
    """

    food_before: np.ndarray
    crystalline_before: np.ndarray
    food_after: np.ndarray
    near_food: np.ndarray


def dose_loads(time_min, food_bound_ug, crystalline_ug, has_food=None,
               group=None) -> DoseLoads:
    """The load each dose finds on the IF receptors from the doses around it.

    Parameters
    ----------
    time_min : array_like
        Time of each dose [min], running across days (``(day − 1)·1440 + minute``).
    food_bound_ug, crystalline_ug : array_like
        B12 in each dose [µg].
    has_food : array_like of bool, optional
        Whether the dose includes food (not only supplements); default: food-bound
        B12 > 0.
    group : array_like, optional
        A person/plan key; doses of different groups never interact.

    Returns
    -------
    DoseLoads
        Arrays in input order.

    Notes
    -----
    Vectorised over doses: after sorting by group and time, each pass pairs every dose
    with the one ``k`` places earlier (``k = 1, 2, …``) and stops at the first ``k`` with
    no pair less than 6 h apart, so the work is linear in the doses times the largest
    number of doses within any 6 h.
    """
    t = np.asarray(time_min, dtype="float64").reshape(-1)
    f = np.asarray(food_bound_ug, dtype="float64").reshape(-1)
    c = np.asarray(crystalline_ug, dtype="float64").reshape(-1)
    n = len(t)
    h = (f > 0) if has_food is None else np.asarray(has_food, dtype=bool).reshape(-1)
    if group is None:
        g = np.zeros(n, dtype="int64")
    else:
        g = np.unique(np.asarray(group), return_inverse=True)[1].astype("int64").reshape(-1)
    order = np.lexsort((t, g))
    ts, gs, fs, cs = t[order], g[order], f[order], c[order]
    hs = h[order].astype("float64")
    fb = np.zeros(n)
    cb = np.zeros(n)
    fa = np.zeros(n)
    near = hs.copy()
    k = 1
    while k < n:
        i = np.arange(k, n)
        j = i - k
        dt = ts[i] - ts[j]
        ok = (gs[i] == gs[j]) & (dt < IF_RECOVERY_MIN)
        if not ok.any():
            break  # sorted: no pair further apart in the list can be closer in time
        i, j = i[ok], j[ok]
        w = np.asarray(if_occupancy(dt[ok]), dtype="float64")
        fb[i] += w * fs[j]  # i (and j) are distinct within one pass
        cb[i] += w * cs[j]
        fa[j] += w * fs[i]
        near[i] = np.maximum(near[i], w * hs[j])
        near[j] = np.maximum(near[j], w * hs[i])
        k += 1
    out = [np.empty(n) for _ in range(4)]
    for dst, src in zip(out, (fb, cb, fa, near), strict=True):
        dst[order] = src
    return DoseLoads(*out)


def _food_part(x: np.ndarray, p: AbsorptionParams) -> np.ndarray:
    return np.minimum(p.if_factor * _food_curve(x), p.food_cap_fraction * x)


def _if_crystalline(c: np.ndarray, f: np.ndarray) -> np.ndarray:
    """IF-mediated share of the ceiling for crystalline ``c`` beside food-bound ``f``:
    ``h/(1 + f·h/K)``, ``h = c/(Km + c)``. Concave in ``c``; its increments fall as ``f``
    grows (so doses further apart never absorb less); ``f = 0`` gives the curve alone."""
    h = c / (KM_UG + c)
    return h / (1.0 + f * h / FOOD_COMPETITION_UG)


def _released(p: AbsorptionParams) -> float:
    """Share of food-bound B12 freed from food protein and so competing for IF: all of it
    normally; with a food-bound ceiling (low stomach acid, which is what keeps it bound
    [IOM p.342]) the ceiling's share of the usual 50 %, so a dose's food can never lower
    what the dose absorbs."""
    return min(1.0, p.food_cap_fraction / FOOD_FRACTION)


def absorbed_from_loads(food_bound_ug, crystalline_ug, loads: DoseLoads,
                        params: AbsorptionParams | None = None):
    """Absorbed food-bound and crystalline B12 of each dose, given its loads.

    Food-bound: ``Φ(Fb + F) − Φ(Fb)`` with ``Φ`` the food-bound curve (with its
    ceiling). Crystalline: ``if·Amax·[G(Cb + C, F*) − G(Cb, F*)] + p·C`` with
    ``G(C, F) = h/(1 + F·h/K)``, ``h = C/(Km + C)``, ``F*`` the (released) food-bound
    load around the dose and ``p`` between the passive fraction alone and with food, by
    ``near_food``. A dose alone reproduces :func:`absorbed_event_parts` exactly.
    """
    p = _check_params(params)
    f = np.asarray(food_bound_ug, dtype="float64")
    c = np.asarray(crystalline_ug, dtype="float64")
    fb, cb = loads.food_before, loads.crystalline_before
    food = _food_part(fb + f, p) - _food_part(fb, p)
    f_star = (f + fb + loads.food_after) * _released(p)
    passive = p.passive_fraction + (p.passive_fraction_with_food - p.passive_fraction) \
        * loads.near_food
    cryst = p.if_factor * AMAX_UG * (_if_crystalline(cb + c, f_star)
                                      - _if_crystalline(cb, f_star)) + passive * c
    return np.maximum(food, 0.0), np.maximum(cryst, 0.0)


def absorbed_doses(time_min, food_bound_ug, crystalline_ug,
                   params: AbsorptionParams | None = None, has_food=None, group=None):
    """Absorbed B12 of each dose, with the gradual IF recovery between doses.

    Parameters
    ----------
    time_min : array_like
        Time of each dose [min] across days (``(day − 1)·1440 + minute``).
    food_bound_ug, crystalline_ug : array_like
        B12 in each dose [µg].
    params : AbsorptionParams, optional
    has_food : array_like of bool, optional
        Doses that include food (default: food-bound B12 > 0).
    group : array_like, optional
        A person/plan key; doses of different groups never interact.

    Returns
    -------
    (food_part, crystalline_part) : tuple of numpy.ndarray
        Absorbed [µg] per dose, input order.

    References
    ----------
    [IOM p.308] (Heyssel 1966: full recovery 4–6 h), [IOM p.309], [IOM p.310],
    [IOM p.320]; see ``docs/model.md`` §2.
    """
    p = _check_params(params)
    f = _doses(food_bound_ug, "food_bound_ug").reshape(-1)
    c = _doses(crystalline_ug, "crystalline_ug").reshape(-1)
    loads = dose_loads(time_min, f, c, has_food=has_food, group=group)
    return absorbed_from_loads(f, c, loads, p)


# -- legacy fixed-window grouping (no longer used by evaluate or suggest) ----------------
def minutes_of_day(times) -> np.ndarray:
    """Minutes after midnight for "HH:MM" strings (vectorised over the distinct values)."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(times, dtype=object), use_na_sentinel=False)
    parsed = np.empty(len(uniques), dtype="int64")
    for i, t in enumerate(uniques):  # distinct clock times only (≤ 1440)
        try:
            h, m = str(t).split(":")
            parsed[i] = int(h) * 60 + int(m)
        except ValueError as exc:
            raise InputError(f"time {t!r} must be HH:MM (24 h).") from exc
    return parsed[codes]


def assign_dose_events(day, minute, group=None, window_min: float = EVENT_WINDOW_MIN) -> np.ndarray:
    """Group intakes into fixed-window dose events (legacy).

    :func:`planner.model.evaluate` and :func:`planner.evaluate_many` no longer use fixed
    windows (they had a cliff edge at 4 h), nor does :mod:`planner.model.suggest`; they use
    :func:`absorbed_doses`. Kept for callers of the public API.

    An event starts at the first intake and takes in every intake up to ``window_min``
    minutes after that first intake; the next intake after that starts a new event.
    Time runs on across midnight (day × 1440 + minute).

    Parameters
    ----------
    day : array_like of int
        Day of each intake (1-based).
    minute : array_like of int
        Minutes after midnight.
    group : array_like, optional
        A person/plan key; events never span groups (for batch evaluation).
    window_min : float
        Event window [min]; 240 [IOM p.308].

    Returns
    -------
    numpy.ndarray of int64
        Event number of each row (input order), numbered 0, 1, ... in time order
        (groups in sorted order).

    Notes
    -----
    Vectorised: after a stable sort, any gap longer than the window starts an event;
    inside each run of closer intakes, the chain "next event starts at the first intake
    beyond first + window" is followed for all runs at once, so the Python loop runs
    once per event *within the busiest run* (a handful), not once per row.
    """
    day = np.asarray(day, dtype="int64")
    minute = np.asarray(minute, dtype="int64")
    n = len(day)
    if n == 0:
        return np.zeros(0, dtype="int64")
    t = (day - 1) * 1440 + minute
    window = int(math.floor(window_min))
    if group is not None:
        g_codes = np.unique(np.asarray(group), return_inverse=True)[1].astype("int64")
        span = int(t.max() - min(t.min(), 0)) + window + 2
        t = g_codes * span + (t - min(t.min(), 0))
    order = np.argsort(t, kind="stable")
    ts = t[order]
    run_start = np.ones(n, dtype=bool)
    run_start[1:] = np.diff(ts) > window
    nxt = np.searchsorted(ts, ts + window, side="right")
    is_start = run_start.copy()
    cur = nxt[run_start]
    while cur.size:
        cur = cur[cur < n]
        cur = cur[~is_start[cur]]
        is_start[cur] = True
        cur = nxt[cur]
    event_sorted = np.cumsum(is_start) - 1
    out = np.empty(n, dtype="int64")
    out[order] = event_sorted
    return out


__all__ = [
    "AMAX_UG",
    "CONDITIONS",
    "EVENT_WINDOW_MIN",
    "IF_RECOVERY_MIN",
    "AbsorptionParams",
    "ConditionEffect",
    "DoseLoads",
    "absorbed_doses",
    "absorbed_from_loads",
    "clinician_conditions",
    "dose_loads",
    "if_occupancy",
    "absorbed_crystalline",
    "absorbed_event",
    "absorbed_event_parts",
    "absorbed_food_bound",
    "assign_dose_events",
    "doets_food_bound",
    "minutes_of_day",
    "normalise_conditions",
    "params_for",
]
