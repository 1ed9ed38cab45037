"""Scenario editor state: load a scenario into the widgets, read the edited scenario back.

Widget keys: ``ed_base`` (library scenario the edit starts from), ``ed_title``,
``ed_narrative``, ``ed_prob`` (%), ``ed_base_<channel>`` (base shock, %),
``ed_range_<channel>`` ((low, high) in %), ``ed_id``. ``ed_origin`` holds the scenario edits
are relative to: the library scenario, or a self-contained shared scenario. Loading happens
before the widgets render (first run, or in an ``on_change`` callback), as Streamlit requires.
"""

from __future__ import annotations

import streamlit as st

from exposure.model.catalog import Catalog
from exposure.model.schema import Scenario
from exposure.scenarios.edit import apply_edits, shock_values
from exposure.scenarios.share import ShareLinkError, decode_share

SHARE_PARAM = "edit"
LOADED = "ed_loaded"
SEEN = "ed_shared_value"


def _load_values(scenario: Scenario, channel_ids: list[str]) -> None:
    ss = st.session_state
    ss["ed_title"] = scenario.title
    ss["ed_narrative"] = scenario.narrative
    ss["ed_prob"] = round(scenario.probability.value * 100)
    for ch in channel_ids:
        low, base, high = shock_values(scenario, ch)
        ss[f"ed_base_{ch}"] = round(base * 100)
        ss[f"ed_range_{ch}"] = (round(low * 100), round(high * 100))


def _load_base(catalog: Catalog, scenario_id: str) -> None:
    scenario = catalog.scenarios[scenario_id]
    st.session_state["ed_base"] = scenario_id
    st.session_state["ed_origin"] = scenario
    st.session_state["ed_id"] = f"{scenario_id}_edit"
    _load_values(scenario, catalog.channel_ids)
    st.session_state[LOADED] = f"base:{scenario_id}"


def init_editor(catalog: Catalog) -> str | None:
    """Open a share link from the URL (when new), else the first library scenario once.

    Returns a one-line problem when a share link was present but unusable.
    """
    ss = st.session_state
    shared = st.query_params.get(SHARE_PARAM)
    if shared and ss.get(SEEN) != shared:
        ss[SEEN] = shared
        try:
            scenario, base_id = decode_share(shared, catalog.scenarios)
            unknown = [c for c in scenario.shocks if c not in catalog.channel_ids]
            if unknown:
                raise ShareLinkError(f"the shared scenario uses unknown channel {unknown[0]!r}")
        except ShareLinkError as exc:
            if LOADED not in ss:
                _load_base(catalog, next(iter(catalog.scenarios)))
            return str(exc)
        if base_id is not None:
            _load_base(catalog, base_id)
        else:
            ss["ed_origin"] = scenario
            ss["ed_base"] = next(iter(catalog.scenarios))
        _load_values(scenario, catalog.channel_ids)
        bundled = catalog.origin.get(f"scenario:{scenario.id}") == "bundled"
        ss["ed_id"] = f"{scenario.id}_edit" if bundled else scenario.id
        ss[LOADED] = f"shared:{shared}"
        return None
    if LOADED not in ss:
        _load_base(catalog, ss.get("ed_base") or next(iter(catalog.scenarios)))
    return None


def on_base_change(catalog: Catalog) -> None:
    """``on_change`` of the base-scenario selector: reload the editor from it."""
    _load_base(catalog, st.session_state["ed_base"])


def keep_base_in_range(channel: str, moved: str) -> None:
    """``on_change`` of a shock slider: keep low <= base <= high.

    Moving the base outside its range widens the range; narrowing the range past the base
    moves the base to the nearest end.
    """
    ss = st.session_state
    base_key, range_key = f"ed_base_{channel}", f"ed_range_{channel}"
    low, high = ss[range_key]
    base = ss[base_key]
    if moved == "base":
        ss[range_key] = (min(low, base), max(high, base))
    else:
        ss[base_key] = min(max(base, low), high)


def origin() -> Scenario:
    """The scenario the current edits are relative to."""
    return st.session_state["ed_origin"]


def edited_scenario(catalog: Catalog, new_id: str) -> Scenario:
    """The scenario the editor widgets describe (validated by the Scenario model)."""
    ss = st.session_state
    base = origin()
    shocks = {}
    for ch in catalog.channel_ids:
        low, high = ss[f"ed_range_{ch}"]
        slid = (low, ss[f"ed_base_{ch}"], high)
        exact = shock_values(base, ch)
        # sliders move in whole percent: values they did not move keep their exact origin value
        untouched = slid == tuple(round(v * 100) for v in exact)
        shocks[ch] = exact if untouched else tuple(v / 100 for v in slid)
    prob = base.probability.value
    if ss["ed_prob"] != round(prob * 100):
        prob = ss["ed_prob"] / 100
    return apply_edits(base, new_id=new_id, title=ss["ed_title"], narrative=ss["ed_narrative"],
                       probability=prob, shocks=shocks)


def publish_share_token(token: str | None) -> None:
    """Put the edited scenario's token into the URL (or remove it when nothing is edited).

    The token is remembered as seen, so the next rerun does not mistake our own URL write for
    a newly opened share link.
    """
    st.session_state[SEEN] = token
    if token:
        if st.query_params.get(SHARE_PARAM) != token:
            st.query_params[SHARE_PARAM] = token
    elif SHARE_PARAM in st.query_params:
        del st.query_params[SHARE_PARAM]
