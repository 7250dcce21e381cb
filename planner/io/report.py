"""A PDF report to take to a clinician: the plan's B12, blood results, symptoms, sources.

:func:`write_report` writes one or two A4 pages to any binary file-like object:
the profile; the plan's eaten and absorbed B12 per day and the verdict; a per-day chart
and the body-store outlook chart; the lab findings with their bands and the guideline
behind each; symptoms, red flags and risk factors; treatment information when the
results make deficiency likely; the suggestions; the sources; the date and version; and
the not-medical-advice line. It never states a diagnosis: results are placed in the
guideline's bands for a conversation with a clinician.

Libraries (the ``report`` extra, imported only when a report is written)
    fpdf2 writes the PDF: pure Python, maintained, embeds and subsets TrueType fonts.
    matplotlib draws the charts with its Agg renderer (a PNG in memory, no browser and
    no global backend switch: a :class:`matplotlib.figure.Figure` with its own canvas).
    The PDF text uses DejaVu Sans, which matplotlib ships, so "µ", "≥" and "–" print
    without any system font.
Text from people and files
    is written as plain text (no markup is interpreted), stripped of control characters,
    cut to a fixed length, and any character the font lacks becomes "?".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import pandas as pd

from planner._files import read_text_csv
from planner._paths import data_path
from planner.errors import InputError
from planner.model.stores import (
    DAYS_PER_YEAR,
    NO_CHILD_OUTLOOK,
    OUTLOOK_YEARS,
    store_outlook_applies,
)
from planner.palette import BLUE, ORANGE, TARGET_COLOUR

REFERENCES_FILE = "references.csv"
MAX_PAGES = 2
DISCLAIMER = ("Educational estimate, not medical advice. This report does not make a "
              "diagnosis: it brings a diet estimate, blood results and symptoms together "
              "for a conversation with a doctor.")
#: Tags always listed: the food data behind every figure.
ALWAYS_SOURCES = ("[SR28]", "[FNDDS]")
_TEXT_LIMIT = 400  # longest piece of user or file text printed [characters]
_LABEL_LIMIT = 80
_FONT = "dejavu"
_RED = (176, 0, 32)
_GREY = (90, 90, 90)


# -- references -----------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _load_references(path: str) -> dict[str, tuple[str, str]]:
    df = read_text_csv(path, ("tag", "citation", "url"))
    return {str(t).strip(): (str(c).strip(), str(u).strip())
            for t, c, u in zip(df["tag"], df["citation"], df["url"], strict=True)}


def load_references(path: str | Path | None = None) -> dict[str, tuple[str, str]]:
    """Source tag (``"IOM"``) → (citation, address), from ``data/references.csv``."""
    return dict(_load_references(str(path or data_path(REFERENCES_FILE))))


def source_tags(*texts: object) -> list[str]:
    """Base tags in order of first use: ``"[IOM p.306] [EFSA-15]"`` → ``["IOM", "EFSA-15"]``."""
    out: dict[str, None] = {}
    for t in texts:
        if t is None:
            continue
        items = [t] if isinstance(t, str) else list(t) if isinstance(t, Iterable) else [t]
        for item in items:
            for tag in re.findall(r"\[([^\[\]]+)\]", str(item)):
                out[re.sub(r"\s+p\.\s*\S.*$|\s+App\..*$", "", tag).strip()] = None
    return list(out)


# -- text safety ------------------------------------------------------------------------------
def _clean(text: object, limit: int = _TEXT_LIMIT, cmap: Any = None) -> str:
    """Plain, printable text: control characters removed, cut to ``limit``, glyphs the
    font lacks replaced with "?"."""
    s = "" if text is None else str(text)
    s = "".join(" " if ch in "\t\r\n" else ch for ch in s
                if ch in "\t\r\n" or unicodedata.category(ch)[0] != "C")
    s = re.sub(r" {2,}", " ", s).strip()
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    if cmap is not None:
        s = "".join(ch if ord(ch) in cmap or ch == " " else "?" for ch in s)
    return s


def _num(x: object, fmt: str = ".2f") -> str:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    return "—" if math.isnan(v) else format(v, fmt)


# -- charts -------------------------------------------------------------------------------------
def _png(fig: Any) -> io.BytesIO:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, metadata={"Software": None})
    buf.seek(0)
    return buf


def day_chart_png(days: pd.DataFrame, goal_absorbed_ug: float | None = None,
                  size: tuple[float, float] = (3.6, 2.3)) -> io.BytesIO:
    """Bars of B12 eaten and absorbed per day, with the absorbed goal line (a PNG)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    d = days if days is not None else pd.DataFrame(columns=["day", "ingested_ug",
                                                            "absorbed_ug"])
    x = pd.to_numeric(d["day"], errors="coerce").to_numpy(dtype=float)
    eaten = pd.to_numeric(d["ingested_ug"], errors="coerce").fillna(0).to_numpy(float)
    absorbed = pd.to_numeric(d["absorbed_ug"], errors="coerce").fillna(0).to_numpy(float)
    ax.bar(x - 0.2, eaten, width=0.4, label="eaten", color=BLUE)
    ax.bar(x + 0.2, absorbed, width=0.4, label="absorbed (model)", color=ORANGE)
    if goal_absorbed_ug is not None and math.isfinite(goal_absorbed_ug):
        ax.axhline(goal_absorbed_ug, color=TARGET_COLOUR, linestyle="--", linewidth=1.2,
                   label=f"goal, absorbed ({goal_absorbed_ug:.2f} µg)")
    ax.set_xlabel("day", fontsize=7)
    ax.set_ylabel("B12 [µg]", fontsize=7)
    ax.set_title("B12 per day", fontsize=8)
    if len(x) and len(x) <= 14:
        ax.set_xticks(x)
    ax.tick_params(labelsize=6)
    ax.legend(fontsize=5.5, frameon=False)
    return _png(fig)


def store_chart_png(stores: pd.DataFrame, threshold_ug: float,
                    size: tuple[float, float] = (3.6, 2.3)) -> io.BytesIO:
    """The body store over the years with the depletion threshold (a PNG)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    years = pd.to_numeric(stores["day"], errors="coerce").to_numpy(float) / DAYS_PER_YEAR
    ax.plot(years, pd.to_numeric(stores["store_ug"], errors="coerce").to_numpy(float),
            color=BLUE, linewidth=1.8, label="body store (model)")
    ax.axhline(threshold_ug, color=TARGET_COLOUR, linestyle="--", linewidth=1.2,
               label=f"lowest healthy store ≈ {threshold_ug:,.0f} µg")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("years from the start of the plan", fontsize=7)
    ax.set_ylabel("B12 stored [µg]", fontsize=7)
    ax.set_title("Store outlook", fontsize=8)
    ax.tick_params(labelsize=6)
    ax.legend(fontsize=5.5, frameon=False)
    return _png(fig)


# -- content ------------------------------------------------------------------------------------
def _verdict_text(summary: Mapping[str, Any]) -> str:
    """The verdict's label and explanation from the library's one vocabulary."""
    from planner.model.verdicts import Verdict

    info = Verdict(summary["verdict"]).info
    return f"{info.label}. {info.explanation}"


def _profile_line(profile: Any, evaluation: Any) -> str:
    parts = []
    age = getattr(profile, "age", None)
    if isinstance(age, (int, float)) and not isinstance(age, bool):
        parts.append(f"age {age:g}")
    for attr in ("sex", "diet"):
        if getattr(profile, attr, None):
            parts.append(str(getattr(profile, attr)))
    if getattr(profile, "pregnant", False) is True:
        parts.append("pregnant")
    if getattr(profile, "lactating", False) is True:
        parts.append("breastfeeding")
    conditions = tuple(getattr(profile, "conditions", ()) or ())
    if conditions:
        parts.append("conditions: " + ", ".join(map(str, conditions)))
    rec = getattr(evaluation, "recommendation", None)
    if rec is not None:
        parts.append(f"recommendation: {getattr(rec, 'authority', '')} "
                     f"{getattr(rec, 'kind', '')} {_num(getattr(rec, 'value_ug', None), 'g')} "
                     f"µg/day ({getattr(rec, 'life_stage', '')})")
    return " · ".join(parts)


def _assessment(symptoms: Any, risk_factors: Any, profile: Any):
    from planner.model.symptoms import SymptomAssessment, assess_symptoms, load_risk_factors

    if isinstance(symptoms, SymptomAssessment):
        return symptoms
    sym = tuple(symptoms or ()) if not isinstance(symptoms, str) else symptoms
    if not sym:
        sym = tuple(getattr(profile, "symptoms", ()) or ())
    risk = list(risk_factors or ()) if not isinstance(risk_factors, str) else [risk_factors]
    known = set(load_risk_factors()["key"])
    for attr in ("conditions", "risk_factors"):
        risk += [str(x) for x in (getattr(profile, attr, ()) or ()) if str(x) in known]
    return assess_symptoms(sym, list(dict.fromkeys(risk)))


def _default_stores(summary: Mapping[str, Any], profile: Any) -> pd.DataFrame | None:
    from planner.model.stores import project_stores

    if not store_outlook_applies(getattr(profile, "age", None)):
        return None  # the store model's figures are adults'
    absorbed = summary.get("absorbed_ug_per_day")
    try:
        a = float(absorbed)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(a) or a < 0:
        return None
    try:
        return project_stores(a, round(OUTLOOK_YEARS * DAYS_PER_YEAR),
                              conditions=tuple(getattr(profile, "conditions", ()) or ()))
    except InputError:
        return None


def _suggestion_lines(suggestions: Any) -> list[str]:
    if suggestions is None:
        return []
    if isinstance(suggestions, str):
        return [suggestions]
    msgs = getattr(suggestions, "messages", suggestions)
    if isinstance(msgs, str):
        return [msgs]
    try:
        return [str(m) for m in msgs]
    except TypeError:
        return [str(msgs)]


class _Limits:
    """How much goes in at each compaction level (0 = everything that fits the caps)."""

    def __init__(self, level: int):
        self.level = level
        self.flags = (8, 5, 3, 2)[level]
        self.suggestions = (6, 4, 3, 2)[level]
        self.steps = (6, 4, 3, 2)[level]
        self.text = (_TEXT_LIMIT, 300, 220, 160)[level]
        self.urls = level < 2
        self.charts = level < 3
        self.body = (9, 8.5, 8, 7.5)[level]


# -- writer ---------------------------------------------------------------------------------------
def _pdf_class():
    from fpdf import FPDF

    class _Report(FPDF):
        footer_text = ""
        total_pages: int | None = None

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(_FONT, "", 7)
            self.set_text_color(*_GREY)
            of = f"/{self.total_pages}" if self.total_pages else ""
            self.cell(0, 5, f"{self.footer_text} · page {self.page_no()}{of}", align="C")
            self.set_text_color(0, 0, 0)

    return _Report


def _fonts_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _build(ctx: dict[str, Any], lim: _Limits, total_pages: int | None = None) -> Any:
    from fpdf.enums import XPos, YPos

    pdf = _pdf_class()(orientation="portrait", unit="mm", format="A4")
    # No "{nb}" alias: fpdf2 would replace it inside people's text too. The total is
    # known from a first build instead.
    pdf.alias_nb_pages("")
    pdf.total_pages = total_pages
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=16)
    fonts = _fonts_dir()
    pdf.add_font(_FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(_FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font(_FONT, "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    cmap = pdf.fonts[_FONT].cmap
    pdf.footer_text = _clean(f"B12 Planner {ctx['version']} · created {ctx['created']} · "
                             "not medical advice", 200, cmap)
    pdf.set_title("B12 status report")
    pdf.set_creator(f"B12 Planner {ctx['version']}")
    pdf.set_creation_date(ctx["created_dt"])
    pdf.add_page()
    width = pdf.epw
    body = lim.body

    def t(text: object, limit: int | None = None) -> str:
        return _clean(text, limit or lim.text, cmap)

    def heading(text: str) -> None:
        pdf.ln(1.5)
        pdf.set_font(_FONT, "B", body + 2)
        pdf.cell(0, 6, t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(_FONT, "", body)

    def para(text: str, style: str = "", color: tuple[int, int, int] | None = None,
             size: float | None = None) -> None:
        pdf.set_font(_FONT, style, size or body)
        if color:
            pdf.set_text_color(*color)
        pdf.multi_cell(width, (size or body) * 0.48, t(text, lim.text + 200), align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(_FONT, "", body)

    def bullets(items: Iterable[str], color: tuple[int, int, int] | None = None) -> None:
        for item in items:
            para("• " + t(item, lim.text + 150), color=color)

    # title ---------------------------------------------------------------------------
    pdf.set_font(_FONT, "B", 16)
    pdf.cell(0, 8, "B12 status report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", body)
    para(f"Plan: {ctx['plan_name']} · created {ctx['created']} · B12 Planner "
         f"{ctx['version']}", color=_GREY)
    para(DISCLAIMER, style="I", color=_GREY)
    assessment = ctx["assessment"]
    if assessment.needs_clinician:
        pdf.ln(1)
        bullets(assessment.messages[:2], color=_RED)

    # profile and plan -----------------------------------------------------------------
    heading("Profile")
    para(ctx["profile_line"] or "—")
    heading("The plan's B12 per day")
    s = ctx["summary"]
    rows = [
        ("Eaten (counted)", f"{_num(s.get('intake_ug_per_day'))} µg"),
        ("Absorbed (model estimate)", f"{_num(s.get('absorbed_ug_per_day'))} µg"),
        ("Goal line, absorbed", f"{_num(s.get('target_absorbed_ug'))} µg"),
        ("Requirement line, absorbed", f"{_num(s.get('requirement_absorbed_ug'))} µg"),
        ("Days averaged", _num(s.get("days"), "g")),
        ("Verdict", t(_verdict_text(s), 200)),
    ]
    for label, value in rows:
        pdf.set_font(_FONT, "B", body)
        pdf.cell(60, body * 0.5, label)
        pdf.set_font(_FONT, "", body)
        pdf.multi_cell(width - 60, body * 0.5, value, align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    if lim.charts and (ctx["day_png"] is not None or ctx["store_png"] is not None):
        pdf.ln(1)
        y = pdf.get_y()
        w = (width - 4) / 2
        h = w * 2.3 / 3.6
        if y + h > pdf.h - 18:
            pdf.add_page()
            y = pdf.get_y()
        if ctx["day_png"] is not None:
            ctx["day_png"].seek(0)
            pdf.image(ctx["day_png"], x=pdf.l_margin, y=y, w=w, h=h)
        if ctx["store_png"] is not None:
            ctx["store_png"].seek(0)
            pdf.image(ctx["store_png"], x=pdf.l_margin + w + 4, y=y, w=w, h=h)
        pdf.set_y(y + h + 0.5)
        pdf.set_font(_FONT, "", body - 1.5)
        pdf.set_text_color(*_GREY)
        captions = ("Chart: B12 per day, eaten and absorbed (model), with the absorbed "
                    "goal line.",
                    f"Chart: store outlook, the body's B12 store over {OUTLOOK_YEARS:g} years "
                    "on this plan (model), with the lowest healthy store (≈300 µg)."
                    if ctx["store_png"] is not None else ctx["no_outlook"])
        for i, caption in enumerate(captions):
            pdf.set_xy(pdf.l_margin + i * (w + 4), y + h + 0.5)
            pdf.multi_cell(w, (body - 1.5) * 0.45, caption, align="L")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(_FONT, "", body)
        pdf.set_xy(pdf.l_margin, y + h + 0.5 + 2 * (body - 1.5) * 0.45 + 1)
    flags = [f for f in (s.get("flags") or []) if isinstance(f, Mapping)]
    if flags:
        heading("Notes on the plan")
        bullets([f"{t(f.get('message', ''))} {t(f.get('source', ''), 120)}".strip()
                 for f in flags[: lim.flags]])

    # labs -----------------------------------------------------------------------------
    labs = ctx["labs"]
    heading("Blood tests")
    if labs is None:
        para("No blood results were entered.")
    else:
        para(f"Overall, by {labs.guideline}: {labs.category_label}", style="B")
        _findings_table(pdf, labs, t, body)
        bullets(labs.next_steps[: lim.steps])
        if labs.caveats:
            para("What can mislead these results:", style="B")
            bullets(labs.caveats[: lim.steps])

    # symptoms -------------------------------------------------------------------------
    heading("Symptoms, red flags and risk factors")
    para("Symptoms: " + (", ".join(assessment.symptom_labels) or "none entered"))
    if assessment.neurological:
        para("Red flags (neurological): " + ", ".join(assessment.red_flag_labels),
             style="B", color=_RED)
    para("Risk factors: " + (", ".join(assessment.risk_factor_labels) or "none entered"))
    shown = assessment.messages[2:] if assessment.needs_clinician else assessment.messages
    bullets(shown, color=_RED if assessment.needs_clinician else None)

    # treatment and suggestions --------------------------------------------------------
    treatment = ctx["treatment"]
    if treatment is not None and treatment.applies:
        heading("Treatment information for the conversation with your doctor")
        bullets(treatment.messages[: lim.steps])
        for r in treatment.regimens.itertuples(index=False):
            para(f"{r.option}: {r.dose}, {r.route}.", style="B")
            para(f"{r.when} {r.source}")
    lines = ctx["suggestions"][: lim.suggestions]
    if lines:
        title = ("Suggestions for the diet plan (for after treatment)"
                 if treatment is not None and treatment.applies else "Suggestions")
        heading(title)
        bullets(lines)

    # sources --------------------------------------------------------------------------
    heading("Sources")
    refs = ctx["references"]
    pdf.set_font(_FONT, "", body - 1.5)
    for tag in ctx["tags"]:
        cit, url = refs.get(tag, ("listed in the project's reference (b12-science)", ""))
        line = f"[{tag}] {cit}" + (f" {url}" if url and lim.urls else "")
        pdf.multi_cell(width, (body - 1.5) * 0.45, t(line, 300), align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", body)
    para(DISCLAIMER, style="I", color=_GREY)
    return pdf


def _findings_table(pdf: Any, labs: Any, t: Any, body: float) -> None:
    from planner.model.labs import result_text

    cols = ("Marker", "Result", "Band", "Band range", "Guideline / source")
    widths = (38, 34, 24, 44, 40)
    rows = [(r.label, result_text(r), r.band_label, r.range, f"{r.guideline} {r.source}")
            for r in labs.findings.itertuples(index=False)]
    pdf.set_font(_FONT, "", body - 1)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=(body - 1) * 0.5,
                   first_row_as_headings=True) as table:
        head = table.row()
        for c in cols:
            head.cell(c)
        for row in rows:
            cells = table.row()
            for c in row:
                cells.cell(t(c, 160))
    pdf.set_font(_FONT, "", body)


def write_report(
    out: IO[bytes],
    *,
    evaluation: Any,
    profile: Any,
    labs: Any = None,
    symptoms: Any = (),
    risk_factors: Any = (),
    suggestions: Any = None,
    stores: Any = None,
    plan_name: str = "meal plan",
    created: dt.date | dt.datetime | None = None,
    version: str | None = None,
) -> int:
    """Write the report as a PDF (one or two A4 pages) to a binary file-like object.

    Parameters
    ----------
    out : binary file-like
        Anything with ``write(bytes)``: an open file, :class:`io.BytesIO`, a response.
    evaluation : Evaluation
        From :func:`planner.model.evaluate`: ``summary`` (eaten and absorbed µg/day, the lines,
        ``summary.get("verdict")`` if present, else ``status``, and ``flags``), ``days``
        (per-day chart) and ``recommendation``.
    profile : Profile or object
        Read duck-typed: ``age``, ``sex``, ``diet``, ``pregnant``, ``lactating``,
        ``conditions``, ``risk_factors``, ``symptoms`` (if present).
    labs : LabInterpretation, optional
        From :func:`planner.interpret_labs`.
    symptoms : iterable of str or SymptomAssessment
        Symptom keys (default: ``profile.symptoms`` when present).
    risk_factors : iterable of str
        Risk-factor keys, added to those in ``profile.conditions``/``risk_factors``.
    suggestions : Suggestion, list of str or None
        Its ``messages`` are listed (after treatment information when deficiency is
        likely: the diet plan is for afterwards).
    stores : pandas.DataFrame, optional
        A :func:`planner.project_stores` projection (``day``, ``store_ug``); default the
        projection of the plan's absorbed B12 over :data:`~planner.model.stores.OUTLOOK_YEARS`
        years from the default store.
    plan_name : str
        Printed as text.
    created : date or datetime, optional
        The date printed (default today); also the PDF's creation date.
    version : str, optional
        Default the installed B12 Planner version.

    Returns
    -------
    int
        Pages written (1 or 2).

    Raises
    ------
    InputError
        ``evaluation`` has no ``summary``; ``labs`` is not a lab interpretation; unknown
        symptoms or risk factors.
    ImportError
        The ``report`` extra (fpdf2, matplotlib) is not installed; the message says how
        to install it.
    """
    from planner.model.labs import LabInterpretation, treatment_information
    from planner.model.stores import DEPLETION_THRESHOLD_UG

    _require_extras()
    summary = getattr(evaluation, "summary", None)
    if not isinstance(summary, Mapping):
        raise InputError("evaluation must be the result of planner.model.evaluate (it has no "
                         "summary).")
    if labs is not None and not isinstance(labs, LabInterpretation):
        raise InputError(f"labs must be the result of planner.interpret_labs, not "
                         f"{type(labs).__name__}.")
    if not hasattr(out, "write"):
        raise InputError(f"out must be a binary file-like object, not {type(out).__name__}.")
    if version is None:
        from planner._version import __version__ as version
    when = created or dt.date.today()
    created_dt = (when if isinstance(when, dt.datetime)
                  else dt.datetime(when.year, when.month, when.day))
    if created_dt.tzinfo is None:
        created_dt = created_dt.replace(tzinfo=dt.UTC)
    assessment = _assessment(symptoms, risk_factors, profile)
    treatment = (treatment_information(labs, assessment, profile=profile)
                 if labs is not None else None)
    if stores is None:
        stores = _default_stores(summary, profile)
    days = getattr(evaluation, "days", None)
    goal = summary.get("target_absorbed_ug")
    day_png = (day_chart_png(days, float(goal) if goal is not None else None)
               if isinstance(days, pd.DataFrame) and len(days) else None)
    store_png = (store_chart_png(stores, DEPLETION_THRESHOLD_UG)
                 if isinstance(stores, pd.DataFrame) and len(stores) else None)
    rec = getattr(evaluation, "recommendation", None)
    tags = source_tags(
        getattr(rec, "source", None),
        [f.get("source", "") for f in summary.get("flags") or [] if isinstance(f, Mapping)],
        labs.sources if labs is not None else (),
        assessment.sources,
        treatment.sources if treatment is not None else (),
        ALWAYS_SOURCES,
    )
    ctx = {
        "summary": summary, "labs": labs, "assessment": assessment, "treatment": treatment,
        "suggestions": _suggestion_lines(suggestions), "day_png": day_png,
        "store_png": store_png, "tags": tags,
        "no_outlook": ("" if store_outlook_applies(getattr(profile, "age", None))
                       else NO_CHILD_OUTLOOK), "references": load_references(),
        "plan_name": _clean(plan_name, _LABEL_LIMIT), "version": _clean(version, 40),
        "created": created_dt.date().isoformat(), "created_dt": created_dt,
        "profile_line": _profile_line(profile, evaluation),
    }
    for level in range(4):
        pdf = _build(ctx, _Limits(level))
        if pdf.pages_count <= MAX_PAGES:
            break
    else:  # pragma: no cover - the caps above keep every input within two pages
        raise InputError("the report does not fit on two pages; shorten the suggestions.")
    pdf = _build(ctx, _Limits(level), total_pages=pdf.pages_count)
    data = bytes(pdf.output())
    out.write(data)
    return int(pdf.pages_count)


def _require_extras() -> None:
    try:
        import fpdf  # noqa: F401
        import matplotlib  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "the PDF report needs the 'report' extra: pip install 'b12-planner[report]' "
            f"({exc.name} is missing).") from exc


def save_report(path: str | Path, **kwargs: Any) -> int:
    """:func:`write_report` to a file, atomically (a crash leaves the old file or none).

    The PDF is written to a temporary file in the same folder, flushed, fsync-ed and
    renamed over ``path``. Returns the number of pages.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pages = write_report(fh, **kwargs)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return pages


__all__ = [
    "DISCLAIMER",
    "day_chart_png",
    "load_references",
    "save_report",
    "source_tags",
    "store_chart_png",
    "write_report",
]
