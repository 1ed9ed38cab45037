"""``exposure validate-data``: check every bundled and workspace data file.

Fails (exit 2, one line per problem on stderr naming file, entry and field) when a number the
engine uses has no tier or no as_of (:mod:`exposure.model.tier_check`). With ``--portfolio``
it also reports the book's provenance weighted by impact (:mod:`exposure.evaluation.provenance`).
"""

from __future__ import annotations

import argparse
import sys

from exposure.commands.common import add_home_option, print_json
from exposure.evaluation.provenance import (
    KIND_LABELS,
    UNTIERED,
    WEIGHT_TIERS,
    book_provenance,
    provenance_headline,
    provenance_json,
)
from exposure.holdings.load import load_portfolio
from exposure.model.catalog import load_catalog
from exposure.model.tier_check import untiered_numbers
from exposure.workspace import home_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate-data", help="validate the reference data and the workspace",
                       description="Validate data/ and the workspace; print the source-tier mix "
                                   "(with --portfolio: weighted by each input's share of the "
                                   "book's gross scenario impact).")
    add_home_option(p)
    p.add_argument("--portfolio", metavar="FILE",
                   help="also weight the tier mix by what drives this book's result")
    p.add_argument("--no-lookthrough", action="store_true",
                   help="weight the book without fund, stake and contract look-through")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(home=args.home)
    portfolio = load_portfolio(args.portfolio) if args.portfolio else None
    problems = untiered_numbers(catalog, args.home)
    prov = catalog.provenance_frame()
    mix = catalog.tier_mix()
    total = sum(mix.values()) or 1
    newest = max((e.date for e in catalog.events.values()), default=None)
    summary = {
        "ok": not problems,
        "home": str(home_dir(args.home)),
        "channels": len(catalog.channels),
        "companies": len(catalog.companies),
        "user_companies": sum(1 for k, v in catalog.origin.items()
                              if k.startswith("company:") and v == "user"),
        "scenarios": len(catalog.scenarios),
        "user_scenarios": sum(1 for k, v in catalog.origin.items()
                              if k.startswith("scenario:") and v == "user"),
        "events": len(catalog.events),
        "reference_prices": len(catalog.reference_prices),
        "links": len(catalog.links),
        "funds": len(catalog.funds),
        "numbers": len(prov),
        "estimates": int(prov["estimate"].sum()) if len(prov) else 0,
        "tier_mix": mix,
        "untiered": len(problems),
        "problems": [str(p) for p in problems],
        "newest_event": newest,
    }
    weighted = None
    if portfolio is not None:
        weighted = book_provenance(portfolio, catalog, lookthrough=not args.no_lookthrough)
        summary["portfolio"] = args.portfolio
        summary.update(provenance_json(weighted))
        summary["headline"] = provenance_headline(weighted.weighted)
    for problem in problems:
        print(f"exposure: error: {problem}", file=sys.stderr)
    if args.format == "json":
        print_json(summary)
        return 2 if problems else 0
    if problems:
        print(f"{len(problems)} number(s) the engine uses have no tier or as_of; see above.")
        return 2
    print(f"data OK: {summary['channels']} channels, {summary['companies']} companies "
          f"({summary['user_companies']} from workspace), {summary['scenarios']} scenarios "
          f"({summary['user_scenarios']} from workspace), {summary['events']} events "
          f"(newest {newest}), {summary['reference_prices']} reference prices, "
          f"{summary['links']} look-through links, {summary['funds']} funds")
    print(f"{summary['numbers']} sourced numbers, {summary['estimates']} of them estimates")
    print("source tiers (numbers, shocks and probabilities, reported moves, reference prices, "
          "events' first source, links, fund files):")
    for tier, n in mix.items():
        print(f"  {tier:<10} {n:>5}  {100 * n / total:5.1f}%")
    if weighted is not None:
        print(f"\nweighted by share of the book's gross scenario impact "
              f"(${weighted.gross_usd:,.0f} over {len(weighted.scenario_ids)} scenarios, "
              f"look-through {'on' if weighted.lookthrough else 'off'}):")
        tiers = [t for t in (*WEIGHT_TIERS, UNTIERED)
                 if any(t in m for m in weighted.weighted.values())]
        print(f"  {'':<14}" + "".join(f"{t:>11}" for t in tiers))
        for kind, shares in weighted.weighted.items():
            cells = "".join(f"{100 * shares[t]:10.1f}%" if t in shares else f"{'-':>11}"
                            for t in tiers)
            print(f"  {KIND_LABELS[kind]:<14}{cells}")
        print(f"  {summary['headline']}")
        print(f"  stale (older than 15 months) and still used: {len(weighted.stale)}")
        for s in weighted.stale:
            print(f"    {s['subject']} {s['field']} (as of {s['as_of']}, {s['tier']}, "
                  f"{100 * s['share']:.2f}% of gross impact)")
    return 0
