"""The review ritual's records: comments (per holding, per scenario, or on the whole review)
and sign-offs ("reviewed by NAME at TIME"). Both are append-only in the database: a comment is
never edited or deleted, a person signs a review once. Each write is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from exposure.errors import ExposureError
from exposure.storage import audit
from exposure.storage.database import Actor, ConflictError, NotFoundError, Store, shown_time, stamp
from exposure.storage.tables import review_comments, review_signoffs, snapshots

TARGET_KINDS = ("review", "holding", "scenario")
MAX_COMMENT = 4000


@dataclass(frozen=True)
class Comment:
    id: int
    snapshot_id: int
    target_kind: str
    target: str
    body: str
    author: str
    author_name: str
    created_at: str

    @property
    def byline(self) -> str:
        return f"{self.author_name} at {shown_time(self.created_at)}"


@dataclass(frozen=True)
class SignOff:
    snapshot_id: int
    signed_by: str
    signed_by_name: str
    signed_at: str
    note: str

    @property
    def line(self) -> str:
        """``reviewed by NAME at TIME``."""
        return f"reviewed by {self.signed_by_name} at {shown_time(self.signed_at)}"


def _check_snapshot(conn: object, snapshot_id: int) -> None:
    found = conn.execute(select(snapshots.c.id).where(  # type: ignore[attr-defined]
        snapshots.c.id == int(snapshot_id))).first()
    if found is None:
        raise NotFoundError(f"no snapshot #{snapshot_id}")


def add_comment(store: Store, snapshot_id: int, actor: Actor, body: str, *,
                target_kind: str = "review", target: str = "") -> Comment:
    """Append a comment on snapshot ``snapshot_id`` (on a holding symbol or scenario id)."""
    text = body.strip()
    if not text:
        raise ExposureError("the comment is empty")
    if len(text) > MAX_COMMENT:
        raise ExposureError(f"the comment is longer than {MAX_COMMENT} characters")
    if target_kind not in TARGET_KINDS:
        raise ExposureError(f"comments go on one of {', '.join(TARGET_KINDS)}, not {target_kind!r}")
    if target_kind != "review" and not target.strip():
        raise ExposureError(f"say which {target_kind} the comment is about")
    now = stamp()
    with store.write() as conn:
        _check_snapshot(conn, snapshot_id)
        new_id = conn.execute(insert(review_comments).values(
            snapshot_id=int(snapshot_id), target_kind=target_kind,
            target=target.strip() if target_kind != "review" else "", body=text,
            author=actor.id, author_name=actor.name, created_at=now)).inserted_primary_key[0]
        audit.record(conn, actor, "review.comment", f"snapshot #{snapshot_id}",
                     {"comment": int(new_id), "on": target_kind, "target": target.strip()})
    return Comment(int(new_id), int(snapshot_id), target_kind,
                   target.strip() if target_kind != "review" else "", text, actor.id,
                   actor.name, now)


def comments(store: Store, snapshot_id: int) -> list[Comment]:
    """Every comment on a snapshot, oldest first."""
    with store.read() as conn:
        rows = conn.execute(select(review_comments).where(
            review_comments.c.snapshot_id == int(snapshot_id)).order_by(
            review_comments.c.id)).mappings().all()
    return [Comment(int(r["id"]), int(r["snapshot_id"]), r["target_kind"], r["target"],
                    r["body"], r["author"], r["author_name"], r["created_at"]) for r in rows]


def sign_off(store: Store, snapshot_id: int, actor: Actor, note: str = "") -> SignOff:
    """Record that ``actor`` reviewed the snapshot (once per person)."""
    now = stamp()
    with store.write() as conn:
        _check_snapshot(conn, snapshot_id)
        try:
            with conn.begin_nested():
                conn.execute(insert(review_signoffs).values(
                    snapshot_id=int(snapshot_id), signed_by=actor.id, signed_by_name=actor.name,
                    signed_at=now, note=note.strip()))
        except IntegrityError:
            raise ConflictError(f"{actor.name} has signed snapshot #{snapshot_id} already"
                                ) from None
        audit.record(conn, actor, "review.signoff", f"snapshot #{snapshot_id}")
    return SignOff(int(snapshot_id), actor.id, actor.name, now, note.strip())


def signoffs(store: Store, snapshot_ids: list[int] | None = None) -> dict[int, list[SignOff]]:
    """Sign-offs by snapshot id (all snapshots, or the ones given), oldest first."""
    query = select(review_signoffs).order_by(review_signoffs.c.id)
    if snapshot_ids is not None:
        query = query.where(review_signoffs.c.snapshot_id.in_([int(i) for i in snapshot_ids]))
    with store.read() as conn:
        rows = conn.execute(query).mappings().all()
    out: dict[int, list[SignOff]] = {}
    for r in rows:
        out.setdefault(int(r["snapshot_id"]), []).append(SignOff(
            int(r["snapshot_id"]), r["signed_by"], r["signed_by_name"], r["signed_at"], r["note"]))
    return out


def comment_counts(store: Store) -> dict[int, int]:
    """How many comments each snapshot has."""
    with store.read() as conn:
        rows = conn.execute(select(review_comments.c.snapshot_id, func.count()).group_by(
            review_comments.c.snapshot_id)).all()
    return {int(a): int(b) for a, b in rows}
