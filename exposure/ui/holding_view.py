"""Tables for the Holding page: a holding's sourced numbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exposure.glossary import tip
from exposure.labels import field_name, tier_name
from exposure.model.catalog import Catalog
from exposure.model.engine import ProfileSource
from exposure.ui.light_table import LINK, Format, day

PROFILE_CONFIG = {
    "Source": st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?([^/]+)"),
    "Value": st.column_config.TextColumn("Value"),
    "Tier": st.column_config.TextColumn(help=tip("Tier", "Estimate")),
    "As of": st.column_config.DateColumn(help=tip("As of")),
    "Stale": st.column_config.CheckboxColumn("Stale", help=tip("Stale")),
}


def value_text(field: str, value: float) -> str:
    """A sourced number as read: shares as percentages, dollars in billions or whole dollars."""
    return _fmt(field, value)


def _fmt(field: str, value: float) -> str:
    if field.startswith(("exposure.", "weight.", "link.equity", "link.contract")) or field == "share":
        return f"{value:.1%}"
    if field.endswith("_usd"):
        return f"${value / 1e9:,.2f}B" if abs(value) >= 1e8 else f"${value:,.0f}"
    return f"{value:,.2f}"


def profile_table(catalog: Catalog, symbol: str, segment: str, profile_source: str) -> pd.DataFrame:
    """Every sourced number behind a holding's profile (or its segment default)."""
    prov = catalog.provenance_frame()
    company = catalog.company_for_symbol(symbol)
    if symbol.upper() in catalog.funds:
        subject = f"fund:{symbol.upper()}"
    elif company is not None:
        subject = company.id
    elif profile_source == ProfileSource.SEGMENT_DEFAULT:
        subject = f"segment:{segment}"
    else:
        return pd.DataFrame()
    f = prov[prov["subject"] == subject]
    if company is not None and "elasticity" not in set(f["field"]):
        seg = prov[(prov["subject"] == f"segment:{company.segment}") & (prov["field"] == "elasticity")]
        f = pd.concat([f, seg.assign(basis="segment default: " + seg["basis"])])
    return pd.DataFrame({
        "Field": [field_name(catalog, fl) for fl in f["field"]],
        "Value": [_fmt(fl, v) for fl, v in zip(f["field"], f["value"], strict=True)],
        "Tier": [tier_name(t) + (", estimate" if e and t not in ("estimated", "judgement") else "")
                 for t, e in zip(f["tier"], f["estimate"], strict=True)],
        "As of": f["as_of"].to_numpy(),
        "Source": f["source"].to_numpy(),
        "Stale": f["stale"].to_numpy(),
        "Basis": f["basis"].to_numpy(),
    }).reset_index(drop=True)


PROFILE_COLUMNS = ["Field", "Value", "Tier", "As of", "Source", "Stale"]
"""The columns the profile table shows; the basis (long text) is listed under it."""
PROFILE_FORMATS: dict[str, Format] = {
    "As of": day, "Source": LINK, "Stale": lambda stale: "stale" if stale else ""}
"""How the first-screen (Markdown) profile table writes its cells."""


def profile_notes(catalog: Catalog, symbol: str) -> list[str]:
    fund = catalog.funds.get(symbol.upper())
    if fund is not None:
        return list(fund.notes)
    company = catalog.company_for_symbol(symbol)
    return list(company.notes) if company else []
