"""Cold vs warm load of 30 tickers x 3 years of daily closes through the price cache.

Upstream is yfinance's real code against a fake Yahoo (tests/fake_yahoo.py: no network).
Cold: empty workspace, one refresh -> must be exactly one batched upstream call. Warm: the
same request again within the freshness window -> zero upstream calls, budget <= 50 ms.
Figures are medians of repeats. The last line is machine-read:
``RESULT cold_ms=.. warm_ms=.. upstream_calls=..`` (upstream calls per cold refresh).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exposure.market.cache import CachedSource  # noqa: E402
from exposure.market.yahoo import CircuitBreaker, YahooSource  # noqa: E402
from tests.fake_yahoo import FakeYahooSession, yahoo_session_restored  # noqa: E402

TICKERS = [f"T{i:02d}" for i in range(30)]
COLD_REPEATS = 3
WARM_REPEATS = 15
WARM_BUDGET_MS = 50.0


def main() -> int:
    warnings.simplefilter("ignore")  # yfinance's pandas deprecation noise
    end = date.today() + timedelta(days=1)
    start = end - timedelta(days=3 * 365)
    cold_ms: list[float] = []
    warm_ms: list[float] = []
    cold_calls: list[int] = []
    warm_calls: list[int] = []
    http: list[int] = []
    rows = 0
    with yahoo_session_restored(), tempfile.TemporaryDirectory() as tmp:
        for repeat in range(COLD_REPEATS):
            home = Path(tmp) / f"home{repeat}"
            fake = FakeYahooSession()
            yahoo = YahooSource(home, session=fake, circuit=CircuitBreaker(), deadline=120)
            cache = CachedSource(yahoo, home=home)
            began = time.perf_counter()
            cold = cache.history(TICKERS, start, end)
            cold_ms.append((time.perf_counter() - began) * 1000)
            cold_calls.append(yahoo.calls)
            http.append(len(fake.requests))
            assert not cold.failures, cold.failures
            for _ in range(WARM_REPEATS):
                before = yahoo.calls
                began = time.perf_counter()
                warm = cache.history(TICKERS, start, end)
                warm_ms.append((time.perf_counter() - began) * 1000)
                warm_calls.append(yahoo.calls - before)
                assert set(warm.sources.values()) == {"cache"}
            rows = int(warm.frame.notna().sum().sum())
    cold, hot = statistics.median(cold_ms), statistics.median(warm_ms)
    print(f"tickers={len(TICKERS)} span={start}..{end} closes={rows}")
    print(f"cold: median {cold:.1f} ms of {COLD_REPEATS} "
          f"(min {min(cold_ms):.1f}, max {max(cold_ms):.1f}); upstream calls per cold refresh "
          f"{sorted(set(cold_calls))}; HTTP requests to fake Yahoo per refresh {sorted(set(http))}")
    print(f"warm: median {hot:.1f} ms of {len(warm_ms)} (min {min(warm_ms):.1f}, "
          f"max {max(warm_ms):.1f}); upstream calls {sum(warm_calls)} (budget <= "
          f"{WARM_BUDGET_MS:.0f} ms, 0 calls)")
    ok = hot <= WARM_BUDGET_MS and set(cold_calls) == {1} and sum(warm_calls) == 0
    print("within budget" if ok else "OVER BUDGET")
    print(f"RESULT cold_ms={cold:.1f} warm_ms={hot:.1f} upstream_calls={max(cold_calls)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
