"""Body-store projection: first-order kinetics against the reference's table (§7)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from planner.errors import InputError
from planner.model.stores import (
    REPLETE_STORE_UG,
    days_to_depletion,
    initial_store_estimate,
    project_stores,
    store_outlook,
    store_turnover,
    store_zone,
)

# Reference §7: years to fall to 300 µg with no intake, S0 × k (k in %/day).
DEPLETION_YEARS = {
    600: (1.9, 1.5, 1.3, 0.9),
    1000: (3.3, 2.5, 2.2, 1.6),
    2000: (5.2, 4.0, 3.5, 2.6),
    3000: (6.3, 4.8, 4.2, 3.2),
    5000: (7.7, 5.9, 5.1, 3.9),
}
KS = (0.0010, 0.0013, 0.0015, 0.0020)
CASES = [(s0, k, years) for s0, row in DEPLETION_YEARS.items() for k, years in zip(KS, row,
                                                                                   strict=True)]


@pytest.mark.parametrize("s0,k,years", CASES)
def test_zero_intake_depletion_matches_reference_table(s0, k, years):
    dep = days_to_depletion(0.0, initial_store_ug=s0, k=k)
    assert dep.years == pytest.approx(years, abs=0.051)


def test_2000_ug_at_normal_turnover_lasts_about_5_2_years():
    dep = days_to_depletion(0.0, initial_store_ug=2000.0)
    assert dep.days == pytest.approx(np.log(2000 / 300) / 0.001)
    assert dep.years == pytest.approx(5.2, abs=0.05)
    proj = project_stores(0.0, days=2000, initial_store_ug=2000.0)
    crossed = int(proj.loc[proj["below_threshold"], "day"].iloc[0])
    assert crossed == int(np.ceil(dep.days))


@pytest.mark.parametrize("conditions,k", [
    ((), 0.0010),                       # [IOM p.331]
    (("ppi",), 0.0010),
    (("metformin",), 0.0010),
    (("atrophic_gastritis",), 0.0015),  # [IOM App. N]
    (("pernicious_anemia",), 0.0020),   # no biliary reabsorption [IOM App. N]
    (("bariatric_surgery",), 0.0020),
    (("ileal_resection",), 0.0020),
    (("atrophic_gastritis", "pernicious_anemia"), 0.0020),
])
def test_store_turnover_by_condition(conditions, k):
    assert store_turnover(conditions) == k


def test_pooled_basis():
    assert store_turnover((), basis="pooled") == 0.0013  # [DOETS-13]
    with pytest.raises(InputError, match="basis"):
        store_turnover((), basis="fast")


def test_steady_state_above_threshold_never_depletes():
    # A = 1.2 µg/d → S* = 1200 µg at k = 0.001 (reference §7 example)
    dep = days_to_depletion(1.2, initial_store_ug=2500)
    assert dep.days is None and dep.years is None
    assert dep.steady_state_ug == pytest.approx(1200.0)


def test_low_intake_delays_depletion():
    dep = days_to_depletion(0.2, initial_store_ug=2000)
    assert dep.steady_state_ug == pytest.approx(200)
    assert dep.days == pytest.approx(np.log((2000 - 200) / (300 - 200)) / 0.001)
    assert dep.days > days_to_depletion(0.0, initial_store_ug=2000).days


def test_already_below_threshold():
    assert days_to_depletion(0.0, initial_store_ug=250).days == 0.0


def test_projection_follows_the_closed_form_and_steady_state():
    proj = project_stores(1.2, days=20_000, initial_store_ug=300)
    assert list(proj.columns) == ["day", "store_ug", "below_threshold", "zone"]
    t = proj["day"].to_numpy()
    assert_allclose(proj["store_ug"], 1200 + (300 - 1200) * np.exp(-0.001 * t))
    assert proj["store_ug"].iloc[-1] == pytest.approx(1200, rel=1e-3)


def test_daily_series_equals_constant_when_constant():
    a = project_stores(np.full(1000, 0.9), days=1000, conditions=["atrophic_gastritis"])
    b = project_stores(0.9, days=1000, conditions=["atrophic_gastritis"])
    assert_allclose(a["store_ug"], b["store_ug"], rtol=1e-10)


def test_weekly_series_integrates_the_doses():
    week = np.zeros(7)
    week[0] = 21.0  # 2000 µg weekly ≈ 21 µg absorbed
    series = np.tile(week, 520)
    proj = project_stores(series, days=len(series), initial_store_ug=2500)
    # settles near S* = (21/7)/k = 3000 µg
    assert proj["store_ug"].iloc[-1] == pytest.approx(3000, rel=0.01)


@pytest.mark.parametrize("kwargs", [
    {"absorbed_ug_per_day": -1, "days": 10},
    {"absorbed_ug_per_day": "lots", "days": 10},
    {"absorbed_ug_per_day": 1, "days": 0},
    {"absorbed_ug_per_day": 1, "days": "ten"},
    {"absorbed_ug_per_day": [1, 2], "days": 10},
    {"absorbed_ug_per_day": 1, "days": 10, "initial_store_ug": -5},
    {"absorbed_ug_per_day": 1, "days": 10, "conditions": ["scurvy"]},
    {"absorbed_ug_per_day": 1, "days": 10, "k": "fast"},
])
def test_junk_raises_input_error(kwargs):
    with pytest.raises(InputError):
        project_stores(**kwargs)


# -- zones and the outlook (they must agree with the verdict) -------------------------------
def test_replete_is_what_the_requirement_maintains():
    # 1.0 µg/day absorbed (IOM EAR × 50 %) ÷ 0.1 %/day [IOM p.328, p.331]
    assert REPLETE_STORE_UG == pytest.approx(1000.0)
    assert [store_zone(x) for x in (2500, 1000, 999, 300, 299, 0)] == [
        "replete", "replete", "low", "low", "depleted", "depleted"]


def test_a_low_intake_is_a_low_outlook_not_never():
    # the case: 0.39 µg absorbed a day was "Not enough" yet "depletion: never"
    o = store_outlook(0.39, 2500)
    assert o.steady_zone == "low" and o.steady_state_ug == pytest.approx(390)
    assert o.leaves_replete_days == pytest.approx(math.log((2500 - 390) / (1000 - 390)) / 0.001)
    assert o.depleted_days is None
    assert "low" in o.message and "leaves the replete zone" in o.message


def test_outlook_at_the_requirement_stays_replete_and_zero_intake_depletes():
    assert store_outlook(1.2).steady_zone == "replete"
    assert store_outlook(1.2).leaves_replete_days is None
    o = store_outlook(0.0, 2000)
    assert o.depleted_days == pytest.approx(math.log(2000 / 300) / 0.001)
    assert o.steady_zone == "depleted" and "depleted" in o.message
    assert store_outlook(0.0, 200).depleted_days == 0.0


def test_projection_zones_match_store_zone():
    proj = project_stores(0.2, 4000, initial_store_ug=1500)
    assert (proj["zone"] == [store_zone(x) for x in proj["store_ug"]]).all()


def test_initial_store_from_what_the_person_says():
    assert initial_store_estimate("omnivore")["store_ug"] == 2500  # [IOM p.308]
    three = initial_store_estimate("vegan", 3)
    assert three["store_ug"] == pytest.approx(2500 * math.exp(-0.001 * 3 * 365.25))
    pa = initial_store_estimate("omnivore", 3, conditions=["pernicious_anemia"])
    assert pa["store_ug"] < three["store_ug"]  # no biliary reabsorption [IOM App. N]
    assert "placenta" not in three["basis"]
    assert "baby" in initial_store_estimate("vegan", 1, pregnant=True)["basis"]
    with pytest.raises(InputError):
        initial_store_estimate("vegan", -1)


def test_the_store_outlook_is_for_adults_only():
    """The pool and turnover figures are adults' [IOM p.308, p.331]; none for children."""
    from planner.model.stores import ADULT_AGE_YEARS, store_outlook_applies

    assert ADULT_AGE_YEARS == 18
    assert not store_outlook_applies(4) and not store_outlook_applies(17.9)
    assert store_outlook_applies(18) and store_outlook_applies(72)
    assert store_outlook_applies(None)  # project-stores takes no age: the adult model
