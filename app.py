"""Overview: how the portfolio fares under each export-policy scenario."""

import streamlit as st

st.set_page_config(page_title="AI export-policy exposure", page_icon="🛰️", layout="wide")
st.title("AI export-policy exposure")
st.info("The overview page is being built; use the CLI `exposure evaluate` meanwhile.")
