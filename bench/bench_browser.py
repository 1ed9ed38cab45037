"""Browser benchmark: how soon a new session sees the app's first numbers and charts, against
the floor of a one-chart Streamlit page served by the same Streamlit in the same run.

Two servers are started on free loopback ports, offline (``EXPOSURE_OFFLINE=1``) with a
throw-away workspace (``EXPOSURE_HOME``): ``streamlit run app.py`` and ``streamlit run
bench/floor_page.py`` (a title, one ``st.metric``, one small plotly bar). Debian's Chromium,
driven by Playwright, opens each page in fresh browser contexts (each a new Streamlit session)
and records, from the page itself, the seconds from navigation start to the first metric
(``[data-testid=stMetric]``) and to the first drawn plotly chart (``.js-plotly-plot
.main-svg`` inside ``[data-testid=stPlotlyChart]``).

Warm-up: each server first serves every page once, unmeasured, because the first run of a
process imports the libraries (plotly, pandas, scipy, ...), reads the catalog and evaluates
the sample book once for all later sessions; that is a cost per process, not per session. The
cold figure (the first session of a fresh app server, and of the floor server) is printed as
information only.

Then SESSIONS rounds; in each, the floor page, the Overview (``/``) and every other page
(``pages/*.py``, served at ``/<name>``, e.g. ``/Holding``) are opened once each in a fresh
context. Figures are medians over the rounds. A page that shows no chart by default (e.g. the
Weekly review before any snapshot) is listed as such and left out of the worst page.

Budgets (issue 12), checked against the floor measured in the same run:
- ``overview_metric_s <= floor_metric_s + 0.5``
- ``overview_chart_s  <= 1.3 x floor_chart_s``
- every other page's first chart ``<= 1.5 x floor_chart_s`` (``worst_page_chart_s``)

``chart_ratio`` is ``overview_chart_s / floor_chart_s``; the worst page's ratio is printed on
the line above. Exit code 1 (naming the figure) when any figure is over budget.
Last line: ``RESULT floor_metric_s=.. floor_chart_s=.. overview_metric_s=.. overview_chart_s=..
worst_page_chart_s=.. chart_ratio=..``.

Timing depends on the machine's load: compare figures from one run, never across machines.
Usage: ``python bench/bench_browser.py [--sessions N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.browser_util import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    first_paint,
    page_paths,
    require_chromium,
    serve,
    survey,
    workspace,
)

SESSIONS = 3
METRIC_SLACK_S = 0.5
OVERVIEW_CHART_RATIO = 1.3
PAGE_CHART_RATIO = 1.5


def _fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.2f}"


def _median(values: list[float | None]) -> float | None:
    seen = [v for v in values if v is not None]
    return statistics.median(seen) if seen else None


def run(sessions: int) -> int:
    from playwright.sync_api import sync_playwright

    home = workspace()
    pages = page_paths()
    with serve(ROOT / "app.py", home) as app, serve(ROOT / "bench" / "floor_page.py", home) as floor, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                    headless=True)
        cold_app = first_paint(browser, app + "/", {"metric", "chart"})
        cold_floor = first_paint(browser, floor + "/", {"metric", "chart"})
        print(f"cold first session (info): overview metric {_fmt(cold_app[0])} s, chart "
              f"{_fmt(cold_app[1])} s; floor metric {_fmt(cold_floor[0])} s, chart "
              f"{_fmt(cold_floor[1])} s")
        # warm every page once (imports are per process) and see what each shows by default
        shows = {name: survey(browser, app + path) for name, path in pages.items()}
        if shows["Overview"] != {"metric", "chart"}:
            raise SystemExit("the Overview showed no metric or no chart")

        floor_runs: list[tuple[float | None, float | None]] = []
        page_runs: dict[str, list[tuple[float | None, float | None]]] = {n: [] for n in pages}
        script: dict[str, list[tuple[float, float]]] = {n: [] for n in ["floor", *pages]}
        for _ in range(sessions):
            floor_runs.append(first_paint(browser, floor + "/", {"metric", "chart"},
                                          script=script["floor"]))
            for name, path in pages.items():
                page_runs[name].append(first_paint(browser, app + path, shows[name],
                                                   script=script[name]))
        browser.close()

    floor_metric = _median([r[0] for r in floor_runs])
    floor_chart = _median([r[1] for r in floor_runs])
    if floor_metric is None or floor_chart is None:
        raise SystemExit("the floor page showed no metric or no chart")
    print("server script run as the page saw it (median start-end, s; information): "
          + ", ".join(f"{n} {statistics.median(a for a, _ in r):.2f}-"
                      f"{statistics.median(b for _, b in r):.2f}"
                      for n, r in script.items() if r))
    print(f"{'page':<16} {'metric_s':>8} {'chart_s':>8} {'x floor':>8}   sessions (metric/chart)")
    print(f"{'floor':<16} {_fmt(floor_metric):>8} {_fmt(floor_chart):>8} {'':>8}   "
          + "  ".join(f"{_fmt(m).strip()}/{_fmt(c).strip()}" for m, c in floor_runs))
    medians: dict[str, tuple[float | None, float | None]] = {}
    for name, runs in page_runs.items():
        metric, chart = _median([r[0] for r in runs]), _median([r[1] for r in runs])
        medians[name] = (metric, chart)
        ratio = f"{chart / floor_chart:8.2f}" if chart is not None else "no chart"
        print(f"{name:<16} {_fmt(metric):>8} {_fmt(chart):>8} {ratio:>8}   "
              + "  ".join(f"{_fmt(m).strip()}/{_fmt(c).strip()}" for m, c in runs))

    overview_metric, overview_chart = medians.pop("Overview")
    assert overview_metric is not None and overview_chart is not None
    charted = {n: c for n, (_, c) in medians.items() if c is not None}
    worst_name = max(charted, key=charted.__getitem__) if charted else "none"
    worst = charted.get(worst_name, 0.0)
    chart_ratio = overview_chart / floor_chart
    print(f"worst page: {worst_name} ({worst / floor_chart:.2f} x floor chart); "
          f"no chart by default: {', '.join(n for n in medians if n not in charted) or 'none'}")
    print(f"budget: overview_metric <= floor_metric + {METRIC_SLACK_S} s; overview_chart <= "
          f"{OVERVIEW_CHART_RATIO} x floor_chart; every other page's chart <= "
          f"{PAGE_CHART_RATIO} x floor_chart")
    over = []
    if overview_metric > floor_metric + METRIC_SLACK_S:
        over.append(f"overview_metric_s {overview_metric:.2f} > {floor_metric + METRIC_SLACK_S:.2f}")
    if overview_chart > OVERVIEW_CHART_RATIO * floor_chart:
        over.append(f"overview_chart_s {overview_chart:.2f} > "
                    f"{OVERVIEW_CHART_RATIO * floor_chart:.2f}")
    for name, chart in charted.items():
        if chart > PAGE_CHART_RATIO * floor_chart:
            over.append(f"{name} chart {chart:.2f} s > {PAGE_CHART_RATIO * floor_chart:.2f}")
    for line in over:
        print(f"OVER BUDGET: {line}")
    print(f"RESULT floor_metric_s={floor_metric:.3f} floor_chart_s={floor_chart:.3f} "
          f"overview_metric_s={overview_metric:.3f} overview_chart_s={overview_chart:.3f} "
          f"worst_page_chart_s={worst:.3f} chart_ratio={chart_ratio:.3f}")
    return 1 if over else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=SESSIONS,
                        help=f"fresh sessions per page (default {SESSIONS})")
    args = parser.parse_args()
    require_chromium()
    raise SystemExit(run(args.sessions))


if __name__ == "__main__":
    main()
