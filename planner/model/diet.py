"""Diet classification of foods (vegan < vegetarian < pescatarian < omnivore).

Pure functions: no file access. A food's class is the *least restrictive* diet that
admits it, i.e. the most permissive class among its components:

* vegan: plants, fungi, algae, minerals, synthetic vitamins;
* vegetarian: adds dairy, eggs and honey;
* pescatarian: adds fish and shellfish;
* omnivore: adds meat, poultry, gelatin, lard, tallow and other animal fats.

Evidence, strongest first: an FNDDS food's ingredient list (SR ingredient codes, or
other FNDDS foods, classified recursively); the SR food group when the group holds one
kind of food (e.g. "Beef Products"); LanguaL descriptors (e.g. "MILK ADDED"); the
description's words, after removing false friends ("peanut butter", "eggplant",
"coconut milk", "honeydew" ...); and USDA's own nutrient figures (:func:`figure_evidence`):
more than a trace of cholesterol, or natural (not added) B12 in a food that is neither
fortified nor an alga, fungus or fermented food, means an animal ingredient even when no
word names it. For FNDDS foods the name counts as well as the recipe: "honey roasted"
stays honey when USDA's recipe substitutes sugar.

``verified`` is True only when the class rests on USDA ingredient evidence (a single-kind
SR group, a plain single food, or an FNDDS ingredient list whose every ingredient is
verified) and nothing contradicts it. It is False when the class rests on a description
alone for a composite or branded product without an ingredient list (such foods may hold
animal ingredients the description does not name: whey, gelatin ...), and when USDA's
figures reveal an animal ingredient that no word or ingredient names.

References
----------
.. [SR28] USDA SR28: nutrients 601 (cholesterol), 607 (fatty acid 4:0, butyric),
   418 (B12), 578 (B12, added); FNDDS 2021-2023 "Cholesterol (mg)", "4:0 (g)".
.. [WATANABE-07] Watanabe F. Vitamin B12 sources and bioavailability. Exp Biol Med 2007
   (algae hold B12 analogues; red algae hold cholesterol among their sterols).
.. [VH-PLANT] VeganHealth, "Vitamin B12 in plant foods" (mushrooms, fermented foods).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from planner.schema import DIET_ORDER

VEGAN, VEGETARIAN, PESCATARIAN, OMNIVORE = DIET_ORDER
_RANK = {d: i for i, d in enumerate(DIET_ORDER)}


@dataclass(frozen=True)
class DietClass:
    """A food's diet class with the evidence behind it.

    Attributes
    ----------
    diet : str
        One of :data:`planner.schema.DIET_ORDER`.
    basis : str
        Short human-readable evidence, e.g. ``"SR group: Beef Products"``.
    verified : bool
        False when the class rests on a description only (check the label).
    """

    diet: str
    basis: str
    verified: bool = True


def max_diet(diets: Iterable[str]) -> str:
    """The most permissive of ``diets`` (``"vegan"`` for none)."""
    return max(diets, key=_RANK.__getitem__, default=VEGAN)


# -- description keywords ---------------------------------------------------------------

#: Phrases removed before keyword matching because they contain an animal word but name a
#: plant food (or name no animal ingredient). Regular expressions on lower-case text.
FALSE_FRIENDS: tuple[str, ...] = (
    r"\b(?:peanut|almond|cashew|nut|sesame|seed|soy ?nut|sunflower seed|sunflower|apple|fruit"
    r"|cocoa|shea|pecan|hazelnut|pistachio|walnut|macadamia|pumpkin seed|sesame seed) butters?\b",
    r"\bbutternuts?\b", r"\bbutterhead\b", r"\bbutter ?burs?\b", r"\bbutter beans?\b",
    r"\bbutter lettuce\b", r"\bbutter[- ]flavou?r(?:ed)?\b",
    r"\b(?:coconut|soy|almond|rice|oat|cashew|hemp|flax|pea|nut|plant[- ]based|non-?dairy"
    r"|macadamia|walnut|hazelnut|pistachio|grain|quinoa) ?milks?\b",
    r"\bsoymilks?\b", r"\bmilkweed\b", r"\bmilk thistle\b", r"\bmilk substitutes?\b",
    r"\bnon[- ]?dairy\b", r"\bdairy[- ]free\b", r"\blactose[- ]free\b",
    r"\bcream of (?:tartar|wheat|rice)\b", r"\bcoconut cream\b", r"\bcream soda\b",
    r"\bcream[- ]style\b", r"^ice cream cones?\b", r"\bcreme de menthe\b",
    r"\b(?:vegan|soy|nut|almond|cashew|coconut|plant[- ]based) (?:cheese|yogh?urt|mayo|mayonnaise"
    r"|creamer)s?\b",
    r"\byogh?urt, (?:soy|almond|coconut|oat|cashew)(?: ?milk)?\b",
    r"\beggplants?\b", r"\begg[- ]free\b", r"\beggless\b", r"\begg replacer\b",
    r"\bhoneydew\b", r"\bhoney ?locust\b", r"\bhoneysuckle\b", r"\bhoney mushrooms?\b",
    r"\bchicken of the sea\b", r"\bchick ?peas?\b", r"\bduck sauce\b", r"\bsauce, duck\b",
    r"\b(?:mix|powder) for milk\b", r"\bfor ice cream\b",
    r"\bhamburger (?:or hot ?dog )?(?:buns?|rolls?)\b", r"\bhamburger or hot ?dog\b",
    r"\bhot ?dog (?:buns?|rolls?)\b", r"\brolls?, hamburger(?: or hot ?dog)?\b",
    r"\b(?:coconut|nut) ?meats?\b", r"\bnutmeats?\b",
    r"\blamb'?s[- ]?(?:quarters?|lettuce)\b", r"\blambsquarters?\b",
    r"\bkidney beans?\b", r"\bblood oranges?\b", r"\boyster mushrooms?\b",
    r"\bswedish fish\b", r"\banimal crackers?\b",
    r"\bcaramel colou?r\b", r"\brice cakes?\b", r"\benglish muffins?\b",
    r"\bsteak sauce\b", r"\bsauce, steak\b", r"\bhamburger helper\b", r"\bbear claws?\b",
    r"\bscallop squash\b",
    r"\bsquash, summer, scallop\b", r"\bcustard apples?\b", r"\b(?:corn|popcorn) cakes?\b",
    r"\bwaffle fries\b", r"\bpoultry seasoning\b", r"\bvegetable oyster\b",
    r"\bmushrooms?, oyster\b",
    r"\bcustard[- ]apples?\b", r"\bbread and butter pickles?\b",
    r"\brelish, (?:hot dog|hamburger)\b",
    r"\bgrated meat\b", r"\(desiccated\), creamed\b", r"\bmeat extender\b",
    r"\bwithout (?:added )?(?:milk|eggs?|butter|cheese|meat|gelatin)\b", r"\bcake flour\b",
    r"\bflour, white, cake\b", r"\bsoybean, curd cheese\b", r"\btofu yogh?urt\b",
    r"\bblack turtle\b", r"\bpigeon peas?\b", r"\b(?:teething|rice|corn|water|big) biscuits?\b",
    r"\bburger king\b", r"\bbear naked\b", r"\bincludes oyster\b", r"\boyster crackers?\b",
    r"\bfish-shaped\b",
    r"\bbuffalo sauce\b", r"\(for sundaes\)", r"\bsyrups?, table blends, pancake\b",
    r"\bpancake syrup\b", r"\bwonton wrappers?\b",
    r"\bpizza (?:sauce|crust|dough)s?\b", r"\bsauce, pizza\b", r"\bsteak fries\b",
    r"\bromano beans?\b", r"\bbeans?, romano\b", r"\bberry boost\b", r"\bsoybean curd cheese\b",
    r"\bcorn, creamed\b", r"\bcreamed corn\b",
    r"\b(?:duck|goose|quail|turkey) eggs?\b", r"\bno dairy\b",
    r"\b(?:excluding|without|no) (?:[a-z]+ or )?honey(?: roasted)?\b",
    r"\b(?:no|without) (?:cheese|milk|eggs?|butter|mayo|mayonnaise|sour cream|cream)\b",
)
_FALSE_FRIENDS_RE = re.compile("|".join(FALSE_FRIENDS))

#: Words saying the food contains no meat or fish (meat analogues, vegetarian dishes).
_MEATLESS_RE = re.compile(
    r"\b(?:meatless|vegetarian|vegan|veggie|meat[- ]free|meat substitutes?|meat analogu?e"
    r"|no meat|without meat|plant[- ]based|soy[- ]based|soyburgers?|imitation meat"
    r"|morningstar farms|gardenburger|loma linda|worthington|boca|tofurky|chik'?n|turk'?y)\b"
)

#: (diet, label, pattern): description words that reveal an animal ingredient. The label
#: is shown in ``diet_basis``; patterns use word boundaries on lower-case text.
KEYWORDS: tuple[tuple[str, str, str], ...] = (
    # meat, poultry, gelatin, animal fats
    (OMNIVORE, "marshmallow (gelatin)", r"marshmallows?"),
    (OMNIVORE, "gelatin", r"gelatine?s?|jell-o gelatin"),
    (OMNIVORE, "Lucky Charms (marshmallows)", r"lucky charms"),
    (OMNIVORE, "Frosted Mini-Wheats (gelatin)", r"frosted mini-wheats"),
    (OMNIVORE, "Rice Krispies Treats (marshmallow)", r"rice krispies treats"),
    (OMNIVORE, "gummy candy (gelatin)", r"gumm(?:y|ies|i)|gummi bears?"),
    (OMNIVORE, "fruit snacks (gelatin)", r"fruit snacks?"),
    (OMNIVORE, "Starburst (gelatin)", r"starburst"),
    (OMNIVORE, "candy corn (gelatin)", r"candy corn"),
    (OMNIVORE, "frosted Pop-Tarts (gelatin)", r"pop[- ]?tarts.*frosted|frosted.*pop[- ]?tarts"),
    (OMNIVORE, "s'mores (marshmallow)", r"s'mores"),
    (OMNIVORE, "Frosted Mini Spooners (gelatin)", r"frosted mini spooners"),
    (OMNIVORE, "rennet (calf stomach)", r"rennin|rennet"),
    # The rennet rule applied by name: cheeses whose standard or tradition requires
    # animal (calf) rennet, and sauces and dressings made with them.
    (OMNIVORE, "Parmesan-type cheese (animal rennet)",
     r"parmesan|parmigiano|grana padano|romano|pecorino|gruy[eè]re|comt[eé]|gorgonzola"
     r"|manchego|emmental(?:er)?|caesar|pesto|alfredo"),
    (OMNIVORE, "lard", r"lard"),
    (OMNIVORE, "tallow", r"tallow"),
    (OMNIVORE, "suet", r"suet"),
    (OMNIVORE, "schmaltz", r"schmaltz"),
    (OMNIVORE, "animal fat", r"animal fats?|chicken fat|beef fat|pork fat|bacon fat"
                             r"|bacon grease|drippings"),
    (OMNIVORE, "beef", r"beef|beefs|corned beef|pastrami|brisket|oxtail|veal|sirloin|ribeye"),
    (OMNIVORE, "pork", r"pork|ham|hams|bacon|prosciutto|pancetta|chitterlings|scrapple"
                       r"|spareribs?|chicharr?on(?:es)?|tocino|carnitas|pernil|puerco|cerdo"),
    (OMNIVORE, "lamb", r"lamb|lambs|mutton|goat|goats"),
    (OMNIVORE, "game", r"venison|bison|buffalo|elk|moose|deer|caribou|reindeer|rabbit|squirrel"
                       r"|opossum|raccoon|beaver|muskrat|bear|seal|whale|walrus|horse|boar"
                       r"|antelope|frog|frogs|turtle|alligator|sea lions?|owl|ptarmigan|grouse"),
    (OMNIVORE, "chicken", r"chicken|chickens|pollo"),
    (OMNIVORE, "poultry", r"turkey|duck|goose|quail|pheasant|squab|pigeon|emu|ostrich|poultry"
                          r"|capon|cornish game hens?|giblets|gizzards?"),
    (OMNIVORE, "meat", r"meat|meats|meatballs?|meatloaf|carne|barbacoa|birria"),
    (OMNIVORE, "sausage", r"sausages?|salami|pepperoni|bologna|frankfurters?|hot ?dogs?"
                          r"|wieners?|bratwurst|kielbasa|chorizo|liverwurst|braunschweiger"
                          r"|headcheese|jerky|pepperoni|spam|pate|pâté|foie gras"),
    (OMNIVORE, "burger", r"burgers?|hamburgers?|cheeseburgers?|whopper|big mac"
                         r"|hot 'n juicy|1/4 lb|quarter pound(?:er)?"),
    (OMNIVORE, "Chinese soup (pork, chicken broth)",
     r"hot and sour soup|soup, hot and sour|egg drop soup|soup, egg drop"),
    (OMNIVORE, "organ meat", r"liver|livers|tripe|menudo|sweetbreads?|blood"),
    (OMNIVORE, "carbonara (pork)", r"carbonara"),
    (OMNIVORE, "steak", r"steaks?"),
    (OMNIVORE, "chili con carne (beef)",
     r"chili(?:, no beans| with beans| con carne)|applebee's, chili"),
    (OMNIVORE, "meat dish", r"cold cuts?|subway club|quarter pounder|mcchicken|chick-n-strips"
                           r"|snack wrap|big breakfast|deluxe breakfast|pot roast|au jus"
                           r"|gravy, brown|brown gravy|wedding soup|wontons?|beefy|franks"
                           r"|corn dogs?|taco salad|extravaganzza|the works pizza"
                           r"|supreme pizza|super supreme|supreme topping|nachos supreme"
                           r"|burrito supreme|french onion soup|soup, onion, canned"),
    # fish and shellfish
    (PESCATARIAN, "anchovy", r"anchov(?:y|ies)"),
    (PESCATARIAN, "worcestershire (anchovy)", r"worcestershire"),
    (PESCATARIAN, "caesar (anchovy)", r"caesar"),
    (PESCATARIAN, "fish sauce", r"fish sauce|oyster sauce|nam pla|dashi|bonito|katsuobushi"),
    (PESCATARIAN, "green goddess (anchovy)", r"green goddess"),
    (PESCATARIAN, "fish", r"fish|fishes|shark|seafood|tuna|salmon|cod|pollock|haddock|halibut"
                          r"|flounder"
                          r"|tilapia|catfish|trout|herring|sardines?|mackerel|perch|pike|carp"
                          r"|eel|snapper|grouper|mahi ?mahi|mahimahi|swordfish|sturgeon|whitefish"
                          r"|smelt|shad|roe|caviar|lox|surimi|milkfish|sole|bass|pompano|croaker"
                          r"|mullet|whiting|rockfish|bluefish|orange roughy|sea trout|gefilte"
                          r"|lutefisk|kippers?|tilefish|wolffish|cisco|butterfish|pout|bacalao"
                          r"|pescado"),
    (PESCATARIAN, "shellfish", r"clams?|shrimps?|prawns?|crabs?|crabmeat|lobsters?|crayfish"
                               r"|crawfish|scallops?|oysters?|mussels?|squid|calamari|octopus"
                               r"|abalone|conch|whelks?|cuttlefish|sea urchin|krill|shellfish"
                               r"|camarones|cockles?|chitons?|ascidians?|tunicates?"
                               r"|sea cucumbers?"),
    # dairy, eggs, honey
    (VEGETARIAN, "honey", r"honey|honeycomb|royal jelly|golden grahams"),
    (VEGETARIAN, "graham (honey)", r"grahams?"),
    (VEGETARIAN, "granola bar (honey, milk)", r"granola bars?"),
    (VEGETARIAN, "protein bar (milk protein)", r"protein bars?|power ?bar|zone perfect|balance,"
                                               r" original bar|slim-?fast"),
    (VEGETARIAN, "whey", r"whey"),
    (VEGETARIAN, "milk protein (nutrition drink or powder)",
     r"nutritional (?:drinks?|shakes?|supplements?|powders?)|meal replacements?"
     r"|protein (?:shakes?|drinks?|powders?)|instant breakfast|breakfast essentials"
     r"|abbott, ensure|\(ensure|ensure plus|glucerna|muscle milk|special k20"
     r"|nestle, boost|\(boost|boost plus"),
    (VEGETARIAN, "casein", r"caseins?|caseinates?|lactose|milk solids|milk protein"),
    (VEGETARIAN, "buttermilk", r"buttermilk"),
    (VEGETARIAN, "milk", r"milk|milks|leche|dairy|milkshakes?|eggnog|lassi"
                        r"|shakes?, fast food|(?:vanilla|chocolate|strawberry) shakes?"),
    (VEGETARIAN, "butter", r"butter|buttered|butterscotch|ghee|toffee"),
    (VEGETARIAN, "cream", r"cream|creams|creamed|creme|crème|sour cream|half and half"),
    (VEGETARIAN, "cheese", r"cheese|cheeses|cheesy|cheddar|mozzarella|parmesan|ricotta|feta"
                           r"|brie|gouda|provolone|romano|queso|paneer|cheesecake|cheez-it"
                           r"|alfredo|asiago|gruyere|pesto|nachos?|nacho-flavou?r|ranch|pizzas?|lasagna|lasagne"
                           r"|enchiladas?|goldfish|cheez"),
    (VEGETARIAN, "yogurt", r"yogh?urts?|kefir|tzatziki|raita"),
    (VEGETARIAN, "ice cream", r"ice creams?|gelato|sherbet|custard|pudding"
                              r"|puddings|flan|mousse|sundaes?|fudgsicle|creamsicle|bisque"
                              r"|chowder|white sauce"
                              r"|sauce, homemade, white|hazelnut spread"),
    (VEGETARIAN, "egg", r"eggs?|egg whites?|egg yolks?|huevos?|omelets?|omelettes?|frittata"
                        r"|quiche|souffle|meringue|mayonnaise|mayo|aioli|hollandaise"
                        r"|french toast|eggo|nougat|tartar sauce|sauce, tartar|thousand island"
                        r"|russian dressing|miracle whip|coleslaw|sandwich spread|potato salad"
                        r"|fried rice|lo mein|hush ?puppies|divinity|vanilla wafers?"
                        r"|pie, (?:pecan|pumpkin|lemon meringue|custard|coconut cream|banana cream)"
                        r"|(?:pecan|pumpkin) pie|hotcakes"
                        r"|horseradish sauce|sauce, horseradish"),
    (VEGETARIAN, "milk chocolate", r"milk chocolate|white chocolate|fudge|caramels?"
                                   r"|nutella|snickers|milky way|3 musketeers|twix|kit kat"
                                   r"|m&m'?s|reese'?s|almond joy|baby ruth"
                                   r"|butterfinger|100 grand|mr\. goodbar|krackel|heath|skor"
                                   r"|rolo|whoppers|milk duds|tootsie|nestle,? crunch|caramello"
                                   r"|5th avenue"
                                   r"|goobers|mars almond bar|oh henry|chunky bar|raisinets"
                                   r"|whatchamacallit|praline|chocolate truffles?"
                                   r"|candies, truffles"),
    (VEGETARIAN, "baked goods (egg, milk)", r"cakes?|cupcakes?|cookies?|brownies?|muffins?"
                                            r"|croissants?|danish pastr(?:y|ies)|doughnuts?|donuts?"
                                            r"|eclairs?"
                                            r"|cream puffs?|waffles?|pancakes?|crepes?"
                                            r"|cornbread|coffeecake|sweet rolls?|cinnamon rolls?"
                                            r"|popovers?|pound cake|ladyfingers?|challah"
                                            r"|brioche|biscotti|macaroons?|tiramisu|biscuits?|strudel"
                                            r"|banana bread"
                                            r"|bread, banana|zucchini bread|soda bread"
                                            r"|bread, irish soda|pan dulce|rusks?|zwieback"),
    (VEGETARIAN, "angel food (egg whites)", r"angel ?food"),
    (VEGETARIAN, "infant formula (milk-based)", r"infant formula|child formula|toddler formula"),
    # Meat analogues of the lacto-ovo brands, as analysed for SR28 (2015): MorningStar
    # Farms, Worthington and Loma Linda products were made with egg whites and often milk,
    # except those sold as vegan (checked by the caller, see _VEGAN_PRODUCT_RE).
    (VEGETARIAN, "lacto-ovo analogue brand (egg whites)",
     r"morningstar farms|worthington|loma linda"),
)
_KEYWORD_RES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (diet, label, re.compile(rf"\b(?:{pat})\b")) for diet, label, pat in KEYWORDS
)
#: Infant formulas that are soy- or amino-acid-based (no milk).
_NONDAIRY_FORMULA_RE = re.compile(r"\b(?:soy|prosobee|isomil|amino acid|neocate|elecare)\b")
#: Nutrition drinks and protein powders made without milk protein.
_NONDAIRY_DRINK_RE = re.compile(
    r"\b(?:soy|soy-based|plant-based|pea protein|rice protein|hemp protein|vegan)\b")
_FISH_ONLY_RE = re.compile(
    r"\b(?:fish|cod|lingcod|salmon|tuna|herring|halibut|swordfish|shark|crab|lobster|clam)\b")


def normalize_text(text: str) -> str:
    """Lower-case ``text`` with typographic quotes made plain and false friends removed."""
    t = str(text).lower().replace("\u2019", "'").replace("\u2018", "'")
    t = _FALSE_FRIENDS_RE.sub(" ", t)
    return t


def text_evidence(text: str) -> tuple[str, str] | None:
    """Diet class revealed by a food description, or None when it names no animal food.

    Parameters
    ----------
    text : str
        A food description (any case).

    Returns
    -------
    tuple of (str, str) or None
        ``(diet, label)`` for the most permissive class whose keyword occurs, ``label``
        naming the first such keyword group (e.g. ``("vegetarian", "whey")``).

    Examples
    --------
    >>> text_evidence("Peanut butter, smooth")
    >>> text_evidence("Noodles, egg, cooked")
    ('vegetarian', 'egg')
    """
    t = normalize_text(text)
    meatless = bool(_MEATLESS_RE.search(t))
    best: tuple[str, str] | None = None
    for diet, label, rx in _KEYWORD_RES:
        if meatless and diet in (OMNIVORE, PESCATARIAN) and label not in _NON_MEAT_OMNI:
            continue
        m = rx.search(t)
        if not m:
            continue
        if label == "lamb" and m.group(0).startswith("goat") and re.search(r"milk|cheese", t):
            continue  # goat milk / goat cheese: dairy
        if label == "infant formula (milk-based)" and _NONDAIRY_FORMULA_RE.search(t):
            continue
        if label.startswith("milk protein") and _NONDAIRY_DRINK_RE.search(t):
            continue
        if label.startswith("lacto-ovo") and _VEGAN_PRODUCT_RE.search(t):
            continue
        if label in _HOME_ADDED_LABELS and _DRY_MIX_RE.search(t) and "prepared" not in t:
            continue  # a dry mix: the eggs and milk of a cake or pudding are added at home
        if label in ("organ meat", "steak", "meat") and _FISH_ONLY_RE.search(t):
            continue  # cod liver oil, salmon steak
        if best is None or _RANK[diet] > _RANK[best[0]]:
            best = (diet, label if "(" in label else m.group(0))
    return best


#: Labels that assume eggs or milk in a finished cake or pudding; a dry mix not yet
#: prepared lacks them (they are added at home).
_HOME_ADDED_LABELS = frozenset({"baked goods (egg, milk)", "ice cream"})
_VEGAN_PRODUCT_RE = re.compile(r"\bvegan\b")
_DRY_MIX_RE = re.compile(r"\bdry mix\b|\bmix, dry\b|\bdry, mix\b")

#: Omnivore keywords that stay valid in meatless foods (gelatin, marshmallow, lard ...).
_NON_MEAT_OMNI = frozenset({
    "marshmallow (gelatin)", "gelatin", "Lucky Charms (marshmallows)",
    "Frosted Mini-Wheats (gelatin)", "Rice Krispies Treats (marshmallow)",
    "gummy candy (gelatin)", "Starburst (gelatin)", "candy corn (gelatin)", "lard", "tallow",
    "suet", "rennet (calf stomach)", "Parmesan-type cheese (animal rennet)",
})


# -- USDA's nutrient figures ---------------------------------------------------------------

#: Cholesterol at or above this [mg / 100 g] cannot come from a plant food: animal
#: evidence. Plant sterols are not cholesterol; below 5 mg USDA lists 1-4 mg for foods with
#: no animal ingredient (papad 4, hoisin sauce 3, liquid of stewed kidney beans 4, margarine
#: 1) from analytic and rounding traces, so 5 mg is the lowest unambiguous level [SR28 601].
CHOLESTEROL_MIN_MG = 5.0
#: Butyric acid (fatty acid 4:0) at or above this [g / 100 g], with cholesterol: milk fat.
#: Butter has 3.2 g [SR28 607, food 01001]; 0.04 g is about 1 % butter. Plant fats show up to
#: 0.08 g (industrial palm-kernel and coconut oils), so butyric acid alone proves nothing.
MILK_FAT_BUTYRIC_MIN_G = 0.04
#: Natural (not added) B12 above this [µg / 100 g], in a food that is neither fortified
#: nor exempt (below), is animal evidence. At or below it USDA lists traces for plain plant
#: foods (kiwifruit 0.08, beer 0.02, rosé wine 0.01) and 0.06-0.10 for margarine composites
#: that average in B12-fortified brands [SR28 418].
NATURAL_B12_MIN_UG = 0.1
#: Natural B12 at or above this [µg / 100 g] with less than :data:`CHOLESTEROL_MIN_MG` of
#: cholesterol cannot come from a minor dairy or egg ingredient (nonfat dry milk has about
#: 4 µg B12 and 20 mg cholesterol per 100 g, SR 01091): it is fortification USDA did not
#: mark as added (meat analogues, spreads) [SR28 418, 601].
NATURAL_B12_MAX_UG = 1.0

#: Foods whose figures are not animal evidence: (pattern, which figures, reason).
#: ``which`` is ``"both"`` (cholesterol and B12), ``"b12"`` or ``"cholesterol"``.
FIGURE_EXCEPTIONS: tuple[tuple[str, str, str], ...] = (
    (r"\b(?:seaweeds?|algae|kelp|wakame|kombu|dulse|hijiki|arame|irish ?moss|agar|spirulina"
     r"|chlorella|laver|nori|tsunomata|green machine|blue machine|green goodness)\b", "both",
     "algae: red algae hold cholesterol among their sterols and algae carry B12 analogues "
     "[WATANABE-07]; the juice smoothies named contain spirulina and chlorella"),
    (r"\b(?:mushrooms?|yeast|tempeh|miso|natto|soy sauce|tamari|sauerkraut|kimchi|beer|ale"
     r"|wine|kombucha|vinegar)\b", "b12",
     "fungi and fermented foods: surface bacteria and fermentation leave B12 traces "
     "[VH-PLANT]"),
    (r"\b(?:soy ?milk|soy beverage|almond milk|rice milk|oat milk|coconut milk"
     r"|plant-based milk)\b", "b12",
     "plant milks: USDA lists 0.37-0.70 µg with no added value for soymilks (SR 16166, "
     "16247-16249); a soy drink has no animal ingredient, so the figure is fortification "
     "USDA did not mark"),
    (r"\binfant formula\b.*\bsoy\b|\bgood start soy\b|\bisomil\b|\bprosobee\b",
     "cholesterol",
     "soy infant formula: the powder's 6 mg / 100 g is about 1 mg / 100 mL as fed (FNDDS "
     "11720611 lists 1 mg), a trace; soy formulas contain no milk"),
    (r"^snacks, tortilla chips, plain, white corn, salted$", "b12",
     "plain tortilla chips are corn, oil and salt (the name gives the recipe); USDA's single "
     "analysis of 0.36 µg is not explained by any ingredient"),
)
_FIGURE_EXCEPTION_RES = tuple((re.compile(p), w, r) for p, w, r in FIGURE_EXCEPTIONS)
#: Products made to be meatless: cholesterol in them is egg or dairy, not meat.
_ANALOGUE_RE = re.compile(
    r"\b(?:meatless|vegetarian|vegan|veggie|meat substitutes?|meat analogu?e|soyburgers?"
    r"|morningstar farms|gardenburger|loma linda|worthington|boca)\b")
#: Sweets whose cholesterol, when no word names it, is milk fat (milk chocolate, butter).
_SWEET_RE = re.compile(r"\b(?:chocolate|candy|candies|toffee|taffy|brittle|frosting|fudge)\b")
#: Savoury bases whose unexplained B12 is meat stock or extract rather than milk.
_SAVOURY_BASE_RE = re.compile(r"\b(?:gravy|bouillon|broth|stock|consomme|ramen)\b")


class Figures(NamedTuple):
    """USDA's nutrient figures for one food, per 100 g (NaN = not given).

    Attributes
    ----------
    cholesterol_mg : float
        Cholesterol [mg] (SR 601, FNDDS "Cholesterol (mg)").
    butyric_g : float
        Fatty acid 4:0 [g] (SR 607, FNDDS "4:0 (g)").
    b12_ug, b12_added_ug : float
        B12 and added B12 [µg].
    fortified : bool
        B12 was added, by any sign (:func:`planner.model.reliability.infer_fortified`).
    """

    cholesterol_mg: float = float("nan")
    butyric_g: float = float("nan")
    b12_ug: float = float("nan")
    b12_added_ug: float = float("nan")
    fortified: bool = False


def _num(x: object) -> float:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return v


def figure_exception(description: str, which: str) -> str | None:
    """The documented reason why ``which`` figures ("cholesterol" or "b12") of a food are
    not animal evidence, or None (see :data:`FIGURE_EXCEPTIONS`)."""
    t = str(description).lower().replace("\u2019", "'")
    for rx, w, reason in _FIGURE_EXCEPTION_RES:
        if w in ("both", which) and rx.search(t):
            return reason
    return None


def figure_evidence(description: str, figures: Figures) -> tuple[str, str] | None:
    """Diet class revealed by USDA's nutrient figures when no word or ingredient names an
    animal food, or None.

    Parameters
    ----------
    description : str
        The food's description (for the exceptions and the kind of product).
    figures : Figures
        Its cholesterol, butyric acid and B12 figures.

    Returns
    -------
    tuple of (str, str) or None
        ``(diet, label)``:

        * cholesterol ≥ :data:`CHOLESTEROL_MIN_MG`: ``vegetarian`` for a product made to
          be meatless (egg or dairy) or with milk fat (butyric acid ≥
          :data:`MILK_FAT_BUTYRIC_MIN_G`, or a chocolate or candy), else ``omnivore``
          (egg, meat or lard: the figures cannot tell which, so the class a vegetarian
          can trust);
        * natural B12 (total minus USDA's added) above :data:`NATURAL_B12_MIN_UG` and below
          :data:`NATURAL_B12_MAX_UG` in a food not fortified by any sign: ``omnivore`` in a
          gravy, broth or bouillon (meat stock), else ``vegetarian`` (milk solids or egg
          white: B12 without cholesterol);
        * None for the foods of :data:`FIGURE_EXCEPTIONS` and when the figures show nothing.

    Examples
    --------
    >>> figure_evidence("Soup, hot and sour", Figures(cholesterol_mg=21.0, butyric_g=0.0))
    ('omnivore', 'cholesterol 21 mg/100 g (egg, meat or lard)')
    >>> figure_evidence("Potatoes, mashed, ready-to-eat", Figures(13.0, 0.087, 0.22, 0.0))
    ('vegetarian', 'cholesterol 13 mg/100 g with milk fat')
    """
    t = normalize_text(description)
    chol = _num(figures.cholesterol_mg)
    if chol == chol and chol >= CHOLESTEROL_MIN_MG \
            and figure_exception(description, "cholesterol") is None:
        if _ANALOGUE_RE.search(t):
            return VEGETARIAN, f"cholesterol {chol:g} mg/100 g in a meatless product (egg or dairy)"
        but = _num(figures.butyric_g)
        if (but == but and but >= MILK_FAT_BUTYRIC_MIN_G) or _SWEET_RE.search(t):
            return VEGETARIAN, f"cholesterol {chol:g} mg/100 g with milk fat"
        return OMNIVORE, f"cholesterol {chol:g} mg/100 g (egg, meat or lard)"
    b12, added = _num(figures.b12_ug), _num(figures.b12_added_ug)
    if figures.fortified or b12 != b12 or figure_exception(description, "b12") is not None:
        return None
    natural = b12 - (added if added == added and added > 0 else 0.0)
    if NATURAL_B12_MIN_UG < natural < NATURAL_B12_MAX_UG:
        if _SAVOURY_BASE_RE.search(t) and not _ANALOGUE_RE.search(t):
            return OMNIVORE, f"B12 {natural:.2g} µg/100 g, none added (meat stock or extract)"
        return VEGETARIAN, f"B12 {natural:.2g} µg/100 g, none added (milk solids or egg white)"
    return None


def _apply_figures(k: DietClass, description: str, figures: Figures | None) -> DietClass:
    """Raise a vegan class when USDA's figures show an animal ingredient (unverified)."""
    if figures is None or k.diet != VEGAN:
        return k
    ev = figure_evidence(description, figures)
    if ev is None:
        return k
    return DietClass(ev[0], f"USDA figures: {ev[1]}; no word or ingredient names it "
                            "(check the label)", False)


# -- LanguaL descriptors ----------------------------------------------------------------

#: LanguaL factor descriptions (LANGDESC.txt) that name an animal ingredient.
LANGUAL_DIET: dict[str, str] = {
    "MEAT ADDED": OMNIVORE,
    "POULTRY ADDED": OMNIVORE,
    "ANIMAL FAT OR OIL ADDED": OMNIVORE,
    "MEAT OR MEAT PRODUCT (FROM MAMMAL) (US CFR)": OMNIVORE,
    "POULTRY OR POULTRY PRODUCT (US CFR)": OMNIVORE,
    "CURED MEAT (US CFR)": OMNIVORE,
    "CATTLE": OMNIVORE, "SWINE": OMNIVORE, "CHICKEN": OMNIVORE, "TURKEY (POULTRY)": OMNIVORE,
    "DUCK": OMNIVORE, "GOOSE": OMNIVORE, "QUAIL": OMNIVORE, "PHEASANT": OMNIVORE,
    "PIGEON": OMNIVORE, "GUINEA FOWL": OMNIVORE, "BROILER OR FRYER CHICKEN": OMNIVORE,
    "ROASTER CHICKEN": OMNIVORE, "CAPON": OMNIVORE, "HEN": OMNIVORE,
    "MILK ADDED": VEGETARIAN, "CHEESE ADDED": VEGETARIAN, "EGG ADDED": VEGETARIAN,
    "EGG YOLK ADDED": VEGETARIAN, "EGG WHITE ADDED": VEGETARIAN, "HONEY ADDED": VEGETARIAN,
    "WHEY ADDED": VEGETARIAN, "BUTTER ADDED": VEGETARIAN, "CREAM ADDED": VEGETARIAN,
    "MILK PROTEIN ADDED": VEGETARIAN, "COW": VEGETARIAN,
}


def langual_evidence(descriptions: Iterable[str]) -> tuple[str, str] | None:
    """Diet class revealed by a food's LanguaL factor descriptions, or None.

    Returns
    -------
    tuple of (str, str) or None
        ``(diet, descriptor)`` for the most permissive class found.
    """
    best: tuple[str, str] | None = None
    for d in sorted(set(descriptions)):
        diet = LANGUAL_DIET.get(d.strip().upper())
        if diet and (best is None or _RANK[diet] > _RANK[best[0]]):
            best = (diet, d.strip().upper())
    return best


# -- SR foods ---------------------------------------------------------------------------

#: SR food groups that hold one kind of animal food: the group fixes the class.
SR_ANIMAL_GROUPS: dict[str, str] = {
    "Beef Products": OMNIVORE,
    "Pork Products": OMNIVORE,
    "Lamb, Veal, and Game Products": OMNIVORE,
    "Poultry Products": OMNIVORE,
    "Sausages and Luncheon Meats": OMNIVORE,
    "Finfish and Shellfish Products": PESCATARIAN,
    "Dairy and Egg Products": VEGETARIAN,
}

#: SR food groups of single plant foods (vegan unless the description says otherwise).
SR_PLANT_GROUPS: frozenset[str] = frozenset({
    "Spices and Herbs", "Fruits and Fruit Juices", "Vegetables and Vegetable Products",
    "Nut and Seed Products", "Legumes and Legume Products", "Cereal Grains and Pasta",
})

#: Plain single foods inside mixed groups (a description match counts as verified).
_PLAIN_RE = re.compile(
    r"^(?:cereals, (?:oats|corn grits|farina|whole wheat hot natural cereal|wheat germ)"
    r"|cereals ready-to-eat, (?:rice|wheat), puffed|cereals ready-to-eat, wheat germ"
    r"|babyfood, (?:fruit|vegetables?|juice),|sugars?,|syrups?, (?:maple|corn|sorghum)"
    r"|molasses|honey|jams and preserves|jellies"
    r"|cocoa, dry powder|baking chocolate|snacks, popcorn, air-popped|gelatins?, dry powder"
    r"|leavening agents|yeast extract spread|oil,|fat, |lard|water,|beverages, (?:water|tea,"
    r"|coffee, brewed)|vinegar|salt, table|alcoholic beverage, (?:distilled|liqueur))"
)
#: Descriptions of composite dishes (their class rests on the words shown).
_COMPOSITE_RE = re.compile(
    r"\b(?:with (?:sauce|cheese|butter|gravy)|in sauce|salad|souffle"
    r"|casserole|stew|soup|sandwich|pie|pudding|pizza|dinner|entree|mix|dressing|spread"
    r"|mashed|ready-to-(?:eat|heat|serve)|prepared-from-recipe|prepared from|commercially prepared"
    r"|home-prepared|restaurant|fast foods?|au gratin|scalloped"
    r"|o'brien|hash brown|breaded|battered|refried)\b"
)
#: Upper-case words in SR descriptions that are not brand names.
_NOT_BRANDS = frozenset({"USDA", "DHA", "ARA", "BBQ", "NFS", "UHT", "II", "III", "USA", "RTE",
                         "RTF", "PKT", "NS"})
_UPPER_WORD_RE = re.compile(r"\b[A-Z][A-Z'&.\-]{2,}\b")


def is_branded(description: str, manufacturer: str = "") -> bool:
    """True when an SR food is a branded product (a manufacturer or an upper-case brand name)."""
    if str(manufacturer).strip():
        return True
    return any(w not in _NOT_BRANDS for w in _UPPER_WORD_RE.findall(str(description)))


def classify_sr(
    description: str,
    group: str,
    manufacturer: str = "",
    langual: Sequence[str] = (),
    figures: Figures | None = None,
) -> DietClass:
    """Classify one SR28 food.

    Parameters
    ----------
    description : str
        SR ``Long_Desc``.
    group : str
        SR food group description (``FdGrp_Desc``).
    manufacturer : str
        SR ``ManufacName`` ("" when none).
    langual : sequence of str
        The food's LanguaL factor descriptions (may be empty).
    figures : Figures, optional
        USDA's cholesterol, butyric acid and B12 figures (see :func:`figure_evidence`).

    Returns
    -------
    DietClass
        The most permissive class among the group (for single-kind animal groups), the
        LanguaL descriptors and the description's words; a vegan class is raised when the
        figures show an animal ingredient. ``verified`` is False for branded or composite
        products classified below omnivore from words alone, and for classes raised by
        the figures.
    """
    text = text_evidence(description)
    lang = langual_evidence(langual)
    meatless = bool(_MEATLESS_RE.search(normalize_text(description)))
    candidates: list[tuple[str, str]] = []
    if group in SR_ANIMAL_GROUPS and not (meatless and SR_ANIMAL_GROUPS[group] != VEGETARIAN):
        candidates.append((SR_ANIMAL_GROUPS[group], f"SR group: {group}"))
    if lang:
        candidates.append((lang[0], f"LanguaL: {lang[1]}"))
    if text and group == "Dairy and Egg Products" and text[1] in _SPECIES_WORDS:
        text = None  # "Egg, duck", "Milk, indian buffalo": the species of a dairy/egg food
    if text:
        candidates.append((text[0], f"description: '{text[1]}'"))
    if candidates:
        diet, basis = max(candidates, key=lambda c: _RANK[c[0]])  # first of the max class
    elif group in SR_PLANT_GROUPS:
        diet, basis = VEGAN, f"SR group: {group}"
    else:
        diet, basis = VEGAN, "description: no animal ingredient named"
    if diet == OMNIVORE:
        verified = True
    elif is_branded(description, manufacturer):
        verified = False
    elif group in SR_ANIMAL_GROUPS or group in SR_PLANT_GROUPS:
        verified = not (diet == VEGAN and (meatless or _COMPOSITE_RE.search(description.lower())))
    else:
        verified = bool(_PLAIN_RE.match(description.lower()))
    if not verified and "unverified" not in basis:
        basis += " (no ingredient list: check the label)"
    return _apply_figures(DietClass(diet, basis, verified), description, figures)


#: Animal names that, in the Dairy and Egg group, name the egg's or milk's species.
_SPECIES_WORDS = frozenset({"duck", "goose", "quail", "turkey", "buffalo", "goat", "emu",
                            "ostrich", "pheasant", "chicken", "sheep"})


#: Ingredient words in an FNDDS name that count even when USDA's recipe lacks them: honey
#: (honey roasted nuts and honey cereals are made with sugar in the recipe) and dairy named
#: as an ingredient or flavour (cheese-flavoured chips, malted milk). Generic dish words
#: ("cake", "granola bar") do not count against a recipe.
_NAME_OVER_RECIPE_RE = re.compile(
    r"\b(?:honey|cheese|cheesy|sour cream|yogh?urt|whey|milk|buttermilk)\b")
_NONDAIRY_NAME_RE = re.compile(r"non-?dairy|dairy-free|\bno dairy\b|made with (?:soy|almond|oat"
                               r"|rice|coconut|cashew|plant)")


# -- FNDDS foods ------------------------------------------------------------------------

def format_code(code: int) -> str:
    """An ingredient code as USDA prints it: SR numbers 5 digits, FNDDS food codes 8."""
    return f"{int(code):05d}" if int(code) < 100000 else f"{int(code):08d}"


def classify_fndds(
    descriptions: Mapping[int, str],
    ingredients: Mapping[int, Sequence[tuple[int, str]]],
    sr_classes: Mapping[int, DietClass],
    figures: Mapping[int, Figures] | None = None,
) -> dict[int, DietClass]:
    """Classify FNDDS survey foods from their ingredient lists.

    Parameters
    ----------
    descriptions : mapping of int to str
        FNDDS food code -> main food description.
    ingredients : mapping of int to sequence of (int, str)
        FNDDS food code -> its ingredients in USDA's order as ``(ingredient code,
        ingredient description)``. A code is an SR NDB number, another FNDDS food code
        (classified recursively) or, rarely, a code in neither (classified by its
        description).
    sr_classes : mapping of int to DietClass
        SR NDB number (as int) -> class of that SR food.
    figures : mapping of int to Figures, optional
        FNDDS food code -> USDA's nutrient figures (see :func:`figure_evidence`).

    Returns
    -------
    dict of int to DietClass
        One entry per food in ``descriptions``. The class is the most permissive over
        the ingredients and the food's own name (USDA's recipe may substitute sugar for
        the honey the name promises: the name wins), raised when the figures show an
        animal ingredient. ``verified`` is True when the class is omnivore, or when it
        rests on the ingredients and every ingredient's class is verified. A food without
        ingredients is classified by its description.
    """
    done: dict[int, DietClass] = {}

    def ingredient_class(code: int, desc: str, stack: frozenset[int]) -> DietClass:
        if code in descriptions and code not in stack:
            return food_class(code, stack)
        if code in sr_classes:
            return sr_classes[code]
        ev = text_evidence(desc)
        return DietClass(ev[0] if ev else VEGAN, "", True)

    def food_class(code: int, stack: frozenset[int] = frozenset()) -> DietClass:
        if code in done:
            return done[code]
        items = list(ingredients.get(code, ()))
        if not items:
            ev = text_evidence(descriptions[code])
            result = (DietClass(ev[0], f"description: '{ev[1]}' (no FNDDS ingredients)", True)
                      if ev else DietClass(VEGAN, "description: no FNDDS ingredients", False))
            result = _apply_figures(result, descriptions[code], (figures or {}).get(code))
            done[code] = result
            return result
        stack = stack | {code}
        classes = [(c, d, ingredient_class(c, d, stack)) for c, d in items]
        diet = max_diet(k.diet for _, _, k in classes)
        unverified = [(c, d) for c, d, k in classes if not k.verified]
        verified = diet == OMNIVORE or not unverified
        if diet == VEGAN:
            basis = f"FNDDS ingredients: all plant-based ({len(items)})"
        else:
            c, d, _ = next(x for x in classes if x[2].diet == diet)
            basis = f"FNDDS ingredients: {format_code(c)} {d}"
        if not verified:
            c, d = unverified[0]
            basis += f"; unverified: {format_code(c)} {d}"
        named = _NAME_OVER_RECIPE_RE.search(normalize_text(descriptions[code]))
        if named and diet == VEGAN and not _NONDAIRY_NAME_RE.search(descriptions[code].lower()):
            # the name promises an animal ingredient the recipe lacks (honey -> sugar)
            diet, verified = VEGETARIAN, False
            basis = f"description: '{named.group(0)}' (USDA's recipe: {basis})"
        result = _apply_figures(DietClass(diet, basis, verified), descriptions[code],
                                (figures or {}).get(code))
        done[code] = result
        return result

    for code in descriptions:
        food_class(code)
    return {code: done[code] for code in descriptions}


__all__ = [
    "DietClass", "Figures", "figure_evidence", "figure_exception", "FIGURE_EXCEPTIONS",
    "CHOLESTEROL_MIN_MG", "MILK_FAT_BUTYRIC_MIN_G", "NATURAL_B12_MIN_UG", "NATURAL_B12_MAX_UG",
    "max_diet", "text_evidence", "normalize_text", "langual_evidence",
    "classify_sr", "classify_fndds", "is_branded", "format_code",
    "SR_ANIMAL_GROUPS", "SR_PLANT_GROUPS", "KEYWORDS", "FALSE_FRIENDS", "LANGUAL_DIET",
]
