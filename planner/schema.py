"""Column contracts of the project's tables (the food table, portions, meal plans).

These names are the public contract between the data build, the loader, the
evaluator, the CSV export and the app. Change them here and nowhere else.
"""

from __future__ import annotations

#: Diets from least to most permissive; a food's ``diet`` is the least permissive
#: diet that admits it, so a food is allowed for ``diet`` d when
#: ``DIET_ORDER.index(food.diet) <= DIET_ORDER.index(d)``.
DIET_ORDER: tuple[str, ...] = ("vegan", "vegetarian", "pescatarian", "omnivore")

#: Food table columns and their pandas dtypes. All B12 figures are per 100 g edible portion.
#: ``b12_ug``/``b12_added_ug`` are exactly USDA's (NaN = USDA gives no value: unknown, not 0).
#: ``b12_fortified_ug`` is the part the planner treats as crystalline (fortification):
#: USDA's added value, or for foods with no animal ingredient all of ``b12_ug``;
#: ``fortified_basis`` says which ("usda_added", "plant_food", "none", or "label"
#: for a user's food entered from a label marked fortified).
FOOD_COLUMNS: dict[str, str] = {
    "food_id": "str",            # "sr28:01123", "fndds:11320100", "fdc:123", "user:..."
    "source": "str",             # "sr28", "fndds", "fdc", "user"
    "description": "str",
    "group": "str",              # SR food group or WWEIA category
    "manufacturer": "str",       # "" when none
    "b12_ug": "float64",
    "b12_added_ug": "float64",
    "b12_fortified_ug": "float64",
    "fortified_basis": "str",
    "kcal": "float64",
    "protein_g": "float64",
    "diet": "str",               # one of DIET_ORDER
    "diet_basis": "str",         # how the class was decided, human-readable
    "diet_verified": "bool",     # False: no ingredient evidence, check the label
    "b12_reliable": "bool",      # False: inactive analogues / not dependable, counted 0
    "b12_note": "str",           # why a food is unreliable ("" otherwise)
}

#: Household portions: one row per food and measure, in USDA's order.
PORTION_COLUMNS: dict[str, str] = {
    "food_id": "str",
    "seq": "int64",
    "label": "str",              # "1 cup", "1 large"
    "grams": "float64",
}

#: Meal-plan columns. ``day``, ``meal``, ``food_id`` and ``grams`` (or ``dose_ug`` for
#: ``supplement:<form>`` rows) are required; the rest are optional.
PLAN_COLUMNS: dict[str, str] = {
    "day": "int64",              # 1-based day of the plan
    "meal": "str",               # breakfast, lunch, snack, dinner, or any name
    "time": "str",               # "HH:MM"; default per meal name
    "food_id": "str",
    "description": "str",
    "portion": "str",            # household portion label the grams came from, if any
    "grams": "float64",
    "dose_ug": "float64",        # supplements only
}

#: Default clock time of a meal when the plan gives none.
DEFAULT_MEAL_TIMES: dict[str, str] = {
    "breakfast": "08:00",
    "lunch": "12:30",
    "snack": "16:00",
    "dinner": "19:00",
}

SUPPLEMENT_PREFIX = "supplement:"
