"""Provenance weighted by impact: time of :func:`exposure.evaluation.provenance.weighted_provenance`
on the sample book (look-through on and off) and on a synthetic book of N holdings drawn from
the catalog's companies (reference prices, all library scenarios).

The Methodology page computes it on every run, so it should stay well inside the app's rerun
budget (0.25 s) for the sample book: budget ``sample_lt_ms <= 250`` (exit 1 over it). Median
of REPEATS.
Last line: ``RESULT sample_ms=.. sample_lt_ms=.. large_ms=.. large_holdings=..``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.budget import over_budget  # noqa: E402
from exposure.evaluation.book import evaluate_book  # noqa: E402
from exposure.evaluation.provenance import weighted_provenance  # noqa: E402
from exposure.holdings.load import load_portfolio  # noqa: E402
from exposure.holdings.portfolio import Portfolio, normalise_holdings  # noqa: E402
from exposure.model.catalog import load_catalog  # noqa: E402
from exposure.workspace import SAMPLE_PORTFOLIO  # noqa: E402

REPEATS = 5
LARGE = 5000


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return 1000 * statistics.median(runs)


def main() -> int:
    catalog = load_catalog(include_home=False)
    valued = evaluate_book(load_portfolio(SAMPLE_PORTFOLIO), catalog).valued
    sample = timed(lambda: weighted_provenance(valued, catalog, lookthrough=False))
    sample_lt = timed(lambda: weighted_provenance(valued, catalog, lookthrough=True))
    rng = np.random.default_rng(42)
    symbols = [c.ticker or c.id for c in catalog.companies.values()] + ["SMH", "SOXX"]
    picks = rng.choice(symbols, LARGE)
    book = Portfolio("large", normalise_holdings(pd.DataFrame({
        "symbol": picks, "market_value": rng.uniform(1e3, 1e6, LARGE),
        "kind": ["fund" if s in ("SMH", "SOXX") else "listed" for s in picks],
        "segment": ["fund" if s in ("SMH", "SOXX") else "" for s in picks]})))
    large_valued = evaluate_book(book, catalog).valued
    large = timed(lambda: weighted_provenance(large_valued, catalog, lookthrough=True))
    print(f"sample book ({len(valued)} holdings): {sample:.1f} ms without look-through, "
          f"{sample_lt:.1f} ms with")
    print(f"synthetic book ({LARGE} holdings, look-through on): {large:.1f} ms")
    print(f"RESULT sample_ms={sample:.1f} sample_lt_ms={sample_lt:.1f} large_ms={large:.1f} "
          f"large_holdings={LARGE}")
    return over_budget([("sample_ms", sample, 250.0), ("sample_lt_ms", sample_lt, 250.0)])


if __name__ == "__main__":
    sys.exit(main())
