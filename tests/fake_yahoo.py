"""A fake Yahoo upstream for tests and the benchmark: yfinance's real code runs against it.

:class:`FakeYahooSession` is a ``requests.Session`` that answers, without any socket,
``/v8/finance/chart/<SYM>`` with chart JSON (deterministic synthetic daily bars between
``period1`` and ``period2``), ``/v10/finance/quoteSummary/<SYM>`` with Yahoo's "not found", ``/v1/test/getcrumb`` with a crumb and anything else (cookie
pages) with an empty 200. Behaviour per symbol is switchable: ``empty`` (Yahoo's
"no data found" 404), ``rate_limit`` (HTTP 429 on everything), ``slow`` (sleeps until
released). Every request is recorded in ``requests``.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import requests

NY_OPEN_UTC = timedelta(hours=13, minutes=30)


def synthetic_close(symbol: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Deterministic closes for ``symbol`` on ``days`` (same day -> same price, any request)."""
    seed = zlib.crc32(symbol.encode())
    base = 50.0 + seed % 400
    t = np.asarray((days - pd.Timestamp("1970-01-01")).days, dtype=float)
    return np.round(base * (1.0 + 0.1 * np.sin(t / 17.0 + seed % 7) + 0.0004 * (t - 19_000)), 4)


def chart_payload(symbol: str, start: datetime, end: datetime) -> dict[str, Any]:
    """Yahoo chart-API JSON for business days in [start, end)."""
    days = pd.bdate_range(start.date(), (end - timedelta(seconds=1)).date())
    days = days[(days >= pd.Timestamp(start.date())) & (days < pd.Timestamp(end.replace(tzinfo=None)))]
    close = synthetic_close(symbol, days)
    stamps = [int((d.to_pydatetime().replace(tzinfo=UTC) + NY_OPEN_UTC).timestamp()) for d in days]
    return {"chart": {"result": [{
        "meta": {
            "currency": "USD", "symbol": symbol, "exchangeName": "NMS",
            "fullExchangeName": "NasdaqGS", "instrumentType": "EQUITY",
            "firstTradeDate": 917015400, "regularMarketTime": stamps[-1] if stamps else 0,
            "hasPrePostMarketData": True, "gmtoffset": -14400, "timezone": "EDT",
            "exchangeTimezoneName": "America/New_York",
            "regularMarketPrice": float(close[-1]) if len(close) else 0.0,
            "chartPreviousClose": float(close[0]) if len(close) else 0.0,
            "priceHint": 2, "dataGranularity": "1d", "range": "",
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
        },
        "timestamp": stamps,
        "indicators": {
            "quote": [{
                "open": close.tolist(), "high": (close * 1.01).tolist(),
                "low": (close * 0.99).tolist(), "close": close.tolist(),
                "volume": [1_000_000] * len(stamps),
            }],
            "adjclose": [{"adjclose": close.tolist()}],
        },
    }], "error": None}}


NOT_FOUND = {"chart": {"result": None, "error": {
    "code": "Not Found", "description": "No data found, symbol may be delisted"}}}


class FakeYahooSession(requests.Session):
    """Answers Yahoo URLs from memory; never opens a socket."""

    def __init__(self, *, empty: set[str] | None = None, rate_limit: bool = False,
                 slow: bool = False, search: dict[str, list[dict[str, Any]]] | None = None
                 ) -> None:
        super().__init__()
        self.search = search or {}
        """``/v1/finance/search`` answers: query -> quotes (``symbol``, ``quoteType`` ...)."""
        self.empty = {s.upper() for s in (empty or set())}
        self.rate_limit = rate_limit
        self.slow = slow
        self.release = threading.Event()
        self.requests: list[str] = []
        self._lock = threading.Lock()

    def chart_requests(self) -> list[str]:
        return [u for u in self.requests if "/v8/finance/chart/" in u]

    def request(self, method: str | bytes, url: str | bytes, *args: Any,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        url = url.decode() if isinstance(url, bytes) else url
        params = kwargs.get("params") or {}
        with self._lock:
            self.requests.append(url)
        if self.slow:
            self.release.wait(timeout=10)
        if self.rate_limit:
            return _response(url, 429, "Too Many Requests")
        parts = urlsplit(url)
        if parts.path.endswith("/v1/test/getcrumb"):
            return _response(url, 200, "fake-crumb")
        if "/v8/finance/chart/" in parts.path:
            symbol = parts.path.rsplit("/", 1)[-1].upper()
            if symbol in self.empty:
                return _response(url, 404, json.dumps(NOT_FOUND))
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            query.update({k: str(v) for k, v in params.items()})
            now = datetime.now(UTC)
            if "period1" in query:
                start = datetime.fromtimestamp(int(float(query["period1"])), UTC)
                end = datetime.fromtimestamp(int(float(query.get("period2") or now.timestamp())), UTC)
            else:
                start, end = now - timedelta(days=7), now
            return _response(url, 200, json.dumps(chart_payload(symbol, start, end)))
        if parts.path.endswith("/v1/finance/search"):
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            query.update({k: str(v) for k, v in params.items()})
            quotes = self.search.get(query.get("q", ""), [])
            return _response(url, 200, json.dumps({"quotes": quotes, "news": [], "count":
                                                   len(quotes)}))
        if "/v10/finance/quoteSummary/" in parts.path:
            symbol = parts.path.rsplit("/", 1)[-1].upper()
            return _response(url, 404, json.dumps({"quoteSummary": {"result": None, "error": {
                "code": "Not Found", "description": f"Quote not found for symbol: {symbol}"}}}))
        return _response(url, 200, "")


def _response(url: str, status: int, text: str) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = text.encode()
    resp.url = url
    resp.encoding = "utf-8"
    resp.headers["Content-Type"] = "application/json"
    return resp


@contextmanager
def yahoo_session_restored() -> Iterator[None]:
    """Put yfinance's process-wide session (and its in-memory chart cache) back afterwards.

    Waits first for any fetch abandoned at its deadline to end, so that it can never continue
    on the restored, real session.
    """
    from yfinance.data import YfData

    data = YfData()
    saved = data._session
    YfData.cache_get.cache_clear()
    try:
        yield
    finally:
        for worker in threading.enumerate():
            if worker.name == "exposure-yahoo":
                worker.join(timeout=15)
        data._set_session(saved)
        YfData.cache_get.cache_clear()
