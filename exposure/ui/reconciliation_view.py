"""Portfolio page: reconcile the imported file's own total with what the app values it at."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exposure.evaluation.reconcile import reconcile
from exposure.holdings.portfolio import Portfolio
from exposure.model.catalog import Catalog
from exposure.ui import prices as ui_prices
from exposure.ui.loaders import get_book

CAUSES = {
    "repricing": "Valued at a price instead of the file's value",
    "unpriced": "No price and no value",
    "currency": "No exchange rate (left out of both)",
    "not_imported": "Rows the import skipped",
    "other": "The file's total differs from its rows",
}


def reconciliation_section(draft: Portfolio, catalog: Catalog) -> None:
    """File total, valued total and the difference by cause (only after an import)."""
    if not (draft.meta or {}).get("file_total"):
        return
    quotes, status, _ = ui_prices.current_quotes(catalog, draft)
    rec = reconcile(get_book(draft, catalog, (), "central", quotes, False))
    if rec is None:
        return
    cur = rec.base_currency
    with st.container(border=True):
        st.markdown("**Reconciliation**: the file's own total against the value used here")
        c = st.columns(3)
        c[0].metric(f"File total ({cur})", f"{rec.file_total:,.2f}",
                    help="The file's totals row, or the sum of its value cells, every currency "
                         "converted at the rates used below.")
        c[1].metric(f"Valued total ({cur})", f"{rec.valued_total:,.2f}",
                    help=f"Holdings and cash as the app values them ({status}).")
        c[2].metric("Difference", f"{rec.gap:+,.2f}", delta_color="off")
        if rec.differences:
            st.dataframe(pd.DataFrame([{
                "Cause": CAUSES.get(d.cause, d.cause), f"Amount ({cur})": d.amount,
                "Holdings": ", ".join(d.rows), "Note": d.note} for d in rec.differences]),
                hide_index=True, width="stretch", key="pf_reconciliation",
                column_config={f"Amount ({cur})": st.column_config.NumberColumn(
                    format="%+,.2f")})
        else:
            st.caption("Every row is valued at the file's own figures: the totals agree.")
