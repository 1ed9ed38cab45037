"""Helpers for the Weekly review page: cached snapshot loads, deferred downloads, tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from exposure.display import USD, DisplayMoney
from exposure.glossary import tip
from exposure.labels import holding_label, readable
from exposure.model.catalog import Catalog
from exposure.review import ritual
from exposure.review.diff import SnapshotDiff
from exposure.review.report import report_html
from exposure.review.snapshot import Snapshot, SnapshotInfo
from exposure.review.store import load_snapshot
from exposure.review.tables import csv_files, csv_zip, export_tables
from exposure.ui.widgets import money_column


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
        "Value": [i.total_value_usd for i in infos],
        "Probability-weighted impact": [i.expected_impact_usd for i in infos],
        "Holdings": [i.holdings_count for i in infos],
        "By": [i.author for i in infos],
        "Note": [i.note for i in infos],
    }).iloc[::-1].reset_index(drop=True)


HISTORY_CONFIG = {
    "Value": money_column(),
    "Probability-weighted impact": money_column(help=tip("Probability-weighted impact")),
}

HOLDING_CHANGES_CONFIG = {
    "Change": money_column(),
    "Price effect": money_column(help=tip("Price effect")),
    "Position effect": money_column(help=tip("Position effect")),
    "Value before": money_column(),
    "Value now": money_column(),
    "Quantity before": st.column_config.NumberColumn(format="localized"),
    "Quantity now": st.column_config.NumberColumn(format="localized"),
}


def holding_changes_view(diff: SnapshotDiff) -> pd.DataFrame:
    """Holdings that changed (status or value), biggest change first, key columns first."""
    h = diff.holdings
    shown = h[(h["status"] != "unchanged") | (h["value_change_usd"].abs() > 0.005)]
    shown = shown.reindex(shown["value_change_usd"].abs().sort_values(ascending=False).index)
    return pd.DataFrame({
        "Holding": [holding_label(s, n) for s, n in zip(shown["symbol"], shown["name"],
                                                        strict=True)],
        "Change": shown["value_change_usd"].to_numpy(),
        "Status": [readable(s) for s in shown["status"]],
        "Price effect": shown["price_effect_usd"].to_numpy(),
        "Position effect": shown["position_effect_usd"].to_numpy(),
        "Value before": shown["old_value_usd"].to_numpy(),
        "Value now": shown["new_value_usd"].to_numpy(),
        "Quantity before": shown["old_quantity"].to_numpy(),
        "Quantity now": shown["new_quantity"].to_numpy(),
    })


def scenario_changes_view(diff: SnapshotDiff, channel_names: dict[str, str]) -> pd.DataFrame:
    """The scenario-set changes in words: which scenario, what changed, before and after."""
    s = diff.scenarios

    def what(field: str) -> str:
        if not field or field != field:
            return ""
        channel, _, end = str(field).partition(".")
        if end:
            return f"{channel_names.get(channel, readable(channel))} ({end})"
        return readable(field)

    return pd.DataFrame({
        "Scenario": s["title"].astype(str).to_numpy(),
        "Change": [readable(c) for c in s["change"]],
        "What": [what(f) for f in s["field"]],
        "Before": s["old_value"].to_numpy(),
        "After": s["new_value"].to_numpy(),
        "Detail": s["detail"].astype(str).to_numpy(),
    })


def events_view(diff: SnapshotDiff) -> pd.DataFrame:
    """New policy events between the two snapshots."""
    e = diff.events
    return pd.DataFrame({
        "Date": e["date"].to_numpy(), "Event": e["title"].to_numpy(),
        "Type": [readable(t) for t in e["type"]], "Where": e["jurisdiction"].to_numpy(),
        "Source": e["source_url"].to_numpy(),
    })


def report_download(current: Snapshot, catalog: Catalog, diff: SnapshotDiff | None,
                    display: DisplayMoney = USD) -> Callable[[], bytes]:
    """A callable building the HTML report when the user clicks (about 5 MB: plotly inline),
    amounts in ``display``'s currency."""
    def build() -> bytes:
        return report_html(current, catalog, diff, display=display,
                           generated_at=datetime.now(UTC),
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
