"""Sign-in and role configuration: environment variables, or ``<home>/auth.toml``.

Environment (wins over the file)::

    EXPOSURE_ROLES="ann@example.com=admin,bob@example.com=analyst"   # the allow-list
    EXPOSURE_DEFAULT_ROLE=viewer          # role of anyone else signed in; "none" refuses them
    EXPOSURE_ROLE_CLAIM=groups            # identity claim that carries roles or groups
    EXPOSURE_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8   # trusted-header sign-in from these only

``<home>/auth.toml``::

    default_role = "viewer"
    role_claim = "groups"
    trusted_proxies = ["127.0.0.1"]
    [roles]                       # the allow-list
    "ann@example.com" = "admin"
    [claim_roles]                 # claim value -> role
    "exposure-admins" = "admin"
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from exposure.auth.identity import ROLES
from exposure.errors import ExposureError
from exposure.workspace import home_dir

CONFIG_NAME = "auth.toml"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AuthConfigError(ExposureError):
    """The sign-in configuration is invalid (names the setting)."""


@dataclass(frozen=True)
class AuthConfig:
    roles: dict[str, str] = field(default_factory=dict)
    default_role: str | None = "viewer"
    role_claim: str = "roles"
    claim_roles: dict[str, str] = field(default_factory=dict)
    trusted_proxies: tuple[Network, ...] = ()
    email_header: str = "X-Forwarded-Email"
    name_header: str = "X-Forwarded-Preferred-Username"
    groups_header: str = "X-Forwarded-Groups"

    @property
    def header_mode(self) -> bool:
        return bool(self.trusted_proxies)

    def trusts(self, address: str | None) -> bool:
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            return False
        return any(ip in net for net in self.trusted_proxies)


def _role(value: object, where: str) -> str:
    role = str(value).strip().lower()
    if role not in ROLES:
        raise AuthConfigError(f"{where}: unknown role {value!r} (use {', '.join(ROLES)})")
    return role


def _networks(values: list[str], where: str) -> tuple[Network, ...]:
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise AuthConfigError(f"{where}: {value!r} is not an IP address or network") from None
    return tuple(out)


def load_auth_config(home: str | Path | None = None,
                     env: Mapping[str, str] | None = None) -> AuthConfig:
    """The configuration from ``<home>/auth.toml`` overlaid with the environment."""
    env = os.environ if env is None else env
    path = home_dir(home) / CONFIG_NAME
    raw: dict[str, object] = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise AuthConfigError(f"{path}: {exc}") from None
    roles = {str(k).strip().lower(): _role(v, f"{path} [roles] {k}")
             for k, v in dict(raw.get("roles") or {}).items()}  # type: ignore[call-overload]
    if env.get("EXPOSURE_ROLES", "").strip():
        for item in env["EXPOSURE_ROLES"].split(","):
            if not item.strip():
                continue
            user, sep, role = item.partition("=")
            if not sep:
                raise AuthConfigError(f"EXPOSURE_ROLES: {item!r} is not EMAIL=ROLE")
            roles[user.strip().lower()] = _role(role, f"EXPOSURE_ROLES {user.strip()}")
    default = env.get("EXPOSURE_DEFAULT_ROLE", str(raw.get("default_role", "viewer")))
    default_role = None if default.strip().lower() == "none" else _role(
        default, "EXPOSURE_DEFAULT_ROLE")
    claim_roles = {str(k): _role(v, f"{path} [claim_roles] {k}")
                   for k, v in dict(raw.get("claim_roles") or {}).items()}  # type: ignore[call-overload]
    proxies_env = env.get("EXPOSURE_TRUSTED_PROXIES", "").strip()
    proxies = ([p for p in proxies_env.split(",") if p.strip()] if proxies_env
               else [str(p) for p in raw.get("trusted_proxies") or []])  # type: ignore[union-attr]
    return AuthConfig(
        roles=roles, default_role=default_role,
        role_claim=env.get("EXPOSURE_ROLE_CLAIM", str(raw.get("role_claim", "roles"))),
        claim_roles=claim_roles,
        trusted_proxies=_networks(proxies, "EXPOSURE_TRUSTED_PROXIES"),
        email_header=str(raw.get("email_header", AuthConfig.email_header)),
        name_header=str(raw.get("name_header", AuthConfig.name_header)),
        groups_header=str(raw.get("groups_header", AuthConfig.groups_header)),
    )
