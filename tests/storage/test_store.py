"""The team store on SQLite and on PostgreSQL: migrations, versioned documents with optimistic
locking, names that are keys (not paths), append-only tables enforced by the database, audit."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from exposure.errors import WorkspaceError
from exposure.storage import audit, documents
from exposure.storage.access import open_store
from exposure.storage.database import (
    Actor,
    ConflictError,
    StoreError,
    current_revision,
    head_revision,
)
from exposure.storage.tables import TEAM, audit_log

ANN = Actor("ann@example.com", "Ann")
BOB = Actor("bob@example.com", "Bob")


def test_a_new_store_is_migrated_to_the_newest_revision(database: str, home: Path) -> None:
    store = open_store(home)
    with store.read() as conn:
        assert current_revision(conn) == head_revision() == "0001"
    assert store.dialect == database
    if database == "sqlite":
        assert (home / "exposure.sqlite").is_file()


def test_saves_keep_every_version_and_record_who_and_when(database: str, home: Path) -> None:
    store = open_store(home)
    first = documents.save(store, "book", TEAM, "AI book", "v1", ANN, expected_version=None)
    second = documents.save(store, "book", TEAM, "ai  BOOK", "v2", BOB, expected_version=1)
    assert (first.version, second.version, second.id) == (1, 2, first.id)
    got = documents.get(store, "book", TEAM, "AI Book")
    assert got is not None and (got.body, got.updated_by_name, got.name) == ("v2", "Bob", "ai BOOK")
    history = documents.versions(store, first.id)
    assert [(v.version, v.body, v.saved_by) for v in history] == [
        (1, "v1", ANN.id), (2, "v2", BOB.id)]
    log = audit.entries(store, action="book.save")
    assert [(e.actor, e.target) for e in log] == [(BOB.id, "@team/ai BOOK"),
                                                  (ANN.id, "@team/AI book")]


def test_a_stale_save_is_refused_naming_who_changed_it_and_nothing_is_lost(
        database: str, home: Path) -> None:
    store = open_store(home)
    documents.save(store, "scenario", ANN.id, "tighter", "ann v1", ANN, expected_version=None)
    documents.save(store, "scenario", ANN.id, "tighter", "ann v2", BOB, expected_version=1)
    with pytest.raises(ConflictError, match=r"changed by Bob at \d{4}-\d\d-\d\d \d\d:\d\d UTC"):
        documents.save(store, "scenario", ANN.id, "tighter", "stale edit", ANN, expected_version=1)
    with pytest.raises(ConflictError, match="changed by Bob"):
        documents.save(store, "scenario", ANN.id, "Tighter", "blind new", ANN,
                       expected_version=None)
    doc = documents.get(store, "scenario", ANN.id, "tighter")
    assert doc is not None and doc.body == "ann v2"
    assert [v.body for v in documents.versions(store, doc.id)] == ["ann v1", "ann v2"]
    forced = documents.save(store, "scenario", ANN.id, "tighter", "forced", ANN,
                            expected_version=1, force=True)
    assert forced.version == 3
    assert [v.body for v in documents.versions(store, doc.id)] == ["ann v1", "ann v2", "forced"]


def test_two_writers_on_the_same_version_one_wins_one_is_told(database: str, home: Path) -> None:
    store = open_store(home)
    documents.save(store, "book", TEAM, "shared", "base", ANN, expected_version=None)
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        start.wait()
        try:
            documents.save(store, "book", TEAM, "shared", f"edit {n}", BOB, expected_version=1)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    doc = documents.get(store, "book", TEAM, "shared")
    assert doc is not None and doc.version == 2


@pytest.mark.parametrize("name", ["../../x", "..\\..\\x", "/etc/passwd", "a/b", "C:\\x",
                                  ".streamlit", "x\x00y", "...", "   "])
def test_path_like_names_are_refused_with_a_clear_message(name: str, home: Path) -> None:
    store = open_store(home)
    documents.save(store, "book", TEAM, "x", "plain x", ANN, expected_version=None)
    with pytest.raises(WorkspaceError) as err:
        documents.save(store, "book", TEAM, name, "attack", ANN, expected_version=None)
    assert "\n" not in str(err.value)
    doc = documents.get(store, "book", TEAM, "x")
    assert doc is not None and (doc.body, doc.version) == ("plain x", 1)


def test_personal_and_team_spaces_do_not_collide(database: str, home: Path) -> None:
    store = open_store(home)
    documents.save(store, "book", TEAM, "core", "team", ANN, expected_version=None)
    documents.save(store, "book", ANN.id, "core", "ann's", ANN, expected_version=None)
    listed = documents.listing(store, "book", [TEAM, ANN.id], with_body=True)
    assert [(d.space, d.body) for d in listed] == [(TEAM, "team"), (ANN.id, "ann's")]
    assert documents.listing(store, "book", [TEAM, BOB.id])[0].space == TEAM
    assert len(documents.listing(store, "book", [BOB.id])) == 0


APPEND_ONLY_STATEMENTS = [
    "UPDATE document_versions SET body = 'rewritten'",
    "DELETE FROM document_versions",
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
]


@pytest.mark.parametrize("statement", APPEND_ONLY_STATEMENTS)
def test_history_and_audit_are_append_only_in_the_database(database: str, home: Path,
                                                           statement: str) -> None:
    store = open_store(home)
    documents.save(store, "book", TEAM, "kept", "v1", ANN, expected_version=None)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    doc = documents.get(store, "book", TEAM, "kept")
    assert doc is not None and doc.body == "v1"
    assert len(audit.entries(store)) == 1


def test_truncate_is_refused_on_postgresql(database: str, home: Path) -> None:
    if database != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    store = open_store(home)
    with store.write() as conn:
        conn.execute(insert(audit_log).values(at="2026-12-02T00:00:00+00:00", actor="a",
                                              actor_name="A", action="x", target="y"))
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))


def test_a_damaged_sqlite_store_is_a_one_line_error(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "exposure.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as err:
        open_store(home)
    assert "not a database" in str(err.value)
    assert "\n" not in str(err.value)


def test_an_unsupported_database_url_is_refused(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURE_DATABASE_URL", "mysql://user:secret@db/x")
    with pytest.raises(StoreError, match="unsupported database") as err:
        open_store(home)
    assert "secret" not in str(err.value)
