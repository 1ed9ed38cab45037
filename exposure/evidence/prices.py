"""Daily closes for the event study: the shipped, sourced file or live Yahoo history.

Shipped: ``data/prices/closes.csv`` (wide: ``date`` + one column per ticker, closes adjusted
for splits and dividends, empty cell = no close that day) with its provenance in
``data/prices/sources.yaml``; both are validated here (every column has a provenance entry
and the other way round, dates increase, closes are positive numbers).

Live: the same tickers from the price chain (cache, then Yahoo) when the caller asks for it
and the app is not offline. Yahoo's ``Close`` there is split-adjusted but not
dividend-adjusted, so live returns differ from the shipped ones by the dividend yield on
ex-dividend days (a few basis points; the results say which set they used).

Either way the frame is put on the benchmark's (US) trading calendar: rows where the
benchmark has no close (Hong Kong-only holidays) are dropped, so a US series never loses a
return to another market's holiday. A Hong Kong series keeps its own gaps (a US trading day
on which Hong Kong was closed has no close, and the returns next to it are missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from exposure.errors import DataFileError, ExposureError
from exposure.evidence.schema import PriceSeries, PriceSources
from exposure.workspace import data_dir
from exposure.yamlio import read_yaml, validate_entry

CLOSES_FILE = Path("prices") / "closes.csv"
SOURCES_FILE = Path("prices") / "sources.yaml"
MAX_CSV_BYTES = 5_000_000
"""Largest closes file read (the shipped one is about 250 kB)."""

LIVE_SOURCE = "live (Yahoo via cache)"


class PricesUnavailable(ExposureError):
    """No usable price history for the event study (says why)."""


@dataclass(frozen=True)
class PriceSet:
    """Closes for the event study and where they came from.

    ``closes``: tz-naive ``DatetimeIndex`` (the benchmark's trading days) x one column per
    ticker (float, NaN = no close). ``price_source``: the label every result carries.
    """

    closes: pd.DataFrame
    price_source: str
    last_day: date
    sources: dict[str, PriceSeries] = field(default_factory=dict)
    """Provenance per ticker (shipped set only)."""
    failures: dict[str, str] = field(default_factory=dict)
    """Tickers asked for without history, and why (live set only)."""


def shipped_source_label(last_day: date) -> str:
    return f"shipped closes to {last_day.isoformat()} (sources: data/prices/sources.yaml)"


def on_calendar(closes: pd.DataFrame, benchmark: str) -> pd.DataFrame:
    """Keep the rows where ``benchmark`` has a close (its market's trading days)."""
    if benchmark not in closes.columns:
        raise PricesUnavailable(f"benchmark {benchmark!r} has no price history")
    return closes[closes[benchmark].notna()]


def _read_closes(path: Path) -> pd.DataFrame:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataFileError(path, "file not found") from None
    if size > MAX_CSV_BYTES:
        raise DataFileError(path, f"file is larger than {MAX_CSV_BYTES // 1_000_000} MB")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not len(raw.columns) or raw.columns[0] != "date":
        raise DataFileError(path, "the first column must be 'date'", field="date")
    dupes = raw.columns[raw.columns.duplicated()].tolist()
    if dupes:
        raise DataFileError(path, f"column {dupes[0]!r} appears twice", field=dupes[0])
    days = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    if days.isna().any():
        row = int(np.flatnonzero(days.isna().to_numpy())[0])
        raise DataFileError(path, f"not a YYYY-MM-DD date: {raw['date'].iloc[row]!r}",
                            entry=f"row {row + 2}", field="date")
    if not days.is_monotonic_increasing or days.duplicated().any():
        raise DataFileError(path, "dates must increase strictly from row to row", field="date")
    values = raw.drop(columns="date").replace("", np.nan)
    numbers = values.apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna() & values.notna()
    bad |= numbers.le(0) | ~np.isfinite(numbers.fillna(1.0))
    if bad.to_numpy().any():
        row, col = (int(x[0]) for x in np.nonzero(bad.to_numpy()))
        ticker = str(numbers.columns[col])
        raise DataFileError(path, f"not a positive close: {values.iat[row, col]!r}",
                            entry=f"row {row + 2}", field=ticker)
    numbers.index = pd.DatetimeIndex(days, name="date")
    numbers.columns.name = "ticker"
    return numbers.astype("float64")


def load_price_sources(path: Path) -> dict[str, PriceSeries]:
    """``prices/sources.yaml`` validated, by ticker."""
    parsed = validate_entry(PriceSources, read_yaml(path), path, "price sources")
    out: dict[str, PriceSeries] = {}
    for series in parsed.series:
        if series.ticker in out:
            raise DataFileError(path, "ticker listed twice", entry=f"'{series.ticker}'",
                                field="ticker")
        if series.first > series.last:
            raise DataFileError(path, "'first' is after 'last'", entry=f"'{series.ticker}'",
                                field="first")
        out[series.ticker] = series
    return out


def load_shipped_prices(data: str | Path | None = None, *, benchmark: str = "SPY") -> PriceSet:
    """The shipped closes, validated against their provenance, on the benchmark's calendar."""
    root = Path(data) if data is not None else data_dir()
    closes_path, sources_path = root / CLOSES_FILE, root / SOURCES_FILE
    sources = load_price_sources(sources_path)
    closes = _read_closes(closes_path)
    missing = [t for t in closes.columns if t not in sources]
    if missing:
        raise DataFileError(sources_path, f"no provenance for column {missing[0]!r} of "
                                          f"{closes_path.name}", entry=f"'{missing[0]}'")
    extra = [t for t in sources if t not in closes.columns]
    if extra:
        raise DataFileError(closes_path, f"no column for {extra[0]!r}, which "
                                         f"{sources_path.name} describes", field=extra[0])
    for ticker, series in sources.items():
        have = closes[ticker].dropna()
        if have.empty or have.index[0].date() != series.first or have.index[-1].date() != series.last:
            span = "no closes" if have.empty else f"{have.index[0].date()} .. {have.index[-1].date()}"
            raise DataFileError(sources_path, f"first/last ({series.first} .. {series.last}) do "
                                              f"not match the file ({span})",
                                entry=f"'{ticker}'", field="first")
    frame = on_calendar(closes, benchmark)
    last = frame.index[-1].date()
    return PriceSet(frame, shipped_source_label(last), last, sources)


def load_live_prices(
    tickers: Sequence[str],
    start: date,
    end: date,
    *,
    benchmark: str = "SPY",
    home: str | Path | None = None,
    chain: object | None = None,
) -> PriceSet:
    """Daily closes from the price chain (cache, then Yahoo). Raises :class:`PricesUnavailable`
    when offline or when the benchmark has no history; tickers without history are listed
    in ``failures``. ``chain`` replaces the chain (tests); it needs ``history(tickers, start, end)``.
    """
    from exposure.market.yahoo import is_offline, price_chain

    if chain is None:
        if is_offline():
            raise PricesUnavailable("live prices asked for, but EXPOSURE_OFFLINE is set")
        chain = price_chain(home, offline=False)
    wanted = list(dict.fromkeys([*tickers, benchmark]))
    result = chain.history(wanted, start, end)  # type: ignore[attr-defined]
    frame = result.frame.dropna(axis=1, how="all")
    if benchmark not in frame.columns or frame[benchmark].notna().sum() < 2:
        why = result.failures.get(benchmark, "no history returned")
        raise PricesUnavailable(f"no live history for the benchmark {benchmark}: {why}")
    frame = on_calendar(frame.sort_index().astype("float64"), benchmark)
    frame.index = pd.DatetimeIndex(frame.index).tz_localize(None) if frame.index.tz else frame.index
    last = frame.index[-1].date()
    failures = {t: result.failures.get(t, "no history returned")
                for t in wanted if t not in frame.columns}
    return PriceSet(frame, LIVE_SOURCE, last, {}, failures)

