"""Keep a few widget values in the URL query string, by id, so a link reproduces the view.

Streamlit's own ``bind="query-params"`` writes the *formatted label* into the URL; we want
stable ids (``?scenario=s2_full_china_ban``), so the sync is explicit: a URL value that differs
from the one we last wrote is applied to the widget's state before the widget renders, and the
widget's value is written back after it renders (left out when it equals the default).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def _seen_key(key: str) -> str:
    return f"_url_seen_{key}"


def seed(key: str, options: Sequence[str], *, multi: bool = False,
         aliases: dict[str, str] | None = None) -> None:
    """Apply the URL's value for ``key`` to session state when it is new and valid
    (``aliases`` map older values, e.g. ``case=low``, to current ones)."""
    if key not in st.query_params:
        return
    raw = st.query_params.get_all(key) if multi else [st.query_params[key]]
    raw = [(aliases or {}).get(v, v) for v in raw]
    if st.session_state.get(_seen_key(key)) == raw:
        return
    st.session_state[_seen_key(key)] = raw
    valid = [v for v in raw if v in options]
    if multi:
        if valid:
            st.session_state[key] = valid
    elif valid:
        st.session_state[key] = valid[0]


def seed_flag(key: str) -> None:
    """Like :func:`seed` for an on/off widget: ``?key=1`` turns it on, ``?key=0`` off."""
    if key not in st.query_params:
        return
    raw = [st.query_params[key]]
    if st.session_state.get(_seen_key(key)) == raw:
        return
    st.session_state[_seen_key(key)] = raw
    if raw[0] in ("1", "0"):
        st.session_state[key] = raw[0] == "1"


def write(key: str, value: str | Sequence[str] | None, default: str | Sequence[str] | None) -> None:
    """Write the widget's value to the URL (removed when it equals the default)."""
    if value is None or value == default or (not isinstance(value, str) and list(value) == list(default or [])):
        if key in st.query_params:
            del st.query_params[key]
        st.session_state[_seen_key(key)] = None
        return
    values = [value] if isinstance(value, str) else list(value)
    current = st.query_params.get_all(key)
    if current != values:
        st.query_params[key] = values if len(values) > 1 or not isinstance(value, str) else value
    st.session_state[_seen_key(key)] = values
