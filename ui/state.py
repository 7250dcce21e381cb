"""Session state: every key the app reads, the Profile ⇄ widgets mapping, the plan store
(validated changes, undo, persistence), cached per-person results, and notices.

The plan is one validated DataFrame in ``st.session_state[PLAN]``. Every change goes
through :func:`planner.validate_plan` in :func:`set_plan` before it replaces the old plan;
on an :class:`planner.InputError` the message is shown and the old plan is kept. Buttons
change the plan in callbacks (which run before the script), so the results drawn above the
editor are always those of the current plan.

After every change the plan is saved (name :data:`planner.CURRENT_PLAN`, an atomic write),
and a new session starts from it, so a restart or a crash loses nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import pandas as pd
import streamlit as st

import planner
from ui.text import as_text

# -- keys ------------------------------------------------------------------------------------
PLAN = "plan"                      # the validated plan (DataFrame)
PLAN_NAME = "plan_name"            # what the plan is, in a person's words
PLAN_EDITED = "plan_edited"        # changed since it was loaded, opened or imported
PLAN_UNDO = "plan_undo"            # (name, plan) that "Undo" brings back, or None
PLAN_VERSION = "editor_version"    # +1 on every change; also names the editor's key
DRAWN_VERSION = "drawn_version"    # the plan version the whole page was last drawn with
PAGE_RERUN = "page_rerun"          # a fragment's callback asks for the whole page
NOTICES = "notices"                # [(kind, text, where)] shown once on the next run
SPAN_OVERRIDE = "span_override"    # (plan span, days) the person chose to average over
SPAN_INPUT = "span_days_input"
PLAN_UNSAVED = "plan_unsaved"      # the section to warn in if saving the changed plan fails
SAVE_FAILED = "save_failed"
SAVED_PROFILE = "saved_profile"
PROFILE_SAVE_FAILED = "profile_save_failed"
START_CHOICE = "start_choice"
MATCH_PROFILE = "match_profile"
ADD_MODE = "add_mode"
EDITOR_PREFIX = "plan_editor"

# -- Profile ⇄ widgets ---------------------------------------------------------------------------
#: Profile field -> widget key (one mapping, both ways).
PROFILE_WIDGETS = {
    "age": "p_age",
    "sex": "p_sex",
    "diet": "p_diet",
    "pregnant": "p_pregnant",
    "lactating": "p_lactating",
    "conditions": "p_conditions",
    "authority": "p_authority",
    "acid_reducer_years": "p_acid_years",
    "symptoms": "p_symptoms",
    "risk_factors": "p_risk_factors",
}
#: The risk-factor question's answer "none of these" (an option of its multiselect):
#: the question is answered (``Profile.risk_factors == ()``), unlike no answer (None).
RISK_NONE = "none_of_these"
LAB_RESULTS = "lab_results"        # dated blood-test results (list of dicts), saved
LAB_SAVE_FAILED = "lab_save_failed"
YEARS_NO_B12 = "p_years_no_b12"
STORE_MANUAL = "p_store_manual"
STORE = "p_store"

DEFAULT_STORE_UG = planner.DEFAULT_INITIAL_STORE_UG

PROFILE_DEFAULTS: dict[str, Any] = {
    "p_age": 35,
    "p_sex": "female",
    "p_diet": "omnivore",
    "p_pregnant": False,
    "p_lactating": False,
    "p_conditions": [],
    "p_symptoms": [],
    "p_risk_factors": [],
    "p_authority": "NASEM",
    "p_acid_years": None,
    YEARS_NO_B12: 0.0,
    STORE_MANUAL: False,
    STORE: DEFAULT_STORE_UG,
}


def init_state() -> None:
    """Defaults for every key the app reads (widgets get their value from here)."""
    ss = st.session_state
    for key, value in PROFILE_DEFAULTS.items():
        ss.setdefault(key, value)
    ss.setdefault(PLAN_UNDO, None)
    ss.setdefault(PLAN_VERSION, 0)
    ss.setdefault(PLAN_EDITED, False)
    ss.setdefault(NOTICES, [])
    ss.setdefault(START_CHOICE, next(iter(planner.EXAMPLES)))
    # Loading an example changes the profile only when the person ticks this (issue 14).
    ss.setdefault(MATCH_PROFILE, False)
    ss.setdefault("food_diet_only", True)
    ss.setdefault(ADD_MODE, "food")


def can_be_pregnant() -> bool:
    """Whether the pregnancy and breastfeeding boxes apply to the sex and age chosen."""
    ss = st.session_state
    return planner.can_be_pregnant(ss["p_sex"], ss["p_age"])


def profile_fields() -> dict[str, Any]:
    """The profile as the widgets hold it (field -> value)."""
    ss = st.session_state
    fields = {f: ss.get(k) for f, k in PROFILE_WIDGETS.items()}
    fields["conditions"] = list(fields["conditions"] or [])
    fields["symptoms"] = list(fields["symptoms"] or [])
    fields["risk_factors"] = risk_factors_answer(fields["risk_factors"])
    return fields


def risk_factors_answer(chosen: object) -> tuple[str, ...] | None:
    """The risk-factor widget's value as ``Profile.risk_factors``: nothing chosen = not
    asked (None); "none of these" alone = asked, none (``()``); else the keys chosen."""
    keys = [k for k in list(chosen or []) if k != RISK_NONE]
    if keys:
        return tuple(keys)
    return () if RISK_NONE in list(chosen or []) else None


def risk_factors_widget(answer: tuple[str, ...] | None) -> list[str]:
    """``Profile.risk_factors`` as the risk-factor widget's value (inverse of
    :func:`risk_factors_answer`)."""
    if answer is None:
        return []
    return list(answer) or [RISK_NONE]


def risk_factor_options() -> list[str]:
    """The risk-factor question's options: "none of these", then the vocabulary without
    the conditions (asked in "Medicines and health conditions"; chosen there, they count)."""
    vocab = planner.load_risk_factors()
    return [RISK_NONE] + [k for k in vocab["key"] if k not in planner.CONDITIONS]


def tidy_risk_factors() -> None:
    """Callback of the risk-factor question: "none of these" and a risk factor exclude each
    other; the one chosen last stays."""
    ss = st.session_state
    key = PROFILE_WIDGETS["risk_factors"]
    chosen = list(ss.get(key) or [])
    if RISK_NONE in chosen and len(chosen) > 1:
        ss[key] = [RISK_NONE] if chosen[-1] == RISK_NONE else [
            k for k in chosen if k != RISK_NONE]


def set_profile_fields(fields: dict[str, Any]) -> None:
    """Set the widgets from profile fields (only those given)."""
    ss = st.session_state
    for field, value in fields.items():
        if field == "risk_factors":
            value = risk_factors_widget(value)
        elif field in ("conditions", "symptoms"):
            value = list(value)
        ss[PROFILE_WIDGETS[field]] = value


def profile_from_widgets() -> planner.Profile:
    """The :class:`planner.Profile` the widgets describe (raises :class:`planner.InputError`
    naming the field)."""
    ss = st.session_state
    f = profile_fields()
    pregnant_ok = can_be_pregnant()
    acid = bool(planner.ACID_REDUCERS & set(f["conditions"]))
    return planner.Profile(
        age=int(f["age"]), sex=f["sex"], diet=f["diet"],
        pregnant=bool(f["pregnant"]) and pregnant_ok,
        lactating=bool(f["lactating"]) and pregnant_ok,
        conditions=tuple(f["conditions"]), authority=f["authority"],
        acid_reducer_years=ss["p_acid_years"] if acid else None,
        symptoms=tuple(f["symptoms"]), risk_factors=f["risk_factors"],
    )


def read_profile() -> tuple[planner.Profile | None, str | None]:
    """The profile the widgets hold (read before they are drawn: the page draws the
    results first), or None and what is wrong with it."""
    try:
        return profile_from_widgets(), None
    except planner.InputError as exc:
        return None, str(exc)


def store_estimate() -> dict[str, Any]:
    """The body's starting store estimated from the answers (``store_ug``, ``basis``);
    unless the person set the store, it becomes the store (:data:`STORE`)."""
    ss = st.session_state
    estimate = planner.initial_store_estimate(
        ss["p_diet"], min(max(float(ss[YEARS_NO_B12] or 0.0), 0.0), 100.0),
        tuple(ss["p_conditions"]), bool(ss["p_pregnant"]) and can_be_pregnant())
    if not ss[STORE_MANUAL]:
        ss[STORE] = round(float(estimate["store_ug"]), -1)
    return estimate


def widgets_from_profile(profile: planner.Profile, store_ug: float) -> None:
    """Set the widgets to a saved profile and body store."""
    set_profile_fields({
        "age": min(max(round(profile.age or 1), 1), 120), "sex": profile.sex,
        "diet": profile.diet, "pregnant": profile.pregnant, "lactating": profile.lactating,
        "conditions": list(profile.conditions), "authority": profile.authority,
        "acid_reducer_years": profile.acid_reducer_years,
        "symptoms": list(profile.symptoms), "risk_factors": profile.risk_factors,
    })
    ss = st.session_state
    ss[STORE] = min(store_ug, 50_000.0)
    # a saved start other than the usual 2,500 µg was typed in: keep it editable
    ss[STORE_MANUAL] = abs(store_ug - DEFAULT_STORE_UG) > 0.5


# -- cached data and per-person results -------------------------------------------------------
def user_foods_stamp() -> str:
    """Changes whenever the saved-foods file changes (so cached results are rebuilt)."""
    path = planner.user_foods_path()
    try:
        stat = path.stat()
    except OSError:
        return "none"  # no saved foods: the shipped table, wherever the user dir is
    return f"{path}|{stat.st_mtime_ns}|{stat.st_size}"


@st.cache_resource(show_spinner="Loading the USDA food table…", max_entries=4)
def _food_table(stamp: str) -> planner.FoodTable:
    # The same table for everyone (read-only): a shared resource is right here. The
    # library's table is the shipped one; the user's saved foods are handed over here.
    table = planner.load_foods(user_foods=planner.read_user_foods())
    table.search("milk")  # build the search index once, not on the first keystroke
    return table


def get_foods() -> planner.FoodTable:
    """The food table with the user's saved foods (cached per saved-foods version)."""
    return _food_table(user_foods_stamp())


@st.cache_data(max_entries=256, show_spinner=False)
def search_foods(stamp: str, text: str, diet: str | None,
                 _foods: planner.FoodTable) -> pd.DataFrame:
    """Food search hits (cached per saved-foods version, text and diet)."""
    return _foods.search(text, diet=diet, limit=25)


@st.cache_data(max_entries=64, show_spinner=False)
def _evaluate(stamp: str, plan: pd.DataFrame, profile_key: str, days: int | None,
              _profile: planner.Profile, _foods: planner.FoodTable) -> planner.Evaluation:
    return planner.evaluate(plan, _profile, _foods, days=days)


@st.cache_data(max_entries=32, show_spinner="Finding suggestions…")
def _suggest(stamp: str, plan: pd.DataFrame, profile_key: str, days: int | None,
             labs_key: str, _profile: planner.Profile, _foods: planner.FoodTable,
             _labs: planner.LabInterpretation | None) -> planner.Suggestion:
    return planner.suggest(plan, _profile, _foods, labs=_labs, days=days)


def evaluation_of(plan: pd.DataFrame, profile: planner.Profile,
                  foods: planner.FoodTable) -> planner.Evaluation:
    """The plan's evaluation for this person (per-person cache: a copy per session)."""
    return _evaluate(user_foods_stamp(), plan, repr(profile), evaluation_days(plan),
                     profile, foods)


def suggestions_for(plan: pd.DataFrame, profile: planner.Profile,
                    foods: planner.FoodTable) -> planner.Suggestion:
    """The suggestions for this plan and person (the search takes ~0.5 s: cached). When the
    latest blood results say deficiency is likely, they are handed over, so the suggestions
    give the treatment information first (issue 15)."""
    labs = treatment_labs(profile)
    return _suggest(user_foods_stamp(), plan, repr(profile), evaluation_days(plan),
                    labs_key(profile) if labs is not None else "", profile, foods, labs)


# -- blood-test results ---------------------------------------------------------------------
def lab_results() -> list[dict[str, Any]]:
    """The dated blood-test results (oldest first), read from the user folder once per
    session; a damaged file was moved aside by the library and is said once."""
    ss = st.session_state
    if LAB_RESULTS not in ss:
        try:
            ss[LAB_RESULTS] = list(planner.load_lab_results() or [])
        except (planner.InputError, OSError) as exc:
            ss[LAB_RESULTS] = []
            notify("warning", f"{exc}\n\nStarting with no saved blood results.", "labs")
    return ss[LAB_RESULTS]


def set_lab_results(results: list[dict[str, Any]]) -> None:
    """Check, save (atomically, in the user folder) and keep the results; raises
    :class:`planner.InputError` naming the entry and field when one is bad (nothing is
    changed then). A failed write keeps them in this session and says so."""
    clean = planner.normalise_lab_results(results)
    st.session_state[LAB_RESULTS] = clean
    try:
        planner.save_lab_results(clean)
    except OSError as exc:
        notify("warning", f"Your blood results could not be saved on this computer ({exc}); "
                          "they are kept while this page is open.", "labs")
        st.session_state[LAB_SAVE_FAILED] = True
        return
    st.session_state[LAB_SAVE_FAILED] = False


def latest_lab_results() -> list[dict[str, Any]]:
    """The results of the latest test date (one blood test), in the saved order."""
    results = lab_results()
    if not results:
        return []
    last = max(str(r["date"]) for r in results)
    return [r for r in results if str(r["date"]) == last]


def labs_key(profile: planner.Profile) -> str:
    """What the latest interpretation depends on (cache key)."""
    return repr((latest_lab_results(), repr(profile)))


@st.cache_data(max_entries=64, show_spinner=False)
def _interpret(key: str, values: tuple[tuple[str, float, str], ...],
               _profile: planner.Profile) -> planner.LabInterpretation:
    return planner.interpret_labs(**{m: (v, u) for m, v, u in values}, profile=_profile)


def latest_labs(profile: planner.Profile | None) -> planner.LabInterpretation | None:
    """:func:`planner.interpret_labs` of the latest test date's results for this person,
    or None when there are none (raises :class:`planner.InputError` on a bad value)."""
    latest = latest_lab_results()
    if not latest or profile is None:
        return None
    values = tuple((str(r["marker"]), float(r["value"]), str(r["unit"])) for r in latest)
    return _interpret(labs_key(profile), values, profile)


def treatment_labs(profile: planner.Profile) -> planner.LabInterpretation | None:
    """The latest interpretation when it says deficiency is likely (handed to
    :func:`planner.suggest`), else None."""
    try:
        labs = latest_labs(profile)
    except planner.InputError:
        return None
    return labs if labs is not None and labs.category == "deficiency_likely" else None


@st.cache_data(max_entries=16, show_spinner="Writing the PDF report…")
def _report_pdf(key: str, _kwargs: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    planner.write_report(out, **_kwargs)
    return out.getvalue()


#: The inputs of the report the person asked for (a PDF takes about a second to write, so
#: it is written when asked for, not on every rerun after an edit).
REPORT_ASKED = "report_asked_for"


def _report_inputs(plan: pd.DataFrame, evaluation: planner.Evaluation,
                   profile: planner.Profile, foods: planner.FoodTable
                   ) -> tuple[str, dict[str, Any]]:
    try:
        labs = latest_labs(profile)
    except planner.InputError:
        labs = None
    start = float(st.session_state[STORE])
    today = dt.date.today()
    key = repr((user_foods_stamp(), plan.to_csv(index=False), repr(profile),
                evaluation_days(plan), labs_key(profile), start, plan_words(), today))
    return key, {"evaluation": evaluation, "profile": profile, "labs": labs,
                 "symptoms": profile.symptoms, "plan_name": plan_words(), "created": today,
                 "start": start}


def report_key(plan: pd.DataFrame, evaluation: planner.Evaluation, profile: planner.Profile,
               foods: planner.FoodTable) -> str:
    """What the report would be written from (changes with any edit)."""
    return _report_inputs(plan, evaluation, profile, foods)[0]


def report_pdf(plan: pd.DataFrame, evaluation: planner.Evaluation, profile: planner.Profile,
               foods: planner.FoodTable) -> bytes:
    """The PDF report of the current evaluation, profile, latest labs, symptoms,
    suggestions and store outlook (the arguments the CLI ``report`` passes, plus this
    person's store); cached per inputs, so a rerun does not rebuild it."""
    key, kw = _report_inputs(plan, evaluation, profile, foods)
    start = kw.pop("start")
    absorbed = float(evaluation.summary["absorbed_ug_per_day"])
    if planner.store_outlook_applies(profile.age):  # else the report says why there is none
        kw["stores"] = planner.project_stores(
            absorbed, int(planner.OUTLOOK_YEARS * planner.DAYS_PER_YEAR),
            initial_store_ug=start, conditions=profile.conditions)
    kw["suggestions"] = suggestions_for(plan, profile, foods)
    return _report_pdf(key, kw)


# -- FoodData Central ----------------------------------------------------------------------------
class _Secrets:
    """``st.secrets`` as a plain ``.get`` (no secrets file: nothing)."""

    def get(self, name: str, default: object = None) -> object:
        return _secret(name) or default


def _secret(name: str) -> str | None:
    try:
        value = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets file: StreamlitSecretNotFoundError
        return None
    return str(value) if value else None


def fdc_api_key() -> str | None:
    """The FoodData Central key: ``$FDC_API_KEY``, else ``FDC_API_KEY`` in st.secrets."""
    return planner.resolve_fdc_api_key(environ=os.environ, secrets=_Secrets())


def fdc_client() -> planner.FdcClient | None:
    """An FDC client handed its key and base URL, or None when no key is configured."""
    key = fdc_api_key()
    if not key:
        return None
    base = planner.resolve_fdc_base_url(
        {planner.FDC_BASE_URL_ENV: _secret(planner.FDC_BASE_URL_ENV) or ""} | dict(os.environ))
    return planner.FdcClient(api_key=key, base_url=base, retries=1, timeout=(3.05, 15.0),
                             deadline=30.0)


# -- notices -------------------------------------------------------------------------------------
def notify(kind: str, text: str, where: str = "plan") -> None:
    """Show ``text`` once on the next run, in section ``where`` ("start", "suggestions",
    "plan", "add"); kind is success, info, warning or error."""
    st.session_state[NOTICES].append((kind, text, where))


def show_notices(where: str) -> None:
    keep = []
    for kind, text, place in st.session_state[NOTICES]:
        if place != where:
            keep.append((kind, text, place))
            continue
        # Notices quote names and files: plain text. Shown in the section where the person
        # acted; no toast: Streamlit's toast is an alert dialog without an accessible name
        # (axe-core: aria-dialog-name, serious).
        getattr(st, kind)(as_text(text))
    st.session_state[NOTICES] = keep


# -- profile persistence -----------------------------------------------------------------------
def restore_profile() -> None:
    """On a new session, set the profile widgets to the profile saved by the last one."""
    try:
        saved = planner.load_profile()
    except (planner.InputError, OSError) as exc:  # the library moved a damaged file aside
        notify("warning", f"{exc}\n\nStarting with the default profile.", "start")
        return
    if saved is None:
        return
    profile, store = saved
    widgets_from_profile(profile, store)
    st.session_state[SAVED_PROFILE] = (profile, store)


def persist_profile(profile: planner.Profile | None) -> None:
    """Keep the profile for the next session (only when it changed; a failure is shown
    once and changes nothing else)."""
    ss = st.session_state
    if profile is None:
        return
    current = (profile, float(ss[STORE]))
    if ss.get(SAVED_PROFILE) == current:
        return
    try:
        planner.save_profile(*current)
    except (OSError, planner.InputError) as exc:
        if not ss.get(PROFILE_SAVE_FAILED):
            st.sidebar.warning(f"Your profile could not be saved on this computer "
                               f"({as_text(exc)}); it is kept while this page is open.")
        ss[PROFILE_SAVE_FAILED] = True
        return
    ss[SAVED_PROFILE], ss[PROFILE_SAVE_FAILED] = current, False


# -- the plan store ------------------------------------------------------------------------------
def editor_key() -> str:
    """Key of the plan editor; a new key after each applied change resets its delta."""
    return f"{EDITOR_PREFIX}_{st.session_state[PLAN_VERSION]}"


def current_plan() -> pd.DataFrame:
    return st.session_state[PLAN]


def plan_words() -> str:
    """Which plan this is, as a person says it: "the vegan week example, with your
    changes"."""
    ss = st.session_state
    name = str(ss[PLAN_NAME])
    return name + (", with your changes" if ss.get(PLAN_EDITED) and len(ss[PLAN]) else "")


def restore_plan(foods: planner.FoodTable) -> None:
    """On a new session, start from the plan (and profile) saved by the last one."""
    ss = st.session_state
    if PLAN in ss:
        return
    restore_profile()
    ss[PLAN], ss[PLAN_NAME] = planner.empty_plan(), "An empty plan"
    try:
        saved = planner.load_saved_plan(planner.CURRENT_PLAN, foods)
    except (planner.InputError, OSError) as exc:  # the library moved a damaged file aside
        notify("warning", f"{exc}\n\nStarting with an empty plan.", "start")
        return
    if saved is not None and len(saved):
        ss[PLAN], ss[PLAN_NAME] = saved, "Your plan from last time"
        who = " and your profile (left)" if ss.get(SAVED_PROFILE) else ""
        notify("info", f"Restored your last plan ({len(saved)} entries){who}.", "start")


def persist_plan(plan: pd.DataFrame, where: str = "plan") -> None:
    """Save the plan being edited, so that it survives a restart or a crash.

    A failed write keeps the plan in this session; the warning is shown once until a
    save succeeds again.
    """
    ss = st.session_state
    try:
        if len(plan):
            planner.save_plan(plan, planner.CURRENT_PLAN)
        else:  # an empty plan is no file (the library refuses to read one back)
            planner.delete_saved_plan(planner.CURRENT_PLAN)
    except (OSError, planner.InputError) as exc:
        if not ss.get(SAVE_FAILED):
            notify("warning", f"Your plan could not be saved on this computer ({exc}). It is "
                              "kept while this page is open: download it to keep a copy.",
                   where)
        ss[SAVE_FAILED] = True
        return
    ss[SAVE_FAILED] = False


def save_changes(profile: planner.Profile | None) -> None:
    """Save the changed plan and profile, at the end of a page run.

    Saving (an atomic write flushed to disk, 20–50 ms) waits until the page has been drawn,
    so that the results after an edit are not held up by it; the run's end is never
    skipped (the app calls this in a ``finally``), so a change is on disk well under a
    second after it was made. A failed plan save is said in the section that changed the
    plan, so the page is drawn once more to show it.
    """
    ss = st.session_state
    where = ss.pop(PLAN_UNSAVED, None)
    if where is not None:
        failed_before = bool(ss.get(SAVE_FAILED))
        persist_plan(ss[PLAN], where)
        if ss.get(SAVE_FAILED) and not failed_before:
            st.rerun()  # the warning shows in its section
    persist_profile(profile)


def set_plan(new_plan: pd.DataFrame, foods: planner.FoodTable, what: str,
             replace: bool = False, name: str | None = None, where: str = "plan") -> bool:
    """Validate ``new_plan`` and make it the plan (and save it); on a problem keep the
    old plan.

    Returns True when the plan changed. ``replace`` (a whole new plan) keeps the old one
    for "Undo" and names the new one ``name``; otherwise the plan is marked as changed.
    """
    ss = st.session_state
    try:
        valid = planner.validate_plan(new_plan, foods)
    except planner.InputError as exc:
        notify("error", f"{what}: not done, your plan is unchanged.\n\n{exc}", where)
        return False
    # Rows in eating order (day, then clock time); ties keep their order.
    valid = valid.sort_values(["day", "time"], kind="stable").reset_index(drop=True)
    if replace:
        if len(ss[PLAN]):
            ss[PLAN_UNDO] = (plan_words(), ss[PLAN])
        ss[PLAN_NAME] = name or what
        ss[PLAN_EDITED] = False
    else:
        ss[PLAN_EDITED] = True
    ss[PLAN] = valid
    ss[PLAN_VERSION] += 1
    ss[PLAN_UNSAVED] = where  # saved when the page has been drawn (save_changes)
    return True


def append_rows(rows: list[dict[str, Any]], foods: planner.FoodTable, what: str,
                where: str = "plan") -> bool:
    """Add plan rows (dicts of plan columns) after validating the result."""
    if not rows:
        notify("warning", f"{what}: nothing to add.", where)
        return False
    return set_plan(planner.append_plan_rows(current_plan(), rows), foods, what, where=where)


def undo() -> None:
    """Callback of "Undo": the plan before the last load, open or import comes back."""
    ss = st.session_state
    if ss[PLAN_UNDO] is None:
        return
    name, plan = ss[PLAN_UNDO]
    ss[PLAN_UNDO] = (plan_words(), ss[PLAN]) if len(ss[PLAN]) else None
    ss[PLAN], ss[PLAN_NAME], ss[PLAN_EDITED] = plan, name, False
    ss[PLAN_VERSION] += 1
    ss[PLAN_UNSAVED] = "start"
    notify("info", f"Restored the previous plan ({name}).", "start")


def start_page_run() -> None:
    """The whole page is being drawn (not a fragment alone)."""
    st.session_state[DRAWN_VERSION] = None


def mark_drawn() -> None:
    """The whole page has been drawn with the current plan (call at its end)."""
    st.session_state[DRAWN_VERSION] = st.session_state[PLAN_VERSION]


def request_page_rerun() -> None:
    """From a callback in a fragment: redraw the whole page after it (say, to open
    another form)."""
    st.session_state[PAGE_RERUN] = True


def rerun_page_if_needed() -> None:
    """At the top of a fragment run on its own: when a callback changed the plan, left a
    notice (shown outside the fragment) or asked for it, redraw the whole page (results,
    suggestions, editor) rather than the fragment alone."""
    ss = st.session_state
    drawn = ss.get(DRAWN_VERSION)
    if drawn is None:  # the whole page is being drawn anyway
        ss.pop(PAGE_RERUN, None)
        return
    if (drawn != ss[PLAN_VERSION] or ss.pop(PAGE_RERUN, False)
            or any(where == "add" for _, _, where in ss[NOTICES])):
        st.rerun(scope="app")


# -- the span the plan is averaged over ------------------------------------------------------
def evaluation_days(plan: pd.DataFrame) -> int | None:
    """Days to average over: None (the library's rule: first to last plan day) unless the
    person chose more days for this plan (the "Days to average over" box)."""
    override = st.session_state.get(SPAN_OVERRIDE)
    if not override or len(plan) == 0:
        return None
    base, days = override
    n = planner.plan_span(plan["day"])[2]
    return int(days) if base == n and days > n else None


def set_span() -> None:
    """Callback of "Days to average over"."""
    ss = st.session_state
    plan = ss[PLAN]
    if len(plan):
        ss[SPAN_OVERRIDE] = (planner.plan_span(plan["day"])[2], int(ss[SPAN_INPUT]))
