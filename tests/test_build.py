"""The data build: reproducibility, spot values equal to USDA's, and the shipped table."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from planner.pipeline.build import FOODS_FILE, PORTIONS_FILE, SOURCES_FILE
from planner.schema import FOOD_COLUMNS, PORTION_COLUMNS

DATA = Path(__file__).resolve().parent.parent / "data"


# The session's one build is the fixture ``built`` (tests/conftest.py), made through the
# offline download (``data download --from-dir``): the build, run today, gives the bytes
# of the committed data/, built earlier.


@pytest.mark.usda
def test_build_is_byte_identical_to_committed_data(built):
    out, *_ = built
    for name in (FOODS_FILE, PORTIONS_FILE, SOURCES_FILE):
        assert (out / name).read_bytes() == (DATA / name).read_bytes(), name


@pytest.mark.usda
def test_offline_download_installs_the_release_and_builds(built):
    """``data download --from-dir``: the release copied from a folder laid out like
    ../shared/usda (the SR28 text files kept xz-compressed), then built into the out
    folder (the bytes: the test above)."""
    from planner.pipeline.download import SR28_DIR

    out, _, report, release = built
    assert {"foods.csv.gz", "portions.csv.gz"} <= set(report.built_files)
    assert report.out_dir == out
    assert (release / SR28_DIR / "NUT_DATA.txt.xz").exists()


@pytest.mark.usda
def test_build_counts(built):
    _, counts, *_ = built
    assert counts["foods_sr28"] == 8789
    assert counts["foods_fndds"] == 5432
    assert counts["foods"] == 8789 + 5432
    assert counts["b12_unknown_sr28"] == 1193  # README: 7,596 with a value, 1,193 without
    assert counts["b12_known_sr28"] == 7596
    assert counts["b12_unknown_fndds"] == 1  # 11000000 "Milk, human"
    assert counts["portions_sr28"] == 15438


@pytest.mark.usda
def test_sources_lists_every_input_checksum(usda_dir):
    text = (DATA / SOURCES_FILE).read_text(encoding="utf-8")
    sums = (usda_dir / "SHA256SUMS").read_text().split("\n")
    for line in filter(None, sums):
        digest, name = line.split(maxsplit=1)
        if "FOOTNOTE" in name or "CD.txt" in name or "NUTR_DEF" in name:
            continue  # not read by the build
        assert f"`{name}` | `{digest}`" in text, name


# -- the shipped table (no ../shared needed) ---------------------------------------------

def test_shipped_table_has_every_food(foods):
    ids = foods.df["food_id"]
    assert len(foods) == 8789 + 5432
    assert ids.str.startswith("sr28:").sum() == 8789
    assert ids.str.startswith("fndds:").sum() == 5432
    assert ids.str.fullmatch(r"sr28:\d{5}|fndds:\d{8}").all()
    assert list(foods.df.columns) == list(FOOD_COLUMNS)
    assert list(foods.portions_df.columns) == list(PORTION_COLUMNS)


@pytest.mark.parametrize("food_id, b12", [
    ("sr28:13325", 59.3),    # beef liver, raw
    ("sr28:15159", 98.89),   # clams, cooked, moist heat
    ("sr28:01077", 0.45),    # whole milk
    ("sr28:01123", 0.89),    # egg, whole, raw
    ("sr28:11667", 0.0),     # spirulina, dried
    ("sr28:43406", 0.5),     # yeast extract spread
    ("fndds:11320100", 0.39),  # soy milk, unsweetened
    ("fndds:11360200", 0.50),  # oat milk
    ("fndds:11350000", 0.33),  # almond milk, sweetened
])
def test_b12_equals_usda(foods, food_id, b12):
    assert foods.get(food_id)["b12_ug"] == b12


@pytest.mark.parametrize("food_id", ["fndds:11320100", "fndds:11360200", "fndds:11350000"])
def test_plant_milk_b12_all_added(foods, food_id):
    row = foods.get(food_id)
    assert row["b12_added_ug"] == row["b12_ug"] > 0
    assert row["b12_fortified_ug"] == row["b12_ug"]
    assert row["diet"] == "vegan"


def test_fortified_spread_inferred(foods):
    row = foods.get("sr28:04613")
    assert row["b12_ug"] == 10.8
    assert row["b12_added_ug"] == 0.0  # USDA's field stays as USDA gives it
    assert row["b12_fortified_ug"] == 10.8
    assert row["fortified_basis"] == "plant_food"
    assert row["diet"] == "vegan"


def test_fortified_never_exceeds_total(foods):
    df = foods.df.dropna(subset=["b12_ug"])
    assert (df["b12_fortified_ug"] <= df["b12_ug"] + 1e-12).all()
    assert set(foods.df["fortified_basis"]) == {"plant_food", "usda_added", "inferred_category",
                                                "inferred_name", "none"}
    assert foods.df.loc[foods.df["b12_ug"].isna(), "b12_fortified_ug"].isna().all()


def test_portions(foods):
    egg = foods.portions("sr28:01123")
    assert egg.iloc[0]["label"] == "1 large" and egg.iloc[0]["grams"] == 50
    milk = foods.portions("sr28:01077")
    assert milk.loc[milk["label"] == "1 cup", "grams"].tolist() == [244]
    p = foods.portions_df
    assert not ((p["food_id"].str.startswith("fndds:")) & (p["grams"] <= 0)).any()
    assert (p.groupby("food_id")["seq"].apply(lambda s: s.is_monotonic_increasing)).all()


def test_unknown_b12_is_nan_not_zero(foods):
    human = foods.get("fndds:11000000")
    assert math.isnan(human["b12_ug"])
    sources = (DATA / SOURCES_FILE).read_text(encoding="utf-8")
    total = re.search(r"\| total \| [\d,]+ \| [\d,]+ \| [\d,]+ \| ([\d,]+) \|", sources)
    assert total, "SOURCES.md has no totals row"
    assert foods.df["b12_ug"].isna().sum() == int(total.group(1).replace(",", ""))
    assert foods.df["b12_ug"].isna().sum() == 1193 + 1


def test_unreliable_sources_flagged(foods):
    for fid in ("sr28:11667", "sr28:11666", "sr28:11446", "sr28:16114", "sr28:16112"):
        row = foods.get(fid)
        assert not row["b12_reliable"], fid
        assert re.search(r"\[[A-Z][A-Z0-9 .-]+\]", row["b12_note"]), fid
    assert "pseudovitamin" in foods.get("sr28:11667")["b12_note"]
    reliable = foods.df[foods.df["b12_reliable"]]
    assert (reliable["b12_note"] == "").all()
    assert foods.get("sr28:13325")["b12_reliable"]


def test_diet_columns(foods):
    df = foods.df
    assert (df["diet_basis"] != "").all()
    assert foods.get("sr28:13325")["diet_basis"] == "SR group: Beef Products"
    assert foods.get("fndds:11111000")["diet_basis"].startswith("FNDDS ingredients: 01077")
    assert not foods.get("sr28:08013")["diet_verified"]  # branded cereal, no ingredient list
    assert foods.get("sr28:01077")["diet_verified"]
