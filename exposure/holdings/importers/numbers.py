"""One parser for every number and money string a broker export contains (THREATS.md T-05).

==========================  ==========  ==========================================
text                        value       note
==========================  ==========  ==========================================
``$1,234.56``               1234.56     mark ``$`` kept: USD, CAD, AUD ... (ambiguous)
``NT$1,045,000`` ``€3.925,80``  1045000   mark kept: TWD, EUR (see :func:`parse_money`)
``USD 1,234`` ``1.234,56 EUR``  1234      ISO code before or after the number
``-$0.10`` ``+$979.38``     -0.10 979.38  sign before or after the symbol
``($3,027.50)``             -3027.50    accounting negative
``5-``                      -5          trailing minus (mainframe style)
``1.234,56`` (decimal ,)    1234.56     decimal convention is decided per *file*
``+44.53%``                 44.53       percent sign stripped, not divided
``--`` ``n/a`` ``#N/A``     None        placeholders are missing, never 0
``inf`` ``1e309`` ``∞``     error       not finite
==========================  ==========  ==========================================

Values are parsed as :class:`~decimal.Decimal` so that replaying transactions is exact
(``8.331 - 3.331 == 5``); :func:`parse_number` converts to float for the holdings frame.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from exposure.holdings.importers.currencies import (
    AMBIGUOUS_SYMBOLS,
    PREFIX,
    SUFFIX,
    is_currency_code,
    symbol_currencies,
)

PLACEHOLDERS = frozenset({
    "", "-", "--", "---", "n/a", "na", "#n/a", "#value!", "#ref!", "#div/0!", "#name?",
    "#num!", "#null!", "none", "null", "nan", "incomplete", "not available", "unavailable",
    "—", "–",
})
"""Cell texts that mean "no value" (compared lower-case)."""

_US = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$|^\d*\.?\d+$|^\d+\.$")
_EU = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d*)?$|^\d*,?\d+$|^\d+,$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_EXP = re.compile(r"^(\d*\.?\d+)[eE]([+-]?\d+)$")


class NumberFormatError(ValueError):
    """A cell that should hold a number holds something else (message says what)."""


@dataclass(frozen=True)
class Money:
    """A parsed money cell: the amount and the currency mark written next to it.

    ``mark`` is the symbol or code as written (``"€"``, ``"$"``, ``"USD"``; ``""`` for a bare
    number); ``currencies`` what the mark can mean: one code for ``€``, several for ``$``.
    """

    amount: Decimal | None
    mark: str = ""
    currencies: tuple[str, ...] = ()
    column: str = field(default="", compare=False)
    """Where the cell came from (set by the importer, for messages)."""
    text: str = field(default="", compare=False)

    @property
    def currency(self) -> str | None:
        """The currency when the mark names exactly one, else None."""
        return self.currencies[0] if len(self.currencies) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """True for ``$``, ``¥``, ``kr``: a mark shared by several currencies."""
        return len(self.currencies) > 1


def _peel_mark(s: str, pattern: re.Pattern[str], marks: list[str]) -> str:
    """Remove one currency mark at the start (``PREFIX``) or end (``SUFFIX``) of ``s``."""
    m = pattern.search(s)
    if not m:
        return s
    mark = m.group("code") or m.group("sym")
    if m.group("code") and not is_currency_code(mark):
        return s  # three letters that are no currency: leave them, the number check fails
    marks.append(mark.upper() if m.group("code") else mark)
    return (s[: m.start()] + s[m.end():]).strip()


def _strip_decoration(text: str) -> tuple[str, bool, list[str]]:
    """Remove currency marks, signs, brackets and percent; return (digits, negative, marks)."""
    s = text.strip()
    negative = False
    marks: list[str] = []
    signs = 0
    for _ in range(5):  # signs and marks nest: -$0.10, $-0.10, +$979.38, (€ 5), USD -5, 5 EUR-
        before = s
        if s.startswith("(") and s.endswith(")"):
            negative, s = not negative, s[1:-1].strip()
        if s.endswith("%"):
            s = s[:-1].strip()
        s = _peel_mark(s, PREFIX, marks)
        s = _peel_mark(s, SUFFIX, marks)
        if s.startswith(("-", "\u2212")):
            negative, s, signs = not negative, s[1:].strip(), signs + 1
        elif s.startswith("+"):
            s, signs = s[1:].strip(), signs + 1
        elif s.endswith("-") and len(s) > 1:
            negative, s, signs = not negative, s[:-1].strip(), signs + 1
        if s == before:
            break
    if signs > 1 and s:
        raise NumberFormatError(f"{text.strip()!r} has more than one sign")
    return s, negative, marks


def _marks_currencies(text: str, marks: list[str]) -> tuple[str, tuple[str, ...]]:
    """Combine the marks of one cell (``US$ 5 USD`` is fine, ``$ 5 EUR`` is not)."""
    if not marks:
        return "", ()
    options: tuple[str, ...] | None = None
    for mark in marks:
        these = symbol_currencies(mark)
        options = these if options is None else tuple(c for c in options if c in these)
    if not options:
        raise NumberFormatError(f"{text.strip()!r} names two different currencies")
    return " ".join(dict.fromkeys(marks)), options


_FAST_US = re.compile(r"^(-?)(\$?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$")
_FAST_EU = re.compile(r"^(-?)()(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)$")
_DOLLAR = AMBIGUOUS_SYMBOLS["$"]


def _fast(raw: str, decimal_comma: bool, column: str) -> Money | None:
    """The common shapes (``1234.5``, ``$1,234.56``, ``-12``) without the general parser."""
    m = (_FAST_EU if decimal_comma else _FAST_US).match(raw)
    if m is None:
        return None
    body = m.group(3).replace(".", "").replace(",", ".") if decimal_comma \
        else m.group(3).replace(",", "")
    value = Decimal(body)
    if m.group(1):
        value = -value
    if m.group(2):
        return Money(value, "$", _DOLLAR, column, raw)
    return Money(value, "", (), column, raw)


def parse_money(text: object, *, decimal_comma: bool = False, column: str = "") -> Money:
    """Parse one cell into an amount and the currency written with it.

    Placeholders (``--``, ``N/A``, ``#N/A``, ``NaN``, empty) give ``Money(None)``. Raises
    :class:`NumberFormatError` for text that is not a finite number under the file's decimal
    convention (``decimal_comma``), e.g. ``121,67`` in a file that uses ``.``, or a cell
    naming two currencies.
    """
    if text is None:
        return Money(None)
    if isinstance(text, bool):
        raise NumberFormatError(f"{text!r} is not a number")
    if isinstance(text, int | float | Decimal):
        if isinstance(text, float) and math.isnan(text):
            return Money(None)
        if isinstance(text, float | Decimal) and not math.isfinite(float(text)):
            raise NumberFormatError(f"{text!r} is not a finite number")
        return Money(Decimal(str(text)), column=column)
    raw = str(text)
    fast = _fast(raw, decimal_comma, column)
    if fast is not None:
        return fast
    if raw.strip().lower() in PLACEHOLDERS:
        return Money(None)
    if "\u221e" in raw or raw.strip().lower().lstrip("+-") in ("inf", "infinity"):
        raise NumberFormatError(f"{raw.strip()!r} is not a finite number")
    body, negative, marks = _strip_decoration(raw)
    body = _SPACES.sub("", body)
    mark, currencies = _marks_currencies(raw, marks)
    if body.lower() in PLACEHOLDERS:
        return Money(None, mark, currencies, column, raw.strip())
    exp = _EXP.match(body)
    if exp:
        value = Decimal(body)
    elif decimal_comma:
        if not _EU.match(body):
            raise NumberFormatError(f"{raw.strip()!r} is not a number")
        value = Decimal(body.replace(".", "").replace(",", "."))
    else:
        if not _US.match(body):
            hint = " (decimal comma?)" if _EU.match(body) else ""
            raise NumberFormatError(f"{raw.strip()!r} is not a number{hint}")
        value = Decimal(body.replace(",", ""))
    try:
        if not value.is_finite() or not math.isfinite(float(value)):
            raise NumberFormatError(f"{raw.strip()!r} is not a finite number")
    except (InvalidOperation, OverflowError):
        raise NumberFormatError(f"{raw.strip()!r} is not a finite number") from None
    return Money(-value if negative else value, mark, currencies, column, raw.strip())


def parse_decimal(text: object, *, decimal_comma: bool = False) -> Decimal | None:
    """The amount of :func:`parse_money` (the currency mark is read and dropped)."""
    return parse_money(text, decimal_comma=decimal_comma).amount


def parse_number(text: object, *, decimal_comma: bool = False) -> float | None:
    """:func:`parse_decimal` as a float (None stays None)."""
    value = parse_decimal(text, decimal_comma=decimal_comma)
    return None if value is None else float(value)


def parse_quantity(text: object, *, decimal_comma: bool = False) -> Decimal | None:
    """A share count; Robinhood writes stock-event quantities with an ``S`` suffix (``8S``)."""
    if isinstance(text, str):
        stripped = text.strip()
        if len(stripped) > 1 and stripped[-1] in "Ss" and stripped[-2].isdigit():
            text = stripped[:-1]
    return parse_decimal(text, decimal_comma=decimal_comma)


_EU_SHAPE = re.compile(r"^[^\d]*-?\(?[\d.]*\d,\d{1,2}\)?\D*$|^[^\d]*\d{1,3}(?:\.\d{3})+,\d+\D*$")
_US_SHAPE = re.compile(r"^[^\d]*-?\(?[\d,]*\d\.\d+\)?\D*$")


def uses_decimal_comma(cells: Iterable[str], *, delimiter: str = ",") -> bool:
    """Decide the file's decimal convention from its numeric cells (one decision per file).

    Counts cells shaped like ``1.234,56`` / ``91,15`` against ``1,234.56`` / ``91.15``; a
    ``;``-delimited file with no evidence either way is taken to use decimal commas.
    """
    eu = us = 0
    for cell in cells:
        c = cell.strip()
        if not c or len(c) > 40:
            continue
        if _EU_SHAPE.match(c):
            eu += 1
        elif _US_SHAPE.match(c):
            us += 1
    if eu == us:
        return delimiter == ";" and eu == 0
    return eu > us
