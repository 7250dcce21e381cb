"""The summary of an evaluation as a typed, read-only object that still reads like a dict.

:class:`EvaluationSummary` is what ``evaluate(...).summary`` is. Attribute access is typed
(``summary.absorbed_ug_per_day``); dict-style access keeps working for every caller
written against the old dict (``summary["verdict"]``, ``summary.get("clinician")``,
``keys()``, ``**summary``), and :meth:`EvaluationSummary.to_dict` gives the plain dict the
command line prints as JSON.

Every figure that is an amount per day says so in its name (``..._ug_per_day``); the four
lines were named without it before (``target_intake_ug`` …) and those names are still
accepted as aliases by ``summary[...]``, ``get`` and ``in`` (:data:`ALIASES`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from planner.formats import Flag

#: Older names of fields, still accepted by dict-style access: old → new.
ALIASES: dict[str, str] = {
    "target_intake_ug": "target_intake_ug_per_day",
    "target_absorbed_ug": "target_absorbed_ug_per_day",
    "requirement_intake_ug": "requirement_intake_ug_per_day",
    "requirement_absorbed_ug": "requirement_absorbed_ug_per_day",
}


@dataclass(frozen=True, eq=False)
class EvaluationSummary(Mapping[str, Any]):
    """Daily averages over the span, the lines, the verdict and the notes of an evaluation.

    Attributes
    ----------
    days, first_day, last_day : int
        The span averaged over (:func:`planner.model.evaluate.plan_span`) [days].
    intake_ug_per_day : float
        B12 eaten and counted [µg/day].
    fortified_ug_per_day, food_bound_ug_per_day, supplement_ug_per_day : float
        Of it: crystalline (fortified foods and supplements), food-bound, supplements
        alone [µg/day].
    absorbed_ug_per_day, absorbed_fortified_ug_per_day, absorbed_food_bound_ug_per_day : float
        Absorbed, in all and by form [µg/day].
    uncounted_ug_per_day : float
        B12 of unreliable sources, listed but not counted [µg/day].
    target_intake_ug_per_day, target_absorbed_ug_per_day : float
        The recommendation (RDA, AI, RNI or PRI) and the goal line it gives [µg/day].
    requirement_intake_ug_per_day, requirement_absorbed_ug_per_day : float or None
        The average requirement (EAR) and its line; None where only an AI is published
        [µg/day].
    absorbed_pct_of_target : float
        Absorbed as a share of the goal line [%].
    verdict, verdict_label, verdict_explanation, status : str
        The :class:`planner.model.verdicts.Verdict` key, its label (``status`` is the
        same label), and what it means.
    adequate, meets_target : bool
        Verdict ``meets_goal`` or ``adequate``; verdict ``meets_goal``.
    empty_days : list of int
        Days of the span without entries (counted as no B12).
    clinician : dict or None
        For clinician-managed conditions, the absorbed figure beside the usual regimens.
    authority, kind, life_stage, recommendation_status : str
        Of the recommendation used.
    n_items, n_events, n_unknown, n_unreliable : int
        Plan rows, doses (distinct clock times), rows with unknown B12, rows with
        unreliable B12.
    absorption : dict
        The absorption parameters used (``if_factor``, ``food_cap_fraction``,
        ``passive_fraction``).
    flags : list of Flag
        Notes with ``code``, ``severity``, ``message`` and ``source``.
    symptoms : dict
        The symptom check (:func:`planner.model.evaluate.symptom_summary`): symptoms named,
        whether they need a clinician, and its level.
    risk_factors_unasked : list of str
        NICE NG239 risk factors the profile has not answered yet (ask where missing).
    """

    days: int
    first_day: int
    last_day: int
    intake_ug_per_day: float
    fortified_ug_per_day: float
    food_bound_ug_per_day: float
    supplement_ug_per_day: float
    absorbed_ug_per_day: float
    absorbed_fortified_ug_per_day: float
    absorbed_food_bound_ug_per_day: float
    uncounted_ug_per_day: float
    target_intake_ug_per_day: float
    target_absorbed_ug_per_day: float
    requirement_intake_ug_per_day: float | None
    requirement_absorbed_ug_per_day: float | None
    absorbed_pct_of_target: float
    verdict: str
    verdict_label: str
    verdict_explanation: str
    adequate: bool
    meets_target: bool
    status: str
    empty_days: list[int]
    clinician: dict[str, Any] | None
    authority: str
    kind: str
    life_stage: str
    recommendation_status: str
    n_items: int
    n_events: int
    n_unknown: int
    n_unreliable: int
    absorption: dict[str, float]
    flags: list[Flag]
    symptoms: dict[str, Any]
    risk_factors_unasked: list[str]

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> EvaluationSummary:
        """Build from a mapping (old names accepted); an unknown or missing key raises
        :class:`TypeError`, so a figure is never lost on the way."""
        return cls(**{ALIASES.get(k, k): v for k, v in values.items()})

    # -- dict-style access ----------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        name = ALIASES.get(key, key)
        if name not in _FIELDS:
            raise KeyError(key)
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(_FIELDS)

    def __len__(self) -> int:
        return len(_FIELDS)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and ALIASES.get(key, key) in _FIELDS

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of every field (the current names), e.g. for JSON."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(EvaluationSummary))

__all__ = ["ALIASES", "EvaluationSummary"]
