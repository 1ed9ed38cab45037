"""The audit log: who did what, when. One row per write, in the same transaction as the write,
so an audited change and its audit row are stored together or not at all."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from exposure.storage.database import Actor, Store, stamp
from exposure.storage.tables import audit_log


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    actor_name: str
    action: str
    target: str
    detail: str


def record(conn: Connection, actor: Actor, action: str, target: str,
           detail: dict[str, Any] | str = "") -> None:
    """Append one audit row inside the caller's transaction."""
    text = detail if isinstance(detail, str) else json.dumps(detail, sort_keys=True,
                                                              ensure_ascii=False)
    conn.execute(insert(audit_log).values(at=stamp(), actor=actor.id, actor_name=actor.name,
                                          action=action, target=target, detail=text))


def entries(store: Store, *, limit: int = 200, action: str | None = None,
            actor: str | None = None) -> list[AuditEntry]:
    """The newest ``limit`` entries, newest first."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action:
        query = query.where(audit_log.c.action == action)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    with store.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [AuditEntry(**dict(r)) for r in rows]
