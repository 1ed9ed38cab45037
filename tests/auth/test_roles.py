"""Identities and roles: the allow-list, admin assignments, claims and the default, in that
order; trusted proxy headers only from configured addresses; what each role may do, checked
by the stores themselves (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exposure.auth.config import AuthConfigError, load_auth_config
from exposure.auth.identity import LOCAL_USER, Identity
from exposure.auth.permissions import PERMISSIONS, PermissionDenied
from exposure.auth.roles import NotAllowed, identity_from_claims, identity_from_headers
from exposure.holdings.importers import save_preset
from exposure.holdings.portfolio import Portfolio, normalise_holdings
from exposure.holdings.store import list_portfolios, save_portfolio
from exposure.model.catalog import Catalog
from exposure.review import ritual
from exposure.review.store import take_snapshot
from exposure.scenarios.store import save_user_scenario
from exposure.storage import audit
from exposure.storage.access import open_store
from exposure.storage.roles import assign_role, assigned_role
from tests.review_util import analysis

ENV = {"EXPOSURE_ROLES": "Ann@Example.com=admin, bob@example.com=analyst",
       "EXPOSURE_TRUSTED_PROXIES": "127.0.0.1,10.1.0.0/16"}


def who(role: str) -> Identity:
    return Identity(f"{role}@example.com", role.title(), role, "oidc")


def book() -> Portfolio:
    return Portfolio("b", normalise_holdings(pd.DataFrame([{"symbol": "AAA", "quantity": 1}])))


def test_the_allow_list_comes_from_the_environment_or_the_workspace_file(home: Path) -> None:
    config = load_auth_config(env=ENV)
    assert config.roles == {"ann@example.com": "admin", "bob@example.com": "analyst"}
    assert config.default_role == "viewer" and config.header_mode
    home.mkdir(parents=True)
    (home / "auth.toml").write_text('default_role = "none"\nrole_claim = "groups"\n'
                                    '[roles]\n"carl@example.com" = "analyst"\n'
                                    '[claim_roles]\n"exposure-admins" = "admin"\n')
    config = load_auth_config(env={})
    assert config.roles == {"carl@example.com": "analyst"}
    assert config.default_role is None and config.role_claim == "groups"
    assert not config.header_mode


@pytest.mark.parametrize("env, message", [
    ({"EXPOSURE_ROLES": "ann@example.com=boss"}, "unknown role 'boss'"),
    ({"EXPOSURE_ROLES": "ann@example.com"}, "not EMAIL=ROLE"),
    ({"EXPOSURE_TRUSTED_PROXIES": "proxy.local"}, "not an IP address"),
])
def test_a_bad_configuration_is_a_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(AuthConfigError, match=message):
        load_auth_config(env=env)


def test_role_precedence_allow_list_then_admin_then_claims_then_default() -> None:
    config = load_auth_config(env=ENV)
    assigned = {"dora@example.com": "analyst", "ann@example.com": "viewer"}.get
    claims = {"email": "Ann@Example.com", "name": "Ann"}
    assert identity_from_claims(claims, config, assigned).role == "admin"  # allow-list wins
    dora = identity_from_claims({"email": "dora@example.com", "roles": ["admin"]}, config,
                                assigned)
    assert dora.role == "analyst"  # an admin's assignment beats the claim
    eve = identity_from_claims({"email": "eve@example.com", "roles": ["viewer", "admin"]},
                               config, assigned)
    assert (eve.role, eve.id, eve.source) == ("admin", "eve@example.com", "oidc")
    assert identity_from_claims({"email": "fay@example.com"}, config).role == "viewer"
    strict = load_auth_config(env={**ENV, "EXPOSURE_DEFAULT_ROLE": "none"})
    with pytest.raises(NotAllowed, match="not on this app's allow-list"):
        identity_from_claims({"email": "fay@example.com"}, strict)
    with pytest.raises(NotAllowed, match="no usable e-mail"):
        identity_from_claims({"name": "nobody"}, config)


def test_proxy_headers_are_honoured_only_from_configured_addresses() -> None:
    config = load_auth_config(env=ENV)
    headers = {"x-forwarded-email": "bob@example.com", "X-Forwarded-Preferred-Username": "Bob",
               "X-Forwarded-Groups": "analyst"}
    bob = identity_from_headers(headers, "10.1.2.3", config)
    assert (bob.id, bob.name, bob.role, bob.source) == ("bob@example.com", "Bob", "analyst",
                                                        "header")
    for peer in ("203.0.113.9", "10.2.0.1", None, "not an ip"):
        with pytest.raises(NotAllowed, match="only accepted from the configured proxies"):
            identity_from_headers(headers, peer, config)
    with pytest.raises(NotAllowed, match="no X-Forwarded-Email"):
        identity_from_headers({"X-Forwarded-User": "x"}, "127.0.0.1", config)


def test_the_permission_matrix() -> None:
    assert PERMISSIONS["viewer"] == {"read"}
    assert PERMISSIONS["analyst"] - PERMISSIONS["viewer"] == {
        "book.write", "scenario.write", "preset.write", "review.write"}
    assert PERMISSIONS["admin"] - PERMISSIONS["analyst"] == {"roles.manage", "library.manage"}
    assert LOCAL_USER.can("roles.manage")  # no sign-in configured: the one user does all


def test_viewers_read_but_every_store_refuses_their_writes(database: str, home: Path,
                                                           mini_catalog: Catalog) -> None:
    save_portfolio(book(), "team book", user=who("analyst"), shared=True)
    info = take_snapshot(analysis(mini_catalog, [{"symbol": "AAA", "quantity": 1}],
                                  {"AAA": 10.0}), mini_catalog, user=who("analyst"))
    viewer = who("viewer")
    assert [b.name for b in list_portfolios(user=viewer)] == ["team book"]
    scenario = mini_catalog.scenarios["ban"].model_copy(update={"id": "mine"})
    attempts = [
        lambda: save_portfolio(book(), "mine", user=viewer),
        lambda: save_user_scenario(scenario, mini_catalog, user=viewer),
        lambda: save_preset("p", {"symbol": "A", "quantity": "B"}, ["A", "B"], user=viewer),
        lambda: take_snapshot(analysis(mini_catalog, [{"symbol": "AAA", "quantity": 1}],
                                       {"AAA": 10.0}), mini_catalog, user=viewer),
        lambda: ritual.add_comment(info.id, "hi", user=viewer),
        lambda: ritual.sign_off(info.id, user=viewer),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="Viewer is a viewer and cannot"):
            attempt()
    assert [e.actor for e in audit.entries(open_store(home))] == ["analyst@example.com"] * 2


def test_analysts_write_and_admins_assign_roles_audited(database: str, home: Path,
                                                        mini_catalog: Catalog) -> None:
    analyst, admin = who("analyst"), who("admin")
    scenario = mini_catalog.scenarios["ban"].model_copy(update={"id": "mine"})
    assert save_user_scenario(scenario, mini_catalog, user=analyst).version == 1
    assert save_portfolio(book(), "mine", user=analyst).shared is False
    store = open_store(home)
    assign_role(store, admin.actor, "Dora@Example.com", "analyst")
    assert assigned_role(store, "dora@example.com") == "analyst"
    assign_role(store, admin.actor, "dora@example.com", None)
    assert assigned_role(store, "dora@example.com") is None
    log = audit.entries(store, action="role.set")
    assert [(e.actor, e.target) for e in log] == [(admin.id, "dora@example.com")] * 2
