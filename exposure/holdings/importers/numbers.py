"""One parser for every number and money string a broker export contains (THREATS.md T-05).

==========================  ==========  ==========================================
text                        value       note
==========================  ==========  ==========================================
``$1,234.56``               1234.56     currency symbols / codes stripped
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
from decimal import Decimal, InvalidOperation

PLACEHOLDERS = frozenset({
    "", "-", "--", "---", "n/a", "na", "#n/a", "#value!", "#ref!", "#div/0!", "none", "null",
    "nan", "incomplete", "not available", "unavailable", "—", "–",
})
"""Cell texts that mean "no value" (compared lower-case)."""

_CURRENCY_WORDS = re.compile(
    r"^(?:[A-Z]{3}\s+)|(?:\s+[A-Z]{3})$|^(?:NT|HK|US|C|CA|A|AU|S|NZ|R)\$|[$€£¥₩₹₣]|\bCHF\b",
)
_US = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$|^\d*\.?\d+$|^\d+\.$")
_EU = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d*)?$|^\d*,?\d+$|^\d+,$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_EXP = re.compile(r"^(\d*\.?\d+)[eE]([+-]?\d+)$")


class NumberFormatError(ValueError):
    """A cell that should hold a number holds something else (message says what)."""


def _strip_decoration(text: str) -> tuple[str, bool, bool]:
    """Remove currency marks, signs and percent; return (digits, negative, percent)."""
    s = text.strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    signs = 0
    for _ in range(3):  # signs and symbols can nest: -$0.10, $-0.10, +$979.38, USD -5
        s = _CURRENCY_WORDS.sub("", s.upper()).strip()
        if s.startswith(("-", "−")):
            negative, s, signs = not negative, s[1:].strip(), signs + 1
        elif s.startswith("+"):
            s, signs = s[1:].strip(), signs + 1
        elif s.endswith("-") and len(s) > 1:
            negative, s, signs = not negative, s[:-1].strip(), signs + 1
        else:
            break
    if signs > 1 and s:
        raise NumberFormatError(f"{text.strip()!r} has more than one sign")
    return s, negative, percent


def parse_decimal(text: object, *, decimal_comma: bool = False) -> Decimal | None:
    """Parse one cell; None for empty/placeholder cells.

    Raises :class:`NumberFormatError` for text that is not a finite number under the file's
    decimal convention (``decimal_comma``): e.g. ``121,67`` in a file that uses ``.``.
    """
    if text is None:
        return None
    if isinstance(text, int | float):
        if isinstance(text, float) and math.isnan(text):
            return None
        if isinstance(text, float) and not math.isfinite(text):
            raise NumberFormatError(f"{text!r} is not a finite number")
        return Decimal(str(text))
    raw = str(text)
    if raw.strip().lower() in PLACEHOLDERS:
        return None
    if any(ch in raw for ch in "∞") or raw.strip().lower().lstrip("+-") in ("inf", "infinity"):
        raise NumberFormatError(f"{raw.strip()!r} is not a finite number")
    body, negative, _percent = _strip_decoration(raw)
    body = _SPACES.sub("", body)
    if body.lower() in PLACEHOLDERS:
        return None
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
    return -value if negative else value


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
