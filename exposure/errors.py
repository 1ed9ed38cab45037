"""One small family of errors, each carrying where the problem is, so that the page and the
CLI can each show a single clean line instead of a traceback."""

from __future__ import annotations

from pathlib import Path


class ExposureError(Exception):
    """Base of every error the app reports to a user."""


class DataFileError(ExposureError):
    """A data or workspace file is unreadable or invalid.

    The message names the file, the entry (id or position) and the field.
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path)
        self.entry = entry
        self.field = field
        self.detail = message
        where = self.path
        if entry is not None:
            where += f": entry {entry}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")


class PortfolioError(ExposureError):
    """A portfolio file or table cannot be used (names file, row and column where known)."""


class ImportFormatError(PortfolioError):
    """A broker export cannot be imported."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = path
        self.row = row
        self.column = column
        parts = []
        if path:
            parts.append(str(path))
        if row is not None:
            parts.append(f"row {row}")
        if column:
            parts.append(f"column '{column}'")
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class UnknownScenarioError(ExposureError):
    """A scenario id was asked for that the catalog does not have."""


class WorkspaceError(ExposureError):
    """The workspace cannot be written (read-only, full disk, bad name)."""
