"""Search USDA FoodData Central and save a food to "my foods" (needs an API key)."""

from __future__ import annotations

import streamlit as st

import planner
from ui import state
from ui.text import as_text, guarded


def _fdc_search() -> None:
    ss = st.session_state
    query = str(ss.get("fdc_query") or "").strip()
    ss.pop("fdc_error", None)
    ss.pop("fdc_result", None)
    if not query:
        ss["fdc_error"] = "Type a food name to search for."
        return
    client = state.fdc_client()
    if client is None:
        ss["fdc_error"] = "No FoodData Central API key is configured."
        return
    try:
        with client:
            ss["fdc_result"] = client.search(query, page_size=25)
    except (planner.InputError, planner.FdcError) as exc:
        ss["fdc_error"] = str(exc)


def _fdc_save() -> None:
    ss = st.session_state
    result = ss.get("fdc_result")
    food_id = ss.get("fdc_choice")
    if result is None or not food_id:
        return
    foods_df = result.foods
    match = foods_df[foods_df["food_id"] == food_id]
    if not len(match):
        return
    row = match.iloc[0].to_dict()
    try:
        planner.save_user_food(row, result.portions)
    except (planner.InputError, OSError) as exc:
        ss["fdc_error"] = f"Could not save the food: {exc}"
        return
    ss[state.ADD_MODE] = "food"
    state.request_page_rerun()  # the food form opens with the new food chosen
    ss["food_query"] = str(row["description"])
    ss["food_choice"] = food_id
    ss["food_diet_only"] = False
    state.notify("success", f"Saved “{row['description']}” from FoodData Central. It is "
                            "selected below: choose the day and meal and press “Add to plan”.",
                 "add")


@st.fragment
@guarded("FoodData Central")
def fdc_panel() -> None:
    """Search and save (a fragment: typing and searching rerun only this)."""
    state.rerun_page_if_needed()
    ss = st.session_state
    if not state.fdc_api_key():
        st.info(
            "Search all of USDA FoodData Central (including branded products) with a free "
            f"API key: sign up at {planner.FDC_KEY_SIGNUP_URL} (it arrives by e-mail in "
            "minutes), then start the app with the environment variable "
            "`FDC_API_KEY=<your key>`, or put `FDC_API_KEY = \"<your key>\"` in "
            "`.streamlit/secrets.toml` (never commit that file)."
        )
        return
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    c1.text_input("Search FoodData Central", key="fdc_query", max_chars=80,
                  placeholder="e.g. nutritional yeast, fortified oat drink")
    c2.button("Search", key="fdc_go", on_click=_fdc_search, width="stretch")
    if ss.get("fdc_error"):
        st.error(as_text(ss["fdc_error"]))
    result = ss.get("fdc_result")
    if result is None:
        return
    if not len(result.foods):
        st.warning("FoodData Central found nothing; try other words.")
        return
    rows = result.foods.to_dict("records")
    labels = {r["food_id"]: planner.food_choice_label(r)
              + (f" · {r['manufacturer']}" if r.get("manufacturer") else "") for r in rows}
    if ss.get("fdc_choice") not in labels:
        ss["fdc_choice"] = next(iter(labels))
    st.selectbox(f"{result.total_hits:,} results (first {len(rows)} shown)", list(labels),
                 format_func=labels.get, key="fdc_choice")
    st.button("Save to my foods", key="fdc_save", on_click=_fdc_save, type="primary")
