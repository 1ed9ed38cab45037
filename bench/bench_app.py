"""App benchmark: AppTest time of the first run and of a rerun after a scenario change, per page.

Budget (issue "The Streamlit app"): first run <= 1.5 s, rerun <= 0.25 s on a 2-core machine.
Each page is measured in a fresh AppTest (caches cleared, so the first run pays for loading
the catalog); the rerun changes the sidebar scenario. Median of REPEATS.
Last line: ``RESULT worst_first_s=.. worst_rerun_s=..``.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EXPOSURE_HOME", tempfile.mkdtemp(prefix="bench-app-"))
os.environ.setdefault("EXPOSURE_OFFLINE", "1")
logging.disable(logging.WARNING)

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

REPEATS = 3
OTHER_SCENARIO = "s2_full_china_ban"


def pages() -> list[str]:
    return ["app.py"] + sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def measure(path: str) -> tuple[float, float]:
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if path != "app.py":
        at.switch_page(path)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"{path}: {at.exception[0].value}")
    box = at.sidebar.selectbox(key="scenario")
    box.select(OTHER_SCENARIO if box.value != OTHER_SCENARIO else "s1_diffusion_2")
    t0 = time.perf_counter()
    at.run()
    rerun = time.perf_counter() - t0
    return first, rerun


def main() -> None:
    measure("app.py")  # warm imports (plotly, pandas) once, as a running server would have
    worst_first = worst_rerun = 0.0
    print(f"{'page':<28} {'first_s':>8} {'rerun_s':>8}")
    for path in pages():
        runs = [measure(path) for _ in range(REPEATS)]
        first = statistics.median(r[0] for r in runs)
        rerun = statistics.median(r[1] for r in runs)
        worst_first, worst_rerun = max(worst_first, first), max(worst_rerun, rerun)
        print(f"{path:<28} {first:8.3f} {rerun:8.3f}")
    print("budget: first <= 1.5 s, rerun <= 0.25 s")
    print(f"RESULT worst_first_s={worst_first:.3f} worst_rerun_s={worst_rerun:.3f}")


if __name__ == "__main__":
    main()
