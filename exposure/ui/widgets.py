"""Small reusable Streamlit pieces: KPI cards, flags, formatted tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exposure.evaluation.result import BookEvaluation
from exposure.formatting import listing
from exposure.model.engine import ProfileSource


def is_phone() -> bool:
    """Whether the browser says it is a phone (the layout then drops dense chart text)."""
    agent = (st.context.headers or {}).get("User-Agent", "") or ""
    return "Mobi" in agent or "Android" in agent and "Mobile" in agent


def kpi(label: str, value: str, delta: str | None = None, help: str | None = None,
        delta_color: str = "normal") -> None:
    """One KPI in a bordered card."""
    with st.container(border=True):
        st.metric(label, value, delta=delta, help=help, delta_color=delta_color)  # type: ignore[arg-type]


def default_profile_note(book: BookEvaluation) -> None:
    """Say which holdings use a segment default profile (or none), wherever results show."""
    prof = book.profiles
    src = prof.profile_source
    defaulted = sorted({f"{s} ({seg})" for s, seg, p in zip(prof.symbols, prof.segments, src,
                                                          strict=True)
                        if p == ProfileSource.SEGMENT_DEFAULT})
    unclassified = sorted({str(s) for s, p in zip(prof.symbols, src, strict=True)
                           if p == ProfileSource.UNCLASSIFIED})
    if defaulted:
        st.caption(":material/info: Segment default profile (no company profile in the "
                   f"catalog): {listing(defaulted)}")
    if unclassified:
        st.warning("No profile and no segment, so no exposure assumed: "
                   f"{listing(unclassified)}. Classify them on the Portfolio page.")


TABLE_ROWS = 500
"""Rows a holdings table shows (the largest impacts); a caption counts the rest."""


def exposures_table(book: BookEvaluation, scenario_id: str,
                    limit: int = TABLE_ROWS) -> pd.DataFrame:
    """Per-holding rows under one scenario (accounts kept apart), largest loss first, at most
    ``limit`` of them (largest absolute impact), for ``st.dataframe``; with look-through on,
    the part of each impact it adds."""
    f = book.holding_frame()
    mask = (f["scenario"].astype(str) == scenario_id).to_numpy()
    f = f[mask]
    if len(f) > limit:
        f = f.loc[f["impact_usd"].abs().nlargest(limit).index]
    out = pd.DataFrame({
        "Symbol": f["symbol"].astype(str),
        "Name": f["name"].astype(str),
        "Layer": f["layer"].astype(str),
        "Value (USD)": f["market_value_usd"],
        "Revenue change %": f["revenue_change"] * 100,
        "Value change %": f["value_change"] * 100,
        "Impact (USD)": f["impact_usd"],
        "Profile": f["profile_source"].astype(str),
    })
    if book.lookthrough_on:
        out.insert(7, "of which look-through (USD)", f["lookthrough_usd"].to_numpy())
    return out.sort_values("Impact (USD)").reset_index(drop=True)


TABLE_CONFIG = {
    "Value (USD)": st.column_config.NumberColumn(format="dollar"),
    "Impact (USD)": st.column_config.NumberColumn(format="dollar"),
    "of which look-through (USD)": st.column_config.NumberColumn(format="dollar"),
    "Revenue change %": st.column_config.NumberColumn(format="%+.2f%%"),
    "Value change %": st.column_config.NumberColumn(format="%+.2f%%"),
}
