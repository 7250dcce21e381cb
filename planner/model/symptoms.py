"""Symptoms and risk factors of B12 deficiency: a documented vocabulary and what they mean.

The vocabularies live in ``data/symptoms.csv`` (``key``, ``label``, ``neurological``,
``source``, ``note``) and ``data/risk_factors.csv`` (``key``, ``label``, ``group``,
``source``, ``note``), human-editable like the recommendations. :func:`assess_symptoms`
turns a person's symptoms and risk factors into plain advice:

========================================  ===================  ==========================
what the person reports                   ``level``            advice
========================================  ===================  ==========================
any neurological symptom                  ``urgent``           see a clinician now; nerve
(or any symptom after nitrous oxide)                           damage can become
                                                               permanent; do not wait to
                                                               try diet changes
other symptoms and ≥ 1 risk factor        ``test_advised``     ask for a B12 blood test
                                                               (NICE NG239: one symptom
                                                               and one risk factor)
other symptoms, no risk factor            ``test_suggested``   symptoms have many causes;
                                                               ask whether a test makes
                                                               sense
risk factors only                         ``risk_factors``     ask about testing and
                                                               periodic checks
nothing                                   ``none``             —
========================================  ===================  ==========================

``needs_clinician`` is True exactly for ``urgent``: the verdict code uses it to give
``needs_clinician``. Every risk factor of :data:`planner.model.absorption.CONDITIONS` is in
the risk-factor vocabulary, so ``profile.conditions`` can be passed as they are.

References
----------
.. [NICE-NG239] NICE guideline NG239 (2024), Vitamin B12 deficiency in over 16s.
.. [NHS-B12] NHS, Vitamin B12 or folate deficiency anaemia (symptoms, complications).
.. [MHRA-22] MHRA Drug Safety Update (2022), metformin and reduced vitamin B12 levels.
.. [N2O] Nitrous oxide inactivates B12 (low-authority page; the mechanism is textbook).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from planner._files import read_text_csv
from planner._paths import data_path
from planner.errors import DataFileError, InputError
from planner.formats import parse_yes_no

SYMPTOMS_FILE = "symptoms.csv"
RISK_FACTORS_FILE = "risk_factors.csv"
_SYMPTOM_COLUMNS = ("key", "label", "neurological", "source", "note")
_RISK_COLUMNS = ("key", "label", "group", "source", "note")
RISK_GROUPS: tuple[str, ...] = ("medicine", "condition", "family", "surgery", "diet",
                                "exposure")
#: Levels of :class:`SymptomAssessment`, most urgent first.
LEVELS: tuple[str, ...] = ("urgent", "test_advised", "test_suggested", "risk_factors",
                           "none")
#: Other spellings accepted for a vocabulary key (after lower-casing, spaces → "_").
ALIASES: dict[str, str] = {
    "tiredness": "fatigue", "tired": "fatigue", "shortness_of_breath": "breathlessness",
    "pale": "pale_skin", "glossitis": "sore_tongue", "tingling": "pins_and_needles",
    "paraesthesia": "pins_and_needles", "paresthesia": "pins_and_needles",
    "balance": "balance_problems", "unsteadiness": "balance_problems",
    "ataxia": "balance_problems", "vision": "vision_problems",
    "memory": "memory_problems", "mood": "mood_changes", "depression": "mood_changes",
    "pernicious_anaemia": "pernicious_anemia", "autoimmune_gastritis": "pernicious_anemia",
    "h2_blockers": "h2_blocker", "ppis": "ppi", "anticonvulsant": "anticonvulsants",
    "alcohol": "heavy_alcohol_use", "n2o": "nitrous_oxide",
}

_URGENT = (
    "{what} can be signs of nerve damage from a lack of B12. See a doctor as soon as you "
    "can and ask for a B12 blood test; do not wait to see whether diet changes help: "
    "nerve damage can become permanent if treatment is delayed."
)
_URGENT_N2O = (
    "Symptoms after using nitrous oxide need a doctor now: nitrous oxide inactivates B12, "
    "eating more B12 cannot make up for it, and a normal serum B12 does not rule it out."
)


def _as_bool(value: str) -> bool | None:
    return parse_yes_no(value)


def _tags_ok(text: str) -> bool:
    return bool(re.fullmatch(r"(\[[^\[\]]+\]\s*)+", text.strip()))


def _read_vocabulary(path: str, columns: list[str], what: str,
                     check_row: Callable[[pd.Series], str | None]) -> pd.DataFrame:
    """A vocabulary CSV with ``key``, ``label`` and ``source`` checked on every row, plus
    ``check_row`` (a problem or None); every problem is listed in one DataFileError."""
    df = read_text_csv(path, columns)
    for c in columns:
        df[c] = df[c].astype(str).str.strip()
    problems = []
    for i, r in df.iterrows():
        where = f"{path} line {int(i) + 2}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", r["key"]):
            problems.append(f"{where}: key {r['key']!r} must be lower_case_with_underscores")
        extra = check_row(r)
        if extra:
            problems.append(f"{where}: {extra}")
        if not r["label"]:
            problems.append(f"{where}: label is empty")
        if not _tags_ok(r["source"]):
            problems.append(f"{where}: source must be one or more [TAG]s")
    if df["key"].duplicated().any():
        problems.append(f"{path}: duplicate keys {sorted(set(df['key'][df['key'].duplicated()]))}")
    if problems:
        raise DataFileError(f"{what} has problems:\n- " + "\n- ".join(problems))
    return df.reset_index(drop=True)


@lru_cache(maxsize=4)
def _load_symptoms(path: str) -> pd.DataFrame:
    df = _read_vocabulary(
        path, _SYMPTOM_COLUMNS, "Symptom vocabulary",
        lambda r: None if _as_bool(r["neurological"]) is not None
        else "neurological must be yes or no")
    df["neurological"] = pd.Series([bool(_as_bool(v)) for v in df["neurological"]],
                                   dtype=bool)
    return df


@lru_cache(maxsize=4)
def _load_risk_factors(path: str) -> pd.DataFrame:
    return _read_vocabulary(
        path, _RISK_COLUMNS, "Risk-factor vocabulary",
        lambda r: None if r["group"] in RISK_GROUPS
        else f"group {r['group']!r} is not one of {', '.join(RISK_GROUPS)}")


def load_symptoms(path: str | Path | None = None) -> pd.DataFrame:
    """The symptom vocabulary, checked.

    Parameters
    ----------
    path : path, optional
        Another CSV with the same columns; default the shipped ``symptoms.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per symptom: ``key``, ``label``, ``neurological`` (bool: a red flag that
        needs a clinician without waiting), ``source`` ([TAG]s) and ``note``. A copy.

    Raises
    ------
    DataFileError
        The file is missing, unreadable or has a bad row (the message names it).
    """
    return _load_symptoms(str(path or data_path(SYMPTOMS_FILE))).copy()


def load_risk_factors(path: str | Path | None = None) -> pd.DataFrame:
    """The risk-factor vocabulary (NICE NG239's list and the seed's), checked.

    Returns
    -------
    pandas.DataFrame
        One row per risk factor: ``key``, ``label``, ``group`` (one of
        :data:`RISK_GROUPS`), ``source`` ([TAG]s) and ``note``. A copy.
    """
    return _load_risk_factors(str(path or data_path(RISK_FACTORS_FILE))).copy()


def _normalise(values: object, field_name: str, vocabulary: pd.DataFrame) -> tuple[str, ...]:
    """Vocabulary keys in vocabulary order; InputError naming every unknown name."""
    if values is None:
        return ()
    if isinstance(values, str):
        items: Iterable[object] = [v for v in values.split(",") if v.strip()]
    elif isinstance(values, Iterable) and not isinstance(values, (bytes, dict)):
        items = values
    else:
        raise InputError(f"{field_name} must be a list of names, not "
                         f"{type(values).__name__}; use any of "
                         f"{', '.join(vocabulary['key'])}.")
    keys = set(vocabulary["key"])
    found, unknown = set(), []
    for v in items:
        if not isinstance(v, str):
            unknown.append(repr(v))
            continue
        k = re.sub(r"[\s\-]+", "_", v.strip().lower())
        k = ALIASES.get(k, k)
        if k in keys:
            found.add(k)
        else:
            unknown.append(repr(v))
    if unknown:
        raise InputError(f"{field_name}: {', '.join(unknown)} not known; use any of "
                         f"{', '.join(vocabulary['key'])}.")
    return tuple(k for k in vocabulary["key"] if k in found)


def normalise_symptoms(symptoms: object) -> tuple[str, ...]:
    """Symptom keys in vocabulary order (case, spaces and a few aliases understood).

    Raises
    ------
    InputError
        Naming every unknown symptom and listing the vocabulary.
    """
    return _normalise(symptoms, "symptoms", load_symptoms())


def normalise_risk_factors(risk_factors: object) -> tuple[str, ...]:
    """Risk-factor keys in vocabulary order; see :func:`normalise_symptoms`."""
    return _normalise(risk_factors, "risk_factors", load_risk_factors())


@dataclass(frozen=True)
class SymptomAssessment:
    """What a person's symptoms and risk factors mean; see :func:`assess_symptoms`.

    Attributes
    ----------
    symptoms, risk_factors : tuple of str
        Vocabulary keys, in vocabulary order.
    neurological : tuple of str
        The neurological symptoms among ``symptoms`` (the red flags).
    level : str
        One of :data:`LEVELS`.
    needs_clinician : bool
        True when ``level == "urgent"``: the verdict should be ``needs_clinician``.
    messages : list of str
        Plain sentences, most important first.
    sources : tuple of str
        Source tags behind the messages.
    """

    symptoms: tuple[str, ...] = ()
    risk_factors: tuple[str, ...] = ()
    neurological: tuple[str, ...] = ()
    level: str = "none"
    needs_clinician: bool = False
    messages: list[str] = field(default_factory=list)
    sources: tuple[str, ...] = ()

    @property
    def symptom_labels(self) -> list[str]:
        """Plain labels of :attr:`symptoms`."""
        return _labels(load_symptoms(), self.symptoms)

    @property
    def red_flag_labels(self) -> list[str]:
        """Plain labels of :attr:`neurological`."""
        return _labels(load_symptoms(), self.neurological)

    @property
    def risk_factor_labels(self) -> list[str]:
        """Plain labels of :attr:`risk_factors`."""
        return _labels(load_risk_factors(), self.risk_factors)


def _labels(vocab: pd.DataFrame, keys: Iterable[str]) -> list[str]:
    label = dict(zip(vocab["key"], vocab["label"], strict=True))
    return [label[k] for k in keys]


def _words(labels: list[str]) -> str:
    low = [s[0].lower() + s[1:] if s[:2] != s[:2].upper() else s for s in labels]
    if len(low) == 1:
        return low[0]
    return ", ".join(low[:-1]) + " and " + low[-1]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def assess_symptoms(symptoms: object = (), risk_factors: object = ()) -> SymptomAssessment:
    """What symptoms and risk factors mean for a person, as plain advice.

    Parameters
    ----------
    symptoms : iterable of str, or a comma-separated str
        Keys of :func:`load_symptoms` (e.g. ``"numbness"``, ``"fatigue"``).
    risk_factors : iterable of str, or a comma-separated str
        Keys of :func:`load_risk_factors` (e.g. ``"metformin"``, ``"family_history"``);
        ``profile.conditions`` can be passed as they are.

    Returns
    -------
    SymptomAssessment
        ``level`` and ``needs_clinician`` (see the module table) and the ``messages``.

    Raises
    ------
    InputError
        An unknown symptom or risk factor (the message lists the vocabulary).

    Notes
    -----
    Neurological symptoms (pins and needles, numbness, balance, vision or memory
    problems) can mean nerve damage that becomes permanent if treatment waits
    [NHS-B12] [NICE-NG239], so they always mean "see a clinician now", whatever the
    diet or the blood results. NICE NG239 advises offering a test to people with at
    least one symptom and at least one risk factor [NICE-NG239] [PULSE-24]. Nothing here
    is a diagnosis: the symptoms have many other causes.
    """
    sym = normalise_symptoms(symptoms)
    risk = normalise_risk_factors(risk_factors)
    vocab = load_symptoms()
    neuro_keys = set(vocab.loc[vocab["neurological"], "key"])
    neuro = tuple(k for k in sym if k in neuro_keys)
    other = tuple(k for k in sym if k not in neuro_keys)
    n2o = "nitrous_oxide" in risk
    messages: list[str] = []
    sources: list[str] = []
    if neuro or (n2o and sym):
        level = "urgent"
        if neuro:
            what = _words(_labels(vocab, neuro))
            messages.append(_URGENT.format(what=_cap(what)))
            sources += ["[NHS-B12]", "[NICE-NG239]"]
        if n2o and sym:
            messages.append(_URGENT_N2O)
            sources += ["[N2O]", "[NICE-NG239]"]
        if other:
            messages.append("Also tell the doctor about: "
                            + _words(_labels(vocab, other)) + ".")
    elif other and risk:
        level = "test_advised"
        messages.append(
            f"With {_words(_labels(vocab, other))} and a risk factor for low B12 "
            f"({_words(_labels(load_risk_factors(), risk))}), ask your doctor for a B12 "
            "blood test: NICE advises testing when there is at least one symptom and one "
            "risk factor.")
        sources += ["[NICE-NG239]", "[PULSE-24]"]
    elif other:
        level = "test_suggested"
        messages.append(
            f"{_cap(_words(_labels(vocab, other)))} can have many causes, a lack of "
            "B12 among them. If they last, ask your doctor whether a B12 blood test makes "
            "sense.")
        sources += ["[NHS-B12]", "[NICE-NG239]"]
    elif risk:
        level = "risk_factors"
        n = "Risk factor" if len(risk) == 1 else "Risk factors"
        messages.append(
            f"{n} for low B12: {_words(_labels(load_risk_factors(), risk))}. Ask your "
            "doctor whether you need a B12 test, and about periodic checks; get tested if "
            "symptoms appear.")
        sources += ["[NICE-NG239]", "[MHRA-22]"]
    else:
        level = "none"
    if n2o and not sym:
        messages.append(
            "Nitrous oxide inactivates B12 in the body: eating more B12 cannot make up for "
            "it. Talk to a doctor, especially if numbness, tingling or unsteadiness appear.")
        sources += ["[N2O]"]
    return SymptomAssessment(
        symptoms=sym,
        risk_factors=risk,
        neurological=neuro,
        level=level,
        needs_clinician=level == "urgent",
        messages=messages,
        sources=tuple(dict.fromkeys(sources)),
    )


#: The guideline whose risk-factor list is "asked where missing".
NICE_TAG = "[NICE-NG239]"
#: From this age a lack of B12 is markedly more common: 10–15 % of people over 60
#: [BAIK-99]; about 6 % of people aged 60 or more are deficient and 20 % marginal
#: [ALLEN-09]. Not in NICE NG239's list of risk factors, so it never makes a risk
#: factor of its own; it makes the advice to ask for a test a warning [years].
OLDER_RISK_AGE_YEARS = 60.0


def nice_risk_factors() -> tuple[str, ...]:
    """The risk-factor keys NICE NG239 lists (rows of ``data/risk_factors.csv`` whose
    source names [NICE-NG239]), in vocabulary order."""
    vocab = load_risk_factors()
    return tuple(vocab.loc[vocab["source"].str.contains(NICE_TAG, regex=False), "key"])


def unasked_risk_factors(profile: object) -> list[str]:
    """NICE NG239's risk factors the profile does not know yet, to ask about.

    Parameters
    ----------
    profile : object
        Read duck-typed: ``risk_factors`` (None = not asked; a tuple, even empty, =
        asked, so nothing is left to ask) and ``conditions`` (known to apply).

    Returns
    -------
    list of str
        Keys of :func:`nice_risk_factors` not yet answered, in vocabulary order: all of
        them except the profile's conditions when ``risk_factors`` is None, else none.
        Unknown is not "no": a risk factor that was never asked stays on this list.
    """
    if getattr(profile, "risk_factors", None) is not None:
        return []
    known = set(_normalise_known(getattr(profile, "conditions", ()) or ()))
    return [k for k in nice_risk_factors() if k not in known]


def _normalise_known(values: Iterable[object]) -> tuple[str, ...]:
    keys = set(load_risk_factors()["key"])
    out = []
    for v in values:
        k = re.sub(r"[\s\-]+", "_", str(v).strip().lower())
        k = ALIASES.get(k, k)
        if k in keys:
            out.append(k)
    return tuple(out)


def risk_factor_labels(keys: Iterable[str]) -> list[str]:
    """Plain labels of risk-factor keys (in the order given)."""
    return _labels(load_risk_factors(), keys)


__all__ = [
    "LEVELS",
    "NICE_TAG",
    "OLDER_RISK_AGE_YEARS",
    "RISK_GROUPS",
    "SymptomAssessment",
    "assess_symptoms",
    "load_risk_factors",
    "load_symptoms",
    "nice_risk_factors",
    "normalise_risk_factors",
    "normalise_symptoms",
    "risk_factor_labels",
    "unasked_risk_factors",
]
