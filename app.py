"""B12 Planner web app (placeholder until the app issue lands)."""

import streamlit as st

st.set_page_config(page_title="B12 Planner", page_icon="🧪")
st.title("B12 Planner")
st.write("Does your diet give you enough vitamin B12? The full planner is on its way.")
