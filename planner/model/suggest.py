"""What to add when a plan falls short: fortified foods, supplements, the least-change plan.

:func:`suggest` answers "what exactly should I add, when, and how much does it help?" in
*absorbed* micrograms, with the same absorption model and dose rules as
:func:`planner.model.evaluate.evaluate` (it calls
:func:`planner.model.absorption.absorbed_doses`, :func:`~planner.model.absorption.dose_loads`
and :func:`~planner.model.absorption.absorbed_from_loads` directly; no constant is
re-derived here), so every gain shown is what ``evaluate`` gives for the plan with that
addition. What it says about the lines uses the verdict
vocabulary (:mod:`planner.model.verdicts`).

Design choices
--------------
Goal
    ``goal="target"`` (default) asks for the goal line (absorbed ≥ RDA/AI × 50 %, verdict
    ``meets_goal``); ``goal="requirement"`` asks only for the requirement line (absorbed
    ≥ average requirement × 50 %, verdict ``adequate``). Authorities that publish only an
    AI have no requirement line (NaN): both aim at the goal line, and nothing is called
    adequate from the missing line.
Clinician-managed conditions
    ``needs_clinician`` profiles (pernicious anaemia, ileal resection, bariatric surgery,
    nitrous oxide) and infants get no food plan whatever the intake; the messages are the
    library's own (:data:`planner.model.absorption.CONDITIONS`, the evaluation's
    ``summary["clinician"]``), and the regimens are information for a clinician. With
    ``labs`` that make deficiency likely, the supplement part is
    :func:`planner.model.labs.treatment_information` and the diet plan is for afterwards.
A daily habit, not day-specific additions
    The least-change plan is one small habit repeated on every day of the plan's span
    ("1 cup fortified soy milk at dinner, every day"), because that is what people can
    follow. It is evaluated on the real days, so a weak day is carried by the average
    (:func:`~planner.model.evaluate.evaluate` judges the daily average over the span). On a day
    where the meal exists the addition takes that meal's clock time (it joins that
    meal's dose); on other days it uses the meal's usual time.
Exact search
    Doses close in time share the IF receptors as they recover over ~6 h, so *where* a
    serving goes matters. For every set of meals used, the doses are built as ``evaluate``
    builds them (one per clock time, ``has_food`` from food rows); the loads of
    :func:`~planner.model.absorption.dose_loads` are sums of occupancy × B12, so for fixed times
    the loads of plan plus additions are the plan's plus each addition's amount times the
    loads of one µg there, and every multiset of ``k`` (food, meal) servings (``k`` = 1, 2,
    ... up to ``max_servings_per_day``) is scored at once with numpy. The first ``k`` with a
    combination reaching the goal wins; among those, the smallest added grams, then the
    fewest foods away from their usual meal (:data:`NATURAL_MEALS`: cereal at breakfast),
    then the most absorbed. The winner is verified with :func:`~planner.model.evaluate.evaluate`
    (the next candidate is tried if, against expectation, it fails). With at most
    :data:`MAX_OPTIONS` (food, meal) options (:data:`POOL_SIZE` foods, :data:`MAX_SLOTS`
    meals) this exhaustive search is small (≤ 52,360 combinations at ``k`` = 4) and needs no
    MILP; a 7-day plan takes well under 300 ms.
Meals
    The plan's own meals (its names, and on each day its clock time), plus the standard
    breakfast 08:00, lunch 12:30, snack 16:00 and dinner 19:00 where the plan has no meal
    within :data:`STANDARD_MEAL_GAP_MIN` minutes; at most :data:`MAX_SLOTS`.
Foods
    Candidates are foods a dietitian would name (:data:`FAMILIES`: fortified plant milks,
    breakfast cereals, plant yoghurts, meat analogues, fortified tofu and spreads, yeast
    extract, the person's saved foods; for non-vegans everyday natural sources), never
    those of :data:`NOT_FOR_SUGGESTION` (candy, sweetened or flavoured drinks, dressings,
    bars and shakes, infant foods, legacy items). They come from FNDDS (foods people
    report eating), the person's saved foods, or generic SR foods (branded SR products are
    not offered), each with an everyday name (:func:`everyday_name`). They have known,
    reliable B12, at least :data:`MIN_SERVING_UG` per serving and a realistic USDA
    household portion (see :func:`pick_serving`; foods without one are skipped, never
    given an invented 100 g serving). The list is in the order of the gain shown; foods
    whose diet class is unverified are marked ``check_label`` and never used in the
    least-change plan. Older adults (51+) and people with low stomach acid (atrophic
    gastritis, PPI, H2 blocker) or on metformin are offered only foods whose B12 is mostly
    crystalline, and the messages lead with them and a supplement [IOM p.306, p.342].
Supplements
    Regimens and shelf strengths live in ``data/supplements.csv`` (editable; every row
    has a source), by group (:func:`supplement_group`): adults and teenagers (daily,
    twice a week, weekly, from the published advice: daily ≥ 10 µg, twice a week 1000 µg,
    weekly 2000 µg [VEGSOC] [VRG-15]), children 1-13 (VeganHealth's table by age
    [VH-TAB]; never adult 1000-2000 µg doses; otherwise a paediatrician), pregnancy and
    breastfeeding (a daily source only [IOM p.340]), 51+ with low stomach acid or on
    metformin (500-1000 µg a day [BMJ-BP-822]). Each ranged regimen gets the smallest
    shelf strength within its range whose modelled absorbed B12 (on top of the diet,
    on the regimen's days, taken with the meal where it adds most) reaches the goal.
    Without intrinsic factor (pernicious anaemia, ileal resection) only high-dose daily
    oral B12 and injections are shown; after bariatric surgery the ASMBS regimens
    (350–500 µg a day or 1000 µg a month by injection) [ASMBS]; as information for a
    clinician, and no food plan is made.

References
----------
.. [IOM] Institute of Medicine (1998). DRIs ... Vitamin B12, ch. 9, pp. 306–342.
.. [VEGSOC] The Vegan Society. What every vegan should know about vitamin B12.
.. [EFSA-15] EFSA NDA Panel (2015). EFSA Journal 13(7):4150 (no UL set).
.. [EVM-03] Expert Group on Vitamins and Minerals (2003). Safe upper levels for vitamins
   and minerals (guidance level 2000 µg/day from supplements).
.. [VH-TAB] VeganHealth (Jack Norris RD), supplement table by age, as reproduced in
   b12-science.md §8a (secondary copies; confirm at veganhealth.org before release).
.. [MESSINA-19] Ginny Messina RD, quoted by Raise Vegan (2019): about 10 µg a day for
   toddlers, 15-20 µg for school-age children (b12-science.md §8a).
.. [ASMBS] ASMBS 2016 micronutrient guideline: B12 350–500 µg/day by mouth or
   1000 µg/month IM/SC after bariatric surgery (b12-science.md, conditions table).
.. [BMJ-BP-822] BMJ Best Practice, B12 deficiency, prevention: about 500 µg a day or more
   of crystalline B12 suggested for older people (b12-science.md §2).
"""

from __future__ import annotations

import itertools
import math
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from planner._files import read_text_csv
from planner._paths import data_path
from planner.errors import DataFileError, InputError
from planner.formats import format_ug
from planner.model.absorption import (
    CONDITIONS,
    AbsorptionParams,
    DoseLoads,
    absorbed_crystalline,
    absorbed_doses,
    absorbed_from_loads,
    dose_loads,
    minutes_of_day,
)
from planner.model.diet import is_branded
from planner.model.evaluate import (
    EVM_GUIDANCE_UG,
    EVM_SOURCE,
    Evaluation,
    evaluate,
    needs_clinician,
)
from planner.model.foods import FoodTable
from planner.model.labs import LabInterpretation, TreatmentInformation, treatment_information
from planner.model.plan import empty_plan, validate_plan
from planner.model.profile import Profile
from planner.model.verdicts import LINE_TOLERANCE_UG, Verdict, decide, decide_many
from planner.schema import DEFAULT_MEAL_TIMES, DIET_ORDER, PLAN_COLUMNS, SUPPLEMENT_PREFIX

SUPPLEMENTS_FILE = "supplements.csv"

GOALS: tuple[str, ...] = ("target", "requirement")
#: Most added servings a day the least-change search considers (the issue's limit).
MAX_SERVINGS_PER_DAY = 4
#: Foods (after variety and dominance pruning) the least-change search combines.
POOL_SIZE = 8
#: Most (food, meal) options in the search: 32 options give at most C(35, 4) = 52,360
#: combinations of 4 servings.
MAX_OPTIONS = 32
#: Meals (slots) a serving can be placed in.
MAX_SLOTS = 5
#: A standard meal (breakfast 08:00, lunch 12:30, snack 16:00, dinner 19:00) missing from
#: the plan is offered only if no plan meal is usually within this many minutes of it.
STANDARD_MEAL_GAP_MIN = 150
#: Foods listed in ``Suggestion.foods`` (plus up to :data:`N_CHECK_LABEL` to check).
N_FOODS = 10
N_CHECK_LABEL = 3
#: At most this many listed foods from one family (cereal, plant milk, ...).
PER_FAMILY = 2
#: Smallest B12 in one serving worth suggesting [µg] (≈ 8 % of the adult RDA).
MIN_SERVING_UG = 0.2
#: Realistic serving bounds [g]: below is a crumb ("1 piece" of cereal = 0.1 g), above a
#: package ("1 container" of mashed potato = 700 g).
MIN_SERVING_G = 5.0
MAX_SERVING_G = 300.0
#: Most energy one suggested serving may add [kcal]: an eighth of the 2,000 kcal reference
#: day of US labels (21 CFR 101.9), a generous side or snack. Keeps dense foods to bites
#: ("1 oz" of dry textured soy, "1 tbsp" of dressing, not "1 cup"); a project choice.
MAX_SERVING_KCAL = 250.0
#: Share of a food's B12 that must be crystalline to count as a "crystalline" source.
CRYSTALLINE_SHARE = 0.5
#: Smallest gain from moving an existing item to another meal worth a message [µg/day].
MOVE_MESSAGE_UG = 0.1
#: Float margin the fast model must clear before :func:`evaluate` verifies [µg/day].
_MARGIN = 1e-6
#: From this age [years] the adult regimens apply; below it VeganHealth's table by age
#: (1-3, 4-8, 9-13 y) gives children's doses [VH-TAB]; "14+ y" is its adult row.
ADULT_SUPPLEMENT_AGE_Y = 14.0
_LOW_ACID = ("atrophic_gastritis", "ppi", "h2_blocker")
#: Conditions whose suggestions lead with fortified foods and supplements: low stomach acid
#: [IOM p.342] and metformin (lower serum B12 [DEJAGER-10]; IF uptake lowered in the model).
_PREFER_CRYSTALLINE = (*_LOW_ACID, "metformin")

# -- portions and food families ----------------------------------------------------------
#: Household-portion words in order of preference when a food's family has no preference
#: of its own (:data:`FAMILY_UNITS`); a quantity of 1 beats other quantities.
PORTION_PREFERENCE: tuple[str, ...] = (
    "cup", "slice", "patty", "pattie", "fillet", "frankfurter", "link", "bar", "egg",
    "container", "serving", "item", "burger", "scoop", "envelope", "packet", "pouch", "bottle",
    "can", "tablespoon", "tbsp", "piece", "oz",
)
#: Portion words preferred for one family (tried before :data:`PORTION_PREFERENCE`).
FAMILY_UNITS: dict[str, tuple[str, ...]] = {
    "cereal": ("cup", "serving"),
    "plant milk": ("cup",),
    "milk": ("cup",),
    "yogurt": ("container", "cup"),
    "plant yogurt": ("container", "cup"),
    "cheese": ("slice", "stick", "oz"),
    "egg": ("egg", "large", "medium"),
    "spread": ("tablespoon", "tbsp", "teaspoon", "tsp", "pat"),
    "meat alternative": ("patty", "pattie", "burger", "fillet", "link", "frankfurter", "item",
                         "slice", "cup"),
    "fish": ("fillet", "small", "regular", "piece", "cup", "oz"),
    "shellfish": ("cup", "oz"),
    "meat": ("regular", "thin", "small", "patty", "chop", "steak", "piece", "cup"),
    "poultry": ("breast", "small", "regular", "piece", "cup"),
}
#: Largest realistic serving of one family [g] (default :data:`MAX_SERVING_G`).
FAMILY_MAX_G: dict[str, float] = {
    "spread": 20.0, "cheese": 60.0, "egg": 70.0, "cereal": 80.0, "bar": 80.0,
    "yogurt": 200.0, "plant yogurt": 200.0, "meat": 200.0, "poultry": 200.0, "fish": 200.0,
    "shellfish": 200.0, "meat alternative": 200.0,
}
#: Portion labels never used as a serving.
_BAD_PORTION = re.compile(
    r"quantity not specified|guideline|as ingredient|yields|package|\blbs?\b|pound|pizza|"
    r"roast|whole fish|cubic inch|surface inch|\bnfs\b|school|^1 fl oz$", re.IGNORECASE)
_QTY = re.compile(r"^\s*(\d+(?:\.\d+)?|\d+/\d+)\s+(.+)$")
_WORD = re.compile(r"[a-z]+")
#: Natural (food-bound) sources offered to non-vegans: everyday foods as eaten (FNDDS).
_EVERYDAY_NATURAL = re.compile(
    r"^(?:milk|yogh?urt|cheese|eggs?|salmon|tuna|sardines?|trout|mackerel|herring|cod|"
    r"haddock|pollock|tilapia|clams?|mussels?|shrimp|crab|beef|ground beef|pork|lamb|"
    r"chicken|turkey)\b")
_NOT_NATURAL = re.compile(
    r"\b(?:liver|liverwurst|kidneys?|giblets?|hearts?|brains?|tongue|spleen|lungs?|pancreas|"
    r"thymus|tripe|sweetbreads?|testes|variety meats|raw|dry|dried|powder|evaporated|"
    r"condensed)\b")
#: What a dietitian would name, by family: (family, pattern on lower-case "description |
#: group"), first match wins. Fortified staples people buy [VEGSOC] [VRG-15] and the
#: b12-science.md §9 list (plant milks, breakfast cereals, soy yoghurts, meat and dairy
#: analogues, yeast extract, fortified spreads), the person's own saved foods, and for
#: non-vegans everyday natural sources. A food in no family is never suggested.
FAMILIES: tuple[tuple[str, str], ...] = (
    ("your saved food", r"\| (?:from a label|fdc: .*|your saved food)$"),
    ("yeast extract", r"yeast extract|marmite|nutritional yeast|vegemite|\byeast\b.*fortified"),
    ("cereal", r"^cereals? ready-to-eat|\| ready-to-eat cereal|^cereal, |\bcereal\b.*\| from"),
    ("plant milk", r"soy ?milk|oat milk|almond milk|rice milk|plant-based milk|non-dairy milk"
                   r"|\| plant-based milk$"),
    ("plant yogurt", r"yogh?urt, soy|soy yogh?urt|\| plant-based yogh?urt$"),
    ("meat alternative", r"meatless|vegetarian|veggie|soyburger|meat-alternative|morningstar"
                         r"|loma linda|worthington|gardenburger|boca|tofurky"),
    ("tofu", r"\btofu\b|soybean curd"),
    ("spread", r"margarine|vegetable oil spread"),
    ("yogurt", r"^yogh?urt"),
    ("milk", r"^milk"),
    ("cheese", r"^cheese"),
    ("egg", r"^eggs?\b"),
    ("shellfish", r"^(?:clams?|mussels?|shrimp|crab|oysters?)\b"),
    ("fish", r"^(?:fish|salmon|tuna|sardines?|trout|mackerel|herring|cod|haddock|pollock"
             r"|tilapia)\b"),
    ("meat", r"^(?:beef|ground beef|pork|lamb)\b"),
    ("poultry", r"^(?:chicken|turkey)\b"),
)
#: Families of fortified staples (crystalline B12); the rest are natural sources.
FORTIFIED_FAMILIES = frozenset({"your saved food", "yeast extract", "cereal", "plant milk",
                                "plant yogurt", "meat alternative", "tofu", "spread"})
#: Never suggested, whatever the family: infant foods, candy and sweets, sugar-sweetened or
#: flavoured drinks, sports and energy drinks, nutrition shakes and bars, dressings and
#: sauces, sugary cereals, and legacy items nobody can buy ("Meat extender").
NOT_FOR_SUGGESTION: tuple[str, ...] = (
    r"infant formula|\bbaby\b|babyfood|toddler|human milk",
    r"cand(?:y|ies)|chocolate|cocoa|caramel|fudge|marshmallow|frosted|frosting|syrup|dessert"
    r"|ice cream|cookie|\bcakes?\b|pastr(?:y|ies)|pie\b|brownie|donut|doughnut",
    r"\bsweetened\b|flavou?red|vanilla|strawberry|mocha|chai|coffee|\btea\b|nesquik|honey"
    r"|cinnamon|fruit|maple|brown sugar|peanut butter",
    r"\bwater\b|juice|\bsoda\b|soft drink|energy drink|sports? drink|gatorade|powerade"
    r"|smoothie|\bshakes?\b|nutritional (?:drink|shake|powder|beverage|supplement)"
    r"|protein powder|meal replacement|\bdrink\b|beverage",
    r"\bbars?\b|dressing|\bsauce\b|gravy|\bdip\b|mayonnaise",
    r"higher sugar|meat extender|sandwich spread",
)
_NOT_FOR_SUGGESTION = re.compile("|".join(f"(?:{p})" for p in NOT_FOR_SUGGESTION))
#: A family's usual meal: among equally small plans, one that keeps it there is preferred.
NATURAL_MEALS: dict[str, str] = {"cereal": "breakfast"}
_FAMILY_RES = tuple((name, re.compile(p)) for name, p in FAMILIES)

FOOD_COLUMNS: tuple[str, ...] = (
    "rank", "food_id", "name", "description", "serving", "serving_g", "b12_ug",
    "crystalline_ug", "crystalline", "meal", "absorbed_gain_ug", "family", "group",
    "manufacturer", "check_label", "note",
)
SUPPLEMENT_COLUMNS: tuple[str, ...] = (
    "regimen", "label", "dose_ug", "frequency_per_week", "route", "absorbed_per_dose_ug",
    "supplement_absorbed_ug_per_day", "absorbed_ug_per_day", "meets_target", "adequate",
    "verdict", "meal", "note", "source",
)


# -- the result ---------------------------------------------------------------------------
@dataclass
class Suggestion:
    """The result of :func:`suggest`.

    Attributes
    ----------
    status : str
        ``"meets_goal"`` (the verdict key: already at the line aimed at; no additions),
        ``"plan_found"`` (the least-change plan reaches it), ``"no_food_plan"`` (no food
        combination within the constraints does; see ``supplements``) or
        ``"needs_clinician"`` (the verdict key: a clinician-managed condition, whatever
        the intake, or an infant: no food plan, the usual treatment regimens as
        information for a clinician conversation).
    goal : str
        ``"target"`` or ``"requirement"``.
    goal_absorbed_ug : float
        The absorbed line aimed at [µg/day].
    foods : pandas.DataFrame
        Ranked foods (columns :data:`FOOD_COLUMNS`): ``serving`` label and ``serving_g``
        [g], ``b12_ug`` and ``crystalline_ug`` per serving [µg], the ``meal`` where a
        daily serving adds most, ``absorbed_gain_ug`` (added absorbed B12 [µg/day] when
        eaten there every day), ``check_label`` (diet class unverified; listed last).
    supplements : pandas.DataFrame
        Regimens (columns :data:`SUPPLEMENT_COLUMNS`): ``dose_ug`` [µg],
        ``frequency_per_week``, ``absorbed_per_dose_ug`` (one dose on its own,
        :func:`planner.model.absorption.absorbed_crystalline`), ``supplement_absorbed_ug_per_day``
        (added to the diet, taken with ``meal``), ``absorbed_ug_per_day`` (diet plus
        supplement), ``meets_target``, ``adequate`` (False for authorities that publish
        only an AI; NA for injections: not modelled), ``verdict`` (the
        :class:`planner.model.verdicts.Verdict` key of the plan with the regimen; "" for
        injections).
    additions : pandas.DataFrame
        Rows to append to the plan (plan columns; one row per day, meal and food,
        ``grams`` for the servings eaten there); empty when nothing is needed or possible.
    plan : pandas.DataFrame
        The validated plan with ``additions`` appended.
    messages : list of str
        Plain sentences, most important first.
    single_changes : pandas.DataFrame
        The best single added daily servings: ``food_id``, ``description``, ``serving``,
        ``meal``, ``absorbed_gain_ug``, ``absorbed_ug_per_day``, ``reaches_goal``.
    moves : pandas.DataFrame
        Moving an existing fortified item or supplement to another meal: ``food_id``,
        ``description``, ``from_meal``, ``to_meal``, ``absorbed_gain_ug`` [µg/day].
    before, after : Evaluation
        The plan evaluated as given, and with ``additions`` (``after`` is None when there
        are none).
    urgent : bool
        Medical care is needed now (nitrous oxide exposure; or labs making deficiency
        likely with neurological symptoms).
    verdict : str
        The plan's verdict as given (a :class:`planner.model.verdicts.Verdict` key, as in
        ``before.summary["verdict"]``).
    treatment : TreatmentInformation or None
        From :func:`planner.model.labs.treatment_information` when ``labs`` were given:
        treatment regimens as information for a clinician conversation when deficiency
        is likely (``treatment.applies``).
    """

    status: str
    goal: str
    goal_absorbed_ug: float
    foods: pd.DataFrame
    supplements: pd.DataFrame
    additions: pd.DataFrame
    plan: pd.DataFrame
    messages: list[str]
    single_changes: pd.DataFrame
    moves: pd.DataFrame
    before: Evaluation
    after: Evaluation | None = None
    urgent: bool = False
    verdict: str = ""
    treatment: TreatmentInformation | None = None
    _slots: list[_Slot] = field(default_factory=list, repr=False)
    _days: np.ndarray = field(default_factory=lambda: np.zeros(0, "int64"), repr=False)

    def plan_with_supplement(self, regimen: str | int) -> pd.DataFrame:
        """The plan with one supplement regimen's rows appended (oral regimens only).

        Parameters
        ----------
        regimen : str or int
            A ``regimen`` name in :attr:`supplements` (the first row of that name) or a
            row position.

        Returns
        -------
        pandas.DataFrame
            The validated plan plus ``supplement:cyanocobalamin`` rows: every day for a
            daily regimen; for ``n`` doses a week, ``n`` evenly spaced days in each 7 days
            of the span (day 1, 4 for twice a week), taken with the row's ``meal``.

        Raises
        ------
        InputError
            Unknown regimen, or an injection (a clinician's regimen, not a plan row).
        """
        row = _pick_regimen(self.supplements, regimen)
        if row["route"] != "oral":
            raise InputError(f"{row['regimen']} is given by a clinician, not added to a plan.")
        base = self.before_plan
        rows = _supplement_rows(row, self._slots, self._days)
        return pd.concat([base, rows], ignore_index=True)

    @property
    def before_plan(self) -> pd.DataFrame:
        """The validated plan, without additions."""
        n_add = len(self.additions)
        return self.plan.iloc[: len(self.plan) - n_add].reset_index(drop=True)

    def food_options(self) -> pd.DataFrame:
        """Each listed food as ready-to-append plan rows (one serving a day at its meal).

        Returns
        -------
        pandas.DataFrame
            ``option`` (the food id), ``title``, ``detail`` (gain and B12 per serving,
            USDA food group and manufacturer; "check the label" where the diet class is
            unverified) and the plan columns,
            one row per day of the span; grouped by ``option`` for a one-click "add".
        """
        rows = []
        for r in self.foods.itertuples(index=False):
            slot = next((s for s in self._slots if s.meal == r.meal), None)
            if slot is None:
                continue
            title = f"{r.serving} {r.name} at {r.meal}, every day"
            detail = (f"+{r.absorbed_gain_ug:.2f} µg absorbed a day. {r.note[:1].upper()}"
                      f"{r.note[1:]}. USDA: {r.description}"
                      + (f", {r.manufacturer}" if r.manufacturer else ""))
            for i, d in enumerate(self._days):
                rows.append({"option": r.food_id, "title": title, "detail": detail,
                             "day": int(d), "meal": r.meal, "time": slot.times[i],
                             "food_id": r.food_id, "description": r.description,
                             "portion": r.serving, "grams": float(r.serving_g),
                             "dose_ug": math.nan})
        return pd.DataFrame(rows, columns=["option", "title", "detail", *PLAN_COLUMNS])

    def supplement_options(self) -> pd.DataFrame:
        """Each oral regimen as ready-to-append plan rows (see :meth:`plan_with_supplement`).

        Returns
        -------
        pandas.DataFrame
            ``option`` (row position in :attr:`supplements`), ``title``, ``detail`` and the
            plan columns, one row per dose in the span. Injections are left out (a
            clinician's regimen, not a plan row).
        """
        parts = []
        for i, r in enumerate(self.supplements.itertuples(index=False)):
            if r.route != "oral":
                continue
            rows = _supplement_rows(self.supplements.iloc[i], self._slots, self._days)
            with_it = "" if not r.verdict else f"; with it: {Verdict(r.verdict).label}"
            parts.append(rows.assign(
                option=i, title=f"{r.dose_ug:g} µg {r.label}",
                detail=(f"+{r.supplement_absorbed_ug_per_day:.2f} µg absorbed a day"
                        f"{with_it}. {r.note}")))
        cols = ["option", "title", "detail", *PLAN_COLUMNS]
        if not parts:
            return pd.DataFrame(columns=cols)
        return pd.concat(parts, ignore_index=True)[cols]


def _pick_regimen(table: pd.DataFrame, regimen: str | int) -> pd.Series:
    if isinstance(regimen, (int, np.integer)) and not isinstance(regimen, bool):
        if not 0 <= int(regimen) < len(table):
            raise InputError(f"regimen row {regimen} is out of range (0 to {len(table) - 1}).")
        return table.iloc[int(regimen)]
    hit = table[table["regimen"] == str(regimen)]
    if hit.empty:
        names = ", ".join(dict.fromkeys(table["regimen"])) or "none"
        raise InputError(f"No supplement regimen {regimen!r}; choose one of {names}.")
    return hit.iloc[0]


# -- supplements data file ----------------------------------------------------------------
_SUPP_COLUMNS = ("kind", "name", "dose_ug", "doses_per_week", "min_dose_ug", "max_dose_ug",
                 "route", "applies_to", "min_age_y", "max_age_y", "label", "note", "source")
#: Who a regimen row is for (``applies_to``): adults and teenagers 14+ (``normal``),
#: children by age band (``child``, VeganHealth's table by age [VH-TAB]), pregnancy and
#: breastfeeding (daily sources only [IOM p.340]), people 51+ with low stomach acid or on
#: metformin (``older_malabsorption`` [BMJ-BP-822]), no intrinsic factor (``no_if``
#: [KUZMINSKI-98] [CHAN-16]) and after bariatric surgery (``bariatric`` [ASMBS]).
SUPPLEMENT_GROUPS = ("normal", "child", "pregnancy", "lactation", "older_malabsorption",
                     "no_if", "bariatric")


@lru_cache(maxsize=4)
def _load_supplements(path: str) -> tuple[tuple[float, ...], pd.DataFrame]:
    df = read_text_csv(path, _SUPP_COLUMNS).apply(lambda s: s.str.strip())
    for c in ("dose_ug", "doses_per_week", "min_dose_ug", "max_dose_ug", "min_age_y",
              "max_age_y"):
        df[c] = pd.to_numeric(df[c].replace("", "nan"), errors="coerce").astype("float64")
    problems = []
    for i, r in df.iterrows():
        where = f"{path} line {int(i) + 2}"
        if r["kind"] not in ("strength", "regimen"):
            problems.append(f"{where}: kind must be 'strength' or 'regimen'")
        elif r["kind"] == "strength" and not r["dose_ug"] > 0:
            problems.append(f"{where}: a strength needs dose_ug > 0")
        elif r["kind"] == "regimen":
            if not r["name"]:
                problems.append(f"{where}: a regimen needs a name")
            if not r["doses_per_week"] > 0:
                problems.append(f"{where}: doses_per_week must be > 0")
            if r["applies_to"] not in SUPPLEMENT_GROUPS:
                problems.append(f"{where}: applies_to must be one of "
                                f"{', '.join(SUPPLEMENT_GROUPS)}")
            if r["applies_to"] == "child" and not (r["min_age_y"] >= 0
                                                   and r["max_age_y"] > r["min_age_y"]):
                problems.append(f"{where}: a child regimen needs min_age_y < max_age_y")
            if r["route"] not in ("oral", "injection"):
                problems.append(f"{where}: route must be 'oral' or 'injection'")
            fixed = r["dose_ug"] > 0
            ranged = r["min_dose_ug"] > 0 and r["max_dose_ug"] >= r["min_dose_ug"]
            if not (fixed or ranged):
                problems.append(f"{where}: give dose_ug, or min_dose_ug ≤ max_dose_ug")
        if not r["source"]:
            problems.append(f"{where}: source is empty")
    if problems:
        raise DataFileError("; ".join(problems))
    strengths = tuple(sorted(df.loc[df["kind"] == "strength", "dose_ug"].astype(float)))
    regimens = df[df["kind"] == "regimen"].reset_index(drop=True)
    return strengths, regimens


def load_supplements(path: str | None = None) -> tuple[tuple[float, ...], pd.DataFrame]:
    """Shelf strengths and regimen definitions from ``data/supplements.csv``.

    Parameters
    ----------
    path : str, optional
        Another file of the same layout.

    Returns
    -------
    strengths : tuple of float
        Tablet strengths on shelves [µg], ascending.
    regimens : pandas.DataFrame
        One row per regimen: ``name``, ``dose_ug`` (fixed dose) or ``min_dose_ug`` and
        ``max_dose_ug`` [µg], ``doses_per_week``, ``route``, ``applies_to`` (one of
        :data:`SUPPLEMENT_GROUPS`), ``min_age_y`` and ``max_age_y`` (age band [years],
        from inclusive, to exclusive; NaN = open), ``label``, ``note``, ``source``.

    Raises
    ------
    DataFileError
        The file is missing, unreadable or has bad rows (the message names the line).
    """
    return _load_supplements(str(path or data_path(SUPPLEMENTS_FILE)))


# -- candidate foods (cached per food table) ---------------------------------------------
def pick_serving(labels: Iterable[str], grams: Iterable[float], family: str = "",
                 kcal_per_100g: float = math.nan) -> tuple[str, float] | None:
    """The most natural household serving among USDA portions.

    Parameters
    ----------
    labels : iterable of str
        Portion labels, e.g. ``"1 cup"``, ``"1 package (1 lb)"``.
    grams : iterable of float
        Their weights [g].
    family : str, optional
        The food's family (see :data:`FAMILIES`): its preferred units
        (:data:`FAMILY_UNITS`) and largest serving (:data:`FAMILY_MAX_G`) apply.
    kcal_per_100g : float, optional
        The food's energy [kcal/100 g]; when known, servings above
        :data:`MAX_SERVING_KCAL` are skipped.

    Returns
    -------
    (label, grams) or None
        The first preferred unit (a quantity of 1 before others), within
        :data:`MIN_SERVING_G` g and the family's largest serving, and not an absurd label
        (packages, pounds, "quantity not specified"); None when there is none.
    """
    best: tuple[tuple[int, int], str, float] | None = None
    for label, g in zip(labels, grams, strict=True):
        key = _serving_key(str(label), float(g), family, kcal_per_100g)
        if key is not None and (best is None or key < best[0]):
            best = (key, str(label), float(g))
    return None if best is None else (best[1], best[2])


@lru_cache(maxsize=8192)
def _label_rank(label: str, family: str) -> tuple[int, int] | None:
    """Preference of a portion label for a family: (unit rank, 0 if quantity 1 else 1)."""
    if _BAD_PORTION.search(label.strip()):
        return None
    m = _QTY.match(label.lower())
    if not m:
        return None
    qty, unit = m.groups()
    words = set()
    for w in _WORD.findall(unit):
        words.add(w)
        if w.endswith("s"):
            words.add(w[:-1])
    own = FAMILY_UNITS.get(family, ())
    order = own + PORTION_PREFERENCE
    rank = next((i for i, u in enumerate(order) if u in words), len(order))
    return rank, 0 if qty in ("1", "1.0") else 1


def _serving_key(label: str, grams: float, family: str = "",
                 kcal_per_100g: float = math.nan) -> tuple[int, int] | None:
    if not MIN_SERVING_G <= grams <= FAMILY_MAX_G.get(family, MAX_SERVING_G):
        return None
    if grams * kcal_per_100g / 100.0 > MAX_SERVING_KCAL:  # NaN (unknown energy) passes
        return None
    return _label_rank(label, family)


_CANDIDATE_CACHE: weakref.WeakKeyDictionary[FoodTable, pd.DataFrame] = (
    weakref.WeakKeyDictionary())


def family_of(description: str, group: str = "", source: str = "") -> str:
    """The family of a food a dietitian would name (``"cereal"``, ``"plant milk"`` ...), or
    "" when it is in none of :data:`FAMILIES` (then it is never suggested). Foods the
    person saved (``source`` "user" or "fdc") are ``"your saved food"``."""
    if source in ("user", "fdc"):
        return "your saved food"
    text = f"{description} | {group}".lower()
    for name, rx in _FAMILY_RES:
        if rx.search(text):
            return name
    return ""


_PLANT_DRINK = re.compile(r"\b(?:soy|oat|almond|rice|coconut|plant|pea|hemp|cashew)[- ]?"
                          r"(?:drinks?|beverages?)\b")


def not_for_suggestion(description: str, group: str = "") -> bool:
    """True for foods never suggested (:data:`NOT_FOR_SUGGESTION`: candy, sugar-sweetened or
    flavoured drinks, dressings, infant foods, legacy items ...)."""
    text = _PLANT_DRINK.sub("plant milk", f"{description} | {group}".lower())
    return bool(_NOT_FOR_SUGGESTION.search(text))


def everyday_name(description: str) -> str:
    """A name people use: USDA's qualifiers that say nothing to a shopper dropped, the
    food's kind first ("Yogurt, soy" -> "Soy yogurt", "Cereal, corn flakes, plain" ->
    "Corn flakes cereal, plain", "Chicken, meatless, NFS" -> "Meatless chicken")."""
    text = re.sub(r"(?i)\s*\(all flavors\)|, with added calcium, vitamins a and d", "",
                  str(description))
    parts = [p.strip() for p in text.split(",")]
    parts = [p for p in parts if p and not re.match(r"(?i)^(?:nfs|ns as to .*|not further "
                                                    r"specified)$", p)]
    if not parts:
        return str(description)
    head, rest = parts[0], parts[1:]
    low = head.lower()
    if low in ("cereal", "cereals") and rest:
        head, rest = f"{rest[0]} cereal", rest[1:]
    elif low in ("yogurt", "yoghurt") and rest and rest[0].lower() in (
            "soy", "almond milk", "coconut milk", "oat"):
        head, rest = f"{rest[0]} yogurt", rest[1:]
    elif rest and rest[0].lower() in ("meatless", "vegetarian"):
        head, rest = f"{rest[0]} {low}", rest[1:]
    elif low in ("meatless", "vegetarian") and rest:
        head, rest = f"{head} {rest[0]}", rest[1:]
    name = ", ".join([head, *rest])
    return name[:1].upper() + name[1:]


def _candidates(foods: FoodTable) -> pd.DataFrame:
    """Every food that could be suggested to someone, with one serving (cached per table)."""
    cached = _CANDIDATE_CACHE.get(foods)
    if cached is not None:
        return cached
    full = foods.df
    b12_all = full["b12_ug"].to_numpy(dtype="float64")
    ok = ~np.isnan(b12_all) & (b12_all > 0) & full["b12_reliable"].to_numpy(dtype=bool)
    ids_all = full["food_id"].to_numpy(dtype=object)[ok]
    desc_all = full["description"].to_numpy(dtype=object)[ok]
    group_all = full["group"].to_numpy(dtype=object)[ok]
    src_all = full["source"].to_numpy(dtype=object)[ok]
    fort_all = np.clip(np.nan_to_num(full["b12_fortified_ug"].to_numpy(dtype="float64")[ok]),
                       0, None)
    kcal_all = full["kcal"].to_numpy(dtype="float64")[ok]
    maker_all = full["manufacturer"].to_numpy(dtype=object)[ok]
    rows, fam, kcal = [], {}, {}
    for i, (fid, desc, group, src, fo) in enumerate(zip(ids_all, desc_all, group_all,
                                                         src_all, fort_all, strict=True)):
        d = str(desc).lower()
        # foods people report eating (FNDDS), the person's own foods, and generic SR foods;
        # branded SR products (many discontinued since 2015) are not offered
        if src == "sr28" and is_branded(str(desc), str(maker_all[i])):
            continue
        family = family_of(d, str(group), str(src))
        if not family or not_for_suggestion(d, str(group)):
            continue
        if family in FORTIFIED_FAMILIES:
            if fo <= 0:
                continue
        elif fo > 0 or src != "fndds" or _EVERYDAY_NATURAL.match(d) is None \
                or _NOT_NATURAL.search(d) is not None:
            continue
        rows.append(i)
        fam[fid] = family
        kcal[fid] = kcal_all[i]
    p_ids = foods.portions_df["food_id"].to_numpy(dtype=object)
    p_lab = foods.portions_df["label"].to_numpy(dtype=object)
    p_g = foods.portions_df["grams"].to_numpy(dtype="float64")
    best: dict[str, tuple[tuple[int, int], str, float]] = {}
    for fid, lab, g in zip(p_ids, p_lab, p_g, strict=True):
        f = fam.get(fid)
        if f is None:
            continue
        key = _serving_key(lab, g, f, kcal[fid])
        if key is not None and (fid not in best or key < best[fid][0]):
            best[fid] = (key, lab, float(g))
    idx = np.array([i for i in rows if ids_all[i] in best], dtype="int64")
    ids = ids_all[idx]
    grams = np.array([best[i][2] for i in ids], dtype="float64")
    b12 = b12_all[ok][idx] * grams / 100.0
    cryst = np.minimum(fort_all[idx] * grams / 100.0, b12)
    meta = full.loc[list(ids), ["diet", "diet_verified", "manufacturer"]] if len(ids) else \
        full.iloc[0:0][["diet", "diet_verified", "manufacturer"]]
    desc = desc_all[idx]
    out = pd.DataFrame({
        "food_id": ids,
        "name": [everyday_name(str(x)) for x in desc],
        "description": desc,
        "serving": np.array([best[i][1] for i in ids], dtype=object),
        "serving_g": grams,
        "b12_ug": b12,
        "crystalline_ug": cryst,
        "food_bound_ug": np.clip(b12 - cryst, 0.0, None),
        "diet": meta["diet"].to_numpy(dtype=object),
        "diet_verified": meta["diet_verified"].to_numpy(dtype=bool),
        "group": group_all[idx],
        "manufacturer": meta["manufacturer"].to_numpy(dtype=object),
        "family": np.array([fam[i] for i in ids], dtype=object),
        # near-identical foods share the first two parts of the description
        "_desc_key": [" ".join(w.rstrip("s") for w in _WORD.findall(everyday_name(str(x)).lower()))
                      for x in desc],
        "_text": [str(x).lower() for x in desc],
    })
    out = out[out["b12_ug"] >= MIN_SERVING_UG].reset_index(drop=True)
    out["crystalline"] = out["crystalline_ug"] >= CRYSTALLINE_SHARE * out["b12_ug"]
    _CANDIDATE_CACHE[foods] = out
    return out


# -- meals (slots) and dose-event groupings ------------------------------------------------
@dataclass(frozen=True)
class _Slot:
    """A meal an addition can go to: its name, and its clock time on each day [min]."""

    meal: str
    minutes: np.ndarray  # per day of the span
    times: tuple[str, ...]  # "HH:MM" per day of the span


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _slots(p: pd.DataFrame, days: np.ndarray) -> list[_Slot]:
    """The plan's meals plus the standard ones, at most :data:`MAX_SLOTS` distinct."""
    key = p["meal"].astype(str).str.strip().str.lower()
    minute = minutes_of_day(p["time"].to_numpy(dtype=object)) if len(p) else np.zeros(0, "int64")
    counts = key.value_counts(sort=True)
    names: list[tuple[str, str, int]] = []  # (key, display, usual minute)
    for k in counts.index:
        sel = (key == k).to_numpy()
        usual = int(pd.Series(minute[sel]).mode().min())
        names.append((k, str(p.loc[sel, "meal"].iloc[0]).strip(), usual))
    plan_usual = [u for _, _, u in names]
    for k, t in DEFAULT_MEAL_TIMES.items():
        h, m = t.split(":")
        usual = int(h) * 60 + int(m)
        # a standard meal fills a gap in the plan's day, not a slot next to its own meal
        # (no "dinner" at 19:00 beside the plan's "supper" at 21:00)
        if k not in counts.index and all(abs(usual - u) > STANDARD_MEAL_GAP_MIN
                                         for u in plan_usual):
            names.append((k, k, usual))
    slots: list[_Slot] = []
    seen: set[tuple[int, ...]] = set()
    pday = p["day"].to_numpy(dtype="int64")
    for k, display, usual in names:
        sel = (key == k).to_numpy()
        first = pd.Series(minute[sel]).groupby(pday[sel]).min()
        per_day = np.array([int(first.get(int(d), usual)) for d in days], dtype="int64")
        sig = tuple(per_day.tolist())
        if sig in seen:
            continue
        seen.add(sig)
        slots.append(_Slot(display, per_day, tuple(_hhmm(int(x)) for x in per_day)))
        if len(slots) == MAX_SLOTS:
            break
    slots.sort(key=lambda s: float(np.median(s.minutes)))
    return slots


@dataclass
class _Layout:
    """The plan's doses plus additions at fixed clock times, ready for batch what-ifs.

    ``dose_loads`` is linear in the food-bound and crystalline B12 of the doses (for
    fixed times and ``has_food``), so the loads of the plan plus any amounts added at the
    layout's additions are the plan's loads plus each addition's amount times the loads
    of one µg there (both from :func:`planner.model.absorption.dose_loads`).
    """

    F: np.ndarray  # food-bound B12 per dose of the plan [µg]
    C: np.ndarray  # crystalline B12 per dose of the plan [µg]
    loads: DoseLoads  # the plan's doses at these times
    ind: np.ndarray  # additions × doses: days putting an addition into each dose
    resp: DoseLoads  # additions × doses: loads from one µg at each addition


class _Model:
    """The plan's doses, for fast what-if evaluation with evaluate's absorption model.

    One dose per clock time (day and minute), food-bound and crystalline B12 summed, and
    ``has_food`` when any row at that time is a food (not a supplement), exactly as
    :func:`planner.model.evaluate.evaluate` builds them; absorbed with
    :func:`planner.model.absorption.absorbed_doses` (or its parts ``dose_loads`` and
    ``absorbed_from_loads`` for batches).
    """

    def __init__(self, items: pd.DataFrame, days: np.ndarray, slots: list[_Slot],
                 params: AbsorptionParams):
        n = len(items)
        self.day = items["day"].to_numpy(dtype="int64")
        self.minute = minutes_of_day(items["time"].to_numpy(dtype=object)) if n else \
            np.zeros(0, "int64")
        self.F = items["food_bound_ug"].to_numpy(dtype="float64")
        self.C = items["fortified_ug"].to_numpy(dtype="float64")
        self.food = ~items["supplement"].to_numpy(dtype=bool)
        self.days, self.slots, self.params = days, slots, params
        self.span = len(days)
        self._cache: dict[tuple[Any, ...], _Layout] = {}
        self.base_total = self.total(self.day, self.minute, self.F, self.C, self.food)

    @staticmethod
    def _abs_t(day: np.ndarray, minute: np.ndarray) -> np.ndarray:
        return (np.asarray(day, dtype="int64") - 1) * 1440 + np.asarray(minute, dtype="int64")

    def total(self, day: np.ndarray, minute: np.ndarray, F: np.ndarray, C: np.ndarray,
              food: np.ndarray) -> float:
        """Absorbed B12 over the span [µg] of arbitrary rows (evaluate's arithmetic)."""
        if len(day) == 0:
            return 0.0
        dose_t, ev = np.unique(self._abs_t(day, minute), return_inverse=True)
        ev = ev.reshape(-1)
        n = len(dose_t)
        a, b = absorbed_doses(dose_t, np.bincount(ev, F, n), np.bincount(ev, C, n),
                              self.params, has_food=np.bincount(ev, food, n) > 0)
        return float(np.sum(a) + np.sum(b))

    def layout(self, additions: tuple[tuple[int, bytes], ...], food: bool) -> _Layout:
        """Doses of the plan plus ``additions`` ((slot, day mask) pairs; a food when
        ``food``, else a supplement), cached."""
        key = (additions, food)
        got = self._cache.get(key)
        if got is not None:
            return got
        t_plan = self._abs_t(self.day, self.minute)
        t_add = []
        for slot, mask in additions:
            sel = np.frombuffer(mask, dtype=bool)
            t_add.append(self._abs_t(self.days[sel], self.slots[slot].minutes[sel]))
        dose_t, ev = np.unique(np.concatenate([t_plan, *t_add]), return_inverse=True)
        ev = ev.reshape(-1)
        n, n_plan = len(dose_t), len(t_plan)
        F = np.bincount(ev[:n_plan], self.F, n)
        C = np.bincount(ev[:n_plan], self.C, n)
        has_food = np.bincount(ev[:n_plan], self.food, n) > 0
        ind = np.zeros((len(additions), n))
        start = n_plan
        for a, t in enumerate(t_add):
            ind[a] = np.bincount(ev[start:start + len(t)], minlength=n)
            start += len(t)
            if food:
                has_food |= ind[a] > 0
        loads = dose_loads(dose_t, F, C, has_food=has_food)
        parts = [dose_loads(dose_t, row, row, has_food=has_food) for row in ind]
        resp = DoseLoads(*(np.array([getattr(p, f) for p in parts]).reshape(len(ind), n)
                           for f in ("food_before", "crystalline_before", "food_after",
                                     "near_food")))
        got = _Layout(F=F, C=C, loads=loads, ind=ind, resp=resp)
        self._cache[key] = got
        return got

    def totals(self, lay: _Layout, aF: np.ndarray, aC: np.ndarray) -> np.ndarray:
        """Absorbed over the span [µg] for a batch of added amounts.

        ``aF``, ``aC``: m × additions, B12 added at each addition on each of its days
        [µg]. Returns m totals.
        """
        L, R = lay.loads, lay.resp
        loads = DoseLoads(L.food_before + aF @ R.food_before,
                          L.crystalline_before + aC @ R.crystalline_before,
                          L.food_after + aF @ R.food_after,
                          np.broadcast_to(L.near_food, (len(aF), len(L.near_food))))
        a, b = absorbed_from_loads(lay.F + aF @ lay.ind, lay.C + aC @ lay.ind, loads,
                                   self.params)
        return np.asarray(a).sum(axis=-1) + np.asarray(b).sum(axis=-1)

    def all_days(self) -> bytes:
        return np.ones(self.span, dtype=bool).tobytes()

    def single_gains(self, fb: np.ndarray, cr: np.ndarray, food: bool = True,
                     days_mask: bytes | None = None) -> np.ndarray:
        """Daily absorbed gain [µg/day] of one serving (or dose) on the days of
        ``days_mask`` (default every day), items × slots."""
        mask = self.all_days() if days_mask is None else days_mask
        out = np.empty((len(fb), len(self.slots)))
        for s in range(len(self.slots)):
            lay = self.layout(((s, mask),), food)
            out[:, s] = (self.totals(lay, np.asarray(fb, "float64")[:, None],
                                     np.asarray(cr, "float64")[:, None])
                         - self.base_total) / self.span
        return out


# -- the public function -----------------------------------------------------------------
def suggest(
    plan: pd.DataFrame,
    profile: Profile,
    foods: FoodTable | None = None,
    labs: LabInterpretation | None = None,
    *,
    goal: str = "target",
    exclude: str | Iterable[str] | None = None,
    max_servings_per_day: int = MAX_SERVINGS_PER_DAY,
    days: int | None = None,
    n_foods: int = N_FOODS,
) -> Suggestion:
    """Tell a person what to add to a plan, when, and how much it helps (absorbed µg).

    Parameters
    ----------
    plan : pandas.DataFrame
        A meal plan (see :func:`planner.model.plan.validate_plan`); may be empty.
    profile : Profile
    foods : FoodTable, optional
        Default: the shipped table with the user's saved foods.
    labs : LabInterpretation, optional
        Blood-test results from :func:`planner.interpret_labs`. ``profile.symptoms`` are
        read too: neurological symptoms make the status ``needs_clinician`` and, unless
        the labs make deficiency unlikely, give the urgent treatment information
        (injections first) even without labs. When the labs make deficiency
        likely, the supplement part is the treatment information of
        :func:`planner.model.labs.treatment_information` (oral 1000–2000 µg a day; injections,
        urgently with neurological symptoms; lifelong where the cause is malabsorption)
        for the conversation with a clinician, never maintenance doses on their own
        (``supplements`` is then empty), and the messages say the diet plan is for
        afterwards.
    goal : {"target", "requirement"}
        Aim for the goal line (absorbed ≥ recommended intake × 50 %, verdict
        ``meets_goal``; default) or only the requirement line (verdict ``adequate``).
        Authorities that publish only an adequate intake (EFSA, D-A-CH, NASEM infants)
        have no requirement line: both aim at the goal line, the AI's absorbed
        equivalent.
    exclude : str or iterable of str, optional
        Food ids, or words matched case-insensitively inside descriptions (``"soy"``
        excludes soy milk and soymilk).
    max_servings_per_day : int
        Most added servings a day in the least-change plan, 0 to 4.
    days : int, optional
        Days the plan covers (as in :func:`~planner.model.evaluate.evaluate`); additions go on
        every day of the span.
    n_foods : int
        How many ranked foods to list (plus up to 3 marked "check the label").

    Returns
    -------
    Suggestion
        ``status``, ranked ``foods``, ``supplements``, the least-change ``additions`` and
        the ``plan`` with them, ``messages``, ``single_changes``, ``moves``, the
        evaluations ``before`` and ``after``, the plan's ``verdict`` and the labs'
        ``treatment`` information. Every absorbed gain shown is what
        :func:`~planner.model.evaluate.evaluate` gives for the plan with that addition.

    Raises
    ------
    InputError
        A bad plan row, profile, goal, exclusion, servings limit or ``labs`` (messages
        name the field). Impossible constraints are not errors: they give status
        ``"no_food_plan"`` and a message.

    References
    ----------
    Absorption and dose events: [IOM p.308–309], see :mod:`planner.model.absorption`;
    fortified foods for people over 50 and with low stomach acid [IOM p.306, p.342];
    Vegan Society options [VEGSOC]; no UL [IOM p.306] [EFSA-15]; UK guidance level
    2000 µg/day from supplements [EVM-03].
    """
    if not isinstance(profile, Profile):
        raise InputError(
            f"profile must be a planner.Profile, not {type(profile).__name__}; build one "
            "with Profile(age=..., sex=..., diet=...)."
        )
    goal = str(goal).strip().lower()
    if goal not in GOALS:
        raise InputError(f"goal must be one of {', '.join(GOALS)}, not {goal!r}.")
    max_k = _servings_limit(max_servings_per_day)
    words, ids = _exclusions(exclude)
    if n_foods is None or isinstance(n_foods, bool) or not isinstance(n_foods, (int, np.integer)) \
            or n_foods < 1:
        raise InputError(f"n_foods must be a whole number of 1 or more, not {n_foods!r}.")
    if foods is None:
        from planner.model.foods import load_foods

        foods = load_foods()
    if not isinstance(foods, FoodTable):
        raise InputError(f"foods must be a FoodTable, not {type(foods).__name__}.")

    p = validate_plan(plan, foods)
    before = evaluate(p, profile, foods, days)
    s = before.summary
    rec = before.recommendation
    params = profile.absorption_params
    # AI-only authorities (EFSA, D-A-CH, NASEM infants) publish no requirement: aim at
    # the goal line, the AI's absorbed equivalent
    if goal == "requirement" and rec.ai_only:
        goal = "target"
    line = rec.target_absorbed_ug if goal == "target" else rec.requirement_absorbed_ug
    span_days = np.arange(s["first_day"], s["last_day"] + 1, dtype="int64")
    treatment = _treatment(labs, profile)

    slots = _slots(p, span_days)
    model = _Model(before.items, span_days, slots, params)
    base_pd = float(s["absorbed_ug_per_day"])

    infant = float(profile.age) < 1.0  # type: ignore[arg-type]
    # clinician-managed conditions and infants: no food plan, whatever the intake
    clinician = needs_clinician(profile) or infant
    prefer_cryst = profile.older_adult or any(c in _PREFER_CRYSTALLINE
                                              for c in profile.conditions)

    # -- foods ------------------------------------------------------------------------
    ranked, pool, check = _rank_foods(foods, profile, model, words, ids, prefer_cryst)
    if clinician:
        ranked, pool, check = ranked.iloc[0:0], pool.iloc[0:0], check.iloc[0:0]
    shown = _listed(ranked, check, n_foods)
    shown_check = shown[shown["check_label"]]
    food_table = _food_table(shown, slots)

    # -- supplements: treatment information when the labs say deficiency is likely ------
    supplements = _supplement_table(model, rec, line, base_pd, profile,
                                    bool(profile.needs_clinician))
    if treatment is not None and treatment.applies:
        supplements = supplements.iloc[0:0]  # never maintenance doses on their own

    # -- moves (spreading) -------------------------------------------------------------
    moves = _moves(model, before.items, slots)
    if clinician:
        moves = moves.iloc[0:0]

    # -- least-change plan -------------------------------------------------------------
    ok = (Verdict.MEETS_GOAL,) if goal == "target" else (Verdict.MEETS_GOAL, Verdict.ADEQUATE)
    reached = Verdict(s["verdict"]) in ok
    additions = empty_plan()
    after: Evaluation | None = None
    constraint_note = ""
    if clinician:
        status = Verdict.NEEDS_CLINICIAN.value
    elif reached:
        status = Verdict.MEETS_GOAL.value
    else:
        status = "no_food_plan"
        search_pools = [pool[pool["crystalline"]], pool] if prefer_cryst else [pool]
        if max_k == 0:
            constraint_note = "max_servings"
        elif pool.empty:
            constraint_note = "no_foods"
        for sp in search_pools:
            if sp.empty or max_k == 0:
                continue
            found = _least_change(model, _prune(sp), line, max_k, p, profile, foods, days)
            if found is not None:
                additions, after = found
                status = "plan_found"
                break
    out_plan = pd.concat([p, additions], ignore_index=True) if len(additions) else p.copy()

    singles = _single_changes(ranked, base_pd, line, rec, slots)
    messages = _messages(
        status=status, goal=goal, profile=profile, rec=rec, summary=s, base_pd=base_pd,
        line=line, after=after, additions=additions, singles=singles,
        moves=moves, supplements=supplements, check=shown_check, constraint=constraint_note,
        max_k=max_k, prefer_cryst=prefer_cryst, infant=infant, treatment=treatment,
        child=not infant and float(profile.age) < ADULT_SUPPLEMENT_AGE_Y,  # type: ignore[arg-type]
    )
    return Suggestion(
        status=status, goal=goal, goal_absorbed_ug=float(line), foods=food_table,
        supplements=supplements, additions=additions, plan=out_plan, messages=messages,
        single_changes=singles, moves=moves, before=before, after=after,
        urgent="nitrous_oxide" in profile.conditions or bool(treatment and treatment.urgent),
        verdict=str(s["verdict"]), treatment=treatment, _slots=slots, _days=span_days,
    )


def _treatment(labs: object, profile: Profile) -> TreatmentInformation | None:
    """Treatment information for the clinician conversation from the labs and the
    profile's symptoms (None without labs or symptoms);
    :func:`planner.model.labs.treatment_information` decides whether it applies
    (neurological symptoms: injections first, even without labs)."""
    if labs is None and not profile.symptoms:
        return None
    if labs is not None and not isinstance(labs, LabInterpretation):
        raise InputError(f"labs must be the result of planner.interpret_labs, not "
                         f"{type(labs).__name__}.")
    return treatment_information(labs, symptoms=profile.symptoms, profile=profile)


def _servings_limit(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or (
            isinstance(value, float) and (not math.isfinite(value) or value != int(value))):
        raise InputError(
            f"max_servings_per_day must be a whole number from 0 to {MAX_SERVINGS_PER_DAY}, "
            f"not {value!r}.")
    k = int(value)
    if not 0 <= k <= MAX_SERVINGS_PER_DAY:
        raise InputError(
            f"max_servings_per_day must be from 0 to {MAX_SERVINGS_PER_DAY}, not {k}; more "
            "added servings a day is not a small change (see the supplement options).")
    return k


def _exclusions(exclude: object) -> tuple[list[str], set[str]]:
    if exclude is None:
        return [], set()
    if isinstance(exclude, str):
        items: list[object] = [exclude]
    elif isinstance(exclude, Iterable):
        items = list(exclude)
    else:
        raise InputError(
            f"exclude must be a word, a food id, or a list of them, not "
            f"{type(exclude).__name__}.")
    words, ids = [], set()
    for x in items:
        if not isinstance(x, str):
            raise InputError(f"exclude: {x!r} is not text; give words or food ids.")
        t = x.strip()
        if not t:
            continue
        ids.add(t)
        words.append(t.lower())
    return words, ids


def _rank_foods(foods: FoodTable, profile: Profile, model: _Model, words: list[str],
                ids: set[str], prefer_cryst: bool
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Usable foods by gain, the least-change pool, and the "check the label" foods.

    Every list is in the order of the absorbed gain it shows (largest first). With
    ``prefer_cryst`` (51 and over, low stomach acid, metformin) only foods whose B12 is
    mostly crystalline (fortified) are listed [IOM p.306, p.342].
    """
    cand = _candidates(foods)
    rank = {d: i for i, d in enumerate(DIET_ORDER)}
    ok = cand["diet"].map(rank).to_numpy() <= rank[profile.diet]
    if prefer_cryst:
        ok &= cand["crystalline"].to_numpy(dtype=bool)
    if ids:
        ok &= ~cand["food_id"].isin(ids).to_numpy()
    for w in words:
        ok &= np.array([w not in t for t in cand["_text"]], dtype=bool)
    c = cand[ok].copy()
    gains = model.single_gains(c["food_bound_ug"].to_numpy(), c["crystalline_ug"].to_numpy()) \
        if len(c) and model.slots else np.zeros((len(c), max(len(model.slots), 1)))
    best = gains.argmax(axis=1) if len(c) else np.zeros(0, "int64")
    c["slot"] = best
    c["absorbed_gain_ug"] = gains[np.arange(len(c)), best] if len(c) else np.zeros(0)
    needs_check = ~c["diet_verified"] if profile.diet != "omnivore" else \
        pd.Series(False, index=c.index)
    c["check_label"] = needs_check.to_numpy(dtype=bool)
    c = c.sort_values(["absorbed_gain_ug", "serving_g", "food_id"],
                      ascending=[False, True, True], kind="stable")
    c = c[c["absorbed_gain_ug"] > 0]
    usable = c[~c["check_label"]].drop_duplicates("_desc_key")
    check = c[c["check_label"]].drop_duplicates("_desc_key")
    pool = _variety(usable, POOL_SIZE * 3)
    return usable, pool, check


def _listed(usable: pd.DataFrame, check: pd.DataFrame, n: int) -> pd.DataFrame:
    """The foods shown: at most ``n``, of which at most :data:`N_CHECK_LABEL` need a label
    check, with variety (:func:`_variety`), in the order of their gain."""
    both = pd.concat([usable, _variety(check, N_CHECK_LABEL)])
    both = both.sort_values(["absorbed_gain_ug", "serving_g", "food_id"],
                            ascending=[False, True, True], kind="stable")
    return _variety(both, n)


def _variety(df: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most :data:`PER_FAMILY` per family and one per family × manufacturer."""
    keep, per_family, seen_maker = [], {}, set()
    for idx, fam, maker in zip(df.index, df["family"], df["manufacturer"], strict=True):
        if per_family.get(fam, 0) >= PER_FAMILY:
            continue
        if maker and (fam, maker) in seen_maker:
            continue
        per_family[fam] = per_family.get(fam, 0) + 1
        if maker:
            seen_maker.add((fam, maker))
        keep.append(idx)
        if len(keep) >= limit:
            break
    return df.loc[keep]


def _prune(pool: pd.DataFrame) -> pd.DataFrame:
    """Drop foods another food beats on both B12 parts with no more grams; keep the top."""
    fb = pool["food_bound_ug"].to_numpy()
    cr = pool["crystalline_ug"].to_numpy()
    g = pool["serving_g"].to_numpy()
    keep = []
    for i in range(len(pool)):
        dominated = (fb >= fb[i]) & (cr >= cr[i]) & (g <= g[i]) & (
            (fb > fb[i]) | (cr > cr[i]) | (g < g[i]) | (np.arange(len(pool)) < i))
        dominated[i] = False
        if not dominated.any():
            keep.append(i)
    return pool.iloc[keep].head(POOL_SIZE)


def _least_change(model: _Model, pool: pd.DataFrame, line: float, max_k: int,
                  p: pd.DataFrame, profile: Profile, foods: FoodTable, days: object
                  ) -> tuple[pd.DataFrame, Evaluation] | None:
    """Fewest daily servings (then fewest grams) reaching ``line``, verified by evaluate."""
    S = len(model.slots)
    pool = pool.head(max(1, MAX_OPTIONS // max(S, 1)))
    F = len(pool)
    if F == 0 or S == 0:
        return None
    n_opt = F * S
    opt_food = np.repeat(np.arange(F), S)
    opt_slot = np.tile(np.arange(S), F)
    fb = pool["food_bound_ug"].to_numpy()[opt_food]
    cr = pool["crystalline_ug"].to_numpy()[opt_food]
    grams = pool["serving_g"].to_numpy()[opt_food]
    # tie-break after grams: a food away from its usual meal (cereal at dinner) counts 1
    usual = [NATURAL_MEALS.get(str(f), "") for f in pool["family"]]
    odd = np.array([bool(usual[f]) and model.slots[s].meal.lower() != usual[f]
                    for f, s in zip(opt_food, opt_slot, strict=True)], dtype="float64")
    need = line * model.span
    for k in range(1, max_k + 1):
        combos = np.fromiter(
            itertools.chain.from_iterable(itertools.combinations_with_replacement(range(n_opt),
                                                                                  k)),
            dtype=np.int32).reshape(-1, k)
        masks = np.bitwise_or.reduce(1 << opt_slot[combos], axis=1)
        totals = np.empty(len(combos))
        every = model.all_days()
        for mask in np.unique(masks):
            sel = np.flatnonzero(masks == mask)
            used = [s for s in range(S) if mask >> s & 1]
            col = np.full(S, -1, dtype="int64")
            col[used] = np.arange(len(used))
            lay = model.layout(tuple((s, every) for s in used), True)
            aF = np.zeros((len(sel), len(used)))
            aC = np.zeros_like(aF)
            rows = np.arange(len(sel))
            for j in range(k):
                o = combos[sel, j]
                np.add.at(aF, (rows, col[opt_slot[o]]), fb[o])
                np.add.at(aC, (rows, col[opt_slot[o]]), cr[o])
            totals[sel] = model.totals(lay, aF, aC)
        ok = np.flatnonzero(totals >= need + _MARGIN * model.span)
        if not len(ok):
            continue
        g_sum = np.round(grams[combos[ok]].sum(axis=1), 6)
        order = ok[np.lexsort((-totals[ok], g_sum, odd[combos[ok]].sum(axis=1)))]
        for ci in order[:20]:
            counts: dict[tuple[int, int], int] = {}
            for o in combos[ci]:
                key = (int(opt_food[o]), int(opt_slot[o]))
                counts[key] = counts.get(key, 0) + 1
            chosen = [(f, s, c) for (f, s), c in sorted(counts.items(), key=lambda x: x[0][1])]
            add = _addition_rows(pool, chosen, model)
            after = evaluate(pd.concat([p, add], ignore_index=True), profile, foods, days)
            if after.summary["absorbed_ug_per_day"] + LINE_TOLERANCE_UG >= line:
                return add, after
    return None


def _addition_rows(pool: pd.DataFrame, chosen: list[tuple[int, int, int]],
                   model: _Model) -> pd.DataFrame:
    rows = []
    for f, s, count in chosen:
        food = pool.iloc[f]
        slot = model.slots[s]
        portion = str(food["serving"]) if count == 1 else f"{count} × {food['serving']}"
        for i, d in enumerate(model.days):
            rows.append({
                "day": int(d), "meal": slot.meal, "time": slot.times[i],
                "food_id": str(food["food_id"]), "description": str(food["description"]),
                "portion": portion, "grams": float(food["serving_g"]) * count,
                "dose_ug": math.nan,
            })
    out = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    out = out.sort_values(["day", "time"], kind="stable").reset_index(drop=True)
    return out.astype({c: t for c, t in PLAN_COLUMNS.items()})


def _why(serving: str, grams: float, b12: float, crystalline: bool, meal: str,
         gain: float) -> str:
    """Why a food is suggested: B12 per serving, fortified or not, absorbed gain there."""
    kind = ("added (fortified: crystalline B12, absorbed well even with low stomach acid)"
            if crystalline else "natural (bound in food)")
    return (f"{serving} ({grams:g} g) has {b12:.2g} µg B12, mostly {kind}; one a day at "
            f"{meal} adds {gain:.2f} µg absorbed a day")


def _food_table(shown: pd.DataFrame, slots: list[_Slot]) -> pd.DataFrame:
    if shown.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FOOD_COLUMNS})
    meals = [slots[int(i)].meal for i in shown["slot"]]
    notes = []
    for r, meal in zip(shown.itertuples(index=False), meals, strict=True):
        why = _why(str(r.serving), float(r.serving_g), float(r.b12_ug), bool(r.crystalline),
                   meal, float(r.absorbed_gain_ug))
        if r.check_label:
            why += "; check the label: its diet class could not be verified"
        notes.append(why)
    return pd.DataFrame({
        "rank": np.arange(1, len(shown) + 1, dtype="int64"),
        "food_id": shown["food_id"].astype(str).to_numpy(),
        "name": shown["name"].astype(str).to_numpy(),
        "description": shown["description"].astype(str).to_numpy(),
        "serving": shown["serving"].astype(str).to_numpy(),
        "serving_g": shown["serving_g"].to_numpy(dtype="float64"),
        "b12_ug": shown["b12_ug"].to_numpy(dtype="float64"),
        "crystalline_ug": shown["crystalline_ug"].to_numpy(dtype="float64"),
        "crystalline": shown["crystalline"].to_numpy(dtype=bool),
        "meal": meals,
        "absorbed_gain_ug": shown["absorbed_gain_ug"].to_numpy(dtype="float64"),
        "family": shown["family"].astype(str).to_numpy(),
        "group": shown["group"].astype(str).to_numpy(),
        "manufacturer": shown["manufacturer"].astype(str).to_numpy(),
        "check_label": shown["check_label"].to_numpy(dtype=bool),
        "note": notes,
    })


def _single_changes(ranked: pd.DataFrame, base_pd: float, line: float, rec: Any,
                    slots: list[_Slot], n: int = 3) -> pd.DataFrame:
    """The best single daily servings: gain [µg/day], absorbed with it [µg/day], whether
    it reaches ``line`` and the plan's :class:`~planner.model.verdicts.Verdict` key with it."""
    cols = ["food_id", "description", "serving", "meal", "absorbed_gain_ug",
            "absorbed_ug_per_day", "reaches_goal", "verdict"]
    top = _variety(ranked, n)
    if top.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    after = base_pd + top["absorbed_gain_ug"].to_numpy(dtype="float64")
    m = len(after)
    verdicts = decide_many(after, np.full(m, rec.target_absorbed_ug),
                           np.full(m, rec.requirement_absorbed_ug), np.zeros(m, dtype=bool))
    return pd.DataFrame({
        "food_id": top["food_id"].astype(str).to_numpy(),
        "description": top["description"].astype(str).to_numpy(),
        "serving": top["serving"].astype(str).to_numpy(),
        "meal": [slots[int(i)].meal for i in top["slot"]],
        "absorbed_gain_ug": top["absorbed_gain_ug"].to_numpy(dtype="float64"),
        "absorbed_ug_per_day": after,
        "reaches_goal": after + LINE_TOLERANCE_UG >= line,
        "verdict": verdicts,
    })


# -- supplements ----------------------------------------------------------------------------
def supplement_group(profile: Profile) -> str:
    """Which rows of ``data/supplements.csv`` apply to a person (:data:`SUPPLEMENT_GROUPS`):
    ``bariatric`` after bariatric surgery (ASMBS regimens [ASMBS]); ``no_if`` without
    intrinsic factor otherwise; ``none`` (no rows) for nitrous oxide exposure, which more
    B12 cannot make up for; ``child`` under 14; ``pregnancy``, ``lactation``;
    ``older_malabsorption`` at 51+ with atrophic gastritis, a PPI or H2 blocker, or
    metformin; else ``normal``."""
    conditions = set(profile.conditions)
    no_if = {c for c in conditions if CONDITIONS[c].if_factor == 0.0}
    if no_if == {"bariatric_surgery"}:
        return "bariatric"
    if no_if:
        return "no_if"
    if profile.needs_clinician:
        return "none"  # nitrous oxide: more B12 cannot compensate; a clinician decides
    if float(profile.age) < ADULT_SUPPLEMENT_AGE_Y:  # type: ignore[arg-type]
        return "child"
    if profile.pregnant:
        return "pregnancy"
    if profile.lactating:
        return "lactation"
    if profile.older_adult and conditions & set(_PREFER_CRYSTALLINE):
        return "older_malabsorption"
    return "normal"


def _supplement_table(model: _Model, rec: Any, line: float, base_pd: float,
                      profile: Profile, needs_clinician: bool = False) -> pd.DataFrame:
    """Supplement regimens for the person, each with its absorbed gain (evaluate's model).

    Each oral dose is placed as :meth:`Suggestion.plan_with_supplement` places it (the
    regimen's days of :func:`_supplement_days`, at the meal where it adds most) and scored
    with the plan's doses, so ``absorbed_ug_per_day`` is what
    :func:`~planner.model.evaluate.evaluate` gives for the plan with that regimen [µg/day].
    """
    strengths, regimens = load_supplements()
    rows: list[dict[str, Any]] = []
    if float(profile.age) < 1.0:  # type: ignore[arg-type]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SUPPLEMENT_COLUMNS})
    scope = supplement_group(profile)
    clinician = scope in ("no_if", "bariatric")
    daily_advised = profile.pregnant or profile.lactating
    age = float(profile.age)  # type: ignore[arg-type]
    lo = regimens["min_age_y"].fillna(-np.inf).to_numpy()
    hi = regimens["max_age_y"].fillna(np.inf).to_numpy()
    in_band = (lo <= age) & (age < hi)
    regimens = regimens[(regimens["applies_to"] == scope).to_numpy() & in_band]
    req = rec.requirement_absorbed_ug
    empty = {"absorbed_per_dose_ug": math.nan, "supplement_absorbed_ug_per_day": math.nan,
             "absorbed_ug_per_day": math.nan, "meets_target": pd.NA, "adequate": pd.NA,
             "verdict": "", "meal": ""}

    for _, r in regimens.iterrows():
        per_week = float(r["doses_per_week"])
        base = {"regimen": r["name"], "label": r["label"], "frequency_per_week": per_week,
                "route": r["route"], "note": r["note"], "source": r["source"]}
        if r["route"] == "injection":
            rows.append({**base, **empty, "dose_ug": float(r["dose_ug"])})
            continue
        if r["dose_ug"] > 0:
            doses = [float(r["dose_ug"])]
        else:
            doses = [d for d in strengths if r["min_dose_ug"] <= d <= r["max_dose_ug"]]
        if not doses or not model.slots:
            continue
        mask = _supplement_days(per_week, model.span).tobytes()
        g = model.single_gains(np.zeros(len(doses)), np.array(doses), food=False,
                               days_mask=mask)
        best_slot, best_gain = g.argmax(axis=1), g.max(axis=1)
        picked = list(range(len(doses)))
        if not (clinician or r["dose_ug"] > 0):
            # the smallest shelf strength reaching the line, else the largest
            reach = np.flatnonzero(base_pd + best_gain + LINE_TOLERANCE_UG >= line)
            picked = [int(reach[0]) if len(reach) else len(doses) - 1]
        for i in picked:
            d, supp_pd = doses[i], float(best_gain[i])
            total = base_pd + supp_pd
            note = str(r["note"])
            if daily_advised and per_week < 7:
                note += (" In pregnancy and breastfeeding a daily source is advised: only newly "
                         "absorbed B12 reaches the baby easily [IOM p.340].")
            if d > EVM_GUIDANCE_UG:
                note += (f" Above the UK EVM guidance level of {EVM_GUIDANCE_UG:,.0f} µg a day "
                         f"from supplements on the day taken {EVM_SOURCE}.")
            verdict = decide(total, rec.target_absorbed_ug, req, needs_clinician)
            rows.append({
                **base, "note": note, "dose_ug": d,
                "absorbed_per_dose_ug": float(absorbed_crystalline(d, model.params)),
                "supplement_absorbed_ug_per_day": supp_pd, "absorbed_ug_per_day": total,
                # an AI-only authority has no requirement line: never "adequate" from NaN
                "meets_target": bool(total + LINE_TOLERANCE_UG >= rec.target_absorbed_ug),
                "adequate": bool(not rec.ai_only and total + LINE_TOLERANCE_UG >= req),
                "verdict": verdict.value,
                "meal": model.slots[int(best_slot[i])].meal,
            })
    out = pd.DataFrame(rows, columns=list(SUPPLEMENT_COLUMNS))
    for c in ("meets_target", "adequate"):
        out[c] = out[c].astype("boolean")
    for c in ("dose_ug", "frequency_per_week", "absorbed_per_dose_ug",
              "supplement_absorbed_ug_per_day", "absorbed_ug_per_day"):
        out[c] = out[c].astype("float64")
    return out


def _supplement_days(per_week: float, n_days: int) -> np.ndarray:
    """Days of the span (mask) that get a dose: every day for a daily regimen; for ``n``
    doses a week, ``n`` evenly spaced days in each 7 (day 1 and 4 for twice a week)."""
    if per_week >= 7:
        offsets = set(range(7))
    else:
        n = max(1, int(round(per_week)))
        offsets = {int(math.floor(i * 7 / n)) for i in range(n)}
    return np.array([(i % 7) in offsets for i in range(n_days)], dtype=bool)


def _supplement_rows(row: pd.Series, slots: list[_Slot], days: np.ndarray) -> pd.DataFrame:
    slot = next((s for s in slots if s.meal == row["meal"]), slots[0] if slots else None)
    on = _supplement_days(float(row["frequency_per_week"]), len(days))
    rows = []
    for i, d in enumerate(days):
        if not on[i]:
            continue
        rows.append({
            "day": int(d), "meal": slot.meal if slot else "breakfast",
            "time": slot.times[i] if slot else DEFAULT_MEAL_TIMES["breakfast"],
            "food_id": SUPPLEMENT_PREFIX + "cyanocobalamin",
            "description": f"B12 supplement {row['dose_ug']:g} µg (cyanocobalamin)",
            "portion": "1 tablet", "grams": math.nan, "dose_ug": float(row["dose_ug"]),
        })
    out = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    return out.astype({c: t for c, t in PLAN_COLUMNS.items()})


# -- spreading: moving an existing fortified item ------------------------------------------
def _moves(model: _Model, items: pd.DataFrame, slots: list[_Slot]) -> pd.DataFrame:
    cols = ["food_id", "description", "from_meal", "to_meal", "absorbed_gain_ug"]
    rows: list[dict[str, Any]] = []
    has_c = model.C > 0
    if not has_c.any() or len(slots) < 2:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    meal_key = items["meal"].astype(str).str.strip().str.lower().to_numpy()
    fid = items["food_id"].astype(str).to_numpy()
    day_index = {int(d): i for i, d in enumerate(model.days)}
    for (f, mk), grp in pd.DataFrame({"f": fid[has_c], "m": meal_key[has_c],
                                      "i": np.flatnonzero(has_c)}).groupby(["f", "m"]):
        idx = grp["i"].to_numpy()
        best: tuple[float, str] | None = None
        for slot in slots:
            if slot.meal.lower() == mk:
                continue
            minute = model.minute.copy()
            minute[idx] = slot.minutes[[day_index[int(d)] for d in model.day[idx]]]
            gain = (model.total(model.day, minute, model.F, model.C, model.food)
                    - model.base_total) / model.span
            if best is None or gain > best[0]:
                best = (gain, slot.meal)
        if best is not None and best[0] > 1e-9:
            rows.append({"food_id": f, "description": str(items["description"].iloc[idx[0]]),
                         "from_meal": str(items["meal"].iloc[idx[0]]), "to_meal": best[1],
                         "absorbed_gain_ug": best[0]})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("absorbed_gain_ug", ascending=False, kind="stable").reset_index(
        drop=True)


# -- messages ------------------------------------------------------------------------------
def _ug(x: float) -> str:
    """ "1.2 µg"; small amounts keep two digits ("0.04 µg", never "0.0 µg" short)."""
    return format_ug(x, 1)


def _ug2(x: float) -> str:
    """Absorbed amounts near a line: two decimals, as the app's metrics show them."""
    return format_ug(x, 2)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _messages(*, status: str, goal: str, profile: Profile, rec: Any, summary: dict[str, Any],
              base_pd: float, line: float, after: Evaluation | None,
              additions: pd.DataFrame, singles: pd.DataFrame, moves: pd.DataFrame,
              supplements: pd.DataFrame, check: pd.DataFrame, constraint: str, max_k: int,
              prefer_cryst: bool, infant: bool, treatment: TreatmentInformation | None,
              child: bool = False) -> list[str]:
    """Plain sentences, most important first. Verdicts are named with the labels of
    :data:`planner.model.verdicts.VERDICTS`; condition and treatment texts are the library's
    own (:data:`planner.model.absorption.CONDITIONS`, ``summary["clinician"]``,
    :func:`planner.model.labs.treatment_information`), never a second copy."""
    out: list[str] = []
    verdict = Verdict(summary["verdict"])
    clinician = status == Verdict.NEEDS_CLINICIAN.value
    # conditions a clinician manages, urgent ones (nitrous oxide) first
    names = sorted(profile.needs_clinician, key=lambda c: c != "nitrous_oxide")
    out += [CONDITIONS[c].message for c in names]
    if treatment is not None and treatment.applies:
        regimens = [f"{r.option}, {r.dose} {r.route} ({r.when}) {r.source}"
                    for r in treatment.regimens.itertuples(index=False)]
        msgs = list(treatment.messages)
        if regimens:  # before the closing "the diet plan is for afterwards"
            msgs.insert(len(msgs) - 1, "Treatments a clinician may offer: "
                        + "; ".join(regimens) + ".")
        out += msgs
    line_name = "goal line" if goal == "target" else "requirement line"
    intake_line = rec.value_ug if goal == "target" else rec.requirement_intake_ug
    who = f"{rec.authority}, {rec.life_stage}"
    intake = summary["intake_ug_per_day"]
    if clinician and not infant:
        info = summary.get("clinician") or {}
        out.append(f"{verdict.label}: {verdict.explanation} " + str(info.get("message", "")))
    elif status == Verdict.MEETS_GOAL.value:
        out.append(
            f"{verdict.label}: your plan already meets your {line_name}: you absorb about "
            f"{_ug2(base_pd)} a day (the line is {_ug2(line)} absorbed, {intake_line:.1f} µg "
            f"eaten; {who}). No additions are needed.")
    elif not infant:
        short = line - base_pd
        if intake + LINE_TOLERANCE_UG >= intake_line:
            eaten = (f"You eat about {_ug(intake)} a day, enough on paper, but too little of "
                     "it is absorbed.")
        else:
            eaten = (f"You eat about {_ug(intake)} a day, {_ug(intake_line - intake)} below "
                     "the intake figure.")
        out.append(
            f"{verdict.label}: you absorb about {_ug2(base_pd)} a day; your {line_name} "
            f"({who}) is {_ug2(line)} absorbed ({intake_line:.1f} µg eaten). You are "
            f"{_ug2(short)} short. " + eaten)
        if rec.ai_only:
            out.append(f"{rec.authority} publishes only an adequate intake, so the "
                       f"suggestions aim at the goal line. {Verdict.BELOW_AI.explanation}")
    if infant:
        out.append("For babies, B12 comes from breast milk or formula; ask a paediatrician "
                   "before adding anything (infants of vegan mothers need a B12 supplement "
                   "from birth).")
    elif child and not len(supplements) and not (treatment and treatment.applies):
        out.append("No children's regimen covers this case: ask a paediatrician. Adult "
                   "1000–2000 µg doses are not for children.")
    elif child and not clinician:
        out.append("Children's supplement doses follow VeganHealth's table by age (10 µg a "
                   "day at 1–3 y, 15 µg at 4–8 y, 20 µg at 9–13 y) [VH-TAB]; they are not "
                   "adult doses. Ask a paediatrician about anything else.")
    lead_cryst = prefer_cryst and status not in (Verdict.MEETS_GOAL.value,
                                                 Verdict.NEEDS_CLINICIAN.value)
    if lead_cryst:
        out.append("Over 50, with low stomach acid or on metformin, B12 in fortified foods "
                   "and supplements (crystalline) is absorbed much better than B12 in meat, "
                   "fish, eggs or milk, so only fortified foods are suggested, and a "
                   "supplement is the simplest route [IOM p.306, p.342].")
        if len(supplements):
            out.append(_supplement_sentence(supplements, status, first=True))
    if status == "plan_found" and after is not None:
        parts = _chosen_words(additions)
        out.append(
            f"Least change that meets your {line_name}: add {_join(parts)}, every day. You "
            f"would absorb about {_ug(after.summary['absorbed_ug_per_day'])} a day "
            f"({after.summary['verdict_label']}).")
        if len({m for m in additions["meal"]}) > 1:
            out.append(_SPREAD_WHY)
    if status == "no_food_plan":
        if constraint == "max_servings":
            out.append("With at most 0 added servings a day there is no food plan to make; "
                       "raise the limit, or see the supplement options below.")
        elif constraint == "no_foods":
            out.append("No suitable foods are left after your exclusions and diet, so there "
                       "is no food plan; loosen the exclusions, or see the supplement options "
                       "below.")
        else:
            out.append(f"No combination of up to {max_k} added servings a day of the ranked "
                       f"foods reaches your {line_name}; a supplement is the simpler route "
                       "(options below).")
    if status != Verdict.MEETS_GOAL.value and len(singles) and not clinician:
        for i, r in enumerate(singles.itertuples(index=False)):
            lead = "Best single change" if i == 0 else "Also good"
            enough = f" — enough on its own ({Verdict(r.verdict).label})." \
                if r.reaches_goal else "."
            out.append(f"{lead}: {r.serving} {r.description} at {r.meal}, every day "
                       f"(+{_ug(r.absorbed_gain_ug)} absorbed a day){enough}")
    if len(moves) and moves["absorbed_gain_ug"].iloc[0] >= MOVE_MESSAGE_UG:
        m = moves.iloc[0]
        out.append(f"Timing matters: moving the {m['description']} from {m['from_meal']} to "
                   f"{m['to_meal']} adds {_ug(m['absorbed_gain_ug'])} absorbed a day. "
                   + _SPREAD_WHY)

    if profile.diet == "vegan" and len(check) and not clinician:
        names_ = _join([str(d) for d in check["description"].head(2)])
        out.append(f"Some fortified foods, such as {names_}, may suit you but their vegan "
                   "status could not be verified: check the label. They are never used in the "
                   "least-change plan.")
    if len(supplements) and status != Verdict.MEETS_GOAL.value and not lead_cryst:
        out.append(_supplement_sentence(supplements, status))
    if len(supplements):
        out.append("No upper limit has been set for B12 [IOM p.306] [EFSA-15]; the UK guidance "
                   f"level is {EVM_GUIDANCE_UG:,.0f} µg a day from supplements {EVM_SOURCE}.")
    return out


#: Why B12 spread over the day absorbs better, by the model of
#: :func:`planner.model.absorption.absorbed_doses` [IOM p.308].
_SPREAD_WHY = ("B12 taken close together shares the intrinsic-factor receptors, which "
               "recover gradually over about 6 hours after each intake (Heyssel 1966) "
               "[IOM p.308], so the same B12 spread over meals further apart is absorbed "
               "better.")


def _chosen_words(additions: pd.DataFrame) -> list[str]:
    first = additions[additions["day"] == additions["day"].min()]
    return [f"{r.portion} {r.description} at {r.meal}" for r in first.itertuples(index=False)]


def _supplement_sentence(sup: pd.DataFrame, status: str, first: bool = False) -> str:
    """The regimens in one sentence: each oral one with its absorbed gain and the plan's
    verdict label with it; under a clinician, only the modelled figure (no verdict)."""
    clinician = status == Verdict.NEEDS_CLINICIAN.value
    parts = []
    for r in sup.itertuples(index=False):
        if r.route == "injection":
            parts.append(f"{r.dose_ug:g} µg {r.label}")
            continue
        with_it = "" if clinician else f"; with it: {Verdict(r.verdict).label}"
        parts.append(f"{r.dose_ug:g} µg {r.label} (+{_ug(r.supplement_absorbed_ug_per_day)} "
                     f"absorbed a day{with_it})")
    lead = ("The usual regimens, as information for the conversation with your clinician"
            if clinician else "Or take a supplement" if not first else "Take a supplement")
    return f"{lead}: " + "; ".join(parts) + "."


__all__ = [
    "FOOD_COLUMNS",
    "GOALS",
    "SUPPLEMENT_COLUMNS",
    "Suggestion",
    "load_supplements",
    "pick_serving",
    "suggest",
]
