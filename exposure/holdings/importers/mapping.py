"""Column mappings for files no format recognises, and the preview a page shows for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from exposure.errors import ImportFormatError
from exposure.holdings.importers import generic
from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.headers import column_map, norm
from exposure.holdings.importers.presets import check_mapping
from exposure.holdings.importers.sniff import Document

_HEADER_SEARCH_ROWS = 80


def locate(doc: Document, mapping: Mapping[str, str]) -> tuple[int, dict[str, int]]:
    """Find the header row holding every mapped column; error names the missing column."""
    clean = check_mapping(mapping)
    wanted = {key: norm(col) for key, col in clean.items()}
    best_missing: list[str] | None = None
    for i, row in enumerate(doc.rows[:_HEADER_SEARCH_ROWS]):
        keys = [norm(c) for c in row]
        missing = [clean[k] for k, col in wanted.items() if col not in keys]
        if not missing:
            return i, {k: keys.index(col) for k, col in wanted.items()}
        if any(row) and (best_missing is None or len(missing) < len(best_missing)):
            best_missing = missing
    column = (best_missing or [next(iter(clean.values()))])[0]
    raise ImportFormatError("column not found in the file (check the spelling; the header "
                            "row must be within the first 80 lines)", path=doc.name,
                            column=column)


def parse_mapped(doc: Document, mapping: Mapping[str, str], out: Collector) -> None:
    """Read ``doc`` with an explicit column mapping."""
    header_index, cols = locate(doc, mapping)
    clean = check_mapping(mapping)
    generic.read_rows(doc, header_index, cols, out, labels=clean)


@dataclass
class Preview:
    """What a page shows before a mapping is chosen.

    ``header_row`` is the 1-based line of the located header (0 if none was found, then
    ``header`` is the first non-empty row); ``suggested`` maps fields to header cells
    recognised through aliases.
    """

    name: str
    encoding: str
    delimiter: str
    header: list[str]
    header_row: int
    rows: list[list[str]]
    format: str | None = None
    suggested: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def build_preview(doc: Document, format_id: str | None, rows: int = 10) -> Preview:
    found = generic.find(doc)
    if found is not None:
        index = found[0]
    else:
        widths = [len([c for c in r if c]) for r in doc.rows[:_HEADER_SEARCH_ROWS]]
        index = widths.index(max(widths)) if widths and max(widths) > 0 else 0
    header = doc.rows[index] if doc.rows else []
    cols = column_map(header, generic.ALIASES)
    suggested = {k: header[v] for k, v in cols.items() if k != "cost_basis"}
    body = [r for r in doc.rows[index + 1:] if any(r)][:rows]
    return Preview(name=doc.name, encoding=doc.encoding, delimiter=doc.delimiter,
                   header=list(header), header_row=doc.line(index) if doc.rows else 0,
                   rows=body, format=format_id, suggested=suggested,
                   warnings=list(doc.warnings))
