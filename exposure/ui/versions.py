"""Optimistic locking in the browser session: the version of each stored document this
session based its edits on. A save sends that version; if someone else saved in between the
store refuses it ("changed by NAME at TIME") and the user decides (take theirs, or save under
another name)."""

from __future__ import annotations

import streamlit as st

SEEN = "store_versions_seen"


def _key(kind: str, space: str, key: str) -> str:
    return f"{kind}\x1f{space}\x1f{key.casefold()}"


def note_seen(kind: str, space: str, key: str, version: int) -> None:
    """Remember ``version`` unless this session already based its edits on an earlier one."""
    st.session_state.setdefault(SEEN, {}).setdefault(_key(kind, space, key), version)


def based_on(kind: str, space: str, key: str) -> int | None:
    return st.session_state.get(SEEN, {}).get(_key(kind, space, key))


def saved(kind: str, space: str, key: str, version: int) -> None:
    """After a successful save: the next save builds on this version."""
    st.session_state.setdefault(SEEN, {})[_key(kind, space, key)] = version


def take_latest(kind: str, space: str, key: str) -> None:
    """Forget the old base: the next save builds on whatever is stored now."""
    st.session_state.get(SEEN, {}).pop(_key(kind, space, key), None)
