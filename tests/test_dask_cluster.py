"""The Dask path as it runs beyond one machine: a ``dask.distributed`` cluster whose
workers are separate processes, so every task, the food lookup and the profile parts are
pickled, sent to another interpreter and run there (the threaded scheduler never does
that). docs/batch.md shows how to point the same call at a real cluster."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from planner.errors import InputError
from planner.model.batch import evaluate_many, evaluate_many_dask

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    """Two worker processes on 127.0.0.1, no dashboard (nothing listens beyond loopback)."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, worker_dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def diaries_and_profiles() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Six people with foods, a supplement, an unknown food and different profiles."""
    rows = []
    for p, (food, grams) in enumerate([
        ("fndds:11111000", 244.0),      # whole milk, 1 cup
        ("sr28:01123", 50.0),           # egg, 1 large
        ("fndds:11360200", 240.0),      # oat milk (fortified)
        ("sr28:15121", 85.0),           # tuna
        ("sr28:11457", 30.0),           # spinach: no B12
        ("fndds:11111000", 122.0),
    ]):
        for day in (1, 2, 3):
            rows.append({"person_id": f"P{p}", "day": day, "time": "08:00",
                         "food_id": food, "grams": grams, "dose_ug": None})
    rows.append({"person_id": "P4", "day": 2, "time": "09:00",
                 "food_id": "supplement:cyanocobalamin", "grams": None, "dose_ug": 250.0})
    rows.append({"person_id": "P5", "day": 1, "time": "12:00",
                 "food_id": "fndds:00000000", "grams": 100.0, "dose_ug": None})
    diaries = pd.DataFrame(rows)
    profiles = pd.DataFrame({
        "person_id": [f"P{p}" for p in range(6)],
        "age": [30, 72, 19, 45, 8, 34],
        "diet": ["vegetarian", "omnivore", "vegan", "pescatarian", "vegan", "omnivore"],
        "conditions": ["", "metformin", "", "ppi", "", ""],
        "authority": ["NASEM", "EFSA", "NASEM", "UK", "NASEM", "DACH"],
    })
    return diaries, profiles


def test_worker_processes_give_the_pandas_result(client, foods):
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    pids = set(client.run(os.getpid).values())
    assert os.getpid() not in pids and len(pids) == 2  # really other interpreters
    diaries, profiles = diaries_and_profiles()
    expected = evaluate_many(diaries, profiles, foods)
    got = evaluate_many_dask(diaries, profiles, foods, npartitions=3).compute()
    assert sorted(got["person_id"]) == sorted(expected["person_id"])
    got = got.set_index("person_id").loc[expected["person_id"]].reset_index()
    text = [c for c in got.columns if pd.api.types.is_string_dtype(got[c])]
    got = got.astype({c: expected[c].dtype for c in text})
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)
    # Preconditions of a meaningful comparison: an unknown food was counted, a
    # supplement absorbed, and the verdicts differ between people.
    assert expected.loc[expected["person_id"] == "P5", "n_unmatched"].item() == 1
    assert expected["adequate"].nunique() == 2


def test_an_error_in_a_worker_arrives_as_input_error(client, foods):
    diaries, profiles = diaries_and_profiles()
    diaries.loc[0, "person_id"] = "stranger"
    with pytest.raises(InputError, match="without a profile row"):
        evaluate_many_dask(diaries, profiles, foods, npartitions=2).compute()
