"""Diet classification: accuracy of the shipped table against a hand-labelled sample,
and unit tests of the pure classification functions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.diet import (
    DietClass,
    classify_fndds,
    classify_sr,
    langual_evidence,
    max_diet,
    text_evidence,
)
from planner.reliability import b12_reliability, fortified_b12
from planner.schema import DIET_ORDER

SAMPLE = Path(__file__).parent / "data" / "diet_sample.csv"
MIN_ACCURACY = 0.98


def test_diet_sample_accuracy(foods):
    """Shipped classes agree with labels decided by reading each description."""
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    assert len(sample) >= 220
    assert set(sample["expected_diet"]) <= set(DIET_ORDER)
    missing = [i for i in sample["food_id"] if i not in foods]
    assert not missing, f"sample ids not in the table: {missing}"
    got = foods.df.loc[sample["food_id"], "diet"].to_numpy()
    wrong = sample.loc[got != sample["expected_diet"].to_numpy()].assign(
        got=got[got != sample["expected_diet"].to_numpy()])
    accuracy = 1 - len(wrong) / len(sample)
    for _, r in wrong.iterrows():
        print(f"MISCLASSIFIED {r.food_id} {r.description!r}: expected {r.expected_diet}, "
              f"got {r.got} ({foods.df.loc[r.food_id, 'diet_basis']})")
    print(f"diet sample accuracy: {accuracy:.3f} ({len(sample) - len(wrong)}/{len(sample)})")
    assert accuracy >= MIN_ACCURACY


def test_sample_covers_every_sr_group_and_many_wweia_categories(foods):
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    groups = foods.df.loc[sample["food_id"], ["source", "group"]]
    sr_groups = set(foods.df.loc[foods.df["source"] == "sr28", "group"])
    assert set(groups.loc[groups["source"] == "sr28", "group"]) == sr_groups
    assert groups.loc[groups["source"] == "fndds", "group"].nunique() >= 60


@pytest.mark.parametrize("text, expected", [
    ("Peanut butter, smooth style, without salt", None),
    ("Oil, cocoa butter", None),
    ("Squash, winter, butternut, raw", None),
    ("Nuts, coconut milk, raw (liquid expressed from grated meat and water)", None),
    ("Soymilk, chocolate, with added calcium", None),
    ("Almond milk, unsweetened", None),
    ("Leavening agents, cream of tartar", None),
    ("Eggplant, raw", None),
    ("Milkweed, raw", None),
    ("Melons, honeydew, raw", None),
    ("Mushrooms, oyster, raw", None),
    ("Beans, black turtle, mature seeds, raw", None),
    ("Spices, poultry seasoning", None),
    ("Rolls, hamburger or hotdog, plain", None),
    ("Bacon bits, meatless", None),
    ("Milk, buttermilk, fluid, cultured, lowfat", "vegetarian"),
    ("Noodles, egg, dry, enriched", "vegetarian"),
    ("Ice creams, vanilla", "vegetarian"),
    ("Beverages, Whey protein powder isolate", "vegetarian"),
    ("Honey", "vegetarian"),
    ("Cereals ready-to-eat, GENERAL MILLS, HONEY NUT CHEERIOS", "vegetarian"),
    ("Cheese, goat, semisoft type", "vegetarian"),
    ("Sauce, worcestershire", "pescatarian"),
    ("Fish, anchovy, european, raw", "pescatarian"),
    ("Tuna, CHICKEN OF THE SEA, chunk light", "pescatarian"),
    ("Salad dressing, caesar dressing, regular", "omnivore"),  # Parmesan: rennet rule
    ("Cereals ready-to-eat, MALT-O-MEAL, MARSHMALLOW MATEYS", "omnivore"),
    ("Cereals ready-to-eat, GENERAL MILLS, LUCKY CHARMS", "omnivore"),
    ("Gelatins, dry powder, unsweetened", "omnivore"),
    ("Lard", "omnivore"),
    ("Soup, chicken broth, canned, condensed", "omnivore"),
    ("Fast foods, hamburger; single, regular patty; plain", "omnivore"),
])
def test_text_evidence(text, expected):
    ev = text_evidence(text)
    assert (ev[0] if ev else None) == expected


@pytest.mark.parametrize("description, group, expected, verified", [
    ("Beef, variety meats and by-products, liver, raw", "Beef Products", "omnivore", True),
    ("Fish, cod, Atlantic, raw", "Finfish and Shellfish Products", "pescatarian", True),
    ("Egg, duck, whole, fresh, raw", "Dairy and Egg Products", "vegetarian", True),
    ("Milk, indian buffalo, fluid", "Dairy and Egg Products", "vegetarian", True),
    ("Tofu, raw, firm, prepared with calcium sulfate", "Legumes and Legume Products",
     "vegan", True),
    ("Apples, raw, with skin", "Fruits and Fruit Juices", "vegan", True),
    ("Cereals ready-to-eat, KELLOGG, KELLOGG'S CORN POPS", "Breakfast Cereals", "vegan", False),
    ("Cookies, chocolate chip, commercially prepared", "Baked Products", "vegetarian", False),
    ("Cereals, oats, regular and quick, not fortified, dry", "Breakfast Cereals", "vegan", True),
    ("Chicken, meatless", "Legumes and Legume Products", "vegan", False),
])
def test_classify_sr(description, group, expected, verified):
    k = classify_sr(description, group)
    assert (k.diet, k.verified) == (expected, verified)
    assert k.basis


def test_classify_sr_uses_langual():
    k = classify_sr("Potatoes, o'brien, home-prepared", "Vegetables and Vegetable Products",
                    langual=("MILK ADDED", "POTATO"))
    assert k.diet == "vegetarian" and k.basis == "LanguaL: MILK ADDED"
    assert langual_evidence(["CATTLE", "MILK ADDED"]) == ("omnivore", "CATTLE")
    assert langual_evidence(["POTATO"]) is None


def test_classify_sr_basis_names_the_group():
    assert classify_sr("Beef, ground, raw", "Beef Products").basis == "SR group: Beef Products"


def test_classify_fndds_max_over_ingredients_and_recursion():
    sr = {
        1077: DietClass("vegetarian", "SR group: Dairy and Egg Products"),
        16222: DietClass("vegan", "SR group: Legumes and Legume Products"),
        13325: DietClass("omnivore", "SR group: Beef Products"),
        8050: DietClass("vegan", "description: none", verified=False),
    }
    descriptions = {11111000: "Milk, whole", 11320100: "Soy milk", 20000000: "Mixed dish",
                    30000000: "Dish with mixed dish", 40000000: "Cereal", 50000000: "Milk, human"}
    ingredients = {
        11111000: [(1077, "Milk, whole")],
        11320100: [(16222, "Soy milk")],
        20000000: [(16222, "Soy milk"), (13325, "Beef liver")],
        30000000: [(11320100, "Soy milk"), (20000000, "Mixed dish")],
        40000000: [(8050, "Cereal, branded"), (999418, "Vitamin B-12 as ingredient")],
    }
    out = classify_fndds(descriptions, ingredients, sr)
    assert out[11111000].diet == "vegetarian"
    assert out[11111000].basis == "FNDDS ingredients: 01077 Milk, whole"
    assert out[11320100] == DietClass("vegan", "FNDDS ingredients: all plant-based (1)", True)
    assert out[20000000].diet == "omnivore"
    assert out[30000000].diet == "omnivore"
    assert out[30000000].basis == "FNDDS ingredients: 20000000 Mixed dish"
    assert out[40000000].diet == "vegan" and not out[40000000].verified
    assert out[50000000].diet == "vegetarian"  # no ingredients: description 'milk'


def test_classify_fndds_survives_cycles():
    out = classify_fndds({1: "A", 2: "B"}, {1: [(2, "B")], 2: [(1, "A")]}, {})
    assert out[1].diet == "vegan" and out[2].diet == "vegan"


@pytest.mark.parametrize("diets, expected", [
    ([], "vegan"), (["vegan", "vegetarian"], "vegetarian"),
    (["pescatarian", "vegetarian"], "pescatarian"), (["vegan", "omnivore"], "omnivore"),
])
def test_max_diet(diets, expected):
    assert max_diet(diets) == expected


@pytest.mark.parametrize("b12, added, diet, expected", [
    (10.8, 0.0, "vegan", (10.8, "plant_food")),
    (0.39, 0.39, "vegan", (0.39, "plant_food")),
    (2.0, 1.5, "vegetarian", (1.5, "usda_added")),
    (1.0, 8.08, "omnivore", (1.0, "usda_added")),
    (0.45, 0.0, "vegetarian", (0.0, "none")),
    (0.45, float("nan"), "vegetarian", (0.0, "none")),
])
def test_fortified_b12(b12, added, diet, expected):
    assert fortified_b12(b12, added, diet) == expected


def test_fortified_b12_unknown_stays_unknown():
    value, basis = fortified_b12(float("nan"), float("nan"), "vegan")
    assert value != value and basis == "none"


@pytest.mark.parametrize("description, diet, added, reliable, tag", [
    ("Seaweed, spirulina, dried", "vegan", 0.0, False, "[WATANABE-07]"),
    ("Seaweed, laver, raw", "vegan", 0.0, False, "[VH-PLANT]"),
    ("Tempeh", "vegan", float("nan"), False, "[VEGFORUM]"),
    ("Miso", "vegan", 0.0, False, "[VEGFORUM]"),
    ("Mushrooms, shiitake, dried", "vegan", 0.0, False, "[VEGFORUM]"),
    ("Chlorella tablets", "vegan", 0.0, False, "[VH-PLANT]"),
    ("Yeast, brewer's", "vegan", 0.0, False, "[VH-REC]"),
    ("Yeast, brewer's, fortified", "vegan", 5.0, True, ""),
    ("Sushi, with fish and nori", "pescatarian", 0.0, True, ""),
    ("Soy milk, unsweetened", "vegan", 0.39, True, ""),
    ("Apples, raw", "vegan", 0.0, True, ""),
])
def test_b12_reliability(description, diet, added, reliable, tag):
    ok, note = b12_reliability(description, diet, added)
    assert ok is reliable
    assert (tag in note) if tag else note == ""
