"""``exposure risk``: Monte Carlo VaR / expected shortfall, tornado and contributions to ES.

JSON keys (USD; ``var_*``, ``es_*`` and ``es_95_usd`` have LOSSES POSITIVE, ``percentiles``
are of the portfolio change with gains positive): ``var_95``, ``es_95``, ``var_99``,
``es_99``, ``percentiles``, ``tornado`` (rows of :func:`exposure.model.uncertainty.tornado`),
``contributions`` (``symbol``, ``es_95_usd``), ``draws``, ``seed``, plus
``mean_usd``, ``scenario_counts``, ``probabilities_normalised``, ``total_value_usd``.
"""

from __future__ import annotations

import argparse

from exposure.commands.common import (
    add_book_options,
    add_home_option,
    book_from_args,
    print_json,
    print_table,
)
from exposure.formatting import money
from exposure.model.uncertainty import check_draws, contribution_frame, simulate

TORNADO_ROWS_SHOWN = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("risk", help="Monte Carlo VaR / expected shortfall over scenario ranges",
                       description="Draw scenarios and their shock ranges; report VaR, expected "
                                   "shortfall, a sensitivity tornado and contributions to ES.")
    add_book_options(p, case=False)
    p.add_argument("--draws", type=int, default=20_000, metavar="N",
                   help="number of Monte Carlo draws (default: 20000, at most 2000000)")
    p.add_argument("--seed", type=int, default=42, metavar="S",
                   help="random seed (default: 42); same seed, same result")
    p.add_argument("--format", choices=["table", "json"], default="table")
    add_home_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    draws = check_draws(args.draws)  # fail fast, before loading anything
    book, _, _ = book_from_args(args)
    portfolio, ev = book.portfolio, book.evaluation
    result = simulate(book.profiles, ev.market_value, ev.scenarios, draws=draws, seed=args.seed,
                      operator=book.operator)
    contrib = contribution_frame(result, book.profiles)
    if args.format == "json":
        print_json({
            "portfolio_name": portfolio.name,
            "total_value_usd": ev.total_value_usd,
            "look_through": book.lookthrough_on,
            "horizon": "the scenarios' horizons (12-24 months)",
            "draws": result.draws,
            "seed": result.seed,
            "var_95": result.var_95,
            "es_95": result.es_95,
            "var_99": result.var_99,
            "es_99": result.es_99,
            "mean_usd": result.mean_usd,
            "percentiles": result.percentiles,
            "scenario_counts": result.scenario_counts,
            "probabilities_normalised": result.probabilities_normalised,
            "tornado": result.tornado.to_dict("records"),
            "contributions": contrib[["symbol", "es_95_usd"]].to_dict("records"),
        })
        return 0
    print(f"{portfolio.name}: total value {money(ev.total_value_usd)}; "
          f"{result.draws:,} draws, seed {result.seed}")
    print("losses positive:")
    for label, var, es in (("95%", result.var_95, result.es_95),
                           ("99%", result.var_99, result.es_99)):
        print(f"  {label}  VaR {money(var):>10}   expected shortfall {money(es):>10}")
    print(f"mean change {money(result.mean_usd)}; percentiles of the change (gains positive): "
          + ", ".join(f"{k} {money(v)}" for k, v in result.percentiles.items()))
    print("draws per scenario: "
          + ", ".join(f"{k} {v:,}" for k, v in result.scenario_counts.items()))
    if result.probabilities_normalised:
        print("note: scenario probabilities summed above 1 and were normalised")
    moving = result.tornado[result.tornado["swing_usd"] > 0].head(TORNADO_ROWS_SHOWN)
    if len(moving):
        print("\ntornado (one channel from its adverse to its favourable end, the others "
              "central; USD):")
        print_table(moving, {c: ",.0f" for c in ("low_usd", "base_usd", "high_usd", "swing_usd")})
    print("\ncontribution to 95% expected shortfall (USD, losses positive):")
    shown = contrib[["symbol", "name", "profile_source", "es_95_usd", "share_of_es"]]
    print_table(shown.assign(share_of_es=shown["share_of_es"] * 100),
                {"es_95_usd": ",.0f", "share_of_es": ".1f"})
    return 0
