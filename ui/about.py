"""About the model: what the numbers mean and where they come from, in a few lines."""

from __future__ import annotations

import streamlit as st


def about_the_model() -> None:
    with st.expander("About the model: how the numbers are made"):
        st.markdown(
            "- **Eaten**: B12 per food from USDA FoodData Central (SR Legacy and FNDDS "
            "2021–2023), or from the label you typed in. Foods without a value count as "
            "*unknown*, not zero; algae and other unreliable sources are not counted.\n"
            "- **Absorbed**: each meal is one dose. Intrinsic factor takes up at most about "
            "1.5–2 µg per meal, and about 1 % of any larger dose passes by diffusion "
            "(IOM 1998). Your conditions and medicines (metformin, acid reducers, surgery, "
            "pernicious anaemia) change this.\n"
            "- **Goal**: the recommended intake of the authority you chose × 50 %, the "
            "share the IOM assumes healthy adults absorb. The requirement line, where an "
            "authority publishes one, is made the same way.\n"
            "- **Body store**: about 2–3 mg in a healthy adult; the outlook projects it from "
            "what you absorb and the daily loss (about 0.1 % of the store).\n\n"
            "The full description, with every constant and its source, is in the project's "
            "`docs/model.md`."
        )
