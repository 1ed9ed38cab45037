"""The app's own YAML portfolio format, read by :func:`exposure.holdings.portfolio.parse_portfolio_yaml`.

Detected by file extension (``.yaml``/``.yml``) or by a top-level ``holdings:`` key. Symbols
are taken as written (private-company ids are lower-case slugs); strict YAML rules (no
aliases, no duplicate keys, no Python tags) apply as for every YAML file the app reads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from exposure.errors import DataFileError, ImportFormatError
from exposure.holdings.importers.result import CashLine, ImportResult
from exposure.holdings.portfolio import parse_portfolio_yaml

if TYPE_CHECKING:
    from exposure.model.catalog import Catalog

FORMAT_ID = "yaml"
LABEL = "exposure portfolio YAML"
_HOLDINGS_KEY = re.compile(r"^holdings\s*:", re.MULTILINE)


def detect(text: str, name: str) -> bool:
    if name.lower().endswith((".yaml", ".yml")):
        return True
    return bool(_HOLDINGS_KEY.search(text[:20000]))


def parse(text: str, name: str, encoding: str, catalog: Catalog | None = None) -> ImportResult:
    try:
        portfolio = parse_portfolio_yaml(text, name)
    except DataFileError as exc:
        raise ImportFormatError(f"{exc.detail}"
                                + (f" (entry {exc.entry})" if exc.entry else "")
                                + (f", field '{exc.field}'" if exc.field else ""),
                                path=name) from None
    holdings = portfolio.holdings
    unknown: list[str] = []
    if catalog is not None:
        unknown = [s for s in holdings["symbol"] if catalog.company_for_symbol(s) is None]
    cash: list[CashLine] = [{"account": c.account, "currency": c.currency,
                             "amount": float(c.amount), "label": c.label or "cash"}
                            for c in portfolio.cash]
    return ImportResult(holdings=holdings, cash=cash, unknown=unknown, format=FORMAT_ID,
                        encoding=encoding, source=name,
                        accounting={"records": len(holdings) + len(cash), "layout": {},
                                    "holding_rows": len(holdings), "cash_rows": len(cash),
                                    "skipped_rows": 0})
