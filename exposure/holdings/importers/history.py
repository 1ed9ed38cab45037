"""Transaction histories that are not positions: recognised and refused, never read as holdings.

A history lists buys, sells and dividends; reading it as positions adds up sells as shares
held and counts a dividend as shares (issue 11). Robinhood and Trading 212 histories are
replayed (:mod:`exposure.holdings.importers.replay`); every other history is refused with
one line saying which export to download instead.

Recognised by header (IMPORT_FORMATS.md "Transactions-only"): Fidelity account history
(``Run Date,Action,Symbol,...``), Charles Schwab transactions (``Date,Action,Symbol,
Description,Quantity,Price,Fees & Comm,Amount``), DEGIRO ``Transactions.csv`` and
``Account.csv``, and any sheet with a symbol and an action/type column holding buy/sell words.
"""

from __future__ import annotations

from exposure.holdings.importers.headers import norm
from exposure.holdings.importers.sniff import Document

_KNOWN: list[tuple[str, set[str]]] = [
    ("Fidelity account history", {"run date", "action", "symbol"}),
    ("Charles Schwab transaction history", {"date", "action", "symbol", "fees & comm"}),
    ("DEGIRO transactions", {"date", "product", "isin", "venue"}),
    ("DEGIRO transactions", {"datum", "product", "isin", "uitvoeringsplaats"}),
    ("DEGIRO account statement", {"date", "value date", "product", "description", "change"}),
    ("E*TRADE transactions", {"transactiondate", "transactiontype", "symbol"}),
]
_ACTION_COLUMNS = {"action", "transaction type", "transaction", "type", "side", "buy/sell",
                   "trans code", "orderart", "vorgang", "transactietype", "activity"}
_TRADE_WORDS = {"buy", "sell", "bought", "sold", "kauf", "verkauf", "dividend", "reinvestment",
                "market buy", "market sell", "koop", "verkoop"}


def transaction_history(doc: Document) -> str | None:
    """A label (e.g. ``Fidelity account history``) if ``doc`` is a transaction history."""
    for i, row in enumerate(doc.rows[:40]):
        keys = {norm(c) for c in row if c}
        for label, needed in _KNOWN:
            if needed <= keys:
                return label
        actions = [j for j, c in enumerate(row) if norm(c) in _ACTION_COLUMNS]
        if not actions or not (keys & {"symbol", "ticker", "isin", "instrument", "wkn"}):
            continue
        for body in doc.rows[i + 1:i + 60]:
            for j in actions:
                if j < len(body) and norm(body[j]).split(" (")[0] in _TRADE_WORDS:
                    return f"a transaction list (column '{row[j]}')"
    return None


def refusal(label: str) -> str:
    return (f"this is a transaction history ({label}), not a positions export: holdings "
            "cannot be read from it without replaying every trade (replayed: Robinhood and "
            "Trading 212 histories). Download the positions/portfolio export instead")
