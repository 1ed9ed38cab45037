"""The floor for bench_sessions.py: the least a Streamlit page costs whose sidebar select box
changes a KPI and one small chart (the same scenario labels as the app), served by the same
Streamlit on the same machine in the same run.
"""

import plotly.graph_objects as go
import streamlit as st

from exposure.model.catalog import load_catalog


@st.cache_resource
def labels() -> dict[str, str]:
    catalog = load_catalog()
    return {i: s.label or s.title for i, s in catalog.scenarios.items()}


st.set_page_config(page_title="Floor", layout="wide")
names = labels()
with st.sidebar:
    picked = st.selectbox("Scenario", list(names), format_func=names.get)
st.title("Floor page")
st.metric(f"Impact: {names[picked]}", f"-${len(picked) * 1234:,}")
st.plotly_chart(go.Figure(go.Bar(x=list(names.values()), y=[len(i) for i in names],
                                 marker_color=["red" if i == picked else "grey" for i in names])),
                width="stretch", key="floor_bar")
