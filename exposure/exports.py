"""Safe tabular exports: CSV cells that a spreadsheet would run as formulas are neutralised.

OWASP: prefix any text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR with a single
quote. Numbers stay numbers, so legitimate negatives are not mangled.
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a formula-looking text cell with ``'``; leave everything else alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) cannot run as formulas."""
    out = frame.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    return out


def to_safe_csv(frame: pd.DataFrame) -> str:
    """CSV text of ``frame`` with formula injection neutralised.

    CRLF line endings (RFC 4180) make pandas quote any cell holding a bare CR, so no reader
    splits such a row.
    """
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
