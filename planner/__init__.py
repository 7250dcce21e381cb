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
from planner.batch import evaluate_many, evaluate_many_dask, read_diaries_xpt
from planner.errors import DataFileError, InputError, UnknownFoodError
from planner.evaluate import Evaluation, evaluate
from planner.fdc import (
    FdcClient,
    FdcError,
    FdcKeyInvalid,
    FdcKeyMissing,
    FdcNetworkError,
    FdcRateLimited,
)
from planner.foods import FoodTable, load_foods
from planner.labs import (
    LAB_CATEGORIES,
    LAB_MARKERS,
    LabInterpretation,
    TreatmentInformation,
    interpret_labs,
    lab_history,
    normalise_lab_results,
    parse_lab_value,
    treatment_information,
)
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
from planner.report import write_report
from planner.saved_plans import (
    delete_saved_plan,
    list_saved_plans,
    load_lab_results,
    load_profile,
    load_saved_plan,
    save_lab_results,
    save_plan,
    save_profile,
)
from planner.schema import DIET_ORDER
from planner.stores import (
    Depletion,
    StoreOutlook,
    days_to_depletion,
    initial_store_estimate,
    project_stores,
    store_outlook,
    store_turnover,
)
from planner.suggest import Suggestion, load_supplements, suggest
from planner.symptoms import (
    SymptomAssessment,
    assess_symptoms,
    load_risk_factors,
    load_symptoms,
    unasked_risk_factors,
)
from planner.userfoods import (
    UserFoodsWarning,
    delete_user_food,
    label_food,
    read_user_foods,
    save_user_food,
    user_food_messages,
)
from planner.verdicts import VERDICTS, Verdict

__version__ = "0.1.0"

__all__ = [
    "AUTHORITIES",
    "CONDITIONS",
    "DIET_ORDER",
    "AbsorptionParams",
    "DataFileError",
    "Depletion",
    "Evaluation",
    "FdcClient",
    "FdcError",
    "FdcKeyInvalid",
    "FdcKeyMissing",
    "FdcNetworkError",
    "FdcRateLimited",
    "FoodTable",
    "InputError",
    "LAB_CATEGORIES",
    "LAB_MARKERS",
    "LabInterpretation",
    "Profile",
    "Recommendation",
    "Suggestion",
    "SymptomAssessment",
    "TreatmentInformation",
    "StoreOutlook",
    "UnknownFoodError",
    "UserFoodsWarning",
    "VERDICTS",
    "Verdict",
    "absorbed_crystalline",
    "absorbed_event",
    "absorbed_event_parts",
    "absorbed_food_bound",
    "assess_symptoms",
    "assign_dose_events",
    "compare_authorities",
    "days_to_depletion",
    "delete_saved_plan",
    "delete_user_food",
    "empty_plan",
    "evaluate",
    "evaluate_many",
    "evaluate_many_dask",
    "interpret_labs",
    "lab_history",
    "initial_store_estimate",
    "label_food",
    "list_saved_plans",
    "load_lab_results",
    "load_profile",
    "load_saved_plan",
    "load_foods",
    "load_recommendations",
    "load_risk_factors",
    "load_supplements",
    "load_symptoms",
    "normalise_lab_results",
    "params_for",
    "parse_lab_value",
    "plan_from_csv",
    "plan_to_csv",
    "project_stores",
    "read_diaries_xpt",
    "read_user_foods",
    "recommended_intake",
    "save_lab_results",
    "save_plan",
    "save_profile",
    "save_user_food",
    "store_outlook",
    "store_turnover",
    "suggest",
    "treatment_information",
    "unasked_risk_factors",
    "user_food_messages",
    "validate_plan",
    "write_report",
]
