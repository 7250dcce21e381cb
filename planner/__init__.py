"""B12 Planner: does a diet give enough vitamin B12, and what to add when it does not.

The public API is re-exported here; nothing in this package imports Streamlit.

>>> import planner
>>> foods = planner.load_foods()
>>> profile = planner.Profile(age=35, diet="vegan")
>>> result = planner.evaluate(plan, profile, foods)       # doctest: +SKIP
>>> result.summary["absorbed_ug_per_day"]                  # doctest: +SKIP
"""

from planner.absorption import (
    CONDITIONS,
    AbsorptionParams,
    absorbed_crystalline,
    absorbed_event,
    absorbed_event_parts,
    absorbed_food_bound,
    assign_dose_events,
    params_for,
)
from planner.errors import DataFileError, InputError, UnknownFoodError
from planner.evaluate import Evaluation, evaluate
from planner.foods import FoodTable, load_foods
from planner.plan import empty_plan, validate_plan
from planner.plan_csv import plan_from_csv, plan_to_csv
from planner.profile import Profile
from planner.recommendations import (
    AUTHORITIES,
    Recommendation,
    compare_authorities,
    load_recommendations,
    recommended_intake,
)
from planner.schema import DIET_ORDER
from planner.stores import Depletion, days_to_depletion, project_stores, store_turnover

__version__ = "0.1.0"

__all__ = [
    "AUTHORITIES",
    "CONDITIONS",
    "DIET_ORDER",
    "AbsorptionParams",
    "DataFileError",
    "Depletion",
    "Evaluation",
    "FoodTable",
    "InputError",
    "Profile",
    "Recommendation",
    "UnknownFoodError",
    "absorbed_crystalline",
    "absorbed_event",
    "absorbed_event_parts",
    "absorbed_food_bound",
    "assign_dose_events",
    "compare_authorities",
    "days_to_depletion",
    "empty_plan",
    "evaluate",
    "load_foods",
    "load_recommendations",
    "params_for",
    "plan_from_csv",
    "plan_to_csv",
    "project_stores",
    "recommended_intake",
    "store_turnover",
    "validate_plan",
]
