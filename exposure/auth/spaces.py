"""Where a user's documents live and which ones they see.

Books and scenarios belong to a person (space = their user id) or to the team (``@team``).
Viewers see the team's; analysts and admins see the team's and their own. With no sign-in
configured there is one local user and everything is the team's, as the app always was.
"""

from __future__ import annotations

from exposure.auth.identity import Identity
from exposure.auth.permissions import require
from exposure.storage.tables import TEAM


def readable_spaces(user: Identity) -> list[str]:
    if user.local or user.role == "viewer":
        return [TEAM]
    return [TEAM, user.id]


def write_space(user: Identity, permission: str, *, shared: bool | None) -> str:
    """The space a save goes to (checks the permission first). ``shared=None``: the team's
    for the local user, the user's own otherwise."""
    require(user, permission)
    if shared is None:
        shared = user.local
    return TEAM if shared or user.local else user.id


def space_label(space: str, user: Identity) -> str:
    if space == TEAM:
        return "team"
    return "mine" if space == user.id else space
