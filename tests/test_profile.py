"""Profile: validation (errors name the field), normalisation, and profile flags."""

from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.model.absorption import CONDITIONS
from planner.model.profile import Profile

VOCABULARY = ("metformin", "ppi", "h2_blocker", "atrophic_gastritis", "pernicious_anemia",
              "bariatric_surgery", "ileal_resection", "nitrous_oxide")


@pytest.mark.parametrize("kwargs,field", [
    ({"age": -1}, "age"),
    ({"age": 200}, "age"),
    ({"age": "old"}, "age"),
    ({"age": None}, "age"),
    ({"age": True}, "age"),
    ({"age": float("nan")}, "age"),
    ({"age_months": -3}, "age_months"),
    ({"age": 5, "pregnant": True}, "pregnant"),
    ({"age": 75, "lactating": True}, "lactating"),
    ({"age": 30, "sex": "male", "pregnant": True}, "pregnant"),
    ({"age": 30, "sex": "robot"}, "sex"),
    ({"age": 30, "diet": "carnivore"}, "diet"),
    ({"age": 30, "conditions": ["gout"]}, "conditions"),
    ({"age": 30, "conditions": 5}, "conditions"),
    ({"age": 30, "authority": "FDA"}, "authority"),
    ({"age": 30, "pregnant": "maybe"}, "pregnant"),
    ({"age": 2, "age_months": 6}, "age"),
])
def test_invalid_values_raise_input_error_naming_the_field(kwargs, field):
    with pytest.raises(InputError, match=field) as exc:
        Profile(**kwargs)
    assert isinstance(exc.value, ValueError)


def test_vocabulary_is_the_issue_list():
    assert tuple(CONDITIONS) == VOCABULARY


def test_normalisation():
    p = Profile(age="34", sex="F", diet=" Vegan ", conditions=["PPI", "metformin", "ppi"],
                authority="efsa")
    assert (p.age, p.sex, p.diet, p.authority) == (34.0, "female", "vegan", "EFSA")
    assert p.conditions == ("metformin", "ppi")
    assert Profile(age=30, conditions="pernicious anaemia").conditions == ("pernicious_anemia",)
    assert Profile(age=30, conditions=None).conditions == ()


def test_infant_age_in_months_or_fractional_years():
    assert Profile(age_months=6).age == pytest.approx(0.5)
    assert Profile(age=0.25).age == 0.25
    assert Profile(age=0.5, age_months=6).age == pytest.approx(0.5)


def test_from_dict_rejects_unknown_fields():
    assert Profile.from_dict({"age": 40, "diet": "vegan"}).diet == "vegan"
    with pytest.raises(InputError, match="weight"):
        Profile.from_dict({"age": 40, "weight": 70})
    with pytest.raises(InputError):
        Profile.from_dict(["age", 40])


def test_profile_is_immutable_and_hashable():
    p = Profile(age=40, conditions=["ppi"])
    with pytest.raises(AttributeError):
        p.age = 41  # type: ignore[misc]
    assert hash(p) == hash(Profile(age=40, conditions=("ppi",)))


def _codes(p):
    return [f["code"] for f in p.flags()]


def test_over_50_gets_the_iom_advice():
    flags = Profile(age=51).flags()
    assert flags[0]["code"] == "over_50" and flags[0]["source"] == "[IOM p.306]"
    assert "fortified" in flags[0]["message"]
    assert "over_50" not in _codes(Profile(age=50))


def test_vegan_pregnancy_needs_a_daily_source():
    p = Profile(age=30, diet="vegan", pregnant=True)
    flag = next(f for f in p.flags() if f["code"] == "pregnancy_daily_source")
    assert flag["source"] == "[IOM p.340]"
    assert "pregnancy_daily_source" not in _codes(Profile(age=30, pregnant=True))


@pytest.mark.parametrize("condition,severity,tag,words", [
    ("metformin", "warning", "[MHRA-22]", "test"),
    ("ppi", "info", "[LAM-13]", "2 years"),          # years not given: asked, info [LAM-13]
    ("h2_blocker", "info", "[LAM-13]", "2 years"),
    ("atrophic_gastritis", "warning", "[IOM p.342]", "fortified"),
    ("pernicious_anemia", "urgent", "[KUZMINSKI-98]", "under a clinician"),
    ("bariatric_surgery", "urgent", "[ASMBS]", "350–500 µg"),
    ("ileal_resection", "urgent", "[IOM p.342]", "under a clinician"),
    ("nitrous_oxide", "urgent", "[N2O]", "cannot compensate"),
])
def test_every_condition_flags_with_its_source(condition, severity, tag, words):
    flags = [f for f in Profile(age=40, conditions=[condition]).flags()
             if f["code"] == f"condition_{condition}"]
    assert len(flags) == 1
    assert flags[0]["severity"] == severity
    assert tag in flags[0]["source"]
    assert words in flags[0]["message"]


def test_clinician_messages_come_one_per_condition_and_never_contradict():
    # the old bariatric note said 350–500 µg and then "only 1000–2000 µg works"
    p = Profile(age=40, conditions=["pernicious_anemia", "bariatric_surgery",
                                    "ileal_resection", "nitrous_oxide"])
    assert p.needs_clinician == ("bariatric_surgery", "ileal_resection", "nitrous_oxide",
                                 "pernicious_anemia")
    messages = [f["message"] for f in p.flags() if f["code"].startswith("condition_")]
    assert len(messages) == len(set(messages)) == 4
    bariatric = next(m for m in messages if m.startswith("After bariatric"))
    assert "1000–2000" not in bariatric and "only" not in bariatric


def test_autoimmune_gastritis_is_pernicious_anaemia():
    assert Profile(age=40, conditions=["autoimmune gastritis"]).conditions == (
        "pernicious_anemia",)


@pytest.mark.parametrize("kwargs,match", [
    (dict(acid_reducer_years=3), "needs the condition"),
    (dict(conditions=["ppi"], acid_reducer_years=-1), "out of range"),
    (dict(conditions=["ppi"], acid_reducer_years=50), "more than the age"),
    (dict(conditions=["ppi"], acid_reducer_years="x"), "must be a number"),
])
def test_acid_reducer_years_are_checked(kwargs, match):
    with pytest.raises(InputError, match=match):
        Profile(age=40, **kwargs)


def test_acid_reducer_warning_from_two_years_on():
    def flag(years):
        p = Profile(age=60, conditions=["h2_blocker"], acid_reducer_years=years)
        return next(f for f in p.flags() if f["code"] == "condition_h2_blocker")

    assert flag(1.9)["severity"] == "info"
    assert flag(2)["severity"] == "warning" and "1.25×" in flag(2)["message"]


def test_with_authority():
    p = Profile(age_months=8).with_authority("DACH")
    assert p.authority == "DACH" and p.age == pytest.approx(8 / 12)


# -- rules the app used to hold (issue 14: domain rules in the library) -----------------------
@pytest.mark.parametrize("sex, age, ok", [
    ("female", 30, True), ("female", 10, True), ("female", 60, True),
    ("female", 9, False), ("female", 61, False), ("male", 30, False), ("Female", 30, True),
    ("female", None, False),
])
def test_can_be_pregnant_is_the_bound_profile_checks(sex, age, ok):
    from planner.model.profile import can_be_pregnant

    assert can_be_pregnant(sex, age) is ok
    if age is not None:  # the same bound as Profile's own check
        if ok:
            assert Profile(age=age, sex=sex, pregnant=True).pregnant
        else:
            with pytest.raises(InputError):
                Profile(age=age, sex=sex, pregnant=True)


def test_acid_reducer_years_go_with_the_acid_reducers_only():
    from planner.model.profile import ACID_REDUCERS

    assert ACID_REDUCERS == {"ppi", "h2_blocker"}
    for c in ACID_REDUCERS:
        assert Profile(age=50, conditions=(c,), acid_reducer_years=3).acid_reducer_years == 3
    with pytest.raises(InputError, match="ppi or h2_blocker"):
        Profile(age=50, conditions=("metformin",), acid_reducer_years=3)
