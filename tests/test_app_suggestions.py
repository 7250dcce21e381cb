"""The Streamlit app through Streamlit's own test harness (no browser): The suggestions panel:
the real planner.suggest, applied with one click.

One module per component of the ``ui`` package; shared helpers in ``apptest_helpers``.
After every run the page must hold no exception element.
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_helpers import (  # noqa: E402
    AppTest,
    load,
    metrics,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


# -- suggestions --------------------------------------------------------------------------------
def _suggestion_for(at: AppTest, foods):
    """What planner.suggest says about the app's current plan and profile."""
    from planner import Profile, suggest

    ss = at.session_state
    profile = Profile(age=int(ss["p_age"]), sex=ss["p_sex"], diet=ss["p_diet"],
                      conditions=tuple(ss["p_conditions"]), authority=ss["p_authority"])
    return suggest(plan(at), profile, foods, days=7)


def test_suggestions_panel_shows_the_real_suggestion_and_applies_it(app, foods):
    load(app, "vegan")
    n = len(plan(app))
    result = _suggestion_for(app, foods)
    assert result.status == "plan_found"
    assert result.messages[0] in texts(app.info)
    shown = texts(app.markdown)
    first_addition = result.additions.iloc[0]
    assert f"{first_addition['portion']} {first_addition['description']}" in shown
    foods_offered = result.food_options().drop_duplicates("option")
    sups_offered = result.supplement_options().drop_duplicates("option")
    for title in [*foods_offered["title"][:4], *sups_offered["title"][:4]]:
        assert title in shown
    assert [b.key for b in app.button if b.key.startswith("sugg_food_")] == [
        f"sugg_food_{i}" for i in range(min(4, len(foods_offered)))]
    assert foods_offered["detail"].iloc[0] in texts(app.caption)
    # one click adds the first food card: one serving every day at its meal
    option = foods_offered.iloc[0]
    app.button(key="sugg_food_0").click()
    run(app)
    p = plan(app)
    added = p[(p["food_id"] == option["food_id"]) & (p["meal"] == option["meal"])
              & (p["portion"] == option["portion"])]
    assert len(p) == n + 7 and sorted(added["day"]) == list(range(1, 8))
    assert f"Added {option['title']}" in texts(app.success)


@pytest.mark.parametrize("example", ["vegan"])  # the vegetarian week: tests/test_suggest.py
def test_real_suggestions_reach_the_goal(app, foods, example):
    load(app, example)
    assert metrics(app)["Status"] != "Meets the goal"
    n = len(plan(app))
    additions = _suggestion_for(app, foods).additions
    app.button(key="sugg_plan").click()
    run(app)
    assert len(plan(app)) == n + len(additions)
    assert metrics(app)["Status"] == "Meets the goal"
    assert "Added the least-change plan" in texts(app.success)


def test_real_suggestion_cards_add_rows(app):
    load(app, "older_adult")
    app.multiselect(key="p_conditions").set_value(["ppi"])
    run(app)
    n = len(plan(app))
    buttons = [b for b in app.button if b.key.startswith("sugg_supplement_")]
    assert buttons
    buttons[0].click()
    run(app)
    assert (plan(app)["food_id"] == "supplement:cyanocobalamin").sum() >= 1
    assert len(plan(app)) > n
    assert metrics(app)["Status"] == "Meets the goal"
