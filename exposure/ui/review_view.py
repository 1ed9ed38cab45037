"""Helpers for the Weekly review page: cached snapshot loads, deferred downloads, tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from exposure.model.catalog import Catalog
from exposure.review import ritual
from exposure.review.diff import SnapshotDiff
from exposure.review.report import report_html
from exposure.review.snapshot import Snapshot, SnapshotInfo
from exposure.review.store import load_snapshot
from exposure.review.tables import csv_files, csv_zip, export_tables


@st.cache_data(show_spinner=False, max_entries=32)
def _snapshot(home: str, snapshot_id: int, taken_at: str) -> Snapshot:
    return load_snapshot(snapshot_id, home)


def cached_snapshot(home: Path, info: SnapshotInfo) -> Snapshot:
    """A snapshot by id; snapshots are append-only, so one load per (store, id) is enough.

    ``taken_at`` is part of the key so that a store replaced under the same path is reread.
    """
    return _snapshot(str(home), info.id, info.taken_at.isoformat())


def history_table(infos: list[SnapshotInfo]) -> pd.DataFrame:
    """The history list, newest first, for ``st.dataframe`` (user text shown as plain text)."""
    return pd.DataFrame({
        "#": [i.id for i in infos],
        "Taken (UTC)": [i.taken_at.strftime("%Y-%m-%d %H:%M") for i in infos],
        "Week": [i.week for i in infos],
        "Portfolio": [i.portfolio_name for i in infos],
        "Value (USD)": [i.total_value_usd for i in infos],
        "Expected impact (USD)": [i.expected_impact_usd for i in infos],
        "Holdings": [i.holdings_count for i in infos],
        "By": [i.author for i in infos],
        "Note": [i.note for i in infos],
    }).iloc[::-1].reset_index(drop=True)


HISTORY_CONFIG = {
    "Value (USD)": st.column_config.NumberColumn(format="dollar"),
    "Expected impact (USD)": st.column_config.NumberColumn(format="dollar"),
}

HOLDING_CHANGES_CONFIG = {
    "old_value_usd": st.column_config.NumberColumn("Value before", format="dollar"),
    "new_value_usd": st.column_config.NumberColumn("Value now", format="dollar"),
    "value_change_usd": st.column_config.NumberColumn("Change", format="dollar"),
    "price_effect_usd": st.column_config.NumberColumn("Price effect", format="dollar"),
    "position_effect_usd": st.column_config.NumberColumn("Position effect", format="dollar"),
    "old_quantity": st.column_config.NumberColumn("Qty before", format="%.4g"),
    "new_quantity": st.column_config.NumberColumn("Qty now", format="%.4g"),
}


def holding_changes_view(diff: SnapshotDiff) -> pd.DataFrame:
    """Holdings that changed (status or value), biggest change first."""
    h = diff.holdings
    shown = h[(h["status"] != "unchanged") | (h["value_change_usd"].abs() > 0.005)]
    return shown[["symbol", "name", "status", "old_quantity", "new_quantity", "old_value_usd",
                  "new_value_usd", "value_change_usd", "price_effect_usd",
                  "position_effect_usd"]].reset_index(drop=True)


def report_download(current: Snapshot, catalog: Catalog,
                    diff: SnapshotDiff | None) -> Callable[[], bytes]:
    """A callable building the HTML report when the user clicks (about 5 MB: plotly inline)."""
    def build() -> bytes:
        return report_html(current, catalog, diff, generated_at=datetime.now(UTC),
                           comments=ritual.comments(current.id),
                           signoffs=ritual.signoffs(current.id)).encode("utf-8")
    return build


def csv_download(current: Snapshot, catalog: Catalog,
                 diff: SnapshotDiff | None) -> Callable[[], bytes]:
    """A callable building the zip of every review table as CSV (formula-safe)."""
    def build() -> bytes:
        return csv_zip(csv_files(export_tables(current, catalog, diff)))
    return build


def table_download(current: Snapshot, catalog: Catalog, diff: SnapshotDiff | None,
                   name: str) -> Callable[[], bytes]:
    """A callable building one table of :func:`export_tables` as CSV (formula-safe)."""
    def build() -> bytes:
        return csv_files({name: export_tables(current, catalog, diff)[name]})[name]
    return build
