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
"coconut milk", "honeydew" ...). ``verified`` is False when the class rests on a
description alone for a composite or branded product without an ingredient list: such
foods may hold animal ingredients the description does not name (whey, gelatin ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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
    r"\byogh?urt, (?:soy|almond|coconut|oat|cashew)\b",
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
    (OMNIVORE, "Starburst (gelatin)", r"starburst"),
    (OMNIVORE, "candy corn (gelatin)", r"candy corn"),
    (OMNIVORE, "frosted Pop-Tarts (gelatin)", r"pop[- ]?tarts.*frosted|frosted.*pop[- ]?tarts"),
    (OMNIVORE, "s'mores (marshmallow)", r"s'mores"),
    (OMNIVORE, "Frosted Mini Spooners (gelatin)", r"frosted mini spooners"),
    (OMNIVORE, "rennet (calf stomach)", r"rennin|rennet"),
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
    (OMNIVORE, "burger", r"burgers?|hamburgers?|cheeseburgers?|whopper|big mac"),
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
                        r"|(?:pecan|pumpkin) pie|hotcakes"),
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
                                            r"|bread, irish soda"),
    (VEGETARIAN, "infant formula (milk-based)", r"infant formula|child formula|toddler formula"),
)
_KEYWORD_RES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (diet, label, re.compile(rf"\b(?:{pat})\b")) for diet, label, pat in KEYWORDS
)
#: Infant formulas that are soy- or amino-acid-based (no milk).
_NONDAIRY_FORMULA_RE = re.compile(r"\b(?:soy|prosobee|isomil|amino acid|neocate|elecare)\b")
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
        if label in ("organ meat", "steak", "meat") and _FISH_ONLY_RE.search(t):
            continue  # cod liver oil, salmon steak
        if best is None or _RANK[diet] > _RANK[best[0]]:
            best = (diet, label if "(" in label else m.group(0))
    return best


#: Omnivore keywords that stay valid in meatless foods (gelatin, marshmallow, lard ...).
_NON_MEAT_OMNI = frozenset({
    "marshmallow (gelatin)", "gelatin", "Lucky Charms (marshmallows)",
    "Frosted Mini-Wheats (gelatin)", "Rice Krispies Treats (marshmallow)",
    "gummy candy (gelatin)", "Starburst (gelatin)", "candy corn (gelatin)", "lard", "tallow",
    "suet",
})


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
    r"|casserole|stew|soup|sandwich|pie|pudding|pizza|dinner|entree|mix|dressing|spread)\b"
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

    Returns
    -------
    DietClass
        The most permissive class among the group (for single-kind animal groups), the
        LanguaL descriptors and the description's words; ``verified`` is False for branded
        or composite products classified below omnivore from words alone.
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
    return DietClass(diet, basis, verified)


#: Animal names that, in the Dairy and Egg group, name the egg's or milk's species.
_SPECIES_WORDS = frozenset({"duck", "goose", "quail", "turkey", "buffalo", "goat", "emu",
                            "ostrich", "pheasant", "chicken", "sheep"})


# -- FNDDS foods ------------------------------------------------------------------------

def format_code(code: int) -> str:
    """An ingredient code as USDA prints it: SR numbers 5 digits, FNDDS food codes 8."""
    return f"{int(code):05d}" if int(code) < 100000 else f"{int(code):08d}"


def classify_fndds(
    descriptions: Mapping[int, str],
    ingredients: Mapping[int, Sequence[tuple[int, str]]],
    sr_classes: Mapping[int, DietClass],
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

    Returns
    -------
    dict of int to DietClass
        One entry per food in ``descriptions``. The class is the most permissive over
        the ingredients; ``verified`` is True when the class is omnivore or every
        ingredient's class is verified. A food without ingredients is classified by its
        description.
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
        result = DietClass(diet, basis, verified)
        done[code] = result
        return result

    for code in descriptions:
        food_class(code)
    return {code: done[code] for code in descriptions}


__all__ = [
    "DietClass", "max_diet", "text_evidence", "normalize_text", "langual_evidence",
    "classify_sr", "classify_fndds", "is_branded", "format_code",
    "SR_ANIMAL_GROUPS", "SR_PLANT_GROUPS", "KEYWORDS", "FALSE_FRIENDS", "LANGUAL_DIET",
]
