"""Property: whatever cells a file holds, an import either ends with one clean
ImportFormatError or with a report whose rows add up (nothing lost, nothing invented)."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exposure.errors import ImportFormatError
from exposure.holdings.importers import import_bytes

HEADERS = [
    ["symbol", "quantity", "market_value", "currency"],
    ["Ticker", "Shares", "Value"],
    ["ISIN", "Wertpapiername", "Stück/Nominale", "Kurs", "Währung", "Kurswert"],
    ["Product", "Symbol/ISIN", "Amount", "Closing", "Local value", "", "Value in EUR"],
]
CELLS = st.one_of(
    st.sampled_from(["NVDA", "BRK.B", "TPE:2330", "US67066G1040", "US67066G1041", "CASH",
                     "Total", "SPAXX**", " -NVDA250620C150", "=cmd|calc", "", "NaN", "#N/A",
                     "--", "$1,234.56", "€3.925,80", "NT$1,045,000", "¥12,000", "12 kr",
                     "CHF 996.00", "(5.00)", "1e309", "inf", "EUR", "USD", "JPY", "10",
                     "0", "-3", "1.234,56", "4,5"]),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from(HEADERS),
       rows=st.lists(st.lists(CELLS, min_size=1, max_size=8), min_size=1, max_size=12),
       delimiter=st.sampled_from([",", ";"]))
@example(header=["symbol", "quantity", "market_value", "currency"],  # read as YAML, then a
         rows=[["\x1f", "\nholdings:"]], delimiter=",")  # control character YAML refuses
def test_rows_always_add_up_or_one_clean_error(header: list[str], rows: list[list[str]],
                                               delimiter: str) -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    try:
        result = import_bytes(buf.getvalue().encode(), "fuzz.csv")
    except ImportFormatError as exc:
        assert "\n" not in str(exc)
        return
    acct = result.accounting
    assert acct["records"] == sum(acct["layout"].values()) + result.data_rows
    assert len(result.skipped) == acct["skipped_rows"]
    assert len(result.cash) == acct["cash_rows"]
    assert acct["holding_rows"] >= (1 if len(result.holdings) else 0)
    values = result.holdings["market_value"].dropna()
    assert (values >= 0).all()
