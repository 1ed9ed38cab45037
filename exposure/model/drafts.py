"""Draft events pulled from official feeds into the workspace (``<home>/events/pulled.yaml``):
the file's model, and what an accepted draft becomes in the catalog. Pulling and reviewing
are in :mod:`exposure.evidence.drafts`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field

from exposure.model.schema import Event, Id, Source, Strict, Url
from exposure.workspace import home_dir
from exposure.yamlio import load_list

CHANNEL_LAYERS: dict[str, tuple[str, ...]] = {
    "china_ai_sales": ("chips",), "china_semi_tools": ("chips",),
    "china_other_sales": ("chips", "china_tech"), "tier2_ai_sales": ("chips",),
    "overseas_ai_capacity": ("cloud",), "compute_access": ("cloud", "model_lab", "startup"),
    "model_weights_export": ("model_lab",), "china_supply_inputs": ("chips",),
}
"""The stack layers an accepted event is filed under, from the channels chosen."""

EVENT_TYPES: dict[str, str] = {"Rule": "us_rule", "Proposed Rule": "us_policy",
                               "Notice": "us_policy", "Presidential Document": "us_policy"}


Status = Literal["unreviewed", "accepted", "dismissed"]


class DraftEvent(Strict):
    """A document pulled from a feed, waiting for (or after) review."""

    id: Id
    feed: Literal["federal_register"] = "federal_register"
    document_number: str
    title: str
    document_type: str
    action: str = ""
    citation: str | None = None
    publication_date: date
    effective_date: date | None = None
    url: Url
    pdf_url: Url | None = None
    abstract: str = ""
    suggested_channels: list[str] = Field(default_factory=list)
    status: Status = "unreviewed"
    pulled_on: date
    reviewed_on: date | None = None
    channels: list[str] = Field(default_factory=list)
    """Channels the reviewer confirmed (accepted drafts)."""
    scenarios: list[str] = Field(default_factory=list)
    """Scenario ids the reviewer linked the event to (accepted drafts)."""


def drafts_path(home: str | Path | None = None) -> Path:
    """``<home>/events/pulled.yaml``."""
    return home_dir(home) / "events" / "pulled.yaml"


def load_drafts(home: str | Path | None = None, *, path: Path | None = None) -> list[DraftEvent]:
    """Every draft in the workspace (none when the file does not exist)."""
    p = path or drafts_path(home)
    return load_list(DraftEvent, p) if p.is_file() else []


def to_event(draft: DraftEvent) -> Event:
    """The event an accepted draft becomes (a primary source: the Federal Register text)."""
    layers = list(dict.fromkeys(layer for ch in draft.channels for layer in CHANNEL_LAYERS.get(ch, ())))
    cite = draft.citation or f"FR Doc {draft.document_number}"
    sources = [Source(url=draft.url, tier="primary",
                      title=f"Federal Register {cite} ({draft.document_type}, FR Doc "
                            f"{draft.document_number}), reviewed in the workspace")]
    if draft.pdf_url:
        sources.append(Source(url=draft.pdf_url, tier="primary", title=f"govinfo PDF, {cite}"))
    effective = f" Effective {draft.effective_date}." if draft.effective_date else ""
    return Event(
        id=draft.id, date=draft.publication_date, title=draft.title,
        summary=(draft.abstract or draft.title) + effective,
        type=EVENT_TYPES.get(draft.document_type, "us_policy"),  # type: ignore[arg-type]
        jurisdiction="US", layers=layers, confidence="high",  # type: ignore[arg-type]
        sources=sources,
    )


def accepted_events(drafts: Iterable[DraftEvent]) -> list[tuple[Event, list[str]]]:
    """``(event, linked scenario ids)`` for every accepted draft."""
    return [(to_event(d), list(d.scenarios)) for d in drafts if d.status == "accepted"]
