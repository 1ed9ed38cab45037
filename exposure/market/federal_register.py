"""Federal Register API client: Bureau of Industry and Security documents since a date.

``GET {base}/documents.json`` with ``conditions[agencies][]=industry-and-security-bureau``,
``conditions[publication_date][gte]=<since>``, the ``fields[]`` we keep, ``order=newest``;
further pages by following each answer's ``next_page_url`` (same host only, at most
:data:`MAX_PAGES`). API documentation: https://www.federalregister.gov/developers/documentation/api/v1

The base URL is ``https://www.federalregister.gov/api/v1`` unless the environment variable
``EXPOSURE_FEDREG_URL`` says otherwise (tests point it at a loopback server replaying recorded
answers). Every request has a timeout. A network failure raises :class:`FeedUnavailable`; an
answer that is not the documented format raises :class:`FeedFormatError`; both are one line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import requests

from exposure.errors import ExposureError

DEFAULT_BASE_URL = "https://www.federalregister.gov/api/v1"
BASE_URL_ENV = "EXPOSURE_FEDREG_URL"
AGENCY = "industry-and-security-bureau"
FIELDS: tuple[str, ...] = (
    "title", "type", "abstract", "document_number", "html_url", "pdf_url", "publication_date",
    "agencies", "citation", "effective_on", "action", "regulation_id_numbers",
)
PER_PAGE = 100
MAX_PAGES = 50
TIMEOUT_S = 15.0
DOCUMENT_NUMBER = re.compile(r"^\d{4}-\d{3,6}$")


class FeedUnavailable(ExposureError):
    """The feed could not be reached (offline, DNS, timeout, HTTP error)."""


class FeedFormatError(ExposureError):
    """The feed answered with something that is not the documented format."""


@dataclass(frozen=True)
class FederalRegisterDocument:
    """One Federal Register document, as the API describes it."""

    document_number: str
    title: str
    type: str
    """``Rule``, ``Proposed Rule``, ``Notice``, ``Presidential Document``."""
    publication_date: date
    html_url: str
    abstract: str = ""
    action: str = ""
    citation: str | None = None
    effective_on: date | None = None
    pdf_url: str | None = None
    agencies: tuple[str, ...] = ()
    regulation_id_numbers: tuple[str, ...] = ()


def base_url(override: str | None = None) -> str:
    """The API root: ``override``, else ``$EXPOSURE_FEDREG_URL``, else the public API."""
    return (override or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def _date(value: Any, what: str, number: str, *, optional: bool = False) -> date | None:
    if value in (None, "") and optional:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FeedFormatError(f"Federal Register answer: document {number!r} has an invalid "
                              f"{what} {str(value)[:30]!r}") from None


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return value.strip() if isinstance(value, str) else ""


def parse_document(row: Any) -> FederalRegisterDocument:
    """One entry of ``results``; :class:`FeedFormatError` names what is wrong."""
    if not isinstance(row, dict):
        raise FeedFormatError("Federal Register answer: a result is not an object")
    number = row.get("document_number")
    if not isinstance(number, str) or not DOCUMENT_NUMBER.match(number):
        raise FeedFormatError(f"Federal Register answer: invalid document_number "
                              f"{str(number)[:30]!r}")
    url = row.get("html_url")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise FeedFormatError(f"Federal Register answer: document {number!r} has no https "
                              "html_url")
    title = _text(row, "title")
    if not title:
        raise FeedFormatError(f"Federal Register answer: document {number!r} has no title")
    pub = _date(row.get("publication_date"), "publication_date", number)
    assert pub is not None
    agencies = row.get("agencies") or []
    rins = row.get("regulation_id_numbers") or []
    pdf = row.get("pdf_url")
    return FederalRegisterDocument(
        document_number=number, title=title, type=_text(row, "type") or "Document",
        publication_date=pub, html_url=url, abstract=_text(row, "abstract"),
        action=_text(row, "action"), citation=_text(row, "citation") or None,
        effective_on=_date(row.get("effective_on"), "effective_on", number, optional=True),
        pdf_url=pdf if isinstance(pdf, str) and pdf.startswith("https://") else None,
        agencies=tuple(str(a.get("name") or a.get("raw_name") or "") for a in agencies
                       if isinstance(a, dict)),
        regulation_id_numbers=tuple(str(r) for r in rins if isinstance(r, str)),
    )


def parse_page(payload: Any) -> tuple[list[FederalRegisterDocument], str | None]:
    """``(documents, next_page_url)`` of one answer (missing ``results`` = none)."""
    if not isinstance(payload, dict):
        raise FeedFormatError("Federal Register answer is not a JSON object")
    if "errors" in payload and "results" not in payload:
        raise FeedFormatError(f"Federal Register answer reports errors: "
                              f"{str(payload['errors'])[:120]}")
    results = payload.get("results", [])
    if not isinstance(results, list):
        raise FeedFormatError("Federal Register answer: 'results' is not a list")
    nxt = payload.get("next_page_url")
    if nxt is not None and not isinstance(nxt, str):
        raise FeedFormatError("Federal Register answer: 'next_page_url' is not a URL")
    return [parse_document(r) for r in results], nxt or None


def first_page_params(since: date, per_page: int = PER_PAGE) -> list[tuple[str, str]]:
    """Query parameters of the first request."""
    return [("conditions[agencies][]", AGENCY),
            ("conditions[publication_date][gte]", since.isoformat()),
            *[("fields[]", f) for f in FIELDS],
            ("order", "newest"), ("per_page", str(per_page))]


Getter = Callable[..., requests.Response]


def _get_json(get: Getter, url: str, params: list[tuple[str, str]] | None,
              timeout: float) -> Any:
    try:
        response = get(url, params=params, timeout=timeout,
                       headers={"Accept": "application/json",
                                "User-Agent": "exposure (AI export-policy dashboard)"})
    except requests.RequestException as exc:
        raise FeedUnavailable(f"Federal Register API not reachable ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise FeedUnavailable(f"Federal Register API answered HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise FeedFormatError("Federal Register answer is not JSON") from None


def fetch_documents(since: date, *, url: str | None = None, timeout: float = TIMEOUT_S,
                    max_pages: int = MAX_PAGES, session: requests.Session | None = None,
                    ) -> list[FederalRegisterDocument]:
    """Every BIS document published on or after ``since``, newest first, all pages."""
    root = base_url(url)
    host = urlsplit(root).netloc
    get: Getter = (session or requests).get
    page_url: str | None = f"{root}/documents.json"
    params: list[tuple[str, str]] | None = first_page_params(since)
    seen: set[str] = set()
    docs: list[FederalRegisterDocument] = []
    for _ in range(max_pages):
        if page_url is None:
            return docs
        payload = _get_json(get, page_url, params, timeout)
        page, nxt = parse_page(payload)
        docs.extend(page)
        seen.add(page_url if params is None else f"{page_url}?first")
        if nxt is not None:
            if urlsplit(nxt).netloc != host or not nxt.startswith(("https://", "http://")):
                raise FeedFormatError(f"Federal Register answer: next_page_url points to another "
                                      f"host ({urlsplit(nxt).netloc[:60]!r})")
            if nxt in seen:
                raise FeedFormatError("Federal Register answer: next_page_url repeats a page")
        page_url, params = nxt, None
    if page_url is not None:
        raise FeedFormatError(f"Federal Register answer: more than {max_pages} pages; "
                              "pull a shorter period with --since")
    return docs
