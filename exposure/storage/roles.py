"""Role assignments made by admins in the app (``user_roles``), audited. Which role wins over
claims and the configured allow-list is decided in :mod:`exposure.auth.roles`."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from exposure.errors import ExposureError
from exposure.storage import audit
from exposure.storage.database import Actor, Store, stamp
from exposure.storage.tables import user_roles

ROLES = ("viewer", "analyst", "admin")


def assigned_role(store: Store, user_id: str) -> str | None:
    with store.read() as conn:
        row = conn.execute(select(user_roles.c.role).where(
            user_roles.c.user_id == user_id.strip().lower())).first()
    return str(row[0]) if row else None


def assignments(store: Store) -> dict[str, str]:
    with store.read() as conn:
        rows = conn.execute(select(user_roles.c.user_id, user_roles.c.role).order_by(
            user_roles.c.user_id)).all()
    return {str(u): str(r) for u, r in rows}


def assign_role(store: Store, actor: Actor, user_id: str, role: str | None) -> None:
    """Give ``user_id`` ``role`` (None: remove the assignment, the default applies again)."""
    who = user_id.strip().lower()
    if not who:
        raise ExposureError("say whose role to set")
    if role is not None and role not in ROLES:
        raise ExposureError(f"unknown role {role!r} (use {', '.join(ROLES)})")
    with store.write() as conn:
        exists = conn.execute(select(user_roles.c.role).where(user_roles.c.user_id == who)).first()
        if role is None:
            conn.execute(delete(user_roles).where(user_roles.c.user_id == who))
        elif exists:
            conn.execute(update(user_roles).where(user_roles.c.user_id == who).values(
                role=role, updated_by=actor.id, updated_at=stamp()))
        else:
            conn.execute(insert(user_roles).values(user_id=who, role=role, updated_by=actor.id,
                                                   updated_at=stamp()))
        audit.record(conn, actor, "role.set", who, {"role": role,
                                                     "was": exists[0] if exists else None})
