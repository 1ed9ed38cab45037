"""The weekly review as a team ritual: comments per holding, per scenario or on the whole
review, and sign-offs ("reviewed by NAME at TIME"). Checks the signed-in user's role, then
records through :mod:`exposure.storage.reviews` (append-only, audited).

A review is *open* until someone has signed it off.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exposure.auth.identity import LOCAL_USER, Identity
from exposure.auth.permissions import require
from exposure.review.snapshot import SnapshotInfo
from exposure.review.store import list_snapshots
from exposure.storage import reviews
from exposure.storage.access import open_existing, open_store
from exposure.storage.reviews import Comment, SignOff


@dataclass(frozen=True)
class ReviewStatus:
    """One snapshot with its sign-offs and how many comments it has."""

    info: SnapshotInfo
    signoffs: tuple[SignOff, ...]
    comments: int

    @property
    def open(self) -> bool:
        return not self.signoffs

    @property
    def signed_line(self) -> str:
        return "; ".join(s.line for s in self.signoffs) if self.signoffs else "open"


def _who(user: Identity | None) -> Identity:
    return user if user is not None else LOCAL_USER


def add_comment(snapshot_id: int, body: str, *, on: str = "review", target: str = "",
                user: Identity | None = None, home: str | Path | None = None) -> Comment:
    """Comment on a snapshot (``on``: ``review``, ``holding`` with a symbol, ``scenario``
    with a scenario id)."""
    who = _who(user)
    require(who, "review.write")
    return reviews.add_comment(open_store(home), snapshot_id, who.actor, body,
                               target_kind=on, target=target)


def sign_off(snapshot_id: int, *, note: str = "", user: Identity | None = None,
             home: str | Path | None = None) -> SignOff:
    """Sign the review of ``snapshot_id`` off (once per person)."""
    who = _who(user)
    require(who, "review.write")
    return reviews.sign_off(open_store(home), snapshot_id, who.actor, note)


def comments(snapshot_id: int, home: str | Path | None = None) -> list[Comment]:
    store = open_existing(home)
    return reviews.comments(store, snapshot_id) if store is not None else []


def signoffs(snapshot_id: int, home: str | Path | None = None) -> list[SignOff]:
    store = open_existing(home)
    return reviews.signoffs(store, [snapshot_id]).get(snapshot_id, []) if store else []


def review_statuses(home: str | Path | None = None) -> list[ReviewStatus]:
    """Every snapshot, newest first, with who signed it (open ones have no sign-off)."""
    infos = list_snapshots(home)
    store = open_existing(home)
    if store is None or not infos:
        return []
    signed = reviews.signoffs(store)
    counts = reviews.comment_counts(store)
    return [ReviewStatus(i, tuple(signed.get(i.id, [])), counts.get(i.id, 0))
            for i in reversed(infos)]
