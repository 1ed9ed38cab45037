"""``exposure review snapshot|list|diff|report|comment|signoff|status`` (and the alias
``exposure report``): the weekly review from a scheduled job, and its ritual (comments per
holding or scenario, sign-off) from the terminal; the CLI acts as the local operator.

Errors are one line on stderr with exit code 2 (no snapshots yet, unknown id, unwritable
``--out``), so cron mails say what went wrong.

The clock: ``EXPOSURE_NOW`` (ISO date-time, e.g. ``2026-11-18T09:00:00``; naive means UTC),
read by the CLI only, overrides the time a snapshot is taken and a report is generated.
Tests use it to take two snapshots a "week" apart; leave it unset in real use.

JSON shapes: ``list`` -> ``{"snapshots": [header, ...]}``; ``diff`` -> ``{"old", "new",
"summary", "holdings", "exposures", "portfolio", "scenarios", "events"}`` (frames as
records; columns as in :mod:`exposure.review_diff`).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from exposure.commands.common import (
    add_book_options,
    add_currency_option,
    add_home_option,
    book_from_args,
    currency_code,
    print_json,
    print_table,
)
from exposure.errors import ExposureError
from exposure.formatting import money
from exposure.review.snapshot import SnapshotInfo, as_utc

CLOCK_ENV = "EXPOSURE_NOW"


def cli_clock() -> Callable[[], datetime]:
    """The clock for this run: ``EXPOSURE_NOW`` if set (tests), else the real UTC time."""
    raw = os.environ.get(CLOCK_ENV, "").strip()
    if not raw:
        return lambda: datetime.now(UTC)
    try:
        fixed = as_utc(datetime.fromisoformat(raw))
    except ValueError:
        raise ExposureError(f"{CLOCK_ENV}={raw!r} is not an ISO date-time "
                            "(e.g. 2026-11-18T09:00:00)") from None
    return lambda: fixed


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="weekly review: snapshots, diffs and the HTML report",
                       description="Take snapshots of a portfolio's exposure, compare them, "
                                   "and write a self-contained HTML report.")
    actions = p.add_subparsers(dest="review_command", metavar="ACTION")
    actions.required = True

    s = actions.add_parser("snapshot", help="record the portfolio, prices, scenarios and results",
                           description="Evaluate a portfolio and append a snapshot to the "
                                       "team store (<home>/exposure.sqlite or EXPOSURE_DATABASE_URL).")
    add_book_options(s)
    s.add_argument("--note", default="", help="free-text note stored with the snapshot")
    s.add_argument("--author", default="", help="who took it (optional)")
    add_home_option(s)
    s.set_defaults(func=run_snapshot)

    ls = actions.add_parser("list", help="snapshots in the store, oldest first")
    ls.add_argument("--format", choices=["table", "json"], default="table")
    add_home_option(ls)
    ls.set_defaults(func=run_list)

    d = actions.add_parser("diff", help="what changed between two snapshots",
                           description="Compare snapshot A (older) with B (newer); without "
                                       "ids, the previous snapshot with the latest.")
    d.add_argument("ids", nargs="*", type=int, metavar="ID", help="A B (default: previous latest)")
    d.add_argument("--format", choices=["table", "json"], default="table")
    add_home_option(d)
    d.set_defaults(func=run_diff)

    c = actions.add_parser("comment", help="comment on a snapshot, a holding or a scenario")
    c.add_argument("id", type=int, metavar="ID", help="snapshot id")
    c.add_argument("text", metavar="TEXT", help="the comment")
    c.add_argument("--holding", metavar="SYMBOL", help="about this holding")
    c.add_argument("--scenario", metavar="SCENARIO", help="about this scenario")
    add_home_option(c)
    c.set_defaults(func=run_comment)

    so = actions.add_parser("signoff", help="sign a review off (reviewed by NAME at TIME)")
    so.add_argument("id", type=int, metavar="ID", help="snapshot id")
    so.add_argument("--note", default="", help="optional note with the sign-off")
    add_home_option(so)
    so.set_defaults(func=run_signoff)

    st_ = actions.add_parser("status", help="reviews, newest first: open or who signed")
    st_.add_argument("--format", choices=["table", "json"], default="table")
    add_home_option(st_)
    st_.set_defaults(func=run_status)

    _add_report_parser(actions, "report")
    _add_report_parser(sub, "report", alias=True)


def run_comment(args: argparse.Namespace) -> int:
    from exposure.review import ritual

    if args.holding and args.scenario:
        raise ExposureError("a comment is about one holding or one scenario, not both")
    on, target = (("holding", args.holding) if args.holding else
                  ("scenario", args.scenario) if args.scenario else ("review", ""))
    made = ritual.add_comment(args.id, args.text, on=on, target=target, home=args.home)
    print(f"comment #{made.id} on snapshot #{made.snapshot_id} ({on}"
          f"{' ' + target if target else ''}) by {made.byline}")
    return 0


def run_signoff(args: argparse.Namespace) -> int:
    from exposure.review import ritual

    signed = ritual.sign_off(args.id, note=args.note, home=args.home)
    print(f"snapshot #{signed.snapshot_id}: {signed.line}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from exposure.review import ritual

    statuses = ritual.review_statuses(args.home)
    if args.format == "json":
        print_json([{"id": s.info.id, "week": s.info.week, "portfolio": s.info.portfolio_name,
                     "open": s.open, "comments": s.comments,
                     "signed": [asdict(x) for x in s.signoffs]} for s in statuses])
        return 0
    if not statuses:
        print("no snapshots yet")
    for s in statuses:
        print(f"#{s.info.id:<4} {s.info.week}  {_one_line(s.info.portfolio_name, 30):<30} "
              f"{s.comments:>3} comments  {s.signed_line}")
    return 0


def _add_report_parser(sub: argparse._SubParsersAction, name: str, alias: bool = False) -> None:
    r = sub.add_parser(name, help=("same as 'exposure review report'" if alias
                                   else "write the self-contained HTML report (and CSVs)"),
                       description="Write the review report for a snapshot (default: the "
                                   "latest), compared with an earlier one (default: the one "
                                   "before it; none with a single snapshot).")
    r.add_argument("--out", required=True, metavar="FILE", help="HTML file to write")
    r.add_argument("--snapshot", type=int, metavar="ID", help="snapshot to report (default: latest)")
    r.add_argument("--against", type=int, metavar="ID",
                   help="earlier snapshot to compare with (default: the previous one)")
    r.add_argument("--csv-dir", metavar="DIR", help="also write the tables as CSV files here")
    add_currency_option(r, "USD; converted at the bundled reference rate, the CSV files stay "
                           "in USD")
    add_home_option(r)
    r.set_defaults(func=run_report)




def run_snapshot(args: argparse.Namespace) -> int:
    from exposure.review.store import take_snapshot

    clock = cli_clock()
    book, catalog, status = book_from_args(args)
    info = take_snapshot(book, catalog, note=args.note, author=args.author, home=args.home,
                         now=clock, price_status=status)
    print(f"snapshot #{info.id} taken {info.taken_at.isoformat()} ({info.week}): "
          f"{info.portfolio_name}, value {book.display.money(info.total_value_usd)}, "
          f"{info.holdings_count} holdings, {len(info.scenario_ids)} scenarios")
    if book.unvalued:
        print(f"unvalued (no price and no stated value): {', '.join(book.unvalued)}")
    return 0


def _header(info: SnapshotInfo) -> dict[str, Any]:
    out = asdict(info)
    out["scenario_ids"] = list(info.scenario_ids)
    return out


def _one_line(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def run_list(args: argparse.Namespace) -> int:
    from exposure.review.store import list_snapshots, store_path

    infos = list_snapshots(args.home)
    if args.format == "json":
        print_json({"snapshots": [_header(i) for i in infos]})
        return 0
    if not infos:
        print(f"no snapshots yet in {store_path(args.home)}")
        return 0
    table = pd.DataFrame({
        "id": [i.id for i in infos],
        "taken_at": [f"{i.taken_at:%Y-%m-%d %H:%M}" for i in infos],
        "week": [i.week for i in infos],
        "portfolio": [_one_line(i.portfolio_name, 30) for i in infos],
        "value_usd": [i.total_value_usd for i in infos],
        "expected_impact_usd": [i.expected_impact_usd for i in infos],
        "holdings": [i.holdings_count for i in infos],
        "author": [_one_line(i.author, 20) for i in infos],
        "note": [_one_line(i.note) for i in infos],
    })
    print_table(table, {"value_usd": ",.0f", "expected_impact_usd": ",.0f"})
    return 0


def _pair(ids: list[int], home: str | None) -> tuple[int, int]:
    """(older, newer) ids from the arguments, or previous and latest."""
    from exposure.review.store import latest_pair

    if len(ids) == 2:
        if ids[0] == ids[1]:
            raise ExposureError("give two different snapshot ids to compare")
        return ids[0], ids[1]
    if ids:
        raise ExposureError("give two snapshot ids (A B) or none for previous vs latest")
    latest, previous = latest_pair(home)
    if previous is None:
        raise ExposureError(f"only one snapshot (#{latest.id}); take another to compare")
    return previous.id, latest.id


def run_diff(args: argparse.Namespace) -> int:
    from exposure.model.catalog import load_catalog
    from exposure.review.diff import diff_snapshots
    from exposure.review.store import load_snapshot

    a, b = _pair(list(args.ids), args.home)
    old, new = load_snapshot(a, args.home), load_snapshot(b, args.home)
    catalog = load_catalog(home=args.home)
    diff = diff_snapshots(old, new, catalog.events.values())
    if args.format == "json":
        print_json({
            "old": _header(diff.old), "new": _header(diff.new), "summary": asdict(diff.summary),
            "holdings": diff.holdings.to_dict("records"),
            "exposures": diff.exposures.to_dict("records"),
            "portfolio": diff.portfolio.to_dict("records"),
            "scenarios": diff.scenarios.to_dict("records"),
            "events": diff.events.to_dict("records"),
        })
        return 0
    s = diff.summary
    print(f"#{diff.old.id} ({diff.old.week}) -> #{diff.new.id} ({diff.new.week}), "
          f"{s.days:.1f} days")
    print(f"value {money(s.old_total_value_usd)} -> {money(s.new_total_value_usd)} "
          f"({money(s.value_change_usd)}): price moves {money(s.price_effect_usd)}, position "
          f"changes {money(s.position_effect_usd)}, added {money(s.added_usd)}, removed "
          f"{money(s.removed_usd)}, cash {money(s.cash_change_usd)}")
    print(f"probability-weighted impact {money(s.old_expected_impact_usd)} -> "
          f"{money(s.new_expected_impact_usd)} ({money(s.expected_impact_change_usd)})")
    changed = diff.holdings[diff.holdings["status"] != "unchanged"]
    moved = diff.holdings[(diff.holdings["status"] == "unchanged")
                          & (diff.holdings["value_change_usd"].abs() > 0.005)]
    if len(changed) or len(moved):
        print("\nholdings:")
        print_table(pd.concat([changed, moved])[
            ["symbol", "status", "old_quantity", "new_quantity", "old_value_usd",
             "new_value_usd", "price_effect_usd", "position_effect_usd"]],
            {c: ",.0f" for c in ("old_value_usd", "new_value_usd", "price_effect_usd",
                                 "position_effect_usd")} | {"old_quantity": ",.4g",
                                                            "new_quantity": ",.4g"})
    print("\nportfolio impact per scenario:")
    print_table(diff.portfolio[["scenario", "status", "old_impact_usd", "new_impact_usd",
                                "impact_change_usd"]],
                {c: ",.0f" for c in ("old_impact_usd", "new_impact_usd", "impact_change_usd")})
    if len(diff.scenarios):
        print("\nscenario set changes:")
        print_table(diff.scenarios[["scenario", "change", "field", "old_value", "new_value"]],
                    {"old_value": ".4g", "new_value": ".4g"})
    if len(diff.events):
        print("\nnew policy events:")
        print_table(diff.events[["date", "id", "title"]])
    return 0


def run_report(args: argparse.Namespace) -> int:
    from exposure.display import display_money
    from exposure.evaluation.book import reference_rates
    from exposure.model.catalog import load_catalog
    from exposure.review import ritual
    from exposure.review.diff import diff_snapshots
    from exposure.review.report import report_html, write_report
    from exposure.review.store import latest_pair, load_snapshot, previous_of
    from exposure.review.tables import csv_files, export_tables, write_csv_files

    clock = cli_clock()
    code = currency_code(args) or "USD"
    current_id = args.snapshot if args.snapshot is not None else latest_pair(args.home)[0].id
    current = load_snapshot(current_id, args.home)
    if args.against is not None:
        if args.against == current_id:
            raise ExposureError("--against must name a different snapshot than the one reported")
        previous = load_snapshot(args.against, args.home)
    else:
        before = previous_of(current_id, args.home)
        previous = load_snapshot(before.id, args.home) if before is not None else None
    catalog = load_catalog(home=args.home)
    diff = diff_snapshots(previous, current, catalog.events.values()) if previous else None
    shown = display_money(code, reference_rates(catalog))
    path = write_report(args.out, report_html(
        current, catalog, diff, generated_at=clock(), comments=ritual.comments(current.id, args.home),
        signoffs=ritual.signoffs(current.id, args.home), display=shown))
    against = f" against #{previous.id}" if previous is not None else " (no previous snapshot)"
    in_ccy = "" if shown.is_usd and not shown.fell_back else f" (amounts in {shown.note})"
    print(f"report for snapshot #{current.id}{against}: {path}{in_ccy}")
    if args.csv_dir:
        written = write_csv_files(args.csv_dir, csv_files(export_tables(current, catalog, diff)))
        print(f"{len(written)} CSV files in {args.csv_dir}")
    return 0
