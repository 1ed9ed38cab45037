"""Ticker normalisation: whatever a broker wrote -> the Yahoo form the rest of the app uses.

Brokers spell the same security differently (THREATS.md T-06, IMPORT_FORMATS.md "Share
classes" and "Non-US suffixes"):

==========================  ===============  =============================================
written                     Yahoo            rule
==========================  ===============  =============================================
``BRK.B`` ``BRK/B`` ``BRK B``  ``BRK-B``      class separator ``. / space`` -> ``-``
``700`` + SEHK, ``700.HK``  ``0700.HK``      Hong Kong codes are zero-padded to 4 digits
``8035`` + TSEJ             ``8035.T``       listing exchange -> Yahoo suffix
``ASML`` + AEB              ``ASML.AS``
``SHOP`` + TSE              ``SHOP.TO``      IBKR ``TSE`` is Toronto, not Tokyo
``NASDAQ:NVDA``             ``NVDA``         Google Sheets ``EXCHANGE:TICKER``
``TPE:2330``                ``2330.TW``
``SPAXX**``                 cash             Fidelity core / money-market position
`` -NVDA250620C150``        option           never imported as the underlying stock
==========================  ===============  =============================================

Anything with invisible (zero-width) or non-ASCII look-alike characters (Cyrillic ``А`` for
Latin ``A``) is rejected: such a symbol would silently price as a different security or not
at all, and ends up in URLs and cache keys.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

SymbolKind = Literal["listed", "cash", "option", "rejected"]

IBKR_EXCHANGE_SUFFIX: dict[str, str] = {
    # United States: no suffix on Yahoo
    "NASDAQ": "", "NYSE": "", "ARCA": "", "AMEX": "", "BATS": "", "ISLAND": "", "NMS": "",
    "NYSENAT": "", "PINK": "", "IEX": "", "BEX": "", "CBOE": "",
    # Europe
    "AEB": ".AS", "IBIS": ".DE", "IBIS2": ".DE", "XETRA": ".DE", "FWB": ".F", "FWB2": ".F",
    "SBF": ".PA", "ENEXT.BE": ".BR", "LSE": ".L", "LSEETF": ".L", "EBS": ".SW",
    "VIRTX": ".SW", "BVME": ".MI", "BM": ".MC", "SFB": ".ST", "OSE": ".OL", "CPH": ".CO",
    "HEX": ".HE", "VSE": ".VI", "BVL": ".LS",
    # Asia-Pacific and Canada
    "SEHK": ".HK", "TSEJ": ".T", "TSE": ".TO", "VENTURE": ".V", "ASX": ".AX",
    "TWSE": ".TW", "KSE": ".KS", "SGX": ".SI", "NSE": ".NS", "SEHKNTL": ".SS",
    "SEHKSZSE": ".SZ",
}
"""IBKR ``Listing Exch`` / Flex ``ListingExchange`` code -> Yahoo suffix."""

GOOGLE_EXCHANGE_SUFFIX: dict[str, str] = {
    "NASDAQ": "", "NYSE": "", "NYSEARCA": "", "NYSEAMERICAN": "", "BATS": "", "OTCMKTS": "",
    "TPE": ".TW", "TPEX": ".TWO", "HKG": ".HK", "AMS": ".AS", "ETR": ".DE", "FRA": ".F",
    "EPA": ".PA", "LON": ".L", "SWX": ".SW", "BIT": ".MI", "BME": ".MC", "TYO": ".T",
    "TSE": ".TO", "CVE": ".V", "ASX": ".AX", "KRX": ".KS", "KOSDAQ": ".KQ", "SGX": ".SI",
    "NSE": ".NS", "SHA": ".SS", "SHE": ".SZ", "STO": ".ST", "CPH": ".CO", "HEL": ".HE",
}
"""Google Finance ``EXCHANGE:`` prefix -> Yahoo suffix (note: Google ``TSE`` is Toronto)."""

SUFFIX_CURRENCY: dict[str, str] = {
    ".AS": "EUR", ".DE": "EUR", ".F": "EUR", ".PA": "EUR", ".BR": "EUR", ".MI": "EUR",
    ".MC": "EUR", ".HE": "EUR", ".VI": "EUR", ".LS": "EUR", ".IR": "EUR", ".L": "GBP",
    ".SW": "CHF", ".ST": "SEK", ".OL": "NOK", ".CO": "DKK", ".HK": "HKD", ".T": "JPY",
    ".TO": "CAD", ".V": "CAD", ".AX": "AUD", ".TW": "TWD", ".TWO": "TWD", ".KS": "KRW",
    ".KQ": "KRW", ".SI": "SGD", ".NS": "INR", ".SS": "CNY", ".SZ": "CNY",
}
"""Yahoo suffix -> the venue's trading currency (London quotes in pence, GBp, on Yahoo)."""

CASH_SYMBOLS = frozenset({
    "CASH", "SPAXX", "FZFXX", "FDRXX", "FCASH", "SPRXX", "FZDXX", "VMFXX", "VMMXX",
    "SWVXX", "SNVXX", "SNSXX", "CASH & CASH INVESTMENTS", "CASH & MONEY MARKET",
    "CASH AND MONEY MARKET", "MONEY MARKET", "USD",
})
"""Symbols (upper case, ``**`` stripped) that are cash or a cash sweep, not a security."""

_YAHOO_ONE_LETTER_SUFFIXES = frozenset({"L", "T", "F", "V"})
"""Single-letter Yahoo exchange suffixes (``VOD.L``); other ``X.Y`` forms are share classes."""

_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\u00ad]")
_TICKER = re.compile(r"^[A-Z0-9^][A-Z0-9.\-=]{0,23}$")
_CLASS = re.compile(r"^([A-Z]{1,6})[./ ]([A-Z]{1,2})$")
_GOOGLE = re.compile(r"^([A-Z]{2,14}):([A-Z0-9.\-/ ]{1,20})$")
_SUFFIXED = re.compile(r"^(.+)\.([A-Z]{1,3})$")

_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_OPTION_PATTERNS = [
    re.compile(r"^-[A-Z0-9.]{1,6}\d{6}[CP][\d.]+$"),                       # Fidelity -NVDA250620C150
    re.compile(r"^[A-Z0-9.]{1,6}\s*\d{6}[CP]\d{8}$"),                      # OCC NVDA  250620C00150000
    re.compile(r"^[A-Z0-9./ ]{1,8}\s\d{1,2}/\d{1,2}/\d{2,4}\s+[\d.]+\s+[CP]$"),  # Schwab
    re.compile(rf"^[A-Z0-9./ ]{{1,8}}\s(?:{_MONTHS})\s\d{{1,2}}\s'\d{{2}}\s\$[\d.,]+\s(?:CALL|PUT)$"),  # E*TRADE
    re.compile(rf"^[A-Z0-9./ ]{{1,8}}\s\d{{1,2}}(?:{_MONTHS})\d{{2}}\s[\d.]+\s[CP]$"),  # IBKR
    re.compile(r"^[A-Z0-9./ ]{1,8}\s\d{1,2}/\d{1,2}/\d{2,4}\s(?:CALL|PUT)\s\$[\d.,]+$"),  # Robinhood
]


@dataclass(frozen=True)
class SymbolInfo:
    """What a raw symbol turned out to be.

    ``symbol`` is the Yahoo form for ``listed``, the cleaned label for ``cash`` and
    ``option``, and empty for ``rejected`` (``reason`` says why).
    """

    symbol: str
    kind: SymbolKind
    raw: str
    reason: str = ""


def has_hidden_characters(text: str) -> bool:
    """True if ``text`` has zero-width/bidi controls or non-ASCII letters after NFKC."""
    if _INVISIBLE.search(text):
        return True
    folded = unicodedata.normalize("NFKC", text)
    return any(ord(ch) > 127 and unicodedata.category(ch).startswith("L") for ch in folded)


def is_option_symbol(text: str) -> bool:
    """True for the option spellings of Fidelity, OCC/Flex, Schwab, E*TRADE, IBKR, Robinhood."""
    up = " ".join(text.strip().upper().split())
    compact = text.strip().upper()
    return any(p.match(up) or p.match(compact) for p in _OPTION_PATTERNS)


def _pad_hk(base: str) -> str:
    return base.zfill(4) if base.isdigit() else base


def _apply_suffix(base: str, suffix: str) -> str:
    if suffix == ".HK":
        base = _pad_hk(base)
    return base if not suffix or base.endswith(suffix) else f"{base}{suffix}"


def _share_class(text: str) -> str:
    match = _CLASS.match(text)
    if not match:
        return text
    base, cls = match.groups()
    if "." in text and len(cls) == 1 and cls in _YAHOO_ONE_LETTER_SUFFIXES:
        return text  # VOD.L, 8035.T: an exchange suffix, not a share class
    if "." in text and len(cls) == 2:
        return text  # ASML.AS, SAP.DE: exchange suffix
    return f"{base}-{cls}"


_PLAIN = re.compile(r"^[A-Z]{1,5}$")


def classify_symbol(raw: str, *, exchange: str | None = None) -> SymbolInfo:
    """Normalise one broker symbol to Yahoo form, or say why it is not a listed security.

    ``exchange`` is an IBKR listing-exchange code (``SEHK``, ``AEB``, ``TSE`` ...); unknown
    codes leave the symbol without a suffix.
    """
    original = raw if isinstance(raw, str) else str(raw)
    if exchange is None and _PLAIN.match(original) and original not in CASH_SYMBOLS:
        return SymbolInfo(original, "listed", original)  # the common case, e.g. NVDA
    if has_hidden_characters(original):
        return SymbolInfo("", "rejected", original,
                          "symbol contains invisible or non-ASCII look-alike characters")
    text = unicodedata.normalize("NFKC", original).strip()
    if not text:
        return SymbolInfo("", "rejected", original, "empty symbol")
    upper = " ".join(text.upper().split())
    bare = upper.rstrip("*").strip()
    if upper.endswith("**") or bare in CASH_SYMBOLS:
        return SymbolInfo(bare, "cash", original)
    if is_option_symbol(text):
        return SymbolInfo(upper.lstrip("- "), "option", original, "option contract")

    google = _GOOGLE.match(upper)
    if google and google.group(1) in GOOGLE_EXCHANGE_SUFFIX:
        prefix, rest = google.groups()
        base = _share_class(rest.strip())
        upper = _apply_suffix(base, GOOGLE_EXCHANGE_SUFFIX[prefix])
    else:
        upper = _share_class(upper)
        if exchange:
            suffix = IBKR_EXCHANGE_SUFFIX.get(exchange.strip().upper(), "")
            upper = _apply_suffix(upper.replace(" ", "-"), suffix)

    suffixed = _SUFFIXED.match(upper)
    if suffixed and suffixed.group(2) == "HK":
        upper = _apply_suffix(suffixed.group(1), ".HK")
    if not _TICKER.match(upper):
        why = "not a ticker symbol"
        if " " in upper and len(upper) > 12:
            why += " (bond, CD or description text?)"
        return SymbolInfo("", "rejected", original, why)
    return SymbolInfo(upper, "listed", original)


def listing_currency(symbol: str) -> str | None:
    """The trading currency implied by a Yahoo symbol's venue suffix (None without one)."""
    match = _SUFFIXED.match(symbol.upper())
    return SUFFIX_CURRENCY.get(f".{match.group(2)}") if match else None


def yahoo_symbol(raw: str, *, exchange: str | None = None) -> str | None:
    """The Yahoo form of a listed security's symbol, or None for cash/options/rejects."""
    info = classify_symbol(raw, exchange=exchange)
    return info.symbol if info.kind == "listed" else None
