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


def _lab_history() -> pd.DataFrame:
    from planner.model.labs import lab_history

    return lab_history([  # 120 pmol/L = 163 ng/L: deficiency likely (NICE NG239 < 180 ng/L)
        {"date": "2026-01-15", "marker": "total_b12", "value": 120, "unit": "pmol/L"},
        {"date": "2026-06-01", "marker": "total_b12", "value": 250, "unit": "pg/mL"},
        {"date": "2026-09-01", "marker": "total_b12", "value": 400, "unit": "pg/mL"},
        {"date": "2026-06-01", "marker": "mma", "value": 350, "unit": "nmol/L"},
    ])


def test_lab_chart_colours_each_result_by_its_band():
    from planner import palette

    spec = charts.lab_chart(_lab_history()).to_dict()
    assert spec["facet"]["row"]["field"] == "label"  # one row (own axis) per marker
    line, points = spec["spec"]["layer"]
    assert line["mark"]["type"] == "line" and line["mark"]["color"] == palette.GREY
    scale = points["encoding"]["color"]["scale"]
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colour["deficiency likely"] == palette.ZONE_COLOURS["depleted"]
    assert colour["indeterminate"] == palette.ZONE_COLOURS["low"]
    assert colour["deficiency unlikely"] == palette.ZONE_COLOURS["replete"]


# -- colour contrast (issue 14: colours meet WCAG 2.2; computed here, not taken from the code)
def _contrast_on_white(colour: str) -> float:
    """WCAG 2.2 contrast ratio of ``#rrggbb`` on white (relative luminance, sRGB)."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


def test_the_contrast_formula_matches_published_values():
    # WebAIM's checker: #767676 on white is 4.54:1, #777777 4.48:1; black 21:1.
    assert _contrast_on_white("#767676") == pytest.approx(4.54, abs=0.01)
    assert _contrast_on_white("#777777") == pytest.approx(4.48, abs=0.01)
    assert _contrast_on_white("#000000") == pytest.approx(21.0)


def _colours(spec: dict) -> tuple[list[str], list[str]]:
    """(colours that draw data, colours of text marks) in a Vega-Lite spec."""
    graphics, text = [], []
    for layer in spec.get("layer", [spec]):
        mark = layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}
        if "color" in mark:
            (text if mark["type"] == "text" else graphics).append(mark["color"])
        scale = layer.get("encoding", {}).get("color", {}).get("scale", {})
        graphics += scale.get("range", [])
    return graphics, text


def test_every_chart_colour_stands_out_from_white(plan, items):
    from planner import palette
    from planner.model.stores import project_stores

    specs = [
        charts.day_chart(charts.meal_frame(plan, items), "ingested_ug", 2.4, "Target").to_dict(),
        charts.split_chart(charts.split_frame(plan, items)).to_dict(),
        charts.store_chart(charts.store_frame(project_stores(0.5, 800)), 300).to_dict(),
        charts.lab_chart(_lab_history()).to_dict()["spec"],
    ]
    graphics, text = [], []
    for spec in specs:
        g, t = _colours(spec)
        graphics += g
        text += t
    assert len(text) == 2 and len(graphics) >= 13  # target/threshold labels; bars, lines, zones
    weak = {c: round(_contrast_on_white(c), 2) for c in graphics
            if _contrast_on_white(c) < 3.0}  # WCAG 1.4.11, graphics
    assert not weak, weak
    weak_text = {c: round(_contrast_on_white(c), 2) for c in text
                 if _contrast_on_white(c) < 4.5}  # WCAG 1.4.3, text
    assert not weak_text, weak_text
    every = [*palette.MEAL_COLOURS, *palette.SPLIT_COLOURS, *palette.ZONE_COLOURS.values(),
             palette.BLUE, palette.ORANGE]
    assert min(_contrast_on_white(c) for c in every) >= 3.0
    assert _contrast_on_white(palette.TARGET_COLOUR) >= 4.5
    # the faint zone bands keep full-colour legend swatches; stacked parts have a gap
    bands = specs[2]["layer"][0]
    assert bands["mark"]["opacity"] < 0.3
    assert bands["encoding"]["color"]["legend"]["symbolOpacity"] == 1
    assert specs[0]["layer"][0]["mark"]["stroke"] == "white"


def _fields(node) -> set[str]:
    """Every ``field`` a Vega-Lite spec encodes (tooltips included)."""
    out: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("field"), str):
            out.add(node["field"])
        for v in node.values():
            out |= _fields(v)
    elif isinstance(node, list):
        for v in node:
            out |= _fields(v)
    return out


def test_every_encoded_field_is_in_the_data(plan, items):
    """A field Vega cannot find shows as NaN in tooltips and screen-reader labels (the day
    chart's "B12 [µg]" did: Vega reads brackets and dots in a field name as access)."""
    from planner.model.stores import project_stores

    specs = [
        charts.day_chart(charts.meal_frame(plan, items), "ingested_ug", 2.4, "Target").to_dict(),
        charts.split_chart(charts.split_frame(plan, items)).to_dict(),
        charts.store_chart(charts.store_frame(project_stores(0.5, 800)), 300).to_dict(),
        charts.lab_chart(_lab_history()).to_dict(),
    ]
    for spec in specs:
        columns = {c for rows in spec["datasets"].values() for row in rows for c in row}
        fields = {f for f in _fields(spec) if f != "legend"}  # "legend": a calculated field
        assert len(fields) >= 3
        assert fields <= columns, fields - columns
        assert not [f for f in fields if any(ch in f for ch in "[].")], fields
    # a bar's screen-reader label is its own short sentence, not every encoded field
    bars = specs[0]["layer"][0]
    assert bars["encoding"]["description"]["field"] == "bar_words"
    words = [r["bar_words"] for rows in specs[0]["datasets"].values() for r in rows
             if "bar_words" in r]
    assert "Day 1, breakfast: 0.75 µg" in words  # 0.5 + 0.25 µg eaten at breakfast on day 1
