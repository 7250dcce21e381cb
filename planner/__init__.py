"""B12 Planner: does a diet give enough vitamin B12, and what to add when it does not.

This module is the whole public face: the app and the command line import only from
here (``import planner`` / ``from planner import X``), never from a sub-module. Nothing in
this package imports Streamlit. The layers below it (``docs/architecture.md``):

* :mod:`planner.model`: the pure model over the shipped data (foods, plans, absorption,
  recommendations, profiles, verdicts, stores, evaluation, suggestions, labs, symptoms,
  batch evaluation). It never reads the user's folder or the environment.
* :mod:`planner.io`: adapters named ``read_``/``write_``/``get_``/``parse_``: plan CSV,
  the user's folder (saved plans, profile, saved foods), FoodData Central, XPT diaries,
  examples, the PDF report.
* :mod:`planner.pipeline`: USDA releases → ``data/`` (download, build).
* :mod:`planner.charts`: chart data and altair charts built from model results.

>>> import planner
>>> foods = planner.load_foods()                  # the shipped table
>>> profile = planner.Profile(age=35, diet="vegan")
>>> result = planner.evaluate(plan, profile, foods)       # doctest: +SKIP
>>> result.summary.absorbed_ug_per_day                    # doctest: +SKIP
"""

from planner._version import __version__
from planner.charts import (
    day_chart,
    lab_chart,
    meal_frame,
    meal_order,
    split_chart,
    split_frame,
    store_chart,
    store_frame,
    zone_frame,
)
from planner.errors import DataFileError, InputError, UnknownFoodError, parse_decimal, shorten
from planner.formats import (
    Flag,
    format_ug,
    parse_yes_no,
    round_significant,
)
from planner.io.examples import EXAMPLES, load_example
from planner.io.fdc import (
    API_KEY_ENV as FDC_API_KEY_ENV,
)
from planner.io.fdc import (
    BASE_URL_ENV as FDC_BASE_URL_ENV,
)
from planner.io.fdc import (
    DEFAULT_BASE_URL as FDC_DEFAULT_BASE_URL,
)
from planner.io.fdc import (
    KEY_SIGNUP_URL as FDC_KEY_SIGNUP_URL,
)
from planner.io.fdc import (
    FdcClient,
    FdcError,
    FdcKeyInvalid,
    FdcKeyMissing,
    FdcNetworkError,
    FdcRateLimited,
    parse_fdc_food,
    parse_fdc_search,
)
from planner.io.fdc import (
    resolve_api_key as resolve_fdc_api_key,
)
from planner.io.fdc import (
    resolve_base_url as resolve_fdc_base_url,
)
from planner.io.plan_csv import (
    MAX_CSV_BYTES,
    evaluation_csv,
    neutralise_formula,
    plan_from_csv,
    plan_to_csv,
)
from planner.io.report import save_report, write_report
from planner.io.saved_plans import (
    CURRENT as CURRENT_PLAN,
)
from planner.io.saved_plans import (
    PlanExistsError,
    delete_saved_plan,
    list_saved_plans,
    load_lab_results,
    load_profile,
    load_saved_plan,
    plan_name,
    plans_dir,
    save_lab_results,
    save_plan,
    save_profile,
)
from planner.io.user_folder import user_dir
from planner.io.userfoods import (
    DV_B12_2016_UG,
    DV_B12_OLD_UG,
    UserFoodsWarning,
    delete_user_food,
    label_food,
    read_user_foods,
    save_user_food,
    user_food_messages,
    user_foods_path,
)
from planner.io.xpt import read_diaries_xpt
from planner.model.absorption import (
    CONDITIONS,
    AbsorptionParams,
    absorbed_crystalline,
    absorbed_event,
    absorbed_event_parts,
    absorbed_food_bound,
    assign_dose_events,
    params_for,
)
from planner.model.authorities import AUTHORITIES, AUTHORITY_NAMES
from planner.model.batch import evaluate_many, evaluate_many_dask
from planner.model.evaluate import Evaluation, evaluate, plan_span
from planner.model.foods import FoodTable, load_foods
from planner.model.labs import (
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
from planner.model.labs import as_dict as lab_interpretation_dict
from planner.model.labs import findings_as_text as lab_findings_text
from planner.model.plan import (
    MAX_DAY,
    MAX_DOSE_UG,
    MAX_GRAMS,
    SUPPLEMENT_FORMS,
    empty_plan,
    validate_plan,
)
from planner.model.plan_edit import (
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
from planner.model.profile import ACID_REDUCERS, Profile, can_be_pregnant
from planner.model.recommendations import (
    Recommendation,
    compare_authorities,
    load_recommendations,
    recommended_intake,
)
from planner.model.stores import (
    DAYS_PER_YEAR,
    DEFAULT_INITIAL_STORE_UG,
    DEPLETION_THRESHOLD_UG,
    MAX_DAYS,
    NO_CHILD_OUTLOOK,
    OUTLOOK_YEARS,
    REPLETE_STORE_UG,
    Depletion,
    StoreOutlook,
    days_to_depletion,
    initial_store_estimate,
    project_stores,
    store_outlook,
    store_outlook_applies,
    store_turnover,
)
from planner.model.suggest import Suggestion, load_supplements, suggest
from planner.model.summary import EvaluationSummary
from planner.model.symptoms import (
    OLDER_RISK_AGE_YEARS,
    SymptomAssessment,
    assess_symptoms,
    load_risk_factors,
    load_symptoms,
    unasked_risk_factors,
)
from planner.model.verdicts import (
    EXIT_BAD_INPUT,
    EXIT_NOT_OK,
    EXIT_OK,
    VERDICTS,
    Verdict,
)
from planner.model.verdicts import (
    help_text as verdict_help_text,
)
from planner.pipeline.build import build as build_data
from planner.pipeline.download import download_release, load_manifest
from planner.schema import DEFAULT_MEAL_TIMES, DIET_ORDER, PLAN_COLUMNS, SUPPLEMENT_PREFIX

__all__ = [
    "ACID_REDUCERS",
    "AUTHORITIES",
    "AUTHORITY_NAMES",
    "AbsorptionParams",
    "CONDITIONS",
    "CURRENT_PLAN",
    "DAYS_PER_YEAR",
    "DEFAULT_INITIAL_STORE_UG",
    "DEFAULT_MEAL_TIMES",
    "DEPLETION_THRESHOLD_UG",
    "DIET_ORDER",
    "DV_B12_2016_UG",
    "DV_B12_OLD_UG",
    "DataFileError",
    "Depletion",
    "EVERY_DAY",
    "EXAMPLES",
    "EXIT_BAD_INPUT",
    "EXIT_NOT_OK",
    "EXIT_OK",
    "EditorChanges",
    "Evaluation",
    "EvaluationSummary",
    "FDC_API_KEY_ENV",
    "FDC_BASE_URL_ENV",
    "FDC_DEFAULT_BASE_URL",
    "FDC_KEY_SIGNUP_URL",
    "FdcClient",
    "FdcError",
    "FdcKeyInvalid",
    "FdcKeyMissing",
    "FdcNetworkError",
    "FdcRateLimited",
    "Flag",
    "FoodTable",
    "InputError",
    "LAB_CATEGORIES",
    "LAB_MARKERS",
    "LabInterpretation",
    "MAX_CSV_BYTES",
    "MAX_DAY",
    "MAX_DAYS",
    "MAX_DOSE_UG",
    "MAX_GRAMS",
    "NO_CHILD_OUTLOOK",
    "OLDER_RISK_AGE_YEARS",
    "OUTLOOK_YEARS",
    "PLAN_COLUMNS",
    "PlanExistsError",
    "Profile",
    "REPLETE_STORE_UG",
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
    "__version__",
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
    "build_data",
    "can_be_pregnant",
    "compare_authorities",
    "day_chart",
    "days_to_depletion",
    "days_words",
    "delete_saved_plan",
    "delete_user_food",
    "download_release",
    "empty_plan",
    "evaluate",
    "evaluate_many",
    "evaluate_many_dask",
    "evaluation_csv",
    "food_choice_label",
    "food_rows",
    "form_days",
    "format_ug",
    "initial_store_estimate",
    "interpret_labs",
    "lab_chart",
    "lab_findings_text",
    "lab_history",
    "lab_interpretation_dict",
    "label_food",
    "list_saved_plans",
    "load_example",
    "load_foods",
    "load_lab_results",
    "load_manifest",
    "load_profile",
    "load_recommendations",
    "load_risk_factors",
    "load_saved_plan",
    "load_supplements",
    "load_symptoms",
    "meal_frame",
    "meal_order",
    "neutralise_formula",
    "normalise_lab_results",
    "option_rows",
    "params_for",
    "parse_decimal",
    "parse_fdc_food",
    "parse_fdc_search",
    "parse_lab_value",
    "parse_yes_no",
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
    "resolve_fdc_api_key",
    "resolve_fdc_base_url",
    "round_significant",
    "save_lab_results",
    "save_plan",
    "save_profile",
    "save_report",
    "save_user_food",
    "shorten",
    "split_chart",
    "split_frame",
    "store_chart",
    "store_frame",
    "store_outlook",
    "store_outlook_applies",
    "store_turnover",
    "suggest",
    "supplement_rows",
    "target_days",
    "treatment_information",
    "unasked_risk_factors",
    "user_dir",
    "user_food_messages",
    "user_foods_path",
    "validate_plan",
    "verdict_help_text",
    "write_report",
    "years_words",
    "zone_frame",
]
