"""Look-through benchmark: 5,000 holdings x 50 scenarios x 200 link targets.

Plain evaluation and the same evaluation with look-through, in the same run, both through the
app's own call (:func:`exposure.model.engine.evaluate`, with the book's
:class:`~exposure.model.engine.LinkOperator` for look-through): the 200 targets evaluated with
their own profiles, one sparse holder x target product (``M @ D``, first order), the floor, the
impacts and the expected value. About 30% of the
holdings hold 1-3 stakes or contracts each (a few thousand links). The link matrix is built once
per portfolio (like the profiles) and not timed. Budget (issue 8): look-through <= 2x plain and
<= 20 ms. Last line: ``RESULT plain_ms=.. lookthrough_ms=.. ratio=..``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.budget import over_budget  # noqa: E402
from bench.synthetic import synthetic_book  # noqa: E402
from exposure.model.engine import LinkOperator, evaluate, target_drivers  # noqa: E402
from exposure.model.sparse import SparseLinks  # noqa: E402

HOLDINGS, SCENARIOS, CHANNELS, TARGETS, REPEATS = 5_000, 50, 8, 200, 101
HOLDER_SHARE = 0.3


def paired_median_ms(a: Callable[[], object], b: Callable[[], object],
                     repeats: int = REPEATS) -> tuple[float, float]:
    """Median wall time of ``a`` and ``b``, run alternately so that load on the machine hits
    both alike."""
    a(), b()  # warm-up
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(repeats):
        for fn, out in ((a, ta), (b, tb)):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ta), statistics.median(tb)


def setup(seed: int = 42) -> tuple[Callable[[], float], Callable[[], float], str]:
    """Build the synthetic book once; return ``(plain, lookthrough, description)``."""
    profiles, mv, scenarios, rng = synthetic_book(HOLDINGS, SCENARIOS, CHANNELS, seed=seed)
    # targets (labs, startups) with their own profiles
    t_e = rng.uniform(0, 0.9, (TARGETS, CHANNELS))
    t_k = rng.uniform(1.0, 2.0, TARGETS)
    # holders: ~30% of holdings, 1-3 links each; columns 0..T-1 equity, T..2T-1 contract
    holders = np.flatnonzero(rng.random(HOLDINGS) < HOLDER_SHARE)
    m = np.zeros((len(holders), 2 * TARGETS))
    for r in range(len(holders)):
        cols = rng.choice(2 * TARGETS, size=rng.integers(1, 4), replace=False)
        m[r, cols] = rng.uniform(0.001, 0.08, len(cols))
    links = SparseLinks.from_matrix(m, holding_of_row=holders)
    operator = LinkOperator((12,), (links,), t_e, t_k)
    shocks = scenarios.shocks("central")

    def plain() -> float:
        return evaluate(profiles, mv, scenarios).expected_impact_usd

    def lookthrough() -> float:
        return evaluate(profiles, mv, scenarios, operator=operator).expected_impact_usd

    # correctness: the sparse product equals the dense one
    d = target_drivers(shocks, operator)
    assert np.allclose(links.product(d), (m @ d)[np.searchsorted(holders, links.holdings)])
    return plain, lookthrough, (f"holdings={HOLDINGS} scenarios={SCENARIOS} channels={CHANNELS} "
                                f"targets={TARGETS} holders={len(holders)} links={links.nnz}")


def main() -> int:
    plain, lookthrough, description = setup()
    plain_ms, lt_ms = paired_median_ms(plain, lookthrough)
    ratio = lt_ms / plain_ms
    print(description)
    print(f"plain evaluation       {plain_ms:7.3f} ms (median of {REPEATS})")
    print(f"with look-through      {lt_ms:7.3f} ms  budget <= 2x plain and <= 20 ms: "
          f"{'OK' if ratio <= 2 and lt_ms <= 20 else 'OVER'}")
    print(f"RESULT plain_ms={plain_ms:.3f} lookthrough_ms={lt_ms:.3f} ratio={ratio:.2f}")
    return over_budget([("lookthrough_ms", lt_ms, 20.0), ("ratio", ratio, 2.0)])


if __name__ == "__main__":
    sys.exit(main())
