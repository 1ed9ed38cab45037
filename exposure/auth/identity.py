"""The signed-in person: a stable id (lower-case e-mail, or ``local``), a display name and a
role. With no sign-in configured the app has one user, :data:`LOCAL_USER`, who may do
everything (the single-user app as it always was)."""

from __future__ import annotations

from dataclasses import dataclass

from exposure.auth.permissions import can
from exposure.storage.database import Actor

ROLES = ("viewer", "analyst", "admin")


@dataclass(frozen=True)
class Identity:
    id: str
    name: str
    role: str
    source: str
    """``local`` (no sign-in configured), ``oidc`` (st.login) or ``header`` (trusted proxy)."""

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.name)

    @property
    def local(self) -> bool:
        return self.source == "local"

    def can(self, permission: str) -> bool:
        return can(self.role, permission)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})" if self.name == self.id else \
            f"{self.name} <{self.id}> ({self.role})"


LOCAL_USER = Identity("local", "local user", "admin", "local")
