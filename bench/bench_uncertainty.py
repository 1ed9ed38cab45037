"""Monte Carlo benchmark: 100,000 draws x 500 synthetic holdings x 8 channels (10 scenarios).

Prints the median wall time of :func:`exposure.model.uncertainty.simulate` over a few runs and its
peak memory, measured with ``tracemalloc`` (peak of Python/numpy allocations traced during
one run, above what was allocated before it; numpy reports its buffers to tracemalloc).
Budget (issue 7): <= 1 s median, <= 1 GB. Last line:
``RESULT draws=.. holdings=.. median_s=.. peak_mb=..``.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.budget import over_budget  # noqa: E402
from bench.synthetic import synthetic_book  # noqa: E402
from exposure.model.engine import ProfileMatrix, ScenarioSet  # noqa: E402
from exposure.model.uncertainty import simulate  # noqa: E402

DRAWS, HOLDINGS, CHANNELS, SCENARIOS, REPEATS = 100_000, 500, 8, 10, 5


def synthetic() -> tuple[ProfileMatrix, np.ndarray, ScenarioSet]:
    """Deterministic synthetic portfolio and scenario set (``default_rng(42)``)."""
    profiles, mv, scenarios, _ = synthetic_book(HOLDINGS, SCENARIOS, CHANNELS, k_range=(0.8, 2.0))
    return profiles, mv, scenarios


def main() -> int:
    profiles, mv, scenarios = synthetic()
    simulate(profiles, mv, scenarios, draws=DRAWS, seed=1)  # warm-up
    times = []
    for run in range(REPEATS):
        t0 = time.perf_counter()
        result = simulate(profiles, mv, scenarios, draws=DRAWS, seed=run)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    simulate(profiles, mv, scenarios, draws=DRAWS, seed=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median_s = statistics.median(times)
    peak_mb = (peak - before) / 2**20
    print(f"draws={DRAWS} holdings={HOLDINGS} channels={CHANNELS} scenarios={SCENARIOS} "
          f"repeats={REPEATS}")
    print(f"runs (s): {', '.join(f'{t:.3f}' for t in times)}")
    print(f"VaR95={result.var_95:,.0f} ES95={result.es_95:,.0f} "
          f"VaR99={result.var_99:,.0f} ES99={result.es_99:,.0f} (USD, losses positive)")
    print(f"simulate median {median_s:.3f} s (budget <= 1 s); "
          f"peak traced memory {peak_mb:.1f} MB (budget <= 1024 MB, tracemalloc)")
    print(f"RESULT draws={DRAWS} holdings={HOLDINGS} median_s={median_s:.3f} peak_mb={peak_mb:.1f}")
    return over_budget([("median_s", median_s, 1.0), ("peak_mb", peak_mb, 1024.0)])


if __name__ == "__main__":
    sys.exit(main())
