"""User scenarios in the team store: a person's own, or shared to the team.

A user's scenarios show in their own sidebar only, until they save (share) one to the team.
Saves keep every previous version and use optimistic locking (a save based on an old version
is refused with "changed by NAME at TIME"); a bundled scenario's id is refused, so a user save
can never shadow the shipped library.
"""

from __future__ import annotations

from pathlib import Path

from exposure.auth.identity import LOCAL_USER, Identity
from exposure.auth.spaces import readable_spaces, write_space
from exposure.errors import WorkspaceError
from exposure.model.catalog import Catalog
from exposure.model.schema import Scenario
from exposure.storage import access, documents
from exposure.storage.access import open_existing, open_store
from exposure.storage.documents import Document
from exposure.yamlio import dump_yaml

KIND = "scenario"


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as a YAML document in the data-file format."""
    header = f"# User scenario '{scenario.id}', saved from the scenario editor.\n"
    return header + dump_yaml(scenario.model_dump(mode="json", exclude_defaults=True))


def save_user_scenario(scenario: Scenario, catalog: Catalog, home: str | Path | None = None,
                       *, overwrite: bool = False, user: Identity | None = None,
                       shared: bool | None = None, expected_version: int | None = None,
                       force: bool = False) -> Document:
    """Store ``scenario`` in the user's space (or the team's with ``shared``).

    Without ``overwrite`` an existing scenario with the id is refused; with it, the save must
    name the version it replaces (``expected_version``), else it is refused as stale.
    """
    who = user if user is not None else LOCAL_USER
    if catalog.origin.get(f"scenario:{scenario.id}") == "bundled":
        raise WorkspaceError(
            f"'{scenario.id}' is a bundled scenario; save the edit under a new id"
        )
    space = write_space(who, "scenario.write", shared=shared)
    store = open_store(home)
    current = documents.get(store, KIND, space, scenario.id)
    if current is not None and not overwrite and not force:
        raise WorkspaceError(f"a scenario '{scenario.id}' exists already ({current.changed}); "
                             "tick 'replace' to overwrite it (every version is kept)")
    if current is not None and expected_version is None and who.local:
        expected_version = current.version  # one local user: no one else to race with
    return documents.save(store, KIND, space, scenario.id, scenario_yaml(scenario), who.actor,
                          expected_version=expected_version, force=force, what="scenario id")


def visible_scenarios(home: str | Path | None = None, *,
                      user: Identity | None = None) -> tuple[Document, ...]:
    """The stored scenarios ``user`` sees (team first, then theirs), for the catalog."""
    who = user if user is not None else LOCAL_USER
    return tuple(access.stored(home, KIND, readable_spaces(who)))


def scenario_version(scenario_id: str, home: str | Path | None = None, *,
                     user: Identity | None = None, shared: bool | None = None) -> int | None:
    """The stored version of the user's (or the team's) scenario ``scenario_id``, if any."""
    who = user if user is not None else LOCAL_USER
    store = open_existing(home)
    if store is None:
        return None
    space = "@team" if (shared or who.local) else who.id
    doc = documents.get(store, KIND, space, scenario_id)
    return doc.version if doc is not None else None
