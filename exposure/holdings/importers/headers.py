"""Header matching by normalised names and aliases, never by column position.

Brokers drift: Fidelity lower-cases (``Last price``), Schwab renames (``Quantity`` ->
``Qty (Quantity)``), E*TRADE reorders, IBKR Flex columns are user-chosen. So every format
states the names it accepts for each field and the header row is located by content, not
by line number (IMPORT_FORMATS.md "Header drift", "Preamble lines").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

_NON_WORD = re.compile(r"[\s_]+")


def norm(cell: str) -> str:
    """Header cell -> comparison key: NFKC, lower case, single spaces, no BOM/quotes."""
    text = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().strip('"').lower()
    return _NON_WORD.sub(" ", text).strip()


Aliases = Mapping[str, Sequence[str]]
"""field -> accepted header names (already in :func:`norm` form)."""


def column_map(header: Sequence[str], aliases: Aliases) -> dict[str, int]:
    """field -> column index for every field whose alias appears in ``header``.

    Earlier aliases win; each column is used by at most one field.
    """
    keys = [norm(h) for h in header]
    found: dict[str, int] = {}
    used: set[int] = set()
    for fieldname, names in aliases.items():
        for name in names:
            if name in keys:
                idx = keys.index(name)
                if idx not in used:
                    found[fieldname] = idx
                    used.add(idx)
                    break
    return found


def find_header(rows: Sequence[Sequence[str]], aliases: Aliases, required: Iterable[str],
                *, start: int = 0, limit: int = 80) -> tuple[int, dict[str, int]] | None:
    """First row (from ``start``, within ``limit`` rows) that has every ``required`` field."""
    need = list(required)
    for i in range(start, min(len(rows), start + limit)):
        cols = column_map(rows[i], aliases)
        if all(f in cols for f in need):
            return i, cols
    return None


def has_columns(row: Sequence[str], *names: str) -> bool:
    keys = {norm(c) for c in row}
    return all(n in keys for n in names)


def cell(row: Sequence[str], cols: Mapping[str, int], fieldname: str) -> str:
    """The cell for ``fieldname`` ('' when the column is absent or the row is short)."""
    idx = cols.get(fieldname)
    if idx is None or idx >= len(row):
        return ""
    return row[idx]
