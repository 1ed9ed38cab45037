"""A review snapshot: one moment's portfolio, prices, scenario set and engine results.

A :class:`Snapshot` is plain data (frames and dicts), built from a :class:`BookEvaluation` by
:func:`build_snapshot` and stored by :mod:`exposure.review_store`. Scenarios are kept as the
JSON dumps of their models rather than as models, so a snapshot taken today stays readable
after the scenario model changes.

Frames of a snapshot:

``holdings`` (one row per holding, in portfolio order; ``position`` is the row number):

=================  ==========================================================================
column             meaning
=================  ==========================================================================
position           row number in the portfolio (aligns with ``results``)
symbol .. raw_sym  the holdings columns of :mod:`exposure.portfolio`
price              USD/unit price used (NaN if none)
price_source       ``live``, ``cache``, ``reference``, ``stated in portfolio``, ``unvalued``...
price_as_of        date of the price (or None)
market_value_usd   value used by the engine (NaN when unvalued)
valued             bool
display_name       catalog name, else the portfolio's name, else the symbol
layer              AI-stack layer of the resolved profile
profile_segment    segment of the resolved profile
profile_source     ``profile`` | ``segment default`` | ``unclassified``
=================  ==========================================================================

``results`` (holding x scenario): ``position``, ``symbol``, ``scenario``, ``revenue_change``,
``value_change`` (fractions), ``impact_usd``.

``portfolio`` (one row per scenario): ``scenario``, ``title``, ``impact_usd``, ``impact_pct``
(fraction of total value), ``probability`` (as used).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from exposure.evaluation.result import BookEvaluation, by_symbol
from exposure.holdings.portfolio import HOLDING_COLUMNS
from exposure.model.catalog import Catalog
from exposure.model.engine import Evaluation

HOLDINGS_COLUMNS = [
    "position", *HOLDING_COLUMNS, "price", "price_currency", "price_source", "price_as_of",
    "fx_rate", "market_value_usd", "valued", "display_name", "layer", "profile_segment",
    "profile_source",
]
FLOAT_HOLDING_COLUMNS = ("quantity", "market_value", "statement_price", "price", "fx_rate",
                         "market_value_usd")
RESULT_COLUMNS = ["position", "symbol", "scenario", "revenue_change", "value_change",
                  "impact_usd"]
PORTFOLIO_COLUMNS = ["scenario", "title", "impact_usd", "impact_pct", "probability"]


@dataclass(frozen=True)
class SnapshotInfo:
    """The header of a stored snapshot: what the history list shows."""

    id: int
    """0 for a snapshot that has not been stored yet."""
    taken_at: datetime
    """UTC, timezone-aware."""
    week: str
    """ISO week of ``taken_at``, e.g. ``2026-W47``."""
    portfolio_name: str
    note: str
    author: str
    case: str
    total_value_usd: float
    cash_usd: float
    expected_impact_usd: float
    holdings_count: int
    scenario_ids: tuple[str, ...]
    price_status: str = ""

    @property
    def label(self) -> str:
        """Short label for pickers: ``#3 · 2026-W47 · 2026-11-18 09:00 UTC`` (no user text)."""
        head = f"#{self.id} · " if self.id else ""
        return f"{head}{self.week} · {self.taken_at:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class Snapshot:
    """A snapshot with its full content (see the module docstring for the frames)."""

    info: SnapshotInfo
    holdings: pd.DataFrame
    scenarios: dict[str, dict[str, Any]]
    """Scenario id -> ``Scenario.model_dump(mode="json")``, in evaluation order."""
    results: pd.DataFrame
    portfolio: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.info.id

    def holding_frame(self) -> pd.DataFrame:
        """Rows shaped like :meth:`Evaluation.holding_frame` (for the shared chart builders).

        Columns: ``symbol``, ``name``, ``segment``, ``layer``, ``profile_source``,
        ``market_value_usd`` (NaN -> 0, as the engine uses it), ``scenario``,
        ``revenue_change``, ``value_change``, ``impact_usd``.
        """
        h = self.holdings.set_index("position")
        r = self.results
        pos = r["position"].to_numpy()
        return pd.DataFrame({
            "symbol": r["symbol"].astype(str).to_numpy(),
            "name": h.loc[pos, "display_name"].astype(str).to_numpy(),
            "segment": h.loc[pos, "profile_segment"].astype(str).to_numpy(),
            "layer": h.loc[pos, "layer"].astype(str).to_numpy(),
            "profile_source": h.loc[pos, "profile_source"].astype(str).to_numpy(),
            "market_value_usd": h.loc[pos, "market_value_usd"].fillna(0.0).to_numpy(dtype=float),
            "scenario": r["scenario"].astype(str).to_numpy(),
            "revenue_change": r["revenue_change"].to_numpy(dtype=float),
            "value_change": r["value_change"].to_numpy(dtype=float),
            "impact_usd": r["impact_usd"].to_numpy(dtype=float),
        })

    def symbol_frame(self) -> pd.DataFrame:
        """:meth:`holding_frame` with one row per symbol x scenario (accounts summed)."""
        return by_symbol(self.holding_frame())

    def scenario_labels(self) -> dict[str, str]:
        """Short label per scenario id (the title when the scenario has none)."""
        return {sid: str(d.get("label") or d.get("title") or sid)
                for sid, d in self.scenarios.items()}

    def scenario_titles(self) -> dict[str, str]:
        return {sid: str(s.get("title", sid)) for sid, s in self.scenarios.items()}


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (naive values are taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def week_label(moment: datetime) -> str:
    """ISO week label: ``2026-W47``."""
    year, week, _ = as_utc(moment).isocalendar()
    return f"{year}-W{week:02d}"


def scenario_dump(catalog: Catalog, evaluation: Evaluation, index: int) -> dict[str, Any]:
    """The model dump of one evaluated scenario; rebuilt from the matrices if the catalog
    no longer has it (so a snapshot can always be taken)."""
    s = evaluation.scenarios
    sid = s.ids[index]
    scn = catalog.scenarios.get(sid)
    if scn is not None:
        return scn.model_dump(mode="json")
    shocks = {
        ch: {"low": float(s.low[index, c]), "base": float(s.base[index, c]),
             "high": float(s.high[index, c]), "rationale": ""}
        for c, ch in enumerate(s.channel_ids)
        if any(float(m[index, c]) != 0.0 for m in (s.low, s.base, s.high))
    }
    return {"id": sid, "title": s.titles[index], "narrative": "",
            "probability": {"value": float(s.probabilities[index]), "basis": ""},
            "horizon": "", "events": [], "shocks": shocks}


def build_snapshot(
    book: BookEvaluation,
    catalog: Catalog,
    *,
    taken_at: datetime,
    note: str = "",
    author: str = "",
    price_status: str = "",
    snapshot_id: int = 0,
) -> Snapshot:
    """Everything a review needs from one evaluation, as plain data (no I/O)."""
    ev = book.evaluation
    prof = book.profiles
    valued = book.valued.reset_index(drop=True)
    holdings = valued.copy()
    holdings.insert(0, "position", np.arange(len(valued), dtype=np.int64))
    holdings["display_name"] = [str(n) for n in prof.names]
    holdings["layer"] = [str(x) for x in prof.layers]
    holdings["profile_segment"] = [str(x) for x in prof.segments]
    holdings["profile_source"] = [str(x) for x in prof.profile_source]
    holdings = holdings[HOLDINGS_COLUMNS]

    h, s = ev.impact_usd.shape
    results = pd.DataFrame({
        "position": np.repeat(np.arange(h, dtype=np.int64), s),
        "symbol": np.repeat(np.asarray(prof.symbols, dtype=object), s),
        "scenario": np.tile(np.asarray(ev.scenarios.ids, dtype=object), h),
        "revenue_change": ev.revenue_change.ravel(),
        "value_change": ev.value_change.ravel(),
        "impact_usd": ev.impact_usd.ravel(),
    })
    portfolio = ev.portfolio_frame()[PORTFOLIO_COLUMNS].reset_index(drop=True)
    scenarios = {sid: scenario_dump(catalog, ev, j) for j, sid in enumerate(ev.scenarios.ids)}
    moment = as_utc(taken_at)
    info = SnapshotInfo(
        id=snapshot_id,
        taken_at=moment,
        week=week_label(moment),
        portfolio_name=str(book.portfolio.name),
        note=note or "",
        author=author or "",
        case=ev.case,
        total_value_usd=float(ev.total_value_usd),
        cash_usd=float(book.cash_usd),
        expected_impact_usd=float(ev.expected_impact_usd),
        holdings_count=h,
        scenario_ids=tuple(ev.scenarios.ids),
        price_status=price_status or "",
    )
    return Snapshot(info, holdings, scenarios, results, portfolio,
                    {"probabilities_normalised": bool(ev.probabilities_normalised),
                     "lookthrough": bool(book.lookthrough_on),
                     "base_currency": book.base_currency})


# --- JSON codec for the holdings frame -------------------------------------------------------

def _plain(value: Any) -> Any:
    """A JSON-safe scalar: NaN -> None, numpy -> Python, dates -> ISO text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is pd.NaT:
        return None
    return value


def holdings_to_json(holdings: pd.DataFrame) -> str:
    """The holdings frame as JSON text (records; NaN stored as null, dates as ISO)."""
    records = [{k: _plain(v) for k, v in row.items()} for row in holdings.to_dict("records")]
    return json.dumps(records, allow_nan=False, ensure_ascii=False)


def holdings_from_json(text: str) -> pd.DataFrame:
    """Inverse of :func:`holdings_to_json`; missing columns (older snapshots) are filled."""
    records = json.loads(text)
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    return normalise_snapshot_holdings(frame)


def normalise_snapshot_holdings(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of ``HOLDINGS_COLUMNS`` with its dtype (float, bool, date, text)."""
    out = frame.copy()
    n = len(out)
    for col in HOLDINGS_COLUMNS:
        if col not in out.columns:
            if col == "position":
                out[col] = np.arange(n, dtype=np.int64)
            elif col in FLOAT_HOLDING_COLUMNS:
                out[col] = math.nan
            elif col == "valued":
                out[col] = False
            elif col == "price_as_of":
                out[col] = None
            else:
                out[col] = ""
    out = out[HOLDINGS_COLUMNS].reset_index(drop=True)
    out["position"] = pd.to_numeric(out["position"]).astype(np.int64)
    for col in FLOAT_HOLDING_COLUMNS:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    out["valued"] = out["valued"].fillna(False).astype(bool)
    out["price_as_of"] = [_to_date(v) for v in out["price_as_of"]]
    for col in HOLDINGS_COLUMNS:
        if col not in FLOAT_HOLDING_COLUMNS and col not in ("position", "valued", "price_as_of"):
            out[col] = out[col].fillna("").astype(str)
    return out


def _to_date(value: Any) -> date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def scenarios_to_json(scenarios: Mapping[str, Mapping[str, Any]]) -> str:
    """Scenario dumps as a JSON list (order kept)."""
    return json.dumps(list(scenarios.values()), allow_nan=False, ensure_ascii=False)


def scenarios_from_json(text: str) -> dict[str, dict[str, Any]]:
    return {str(s["id"]): s for s in json.loads(text)}

