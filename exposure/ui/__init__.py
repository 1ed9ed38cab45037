"""Streamlit-specific helpers: the only code besides the pages that imports streamlit."""
