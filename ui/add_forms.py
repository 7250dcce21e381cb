"""The forms that add to the plan: a food from the table, a supplement, a food from its
label (and the saved label foods, to edit or delete), FoodData Central.

The food search (with its choices), the label form and the FoodData Central search are
fragments (``st.fragment``): typing there reruns the form only, not the evaluation, the
suggestions and the charts above it. "Add to plan" sits outside the food fragment, so
adding a food is one whole-page run; a callback inside a fragment that changes the plan
or leaves a message redraws the whole page (:func:`ui.state.rerun_page_if_needed`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import planner
from ui import state
from ui.fdc_panel import fdc_panel
from ui.text import ADD_MODES, DIET_LABELS, DV_CHOICES, FREQUENCIES, as_text, guarded

MEALS = list(planner.DEFAULT_MEAL_TIMES)  # breakfast, lunch, snack, dinner
#: Widgets of the food form that start afresh for the next food.
FOOD_FORM_KEYS = ("food_query", "food_choice", "food_count", "food_grams", "food_days")
LABEL_FORM_KEYS = ("lbl_name", "lbl_brand", "lbl_serving", "lbl_mode", "lbl_ug", "lbl_pct",
                   "lbl_dv", "lbl_fortified", "lbl_diet", "lbl_editing")


# -- a food from the table -----------------------------------------------------------------------
def _add_food() -> None:
    """Callback of "Add to plan" (reads the form's widgets from session state)."""
    ss = st.session_state
    foods = state.get_foods()
    food_id = ss.get("food_choice")
    if not str(ss.get("food_query") or "").strip() or not food_id or food_id not in foods:
        state.notify("warning", "Choose a food from the list first.", "add")
        return
    portion = ss.get(f"food_portion_{food_id}", "grams")
    if portion == "grams":
        grams = float(ss.get("food_grams", 100.0))
        label = ""
    else:
        count = float(ss.get("food_count", 1.0))
        table = foods.portions(food_id)
        match = table[table["label"] == portion]
        if not len(match):
            state.notify("error", f"Portion {portion!r} not found for this food; choose "
                                  "another.", "add")
            return
        grams = round(float(match["grams"].iloc[0]) * count, 1)
        label = planner.portion_words(portion, count)
    n_days = planner.form_days(ss[state.PLAN])
    days = planner.target_days(ss.get("food_days") or [], n_days)
    if not days:
        state.notify("warning", "Choose at least one day.", "add")
        return
    meal = ss.get("food_meal", "breakfast")
    desc = str(foods.df.at[food_id, "description"])
    rows = planner.food_rows(food_id, desc, days, meal, grams, label)
    if state.append_rows(rows, foods, f"Add {desc}", where="add"):
        state.notify("success", f"Added {desc} ({label or f'{grams:g} g'}) at {meal}, "
                                f"{planner.days_words(days, n_days)}.", "add")
        for key in (*FOOD_FORM_KEYS, f"food_portion_{food_id}"):
            ss.pop(key, None)  # the next food starts afresh (not "2" of it again)


def _switch_to(mode: str, query: str) -> None:
    """Callback: open "Food from a label" (name filled in) or FoodData Central search."""
    ss = st.session_state
    ss[state.ADD_MODE] = mode
    ss["lbl_name" if mode == "label" else "fdc_query"] = query[:80]
    state.request_page_rerun()  # the mode radio is outside the fragment


def _offer_other_sources(query: str) -> None:
    c1, c2 = st.columns(2)
    c1.button("Add it from its label", key="food_to_label", on_click=_switch_to,
              args=("label", query), help="Type in the Nutrition Facts label; the name is "
                                          "filled in.")
    c2.button("Look it up in FoodData Central", key="food_to_fdc", on_click=_switch_to,
              args=("fdc", query))


@st.fragment
@guarded("Add a food")
def food_search() -> None:
    """The food search and its choices (a fragment: a keystroke reruns only this)."""
    state.rerun_page_if_needed()
    add_food_form(state.current_plan(), state.get_foods())


def add_food_form(plan: pd.DataFrame, foods: planner.FoodTable) -> None:
    ss = st.session_state
    c1, c2 = st.columns([3, 2])
    c1.text_input("Type a food", key="food_query", max_chars=80,
                  placeholder="e.g. soy milk, egg, salmon, cereal")
    c2.checkbox(f"Only foods for my diet ({ss['p_diet']})", key="food_diet_only")
    query = str(ss.get("food_query") or "")
    if not query.strip():
        st.caption("Search the USDA table (14,000+ foods, typos are fine).")
        return
    diet = ss["p_diet"] if ss.get("food_diet_only", True) else None
    try:
        hits = state.search_foods(state.user_foods_stamp(), query, diet, foods)
    except planner.InputError as exc:
        st.error(as_text(exc))
        return
    if hits.empty:
        st.warning(f"No food matches “{as_text(query[:80])}”"
                   + (f" for a {diet} diet; untick the diet filter or " if diet else "; ")
                   + "try another word.")
        _offer_other_sources(query)
        return
    if not hits.attrs.get("good_match", True):
        st.info(f"Nothing in the USDA table matches “{as_text(query[:80])}” well; the "
                "closest foods are below.")
        _offer_other_sources(query)
    labels = {fid: planner.food_choice_label(r)
              for fid, r in zip(hits["food_id"], hits.to_dict("records"), strict=True)}
    if ss.get("food_choice") not in labels:
        ss["food_choice"] = next(iter(labels))
    st.selectbox("Matching foods", list(labels), format_func=labels.get, key="food_choice")
    food_id = ss["food_choice"]
    portions = foods.portions(food_id)
    options = [*portions["label"].tolist(), "grams"]
    grams_of = dict(zip(portions["label"], portions["grams"], strict=False))
    p1, p2, p3, p4 = st.columns([3, 2, 2, 2])
    portion = p1.selectbox("Portion", options, key=f"food_portion_{food_id}",
                           format_func=lambda o: "grams" if o == "grams"
                           else f"{o} ({grams_of[o]:g} g)")
    if portion == "grams":
        grams = p2.number_input("Grams", min_value=1.0, max_value=planner.MAX_GRAMS,
                                value=100.0, step=10.0, key="food_grams", format="%g")
    else:
        count = p2.number_input("How many", min_value=0.25, max_value=20.0, value=1.0,
                                step=0.5, key="food_count", format="%g")
        grams = count * float(grams_of[portion])
    n_days = planner.form_days(plan)
    p3.multiselect("Day(s)", [planner.EVERY_DAY, *range(1, n_days + 1)], default=[1],
                   key="food_days")
    p4.selectbox("Meal", MEALS, key="food_meal", format_func=str.capitalize)
    food = foods.df.loc[food_id]
    if pd.isna(food["b12_ug"]):
        amount = "B12 unknown (USDA gives no value)"
    else:
        amount = f"{food['b12_ug'] * grams / 100:.2f} µg B12"
        if not bool(food["b12_reliable"]):
            amount += ", not counted: " + (str(food["b12_note"]) or "not a reliable source")
    st.caption(as_text(f"{grams:g} g = {amount}."))  # the note may come from a saved food


# -- a supplement --------------------------------------------------------------------------------
def _add_supplement() -> None:
    ss = st.session_state
    freq = ss.get("sup_freq", "daily")
    rows = planner.supplement_rows(ss.get("sup_form", planner.SUPPLEMENT_FORMS[0]),
                                   float(ss.get("sup_dose", 250.0)), freq,
                                   ss.get("sup_meal", "breakfast"),
                                   planner.form_days(ss[state.PLAN]))
    title = f"{ss.get('sup_dose', 250.0):g} µg {ss.get('sup_form')} {freq}"
    if state.append_rows(rows, state.get_foods(), f"Add supplement {title}", where="add"):
        msg = f"Added a supplement: {title} ({len(rows)} doses)."
        plan = ss[state.PLAN]
        n = planner.plan_span(plan["day"])[2]
        want = planner.form_days(plan)
        if freq != "daily" and want > n:
            # a weekly regimen is averaged over whole weeks: said here, editable above
            ss[state.SPAN_OVERRIDE] = (n, want)
            msg += f" The plan is now averaged over {want} days (change it in section 2)."
        state.notify("success", msg, "add")


def supplement_form() -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.number_input("Dose per tablet or drop (µg)", min_value=1.0,
                    max_value=planner.MAX_DOSE_UG, value=250.0, step=25.0, key="sup_dose",
                    format="%g", help="Read it on the label (µg = mcg).")
    c2.selectbox("How often", list(FREQUENCIES), format_func=FREQUENCIES.get, key="sup_freq")
    c3.selectbox("With", MEALS, format_func=str.capitalize, key="sup_meal")
    c4.selectbox("Form", planner.SUPPLEMENT_FORMS, key="sup_form",
                 help="All forms work the same once absorbed (cyanocobalamin is the "
                      "best studied).")
    st.button("Add supplement", type="primary", on_click=_add_supplement, key="add_sup")
    st.caption("Common regimens: 10 µg or more every day, or 2000 µg once a week (The Vegan "
               "Society). With pernicious anaemia or after surgery, follow your doctor's "
               "regimen.")


# -- a food from its label, and the saved label foods ----------------------------------------------
def _save_label_food() -> None:
    ss = st.session_state
    mode = ss.get("lbl_mode", "ug")
    editing = ss.get("lbl_editing")
    try:
        row = planner.label_food(
            name=str(ss.get("lbl_name", "")),
            serving_g=float(ss.get("lbl_serving", 0.0)),
            b12_per_serving_ug=float(ss.get("lbl_ug", 0.0)) if mode == "ug" else None,
            percent_dv=float(ss.get("lbl_pct", 0.0)) if mode == "pct" else None,
            dv_basis_ug=float(ss.get("lbl_dv", 2.4)),
            fortified=bool(ss.get("lbl_fortified", True)),
            diet=str(ss.get("lbl_diet", "vegan")),
            brand=str(ss.get("lbl_brand", "")),
            food_id=editing or None,
        )
        food_id = planner.save_user_food(row, [("1 serving", float(ss["lbl_serving"]))])
    except planner.InputError as exc:
        ss["lbl_error"] = str(exc)
        return
    except OSError as exc:
        ss["lbl_error"] = f"Could not save the food ({exc})."
        return
    ss.pop("lbl_error", None)
    per = row["b12_ug"] * float(ss["lbl_serving"]) / 100
    for key in LABEL_FORM_KEYS:
        ss.pop(key, None)  # the next label starts afresh
    ss[state.ADD_MODE] = "food"
    ss["food_query"] = row["description"]
    ss["food_choice"] = food_id
    ss["food_diet_only"] = False
    what = "Updated" if editing else "Saved"
    state.request_page_rerun()  # the food form opens with the new food chosen
    state.notify("success", f"{what} “{row['description']}” ({per:.2f} µg B12 per serving). "
                            "It is selected below: choose the day and meal and press “Add to "
                            "plan”.", "add")


def saved_label_foods() -> pd.DataFrame:
    """The foods saved from a label (id, name, brand, B12 per 100 g, serving grams)."""
    saved, portions = planner.read_user_foods()
    if not len(saved):
        return saved
    labels = saved[saved["group"] == "From a label"].copy()
    serving = portions[portions["label"] == "1 serving"].drop_duplicates("food_id")
    grams = dict(zip(serving["food_id"], serving["grams"], strict=True))
    labels["serving_g"] = [grams.get(f, 100.0) for f in labels["food_id"]]
    return labels.reset_index(drop=True)


def _edit_label_food(food_id: str) -> None:
    """Callback: put a saved label food into the form; saving replaces it."""
    ss = st.session_state
    foods = saved_label_foods()
    row = foods[foods["food_id"] == food_id]
    if not len(row):
        return
    r = row.iloc[0]
    serving = float(r["serving_g"])
    fortified = r["b12_fortified_ug"]
    ss.update({
        "lbl_editing": food_id, "lbl_name": str(r["description"]),
        "lbl_brand": str(r["manufacturer"] if isinstance(r["manufacturer"], str) else ""),
        "lbl_serving": serving, "lbl_mode": "ug",
        "lbl_ug": round(float(r["b12_ug"]) * serving / 100, 3),
        "lbl_fortified": bool(pd.notna(fortified) and fortified > 0),
        "lbl_diet": str(r["diet"]),
    })
    ss.pop("lbl_error", None)


def _cancel_edit() -> None:
    for key in LABEL_FORM_KEYS:
        st.session_state.pop(key, None)


def _delete_label_food(food_id: str, name: str) -> None:
    """Callback: delete a saved label food, unless the plan uses it."""
    ss = st.session_state
    if (ss[state.PLAN]["food_id"] == food_id).any():
        state.notify("error", f"“{name}” is in your plan: remove it from the plan (section 4) "
                              "before deleting it.", "add")
        return
    try:
        planner.delete_user_food(food_id)
    except (planner.InputError, OSError) as exc:
        state.notify("error", f"Could not delete “{name}”: {exc}", "add")
        return
    if ss.get("lbl_editing") == food_id:
        _cancel_edit()
    state.notify("info", f"Deleted your saved food “{name}”.", "add")


def _saved_label_list() -> None:
    foods = saved_label_foods()
    if not len(foods):
        return
    with st.expander(f"Your foods from labels ({len(foods)})"):
        for i, r in enumerate(foods.itertuples(index=False)):
            per = float(r.b12_ug) * float(r.serving_g) / 100
            c1, c2, c3 = st.columns([4, 1, 1], vertical_alignment="center")
            c1.markdown(as_text(f"{r.description} · {per:.2f} µg B12 per {r.serving_g:g} g"))
            c2.button("Edit", key=f"lbl_edit_{i}", on_click=_edit_label_food,
                      args=(r.food_id,), icon=":material/edit:")
            c3.button("Delete", key=f"lbl_delete_{i}", on_click=_delete_label_food,
                      args=(r.food_id, str(r.description)), icon=":material/delete:")


@st.fragment
@guarded("Food from a label")
def custom_food_form() -> None:
    """The label form and the saved label foods (a fragment: typing reruns only this)."""
    state.rerun_page_if_needed()
    ss = st.session_state
    editing = ss.get("lbl_editing")
    if editing:
        st.info(f"Editing your saved food “{as_text(ss.get('lbl_name', ''))}”: saving "
                "replaces it.")
    else:
        st.caption("A product that is not in the table? Type in its Nutrition Facts label. "
                   "The food is saved on this computer and can be searched like any other.")
    c1, c2 = st.columns(2)
    c1.text_input("Product name", key="lbl_name", max_chars=120,
                  placeholder="e.g. Oat drink, barista")
    c2.text_input("Brand (optional)", key="lbl_brand", max_chars=80)
    c3, c4 = st.columns(2)
    c3.number_input("Serving size (g; for drinks, ml)", min_value=0.1,
                    max_value=planner.MAX_GRAMS, value=240.0, step=10.0, key="lbl_serving",
                    format="%g")
    mode = c4.radio("The label gives B12 as", ["ug", "pct"], horizontal=True, key="lbl_mode",
                    format_func={"ug": "µg (mcg) per serving", "pct": "% Daily Value"}.get)
    c5, c6 = st.columns(2)
    if mode == "ug":
        c5.number_input("Vitamin B12 per serving (µg)", min_value=0.0,
                        max_value=planner.MAX_DOSE_UG, value=1.0, step=0.1, key="lbl_ug",
                        format="%g")
    else:
        pct = c5.number_input("Vitamin B12 (% DV per serving)", min_value=0.0,
                              max_value=100_000.0, value=25.0, step=5.0, key="lbl_pct",
                              format="%g")
        dv = c6.radio("Which Daily Value did the label use?", list(DV_CHOICES),
                      format_func=DV_CHOICES.get, key="lbl_dv",
                      help="Same %DV, different µg: 25 % is 0.6 µg on new labels, 1.5 µg on "
                           "old ones. New-format labels show “Includes Added Sugars”.")
        c5.caption(f"{pct:g} % of {dv:g} µg = {pct / 100 * dv:.2f} µg per serving.")
    c7, c8 = st.columns(2)
    c7.checkbox("Fortified (B12 or cyanocobalamin in the ingredients)", value=True,
                key="lbl_fortified")
    c8.selectbox("Suitable for", list(planner.DIET_ORDER), format_func=DIET_LABELS.get,
                 key="lbl_diet")
    b1, b2 = st.columns(2)
    b1.button("Save changes" if editing else "Save this food", type="primary",
              on_click=_save_label_food, key="lbl_save")
    if editing:
        b2.button("Cancel", key="lbl_cancel", on_click=_cancel_edit)
    if ss.get("lbl_error"):
        st.error(f"Not saved: {as_text(ss['lbl_error'])}")
    _saved_label_list()


# -- the panel -----------------------------------------------------------------------------------
@guarded("Add to the plan")
def add_panel() -> None:
    """"Add to the plan": the choice of form, its messages, and the form."""
    # A radio, not st.tabs: tabs forget the open tab when a widget inside reruns the app.
    mode = st.radio("Add to the plan", list(ADD_MODES), format_func=ADD_MODES.get,
                    key=state.ADD_MODE, horizontal=True)
    state.show_notices("add")
    if mode == "food":
        food_search()
        # Outside the fragment: adding a food redraws the page in one run.
        st.button("Add to plan", type="primary", on_click=_add_food, key="add_food")
    elif mode == "supplement":
        supplement_form()
    elif mode == "label":
        custom_food_form()
    else:
        fdc_panel()
