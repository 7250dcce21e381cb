"""Evaluate a meal plan: B12 absorbed, meal by meal, against the person's recommendation.

:func:`evaluate` validates the plan (:func:`planner.model.plan.validate_plan`), looks up each
food's B12, splits it into food-bound and crystalline (added) B12, groups rows taken at
the same clock time into doses, applies the absorption model with the gradual recovery
of the IF receptors between doses (:func:`planner.model.absorption.absorbed_doses`), shares
each dose's absorbed amount back to its items, averages over the span
(:func:`plan_span`) and gives the verdict (:mod:`planner.model.verdicts`) against the lines of
:func:`planner.model.recommendations.recommended_intake`. Everything after validation is
vectorised (numpy/pandas), so time grows linearly with the rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import InputError, shorten
from planner.formats import flag as _flag
from planner.model.absorption import (
    BARIATRIC_ORAL_UG_PER_DAY,
    CONDITIONS,
    NO_IF_MAINTENANCE_ABSORBED_UG,
    NO_IF_ORAL_UG_PER_DAY,
    AbsorptionParams,
    absorbed_crystalline,
    absorbed_doses,
    minutes_of_day,
)
from planner.model.foods import FoodTable
from planner.model.plan import MAX_DAY, validate_plan
from planner.model.profile import Profile
from planner.model.recommendations import Recommendation, recommended_intake
from planner.model.summary import EvaluationSummary
from planner.model.symptoms import (
    OLDER_RISK_AGE_YEARS,
    SymptomAssessment,
    unasked_risk_factors,
)
from planner.model.verdicts import LINE_TOLERANCE_UG, Verdict, decide
from planner.schema import DIET_ORDER, SUPPLEMENT_PREFIX

EVM_GUIDANCE_UG = 2000.0  # UK EVM (2003) guidance level from supplements [µg/day] [EVM-SANO]
#: Source tags of :data:`EVM_GUIDANCE_UG`: the figure as quoted, and the report itself.
EVM_SOURCE = "[EVM-SANO] [EVM-03]"
#: Over 50, "meet the RDA mainly" from fortified food or supplements [IOM p.306]: the
#: warning fires when less than half of the absorbed B12 is crystalline.
OLDER_ADULT_CRYSTALLINE_SHARE = 0.5


@dataclass
class Evaluation:
    """The result of :func:`evaluate`.

    Attributes
    ----------
    items : pandas.DataFrame
        One row per plan row, in plan order: ``row`` (1-based), ``day``, ``meal``,
        ``time``, ``food_id``, ``description``, ``grams``, ``dose_ug``, ``supplement``,
        ``b12_listed_ug`` (what the table gives for the amount; NaN when unknown),
        ``ingested_ug`` (counted), ``fortified_ug`` (crystalline), ``food_bound_ug``,
        ``absorbed_ug``, ``absorbed_fortified_ug``, ``absorbed_food_bound_ug``,
        ``unknown``, ``unreliable``, ``note``, ``diet`` (the food's class, see
        :data:`planner.schema.DIET_ORDER`), ``diet_verified``, ``event``. All amounts
        [µg].
    events : pandas.DataFrame
        One row per dose (the rows at one clock time) in time order: ``event``, ``day``,
        ``time``, ``meal``, ``n_items``, ``food_bound_ug``, ``crystalline_ug``,
        ``ingested_ug``, ``absorbed_food_bound_ug``, ``absorbed_crystalline_ug``,
        ``absorbed_ug``, ``absorbed_fraction``.
    days : pandas.DataFrame
        One row per day of the span (days without rows are zero): ``day``, ``n_items``,
        ``n_events``, ``ingested_ug``, ``fortified_ug``, ``food_bound_ug``,
        ``supplement_ug``, ``absorbed_ug``.
    summary : EvaluationSummary
        Daily averages over the span and the verdict, typed
        (:class:`planner.model.summary.EvaluationSummary`) and readable like a dict
        (``summary["verdict"]``); see :func:`evaluate`.
    profile : Profile
    recommendation : Recommendation
    """

    items: pd.DataFrame
    events: pd.DataFrame
    days: pd.DataFrame
    summary: EvaluationSummary
    profile: Profile
    recommendation: Recommendation


def plan_span(plan_days: object, days: object = None) -> tuple[int, int, int]:
    """The one span rule: what a plan is averaged over.

    Parameters
    ----------
    plan_days : array_like of int
        The plan's day numbers (any order; empty for an empty plan).
    days : int, optional
        Days to average over; default first to last plan day.

    Returns
    -------
    (first_day, last_day, n_days) : tuple of int
        The span runs from the first plan day over ``n_days`` days
        (``last_day = first_day + n_days − 1``). Days inside it without entries count as
        days without B12 (listed in an evaluation's ``summary["empty_days"]``).

    Raises
    ------
    InputError
        ``days`` is not a whole number ≥ 1, or is shorter than the plan.
    """
    d = np.asarray(plan_days, dtype="int64").reshape(-1)
    first = int(d.min()) if len(d) else 1
    last = int(d.max()) if len(d) else 1
    n = _span(first, last, days)
    return first, first + n - 1, n


def _span(first: int, last: int, days: object) -> int:
    need = last - first + 1
    if days is None:
        return need
    if isinstance(days, bool):
        raise InputError(f"days must be a whole number of days, not {days!r}.")
    try:
        d = float(days)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"days must be a whole number of days, not {shorten(days)}.") from None
    if not math.isfinite(d) or d != int(d) or not 1 <= d <= MAX_DAY:
        raise InputError(f"days must be a whole number of days from 1 to {MAX_DAY} (ten "
                         f"years, the longest plan), not {shorten(days)}.")
    if int(d) < need:
        raise InputError(
            f"days={int(d)} is shorter than the plan, which runs over {need} days "
            f"(day {first} to day {last}); give at least {need}."
        )
    return int(d)


def split_b12(
    supplement: np.ndarray,
    grams: np.ndarray,
    dose_ug: np.ndarray,
    b12_per_100g: np.ndarray,
    fortified_per_100g: np.ndarray,
    reliable: np.ndarray,
) -> dict[str, np.ndarray]:
    """Listed, counted, crystalline and food-bound B12 per row (vectorised).

    Parameters
    ----------
    supplement : numpy.ndarray of bool
        Supplement rows (their B12 is ``dose_ug``, all crystalline).
    grams : numpy.ndarray
        Amount of food [g]; ignored on supplement rows.
    dose_ug : numpy.ndarray
        Supplement dose [µg]; ignored on food rows.
    b12_per_100g, fortified_per_100g : numpy.ndarray
        The food's B12 and its crystalline (fortified) part [µg/100 g]; NaN = unknown.
    reliable : numpy.ndarray of bool
        False for sources whose B12 is not dependable (counted 0).

    Returns
    -------
    dict of numpy.ndarray
        ``listed`` (what the table gives for the amount; NaN unknown), ``ingested``
        (counted), ``fortified`` (crystalline), ``food_bound`` [µg]; ``unknown`` and
        ``unreliable`` masks. Unknown and unreliable rows count 0.
    """
    food = ~supplement
    with np.errstate(invalid="ignore"):
        listed = np.where(food, grams / 100.0 * b12_per_100g, dose_ug)
        fort_ug = np.where(
            food, grams / 100.0 * np.clip(np.nan_to_num(fortified_per_100g), 0, None), dose_ug
        )
    fort_ug = np.minimum(fort_ug, np.nan_to_num(listed))
    unknown = food & np.isnan(b12_per_100g)
    unreliable = food & ~reliable & ~unknown
    counted = ~unknown & ~unreliable
    ingested = np.where(counted, np.nan_to_num(listed), 0.0)
    fortified = np.where(counted, fort_ug, 0.0)
    return {
        "listed": listed,
        "ingested": ingested,
        "fortified": fortified,
        "food_bound": np.clip(ingested - fortified, 0.0, None),
        "unknown": unknown,
        "unreliable": unreliable,
    }


def _b12_per_row(p: pd.DataFrame, foods: FoodTable | None) -> dict[str, np.ndarray]:
    """Look up each plan row's food and split its B12 (see :func:`split_b12`)."""
    n = len(p)
    supp = p["food_id"].str.startswith(SUPPLEMENT_PREFIX).to_numpy(dtype=bool)
    b12 = np.full(n, np.nan)
    fort = np.zeros(n)
    reliable = np.ones(n, dtype=bool)
    note = np.full(n, "", dtype=object)
    diet = np.full(n, DIET_ORDER[0], dtype=object)  # supplements: crystalline, vegan
    verified = np.ones(n, dtype=bool)
    if foods is not None and (~supp).any():
        codes, uniq = pd.factorize(p["food_id"])
        look = foods.df[["b12_ug", "b12_fortified_ug", "b12_reliable", "b12_note", "diet",
                         "diet_verified"]].reindex(pd.Index(uniq, dtype=object))
        b12 = look["b12_ug"].to_numpy(dtype="float64")[codes]
        fort = look["b12_fortified_ug"].to_numpy(dtype="float64")[codes]
        reliable = look["b12_reliable"].fillna(True).to_numpy(dtype=bool)[codes]
        note = look["b12_note"].fillna("").to_numpy(dtype=object)[codes]
        diet = np.where(supp, diet, look["diet"].fillna("").to_numpy(dtype=object)[codes])
        verified = np.where(supp, True,
                            look["diet_verified"].fillna(False).to_numpy(dtype=bool)[codes])
    out = split_b12(supp, p["grams"].to_numpy(dtype="float64"),
                    p["dose_ug"].to_numpy(dtype="float64"), b12, fort, reliable)
    out["supplement"] = supp
    out["note"] = np.where(out["unreliable"], note, "")
    out["diet"] = diet
    out["diet_verified"] = verified
    return out


def _share(part: np.ndarray, total: np.ndarray, absorbed: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, part / total * absorbed, 0.0)


def evaluate(
    plan: pd.DataFrame,
    profile: Profile,
    foods: FoodTable | None = None,
    days: int | None = None,
) -> Evaluation:
    """Evaluate a meal plan's vitamin B12 for one person.

    Parameters
    ----------
    plan : pandas.DataFrame
        At least ``day``, ``meal``, ``food_id`` and ``grams``; optional ``time``
        ("HH:MM"; default per meal: breakfast 08:00, lunch 12:30, snack 16:00, dinner
        19:00). Supplement rows use ``food_id`` ``supplement:<form>`` and ``dose_ug``
        [µg].
    profile : Profile
    foods : FoodTable, optional
        Default: the shipped table (:func:`planner.load_foods`), loaded only when the
        plan has food rows.
    days : int, optional
        Days to average over; default the plan's span, first to last day. Use it when a
        plan lists only part of a longer period (e.g. one weekly supplement row → 7).

    Returns
    -------
    Evaluation
        ``items``, ``events`` and ``days`` tables and a ``summary``
        (:class:`~planner.model.summary.EvaluationSummary`, readable like a dict) with,
        per day over the span [µg/day]: ``intake_ug_per_day`` (counted),
        ``fortified_ug_per_day`` (crystalline, incl. supplements),
        ``food_bound_ug_per_day``, ``supplement_ug_per_day``, ``absorbed_ug_per_day``,
        ``absorbed_fortified_ug_per_day``, ``absorbed_food_bound_ug_per_day``,
        ``uncounted_ug_per_day`` (unreliable sources); the lines
        ``target_intake_ug_per_day`` (RDA/AI/RNI), ``target_absorbed_ug_per_day`` (goal
        line), ``requirement_intake_ug_per_day``, ``requirement_absorbed_ug_per_day``
        (requirement line; None when only an AI is published; the names without
        ``_per_day`` still work in ``summary[...]``); ``verdict`` (a
        :class:`planner.model.verdicts.Verdict` key),
        ``verdict_label``, ``verdict_explanation``, ``status`` (= the label),
        ``adequate`` (verdict meets_goal or adequate), ``meets_target`` (meets_goal);
        ``clinician`` (None, or the absorbed figure beside the usual treatment regimens
        for clinician-managed conditions, and the urgent words for neurological
        symptoms: ``conditions``, ``symptoms``, ``regimens``, ``message``, ``source``);
        ``symptoms`` (:func:`symptom_summary` of the profile's symptoms and risk
        factors: ``level``, ``neurological``, ``messages``, ...);
        ``risk_factors_unasked`` (NICE NG239's risk factors the profile does not know
        yet, :func:`planner.symptoms.unasked_risk_factors`; ask about them);
        ``empty_days`` (days of the span without
        entries); ``first_day``, ``last_day``; ``n_items``, ``n_unknown``,
        ``n_unreliable``, ``n_events`` (doses: distinct clock times), ``days``,
        the recommendation's ``authority``, ``kind``, ``life_stage``,
        ``recommendation_status``; ``absorption`` (the model parameters used) and
        ``flags`` (dicts with ``code``, ``severity``, ``message``, ``source``; the
        symptom flags of :func:`symptom_flags` last).

    Raises
    ------
    InputError
        Bad plan rows (unknown food ids, negative or non-numeric grams, a supplement
        without a dose: the message names each row), a bad ``days``, or no
        recommendation for the profile.

    Notes
    -----
    Unknown B12 (no USDA value) and unreliable sources (``b12_reliable`` False) count
    0 and are flagged. Each dose's absorbed food-bound B12 is shared among its items in
    proportion to their food-bound µg, and its absorbed crystalline B12 in proportion to
    their crystalline µg. Doses close in time share the IF receptors as they recover
    (:func:`planner.model.absorption.absorbed_doses`). See ``docs/model.md``.

    References
    ----------
    [IOM p.306–342]; [DOETS-13]; [VEGSOC]; see ``docs/model.md``.
    """
    if not isinstance(profile, Profile):
        raise InputError(
            f"profile must be a planner.Profile, not {type(profile).__name__}; build one "
            "with Profile(age=..., sex=..., diet=...)."
        )
    if foods is not None and not isinstance(foods, FoodTable):
        raise InputError(f"foods must be a FoodTable, not {type(foods).__name__}.")
    if foods is None and _has_food_rows(plan):
        from planner.model.foods import load_foods

        foods = load_foods()
    rec = recommended_intake(profile)
    params = profile.absorption_params
    p = validate_plan(plan, foods)
    return _evaluate_valid(p, profile, rec, params, foods, days)


def _has_food_rows(plan: object) -> bool:
    if not isinstance(plan, pd.DataFrame):
        return False
    cols = {str(c).strip().lower(): c for c in plan.columns}
    if "food_id" not in cols:
        return False
    ids = plan[cols["food_id"]].astype(str).str.strip()
    return bool((~ids.str.startswith(SUPPLEMENT_PREFIX)).any())


def _evaluate_valid(
    p: pd.DataFrame,
    profile: Profile,
    rec: Recommendation,
    params: AbsorptionParams,
    foods: FoodTable | None,
    days: object,
) -> Evaluation:
    n = len(p)
    b = _b12_per_row(p, foods)
    day = p["day"].to_numpy(dtype="int64")
    minute = minutes_of_day(p["time"].to_numpy(dtype=object)) if n else np.zeros(0, "int64")
    t_abs = (day - 1) * 1440 + minute
    # One dose per clock time, numbered in time order.
    dose_t, event = np.unique(t_abs, return_inverse=True)
    event = event.astype("int64").reshape(-1)
    n_events = len(dose_t)

    # -- per dose ----------------------------------------------------------------------
    fb_e = np.bincount(event, weights=b["food_bound"], minlength=n_events)
    cr_e = np.bincount(event, weights=b["fortified"], minlength=n_events)
    ing_e = np.bincount(event, weights=b["ingested"], minlength=n_events)
    food_e = np.bincount(event, weights=~b["supplement"], minlength=n_events) > 0
    food_abs_e, cryst_abs_e = absorbed_doses(dose_t, fb_e, cr_e, params, has_food=food_e)
    abs_fb = _share(b["food_bound"], fb_e[event], food_abs_e[event])
    abs_cr = _share(b["fortified"], cr_e[event], cryst_abs_e[event])
    absorbed = abs_fb + abs_cr

    order = np.lexsort((np.arange(n), t_abs))
    first = np.full(n_events, -1, dtype="int64")
    ev_sorted = event[order]
    is_first = np.ones(n, dtype=bool)
    is_first[1:] = ev_sorted[1:] != ev_sorted[:-1]
    first[ev_sorted[is_first]] = order[is_first]
    abs_e = food_abs_e + cryst_abs_e
    with np.errstate(invalid="ignore", divide="ignore"):
        frac_e = np.where(ing_e > 0, abs_e / ing_e, np.nan)
    events = pd.DataFrame({
        "event": np.arange(n_events, dtype="int64"),
        "day": day[first],
        "time": p["time"].to_numpy(dtype=object)[first],
        "meal": p["meal"].to_numpy(dtype=object)[first],
        "n_items": np.bincount(event, minlength=n_events).astype("int64"),
        "food_bound_ug": fb_e,
        "crystalline_ug": cr_e,
        "ingested_ug": ing_e,
        "absorbed_food_bound_ug": food_abs_e,
        "absorbed_crystalline_ug": cryst_abs_e,
        "absorbed_ug": abs_e,
        "absorbed_fraction": frac_e,
    })

    # -- per item ----------------------------------------------------------------------
    items = pd.DataFrame({
        "row": np.arange(1, n + 1, dtype="int64"),
        "day": day,
        "meal": p["meal"],
        "time": p["time"],
        "food_id": p["food_id"],
        "description": p["description"],
        "grams": p["grams"],
        "dose_ug": p["dose_ug"],
        "supplement": b["supplement"],
        "b12_listed_ug": b["listed"],
        "ingested_ug": b["ingested"],
        "fortified_ug": b["fortified"],
        "food_bound_ug": b["food_bound"],
        "absorbed_ug": absorbed,
        "absorbed_fortified_ug": abs_cr,
        "absorbed_food_bound_ug": abs_fb,
        "unknown": b["unknown"],
        "unreliable": b["unreliable"],
        "note": pd.Series(b["note"], dtype="str"),
        "diet": pd.Series(b["diet"], dtype="str"),
        "diet_verified": b["diet_verified"].astype(bool),
        "event": event,
    })

    # -- per day -----------------------------------------------------------------------
    first_day, _last, span = plan_span(day, days)
    di = day - first_day

    def per_day(w: np.ndarray | None) -> np.ndarray:
        return np.bincount(di, weights=w, minlength=span).astype("float64")

    supp_ug = np.where(b["supplement"], b["ingested"], 0.0)
    day_events = np.bincount(day[first] - first_day, minlength=span) if n_events else \
        np.zeros(span, "int64")
    days_df = pd.DataFrame({
        "day": np.arange(first_day, first_day + span, dtype="int64"),
        "n_items": per_day(None).astype("int64"),
        "n_events": day_events.astype("int64"),
        "ingested_ug": per_day(b["ingested"]),
        "fortified_ug": per_day(b["fortified"]),
        "food_bound_ug": per_day(b["food_bound"]),
        "supplement_ug": per_day(supp_ug),
        "absorbed_ug": per_day(absorbed),
    })

    # -- summary -----------------------------------------------------------------------
    absorbed_pd = float(absorbed.sum()) / span
    uncounted = float(np.nan_to_num(np.where(b["unreliable"], b["listed"], 0.0)).sum())
    assessment = profile.symptom_assessment
    verdict = decide(absorbed_pd, rec.target_absorbed_ug, rec.requirement_absorbed_ug,
                     needs_clinician(profile, assessment))
    empty_days = [int(d) for d in days_df.loc[days_df["n_items"] == 0, "day"]] if n else []
    req_abs = None if rec.ai_only else rec.requirement_absorbed_ug
    req_int = None if rec.ai_only else rec.requirement_intake_ug
    summary: dict[str, Any] = {
        "days": span,
        "first_day": first_day,
        "last_day": first_day + span - 1,
        "intake_ug_per_day": float(b["ingested"].sum()) / span,
        "fortified_ug_per_day": float(b["fortified"].sum()) / span,
        "food_bound_ug_per_day": float(b["food_bound"].sum()) / span,
        "supplement_ug_per_day": float(supp_ug.sum()) / span,
        "absorbed_ug_per_day": absorbed_pd,
        "absorbed_fortified_ug_per_day": float(abs_cr.sum()) / span,
        "absorbed_food_bound_ug_per_day": float(abs_fb.sum()) / span,
        "uncounted_ug_per_day": uncounted / span,
        "target_intake_ug": rec.value_ug,
        "target_absorbed_ug": rec.target_absorbed_ug,
        "requirement_intake_ug": req_int,
        "requirement_absorbed_ug": req_abs,
        "absorbed_pct_of_target": 100.0 * absorbed_pd / rec.target_absorbed_ug,
        "verdict": verdict.value,
        "verdict_label": verdict.label,
        "verdict_explanation": verdict.explanation,
        "adequate": verdict.is_ok,
        "meets_target": verdict is Verdict.MEETS_GOAL,
        "status": verdict.label,
        "empty_days": empty_days,
        "clinician": _clinician(profile, absorbed_pd, assessment),
        "symptoms": symptom_summary(assessment),
        "risk_factors_unasked": unasked_risk_factors(profile),
        "authority": rec.authority,
        "kind": rec.kind,
        "life_stage": rec.life_stage,
        "recommendation_status": rec.status,
        "n_items": n,
        "n_events": n_events,
        "n_unknown": int(b["unknown"].sum()),
        "n_unreliable": int(b["unreliable"].sum()),
        "absorption": {
            "if_factor": params.if_factor,
            "food_cap_fraction": params.food_cap_fraction,
            "passive_fraction": params.passive_fraction,
        },
        "flags": _flags(profile, rec, items, days_df, absorbed_pd,
                        float(abs_cr.sum()) / span, empty_days, span)
        + symptom_flags(profile, assessment),
    }
    return Evaluation(items=items, events=events, days=days_df,
                      summary=EvaluationSummary.from_dict(summary),
                      profile=profile, recommendation=rec)


def needs_clinician(profile: Profile, assessment: SymptomAssessment | None = None) -> bool:
    """True when the verdict is ``needs_clinician``: a clinician-managed condition
    (:attr:`Profile.needs_clinician`) or symptoms that need a clinician now (a
    neurological symptom, or any symptom after nitrous oxide:
    :attr:`planner.symptoms.SymptomAssessment.needs_clinician`) [NHS-B12] [NICE-NG239]."""
    a = profile.symptom_assessment if assessment is None else assessment
    return bool(profile.needs_clinician) or a.needs_clinician


def symptom_summary(assessment: SymptomAssessment) -> dict[str, Any]:
    """The symptom assessment as plain JSON values (``summary["symptoms"]``): ``level``,
    ``needs_clinician``, ``symptoms``, ``neurological``, ``risk_factors`` (keys),
    ``messages`` and ``sources``."""
    return {"level": assessment.level, "needs_clinician": assessment.needs_clinician,
            "symptoms": list(assessment.symptoms),
            "neurological": list(assessment.neurological),
            "risk_factors": list(assessment.risk_factors),
            "messages": list(assessment.messages), "sources": list(assessment.sources)}


def symptom_flags(profile: Profile,
                  assessment: SymptomAssessment | None = None) -> list[dict[str, str]]:
    """Flags from the profile's symptoms and risk factors (the words are
    :func:`planner.symptoms.assess_symptoms`'s own).

    ``symptoms_urgent`` (urgent) for neurological symptoms; ``symptoms_test`` for other
    symptoms: a warning with a risk factor (NICE: one symptom and one risk factor) or
    from age 60 (:data:`planner.symptoms.OLDER_RISK_AGE_YEARS`), info otherwise;
    ``risk_factors`` (info) for risk factors that are not already conditions (those
    have flags of their own) when there are no symptoms.
    """
    a = profile.symptom_assessment if assessment is None else assessment
    sources = " ".join(a.sources)
    text = " ".join(a.messages)
    if a.level == "urgent":
        return [_flag("symptoms_urgent", "urgent", text, sources)]
    older = float(profile.age) >= OLDER_RISK_AGE_YEARS  # type: ignore[arg-type]
    if a.level == "test_advised":
        return [_flag("symptoms_test", "warning", text, sources)]
    if a.level == "test_suggested":
        if not older:
            return [_flag("symptoms_test", "info", text, sources)]
        return [_flag(
            "symptoms_test", "warning",
            text + " Over 60 a lack of B12 is more common (10–15 % of people over 60), so "
            "ask for a B12 blood test.", sources + " [BAIK-99] [ALLEN-09]")]
    extra = [k for k in a.risk_factors if k not in profile.conditions]
    if a.level == "risk_factors" and extra:
        return [_flag("risk_factors", "info", text, sources)]
    return []


def _clinician(profile: Profile, absorbed_pd: float,
               assessment: SymptomAssessment | None = None) -> dict[str, Any] | None:
    """The absorbed figure beside the usual treatment regimens (clinician-managed
    conditions), and the urgent words for symptoms that need a clinician now; None when
    neither applies."""
    names = profile.needs_clinician
    a = profile.symptom_assessment if assessment is None else assessment
    if not names:
        if not a.needs_clinician:
            return None
        return {
            "conditions": [], "labels": [], "absorbed_ug_per_day": absorbed_pd,
            "maintenance_absorbed_ug": None, "regimens": [],
            "symptoms": list(a.neurological or a.symptoms),
            "message": " ".join(a.messages[:1]),
            "source": " ".join(a.sources),
        }
    params = profile.absorption_params
    regimens = []
    if "bariatric_surgery" in names:
        lo, hi = BARIATRIC_ORAL_UG_PER_DAY
        regimens.append({
            "condition": "bariatric_surgery",
            "regimen": f"{lo:g}–{hi:g} µg by mouth every day, or 1000 µg a month by injection",
            "oral_absorbed_ug_per_day": float(absorbed_crystalline(lo, params)),
            "source": "[ASMBS]"})
    if {"pernicious_anemia", "ileal_resection"} & set(names):
        lo, hi = NO_IF_ORAL_UG_PER_DAY
        regimens.append({
            "condition": ", ".join(c for c in names
                                   if c in ("pernicious_anemia", "ileal_resection")),
            "regimen": f"{lo:g}–{hi:g} µg by mouth every day, or injections",
            "oral_absorbed_ug_per_day": float(absorbed_crystalline(lo, params)),
            "source": "[KUZMINSKI-98] [CHAN-16]"})
    no_if = params.if_factor == 0.0
    if no_if:
        text = (f"This plan gives about {absorbed_pd:.2f} µg absorbed a day. Without "
                f"intrinsic factor about {NO_IF_MAINTENANCE_ABSORBED_UG:g} µg absorbed a day "
                "maintains people (IOM, from pernicious-anaemia patients). ")
        text += " ".join(
            f"The usual regimen ({r['regimen']}) gives about "
            f"{r['oral_absorbed_ug_per_day']:.1f} µg a day by mouth {r['source']}."
            for r in regimens)
        text += " Follow the regimen your clinician prescribes."
    else:
        text = (f"This plan gives about {absorbed_pd:.2f} µg absorbed a day, but with "
                "nitrous oxide exposure more B12 in the diet cannot compensate: see a "
                "clinician.")
    source = "[IOM p.328] [IOM p.342]"
    if a.needs_clinician:  # the symptoms' own urgent words after the condition's
        text += " " + " ".join(a.messages[:1])
        source += " " + " ".join(a.sources)
    return {
        "conditions": list(names),
        "labels": [CONDITIONS[c].label for c in names],
        "absorbed_ug_per_day": absorbed_pd,
        "maintenance_absorbed_ug": NO_IF_MAINTENANCE_ABSORBED_UG if no_if else None,
        "regimens": regimens,
        "symptoms": list(a.neurological or a.symptoms) if a.needs_clinician else [],
        "message": text,
        "source": source,
    }


def _flags(profile: Profile, rec: Recommendation, items: pd.DataFrame,
           days_df: pd.DataFrame, absorbed_pd: float, absorbed_cryst_pd: float,
           empty_days: list[int], span: int) -> list[dict[str, str]]:
    out = rec.flags() + profile.flags()
    if profile.older_adult and absorbed_cryst_pd < OLDER_ADULT_CRYSTALLINE_SHARE * absorbed_pd \
            + LINE_TOLERANCE_UG:
        share = absorbed_cryst_pd / absorbed_pd if absorbed_pd > 0 else 0.0
        out = [f for f in out if f["code"] != "over_50"]
        out.insert(0, _flag(
            "over_50_food_bound", "warning",
            f"Over 50 and only {share:.0%} of the B12 you absorb is from fortified foods or "
            "supplements: 10–30 % of people over 50 absorb B12 in food poorly, so the IOM "
            "advises getting most of it from fortified foods or a supplement.",
            "[IOM p.306]"))
    if empty_days:
        shown = ", ".join(map(str, empty_days[:10])) + (" …" if len(empty_days) > 10 else "")
        out.append(_flag(
            "empty_days", "info",
            f"{len(empty_days)} of the {span} days have no entries (day {shown}); they count "
            "as days without B12 in the daily average (right for a weekly supplement; if you "
            "did eat on them, add those meals).",
            "averaged over the plan's span (first to last day, or days=)"))
    n_unknown = int(items["unknown"].sum())
    if n_unknown:
        out.append(_flag(
            "unknown_b12", "info",
            f"{n_unknown} item(s) have no USDA B12 value: shown as unknown, not counted.",
            "USDA food table (no value)"))
    unrel = items.loc[items["unreliable"], ["description", "note"]]
    if len(unrel):
        notes = unrel.drop_duplicates().head(5)
        detail = "; ".join(
            f"{d}: {n}" if n else str(d) for d, n in zip(notes["description"], notes["note"],
                                                          strict=True)
        )
        out.append(_flag(
            "unreliable_source", "warning",
            f"{len(unrel)} item(s) are not reliable B12 sources (inactive analogues) and "
            f"count 0: {detail}.", "[WATANABE-07] [VH-PLANT]"))
    out += _diet_flags(profile, items)
    if len(days_df) and (days_df["supplement_ug"] > EVM_GUIDANCE_UG + LINE_TOLERANCE_UG).any():
        out.append(_flag(
            "above_evm_guidance", "info",
            f"On some days supplements give more than {EVM_GUIDANCE_UG:,.0f} µg, the UK EVM "
            "guidance level (no upper limit is set by the IOM or EFSA).",
            f"{EVM_SOURCE} [IOM p.306]"))
    if (profile.pregnant or profile.lactating) and len(days_df) > 1 and (
            days_df["absorbed_ug"] <= 0).any():
        out.append(_flag(
            "days_without_b12", "warning",
            "Some days have no B12 at all; in pregnancy and breastfeeding a daily source "
            "matters more than stores.", "[IOM p.340]"))
    return out


def _names(descriptions: pd.Series, limit: int = 4) -> str:
    """ "A, B, C and 2 more" from the distinct descriptions."""
    uniq = descriptions.drop_duplicates()
    more = len(uniq) - limit
    return "; ".join(map(str, uniq.iloc[:limit])) + (f" and {more} more" if more > 0 else "")


def _diet_flags(profile: Profile, items: pd.DataFrame) -> list[dict[str, str]]:
    """Foods the person's diet excludes, and (for vegans) foods to check on the label.

    The plan is still evaluated as written: a vegetarian's plan with chicken in it is
    scored with the chicken, and the flag says so.
    """
    out = []
    allowed = set(DIET_ORDER[: DIET_ORDER.index(profile.diet) + 1])
    outside = items.loc[~items["diet"].isin(allowed)]
    if len(outside):
        out.append(_flag(
            "not_in_diet", "warning",
            f"{len(outside)} item(s) in this plan are not {profile.diet}: "
            f"{_names(outside['description'])}. They are counted as written; remove or "
            "swap them, or change the diet in the profile.",
            "USDA food groups and FNDDS ingredients (column diet_basis of the food table)"))
    if profile.diet == DIET_ORDER[0]:
        check = items.loc[items["diet"].isin(allowed) & ~items["diet_verified"]]
        if len(check):
            out.append(_flag(
                "diet_unverified", "info",
                f"{len(check)} item(s) are probably vegan but USDA's record has no "
                f"ingredient list to confirm it (check the label): "
                f"{_names(check['description'])}.",
                "USDA FNDDS ingredients / SR LanguaL (no evidence for these foods)"))
    return out


__all__ = ["Evaluation", "evaluate", "needs_clinician", "plan_span", "symptom_flags",
           "symptom_summary"]
