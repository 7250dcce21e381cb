"""Chart data and Altair specs (pure functions; no browser)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from planner import charts


def _plan(rows):
    return pd.DataFrame(rows, columns=["day", "meal", "time", "food_id", "grams"])


@pytest.fixture
def plan():
    return _plan([
        (1, "dinner", "19:00", "a", 100.0),
        (1, "breakfast", "08:00", "b", 50.0),
        (1, "breakfast", "08:00", "c", 50.0),
        (2, "second breakfast", "10:00", "a", 100.0),
        (2, "lunch", "12:30", "u", 30.0),
    ])


@pytest.fixture
def items():
    return pd.DataFrame({
        "ingested_ug": [1.0, 0.5, 0.25, 2.0, math.nan],
        "fortified_ug": [0.0, 0.5, 0.0, 2.0, math.nan],
        "absorbed_ug": [0.5, 0.3, 0.1, 0.9, math.nan],
    })


def test_meal_order_follows_the_clock(plan):
    assert charts.meal_order(plan) == ["breakfast", "second breakfast", "lunch", "dinner"]


def test_meal_order_without_times_uses_the_usual_order():
    p = pd.DataFrame({"day": [1, 1, 1, 1], "meal": ["dinner", "snack", "lunch", "breakfast"]})
    assert charts.meal_order(p) == ["breakfast", "lunch", "snack", "dinner"]


def test_meal_frame_sums_per_day_and_meal_in_eating_order(plan, items):
    f = charts.meal_frame(plan, items)
    assert f[["day", "meal"]].values.tolist() == [
        [1, "breakfast"], [1, "dinner"], [2, "second breakfast"], [2, "lunch"]]
    assert f.loc[0, "ingested_ug"] == pytest.approx(0.75)
    assert f.loc[0, "absorbed_ug"] == pytest.approx(0.4)
    # unknown B12 is counted, not drawn as a value
    lunch = f[(f["day"] == 2) & (f["meal"] == "lunch")].iloc[0]
    assert lunch["unknown_items"] == 1
    assert lunch["ingested_ug"] == 0.0
    assert list(f["meal_rank"]) == [0, 3, 1, 2]


def test_meal_frame_uses_the_evaluations_unknown_flag(plan, items):
    items = items.fillna(0.0).assign(unknown=[False, False, False, False, True])
    f = charts.meal_frame(plan, items)
    assert f["unknown_items"].tolist() == [0, 0, 0, 1]


def test_meal_frame_of_an_empty_plan():
    f = charts.meal_frame(pd.DataFrame({"day": [], "meal": []}), None)
    assert f.empty and "unknown_items" in f.columns


def test_meal_frame_rejects_a_stale_evaluation(plan, items):
    with pytest.raises(ValueError, match="evaluate this plan again"):
        charts.meal_frame(plan, items.iloc[:2])


def test_day_chart_spec_stacks_meals_in_order_with_a_target_line(plan, items):
    f = charts.meal_frame(plan, items)
    spec = charts.day_chart(f, "ingested_ug", 2.4, "Target 2.4 µg", days=7).to_dict()
    bars, rule, label = spec["layer"]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["color"]["scale"]["domain"] == [
        "breakfast", "second breakfast", "lunch", "dinner"]
    assert bars["encoding"]["order"]["field"] == "meal_rank"
    assert bars["encoding"]["x"]["scale"]["domain"] == [f"Day {d}" for d in range(1, 8)]
    assert rule["mark"]["type"] == "rule" and rule["mark"]["strokeDash"]
    assert label["mark"]["type"] == "text"
    # issue 14: the label sits above the plot, not on a bar; no meal has the line's colour
    assert label["encoding"]["y"] == {"value": -6}
    assert rule["mark"]["color"] == charts.TARGET_COLOUR
    meal_colours = bars["encoding"]["color"]["scale"]["range"]
    assert len(meal_colours) == 4 and charts.TARGET_COLOUR not in meal_colours
    datasets = spec["datasets"]
    assert any(rows and rows[0].get("target") == 2.4 for rows in datasets.values())


def test_day_chart_without_target_and_bad_measure(plan, items):
    f = charts.meal_frame(plan, items)
    spec = charts.day_chart(f, "absorbed_ug").to_dict()
    assert "layer" not in spec and spec["mark"]["type"] == "bar"
    with pytest.raises(ValueError, match="measure"):
        charts.day_chart(f, "grams")


def test_split_frame_separates_fortified_from_food_bound(plan, items):
    f = charts.split_frame(plan, items)
    day1 = f[f["day"] == 1].set_index("source")["ug"]
    assert day1[charts.SPLIT_LABELS[0]] == pytest.approx(0.5)
    assert day1[charts.SPLIT_LABELS[1]] == pytest.approx(1.25)
    day2 = f[f["day"] == 2].set_index("source")["share"]
    assert day2[charts.SPLIT_LABELS[0]] == pytest.approx(1.0)
    spec = charts.split_chart(f).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == list(charts.SPLIT_LABELS)


def test_split_frame_day_without_b12_has_no_share():
    p = _plan([(1, "lunch", "12:30", "x", 10.0)])
    f = charts.split_frame(p, pd.DataFrame({"ingested_ug": [0.0], "fortified_ug": [0.0]}))
    assert f["share"].isna().all()


def test_store_frame_and_chart_with_threshold():
    from planner.model.stores import project_stores

    proj = project_stores(0.5, 3650, initial_store_ug=2500)
    f = charts.store_frame(proj)
    assert list(f.columns) == ["day", "years", "store_ug"]
    assert f["years"].iloc[-1] == pytest.approx(3650 / 365.25)
    assert f["store_ug"].iloc[0] == pytest.approx(2500)
    spec = charts.store_chart(f, 300).to_dict()
    bands, line, rule, _ = spec["layer"]
    assert bands["mark"]["type"] == "rect"
    assert line["mark"]["type"] == "line"
    assert rule["mark"]["type"] == "rule"
    assert any(rows and rows[0].get("threshold") == 300 for rows in spec["datasets"].values())


def test_store_chart_draws_the_three_zones():
    # replete ≥ 1,000 µg (the requirement's steady state), low, depleted < 300 µg
    z = charts.zone_frame(2500)
    assert z["zone"].tolist() == ["replete", "low", "depleted"]
    assert z["lower_ug"].tolist() == [1000.0, 300.0, 0.0]
    assert z["upper_ug"].tolist() == [2500.0, 1000.0, 300.0]
    assert charts.zone_frame(400)["upper_ug"].iloc[0] == pytest.approx(1100.0)
    spec = charts.store_chart(charts.store_frame(
        __import__("planner.model.stores", fromlist=["x"]).project_stores(0.4, 400)), 300).to_dict()
    zones = [rows for rows in spec["datasets"].values() if rows and "zone" in rows[0]]
    assert [r["zone"] for r in zones[0]] == ["replete", "low", "depleted"]


@pytest.mark.parametrize("projection", [
    pd.Series([3.0, 2.0], name="x"),
    pd.DataFrame({"days": [0, 1], "stores_ug": [3.0, 2.0]}),
])
def test_store_frame_accepts_other_shapes(projection):
    f = charts.store_frame(projection)
    assert f["store_ug"].tolist() == [3.0, 2.0]


def test_store_frame_rejects_garbage():
    with pytest.raises(TypeError):
        charts.store_frame([1, 2, 3])
    with pytest.raises(ValueError):
        charts.store_frame(pd.DataFrame({"day": [0], "what": [1]}))
