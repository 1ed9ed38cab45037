"""``exposure validate-data``: check every bundled and workspace data file."""

from __future__ import annotations

import argparse

from exposure.commands.common import add_home_option, print_json
from exposure.model.catalog import load_catalog
from exposure.workspace import home_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate-data", help="validate the reference data and the workspace",
                       description="Validate data/ and the workspace; print the source-tier mix.")
    add_home_option(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(home=args.home)
    prov = catalog.provenance_frame()
    mix = catalog.tier_mix()
    total = sum(mix.values()) or 1
    summary = {
        "ok": True,
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
    }
    if args.format == "json":
        print_json(summary)
        return 0
    print(f"data OK: {summary['channels']} channels, {summary['companies']} companies "
          f"({summary['user_companies']} from workspace), {summary['scenarios']} scenarios "
          f"({summary['user_scenarios']} from workspace), {summary['events']} events, "
          f"{summary['reference_prices']} reference prices, {summary['links']} look-through links, "
          f"{summary['funds']} funds")
    print(f"{summary['numbers']} sourced numbers, {summary['estimates']} of them estimates")
    print("source tiers (numbers, reported moves, reference prices, events' first source, "
          "links, fund files):")
    for tier, n in mix.items():
        print(f"  {tier:<10} {n:>5}  {100 * n / total:5.1f}%")
    return 0
