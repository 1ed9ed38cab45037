"""Tables of a review (for the report, the page and the CSV exports), built from snapshots.

Every function is pure; CSV bytes go through :mod:`exposure.exports`, so text cells that a
spreadsheet would run as formulas are neutralised while numbers stay numbers.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from exposure.display import USD, DisplayMoney
from exposure.evaluation.summary import Headline, headline_from
from exposure.exports import neutralise_frame
from exposure.model.catalog import Catalog
from exposure.model.engine import ProfileSource
from exposure.review.diff import SnapshotDiff
from exposure.review.snapshot import Snapshot
from exposure.workspace import ensure_dir
from exposure.yamlio import atomic_write_bytes

TOP_EXPOSURES = 10


def top_exposures(snapshot: Snapshot, n: int = TOP_EXPOSURES) -> pd.DataFrame:
    """Holdings with the largest probability-weighted loss, worst first.

    Columns: ``symbol``, ``name``, ``layer``, ``market_value_usd``, ``expected_impact_usd``
    (sum over scenarios of probability x impact), ``worst_scenario`` (title),
    ``worst_impact_usd``, ``worst_value_change`` (fraction).
    """
    f = snapshot.symbol_frame()
    if f.empty:
        return pd.DataFrame(columns=["symbol", "name", "layer", "market_value_usd",
                                     "expected_impact_usd", "worst_scenario",
                                     "worst_impact_usd", "worst_value_change"])
    prob = dict(zip(snapshot.portfolio["scenario"], snapshot.portfolio["probability"], strict=True))
    titles = snapshot.scenario_titles()
    f = f.assign(weighted=f["impact_usd"] * f["scenario"].map(prob).astype(float))
    worst = f.loc[f.groupby("symbol", sort=False)["impact_usd"].idxmin()].set_index("symbol")
    g = f.groupby("symbol", sort=False)
    out = pd.DataFrame({
        "name": g["name"].first(),
        "layer": g["layer"].first(),
        "market_value_usd": g["market_value_usd"].first(),
        "expected_impact_usd": g["weighted"].sum(),
    })
    out["worst_scenario"] = [titles.get(s, s) for s in worst.loc[out.index, "scenario"]]
    out["worst_impact_usd"] = worst.loc[out.index, "impact_usd"].to_numpy()
    out["worst_value_change"] = worst.loc[out.index, "value_change"].to_numpy()
    out = out.reset_index().sort_values("expected_impact_usd", kind="stable")
    return out.head(n).reset_index(drop=True)


def scenario_definitions(snapshot: Snapshot) -> pd.DataFrame:
    """One row per scenario x channel shock as recorded in the snapshot.

    Columns: ``scenario``, ``title``, ``probability``, ``horizon``, ``channel``, ``low``,
    ``base``, ``high`` (fractions), ``rationale``.
    """
    rows = []
    for sid, scn in snapshot.scenarios.items():
        prob = scn.get("probability", {})
        for ch, shock in (scn.get("shocks") or {"": {}}).items():
            rows.append({
                "scenario": sid, "title": str(scn.get("title", sid)),
                "probability": float(prob.get("value", np.nan)) if isinstance(prob, dict) else np.nan,
                "horizon": str(scn.get("horizon", "")), "channel": ch,
                "low": float(shock.get("low", np.nan)), "base": float(shock.get("base", np.nan)),
                "high": float(shock.get("high", np.nan)),
                "rationale": str(shock.get("rationale", "")),
            })
    return pd.DataFrame(rows, columns=["scenario", "title", "probability", "horizon", "channel",
                                       "low", "base", "high", "rationale"])


def holdings_table(snapshot: Snapshot) -> pd.DataFrame:
    """The snapshot's holdings with prices and where they came from.

    Columns: ``symbol``, ``name``, ``kind``, ``account``, ``quantity``, ``price``,
    ``price_source``, ``price_as_of``, ``market_value_usd``, ``layer``, ``profile_source``.
    """
    h = snapshot.holdings
    return pd.DataFrame({
        "symbol": h["symbol"], "name": h["display_name"], "kind": h["kind"],
        "account": h["account"], "quantity": h["quantity"], "price": h["price"],
        "price_source": h["price_source"],
        "price_as_of": [d.isoformat() if d else "" for d in h["price_as_of"]],
        "market_value_usd": h["market_value_usd"], "layer": h["layer"],
        "profile_source": h["profile_source"],
    })


def provenance_for(snapshot: Snapshot, catalog: Catalog) -> pd.DataFrame:
    """The catalog's provenance rows that this snapshot's numbers rest on: profiles of the
    companies held, segment defaults used, and reference prices of held tickers.

    Columns as :meth:`Catalog.provenance_frame`.
    """
    prov = catalog.provenance_frame()
    subjects: set[str] = set()
    h = snapshot.holdings
    for symbol, source, segment in zip(h["symbol"], h["profile_source"], h["profile_segment"],
                                       strict=True):
        company = catalog.company_for_symbol(str(symbol))
        if company is not None:
            subjects.add(company.id)
        elif source == ProfileSource.SEGMENT_DEFAULT:
            subjects.add(f"segment:{segment}")
        subjects.add(f"price:{str(symbol).upper()}")
    keep = prov["subject"].astype(str).str.upper().isin({s.upper() for s in subjects})
    out = prov[keep].reset_index(drop=True)
    out["as_of"] = [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in out["as_of"]]
    return out


def export_tables(current: Snapshot, catalog: Catalog,
                  diff: SnapshotDiff | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the review by CSV file name (diff tables only with a diff)."""
    tables = {
        "holdings.csv": holdings_table(current),
        "exposures.csv": current.holding_frame(),
        "portfolio_impact.csv": current.portfolio,
        "top_exposures.csv": top_exposures(current, n=len(current.holdings)),
        "scenarios.csv": scenario_definitions(current),
        "provenance.csv": provenance_for(current, catalog),
    }
    if diff is not None:
        tables.update({
            "diff_holdings.csv": diff.holdings,
            "diff_value_bridge.csv": diff.bridge,
            "diff_exposures.csv": diff.exposures,
            "diff_portfolio.csv": diff.portfolio,
            "diff_scenarios.csv": diff.scenarios,
            "diff_events.csv": diff.events.assign(
                date=[d.isoformat() for d in diff.events["date"]]),
        })
    return tables


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of ``frame`` with formula injection neutralised (:mod:`exposure.exports`).

    Lines end in CRLF (RFC 4180) so that the writer quotes every cell holding a CR or LF:
    with a bare ``\n`` terminator a cell such as ``"\rCR"`` is written unquoted and splits
    the row in readers that take CR as a line break.
    """
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def csv_files(tables: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """CSV bytes per file name (see :func:`safe_csv_bytes`)."""
    return {name: safe_csv_bytes(frame) for name, frame in tables.items()}


def write_csv_files(folder: str | Path, files: dict[str, bytes]) -> list[Path]:
    """Write each CSV atomically into ``folder`` (created if needed)."""
    target = ensure_dir(Path(folder))
    return [atomic_write_bytes(target / name, data) for name, data in files.items()]


def csv_zip(files: dict[str, bytes]) -> bytes:
    """The CSV files in one zip archive (for a single download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def scenario_impacts(snapshot: Snapshot) -> pd.DataFrame:
    """One row per scenario, worst first: ``label``, ``title``, ``probability``,
    ``impact_usd``, ``impact_pct`` (fraction of the book)."""
    port = snapshot.portfolio
    labels = snapshot.scenario_labels()
    out = port.assign(label=[labels.get(s, s) for s in port["scenario"]])
    return out[["scenario", "label", "title", "probability", "impact_usd", "impact_pct"]] \
        .sort_values("impact_usd", kind="stable").reset_index(drop=True)


def snapshot_headline(snapshot: Snapshot, display: DisplayMoney = USD) -> Headline:
    """The answer-first sentence of a snapshot (as the Overview says it for an evaluation),
    amounts in ``display``'s currency."""
    info = snapshot.info
    labels = snapshot.scenario_labels()
    port = snapshot.portfolio.assign(label=[labels.get(s, s) for s in snapshot.portfolio["scenario"]])
    days = [d for d in snapshot.holdings["price_as_of"] if isinstance(d, date)]
    return headline_from(port, snapshot.holding_frame(), info.total_value_usd,
                         info.expected_impact_usd, max(days) if days else None,
                         display=display)
