"""Draft events: the channel keyword rule, de-duplication against the data, review, and the
catalog loading accepted drafts as events."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from exposure.errors import ExposureError
from exposure.evidence.drafts import (
    CHANNEL_RULES,
    DraftNotFound,
    add_pulled,
    document_numbers,
    drafts_path,
    load_drafts,
    review_draft,
    suggest_channels,
    unreviewed,
)
from exposure.market.federal_register import parse_page
from exposure.model.catalog import load_catalog
from tests.conftest import MINI_DATA
from tests.fedreg_server import RECORDED

TODAY = date(2026, 12, 2)


def _documents():  # type: ignore[no-untyped-def]
    docs = []
    for name in ("bis_2026_page1.json", "bis_2026_page2.json"):
        docs.extend(parse_page(json.loads((RECORDED / name).read_text()))[0])
    return docs


@pytest.mark.parametrize(("text", "channels"), [
    ("Revision to License Review Policy for Advanced Computing Commodities", ["china_ai_sales"]),
    ("Additions of Entities to the Entity List", ["china_other_sales"]),
    ("Semiconductor Manufacturing Equipment controls", ["china_ai_sales", "china_semi_tools"]),
    ("UAE moved to Country Group A:5", ["tier2_ai_sales"]),
    ("Gallium and germanium items", ["china_supply_inputs"]),
    ("Civil aircraft parts", []),
])
def test_keyword_rule_suggests_channels(text: str, channels: list[str]) -> None:
    assert suggest_channels(text) == channels


def test_every_rule_names_known_channels() -> None:
    known = {c.id for c in load_catalog(include_home=False).channels}
    assert {c for _, chans in CHANNEL_RULES for c in chans} <= known


def test_document_numbers_are_read_from_fr_and_govinfo_urls() -> None:
    assert document_numbers([
        "https://www.federalregister.gov/documents/2026/04/09/2026-06851/extension-of",
        "https://www.govinfo.gov/content/pkg/FR-2026-01-15/html/2026-00789.htm",
        "https://example.org/2026-99999",
    ]) == {"2026-06851", "2026-00789"}


def test_documents_already_in_the_bundled_data_are_not_drafted(home: Path) -> None:
    bundled = load_catalog(include_home=False).events.values()
    assert add_pulled(_documents(), bundled, home, TODAY) == []
    assert not drafts_path(home).exists()


def test_new_documents_become_unreviewed_drafts_once(home: Path) -> None:
    mini = load_catalog(MINI_DATA, include_home=False).events.values()
    new = add_pulled(_documents(), mini, home, TODAY)
    assert [d.id for d in new] == ["fr_2026-00789", "fr_2026-06851", "fr_2026-14132"]
    first = drafts_path(home).read_bytes()
    assert add_pulled(_documents(), mini, home, TODAY) == []  # idempotent
    assert drafts_path(home).read_bytes() == first
    draft = {d.id: d for d in load_drafts(home)}["fr_2026-14132"]
    assert draft.status == "unreviewed" and draft.pulled_on == TODAY
    assert (draft.citation, draft.effective_date) == ("91 FR 43034", date(2026, 7, 10))
    assert draft.suggested_channels == ["china_ai_sales", "tier2_ai_sales"]


def test_dismissed_drafts_are_not_pulled_again_or_listed(home: Path) -> None:
    mini = load_catalog(MINI_DATA, include_home=False).events.values()
    add_pulled(_documents(), mini, home, TODAY)
    review_draft("fr_2026-06851", accept=False, home=home, today=TODAY)
    assert add_pulled(_documents(), mini, home, TODAY) == []
    assert [d.id for d in unreviewed(load_drafts(home))] == ["fr_2026-14132", "fr_2026-00789"]


def test_accepted_draft_is_an_event_linked_to_its_scenario(home: Path) -> None:
    mini = load_catalog(MINI_DATA, include_home=False)
    add_pulled(_documents(), mini.events.values(), home, TODAY)
    review_draft("fr_2026-00789", accept=True, channels=["china_ai_sales"], scenarios=["ban"],
                 known_channels=mini.channel_ids, known_scenarios=list(mini.scenarios),
                 home=home, today=TODAY)
    catalog = load_catalog(MINI_DATA, home)
    event = catalog.events["fr_2026-00789"]
    assert catalog.is_user("event", "fr_2026-00789")
    assert (event.date, event.type, event.jurisdiction) == (date(2026, 1, 15), "us_rule", "US")
    assert event.sources[0].tier == "primary" and "91 FR 1684" in (event.sources[0].title or "")
    assert event.summary.endswith("Effective 2026-01-15.")
    assert catalog.scenarios["ban"].events == ["ev1", "fr_2026-00789"]
    assert "fr_2026-06851" not in catalog.events  # unreviewed drafts are not events
    assert "fr_2026-00789" not in load_catalog(MINI_DATA, include_home=False).events


def test_review_refuses_unknown_channels_scenarios_and_drafts(home: Path) -> None:
    mini = load_catalog(MINI_DATA, include_home=False)
    add_pulled(_documents(), mini.events.values(), home, TODAY)
    before = drafts_path(home).read_bytes()
    with pytest.raises(ExposureError, match="unknown channel 'chips'"):
        review_draft("fr_2026-00789", accept=True, channels=["chips"],
                     known_channels=mini.channel_ids, home=home)
    with pytest.raises(ExposureError, match="unknown scenario 's9'"):
        review_draft("fr_2026-00789", accept=True, scenarios=["s9"],
                     known_scenarios=list(mini.scenarios), home=home)
    with pytest.raises(DraftNotFound, match="no pulled draft 'fr_1999-00001'"):
        review_draft("fr_1999-00001", accept=False, home=home)
    assert drafts_path(home).read_bytes() == before


def test_a_broken_drafts_file_is_skipped_in_the_app_and_refused_by_the_cli(home: Path) -> None:
    drafts_path(home).parent.mkdir(parents=True)
    drafts_path(home).write_text("- id: fr_x\n  status: maybe\n")
    app = load_catalog(MINI_DATA, home, strict_home=False)
    assert len(app.workspace_problems) == 1 and "pulled.yaml" in app.workspace_problems[0]
    with pytest.raises(ExposureError, match="pulled.yaml"):
        load_catalog(MINI_DATA, home)
