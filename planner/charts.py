"""Chart data and Altair charts for the app (pure functions, no Streamlit).

Each chart has two functions: ``*_frame`` builds the tidy DataFrame the chart draws
(testable without a browser) and ``*_chart`` turns it into an :mod:`altair` chart.
Altair is an optional dependency (the ``app`` extra), so it is imported inside the
``*_chart`` functions only.

Unknown B12 (a food USDA gives no value for) is never drawn as 0: the frames count
those rows in ``unknown_items`` so the app can say how many are missing from a bar.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.model.labs import BAND_LABELS
from planner.model.stores import DAYS_PER_YEAR, DEPLETION_THRESHOLD_UG, REPLETE_STORE_UG
from planner.palette import (
    BAND_COLOURS,
    BLUE,
    GREY,
    MEAL_COLOURS,
    SPLIT_COLOURS,
    TARGET_COLOUR,
    ZONE_COLOURS,
)
from planner.schema import DEFAULT_MEAL_TIMES

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

#: Measures a day chart can show, with their axis titles.
MEASURES: dict[str, str] = {
    "ingested_ug": "B12 eaten [µg]",
    "absorbed_ug": "B12 absorbed [µg] (model estimate)",
}
#: Names of the two parts of the source split, in drawing order.
SPLIT_LABELS: tuple[str, str] = ("Fortified + supplements", "Naturally in food")
#: Lowest healthy body store [µg]: :data:`planner.model.stores.DEPLETION_THRESHOLD_UG`.
DEFAULT_THRESHOLD_UG = DEPLETION_THRESHOLD_UG
_CANONICAL_MEALS = tuple(DEFAULT_MEAL_TIMES)
#: Gap between stacked bar parts: a white line, so that neighbouring colours never touch.
_BAR_GAP = {"stroke": "white", "strokeWidth": 1}


def meal_order(plan: pd.DataFrame) -> list[str]:
    """Meals of a plan in the order they are eaten in a day.

    Meals are sorted by their earliest clock time in the plan; meals without a time by
    the usual order (breakfast, lunch, snack, dinner), then by name.
    """
    if plan is None or len(plan) == 0 or "meal" not in plan.columns:
        return []
    meals = plan["meal"].astype(str)
    times = (plan["time"].astype(str) if "time" in plan.columns
             else pd.Series([""] * len(plan), index=plan.index))
    first: dict[str, str] = {}
    for meal, time in zip(meals, times, strict=True):
        t = time if time and time != "nan" else DEFAULT_MEAL_TIMES.get(meal.lower(), "99:99")
        if meal not in first or t < first[meal]:
            first[meal] = t

    def key(m: str) -> tuple[str, int, str]:
        low = m.lower()
        rank = _CANONICAL_MEALS.index(low) if low in _CANONICAL_MEALS else len(_CANONICAL_MEALS)
        return (first[m], rank, low)

    return sorted(first, key=key)


def _numbers(items: pd.DataFrame | None, column: str, n: int) -> pd.Series:
    """``items[column]`` as floats by position (NaN when the column is absent)."""
    if items is None or column not in getattr(items, "columns", ()):
        return pd.Series([math.nan] * n, dtype="float64")
    values = pd.to_numeric(items[column], errors="coerce").reset_index(drop=True)
    if len(values) != n:
        raise ValueError(
            f"the evaluation has {len(values)} item rows but the plan has {n}; "
            "evaluate this plan again."
        )
    return values.astype("float64")


def meal_frame(plan: pd.DataFrame, items: pd.DataFrame | None) -> pd.DataFrame:
    """B12 per day and meal, for a stacked bar chart.

    Parameters
    ----------
    plan : pandas.DataFrame
        The validated plan (``day``, ``meal``, optional ``time``), one row per food.
    items : pandas.DataFrame
        The evaluation's per-row table in plan order, with ``ingested_ug`` and
        ``absorbed_ug`` [µg per row]; a row's B12 is unknown when ``ingested_ug`` is NaN
        or its optional boolean ``unknown`` column is True.

    Returns
    -------
    pandas.DataFrame
        One row per day and meal that has food: ``day`` (int), ``meal``, ``meal_rank``
        (0 = first meal of the day), ``ingested_ug``, ``absorbed_ug`` (sums of the known
        values) and ``unknown_items`` (rows whose B12 is unknown).
    """
    cols = ["day", "meal", "meal_rank", "ingested_ug", "absorbed_ug", "unknown_items"]
    if plan is None or len(plan) == 0:
        return pd.DataFrame({c: [] for c in cols}).astype(
            {"day": "int64", "meal_rank": "int64", "ingested_ug": "float64",
             "absorbed_ug": "float64", "unknown_items": "int64"})
    n = len(plan)
    ingested = _numbers(items, "ingested_ug", n)
    absorbed = _numbers(items, "absorbed_ug", n)
    order = meal_order(plan)
    unknown = ingested.isna()
    if items is not None and "unknown" in items.columns:
        unknown = unknown | items["unknown"].fillna(False).astype(bool).reset_index(drop=True)
    df = pd.DataFrame({
        "day": pd.to_numeric(plan["day"]).astype("int64").to_numpy(),
        "meal": plan["meal"].astype(str).to_numpy(),
        "ingested_ug": ingested.to_numpy(),
        "absorbed_ug": absorbed.to_numpy(),
        "unknown": unknown.to_numpy(),
    })
    out = (
        df.groupby(["day", "meal"], sort=False)
        .agg(ingested_ug=("ingested_ug", lambda s: float(s.sum(min_count=0))),
             absorbed_ug=("absorbed_ug", lambda s: float(s.sum(min_count=0))),
             unknown_items=("unknown", "sum"))
        .reset_index()
    )
    out["meal_rank"] = out["meal"].map({m: i for i, m in enumerate(order)}).astype("int64")
    out["unknown_items"] = out["unknown_items"].astype("int64")
    out = out.sort_values(["day", "meal_rank"]).reset_index(drop=True)
    return out[cols]


def day_chart(
    frame: pd.DataFrame,
    measure: str = "ingested_ug",
    target_ug: float | None = None,
    target_label: str = "Target",
    days: int | None = None,
) -> alt.LayerChart | alt.Chart:
    """Stacked bars of B12 per day, meals in eating order, with a dashed target line.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`meal_frame`.
    measure : str
        ``"ingested_ug"`` or ``"absorbed_ug"``.
    target_ug : float, optional
        Daily target in the same unit as ``measure``; drawn as a horizontal rule.
    target_label : str
        Legend text of the rule.
    days : int, optional
        Show days 1..``days`` even when some have no food.
    """
    import altair as alt

    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}.")
    data = frame.copy()
    data["Day"] = "Day " + data["day"].astype(str)
    n_days = max([days or 0, *(data["day"].tolist() or [0])])
    day_sort = [f"Day {d}" for d in range(1, n_days + 1)]
    meals = (data.sort_values("meal_rank")["meal"].drop_duplicates().tolist())
    # Field names without Vega's access syntax ("a[b]", "a.b"): titles carry the units.
    data["b12_shown_ug"] = data[measure].round(2)
    # What a screen reader says for one bar (Vega would list every encoded field).
    data["bar_words"] = [f"{d}, {m}: {v:.2f} µg" for d, m, v in zip(
        data["Day"], data["meal"], data["b12_shown_ug"], strict=True)]
    bars = alt.Chart(data).mark_bar(**_BAR_GAP).encode(
        x=alt.X("Day:N", sort=day_sort, scale=alt.Scale(domain=day_sort), title=None,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{measure}:Q", title=MEASURES[measure], stack="zero"),
        color=alt.Color("meal:N", sort=meals, title="Meal",
                        scale=alt.Scale(domain=meals, range=[
                            MEAL_COLOURS[i % len(MEAL_COLOURS)] for i in range(len(meals))])),
        order=alt.Order("meal_rank:Q", sort="ascending"),
        description=alt.Description("bar_words:N"),
        tooltip=[alt.Tooltip("Day:N"), alt.Tooltip("meal:N", title="Meal"),
                 alt.Tooltip("b12_shown_ug:Q", title="B12 [µg]"),
                 alt.Tooltip("unknown_items:Q", title="Foods with unknown B12")],
    )
    if target_ug is None or not math.isfinite(float(target_ug)):
        return bars.properties(height=300)
    rule_df = pd.DataFrame({"target": [float(target_ug)], "what": [target_label]})
    rule = alt.Chart(rule_df).mark_rule(strokeDash=[6, 4], size=2, color=TARGET_COLOUR).encode(
        y="target:Q",
        tooltip=[alt.Tooltip("what:N", title="Line"),
                 alt.Tooltip("target:Q", title="µg per day", format=".2f")],
    )
    # The label sits above the plot, never on a bar: "- - Target 2.4 µg" like a legend.
    label = alt.Chart(rule_df).mark_text(
        align="left", baseline="bottom", color=TARGET_COLOUR, fontWeight="bold", fontSize=13
    ).encode(y=alt.value(-6), x=alt.value(0), text=alt.Text("legend:N")).transform_calculate(
        legend="'- - ' + datum.what + ' (dashed line)'")
    return alt.layer(bars, rule, label).properties(height=300)


def split_frame(plan: pd.DataFrame, items: pd.DataFrame | None) -> pd.DataFrame:
    """B12 eaten per day, split into fortified/supplement (crystalline) and food-bound.

    Returns
    -------
    pandas.DataFrame
        ``day``, ``source`` (one of :data:`SPLIT_LABELS`), ``ug`` [µg eaten that day]
        and ``share`` (of the day's known total, 0-1; NaN when the day has none).
    """
    cols = ["day", "source", "ug", "share"]
    if plan is None or len(plan) == 0:
        return pd.DataFrame({c: [] for c in cols}).astype(
            {"day": "int64", "ug": "float64", "share": "float64"})
    n = len(plan)
    ingested = _numbers(items, "ingested_ug", n).fillna(0.0)
    fortified = _numbers(items, "fortified_ug", n).fillna(0.0).clip(lower=0.0)
    fortified = fortified.where(fortified <= ingested, ingested)
    df = pd.DataFrame({
        "day": pd.to_numeric(plan["day"]).astype("int64").to_numpy(),
        SPLIT_LABELS[0]: fortified.to_numpy(),
        SPLIT_LABELS[1]: (ingested - fortified).to_numpy(),
    })
    per_day = df.groupby("day").sum()
    long = per_day.reset_index().melt(id_vars="day", var_name="source", value_name="ug")
    total = long.groupby("day")["ug"].transform("sum")
    long["share"] = (long["ug"] / total.where(total > 0)).astype("float64")
    long["order"] = long["source"].map({s: i for i, s in enumerate(SPLIT_LABELS)})
    long = long.sort_values(["day", "order"]).reset_index(drop=True)
    return long[cols]


def split_chart(frame: pd.DataFrame) -> alt.Chart:
    """Stacked bars per day: fortified/supplement B12 vs B12 naturally in food."""
    import altair as alt

    data = frame.copy()
    data["Day"] = "Day " + data["day"].astype(str)
    day_sort = [f"Day {d}" for d in sorted(set(data["day"].tolist()))]
    data["µg"] = data["ug"].round(2)
    data["Share"] = data["share"]
    data["bar_words"] = [f"{d}, {s}: {v:.2f} µg" for d, s, v in zip(
        data["Day"], data["source"], data["µg"], strict=True)]
    return alt.Chart(data).mark_bar(**_BAR_GAP).encode(
        x=alt.X("Day:N", sort=day_sort, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("ug:Q", title="B12 eaten [µg]", stack="zero"),
        color=alt.Color("source:N", sort=list(SPLIT_LABELS),
                        scale=alt.Scale(domain=list(SPLIT_LABELS),
                                        range=list(SPLIT_COLOURS)),
                        title="Where it comes from",
                        legend=alt.Legend(orient="bottom", direction="vertical",
                                          labelLimit=0)),
        order=alt.Order("source:N", sort="ascending"),
        description=alt.Description("bar_words:N"),
        tooltip=[alt.Tooltip("Day:N"), alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("µg:Q"), alt.Tooltip("Share:Q", format=".0%")],
    ).properties(height=300)


def store_frame(projection: Any) -> pd.DataFrame:
    """The body-store projection as ``day``, ``years`` and ``store_ug``.

    ``projection`` is what :func:`planner.model.stores.project_stores` returned: a DataFrame
    with a day column (``day`` or ``days``) and a store column (``store_ug`` or
    ``stores_ug``), or a Series of store values indexed by day.
    """
    if isinstance(projection, pd.Series):
        df = projection.rename("store_ug").rename_axis("day").reset_index()
    elif isinstance(projection, pd.DataFrame):
        df = projection.copy()
        if "day" not in df.columns:
            for alt_name in ("days", "t_days", "time_days"):
                if alt_name in df.columns:
                    df = df.rename(columns={alt_name: "day"})
                    break
            else:
                df = df.rename_axis("day").reset_index()
        if "store_ug" not in df.columns:
            for alt_name in ("stores_ug", "body_store_ug", "pool_ug", "store"):
                if alt_name in df.columns:
                    df = df.rename(columns={alt_name: "store_ug"})
                    break
            else:
                raise ValueError("the projection has no store_ug column.")
    else:
        raise TypeError(f"cannot chart a projection of type {type(projection).__name__}.")
    out = pd.DataFrame({
        "day": pd.to_numeric(df["day"], errors="coerce").astype("float64"),
        "store_ug": pd.to_numeric(df["store_ug"], errors="coerce").astype("float64"),
    }).dropna().reset_index(drop=True)
    out["years"] = out["day"] / DAYS_PER_YEAR
    return out[["day", "years", "store_ug"]]


def zone_frame(top_ug: float, replete_ug: float | None = None,
               threshold_ug: float = DEFAULT_THRESHOLD_UG) -> pd.DataFrame:
    """The store zones as bands: ``zone``, ``lower_ug``, ``upper_ug`` (top: ``top_ug``).

    Defaults from :mod:`planner.model.stores`: replete ≥ 1,000 µg (what the requirement
    maintains [IOM p.328, p.331]), low, depleted < 300 µg [IOM p.331].
    """
    rep = float(REPLETE_STORE_UG if replete_ug is None else replete_ug)
    top = max(float(top_ug), rep * 1.1)
    return pd.DataFrame({
        "zone": ["replete", "low", "depleted"],
        "lower_ug": [rep, float(threshold_ug), 0.0],
        "upper_ug": [top, rep, float(threshold_ug)],
    })


def store_chart(frame: pd.DataFrame, threshold_ug: float = DEFAULT_THRESHOLD_UG,
                replete_ug: float | None = None) -> alt.LayerChart:
    """Body store over time (years) over the three zones (replete, low, depleted), with a
    dashed line at the depletion threshold."""
    import altair as alt

    data = frame.copy()
    data["store_shown_ug"] = data["store_ug"].round(0)
    data["years_shown"] = data["years"].round(2)
    zones = zone_frame(float(data["store_ug"].max()) if len(data) else 0.0, replete_ug,
                       threshold_ug)
    bands = alt.Chart(zones).mark_rect(opacity=0.12).encode(
        y=alt.Y("lower_ug:Q"), y2="upper_ug:Q",
        color=alt.Color("zone:N", title="Store zone",
                        scale=alt.Scale(domain=list(ZONE_COLOURS),
                                        range=list(ZONE_COLOURS.values())),
                        # the bands are a faint tint; the legend's swatches are not
                        legend=alt.Legend(symbolOpacity=1)),
        tooltip=[alt.Tooltip("zone:N", title="Zone")],
    )
    line = alt.Chart(data).mark_line(strokeWidth=3, color=BLUE).encode(
        x=alt.X("years:Q", title="Years from the start of the plan"),
        y=alt.Y("store_ug:Q", title="B12 stored in the body [µg]",
                scale=alt.Scale(domainMin=0)),
        tooltip=[alt.Tooltip("years_shown:Q", title="Years"),
                 alt.Tooltip("store_shown_ug:Q", title="Store [µg]")],
    )
    rule_df = pd.DataFrame({
        "threshold": [float(threshold_ug)],
        "what": [f"Depleted below ≈ {threshold_ug:,.0f} µg"],
    })
    rule = alt.Chart(rule_df).mark_rule(strokeDash=[6, 4], size=2, color=TARGET_COLOUR).encode(
        y="threshold:Q", tooltip=[alt.Tooltip("what:N", title="Line")]
    )
    label = alt.Chart(rule_df).mark_text(
        align="left", dx=4, dy=-8, color=TARGET_COLOUR, fontWeight="bold"
    ).encode(y="threshold:Q", x=alt.value(0), text="what:N")
    return alt.layer(bands, line, rule, label).properties(height=280)


def lab_chart(history: pd.DataFrame) -> alt.FacetChart:
    """Blood-test results over time, one row per marker on its own axis (default unit);
    each result's point in its band's colour (:data:`planner.palette.BAND_COLOURS`).

    ``history`` is :func:`planner.model.labs.lab_history`'s table (``date``, ``label``,
    ``value``, ``unit``, ``default_value``, ``band``, ``band_label``, ``guideline``).
    """
    import altair as alt

    bands = [k for k in BAND_LABELS if k in set(history["band"])]
    base = alt.Chart().encode(
        x=alt.X("date:T", title="Date of the test"),
        y=alt.Y("default_value:Q", title="Result (default unit)"),
        detail="label:N",
    )
    line = base.mark_line(color=GREY)
    points = base.mark_point(filled=True, size=70).encode(
        color=alt.Color("band_label:N", title="Band",
                        scale=alt.Scale(domain=[BAND_LABELS[k] for k in bands],
                                        range=[BAND_COLOURS[k] for k in bands])),
        tooltip=["date:T", "label:N", "value:Q", "unit:N", "band_label:N", "guideline:N"],
    )
    return alt.layer(line, points, data=history).properties(height=160).facet(
        row=alt.Row("label:N", title=None)).resolve_scale(y="independent")


__all__ = [
    "DEFAULT_THRESHOLD_UG",
    "lab_chart",
    "MEASURES",
    "ZONE_COLOURS",
    "SPLIT_LABELS",
    "day_chart",
    "meal_frame",
    "meal_order",
    "split_chart",
    "split_frame",
    "store_chart",
    "store_frame",
    "zone_frame",
]
