"""The Federal Register client against recorded answers replayed over real loopback HTTP:
pagination via next_page_url, an empty result, network failures and malformed answers."""

from __future__ import annotations

import socket
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from exposure.market.federal_register import (
    FeedFormatError,
    FeedUnavailable,
    base_url,
    fetch_documents,
)
from tests.fedreg_server import federal_register_replay


def test_follows_next_page_url_to_the_last_page() -> None:
    with federal_register_replay() as replay:
        docs = fetch_documents(date(2026, 1, 1), url=replay.root)
    assert [d.document_number for d in docs] == ["2026-14132", "2026-06851", "2026-00789"]
    assert len(replay.requests) == 2
    first = parse_qs(urlsplit(replay.requests[0]).query)
    assert urlsplit(replay.requests[0]).path == "/api/v1/documents.json"
    assert first["conditions[agencies][]"] == ["industry-and-security-bureau"]
    assert first["conditions[publication_date][gte]"] == ["2026-01-01"]
    assert {"document_number", "citation", "effective_on", "abstract"} <= set(first["fields[]"])
    second = parse_qs(urlsplit(replay.requests[1]).query)
    assert second["page"] == ["2"] and second["search_after_cursor"]  # followed verbatim


def test_documents_carry_citation_dates_and_urls() -> None:
    with federal_register_replay() as replay:
        docs = {d.document_number: d for d in fetch_documents(date(2026, 1, 1), url=replay.root)}
    uae = docs["2026-14132"]
    assert uae.citation == "91 FR 43034"
    assert uae.publication_date == date(2026, 7, 14)
    assert uae.effective_on == date(2026, 7, 10)
    assert uae.type == "Rule" and uae.action == "Final rule."
    assert uae.html_url.startswith("https://www.federalregister.gov/documents/2026/07/14/2026-14132/")
    assert uae.pdf_url == "https://www.govinfo.gov/content/pkg/FR-2026-07-14/pdf/2026-14132.pdf"
    assert "Industry and Security Bureau" in uae.agencies
    assert "United Arab Emirates" in uae.abstract


def test_empty_result_is_no_documents() -> None:
    with federal_register_replay() as replay:
        assert fetch_documents(date(2026, 12, 3), url=replay.root) == []
    assert len(replay.requests) == 1


def test_base_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXPOSURE_FEDREG_URL", raising=False)
    assert base_url() == "https://www.federalregister.gov/api/v1"
    with federal_register_replay() as replay:
        monkeypatch.setenv("EXPOSURE_FEDREG_URL", replay.root + "/")
        assert base_url() == replay.root
        assert len(fetch_documents(date(2026, 1, 1))) == 3


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_api_is_one_clear_line() -> None:
    with pytest.raises(FeedUnavailable, match="not reachable") as err:
        fetch_documents(date(2026, 1, 1), url=f"http://127.0.0.1:{_closed_port()}/api/v1",
                        timeout=2)
    assert "\n" not in str(err.value)


def test_http_error_is_unavailable() -> None:
    with federal_register_replay() as replay, pytest.raises(FeedUnavailable, match="HTTP 500"):
        replay.mode = "http500"
        fetch_documents(date(2026, 1, 1), url=replay.root)


@pytest.mark.parametrize(("mode", "message"), [
    ("malformed", "'results' is not a list"),
    ("html", "not JSON"),
    ("verbatim", "next_page_url points to another host"),
])
def test_malformed_answers_are_one_clear_line(mode: str, message: str) -> None:
    with federal_register_replay() as replay, pytest.raises(FeedFormatError, match=message) as err:
        replay.mode = mode
        fetch_documents(date(2026, 1, 1), url=replay.root)
    assert "\n" not in str(err.value)
    assert len(replay.requests) == 1  # the foreign next page was never requested


def test_a_document_without_number_is_malformed() -> None:
    from exposure.market.federal_register import parse_page

    with pytest.raises(FeedFormatError, match="invalid document_number"):
        parse_page({"results": [{"title": "x", "html_url": "https://x.org/a"}]})
    with pytest.raises(FeedFormatError, match="invalid publication_date"):
        parse_page({"results": [{"document_number": "2026-00001", "title": "x",
                                 "html_url": "https://x.org/a", "publication_date": "soon"}]})
