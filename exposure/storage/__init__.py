"""One storage layer for everything a team shares: books (every version kept), user scenarios,
import presets, review snapshots with their comments and sign-offs, role assignments and the
audit log.

SQLAlchemy 2 Core on SQLite in the workspace (``<home>/exposure.sqlite``) by default, or on
PostgreSQL when ``EXPOSURE_DATABASE_URL`` is set (``postgresql+psycopg://...``). The schema is
created and upgraded by the Alembic migrations shipped in ``exposure/storage/migrations``;
append-only tables are enforced by database triggers on both engines. Nothing here knows about
Streamlit or about roles: callers pass who acts (:class:`~exposure.storage.database.Actor`)
and check permissions first (``exposure.auth``).
"""
