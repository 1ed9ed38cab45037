"""Read-through on-disk store of daily closes: ``<workspace>/prices.sqlite``.

Two tables: ``closes`` (ticker, day, close, fetched_at) and ``coverage`` (ticker -> the day
range ``[start_day, end_day)`` known to be complete, and when its newest part was fetched).
Days are stored as days since 1970-01-01 and times as UNIX seconds, so a warm load of 30
tickers x 3 years is one indexed query and one pivot.

Freshness: days before the fetch date were settled when fetched and never go stale; a request
that reaches the fetch date or later is answered from the store only within ``fresh_for`` of
the fetch. Anything else is fetched from the upstream in ONE batched call for all tickers
that need it. When the upstream fails (or there is none: offline) the store still answers
with what it has, labelled ``cache (stale)``.

Concurrency: SQLite in WAL mode, one short-lived connection per operation, writes in
``BEGIN IMMEDIATE`` transactions with a busy timeout, so several Streamlit sessions (threads)
or processes can refresh at once without losing rows. The store is a cache: a file written
by another schema version is rebuilt, not migrated.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from exposure.market.result import (
    CACHE,
    STALE,
    PriceResult,
    PriceSource,
    currency_for,
    empty_history,
    empty_latest,
    split_tickers,
    to_date,
)
from exposure.workspace import ensure_dir, home_dir

SCHEMA_VERSION = 1
EPOCH = date(1970, 1, 1)
TAIL_OVERLAP = timedelta(days=7)
"""A tail refresh re-reads this many days before the last settled day (late corrections)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS closes (
    ticker TEXT NOT NULL,
    day INTEGER NOT NULL,
    close REAL NOT NULL,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (ticker, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS coverage (
    ticker TEXT PRIMARY KEY,
    start_day INTEGER NOT NULL,
    end_day INTEGER NOT NULL,
    fetched_at REAL NOT NULL
);
"""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _day(value: date) -> int:
    return (value - EPOCH).days


def _date(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def _ts(value: datetime) -> float:
    return value.timestamp()


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


@dataclass
class _Refresh:
    """What one read-through step did: answered from the store, fetched, or failed."""

    answered: set[str] = field(default_factory=set)
    fetched: dict[str, str] = field(default_factory=dict)
    """ticker -> the upstream's source label."""
    failed: dict[str, str] = field(default_factory=dict)
    coverage: dict[str, Coverage] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    passthrough: PriceResult | None = None
    """The upstream's own result when the store could not be written."""
    upstream_offline: bool = False
    """The upstream found itself unreachable (no network)."""


@dataclass(frozen=True)
class Coverage:
    """Days ``[start, end)`` of one ticker known complete; newest part fetched at ``fetched_at``."""

    start: date
    end: date
    fetched_at: datetime


def merge_coverage(old: Coverage | None, new: Coverage) -> Coverage:
    """Union of two ranges when they touch; otherwise the one reaching later wins.

    The fetch time moves forward only when the new fetch reaches the old end (a tail refresh);
    back-filling older days does not make the newest days fresher.
    """
    if old is None:
        return new
    if new.start <= old.end and new.end >= old.start:
        fetched = new.fetched_at if new.end >= old.end else old.fetched_at
        return Coverage(min(old.start, new.start), max(old.end, new.end), fetched)
    return new if new.end > old.end else old


class CachedSource:
    """A :class:`PriceSource` that answers from ``prices.sqlite`` and asks ``upstream`` only
    for what is missing or no longer fresh (``upstream=None``: offline, store only)."""

    def __init__(
        self,
        upstream: PriceSource | None,
        path: str | Path | None = None,
        *,
        home: str | Path | None = None,
        fresh_for: timedelta = timedelta(minutes=30),
        latest_lookback: timedelta = timedelta(days=31),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.upstream = upstream
        self.path = Path(path) if path is not None else home_dir(home) / "prices.sqlite"
        self.fresh_for = fresh_for
        self.latest_lookback = latest_lookback
        self.clock = clock
        self.unavailable: str | None = None
        """Why the store cannot be used (read-only workspace...); then it only passes through."""
        try:
            self._init_db()
        except Exception as exc:  # any failure (read-only home, corrupt file): no cache
            self.unavailable = f"price cache unavailable ({exc})"

    # ---- storage -------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=15.0, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        finally:
            conn.close()

    def _init_db(self) -> None:
        ensure_dir(self.path.parent)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                row = conn.execute("SELECT version FROM schema_version").fetchone()
                if row is not None and row[0] != SCHEMA_VERSION:
                    conn.execute("DROP TABLE IF EXISTS closes")
                    conn.execute("DROP TABLE IF EXISTS coverage")
                    conn.execute("DELETE FROM schema_version")
                    row = None
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                if row is None:
                    conn.execute("INSERT INTO schema_version (version) VALUES (?)",
                                 (SCHEMA_VERSION,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _coverage(self, conn: sqlite3.Connection, tickers: list[str]) -> dict[str, Coverage]:
        if not tickers:
            return {}
        marks = ",".join("?" * len(tickers))
        rows = conn.execute(
            f"SELECT ticker, start_day, end_day, fetched_at FROM coverage WHERE ticker IN ({marks})",
            tickers).fetchall()
        return {t: Coverage(_date(s), _date(e), _dt(f)) for t, s, e, f in rows}

    def store(self, history: pd.DataFrame, tickers: Iterable[str], start: date, end: date,
              fetched_at: datetime) -> None:
        """Write the closes of ``tickers`` from ``history`` and mark ``[start, end)`` covered."""
        tickers = [t for t in tickers if t in history.columns]
        if not tickers or self.unavailable:
            return
        stamp = _ts(fetched_at)
        rows: list[tuple[str, int, float, float]] = []
        days = np.asarray((history.index.normalize() - pd.Timestamp(EPOCH)).days, dtype=np.int64)
        for ticker in tickers:
            values = history[ticker].to_numpy(dtype="float64", na_value=np.nan)
            ok = np.isfinite(values)
            rows.extend(zip([ticker] * int(ok.sum()), days[ok].tolist(), values[ok].tolist(),
                            [stamp] * int(ok.sum()), strict=True))
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT INTO closes (ticker, day, close, fetched_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (ticker, day) DO UPDATE SET close = excluded.close, "
                    "fetched_at = excluded.fetched_at", rows)
                old = self._coverage(conn, tickers)
                new = Coverage(start, end, fetched_at)
                merged = [(t, _day(c.start), _day(c.end), _ts(c.fetched_at))
                          for t in tickers for c in [merge_coverage(old.get(t), new)]]
                conn.executemany(
                    "INSERT INTO coverage (ticker, start_day, end_day, fetched_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (ticker) DO UPDATE SET "
                    "start_day = excluded.start_day, end_day = excluded.end_day, "
                    "fetched_at = excluded.fetched_at", merged)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _read_history(self, tickers: list[str], start: date, end: date) -> pd.DataFrame:
        """Wide frame of stored closes; one indexed query per ticker, assembled in numpy
        (pivoting a long frame is the slow part of a warm load)."""
        if not tickers or self.unavailable:
            return empty_history()
        series: list[tuple[str, np.ndarray]] = []
        with self._connect() as conn:
            for ticker in tickers:
                rows = conn.execute(
                    "SELECT day, close FROM closes WHERE ticker = ? AND day >= ? AND day < ? "
                    "ORDER BY day", (ticker, _day(start), _day(end))).fetchall()
                if rows:
                    series.append((ticker, np.array(rows, dtype=np.float64)))
        if not series:
            return empty_history()
        days = np.unique(np.concatenate([arr[:, 0] for _, arr in series]))
        matrix = np.full((len(days), len(series)), np.nan)
        for j, (_, arr) in enumerate(series):
            matrix[np.searchsorted(days, arr[:, 0]), j] = arr[:, 1]
        index = pd.DatetimeIndex(pd.to_datetime(days.astype(np.int64), unit="D"), name="date")
        wide = pd.DataFrame(matrix, index=index, columns=[t for t, _ in series])
        wide.columns.name = "ticker"
        return wide

    def _read_last(self, tickers: list[str]) -> dict[str, tuple[date, float, datetime]]:
        if not tickers or self.unavailable:
            return {}
        marks = ",".join("?" * len(tickers))
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT c.ticker, c.day, c.close, c.fetched_at FROM closes c JOIN "
                f"(SELECT ticker, MAX(day) AS day FROM closes WHERE ticker IN ({marks}) "
                "GROUP BY ticker) m ON c.ticker = m.ticker AND c.day = m.day", tickers).fetchall()
        return {t: (_date(d), float(c), _dt(f)) for t, d, c, f in rows}

    # ---- freshness -----------------------------------------------------------------------

    def _needed(self, cov: Coverage | None, start: date, end: date, now: datetime
                ) -> tuple[date, date] | None:
        """The day range to fetch so that ``[start, end)`` can be answered, or None."""
        if cov is None:
            return (start, end)
        fresh = now - cov.fetched_at <= self.fresh_for
        settled_end = cov.fetched_at.date()  # days before the fetch date were final then
        head = start < cov.start
        tail = end > cov.end or (not fresh and end > settled_end)
        if head and tail:
            return (start, end)
        if head:
            return (start, cov.start)
        if tail:
            return (max(start, min(cov.end, settled_end) - TAIL_OVERLAP), end)
        return None

    def _refresh(self, tickers: list[str], start: date, end: date, now: datetime) -> _Refresh:
        """Fetch, in one upstream call, whatever the store cannot answer for ``[start, end)``."""
        notes: list[str] = [self.unavailable] if self.unavailable else []
        cov: dict[str, Coverage] = {}
        if not self.unavailable:
            with self._connect() as conn:
                cov = self._coverage(conn, tickers)
        ranges = {t: self._needed(cov.get(t), start, end, now) for t in tickers}
        todo = [t for t in tickers if ranges[t] is not None]
        refresh = _Refresh(answered={t for t in tickers if ranges[t] is None}, coverage=cov,
                           notes=notes)
        if not todo:
            return refresh
        if self.upstream is None:
            refresh.failed.update({t: "offline: not in the price cache" for t in todo})
            return refresh
        lo = min(r[0] for t in todo if (r := ranges[t]))
        hi = max(r[1] for t in todo if (r := ranges[t]))
        result = self.upstream.history(todo, lo, hi)
        notes.extend(result.notes)
        refresh.upstream_offline = result.offline
        got = [t for t in todo if t in result.sources]
        refresh.fetched = {t: result.sources[t] for t in got}
        refresh.failed.update({t: result.failures.get(t, "no data from upstream")
                               for t in todo if t not in result.sources})
        if self.unavailable:
            refresh.passthrough = result
            return refresh
        try:
            self.store(result.frame, got, lo, hi, now)
            with self._connect() as conn:
                refresh.coverage = self._coverage(conn, tickers)
        except sqlite3.Error as exc:
            notes.append(f"price cache not updated ({exc})")
            refresh.passthrough = result
        return refresh

    def _label(self, ticker: str, refresh: _Refresh) -> str:
        if ticker in refresh.fetched:
            return refresh.fetched[ticker]
        return CACHE if ticker in refresh.answered else STALE

    def _result(self, kind: Literal["latest", "history"], frame: pd.DataFrame,
                refresh: _Refresh, good: list[str], bad: dict[str, str],
                as_of: dict[str, date], fetched_at: dict[str, datetime]) -> PriceResult:
        failures = dict(bad)
        sources: dict[str, str] = {}
        for t in good:
            if t in as_of:
                sources[t] = self._label(t, refresh)
            else:
                failures[t] = refresh.failed.get(t) or (
                    "no closes in the requested range" if kind == "history"
                    else "no close in the price cache")
        return PriceResult(kind, frame, sources, as_of, fetched_at, failures,
                           tuple(good) + tuple(bad),
                           offline=self.upstream is None or refresh.upstream_offline,
                           notes=tuple(dict.fromkeys(refresh.notes)))

    # ---- PriceSource ---------------------------------------------------------------------

    def history(self, tickers: Iterable[str], start: date | str, end: date | str) -> PriceResult:
        """Daily closes for ``start <= day < end`` (``end`` is capped at tomorrow)."""
        now = self.clock()
        good, bad = split_tickers(tickers)
        start_d = to_date(start)
        end_d = min(to_date(end), now.date() + timedelta(days=1))
        refresh = self._refresh(good, start_d, end_d, now)
        if refresh.passthrough is not None:
            frame = refresh.passthrough.frame
            frame = frame[(frame.index >= pd.Timestamp(start_d)) & (frame.index < pd.Timestamp(end_d))]
        else:
            frame = self._read_history(good, start_d, end_d)
        as_of: dict[str, date] = {}
        fetched_at: dict[str, datetime] = {}
        for t in good:
            if t not in frame.columns:
                continue
            valid = np.flatnonzero(np.isfinite(frame[t].to_numpy(dtype="float64", na_value=np.nan)))
            if not len(valid):
                continue
            as_of[t] = frame.index[valid[-1]].date()
            if t in refresh.coverage:
                fetched_at[t] = refresh.coverage[t].fetched_at
            elif t in refresh.fetched:
                fetched_at[t] = now
        keep = [t for t in good if t in as_of]
        out = frame.reindex(columns=keep) if keep else empty_history()
        out.columns.name = "ticker"
        return self._result("history", out, refresh, good, bad, as_of, fetched_at)

    def latest(self, tickers: Iterable[str]) -> PriceResult:
        """The newest close per ticker; refreshes the last ``latest_lookback`` of closes when
        they are older than ``fresh_for``; serves older closes as stale when it cannot."""
        now = self.clock()
        good, bad = split_tickers(tickers)
        end_d = now.date() + timedelta(days=1)
        refresh = self._refresh(good, end_d - self.latest_lookback, end_d, now)
        last: dict[str, tuple[date, float, datetime]] = {}
        if refresh.passthrough is not None:
            for t in refresh.passthrough.frame.columns:
                col = refresh.passthrough.frame[t].dropna()
                if not col.empty:
                    last[str(t)] = (col.index[-1].date(), float(col.iloc[-1]), now)
        else:
            last = self._read_last(good)
        rows: dict[str, dict[str, object]] = {}
        as_of: dict[str, date] = {}
        fetched_at: dict[str, datetime] = {}
        for t in good:
            if t not in last:
                continue
            day, close, when = last[t]
            rows[t] = {"close": close, "currency": currency_for(t), "as_of": day, "url": None}
            as_of[t] = day
            fetched_at[t] = refresh.coverage[t].fetched_at if t in refresh.coverage else when
        frame = empty_latest()
        if rows:
            frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=frame.columns)
            frame.index.name = "ticker"
        return self._result("latest", frame, refresh, good, bad, as_of, fetched_at)

    # ---- inspection ----------------------------------------------------------------------

    def status(self) -> pd.DataFrame:
        """What the store holds, one row per ticker.

        Columns: ``ticker``, ``closes`` (count), ``first_day``, ``last_day`` (dates),
        ``last_close``, ``fetched_at`` (UTC datetime of the newest fetch), ``fresh`` (bool:
        fetched within ``fresh_for``).
        """
        columns = ["ticker", "closes", "first_day", "last_day", "last_close", "fetched_at",
                   "fresh"]
        if self.unavailable or not self.path.exists():
            return pd.DataFrame(columns=columns)
        now = self.clock()
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT s.ticker, s.n, s.first_day, s.last_day, c.close, "
                "COALESCE(v.fetched_at, s.fetched) FROM "
                "(SELECT ticker, COUNT(*) AS n, MIN(day) AS first_day, MAX(day) AS last_day, "
                " MAX(fetched_at) AS fetched FROM closes GROUP BY ticker) s "
                "JOIN closes c ON c.ticker = s.ticker AND c.day = s.last_day "
                "LEFT JOIN coverage v ON v.ticker = s.ticker ORDER BY s.ticker").fetchall()
        records = [
            {"ticker": t, "closes": int(n), "first_day": _date(f), "last_day": _date(la),
             "last_close": float(c), "fetched_at": _dt(w),
             "fresh": now - _dt(w) <= self.fresh_for}
            for t, n, f, la, c, w in rows
        ]
        return pd.DataFrame(records, columns=columns)
