"""CSV exports neutralise formula injection and keep numbers numeric."""

import csv
import io

import pandas as pd

from exposure.exports import to_safe_csv


def test_formula_cells_are_prefixed_and_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"symbol": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "\tTAB",
                                     "\rCR", "NVDA"],
                          "impact_usd": [-1.5, 2.0, -3.0, 0.0, 1.0, 1.0, -100.25]})
    rows = list(csv.reader(io.StringIO(to_safe_csv(frame), newline="")))
    symbols = [r[0] for r in rows[1:]]
    assert symbols == ["'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)", "'\tTAB", "'\rCR", "NVDA"]
    assert [float(r[1]) for r in rows[1:]] == [-1.5, 2.0, -3.0, 0.0, 1.0, 1.0, -100.25]
    assert len(rows) == 8  # a bare CR inside a cell does not split its row
