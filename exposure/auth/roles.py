"""Turning what the identity provider (or the proxy) said into an :class:`Identity`.

Which role a person gets, first match wins:

1. the configured allow-list (``EXPOSURE_ROLES`` or ``[roles]`` in ``auth.toml``): the
   operator's word, so an admin can never lock the operator out;
2. a role an admin assigned in the app (stored, audited);
3. the identity claim (``roles`` by default; values ``viewer``/``analyst``/``admin`` or
   mapped through ``[claim_roles]``), the highest one;
4. the default role (``viewer``; ``none`` refuses everyone not listed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from exposure.auth.config import AuthConfig
from exposure.auth.identity import ROLES, Identity
from exposure.errors import ExposureError


class NotAllowed(ExposureError):
    """Signed in, but not allowed to use this app (not on the allow-list)."""


def _claim_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value]
    return [str(value)]


def role_from_claims(claims: Mapping[str, Any], config: AuthConfig) -> str | None:
    found = []
    for value in _claim_values(claims.get(config.role_claim)):
        role = config.claim_roles.get(value) or (value.lower() if value.lower() in ROLES else None)
        if role:
            found.append(role)
    return max(found, key=ROLES.index) if found else None


def resolve(user_id: str, name: str, source: str, claims: Mapping[str, Any],
            config: AuthConfig, assigned: Callable[[str], str | None] | None = None) -> Identity:
    """The identity with its role (see the module docstring); :class:`NotAllowed` if none."""
    uid = user_id.strip().lower()
    if not uid or uid == "local" or uid.startswith("@"):
        raise NotAllowed("the identity provider sent no usable e-mail or subject")
    role = config.roles.get(uid)
    if role is None and assigned is not None:
        role = assigned(uid)
    if role is None:
        role = role_from_claims(claims, config)
    if role is None:
        role = config.default_role
    if role is None:
        raise NotAllowed(f"{uid} is not on this app's allow-list; ask an admin for access")
    return Identity(uid, (name or uid).strip(), role, source)


def identity_from_claims(claims: Mapping[str, Any], config: AuthConfig,
                         assigned: Callable[[str], str | None] | None = None) -> Identity:
    """From OpenID Connect claims (``st.user``): e-mail (else subject) and name."""
    uid = str(claims.get("email") or claims.get("sub") or "")
    name = str(claims.get("name") or claims.get("preferred_username") or uid)
    return resolve(uid, name, "oidc", claims, config, assigned)


def identity_from_headers(headers: Mapping[str, str], peer: str | None, config: AuthConfig,
                          assigned: Callable[[str], str | None] | None = None) -> Identity:
    """From an authenticating proxy's headers, honoured only when ``peer`` is a configured
    proxy address (anyone else could send the same headers)."""
    if not config.trusts(peer):
        raise NotAllowed(f"sign-in headers are only accepted from the configured proxies; "
                         f"this request came from {peer or 'an unknown address'}")
    lower = {k.lower(): v for k, v in headers.items()}
    email = lower.get(config.email_header.lower(), "").strip()
    if not email:
        raise NotAllowed(f"the proxy sent no {config.email_header} header")
    name = lower.get(config.name_header.lower(), "").strip() or email
    groups = lower.get(config.groups_header.lower(), "")
    return resolve(email, name, "header", {config.role_claim: groups}, config, assigned)
