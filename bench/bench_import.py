"""Import benchmark: a generic holdings CSV of 100,000 rows, and the largest files accepted.

2 Dec 2026, quiet 2-core machine: 100,000 rows imported in 5.4 s but importing and rendering
the Overview of that book took 16.1 s (5,000 holdings: 2.1 s), over the 10 s budget, so the
row limit became 50,000: the 100,000-row file is now refused up front (its figure below is
the time to refuse it) and the largest accepted book is measured end to end.

Import limits are set by cost (issue 11): the bytes and rows a file may have so that it
imports in well under 10 s on the project's 2-core machine. This prints, for a deterministic
synthetic CSV (``np.random.default_rng(42)``; symbols, quantities, ``$`` values, a currency
and account column; 100,000 data rows plus the header), the time and the peak Python memory
(tracemalloc) of ``import_bytes``, and the same for an XLSX of 20,000 rows. Budget: the
largest accepted CSV (``MAX_IMPORT_ROWS``) in under 10 s; see ``MAX_IMPORT_BYTES`` / ``MAX_IMPORT_ROWS``.
It then renders the Overview (AppTest, offline, cold caches, look-through on) on a
5,000-holding book and on a book as large as the import accepts (the same synthetic rows):
budget 10 s for the import plus the Overview's first run of the largest accepted book.
Last line: ``RESULT rows=100000 import_s=.. peak_mb=.. bytes=.. xlsx_rows=20000 xlsx_s=..
overview_5000_s=.. overview_max_s=.. import_and_render_s=..``.
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exposure.holdings.importers import import_bytes  # noqa: E402
from exposure.holdings.importers.pipeline import ImportOptions  # noqa: E402
from exposure.holdings.importers.sniff import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS  # noqa: E402

ROWS = 100_000
XLSX_ROWS = 20_000


def synthetic_rows(rows: int, seed: int = 42) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    out = [["Symbol", "Name", "Quantity", "Price", "Market Value", "Currency", "Account"]]
    for i in range(rows):
        sym = "".join(rng.choice(letters, size=4))
        qty = int(rng.integers(1, 5_000))
        price = round(float(rng.uniform(1, 900)), 2)
        out.append([sym, f"Company {i}", str(qty), f"{price:.2f}", f"${qty * price:,.2f}",
                    "USD", f"Account {i % 7}"])
    return out


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode()


def xlsx_bytes(rows: list[list[str]]) -> bytes | None:
    try:
        import openpyxl
    except ImportError:
        return None
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Positions")
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def measure(data: bytes, name: str) -> tuple[float, float, int]:
    """Seconds (a plain run: tracemalloc slows Python down several times) and the peak
    traced memory in MB (a second run under tracemalloc)."""
    options = ImportOptions(today=date(2026, 12, 2))
    t0 = time.perf_counter()
    result = import_bytes(data, name, options=options)
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    import_bytes(data, name, options=options)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1_048_576, len(result.holdings)


def overview_first_run(rows: int) -> float:
    """Seconds of the Overview's first run (AppTest, cold caches) on a ``rows``-holding book
    opened with ``EXPOSURE_PORTFOLIO``."""
    import os
    import tempfile

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    data = csv_bytes(synthetic_rows(rows, seed=7))
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book.csv"
        book.write_bytes(data)
        os.environ.update({"EXPOSURE_PORTFOLIO": str(book), "EXPOSURE_OFFLINE": "1",
                           "EXPOSURE_HOME": str(Path(tmp) / "home")})
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                               default_timeout=300)
        at.query_params["lt"] = "1"
        t0 = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - t0
        problems = [str(e.value) for e in at.exception]
        if problems:
            raise SystemExit(f"the Overview failed on {rows} holdings: {problems[0][:200]}")
    return seconds


def main() -> None:
    from exposure.errors import ImportFormatError

    print(f"limits: {MAX_IMPORT_BYTES / 1_048_576:.0f} MB, {MAX_IMPORT_ROWS:,} rows")
    big = csv_bytes(synthetic_rows(ROWS))
    t0 = time.perf_counter()
    try:
        import_bytes(big, "big.csv", options=ImportOptions(today=date(2026, 12, 2)))
        refused = "accepted"
    except ImportFormatError as exc:
        refused = f"refused: {exc}"
    refuse_s = time.perf_counter() - t0
    print(f"csv: {ROWS:,} rows, {len(big) / 1_048_576:.1f} MB: {refused[:120]} ({refuse_s:.2f} s)")
    data = csv_bytes(synthetic_rows(MAX_IMPORT_ROWS))
    print(f"csv: {MAX_IMPORT_ROWS:,} rows (the limit), {len(data) / 1_048_576:.1f} MB")
    seconds, peak, holdings = measure(data, "bench.csv")
    print(f"csv import: {seconds:.2f} s, peak {peak:.0f} MB (tracemalloc), {holdings:,} holdings")
    book = xlsx_bytes(synthetic_rows(XLSX_ROWS))
    xlsx_s = float("nan")
    if book is not None:
        xlsx_s, xlsx_peak, _ = measure(book, "bench.xlsx")
        print(f"xlsx: {XLSX_ROWS:,} rows, {len(book) / 1_048_576:.1f} MB: {xlsx_s:.2f} s, "
              f"peak {xlsx_peak:.0f} MB")
    five_k = overview_first_run(5_000)
    largest = overview_first_run(MAX_IMPORT_ROWS)
    total = largest  # the Overview's first run includes importing the start file
    print(f"Overview first run: 5,000 holdings {five_k:.2f} s; {MAX_IMPORT_ROWS:,} holdings "
          f"(the largest accepted, import included) {largest:.2f} s (budget 10 s)")
    print(f"RESULT rows={MAX_IMPORT_ROWS} import_s={seconds:.2f} peak_mb={peak:.0f} bytes={len(data)} "
          f"xlsx_rows={XLSX_ROWS} xlsx_s={xlsx_s:.2f} overview_5000_s={five_k:.2f} "
          f"overview_max_s={largest:.2f} import_and_render_s={total:.2f} "
          f"refused_rows={ROWS} refuse_s={refuse_s:.2f}")
    if total > 10.0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
