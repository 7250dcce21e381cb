"""Issue 15 points 2 and 4: symptoms and risk factors in the profile, the verdict, the
batch and the CLI; dated lab results kept with the profile and charted over time."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

import planner
import planner.model.labs
from planner import InputError, Profile
from planner.cli import main
from planner.model.evaluate import evaluate
from planner.model.symptoms import (
    OLDER_RISK_AGE_YEARS,
    assess_symptoms,
    load_risk_factors,
    load_symptoms,
    nice_risk_factors,
    unasked_risk_factors,
)

ROOT = Path(__file__).resolve().parent.parent
OMNIVORE = str(ROOT / "data" / "examples" / "omnivore.csv")  # adequate for age 40
#: A plan that meets the goal line for an adult on its own: 250 µg a day.
PLAN = pd.DataFrame({"day": [1, 2], "meal": ["breakfast", "breakfast"],
                     "food_id": ["supplement:cyanocobalamin"] * 2, "grams": [0.0, 0.0],
                     "dose_ug": [250.0, 250.0]})

SYMPTOMS = load_symptoms()
NEURO = {k: bool(n) for k, n in zip(SYMPTOMS["key"], SYMPTOMS["neurological"], strict=True)}


def test_vocabulary_covers_the_seed_list():
    """The eleven symptoms of the issue; the five neurological ones are the red flags."""
    assert list(NEURO) == ["fatigue", "breathlessness", "pale_skin", "sore_tongue",
                           "mouth_ulcers", "pins_and_needles", "numbness",
                           "balance_problems", "vision_problems", "memory_problems",
                           "mood_changes"]
    assert {k for k, n in NEURO.items() if n} == {
        "pins_and_needles", "numbness", "balance_problems", "vision_problems",
        "memory_problems"}


# -- the profile ------------------------------------------------------------------------
def test_profile_symptoms_and_risk_factors_are_normalised():
    p = Profile(age=40, symptoms=["Numbness", "tiredness"],
                risk_factors=("colchicine", "metformin"), conditions=("ppi",))
    assert p.symptoms == ("fatigue", "numbness")  # vocabulary order, alias read
    # a risk factor that is a condition feeds the model: it moves into conditions
    assert p.conditions == ("metformin", "ppi") and p.risk_factors == ("colchicine",)
    assert p.all_risk_factors == ("metformin", "ppi", "colchicine")


def test_conditions_count_as_risk_factors_without_being_repeated():
    p = Profile(age=40, conditions=("metformin",), risk_factors=("metformin",))
    assert p.conditions == ("metformin",) and p.risk_factors == ()
    assert p.all_risk_factors == ("metformin",)


@pytest.mark.parametrize("field, value, named", [
    ("symptoms", ("itching",), "itching"),
    ("symptoms", ("numbness", "headache"), "headache"),
    ("risk_factors", ("smoking",), "smoking"),
    ("symptoms", 5, "int"),
])
def test_unknown_names_are_an_input_error_listing_the_vocabulary(field, value, named):
    with pytest.raises(InputError) as exc:
        Profile(age=40, **{field: value})
    msg = str(exc.value)
    assert msg.startswith(field) and named in msg
    vocab = SYMPTOMS if field == "symptoms" else load_risk_factors()
    assert all(k in msg for k in vocab["key"])


@pytest.mark.parametrize("me", [
    dict(age=40, symptoms=("numbness", "fatigue")),
    dict(age=40, risk_factors=()),                        # asked: none apply
    dict(age=65, symptoms=("sore_tongue",), risk_factors=("family_history", "ppi")),
    dict(age=40),                                         # not asked (None)
])
def test_symptoms_and_risk_factors_survive_save_and_load(me):
    from planner import load_profile, save_profile

    p = Profile(**me)
    assert Profile.from_dict(p.to_dict()) == p
    save_profile(p)
    loaded, _ = load_profile()
    assert loaded == p
    assert loaded.symptoms == p.symptoms and loaded.risk_factors == p.risk_factors


def test_profile_file_from_before_symptoms_still_loads():
    """A profile.json written before these fields: no symptoms, risk factors not asked."""
    from planner import load_profile
    from planner.io.saved_plans import profile_path

    path = profile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"profile": {
        "age": 50.0, "sex": "female", "diet": "vegan", "pregnant": False,
        "lactating": False, "conditions": ["ppi"], "authority": "NASEM",
        "acid_reducer_years": None}, "initial_store_ug": 1000.0}), encoding="utf-8")
    p, store = load_profile()
    assert p.symptoms == () and p.risk_factors is None and store == 1000.0
    assert "ppi" not in unasked_risk_factors(p) and "metformin" in unasked_risk_factors(p)


def test_saved_profile_with_an_unknown_symptom_is_moved_aside():
    from planner import load_profile
    from planner.io.saved_plans import profile_path

    path = profile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"profile": {"age": 30, "symptoms": ["itching"]}}', encoding="utf-8")
    with pytest.raises(InputError, match="corrupt-1"):
        load_profile()
    assert load_profile() is None


# -- the verdict, symptom by symptom ------------------------------------------------------
NEURO_KEYS = [k for k, n in NEURO.items() if n]
OTHER_KEYS = [k for k, n in NEURO.items() if not n]


def test_the_plan_alone_meets_the_goal():
    s = evaluate(PLAN, Profile(age=40)).summary
    assert s["verdict"] == "meets_goal" and s["clinician"] is None


@pytest.mark.parametrize("symptom", NEURO_KEYS)
def test_each_neurological_symptom_needs_a_clinician(symptom):
    """needs_clinician, with the urgent words of assess_symptoms (one copy)."""
    s = evaluate(PLAN, Profile(age=40, symptoms=(symptom,), risk_factors=())).summary
    flags = {f["code"]: f for f in s["flags"]}
    words = assess_symptoms((symptom,)).messages[0]
    assert "permanent" in words and "do not wait" in words
    assert s["verdict"] == "needs_clinician" and not s["adequate"]
    assert flags["symptoms_urgent"]["severity"] == "urgent"
    assert words in flags["symptoms_urgent"]["message"]
    assert words in s["clinician"]["message"]
    assert s["clinician"]["symptoms"] == [symptom]
    assert "symptoms_test" not in flags


@pytest.mark.parametrize("symptom", OTHER_KEYS)
def test_each_other_symptom_keeps_the_verdict_and_suggests_a_test(symptom):
    s = evaluate(PLAN, Profile(age=40, symptoms=(symptom,), risk_factors=())).summary
    flags = {f["code"]: f for f in s["flags"]}
    assert s["verdict"] == "meets_goal" and s["clinician"] is None
    assert flags["symptoms_test"]["severity"] == "info"
    assert "blood test" in flags["symptoms_test"]["message"]
    assert "symptoms_urgent" not in flags


@pytest.mark.parametrize("profile, severity", [
    (dict(age=40, symptoms=("fatigue",)), "info"),
    (dict(age=40, symptoms=("fatigue",), risk_factors=("family_history",)), "warning"),
    (dict(age=40, symptoms=("fatigue",), conditions=("metformin",)), "warning"),
    (dict(age=40, diet="vegan", symptoms=("pale_skin",), risk_factors=("low_b12_diet",)),
     "warning"),
    (dict(age=OLDER_RISK_AGE_YEARS, symptoms=("fatigue",)), "warning"),
    (dict(age=OLDER_RISK_AGE_YEARS - 1, symptoms=("fatigue",)), "info"),
])
def test_risk_factors_make_the_blood_test_flag_a_warning(profile, severity):
    s = evaluate(PLAN, Profile(**profile)).summary
    flag = {f["code"]: f for f in s["flags"]}["symptoms_test"]
    assert flag["severity"] == severity


def test_age_60_warning_names_its_sources():
    s = evaluate(PLAN, Profile(age=OLDER_RISK_AGE_YEARS, symptoms=("fatigue",))).summary
    flag = {f["code"]: f for f in s["flags"]}["symptoms_test"]
    assert "[BAIK-99]" in flag["source"] and "[ALLEN-09]" in flag["source"]
    assert "over 60" in flag["message"]


def test_symptom_after_nitrous_oxide_is_urgent_too():
    s = evaluate(PLAN, Profile(age=25, symptoms=("fatigue",),
                               risk_factors=("nitrous_oxide",))).summary
    assert s["verdict"] == "needs_clinician"
    assert {f["code"] for f in s["flags"]} >= {"symptoms_urgent", "condition_nitrous_oxide"}


def test_risk_factors_alone_add_an_info_flag():
    s = evaluate(PLAN, Profile(age=40, risk_factors=("colchicine",))).summary
    assert s["verdict"] == "meets_goal"
    assert [f["severity"] for f in s["flags"] if f["code"] == "risk_factors"] == ["info"]


def test_unasked_risk_factors():
    nice = nice_risk_factors()
    assert "heavy_alcohol_use" not in nice  # the seed's, not NICE's
    assert {"metformin", "ppi", "h2_blocker", "colchicine", "anticonvulsants",
            "family_history", "autoimmune_condition", "nitrous_oxide"} <= set(nice)
    s = evaluate(PLAN, Profile(age=40, conditions=("ppi",))).summary
    assert s["risk_factors_unasked"] == [k for k in nice if k != "ppi"]
    assert evaluate(PLAN, Profile(age=40, risk_factors=())).summary[
        "risk_factors_unasked"] == []


# -- evaluate_many == evaluate per person -------------------------------------------------
def test_evaluate_many_with_symptoms_equals_evaluate_per_person(foods):
    profiles = pd.DataFrame({
        "person_id": [1, 2, 3, 4, 5, 6],
        "age": [40, 40, 70, 30, 55, 40],
        "diet": ["omnivore", "vegan", "vegan", "vegetarian", "omnivore", "omnivore"],
        "symptoms": ["numbness", "fatigue;mood_changes", None, "vision_problems;fatigue",
                     "", "fatigue"],
        "risk_factors": ["", "metformin", "family_history", None, "nitrous_oxide", "ppi"],
    })
    diary = pd.concat([PLAN.assign(person_id=i) for i in profiles["person_id"]],
                      ignore_index=True)
    diary.loc[diary["person_id"] == 2, "dose_ug"] = 1.0
    many = planner.evaluate_many(diary, profiles, foods).set_index("person_id")
    assert many.loc[1, "verdict"] == "needs_clinician"
    for r in profiles.itertuples(index=False):
        def names(v):
            return [] if v is None or pd.isna(v) else [x for x in v.split(";") if x.strip()]
        p = Profile(age=r.age, diet=r.diet, symptoms=names(r.symptoms),
                    risk_factors=names(r.risk_factors))
        one = evaluate(diary[diary["person_id"] == r.person_id].drop(columns="person_id"),
                       p, foods).summary
        assert many.loc[r.person_id, "verdict"] == one["verdict"], r.person_id
        assert many.loc[r.person_id, "absorbed_ug_per_day"] == pytest.approx(
            one["absorbed_ug_per_day"], rel=1e-12)


def test_batch_names_the_person_with_an_unknown_symptom(foods):
    profiles = pd.DataFrame({"person_id": ["a", "b"], "age": [40, 40],
                             "diet": ["vegan", "vegan"], "symptoms": ["fatigue", "itching"]})
    diary = PLAN.assign(person_id="a")
    with pytest.raises(InputError, match=r"person_id b: symptoms: 'itching' not known"):
        planner.evaluate_many(diary, profiles, foods)


# -- suggest reads the symptoms -----------------------------------------------------------
def test_neurological_symptoms_give_urgent_treatment_information_without_labs():
    r = planner.suggest(PLAN, Profile(age=40, symptoms=("pins_and_needles",)))
    assert r.status == "needs_clinician" and r.urgent
    assert r.treatment is not None and r.treatment.applies and r.treatment.basis == "symptoms"
    assert list(r.treatment.regimens["option"])[0] == "B12 injections"
    assert r.supplements.empty  # never maintenance doses on their own
    assert r.additions.empty


def test_deficiency_unlikely_labs_do_not_give_treatment_information():
    labs = planner.interpret_labs(total_b12=(500, "pg/mL"))
    t = planner.treatment_information(labs, symptoms=("numbness",))
    assert labs.category == "deficiency_unlikely" and not t.applies
    t = planner.treatment_information(None, symptoms=("fatigue",))
    assert not t.applies


def test_other_symptoms_leave_the_suggestions_alone():
    r = planner.suggest(PLAN, Profile(age=40, symptoms=("fatigue",)))
    assert r.status == "meets_goal" and not r.urgent
    assert r.treatment is not None and not r.treatment.applies


# -- dated lab results --------------------------------------------------------------------
RESULTS = [
    {"date": "2026-06-01", "marker": "total_b12", "value": 250, "unit": "pg/mL"},
    {"date": dt.date(2026, 1, 15), "marker": "total_b12", "value": "120 pmol/L"},
    {"date": "2026-06-01", "marker": "mma", "value": 350, "unit": "nmol/L"},
    {"date": "2026-09-01", "marker": "total_b12", "value": 400},
]


def test_lab_results_round_trip():
    assert planner.load_lab_results() is None
    path = planner.save_lab_results(RESULTS)
    assert path.name == "lab_results.json"
    back = planner.load_lab_results()
    assert back == [
        {"date": "2026-01-15", "marker": "total_b12", "value": 120.0, "unit": "pmol/L"},
        {"date": "2026-06-01", "marker": "total_b12", "value": 250.0, "unit": "pg/mL"},
        {"date": "2026-06-01", "marker": "mma", "value": 350.0, "unit": "nmol/L"},
        {"date": "2026-09-01", "marker": "total_b12", "value": 400.0, "unit": "pmol/L"},
    ]
    planner.save_lab_results([])
    assert planner.load_lab_results() == []


@pytest.mark.parametrize("bad, words", [
    ([{"date": "June", "marker": "mma", "value": 0.3}], ["lab result 1", "date"]),
    ([{"date": "2026-01-01", "marker": "folate", "value": 3}], ["lab result 1", "marker"]),
    ([RESULTS[0], {"date": "2026-01-01", "marker": "total_b12", "value": 3,
                   "unit": "mg/dL"}], ["lab result 2", "mg/dL"]),
    ([{"date": "2026-01-01", "marker": "mma", "value": -1}], ["lab result 1", "negative"]),
    ([{"date": "2026-01-01", "marker": "mma"}], ["value missing"]),
    ([{"date": "2026-01-01", "marker": "mma", "value": 1, "lab": "x"}], ["unknown field"]),
    ("250 pg/mL", ["list"]),
])
def test_bad_lab_results_are_refused_and_nothing_is_written(bad, words):
    from planner.io.saved_plans import lab_results_path

    with pytest.raises(InputError) as exc:
        planner.save_lab_results(bad)
    for w in words:
        assert w in str(exc.value)
    assert not lab_results_path().exists()


@pytest.mark.parametrize("text", [
    "not json",
    '{"lab_results": 5}',
    '{"lab_results": [{"date": "2026-01-01", "marker": "total_b12", "value": -3}]}',
])
def test_damaged_lab_results_are_moved_aside(text):
    from planner.io.saved_plans import lab_results_path

    path = lab_results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="lab_results.json.corrupt-1"):
        planner.load_lab_results()
    assert (path.parent / "lab_results.json.corrupt-1").read_text(encoding="utf-8") == text
    assert planner.load_lab_results() is None


def test_lab_history_is_tidy_and_in_the_default_unit():
    h = planner.lab_history(RESULTS)
    assert list(h.columns) == list(planner.model.labs.HISTORY_COLUMNS)
    assert pd.api.types.is_datetime64_any_dtype(h["date"])
    assert list(h["date"].dt.strftime("%Y-%m-%d")) == ["2026-01-15", "2026-06-01",
                                                       "2026-06-01", "2026-09-01"]
    b12 = h[h["marker"] == "total_b12"]
    assert set(b12["default_unit"]) == {"pmol/L"}
    assert b12["default_value"].tolist() == pytest.approx([120.0, 250 / 1.355, 400.0])
    # each value on its own band (NICE NG239 edges 132.8 and 258.3 pmol/L)
    assert b12["band"].tolist() == ["deficiency_likely", "indeterminate",
                                    "deficiency_unlikely"]
    assert h.loc[h["marker"] == "mma", "band"].tolist() == ["raised"]
    empty = planner.lab_history([])
    assert empty.empty and list(empty.columns) == list(planner.model.labs.HISTORY_COLUMNS)


# -- the CLI ------------------------------------------------------------------------------
def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args, category, code", [
    (["--total-b12", "500 pg/mL"], "deficiency_unlikely", 0),
    (["--total-b12", "250 pg/mL"], "indeterminate", 1),
    (["--total-b12", "250 pg/mL", "--mma", "0.4"], "deficiency_likely", 1),
    (["--total-b12", "250 pg/mL", "--mma", "350 nmol/L"], "deficiency_likely", 1),
    (["--total-b12", "120"], "deficiency_likely", 1),
    (["--holotc", "80"], "deficiency_unlikely", 0),
    (["--holotc", "30", "--pregnant"], "indeterminate", 1),
    (["--mma", "0.2"], "indeterminate", 1),
])
def test_labs_command_agrees_with_the_library(capsys, args, category, code):
    values = {"total_b12": None, "holotc": None, "mma": None}
    it = iter(args)
    for a in it:
        if a.startswith("--") and a[2:].replace("-", "_") in values:
            values[a[2:].replace("-", "_")] = planner.parse_lab_value(next(it))
    lib = planner.interpret_labs(**values, pregnant="--pregnant" in args or None)
    assert lib.category == category
    c, out, err = run(capsys, "labs", *args, "--format", "json")
    assert c == code and err == ""
    assert json.loads(out)["category"] == category
    c, out, _ = run(capsys, "labs", *args)
    assert c == code and f"[{category}]" in out and "NICE NG239" in out
    assert "Next steps:" in out and "Caveats:" in out


@pytest.mark.parametrize("args, words", [
    ([], ["at least one result"]),
    (["--total-b12", "5 mg/dL"], ["mg/dL"]),
    (["--mma", "-1"], ["negative"]),
    (["--holotc", "<20"], ["limit"]),
    (["--total-b12", "abc"], ["number"]),
    (["--holotc", "30", "--age", "-3"], ["age"]),
])
def test_labs_command_bad_input_is_exit_2(capsys, args, words):
    c, out, err = run(capsys, "labs", *args)
    assert c == 2 and out == "" and "Traceback" not in err
    assert err.startswith("error: ")
    for w in words:
        assert w in err


def test_labs_help_documents_the_exit_codes(capsys):
    c, out, _ = run(capsys, "labs", "--help")
    assert c == 0
    assert "0 deficiency_unlikely" in out and "1 indeterminate or deficiency_likely" in out


def test_cli_plan_alone_is_ok(capsys):
    code, out, _ = run(capsys, "evaluate", OMNIVORE, "--age", "40", "--format", "json")
    assert code == 0 and json.loads(out)["verdict"] in ("meets_goal", "adequate")


@pytest.mark.parametrize("symptoms, verdicts, exit_code", [
    *[([k], {"needs_clinician"}, 1) for k in NEURO_KEYS],
    *[([k], {"meets_goal", "adequate"}, 0) for k in OTHER_KEYS],
    (["fatigue,numbness"], {"needs_clinician"}, 1),
])
def test_cli_symptom_sets_the_verdict_and_exit_code(capsys, symptoms, verdicts, exit_code):
    argv = [a for k in symptoms for a in ("--symptom", k)]
    code, out, _ = run(capsys, "evaluate", OMNIVORE, "--age", "40", *argv,
                       "--risk-factor", "none", "--format", "json")
    data = json.loads(out)
    assert code == exit_code and data["verdict"] in verdicts
    assert data["summary"]["risk_factors_unasked"] == []


def test_cli_also_tell_us_hint(capsys):
    code, out, _ = run(capsys, "evaluate", OMNIVORE, "--age", "40", "--condition", "ppi")
    hint = [line for line in out.splitlines() if line.startswith("Also tell us:")]
    assert len(hint) == 1 and "metformin" in hint[0] and "ppi," not in hint[0]
    code, out, _ = run(capsys, "evaluate", OMNIVORE, "--age", "40", "--risk-factor",
                       "family_history")
    assert "Also tell us" not in out


def test_cli_unknown_symptom_is_exit_2(capsys):
    code, out, err = run(capsys, "evaluate", OMNIVORE, "--age", "40", "--symptom", "itching")
    assert code == 2 and "itching" in err and "numbness" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["evaluate", "suggest", "report"])
def test_help_lists_the_vocabulary(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    flat = " ".join(out.split())
    for key in list(NEURO) + list(load_risk_factors()["key"]):
        assert key in flat.replace("- ", "-"), key
