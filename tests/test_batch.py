"""Batch evaluation: evaluate_many equals evaluate per person; xpt reading; Dask path."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.errors import InputError
from planner.io.xpt import NHANES_EATING_OCCASIONS, read_diaries_xpt
from planner.model.batch import RESULT_COLUMNS, evaluate_many, evaluate_many_dask
from planner.model.evaluate import evaluate
from planner.model.profile import Profile

SUMMARY_FIGURES = ("intake_ug_per_day", "absorbed_ug_per_day", "target_intake_ug",
                   "target_absorbed_ug", "requirement_absorbed_ug")
CONDITION_SETS = ("", "ppi", "metformin", "ppi;metformin", "pernicious_anemia",
                  "atrophic_gastritis", "h2_blocker;metformin", "nitrous_oxide")
AUTHORITIES = ("NASEM", "EFSA", "DACH", "UK", "WHO")


def random_people(foods, n_people: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random profiles and diaries: every kind of row the batch must handle."""
    rng = np.random.default_rng(seed)
    ids = foods.df["food_id"].to_numpy()
    no_b12 = foods.df.index[foods.df["b12_ug"].isna()].to_numpy()
    unreliable = foods.df.index[~foods.df["b12_reliable"]].to_numpy()
    fortified = foods.df.index[foods.df["b12_fortified_ug"] > 0].to_numpy()
    rich = foods.df.index[foods.df["b12_ug"] > 10].to_numpy()
    profiles, rows = [], []
    for p in range(n_people):
        age = float(rng.choice([rng.uniform(0, 1), rng.uniform(1, 19), rng.uniform(19, 95)]))
        age = round(age, 2)
        sex = str(rng.choice(["female", "male"]))
        pregnant = lactating = False
        authority = str(rng.choice(AUTHORITIES))
        if sex == "female" and 19 <= age <= 45 and rng.random() < 0.3:
            pregnant, lactating = bool(rng.random() < 0.5), bool(rng.random() < 0.5)
            authority = str(rng.choice(["NASEM", "EFSA", "DACH"]))
        if age < 1:
            authority = "NASEM"
        profiles.append({
            "person_id": f"P{p:04d}", "age": age, "sex": sex,
            "diet": str(rng.choice(["vegan", "vegetarian", "pescatarian", "omnivore"])),
            "pregnant": pregnant, "lactating": lactating,
            "conditions": str(rng.choice(CONDITION_SETS)), "authority": authority,
        })
        start = int(rng.integers(1, 4))
        n_days = int(rng.integers(1, 8))
        for _ in range(int(rng.integers(0, 30))):
            day = start + int(rng.integers(0, n_days))
            meal = str(rng.choice(["breakfast", "lunch", "snack", "dinner"]))
            hh, mm = rng.integers(0, 24), rng.integers(0, 60)
            time = "" if rng.random() < 0.2 else f"{hh:02d}:{mm:02d}"
            kind = rng.random()
            row = {"person_id": f"P{p:04d}", "day": day, "meal": meal, "time": time,
                   "grams": math.nan, "dose_ug": math.nan}
            if kind < 0.05:
                row["food_id"] = "supplement:" + str(rng.choice(["cyanocobalamin",
                                                                   "methylcobalamin"]))
                row["dose_ug"] = float(rng.choice([5, 25, 250, 1000, 2500]))
            else:
                pool = (no_b12 if kind < 0.12 else unreliable if kind < 0.15 else
                        fortified if kind < 0.35 else rich if kind < 0.45 else ids)
                row["food_id"] = str(rng.choice(pool))
                row["grams"] = float(rng.choice([0.0, round(rng.uniform(1, 400), 1)],
                                                p=[0.03, 0.97]))
            rows.append(row)
    return pd.DataFrame(rows), pd.DataFrame(profiles)


def profile_of(row: pd.Series) -> Profile:
    return Profile(age=row["age"], sex=row["sex"], diet=row["diet"], pregnant=row["pregnant"],
                   lactating=row["lactating"], authority=row["authority"],
                   conditions=[c for c in row["conditions"].split(";") if c])


def assert_matches_evaluate(result: pd.DataFrame, diaries: pd.DataFrame,
                            profiles: pd.DataFrame, foods, days=None) -> None:
    assert list(result.columns) == list(RESULT_COLUMNS)
    assert result["person_id"].tolist() == profiles["person_id"].tolist()
    for (_, prof), (_, got) in zip(profiles.iterrows(), result.iterrows(), strict=True):
        plan = diaries[diaries["person_id"] == prof["person_id"]]
        s = evaluate(plan, profile_of(prof), foods, days=days).summary
        for k in SUMMARY_FIGURES:  # None (no requirement line: AI only) is NaN here
            want = np.nan if s[k] is None else s[k]
            np.testing.assert_allclose(got[k], want, rtol=1e-12, atol=0, err_msg=k)
        assert got["verdict"] == s["verdict"]
        assert got["adequate"] == s["adequate"]
        assert got["meets_target"] == s["meets_target"]
        assert got["days"] == s["days"]
        assert got["n_items"] == s["n_items"]
        assert got["n_unknown"] == s["n_unknown"]
        assert got["authority"] == s["authority"]
        assert got["life_stage"] == s["life_stage"]
        if s["n_items"]:
            assert got["unknown_share"] == s["n_unknown"] / s["n_items"]
        else:
            assert math.isnan(got["unknown_share"])


@pytest.fixture(scope="module")
def people(foods):
    return random_people(foods, 160, seed=7)


def test_batch_equals_evaluate_on_random_people(people, foods):
    diaries, profiles = people
    assert diaries["person_id"].nunique() >= 100
    result = evaluate_many(diaries, profiles, foods)
    assert_matches_evaluate(result, diaries, profiles, foods)
    assert result["adequate"].any() and not result["adequate"].all()
    assert result.attrs["unmatched_food_ids"] == []


def test_batch_equals_evaluate_with_days_and_shuffled_rows(people, foods):
    diaries, profiles = people
    profiles = profiles.iloc[::4].reset_index(drop=True)  # 40 people; the test above has 160
    diaries = diaries[diaries["person_id"].isin(profiles["person_id"])]
    shuffled = diaries.sample(frac=1.0, random_state=3)
    result = evaluate_many(shuffled, profiles, foods, days=12)
    assert_matches_evaluate(result, diaries, profiles, foods, days=12)


def test_food_codes_are_fndds_ids(foods):
    fndds = foods.df[(foods.df["source"] == "fndds") & (foods.df["b12_ug"] > 0)].index[:3]
    codes = [int(f.split(":")[1]) for f in fndds]
    by_code = pd.DataFrame({"person_id": [1, 1, 1], "day": 1, "time": "08:00",
                            "food_code": codes, "grams": 100.0})
    by_id = by_code.drop(columns="food_code").assign(food_id=list(fndds))
    prof = pd.DataFrame({"person_id": [1], "age": [40], "diet": ["omnivore"]})
    a, b = evaluate_many(by_code, prof, foods), evaluate_many(by_id, prof, foods)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[0, "intake_ug_per_day"] == pytest.approx(
        foods.df.loc[list(fndds), "b12_ug"].sum())


def test_unknown_food_ids_are_counted_and_listed(foods):
    known = foods.df[(foods.df["source"] == "fndds") & foods.df["b12_ug"].notna()].index[0]
    diaries = pd.DataFrame({
        "person_id": ["a", "a", "a", "b"], "day": 1, "meal": "lunch",
        "food_code": [99999999, int(known.split(":")[1]), 99999999, 88888888],
        "grams": 50.0,
    })
    prof = pd.DataFrame({"person_id": ["a", "b", "c"], "age": 30, "diet": "vegan"})
    res = evaluate_many(diaries, prof, foods)
    assert res["n_unmatched"].tolist() == [2, 1, 0]
    assert res["n_unknown"].tolist() == [2, 1, 0]
    assert res["unknown_share"].iloc[:2].tolist() == [2 / 3, 1.0]
    assert math.isnan(res["unknown_share"].iloc[2])
    assert res.attrs["unmatched_food_ids"] == ["fndds:88888888", "fndds:99999999"]
    with pytest.raises(InputError, match="fndds:88888888"):
        evaluate_many(diaries, prof, foods, on_unknown="raise")


def test_time_forms_agree(foods):
    base = pd.DataFrame({"person_id": 1, "day": [1, 1, 1, 2],
                         "food_id": ["fndds:11111000"] * 4, "grams": 240.0})
    prof = pd.DataFrame({"person_id": [1], "age": 70, "diet": "vegetarian"})
    clock = ["08:00", "10:30", "12:01", "23:59"]
    minutes = [480, 630, 721, 1439]
    forms = [
        base.assign(time=clock),
        base.assign(time=["8:00", "10:30:59", "12:01:00", "23:59"]),
        base.assign(time=minutes),
        base.assign(time=[m * 60 + 7 for m in minutes]),
        base.assign(time=pd.to_timedelta(minutes, unit="min")),
    ]
    results = [evaluate_many(forms[i], prof, foods, time_unit="seconds" if i == 3 else
                             "minutes") for i in range(len(forms))]
    for r in results[1:]:
        pd.testing.assert_frame_equal(r, results[0])
    single = evaluate(base.assign(time=clock, meal="x"), Profile(age=70, diet="vegetarian"),
                      foods).summary
    assert results[0].loc[0, "absorbed_ug_per_day"] == pytest.approx(
        single["absorbed_ug_per_day"], rel=1e-12)
    # Meal names stand in for missing times.
    by_meal = base.assign(meal=["breakfast", "lunch", "snack", "dinner"], time=[
        None, math.nan, "", "19:00"])
    expected = evaluate(base.assign(meal=["breakfast", "lunch", "snack", "dinner"]),
                        Profile(age=70, diet="vegetarian"), foods).summary
    got = evaluate_many(by_meal, prof, foods)
    assert got.loc[0, "absorbed_ug_per_day"] == pytest.approx(
        expected["absorbed_ug_per_day"], rel=1e-12)


def test_profile_days_column_and_too_short(foods):
    diaries = pd.DataFrame({"person_id": [1, 1, 2], "day": [1, 3, 1], "time": "08:00",
                            "food_id": "fndds:11111000", "grams": 100.0})
    prof = pd.DataFrame({"person_id": [1, 2], "age": 40, "diet": "omnivore",
                         "days": [7, None]})
    res = evaluate_many(diaries, prof, foods)
    assert res["days"].tolist() == [7, 1]
    with pytest.raises(InputError, match="person_id 1"):
        evaluate_many(diaries, prof.assign(days=[2, 1]), foods)
    with pytest.raises(InputError, match="days must be a whole number"):
        evaluate_many(diaries, prof, foods, days=0)


@pytest.mark.parametrize(("column", "value", "words"), [
    ("age", "old", "age must be a number"),
    ("age", 130, "age must be a number"),
    ("diet", "keto", "diet must be one of"),
    ("sex", "x", "sex must be one of"),
    ("pregnant", "maybe", "pregnant must be true or false"),
    ("conditions", "ppi;scurvy", "'scurvy' is not a known condition"),
    ("authority", "FDA", "authority 'FDA' is not known"),
])
def test_bad_profile_values_name_person_and_field(foods, column, value, words):
    diaries = pd.DataFrame({"person_id": ["x1"], "day": [1], "time": ["08:00"],
                            "food_id": ["fndds:11111000"], "grams": [100.0]})
    prof = pd.DataFrame({"person_id": ["x0", "x1"], "age": [30, 30],
                         "diet": ["vegan", "vegan"]})
    prof[column] = pd.Series([prof[column].iloc[0] if column in prof else None, value],
                             dtype=object)
    with pytest.raises(InputError, match=words) as info:
        evaluate_many(diaries, prof, foods)
    assert "person_id x1" in str(info.value)
    assert "x0" not in str(info.value)


def test_profile_combination_errors(foods):
    diaries = pd.DataFrame(columns=["person_id", "day", "time", "food_id", "grams"])
    with pytest.raises(InputError, match="person_id 5: pregnant is only valid with sex"):
        evaluate_many(diaries, pd.DataFrame({"person_id": [5], "age": [30], "diet": "vegan",
                                             "sex": "male", "pregnant": True}), foods)
    with pytest.raises(InputError, match="more than once"):
        evaluate_many(diaries, pd.DataFrame({"person_id": [5, 5], "age": 30, "diet": "vegan"}),
                      foods)
    with pytest.raises(InputError, match="missing column"):
        evaluate_many(diaries, pd.DataFrame({"person_id": [5], "age": [30]}), foods)
    with pytest.raises(InputError, match="person_id 5: the chosen authority has no"):
        evaluate_many(diaries, pd.DataFrame({"person_id": [5], "age": [0.2], "diet": "vegan",
                                             "authority": "EFSA"}), foods)


def test_bad_diary_rows_name_row_and_person(foods):
    prof = pd.DataFrame({"person_id": [1, 2], "age": 40, "diet": "omnivore"})
    diaries = pd.DataFrame({"person_id": [1, 2, 2], "day": [1, 0, 2],
                            "time": ["08:00", "25:00", "x"],
                            "food_id": ["fndds:11111000", "", "fndds:11111000"],
                            "grams": [100.0, -1.0, "lots"]})
    with pytest.raises(InputError) as info:
        evaluate_many(diaries, prof, foods)
    msg = str(info.value)
    assert "row 2 (person_id 2): day must be" in msg
    assert "row 2 (person_id 2): food_id is empty" in msg
    assert "grams must be" in msg and "row 3 (person_id 2)" in msg
    assert "time must be HH:MM" in msg
    assert "row 1" not in msg
    with pytest.raises(InputError, match="without a profile row: 3"):
        evaluate_many(diaries.assign(person_id=[1, 3, 3]), prof, foods)
    with pytest.raises(InputError, match="missing column"):
        evaluate_many(diaries.drop(columns=["time"]), prof, foods)
    supp = pd.DataFrame({"person_id": [1], "day": [1], "time": ["08:00"],
                         "food_id": ["supplement:cyanocobalamin"], "grams": [math.nan]})
    with pytest.raises(InputError, match="dose_ug"):
        evaluate_many(supp, prof, foods)


# -- SAS transport ----------------------------------------------------------------------
def _ibm(x: float) -> bytes:
    """An IEEE double as an 8-byte IBM 370 float (SAS transport); NaN is SAS missing."""
    if isinstance(x, float) and math.isnan(x):
        return b"." + b"\0" * 7
    if x == 0:
        return b"\0" * 8
    sign = 0x80 if x < 0 else 0
    m, e = math.frexp(abs(x))
    exp16 = -(-e // 4)
    frac = m / 2 ** (4 * exp16 - e)
    return bytes([sign | (exp16 + 64)]) + int(round(frac * 2 ** 56)).to_bytes(7, "big")


def write_xpt(path: Path, df: pd.DataFrame, name: str = "DR1IFF") -> None:
    """A minimal SAS XPORT v5 writer (numeric and text columns), enough for the tests."""
    def card(text: str) -> bytes:
        return text.ljust(80).encode("latin-1")

    stamp = "01JAN24:00:00:00"
    out = [
        card("HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!" + "0" * 30),
        card("SAS     SAS     SASLIB  9.4     X64_10PR" + " " * 24 + stamp),
        card(stamp),
        card("HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!000000000000000001600000000140"),
        card("HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!" + "0" * 30),
        card("SAS     " + name.ljust(8) + "SASDATA 9.4     X64_10PR" + " " * 24 + stamp),
        card(stamp + " " * 16 + "".ljust(40) + "DATA    "),
        card("HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!000000" + f"{len(df.columns):04d}"
             + "0" * 20),
    ]
    names, pos, widths = b"", 0, []
    for i, col in enumerate(df.columns):
        numeric = pd.api.types.is_numeric_dtype(df[col])
        width = 8 if numeric else max(1, int(df[col].astype(str).str.len().max()))
        widths.append((numeric, width))
        names += struct.pack(">hhhh8s40s8shhh2s8shhl52s", 1 if numeric else 2, 0, width, i + 1,
                             col.ljust(8).encode(), b" " * 40, b" " * 8, 0, 0, 0, b"  ",
                             b" " * 8, 0, 0, pos, b"\0" * 52)
        pos += width
    names += b" " * (-len(names) % 80)
    data = b""
    for row in df.itertuples(index=False):
        for (numeric, width), v in zip(widths, row, strict=True):
            data += _ibm(float(v)) if numeric else str(v).ljust(width).encode("latin-1")
    data += b" " * (-len(data) % 80)
    path.write_bytes(b"".join(out) + names
                     + card("HEADER RECORD*******OBS     HEADER RECORD!!!!!!!" + "0" * 30)
                     + data)


def test_read_nhanes_xpt_and_evaluate(tmp_path, foods):
    codes = [int(f.split(":")[1]) for f in
             foods.df[(foods.df["source"] == "fndds") & (foods.df["b12_ug"] > 0)].index[:4]]
    raw = pd.DataFrame({
        "SEQN": [93703.0, 93703.0, 93703.0, 93704.0],
        "DR1ILINE": [1.0, 2.0, 3.0, 1.0],
        "DR1IFDCD": [float(c) for c in codes],
        "DR1IGRMS": [244.0, 30.5, 120.0, 85.0],
        "DR1_020": [27000.0, 27000.0, 45030.0, math.nan],  # 07:30, 07:30, 12:30, missing
        "DR1_030Z": [1.0, 1.0, 2.0, 3.0],
    })
    path = tmp_path / "DR1IFF_J.xpt"
    write_xpt(path, raw)
    d = read_diaries_xpt(path)
    assert list(d.columns) == ["person_id", "day", "food_code", "grams", "time", "meal"]
    assert d["person_id"].tolist() == [93703, 93703, 93703, 93704]
    assert d["day"].tolist() == [1, 1, 1, 1]
    assert d["food_code"].tolist() == codes
    assert d["time"].tolist() == ["07:30", "07:30", "12:30", ""]
    assert d["meal"].tolist() == ["breakfast", "breakfast", "lunch", "dinner"]
    prof = pd.DataFrame({"person_id": [93703, 93704], "age": [70, 25],
                         "diet": ["omnivore", "omnivore"]})
    res = evaluate_many(d, prof, foods)
    plan = d.assign(food_id=[f"fndds:{c:08d}" for c in codes])
    for i, pid in enumerate([93703, 93704]):
        s = evaluate(plan[plan["person_id"] == pid], Profile(age=prof.age[i]), foods).summary
        assert res.loc[i, "absorbed_ug_per_day"] == pytest.approx(s["absorbed_ug_per_day"],
                                                                  rel=1e-12)
    # Day 2 files and explicit mappings.
    day2 = raw.rename(columns=lambda c: c.replace("DR1", "DR2"))
    write_xpt(tmp_path / "DR2IFF_J.xpt", day2, "DR2IFF")
    assert read_diaries_xpt(tmp_path / "DR2IFF_J.xpt")["day"].unique().tolist() == [2]
    custom = read_diaries_xpt(path, columns={"SEQN": "person_id", "DR1IFDCD": "food_code",
                                             "DR1IGRMS": "grams"}, day=3)
    assert list(custom.columns) == ["person_id", "day", "food_code", "grams"]
    assert custom["day"].unique().tolist() == [3]
    assert NHANES_EATING_OCCASIONS[1] == "breakfast"


def test_read_xpt_errors(tmp_path):
    bad = tmp_path / "notsas.xpt"
    bad.write_text("hello")
    with pytest.raises(InputError, match="not a readable SAS transport"):
        read_diaries_xpt(bad)
    with pytest.raises(InputError, match="no such file"):
        read_diaries_xpt(tmp_path / "missing.xpt")
    other = tmp_path / "other.xpt"
    write_xpt(other, pd.DataFrame({"ID": [1.0], "X": [2.0]}))
    with pytest.raises(InputError, match="not an NHANES individual-food file"):
        read_diaries_xpt(other)
    with pytest.raises(InputError, match="DR1IGRMS"):
        read_diaries_xpt(other, columns={"ID": "person_id", "DR1IGRMS": "grams"})


# -- Dask ----------------------------------------------------------------------------
def same_strings(got: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    """Dask turns text columns into its own string dtype (``dataframe.convert-string``)."""
    text = [c for c in got.columns if pd.api.types.is_string_dtype(got[c])]
    return got.astype({c: expected[c].dtype for c in text})


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_dask_equals_pandas(people, foods, scheduler):
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    diaries, profiles = people
    profiles = pd.concat([profiles, profiles.iloc[:1].assign(person_id="nobody")],
                         ignore_index=True)
    expected = evaluate_many(diaries, profiles, foods)
    ddf = dd.from_pandas(diaries, npartitions=5, sort=False)
    with dask.config.set(scheduler=scheduler):
        got = evaluate_many_dask(ddf, profiles, foods, npartitions=3).compute()
    assert sorted(got["person_id"]) == sorted(expected["person_id"])
    got = got.set_index("person_id").loc[expected["person_id"]].reset_index()
    pd.testing.assert_frame_equal(same_strings(got, expected), expected, check_exact=False,
                                  rtol=1e-12,
                                  )


def test_dask_more_partitions_than_people_and_errors(foods):
    pytest.importorskip("dask")
    diaries = pd.DataFrame({"person_id": [1, 1, 2], "day": 1, "time": "08:00",
                            "food_id": "fndds:11111000", "grams": 100.0})
    prof = pd.DataFrame({"person_id": [1, 2], "age": 40, "diet": "omnivore"})
    got = evaluate_many_dask(diaries, prof, foods, npartitions=4).compute(
        scheduler="synchronous")
    expected = evaluate_many(diaries, prof, foods)
    got = same_strings(got.sort_values("person_id").reset_index(drop=True), expected)
    pd.testing.assert_frame_equal(got, expected)
    with pytest.raises(InputError, match="age"):
        evaluate_many_dask(diaries, prof.assign(age=-1), foods)
    with pytest.raises(InputError, match="without a profile row"):
        evaluate_many_dask(diaries.assign(person_id=[1, 1, 9]), prof, foods).compute(
            scheduler="synchronous")
