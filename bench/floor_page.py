"""The floor for bench_browser.py: the least a Streamlit page with one chart costs (a title, one
metric, one small plotly bar), served by the same Streamlit on the same machine in the same run.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
st.title("Floor page")
st.metric("Portfolio value", "$1,234,567", delta="prices as of 01 Dec 2026", delta_color="off")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, -1, 2])), width="stretch",
                key="floor_bar")
