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
from planner.charts import (
    day_chart,
    meal_frame,
    split_chart,
    split_frame,
    store_chart,
    store_frame,
)
from planner.errors import DataFileError, InputError, UnknownFoodError
from planner.evaluate import Evaluation, evaluate, evaluation_csv, plan_span
from planner.examples import EXAMPLES, load_example
from planner.fdc import (
    DEFAULT_BASE_URL as FDC_DEFAULT_BASE_URL,
)
from planner.fdc import (
    KEY_SIGNUP_URL as FDC_KEY_SIGNUP_URL,
)
from planner.fdc import (
    FdcClient,
    FdcError,
    FdcKeyInvalid,
    FdcKeyMissing,
    FdcNetworkError,
    FdcRateLimited,
    resolve_api_key,
)
from planner.foods import FoodTable, load_foods
from planner.labs import (
    LAB_CATEGORIES,
    LAB_MARKERS,
    LabInterpretation,
    TreatmentInformation,
    interpret_labs,
    parse_lab_value,
    treatment_information,
)
from planner.plan import (
    MAX_DAY,
    MAX_DOSE_UG,
    MAX_GRAMS,
    SUPPLEMENT_FORMS,
    empty_plan,
    validate_plan,
)
from planner.plan_csv import MAX_CSV_BYTES, plan_from_csv, plan_to_csv
from planner.plan_edit import (
    EVERY_DAY,
    EditorChanges,
    additions_words,
    append_plan_rows,
    apply_editor_changes,
    b12_cells,
    days_words,
    food_choice_label,
    food_rows,
    form_days,
    option_rows,
    portion_words,
    profile_changes,
    supplement_rows,
    target_days,
    years_words,
)
from planner.profile import Profile
from planner.recommendations import (
    AUTHORITIES,
    AUTHORITY_NAMES,
    Recommendation,
    compare_authorities,
    load_recommendations,
    recommended_intake,
)
from planner.report import write_report
from planner.saved_plans import CURRENT as CURRENT_PLAN
from planner.saved_plans import (
    PlanExistsError,
    delete_saved_plan,
    list_saved_plans,
    load_profile,
    load_saved_plan,
    plan_name,
    plans_dir,
    save_plan,
    save_profile,
)
from planner.schema import DEFAULT_MEAL_TIMES, DIET_ORDER, PLAN_COLUMNS, SUPPLEMENT_PREFIX
from planner.stores import (
    DEPLETION_THRESHOLD_UG,
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
)
from planner.userfoods import (
    UserFoodsWarning,
    delete_user_food,
    label_food,
    read_user_foods,
    save_user_food,
    user_food_messages,
    user_foods_path,
)
from planner.verdicts import VERDICTS, Verdict

__version__ = "0.1.0"

__all__ = [
    "AUTHORITIES",
    "AUTHORITY_NAMES",
    "AbsorptionParams",
    "CONDITIONS",
    "CURRENT_PLAN",
    "DEFAULT_MEAL_TIMES",
    "DEPLETION_THRESHOLD_UG",
    "DIET_ORDER",
    "DataFileError",
    "Depletion",
    "EVERY_DAY",
    "EXAMPLES",
    "EditorChanges",
    "Evaluation",
    "FDC_DEFAULT_BASE_URL",
    "FDC_KEY_SIGNUP_URL",
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
    "MAX_CSV_BYTES",
    "MAX_DAY",
    "MAX_DOSE_UG",
    "MAX_GRAMS",
    "PLAN_COLUMNS",
    "PlanExistsError",
    "Profile",
    "Recommendation",
    "SUPPLEMENT_FORMS",
    "SUPPLEMENT_PREFIX",
    "StoreOutlook",
    "Suggestion",
    "SymptomAssessment",
    "TreatmentInformation",
    "UnknownFoodError",
    "UserFoodsWarning",
    "VERDICTS",
    "Verdict",
    "absorbed_crystalline",
    "absorbed_event",
    "absorbed_event_parts",
    "absorbed_food_bound",
    "additions_words",
    "append_plan_rows",
    "apply_editor_changes",
    "assess_symptoms",
    "assign_dose_events",
    "b12_cells",
    "compare_authorities",
    "day_chart",
    "days_to_depletion",
    "days_words",
    "delete_saved_plan",
    "delete_user_food",
    "empty_plan",
    "evaluate",
    "evaluate_many",
    "evaluate_many_dask",
    "evaluation_csv",
    "food_choice_label",
    "food_rows",
    "form_days",
    "initial_store_estimate",
    "interpret_labs",
    "label_food",
    "list_saved_plans",
    "load_example",
    "load_foods",
    "load_profile",
    "load_recommendations",
    "load_risk_factors",
    "load_saved_plan",
    "load_supplements",
    "load_symptoms",
    "meal_frame",
    "option_rows",
    "params_for",
    "parse_lab_value",
    "plan_from_csv",
    "plan_name",
    "plan_span",
    "plan_to_csv",
    "plans_dir",
    "portion_words",
    "profile_changes",
    "project_stores",
    "read_diaries_xpt",
    "read_user_foods",
    "recommended_intake",
    "resolve_api_key",
    "save_plan",
    "save_profile",
    "save_user_food",
    "split_chart",
    "split_frame",
    "store_chart",
    "store_frame",
    "store_outlook",
    "store_turnover",
    "suggest",
    "supplement_rows",
    "target_days",
    "treatment_information",
    "user_food_messages",
    "user_foods_path",
    "validate_plan",
    "write_report",
    "years_words",
]
