"""T-07: Robinhood holdings are replayed from transactions, exactly, with a warning."""

from __future__ import annotations

import pytest

from exposure.errors import ImportFormatError
from exposure.holdings.importers import import_bytes

HEADER = ('"Activity Date","Process Date","Settle Date","Instrument","Description",'
          '"Trans Code","Quantity","Price","Amount"\n')


def report(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def row(day: str, symbol: str, code: str, qty: str) -> str:
    return f'"{day}","{day}","{day}","{symbol}","{symbol}\nCUSIP: 000000000","{code}","{qty}","$1.00","$1.00"'


def holdings(data: bytes) -> dict[str, float]:
    result = import_bytes(data, "rh.csv")
    return dict(zip(result.holdings["symbol"], result.holdings["quantity"], strict=True))


def test_fractional_buys_and_sells_are_exact() -> None:
    data = report(row("2/20/2025", "AAPL", "Sell", "3.331"), row("4/15/2024", "AAPL", "Buy", "8.331"))
    assert holdings(data) == {"AAPL": 5.0}


def test_split_with_s_suffix_adds_shares() -> None:
    data = report(row("6/10/2024", "NVDA", "SPL", "45S"), row("5/02/2024", "NVDA", "Buy", "5"))
    assert holdings(data) == {"NVDA": 50.0}


def test_buy_then_sell_to_zero_leaves_no_position() -> None:
    data = report(row("3/01/2025", "INTC", "Sell", "20"), row("4/01/2024", "INTC", "Buy", "20"),
                  row("4/01/2024", "AMD", "Buy", "1"))
    result = import_bytes(data, "rh.csv")
    assert list(result.holdings["symbol"]) == ["AMD"]
    assert any("INTC" in s["reason"] for s in result.skipped)


def test_options_never_become_stock_positions() -> None:
    data = report(row("3/12/2025", "META", "STC", "1"), row("3/03/2025", "META", "BTO", "1"),
                  row("3/01/2025", "AMD", "Buy", "2"))
    result = import_bytes(data, "rh.csv")
    assert list(result.holdings["symbol"]) == ["AMD"]
    assert sum("option" in s["reason"] for s in result.skipped) == 2


def test_partial_history_is_flagged_and_negative_replays_skipped() -> None:
    data = report(row("3/01/2025", "TSLA", "Sell", "10"), row("3/01/2025", "AMD", "Buy", "2"))
    result = import_bytes(data, "rh.csv")
    assert list(result.holdings["symbol"]) == ["AMD"]
    assert any("history incomplete" in s["reason"] for s in result.skipped)
    assert any("partial" in w or "whole history" in w for w in result.warnings)


def test_only_cash_activity_is_no_holdings() -> None:
    data = report('"4/15/2024","4/15/2024","4/15/2024","","ACH Deposit","ACH","","","$5,000.00"')
    with pytest.raises(ImportFormatError, match="no holdings"):
        import_bytes(data, "rh.csv")
