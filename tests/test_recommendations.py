"""Recommendation tables: every authority × life stage against the reference (§1)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from planner.errors import InputError
from planner.model.profile import Profile
from planner.model.recommendations import (
    AUTHORITIES,
    compare_authorities,
    load_recommendations,
    normalise_authority,
    recommended_intake,
)

# (authority, age [y], pregnant, lactating, value µg/d, kind, published EAR or None, status)
# Figures typed in from /work/shared/reference/b12-science.md §1, not from the CSV; the UK
# EARs are COMA 1991's (it publishes LRNI, EAR and RNI) [COMA-91], the WHO ones the
# WHO/FAO 2004 average requirements (the IOM's EARs, which WHO adopted) [ORPHAN].
REFERENCE = [
    # §1.1 NASEM / IOM 1998
    ("NASEM", 0.25, False, False, 0.4, "AI", None, "verified"),
    ("NASEM", 0.75, False, False, 0.5, "AI", None, "verified"),
    ("NASEM", 2, False, False, 0.9, "RDA", 0.7, "verified"),
    ("NASEM", 6, False, False, 1.2, "RDA", 1.0, "verified"),
    ("NASEM", 11, False, False, 1.8, "RDA", 1.5, "verified"),
    ("NASEM", 16, False, False, 2.4, "RDA", 2.0, "verified"),
    ("NASEM", 30, False, False, 2.4, "RDA", 2.0, "verified"),
    ("NASEM", 70, False, False, 2.4, "RDA", 2.0, "verified"),
    ("NASEM", 28, True, False, 2.6, "RDA", 2.2, "verified"),
    ("NASEM", 28, False, True, 2.8, "RDA", 2.4, "verified"),
    # §1.2 EFSA 2015
    ("EFSA", 0.75, False, False, 1.5, "AI", None, "verified"),
    ("EFSA", 2, False, False, 1.5, "AI", None, "unconfirmed"),
    ("EFSA", 5, False, False, 1.5, "AI", None, "unconfirmed"),
    ("EFSA", 8, False, False, 2.5, "AI", None, "unconfirmed"),
    ("EFSA", 12, False, False, 3.5, "AI", None, "unconfirmed"),
    ("EFSA", 16, False, False, 4.0, "AI", None, "verified"),
    ("EFSA", 40, False, False, 4.0, "AI", None, "verified"),
    ("EFSA", 30, True, False, 4.5, "AI", None, "verified"),
    ("EFSA", 30, False, True, 5.0, "AI", None, "verified"),
    # §1.3 D-A-CH 2018/2019 (estimated values)
    ("DACH", 2 / 12, False, False, 0.5, "AI", None, "verified"),
    ("DACH", 6 / 12, False, False, 1.4, "AI", None, "verified"),
    ("DACH", 2, False, False, 1.5, "AI", None, "verified"),
    ("DACH", 5, False, False, 2.0, "AI", None, "verified"),
    ("DACH", 8, False, False, 2.5, "AI", None, "verified"),
    ("DACH", 11, False, False, 3.5, "AI", None, "verified"),
    ("DACH", 14, False, False, 4.0, "AI", None, "verified"),
    ("DACH", 17, False, False, 4.0, "AI", None, "verified"),
    ("DACH", 70, False, False, 4.0, "AI", None, "verified"),
    ("DACH", 30, True, False, 4.5, "AI", None, "verified"),
    ("DACH", 30, False, True, 5.5, "AI", None, "verified"),
    # §1.4 UK COMA 1991
    ("UK", 0.25, False, False, 0.3, "RNI", 0.25, "unconfirmed"),
    ("UK", 0.75, False, False, 0.4, "RNI", 0.35, "unconfirmed"),
    ("UK", 2, False, False, 0.5, "RNI", 0.4, "unconfirmed"),
    ("UK", 5, False, False, 0.8, "RNI", 0.7, "unconfirmed"),
    ("UK", 8, False, False, 1.0, "RNI", 0.8, "unconfirmed"),
    ("UK", 12, False, False, 1.2, "RNI", 1.0, "unconfirmed"),
    ("UK", 40, False, False, 1.5, "RNI", 1.25, "verified"),
    ("UK", 30, True, False, 1.5, "RNI", 1.25, "unconfirmed"),
    ("UK", 30, False, True, 2.0, "RNI", 1.75, "secondary"),
    # §1.5 WHO/FAO 2004
    ("WHO", 0.25, False, False, 0.4, "RNI", None, "unconfirmed"),
    ("WHO", 0.75, False, False, 0.7, "RNI", 0.6, "unconfirmed"),
    ("WHO", 2, False, False, 0.9, "RNI", 0.7, "unconfirmed"),
    ("WHO", 5, False, False, 1.2, "RNI", 1.0, "unconfirmed"),
    ("WHO", 8, False, False, 1.8, "RNI", 1.5, "unconfirmed"),
    ("WHO", 15, False, False, 2.4, "RNI", 2.0, "unconfirmed"),
    ("WHO", 40, False, False, 2.4, "RNI", 2.0, "verified"),
    ("WHO", 30, True, False, 2.6, "RNI", 2.2, "secondary"),
    ("WHO", 30, False, True, 2.8, "RNI", 2.4, "secondary"),
]


def _profile(authority, age, pregnant, lactating):
    return Profile(age=age, sex="female", pregnant=pregnant, lactating=lactating,
                   authority=authority)


@pytest.mark.parametrize("authority,age,pregnant,lactating,value,kind,ear,status", REFERENCE)
def test_every_row_matches_the_reference(authority, age, pregnant, lactating, value, kind, ear,
                                         status):
    rec = recommended_intake(_profile(authority, age, pregnant, lactating))
    assert rec.authority == authority
    assert rec.value_ug == pytest.approx(value)
    assert rec.kind == kind
    assert rec.status == status
    assert rec.source.startswith("[")
    # absorbed goal line: intake × 50 % [IOM p.309]
    assert rec.target_absorbed_ug == pytest.approx(value * 0.5)
    if ear is None:  # AI only: no requirement line is invented [IOM-2000]
        assert math.isnan(rec.ear_ug)
        assert rec.ai_only
        assert math.isnan(rec.requirement_intake_ug)
        assert math.isnan(rec.requirement_absorbed_ug)
        assert rec.requirement_basis.startswith("none")
    else:
        assert rec.ear_ug == pytest.approx(ear)
        assert rec.requirement_absorbed_ug == pytest.approx(ear * 0.5)
    assert rec.confirmed == (status != "unconfirmed")


def test_reference_cases_cover_every_table_row():
    table = load_recommendations()
    hit = set()
    for authority, age, pregnant, lactating, *_ in REFERENCE:
        rec = recommended_intake(_profile(authority, age, pregnant, lactating))
        hit.add((rec.authority, rec.life_stage))
    rows = set(zip(table["authority"], table["life_stage"], strict=True))
    assert rows == hit


def test_absorbed_lines_for_adults_match_the_reference_table():
    # §4.3 "Absorbed-equivalent targets": IOM EAR 1.0, RDA 1.2, EFSA/D-A-CH AI 2.0
    nasem = recommended_intake(Profile(age=35))
    assert nasem.requirement_absorbed_ug == pytest.approx(1.0)
    assert nasem.target_absorbed_ug == pytest.approx(1.2)
    for auth in ("EFSA", "DACH"):
        assert recommended_intake(Profile(age=35, authority=auth)).target_absorbed_ug == \
            pytest.approx(2.0)


@pytest.mark.parametrize("age,stage", [(50.9, "19–50 y"), (51, "51+ y"), (18.99, "14–18 y"),
                                       (0.4999, "0–6 mo"), (0.5, "7–12 mo")])
def test_band_edges(age, stage):
    assert recommended_intake(Profile(age=age)).life_stage == stage


def test_dach_infant_edge_at_four_months():
    assert recommended_intake(Profile(age_months=4, authority="DACH")).value_ug == 1.4
    assert recommended_intake(Profile(age_months=3.9, authority="DACH")).value_ug == 0.5


def test_efsa_has_no_value_for_young_infants():
    with pytest.raises(InputError, match="EFSA.*choose another authority"):
        recommended_intake(Profile(age_months=3, authority="EFSA"))
    side = compare_authorities(Profile(age_months=3))
    efsa = side.set_index("authority").loc["EFSA"]
    assert math.isnan(efsa["value_ug"]) and "No value" in efsa["note"]


def test_compare_authorities_side_by_side():
    df = compare_authorities(Profile(age=30, lactating=True))
    assert list(df["authority"]) == list(AUTHORITIES)
    assert dict(zip(df["authority"], df["value_ug"], strict=True)) == {
        "NASEM": 2.8, "EFSA": 5.0, "DACH": 5.5, "UK": 2.0, "WHO": 2.8}
    assert {"kind", "source", "target_absorbed_ug", "requirement_absorbed_ug",
            "confirmed", "status"} <= set(df.columns)


def test_unconfirmed_band_is_flagged():
    rec = recommended_intake(Profile(age=8, authority="UK"))
    flags = rec.flags()
    assert flags and flags[0]["code"] == "recommendation_unconfirmed"
    assert "unconfirmed" in flags[0]["message"]
    assert recommended_intake(Profile(age=30)).flags() == []


def test_authority_override_and_aliases():
    assert recommended_intake(Profile(age=30), authority="efsa").value_ug == 4.0
    assert normalise_authority("IOM") == "NASEM"
    assert normalise_authority("d-a-ch") == "DACH"
    with pytest.raises(InputError, match="authority"):
        normalise_authority("FDA")


def test_recommended_intake_rejects_non_profiles():
    with pytest.raises(InputError, match="profile"):
        recommended_intake({"age": 30})


def test_table_is_human_editable_csv():
    from planner._paths import data_path

    df = pd.read_csv(data_path("recommendations.csv"))
    assert set(df["kind"]) <= {"RDA", "AI", "RNI", "PRI"}
    assert set(df["authority"]) == set(AUTHORITIES)
    assert (df["source"].str.len() > 0).all()


def test_load_recommendations_reports_a_bad_file(tmp_path):
    from planner.errors import DataFileError

    bad = tmp_path / "rec.csv"
    bad.write_text("authority,life_stage\nNASEM,x\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        load_recommendations(bad)
    good = load_recommendations()
    good.loc[0, "kind"] = "XYZ"
    good.to_csv(tmp_path / "rec2.csv", index=False)
    with pytest.raises(DataFileError, match="kind"):
        load_recommendations(tmp_path / "rec2.csv")
