"""The tables, as SQLAlchemy Core objects for queries (the migrations create them).

Times are UTC ISO 8601 text (``2026-12-02T14:02:00+00:00``): the same on both engines, sortable,
and the legacy review store used the same form.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

TEAM = "@team"
"""The ``space`` of everything that belongs to the team rather than to one person."""

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),      # book | scenario | preset
    Column("space", String(320), nullable=False),    # TEAM or the owner's user id
    Column("key", String(200), nullable=False),      # normalised name (see names.py)
    Column("name", Text, nullable=False),            # as typed, for display
    Column("version", Integer, nullable=False),
    Column("updated_by", String(320), nullable=False),
    Column("updated_by_name", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("kind", "space", "key", name="documents_kind_space_key"),
)

document_versions = Table(
    "document_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("saved_by", String(320), nullable=False),
    Column("saved_by_name", Text, nullable=False),
    Column("saved_at", String(40), nullable=False),
    UniqueConstraint("document_id", "version", name="document_versions_doc_version"),
)

snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("taken_at", String(40), nullable=False),
    Column("week", String(10), nullable=False),
    Column("portfolio_name", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("author", Text, nullable=False, server_default=""),
    Column("taken_by", String(320), nullable=False, server_default=""),
    Column("shock_case", String(16), nullable=False),
    Column("price_status", Text, nullable=False, server_default=""),
    Column("total_value_usd", Float, nullable=False),
    Column("cash_usd", Float, nullable=False),
    Column("expected_impact_usd", Float, nullable=False),
    Column("holdings_count", Integer, nullable=False),
    Column("holdings_json", Text, nullable=False),
    Column("scenarios_json", Text, nullable=False),
    Column("app_version", String(40), nullable=False),
)

portfolio_results = Table(
    "portfolio_results", metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), primary_key=True),
    Column("scenario", String(200), primary_key=True),
    Column("ordinal", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("impact_usd", Float, nullable=False),
    Column("impact_pct", Float, nullable=False),
    Column("probability", Float, nullable=False),
)

holding_results = Table(
    "holding_results", metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("scenario", String(200), primary_key=True),
    Column("ordinal", Integer, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("revenue_change", Float, nullable=False),
    Column("value_change", Float, nullable=False),
    Column("impact_usd", Float, nullable=False),
)

review_comments = Table(
    "review_comments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("target_kind", String(16), nullable=False),  # review | holding | scenario
    Column("target", Text, nullable=False, server_default=""),
    Column("body", Text, nullable=False),
    Column("author", String(320), nullable=False),
    Column("author_name", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

review_signoffs = Table(
    "review_signoffs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("signed_by", String(320), nullable=False),
    Column("signed_by_name", Text, nullable=False),
    Column("signed_at", String(40), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    UniqueConstraint("snapshot_id", "signed_by", name="review_signoffs_once"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(320), nullable=False),
    Column("actor_name", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
)

user_roles = Table(
    "user_roles", metadata,
    Column("user_id", String(320), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("updated_by", String(320), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

legacy_imports = Table(
    "legacy_imports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", String(40), nullable=False),
    Column("result", Text, nullable=False),
    UniqueConstraint("source", "sha256", name="legacy_imports_once"),
)

APPEND_ONLY = ("document_versions", "snapshots", "portfolio_results", "holding_results",
               "review_comments", "review_signoffs", "audit_log", "legacy_imports")
"""Tables whose rows are never updated or deleted (database triggers refuse it)."""
