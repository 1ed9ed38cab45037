"""Currency marks written in broker and spreadsheet cells, and what each one can mean.

A cell may carry its currency as an ISO 4217 code (``USD 1,234``, ``1.234,56 EUR``) or as a
symbol (``€``, ``£``, ``NT$``, ``HK$``). Some symbols name one currency (``€`` is EUR);
others are shared (``$`` is the US, Canadian, Australian ... dollar; ``¥`` is the yen and the
yuan; ``kr`` the Swedish, Norwegian, Danish and Icelandic krona): those are *ambiguous* and
are never guessed. The file's stated currency (a currency column), the broker (a US broker's
``$`` is USD) or the user's choice (``--currency``) settles them.
"""

from __future__ import annotations

import re

ISO_CODES = frozenset(["AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNH", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GBX", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL"])
"""Active ISO 4217 codes (plus ``GBX``, pence, used by London listings and Trading 212)."""

DEFINITE_SYMBOLS: dict[str, str] = {
    "NT$": "TWD", "HK$": "HKD", "US$": "USD", "U$S": "USD", "C$": "CAD", "CA$": "CAD",
    "A$": "AUD", "AU$": "AUD", "S$": "SGD", "SG$": "SGD", "NZ$": "NZD", "R$": "BRL",
    "MX$": "MXN", "€": "EUR", "£": "GBP", "₩": "KRW", "₹": "INR", "₪": "ILS", "₺": "TRY",
    "₽": "RUB", "฿": "THB", "₫": "VND", "₱": "PHP", "zł": "PLN", "Kč": "CZK", "Ft": "HUF",
    "Fr.": "CHF", "SFr.": "CHF", "RMB": "CNY", "円": "JPY", "元": "CNY", "￡": "GBP",
}
"""Symbols that name exactly one currency."""

AMBIGUOUS_SYMBOLS: dict[str, tuple[str, ...]] = {
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN"),
    "¥": ("JPY", "CNY"),
    "￥": ("JPY", "CNY"),
    "kr": ("SEK", "NOK", "DKK", "ISK"),
    "kr.": ("DKK", "ISK", "SEK", "NOK"),
}
"""Symbols shared by several currencies: the candidates, most common first."""

_ALL_SYMBOLS = sorted([*DEFINITE_SYMBOLS, *AMBIGUOUS_SYMBOLS], key=len, reverse=True)
_SYMBOL_ALT = "|".join(re.escape(s) for s in _ALL_SYMBOLS)
# A mark at the start or the end of the cell (after signs/brackets are peeled off):
# a three-letter code separated by a space, or a symbol with or without a space.
PREFIX = re.compile(
    rf"^(?:(?P<code>[A-Za-z]{{3}})(?:\s+|(?=[\d+\-\u2212(.]))|(?P<sym>{_SYMBOL_ALT})\s*)")
SUFFIX = re.compile(
    rf"(?:(?:\s+|(?<=[\d.,)]))(?P<code>[A-Za-z]{{3}})|\s*(?P<sym>{_SYMBOL_ALT}))$")


def symbol_currencies(mark: str) -> tuple[str, ...]:
    """The currencies a written mark can mean: one for ``€``/``EUR``, several for ``$``."""
    if mark in DEFINITE_SYMBOLS:
        return (DEFINITE_SYMBOLS[mark],)
    if mark in AMBIGUOUS_SYMBOLS:
        return AMBIGUOUS_SYMBOLS[mark]
    code = mark.upper()
    if code in ISO_CODES:
        return (code,)
    return ()


def is_currency_code(text: str) -> bool:
    """True for an ISO 4217 code in any case (``eur``, ``USD``)."""
    return text.strip().upper() in ISO_CODES
