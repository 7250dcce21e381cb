"""Lab results (planner.model.labs), symptoms and risk factors (planner.model.symptoms),
treatment information.

Table-driven: every band edge in every unit, every combination rule, each caveat and
every kind of bad input.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import planner
from planner.errors import DataFileError, InputError
from planner.model.absorption import CONDITIONS
from planner.model.labs import (
    CAVEATS,
    COMBINATION,
    FINDING_COLUMNS,
    LAB_CATEGORIES,
    MOLAR_MASS_G_PER_MOL,
    NG_PER_L_PER_PMOL_PER_L,
    convert,
    findings_as_text,
    interpret_labs,
    load_lab_markers,
    load_lab_thresholds,
    normalise_unit,
    parse_lab_value,
    treatment_information,
)
from planner.model.symptoms import (
    LEVELS,
    assess_symptoms,
    load_risk_factors,
    load_symptoms,
)

PMOL = NG_PER_L_PER_PMOL_PER_L


def band(**kw) -> str:
    r = interpret_labs(**kw)
    assert len(r.findings) == 1
    return r.findings["band"].iloc[0]


# -- units ------------------------------------------------------------------------------------
def test_b12_conversion_follows_from_the_molar_mass():
    # 1 pmol/L × 1355.37 g/mol = 1355.37 pg/L = 1.35537 ng/L, rounded as labs quote it
    assert_allclose(MOLAR_MASS_G_PER_MOL / 1000, PMOL, atol=5e-4)
    assert convert(1, "total_b12", "pmol/L", "ng/L") == pytest.approx(1.355)
    assert convert(200, "total_b12", "pg/mL", "pmol/L") == pytest.approx(147.6, abs=0.05)
    assert convert(300, "total_b12", "pg/mL", "pmol/L") == pytest.approx(221.4, abs=0.05)
    assert convert(180, "total_b12", "ng/L", "pg/mL") == 180
    assert convert(271, "mma", "nmol/L", "µmol/L") == 0.271


@pytest.mark.parametrize("marker, spelled, canonical", [
    ("total_b12", "pmol/l", "pmol/L"), ("total_b12", " PG/ML ", "pg/mL"),
    ("total_b12", "ng / L", "ng/L"), ("total_b12", "ng/litre", "ng/L"),
    ("mma", "umol/L", "µmol/L"), ("mma", "μmol/L", "µmol/L"), ("mma", "µmol/L", "µmol/L"),
    ("mma", "mcmol/L", "µmol/L"), ("mma", "nmol/l", "nmol/L"),
    ("homocysteine", "umol/l", "µmol/L"), ("holotc", "pmol/L", "pmol/L"),
])
def test_unit_spellings(marker, spelled, canonical):
    assert normalise_unit(marker, spelled) == canonical


# -- every band edge, both units --------------------------------------------------------------
TOTAL_B12_EDGES = [
    # ng/L and pg/mL: the guideline's own unit, edges exact
    (179.9, "ng/L", "deficiency_likely"), (180, "ng/L", "indeterminate"),
    (350, "ng/L", "indeterminate"), (350.1, "ng/L", "deficiency_unlikely"),
    (179.9, "pg/mL", "deficiency_likely"), (180, "pg/mL", "indeterminate"),
    (350, "pg/mL", "indeterminate"), (350.1, "pg/mL", "deficiency_unlikely"),
    # pmol/L (the default unit): edges 132.84 and 258.30 pmol/L, NICE's 133 and 258
    (132.8, "pmol/L", "deficiency_likely"), (180 / PMOL, "pmol/L", "indeterminate"),
    (132.9, "pmol/L", "indeterminate"), (133, "pmol/L", "indeterminate"),
    (258, "pmol/L", "indeterminate"), (350 / PMOL, "pmol/L", "indeterminate"),
    (258.4, "pmol/L", "deficiency_unlikely"), (259, "pmol/L", "deficiency_unlikely"),
    (132, "pmol/L", "deficiency_likely"),
]


@pytest.mark.parametrize("value, unit, expected", TOTAL_B12_EDGES)
def test_total_b12_band_edges(value, unit, expected):
    assert band(total_b12=(value, unit)) == expected
    if unit == "pmol/L":  # a bare number is in the default unit
        assert band(total_b12=value) == expected


@pytest.mark.parametrize("value, expected", [
    (24.9, "deficiency_likely"), (25, "indeterminate"), (70, "indeterminate"),
    (70.1, "deficiency_unlikely"),
])
def test_holotc_band_edges(value, expected):
    assert band(holotc=value) == expected
    assert band(holotc=(value, "pmol/L")) == expected


@pytest.mark.parametrize("value, unit, expected", [
    (0.271, "µmol/L", "not_raised"), (0.2711, "µmol/L", "raised"),
    (0.271, "umol/L", "not_raised"), (0.272, "umol/L", "raised"),
    (271, "nmol/L", "not_raised"), (271.1, "nmol/L", "raised"),
    (0.07, "µmol/L", "not_raised"), (3.5, "µmol/L", "raised"),
])
def test_mma_band_edges(value, unit, expected):
    assert band(mma=(value, unit)) == expected
    if unit == "µmol/L":
        assert band(mma=value) == expected


@pytest.mark.parametrize("value, expected", [(15, "not_raised"), (15.01, "raised"),
                                             (8, "not_raised")])
def test_homocysteine_band_edges(value, expected):
    assert band(homocysteine=value) == expected
    assert band(homocysteine=(value, "umol/L")) == expected


def test_findings_frame_keeps_value_and_unit_as_given():
    r = interpret_labs(total_b12=(250, "pg/mL"), mma=(350, "nmol/L"))
    f = r.findings
    assert list(f.columns) == list(FINDING_COLUMNS)
    t = f.set_index("marker")
    assert t.loc["total_b12", "value"] == 250 and t.loc["total_b12", "unit"] == "pg/mL"
    assert t.loc["total_b12", "default_unit"] == "pmol/L"
    assert t.loc["total_b12", "default_value"] == pytest.approx(250 / PMOL)
    assert t.loc["mma", "default_value"] == pytest.approx(0.35)
    assert t.loc["total_b12", "range"] == "180–350 ng/L (132.8–258.3 pmol/L)"
    assert t.loc["total_b12", "guideline"] == "NICE NG239 (2024)"
    assert "[NICE-NG239]" in t.loc["total_b12", "source"]
    assert "[KUZMINSKI-98]" in t.loc["mma", "source"]
    assert findings_as_text(r)[0].startswith("Total (serum) B12: 250 pg/mL (184.5 pmol/L)")


# -- combining the markers --------------------------------------------------------------------
_CIRC = {"deficiency_likely": 100, "indeterminate": 200, "deficiency_unlikely": 400}
_MMA = {"raised": 0.5, "not_raised": 0.2}


@pytest.mark.parametrize("key", sorted(COMBINATION, key=str))
def test_every_combination_rule(key):
    circ, mma = key
    category, rule = COMBINATION[key]
    kw = {}
    if circ is not None:
        kw["total_b12"] = _CIRC[circ]
    if mma is not None:
        kw["mma"] = _MMA[mma]
    if not kw:
        kw["homocysteine"] = 20
    r = interpret_labs(**kw)
    assert (r.category, r.rule) == (category, rule)
    assert category in LAB_CATEGORIES
    assert r.next_steps and all(isinstance(s, str) and s for s in r.next_steps)


def test_raised_mma_makes_an_indeterminate_result_likely():
    assert interpret_labs(total_b12=(250, "pg/mL")).category == "indeterminate"
    assert interpret_labs(total_b12=(250, "pg/mL"), mma=0.4).category == "deficiency_likely"
    assert interpret_labs(holotc=40, mma=(400, "nmol/L")).category == "deficiency_likely"
    r = interpret_labs(total_b12=(250, "pg/mL"))
    assert "MMA" in r.next_steps[0]  # NICE advises MMA for indeterminate results


def test_homocysteine_supports_but_never_changes_the_category():
    for total in (100, 200, 400):
        plain = interpret_labs(total_b12=total)
        with_hcy = interpret_labs(total_b12=total, homocysteine=30)
        assert with_hcy.category == plain.category
        assert any("not specific" in s for s in with_hcy.next_steps)
    assert interpret_labs(homocysteine=30).category == "indeterminate"


def test_the_lower_circulating_band_is_used_and_the_disagreement_said():
    r = interpret_labs(total_b12=400, holotc=20)
    assert r.category == "deficiency_likely"
    assert any("different bands" in s for s in r.next_steps)


# -- caveats ------------------------------------------------------------------------------------
@pytest.mark.parametrize("flag, markers, absent_for", [
    ("pregnant", {"total_b12": 200}, {"holotc": 50}),
    ("kidney_disease", {"mma": 0.4}, {"total_b12": 200}),
    ("nitrous_oxide", {"total_b12": 400}, None),
    ("recent_b12", {"holotc": 80}, {"mma": 0.2}),
    ("oral_contraceptives", {"total_b12": 150}, {"holotc": 50}),
])
def test_each_caveat_by_flag_and_only_where_it_applies(flag, markers, absent_for):
    on = interpret_labs(**markers, **{flag: True})
    assert on.caveat_codes[0] == flag
    assert on.caveats[0] == CAVEATS[flag].text
    assert on.caveat_codes[-1] == "lab_ranges"  # always last
    assert flag not in interpret_labs(**markers).caveat_codes
    assert flag not in interpret_labs(**markers, **{flag: False}).caveat_codes
    if absent_for is not None:  # a caveat about another test is left out
        assert flag not in interpret_labs(**absent_for, **{flag: True}).caveat_codes


@pytest.mark.parametrize("profile, code", [
    (SimpleNamespace(pregnant=True), "pregnant"),
    (SimpleNamespace(life_stage="pregnancy"), "pregnant"),
    (SimpleNamespace(conditions=("kidney_disease",)), "kidney_disease"),
    (SimpleNamespace(conditions=["CKD"]), "kidney_disease"),
    (SimpleNamespace(risk_factors=("nitrous_oxide",)), "nitrous_oxide"),
    (SimpleNamespace(conditions=("b12 injections",)), "recent_b12"),
    (SimpleNamespace(risk_factors=("oral-contraceptives",)), "oral_contraceptives"),
    (SimpleNamespace(age=14), "under_16"),
    (planner.Profile(age=30, sex="female", pregnant=True), "pregnant"),
    (planner.Profile(age=30, conditions=("nitrous_oxide",)), "nitrous_oxide"),
])
def test_caveats_read_duck_typed_from_the_profile(profile, code):
    r = interpret_labs(total_b12=200, mma=0.3, profile=profile)
    assert code in r.caveat_codes


def test_an_explicit_flag_overrides_the_profile():
    p = SimpleNamespace(pregnant=True)
    assert "pregnant" not in interpret_labs(total_b12=200, profile=p,
                                            pregnant=False).caveat_codes
    assert interpret_labs(total_b12=200, profile=object()).caveat_codes == ("lab_ranges",)


def test_nitrous_oxide_without_mma_or_homocysteine_asks_for_them():
    r = interpret_labs(total_b12=500, nitrous_oxide=True)
    assert r.category == "deficiency_unlikely"
    assert any("MMA or homocysteine" in s for s in r.next_steps)


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kw, words", [
    ({}, ["at least one result"]),
    ({"total_b12": -5}, ["negative"]),
    ({"total_b12": (-5, "pg/mL")}, ["negative"]),
    ({"total_b12": math.nan}, ["not a finite number"]),
    ({"mma": math.inf}, ["not a finite number"]),
    ({"total_b12": "250"}, ["not a number", "parse_lab_value"]),
    ({"total_b12": True}, ["not a number"]),
    ({"holotc": {"value": 40}}, ["not a number"]),
    ({"holotc": np.array([40.0])}, ["not a number"]),
    ({"total_b12": (250,)}, ["(value, unit) pair"]),
    ({"total_b12": (250, "pg/mL", "x")}, ["(value, unit) pair"]),
    ({"total_b12": (None, "pg/mL")}, ["not a number"]),
    ({"total_b12": (250, None)}, ["not a unit", "pmol/L, pg/mL, ng/L"]),
    ({"total_b12": (250, "mg/dL")}, ["mg/dL is not a unit for total B12"]),
    ({"total_b12": (250, "µmol/L")}, ["µmol/L is not a unit for total B12"]),
    ({"total_b12": (250, "furlongs")}, ["'furlongs' is not known"]),
    ({"mma": (0.3, "pg/mL")}, ["pg/mL is not a unit for MMA", "µmol/L, nmol/L"]),
    ({"holotc": (40, "nmol/L")}, ["not a unit for active B12"]),
    ({"homocysteine": (12, "mg/L")}, ["not a unit for homocysteine"]),
    ({"total_b12": 0}, ["outside what assays report", "detection limit"]),
    ({"total_b12": (5, "pg/mL")}, ["outside what assays report"]),
    ({"total_b12": (200_000, "pg/mL")}, ["outside what assays report"]),
    ({"holotc": 0.5}, ["outside what assays report"]),
    ({"holotc": 9000}, ["outside what assays report"]),
    ({"mma": 271}, ["outside what assays report", "Was it in nmol/L", "0.271 µmol/L"]),
    ({"mma": (0.001, "µmol/L")}, ["outside what assays report"]),
    ({"homocysteine": 0.1}, ["outside what assays report"]),
    ({"homocysteine": 5000}, ["outside what assays report"]),
    ({"total_b12": 200, "pregnant": "yes"}, ["pregnant must be True, False or None"]),
])
def test_bad_input_says_what_is_wrong(kw, words):
    with pytest.raises(InputError) as exc:
        interpret_labs(**kw)
    for w in words:
        assert w in str(exc.value)


def test_every_problem_is_listed_in_one_error():
    with pytest.raises(InputError) as exc:
        interpret_labs(total_b12=(250, "mg/dL"), mma=-1, holotc=40)
    msg = str(exc.value)
    assert "total_b12" in msg and "mma" in msg and "holotc" not in msg


def test_plausible_ranges_have_a_basis():
    m = load_lab_markers()
    assert set(m["marker"]) == set(planner.LAB_MARKERS)
    assert m["plausible_basis"].str.contains(r"\[").all()
    assert (m["plausible_min"] > 0).all() and (m["plausible_max"] > m["plausible_min"]).all()


@pytest.mark.parametrize("text, expected", [
    ("250 pg/mL", (250.0, "pg/mL")), ("250pg/mL", (250.0, "pg/mL")), ("185", 185.0),
    (" 0.35 umol/L ", (0.35, "umol/L")), ("350 nmol/L", (350.0, "nmol/L")),
    ("1e2 pmol/L", (100.0, "pmol/L")),
])
def test_parse_lab_value(text, expected):
    assert parse_lab_value(text) == expected


@pytest.mark.parametrize("text, words", [
    ("<50 pg/mL", ["a limit, not a value"]), ("> 1476", ["a limit"]),
    ("1,200 pg/mL", ["without a comma"]), ("abc", ["does not start with a number"]),
    ("", ["does not start with a number"]), (250, ["must be text"]),
])
def test_parse_lab_value_refuses_to_guess(text, words):
    with pytest.raises(InputError) as exc:
        parse_lab_value(text)
    for w in words:
        assert w in str(exc.value)


# -- the data files ---------------------------------------------------------------------------
def test_threshold_table_is_the_guideline():
    t = load_lab_thresholds()
    edges = {(r.marker, r.band): (r.lower, r.upper, r.unit) for r in t.itertuples()}
    assert edges[("total_b12", "deficiency_likely")][1:] == (180, "ng/L")
    assert edges[("total_b12", "indeterminate")][:2] == (180, 350)
    assert edges[("holotc", "indeterminate")][:2] == (25, 70)
    assert edges[("mma", "raised")][0] == 0.271
    assert edges[("homocysteine", "raised")][0] == 15
    assert (t["source"].str.len() > 0).all()
    assert set(t.loc[t["marker"].isin(["total_b12", "holotc"]), "guideline"]) == {
        "NICE NG239 (2024)"}


def test_a_gap_between_bands_is_refused(tmp_path):
    src = load_lab_thresholds()
    src.loc[(src["marker"] == "holotc") & (src["band"] == "indeterminate"), "lower"] = 26
    bad = tmp_path / "t.csv"
    src.to_csv(bad, index=False)
    with pytest.raises(DataFileError, match="must meet at one edge"):
        load_lab_thresholds(bad)
    missing = tmp_path / "missing.csv"
    with pytest.raises(DataFileError, match="missing or unreadable"):
        load_lab_thresholds(missing)


# -- symptoms and risk factors ------------------------------------------------------------------
SEED_SYMPTOMS = ("fatigue", "breathlessness", "pale_skin", "sore_tongue", "mouth_ulcers",
                 "pins_and_needles", "numbness", "balance_problems", "vision_problems",
                 "memory_problems", "mood_changes")
NEUROLOGICAL = {"pins_and_needles", "numbness", "balance_problems", "vision_problems",
                "memory_problems"}


def test_symptom_vocabulary_covers_the_seed_list():
    v = load_symptoms()
    assert tuple(v["key"]) == SEED_SYMPTOMS
    assert set(v.loc[v["neurological"], "key"]) == NEUROLOGICAL
    assert v["source"].str.startswith("[").all()


def test_risk_factor_vocabulary_covers_nice_and_the_conditions():
    keys = set(load_risk_factors()["key"])
    assert set(CONDITIONS) <= keys  # profile.conditions can be passed as they are
    assert {"metformin", "ppi", "h2_blocker", "colchicine", "anticonvulsants",
            "bariatric_surgery", "gastrectomy", "ileal_resection", "autoimmune_condition",
            "family_history", "nitrous_oxide", "heavy_alcohol_use"} <= keys


@pytest.mark.parametrize("key", sorted(NEUROLOGICAL))
def test_each_neurological_symptom_needs_a_clinician(key):
    a = assess_symptoms([key])
    assert a.level == "urgent" and a.needs_clinician and a.neurological == (key,)
    assert "permanent" in a.messages[0] and "do not wait" in a.messages[0]


@pytest.mark.parametrize("symptoms, risks, level", [
    (["fatigue"], ["metformin"], "test_advised"),
    (["sore_tongue", "mouth_ulcers"], ["family_history"], "test_advised"),
    (["fatigue"], [], "test_suggested"),
    (["mood_changes"], [], "test_suggested"),
    ([], ["ppi", "colchicine"], "risk_factors"),
    ([], [], "none"),
    (["fatigue"], ["nitrous_oxide"], "urgent"),
    (["numbness", "fatigue"], ["metformin"], "urgent"),
])
def test_symptom_levels(symptoms, risks, level):
    a = assess_symptoms(symptoms, risks)
    assert a.level == level and level in LEVELS
    assert a.needs_clinician is (level == "urgent")
    assert bool(a.messages) is (level != "none")


def test_risk_factors_make_the_test_advice_stronger():
    weak = assess_symptoms(["fatigue"]).messages[0]
    strong = assess_symptoms(["fatigue"], ["metformin"]).messages[0]
    assert "ask your doctor for a B12 blood test" in strong and "NICE" in strong
    assert "whether a B12 blood test makes sense" in weak


def test_symptom_names_are_normalised_and_unknown_ones_refused():
    a = assess_symptoms("Pins and needles, tiredness", ["H2 blocker", "pernicious anaemia"])
    assert a.symptoms == ("fatigue", "pins_and_needles")
    assert a.risk_factors == ("h2_blocker", "pernicious_anemia")
    with pytest.raises(InputError, match="'headache' not known"):
        assess_symptoms(["headache"])
    with pytest.raises(InputError, match="risk_factors"):
        assess_symptoms([], ["smoking"])
    with pytest.raises(InputError, match="list of names"):
        assess_symptoms(5)


# -- treatment information ----------------------------------------------------------------------
LIKELY = dict(total_b12=(150, "pg/mL"))


def test_treatment_information_only_when_deficiency_is_likely():
    for kw in (dict(total_b12=(250, "pg/mL")), dict(total_b12=500)):
        info = treatment_information(interpret_labs(**kw))
        assert not info.applies and info.messages == [] and info.regimens.empty
    info = treatment_information(interpret_labs(**LIKELY))
    assert info.applies and not info.urgent
    assert list(info.regimens["option"])[:2] == ["High-dose oral B12", "B12 injections"]
    assert info.regimens.iloc[0]["dose"] == "1000–2000 µg a day"
    assert any("diet plan is for afterwards" in m for m in info.messages)
    assert any("not a prescription" in m for m in info.messages)
    assert info.regimens["source"].str.contains(r"\[").all()


def test_injections_first_and_urgent_with_neurological_symptoms():
    info = treatment_information(interpret_labs(**LIKELY), ["numbness"])
    assert info.urgent
    assert info.regimens.iloc[0]["option"] == "B12 injections"
    assert "Urgently with neurological symptoms" in info.regimens.iloc[0]["when"]


@pytest.mark.parametrize("risk", ["pernicious_anemia", "bariatric_surgery", "gastrectomy",
                                  "ileal_resection"])
def test_lifelong_where_the_cause_is_malabsorption(risk):
    info = treatment_information(interpret_labs(**LIKELY), risk_factors=[risk])
    assert "Lifelong treatment" in list(info.regimens["option"])
    assert any("lifelong" in m for m in info.messages)
    assert "Lifelong treatment" not in list(
        treatment_information(interpret_labs(**LIKELY), risk_factors=["metformin"])
        .regimens["option"])
    via_profile = treatment_information(interpret_labs(**LIKELY),
                                        profile=SimpleNamespace(conditions=(risk,)))
    assert "Lifelong treatment" in list(via_profile.regimens["option"])


def test_no_adult_regimens_for_a_child():
    info = treatment_information(interpret_labs(**LIKELY), profile=SimpleNamespace(age=12))
    assert info.applies and info.regimens.empty
    assert any("paediatrician" in m for m in info.messages)


def test_treatment_information_checks_its_input():
    with pytest.raises(InputError, match="interpret_labs"):
        treatment_information({"category": "deficiency_likely"})


def test_public_face():
    for name in ("interpret_labs", "LabInterpretation", "assess_symptoms",
                 "SymptomAssessment", "treatment_information", "load_symptoms",
                 "load_risk_factors", "parse_lab_value", "write_report"):
        assert name in planner.__all__ and hasattr(planner, name)
    assert isinstance(planner.interpret_labs(total_b12=300).findings, pd.DataFrame)
