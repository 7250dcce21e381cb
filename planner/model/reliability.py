"""Which part of a food's B12 counts: fortification and dependable sources.

Pure functions: no file access.

* :func:`infer_fortified` decides whether B12 was added to a food, whatever its diet
  class: USDA's "added B12" where it is given (above 0), else the food's category
  (ready-to-eat cereals, formulated and nutrition bars, meal-replacement and nutritional
  drinks, protein powders, plant milks and yoghurts, meat analogues, energy drinks and
  enhanced waters, infant formula and infant cereal), its ingredient list
  ("cyanocobalamin", "vitamin B12" ...) or its name ("fortified", "with added B12" ...).
  The same rule serves the USDA table, FoodData Central foods and foods from a label.
* :func:`fortified_b12` splits a food's B12 into the crystalline (fortification) part.
  USDA's "added B12" field is incomplete (e.g. SR 04613, a vegetable-oil spread with
  10.8 µg B12 per 100 g and 0 µg "added"; Honey Bunches of Oats and Snickers Marathon
  bars with none given); plants make no B12, so in a food without animal ingredients all
  B12 is fortification, and in a fortified category (grain has no B12 of its own) all of
  it is crystalline too.
* :func:`b12_reliability` flags plant foods whose measured B12 is mostly inactive
  analogue ("pseudo-B12") or not dependable (algae, tempeh, miso, shiitake, brewer's
  yeast); the planner counts their B12 as 0.

References
----------
.. [WATANABE-07] Watanabe F. Vitamin B12 sources and bioavailability. Exp Biol Med 2007.
.. [WATANABE-14] Watanabe F et al. Vitamin B12-containing plant food sources for
   vegetarians. Nutrients 2014;6:1861.
.. [VH-PLANT] VeganHealth, "Vitamin B12 in plant foods".
.. [VEGFORUM] Copy of VeganHealth's former plant-foods survey (van den Berg 1988,
   Dagnelie 1991, Herbert & Drivas 1982).
.. [VH-REC] VeganHealth, "Vitamin B12 recommendations".
.. [IOM p.342] Institute of Medicine 1998, DRI, ch. 9 "Vitamin B12", p. 342.
.. [IOM p.309] Liquid meal replacements contain crystalline B12.
.. [VRG-15] Energy bars, vitamin waters and energy drinks are sometimes fortified.
.. [222-B] Meat analogues are often fortified; amounts vary by brand.
.. [NTRO] Fortified foods list cyanocobalamin (or methylcobalamin) among the ingredients.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from planner.schema import DIET_ORDER

VEGAN = DIET_ORDER[0]

#: (pattern on the lower-case description, reason with source tag); first match wins.
#: See b12-science.md §3.4 "Plant foods that are not reliable sources".
UNRELIABLE_RULES: tuple[tuple[str, str], ...] = (
    (r"\bspirulina\b",
     "Spirulina contains mostly pseudovitamin B12, inactive in humans [WATANABE-07]"),
    (r"\b(?:nori|laver)\b",
     "Nori (laver) showed no B12 activity in the only human test; counted as 0 "
     "[VH-PLANT] [WATANABE-14]"),
    (r"\bchlorella\b",
     "Chlorella B12 activity in humans is uncertain; not a dependable source [VH-PLANT]"),
    (r"\b(?:seaweeds?|algae|kelp|wakame|kombu|dulse|hijiki|arame|irish ?moss|agar"
     r"|sea vegetables?|tsunomata)\b",
     "Algae and seaweed contain mostly inactive B12 analogues; not a reliable source "
     "[WATANABE-07] [VH-PLANT]"),
    (r"\btempeh\b",
     "Tempeh B12 comes from bacterial contamination and is not dependable "
     "[VEGFORUM] [IOM p.342]"),
    (r"\bmiso\b",
     "Miso had no measurable B12 in analysis; not a dependable source [VEGFORUM]"),
    (r"\bshiitake\b",
     "Shiitake mushrooms contain only traces of B12; not a dependable source [VEGFORUM]"),
    (r"\bbrewer'?s yeast\b|\byeast, brewer'?s\b",
     "Brewer's yeast is not a dependable B12 source unless fortified [VH-REC]"),
)
_RULES = tuple((re.compile(p), reason) for p, reason in UNRELIABLE_RULES)


def _known(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


class Fortification(NamedTuple):
    """Whether B12 was added to a food, and the sign that says so.

    ``basis`` is ``"usda_added"``, ``"ingredients"``, ``"category"``, ``"name"`` or ``""``
    (not fortified, as far as the record shows).
    """

    fortified: bool
    basis: str


#: Categories (SR food group or FNDDS WWEIA category, or words of a branded category)
#: whose B12, when any, is added: the base food has none of its own [IOM p.342]
#: [IOM p.309] [VRG-15] [222-B]. Regular expressions on the lower-case category.
FORTIFIED_CATEGORIES: tuple[str, ...] = (
    r"^breakfast cereals$", r"^ready-to-eat cereal", r"\bcereal\b.*\bready-to-eat\b",
    r"^nutrition bars$", r"^nutritional beverages$", r"^protein and nutritional powders$",
    r"^plant-based (?:milk|yogh?urt)$", r"^soy and meat-alternative products$",
    r"^(?:diet )?sport and energy drinks$", r"^enhanced water$",
    r"^formula, ", r"^baby food: cereals$", r"meal replacement", r"energy drink",
)
#: Names that say the food is fortified or belongs to a fortified kind. Checked after
#: removing "not fortified" / "unfortified" / "without added vitamins".
FORTIFIED_NAMES: tuple[str, ...] = (
    r"\bfortified\b", r"\bwith added (?:[a-z0-9 ,]*\b)?(?:vitamin )?b-?12\b",
    r"\bvitamins? [a-z0-9 ,]*\bb-?12\b", r"\bcyanocobalamin\b",
    r"^cereals ready-to-eat\b", r"\bready-to-eat cereal\b", r"^formulated bar\b",
    r"\bmeal replacement\b", r"\bnutritional (?:drinks?|shakes?|supplements?|powders?)\b",
    r"\bprotein (?:shakes?|powders?|drinks?)\b", r"\binstant breakfast\b",
    r"\bbreakfast essentials\b", r"\benergy drinks?\b", r"\bvitamin ?water\b",
    r"\binfant formula\b", r"\btoddler formula\b", r"\bchild formula\b",
    r"\bmeal supplement\b", r"\bpowerade\b",
)
#: Ingredient words that name added B12 (label statements, FNDDS "Vitamin B-12 as
#: ingredient" and "Vitamin B composite in cereals") [NTRO].
FORTIFIED_INGREDIENTS = (
    r"\b(?:cyano|methyl|hydroxo|adenosyl)?cobalamin\b|\bvitamin b[- ]?12\b|\bb[- ]?12\b"
    r"|\bvitamin b composite\b"
)
_NOT_FORTIFIED = re.compile(
    r"\bnot fortified\b|\bunfortified\b|\bnon-?fortified\b|\bwithout added vitamins?\b"
    r"|\bnot fortified with [a-z0-9 ,]+")
#: Prepared with milk: not "a fortified category" as a whole (its B12 is partly the milk's).
_WITH_ANIMAL_BASE = re.compile(
    r"\b(?:with|and) (?:whole |reduced fat |lowfat |nonfat |skim )?milk\b")
_CAT_RES = tuple(re.compile(p) for p in FORTIFIED_CATEGORIES)
_NAME_RES = tuple(re.compile(p) for p in FORTIFIED_NAMES)
_INGR_RE = re.compile(FORTIFIED_INGREDIENTS)


def infer_fortified(description: str, category: str = "", ingredients: str = "",
                    b12_ug: float = math.nan, b12_added_ug: float = math.nan
                    ) -> Fortification:
    """Was B12 added to this food? The one rule for USDA, FoodData Central and label foods.

    Parameters
    ----------
    description : str
        The food's name.
    category : str
        SR food group, FNDDS WWEIA category or FDC branded category ("" when none).
    ingredients : str
        Ingredient statement, or USDA's ingredient descriptions joined ("" when none).
    b12_ug : float
        Total B12 [µg / 100 g], NaN when unknown.
    b12_added_ug : float
        USDA's added B12 [µg / 100 g], NaN when not given.

    Returns
    -------
    Fortification
        ``(fortified, basis)``, the first sign found, in this order: USDA's added B12
        above 0 (``"usda_added"``); an ingredient naming B12 (``"ingredients"``); a
        fortified category (``"category"``: :data:`FORTIFIED_CATEGORIES`); the name
        (``"name"``: :data:`FORTIFIED_NAMES`). A food with B12 known to be 0 is not
        fortified (there is nothing to count), and "not fortified" / "unfortified" in the
        name wins over the category. A food prepared with milk is not inferred fortified
        from its category (its B12 is partly the milk's).

    Examples
    --------
    >>> infer_fortified("Cereals ready-to-eat, POST, HONEY BUNCHES OF OATS", "Breakfast Cereals",
    ...                 b12_ug=4.8)
    Fortification(fortified=True, basis='category')
    >>> infer_fortified("Cereals, oats, regular and quick, not fortified, dry",
    ...                 "Breakfast Cereals", b12_ug=0.0)
    Fortification(fortified=False, basis='')
    """
    if _known(b12_added_ug) and b12_added_ug > 0:
        return Fortification(True, "usda_added")
    if _known(b12_ug) and b12_ug <= 0:
        return Fortification(False, "")
    name = str(description).lower().replace("\u2019", "'")
    if _NOT_FORTIFIED.search(name):
        return Fortification(False, "")
    if ingredients and _INGR_RE.search(str(ingredients).lower()):
        return Fortification(True, "ingredients")
    cat = str(category).lower().strip()
    if not _WITH_ANIMAL_BASE.search(name) and any(rx.search(cat) for rx in _CAT_RES):
        return Fortification(True, "category")
    if any(rx.search(name) for rx in _NAME_RES):
        return Fortification(True, "name")
    return Fortification(False, "")


#: ``fortified_basis`` of a food whose fortification was inferred, by sign.
INFERRED_BASIS = {"ingredients": "inferred_ingredients", "category": "inferred_category",
                  "name": "inferred_name"}


def fortified_b12(b12_ug: float, b12_added_ug: float, diet: str,
                  fortification: Fortification | None = None) -> tuple[float, str]:
    """The part of a food's B12 that is fortification (crystalline B12).

    Parameters
    ----------
    b12_ug : float
        Total B12 [µg / 100 g], NaN when unknown.
    b12_added_ug : float
        USDA's "added" B12 [µg / 100 g], NaN when unknown.
    diet : str
        The food's diet class.
    fortification : Fortification, optional
        The result of :func:`infer_fortified` for this food (None: not inferred).

    Returns
    -------
    tuple of (float, str)
        ``(b12_fortified_ug [µg / 100 g], fortified_basis)``, first rule that applies:

        * ``b12_ug`` unknown: NaN, ``"none"``;
        * a vegan food: all of ``b12_ug``, ``"plant_food"`` (plants make no B12);
        * USDA's added value above 0: that value clipped to ``b12_ug``, ``"usda_added"``;
        * fortification inferred from ingredients, category or name (whatever the diet
          class): all of ``b12_ug``, ``"inferred_ingredients"`` / ``"inferred_category"`` /
          ``"inferred_name"``; grain, a bar base or a drink base has no B12 of its own,
          and milk protein in a shake or bar adds little;
        * otherwise ``(0.0, "none")``.

    References
    ----------
    .. [IOM p.342] Plant foods are not B12 sources unless bacteria, soil or fortification
       put it there.
    """
    if not _known(b12_ug):
        return float("nan"), "none"
    if diet == VEGAN:
        return float(b12_ug), "plant_food"
    if _known(b12_added_ug) and b12_added_ug > 0:
        return float(min(b12_added_ug, b12_ug)), "usda_added"
    if fortification is not None and fortification.fortified \
            and fortification.basis in INFERRED_BASIS and b12_ug > 0:
        return float(b12_ug), INFERRED_BASIS[fortification.basis]
    return 0.0, "none"


def b12_reliability(description: str, diet: str, b12_added_ug: float = float("nan")
                    ) -> tuple[bool, str]:
    """Is a food's B12 dependable?

    Only plant (vegan) foods are flagged: in a dish with animal ingredients the B12 comes
    from those (e.g. sushi with fish and nori). Foods USDA marks as fortified (added B12
    above 0) stay reliable: their B12 is crystalline.

    Parameters
    ----------
    description : str
        Food description.
    diet : str
        The food's diet class.
    b12_added_ug : float
        USDA's added B12 [µg / 100 g] (NaN when unknown).

    Returns
    -------
    tuple of (bool, str)
        ``(b12_reliable, b12_note)``; the note gives the reason and source tag, "" when
        reliable.

    References
    ----------
    See the module references and b12-science.md §3.4.
    """
    if diet != VEGAN or (_known(b12_added_ug) and b12_added_ug > 0):
        return True, ""
    text = str(description).lower().replace("\u2019", "'")
    for rx, reason in _RULES:
        if rx.search(text):
            return False, reason
    return True, ""


__all__ = ["Fortification", "infer_fortified", "fortified_b12", "b12_reliability",
           "UNRELIABLE_RULES", "FORTIFIED_CATEGORIES", "FORTIFIED_NAMES",
           "FORTIFIED_INGREDIENTS", "INFERRED_BASIS"]
