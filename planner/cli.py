"""Command line: a thin layer that parses arguments and calls the library.

``b12-planner`` (or ``python -m planner``) has the commands ``foods search``,
``evaluate``, ``suggest``, ``project-stores``, ``labs``, ``report`` and
``data build|download``. Tables are
human-readable by default; ``--format json`` (and ``csv`` where it makes sense) is for
scripts. Exit codes: 0 ok (for ``evaluate``: verdict ``meets_goal`` or ``adequate``), 1
any other verdict (``below_requirement``, ``below_ai``, ``needs_clinician``;
``evaluate`` only; for ``labs``: 0 ``deficiency_unlikely``, 1 ``indeterminate`` or
``deficiency_likely``), 2 bad input, with a one-line ``error: ...`` on stderr and no
traceback. The verdicts are those of :mod:`planner.model.verdicts`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from planner import (
    DAYS_PER_YEAR,
    DEFAULT_INITIAL_STORE_UG,
    DEPLETION_THRESHOLD_UG,
    EXIT_BAD_INPUT,
    EXIT_NOT_OK,
    EXIT_OK,
    LAB_MARKERS,
    MAX_CSV_BYTES,
    MAX_DAYS,
    NO_CHILD_OUTLOOK,
    OUTLOOK_YEARS,
    REPLETE_STORE_UG,
    DataFileError,
    InputError,
    Profile,
    Verdict,
    build_data,
    download_release,
    evaluate,
    evaluation_csv,
    format_ug,
    initial_store_estimate,
    interpret_labs,
    lab_findings_text,
    lab_interpretation_dict,
    load_foods,
    load_manifest,
    load_risk_factors,
    load_symptoms,
    neutralise_formula,
    parse_decimal,
    parse_lab_value,
    plan_from_csv,
    project_stores,
    read_user_foods,
    round_significant,
    save_report,
    shorten,
    store_outlook,
    store_outlook_applies,
    store_turnover,
    suggest,
)
from planner import verdict_help_text as help_text

#: Exit codes (:mod:`planner.model.verdicts`): 0 ok, 1 verdict not ok, 2 bad input.
EXIT_NOT_ADEQUATE = EXIT_NOT_OK

_RAW = argparse.RawDescriptionHelpFormatter
#: Most foods ``foods search`` lists (the search itself returns at most 500).
MAX_LIMIT = 500
#: Longest error line printed [characters].
MAX_ERROR_LINE = 1000


# -- argument types: the digits 0-9 only, and bounds (planner.errors.parse_decimal) ---------
def _number_text(text: str, what: str) -> float:
    value = parse_decimal(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            f"{what} must be a number written with the digits 0-9, not {shorten(text)}")
    return value


def _whole(what: str) -> Callable[[str], int]:
    """An argparse type: a whole number in the digits 0-9 (its range is checked later, so
    the message is the usual one-line ``error: ...``)."""
    def parse(text: str) -> int:
        value = _number_text(text, what)
        if value != int(value):
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number, not {text.strip()[:20]}")
        return int(value)

    parse.__name__ = what
    return parse


def _number(what: str) -> Callable[[str], float]:
    """An argparse type: a finite number in the digits 0-9."""
    def parse(text: str) -> float:
        return _number_text(text, what)

    parse.__name__ = what
    return parse


def _in_range(value: float | None, lo: float, hi: float, what: str) -> None:
    if value is not None and not lo <= value <= hi:
        raise InputError(f"{what} must be from {lo:,g} to {hi:,g}, not {value:g}.")


# -- output helpers ---------------------------------------------------------------------
class _Computed:
    """Marks a computed part of a JSON reply: its numbers are written as people read them
    (:func:`planner.round_significant`); what the user gave is written exactly."""

    def __init__(self, value: Any):
        self.value = value


def _jsonable(obj: Any, readable: bool = False) -> Any:
    """Plain JSON values: numpy scalars → Python, NaN/inf → None, frames → records;
    floats inside a :class:`_Computed` part rounded to 4 significant digits."""
    if isinstance(obj, _Computed):
        return _jsonable(obj.value, True)
    if isinstance(obj, pd.DataFrame):
        return [_jsonable(r, readable) for r in obj.to_dict(orient="records")]
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v, readable) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v, readable) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if obj is pd.NA or obj is pd.NaT:
        return None
    if readable and isinstance(obj, float):
        return round_significant(obj)
    return obj


def _print_json(obj: Any) -> None:
    print(json.dumps(_jsonable(obj), ensure_ascii=False, indent=2))


def _table(df: pd.DataFrame, formats: dict[str, str] | None = None, width: int = 60) -> str:
    """A plain-text table: floats formatted, long text cut to ``width`` characters."""
    if df.empty:
        return "(none)"
    out = df.copy()
    for c in out.columns:
        fmt = (formats or {}).get(c)
        if fmt:
            out[c] = [("" if v is None or (isinstance(v, float) and math.isnan(v))
                       else format(v, fmt)) for v in out[c]]
        elif out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = [s if len(s) <= width else s[: width - 1] + "…"
                      for s in out[c].fillna("").astype(str)]
    return out.to_string(index=False)


def _ug(x: float) -> str:
    return format_ug(x, 2)


# -- shared arguments ---------------------------------------------------------------------
def _add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json")) -> None:
    p.add_argument("--format", choices=list(choices), default="table",
                   help="output: " + ", ".join(choices) + " (default: table)")


def _add_profile(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("who the plan is for")
    g.add_argument("--age", required=True, help="age in years (fractions for infants: 0.5)")
    g.add_argument("--diet", default="omnivore",
                   help="vegan, vegetarian, pescatarian or omnivore (default: omnivore)")
    g.add_argument("--sex", default=None,
                   help="female or male; optional: B12 recommendations differ only with "
                   "pregnancy or lactation")
    g.add_argument("--pregnant", action="store_true", help="pregnant (implies --sex female)")
    g.add_argument("--lactating", action="store_true",
                   help="breastfeeding (implies --sex female)")
    g.add_argument("--condition", action="append", default=[], metavar="NAME",
                   help="a medicine or condition, repeatable or comma-separated: metformin, "
                   "ppi, h2_blocker, atrophic_gastritis, pernicious_anemia, "
                   "bariatric_surgery, ileal_resection, nitrous_oxide")
    g.add_argument("--authority", default="NASEM",
                   help="NASEM (default), EFSA, DACH, UK or WHO")
    g.add_argument("--acid-reducer-years", type=_number("--acid-reducer-years"), default=None,
                   metavar="YEARS",
                   help="years of PPI or H2-blocker use (with --condition ppi or "
                   "h2_blocker); from 2 years on the note is a warning (Lam 2013)")
    symptoms, risks = _vocabulary()
    g.add_argument("--symptom", action="append", default=[], metavar="NAME",
                   help="a symptom, repeatable or comma-separated: " + symptoms
                   + ". Neurological ones (*) make the verdict needs_clinician")
    g.add_argument("--risk-factor", action="append", default=[], metavar="NAME",
                   help="a risk factor for low B12, repeatable or comma-separated: " + risks
                   + "; 'none' if none applies. --condition names count too; without "
                   "this option the risk factors count as not asked")


def _vocabulary() -> tuple[str, str]:
    """The symptom and risk-factor keys for --help (neurological symptoms marked *)."""
    try:
        sym = load_symptoms()
        risk = load_risk_factors()
    except DataFileError:  # --help still works; using the option reports the problem
        return "see docs/labs.md", "see docs/labs.md"
    symptoms = ", ".join(k + ("*" if n else "") for k, n in zip(sym["key"], sym["neurological"],
                                                                strict=True))
    return symptoms, ", ".join(risk["key"])


def _conditions(values: list[str]) -> list[str]:
    return [c.strip() for v in values for c in str(v).split(",") if c.strip()]


def _profile(args: argparse.Namespace):
    sex = args.sex or "female"  # Profile's default; only matters with pregnancy/lactation
    risk: tuple[str, ...] | None = None  # not asked
    if args.risk_factor:
        named = _conditions(args.risk_factor)
        risk = tuple(r for r in named if r.strip().lower() != "none")
    return Profile(age=args.age, sex=sex, diet=args.diet, pregnant=args.pregnant,
                   lactating=args.lactating, conditions=tuple(_conditions(args.condition)),
                   authority=args.authority,
                   acid_reducer_years=getattr(args, "acid_reducer_years", None),
                   symptoms=tuple(_conditions(args.symptom)), risk_factors=risk)


def _foods():
    """The shipped table with the user's saved foods, as the app shows them."""
    return load_foods(user_foods=read_user_foods())


def _read_plan(path: str, foods):
    if path == "-":  # at most one byte more than the limit: `yes | ...` ends at once
        return plan_from_csv(sys.stdin.buffer.read(MAX_CSV_BYTES + 1), foods)
    return plan_from_csv(path, foods)


# -- foods search -----------------------------------------------------------------------
def _foods_search(args: argparse.Namespace) -> int:
    _in_range(args.limit, 1, MAX_LIMIT, "--limit")
    foods = _foods()
    found = foods.search(args.text, diet=args.diet, limit=args.limit)
    if args.format == "json":
        _print_json(found)
    elif args.format == "csv":
        safe = found.copy()
        for col in safe.columns:  # text a spreadsheet would run as a formula gets a "'"
            if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
                safe[col] = [neutralise_formula(v) if isinstance(v, str) else v
                             for v in safe[col]]
        safe.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif found.empty:
        print(f"No foods match {args.text!r}.")
    else:
        shown = found[["food_id", "description", "b12_ug", "b12_fortified_ug", "diet",
                       "b12_reliable"]].rename(columns={
                           "b12_ug": "B12 µg/100 g", "b12_fortified_ug": "added µg/100 g",
                           "b12_reliable": "reliable"})
        print(_table(shown, {"B12 µg/100 g": ".2f", "added µg/100 g": ".2f"}))
    return EXIT_OK


# -- evaluate ---------------------------------------------------------------------------
def _evaluate(args: argparse.Namespace) -> int:
    profile = _profile(args)
    foods = _foods()
    plan = _read_plan(args.plan, foods)
    ev = evaluate(plan, profile, foods, days=args.days)
    s = ev.summary
    start = (initial_store_estimate(profile.diet, 0, profile.conditions,
                                    profile.pregnant)["store_ug"]
             if args.initial_store is None else args.initial_store)
    # The store model's figures are adults': a child gets no outlook (None), and says why.
    outlook = (store_outlook(s["absorbed_ug_per_day"], start, profile.conditions)
               if store_outlook_applies(profile.age) else None)
    if args.format == "json":
        _print_json({"verdict": s["verdict"], "summary": _Computed(s.to_dict()),
                     "recommendation": ev.recommendation.as_dict(),
                     "days": _Computed(ev.days),
                     "store_outlook": None if outlook is None else _Computed(outlook.as_dict()),
                     **({} if outlook is not None else {"store_outlook_note": NO_CHILD_OUTLOOK})})
    elif args.format == "csv":
        sys.stdout.write(evaluation_csv(plan, ev))
    else:
        print(_evaluation_text(args.plan, ev, outlook))
    return Verdict(s["verdict"]).exit_code


def _evaluation_text(name: str, ev, outlook=None) -> str:
    s, rec, p = ev.summary, ev.recommendation, ev.profile
    who = f"age {p.age:g}, {p.diet}"
    if p.pregnant or p.lactating:
        who += ", " + ("breastfeeding" if p.lactating else "pregnant")
    if p.conditions:
        who += ", " + ", ".join(p.conditions)
    if p.risk_factors:
        who += ", " + ", ".join(p.risk_factors)
    if p.symptoms:
        who += "; symptoms: " + ", ".join(p.symptoms)
    req = s["requirement_absorbed_ug"]
    rows = [
        ("Eaten (counted)", _ug(s["intake_ug_per_day"])),
        ("  of it crystalline (fortified, supplements)", _ug(s["fortified_ug_per_day"])),
        ("Absorbed", _ug(s["absorbed_ug_per_day"])),
        (f"Goal line (absorbed; {rec.kind} {rec.value_ug:g} µg × 50 %)",
         _ug(s["target_absorbed_ug"])),
        ("Requirement line (absorbed)",
         _ug(req) if req is not None else "none (AI only)"),
    ]
    w = max(len(r[0]) for r in rows)
    lines = [
        f"B12 evaluation of {name}: {s['days']} day(s) (day {s['first_day']} to "
        f"{s['last_day']}), {s['n_items']} item(s), {s['n_events']} dose(s)",
        f"Profile: {who}; {s['authority']} {s['life_stage']}",
        "",
        "Per day",
    ]
    lines += [f"{label:<{w}}  {value:>14}" for label, value in rows]
    lines += ["", f"Verdict: {s['verdict_label']} [{s['verdict']}] "
              f"({s['absorbed_pct_of_target']:.0f} % of the goal line)",
              f"  {s['verdict_explanation']}"]
    if s.get("clinician"):
        lines += [f"  {s['clinician']['message']}"]
    if s.get("empty_days"):
        lines += [f"Days without entries (counted as no B12): "
                  f"{', '.join(map(str, s['empty_days']))}"]
    if outlook is not None:
        lines += ["", f"Body store: {outlook.message} (start from --initial-store)"]
    elif not store_outlook_applies(ev.profile.age):
        lines += ["", f"Body store: {NO_CHILD_OUTLOOK}"]
    if len(ev.days) > 1:
        lines += ["", _table(ev.days[["day", "n_items", "n_events", "ingested_ug",
                                      "absorbed_ug"]],
                             {"ingested_ug": ".2f", "absorbed_ug": ".2f"})]
    if s["flags"]:
        lines += ["", "Notes:"]
        lines += [f"  [{f['severity']}] {f['message']} {f['source']}".rstrip()
                  for f in s["flags"]]
    if s.get("risk_factors_unasked"):
        lines += ["", "Also tell us: do any of these apply? "
                  + ", ".join(s["risk_factors_unasked"])
                  + " (--risk-factor NAME, or --risk-factor none)"]
    lines += ["", "Educational estimate, not medical advice."]
    return "\n".join(lines)


# -- suggest ----------------------------------------------------------------------------
def _suggest(args: argparse.Namespace) -> int:
    profile = _profile(args)
    foods = _foods()
    plan = _read_plan(args.plan, foods)
    res = suggest(plan, profile, foods, goal=args.goal, exclude=args.exclude or None,
                  days=args.days)
    if args.format == "json":
        _print_json({
            "status": res.status, "verdict": res.verdict, "goal": res.goal,
            "goal_absorbed_ug": _Computed(res.goal_absorbed_ug),
            "messages": res.messages, "foods": _Computed(res.foods),
            "supplements": _Computed(res.supplements),
            "additions": res.additions,  # plan rows: exact, so they import as they are
            "urgent": res.urgent,
        })
        return EXIT_OK
    print(f"Suggestions for {args.plan} ({res.status.replace('_', ' ')})\n")
    print("\n".join(f"- {m}" for m in res.messages))
    if not res.foods.empty:
        cols = [c for c in ("rank", "food_id", "description", "serving", "meal",
                            "absorbed_gain_ug") if c in res.foods.columns]
        print("\nFoods (absorbed gain per day, one serving every day):")
        print(_table(res.foods[cols], {"absorbed_gain_ug": ".2f"}, width=50))
    if not res.supplements.empty:
        cols = [c for c in ("dose_ug", "label", "route", "supplement_absorbed_ug_per_day",
                            "absorbed_ug_per_day", "meets_target") if c in res.supplements]
        print("\nSupplements:")
        print(_table(res.supplements[cols], {"dose_ug": ",.0f",
                                             "supplement_absorbed_ug_per_day": ".2f",
                                             "absorbed_ug_per_day": ".2f"}))
    if not res.additions.empty:
        print(f"\nLeast-change additions ({len(res.additions)} plan rows):")
        print(_table(res.additions[["day", "meal", "time", "food_id", "description",
                                    "portion", "grams"]], {"grams": ".0f"}, width=40))
    print("\nEducational estimate, not medical advice.")
    return EXIT_OK


# -- project-stores ---------------------------------------------------------------------
def _project_stores(args: argparse.Namespace) -> int:
    conditions = _conditions(args.condition)
    if args.years is not None and args.days is not None:
        raise InputError("give --years or --days, not both.")
    years = OUTLOOK_YEARS if args.years is None and args.days is None else args.years
    if args.days is not None:
        n_days = args.days
    else:
        n_days = round(years * DAYS_PER_YEAR)
        if years <= 0 or n_days > MAX_DAYS:
            raise InputError(f"--years {years:g} must be above 0 and at most "
                             f"{MAX_DAYS / DAYS_PER_YEAR:g} years ({MAX_DAYS:,} days).")
        if n_days < 1:
            raise InputError(f"--years {years:g} is less than one day; give at least "
                             f"{1 / DAYS_PER_YEAR:.4f} (one day), or use --days.")
    estimate = initial_store_estimate(args.diet, args.years_without_b12, conditions,
                                      args.pregnant)
    initial = estimate["store_ug"] if args.initial is None else args.initial
    basis = estimate["basis"] if args.initial is None else "given with --initial"
    proj = project_stores(args.absorbed, n_days, initial_store_ug=initial,
                          conditions=conditions)
    outlook = store_outlook(args.absorbed, initial, conditions)
    k = store_turnover(conditions)
    yearly = proj[proj["day"].isin(
        sorted({round(y * DAYS_PER_YEAR) for y in range(0, int(n_days / DAYS_PER_YEAR) + 1)}
               | {n_days}))]
    yearly = yearly.assign(years=yearly["day"] / DAYS_PER_YEAR)
    yearly = yearly[["years", "day", "store_ug", "zone"]]
    if args.format == "json":
        _print_json({
            "absorbed_ug_per_day": float(args.absorbed),
            "initial_store_ug": float(initial) if args.initial is not None
            else _Computed(float(initial)),
            "initial_store_basis": basis, "conditions": conditions, "turnover_per_day": k,
            "days": n_days, "outlook": _Computed(outlook.as_dict()),
            "steady_state_ug": _Computed(outlook.steady_state_ug),
            "leaves_replete_days": _Computed(outlook.leaves_replete_days),
            "depletion_days": _Computed(outlook.depleted_days),
            "depletion_years": None if outlook.depleted_days is None
            else _Computed(outlook.depleted_days / DAYS_PER_YEAR),
            "final_store_ug": _Computed(float(proj["store_ug"].iloc[-1])),
            "yearly": _Computed(yearly),
        })
        return EXIT_OK
    if args.format == "csv":
        readable = proj.copy()
        for col in readable.select_dtypes("float").columns:
            readable[col] = readable[col].map(round_significant)
        readable.to_csv(sys.stdout, index=False, lineterminator="\n")
        return EXIT_OK
    print(f"Body B12 store at {float(args.absorbed):g} µg absorbed a day, starting from "
          f"{float(initial):,.0f} µg ({basis}; turnover {k * 100:.2f} %/day)\n")
    print(_table(yearly, {"years": ".1f", "store_ug": ",.0f"}))
    print(f"\nZones: replete ≥ {REPLETE_STORE_UG:,.0f} µg (what the requirement maintains), "
          f"low, depleted < {DEPLETION_THRESHOLD_UG:,.0f} µg.\n{outlook.message}")
    print("Educational estimate, not medical advice.")
    return EXIT_OK


# -- data -------------------------------------------------------------------------------
def _data_build(args: argparse.Namespace) -> int:
    build_data(sr28_dir=args.sr28, fndds_dir=args.fndds, out_dir=args.out)
    return 0


def _data_download(args: argparse.Namespace) -> int:
    sources = load_manifest(args.manifest) if args.manifest else None
    report = download_release(
        dest=args.dest,
        sources=sources,
        from_dir=args.from_dir,
        build=not args.no_build,
        out_dir=args.out,
        progress=False if args.no_progress else None,
    )
    print(report.summary())
    return 0


def _add_data(sub: Any) -> None:
    data = sub.add_parser(
        "data", help="build or download the food table",
        epilog="Example: b12-planner data build --sr28 ~/usda/sr28 --fndds "
        "~/usda/fndds-2021-2023 --out data", formatter_class=_RAW)
    data_sub = data.add_subparsers(dest="data_command", required=True)
    b = data_sub.add_parser(
        "build",
        help="build data/ from raw USDA releases",
        epilog="Example (folders as `data download --dest ~/usda` leaves them):\n"
        "  python -m planner data build --sr28 ~/usda/sr28 --fndds ~/usda/fndds-2021-2023 "
        "--out data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    b.add_argument("--sr28", required=True, help="folder of the SR28 ASCII release")
    b.add_argument("--fndds", required=True, help="folder of the FNDDS At A Glance workbooks")
    b.add_argument("--out", default="data", help="output folder (default: data)")
    b.set_defaults(func=_data_build)
    d = data_sub.add_parser(
        "download",
        help="fetch USDA's release files, verify them, then build data/",
        description="Fetch the SR28 ASCII zip and the FNDDS 2021-2023 At A Glance workbooks "
        "(resuming an interrupted download), check sizes and checksums, unpack them into "
        "DEST, then run the build into --out. Nothing half-written is left in DEST or --out.",
        epilog="Examples:\n  python -m planner data download --dest ~/usda\n"
        "  python -m planner data download --from /media/usb/usda   (offline copy)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("--dest", default=None,
                   help="folder for the release files (default: <user data dir>/usda)")
    d.add_argument("--from", dest="from_dir", default=None, metavar="DIR",
                   help="offline: take the files from DIR instead of the network")
    d.add_argument("--manifest", default=None,
                   help="JSON list of sources (url, filename, target, sha256, size) "
                   "replacing USDA's default addresses")
    d.add_argument("--out", default="data", help="build output folder (default: data)")
    d.add_argument("--no-build", action="store_true", help="only fetch and unpack")
    d.add_argument("--no-progress", action="store_true", help="no progress bars")
    d.set_defaults(func=_data_download)


# -- report -----------------------------------------------------------------------------
def _report(args: argparse.Namespace) -> int:
    """The PDF report: evaluate, read the labs, assess symptoms, suggest, write."""
    from pathlib import Path

    profile = _profile(args)
    foods = _foods()
    plan = _read_plan(args.plan, foods)
    ev = evaluate(plan, profile, foods, days=args.days)
    values = _lab_values(args)
    labs = None
    if any(v is not None for v in values.values()):
        labs = interpret_labs(
            **values, profile=profile, kidney_disease=args.kidney_disease or None,
            recent_b12=args.recent_b12 or None,
            oral_contraceptives=args.oral_contraceptives or None)
    suggestions = None
    if not args.no_suggestions:
        suggestions = suggest(plan, profile, foods, labs=labs, days=args.days)
    name = "stdin" if args.plan == "-" else Path(args.plan).name
    try:
        pages = save_report(args.out, evaluation=ev, profile=profile, labs=labs,
                            symptoms=profile.symptoms,
                            suggestions=suggestions, plan_name=name)
    except ImportError as exc:  # pragma: no cover - depends on the installation
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    line = f"Wrote {args.out} ({pages} page{'s' if pages > 1 else ''})"
    if labs is not None:
        line += f"; blood tests by {labs.guideline}: {labs.category_label}"
    print(line + ". Educational estimate, not medical advice.")
    return EXIT_OK


def _add_report(sub: Any) -> None:
    r = sub.add_parser(
        "report", help="a PDF report to take to a doctor (plan, blood tests, symptoms)",
        description="Write a one- or two-page A4 PDF: the profile, the plan's B12 eaten "
        "and absorbed per day with the verdict and charts, blood results judged by NICE "
        "NG239 (2024), symptoms and red flags, suggestions and sources. Lab values are a "
        "number in the default unit or 'VALUE UNIT': total B12 pmol/L (default), pg/mL "
        "or ng/L; active B12 pmol/L; MMA umol/L (default) or nmol/L; homocysteine "
        "umol/L. Needs the 'report' extra (fpdf2, matplotlib).",
        epilog="Examples:\n  b12-planner report week.csv --age 70 --diet vegan "
        "--total-b12 \"250 pg/mL\" --mma \"350 nmol/L\" --out report.pdf\n"
        "  b12-planner report week.csv --age 35 --symptom numbness --risk-factor metformin "
        "--out report.pdf",
        formatter_class=_RAW)
    r.add_argument("plan", metavar="PLAN.csv", help="the meal plan ('-' reads stdin)")
    _add_profile(r)
    r.add_argument("--days", type=_whole("--days"), default=None, help="days the plan covers")
    g = r.add_argument_group("blood tests (optional)")
    _add_lab_values(g)
    _add_lab_circumstances(g)
    r.add_argument("--no-suggestions", action="store_true",
                   help="leave the diet suggestions out (faster)")
    r.add_argument("--out", required=True, metavar="REPORT.pdf", help="where to write the PDF")
    r.set_defaults(func=_report)


# -- labs -------------------------------------------------------------------------------
#: Exit code of ``labs`` per category: 0 only when deficiency is unlikely.
LAB_EXIT_CODES: dict[str, int] = {"deficiency_unlikely": EXIT_OK,
                                  "indeterminate": EXIT_NOT_OK,
                                  "deficiency_likely": EXIT_NOT_OK}


def _add_lab_circumstances(g: Any) -> None:
    """Flags that change how blood results read (``report`` and ``labs``)."""
    g.add_argument("--kidney-disease", action="store_true",
                   help="kidney disease (MMA and homocysteine rise)")
    g.add_argument("--recent-b12", action="store_true",
                   help="B12 supplements or injections shortly before the test")
    g.add_argument("--oral-contraceptives", action="store_true",
                   help="taking oral contraceptives (total B12 can read low)")


def _add_lab_values(g: Any) -> None:
    g.add_argument("--total-b12", default=None, metavar="VALUE",
                   help="total (serum) B12, e.g. \"250 pg/mL\" or 185 (pmol/L)")
    g.add_argument("--holotc", default=None, metavar="VALUE",
                   help="active B12 (holotranscobalamin) [pmol/L]")
    g.add_argument("--mma", default=None, metavar="VALUE",
                   help="methylmalonic acid, e.g. 0.35 (umol/L) or \"350 nmol/L\"")
    g.add_argument("--homocysteine", default=None, metavar="VALUE",
                   help="total homocysteine [umol/L]")


def _lab_values(args: argparse.Namespace) -> dict[str, Any]:
    return {m: parse_lab_value(getattr(args, m)) if getattr(args, m) is not None else None
            for m in LAB_MARKERS}


def _labs(args: argparse.Namespace) -> int:
    """Read blood results by NICE NG239: category, findings, next steps, caveats."""
    profile = Profile(age=args.age) if args.age is not None else None
    labs = interpret_labs(
        **_lab_values(args), profile=profile, pregnant=args.pregnant or None,
        kidney_disease=args.kidney_disease or None, nitrous_oxide=args.nitrous_oxide or None,
        recent_b12=args.recent_b12 or None,
        oral_contraceptives=args.oral_contraceptives or None)
    if args.format == "json":
        _print_json(lab_interpretation_dict(labs))
    else:
        lines = [f"Blood tests by {labs.guideline}: {labs.category_label} "
                 f"[{labs.category}]", "", "Findings:"]
        lines += [f"  {t}" for t in lab_findings_text(labs)]
        lines += ["", "Next steps:"] + [f"  - {t}" for t in labs.next_steps]
        lines += ["", "Caveats:"] + [f"  - {t}" for t in labs.caveats]
        lines += ["", "Sources: " + " ".join(labs.sources),
                  "Not a diagnosis: the guideline's bands, for a conversation with a "
                  "clinician. Educational estimate, not medical advice."]
        print("\n".join(lines))
    return LAB_EXIT_CODES[labs.category]


def _add_labs(sub: Any) -> None:
    r = sub.add_parser(
        "labs", help="read B12 blood results by NICE NG239 (2024)",
        description="Read B12 blood results with their units and put each on its band "
        "(total and active B12: NICE NG239 (2024); MMA raised above 0.271 umol/L; "
        "homocysteine above 15 umol/L), then give the overall category, next steps and "
        "caveats. A value is a number in the default unit or 'VALUE UNIT': total B12 "
        "pmol/L (default), pg/mL or ng/L; active B12 pmol/L; MMA umol/L (default) or "
        "nmol/L; homocysteine umol/L. Not a diagnosis. Exit code 0 for "
        "deficiency_unlikely, 1 for indeterminate or deficiency_likely, 2 on bad input.",
        epilog="Examples:\n  b12-planner labs --total-b12 \"250 pg/mL\" --mma 0.4\n"
        "  b12-planner labs --holotc 30 --pregnant --format json\n\n"
        "Exit codes: 0 deficiency_unlikely, 1 indeterminate or deficiency_likely, "
        "2 bad input.",
        formatter_class=_RAW)
    g = r.add_argument_group("results (at least one)")
    _add_lab_values(g)
    c = r.add_argument_group("circumstances that change how results read")
    c.add_argument("--pregnant", action="store_true",
                   help="pregnant (total B12 falls; active B12 is preferred)")
    c.add_argument("--nitrous-oxide", action="store_true",
                   help="nitrous oxide use (total and active B12 can look normal)")
    _add_lab_circumstances(c)
    c.add_argument("--age", default=None,
                   help="age in years (NICE NG239 covers over-16s; younger: a caveat)")
    _add_format(r)
    r.set_defaults(func=_labs)


# -- parser -----------------------------------------------------------------------------
def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="b12-planner",
        description="Does a diet give enough vitamin B12? Evaluate meal-plan CSV files, get "
        "suggestions, project body stores, search the USDA food table.",
        epilog="Examples:\n"
        "  b12-planner foods search \"soy milk\" --diet vegan\n"
        "  b12-planner evaluate week.csv --age 70 --diet vegan --condition ppi\n"
        "  b12-planner evaluate week.csv --age 35 --format json | jq .verdict\n\n"
        + help_text() + "\nExit codes: 0 ok (evaluate: meets_goal or adequate; labs: "
        "deficiency_unlikely), 1 any other verdict (evaluate) or category (labs), 2 bad "
        "input.",
        formatter_class=_RAW,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    foods = sub.add_parser(
        "foods", help="search the food table",
        epilog="Example: b12-planner foods search \"chedar\" --diet vegetarian",
        formatter_class=_RAW)
    foods_sub = foods.add_subparsers(dest="foods_command", required=True)
    s = foods_sub.add_parser(
        "search", help="typo-tolerant search by description, best match first",
        description="Search USDA food descriptions (typos are tolerated). B12 figures are "
        "per 100 g; 'added' is the part counted as crystalline (fortification).",
        epilog="Examples:\n  b12-planner foods search \"soy milk\" --diet vegan\n"
        "  b12-planner foods search salmon --limit 5 --format json",
        formatter_class=_RAW)
    s.add_argument("text", help="what to look for, e.g. \"fortified cereal\"")
    s.add_argument("--diet", default=None, help="only foods allowed on this diet")
    s.add_argument("--limit", type=_whole("--limit"), default=20,
                   help=f"at most this many foods, 1 to {MAX_LIMIT} (default 20)")
    _add_format(s, ("table", "json", "csv"))
    s.set_defaults(func=_foods_search)

    e = sub.add_parser(
        "evaluate", help="evaluate a meal-plan CSV: B12 eaten, absorbed, verdict",
        description="Evaluate a meal-plan CSV (columns day, meal, time, food_id, grams, "
        "dose_ug; see the README) for one person. The plan is averaged from its first to "
        "its last day (or over --days); days without entries count as days without B12. "
        "Exit code 0 for the verdicts meets_goal and adequate, 1 for below_requirement, "
        "below_ai and needs_clinician, 2 on bad input.",
        epilog="Examples:\n  b12-planner evaluate week.csv --age 70 --diet vegan "
        "--condition ppi --acid-reducer-years 5\n  b12-planner evaluate week.csv --age 30 "
        "--pregnant --authority EFSA --format json\n"
        "  b12-planner evaluate week.csv --age 35 --format csv > evaluated.csv\n\n"
        + help_text(),
        formatter_class=_RAW)
    e.add_argument("plan", metavar="PLAN.csv", help="the meal plan ('-' reads stdin)")
    _add_profile(e)
    e.add_argument("--days", type=_whole("--days"), default=None,
                   help="days to average over (default: first to last plan day)")
    e.add_argument("--initial-store", type=_number("--initial-store"), default=None,
                   metavar="UG",
                   help="body store at the start for the store outlook [µg] (default: "
                   "estimated from the diet and conditions; "
                   f"{DEFAULT_INITIAL_STORE_UG:,.0f} µg for a mixed diet)")
    _add_format(e, ("table", "json", "csv"))
    e.set_defaults(func=_evaluate)

    g = sub.add_parser(
        "suggest", help="what to add to a plan to reach the goal line",
        description="Rank fortified foods and supplements for this person and plan, and "
        "give the least change to the plan that reaches the goal line.",
        epilog="Example: b12-planner suggest week.csv --age 70 --diet vegan --exclude soy",
        formatter_class=_RAW)
    g.add_argument("plan", metavar="PLAN.csv", help="the meal plan ('-' reads stdin)")
    _add_profile(g)
    g.add_argument("--goal", choices=["target", "requirement"], default="target",
                   help="aim for the goal line (default) or the requirement line")
    g.add_argument("--exclude", action="append", default=[], metavar="WORD_OR_ID",
                   help="leave out foods: a food id or a word in the description; repeatable")
    g.add_argument("--days", type=_whole("--days"), default=None, help="days the plan covers")
    _add_format(g)
    g.set_defaults(func=_suggest)

    p = sub.add_parser(
        "project-stores", help="project the body B12 store over the years",
        description="Project the body B12 store at a constant absorbed intake "
        "(first-order turnover, 0.1 %/day normally) in three zones: replete (at least "
        f"{REPLETE_STORE_UG:,.0f} µg, what the requirement maintains), low, and depleted "
        f"(below {DEPLETION_THRESHOLD_UG:,.0f} µg). "
        "Says when the store leaves 'replete' and when it is depleted, or where it settles.",
        epilog="Examples:\n  b12-planner project-stores --absorbed 0.5 --years 10\n"
        "  b12-planner project-stores --absorbed 0.4 --diet vegan --years-without-b12 3\n"
        "  b12-planner project-stores --absorbed 0.2 --initial 1500 --condition "
        "pernicious_anemia --format json",
        formatter_class=_RAW)
    p.add_argument("--absorbed", type=_number("--absorbed"), required=True,
                   help="absorbed B12 [µg/day]")
    p.add_argument("--years", type=_number("--years"), default=None,
                   help=f"years to project, up to 100 (default {OUTLOOK_YEARS:g})")
    p.add_argument("--days", type=_whole("--days"), default=None,
                   help="days to project, instead of years (1 to 36,525)")
    p.add_argument("--initial", type=_number("--initial"), default=None,
                   help="store at the start [µg] (default: estimated from --diet, "
                   "--years-without-b12, --pregnant and --condition; "
                   f"{DEFAULT_INITIAL_STORE_UG:,.0f} for a mixed diet)")
    p.add_argument("--diet", default="omnivore", help="diet, for the starting estimate")
    p.add_argument("--years-without-b12", type=_number("--years-without-b12"), default=0.0,
                   metavar="YEARS",
                   help="years on a diet without a reliable B12 source before now")
    p.add_argument("--pregnant", action="store_true",
                   help="pregnant (the store does not protect the baby)")
    p.add_argument("--condition", action="append", default=[], metavar="NAME",
                   help="conditions that speed up turnover (e.g. pernicious_anemia)")
    _add_format(p, ("table", "json", "csv"))
    p.set_defaults(func=_project_stores)

    _add_data(sub)
    _add_labs(sub)
    _add_report(sub)
    return parser


def _one_line(exc: BaseException) -> str:
    try:
        text = str(exc).strip() or type(exc).__name__
    except Exception:  # noqa: BLE001 - a message that cannot be made is no reason to crash
        text = type(exc).__name__
    line = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return line if len(line) <= MAX_ERROR_LINE else line[:MAX_ERROR_LINE - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (argparse errors give 2)."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) and usage errors (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (ValueError, OSError, RuntimeError, KeyError) as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback, never exit code 1
        # (1 means "not adequate"; anything unforeseen is 2, like bad input)
        print(f"error: {type(exc).__name__}: {_one_line(exc)} (this is a bug in "
              "b12-planner; please report it with the command you ran)", file=sys.stderr)
        return EXIT_BAD_INPUT
