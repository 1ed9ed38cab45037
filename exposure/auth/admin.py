"""What admins do about people: give or take a role (stored and audited)."""

from __future__ import annotations

from pathlib import Path

from exposure.auth.identity import LOCAL_USER, Identity
from exposure.auth.permissions import require
from exposure.storage.access import open_store
from exposure.storage.roles import assign_role, assignments


def set_role(target: str, role: str | None, *, user: Identity | None = None,
             home: str | Path | None = None) -> None:
    """Give ``target`` (an e-mail) ``role``; None removes the assignment. Admins only."""
    who = user if user is not None else LOCAL_USER
    require(who, "roles.manage")
    assign_role(open_store(home), who.actor, target, role)


def role_assignments(home: str | Path | None = None) -> dict[str, str]:
    return assignments(open_store(home))
