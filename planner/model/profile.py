"""A person's profile: age, sex, diet, pregnancy/lactation, conditions, authority.

Every field is checked when the profile is built; a bad value or combination raises
:class:`planner.InputError` naming the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from planner.errors import InputError, parse_decimal, shorten
from planner.formats import flag as _flag
from planner.formats import require_yes_no
from planner.model.absorption import (
    ACID_REDUCER_LONG_TERM_YEARS,
    CONDITIONS,
    H2RA_DEFICIENCY_ODDS_RATIO,
    PPI_DEFICIENCY_ODDS_RATIO,
    AbsorptionParams,
    clinician_conditions,
    normalise_conditions,
    params_for,
)
from planner.model.authorities import AUTHORITIES, normalise_authority
from planner.model.symptoms import (
    SymptomAssessment,
    assess_symptoms,
    normalise_risk_factors,
    normalise_symptoms,
)
from planner.schema import DIET_ORDER

SEXES: tuple[str, ...] = ("female", "male")
SEX_ALIASES = {"f": "female", "w": "female", "woman": "female", "m": "male", "man": "male"}
MAX_AGE_YEARS = 125.0  # plausibility bound (oldest verified human: 122 y), not a model constant
#: Ages at which pregnancy or lactation is accepted [y]: a plausibility bound.
REPRODUCTIVE_AGE_YEARS = (10.0, 60.0)
OLDER_ADULT_AGE_YEARS = 51.0  # the IOM's "51+ y" life stage, "people over 50" [IOM p.306]


#: Deficiency odds after ≥ 2 years of supply, by acid reducer [LAM-13].
_ACID_REDUCER_ODDS = {"ppi": PPI_DEFICIENCY_ODDS_RATIO, "h2_blocker": H2RA_DEFICIENCY_ODDS_RATIO}
#: The acid reducers (conditions) whose years of use are asked (``acid_reducer_years``).
ACID_REDUCERS: frozenset[str] = frozenset(_ACID_REDUCER_ODDS)


def can_be_pregnant(sex: str, age: float | None) -> bool:
    """Whether pregnancy and breastfeeding may be chosen: sex ``"female"`` and an age in
    :data:`REPRODUCTIVE_AGE_YEARS` (a plausibility bound, as :class:`Profile` checks)."""
    lo, hi = REPRODUCTIVE_AGE_YEARS
    return str(sex).strip().lower() == "female" and age is not None and lo <= float(age) <= hi


def _age(value: object, name: str, scale: float) -> float:
    if isinstance(value, bool) or value is None:
        raise InputError(f"{name} must be a number, not {value!r}.")
    try:  # text: the digits 0-9 only (planner.errors.parse_decimal), as everywhere
        v = parse_decimal(value) if isinstance(value, str) else float(
            value)  # type: ignore[arg-type]
        if v is None:
            raise ValueError(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a number, not {shorten(value)}.") from None
    if math.isnan(v) or not 0 <= v * scale <= MAX_AGE_YEARS:
        raise InputError(
            f"{name} {shorten(value)} is out of range; give 0 to {MAX_AGE_YEARS / scale:g}."
        )
    return v * scale


def _bool(value: object, name: str) -> bool:
    if value is None:  # a Profile field is given or left out, never None
        raise InputError(f"{name} must be true or false, not None.")
    return require_yes_no(value, name, blank=False)


@dataclass(frozen=True)
class Profile:
    """Who the plan is for.

    Parameters
    ----------
    age : float, optional
        Age [years]; infants may use fractions (0.5 = 6 months). Give ``age`` or
        ``age_months``.
    sex : {"female", "male"}
    diet : {"omnivore", "pescatarian", "vegetarian", "vegan"}
    pregnant, lactating : bool
        Only for ``sex="female"`` aged 10–60. If both, the lactation value (higher in
        every table) is used.
    conditions : iterable of str
        Any of ``metformin``, ``ppi``, ``h2_blocker``, ``atrophic_gastritis``,
        ``pernicious_anemia``, ``bariatric_surgery``, ``ileal_resection``,
        ``nitrous_oxide``.
    authority : {"NASEM", "EFSA", "DACH", "UK", "WHO"}
        Whose recommendation to evaluate against; default NASEM (US/Canada, IOM).
    age_months : float, optional
        Age [months], for infants; converted to years (``age`` is then set from it).
    acid_reducer_years : float, optional
        Years of PPI or H2-blocker use (with ``ppi`` or ``h2_blocker`` in
        ``conditions``); None = not given. From 2 years on the flag is a warning with
        the deficiency odds of Lam 2013 [LAM-13]; absorption is not changed.

    Raises
    ------
    InputError
        A value or combination is invalid; the message names the field.
    """

    age: float | None = None
    sex: str = "female"
    diet: str = "omnivore"
    pregnant: bool = False
    lactating: bool = False
    conditions: tuple[str, ...] = field(default_factory=tuple)
    authority: str = "NASEM"
    age_months: float | None = None
    acid_reducer_years: float | None = None
    symptoms: tuple[str, ...] = field(default_factory=tuple)
    risk_factors: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.age_months is not None:
            age = _age(self.age_months, "age_months", 1 / 12)
            if self.age is not None and abs(_age(self.age, "age", 1.0) - age) > 1 / 12:
                raise InputError("age and age_months disagree; give only one of them.")
        elif self.age is None:
            raise InputError("age is missing; give the age in years (or age_months).")
        else:
            age = _age(self.age, "age", 1.0)
        sex = SEX_ALIASES.get(str(self.sex).strip().lower(), str(self.sex).strip().lower())
        if sex not in SEXES:
            raise InputError(f"sex {self.sex!r} must be one of {', '.join(SEXES)}.")
        diet = str(self.diet).strip().lower()
        if diet not in DIET_ORDER:
            raise InputError(f"diet {self.diet!r} must be one of {', '.join(DIET_ORDER)}.")
        pregnant = _bool(self.pregnant, "pregnant")
        lactating = _bool(self.lactating, "lactating")
        for name, on in (("pregnant", pregnant), ("lactating", lactating)):
            if not on:
                continue
            if sex != "female":
                raise InputError(f"{name} is only valid with sex 'female'.")
            lo, hi = REPRODUCTIVE_AGE_YEARS
            if not lo <= age <= hi:
                raise InputError(f"{name} is only valid for ages {lo:g} to {hi:g}, not {age:g}.")
        symptoms = normalise_symptoms(self.symptoms)
        risk_factors = None if self.risk_factors is None else \
            normalise_risk_factors(self.risk_factors)
        conditions = normalise_conditions(self.conditions)
        if risk_factors is not None:  # one fact, one place: conditions feed the model
            conditions = normalise_conditions(
                conditions + tuple(r for r in risk_factors if r in CONDITIONS))
            risk_factors = tuple(r for r in risk_factors if r not in CONDITIONS)
        authority = normalise_authority(self.authority)
        years = self.acid_reducer_years
        if years is not None and not (isinstance(years, str) and not years.strip()):
            years = _age(years, "acid_reducer_years", 1.0)
            if years > age:
                raise InputError(f"acid_reducer_years {years:g} is more than the age {age:g}.")
            if not ACID_REDUCERS & set(conditions):
                raise InputError("acid_reducer_years needs the condition ppi or h2_blocker.")
        else:
            years = None
        if self.age_months is not None:
            object.__setattr__(self, "age_months", age * 12)
        for k, v in (("age", age), ("sex", sex), ("diet", diet), ("pregnant", pregnant),
                     ("lactating", lactating), ("conditions", conditions),
                     ("authority", authority), ("acid_reducer_years", years),
                     ("symptoms", symptoms), ("risk_factors", risk_factors)):
            object.__setattr__(self, k, v)

    # -- derived -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Build from a dict (app, CLI, JSON); unknown keys raise :class:`InputError`."""
        if not isinstance(data, dict):
            raise InputError("A profile must be given as a mapping of field names to values.")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(map(str, data)) - known)
        if unknown:
            raise InputError(f"Unknown profile field(s) {', '.join(unknown)}; "
                             f"use {', '.join(sorted(known))}.")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON values; ``Profile.from_dict(p.to_dict()) == p``.
        ``age_months`` is left out (``age`` already holds it)."""
        data = {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "age_months"}
        data["conditions"] = list(self.conditions)
        data["symptoms"] = list(self.symptoms)
        data["risk_factors"] = None if self.risk_factors is None else list(self.risk_factors)
        return data

    def with_authority(self, authority: str) -> Profile:
        """The same profile evaluated against another authority."""
        from dataclasses import replace

        return replace(self, authority=authority, age_months=None)

    @property
    def older_adult(self) -> bool:
        """Aged 51 or over: the IOM advises getting most B12 from fortified food or
        supplements [IOM p.306]."""
        return self.age >= OLDER_ADULT_AGE_YEARS  # type: ignore[operator]

    @property
    def needs_clinician(self) -> tuple[str, ...]:
        """Conditions that make the verdict ``needs_clinician`` (empty when none).
        Neurological symptoms do too (:attr:`symptom_assessment`); the verdict code
        asks :func:`planner.evaluate.needs_clinician` for both."""
        return clinician_conditions(self.conditions)

    @property
    def all_risk_factors(self) -> tuple[str, ...]:
        """``conditions`` and ``risk_factors`` together, as risk-factor keys in the
        vocabulary order of ``data/risk_factors.csv``."""
        return normalise_risk_factors(self.conditions + (self.risk_factors or ()))

    @property
    def symptom_assessment(self) -> SymptomAssessment:
        """:func:`planner.symptoms.assess_symptoms` of :attr:`symptoms` and
        :attr:`all_risk_factors`."""
        return assess_symptoms(self.symptoms, self.all_risk_factors)

    @property
    def absorption_params(self) -> AbsorptionParams:
        """Absorption parameters implied by the conditions."""
        return params_for(self.conditions)

    @property
    def life_stage_words(self) -> str:
        if self.lactating:
            return "lactation"
        if self.pregnant:
            return "pregnancy"
        age = float(self.age)  # type: ignore[arg-type]
        return f"age {age * 12:.0f} months" if age < 2 else f"age {age:g}"

    def flags(self) -> list[dict[str, str]]:
        """Plain-language advice the profile alone implies, each with its source tag.

        Returns
        -------
        list of dict
            ``code``, ``severity`` (info, warning, urgent), ``message``, ``source``;
            conditions in vocabulary order after the profile-level notes.
        """
        out: list[dict[str, str]] = []
        if self.older_adult:
            out.append(_flag(
                "over_50", "info",
                "Over 50: 10–30 % of older people absorb B12 in food poorly, so get most of "
                "your B12 from fortified foods or a supplement.", "[IOM p.306]"))
        if self.diet == "vegan":
            out.append(_flag(
                "vegan_source", "info",
                "Vegans need a reliable B12 source: fortified foods 2–3 times a day "
                "(≥3 µg/day), or ≥10 µg once a day, or ≥2000 µg once a week.",
                "[VEGSOC] [AND-16]"))
        if (self.pregnant or self.lactating) and self.diet in ("vegan", "vegetarian"):
            out.append(_flag(
                "pregnancy_daily_source", "warning",
                "In pregnancy and breastfeeding take B12 every day: only newly absorbed B12 "
                "reaches the baby easily, and infants of vegan mothers can become deficient "
                "within months.", "[IOM p.340]"))
        for name in self.conditions:
            eff = CONDITIONS[name]
            severity, message = eff.severity, eff.message
            if name in _ACID_REDUCER_ODDS:
                severity, message = self._acid_reducer_words(name, message)
            out.append(_flag(f"condition_{name}", severity, message, eff.source))
        return out

    def _acid_reducer_words(self, name: str, message: str) -> tuple[str, str]:
        """PPI / H2 blocker by years of use: a warning from 2 years on [LAM-13]."""
        years = self.acid_reducer_years
        if years is None:
            return "info", message + (" How many years have you taken it? From 2 years on, "
                                      "ask about a B12 test.")
        if years >= ACID_REDUCER_LONG_TERM_YEARS:
            return "warning", (
                f"{years:g} years of use ({_ACID_REDUCER_ODDS[name]:g}× the odds of "
                "deficiency, Lam 2013): " + message + " Ask about a B12 test, and get B12 "
                "mainly from fortified foods or a supplement.")
        return "info", f"{years:g} year(s) of use: " + message + (
            " Below 2 years no raised risk was shown; ask about a test once you reach 2 "
            "years.")


__all__ = ["ACID_REDUCERS", "AUTHORITIES", "Profile", "SEXES", "can_be_pregnant"]
