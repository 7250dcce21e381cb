"""The PDF report: its text (read back with pypdf), its page count, hostile text, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("fpdf", reason="the 'report' extra is not installed")
pytest.importorskip("matplotlib", reason="the 'report' extra is not installed")
pypdf = pytest.importorskip("pypdf")

import planner  # noqa: E402
from planner.cli import main  # noqa: E402
from planner.errors import InputError  # noqa: E402
from planner.io.report import save_report, source_tags, write_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VEGAN = ROOT / "data" / "examples" / "vegan.csv"
DAY = dt.date(2026, 12, 1)
#: Phrases that would state a diagnosis; the report only names the guideline's bands.
DIAGNOSIS = re.compile(r"you (have|are) (a )?(b12 )?defici|(?<!make a )diagnosis:|diagnosed with|"
                       r"you have pernicious|confirms? (a |the )?deficiency", re.I)


@pytest.fixture(scope="module")
def case(foods):
    plan = planner.plan_from_csv(VEGAN, foods)
    profile = planner.Profile(age=35, diet="vegan", conditions=("metformin",))
    ev = planner.evaluate(plan, profile, foods)
    return SimpleNamespace(plan=plan, profile=profile, ev=ev,
                           sug=planner.suggest(plan, profile, foods))


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def render(case, **kw) -> tuple[int, int, str]:
    buf = io.BytesIO()
    args = dict(evaluation=case.ev, profile=case.profile, created=DAY, plan_name="vegan.csv")
    args.update(kw)
    pages = write_report(buf, **args)
    data = buf.getvalue()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    n, text = pdf_text(data)
    return pages, n, text


def test_full_report_names_everything_a_clinician_needs(case):
    labs = planner.interpret_labs(total_b12=(250, "pg/mL"), mma=(350, "nmol/L"),
                                  homocysteine=18, profile=case.profile)
    pages, n, text = render(case, labs=labs, symptoms=["numbness", "fatigue"],
                            suggestions=case.sug)
    assert pages == n and 1 <= n <= 2
    s = case.ev.summary
    for phrase in (
        "B12 status report", "vegan.csv", "2026-12-01", f"B12 Planner {planner.__version__}",
        "not medical advice", "does not make a diagnosis",
        "age 35", "vegan", "metformin",                         # profile
        f"{s['intake_ug_per_day']:.2f} µg", f"{s['absorbed_ug_per_day']:.2f} µg",
        planner.VERDICTS[s["verdict"]].label,                          # the library's verdict
        "Chart: B12 per day", "Chart: store outlook",            # chart captions
        "Overall, by NICE NG239 (2024): deficiency likely",     # the guideline named
        "250 pg/mL (184.5 pmol/L)", "indeterminate", "180–350 ng/L", "raised",
        "Kuzminski et al. 1998",                                 # MMA cut-off's source
        "Red flags (neurological): Numbness",                     # red flag
        "nerve damage can become permanent",
        "1000–2000 µg a day", "diet plan is for afterwards",      # treatment information
        "Suggestions for the diet plan (for after treatment)",
        "Sources", "[NICE-NG239]", "[IOM]", "[SR28]",
        "≥",                                                     # font covers ≥ (vegan flag)
    ):
        assert phrase in text, phrase
    assert not DIAGNOSIS.search(text)


def test_minimal_report_is_one_or_two_pages(case):
    pages, n, text = render(case)
    assert pages == n and 1 <= n <= 2
    assert "No blood results were entered." in text
    assert "Symptoms: none entered" in text
    assert "not medical advice" in text


def test_a_childs_report_has_no_adult_store_outlook(foods):
    """The store model's figures are adults' [IOM p.308, p.331]: a child's report says so
    instead of drawing an adult's store (the adult report draws it, test above)."""
    plan = planner.plan_from_csv(VEGAN, foods)
    for age, outlook in ((4, False), (17, False), (18, True)):
        profile = planner.Profile(age=age, diet="vegan")
        ev = planner.evaluate(plan, profile, foods)
        text = render(SimpleNamespace(ev=ev, profile=profile))[2]
        assert ("Chart: store outlook" in text) is outlook, age
        assert ("No body-store outlook for a child" in text) is not outlook, age
        assert "Chart: B12 per day" in text


@pytest.mark.parametrize("verdict", list(planner.Verdict))
def test_the_report_states_the_libraries_verdict(case, verdict):
    """Whatever the verdict, the report prints its label and explanation (one vocabulary)."""
    ev = SimpleNamespace(summary={**case.ev.summary, "verdict": verdict.value},
                         days=case.ev.days, recommendation=case.ev.recommendation)
    text = render(case, evaluation=ev)[2]
    assert planner.VERDICTS[verdict].label in text
    assert planner.VERDICTS[verdict].explanation[:40] in text


def test_user_and_file_text_is_printed_as_plain_text_and_fits(case):
    hostile = ("**bold** <b>tag</b> \x00\x07\u202e{nb} %PDF " + "x" * 5000 + " 漢字 \U0001F600")
    many = [hostile] * 60
    pages, n, text = render(case, plan_name=hostile, suggestions=many,
                            labs=planner.interpret_labs(total_b12=100))
    assert pages == n and 1 <= n <= 2
    assert "**bold** <b>tag</b>" in text     # markup is not interpreted
    assert "{nb}" in text                    # nor fpdf2's page-count alias
    assert f"page {n}/{n}" in text
    assert "\x00" not in text and "\u202e" not in text


def test_no_diagnosis_in_any_category(case):
    for kw in (dict(total_b12=100), dict(total_b12=200), dict(total_b12=500),
               dict(holotc=20, mma=0.5), dict(homocysteine=40)):
        text = render(case, labs=planner.interpret_labs(**kw))[2]
        assert "NICE NG239" in text
        assert not DIAGNOSIS.search(text), kw


def test_report_checks_its_input(case):
    with pytest.raises(InputError, match="planner.model.evaluate"):
        write_report(io.BytesIO(), evaluation=object(), profile=case.profile)
    with pytest.raises(InputError, match="interpret_labs"):
        write_report(io.BytesIO(), evaluation=case.ev, profile=case.profile,
                     labs={"category": "deficiency_likely"})
    with pytest.raises(InputError, match="headache"):
        write_report(io.BytesIO(), evaluation=case.ev, profile=case.profile,
                     symptoms=["headache"])


def test_save_report_is_atomic(case, tmp_path):
    out = tmp_path / "r.pdf"
    assert save_report(out, evaluation=case.ev, profile=case.profile, created=DAY) in (1, 2)
    before = out.read_bytes()
    with pytest.raises(InputError):
        save_report(out, evaluation=object(), profile=case.profile)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_source_tags_strip_pages():
    assert source_tags("[IOM p.306] [EFSA-15]", ["[IOM p.342]", "[IOM App. N]"]) == [
        "IOM", "EFSA-15"]


# -- command line -------------------------------------------------------------------------------
def test_cli_report(tmp_path, capsys):
    out = tmp_path / "report.pdf"
    code = main(["report", str(VEGAN), "--age", "70", "--diet", "vegan",
                 "--total-b12", "250 pg/mL", "--mma", "350 nmol/L", "--symptom", "numbness",
                 "--risk-factor", "metformin", "--no-suggestions", "--out", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert "deficiency likely" in stdout and "not medical advice" in stdout
    n, text = pdf_text(out.read_bytes())
    assert 1 <= n <= 2
    assert "250 pg/mL" in text and "Numbness" in text and "Metformin" in text


@pytest.mark.parametrize("argv, words", [
    (["--total-b12", "250 mg/dL"], ["mg/dL is not a unit for total B12"]),
    (["--mma", "-1"], ["negative"]),
    (["--holotc", "<25"], ["a limit, not a value"]),
    (["--symptom", "headache"], ["headache"]),
])
def test_cli_report_bad_input(tmp_path, capsys, argv, words):
    out = tmp_path / "report.pdf"
    code = main(["report", str(VEGAN), "--age", "40", "--no-suggestions", "--out", str(out),
                 *argv])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("error: ") and "Traceback" not in err
    for w in words:
        assert w in err
    assert not out.exists()
