"""Saving user scenarios into the workspace (``<home>/scenarios/<id>.yaml``).

Writes are atomic and keep the previous version as ``<id>.yaml.prev``; a bundled scenario's
id is refused, so a user save can never shadow or overwrite the shipped library by accident.
"""

from __future__ import annotations

from pathlib import Path

from exposure.errors import WorkspaceError
from exposure.model.catalog import Catalog
from exposure.model.schema import Scenario
from exposure.workspace import ensure_dir, home_dir, safe_child
from exposure.yamlio import atomic_write_bytes, dump_yaml


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as a YAML document in the data-file format."""
    header = f"# User scenario '{scenario.id}', saved from the scenario editor.\n"
    return header + dump_yaml(scenario.model_dump(mode="json", exclude_defaults=True))


def save_user_scenario(scenario: Scenario, catalog: Catalog, home: str | Path | None = None,
                       *, overwrite: bool = False) -> Path:
    """Write ``scenario`` into the workspace; return the file path."""
    if catalog.origin.get(f"scenario:{scenario.id}") == "bundled":
        raise WorkspaceError(
            f"'{scenario.id}' is a bundled scenario; save the edit under a new id"
        )
    folder = ensure_dir(home_dir(home) / "scenarios")
    path = safe_child(folder, scenario.id, ".yaml")
    if path.stem != scenario.id:
        raise WorkspaceError(f"{scenario.id!r} is not a usable scenario id "
                             "(letters, digits, '.', '_', '-')")
    if path.exists() and not overwrite:
        raise WorkspaceError(f"a user scenario '{scenario.id}' exists already; "
                             "tick 'replace' to overwrite it (the old one is kept as .prev)")
    return atomic_write_bytes(path, scenario_yaml(scenario).encode(), keep_previous=True)
