"""Tables for the Holding page: a holding's sourced numbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exposure.model.catalog import STALE_MONTHS, Catalog
from exposure.model.engine import ProfileSource

PROFILE_CONFIG = {
    "Source": st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?([^/]+)"),
    "Value": st.column_config.TextColumn("Value"),
    "Stale": st.column_config.CheckboxColumn(
        "Stale", help=f"as of more than {STALE_MONTHS} months ago: check for a newer figure"),
}


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
        "Field": f["field"].str.replace("exposure.", "exposure: ", regex=False),
        "Value": [_fmt(fl, v) for fl, v in zip(f["field"], f["value"], strict=True)],
        "Estimate": f["estimate"].map({True: "estimate", False: "reported"}),
        "Basis": f["basis"],
        "As of": f["as_of"],
        "Stale": f["stale"],
        "Tier": f["tier"],
        "Source": f["source"],
    }).reset_index(drop=True)


def profile_notes(catalog: Catalog, symbol: str) -> list[str]:
    fund = catalog.funds.get(symbol.upper())
    if fund is not None:
        return list(fund.notes)
    company = catalog.company_for_symbol(symbol)
    return list(company.notes) if company else []
