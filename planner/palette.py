"""Colours of the charts, in the app and in the PDF report (one place for both).

Every colour that draws data stands out from the white background by at least 3:1 (WCAG
2.2 success criterion 1.4.11, non-text contrast), and every colour used for text by at
least 4.5:1 (1.4.3); ``tests/test_charts.py`` computes both ratios. Hues follow Okabe and
Ito's palette for colour-blind readers where it is dark enough.

References
----------
.. [1] W3C (2023). Web Content Accessibility Guidelines (WCAG) 2.2, success criteria 1.4.3
   and 1.4.11; relative luminance and contrast ratio definitions.
.. [2] Okabe M, Ito K (2008). Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

#: Blue (Okabe-Ito), 5.2:1 on white: B12 eaten, fortified, the store line.
BLUE = "#0072B2"
#: Okabe-Ito orange darkened to 4.6:1 on white (the original #E69F00 is 2.3:1): absorbed,
#: naturally in food, the "low" store zone.
ORANGE = "#B35F00"
#: The target and threshold lines and their labels: dark red, 6.2:1 on white.
TARGET_COLOUR = "#b3001b"
#: Store zones (replete / low / depleted), as :data:`planner.model.stores.STORE_ZONES`:
#: 3.4, 4.6 and 5.0:1 on white.
ZONE_COLOURS: dict[str, str] = {"replete": "#2ca02c", "low": ORANGE, "depleted": "#d62728"}
#: Meals in eating order: Okabe-Ito's blue, orange (darkened), bluish green and reddish
#: purple first, then olive, grey, indigo and black; each at least 3:1 on white, and no
#: red, so that no meal looks like the target line.
MEAL_COLOURS: tuple[str, ...] = (BLUE, ORANGE, "#009E73", "#CC79A7", "#6B6B00", "#595959",
                                 "#332288", "#000000")
#: The source split: fortified and supplements, naturally in food.
SPLIT_COLOURS: tuple[str, str] = (BLUE, ORANGE)
#: Blood-test bands (:data:`planner.model.labs.BAND_LABELS`), the store zones' colours for
#: the same meaning.
BAND_COLOURS: dict[str, str] = {
    "deficiency_likely": ZONE_COLOURS["depleted"], "raised": ZONE_COLOURS["depleted"],
    "indeterminate": ZONE_COLOURS["low"],
    "deficiency_unlikely": ZONE_COLOURS["replete"], "not_raised": ZONE_COLOURS["replete"],
}
#: Lines that join points coloured by something else: dark grey, 7.0:1 on white.
GREY = "#595959"

__all__ = ["BAND_COLOURS", "BLUE", "GREY", "MEAL_COLOURS", "ORANGE", "SPLIT_COLOURS",
           "TARGET_COLOUR", "ZONE_COLOURS"]
