"""The team store: versioned documents, review snapshots, comments, sign-offs, roles, audit.

Revision ID: 0001
Revises:
Create Date: 2026-12-02

Append-only tables get triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
A released migration is never edited: later changes are new revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("document_versions", "snapshots", "portfolio_results", "holding_results",
               "review_comments", "review_signoffs", "audit_log", "legacy_imports")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION exposure_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: rows cannot be changed or deleted', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _who(prefix: str) -> list[sa.Column]:
    return [sa.Column(f"{prefix}", sa.String(320), nullable=False),
            sa.Column(f"{prefix}_name", sa.Text, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("space", sa.String(320), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        *_who("updated_by"),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("kind", "space", "key", name="documents_kind_space_key"),
        sa.CheckConstraint("kind IN ('book', 'scenario', 'preset')", name="documents_kind"),
        sa.CheckConstraint("version >= 1", name="documents_version"),
    )
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        *_who("saved_by"),
        sa.Column("saved_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("document_id", "version", name="document_versions_doc_version"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("taken_at", sa.String(40), nullable=False),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("portfolio_name", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("taken_by", sa.String(320), nullable=False, server_default=""),
        sa.Column("shock_case", sa.String(16), nullable=False),
        sa.Column("price_status", sa.Text, nullable=False, server_default=""),
        sa.Column("total_value_usd", sa.Float, nullable=False),
        sa.Column("cash_usd", sa.Float, nullable=False),
        sa.Column("expected_impact_usd", sa.Float, nullable=False),
        sa.Column("holdings_count", sa.Integer, nullable=False),
        sa.Column("holdings_json", sa.Text, nullable=False),
        sa.Column("scenarios_json", sa.Text, nullable=False),
        sa.Column("app_version", sa.String(40), nullable=False),
    )
    op.create_index("snapshots_by_time", "snapshots", ["taken_at", "id"])
    op.create_table(
        "portfolio_results",
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
        sa.Column("scenario", sa.String(200), primary_key=True),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("impact_usd", sa.Float, nullable=False),
        sa.Column("impact_pct", sa.Float, nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
    )
    op.create_table(
        "holding_results",
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("scenario", sa.String(200), primary_key=True),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("revenue_change", sa.Float, nullable=False),
        sa.Column("value_change", sa.Float, nullable=False),
        sa.Column("impact_usd", sa.Float, nullable=False),
    )
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target", sa.Text, nullable=False, server_default=""),
        sa.Column("body", sa.Text, nullable=False),
        *_who("author"),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.CheckConstraint("target_kind IN ('review', 'holding', 'scenario')",
                           name="review_comments_target_kind"),
    )
    op.create_index("review_comments_by_snapshot", "review_comments", ["snapshot_id", "id"])
    op.create_table(
        "review_signoffs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), nullable=False),
        *_who("signed_by"),
        sa.Column("signed_at", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("snapshot_id", "signed_by", name="review_signoffs_once"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        *_who("actor"),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("audit_log_by_time", "audit_log", ["at", "id"])
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.String(320), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("updated_by", sa.String(320), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'analyst', 'admin')", name="user_roles_role"),
    )
    op.create_table(
        "legacy_imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.UniqueConstraint("source", "sha256", name="legacy_imports_once"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION exposure_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION exposure_append_only()")
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be "
                    "changed or deleted'); END")
    else:  # pragma: no cover - the two supported engines are above
        raise RuntimeError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")


def downgrade() -> None:
    raise RuntimeError("the team store is not downgraded: restore a backup instead")
