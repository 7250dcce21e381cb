"""The verdict vocabulary: one place for its keys, labels, explanations and exit codes.

Every output (``evaluate``'s summary, ``evaluate_many``, the CLI's table, JSON and CSV,
the app's verdict box and the suggestions) uses these keys and words, so the same plan
and profile get the same verdict everywhere.

``meets_goal``
    absorbed ≥ the goal line (recommended intake × 50 %).
``adequate``
    requirement line ≤ absorbed < goal line (authorities that publish an average
    requirement: NASEM ≥ 1 y, UK COMA, WHO/FAO).
``below_requirement``
    absorbed < the requirement line.
``below_ai``
    only an adequate intake is published (EFSA, D-A-CH, NASEM infants) and absorbed is
    below its absorbed equivalent. An intake below an AI cannot be judged inadequate,
    only not confirmed adequate (IOM 2000, *Using the DRIs in dietary assessment*,
    ch. 4) [IOM-2000].
``needs_clinician``
    a condition that only a clinician can manage (pernicious anaemia / autoimmune
    gastritis, ileal resection, bariatric surgery, nitrous oxide exposure), whatever the
    intake [IOM p.342] [ASMBS] [N2O]; or symptoms that need a clinician now: a
    neurological symptom (``neurological=yes`` in ``data/symptoms.csv``: pins and
    needles, numbness, balance, vision or memory problems), or any symptom after nitrous
    oxide, because nerve damage can become permanent if treatment waits
    (:attr:`planner.symptoms.SymptomAssessment.needs_clinician`) [NHS-B12] [NICE-NG239].

References
----------
.. [IOM-2000] Institute of Medicine (2000). Dietary Reference Intakes: Applications in
   Dietary Assessment. National Academies Press, ch. 4 (using the AI): "intakes below
   the AI ... cannot be assumed to be inadequate".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

#: Float tolerance when comparing absorbed B12 with a line [µg].
LINE_TOLERANCE_UG = 1e-9

#: CLI exit codes.
EXIT_OK = 0
EXIT_NOT_OK = 1
EXIT_BAD_INPUT = 2


class Verdict(StrEnum):
    """A verdict key; ``str(v)`` and ``v.value`` are the key written to JSON and CSV."""

    MEETS_GOAL = "meets_goal"
    ADEQUATE = "adequate"
    BELOW_REQUIREMENT = "below_requirement"
    BELOW_AI = "below_ai"
    NEEDS_CLINICIAN = "needs_clinician"

    def __str__(self) -> str:
        return self.value

    @property
    def info(self) -> VerdictInfo:
        return VERDICTS[self]

    @property
    def label(self) -> str:
        return VERDICTS[self].label

    @property
    def explanation(self) -> str:
        return VERDICTS[self].explanation

    @property
    def is_ok(self) -> bool:
        return VERDICTS[self].is_ok

    @property
    def tone(self) -> str:
        return VERDICTS[self].tone

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.is_ok else EXIT_NOT_OK


@dataclass(frozen=True)
class VerdictInfo:
    """Words and behaviour of one verdict.

    ``tone`` is the colour of the app's box: ``success`` (green) only for verdicts that
    are ok; ``warning`` (amber) or ``error`` (red) otherwise.
    """

    key: str
    label: str
    explanation: str
    is_ok: bool
    tone: str
    source: str


#: The one table of verdicts.
VERDICTS: dict[Verdict, VerdictInfo] = {
    Verdict.MEETS_GOAL: VerdictInfo(
        "meets_goal", "Meets the goal",
        "Absorbed B12 reaches the goal line (the recommended intake × 50 %, the IOM's "
        "absorption assumption).", True, "success", "[IOM p.309]"),
    Verdict.ADEQUATE: VerdictInfo(
        "adequate", "Adequate, below the goal",
        "Absorbed B12 reaches the requirement line (the published average requirement "
        "× 50 %) but not the goal line: enough for about half of healthy people; add a "
        "margin to be sure.", True, "warning", "[IOM p.328] [IOM p.340]"),
    Verdict.BELOW_REQUIREMENT: VerdictInfo(
        "below_requirement", "Below the requirement",
        "Absorbed B12 is below the requirement line (the published average requirement "
        "× 50 %): likely not enough.", False, "error", "[IOM p.328]"),
    Verdict.BELOW_AI: VerdictInfo(
        "below_ai", "Below the adequate intake",
        "This authority publishes only an adequate intake (AI), not an average "
        "requirement, and absorbed B12 is below the AI's absorbed equivalent. An intake "
        "below an AI cannot be judged inadequate, only not confirmed adequate (IOM 2000, "
        "Using the DRIs in dietary assessment).", False, "warning", "[IOM-2000]"),
    Verdict.NEEDS_CLINICIAN: VerdictInfo(
        "needs_clinician", "Needs a clinician",
        "A condition or symptom you named needs a clinician: food targets do not apply, "
        "whatever the intake. See the message below.", False, "error",
        "[IOM p.342] [ASMBS] [N2O] [NHS-B12] [NICE-NG239]"),
}


def decide(absorbed_ug: float, target_absorbed_ug: float,
           requirement_absorbed_ug: float | None, needs_clinician: bool) -> Verdict:
    """The verdict for one person (see the module docstring).

    ``requirement_absorbed_ug`` None or NaN: the authority publishes only an AI.
    """
    key = decide_many(np.asarray([absorbed_ug], dtype="float64"),
                      np.asarray([target_absorbed_ug], dtype="float64"),
                      np.asarray([np.nan if requirement_absorbed_ug is None
                                  else requirement_absorbed_ug], dtype="float64"),
                      np.asarray([needs_clinician], dtype=bool))[0]
    return Verdict(key)


def decide_many(absorbed_ug: np.ndarray, target_absorbed_ug: np.ndarray,
                requirement_absorbed_ug: np.ndarray, needs_clinician: np.ndarray) -> np.ndarray:
    """Vectorised :func:`decide`: an object array of verdict keys.

    NaN in ``requirement_absorbed_ug`` marks an AI-only recommendation.
    """
    a = np.asarray(absorbed_ug, dtype="float64") + LINE_TOLERANCE_UG
    req = np.asarray(requirement_absorbed_ug, dtype="float64")
    ai_only = np.isnan(req)
    with np.errstate(invalid="ignore"):
        meets = a >= np.asarray(target_absorbed_ug, dtype="float64")
        adequate = ~ai_only & (a >= req)
    out = np.select(
        [np.asarray(needs_clinician, dtype=bool), meets, adequate, ai_only],
        [Verdict.NEEDS_CLINICIAN.value, Verdict.MEETS_GOAL.value, Verdict.ADEQUATE.value,
         Verdict.BELOW_AI.value],
        default=Verdict.BELOW_REQUIREMENT.value,
    )
    return out.astype(object)


def is_ok(verdict: str | Verdict) -> bool:
    """True for ``meets_goal`` and ``adequate``."""
    return Verdict(verdict).is_ok


def exit_code(verdict: str | Verdict) -> int:
    """CLI exit code: 0 for ``meets_goal``/``adequate``, 1 for the others."""
    return Verdict(verdict).exit_code


def help_text() -> str:
    """The verdicts and exit codes, for ``--help`` and the README."""
    lines = [f"  {v.value:<18} {v.label} (exit {v.exit_code})" for v in Verdict]
    return "Verdicts:\n" + "\n".join(lines) + "\n  bad input: exit 2"


__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_NOT_OK",
    "EXIT_OK",
    "VERDICTS",
    "Verdict",
    "VerdictInfo",
    "decide",
    "decide_many",
    "exit_code",
    "help_text",
    "is_ok",
]
