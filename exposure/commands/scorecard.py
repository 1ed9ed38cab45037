"""``exposure scorecard``: the out-of-sample scorecard (does the model rank real policy-day
moves?) and ``--write-calibration`` to regenerate ``data/calibration.yaml``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from exposure.commands.common import print_json, print_table
from exposure.errors import ExposureError

if TYPE_CHECKING:
    from exposure.evidence.scorecard import ScorecardResult

MISSES_SHOWN = 15


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scorecard", help="out-of-sample scorecard: predicted vs realised policy-day moves",
        description="Leave-one-event-out scorecard of the model against market-model abnormal "
                    "returns (CAR [0,+1] vs SPY) around dated policy events, from the shipped "
                    "closes (offline) or live Yahoo history (--live).")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--live", action="store_true",
                   help="recompute on live Yahoo history through the price cache "
                        "(needs a network; not with EXPOSURE_OFFLINE=1)")
    p.add_argument("--write-calibration", action="store_true",
                   help="re-estimate the elasticities on every scored event from the shipped "
                        "closes and write calibration.yaml (then print the scorecard)")
    p.add_argument("--output", metavar="FILE",
                   help="where --write-calibration writes (default: <data>/calibration.yaml)")
    p.add_argument("--data", metavar="DIR", help="data folder (default: the bundled data/)")
    p.add_argument("--home", metavar="DIR", help="workspace folder for the price cache (--live)")
    p.set_defaults(func=run_scorecard_command)


def run_scorecard_command(args: argparse.Namespace) -> int:
    from exposure.evidence.calibration import calibration_file, fit_calibration, write_calibration
    from exposure.evidence.scorecard import (
        run_scorecard,
        scorecard_observations,
        scorecard_summary,
    )
    from exposure.workspace import data_dir

    if args.write_calibration and args.live:
        raise ExposureError("--write-calibration uses the shipped closes only; drop --live")
    if args.output and not args.write_calibration:
        raise ExposureError("--output goes with --write-calibration")
    catalog, obs = scorecard_observations(args.data, live=args.live, home=args.home)
    result = run_scorecard(obs, catalog)
    if args.write_calibration:
        target = Path(args.output) if args.output else Path(args.data or data_dir()) / "calibration.yaml"
        cal = fit_calibration(obs.pairs, as_of=obs.last_day)
        write_calibration(target, calibration_file(cal, obs, scorecard_summary(result)))
        print(f"wrote {target} ({len(cal.segments)} segment and {len(cal.holdings)} holding "
              f"estimates from {len(cal.events)} events)", file=sys.stderr)
    if args.format == "json":
        print_json(result.to_json())
        return 0
    _print_table(result)
    return 0


def _print_table(result: ScorecardResult) -> None:
    from exposure.evidence.scorecard import scorecard_headline

    print(f"Scorecard ({result.price_source})")
    print(scorecard_headline(result))
    lo, hi = result.ci95
    print(f"events scored {result.events_scored}, pairs {result.pairs}; pooled Spearman "
          f"{result.spearman_pooled:+.3f} (95% CI {lo:+.3f} to {hi:+.3f}); sign accuracy "
          f"{result.sign_accuracy:.1%}; slope {result.slope:+.3f}")
    print()
    frame = pd.DataFrame([{
        "date": e.date.isoformat(), "event": e.event, "scenario": e.scenario,
        "dir": f"{e.direction:+d}", "n": e.n, "spearman": e.spearman, "p": e.p,
        "sign_acc": e.sign_accuracy, "slope": e.slope,
    } for e in result.per_event])
    if not frame.empty:
        print_table(frame, {"spearman": "+.2f", "p": ".3f", "sign_acc": ".0%", "slope": "+.2f"})
    if len(result.not_scored):
        print()
        print("Not scored:")
        for row in result.not_scored.itertuples():
            print(f"  {row.date} {row.event}: {row.reason}")
    misses = result.misses
    if len(misses):
        print()
        print(f"Largest misses ({min(len(misses), MISSES_SHOWN)} of {len(misses)}; "
              "|realised - predicted| > 2 standard errors):")
        for row in misses.head(MISSES_SHOWN).itertuples():
            print(f"  {row.date} {row.event} {row.ticker}: predicted {row.predicted * 100:+.1f}%, "
                  f"realised {row.realised * 100:+.1f}% -> {row.cause}")
    print()
    for name, text in result.method.items():
        print(f"{name}: {text}")
