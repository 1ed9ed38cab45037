"""AI export-policy exposure dashboard: core package (no Streamlit outside ``exposure.ui``)."""

__version__ = "0.1.0"
