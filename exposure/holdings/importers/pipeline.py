"""The way in: bytes or a path -> :class:`ImportResult`, or one clean ImportFormatError."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from exposure.errors import ExposureError, ImportFormatError
from exposure.holdings.importers import generic, yaml_portfolio
from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.detect import detect_broker, match_preset
from exposure.holdings.importers.mapping import Preview, build_preview, parse_mapped
from exposure.holdings.importers.presets import load_presets
from exposure.holdings.importers.result import ImportResult
from exposure.holdings.importers.sniff import (
    Document,
    check_size,
    decode,
    document_from_text,
    read_document,
)

if TYPE_CHECKING:
    from exposure.model.catalog import Catalog


def import_file(path: str | Path, *, mapping: Mapping[str, str] | None = None,
                home: str | Path | None = None,
                catalog: Catalog | None = None) -> ImportResult:
    """Import a broker export or portfolio file from disk (size checked before reading)."""
    p = Path(path)
    try:
        if not p.is_file():
            raise ImportFormatError("file not found" if not p.exists() else "not a file",
                                    path=str(p))
        check_size(p.stat().st_size, str(p))
        data = p.read_bytes()
    except PermissionError:
        raise ImportFormatError("permission denied", path=str(p)) from None
    except OSError as exc:
        raise ImportFormatError(f"cannot read ({exc.strerror or exc})", path=str(p)) from None
    return import_bytes(data, str(p), mapping=mapping, home=home,
                        catalog=catalog)


def import_bytes(data: bytes, name: str, *, mapping: Mapping[str, str] | None = None,
                 home: str | Path | None = None,
                 catalog: Catalog | None = None) -> ImportResult:
    """Import uploaded bytes; ``name`` is only used for messages and the YAML check.

    With ``mapping`` (field -> column name) the file is read with that mapping; otherwise
    the format is auto-detected (brokers, then saved presets, then generic CSV).
    """
    try:
        return _import(data, name, mapping, home, catalog)
    except ExposureError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, csv.Error, UnicodeError,
            RecursionError, ArithmeticError) as exc:
        # A layout we did not foresee must still end as one clean line, not a traceback.
        raise ImportFormatError(f"could not be read ({type(exc).__name__}: {exc})",
                                path=name) from None


def _import(data: bytes, name: str, mapping: Mapping[str, str] | None,
            home: str | Path | None, catalog: Catalog | None) -> ImportResult:
    text, encoding, warnings = decode(data, name)
    if mapping is None and yaml_portfolio.detect(text, name):
        result = yaml_portfolio.parse(text, name, encoding, catalog)
        result.warnings[:0] = warnings
        return _checked(result, name, None)
    doc = document_from_text(text, encoding, warnings, name)
    if mapping is not None:
        out = _collector(doc, None)
        parse_mapped(doc, mapping, out)
        return _checked(out.result("mapping", doc.encoding, catalog, doc.warnings), name, doc)
    module = detect_broker(doc)
    if module is not None:
        out = _collector(doc, module.DECIMAL_COMMA)
        module.parse(doc, out)
        return _checked(out.result(module.FORMAT_ID, doc.encoding, catalog, doc.warnings),
                        name, doc)
    preset = match_preset(doc, load_presets(home))
    if preset is not None:
        out = _collector(doc, None)
        parse_mapped(doc, preset.mapping, out)
        return _checked(out.result(f"preset:{preset.name}", doc.encoding, catalog,
                                   doc.warnings), name, doc)
    if generic.detect(doc):
        out = _collector(doc, None)
        generic.parse(doc, out)
        return _checked(out.result(generic.FORMAT_ID, doc.encoding, catalog, doc.warnings),
                        name, doc)
    raise ImportFormatError(
        "format not recognised: no known broker layout and no column named like symbol + "
        "quantity/value; map the columns (--map symbol=COL,quantity=COL)", path=name)


def _collector(doc: Document, decimal_comma: bool | None) -> Collector:
    """``decimal_comma=None``: the reader decides from its numeric columns."""
    return Collector(name=doc.name, decimal_comma=decimal_comma)


def _checked(result: ImportResult, name: str, doc: Document | None) -> ImportResult:
    """Refuse a result with nothing in it; say what was skipped instead."""
    if len(result.holdings) or result.cash:
        return result
    if result.skipped:
        reasons: dict[str, int] = {}
        for s in result.skipped:
            key = s["reason"].split(":")[0] if s["reason"].startswith("symbol") else s["reason"]
            reasons[key] = reasons.get(key, 0) + 1
        top = "; ".join(f"{r} ({n})" for r, n in list(reasons.items())[:3])
        raise ImportFormatError(f"no holdings found ({len(result.skipped)} rows skipped: {top})",
                                path=name, row=result.skipped[0]["row"])
    raise ImportFormatError(f"no holdings found in this {result.format or 'file'} export",
                            path=name)


def preview(data: bytes, name: str, *, rows: int = 10,
            home: str | Path | None = None) -> Preview:
    """The located header and first rows, plus the detected format (None if unrecognised)."""
    doc = read_document(data, name)
    module = detect_broker(doc)
    fmt: str | None = module.FORMAT_ID if module is not None else None
    if fmt is None:
        preset = match_preset(doc, load_presets(home))
        if preset is not None:
            fmt = f"preset:{preset.name}"
        elif generic.detect(doc):
            fmt = generic.FORMAT_ID
    return build_preview(doc, fmt, rows)
