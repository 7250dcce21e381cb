"""The Streamlit app through Streamlit's own test harness (no browser): The add-food and
supplement forms (the schedules themselves: tests/test_plan_edit.py).

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
    mode,
    plan,
    run,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_app_state")


# -- add a food ---------------------------------------------------------------------------------
def test_add_a_food_with_a_portion_every_day(app):
    load(app, "vegan")
    n = len(plan(app))
    app.text_input(key="food_query").input("soy milk")
    run(app)
    choice = app.selectbox(key="food_choice")
    assert "µg B12 per 100 g" in choice.format_func(choice.value)
    app.selectbox(key="food_choice").set_value("fndds:11320100")
    run(app)
    app.selectbox(key="food_portion_fndds:11320100").set_value("1 cup")
    app.number_input(key="food_count").set_value(2.0)
    app.multiselect(key="food_days").set_value(["Every day"])
    app.selectbox(key="food_meal").set_value("lunch")
    app.button(key="add_food").click()
    run(app)
    p = plan(app)
    added = p[(p["food_id"] == "fndds:11320100") & (p["meal"] == "lunch")]
    assert len(p) == n + 7 and len(added) == 7
    assert set(added["grams"]) == {488.0} and set(added["portion"]) == {"2 cup"}
    assert "Added Soy milk, unsweetened" in texts(app.success)


def test_the_food_form_starts_afresh_for_the_next_food(app, foods):
    """Issue 14: "How many" (and the food, days) do not carry over to the next food."""
    load(app, "empty")
    app.text_input(key="food_query").input("banana")
    run(app)
    fid = app.selectbox(key="food_choice").value
    measures = foods.portions(fid)["label"].tolist()
    assert measures, fid  # a household measure to count
    app.selectbox(key=f"food_portion_{fid}").set_value(measures[0])
    run(app)
    app.number_input(key="food_count").set_value(2.0)
    app.button(key="add_food").click()
    run(app)
    assert len(plan(app)) == 1
    assert "Added " in texts(app.success)
    assert app.text_input(key="food_query").value == ""
    app.text_input(key="food_query").input("apple")
    run(app)
    assert app.number_input(key="food_count").value == 1.0


def test_add_a_food_in_grams_on_chosen_days(app):
    load(app, "empty")
    app.text_input(key="food_query").input("salmon")
    app.checkbox(key="food_diet_only").uncheck()
    run(app)
    fid = app.selectbox(key="food_choice").value
    app.selectbox(key=f"food_portion_{fid}").set_value("grams")
    run(app)
    app.number_input(key="food_grams").set_value(150.0)
    app.multiselect(key="food_days").set_value([2, 5])
    app.button(key="add_food").click()
    run(app)
    assert plan(app)["day"].tolist() == [2, 5]
    assert set(plan(app)["grams"]) == {150.0}


def _offered(at: AppTest) -> list[str]:
    boxes = [s for s in at.selectbox if s.key == "food_choice"]
    if not boxes:
        return []
    return list(boxes[0].proto.options)  # the labels people see


def test_search_is_filtered_to_the_diet(app, foods):
    app.selectbox(key="p_diet").set_value("vegan")
    app.text_input(key="food_query").input("cheese")
    run(app)
    assert "(vegan)" in app.checkbox(key="food_diet_only").label
    labels = _offered(app)
    assert labels, "vegan cheese alternatives exist"
    described = set(foods.df.loc[foods.allowed("vegan"), "description"])
    assert all(label.rsplit(" (", 1)[0] in described for label in labels)
    app.checkbox(key="food_diet_only").uncheck()
    run(app)
    assert len(_offered(app)) > len(labels) or any(
        "Cheese, cheddar" in lab for lab in _offered(app))


@pytest.mark.parametrize("query", ["=HYPERLINK(\"http://x\")", "'; DROP TABLE foods;--",
                                   "x" * 500, "🙂🙂🙂", "\x00\x01"])
def test_hostile_search_text_is_harmless(app, query):
    app.text_input(key="food_query").input(query)
    run(app)
    shown = texts(app.warning) + texts(app.caption)
    assert "No food matches" in shown or "Search the USDA table" in shown or [
        s for s in app.selectbox if s.key == "food_choice"]


def test_absurd_numbers_in_widgets_end_readably(app, foods):
    """Out-of-range numbers (which the browser refuses) never crash the app or lose rows."""
    from planner import validate_plan

    load(app, "vegan")
    n = len(plan(app))
    app.checkbox(key="p_store_manual").check()
    run(app)
    for key, value in [("p_age", 999), ("p_age", -5), ("p_store", 1e12),
                       ("p_store", float("nan")), ("p_years_no_b12", 1e9)]:
        app.number_input(key=key).set_value(value)
        run(app)
    mode(app, "supplement")
    for value in (1e12, -1.0, float("inf")):
        app.number_input(key="sup_dose").set_value(value)
        app.button(key="add_sup").click()
        run(app)
    mode(app, "label")
    app.text_input(key="lbl_name").input("x" * 10_000)
    app.number_input(key="lbl_serving").set_value(1e30)
    app.button(key="lbl_save").click()
    run(app)
    p = plan(app)
    assert len(p) >= n
    validate_plan(p, foods)  # whatever happened, the plan is still a valid plan


# -- supplements --------------------------------------------------------------------------------
# The schedule of each frequency is unit-tested (tests/test_plan_edit.py); here the form.
@pytest.mark.parametrize("frequency, days", [("twice weekly", [1, 4])])
def test_supplement_regimens(app, frequency, days):
    load(app, "vegan")
    before = metrics(app)["B12 absorbed per day"]
    mode(app, "supplement")
    app.number_input(key="sup_dose").set_value(1000.0)
    app.selectbox(key="sup_freq").set_value(frequency)
    app.selectbox(key="sup_meal").set_value("dinner")
    app.button(key="add_sup").click()
    run(app)
    sup = plan(app)[plan(app)["food_id"] == "supplement:cyanocobalamin"]
    assert sup["day"].tolist() == days
    assert set(sup["dose_ug"]) == {1000.0} and set(sup["meal"]) == {"dinner"}
    assert metrics(app)["B12 absorbed per day"] != before


def test_a_daily_supplement_fixes_the_vegan_week(app):
    load(app, "vegan")
    assert metrics(app)["Status"] == "Below the requirement"
    mode(app, "supplement")
    app.number_input(key="sup_dose").set_value(250.0)
    app.button(key="add_sup").click()
    run(app)
    assert metrics(app)["Status"] == "Meets the goal"
