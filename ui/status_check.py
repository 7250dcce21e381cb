"""Blood test and symptoms: enter dated B12 results with their units, see each marker on
its band with the guideline named, the overall category, next steps and caveats
(:func:`planner.interpret_labs`), the results over time (:func:`planner.lab_history`),
and download the PDF report (:func:`planner.write_report`).

Entry is a form: typing a value does not rerun the page; "Save this result" does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

import planner
from ui import state
from ui.charts import show_chart
from ui.text import as_text, guarded

#: (marker, label, units offered: the first is the default, help text).
LAB_FIELDS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("total_b12", "Total (serum) B12", ("pmol/L", "pg/mL", "ng/L"),
     "The usual B12 test. Labs report it in pmol/L or in pg/mL (= ng/L)."),
    ("holotc", "Active B12 (holotranscobalamin)", ("pmol/L",), "Also called holoTC."),
    ("mma", "Methylmalonic acid (MMA)", ("µmol/L", "nmol/L"),
     "Often asked for when total B12 is borderline. 0.271 µmol/L = 271 nmol/L."),
    ("homocysteine", "Total homocysteine", ("µmol/L",),
     "Supports a B12 result; low folate or B6 and kidney disease raise it too."),
)
CATEGORY_WORDS = {
    "deficiency_likely": "Deficiency likely",
    "indeterminate": "Indeterminate (not clear either way)",
    "deficiency_unlikely": "Deficiency unlikely",
}
UNIT_WORDS = {"total_b12": "total B12", "mma": "MMA"}
FORM = "labs_form"
DELETE_CHOICE = "lab_delete_choice"


def _value_key(marker: str) -> str:
    return f"lab_{marker}"


def _unit_key(marker: str) -> str:
    return f"lab_{marker}_unit"


def _entry_words(r: dict[str, Any]) -> str:
    label = dict((m, lab) for m, lab, _, _ in LAB_FIELDS).get(str(r["marker"]), r["marker"])
    return f"{r['date']} · {label}: {float(r['value']):g} {r['unit']}"


def _save_entered() -> None:
    """Callback of "Save this result": the values typed, with their units and date, join
    the saved results (checked first; a bad value leaves everything as it was)."""
    ss = st.session_state
    when = ss.get("lab_date") or dt.date.today()
    new = [{"date": when.isoformat(), "marker": m, "value": ss[_value_key(m)],
            "unit": ss.get(_unit_key(m), units[0])}
           for m, _, units, _ in LAB_FIELDS if ss.get(_value_key(m)) is not None]
    if not new:
        state.notify("error", "Enter at least one result (a number) before saving.", "labs")
        return
    replaced = {(e["date"], e["marker"]) for e in new}
    kept = [r for r in state.lab_results() if (str(r["date"]), r["marker"]) not in replaced]
    try:
        state.set_lab_results(sorted(kept + new, key=lambda r: str(r["date"])))
    except planner.InputError as exc:
        state.notify("error", f"Not saved: {exc}", "labs")
        return
    for m, _, _, _ in LAB_FIELDS:
        ss[_value_key(m)] = None
    state.notify("success", f"Saved {len(new)} result(s) of {when.isoformat()}.", "labs")


def _delete_chosen() -> None:
    ss = st.session_state
    results = state.lab_results()
    i = ss.get(DELETE_CHOICE)
    if i is None or not 0 <= int(i) < len(results):
        return
    gone = results[int(i)]
    try:
        state.set_lab_results(results[:int(i)] + results[int(i) + 1:])
    except planner.InputError as exc:  # pragma: no cover - the rest was valid before
        state.notify("error", f"Not deleted: {exc}", "labs")
        return
    ss[DELETE_CHOICE] = None
    state.notify("info", f"Deleted {_entry_words(gone)}.", "labs")


def _entry_form() -> None:
    ss = st.session_state
    ss.setdefault("lab_date", dt.date.today())
    with st.form(FORM, border=True):
        st.markdown("**Enter a blood test** (leave empty what was not measured)")
        st.date_input("Date of the test", key="lab_date", max_value=dt.date.today(),
                      format="YYYY-MM-DD")
        for marker, label, units, help_text in LAB_FIELDS:
            if len(units) == 1:  # one unit: named in the label (no disabled box to read)
                st.number_input(f"{label}, {units[0]}", key=_value_key(marker), value=None,
                                step=None, format="%g", placeholder="Not measured",
                                help=help_text)
                continue
            c1, c2 = st.columns([2, 1])
            c1.number_input(label, key=_value_key(marker), value=None, step=None,
                            format="%g", placeholder="Not measured", help=help_text)
            c2.selectbox(f"Unit ({UNIT_WORDS[marker]})", units, key=_unit_key(marker))
        st.form_submit_button("Save this result", type="primary", on_click=_save_entered)


def _findings(labs: planner.LabInterpretation) -> None:
    """Each marker on its band, with the band's range and the guideline behind it (a list:
    it fits a phone, unlike a wide table)."""
    f = labs.findings
    for r in f.itertuples(index=False):
        st.markdown(f"- **{as_text(r.label)}** {r.value:g} {as_text(r.unit)}: "
                    f"**{as_text(r.band_label)}** (band {as_text(r.range)}; "
                    f"{as_text(r.guideline)} {as_text(r.source)})")


def _history(results: list[dict[str, Any]]) -> None:
    """Each marker over time on its own axis (default unit), with the words for screen
    readers."""
    hist = planner.lab_history(results)
    if hist["date"].nunique() < 2:
        return
    words = "; ".join(
        f"{label}: " + ", ".join(
            f"{d:%Y-%m-%d} {v:g} {u} ({band})" for d, v, u, band in zip(
                g["date"], g["value"], g["unit"], g["band_label"], strict=True))
        for label, g in hist.groupby("label", sort=False))
    st.markdown("**Your results over time**")
    show_chart("lab", hist, "Results over time, each on its own band. " + words,
               alt="Line chart of your blood results over time, each marker on its own "
                   "axis, points coloured by band; in words below.")
    st.caption("In words: " + as_text(words) + ". Each result is judged on its own band; "
               "a trend is not judged.")


def _delete_panel(results: list[dict[str, Any]]) -> None:
    with st.expander(f"Your saved results ({len(results)})"):
        for r in results:
            st.markdown("- " + as_text(_entry_words(r)))
        st.selectbox("Result to delete", list(range(len(results))), index=None,
                     key=DELETE_CHOICE, placeholder="Choose a result",
                     format_func=lambda i: _entry_words(results[i]))
        st.button("Delete this result", key="lab_delete", on_click=_delete_chosen)


@guarded("Blood test and symptoms")
def status_check(plan: pd.DataFrame, evaluation: planner.Evaluation | None,
                 profile: planner.Profile | None, foods: planner.FoodTable) -> None:
    st.subheader("Blood test and symptoms")
    st.caption("Your B12 blood results read by NICE NG239 (2024), and your symptoms (from "
               "the sidebar). The categories are the guideline's bands, for a conversation "
               "with a doctor, not a diagnosis; the laboratory's own reference range comes "
               "first.")
    results = state.lab_results()  # first: a damaged file's notice is shown just below
    state.show_notices("labs")
    if profile is not None and profile.symptoms:
        # what they mean is said once, in the verdict above; here only what was chosen
        st.markdown("**Your symptoms** (sidebar): "
                    + as_text("; ".join(profile.symptom_assessment.symptom_labels)) + ".")
    left, right = st.columns([2, 3], gap="large")
    with left:
        _entry_form()
    results = state.lab_results()  # after a save or delete in this run's callbacks
    with right:
        if not results:
            st.caption("No blood results saved yet.")
        elif profile is not None:
            try:
                labs = state.latest_labs(profile)
            except planner.InputError as exc:
                st.error(f"Your latest results cannot be read: {as_text(exc)}")
                labs = None
            if labs is not None:
                latest = state.latest_lab_results()[0]["date"]
                st.markdown(f"**Latest test ({latest}), by {labs.guideline}: "
                            f"{CATEGORY_WORDS.get(labs.category, labs.category_label)}**")
                _findings(labs)
                if labs.next_steps:
                    st.markdown("**Next steps**")
                    for s in labs.next_steps:
                        st.markdown(f"- {as_text(s)}")
                if labs.caveats:
                    st.markdown("**What can mislead these results**")
                    for c in labs.caveats:
                        st.markdown(f"- {as_text(c)}")
                if labs.category == "deficiency_likely":
                    st.info("The suggestions below start with treatment information, for "
                            "the conversation with a doctor.")
        if results:
            _history(results)
            _delete_panel(results)
    _report_button(plan, evaluation, profile, foods)


def _report_button(plan: pd.DataFrame, evaluation: planner.Evaluation | None,
                   profile: planner.Profile | None, foods: planner.FoodTable) -> None:
    if profile is None or evaluation is None:
        st.caption("The PDF report is available once your plan has some meals.")
        return
    ss = st.session_state
    key = state.report_key(plan, evaluation, profile, foods)
    if ss.get(state.REPORT_ASKED) != key:
        st.button("Prepare the report (PDF)", key="report_prepare", icon=":material/description:",
                  on_click=ss.__setitem__, args=(state.REPORT_ASKED, key),
                  help="Writes one or two pages to take to a doctor from what is on this "
                       "page now (about a second).")
        return
    try:
        pdf = state.report_pdf(plan, evaluation, profile, foods)
    except (planner.InputError, ImportError) as exc:
        st.error(f"The report could not be written: {as_text(exc)}")
        return
    st.download_button("Download report (PDF)", pdf, file_name="b12-report.pdf",
                       mime="application/pdf", key="report_pdf", icon=":material/download:",
                       help="One or two pages to take to a doctor: your plan, blood results, "
                            "symptoms and the suggestions, with the guideline behind each.")
