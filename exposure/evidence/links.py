"""``data/event_links.yaml``: the scenario each dated event resembles, and the direction."""

from __future__ import annotations

from pathlib import Path

from exposure.errors import DataFileError
from exposure.evidence.schema import EventLink
from exposure.model.catalog import Catalog
from exposure.workspace import data_dir
from exposure.yamlio import load_list

LINKS_FILE = "event_links.yaml"


def load_event_links(catalog: Catalog, data: str | Path | None = None) -> list[EventLink]:
    """The links in file order (the order decides which of two overlapping events is scored),
    each checked against the catalog's events and scenarios."""
    path = (Path(data) if data is not None else data_dir()) / LINKS_FILE
    links = load_list(EventLink, path)
    seen: set[str] = set()
    for link in links:
        entry = f"'{link.event}'"
        if link.event in seen:
            raise DataFileError(path, "event linked twice", entry=entry, field="event")
        seen.add(link.event)
        if link.event not in catalog.events:
            raise DataFileError(path, f"unknown event id {link.event!r} (not in events.yaml)",
                                entry=entry, field="event")
        if link.scenario not in catalog.scenarios:
            raise DataFileError(path, f"unknown scenario id {link.scenario!r}", entry=entry,
                                field="scenario")
    return links
