"""Saved plans survive restarts and crashes; a damaged file is kept and reported."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from planner import InputError
from planner.io.saved_plans import (
    delete_saved_plan,
    list_saved_plans,
    load_saved_plan,
    plans_dir,
    save_plan,
)

PLAN = pd.DataFrame({
    "day": [1, 1, 2],
    "meal": ["breakfast", "dinner", "breakfast"],
    "food_id": ["fndds:11360200", "sr28:01123", "supplement:cyanocobalamin"],
    "grams": [240.0, 50.0, None],
    "dose_ug": [None, None, 250.0],
})


def test_round_trip_and_listing(foods):
    save_plan(PLAN, "My week")
    save_plan(PLAN.iloc[:1], "current")
    assert set(list_saved_plans()) == {"my week", "current"}
    back = load_saved_plan("My week", foods)
    assert list(back["food_id"]) == list(PLAN["food_id"])
    assert back["dose_ug"].iloc[2] == 250.0
    assert load_saved_plan("my-week", foods) is None  # another name, another plan
    delete_saved_plan("MY  WEEK")  # case and repeated blanks do not make another name
    assert list_saved_plans() == ["current"]
    assert load_saved_plan("my week", foods) is None


def test_survives_a_new_process(foods):
    save_plan(PLAN)
    code = ("from planner.io.saved_plans import load_saved_plan;"
            "p = load_saved_plan(); print(len(p), p['food_id'].iloc[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=os.environ.copy()).stdout.split()
    assert out == ["3", "fndds:11360200"]


def test_crash_during_save_keeps_the_old_plan(foods):
    save_plan(PLAN)
    code = ("import os, pandas as pd; from planner.io import saved_plans as s;"
            "os.replace = lambda *a, **k: os._exit(9);"
            "s.save_plan(pd.DataFrame({'day':[5],'meal':['lunch'],"
            "'food_id':['sr28:01077'],'grams':[244.0]}))")
    proc = subprocess.run([sys.executable, "-c", code], env=os.environ.copy())
    assert proc.returncode == 9  # the process died between writing and renaming
    back = load_saved_plan(foods=foods)
    assert list(back["food_id"]) == list(PLAN["food_id"])


def test_damaged_file_is_moved_aside_and_reported(foods):
    path = save_plan(PLAN)
    path.write_text("day,meal,food_id,grams\n1,lunch,sr28:99999,-3\n", encoding="utf-8")
    with pytest.raises(InputError, match="corrupt-1") as exc:
        load_saved_plan(foods=foods)
    assert "sr28:99999" in str(exc.value)
    assert (plans_dir() / "current.csv.corrupt-1").read_text().startswith("day,meal")
    assert load_saved_plan(foods=foods) is None


@pytest.mark.parametrize("name", ["", "   ", "!!!", "../.."])
def test_bad_names(name):
    with pytest.raises(InputError, match="name"):
        save_plan(PLAN, name)


def test_an_empty_plan_is_refused_and_the_saved_one_kept(foods):
    save_plan(PLAN)
    with pytest.raises(InputError, match="empty plan"):
        save_plan(PLAN.iloc[:0])
    assert len(load_saved_plan(foods=foods)) == len(PLAN)


# -- the profile ------------------------------------------------------------------------------
def test_profile_round_trip_in_a_new_process():
    from planner import Profile, load_profile, save_profile

    assert load_profile() is None
    me = Profile(age=34, sex="female", diet="vegan", lactating=True,
                 conditions=("metformin", "ppi"), authority="EFSA")
    save_profile(me, initial_store_ug=800.0)
    code = ("from planner import load_profile; p, s = load_profile();"
            "print(p.age, p.diet, p.lactating, ','.join(p.conditions), p.authority, s)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=os.environ.copy()).stdout.split()
    assert out == ["34.0", "vegan", "True", "metformin,ppi", "EFSA", "800.0"]


@pytest.mark.parametrize("me", [
    dict(age=72, sex="male", diet="vegetarian", conditions=("ppi",), acid_reducer_years=3.5),
    dict(age=0.5, diet="omnivore"),
    dict(age=29, diet="vegan", pregnant=True, authority="DACH"),
])
def test_every_profile_field_is_kept(me):
    """Nothing the person told us is dropped on save (acid-reducer years included)."""
    from planner import Profile, load_profile, save_profile

    profile = Profile(**me)
    save_profile(profile)
    loaded, _ = load_profile()
    assert loaded == profile
    assert Profile.from_dict(profile.to_dict()) == profile


@pytest.mark.parametrize("text", [
    "not json",
    "[1, 2]",
    '{"profile": {"age": 200, "diet": "vegan"}}',                  # impossible age
    '{"profile": {"age": 30, "diet": "fruitarian"}}',              # unknown diet
    '{"profile": {"age": 30, "colour": "blue"}}',                  # unknown field
    '{"profile": {"age": 30}, "initial_store_ug": -5}',
])
def test_damaged_profile_is_moved_aside_and_reported(text):
    from planner import load_profile
    from planner.io.saved_plans import profile_path

    path = profile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="profile.json.corrupt-1"):
        load_profile()
    assert (path.parent / "profile.json.corrupt-1").read_text(encoding="utf-8") == text
    assert load_profile() is None


def test_bad_profile_values_are_refused():
    from planner import Profile, save_profile

    with pytest.raises(InputError, match="initial_store_ug"):
        save_profile(Profile(age=30), initial_store_ug=float("nan"))
    with pytest.raises(InputError, match="Profile"):
        save_profile({"age": 30})
