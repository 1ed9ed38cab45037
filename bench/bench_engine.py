"""Engine benchmark: 5,000 synthetic holdings x 50 scenarios x 8 channels.

Prints the median evaluation time, the same maths as raw numpy in the same run, and the time
to build the holding x scenario frame. Budget (issue "Foundation"): evaluation <= 10 ms and
<= 3x raw numpy; frame <= 50 ms. Last line: ``RESULT engine_ms=.. numpy_ms=.. ratio=.. frame_ms=..``.
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
from exposure.model.engine import evaluate  # noqa: E402

HOLDINGS, SCENARIOS, CHANNELS, REPEATS = 5_000, 50, 8, 51


def median_ms(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    profiles, mv, scenarios, _ = synthetic_book(HOLDINGS, SCENARIOS, CHANNELS)
    e, k, base, p = profiles.exposures, profiles.elasticity, scenarios.base, scenarios.probabilities

    def raw() -> float:
        vc = np.maximum(k[:, None] * (e @ base.T), -1.0)
        impact = vc * mv[:, None]
        return float(p @ impact.sum(axis=0))

    result = evaluate(profiles, mv, scenarios)
    assert abs(result.expected_impact_usd - raw()) < 1e-6 * abs(raw())

    engine_ms = median_ms(lambda: evaluate(profiles, mv, scenarios))
    numpy_ms = median_ms(raw)
    frame_ms = median_ms(result.holding_frame, repeats=15)
    ratio = engine_ms / numpy_ms
    print(f"holdings={HOLDINGS} scenarios={SCENARIOS} channels={CHANNELS} repeats={REPEATS}")
    print(f"engine evaluate median   {engine_ms:8.3f} ms   (budget <= 10 ms)")
    print(f"raw numpy same maths     {numpy_ms:8.3f} ms")
    print(f"ratio                    {ratio:8.2f} x    (budget <= 3x)")
    print(f"holding x scenario frame {frame_ms:8.3f} ms   (budget <= 50 ms)")
    print(f"RESULT engine_ms={engine_ms:.3f} numpy_ms={numpy_ms:.3f} ratio={ratio:.2f} "
          f"frame_ms={frame_ms:.2f}")
    return over_budget([("engine_ms", engine_ms, 10.0), ("ratio", ratio, 3.0),
                        ("frame_ms", frame_ms, 50.0)])


if __name__ == "__main__":
    sys.exit(main())
