"""ISIN (and WKN) -> Yahoo symbol: the bundled, sourced map ``data/isin.yaml``.

European brokers and depot banks identify positions by ISIN (DEGIRO, Trading 212) or by the
German WKN, not by ticker. The bundled map covers catalog issuers and fund constituents; each
row carries its source, tier and date (``data/README.md``). A code that is not in the map is
never guessed: the importer keeps the ISIN as the holding's symbol and lists it among the
unknown symbols, where the user classifies it (or, online, the lookup in
:mod:`exposure.market.isin_lookup` resolves it and caches the answer).

ISO 6166 check digit: letters become numbers (A=10 ... Z=35), the digits are read as one
string and the Luhn check runs over it (the last digit is the check digit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from exposure.errors import DataFileError
from exposure.workspace import data_dir
from exposure.yamlio import load_list

_ISIN_SHAPE = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")
_WKN_SHAPE = re.compile(r"^[A-HJ-NP-Z0-9]{6}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def isin_check_digit_ok(code: str) -> bool:
    """True if ``code`` is shaped like an ISIN and its ISO 6166 check digit is right."""
    text = code.strip().upper()
    if not _ISIN_SHAPE.match(text):
        return False
    digits = "".join(str(int(ch, 36)) for ch in text)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            n = n - 9 if n > 9 else n
        total += n
    return total % 10 == 0


def looks_like_isin(text: str) -> bool:
    """Shaped like an ISIN (two letters, nine alphanumerics, one digit), check digit or not."""
    return bool(_ISIN_SHAPE.match(text.strip().upper()))


def looks_like_wkn(text: str) -> bool:
    """Six characters, digits and capitals without I and O, with at least one digit."""
    t = text.strip().upper()
    return bool(_WKN_SHAPE.match(t)) and any(ch.isdigit() for ch in t)


def split_identifier(text: str, isin: str = "", wkn: str = "") -> tuple[str, str]:
    """A ``WKN/ISIN`` cell (Consorsbank) -> (isin, wkn), keeping values already known."""
    t = text.strip().upper()
    if looks_like_isin(t):
        return isin or t, wkn
    if looks_like_wkn(t):
        return isin, wkn or t
    return isin, wkn


class IsinEntry(BaseModel):
    """One row of ``data/isin.yaml``."""

    model_config = ConfigDict(extra="forbid")

    isin: str
    symbol: str = Field(min_length=1, max_length=24)
    name: str
    currency: str
    wkn: str | None = None
    source: str = Field(pattern=r"^https?://")
    tier: Literal["primary", "press", "secondary", "judgement", "estimated"]
    as_of: date

    @field_validator("isin")
    @classmethod
    def _isin(cls, value: str) -> str:
        if not isin_check_digit_ok(value):
            raise ValueError(f"{value!r} is not a valid ISIN (ISO 6166 check digit)")
        return value.strip().upper()

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not _CURRENCY.match(value):
            raise ValueError("a three-letter currency code")
        return value

    @field_validator("wkn")
    @classmethod
    def _wkn(cls, value: str | None) -> str | None:
        if value is not None and not looks_like_wkn(value):
            raise ValueError(f"{value!r} is not a WKN (six letters and digits)")
        return value


@dataclass(frozen=True)
class IsinMap:
    """The loaded map, by ISIN and by WKN."""

    by_isin: dict[str, IsinEntry]
    by_wkn: dict[str, IsinEntry]

    def lookup(self, isin: str = "", wkn: str = "") -> IsinEntry | None:
        """The entry for an ISIN, else for a WKN, else None."""
        if isin:
            hit = self.by_isin.get(isin.strip().upper())
            if hit is not None:
                return hit
        if wkn:
            return self.by_wkn.get(wkn.strip().upper())
        return None

    def __len__(self) -> int:
        return len(self.by_isin)


def load_isin_map(path: str | Path | None = None) -> IsinMap:
    """Read and validate ``isin.yaml`` (duplicate ISINs or WKNs are a DataFileError)."""
    p = Path(path) if path is not None else data_dir() / "isin.yaml"
    by_isin: dict[str, IsinEntry] = {}
    by_wkn: dict[str, IsinEntry] = {}
    for entry in load_list(IsinEntry, p):
        if entry.isin in by_isin:
            raise DataFileError(p, "ISIN listed twice", entry=entry.isin)
        by_isin[entry.isin] = entry
        if entry.wkn:
            if entry.wkn in by_wkn:
                raise DataFileError(p, "WKN listed twice", entry=entry.isin, field="wkn")
            by_wkn[entry.wkn] = entry
    return IsinMap(by_isin, by_wkn)


@lru_cache(maxsize=4)
def _cached(path: str) -> IsinMap:
    return load_isin_map(path)


def bundled_isin_map() -> IsinMap:
    """The bundled map, loaded once per process (per data folder)."""
    return _cached(str(data_dir() / "isin.yaml"))
