"""What each role may do.

- ``viewer``: sees team books, scenarios and reviews, downloads reports; changes nothing.
- ``analyst``: also creates and edits books and scenarios (their own, and the team's),
  saves import presets, takes snapshots, comments and signs off reviews.
- ``admin``: also manages roles and the library overrides (workspace companies and funds).
"""

from __future__ import annotations

from exposure.errors import ExposureError

_VIEWER = frozenset({"read"})
_ANALYST = _VIEWER | {"book.write", "scenario.write", "preset.write", "review.write"}
_ADMIN = _ANALYST | {"roles.manage", "library.manage"}

PERMISSIONS: dict[str, frozenset[str]] = {"viewer": _VIEWER, "analyst": _ANALYST,
                                           "admin": _ADMIN}

WHAT = {
    "read": "see books and reports",
    "book.write": "save books",
    "scenario.write": "save scenarios",
    "preset.write": "save import presets",
    "review.write": "take snapshots, comment on or sign off reviews",
    "roles.manage": "manage roles",
    "library.manage": "change the library (companies, funds)",
}


class PermissionDenied(ExposureError):
    """The signed-in user's role does not allow this (one line: who, role, what, who can)."""


def can(role: str, permission: str) -> bool:
    if permission not in WHAT:
        raise ValueError(f"unknown permission {permission!r}")
    return permission in PERMISSIONS.get(role, frozenset())


def roles_with(permission: str) -> list[str]:
    return [role for role, perms in PERMISSIONS.items() if permission in perms]


def require(user: object, permission: str) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` (an Identity) may do ``permission``."""
    role = getattr(user, "role", "")
    if not can(role, permission):
        who = getattr(user, "name", "this user")
        allowed = " and ".join(f"{r}s" for r in roles_with(permission))
        raise PermissionDenied(f"{who} is a {role or 'guest'} and cannot {WHAT[permission]} "
                               f"(only {allowed} can); ask an admin for another role")
