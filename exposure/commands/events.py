"""``exposure events pull | list | review``: keep the policy timeline current.

``pull`` asks the Federal Register API for Bureau of Industry and Security documents published
on or after ``--since`` (default: the newest event we have) and writes those not yet known as
unreviewed drafts into the workspace (``<home>/events/pulled.yaml``). Offline
(``EXPOSURE_OFFLINE=1``) or when the API cannot be reached it says so in one line, changes
nothing and exits 0. ``list`` shows the drafts; ``review`` accepts one (with channels and
scenario links) or dismisses it, like the Evidence page.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd

from exposure.commands.common import add_home_option, print_json, print_table
from exposure.errors import ExposureError
from exposure.evidence.drafts import add_pulled, drafts_path, load_drafts, review_draft
from exposure.market.federal_register import FeedUnavailable, base_url, fetch_documents
from exposure.market.yahoo import is_offline
from exposure.model.catalog import load_catalog


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("events", help="pull new official documents as draft events; review them",
                       description="Keep the policy timeline current: pull Federal Register "
                                   "documents of the Bureau of Industry and Security as draft "
                                   "events, then accept or dismiss them.")
    events = p.add_subparsers(dest="events_command", metavar="ACTION")
    events.required = True

    pull = events.add_parser("pull", help="pull new BIS documents from the Federal Register")
    add_home_option(pull)
    pull.add_argument("--since", metavar="DATE",
                      help="publication date (YYYY-MM-DD) to pull from (default: the newest "
                           "event in the data)")
    pull.add_argument("--format", choices=["table", "json"], default="table")
    pull.set_defaults(func=run_pull)

    lst = events.add_parser("list", help="list pulled drafts and their review status")
    add_home_option(lst)
    lst.add_argument("--status", choices=["unreviewed", "accepted", "dismissed", "all"],
                     default="unreviewed")
    lst.add_argument("--format", choices=["table", "json"], default="table")
    lst.set_defaults(func=run_list)

    rev = events.add_parser("review", help="accept or dismiss a pulled draft")
    add_home_option(rev)
    rev.add_argument("draft", help="draft id (e.g. fr_2026-00789)")
    action = rev.add_mutually_exclusive_group(required=True)
    action.add_argument("--accept", action="store_true")
    action.add_argument("--dismiss", action="store_true")
    rev.add_argument("--channels", default="", metavar="IDS",
                     help="comma-separated channel ids it touches (default: the suggested ones)")
    rev.add_argument("--scenarios", default="", metavar="IDS",
                     help="comma-separated scenario ids it resembles")
    rev.set_defaults(func=run_review)


def _since(text: str | None, newest: date | None) -> date:
    if text is None:
        return newest or date(date.today().year, 1, 1)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ExposureError(f"--since: {text!r} is not a date (YYYY-MM-DD)") from None


def _frame(drafts: list) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": d.id, "published": d.publication_date, "citation": d.citation or "",
        "effective": d.effective_date or "", "status": d.status,
        "channels": ", ".join(d.channels if d.status == "accepted" else d.suggested_channels),
        "title": d.title[:70],
    } for d in drafts], columns=["id", "published", "citation", "effective", "status",
                                 "channels", "title"])


def run_pull(args: argparse.Namespace) -> int:
    catalog = load_catalog(home=args.home)
    newest = max((e.date for e in catalog.events.values()), default=None)
    since = _since(args.since, newest)
    path = drafts_path(args.home)
    message = None
    if is_offline():
        message = "offline (EXPOSURE_OFFLINE=1): nothing pulled, nothing changed"
    else:
        try:
            documents = fetch_documents(since)
        except FeedUnavailable as exc:
            message = f"{exc}: nothing pulled, nothing changed"
    if message is not None:
        if args.format == "json":
            print_json({"ok": False, "message": message, "since": since, "new": []})
        else:
            print(message)
        return 0
    new = add_pulled(documents, catalog.events.values(), args.home)
    if args.format == "json":
        print_json({"ok": True, "since": since, "source": base_url(), "fetched": len(documents),
                    "already_known": len(documents) - len(new), "file": str(path),
                    "new": [d.model_dump(mode="json") for d in new]})
        return 0
    print(f"Federal Register: {len(documents)} BIS document(s) published since {since}, "
          f"{len(new)} new")
    if new:
        print_table(_frame(new))
        print(f"written as unreviewed drafts to {path}; review them on the Evidence page or "
              "with `exposure events review ID --accept|--dismiss`")
    return 0


def run_list(args: argparse.Namespace) -> int:
    drafts = load_drafts(args.home)
    if args.status != "all":
        drafts = [d for d in drafts if d.status == args.status]
    if args.format == "json":
        print_json([d.model_dump(mode="json") for d in drafts])
        return 0
    if not drafts:
        print(f"no {'' if args.status == 'all' else args.status + ' '}drafts in "
              f"{drafts_path(args.home)}")
        return 0
    print_table(_frame(drafts))
    return 0


def _ids(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def run_review(args: argparse.Namespace) -> int:
    catalog = load_catalog(home=args.home)
    channels = _ids(args.channels)
    if args.accept and not channels:
        draft = next((d for d in load_drafts(args.home) if d.id == args.draft), None)
        channels = list(draft.suggested_channels) if draft else []
    saved = review_draft(args.draft, accept=args.accept, channels=channels,
                         scenarios=_ids(args.scenarios), known_channels=catalog.channel_ids,
                         known_scenarios=list(catalog.scenarios), home=args.home)
    print(f"{saved.id}: {saved.status}"
          + (f" (channels: {', '.join(saved.channels) or 'none'}; scenarios: "
             f"{', '.join(saved.scenarios) or 'none'})" if saved.status == "accepted" else ""),
          file=sys.stdout)
    return 0
