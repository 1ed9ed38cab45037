"""Versioned documents: books, user scenarios and import presets share one mechanism.

A document lives in a *space* (the team, ``@team``, or one person's user id) under a
normalised name key. Every save appends a row to ``document_versions`` (append-only, enforced
in the database), so no version is ever lost, and saves use optimistic locking: a save names
the version it was based on, and if someone else saved in between it is refused with
"changed by NAME at TIME" and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from exposure.storage import audit
from exposure.storage.database import (
    Actor,
    ConflictError,
    NotFoundError,
    Store,
    shown_time,
    stamp,
)
from exposure.storage.names import clean_name, name_key
from exposure.storage.tables import TEAM, document_versions, documents

KINDS = ("book", "scenario", "preset")


@dataclass(frozen=True)
class Document:
    """The newest version of a document (``body`` is None in listings)."""

    id: int
    kind: str
    space: str
    key: str
    name: str
    version: int
    updated_by: str
    updated_by_name: str
    updated_at: str
    body: str | None = None

    @property
    def shared(self) -> bool:
        return self.space == TEAM

    @property
    def changed(self) -> str:
        """``changed by NAME at TIME`` (for messages and listings)."""
        return f"changed by {self.updated_by_name} at {shown_time(self.updated_at)}"


@dataclass(frozen=True)
class Version:
    document_id: int
    version: int
    name: str
    body: str
    saved_by: str
    saved_by_name: str
    saved_at: str


_DOC_COLUMNS = [documents.c.id, documents.c.kind, documents.c.space, documents.c.key,
                documents.c.name, documents.c.version, documents.c.updated_by,
                documents.c.updated_by_name, documents.c.updated_at]


def _document(row: Any, body: str | None = None) -> Document:
    m = row._mapping
    return Document(int(m["id"]), m["kind"], m["space"], m["key"], m["name"], int(m["version"]),
                    m["updated_by"], m["updated_by_name"], m["updated_at"], body)


def save(store: Store, kind: str, space: str, name: str, body: str, actor: Actor, *,
         expected_version: int | None, force: bool = False, what: str = "name",
         action: str | None = None) -> Document:
    """Store ``body`` as the next version of document ``name`` in ``space``.

    ``expected_version`` is the version the edit was based on (None: a new document). A
    mismatch raises :class:`ConflictError` naming who changed it and when, unless ``force``
    (the CLI's explicit override; the previous version is still kept). Audited.
    """
    with store.write() as conn:
        return save_in(conn, kind, space, name, body, actor, expected_version=expected_version,
                       force=force, what=what, action=action)


def save_in(conn: Connection, kind: str, space: str, name: str, body: str, actor: Actor, *,
            expected_version: int | None, force: bool = False, what: str = "name",
            action: str | None = None) -> Document:
    """:func:`save` inside the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    shown = clean_name(name, what)
    key = name_key(name, what)
    now = stamp()
    label = f"the {kind} '{shown}'"
    query = select(*_DOC_COLUMNS).where(and_(documents.c.kind == kind,
                                             documents.c.space == space,
                                             documents.c.key == key))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        try:
            with conn.begin_nested():
                doc_id = conn.execute(insert(documents).values(
                    kind=kind, space=space, key=key, name=shown, version=1,
                    updated_by=actor.id, updated_by_name=actor.name, updated_at=now,
                )).inserted_primary_key[0]
        except IntegrityError:
            raise ConflictError(f"{label} was created by someone else just now; "
                                "nothing was saved: load it, or save under another name"
                                ) from None
        version = 1
    else:
        current = _document(row)
        if not force and expected_version != current.version:
            based = (f"your copy is version {expected_version}" if expected_version
                     else "yours is a new one")
            raise ConflictError(
                f"the {kind} '{current.name}' was {current.changed} (version {current.version}; {based}). "
                "Nothing was saved and no version is lost: load it again, or save under "
                "another name")
        version = current.version + 1
        doc_id = current.id
        done = conn.execute(update(documents).where(and_(
            documents.c.id == doc_id, documents.c.version == current.version)).values(
            name=shown, version=version, updated_by=actor.id,
            updated_by_name=actor.name, updated_at=now))
        if done.rowcount != 1:
            raise ConflictError(f"{label} was saved by someone else just now; nothing was "
                                "saved: load it again")
    conn.execute(insert(document_versions).values(
        document_id=doc_id, version=version, name=shown, body=body, saved_by=actor.id,
        saved_by_name=actor.name, saved_at=now))
    audit.record(conn, actor, action or f"{kind}.save", f"{space}/{shown}",
                 {"version": version, **({"forced": True} if force and row is not None
                                         and expected_version != row.version else {})})
    return Document(int(doc_id), kind, space, key, shown, version, actor.id, actor.name, now, body)


def get(store: Store, kind: str, space: str, name: str) -> Document | None:
    """The newest version of ``name`` in ``space`` with its body (None if there is none)."""
    key = name_key(name)
    with store.read() as conn:
        row = conn.execute(select(*_DOC_COLUMNS, document_versions.c.body).join(
            document_versions, and_(document_versions.c.document_id == documents.c.id,
                                    document_versions.c.version == documents.c.version),
        ).where(and_(documents.c.kind == kind, documents.c.space == space,
                     documents.c.key == key))).first()
    return _document(row, row._mapping["body"]) if row is not None else None


def listing(store: Store, kind: str, spaces: Iterable[str], *,
            with_body: bool = False) -> list[Document]:
    """Documents of ``kind`` in any of ``spaces`` (team first, then by name)."""
    wanted = list(dict.fromkeys(spaces))
    columns = [*_DOC_COLUMNS] + ([document_versions.c.body] if with_body else [])
    query = select(*columns).where(and_(documents.c.kind == kind,
                                        documents.c.space.in_(wanted)))
    if with_body:
        query = query.join(document_versions, and_(
            document_versions.c.document_id == documents.c.id,
            document_versions.c.version == documents.c.version))
    with store.read() as conn:
        rows = conn.execute(query).all()
    docs = [_document(r, r._mapping["body"] if with_body else None) for r in rows]
    return sorted(docs, key=lambda d: (d.space != TEAM, d.key))


def versions(store: Store, document_id: int) -> list[Version]:
    """Every stored version of a document, oldest first."""
    with store.read() as conn:
        rows = conn.execute(select(document_versions).where(
            document_versions.c.document_id == document_id).order_by(
            document_versions.c.version)).mappings().all()
    if not rows:
        raise NotFoundError(f"no document #{document_id}")
    return [Version(int(r["document_id"]), int(r["version"]), r["name"], r["body"],
                    r["saved_by"], r["saved_by_name"], r["saved_at"]) for r in rows]
