"""Saved books in the team store (:mod:`exposure.storage`), pure core.

A book belongs to the team or to one person (see :mod:`exposure.auth.spaces`); its name is a
key in a table, never a path, so ``../../x`` or ``..\\..\\x`` are refused rather than turned
into the same file as ``x`` (THREATS.md T-15). Every save keeps the previous versions, and
saves use optimistic locking: a save based on an old version is refused with "changed by NAME
at TIME" (:class:`~exposure.storage.database.ConflictError`). A stored book that no longer
parses is listed with its problem instead of breaking the listing.

The version a book was loaded at travels with the portfolio (``portfolio.meta["stored"]``),
so saving it again under the same name checks that nobody saved in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from exposure.auth.identity import LOCAL_USER, Identity
from exposure.auth.spaces import readable_spaces, space_label, write_space
from exposure.errors import ExposureError, PortfolioError, WorkspaceError
from exposure.holdings.portfolio import (
    Portfolio,
    parse_portfolio_yaml,
    portfolio_to_yaml,
    validate_holdings,
)
from exposure.storage import documents
from exposure.storage.access import open_store
from exposure.storage.database import describe_url
from exposure.storage.documents import Document
from exposure.storage.names import clean_name, name_key

KIND = "book"
STORED = "stored"
"""``portfolio.meta`` key: ``{"space", "key", "version"}`` of the stored book it came from."""


@dataclass(frozen=True)
class SavedPortfolio:
    """One stored book; ``error`` is set (and ``holdings`` is None) when it does not parse."""

    key: str
    name: str
    space: str
    version: int
    modified: datetime
    modified_by: str
    holdings: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def slug(self) -> str:
        """The lookup key (kept under its old name for callers of the file-based store)."""
        return self.key

    @property
    def shared(self) -> bool:
        return self.space == "@team"


def _user(user: Identity | None) -> Identity:
    return user if user is not None else LOCAL_USER


def _saved(doc: Document, portfolio: Portfolio | None, error: str = "") -> SavedPortfolio:
    return SavedPortfolio(doc.key, doc.name, doc.space, doc.version,
                          datetime.fromisoformat(doc.updated_at), doc.updated_by_name,
                          len(portfolio.holdings) if portfolio is not None else None, error)


def stored_info(portfolio: Portfolio) -> dict[str, Any] | None:
    """Where a portfolio was loaded from (space, key, version), if from the store."""
    info = portfolio.meta.get(STORED)
    return info if isinstance(info, dict) else None


def save_portfolio(portfolio: Portfolio, name: str | None = None,
                   home: str | Path | None = None, *, user: Identity | None = None,
                   shared: bool | None = None, expected_version: int | None = None,
                   force: bool = False) -> SavedPortfolio:
    """Validate ``portfolio`` and save it as ``name`` (default: its own name).

    ``expected_version`` defaults to the version the portfolio was loaded at when it is saved
    back under the same name and space; a new name starts at version 1. The YAML is parsed
    back before it is written, so a stored book always loads again.
    """
    who = _user(user)
    label = (name if name is not None else portfolio.name).strip()
    if not label:
        raise WorkspaceError("give the portfolio a name to save it under")
    space = write_space(who, "book.write", shared=shared)
    label = clean_name(label, "book name")
    key = name_key(label, "book name")
    origin = stored_info(portfolio)
    if expected_version is None and origin and origin.get("space") == space \
            and origin.get("key") == key:
        expected_version = int(origin["version"])
    to_save = portfolio.copy()
    to_save.name = label
    to_save.holdings = validate_holdings(portfolio.holdings)
    to_save.meta.pop(STORED, None)
    text = portfolio_to_yaml(to_save)
    parse_portfolio_yaml(text, label)  # never store what cannot be read back
    doc = documents.save(open_store(home), KIND, space, label, text, who.actor,
                         expected_version=expected_version, force=force, what="book name")
    portfolio.meta[STORED] = {"space": doc.space, "key": doc.key, "version": doc.version}
    return _saved(doc, to_save)


def list_portfolios(home: str | Path | None = None, *,
                    user: Identity | None = None) -> list[SavedPortfolio]:
    """Every book the user may see (team first, then theirs); broken ones carry ``error``."""
    who = _user(user)
    out: list[SavedPortfolio] = []
    for doc in documents.listing(open_store(home), KIND, readable_spaces(who), with_body=True):
        try:
            portfolio = parse_portfolio_yaml(doc.body or "", doc.name)
        except ExposureError as exc:
            out.append(_saved(doc, None, str(exc).splitlines()[0]))
            continue
        out.append(_saved(doc, portfolio))
    return out


def load_saved(name: str, home: str | Path | None = None, *, user: Identity | None = None,
               space: str | None = None) -> Portfolio:
    """Load stored book ``name`` (the user's own first, then the team's)."""
    who = _user(user)
    store = open_store(home)
    spaces = [space] if space else readable_spaces(who)[::-1]
    for where in spaces:
        if where not in readable_spaces(who):
            continue
        doc = documents.get(store, KIND, where, name)
        if doc is not None:
            portfolio = parse_portfolio_yaml(doc.body or "", doc.name)
            portfolio.source = f"{describe_url(store.url)}: {space_label(where, who)} book " \
                               f"'{doc.name}' v{doc.version}"
            portfolio.meta[STORED] = {"space": doc.space, "key": doc.key,
                                      "version": doc.version}
            return portfolio
    raise PortfolioError(f"no saved portfolio named {name!r}")


def book_versions(name: str, home: str | Path | None = None, *, user: Identity | None = None,
                  space: str | None = None) -> list[documents.Version]:
    """Every stored version of a book (oldest first)."""
    who = _user(user)
    store = open_store(home)
    for where in ([space] if space else readable_spaces(who)[::-1]):
        if where not in readable_spaces(who):
            continue
        doc = documents.get(store, KIND, where, name)
        if doc is not None:
            return documents.versions(store, doc.id)
    raise PortfolioError(f"no saved portfolio named {name!r}")
