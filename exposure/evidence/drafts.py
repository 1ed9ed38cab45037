"""Draft events pulled from official feeds, and their review (``<home>/events/pulled.yaml``).

``exposure events pull`` turns new Federal Register documents into drafts marked
``unreviewed``; the Evidence page (or ``exposure events review``) accepts a draft, with the
channels and scenarios it touches, or dismisses it. Dismissed drafts stay in the file so a later
pull does not bring them back. The catalog loads accepted drafts as events (origin ``user``)
and adds them to the ``events`` of the scenarios they were linked to.

Which channels a document likely touches is a keyword rule, one table: :data:`CHANNEL_RULES`
(case-insensitive substrings of title, action and abstract). It only suggests; the reviewer
decides.
"""

from __future__ import annotations

import fcntl
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from exposure.errors import ExposureError, WorkspaceError
from exposure.market.federal_register import FederalRegisterDocument
from exposure.model.drafts import (
    DraftEvent,
    drafts_path,
    load_drafts,
)
from exposure.model.schema import Event
from exposure.workspace import ensure_dir
from exposure.yamlio import atomic_write_bytes, dump_yaml

CHANNEL_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("advanced computing", ("china_ai_sales",)),
    ("integrated circuit", ("china_ai_sales",)),
    ("semiconductor", ("china_ai_sales",)),
    ("supercomputer", ("china_ai_sales",)),
    ("manufacturing equipment", ("china_semi_tools",)),
    ("semiconductor manufacturing", ("china_semi_tools",)),
    ("high-bandwidth memory", ("china_semi_tools",)),
    ("high bandwidth memory", ("china_semi_tools",)),
    ("entity list", ("china_other_sales",)),
    ("foreign direct product", ("china_other_sales", "china_semi_tools")),
    ("model weights", ("model_weights_export",)),
    ("artificial intelligence model", ("model_weights_export",)),
    ("data center", ("overseas_ai_capacity",)),
    ("validated end user", ("overseas_ai_capacity",)),
    ("country group", ("tier2_ai_sales",)),
    ("united arab emirates", ("tier2_ai_sales",)),
    ("saudi arabia", ("tier2_ai_sales",)),
    ("infrastructure as a service", ("compute_access",)),
    ("cloud", ("compute_access",)),
    ("gallium", ("china_supply_inputs",)),
    ("germanium", ("china_supply_inputs",)),
    ("rare earth", ("china_supply_inputs",)),
    ("critical mineral", ("china_supply_inputs",)),
)
"""Keyword -> channels it suggests (first match order kept, duplicates dropped)."""

_DOC_IN_URL = (
    re.compile(r"federalregister\.gov/(?:documents|d)/(?:\d{4}/\d{2}/\d{2}/)?(\d{4}-\d{3,6})"),
    re.compile(r"govinfo\.gov/.*/(\d{4}-\d{3,6})\.(?:htm|html|pdf)"),
    re.compile(r"public-inspection\.federalregister\.gov/(\d{4}-\d{3,6})\.pdf"),
)

class DraftNotFound(ExposureError):
    """A review names a draft the workspace does not have."""


def _write(path: Path, drafts: Sequence[DraftEvent]) -> Path:
    header = ("# Draft events pulled by `exposure events pull` (Federal Register, BIS documents).\n"
              "# status: unreviewed | accepted | dismissed. Accepted drafts are loaded as events;\n"
              "# dismissed ones are kept so that a later pull does not bring them back.\n")
    body = dump_yaml([d.model_dump(mode="json", exclude_defaults=True) for d in drafts])
    return atomic_write_bytes(path, (header + body).encode(), keep_previous=True)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock around a read-modify-write of the drafts file (two sessions accepting
    at once must not lose an update)."""
    ensure_dir(path.parent)
    try:
        fh = open(path.parent / f".{path.name}.lock", "a")  # noqa: SIM115 (held while locked)
    except OSError as exc:
        raise WorkspaceError(f"{path}: cannot lock ({exc.strerror or exc})") from None
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def suggest_channels(text: str) -> list[str]:
    """Channels :data:`CHANNEL_RULES` suggests for a document's text."""
    low = text.lower()
    out: list[str] = []
    for keyword, channels in CHANNEL_RULES:
        if keyword in low:
            out.extend(c for c in channels if c not in out)
    return out


def document_numbers(urls: Iterable[str]) -> set[str]:
    """Federal Register document numbers named in source URLs (FR, govinfo, public inspection)."""
    found: set[str] = set()
    for url in urls:
        for pattern in _DOC_IN_URL:
            m = pattern.search(url)
            if m:
                found.add(m.group(1))
    return found


def known_documents(events: Iterable[Event], drafts: Iterable[DraftEvent]) -> tuple[set[str],
                                                                                      set[str]]:
    """``(document numbers, URLs)`` already in the data or the workspace (any status)."""
    urls = {s.url for e in events for s in e.sources}
    numbers = document_numbers(urls)
    for d in drafts:
        numbers.add(d.document_number)
        urls.add(d.url)
    return numbers, urls


def draft_from_document(doc: FederalRegisterDocument, today: date) -> DraftEvent:
    """An unreviewed draft for one Federal Register document."""
    return DraftEvent(
        id=f"fr_{doc.document_number}", document_number=doc.document_number, title=doc.title,
        document_type=doc.type, action=doc.action, citation=doc.citation,
        publication_date=doc.publication_date, effective_date=doc.effective_on,
        url=doc.html_url, pdf_url=doc.pdf_url, abstract=doc.abstract,
        suggested_channels=suggest_channels(" ".join((doc.title, doc.action, doc.abstract))),
        pulled_on=today,
    )


def add_pulled(documents: Sequence[FederalRegisterDocument], known_events: Iterable[Event],
               home: str | Path | None = None, today: date | None = None) -> list[DraftEvent]:
    """Write the documents not yet known (by document number or URL) as unreviewed drafts;
    return the new drafts, oldest first (an empty list changes nothing on disk)."""
    today = today or date.today()
    path = drafts_path(home)
    with _locked(path):
        drafts = load_drafts(path=path)
        numbers, urls = known_documents(known_events, drafts)
        new: list[DraftEvent] = []
        for doc in documents:
            if doc.document_number in numbers or doc.html_url in urls:
                continue
            numbers.add(doc.document_number)
            new.append(draft_from_document(doc, today))
        new.sort(key=lambda d: d.publication_date)
        if new:
            _write(path, [*drafts, *new])
    return new


def review_draft(draft_id: str, *, accept: bool, channels: Sequence[str] = (),
                 scenarios: Sequence[str] = (), known_channels: Sequence[str] | None = None,
                 known_scenarios: Sequence[str] | None = None, home: str | Path | None = None,
                 today: date | None = None) -> DraftEvent:
    """Accept (with channels and scenario links) or dismiss one draft; return it as saved."""
    today = today or date.today()
    if accept:
        for name, given, known in (("channel", channels, known_channels),
                                   ("scenario", scenarios, known_scenarios)):
            bad = [g for g in given if known is not None and g not in known]
            if bad:
                raise ExposureError(f"unknown {name} {bad[0]!r}"
                                    + (f" (known: {', '.join(known)})" if known else ""))
    path = drafts_path(home)
    with _locked(path):
        drafts = load_drafts(path=path)
        idx = next((i for i, d in enumerate(drafts) if d.id == draft_id), None)
        if idx is None:
            raise DraftNotFound(f"no pulled draft {draft_id!r} in {path}")
        update = {"status": "accepted" if accept else "dismissed", "reviewed_on": today,
                  "channels": list(dict.fromkeys(channels)) if accept else [],
                  "scenarios": list(dict.fromkeys(scenarios)) if accept else []}
        drafts[idx] = DraftEvent.model_validate({**drafts[idx].model_dump(), **update})
        _write(path, drafts)
    return drafts[idx]


def unreviewed(drafts: Iterable[DraftEvent]) -> list[DraftEvent]:
    """Drafts still waiting for review, newest first."""
    return sorted((d for d in drafts if d.status == "unreviewed"),
                  key=lambda d: d.publication_date, reverse=True)
