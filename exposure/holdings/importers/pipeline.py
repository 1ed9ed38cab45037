"""The way in: bytes or a path -> :class:`ImportResult`, or one clean ImportFormatError."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from exposure.errors import ExposureError, ImportFormatError
from exposure.holdings.importers import generic, yaml_portfolio
from exposure.holdings.importers.collect import Collector, IsinResolver
from exposure.holdings.importers.currencies import is_currency_code
from exposure.holdings.importers.detect import detect_broker, match_preset
from exposure.holdings.importers.history import refusal, transaction_history
from exposure.holdings.importers.mapping import Preview, build_preview, parse_mapped
from exposure.holdings.importers.presets import load_presets
from exposure.holdings.importers.result import ImportResult
from exposure.holdings.importers.sheets import is_workbook, read_workbook
from exposure.holdings.importers.sniff import (
    Document,
    check_size,
    decode,
    document_from_text,
    read_document,
)
from exposure.holdings.isin import IsinMap, bundled_isin_map

if TYPE_CHECKING:
    from exposure.model.catalog import Catalog


@dataclass(frozen=True)
class ImportOptions:
    """Choices that change how a file is read (none changes which file is read).

    ``currency``: the currency of ``$``/``¥``/``kr`` or unlabelled values when the file does
    not settle it (``JPY``, or per mark ``$=CAD,¥=JPY``); ``sheet``: the workbook sheet (name or 1-based number); ``today``: the
    import day (the statement date of an undated file); ``isin_resolver``: ISIN -> symbol
    for ISINs the bundled map lacks (the cached online lookup); ``isin_map``: the map (tests).
    """

    currency: str | None = None
    sheet: str | None = None
    today: date | None = None
    isin_resolver: IsinResolver | None = None
    isin_map: IsinMap | None = None


def import_file(path: str | Path, *, mapping: Mapping[str, str] | None = None,
                home: str | Path | None = None,
                catalog: Catalog | None = None,
                options: ImportOptions | None = None) -> ImportResult:
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
                        catalog=catalog, options=options)


def import_bytes(data: bytes, name: str, *, mapping: Mapping[str, str] | None = None,
                 home: str | Path | None = None,
                 catalog: Catalog | None = None,
                 options: ImportOptions | None = None) -> ImportResult:
    """Import uploaded bytes; ``name`` is only used for messages and the YAML check.

    With ``mapping`` (field -> column name) the file is read with that mapping; otherwise
    the format is auto-detected (brokers, then saved presets, then generic CSV). A
    transaction history that is not replayed is refused.
    """
    opts = options or ImportOptions()
    parse_currency_choice(opts.currency)
    try:
        return _import(data, name, mapping, home, catalog, opts)
    except ExposureError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, csv.Error, UnicodeError,
            RecursionError, ArithmeticError) as exc:
        # A layout we did not foresee must still end as one clean line, not a traceback.
        raise ImportFormatError(f"could not be read ({type(exc).__name__}: {exc})",
                                path=name) from None


def load_document(data: bytes, name: str, sheet: str | None = None) -> Document:
    """Bytes -> rows: a workbook sheet, or decoded delimited text."""
    check_size(len(data), name)
    if is_workbook(data):
        return read_workbook(data, name, sheet, choose=_known_layout)
    return read_document(data, name)


def _known_layout(doc: Document) -> bool:
    return detect_broker(doc) is not None or transaction_history(doc) is not None \
        or generic.detect(doc)


def _import(data: bytes, name: str, mapping: Mapping[str, str] | None,
            home: str | Path | None, catalog: Catalog | None,
            opts: ImportOptions) -> ImportResult:
    if is_workbook(data):
        doc = load_document(data, name, opts.sheet)
    else:
        text, encoding, warnings = decode(data, name)
        if mapping is None and yaml_portfolio.detect(text, name):
            result = yaml_portfolio.parse(text, name, encoding, catalog)
            result.warnings[:0] = warnings
            return _checked(result, name, None)
        doc = document_from_text(text, encoding, warnings, name)
    history = transaction_history(doc)
    if mapping is not None:
        if history is not None:
            raise ImportFormatError(refusal(history), path=name)
        out = _collector(doc, None, None, opts)
        parse_mapped(doc, mapping, out)
        return _finish(out, "mapping", doc, catalog, name)
    module = detect_broker(doc)
    if module is not None:
        out = _collector(doc, module.DECIMAL_COMMA, getattr(module, "DEFAULT_CURRENCY", None),
                         opts)
        module.parse(doc, out)
        return _finish(out, module.FORMAT_ID, doc, catalog, name)
    if history is not None:
        raise ImportFormatError(refusal(history), path=name)
    preset = match_preset(doc, load_presets(home))
    if preset is not None:
        out = _collector(doc, None, None, opts)
        parse_mapped(doc, preset.mapping, out)
        return _finish(out, f"preset:{preset.name}", doc, catalog, name)
    if generic.detect(doc):
        out = _collector(doc, None, None, opts)
        generic.parse(doc, out)
        return _finish(out, generic.FORMAT_ID, doc, catalog, name)
    raise ImportFormatError(
        "format not recognised: no known broker layout and no column named like symbol + "
        "quantity/value; map the columns (--map symbol=COL,quantity=COL)", path=name)


def parse_currency_choice(text: str | None) -> tuple[str | None, dict[str, str]]:
    """``JPY`` -> (JPY, {}); ``$=CAD,¥=JPY`` -> (None, {"$": "CAD", "¥": "JPY"}).

    A bad code or pair is an :class:`ImportFormatError` naming it.
    """
    if not text or not text.strip():
        return None, {}
    single: str | None = None
    by_mark: dict[str, str] = {}
    for part in text.split(","):
        mark, sep, code = part.strip().rpartition("=")
        code = code.strip().upper()
        if not is_currency_code(code):
            raise ImportFormatError(f"currency {code or part.strip()!r} is not a three-letter "
                                    "currency code (USD, EUR, JPY ...)")
        if sep:
            if not mark.strip():
                raise ImportFormatError(f"currency choice {part.strip()!r}: give MARK=CODE, "
                                        "e.g. $=CAD")
            by_mark[mark.strip()] = code
        else:
            single = code
    return single, by_mark


def _collector(doc: Document, decimal_comma: bool | None, default_currency: str | None,
               opts: ImportOptions) -> Collector:
    """``decimal_comma=None``: the reader decides from its numeric columns."""
    records = {doc.line(i): i for i, row in enumerate(doc.rows) if any(row)}
    single, by_mark = parse_currency_choice(opts.currency)
    return Collector(name=doc.name, decimal_comma=decimal_comma,
                     default_currency=default_currency, chosen_currency=single,
                     chosen_by_mark=by_mark,
                     today=opts.today or date.today(),
                     isin_map=opts.isin_map or bundled_isin_map(),
                     isin_resolver=opts.isin_resolver, records=records,
                     row_text=lambda i: doc.raw_text(i, 200))


def _finish(out: Collector, format_id: str, doc: Document, catalog: Catalog | None,
            name: str) -> ImportResult:
    result = out.result(format_id, doc.encoding, catalog, doc.warnings)
    result.sheet = doc.sheet
    return _checked(result, name, doc)


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
            home: str | Path | None = None, sheet: str | None = None) -> Preview:
    """The located header and first rows, plus the detected format (None if unrecognised)."""
    doc = load_document(data, name, sheet)
    module = detect_broker(doc)
    fmt: str | None = module.FORMAT_ID if module is not None else None
    if fmt is None:
        preset = match_preset(doc, load_presets(home))
        if preset is not None:
            fmt = f"preset:{preset.name}"
        elif generic.detect(doc):
            fmt = generic.FORMAT_ID
    return build_preview(doc, fmt, rows)
