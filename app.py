"""B12 Planner web app: does your diet give you enough vitamin B12?

Streamlit lives only here; every computation is a call into the ``planner`` package.
Run with ``make run`` (or ``python -m streamlit run app.py``).

Layout: the sidebar says who the plan is for; the main page starts a week (example,
empty or uploaded CSV), shows the verdict at a glance, the charts and the flags, the
suggestions, then the plan editor with the ways to add foods and supplements.

State: the plan is one validated DataFrame in ``st.session_state["plan"]``. Every change
goes through :func:`planner.plan.validate_plan` before it replaces the old plan; on an
:class:`~planner.errors.InputError` the message is shown and the old plan is kept.
Buttons change the plan in callbacks (which run before the script), so the results
drawn above the editor are always those of the current plan.

Persistence: after every change the plan is saved (:mod:`planner.saved_plans`, name
``CURRENT``, an atomic write), and a new session starts from it, so a restart or a crash
loses nothing. Plans can also be saved under a name and opened again.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from planner import (
    AUTHORITIES,
    AUTHORITY_NAMES,
    DEFAULT_MEAL_TIMES,
    DEPLETION_THRESHOLD_UG,
    DIET_ORDER,
    EXAMPLES,
    FDC_KEY_SIGNUP_URL,
    MAX_CSV_BYTES,
    MAX_DAY,
    MAX_DOSE_UG,
    MAX_GRAMS,
    PLAN_COLUMNS,
    SUPPLEMENT_FORMS,
    SUPPLEMENT_PREFIX,
    DataFileError,
    Evaluation,
    FdcClient,
    FdcError,
    FoodTable,
    InputError,
    PlanExistsError,
    Profile,
    Suggestion,
    Verdict,
    compare_authorities,
    day_chart,
    delete_saved_plan,
    empty_plan,
    evaluate,
    evaluation_csv,
    initial_store_estimate,
    label_food,
    list_saved_plans,
    load_example,
    load_foods,
    load_profile,
    load_saved_plan,
    meal_frame,
    plan_from_csv,
    plan_name,
    plan_span,
    plan_to_csv,
    plans_dir,
    project_stores,
    read_user_foods,
    resolve_fdc_api_key,
    resolve_fdc_base_url,
    save_plan,
    save_profile,
    save_user_food,
    split_chart,
    split_frame,
    store_chart,
    store_frame,
    store_outlook,
    suggest,
    user_food_messages,
    user_foods_path,
    validate_plan,
)
from planner import CURRENT_PLAN as CURRENT

log = logging.getLogger("b12planner.app")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@=^&])")


def as_text(value: object) -> str:
    """Text from outside (a CSV, a saved food, FoodData Central, a file or plan name, an
    error message quoting them) made safe for an element that renders Markdown.

    Every Markdown character is escaped, so the text shows exactly as written: no link,
    no image loaded from another address, no formatting; line breaks are kept.
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    return "  \n".join(text.split("\n"))

# -- vocabulary shown to people ------------------------------------------------------------
DIET_LABELS = {
    "vegan": "Vegan (no animal foods)",
    "vegetarian": "Vegetarian (dairy and/or eggs)",
    "pescatarian": "Pescatarian (fish, no meat)",
    "omnivore": "Omnivore (I eat meat)",
}
CONDITION_LABELS = {
    "metformin": "I take metformin (diabetes medicine)",
    "ppi": "I take an acid reducer: PPI (omeprazole, pantoprazole…)",
    "h2_blocker": "I take an acid reducer: H2 blocker (famotidine…)",
    "atrophic_gastritis": "Atrophic gastritis (diagnosed)",
    "pernicious_anemia": "Pernicious anaemia (diagnosed)",
    "bariatric_surgery": "I had weight-loss (bariatric) surgery",
    "ileal_resection": "Part of my small intestine (ileum) was removed",
    "nitrous_oxide": "Nitrous oxide: laughing gas, recent anaesthesia",
}
ADD_MODES = {
    "food": "Add a food",
    "supplement": "Add a supplement",
    "label": "Food from a label",
    "fdc": "Search FoodData Central",
}
MEALS = list(DEFAULT_MEAL_TIMES)  # breakfast, lunch, snack, dinner
FREQUENCIES = {"daily": "Every day", "twice weekly": "Twice a week", "weekly": "Once a week"}
EVERY_DAY = "Every day"
DV_CHOICES = {
    2.4: "2.4 µg: labels under the 2016 rule (on US labels since 2020/2021)",
    6.0: "6 µg: older labels (before 2020)",
}
#: Box and metric colour per verdict tone (:attr:`planner.verdicts.VerdictInfo.tone`):
#: green only for ok verdicts, never for needs_clinician or below_*.
TONE_COLOURS = {"success": "green", "warning": "orange", "error": "red"}
NOT_MEDICAL_ADVICE = (
    "**Not medical advice.** This tool estimates B12 from food tables and a published "
    "absorption model. It cannot diagnose anything: if you have symptoms or a condition "
    "marked below, talk to a doctor or dietitian."
)
DEFAULT_STORE_UG = 2500.0
MIN_PLAN_DAYS = 7  # days offered in the add-food/supplement forms (not the averaging span)
PROJECTION_YEARS = 10
EDITOR_PREFIX = "plan_editor"


# ---------------------------------------------------------------------------------------
# Cached data
# ---------------------------------------------------------------------------------------
def user_foods_stamp() -> str:
    """Changes whenever the saved-foods file changes (so the cached table is rebuilt)."""
    path = user_foods_path()
    try:
        stat = path.stat()
    except OSError:
        return "none"  # no saved foods: the shipped table, wherever the user dir is
    return f"{path}|{stat.st_mtime_ns}|{stat.st_size}"


@st.cache_resource(show_spinner="Loading the USDA food table…", max_entries=4)
def _food_table(stamp: str) -> FoodTable:
    table = load_foods(user_foods=read_user_foods())
    table.search("milk")  # build the search index once, not on the first keystroke
    return table


def get_foods() -> FoodTable:
    """The food table with the user's saved foods (cached per saved-foods version)."""
    return _food_table(user_foods_stamp())


@st.cache_data(max_entries=256, show_spinner=False)
def _search(stamp: str, text: str, diet: str | None, _foods: FoodTable) -> pd.DataFrame:
    return _foods.search(text, diet=diet, limit=25)


# ---------------------------------------------------------------------------------------
# Session state
# ---------------------------------------------------------------------------------------
PROFILE_DEFAULTS: dict[str, Any] = {
    "p_age": 35,
    "p_sex": "female",
    "p_diet": "omnivore",
    "p_pregnant": False,
    "p_lactating": False,
    "p_conditions": [],
    "p_neuro": False,
    "p_authority": "NASEM",
    "p_acid_years": None,
    "p_years_no_b12": 0.0,
    "p_store_manual": False,
    "p_store": DEFAULT_STORE_UG,
}


def init_state() -> None:
    """Defaults for every key the app reads (widgets get their value from here)."""
    ss = st.session_state
    for key, value in PROFILE_DEFAULTS.items():
        ss.setdefault(key, value)
    ss.setdefault("plan_undo", None)
    ss.setdefault("editor_version", 0)
    ss.setdefault("notices", [])
    ss.setdefault("start_choice", next(iter(EXAMPLES)))
    ss.setdefault("match_profile", True)
    ss.setdefault("food_diet_only", True)
    ss.setdefault("add_mode", "food")


def editor_key() -> str:
    """Key of the plan editor; a new key after each applied edit resets its delta."""
    return f"{EDITOR_PREFIX}_{st.session_state['editor_version']}"


def notify(kind: str, text: str, where: str = "plan") -> None:
    """Show ``text`` once on the next run, in section ``where`` ("start", "suggestions",
    "plan"); kind is success, info, warning or error. Successes also pop up as a toast,
    so they are seen wherever the page is scrolled."""
    st.session_state["notices"].append((kind, text, where))


def show_notices(where: str) -> None:
    keep = []
    for kind, text, place in st.session_state["notices"]:
        if place != where:
            keep.append((kind, text, place))
            continue
        getattr(st, kind)(as_text(text))  # notices quote names and files: plain text
        if kind == "success":
            st.toast(as_text(text.split(":")[0].rstrip(".")[:90]),
                     icon=":material/check_circle:")
    st.session_state["notices"] = keep


def restore_profile() -> None:
    """On a new session, set the profile widgets to the profile saved by the last one."""
    ss = st.session_state
    try:
        saved = load_profile()
    except (InputError, OSError) as exc:  # the library moved a damaged file aside
        notify("warning", f"{exc}\n\nStarting with the default profile.", "start")
        return
    if saved is None:
        return
    profile, store = saved
    ss.update({
        "p_age": min(max(round(profile.age or 1), 1), 120), "p_sex": profile.sex,
        "p_diet": profile.diet, "p_pregnant": profile.pregnant,
        "p_lactating": profile.lactating, "p_conditions": list(profile.conditions),
        "p_authority": profile.authority, "p_store": min(store, 50_000.0),
        # a saved start other than the usual 2,500 µg was typed in: keep it editable
        "p_store_manual": abs(store - DEFAULT_STORE_UG) > 0.5,
    })
    ss["saved_profile"] = (profile, store)


def persist_profile(profile: Profile | None) -> None:
    """Keep the profile for the next session (only when it changed; a failure is shown
    once and changes nothing else)."""
    ss = st.session_state
    if profile is None:
        return
    current = (profile, float(ss["p_store"]))
    if ss.get("saved_profile") == current:
        return
    try:
        save_profile(*current)
    except (OSError, InputError) as exc:
        if not ss.get("profile_save_failed"):
            st.sidebar.warning(f"Your profile could not be saved on this computer "
                               f"({as_text(exc)}); it is kept while this page is open.")
        ss["profile_save_failed"] = True
        return
    ss["saved_profile"], ss["profile_save_failed"] = current, False


def restore_plan(foods: FoodTable) -> None:
    """On a new session, start from the plan (and profile) saved by the last one."""
    ss = st.session_state
    if "plan" in ss:
        return
    restore_profile()
    ss["plan"], ss["plan_name"] = empty_plan(), "An empty plan"
    try:
        saved = load_saved_plan(CURRENT, foods)
    except (InputError, OSError) as exc:  # the library moved a damaged file aside
        notify("warning", f"{exc}\n\nStarting with an empty plan.", "start")
        return
    if saved is not None and len(saved):
        ss["plan"], ss["plan_name"] = saved, "Your last plan"
        who = " and your profile (left)" if ss.get("saved_profile") else ""
        notify("info", f"Restored your last plan ({len(saved)} rows){who}.", "start")


def persist_plan(plan: pd.DataFrame, where: str = "plan") -> None:
    """Save the plan being edited, so that it survives a restart or a crash.

    A failed write keeps the plan in this session; the warning is shown once until a
    save succeeds again.
    """
    ss = st.session_state
    try:
        if len(plan):
            save_plan(plan, CURRENT)
        else:  # an empty plan is no file (the library refuses to read one back)
            delete_saved_plan(CURRENT)
    except (OSError, InputError) as exc:
        if not ss.get("save_failed"):
            notify("warning", f"Your plan could not be saved on this computer ({exc}). It is "
                              "kept while this page is open: download it to keep a copy.",
                   where)
        ss["save_failed"] = True
        return
    ss["save_failed"] = False


def set_plan(new_plan: pd.DataFrame, foods: FoodTable, what: str, replace: bool = False,
             name: str | None = None, where: str = "plan") -> bool:
    """Validate ``new_plan`` and make it the plan (and save it); on a problem keep the
    old plan.

    Returns True when the plan changed. ``replace`` (a whole new plan) keeps the old one
    for "Undo".
    """
    ss = st.session_state
    try:
        valid = validate_plan(new_plan, foods)
    except InputError as exc:
        notify("error", f"{what}: not done, your plan is unchanged.\n\n{exc}", where)
        return False
    # Rows in eating order (day, then clock time); ties keep their order.
    valid = valid.sort_values(["day", "time"], kind="stable").reset_index(drop=True)
    if replace:
        if len(ss["plan"]):
            ss["plan_undo"] = (ss["plan_name"], ss["plan"])
        ss["plan_name"] = name or what
    ss["plan"] = valid
    ss["editor_version"] += 1
    persist_plan(valid, where)
    return True


def append_rows(rows: list[dict[str, Any]], foods: FoodTable, what: str,
                where: str = "plan") -> bool:
    """Add plan rows (dicts of plan columns) after validating the result."""
    if not rows:
        notify("warning", f"{what}: nothing to add.", where)
        return False
    plan = st.session_state["plan"]
    new = pd.DataFrame(rows)
    for col in PLAN_COLUMNS:
        if col not in new.columns:
            new[col] = None
    combined = pd.concat([plan.astype(object), new[list(PLAN_COLUMNS)].astype(object)],
                         ignore_index=True)
    return set_plan(combined, foods, what, where=where)


def plan_days(plan: pd.DataFrame) -> int:
    """Days offered in the forms that add rows (at least a week). The plan is averaged
    over :func:`evaluation_days`, the library's span rule, not over this."""
    if len(plan) == 0:
        return MIN_PLAN_DAYS
    return max(MIN_PLAN_DAYS, int(plan["day"].max()))


def evaluation_days(plan: pd.DataFrame) -> int | None:
    """Days to average over: None (the library's rule: first to last plan day) unless the
    person chose more days for this plan (the "Days to average over" box)."""
    override = st.session_state.get("span_override")
    if not override or len(plan) == 0:
        return None
    base, days = override
    n = plan_span(plan["day"])[2]
    return int(days) if base == n and days > n else None


def _set_span() -> None:
    ss = st.session_state
    plan = ss["plan"]
    if len(plan):
        ss["span_override"] = (plan_span(plan["day"])[2], int(ss["span_days_input"]))


def guarded(section: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run a page section; an unexpected error becomes a readable message, not a crash."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - last line of defence for the page
                # (st.stop/st.rerun raise BaseException subclasses: they pass through)
                log.exception("section %s failed", section)
                st.error(
                    f"Something went wrong in “{section}” ({type(exc).__name__}: "
                    f"{as_text(exc)}). Your plan is unchanged; you can keep working or "
                    "download it."
                )
                return None

        return run

    return wrap


# ---------------------------------------------------------------------------------------
# Sidebar: who the plan is for
# ---------------------------------------------------------------------------------------
def sidebar_profile() -> Profile | None:
    """Profile widgets; returns a :class:`planner.profile.Profile` or None (message shown)."""
    sb = st.sidebar
    ss = st.session_state
    sb.header("About you")
    sb.number_input("Age (years)", min_value=1, max_value=120, step=1, key="p_age",
                    help="Whole years, 1 to 120.")
    sb.radio("Sex", ["female", "male"], format_func=str.capitalize, key="p_sex",
             horizontal=True)
    sb.selectbox("Diet", list(DIET_ORDER), format_func=DIET_LABELS.get, key="p_diet")
    can_be_pregnant = ss["p_sex"] == "female" and 10 <= int(ss["p_age"]) <= 60
    if can_be_pregnant:
        c1, c2 = sb.columns(2)
        c1.checkbox("Pregnant", key="p_pregnant")
        c2.checkbox("Breastfeeding", key="p_lactating")
    sb.multiselect("Medicines and health conditions", list(CONDITION_LABELS),
                   format_func=CONDITION_LABELS.get, key="p_conditions",
                   placeholder="None", help="They change how much B12 you absorb.")
    acid = {"ppi", "h2_blocker"} & set(ss["p_conditions"])
    if acid:
        sb.number_input("Years you have taken the acid reducer", min_value=0.0,
                        max_value=100.0, step=0.5, key="p_acid_years",
                        placeholder="Not sure", format="%g",
                        help="From 2 years on, the risk of low B12 is higher (Lam 2013, "
                             "JAMA): worth a blood test.")
    sb.checkbox("I have numbness, tingling, balance or memory problems", key="p_neuro")
    sb.selectbox("Recommendation to compare with", list(AUTHORITIES),
                 format_func=lambda a: AUTHORITY_NAMES.get(a, a), key="p_authority",
                 help="Whose recommended intake is your target. US NASEM (IOM) is the "
                      "default; the results also show every authority side by side.")
    with sb.expander("Your body's B12 store"):
        st.number_input(
            "Years on a diet without a reliable B12 source", min_value=0.0, max_value=100.0,
            step=0.5, key="p_years_no_b12", format="%g",
            help="Years without fortified foods, supplements or (for vegans) animal foods "
                 "before now. Used to estimate your store.")
        estimate = initial_store_estimate(
            ss["p_diet"], min(max(float(ss["p_years_no_b12"] or 0.0), 0.0), 100.0),
            tuple(ss["p_conditions"]),
            bool(ss["p_pregnant"]) and can_be_pregnant)
        st.checkbox("Set the starting store myself", key="p_store_manual")
        if not ss["p_store_manual"]:
            ss["p_store"] = round(float(estimate["store_ug"]), -1)
        st.number_input(
            "B12 stored in your body at the start (µg)", min_value=0.0, max_value=50_000.0,
            step=100.0, key="p_store", disabled=not ss["p_store_manual"],
            help="Estimated from your answers; tick the box above to type your own. Used "
                 "only for the body-store outlook.")
        if not ss["p_store_manual"]:
            st.caption(f"Estimate: {estimate['basis']}.")
    sb.divider()
    sb.caption(NOT_MEDICAL_ADVICE)
    try:
        return Profile(
            age=int(ss["p_age"]), sex=ss["p_sex"], diet=ss["p_diet"],
            pregnant=bool(ss["p_pregnant"]) and can_be_pregnant,
            lactating=bool(ss["p_lactating"]) and can_be_pregnant,
            conditions=tuple(ss["p_conditions"]), authority=ss["p_authority"],
            acid_reducer_years=ss["p_acid_years"] if acid else None,
        )
    except InputError as exc:
        sb.error(f"Please check your profile: {exc}")
        return None


# ---------------------------------------------------------------------------------------
# Start: example, empty or uploaded plan
# ---------------------------------------------------------------------------------------
def _load_start() -> None:
    """Callback of "Load": the chosen example (and its person) or an empty plan."""
    ss = st.session_state
    choice = ss["start_choice"]
    foods = get_foods()
    if choice == "empty":
        set_plan(empty_plan(), foods, "Empty plan", replace=True, name="An empty plan",
                 where="start")
        notify("info", "Started an empty plan: add foods below (section 4).", "start")
        return
    example = EXAMPLES[choice]
    try:
        plan = load_example(choice, foods)
    except (InputError, DataFileError) as exc:
        notify("error", f"Could not load {example.title}: {exc}", "start")
        return
    if set_plan(plan, foods, example.title, replace=True, name=example.title, where="start"):
        if ss.get("match_profile"):
            for field, value in example.profile.items():
                ss[f"p_{field}"] = value
            ss["p_pregnant"] = ss["p_lactating"] = False
            ss["p_conditions"] = []
        notify("success", f"Loaded the {example.title.lower()}: {example.description}",
               "start")


def _undo() -> None:
    ss = st.session_state
    if ss["plan_undo"] is None:
        return
    name, plan = ss["plan_undo"]
    ss["plan_undo"] = (ss["plan_name"], ss["plan"]) if len(ss["plan"]) else None
    ss["plan"], ss["plan_name"] = plan, name
    ss["editor_version"] += 1
    persist_plan(plan, "start")
    notify("info", f"Restored the previous plan ({name}).", "start")


def handle_upload(foods: FoodTable) -> None:
    """Read a newly uploaded CSV (once per file); errors stay visible while it is there."""
    ss = st.session_state
    uploaded = ss.get("uploader")
    if uploaded is None:
        ss.pop("upload_error", None)
        return
    file_id = getattr(uploaded, "file_id", None) or f"{uploaded.name}|{uploaded.size}"
    if ss.get("upload_done") == file_id:
        return
    ss["upload_done"] = file_id
    ss.pop("upload_error", None)
    try:
        uploaded.seek(0)
        plan = plan_from_csv(uploaded, foods)
    except InputError as exc:
        ss["upload_error"] = str(exc)
        return
    except (TypeError, ValueError, OSError) as exc:  # not a CSV at all
        ss["upload_error"] = f"{uploaded.name} could not be read as a plan ({exc})."
        return
    if len(plan) == 0:
        ss["upload_error"] = f"{uploaded.name} has no rows."
        return
    if set_plan(plan, foods, f"Imported {uploaded.name}", replace=True,
                name=f"Imported from {uploaded.name}", where="start"):
        notify("success", f"Imported {len(plan)} rows from {uploaded.name}.", "start")


@guarded("Start")
def start_panel(foods: FoodTable) -> None:
    ss = st.session_state
    st.subheader("1 · Start with a week of meals")
    left, right = st.columns([3, 2], gap="large")
    with left:
        options = [*EXAMPLES, "empty"]
        st.selectbox(
            "Start from", options, key="start_choice",
            format_func=lambda k: (
                "An empty plan" if k == "empty" else f"Example: {EXAMPLES[k].title}"),
        )
        choice = ss["start_choice"]
        with st.container():  # keeps "Load" in place whatever the choice shows here
            if choice == "empty":
                st.caption("No rows: add foods in section 4, or import a CSV.")
            else:
                ex = EXAMPLES[choice]
                st.caption(f"{ex.description} Written for {ex.person}.")
                st.checkbox("Also set my profile to this person", key="match_profile")
        b1, b2 = st.columns([1, 1])
        b1.button("Load", type="primary", on_click=_load_start, key="load_start",
                  width="stretch")
        if ss["plan_undo"] is not None:
            b2.button(f"Undo: back to “{as_text(ss['plan_undo'][0])}”", on_click=_undo,
                      key="undo",
                      width="stretch")
        if len(ss["plan"]):
            st.caption(f"Current plan: **{as_text(ss['plan_name'])}**, {len(ss['plan'])} rows. "
                       "Loading replaces it (Undo brings it back).")
    with right:
        st.file_uploader(
            "…or import a plan (CSV)", type=["csv"], key="uploader",
            max_upload_size=MAX_CSV_BYTES // (1024 * 1024),
            help=f"A plan downloaded from this app, or any CSV with the columns day, meal, "
                 f"food_id and grams (dose_ug for supplements). At most "
                 f"{MAX_CSV_BYTES // (1024 * 1024)} MB.",
        )
        handle_upload(foods)
        if ss.get("upload_error"):
            st.error("Import failed, your plan is unchanged.\n\n"
                     + as_text(ss["upload_error"]))
    show_notices("start")


# ---------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------
def evaluate_plan(plan: pd.DataFrame, profile: Profile | None,
                  foods: FoodTable) -> Evaluation | None:
    """The plan's evaluation, or None (with a message) when it cannot be evaluated."""
    if profile is None or len(plan) == 0:
        return None
    try:
        return evaluate(plan, profile, foods, days=evaluation_days(plan))
    except InputError as exc:
        st.error(f"The plan cannot be evaluated: {as_text(exc)}")
        return None


def fmt_ug(x: float | None, digits: int = 1) -> str:
    """µg with a fixed number of decimals; "unknown" for NaN/None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "unknown"
    return f"{x:.{digits}f} µg"


def verdict(summary: dict[str, Any]) -> Verdict:
    """The evaluation's verdict (the library's vocabulary)."""
    return Verdict(summary["verdict"])


def verdict_box(summary: dict[str, Any]) -> None:
    """The verdict in a box coloured by its tone: green only for an ok verdict."""
    v = verdict(summary)
    absorbed, days = summary["absorbed_ug_per_day"], summary["days"]
    req = summary["requirement_absorbed_ug"]
    lines = {
        Verdict.MEETS_GOAL: f"Over these {days} days you absorb about {absorbed:.2f} µg a "
                            f"day, at or above the goal of {summary['target_absorbed_ug']:.2f} µg.",
        Verdict.ADEQUATE: f"You absorb about {absorbed:.2f} µg a day: above the average "
                          f"requirement ({req or 0:.2f} µg) but below the goal "
                          f"({summary['target_absorbed_ug']:.2f} µg). See the suggestions below.",
        Verdict.BELOW_REQUIREMENT: f"You absorb about {absorbed:.2f} µg a day, below the "
                                   f"average requirement of {req or 0:.2f} µg. See the "
                                   "suggestions below.",
        Verdict.BELOW_AI: f"You absorb about {absorbed:.2f} µg a day, below the "
                          f"{summary['target_absorbed_ug']:.2f} µg that the adequate intake "
                          "corresponds to.",
        Verdict.NEEDS_CLINICIAN: (summary.get("clinician") or {}).get("message", ""),
    }[v]
    text = f"**{v.label}.** {lines}  \n{v.explanation}"
    if v.tone == "success":
        st.success(text)
    elif v.tone == "warning":
        st.warning(text)
    elif v is Verdict.NEEDS_CLINICIAN:
        st.error(text, icon=":material/stethoscope:")
    else:
        st.error(text)


def span_section(plan: pd.DataFrame, summary: dict[str, Any]) -> None:
    """What the plan is averaged over, its empty days, and the box to average over more."""
    ss = st.session_state
    n = plan_span(plan["day"])[2]
    days, first, last = summary["days"], summary["first_day"], summary["last_day"]
    how = ("first to last day of your plan" if days == n else
           f"you chose {days} days; the plan runs over {n}")
    text = f"Averaged over **{days} day(s)**, day {first} to day {last} ({how})."
    empty = summary.get("empty_days") or []
    if empty:
        text += (f" Day(s) {', '.join(map(str, empty))} have no entries and count as days "
                 "without B12 (right for a weekly supplement; otherwise add those meals).")
    st.caption(text)
    ss["span_days_input"] = days
    st.number_input("Days to average over", min_value=n, max_value=MAX_DAY, step=1,
                    key="span_days_input", on_change=_set_span,
                    help="Normally the plan's first to last day. Raise it when the plan lists "
                         "only part of a longer period (e.g. one weekly supplement row: 7).")


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------
@guarded("Results")
def results(plan: pd.DataFrame, evaluation: Evaluation | None,
            profile: Profile | None) -> None:
    st.subheader("2 · Your B12 at a glance")
    if st.session_state.get("p_neuro"):
        st.error(
            "**Numbness, tingling, balance or memory problems can be signs of B12 "
            "deficiency.** See a doctor soon and ask for a B12 test (serum B12 with MMA or "
            "homocysteine). Do not wait to see whether a diet change helps: nerve damage can "
            "become permanent."
        )
    if profile is None:
        st.info("Fix your profile in the sidebar to see results.")
        return
    if len(plan) == 0:
        st.info("Your plan is empty. Load an example above, import a CSV, or add foods "
                "and supplements below (section 4).")
        return
    if evaluation is None:
        return
    s = evaluation.summary
    rec = evaluation.recommendation
    v = verdict(s)
    c1, c2, c3, c4 = st.columns(4)
    at_least = "at least " if s.get("n_unknown") else ""
    c1.metric("B12 eaten per day", at_least + fmt_ug(s["intake_ug_per_day"]),
              delta=f"{s['intake_ug_per_day'] - s['target_intake_ug']:+.1f} µg vs target",
              help="Average over the plan's days. Unknown and unreliable sources count 0.")
    c2.metric("B12 absorbed per day", fmt_ug(s["absorbed_ug_per_day"], 2),
              delta=f"{s['absorbed_ug_per_day'] - s['target_absorbed_ug']:+.2f} µg vs goal",
              help="Model estimate: absorption saturates at 1.5–2 µg per meal and depends on "
                   "your conditions. Goal = recommended intake × 50 % (the IOM's "
                   "assumption).")
    c3.metric(f"Your target ({rec.kind})", f"{rec.value_ug:g} µg eaten",
              delta=f"≈ {s['target_absorbed_ug']:.2f} µg absorbed", delta_color="off",
              delta_arrow="off",
              help=f"{rec.authority_name}, {rec.life_stage}. Source: {rec.source}")
    c4.metric("Status", v.label,
              delta=f"{s['absorbed_pct_of_target']:.0f} % of goal absorbed",
              delta_color=TONE_COLOURS[v.tone], delta_arrow="off", help=v.explanation)
    verdict_box(s)
    span_section(plan, s)
    st.caption(
        f"Compared with **{rec.authority_name}**: {rec.kind} {rec.value_ug:g} µg/day for "
        f"{rec.life_stage} ({rec.status}; source {rec.source})."
        + (" **Caution:** this child band is **unconfirmed** in primary sources: treat it as "
           "approximate." if rec.status == "unconfirmed" else "")
    )
    show_flags(s.get("flags", []))
    charts_section(plan, evaluation)
    with st.expander("Every authority side by side"):
        authorities_table(profile, rec.authority)
    stores_section(evaluation, profile)


def show_flags(flags: list[dict[str, str]]) -> None:
    """Flags in plain words, most serious first, each with its sources."""
    order = {"urgent": 0, "warning": 1, "info": 2}
    for f in sorted(flags, key=lambda f: order.get(f.get("severity", "info"), 3)):
        # Messages quote food descriptions (e.g. "not in your diet"): plain text.
        text = (f"{as_text(f.get('message', ''))}  \n"
                f"*Sources: {as_text(f.get('source') or '—')}*")
        sev = f.get("severity", "info")
        if sev == "urgent":
            st.error(text, icon=":material/stethoscope:")
        elif sev == "warning":
            st.warning(text)
        else:
            st.info(text)


def charts_section(plan: pd.DataFrame, evaluation: Evaluation) -> None:
    s = evaluation.summary
    left, right = st.columns([3, 2], gap="large")
    with left:
        measure = st.radio("Show per day", ["ingested_ug", "absorbed_ug"], horizontal=True,
                           key="chart_measure",
                           format_func={"ingested_ug": "B12 eaten",
                                        "absorbed_ug": "B12 absorbed (estimate)"}.get)
        frame = meal_frame(plan, evaluation.items)
        target = s["target_intake_ug"] if measure == "ingested_ug" else s["target_absorbed_ug"]
        label = f"Target {target:.2g} µg" if measure == "ingested_ug" else f"Goal {target:.2g} µg"
        st.altair_chart(day_chart(frame, measure, target, label, days=s["days"]),
                        width="stretch")
        unknown = int(frame["unknown_items"].sum())
        note = "Meals are stacked in the order you eat them."
        if unknown:
            note += f" {unknown} food(s) have **unknown** B12 and are not in the bars."
        if measure == "ingested_ug" and s.get("supplement_ug_per_day", 0) > 10 * target:
            note += (" Supplement doses tower over food, but only a small share of a large "
                     "dose is absorbed: choose **B12 absorbed** to compare with your goal.")
        st.caption(note)
    with right:
        st.markdown("**Fortified and supplements vs. naturally in food**")
        st.altair_chart(split_chart(split_frame(plan, evaluation.items)),
                        width="stretch")
        fort = s["fortified_ug_per_day"]
        total = s["intake_ug_per_day"]
        share = f"{fort / total:.0%}" if total > 0 else "—"
        st.caption(f"Per day: {fort:.2f} µg from fortified foods and supplements ({share}), "
                   f"{s['food_bound_ug_per_day']:.2f} µg naturally in food. Crystalline B12 "
                   "(fortified, supplements) is absorbed even with low stomach acid.")


def authorities_table(profile: Profile, in_force: str) -> None:
    table = compare_authorities(profile)
    show = pd.DataFrame({
        "In use": ["yes" if a == in_force else "" for a in table["authority"]],
        "Authority": table["authority_name"],
        "Life stage": table["life_stage"],
        "Kind": table["kind"],
        "Intake µg/day": [fmt_ug(x) for x in table["value_ug"]],
        "Absorbed goal µg/day": [fmt_ug(x, 2) for x in table["target_absorbed_ug"]],
        "Status": table["status"],
        "Source": table["source"],
        "Note": table["note"],
    })
    st.dataframe(show, hide_index=True, width="stretch")
    st.caption("Absorbed goals are model-derived (intake × 50 %, the IOM's assumption); no "
               "authority publishes them. “unconfirmed”: commonly cited, not found in a "
               "primary source.")


def _years(days: float | None, never: str) -> str:
    if days is None:
        return never
    if days == 0:
        return "already"
    years = days / 365.25
    return f"in {years:.1f} years" if years >= 1 else f"in {days / 30.4:.0f} months"


def stores_section(evaluation: Evaluation, profile: Profile) -> None:
    st.markdown("**Your body's B12 store over the next years**")
    s = evaluation.summary
    start = float(st.session_state["p_store"])
    absorbed = float(s["absorbed_ug_per_day"])
    days = int(PROJECTION_YEARS * 365.25)
    try:
        projection = project_stores(absorbed, days, initial_store_ug=start,
                                    conditions=profile.conditions)
        outlook = store_outlook(absorbed, start, conditions=profile.conditions)
    except InputError as exc:
        st.error(f"No projection: {exc}")
        return
    left, right = st.columns([3, 1], gap="large")
    with left:
        frame = store_frame(projection)
        frame = frame[frame["day"] % 7 == 0].reset_index(drop=True)  # weekly points suffice
        st.altair_chart(store_chart(frame, DEPLETION_THRESHOLD_UG),
                        width="stretch")
    with right:
        st.metric("Where the store settles", f"{outlook.steady_state_ug:,.0f} µg",
                  delta=outlook.steady_zone, delta_arrow="off",
                  delta_color={"replete": "green", "low": "orange",
                               "depleted": "red"}[outlook.steady_zone])
        st.metric("Leaves the replete zone",
                  _years(outlook.leaves_replete_days, "never")
                  if outlook.start_zone == "replete" else f"starts {outlook.start_zone}")
        st.metric("Depleted (below 300 µg)", _years(outlook.depleted_days, "never"))
        st.caption(outlook.message + " Replete: at least 1,000 µg, what the requirement "
                   "maintains; depleted: below 300 µg, the lowest level consistent with "
                   "health (IOM). Start: change it in the sidebar (Your body's B12 store).")


# ---------------------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------------------
MAX_CARDS = 4


def _apply_rows(rows: list[dict[str, Any]], title: str) -> None:
    if append_rows(rows, get_foods(), f"Add {title}", where="suggestions"):
        notify("success", f"Added {title} ({len(rows)} row(s)). The results are updated.",
               "suggestions")


@st.cache_resource(max_entries=16, show_spinner="Finding suggestions…")
def _suggest(stamp: str, plan: pd.DataFrame, profile_key: str, days: int | None,
             _profile: Profile, _foods: FoodTable) -> Suggestion:
    """The suggestions for a plan (cached: the search takes ~0.1 s)."""
    return suggest(plan, _profile, _foods, days=days)


def option_cards(options: pd.DataFrame) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(title, detail, plan rows) per option of :meth:`Suggestion.food_options` or
    :meth:`Suggestion.supplement_options` (one option = one group of rows)."""
    out = []
    for _, group in options.groupby("option", sort=False):
        first = group.iloc[0]
        out.append((str(first["title"]), str(first["detail"]),
                    group[list(PLAN_COLUMNS)].to_dict("records")))
    return out


def _additions_words(additions: pd.DataFrame, n_days: int) -> list[str]:
    """ "1 cup Soy milk at lunch, every day" for each food of the least-change plan."""
    words = []
    for (desc, portion, meal), group in additions.groupby(
            ["description", "portion", "meal"], sort=False, dropna=False):
        days = group["day"].nunique()
        when = "every day" if days >= n_days else f"on {days} day(s)"
        amount = portion if isinstance(portion, str) and portion else (
            f"{group['grams'].iloc[0]:g} g")
        words.append(f"{amount} {desc} at {meal}, {when}")
    return words


def _cards(heading: str, kind: str, items: list[tuple[str, str, list[dict[str, Any]]]]) -> None:
    st.markdown(f"**{heading}**")
    if not items:
        st.caption("None for this plan.")
    for i, (title, detail, rows) in enumerate(items[:MAX_CARDS]):
        with st.container(border=True):
            st.markdown(as_text(title))
            st.caption(as_text(detail))
            st.button("Add to my plan", key=f"sugg_{kind}_{i}", on_click=_apply_rows,
                      args=(rows, title))


@guarded("Suggestions")
def suggestions_panel(plan: pd.DataFrame, profile: Profile | None, foods: FoodTable) -> None:
    st.subheader("3 · Suggestions")
    show_notices("suggestions")
    if profile is None:
        return
    if len(plan) == 0:
        st.caption("Suggestions appear once your plan has some meals.")
        return
    span = evaluation_days(plan)
    n_days = span or plan_span(plan["day"])[2]
    try:
        result = _suggest(user_foods_stamp(), plan, repr(profile), span, profile, foods)
    except InputError as exc:
        st.error(f"No suggestions: {as_text(exc)}")
        return
    if result.messages:
        head, rest = result.messages[0], result.messages[1:]
        head = as_text(head)  # messages name foods, saved ones too
        if result.urgent or result.status == "needs_clinician":
            st.error(head, icon=":material/stethoscope:")
        elif result.status == "meets_goal":
            st.success(head + " The options below would add a margin.")
        else:
            st.info(head)
        if rest:
            with st.expander("Why these suggestions (details)"):
                for m in rest:
                    st.markdown(f"- {as_text(m)}")
    c1, c2, c3 = st.columns(3, gap="medium")
    with c1:
        st.markdown("**The least change**")
        words = _additions_words(result.additions, n_days)
        if words:
            with st.container(border=True):
                st.markdown(as_text("Add " + "; ".join(words) + "."))
                if result.after is not None:
                    st.caption(f"You would absorb about "
                               f"{result.after.summary['absorbed_ug_per_day']:.1f} µg a day.")
                st.button("Add to my plan", key="sugg_plan", type="primary",
                          on_click=_apply_rows,
                          args=(result.additions.to_dict("records"), "the least-change plan"))
        elif result.status == "meets_goal":
            st.caption("Nothing needed: your plan meets the goal.")
        else:
            st.caption("No food change within reach meets the goal: see the supplements.")
    with c2:
        _cards("Fortified and B12-rich foods", "food", option_cards(result.food_options()))
    with c3:
        _cards("Supplement regimens", "supplement",
               option_cards(result.supplement_options()))
        sup = result.supplements
        for r in sup.loc[sup["route"] != "oral"].itertuples(index=False):
            st.caption(f"Or {r.dose_ug:g} µg {r.label}: not added to a plan. {r.note}")


# ---------------------------------------------------------------------------------------
# Plan editor
# ---------------------------------------------------------------------------------------
def _editor_view(plan: pd.DataFrame, evaluation: Evaluation | None) -> pd.DataFrame:
    """What the editor shows: the plan columns plus B12 per row (text: "unknown")."""
    view = plan.copy()
    if evaluation is not None and len(evaluation.items) == len(plan):
        items = evaluation.items
        b12 = []
        for listed, unknown, unreliable, ingested in zip(
                items["b12_listed_ug"], items["unknown"], items["unreliable"],
                items["ingested_ug"], strict=True):
            if unknown:
                b12.append("unknown")
            elif unreliable:
                b12.append(f"{listed:.2f} (not counted)")
            else:
                b12.append(f"{ingested:.2f}")
        view["b12"] = pd.Series(b12, dtype="str")
    else:
        view["b12"] = pd.Series([""] * len(plan), dtype="str")
    return view


def apply_editor_changes(foods: FoodTable) -> None:
    """Apply the editor's pending edits, additions and deletions to the plan.

    Runs before anything is drawn, so the results reflect the edit. A bad edit leaves the
    plan as it was (the message says why).
    """
    ss = st.session_state
    state = ss.get(editor_key())
    if not isinstance(state, dict):
        return
    edited = state.get("edited_rows") or {}
    added = state.get("added_rows") or []
    deleted = state.get("deleted_rows") or []
    if not (edited or added or deleted):
        return
    plan = ss["plan"]
    df = plan.astype(object).copy()
    n = len(df)
    for idx, changes in edited.items():
        try:
            i = int(idx)
        except (TypeError, ValueError):
            continue
        if not 0 <= i < n:
            continue
        for col, value in (changes or {}).items():
            if col not in PLAN_COLUMNS or col == "description":
                continue
            df.at[i, col] = value
        if "grams" in changes and "portion" not in changes:
            df.at[i, "portion"] = ""  # the household measure no longer matches
        if "food_id" in changes:
            df.at[i, "description"] = ""  # filled in again from the table
    keep = [i for i in range(n) if i not in {int(d) for d in deleted if str(d).isdigit()}]
    df = df.iloc[keep]
    new_rows = []
    for row in added:
        if not isinstance(row, dict):
            continue
        new_rows.append({c: row.get(c) for c in PLAN_COLUMNS})
    if new_rows:
        df = pd.concat([df, pd.DataFrame(new_rows).astype(object)], ignore_index=True)
    if set_plan(df, foods, "Your edit"):
        parts = []
        if edited:
            parts.append(f"{len(edited)} row(s) changed")
        if deleted:
            parts.append(f"{len(deleted)} removed")
        if added:
            parts.append(f"{len(added)} added")
        notify("success", "Plan updated: " + ", ".join(parts) + ".")
    else:
        ss["editor_version"] += 1  # discard the bad edit in the editor too


@guarded("Your meal plan")
def plan_editor(plan: pd.DataFrame, evaluation: Evaluation | None, foods: FoodTable) -> None:
    st.subheader("4 · Your meal plan")
    span = plan_span(plan["day"])[2] if len(plan) else 0
    st.caption(f"**{as_text(st.session_state['plan_name'])}**: {len(plan)} rows over "
               f"{span} day(s). Change amounts, days, meals or times in the table; "
               "to remove rows, tick them on the left and press the bin icon above the table. "
               "Add foods and supplements with the forms below the table.")
    with st.container(horizontal=True):
        download_section(plan, evaluation)
        saved_plans_section(plan)
    show_notices("plan")
    view = _editor_view(plan, evaluation)
    has_supplements = bool(plan["food_id"].str.startswith(SUPPLEMENT_PREFIX).any())
    st.data_editor(
        view,
        key=editor_key(),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * max(len(view), 3)),
        column_order=["day", "meal", "time", "description", "portion", "grams", "b12",
                      *(["dose_ug"] if has_supplements else []), "food_id"],
        disabled=["description", "b12"],
        column_config={
            "day": st.column_config.NumberColumn("Day", min_value=1, max_value=MAX_DAY,
                                                 step=1, required=True, width=60),
            "meal": st.column_config.TextColumn("Meal", required=True, max_chars=40,
                                                width=90),
            "time": st.column_config.TextColumn("Time", max_chars=5, width=60,
                                                help="HH:MM, 24 h; blank = usual time"),
            "description": st.column_config.TextColumn("Food", width=330),
            "portion": st.column_config.TextColumn("Portion", max_chars=80, width=130),
            "grams": st.column_config.NumberColumn("Grams", min_value=0.0, width=70,
                                                   max_value=MAX_GRAMS, format="%.0f"),
            "dose_ug": st.column_config.NumberColumn("Dose µg", min_value=0.0, width=80,
                                                     max_value=MAX_DOSE_UG, format="%g",
                                                     help="Supplements only"),
            "b12": st.column_config.TextColumn("B12 µg", width=120,
                                               help="B12 eaten in this row; “unknown”: "
                                                    "USDA gives no value; “not counted”: "
                                                    "not a reliable source."),
            "food_id": st.column_config.TextColumn("Food id", max_chars=80, width=120),
        },
    )
    # A radio, not st.tabs: tabs forget the open tab when a widget inside reruns the app.
    mode = st.radio("Add to the plan", list(ADD_MODES), format_func=ADD_MODES.get,
                    key="add_mode", horizontal=True)
    {"food": lambda: add_food_form(plan, foods), "supplement": lambda: supplement_form(plan),
     "label": custom_food_form, "fdc": fdc_panel}[mode]()


def _food_label(row: pd.Series) -> str:
    b12 = row["b12_ug"]
    amount = "B12 unknown" if pd.isna(b12) else f"{b12:.2g} µg B12 per 100 g"
    extra = ""
    if not bool(row.get("b12_reliable", True)):
        extra = " · not a reliable source"
    elif not pd.isna(row.get("b12_fortified_ug")) and row.get("b12_fortified_ug", 0) > 0:
        extra = " · fortified"
    return f"{row['description']} ({amount}{extra})"


def portion_words(label: str, count: float) -> str:
    """ "1 cup" × 2 -> "2 cup"; "1 large" × 0.5 -> "0.5 large"; other labels "3 × label"."""
    if count == 1:
        return label
    if label.startswith("1 "):
        return f"{count:g} {label[2:]}"
    return f"{count:g} × {label}"


def _target_days(choice: list[Any], n_days: int) -> list[int]:
    if EVERY_DAY in choice:
        return list(range(1, n_days + 1))
    return sorted({int(d) for d in choice})


def _add_food() -> None:
    """Callback of "Add to plan" (reads the form's widgets from session state)."""
    ss = st.session_state
    foods = get_foods()
    food_id = ss.get("food_choice")
    if not food_id or food_id not in foods:
        notify("warning", "Choose a food from the list first.")
        return
    portion = ss.get(f"food_portion_{food_id}", "grams")
    if portion == "grams":
        grams = float(ss.get("food_grams", 100.0))
        label = ""
    else:
        count = float(ss.get("food_count", 1.0))
        table = foods.portions(food_id)
        match = table[table["label"] == portion]
        if not len(match):
            notify("error", f"Portion {portion!r} not found for this food; choose another.")
            return
        grams = round(float(match["grams"].iloc[0]) * count, 1)
        label = portion_words(portion, count)
    days = _target_days(ss.get("food_days") or [], plan_days(ss["plan"]))
    if not days:
        notify("warning", "Choose at least one day.")
        return
    meal = ss.get("food_meal", "breakfast")
    desc = str(foods.df.at[food_id, "description"])
    rows = [{"day": d, "meal": meal, "food_id": food_id, "description": desc,
             "portion": label, "grams": grams} for d in days]
    if append_rows(rows, foods, f"Add {desc}"):
        where = "every day" if len(days) > 1 and len(days) == plan_days(ss["plan"]) else (
            "day " + ", ".join(map(str, days)))
        notify("success", f"Added {desc} ({label or f'{grams:g} g'}) at {meal}, {where}.")


def _switch_to(mode: str, query: str) -> None:
    """Callback: open "Food from a label" (name filled in) or FoodData Central search."""
    ss = st.session_state
    ss["add_mode"] = mode
    ss["lbl_name" if mode == "label" else "fdc_query"] = query[:80]


def _offer_other_sources(query: str) -> None:
    c1, c2 = st.columns(2)
    c1.button("Add it from its label", key="food_to_label", on_click=_switch_to,
              args=("label", query), help="Type in the Nutrition Facts label; the name is "
                                          "filled in.")
    c2.button("Look it up in FoodData Central", key="food_to_fdc", on_click=_switch_to,
              args=("fdc", query))


def add_food_form(plan: pd.DataFrame, foods: FoodTable) -> None:
    ss = st.session_state
    c1, c2 = st.columns([3, 2])
    c1.text_input("Type a food", key="food_query", max_chars=80,
                  placeholder="e.g. soy milk, egg, salmon, cereal")
    c2.checkbox(f"Only foods for my diet ({ss['p_diet']})", key="food_diet_only")
    query = str(ss.get("food_query") or "")
    if not query.strip():
        st.caption("Search the USDA table (14,000+ foods, typos are fine).")
        return
    diet = ss["p_diet"] if ss.get("food_diet_only", True) else None
    try:
        hits = _search(user_foods_stamp(), query, diet, foods)
    except InputError as exc:
        st.error(as_text(exc))
        return
    if hits.empty:
        st.warning(f"No food matches “{as_text(query[:80])}”"
                   + (f" for a {diet} diet; untick the diet filter or " if diet else "; ")
                   + "try another word.")
        _offer_other_sources(query)
        return
    if not hits.attrs.get("good_match", True):
        st.info(f"Nothing in the USDA table matches “{query[:80]}” well; the closest foods "
                "are below.")
        _offer_other_sources(query)
    labels = {fid: _food_label(r) for fid, r in zip(hits["food_id"], hits.to_dict("records"),
                                                   strict=True)}
    if ss.get("food_choice") not in labels:
        ss["food_choice"] = next(iter(labels))
    st.selectbox("Matching foods", list(labels), format_func=labels.get, key="food_choice")
    food_id = ss["food_choice"]
    portions = foods.portions(food_id)
    options = [*portions["label"].tolist(), "grams"]
    grams_of = dict(zip(portions["label"], portions["grams"], strict=False))
    p1, p2, p3, p4 = st.columns([3, 2, 2, 2])
    portion = p1.selectbox("Portion", options, key=f"food_portion_{food_id}",
                           format_func=lambda o: "grams" if o == "grams"
                           else f"{o} ({grams_of[o]:g} g)")
    if portion == "grams":
        grams = p2.number_input("Grams", min_value=1.0, max_value=MAX_GRAMS, value=100.0,
                                step=10.0, key="food_grams", format="%g")
    else:
        count = p2.number_input("How many", min_value=0.25, max_value=20.0, value=1.0,
                                step=0.5, key="food_count", format="%g")
        grams = count * float(grams_of[portion])
    n_days = plan_days(plan)
    p3.multiselect("Day(s)", [EVERY_DAY, *range(1, n_days + 1)], default=[1], key="food_days")
    p4.selectbox("Meal", MEALS, key="food_meal", format_func=str.capitalize)
    food = foods.df.loc[food_id]
    if pd.isna(food["b12_ug"]):
        amount = "B12 unknown (USDA gives no value)"
    else:
        amount = f"{food['b12_ug'] * grams / 100:.2f} µg B12"
        if not bool(food["b12_reliable"]):
            amount += ", not counted: " + (str(food["b12_note"]) or "not a reliable source")
    st.caption(as_text(f"{grams:g} g = {amount}."))  # the note may come from a saved food
    st.button("Add to plan", type="primary", on_click=_add_food, key="add_food")


def supplement_rows(form: str, dose: float, frequency: str, meal: str,
                    n_days: int) -> list[dict[str, Any]]:
    """Plan rows for a supplement regimen over days 1..n_days.

    Daily: every day; twice weekly: the 1st and 4th day of each week; weekly: the 1st.
    """
    week_days = {"daily": range(7), "twice weekly": (0, 3), "weekly": (0,)}[frequency]
    days = [d for d in range(1, n_days + 1) if (d - 1) % 7 in week_days]
    fid = f"{SUPPLEMENT_PREFIX}{form}"
    return [{"day": d, "meal": meal, "food_id": fid, "description": f"B12 supplement ({form})",
             "dose_ug": float(dose)} for d in days]


def _add_supplement() -> None:
    ss = st.session_state
    rows = supplement_rows(ss.get("sup_form", SUPPLEMENT_FORMS[0]),
                           float(ss.get("sup_dose", 250.0)), ss.get("sup_freq", "daily"),
                           ss.get("sup_meal", "breakfast"), plan_days(ss["plan"]))
    title = f"{ss.get('sup_dose', 250.0):g} µg {ss.get('sup_form')} {ss.get('sup_freq')}"
    if append_rows(rows, get_foods(), f"Add supplement {title}"):
        msg = f"Added a supplement: {title} ({len(rows)} doses)."
        plan = ss["plan"]
        n = plan_span(plan["day"])[2]
        want = plan_days(plan)
        if ss.get("sup_freq", "daily") != "daily" and want > n:
            # a weekly regimen is averaged over whole weeks: said here, editable above
            ss["span_override"] = (n, want)
            msg += f" The plan is now averaged over {want} days (change it in section 2)."
        notify("success", msg)


def supplement_form(plan: pd.DataFrame) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.number_input("Dose per tablet or drop (µg)", min_value=1.0, max_value=MAX_DOSE_UG,
                    value=250.0, step=25.0, key="sup_dose", format="%g",
                    help="Read it on the label (µg = mcg).")
    c2.selectbox("How often", list(FREQUENCIES), format_func=FREQUENCIES.get, key="sup_freq")
    c3.selectbox("With", MEALS, format_func=str.capitalize, key="sup_meal")
    c4.selectbox("Form", SUPPLEMENT_FORMS, key="sup_form",
                 help="All forms work the same once absorbed (cyanocobalamin is the "
                      "best studied).")
    st.button("Add supplement", type="primary", on_click=_add_supplement, key="add_sup")
    st.caption("Common regimens: 10 µg or more every day, or 2000 µg once a week (The Vegan "
               "Society). With pernicious anaemia or after surgery, follow your doctor's "
               "regimen.")


# ---------------------------------------------------------------------------------------
# Custom food from a label
# ---------------------------------------------------------------------------------------
def _save_label_food() -> None:
    ss = st.session_state
    mode = ss.get("lbl_mode", "ug")
    try:
        row = label_food(
            name=str(ss.get("lbl_name", "")),
            serving_g=float(ss.get("lbl_serving", 0.0)),
            b12_per_serving_ug=float(ss.get("lbl_ug", 0.0)) if mode == "ug" else None,
            percent_dv=float(ss.get("lbl_pct", 0.0)) if mode == "pct" else None,
            dv_basis_ug=float(ss.get("lbl_dv", 2.4)),
            fortified=bool(ss.get("lbl_fortified", True)),
            diet=str(ss.get("lbl_diet", "vegan")),
            brand=str(ss.get("lbl_brand", "")),
        )
        food_id = save_user_food(row, [("1 serving", float(ss["lbl_serving"]))])
    except InputError as exc:
        ss["lbl_error"] = str(exc)
        return
    except OSError as exc:
        ss["lbl_error"] = f"Could not save the food ({exc})."
        return
    ss.pop("lbl_error", None)
    ss["add_mode"] = "food"
    ss["food_query"] = row["description"]
    ss["food_choice"] = food_id
    ss["food_diet_only"] = False
    per = row["b12_ug"] * float(ss["lbl_serving"]) / 100
    notify("success", f"Saved “{row['description']}” ({per:.2f} µg B12 per serving). It is "
                      "selected below: choose the day and meal and press “Add to plan”.")


def custom_food_form() -> None:
    ss = st.session_state
    st.caption("A product that is not in the table? Type in its Nutrition Facts label. "
               "The food is saved on this computer and can be searched like any other.")
    c1, c2 = st.columns(2)
    c1.text_input("Product name", key="lbl_name", max_chars=120,
                  placeholder="e.g. Oat drink, barista")
    c2.text_input("Brand (optional)", key="lbl_brand", max_chars=80)
    c3, c4 = st.columns(2)
    c3.number_input("Serving size (g; for drinks, ml)", min_value=0.1, max_value=MAX_GRAMS,
                    value=240.0, step=10.0, key="lbl_serving", format="%g")
    mode = c4.radio("The label gives B12 as", ["ug", "pct"], horizontal=True, key="lbl_mode",
                    format_func={"ug": "µg (mcg) per serving", "pct": "% Daily Value"}.get)
    c5, c6 = st.columns(2)
    if mode == "ug":
        c5.number_input("Vitamin B12 per serving (µg)", min_value=0.0, max_value=MAX_DOSE_UG,
                        value=1.0, step=0.1, key="lbl_ug", format="%g")
    else:
        pct = c5.number_input("Vitamin B12 (% DV per serving)", min_value=0.0,
                              max_value=100_000.0, value=25.0, step=5.0, key="lbl_pct",
                              format="%g")
        dv = c6.radio("Which Daily Value did the label use?", list(DV_CHOICES),
                      format_func=DV_CHOICES.get, key="lbl_dv",
                      help="Same %DV, different µg: 25 % is 0.6 µg on new labels, 1.5 µg on "
                           "old ones. New-format labels show “Includes Added Sugars”.")
        c5.caption(f"{pct:g} % of {dv:g} µg = {pct / 100 * dv:.2f} µg per serving.")
    c7, c8 = st.columns(2)
    c7.checkbox("Fortified (B12 or cyanocobalamin in the ingredients)", value=True,
                key="lbl_fortified")
    c8.selectbox("Suitable for", list(DIET_ORDER), format_func=DIET_LABELS.get, key="lbl_diet")
    st.button("Save this food", type="primary", on_click=_save_label_food, key="lbl_save")
    if ss.get("lbl_error"):
        st.error(f"Not saved: {as_text(ss['lbl_error'])}")


# ---------------------------------------------------------------------------------------
# FoodData Central
# ---------------------------------------------------------------------------------------
def fdc_api_key() -> str | None:
    """The FDC key from the environment or the app's secrets (the library reads neither)."""
    return resolve_fdc_api_key(environ=os.environ, secrets=st.secrets)


def fdc_client() -> FdcClient | None:
    """An FDC client when a key is configured, else None."""
    key = fdc_api_key()
    if not key:
        return None
    return FdcClient(key, resolve_fdc_base_url(os.environ), retries=1, timeout=(3.05, 15.0),
                     deadline=30.0)


def _fdc_search() -> None:
    ss = st.session_state
    query = str(ss.get("fdc_query") or "").strip()
    ss.pop("fdc_error", None)
    ss.pop("fdc_result", None)
    if not query:
        ss["fdc_error"] = "Type a food name to search for."
        return
    client = fdc_client()
    if client is None:
        ss["fdc_error"] = "No FoodData Central API key is configured."
        return
    try:
        with client:
            ss["fdc_result"] = client.search(query, page_size=25)
    except (InputError, FdcError) as exc:
        ss["fdc_error"] = str(exc)


def _fdc_save() -> None:
    ss = st.session_state
    result = ss.get("fdc_result")
    food_id = ss.get("fdc_choice")
    if result is None or not food_id:
        return
    foods_df = result.foods
    match = foods_df[foods_df["food_id"] == food_id]
    if not len(match):
        return
    row = match.iloc[0].to_dict()
    try:
        save_user_food(row, result.portions)
    except (InputError, OSError) as exc:
        ss["fdc_error"] = f"Could not save the food: {exc}"
        return
    ss["add_mode"] = "food"
    ss["food_query"] = str(row["description"])
    ss["food_choice"] = food_id
    ss["food_diet_only"] = False
    notify("success", f"Saved “{row['description']}” from FoodData Central. It is selected "
                      "below: choose the day and meal and press “Add to plan”.")


def fdc_panel() -> None:
    ss = st.session_state
    if not fdc_api_key():
        st.info(
            "Search all of USDA FoodData Central (including branded products) with a free "
            f"API key: sign up at {FDC_KEY_SIGNUP_URL} (it arrives by e-mail in minutes), "
            "then start the app with the environment variable `FDC_API_KEY=<your key>`, or "
            "put `FDC_API_KEY = \"<your key>\"` in `.streamlit/secrets.toml` (never commit "
            "that file)."
        )
        return
    c1, c2 = st.columns([4, 1])
    c1.text_input("Search FoodData Central", key="fdc_query", max_chars=80,
                  placeholder="e.g. nutritional yeast, fortified oat drink")
    c2.button("Search", key="fdc_go", on_click=_fdc_search, width="stretch")
    if ss.get("fdc_error"):
        st.error(as_text(ss["fdc_error"]))
    result = ss.get("fdc_result")
    if result is None:
        return
    if not len(result.foods):
        st.warning("FoodData Central found nothing; try other words.")
        return
    rows = result.foods.to_dict("records")
    labels = {r["food_id"]: _food_label(pd.Series(r))
              + (f" · {r['manufacturer']}" if r.get("manufacturer") else "") for r in rows}
    if ss.get("fdc_choice") not in labels:
        ss["fdc_choice"] = next(iter(labels))
    st.selectbox(f"{result.total_hits:,} results (first {len(rows)} shown)", list(labels),
                 format_func=labels.get, key="fdc_choice")
    st.button("Save to my foods", key="fdc_save", on_click=_fdc_save, type="primary")


# ---------------------------------------------------------------------------------------
# Download and saved plans
# ---------------------------------------------------------------------------------------
@guarded("Download")
def download_section(plan: pd.DataFrame, evaluation: Evaluation | None) -> None:
    if len(plan) == 0:
        return
    st.download_button("Download the plan (CSV)", icon=":material/download:",
                       data=(evaluation_csv(plan, evaluation) if evaluation is not None
                             else plan_to_csv(plan)).encode("utf-8"),
                       file_name="b12-plan.csv", mime="text/csv", key="download",
                       on_click="ignore",  # a download changes nothing: no rerun
                       help="Opens in any spreadsheet; import it here again later. Includes "
                            "B12 eaten, fortified and absorbed per row, and the verdict.")


def _save_as() -> None:
    """Callback of "Save": saves under a new name; an existing plan of that name is not
    replaced before the person confirms it ("Replace it" below the question)."""
    ss = st.session_state
    plan = ss["plan"]
    ss.pop("replace_pending", None)
    if not len(plan):
        notify("warning", "Your plan is empty: nothing to save yet.")
        return
    try:
        name = plan_name(ss.get("save_name") or "")
        if name == CURRENT:
            raise InputError(f"“{CURRENT}” is the name of the plan being edited (saved "
                             "automatically); choose another name.")
        save_plan(plan, name, replace=False)
    except PlanExistsError:
        ss["replace_pending"] = name  # ask first (the question is in the popover)
        return
    except InputError as exc:
        notify("error", f"Not saved: {exc}")
        return
    except OSError as exc:
        notify("error", f"Not saved: the file could not be written ({exc}).")
        return
    ss["open_choice"] = name
    notify("success", f"Saved your plan as “{name}”.")


def _replace_saved() -> None:
    """Callback of "Replace it": the person confirmed replacing the saved plan."""
    ss = st.session_state
    name = ss.pop("replace_pending", None)
    if not name or not len(ss["plan"]):
        return
    try:
        save_plan(ss["plan"], name, replace=True)
    except (InputError, OSError) as exc:
        notify("error", f"Not saved: {exc}")
        return
    ss["open_choice"] = name
    notify("success", f"Saved your plan as “{name}” (replacing the earlier one).")


def _keep_saved() -> None:
    st.session_state.pop("replace_pending", None)


def _open_saved() -> None:
    ss = st.session_state
    name = ss.get("open_choice")
    if not name:
        return
    foods = get_foods()
    try:
        plan = load_saved_plan(name, foods)
    except (InputError, OSError) as exc:  # a damaged file is moved aside by the library
        notify("error", f"Could not open “{name}”: {exc}")
        return
    if plan is None:
        notify("error", f"The saved plan “{name}” is gone (deleted elsewhere?).")
        return
    if set_plan(plan, foods, f"Open “{name}”", replace=True, name=f"Saved plan “{name}”"):
        notify("success", f"Opened the saved plan “{name}” ({len(plan)} rows). Undo (at the "
                          "top, section 1) brings back the plan you had.")


def _delete_saved() -> None:
    ss = st.session_state
    name = ss.get("open_choice")
    if not name:
        return
    try:
        delete_saved_plan(name)
    except (InputError, OSError) as exc:
        notify("error", f"Could not delete “{name}”: {exc}")
        return
    ss.pop("open_choice", None)
    ss["confirm_delete"] = False
    notify("info", f"Deleted the saved plan “{name}”.")


@guarded("Saved plans")
def saved_plans_section(plan: pd.DataFrame) -> None:
    """"Save as…" and "Open a saved plan" (files in the user data folder)."""
    ss = st.session_state
    # Keyed popovers stay open when the app reruns from a widget inside them.
    with st.popover("Save as…", icon=":material/save:", key="save_popover"):
        st.text_input("Name for this plan", key="save_name", max_chars=60,
                      placeholder="e.g. My usual week")
        st.button("Save", key="save_as", on_click=_save_as, type="primary",
                  disabled=not len(plan))
        pending = ss.get("replace_pending")
        if pending:
            st.warning(f"A saved plan named “{as_text(pending)}” exists already. Replace it "
                       "with your current plan?")
            r1, r2 = st.columns(2)
            r1.button("Replace it", key="replace_saved", on_click=_replace_saved,
                      width="stretch")
            r2.button("Keep it", key="keep_saved", on_click=_keep_saved, type="primary",
                      width="stretch")
        st.caption("Saved on this computer. Your current plan is also saved automatically "
                   "and comes back when you reopen the app.")
    names = [n for n in list_saved_plans() if n != CURRENT]
    with st.popover("Open a saved plan", icon=":material/folder_open:", key="open_popover"):
        if not names:
            st.caption("No saved plans yet: use “Save as…”.")
            return
        if ss.get("open_choice") not in names:
            ss["open_choice"] = names[0]
        st.selectbox("Saved plans (newest first)", names, key="open_choice")
        b1, b2 = st.columns(2)
        b1.button("Open this plan", key="open_saved", on_click=_open_saved, type="primary",
                  width="stretch")
        b2.button("Delete this plan", key="delete_saved", on_click=_delete_saved, width="stretch",
                  icon=":material/delete:", disabled=not ss.get("confirm_delete"))
        st.checkbox("Yes, delete it (cannot be undone)", key="confirm_delete")
        st.caption(f"Opening replaces your plan (Undo brings it back). Folder: {plans_dir()}")


# ---------------------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------------------
def main() -> None:
    st.set_page_config(page_title="B12 Planner", page_icon="🧪", layout="wide")
    init_state()
    st.title("B12 Planner")
    st.caption("Does your diet give you enough vitamin B12, eaten and absorbed? Tell us about "
               "you (left), start from an example week or your own, and see what to add. "
               "Food data: USDA SR Legacy and FNDDS 2021–2023.")
    try:
        foods = get_foods()
    except DataFileError as exc:
        st.error(f"The food table could not be loaded: {as_text(exc)}")
        st.stop()
        return
    # One container per section: a message shown once in one section does not shift
    # the sections below it (which would close their open expanders and popovers).
    with st.container():
        for msg in user_food_messages():
            st.warning(as_text(msg))
    restore_plan(foods)
    profile = sidebar_profile()
    persist_profile(profile)
    apply_editor_changes(foods)
    with st.container():
        start_panel(foods)
    plan = st.session_state["plan"]
    with st.container():
        evaluation = evaluate_plan(plan, profile, foods)
        results(plan, evaluation, profile)
    with st.container():
        suggestions_panel(plan, profile, foods)
    plan_editor(plan, evaluation, foods)


main()
