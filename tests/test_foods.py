"""The shipped food table: loading, look-up, search and error handling."""

from __future__ import annotations

import gzip
import math

import pandas as pd
import pytest

from planner import DataFileError, FoodTable, InputError, UnknownFoodError, load_foods
from planner.model.foods import read_table
from planner.schema import DIET_ORDER, FOOD_COLUMNS, PORTION_COLUMNS


def test_schema_and_dtypes(foods):
    assert list(foods.df.columns) == list(FOOD_COLUMNS)
    assert list(foods.portions_df.columns) == list(PORTION_COLUMNS)
    for col, dtype in FOOD_COLUMNS.items():
        if dtype == "float64":
            assert foods.df[col].dtype == "float64", col
        elif dtype == "bool":
            assert foods.df[col].dtype == bool, col
    assert set(foods.df["diet"]) <= set(DIET_ORDER)
    assert foods.df["food_id"].is_unique


def test_every_usda_food_is_there(foods):
    src = foods.df["source"].value_counts()
    assert src["sr28"] == 8789  # FOOD_DES rows in SR28
    assert src["fndds"] == 5432  # FNDDS 2021-2023 Foods and Beverages


@pytest.mark.parametrize(
    "food_id, b12, added",
    [
        ("sr28:13325", 59.3, None),   # beef liver, raw (USDA SR28)
        ("sr28:01077", 0.45, None),   # milk, whole
        ("sr28:01123", 0.89, None),   # egg, whole, raw
        ("sr28:15159", 98.89, None),  # clams, cooked, moist heat
        ("fndds:11360200", 0.5, 0.5),  # oat milk: all added
        ("fndds:11320100", 0.39, 0.39),  # soy milk unsweetened: all added
    ],
)
def test_spot_values_equal_usda(foods, food_id, b12, added):
    row = foods.get(food_id)
    assert row["b12_ug"] == pytest.approx(b12)
    if added is not None:
        assert row["b12_added_ug"] == pytest.approx(added)
        assert row["b12_fortified_ug"] == pytest.approx(added)


def test_unknown_is_not_zero(foods):
    # SR28: 1,193 foods have no B12 value at all (USDA README); they must load as NaN.
    sr = foods.df[foods.df["source"] == "sr28"]
    assert sr["b12_ug"].isna().sum() == 1193
    assert math.isnan(foods.get("fndds:11000000")["b12_ug"])  # human milk: no nutrient row


def test_portions(foods):
    p = foods.portions("sr28:01123")
    assert p.loc[p["label"] == "1 large", "grams"].iloc[0] == 50.0
    p = foods.portions("sr28:01077")
    assert p.loc[p["label"] == "1 cup", "grams"].iloc[0] == 244.0
    assert (foods.portions_df["grams"] > 0).all()


def test_unknown_id_names_it_and_suggests(foods):
    with pytest.raises(UnknownFoodError, match="sr28:1123") as exc:
        foods.get("sr28:1123")
    assert "sr28:01123" in exc.value.suggestions
    assert isinstance(exc.value, KeyError) and isinstance(exc.value, InputError)
    assert "sr28:01123" in str(exc.value)


@pytest.mark.parametrize(
    "query, expected_word",
    [
        ("egg", "egg"),
        ("milk", "milk"),
        ("soy milk", "soy milk"),
        ("salmon", "salmon"),
        ("oat milk", "oat milk"),
        ("brocoli", "broccoli"),     # typo
        ("chedar cheese", "cheddar"),  # typo
        ("tofu", "tofu"),
    ],
)
def test_search_finds_everyday_food_first(foods, query, expected_word):
    res = foods.search(query, limit=5)
    assert len(res) > 0
    top = res["description"].iloc[0].lower()
    assert expected_word in top, list(res["description"])
    # the top hit is an everyday food, not a long list of qualifiers
    assert top.count(",") <= 3, top


def test_search_diet_filter(foods):
    res = foods.search("milk", diet="vegan", limit=30)
    assert len(res) > 0
    assert (res["diet"] == "vegan").all()
    res = foods.search("salmon", diet="vegetarian")
    assert not res["diet"].isin(["pescatarian", "omnivore"]).any()


@pytest.mark.parametrize("text", ["", "   ", "!!!", "x" * 500, None, 42, "\x00\x01"])
def test_search_junk_gives_empty_result(foods, text):
    res = foods.search(text)
    assert isinstance(res, pd.DataFrame) and len(res) == 0


def test_search_bad_diet_or_limit_is_input_error(foods):
    with pytest.raises(InputError, match="diet"):
        foods.search("milk", diet="carnivore")
    with pytest.raises(InputError, match="limit"):
        foods.search("milk", limit="ten")


def test_missing_file_names_it(tmp_path):
    with pytest.raises(DataFileError, match="nope.csv.gz"):
        load_foods(tmp_path / "nope.csv.gz", user_foods=False)


@pytest.mark.parametrize(
    "content",
    [b"not gzip at all", gzip.compress(b"food_id,source\nx,y\n", mtime=0),
     gzip.compress(b"\xff\xfe\x00", mtime=0)],
    ids=["not gzip", "gzip with missing columns", "gzip of bytes that are not text"],
)
def test_corrupt_file_names_it(tmp_path, content):
    bad = tmp_path / "foods.csv.gz"
    bad.write_bytes(content)
    with pytest.raises(DataFileError, match="foods.csv.gz"):
        read_table(bad, FOOD_COLUMNS, "foods")


def test_duplicate_ids_rejected(foods):
    two = pd.concat([foods.df.iloc[:1], foods.df.iloc[:1]], ignore_index=True)
    with pytest.raises(DataFileError, match="duplicate"):
        FoodTable(two)


@pytest.mark.parametrize(
    "query, expected_word",
    [("nori", "laver"), ("yoghurt", "yogurt"), ("prawns", "shrimp"), ("aubergine", "eggplant")],
)
def test_search_everyday_words_find_usda_names(foods, query, expected_word):
    top = foods.search(query, limit=3)["description"].str.lower()
    assert top.str.contains(expected_word).iloc[0], list(top)


# -- issue 12: search finds what people mean ----------------------------------------------------
def test_fortified_cereal_finds_cereals_before_baby_foods(foods):
    res = foods.search("fortified cereal", limit=10)
    assert res.attrs["good_match"]
    top = res.iloc[0]
    assert top["description"].lower().startswith("cereal")
    assert top["b12_fortified_ug"] > 0
    baby = res["description"].str.contains("baby", case=False)
    assert not baby.head(5).any()


def test_rice_finds_rice_before_rice_wine(foods):
    res = foods.search("rice", limit=10)
    desc = list(res["description"])
    assert desc[0].lower().startswith("rice")
    assert "Wine, rice" not in desc[:5]


def test_baby_foods_when_asked(foods):
    res = foods.search("baby cereal", limit=3)
    assert res["description"].str.contains("baby", case=False).all()


@pytest.mark.parametrize("diet", [None, "vegan"])
def test_nothing_good_says_so(foods, diet):
    """ "nutritional yeast" is not in the USDA table: the result says so, so the app can offer
    adding it from a label or FoodData Central."""
    res = foods.search("nutritional yeast", diet=diet)
    assert res.attrs["good_match"] is False
    assert res.attrs["query"] == "nutritional yeast"


@pytest.mark.parametrize("query", ["soy milk", "egg", "salmon", "brocoli", "oatmilk"])
def test_good_matches_say_so(foods, query):
    assert foods.search(query).attrs["good_match"] is True


def test_good_match_survives_caching(foods):
    import pickle

    res = pickle.loads(pickle.dumps(foods.search("nutritional yeast")))
    assert res.attrs["good_match"] is False
