"""Scorecard benchmark: the out-of-sample scorecard from the shipped closes, end to end.

Prints the figures the issue asks for (goal: pooled Spearman >= 0.5 with the 95% interval
above 0, sign accuracy >= 75%, slope in [0.7, 1.4]) and the wall time of one full run
(loading and validating the closes, the event studies, 1 + N leave-one-out calibrations,
permutation tests and the pooled bootstrap). Last line:
``RESULT events_scored=.. pairs=.. spearman_pooled=.. ci_lo=.. ci_hi=.. sign_accuracy=.. slope=.. seconds=..``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exposure.evidence.scorecard import compute_scorecard, scorecard_headline  # noqa: E402
from exposure.workspace import DATA_DIR  # noqa: E402


def main() -> None:
    t0 = time.perf_counter()
    result = compute_scorecard(DATA_DIR)
    seconds = time.perf_counter() - t0
    lo, hi = result.ci95
    print(f"price set: {result.price_source}")
    print(scorecard_headline(result))
    print(f"not scored: {len(result.not_scored)} events; misses: {len(result.misses)} pairs")
    goals = [("pooled Spearman >= 0.5", result.spearman_pooled >= 0.5),
             ("interval above 0", lo > 0),
             ("sign accuracy >= 75%", result.sign_accuracy >= 0.75),
             ("slope in [0.7, 1.4]", 0.7 <= result.slope <= 1.4)]
    print("goals: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in goals))
    print(f"RESULT events_scored={result.events_scored} pairs={result.pairs} "
          f"spearman_pooled={result.spearman_pooled:.4f} ci_lo={lo:.4f} ci_hi={hi:.4f} "
          f"sign_accuracy={result.sign_accuracy:.4f} slope={result.slope:.4f} "
          f"seconds={seconds:.2f}")


if __name__ == "__main__":
    main()
