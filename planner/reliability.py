"""Which part of a food's B12 counts: fortification and dependable sources.

Pure functions: no file access.

* :func:`fortified_b12` splits a food's B12 into the crystalline (fortification) part.
  USDA's "added B12" field is incomplete (e.g. SR 04613, a vegetable-oil spread with
  10.8 µg B12 per 100 g and 0 µg "added"); plants make no B12, so in a food without
  animal ingredients all B12 is fortification.
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
"""

from __future__ import annotations

import math
import re

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


def fortified_b12(b12_ug: float, b12_added_ug: float, diet: str) -> tuple[float, str]:
    """The part of a food's B12 that is fortification (crystalline B12).

    Parameters
    ----------
    b12_ug : float
        Total B12 [µg / 100 g], NaN when unknown.
    b12_added_ug : float
        USDA's "added" B12 [µg / 100 g], NaN when unknown.
    diet : str
        The food's diet class.

    Returns
    -------
    tuple of (float, str)
        ``(b12_fortified_ug [µg / 100 g], fortified_basis)``: for a vegan food all of
        ``b12_ug`` with basis ``"plant_food"`` (plants make no B12); otherwise USDA's added
        value clipped to ``b12_ug`` with basis ``"usda_added"`` when it is above 0, else
        ``(0.0, "none")``. NaN (basis ``"none"``) when ``b12_ug`` is unknown.

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


__all__ = ["fortified_b12", "b12_reliability", "UNRELIABLE_RULES"]
