"""Pure plotly figure builders (no Streamlit): ``overview`` (heatmap, treemap, scenario bars,
waterfall), ``evidence``, ``lookthrough``, ``review`` and ``risk``."""
