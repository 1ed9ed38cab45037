"""normalise_holdings leaves a column alone only when converting it would change nothing: on
any table (text with gaps, numbers as text, pandas' NA-string dtype, missing columns) it gives
what converting every column gives, and normalising twice gives the same table."""

from __future__ import annotations

import contextlib
import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure.holdings.portfolio import (
    HOLDING_COLUMNS,
    NUMBER_COLUMNS,
    TEXT_COLUMNS,
    TEXT_DTYPE,
    normalise_holdings,
)


def convert_every_column(frame: pd.DataFrame) -> pd.DataFrame:
    """The rule with every column converted: as object columns, no column has its dtype yet."""
    return normalise_holdings(frame.astype(object))


TEXTS = st.one_of(st.none(), st.just(math.nan), st.sampled_from(["", " eur", "NVDA", "fund", "x"]),
                  st.integers(-5, 5))
NUMBERS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=32),
                    st.sampled_from(["12", "1,5", "", "abc"]))
DTYPES = st.sampled_from([None, "object", "str", "string"])


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 4))
    columns = draw(st.lists(st.sampled_from(HOLDING_COLUMNS), unique=True, max_size=12))
    data = {}
    for col in columns:
        values = [draw(NUMBERS if col in NUMBER_COLUMNS else TEXTS) for _ in range(rows)]
        series = pd.Series(values, dtype=object)
        dtype = draw(DTYPES)
        if dtype is not None and col not in NUMBER_COLUMNS:
            with contextlib.suppress(TypeError, ValueError):  # e.g. 5 as "string" dtype
                series = series.astype(dtype)
        elif col in NUMBER_COLUMNS and draw(st.booleans()):
            series = pd.to_numeric(series, errors="coerce").astype("float64")
        data[col] = series
    return pd.DataFrame(data, index=pd.RangeIndex(rows) + draw(st.integers(0, 3)))


@settings(max_examples=150, deadline=None)
@given(tables())
def test_normalising_gives_what_converting_every_column_gives(frame: pd.DataFrame) -> None:
    out = normalise_holdings(frame)
    pd.testing.assert_frame_equal(out, convert_every_column(frame))
    assert list(out.columns) == HOLDING_COLUMNS
    assert all(out[c].dtype == "float64" for c in NUMBER_COLUMNS)
    assert all(out[c].dtype == TEXT_DTYPE and not out[c].isna().any() for c in TEXT_COLUMNS)
    pd.testing.assert_frame_equal(normalise_holdings(out), out)  # twice is once


def test_a_normalised_table_comes_back_equal_and_not_the_same_object() -> None:
    table = normalise_holdings(pd.DataFrame({"symbol": ["NVDA"], "quantity": [3]}))
    again = normalise_holdings(table)
    assert again is not table  # a copy: the caller may change it
    again.loc[0, "symbol"] = "AMD"
    assert table.loc[0, "symbol"] == "NVDA"
