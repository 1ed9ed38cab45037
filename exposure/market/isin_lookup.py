"""ISIN -> Yahoo symbol online (yfinance search), cached in the workspace.

Used for ISINs the bundled map (:mod:`exposure.holdings.isin`) does not have. Every answer,
found or not, is cached in ``<home>/isin_lookup.yaml`` with the day it was asked, so an import
asks Yahoo once per ISIN (a "not found" is asked again after :data:`RETRY_DAYS`). Offline
(``EXPOSURE_OFFLINE=1``) nothing is asked; after the first failed request (no network, rate
limit) the lookup stops for the rest of the import rather than waiting on every ISIN.

The answer is Yahoo's first equity/ETF/fund quote whose symbol is a valid ticker; it is a
lookup, not a source: the import report lists it (``isins``) and the user can correct it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from exposure.errors import DataFileError, WorkspaceError
from exposure.holdings.isin import isin_check_digit_ok
from exposure.holdings.symbols import classify_symbol
from exposure.market.yahoo import is_offline, yfinance_module
from exposure.workspace import ensure_dir, home_dir
from exposure.yamlio import atomic_write_bytes, dump_yaml, read_yaml

CACHE_FILE = "isin_lookup.yaml"
RETRY_DAYS = 30
QUOTE_TYPES = ("EQUITY", "ETF", "MUTUALFUND")
log = logging.getLogger(__name__)

Search = Callable[[str], list[dict[str, Any]]]
"""ISIN -> Yahoo search quotes (``symbol``, ``quoteType``, ``exchange``, ``longname`` ...)."""


class CachedAnswer(BaseModel):
    """One cached lookup (``symbol`` is '' when Yahoo found nothing)."""

    model_config = ConfigDict(extra="ignore")

    symbol: str = ""
    name: str = ""
    exchange: str = ""
    asked: date


class IsinLookup:
    """A resolver for :class:`~exposure.holdings.importers.pipeline.ImportOptions`."""

    def __init__(self, home: str | Path | None = None, *, search: Search | None = None,
                 offline: bool | None = None, timeout: float = 10.0,
                 today: date | None = None, session: Any = None) -> None:
        self.home = home
        self.session = session
        self.offline = is_offline(offline)
        self.timeout = timeout
        self.today = today or date.today()
        self._search = search
        self._broken = False
        self._cache = self._read()
        self.asked: list[str] = []

    @property
    def path(self) -> Path:
        return home_dir(self.home) / CACHE_FILE

    def _read(self) -> dict[str, CachedAnswer]:
        try:
            raw = read_yaml(self.path) if self.path.is_file() else None
        except DataFileError:
            return {}  # an unreadable cache is rebuilt, never fatal
        out: dict[str, CachedAnswer] = {}
        if isinstance(raw, dict):
            for isin, entry in raw.items():
                try:
                    out[str(isin)] = CachedAnswer.model_validate(entry)
                except ValueError:
                    continue
        return out

    def _write(self) -> None:
        doc = {k: v.model_dump(mode="json") for k, v in sorted(self._cache.items())}
        try:
            ensure_dir(self.path.parent)
            atomic_write_bytes(self.path, ("# ISIN lookups on Yahoo (exposure import)\n"
                                           + dump_yaml(doc)).encode())
        except (WorkspaceError, OSError) as exc:
            log.warning("ISIN lookup cache not written: %s", exc)

    def _yahoo_search(self, isin: str) -> list[dict[str, Any]]:
        yf = yfinance_module(self.home)
        found = yf.Search(isin, max_results=5, news_count=0, lists_count=0,
                          timeout=self.timeout, raise_errors=True, session=self.session)
        return list(found.quotes)

    def __call__(self, isin: str) -> str | None:
        """The Yahoo symbol for ``isin``, or None (not found, offline, or upstream down)."""
        code = isin.strip().upper()
        if not isin_check_digit_ok(code):
            return None
        hit = self._cache.get(code)
        if hit is not None and (hit.symbol or self.today - hit.asked < timedelta(RETRY_DAYS)):
            return hit.symbol or None
        if self.offline or self._broken:
            return None
        self.asked.append(code)
        try:
            quotes = (self._search or self._yahoo_search)(code)
        except Exception as exc:  # noqa: BLE001 - any upstream failure means "not now"
            log.warning("ISIN lookup stopped: %s: %s", type(exc).__name__, exc)
            self._broken = True
            return None
        answer = CachedAnswer(asked=self.today)
        for quote in quotes:
            info = classify_symbol(str(quote.get("symbol", "")))
            if quote.get("quoteType") in QUOTE_TYPES and info.kind == "listed":
                answer = CachedAnswer(symbol=info.symbol, exchange=str(quote.get("exchange", "")),
                                      name=str(quote.get("longname") or quote.get("shortname")
                                               or ""), asked=self.today)
                break
        self._cache[code] = answer
        self._write()
        return answer.symbol or None
