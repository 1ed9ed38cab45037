"""T-03 as a property: a generic CSV written from any holdings frame reads back identical,
and its BOM / CRLF / semicolon-decimal-comma twins give the same holdings."""

from __future__ import annotations

import codecs
import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure.holdings.importers import import_bytes
from exposure.holdings.importers.generic import _TOTALS
from exposure.holdings.portfolio import normalise_holdings
from exposure.holdings.symbols import CASH_SYMBOLS

COLUMNS = ["symbol", "name", "quantity", "market_value", "currency", "account"]

symbols = st.from_regex(r"[A-Z]{1,5}(-[A-Z])?(\.(AS|DE|HK|TO|L|T|PA|SW))?", fullmatch=True) \
    .filter(lambda s: s not in CASH_SYMBOLS and s.lower() not in _TOTALS)
amounts = st.one_of(st.none(), st.floats(min_value=1e-4, max_value=1e12, allow_nan=False))
texts = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .&'()\-]{0,18}", fullmatch=True) \
    .map(str.strip) | st.just("")


@st.composite
def holdings_frames(draw: st.DrawFn) -> pd.DataFrame:
    syms = draw(st.lists(symbols, min_size=1, max_size=12, unique=True))
    rows = []
    for sym in syms:
        qty, value = draw(amounts), draw(amounts)
        if qty is None and value is None:
            qty = 1.0
        rows.append({"symbol": sym, "name": draw(texts),
                     "quantity": math.nan if qty is None else qty,
                     "market_value": math.nan if value is None else value,
                     "currency": draw(st.sampled_from(["USD", "EUR", "HKD", "JPY"])),
                     "account": draw(texts)})
    return normalise_holdings(pd.DataFrame(rows))


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a[COLUMNS].reset_index(drop=True),
                                  b[COLUMNS].reset_index(drop=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(holdings_frames())
def test_generic_csv_written_from_a_holdings_frame_reads_back_identical(frame: pd.DataFrame) -> None:
    data = frame[COLUMNS].to_csv(index=False).encode("utf-8")
    result = import_bytes(data, "roundtrip.csv")
    assert result.format == "generic"
    _same(result.holdings, frame)
    for variant in (codecs.BOM_UTF8 + data, data.replace(b"\n", b"\r\n")):
        _same(import_bytes(variant, "roundtrip.csv").holdings, frame)


def _eu(value: float) -> str:
    if math.isnan(value):
        return ""
    text = repr(value)
    if "e" in text or "E" in text:
        return text
    return text.replace(".", ",")


@settings(max_examples=40, deadline=None)
@given(holdings_frames())
def test_semicolon_decimal_comma_twin_reads_the_same(frame: pd.DataFrame) -> None:
    lines = [";".join(COLUMNS)]
    for r in frame.to_dict("records"):
        lines.append(";".join([r["symbol"], r["name"], _eu(r["quantity"]),
                               _eu(r["market_value"]), r["currency"], r["account"]]))
    eu = import_bytes(("\n".join(lines) + "\n").encode("cp1252"), "eu.csv")
    us = import_bytes(frame[COLUMNS].to_csv(index=False).encode(), "us.csv")
    _same(eu.holdings, us.holdings)
