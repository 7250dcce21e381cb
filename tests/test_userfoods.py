"""Saved user foods: round trip, merge into load_foods, restarts, crashes, corrupt files."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from planner import load_foods
from planner.errors import InputError, UnknownFoodError
from planner.io.fdc import parse_fdc_food, parse_fdc_portions
from planner.io.userfoods import (
    UserFoodsWarning,
    b12_from_percent_dv,
    delete_user_food,
    label_food,
    read_user_foods,
    save_user_food,
    slugify,
    user_food_messages,
    user_foods_path,
)
from planner.schema import FOOD_COLUMNS, PORTION_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
FDC = Path(__file__).parent / "data" / "fdc"


def yeast():
    food = json.loads((FDC / "food_branded_full.json").read_text(encoding="utf-8"))
    return parse_fdc_food(food), parse_fdc_portions(food)


def oat_milk():
    return label_food("Oat drink, barista", 250, percent_dv=20, brand="Oaty")


@pytest.fixture(autouse=True)
def _fresh_messages():
    user_food_messages()
    yield
    user_food_messages()


@pytest.fixture
def small_table(tmp_path):
    """A one-food shipped table, so merging does not depend on the full data/ build."""
    row = {c: "" for c, t in FOOD_COLUMNS.items() if t == "str"}
    row.update(food_id="sr28:01123", source="sr28", description="Egg, whole, raw, fresh",
               group="Dairy and Egg Products", b12_ug=0.89, b12_added_ug=0.0,
               b12_fortified_ug=0.0, fortified_basis="none", kcal=143.0, protein_g=12.56,
               diet="vegetarian", diet_basis="SR", diet_verified=True, b12_reliable=True)
    foods = tmp_path / "foods.csv.gz"
    portions = tmp_path / "portions.csv.gz"
    pd.DataFrame([row], columns=list(FOOD_COLUMNS)).to_csv(foods, index=False)
    pd.DataFrame([{"food_id": "sr28:01123", "seq": 1, "label": "1 large", "grams": 50.0}],
                 columns=list(PORTION_COLUMNS)).to_csv(portions, index=False)
    return foods, portions


def run_py(code: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter (same B12_PLANNER_HOME): a real process restart."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, env=dict(os.environ), check=False)


# -- round trip and merge -------------------------------------------------------------------
def test_home_env_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("B12_PLANNER_HOME", str(tmp_path / "elsewhere"))
    assert user_foods_path() == tmp_path / "elsewhere" / "user_foods.json"


def test_empty_when_nothing_saved():
    foods, portions = read_user_foods()
    assert len(foods) == 0 and list(foods.columns) == list(FOOD_COLUMNS)
    assert dict(foods.dtypes.astype(str)) == FOOD_COLUMNS
    assert list(portions.columns) == list(PORTION_COLUMNS)


def test_round_trip_keeps_unknown_as_nan():
    row, portions = yeast()
    assert save_user_food(row, portions) == "fdc:2001234"
    save_user_food(oat_milk(), [("1 cup", 250)])
    foods, ports = read_user_foods()
    assert list(foods["food_id"]) == ["fdc:2001234", "user:oaty-oat-drink-barista"]
    assert dict(foods.dtypes.astype(str)) == FOOD_COLUMNS
    got = foods.iloc[0].to_dict()
    assert math.isnan(got["b12_added_ug"]) and got["b12_ug"] == 36.0
    assert got["diet_verified"] and got["b12_reliable"]
    assert ports[["food_id", "seq", "label", "grams"]].values.tolist() == [
        ["fdc:2001234", 1, "1/4 cup", 16.0], ["user:oaty-oat-drink-barista", 1, "1 cup", 250.0]]
    doc = json.loads(user_foods_path().read_text(encoding="utf-8"))   # readable JSON, null = ?
    assert doc["format"] == "b12-planner/user-foods" and doc["foods"][0]["b12_added_ug"] is None


def test_saving_again_replaces(tmp_path):
    row, portions = yeast()
    save_user_food(row, portions)
    save_user_food({**row, "b12_ug": 30.0}, portions)
    foods, _ = read_user_foods()
    assert list(foods["food_id"]) == ["fdc:2001234"] and foods["b12_ug"].iloc[0] == 30.0


def test_merged_into_load_foods_and_search(small_table):
    row, portions = yeast()
    save_user_food(row, portions)
    save_user_food(oat_milk(), [{"label": "1 glass", "grams": 250}])
    table = load_foods(*small_table, user_foods=read_user_foods())
    assert len(table) == 3 and "fdc:2001234" in table and "user:oaty-oat-drink-barista" in table
    assert table.get("fdc:2001234")["b12_fortified_ug"] == 36.0
    assert table.portions("user:oaty-oat-drink-barista").values.tolist() == [["1 glass", 250.0]]
    hits = table.search("nutritional yeast")
    assert hits["food_id"].iloc[0] == "fdc:2001234"
    assert len(load_foods(*small_table)) == 1  # the shipped table unless told otherwise


def test_load_foods_never_reads_the_user_folder_by_itself(small_table):
    save_user_food(oat_milk())
    assert len(read_user_foods()[0]) == 1, "precondition: a saved food exists"
    assert "user:oaty-oat-drink-barista" not in load_foods(*small_table)
    assert "user:oaty-oat-drink-barista" in load_foods(*small_table,
                                                       user_foods=read_user_foods())
    with pytest.raises(InputError, match="user_foods"):
        load_foods(*small_table, user_foods=True)


def test_delete():
    save_user_food(oat_milk())
    delete_user_food("user:oaty-oat-drink-barista")
    assert len(read_user_foods()[0]) == 0
    with pytest.raises(UnknownFoodError):
        delete_user_food("user:nothing")
    with pytest.raises(KeyError):
        delete_user_food("user:nothing")


@pytest.mark.parametrize("change, match", [
    ({"food_id": "sr28:01123"}, "user: or fdc:"),
    ({"food_id": ""}, "user: or fdc:"),
    ({"diet": "keto"}, "diet must be one of"),
    ({"b12_ug": -1}, "b12_ug"),
    ({"b12_ug": "lots"}, "b12_ug"),
    ({"description": " "}, "description is empty"),
])
def test_invalid_rows_are_refused_and_nothing_written(change, match):
    with pytest.raises(InputError, match=match):
        save_user_food({**oat_milk(), **change})
    assert not user_foods_path().exists()


def test_invalid_portion_refused():
    with pytest.raises(InputError, match="portion 1"):
        save_user_food(oat_milk(), [("1 cup", 0)])
    assert not user_foods_path().exists()


# -- restarts and crashes -------------------------------------------------------------------
def test_survives_a_process_restart():
    saved = run_py("""
        from planner.io.userfoods import label_food, save_user_food
        save_user_food(label_food("Soy drink", 240, 0.9, brand="Brand"), [("1 cup", 240)])
    """)
    assert saved.returncode == 0, saved.stderr
    read = run_py("""
        from planner.io.userfoods import read_user_foods
        foods, portions = read_user_foods()
        print(foods.food_id.tolist(), portions.grams.tolist())
    """)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "['user:brand-soy-drink'] [240.0]"


def test_crash_during_save_keeps_the_old_file():
    save_user_food(oat_milk())
    before = user_foods_path().read_bytes()
    # The process dies (no cleanup, no exception handling) after writing the temporary file
    # and before the rename: what a power cut or kill -9 at the worst moment does.
    crash = run_py("""
        import os
        import planner._files
        import planner.io.userfoods as uf
        planner._files.os.replace = lambda *a, **k: os._exit(9)
        uf.save_user_food(uf.label_food("Half saved", 100, 1.0))
    """)
    assert crash.returncode == 9, crash.stderr
    assert user_foods_path().read_bytes() == before
    leftovers = list(user_foods_path().parent.glob(".user_foods.json.*.tmp"))
    assert len(leftovers) == 1                       # the crash left its temporary file ...
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # ... which is no reason for a warning
        foods, _ = read_user_foods()
    assert list(foods["food_id"]) == ["user:oaty-oat-drink-barista"]
    old = time.time() - 3600
    os.utime(leftovers[0], (old, old))
    save_user_food(label_food("Later", 100, 1.0))    # a later save tidies stale temp files
    assert not leftovers[0].exists()


def test_failed_write_leaves_old_file_and_no_temp(monkeypatch):
    save_user_food(oat_milk())
    before = user_foods_path().read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("planner._files.os.fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        save_user_food(label_food("Other", 100, 1.0))
    assert user_foods_path().read_bytes() == before
    assert not list(user_foods_path().parent.glob(".user_foods.json.*.tmp"))


# -- corrupt files --------------------------------------------------------------------------
def test_corrupt_file_is_moved_aside_and_reported():
    path = user_foods_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"format": "b12-planner/user-foods", "foods": [{"food_id": "user:x"')
    with pytest.warns(UserFoodsWarning, match="corrupt") as record:
        foods, portions = read_user_foods()
    assert len(foods) == 0 and len(portions) == 0
    aside = path.with_name("user_foods.json.corrupt-1")
    assert aside.read_bytes().startswith(b'{"format"')          # preserved, byte for byte
    assert not path.exists()
    assert "user_foods.json.corrupt-1" in str(record[0].message)
    messages = user_food_messages()
    assert len(messages) == 1 and "corrupt-1" in messages[0]
    assert user_food_messages() == []                           # taken once

    path.write_text("not json at all", encoding="utf-8")        # a second corruption
    with pytest.warns(UserFoodsWarning):
        read_user_foods()
    assert path.with_name("user_foods.json.corrupt-2").read_text() == "not json at all"
    assert aside.read_bytes().startswith(b'{"format"')          # the first is not overwritten


def test_save_over_a_corrupt_file_never_overwrites_it_silently():
    path = user_foods_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe garbage")
    with pytest.warns(UserFoodsWarning, match="corrupt"):
        save_user_food(oat_milk())
    assert path.with_name("user_foods.json.corrupt-1").read_bytes() == b"\xff\xfe garbage"
    assert list(read_user_foods()[0]["food_id"]) == ["user:oaty-oat-drink-barista"]


def test_bad_entries_are_reported_good_ones_kept():
    row, portions = yeast()
    save_user_food(row, portions)
    save_user_food(oat_milk())
    path = user_foods_path()
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["foods"][1]["diet"] = "keto"
    original = json.dumps(doc)
    path.write_text(original, encoding="utf-8")
    with pytest.warns(UserFoodsWarning, match="keto"):
        foods, _ = read_user_foods()
    assert list(foods["food_id"]) == ["fdc:2001234"]
    assert path.with_name("user_foods.json.corrupt-1").read_text(encoding="utf-8") == original
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(read_user_foods()[0]["food_id"]) == ["fdc:2001234"]   # now clean


def test_load_foods_does_not_crash_on_a_corrupt_file(small_table):
    path = user_foods_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[1, 2", encoding="utf-8")
    with pytest.warns(UserFoodsWarning):
        table = load_foods(*small_table, user_foods=read_user_foods())
    assert len(table) == 1
    assert path.with_name("user_foods.json.corrupt-1").exists()


def test_file_from_a_newer_version_is_not_overwritten():
    path = user_foods_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": "b12-planner/user-foods", "version": 99,
                                "foods": []}), encoding="utf-8")
    with pytest.warns(UserFoodsWarning, match="newer"):
        read_user_foods()
    assert path.with_name("user_foods.json.corrupt-1").exists()


# -- foods from a label ---------------------------------------------------------------------
def test_percent_dv_needs_the_right_basis():
    assert b12_from_percent_dv(25) == pytest.approx(0.6)            # 2016 rule: 2.4 µg
    assert b12_from_percent_dv(25, dv_basis_ug=6.0) == pytest.approx(1.5)   # older labels
    new = label_food("Cereal", 30, percent_dv=25)
    old = label_food("Cereal", 30, percent_dv=25, dv_basis_ug=6.0)
    assert new["b12_ug"] == pytest.approx(2.0)                      # 0.6 µg per 30 g
    assert old["b12_ug"] == pytest.approx(5.0)                      # 1.5 µg per 30 g


def test_label_food_row():
    row = label_food("Fortified soy drink", 250, b12_per_serving_ug=0.95, brand="Brand X",
                     kcal_per_serving=100, protein_per_serving_g=7.5)
    assert list(row) == list(FOOD_COLUMNS)
    assert row["food_id"] == "user:brand-x-fortified-soy-drink" and row["source"] == "user"
    assert row["b12_ug"] == pytest.approx(0.38)
    assert row["b12_added_ug"] == row["b12_fortified_ug"] == row["b12_ug"]
    assert row["fortified_basis"] == "label" and row["b12_reliable"]
    assert row["kcal"] == pytest.approx(40.0) and row["protein_g"] == pytest.approx(3.0)
    assert row["diet"] == "vegan" and row["diet_verified"]
    assert row["manufacturer"] == "Brand X"


def test_label_food_checks_consistency_and_inputs():
    # 1.5 µg printed as 25 % DV is a label made under the old 6 µg DV.
    with pytest.raises(InputError, match="dv_basis_ug=6"):
        label_food("Cereal", 30, b12_per_serving_ug=1.5, percent_dv=25)
    ok = label_food("Cereal", 30, b12_per_serving_ug=0.6, percent_dv=25)
    assert ok["b12_ug"] == pytest.approx(2.0)
    with pytest.raises(InputError, match="per serving"):
        label_food("Cereal", 30)
    with pytest.raises(InputError, match="serving_g"):
        label_food("Cereal", 0, 1.0)
    with pytest.raises(InputError, match="diet"):
        label_food("Cereal", 30, 1.0, diet="paleo")
    with pytest.raises(InputError, match="name"):
        label_food(" ", 30, 1.0)


def test_unfortified_plant_claim_is_not_reliable():
    row = label_food("Spirulina tablets", 3, b12_per_serving_ug=2.0, fortified=False)
    assert not row["b12_reliable"] and "analogues" in row["b12_note"]
    assert row["b12_fortified_ug"] == 0 and row["fortified_basis"] == "none"
    dairy = label_food("Milk", 244, 1.1, fortified=False, diet="vegetarian")
    assert dairy["b12_reliable"] and dairy["b12_fortified_ug"] == 0


def test_slugify():
    assert slugify("Crème Fraîche, 30 % (Brand)") == "creme-fraiche-30-brand"
    assert slugify("!!!") == "food"
