"""``exposure db upgrade|status|audit``: the team store (SQLite in the workspace, or PostgreSQL
with ``EXPOSURE_DATABASE_URL``).

``upgrade`` applies the schema migrations and imports what the workspace still holds in the
old formats (saved books, user scenarios, import presets, the old review store); it is
idempotent: run it again and nothing is imported twice. ``status`` says which database, which
schema revision and how much it holds; ``audit`` prints the newest audit entries (who, when,
what).
"""

from __future__ import annotations

import argparse

from sqlalchemy import func, select

from exposure.commands.common import add_home_option, print_json
from exposure.storage import audit
from exposure.storage.access import open_store
from exposure.storage.database import (
    current_revision,
    database_url,
    describe_url,
    head_revision,
    make_engine,
    upgrade,
)
from exposure.storage.legacy import imports, sync_workspace
from exposure.storage.tables import audit_log, documents, review_comments, snapshots


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="the team store: upgrade, status, audit log",
                       description="The store behind books, scenarios, presets and reviews.")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    up = actions.add_parser("upgrade", help="migrate the schema and import an old workspace")
    status = actions.add_parser("status", help="database, schema revision, contents")
    log = actions.add_parser("audit", help="the newest audit entries (who, when, what)")
    log.add_argument("--limit", type=int, default=50, help="how many entries (default 50)")
    log.add_argument("--user", help="only this user's actions")
    roles = actions.add_parser("roles", help="roles admins assigned in the app")
    grant = actions.add_parser("role", help="give someone a role (or 'none' to remove it)")
    grant.add_argument("user", metavar="EMAIL")
    grant.add_argument("role", choices=["viewer", "analyst", "admin", "none"])
    add_home_option(grant)
    grant.set_defaults(func=run_role)
    roles.set_defaults(func=run_roles)
    for action in (up, status, log, roles):
        action.add_argument("--format", choices=["text", "json"], default="text")
        add_home_option(action)
    up.set_defaults(func=run_upgrade)
    status.set_defaults(func=run_status)
    log.set_defaults(func=run_audit)


def run_upgrade(args: argparse.Namespace) -> int:
    url = database_url(args.home)
    label = describe_url(url)
    from exposure.storage.database import sqlite_path
    from exposure.workspace import ensure_dir

    path = sqlite_path(url)
    if path is not None:
        ensure_dir(path.parent)
    engine = make_engine(url)
    try:
        before, head = upgrade(engine, label)
    finally:
        engine.dispose()
    store = open_store(args.home, sync_legacy=False)
    imported = sync_workspace(store, force=True)
    if args.format == "json":
        print_json({"database": label, "revision_before": before, "revision": head,
                    "imported": [{"source": i.source, "result": i.result} for i in imported]})
        return 0
    print(f"{label}: schema {before or 'none'} -> {head}"
          + (" (already current)" if before == head else ""))
    if imported:
        print(f"imported {len(imported)} item(s) from the workspace:")
        for item in imported:
            print(f"  {item.source}: {item.result}")
    else:
        print("nothing new to import from the workspace")
    return 0


def run_status(args: argparse.Namespace) -> int:
    store = open_store(args.home)
    with store.read() as conn:
        revision = current_revision(conn)
        docs = dict(conn.execute(select(documents.c.kind, func.count()).group_by(
            documents.c.kind)).all())
        counts = {
            "snapshots": conn.execute(select(func.count()).select_from(snapshots)).scalar(),
            "comments": conn.execute(select(func.count()).select_from(review_comments)).scalar(),
            "audit entries": conn.execute(select(func.count()).select_from(audit_log)).scalar(),
        }
    summary = {"database": store.label, "revision": revision, "head": head_revision(),
               "books": docs.get("book", 0), "scenarios": docs.get("scenario", 0),
               "presets": docs.get("preset", 0), **{k: int(v or 0) for k, v in counts.items()},
               "imported": len(imports(store))}
    if args.format == "json":
        print_json(summary)
        return 0
    for key, value in summary.items():
        print(f"{key:<14} {value}")
    return 0


def run_audit(args: argparse.Namespace) -> int:
    store = open_store(args.home)
    rows = audit.entries(store, limit=max(1, args.limit), actor=args.user)
    if args.format == "json":
        print_json([r.__dict__ for r in rows])
        return 0
    if not rows:
        print("no audit entries yet")
    for r in rows:
        print(f"{r.at}  {r.actor_name} <{r.actor}>  {r.action}  {r.target}  {r.detail}")
    return 0


def run_roles(args: argparse.Namespace) -> int:
    from exposure.auth.admin import role_assignments

    found = role_assignments(args.home)
    if args.format == "json":
        print_json(found)
        return 0
    if not found:
        print("no roles assigned in the app (the allow-list and claims still apply)")
    for user, role in found.items():
        print(f"{user:<40} {role}")
    return 0


def run_role(args: argparse.Namespace) -> int:
    from exposure.auth.admin import set_role

    set_role(args.user, None if args.role == "none" else args.role, home=args.home)
    print(f"{args.user.strip().lower()}: {args.role}")
    return 0
