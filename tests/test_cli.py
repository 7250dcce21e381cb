"""The command line: every command's happy and bad-input paths, exit codes, help."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
PLANS = Path(__file__).parent / "data" / "plans"
VEGAN = str(EXAMPLES / "vegan.csv")  # not adequate for a vegan without supplements
OMNIVORE = str(EXAMPLES / "omnivore.csv")  # adequate


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_bad_input(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2
    assert err.startswith("error: ") or "error:" in err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1
    for w in words:
        assert w in err


# -- foods search -----------------------------------------------------------------------
def test_foods_search_table_json_csv(capsys):
    code, out, _ = run(capsys, "foods", "search", "chedar", "--diet", "vegetarian",
                       "--limit", "5")
    assert code == 0
    assert "Cheddar" in out and "food_id" in out
    code, out, _ = run(capsys, "foods", "search", "soy milk", "--diet", "vegan",
                       "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows and all(r["diet"] == "vegan" for r in rows)
    code, out, _ = run(capsys, "foods", "search", "salmon", "--limit", "3", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("food_id,description")
    assert len(out.splitlines()) == 4
    code, out, _ = run(capsys, "foods", "search", "qqqqzzzz")
    assert code == 0 and "No foods match" in out


def test_foods_search_bad_input(capsys):
    assert_bad_input(*run(capsys, "foods", "search", "milk", "--diet", "keto"), "diet")
    code, _, err = run(capsys, "foods", "search")
    assert code == 2 and "usage:" in err


# -- evaluate ---------------------------------------------------------------------------
def test_evaluate_exit_codes_and_table(capsys):
    code, out, _ = run(capsys, "evaluate", OMNIVORE, "--age", "35")
    assert code == 0
    assert "Absorbed" in out and "Goal line" in out
    assert "Verdict: Meets the goal [meets_goal]" in out
    code, out, _ = run(capsys, "evaluate", VEGAN, "--age", "70", "--diet", "vegan",
                       "--condition", "ppi", "--acid-reducer-years", "3")
    assert code == 1
    assert "[below_requirement]" in out and "Proton-pump" in out


@pytest.mark.parametrize(("argv", "verdict", "exit_code"), [
    # the case: pernicious anaemia with 250 µg a day was "meets the goal", exit 0
    (["--condition", "pernicious_anemia"], "needs_clinician", 1),
    (["--condition", "nitrous_oxide"], "needs_clinician", 1),
    (["--authority", "EFSA", "--dose", "5"], "below_ai", 1),
    (["--dose", "10"], "adequate", 0),
    (["--dose", "3"], "below_requirement", 1),
    ([], "meets_goal", 0),
])
def test_evaluate_exit_code_follows_the_verdict(capsys, tmp_path, argv, verdict, exit_code):
    dose = argv[argv.index("--dose") + 1] if "--dose" in argv else "250"
    argv = [a for i, a in enumerate(argv) if a != "--dose" and (i == 0 or argv[i - 1]
                                                               != "--dose")]
    plan = tmp_path / "p.csv"
    plan.write_text(f"day,meal,food_id,dose_ug\n1,breakfast,supplement:cyanocobalamin,{dose}\n")
    code, out, _ = run(capsys, "evaluate", str(plan), "--age", "40", *argv)
    assert code == exit_code and f"[{verdict}]" in out
    code, out, _ = run(capsys, "evaluate", str(plan), "--age", "40", *argv, "--format", "json")
    assert code == exit_code and json.loads(out)["verdict"] == verdict
    assert json.loads(out)["summary"]["verdict"] == verdict
    code, out, _ = run(capsys, "evaluate", str(plan), "--age", "40", *argv, "--format", "csv")
    assert code == exit_code and out.splitlines()[1].endswith("," + verdict)


def test_help_documents_the_verdicts_and_exit_codes(capsys):
    for argv in (["--help"], ["evaluate", "--help"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0
        for key in ("meets_goal", "adequate", "below_requirement", "below_ai",
                    "needs_clinician", "exit 2"):
            assert key in out


def test_evaluate_json_matches_library(capsys, foods):
    from planner import Profile, evaluate, plan_from_csv, round_significant

    code, out, _ = run(capsys, "evaluate", VEGAN, "--age", "70", "--diet", "vegan",
                       "--condition", "ppi,metformin", "--authority", "EFSA",
                       "--format", "json")
    data = json.loads(out)
    expected = evaluate(plan_from_csv(VEGAN, foods), Profile(
        age=70, diet="vegan", conditions=("ppi", "metformin"), authority="EFSA"), foods)
    assert code == (0 if expected.summary["adequate"] else 1)
    # the same number, written as people read it (4 significant digits)
    assert data["summary"]["absorbed_ug_per_day"] == pytest.approx(
        expected.summary["absorbed_ug_per_day"], rel=5e-4)
    assert data["summary"]["absorbed_ug_per_day"] == round_significant(
        expected.summary["absorbed_ug_per_day"])
    assert data["summary"]["authority"] == "EFSA"
    assert data["recommendation"]["authority"] == "EFSA"
    assert len(data["days"]) == 7
    assert {f["code"] for f in data["summary"]["flags"]} >= {"condition_ppi",
                                                            "condition_metformin"}


def test_evaluate_csv_export_and_stdin(capsys, monkeypatch):
    code, out, _ = run(capsys, "evaluate", OMNIVORE, "--age", "35", "--format", "csv")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header[-4:] == ["ingested_ug", "fortified_ug", "absorbed_ug", "verdict"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        Path(OMNIVORE).read_bytes())))
    code2, out2, _ = run(capsys, "evaluate", "-", "--age", "35", "--format", "csv")
    assert code2 == 0 and out2 == out


def test_evaluate_pregnancy_without_sex_and_days(capsys):
    code, out, _ = run(capsys, "evaluate", OMNIVORE, "--age", "30", "--pregnant",
                       "--format", "json", "--days", "14")
    data = json.loads(out)
    assert data["summary"]["life_stage"].lower().startswith("pregnan")
    assert data["summary"]["days"] == 14


@pytest.mark.parametrize(("argv", "words"), [
    (["evaluate", "missing.csv", "--age", "30"], ["missing.csv"]),
    (["evaluate", str(PLANS / "unknown_ids.csv"), "--age", "30"], ["unknown food_id"]),
    (["evaluate", str(PLANS / "bad_numbers.csv"), "--age", "30"], ["row"]),
    (["evaluate", OMNIVORE, "--age", "abc"], ["age"]),
    (["evaluate", OMNIVORE, "--age", "30", "--diet", "keto"], ["diet"]),
    (["evaluate", OMNIVORE, "--age", "30", "--condition", "scurvy"], ["scurvy"]),
    (["evaluate", OMNIVORE, "--age", "30", "--authority", "FDA"], ["FDA"]),
    (["evaluate", OMNIVORE, "--age", "30", "--sex", "male", "--pregnant"], ["pregnant"]),
    (["evaluate", OMNIVORE, "--age", "30", "--days", "3"], ["days"]),
    (["evaluate", str(PLANS / "latin1.csv"), "--age", "30"], ["UTF-8"]),
])
def test_evaluate_bad_input(capsys, argv, words):
    assert_bad_input(*run(capsys, *argv), *words)


def test_usage_errors_exit_2(capsys):
    code, _, err = run(capsys, "evaluate", OMNIVORE)
    assert code == 2 and "--age" in err
    code, _, err = run(capsys, "evaluate", OMNIVORE, "--age", "30", "--format", "xml")
    assert code == 2 and "invalid choice" in err
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    code, _, err = run(capsys)
    assert code == 2


# -- suggest ----------------------------------------------------------------------------
def test_suggest_table_and_json(capsys):
    pytest.importorskip("planner.model.suggest")
    code, out, _ = run(capsys, "suggest", VEGAN, "--age", "30", "--diet", "vegan")
    assert code == 0
    assert "Foods" in out and "Supplements" in out
    code, out, _ = run(capsys, "suggest", VEGAN, "--age", "30", "--diet", "vegan",
                       "--exclude", "soy", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["status"] in {"plan_found", "no_food_plan", "meets_goal", "needs_clinician"}
    assert data["messages"] and data["supplements"]
    assert not any("soy" in f["description"].lower() for f in data["foods"])


def test_suggest_bad_input(capsys):
    pytest.importorskip("planner.model.suggest")
    assert_bad_input(*run(capsys, "suggest", VEGAN, "--age", "-4"), "age")
    assert_bad_input(*run(capsys, "suggest", "nope.csv", "--age", "30"), "nope.csv")


# -- project-stores ---------------------------------------------------------------------
def test_project_stores_formats(capsys):
    code, out, _ = run(capsys, "project-stores", "--absorbed", "0.5", "--years", "10")
    # 500 µg is a low steady state, not "never depleted" (the old wording)
    assert code == 0 and "settles near 500 µg: low" in out and "leaves the replete" in out
    code, out, _ = run(capsys, "project-stores", "--absorbed", "0", "--diet", "vegan",
                       "--years-without-b12", "3", "--format", "json")
    # an estimate, so written to 4 significant digits: 2500·e^(−0.001·365.25·3) = 835.9…
    assert json.loads(out)["initial_store_ug"] == pytest.approx(2500 * math.exp(-1.09575),
                                                                rel=5e-4)
    code, out, _ = run(capsys, "project-stores", "--absorbed", "0", "--initial", "2000",
                       "--format", "json")
    data = json.loads(out)
    assert data["depletion_years"] == pytest.approx(5.19, abs=0.01)  # ln(2000/300)/0.001
    assert data["yearly"][0]["store_ug"] == 2000
    code, out, _ = run(capsys, "project-stores", "--absorbed", "0.2", "--days", "30",
                       "--condition", "pernicious_anemia", "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 32
    assert out.splitlines()[0] == "day,store_ug,below_threshold,zone"


def significant_digits(x: float) -> int:
    return len(repr(float(x)).replace(".", "").replace("-", "").lstrip("0").rstrip("0")
               .removesuffix("e"))


def numbers_in(obj) -> list[float]:
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in numbers_in(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in numbers_in(v)]
    return [obj] if isinstance(obj, float) else []


def test_json_exports_read_as_people_read_them_and_echo_inputs_exactly(capsys):
    """Computed numbers have at most 4 significant digits (never 0.8360000000000001);
    what the user typed comes back exactly."""
    code, out, _ = run(capsys, "project-stores", "--absorbed", "0.123456789", "--initial",
                       "1234.56789", "--years", "3", "--format", "json")
    data = json.loads(out)
    assert data["absorbed_ug_per_day"] == 0.123456789
    assert data["initial_store_ug"] == 1234.56789
    computed = numbers_in({k: v for k, v in data.items()
                           if k not in ("absorbed_ug_per_day", "initial_store_ug")})
    assert len(computed) > 5, "precondition: the reply has computed numbers"
    assert [x for x in computed if abs(x) < 1e4 and significant_digits(x) > 4] == []
    code, out, _ = run(capsys, "evaluate", VEGAN, "--age", "70", "--diet", "vegan",
                       "--format", "json")
    data = json.loads(out)
    computed = numbers_in({"summary": data["summary"], "days": data["days"],
                           "store_outlook": data["store_outlook"]})
    assert len(computed) > 20, "precondition: the reply has computed numbers"
    assert [x for x in computed if abs(x) < 1e4 and significant_digits(x) > 4] == []
    code, out, _ = run(capsys, "project-stores", "--absorbed", "0.123456789", "--days", "40",
                       "--format", "csv")
    stores = [float(line.split(",")[1]) for line in out.splitlines()[1:]]
    assert len(stores) == 41 and all(significant_digits(x) <= 4 for x in stores)


@pytest.mark.parametrize(("argv", "words"), [
    (["project-stores", "--absorbed", "-1"], ["absorbed"]),
    (["project-stores", "--absorbed", "1", "--years", "500"], ["days"]),
    (["project-stores", "--absorbed", "1", "--initial", "1e9"], ["initial_store_ug"]),
    (["project-stores", "--absorbed", "1", "--condition", "flu"], ["flu"]),
    (["project-stores", "--absorbed", "1", "--years", "2", "--days", "3"], ["not both"]),
])
def test_project_stores_bad_input(capsys, argv, words):
    assert_bad_input(*run(capsys, *argv), *words)


# -- data -------------------------------------------------------------------------------
def test_data_build_bad_input(capsys, tmp_path):
    code, out, err = run(capsys, "data", "build", "--sr28", str(tmp_path / "nope"), "--fndds",
                         str(tmp_path / "nope2"), "--out", str(tmp_path / "out"))
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err


def test_data_build_happy_path(capsys, tmp_path, monkeypatch):
    """The command hands its folders to the build (the real build, ~17 s, is checked once
    per session in tests/test_build.py against the committed tables)."""
    calls = []
    monkeypatch.setattr("planner.cli.build_data", lambda **kw: calls.append(kw) or {})
    code, out, err = run(capsys, "data", "build", "--sr28", str(tmp_path / "sr"), "--fndds",
                         str(tmp_path / "fn"), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert calls == [{"sr28_dir": str(tmp_path / "sr"), "fndds_dir": str(tmp_path / "fn"),
                      "out_dir": str(tmp_path / "out")}]


# -- help -------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [
    [], ["foods"], ["foods", "search"], ["evaluate"], ["suggest"], ["project-stores"],
    ["data"], ["data", "build"], ["data", "download"],
])
def test_every_command_has_help_with_an_example(capsys, command):
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert "Example" in out


# -- as a program -----------------------------------------------------------------------
def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}


def test_python_dash_m_planner(tmp_path):
    done = subprocess.run([sys.executable, "-m", "planner", "evaluate", VEGAN, "--age", "30",
                           "--diet", "vegan", "--format", "json"], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(), timeout=120)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["adequate"] is False
    done = subprocess.run([sys.executable, "-m", "planner", "evaluate", "nope.csv", "--age",
                           "30"], capture_output=True, text=True, cwd=tmp_path, env=_env(),
                          timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1


def test_console_script(tmp_path):
    exe = shutil.which("b12-planner") or str(Path(sys.executable).parent / "b12-planner")
    if not Path(exe).is_file():
        pytest.skip("the b12-planner console script is not installed")
    done = subprocess.run([exe, "evaluate", OMNIVORE, "--age", "35"], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "[meets_goal]" in done.stdout
    done = subprocess.run([exe, "project-stores", "--absorbed", "x"], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(), timeout=120)
    assert done.returncode == 2 and "usage:" in done.stderr
    done = subprocess.run([exe, "foods", "search", "egg", "--limit", "1", "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=120)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 1


def test_evaluate_gives_a_child_no_adult_store_outlook(capsys):
    """The store model's figures are adults' [IOM p.308, p.331]: the app, the report and
    the command line say so for a child rather than project an adult's store."""
    code, out, _ = run(capsys, "evaluate", VEGAN, "--age", "4", "--format", "json")
    data = json.loads(out)
    assert data["store_outlook"] is None
    assert data["store_outlook_note"].startswith("No body-store outlook for a child")
    code, out, _ = run(capsys, "evaluate", VEGAN, "--age", "4")
    assert "Body store: No body-store outlook for a child" in out
    code, out, _ = run(capsys, "evaluate", VEGAN, "--age", "30", "--format", "json")
    assert json.loads(out)["store_outlook"]["steady_state_ug"] > 0  # an adult gets one
