"""Spreadsheets (XLSX, XLSM, XLS, ODS) read into rows, then imported like CSV text.

Every broker layout can arrive re-saved as a workbook. The workbook is read with
python-calamine (a maintained Rust reader; no hand parsing of zip or XML here); one sheet's
cells become strings (numbers in their shortest exact form, dates as ISO dates) and the
rows go through the same format detection and readers as a CSV file. Line numbers in the
report are the sheet's row numbers.

Costs are bounded before anything is parsed: the file size (checked by the caller), the
uncompressed size of a zip-based workbook (a zip bomb is refused from its directory,
:data:`MAX_UNCOMPRESSED_BYTES`) and the rows read (:data:`~exposure.holdings.importers.sniff.MAX_IMPORT_ROWS`).
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any

from exposure.errors import ImportFormatError
from exposure.holdings.importers.sniff import LAYOUT_ALLOWANCE, MAX_IMPORT_ROWS, Document

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
"""Largest uncompressed content of an XLSX/ODS workbook (a 20 MB file of text rows is far
below; a zip bomb is far above)."""


def is_workbook(data: bytes) -> bool:
    """True for XLSX/XLSM/ODS (zip) and legacy XLS (OLE2) signatures."""
    return data.startswith((ZIP_MAGIC, OLE_MAGIC))


def _check_zip(data: bytes, name: str) -> str:
    """Which zip workbook this is (``xlsx``/``ods``); refuse other zips and zip bombs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise ImportFormatError("a damaged zip/Excel file", path=name) from None
    names = {i.filename for i in infos}
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportFormatError(
            f"workbook unpacks to {total / 1_048_576:.0f} MB; the limit is "
            f"{MAX_UNCOMPRESSED_BYTES // 1_048_576} MB uncompressed", path=name)
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    raise ImportFormatError("a zip archive, not an Excel or OpenDocument workbook; export the "
                            "positions as CSV or XLSX", path=name)


def cell_text(value: Any) -> str:
    """One cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "NaN" if math.isnan(value) else str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value).strip()


def sheet_names(data: bytes, name: str) -> list[str]:
    """The sheets of a workbook (for a page's sheet choice)."""
    from python_calamine import CalamineError, CalamineWorkbook

    if data.startswith(ZIP_MAGIC):
        _check_zip(data, name)
    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportFormatError(f"cannot read the workbook ({str(exc)[:80]})",
                                path=name) from None


def read_workbook(data: bytes, name: str, sheet: str | None = None,
                  choose: Any = None) -> Document:
    """The rows of one sheet as a :class:`Document`.

    ``sheet`` is a sheet name or a 1-based number; without it, ``choose(document)`` (true when
    a known layout is found) picks the first matching sheet, else the first non-empty one.
    """
    from python_calamine import CalamineError, CalamineWorkbook  # import cost only when used

    kind = _check_zip(data, name) if data.startswith(ZIP_MAGIC) else "xls"
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportFormatError(f"cannot read the {kind.upper()} workbook "
                                f"({type(exc).__name__}: {str(exc)[:80]})", path=name) from None
    if not names:
        raise ImportFormatError("the workbook has no sheets", path=name)
    if sheet is not None and sheet.strip():
        wanted = sheet.strip()
        if wanted.isdigit() and 1 <= int(wanted) <= len(names) and wanted not in names:
            wanted = names[int(wanted) - 1]
        if wanted not in names:
            raise ImportFormatError(f"no sheet {sheet!r} (sheets: {', '.join(names[:10])})",
                                    path=name)
        return _document(workbook, wanted, name, kind, names)
    first: Document | None = None
    for candidate in names:
        doc = _document(workbook, candidate, name, kind, names)
        if not doc.rows:
            continue
        if choose is not None and choose(doc):
            return doc
        first = first or doc
    if first is None:
        raise ImportFormatError("every sheet of the workbook is empty", path=name)
    return first


def _document(workbook: Any, sheet: str, name: str, kind: str, names: list[str]) -> Document:
    from python_calamine import CalamineError

    try:
        raw = workbook.get_sheet_by_name(sheet).to_python(
            skip_empty_area=False, nrows=MAX_IMPORT_ROWS + LAYOUT_ALLOWANCE + 1)
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportFormatError(f"cannot read sheet {sheet!r} ({str(exc)[:80]})",
                                path=name) from None
    if len(raw) > MAX_IMPORT_ROWS + LAYOUT_ALLOWANCE:
        raise ImportFormatError(f"sheet {sheet!r} has more than {MAX_IMPORT_ROWS:,} rows (the "
                                "import limit)", path=name)
    rows = [[cell_text(v) for v in r] for r in raw]
    while rows and not any(rows[-1]):
        rows.pop()
    warnings = []
    others = [n for n in names if n != sheet]
    if others:
        warnings.append(f"workbook sheet {sheet!r} was read (other sheets: "
                        f"{', '.join(others[:5])}; choose another with --sheet)")
    text = "\n".join(",".join(r) for r in rows[:200])
    return Document(name=name, text=text, encoding=kind, delimiter=",", rows=rows,
                    lines=list(range(1, len(rows) + 1)), warnings=warnings, sheet=sheet)
