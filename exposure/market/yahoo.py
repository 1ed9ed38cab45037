"""Market data: the only module that talks to Yahoo (yfinance is imported lazily, on the first
fetch, so the app starts fast and offline runs never import it).

Sources, all :class:`~exposure.market.result.PriceSource`:

- :class:`YahooSource`: one batched ``yf.download`` per refresh, bounded per request and
  overall, retries with capped exponential backoff and jitter when rate limited, then stops
  asking for a while (circuit breaker); per-ticker failures are reported, never raised, and an
  empty or all-NaN column is "unavailable", never zero.
- :class:`~exposure.market.cache.CachedSource`: the read-through SQLite store.
- :class:`ReferenceSource`: the bundled, sourced reference closes.
- :class:`PriceChain`: cache -> Yahoo -> stale cache -> reference, with a label per ticker.

Pages and the CLI build a chain with :func:`price_chain` and turn its answer into valuation
quotes with :func:`quotes_from_result` and a banner with :func:`status_line`.
"""

from __future__ import annotations

import logging
import os
import random
import re
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import pandas as pd

from exposure.errors import WorkspaceError
from exposure.market.cache import CachedSource, utcnow
from exposure.market.result import (
    LATEST_COLUMNS,
    LIVE,
    REFERENCE,
    STALE,
    PriceResult,
    PriceSource,
    currency_for,
    empty_history,
    empty_latest,
    latest_from_history,
    quotes_from_result,
    split_tickers,
    status_line,
    to_date,
)
from exposure.workspace import ensure_dir, home_dir

__all__ = [
    "LIVE", "REFERENCE", "STALE", "CachedSource", "CircuitBreaker", "PriceChain", "PriceResult",
    "PriceSource", "ReferenceSource", "YahooSource", "closes_from_download", "is_offline",
    "currency_for", "price_chain", "quotes_from_result", "status_line",
]

OFFLINE_ENV = "EXPOSURE_OFFLINE"


def is_offline(offline: bool | None = None) -> bool:
    """The offline switch: an explicit argument wins, else ``EXPOSURE_OFFLINE=1``."""
    if offline is not None:
        return offline
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


# ---- yfinance, lazily --------------------------------------------------------------------

_yf_lock = threading.Lock()
_yf_cache_dir: str | None = None


def _yfinance(home: str | Path | None) -> ModuleType:
    """Import yfinance on first use and point its own caches (timezones, cookies) into the
    workspace, so that a read-only ``$HOME`` does not break it (yfinance #1274, #2604)."""
    global _yf_cache_dir
    with _yf_lock:
        import yfinance as yf  # the one place

        if _yf_cache_dir is None:
            logging.getLogger("yfinance").addHandler(logging.NullHandler())
            # Let Ticker.history raise instead of logging "possibly delisted" for every
            # failure (yfinance #2329): download() still catches per ticker, and its summary
            # then names the real cause (DNSError, YFRateLimitError, HTTP 404...).
            debug = getattr(getattr(yf, "config", None), "debug", None)
            if debug is not None:
                debug.hide_exceptions = False
            pandas4 = getattr(pd.errors, "Pandas4Warning", None)
            if pandas4 is not None:
                warnings.filterwarnings("ignore", category=pandas4, module="yfinance")
        try:
            target = ensure_dir(home_dir(home) / "yfinance-cache")
        except WorkspaceError:
            target = Path(tempfile.gettempdir()) / f"exposure-yfinance-cache-{os.getuid()}"
            target.mkdir(parents=True, exist_ok=True)
        if str(target) != _yf_cache_dir:
            setter = getattr(getattr(yf, "cache", None), "set_cache_location", None)
            (setter or yf.set_tz_cache_location)(str(target))
            _yf_cache_dir = str(target)
        return yf


def yfinance_module(home: str | Path | None = None) -> ModuleType:
    """yfinance, imported on first use with its caches in the workspace (see above)."""
    return _yfinance(home)


# ---- shape normalisation -----------------------------------------------------------------

def closes_from_download(raw: pd.DataFrame | None, tickers: Sequence[str]) -> pd.DataFrame:
    """Daily closes out of whatever shape ``yf.download`` returned (the one adapter).

    Accepts MultiIndex columns in either order (``group_by='column'``: (Price, Ticker);
    ``group_by='ticker'``: (Ticker, Price)), flat columns for a single ticker
    (``multi_level_index=False``), with or without ``Adj Close``. Uses ``Close`` (``Adj Close``
    only when ``Close`` is absent). Returns a tz-naive daily ``DatetimeIndex`` named ``date`` x
    one float column per requested ticker, in request order; non-positive closes become NaN.
    """
    tickers = [t.upper() for t in tickers]
    if raw is None or raw.empty:
        close = pd.DataFrame(index=pd.DatetimeIndex([]), columns=tickers, dtype="float64")
    elif isinstance(raw.columns, pd.MultiIndex):
        close = pd.DataFrame(index=raw.index)
        for name in ("Close", "Adj Close"):
            levels = [i for i in range(raw.columns.nlevels)
                      if name in raw.columns.get_level_values(i)]
            if levels:
                close = raw.xs(name, axis=1, level=levels[0])
                break
        close.columns = [str(c).upper() for c in close.columns]
    else:
        name = "Close" if "Close" in raw.columns else "Adj Close"
        if name in raw.columns and len(tickers) == 1:
            close = raw[[name]].set_axis(tickers, axis=1)
        else:
            close = raw.rename(columns=lambda c: str(c).upper())
    close = close.loc[:, ~close.columns.duplicated()].reindex(columns=tickers)
    index = pd.DatetimeIndex(pd.to_datetime(close.index))
    if index.tz is not None:
        index = index.tz_localize(None)
    close.index = index.normalize()
    close = close[~close.index.duplicated(keep="last")].sort_index()
    close = close.apply(pd.to_numeric, errors="coerce").astype("float64")
    close = close.where(close > 0)
    close.index.name = "date"
    close.columns.name = "ticker"
    return close.dropna(how="all")


_LIST_RE = re.compile(r"^\s*\[(?P<names>[^\]]*)\]:\s*(?P<reason>.*)$", re.DOTALL)
_LOOKUP_RE = re.compile(r"^Failed to get ticker '(?P<name>[^']+)' reason: (?P<reason>.*)$",
                        re.DOTALL)
NO_DATA = "no data from Yahoo (unknown or delisted ticker, or no trading in range)"


def classify(message: str) -> tuple[str, str]:
    """``(kind, words)`` for a yfinance error text; kind is ``rate_limit``, ``network``,
    ``timeout``, ``no_data`` or ``other``."""
    low = message.lower()
    if "ratelimit" in low or "rate limited" in low or "too many requests" in low:
        return "rate_limit", "rate limited by Yahoo"
    if "timed out" in low or "timeout" in low:
        return "timeout", "Yahoo did not answer in time"
    if ("resolve host" in low or "dnserror" in low or "name or service" in low
            or "name resolution" in low or "connect" in low or "network is unreachable" in low):
        return "network", "Yahoo unreachable (offline?)"
    if ("delisted" in low or "no data" in low or "no price data" in low or "no timezone" in low
            or "404" in low or "not found" in low):
        return "no_data", NO_DATA
    return "other", f"Yahoo error: {message.strip()[:160]}"


class _ErrorCapture(logging.Handler):
    """Collects the per-ticker errors ``yf.download`` logs (it never raises them).

    ``errors``: the end-of-download summary lines from the downloading thread
    (``['AAA', 'BBB']: reason``). ``lookup_errors``: yfinance's per-ticker
    "Failed to get ticker 'X' reason: ..." lines from its worker threads, which carry the real
    cause behind a misleading "possibly delisted; no timezone found" (yfinance #2329).
    """

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.thread: int | None = None
        self.errors: dict[str, str] = {}
        self.lookup_errors: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record must never break a fetch
            return
        lookup = _LOOKUP_RE.match(message)
        if lookup:
            self.lookup_errors[lookup["name"].upper()] = lookup["reason"]
            return
        if self.thread is not None and record.thread != self.thread:
            return
        match = _LIST_RE.match(message)
        if match:
            for name in re.findall(r"'([^']+)'", match["names"]):
                self.errors[name.upper()] = match["reason"]

    def reason(self, ticker: str) -> tuple[str, str]:
        message = self.errors.get(ticker)
        if message is None:
            return "no_data", NO_DATA
        kind, words = classify(message)
        if "no timezone" in message.lower() and ticker in self.lookup_errors:
            real_kind, real_words = classify(self.lookup_errors[ticker])
            if real_kind in ("network", "timeout", "rate_limit"):
                return real_kind, real_words
        return kind, words


# ---- circuit breaker ---------------------------------------------------------------------

class CircuitBreaker:
    """Stops all calls to Yahoo for a while after it rate-limits us or is unreachable.

    One per process by default (:data:`SHARED_CIRCUIT`): on a shared server every session
    comes from the same IP, so one session's 429 means every session should back off.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock
        self._wall = wall
        self._lock = threading.Lock()
        self._until = 0.0
        self._reason = ""
        self._until_wall: datetime | None = None

    def open(self, seconds: float, reason: str) -> None:
        with self._lock:
            self._until = self._clock() + seconds
            self._until_wall = self._wall() + timedelta(seconds=seconds)
            self._reason = reason

    def blocked(self) -> str | None:
        """Why calls are paused ("rate limited by Yahoo; paused until 14:35 UTC"), or None."""
        with self._lock:
            if self._clock() >= self._until:
                return None
            until = f"{self._until_wall:%H:%M} UTC" if self._until_wall else "later"
            return f"{self._reason}; paused until {until}"

    def reset(self) -> None:
        with self._lock:
            self._until = 0.0
            self._reason = ""
            self._until_wall = None


SHARED_CIRCUIT = CircuitBreaker()


# ---- Yahoo -------------------------------------------------------------------------------

class Downloader(Protocol):
    def __call__(self, tickers: list[str], **kwargs: Any) -> pd.DataFrame | None: ...


@dataclass
class _Attempt:
    closes: pd.DataFrame
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)
    """ticker -> (kind, words)."""


class YahooSource:
    """Yahoo Finance through yfinance: one batched ``yf.download`` per refresh.

    ``timeout`` bounds each HTTP request, ``deadline`` the whole refresh including retries
    (the download runs in a daemon thread; a hung fetch is abandoned, never waited for).
    When Yahoo rate-limits, the rate-limited tickers are retried up to ``retries`` times after
    ``min(backoff_cap, backoff * 2**n)`` seconds, scaled by a random factor in [0.5, 1]; if it
    still refuses, the circuit opens for ``pause_after_rate_limit`` seconds. When Yahoo is
    unreachable for every ticker it opens for ``pause_after_unreachable`` seconds, so that
    an offline app does not retry on every rerun.

    ``threads`` defaults to False (yfinance fetches the batch's tickers one after another):
    with worker threads, failing DNS lookups stall for seconds each on some resolvers, and
    hung threads pile up (THREATS.md section 4); pass an int to fetch in parallel.

    ``download`` (default ``yf.download``) and ``session`` are the test seams: pass a fake
    ``requests.Session`` to run yfinance's real parsing without a network. ``calls`` counts
    batched download calls.
    """

    def __init__(
        self,
        home: str | Path | None = None,
        *,
        timeout: float = 6.0,
        deadline: float = 15.0,
        retries: int = 2,
        backoff: float = 2.0,
        backoff_cap: float = 30.0,
        pause_after_rate_limit: float = 900.0,
        pause_after_unreachable: float = 60.0,
        latest_lookback: timedelta = timedelta(days=31),
        threads: int | bool = False,
        session: Any = None,
        download: Downloader | None = None,
        circuit: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.home = home
        self.timeout = timeout
        self.deadline = deadline
        self.retries = retries
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.pause_after_rate_limit = pause_after_rate_limit
        self.pause_after_unreachable = pause_after_unreachable
        self.latest_lookback = latest_lookback
        self.threads = threads
        self.session = session
        self._download = download
        self.circuit = circuit if circuit is not None else SHARED_CIRCUIT
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.clock = clock
        self.calls = 0
        self.sleeps: list[float] = []
        """Backoff delays actually slept (for tests and diagnostics)."""

    # -- one attempt

    def _call_download(self, tickers: list[str], start: date, end: date) -> pd.DataFrame | None:
        download = self._download or _yfinance(self.home).download
        self.calls += 1
        return download(
            tickers, start=start.isoformat(), end=end.isoformat(), interval="1d",
            auto_adjust=False, actions=False, group_by="column", multi_level_index=True,
            progress=False, threads=self.threads if len(tickers) > 1 else False,
            timeout=self.timeout, repair=False, keepna=False, session=self.session,
        )

    def _attempt(self, tickers: list[str], start: date, end: date, budget: float) -> _Attempt:
        capture = _ErrorCapture()
        future: Future[pd.DataFrame | None] = Future()

        def run() -> None:
            capture.thread = threading.get_ident()
            try:
                future.set_result(self._call_download(tickers, start, end))
            except BaseException as exc:  # reported through the future
                future.set_exception(exc)

        logger = logging.getLogger("yfinance")
        logger.addHandler(capture)
        worker = threading.Thread(target=run, name="exposure-yahoo", daemon=True)
        try:
            worker.start()
            raw = future.result(timeout=max(budget, 0.0))
        except FutureTimeout:
            words = f"Yahoo did not answer within {self.deadline:g} s"
            return _Attempt(closes_from_download(None, tickers),
                            {t: ("timeout", words) for t in tickers})
        except Exception as exc:  # OSError (curl DNSError...), YFException, anything: unavailable
            kind, words = classify(f"{type(exc).__name__}: {exc}")
            return _Attempt(closes_from_download(None, tickers), {t: (kind, words) for t in tickers})
        finally:
            logger.removeHandler(capture)
        try:
            closes = closes_from_download(raw, tickers)
        except Exception as exc:  # an unexpected shape: unavailable, and say so
            words = f"unexpected data from Yahoo ({type(exc).__name__})"
            return _Attempt(closes_from_download(None, tickers), {t: ("other", words) for t in tickers})
        errors: dict[str, tuple[str, str]] = {}
        for t in tickers:
            if t not in closes.columns or closes[t].isna().all():
                errors[t] = capture.reason(t)
        return _Attempt(closes, errors)

    # -- PriceSource

    def history(self, tickers: Iterable[str], start: date | str, end: date | str) -> PriceResult:
        """Daily closes for ``start <= day < end`` in one batched request (plus retries)."""
        good, bad = split_tickers(tickers)
        start_d, end_d = to_date(start), to_date(end)
        failures: dict[str, str] = dict(bad)
        notes: list[str] = []
        frames: list[pd.DataFrame] = []
        pending = list(good)
        began = time.monotonic()
        attempt_no = 0
        while pending:
            paused = self.circuit.blocked()
            if paused:
                notes.append(f"Yahoo not asked: {paused}")
                failures.update({t: paused for t in pending})
                break
            if end_d <= start_d:
                failures.update({t: "empty date range" for t in pending})
                break
            budget = self.deadline - (time.monotonic() - began)
            if budget <= 0:
                failures.update({t: f"Yahoo did not answer within {self.deadline:g} s"
                                 for t in pending})
                break
            result = self._attempt(pending, start_d, end_d, budget)
            frames.append(result.closes.drop(columns=list(result.errors), errors="ignore"))
            limited = [t for t, (kind, _) in result.errors.items() if kind == "rate_limit"]
            for t, (_, words) in result.errors.items():
                failures[t] = words
            kinds = {kind for kind, _ in result.errors.values()}
            if result.errors and len(result.errors) == len(pending) and len(kinds) == 1:
                kind, words = next(iter(result.errors.values()))
                if kind in ("network", "timeout"):  # don't hang again on the next rerun
                    self.circuit.open(self.pause_after_unreachable, words)
                    notes.append(words)
            if not limited:
                break
            delay = min(self.backoff_cap, self.backoff * 2 ** attempt_no)
            delay *= 0.5 + 0.5 * self.rng.random()
            remaining = self.deadline - (time.monotonic() - began)
            if attempt_no >= self.retries or delay >= remaining:
                self.circuit.open(self.pause_after_rate_limit, "rate limited by Yahoo")
                notes.append(f"Yahoo: {self.circuit.blocked() or 'rate limited by Yahoo'}")
                break
            self.sleeps.append(delay)
            self.sleep(delay)
            attempt_no += 1
            pending = limited
        for frame in frames:  # a retry's success replaces the earlier failure
            for t in frame.columns:
                failures.pop(str(t), None)
        combined = empty_history()
        frames = [f for f in frames if not f.empty and len(f.columns)]
        if frames:
            combined = pd.concat(frames, axis=1).sort_index()
            combined = combined.loc[:, ~combined.columns.duplicated()]
            combined.columns.name = "ticker"
        now = self.clock()
        answered = [t for t in good if t in combined.columns]
        as_of = {t: combined[t].dropna().index[-1].date() for t in answered}
        unreachable = bool(good) and not answered and all(
            failures.get(t, "").startswith("Yahoo unreachable") for t in good)
        return PriceResult(
            "history", combined.reindex(columns=answered), {t: LIVE for t in answered}, as_of,
            {t: now for t in answered}, failures, tuple(good) + tuple(bad),
            offline=unreachable, notes=tuple(dict.fromkeys(notes)),
        )

    def latest(self, tickers: Iterable[str]) -> PriceResult:
        """The newest close per ticker (one batched request for the last month)."""
        end = self.clock().date() + timedelta(days=1)
        hist = self.history(tickers, end - self.latest_lookback, end)
        return replace(hist, kind="latest", frame=latest_from_history(hist.frame))


# ---- reference ---------------------------------------------------------------------------

class ReferenceSource:
    """The bundled, sourced reference closes (``data/reference_prices.yaml``).

    ``prices`` maps ticker -> an object with ``close``, ``currency``, ``as_of`` and ``source``
    (:class:`exposure.model.schema.ReferencePrice`). It has no history.
    """

    def __init__(self, prices: Mapping[str, Any]) -> None:
        self.prices = {str(k).upper(): v for k, v in prices.items()}

    @classmethod
    def from_catalog(cls, catalog: Any) -> ReferenceSource:
        return cls(getattr(catalog, "reference_prices", {}) or {})

    def latest(self, tickers: Iterable[str]) -> PriceResult:
        good, bad = split_tickers(tickers)
        rows: dict[str, dict[str, object]] = {}
        failures: dict[str, str] = dict(bad)
        for t in good:
            price = self.prices.get(t)
            if price is None:
                failures[t] = "no bundled reference price"
                continue
            rows[t] = {"close": float(price.close), "currency": price.currency,
                       "as_of": price.as_of, "url": price.source}
        frame = empty_latest()
        if rows:
            frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(LATEST_COLUMNS))
            frame.index.name = "ticker"
        return PriceResult("latest", frame, {t: REFERENCE for t in rows},
                           {t: r["as_of"] for t, r in rows.items()},  # type: ignore[misc]
                           {}, failures, tuple(good) + tuple(bad))

    def history(self, tickers: Iterable[str], start: date | str, end: date | str) -> PriceResult:
        good, bad = split_tickers(tickers)
        failures = {**bad, **{t: "no price history in the bundled reference data" for t in good}}
        return PriceResult("history", empty_history(), {}, {}, {}, failures,
                           tuple(good) + tuple(bad))


# ---- the chain ---------------------------------------------------------------------------

class PriceChain:
    """cache -> Yahoo -> stale cache -> reference, one label per ticker.

    ``cache`` wraps Yahoo (or nothing, offline) and already does the first three steps; the
    reference fills in the latest close of whatever is still missing. History has no
    reference fallback: missing history is reported, and the evidence page shows the sourced
    event-day moves instead.
    """

    def __init__(self, cache: CachedSource, reference: ReferenceSource | None = None,
                 *, offline: bool = False) -> None:
        self.cache = cache
        self.reference = reference
        self.offline = offline

    def latest(self, tickers: Iterable[str]) -> PriceResult:
        result = self.cache.latest(list(tickers))
        offline = self.offline or result.offline
        missing = [t for t in result.requested if t in result.failures]
        if self.reference is None or not missing:
            return replace(result, offline=offline)
        ref = self.reference.latest(missing)
        frames = [f for f in (result.frame, ref.frame) if not f.empty]
        frame = pd.concat(frames) if frames else empty_latest()
        failures = {t: why for t, why in result.failures.items() if t not in ref.sources}
        for t in failures:
            if t in ref.failures and ref.failures[t] != failures[t]:
                failures[t] = f"{failures[t]}; {ref.failures[t]}"
        return replace(
            result, frame=frame, sources={**result.sources, **ref.sources},
            as_of={**result.as_of, **ref.as_of}, failures=failures, offline=offline,
        )

    def history(self, tickers: Iterable[str], start: date | str, end: date | str) -> PriceResult:
        result = self.cache.history(list(tickers), start, end)
        return replace(result, offline=self.offline or result.offline)


def price_chain(
    home: str | Path | None = None,
    *,
    catalog: Any = None,
    offline: bool | None = None,
    yahoo: PriceSource | None = None,
    fresh_for: timedelta = timedelta(minutes=30),
    deadline: float = 15.0,
) -> PriceChain:
    """The chain the pages and the CLI use.

    ``catalog`` supplies the reference closes (None: no reference step); ``offline`` (default:
    env ``EXPOSURE_OFFLINE``) skips Yahoo entirely; ``yahoo`` replaces the Yahoo source (tests);
    ``deadline`` bounds a refresh from Yahoo in seconds (a page may want less).
    """
    off = is_offline(offline)
    upstream = None if off else (yahoo if yahoo is not None else YahooSource(home, deadline=deadline))
    cache = CachedSource(upstream, home=home, fresh_for=fresh_for)
    reference = ReferenceSource.from_catalog(catalog) if catalog is not None else None
    return PriceChain(cache, reference, offline=off)

