"""T-06: broker symbols -> Yahoo form; cash, options and look-alikes recognised."""

from __future__ import annotations

import pytest

from exposure.holdings.symbols import classify_symbol, is_option_symbol, yahoo_symbol

LISTED = [
    ("BRK.B", None, "BRK-B"),
    ("BRK/B", None, "BRK-B"),
    ("BRK B", None, "BRK-B"),
    ("BRK B", "NYSE", "BRK-B"),
    ("brk.b", None, "BRK-B"),
    ("700", "SEHK", "0700.HK"),
    ("700.HK", None, "0700.HK"),
    ("8035", "TSEJ", "8035.T"),
    ("ASML", "AEB", "ASML.AS"),
    ("SAP", "IBIS", "SAP.DE"),
    ("SHOP", "TSE", "SHOP.TO"),
    ("VOD", "LSE", "VOD.L"),
    ("NVDA", "NASDAQ", "NVDA"),
    ("NVDA", "UNKNOWNEX", "NVDA"),
    ("NASDAQ:NVDA", None, "NVDA"),
    ("TPE:2330", None, "2330.TW"),
    ("HKG:700", None, "0700.HK"),
    ("AMS:ASML", None, "ASML.AS"),
    ("VOD.L", None, "VOD.L"),
    ("ASML.AS", None, "ASML.AS"),
    ("8035.T", None, "8035.T"),
    ("0700.HK", None, "0700.HK"),
    ("31617E745", None, "31617E745"),
    ("ＮＶＤＡ", None, "NVDA"),  # full-width letters fold under NFKC
]


@pytest.mark.parametrize(("raw", "exchange", "expected"), LISTED,
                         ids=[f"{r}|{e}" for r, e, _ in LISTED])
def test_listed_symbols_normalise_to_yahoo_form(raw: str, exchange: str | None,
                                                expected: str) -> None:
    info = classify_symbol(raw, exchange=exchange)
    assert (info.kind, info.symbol) == ("listed", expected)


@pytest.mark.parametrize("raw", ["SPAXX**", "FCASH**", "CASH", "VMFXX", "SWVXX",
                                 "Cash & Cash Investments"])
def test_cash_and_money_market_symbols(raw: str) -> None:
    assert classify_symbol(raw).kind == "cash"


@pytest.mark.parametrize("raw", [
    " -NVDA250620C150", "-CZR270319C30", "NVDA  250620C00150000", "NVDA250620C00150000",
    "PANW 09/11/2026 327.50 P", "NVDA 06/20/2025 150.00 C", "QQQ Dec 31 '26 $600 Put",
    "NVDA 20JUN25 150 C", "META 3/21/2025 Call $650.00",
])
def test_options_are_recognised_never_the_underlying(raw: str) -> None:
    assert is_option_symbol(raw)
    assert classify_symbol(raw).kind == "option"
    assert yahoo_symbol(raw) is None


@pytest.mark.parametrize("raw", [
    "NVD\u0410",        # Cyrillic capital A
    "\u0410MD",
    "NV\u200bDA",       # zero-width space
    "NVDA\u200d",       # zero-width joiner
    "\u202eADVN",       # right-to-left override
    "\ufeffNVDA",       # stray BOM inside a cell
])
def test_look_alike_and_invisible_characters_are_rejected(raw: str) -> None:
    info = classify_symbol(raw)
    assert info.kind == "rejected"
    assert "invisible" in info.reason or "look-alike" in info.reason


@pytest.mark.parametrize("raw", ["", "   ", "=HYPERLINK(\"x\")", "<script>", "../../etc",
                                 "CD CAPITAL ONE NA 4.35% 05/22/2026", "A" * 40])
def test_non_tickers_are_rejected_with_a_reason(raw: str) -> None:
    info = classify_symbol(raw)
    assert info.kind == "rejected"
    assert info.reason
