"""User scenarios in the team store: a person's own stay out of everyone else's catalog until
shared; stale saves are refused with who and when; bundled ids are refused; every version is
kept. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from exposure.auth.identity import Identity
from exposure.errors import WorkspaceError
from exposure.model.catalog import Catalog, load_catalog
from exposure.scenarios.store import save_user_scenario, scenario_version, visible_scenarios
from exposure.storage import documents
from exposure.storage.access import open_store
from exposure.storage.database import ConflictError
from tests.conftest import MINI_DATA

ANN = Identity("ann@example.com", "Ann", "analyst", "oidc")
BOB = Identity("bob@example.com", "Bob", "analyst", "oidc")
VIC = Identity("vic@example.com", "Vic", "viewer", "oidc")


def catalog_for(user: Identity, home: Path) -> Catalog:
    return load_catalog(MINI_DATA, home, user_scenarios=visible_scenarios(home, user=user))


def test_my_scenarios_change_only_my_sidebar_until_shared(database: str, home: Path,
                                                          mini_catalog: Catalog) -> None:
    mine = mini_catalog.scenarios["ban"].model_copy(update={"id": "ann_ban", "title": "Ann's"})
    save_user_scenario(mine, mini_catalog, user=ANN)
    assert "ann_ban" in catalog_for(ANN, home).scenarios
    assert catalog_for(ANN, home).is_user("scenario", "ann_ban")
    for other in (BOB, VIC):
        assert "ann_ban" not in catalog_for(other, home).scenarios
    save_user_scenario(mine, mini_catalog, user=ANN, shared=True)
    for anyone in (ANN, BOB, VIC):
        assert catalog_for(anyone, home).scenarios["ann_ban"].title == "Ann's"
    assert "ann_ban" in load_catalog(MINI_DATA, home).scenarios  # the CLI sees team ones


def test_my_own_version_wins_over_the_teams_on_the_same_id(database: str, home: Path,
                                                           mini_catalog: Catalog) -> None:
    base = mini_catalog.scenarios["ban"]
    save_user_scenario(base.model_copy(update={"id": "x", "title": "team"}), mini_catalog,
                       user=BOB, shared=True)
    save_user_scenario(base.model_copy(update={"id": "x", "title": "mine"}), mini_catalog,
                       user=ANN)
    assert catalog_for(ANN, home).scenarios["x"].title == "mine"
    assert catalog_for(BOB, home).scenarios["x"].title == "team"


def test_a_stale_scenario_save_is_refused_and_every_version_kept(database: str, home: Path,
                                                                 mini_catalog: Catalog) -> None:
    base = mini_catalog.scenarios["ban"]
    save_user_scenario(base.model_copy(update={"id": "shared", "title": "v1"}), mini_catalog,
                       user=ANN, shared=True)
    seen_by_ann = scenario_version("shared", user=ANN, shared=True)
    save_user_scenario(base.model_copy(update={"id": "shared", "title": "bob's"}), mini_catalog,
                       user=BOB, shared=True, overwrite=True, expected_version=1)
    with pytest.raises(ConflictError, match="changed by Bob at"):
        save_user_scenario(base.model_copy(update={"id": "shared", "title": "ann's"}),
                           mini_catalog, user=ANN, shared=True, overwrite=True,
                           expected_version=seen_by_ann)
    with pytest.raises(WorkspaceError, match="exists already"):
        save_user_scenario(base.model_copy(update={"id": "shared"}), mini_catalog, user=ANN,
                           shared=True)
    assert catalog_for(ANN, home).scenarios["shared"].title == "bob's"
    doc = documents.get(open_store(home), "scenario", "@team", "shared")
    assert doc is not None
    assert [v.saved_by for v in documents.versions(open_store(home), doc.id)] == [ANN.id, BOB.id]


def test_bundled_ids_are_refused(home: Path, mini_catalog: Catalog) -> None:
    with pytest.raises(WorkspaceError, match="bundled scenario"):
        save_user_scenario(mini_catalog.scenarios["ban"], mini_catalog, user=ANN)
    assert visible_scenarios(home, user=ANN) == ()
