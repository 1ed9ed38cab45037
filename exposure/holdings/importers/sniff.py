"""Turning uploaded bytes into rows: size cap, binary check, encoding, delimiter, quoting.

Order of decisions (IMPORT_FORMATS.md "BOM / encoding", "Delimiter / decimals"):

1. larger than :data:`MAX_IMPORT_BYTES` -> error; empty -> error;
2. known binary signatures (xlsx/zip, PDF, images) and NUL bytes -> error, except that a
   UTF-16 byte-order mark (Excel "Unicode text") is honoured;
3. ``utf-8-sig``; else ``cp1252`` (European bank exports), reported as a warning; text with
   many control characters is refused as binary;
4. an unterminated quote is an error naming the line where it opened (the ``csv`` module
   would otherwise silently swallow the rest of the file, THREATS.md section 2);
5. the delimiter (``,`` ``;`` tab ``|``) is the one that gives the most rows of the same
   width in the first lines.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from exposure.errors import ImportFormatError

MAX_IMPORT_BYTES = 20 * 1024 * 1024
"""Largest file imported (20 MB). Limits are set by cost (``bench/bench_import.py``):
:data:`MAX_IMPORT_ROWS` stops any file first; the byte limit bounds decoding and the upload."""

_SIGNATURES: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "an Excel workbook or zip archive; export the positions as CSV"),
    (b"\xd0\xcf\x11\xe0", "a legacy Excel (.xls) workbook; export the positions as CSV"),
    (b"%PDF", "a PDF document; download the positions as CSV instead"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
]
MAX_IMPORT_ROWS = 50_000
"""Most data rows read (plus :data:`LAYOUT_ALLOWANCE` header and preamble lines), set by cost:
on the project's 2-core machine (2 Dec 2026, ``bench/bench_import.py``) a 100,000-row book
imported in 5.4 s but import plus the Overview's first render took 16.1 s, over the 10 s
budget; at 5,000 rows it is 2.1 s. A positions export has hundreds of rows."""
LAYOUT_ALLOWANCE = 100
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 60


@dataclass
class Document:
    """A decoded text file split into rows (cells stripped of surrounding spaces).

    ``rows[i]`` is the ``i``-th *record*; ``lines[i]`` its 1-based line number in the file
    (records with quoted newlines span several lines).
    """

    name: str
    text: str
    encoding: str
    delimiter: str
    rows: list[list[str]]
    lines: list[int]
    warnings: list[str] = field(default_factory=list)
    sheet: str = ""
    """For a workbook: the sheet the rows come from."""

    def line(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else index + 1

    def raw_text(self, index: int, limit: int = 160) -> str:
        """The record's cells re-joined, shortened for a report."""
        text = self.delimiter.join(self.rows[index]).strip(self.delimiter + " ")
        return text if len(text) <= limit else text[: limit - 1] + "…"


def check_size(size: int, name: str) -> None:
    if size > MAX_IMPORT_BYTES:
        raise ImportFormatError(
            f"file is {size / 1_048_576:.2f} MB; the import limit is "
            f"{MAX_IMPORT_BYTES // 1_048_576} MB (a positions export is a few kB)", path=name)


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode file bytes; return ``(text, encoding, warnings)`` or raise ImportFormatError."""
    check_size(len(data), name)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFormatError("file is empty", path=name)
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise ImportFormatError(f"this is {what}, not a CSV or YAML text file", path=name)
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ImportFormatError("starts with a UTF-16 mark but is not UTF-16 text",
                                    path=name) from None
    else:
        if b"\x00" in data:
            raise ImportFormatError("binary file (contains NUL bytes), not CSV or YAML text",
                                    path=name)
        try:
            text = data.decode("utf-8-sig")
            encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        except UnicodeDecodeError as exc:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
            warnings.append(
                f"file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                f"read as {encoding}: check accented names")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(8, len(text[:65536]) // 100):
        raise ImportFormatError("binary file (control characters), not CSV or YAML text",
                                path=name)
    if "\x00" in text:
        raise ImportFormatError("binary file (contains NUL characters)", path=name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return text, encoding, warnings


def check_quotes(text: str, name: str, delimiter: str = ",") -> None:
    """Raise if a double quote opens a field that never closes (the rest would be one cell).

    A well-formed file has an even number of ``"``; only an odd count is checked, with the
    csv module in strict mode (C speed), which stops at the end of the data inside the open
    field; the error names the line where that record started.
    """
    if text.count('"') % 2 == 0:
        return
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _row in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ImportFormatError("unterminated quoted field (a \" that never closes)",
                                    path=name, row=start) from None
        _scan_quotes(text, name)  # another quirk stopped strict mode: scan by hand


def _scan_quotes(text: str, name: str) -> None:
    """The same check, character by character (only when strict csv stopped early)."""
    in_quote = False
    opened_line = line = 1
    at_field_start = True
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if in_quote:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1  # escaped quote
                else:
                    in_quote, at_field_start = False, False
            elif ch == "\n":
                line += 1
        elif ch == '"' and at_field_start:
            in_quote, opened_line = True, line
        else:
            if ch == "\n":
                line += 1
            at_field_start = ch in ",;\t|\n"
        i += 1
    if in_quote:
        raise ImportFormatError("unterminated quoted field (a \" that never closes)",
                                path=name, row=opened_line)


def sniff_delimiter(text: str) -> str:
    """The delimiter that gives the most equally wide rows among the first lines."""
    head = "\n".join(text.split("\n", _SNIFF_LINES)[:_SNIFF_LINES])
    best, best_score = ",", (0, 0)
    for delim in _DELIMITERS:
        widths: dict[int, int] = {}
        try:
            for row in csv.reader(io.StringIO(head), delimiter=delim):
                width = len(row)
                if width > 1:
                    widths[width] = widths.get(width, 0) + 1
        except csv.Error:
            continue
        if not widths:
            continue
        score = max((count, width) for width, count in widths.items())
        if score > best_score:
            best, best_score = delim, score
    return best


def split_rows(text: str, delimiter: str, name: str) -> tuple[list[list[str]], list[int]]:
    """CSV records with cells stripped; errors name the line."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            if len(rows) >= MAX_IMPORT_ROWS + LAYOUT_ALLOWANCE:
                raise ImportFormatError(
                    f"more than {MAX_IMPORT_ROWS:,} rows (the import limit, with "
                    f"{MAX_IMPORT_BYTES // 1_048_576} MB; a positions export has far fewer: "
                    "is this a transaction history or a data dump?)", path=name,
                    row=reader.line_num)
            rows.append([cell.strip() for cell in row])
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a field is longer than {csv.field_size_limit() // 1024} kB"
        raise ImportFormatError(f"not a readable CSV file: {message}", path=name,
                                row=reader.line_num or start) from None
    return rows, lines


def read_document(data: bytes, name: str) -> Document:
    """Decode and split a delimited text file."""
    text, encoding, warnings = decode(data, name)
    return document_from_text(text, encoding, warnings, name)


def document_from_text(text: str, encoding: str, warnings: list[str], name: str) -> Document:
    """Split already decoded text (see :func:`decode`)."""
    delimiter = sniff_delimiter(text)
    check_quotes(text, name, delimiter)
    rows, lines = split_rows(text, delimiter, name)
    return Document(name=name, text=text, encoding=encoding, delimiter=delimiter, rows=rows,
                    lines=lines, warnings=warnings)
