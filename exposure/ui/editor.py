"""Scenario editor state: load a scenario into the widgets, read the edited scenario back.

Widget keys: ``ed_title``, ``ed_narrative``, ``ed_prob``, ``ed_base_<channel>`` (base shock,
%), ``ed_range_<channel>`` ((low, high) in %). Loading happens before the widgets render
(first run, or in the base selector's ``on_change`` callback), as Streamlit requires.
"""

from __future__ import annotations

import streamlit as st

from exposure.catalog import Catalog
from exposure.errors import ExposureError
from exposure.models import Probability, Scenario, Shock
from exposure.share import ShareLinkError, decode_share

SHARE_PARAM = "edit"
LOADED = "ed_loaded"


def load_into_editor(scenario: Scenario, channel_ids: list[str], tag: str) -> None:
    """Put ``scenario``'s values into the editor widgets' session state."""
    ss = st.session_state
    ss["ed_title"] = scenario.title
    ss["ed_narrative"] = scenario.narrative
    ss["ed_prob"] = round(scenario.probability.value * 100)
    ss["ed_id"] = scenario.id if tag.startswith("shared") else f"{scenario.id}_edit"
    for ch in channel_ids:
        shock = scenario.shocks.get(ch)
        low, base, high = (shock.low, shock.base, shock.high) if shock else (0.0, 0.0, 0.0)
        ss[f"ed_base_{ch}"] = round(base * 100)
        ss[f"ed_range_{ch}"] = (round(low * 100), round(high * 100))
    ss["ed_origin"] = scenario
    ss[LOADED] = tag


def init_editor(catalog: Catalog) -> str | None:
    """First run: load the scenario of a share link, else the first library scenario.

    Returns an error message when a share link was present but unusable.
    """
    ss = st.session_state
    shared = st.query_params.get(SHARE_PARAM)
    if shared and ss.get("ed_shared_value") != shared:
        ss["ed_shared_value"] = shared
        try:
            scenario, base = decode_share(shared)
        except ShareLinkError as exc:
            if LOADED not in ss:
                _load_base(catalog, next(iter(catalog.scenarios)))
            return str(exc)
        bad = [c for c in scenario.shocks if c not in catalog.channel_ids]
        if bad:
            if LOADED not in ss:
                _load_base(catalog, next(iter(catalog.scenarios)))
            return f"the shared scenario uses unknown channel {bad[0]!r}"
        if base in catalog.scenarios:
            ss["ed_base"] = base
        load_into_editor(scenario, catalog.channel_ids, f"shared:{shared}")
        return None
    if LOADED not in ss:
        _load_base(catalog, ss.get("ed_base") or next(iter(catalog.scenarios)))
    return None


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


def publish_share_token(token: str | None) -> None:
    """Put the edited scenario's token into the URL (or remove it when nothing is edited).

    The token is remembered as seen, so the next rerun does not mistake our own URL write for
    a newly opened share link.
    """
    st.session_state["ed_shared_value"] = token
    if token:
        if st.query_params.get(SHARE_PARAM) != token:
            st.query_params[SHARE_PARAM] = token
    elif SHARE_PARAM in st.query_params:
        del st.query_params[SHARE_PARAM]


def _load_base(catalog: Catalog, scenario_id: str) -> None:
    st.session_state["ed_base"] = scenario_id
    load_into_editor(catalog.scenarios[scenario_id], catalog.channel_ids, f"base:{scenario_id}")


def on_base_change(catalog: Catalog) -> None:
    """``on_change`` of the base-scenario selector: reload the editor from it."""
    _load_base(catalog, st.session_state["ed_base"])


def edited_scenario(catalog: Catalog, new_id: str) -> Scenario:
    """The scenario the editor widgets describe (raises ExposureError when inconsistent)."""
    ss = st.session_state
    origin: Scenario = ss["ed_origin"]
    shocks: dict[str, Shock] = {}
    for ch in catalog.channel_ids:
        base = ss[f"ed_base_{ch}"] / 100
        low, high = (v / 100 for v in ss[f"ed_range_{ch}"])
        if low == base == high == 0:
            continue
        if not low <= base <= high:
            raise ExposureError(f"{ch}: the base shock ({base:+.0%}) must lie within its "
                                f"low-high range ({low:+.0%} to {high:+.0%})")
        old = origin.shocks.get(ch)
        same = old is not None and (old.low, old.base, old.high) == (low, base, high)
        rationale = old.rationale if same and old else (
            f"Edited in the scenario editor from '{origin.id}'"
            + (f": {old.rationale}" if old else ""))
        shocks[ch] = Shock(low=low, base=base, high=high, rationale=rationale,
                           source=old.source if old else None)
    basis = (origin.probability.basis
             if round(origin.probability.value * 100) == ss["ed_prob"]
             else f"User judgement in the scenario editor (was {origin.probability.value:.0%})")
    return Scenario(
        id=new_id, title=ss["ed_title"].strip() or origin.title,
        narrative=ss["ed_narrative"].strip() or origin.narrative,
        probability=Probability(value=ss["ed_prob"] / 100, basis=basis),
        horizon=origin.horizon, events=list(origin.events), shocks=shocks,
    )
