"""Sign-in glue for Streamlit: which mode is configured, the sign-in screen, the signed-in
user in session state, and the sidebar line that says who is signed in.

Modes, first that applies:

- ``oidc``: ``[auth]`` in ``.streamlit/secrets.toml`` -> ``st.login`` with the team's identity
  provider; ``st.user`` then carries the claims (e-mail, name, groups).
- ``header``: trusted proxies configured (``EXPOSURE_TRUSTED_PROXIES`` or ``auth.toml``) -> an
  authenticating proxy's ``X-Forwarded-Email`` header, honoured only when the connection comes
  from one of those addresses (``st.context.ip_address``; Streamlit reports loopback as None).
- ``local``: nothing configured -> the single local user, as the app always was, and the
  sidebar says so.

The core decisions (roles, permissions) live in :mod:`exposure.auth`.
"""

from __future__ import annotations

import streamlit as st

from exposure.auth.config import AuthConfigError, load_auth_config
from exposure.auth.identity import LOCAL_USER, Identity
from exposure.auth.roles import NotAllowed, identity_from_claims, identity_from_headers
from exposure.errors import ExposureError
from exposure.storage.access import open_store
from exposure.storage.roles import assigned_role

USER_KEY = "exposure_user"
GUEST = Identity("guest", "guest", "", "none")
"""Whoever is not signed in while sign-in is configured: may do nothing."""


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def auth_mode() -> str:
    """``oidc``, ``header`` or ``local`` (see the module docstring)."""
    if oidc_configured():
        return "oidc"
    try:
        return "header" if load_auth_config().header_mode else "local"
    except AuthConfigError:
        return "header"  # a broken config must never fall back to "everyone is admin"


def current_user() -> Identity:
    """The user of this session: set by :func:`require_user`; the local user when no sign-in
    is configured; otherwise a guest who may do nothing."""
    user = st.session_state.get(USER_KEY)
    if isinstance(user, Identity):
        return user
    return LOCAL_USER if auth_mode() == "local" else GUEST


def _assigned(user_id: str) -> str | None:
    return assigned_role(open_store(), user_id)


def _stop(message: str, *, sign_out: bool = False) -> None:
    st.error(message, icon=":material/lock:")
    if sign_out:
        st.button("Sign out", key="auth_sign_out_refused", on_click=st.logout)
    st.stop()


def _login_screen() -> None:
    st.title("AI export-policy exposure")
    st.markdown("Sign in with your organisation's account to see the team's books, "
                "scenarios and weekly reviews.")
    st.button("Sign in", key="auth_sign_in", type="primary", icon=":material/login:",
              on_click=st.login)
    st.stop()


def require_user() -> Identity:
    """The signed-in user (stops the page with a sign-in screen or a refusal otherwise);
    also kept in ``st.session_state["exposure_user"]`` for the rest of the run."""
    mode = auth_mode()
    try:
        config = load_auth_config()
        if mode == "local":
            user = LOCAL_USER
        elif mode == "oidc":
            if not st.user.is_logged_in:
                _login_screen()
            user = identity_from_claims(st.user.to_dict(), config, _assigned)
        else:
            peer = st.context.ip_address or "127.0.0.1"  # Streamlit reports loopback as None
            user = identity_from_headers(dict(st.context.headers), peer, config, _assigned)
    except NotAllowed as exc:
        st.session_state.pop(USER_KEY, None)
        _stop(f"Not signed in: {exc}", sign_out=mode == "oidc")
        raise  # unreachable: st.stop() ends the run
    except ExposureError as exc:
        st.session_state.pop(USER_KEY, None)
        _stop(f"Sign-in is misconfigured: {exc}")
        raise
    st.session_state[USER_KEY] = user
    _sidebar_line(user, mode)
    return user


def _sidebar_line(user: Identity, mode: str) -> None:
    with st.sidebar:
        if mode == "local":
            st.caption(":material/person: Single local user: no sign-in is configured, so "
                       "everyone who can open this page uses the same workspace.")
            return
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.caption(f":material/verified_user: Signed in as **{_plain(user.name)}** · {user.role}",
                   help=f"{user.id} ({'identity provider' if mode == 'oidc' else 'proxy'})")
        if mode == "oidc":
            c2.button("Sign out", key="auth_sign_out", type="tertiary", on_click=st.logout)


def _plain(text: str) -> str:
    out = text
    for ch in "\\`*_{}[]<>()#+-.!|~$":
        out = out.replace(ch, "\\" + ch)
    return out
