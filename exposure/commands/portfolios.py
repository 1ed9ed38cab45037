"""``exposure portfolios list|show|history``: the books in the team store (Portfolio page).

``list --format json`` prints a list of objects (``name``, ``slug`` (the lookup key),
``space`` (``@team`` or a user id), ``version``, ``modified`` (UTC), ``modified_by``,
``holdings``, ``error``); ``show NAME --format json`` prints ``name``, ``base_currency``,
``cash`` (a list of currency, amount, account, label) and ``holdings`` (every holdings
column); ``history NAME`` lists every stored version with who saved it and when. A broken
book is listed with its problem; ``show`` of a missing or broken portfolio exits with code 2.
The CLI acts as the local operator: it sees the team's books.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from exposure.commands.common import add_home_option, print_json, print_table
from exposure.holdings.store import book_versions, list_portfolios, load_saved
from exposure.storage.database import database_url, describe_url


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("portfolios", help="list or show portfolios saved in the workspace",
                       description="Portfolios saved from the Portfolio page "
                                   "(<workspace>/portfolios/*.yaml).")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="saved portfolios with holdings count")
    show = actions.add_parser("show", help="one saved portfolio's holdings")
    show.add_argument("name", metavar="NAME", help="the portfolio's name")
    history = actions.add_parser("history", help="every stored version of one portfolio")
    history.add_argument("name", metavar="NAME", help="the portfolio's name")
    for action in (listing, show, history):
        action.add_argument("--format", choices=["text", "json"], default="text",
                            help="output format (default: text)")
        add_home_option(action)
    listing.set_defaults(func=run_list)
    show.set_defaults(func=run_show)
    history.set_defaults(func=run_history)


def run_list(args: argparse.Namespace) -> int:
    saved = list_portfolios(args.home)
    if args.format == "json":
        print_json([{"name": s.name, "slug": s.slug, "space": s.space, "version": s.version,
                     "modified": s.modified.isoformat(timespec="seconds"),
                     "modified_by": s.modified_by, "holdings": s.holdings,
                     "error": s.error or None} for s in saved])
        return 0
    if not saved:
        print(f"no saved portfolios in {describe_url(database_url(args.home))}")
        return 0
    for s in saved:
        status = f"{s.holdings} holdings" if s.ok else f"BROKEN: {s.error}"
        print(f"{s.name:<32} v{s.version:<3} {s.modified:%Y-%m-%d %H:%M} UTC by "
              f"{s.modified_by}  {status}")
    return 0


def run_history(args: argparse.Namespace) -> int:
    found = book_versions(args.name, args.home)
    if args.format == "json":
        print_json([{"version": v.version, "name": v.name, "saved_by": v.saved_by,
                     "saved_by_name": v.saved_by_name, "saved_at": v.saved_at} for v in found])
        return 0
    for v in found:
        print(f"v{v.version:<3} {v.saved_at}  {v.saved_by_name} <{v.saved_by}>  {v.name}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    portfolio = load_saved(args.name, args.home)
    if args.format == "json":
        print_json({"name": portfolio.name, "base_currency": portfolio.base_currency,
                    "cash": [asdict(c) for c in portfolio.cash],
                    "holdings": portfolio.holdings.to_dict("records")})
        return 0
    cash = ", ".join(f"{amount:,.2f} {cur}" for cur, amount in portfolio.cash_by_currency().items())
    print(f"{portfolio.name}: {len(portfolio.holdings)} holdings, cash {cash or 'none'}")
    if len(portfolio.holdings):
        print_table(portfolio.holdings[["symbol", "kind", "quantity", "market_value",
                                        "currency", "account", "segment"]],
                    {"quantity": ",.4g", "market_value": ",.2f"})
    return 0
