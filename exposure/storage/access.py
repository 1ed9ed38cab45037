"""Opening the store the way every caller should: old workspace files (YAML books and
scenarios, presets, the old review SQLite) are brought in on each open (cheap when nothing
changed: a stat of each file; see :mod:`exposure.storage.legacy`), and reading never creates
a database that does not exist yet."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from exposure.storage.database import Store, connect, store_exists
from exposure.storage.documents import Document, listing
from exposure.storage.legacy import legacy_files, sync_workspace
from exposure.storage.tables import TEAM
from exposure.workspace import home_dir


def open_store(home: str | Path | None = None, *, url: str | None = None,
               sync_legacy: bool = True) -> Store:
    """The store for ``home`` (or ``url``), with the workspace's old files brought in."""
    store = connect(home, url=url)
    if sync_legacy:
        sync_workspace(store)
    return store


def open_existing(home: str | Path | None = None) -> Store | None:
    """The store for reading, or None for a workspace that has none yet and nothing to
    import (reading never creates a database)."""
    if not store_exists(home) and not legacy_files(home_dir(home)):
        return None
    return open_store(home)


def stored(home: str | Path | None, kind: str,
           spaces: Sequence[str] = (TEAM,)) -> list[Document]:
    """Documents of ``kind`` in ``spaces`` with bodies; empty (nothing created) for a
    workspace without a store."""
    store = open_existing(home)
    return listing(store, kind, spaces, with_body=True) if store is not None else []
