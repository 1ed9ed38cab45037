"""Import an issuer's fund holdings file (iShares, VanEck, Invesco, SPDR, Global X layouts).

Issuer files start with preamble lines (fund name, "Fund Holdings as of", shares outstanding)
and end with disclaimers; the holdings table sits in between. The parser finds the header row
by its ticker and weight columns, reads rows until the table ends, skips cash and derivative
lines and returns weights as fractions (8.03% -> 0.0803). Problems raise
:class:`~exposure.errors.ImportFormatError` naming file, row and column.

Checks (issue 11):

* the fund is the one named: SPDR ``Ticker Symbol:`` and Invesco ``Fund Ticker`` state the
  ticker, iShares/VanEck/Global X put the fund's name on the first line (compared with the
  known funds' names); a mismatch with ``--fund`` is refused (:func:`identity_problem`);
* constituent tickers are validated like broker symbols (formula text such as ``=HYPERLINK``
  refuses the file) and normalised to Yahoo form (``BRK.B``/``BRKB`` -> ``BRK-B``);
* weights written as fractions are detected from their sum (about 1, not about 100) and say
  so in ``notes``; a negative or above-100% weight is an error; a file summing above 101% is an
  error and one below 90% (a partial download) carries a loud warning.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from exposure.errors import ImportFormatError
from exposure.holdings.symbols import classify_symbol

LAYOUTS: dict[str, dict[str, Any]] = {
    "ishares": {"ticker": ["ticker"], "weight": ["weight (%)"], "name": ["name"],
                "asset": ["asset class"], "site": "https://www.ishares.com"},
    "vaneck": {"ticker": ["ticker"], "weight": ["% of net assets"], "name": ["holding name"],
               "asset": ["asset class"], "site": "https://www.vaneck.com"},
    "invesco": {"ticker": ["holding ticker"], "weight": ["weight"], "name": ["name"],
                "asset": ["class of shares"], "date": ["date"], "fund": ["fund ticker"],
                "site": "https://www.invesco.com"},
    "spdr": {"ticker": ["ticker"], "weight": ["weight"], "name": ["name"], "asset": [],
             "site": "https://www.ssga.com"},
    "globalx": {"ticker": ["ticker"], "weight": ["% of net assets"], "name": ["name"],
                "asset": [], "site": "https://www.globalxetfs.com"},
}
"""Header signatures per issuer layout (lower-case column names) and the issuer's site."""

_NOT_EQUITY = {"cash", "cash and/or derivatives", "money market", "futures", "fx", "derivatives",
               "cash collateral and margins"}
_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%m/%d/%Y", "%d-%b-%Y", "%Y-%m-%d", "%d %b %Y")
_DATE_RE = re.compile(r"([A-Z][a-z]{2,8} \d{1,2}, \d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-[A-Z][a-z]{2}-"
                      r"\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]{2} \d{4})")
MAX_BYTES = 5_000_000
_FUND_TICKER_LINE = re.compile(r"^\s*(?:ticker symbol|fund ticker|ticker)\s*:?\s*$", re.I)
_FORMULA = re.compile(r"^\s*[=+@\-]|^\s*\t")
CLASS_SHARES = {"BRKB": "BRK-B", "BRKA": "BRK-A", "BFB": "BF-B", "BFA": "BF-A",
                "LENB": "LEN-B", "HEIA": "HEI-A", "MOGA": "MOG-A", "MOGB": "MOG-B"}
"""US share classes that issuer files write without a separator (SPDR and Invesco files write
``BRKB`` and ``BFB``); Yahoo writes ``BRK-B``."""
FRACTION_SUM = (0.0, 1.01)
PERCENT_SUM = (1.5, 101.0)
FULL_FILE = (90.0, 101.0)
"""A complete holdings file's weights sum to 90-101% (cash rows included)."""


@dataclass(frozen=True)
class ImportedFund:
    """Result of parsing a holdings file."""

    layout: str
    as_of: date | None
    constituents: list[dict[str, Any]]
    """``{symbol, name, weight}`` with weight as a fraction."""
    skipped: list[str]
    issuer_site: str
    fund_ticker: str | None = None
    """The fund's ticker as the file states it (SPDR ``Ticker Symbol``, Invesco ``Fund
    Ticker``), else None."""
    fund_name: str | None = None
    """The fund's name from the file's first line (iShares, VanEck, Global X), else None."""
    file_weight: float = 0.0
    """Sum of every row's weight in the file (cash and derivatives included), as a fraction."""
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total_weight(self) -> float:
        return float(sum(c["weight"] for c in self.constituents))


def parse_date(text: str) -> date | None:
    """The first date in ``text`` in any of the issuers' formats, else None."""
    for match in _DATE_RE.findall(text or ""):
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(match, fmt).date()
            except ValueError:
                continue
    return None


BLOOMBERG_SUFFIX = {
    "US": "", "UW": "", "UN": "", "UQ": "", "UA": "", "UR": "", "UP": "", "UV": "",
    "JP": ".T", "JT": ".T", "LN": ".L", "GR": ".DE", "GY": ".DE", "NA": ".AS", "FP": ".PA",
    "HK": ".HK", "TT": ".TW", "KS": ".KS", "SW": ".SW", "SE": ".SW", "CN": ".TO", "CT": ".TO",
    "AU": ".AX", "AT": ".AX", "IM": ".MI", "SM": ".MC", "SS": ".ST", "DC": ".CO", "FH": ".HE",
    "NO": ".OL", "BB": ".BR",
}
"""Bloomberg exchange codes in issuer files (``NVDA US``, ``6954 JP``) -> Yahoo suffix."""


def normalise_ticker(raw: str) -> str:
    """Issuer ticker -> Yahoo form: 'NVDA US' -> 'NVDA', '6954 JP' -> '6954.T',
    'BRK.B' / 'BRK/B' / 'BRKB' -> 'BRK-B'."""
    t = raw.strip().upper()
    bloomberg = re.fullmatch(r"(\S+)\s+([A-Z]{2})", t)
    if bloomberg and bloomberg.group(2) in BLOOMBERG_SUFFIX:
        base, suffix = bloomberg.group(1), BLOOMBERG_SUFFIX[bloomberg.group(2)]
        if suffix == ".HK" and base.isdigit():
            base = base.zfill(4)
        t = base + suffix
    if t in CLASS_SHARES:
        return CLASS_SHARES[t]
    info = classify_symbol(t)
    return info.symbol if info.kind == "listed" else t


def _number(text: str) -> float | None:
    t = (text or "").strip().replace(",", "").replace("%", "")
    if t in ("", "-", "--", "N/A"):
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _detect(header: list[str]) -> tuple[str, dict[str, int]] | None:
    cols = [h.strip().lower() for h in header]
    for name in ("invesco", "ishares", "vaneck", "globalx", "spdr"):
        lay = LAYOUTS[name]
        idx: dict[str, int] = {}
        for role in ("ticker", "weight", "name", "asset", "date", "fund"):
            for cand in lay.get(role, []):
                if cand in cols:
                    idx[role] = cols.index(cand)
                    break
        if "ticker" in idx and "weight" in idx and all(r in idx for r in ("name",)):
            if name == "spdr" and "identifier" not in cols and "sedol" not in cols:
                continue
            return name, idx
    return None


def _preamble_identity(rows: list[list[str]]) -> tuple[str | None, str | None]:
    """(fund ticker, fund name) from the lines above the table."""
    ticker = name = None
    for row in rows:
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        if len(cells) >= 2 and _FUND_TICKER_LINE.match(cells[0]):
            ticker = cells[1].upper()
        elif len(cells) >= 2 and cells[0].lower().rstrip(":") == "fund name":
            name = cells[1]
        elif name is None and len(cells) == 1 and not parse_date(cells[0]) \
                and re.search(r"[A-Za-z]", cells[0]) and len(cells[0]) < 120:
            name = cells[0]
    return ticker, name


def name_key(name: str) -> str:
    """A fund name for comparison: 'The Technology Select Sector SPDR® Fund' -> 'technology
    select sector spdr fund'."""
    text = re.sub(r"[^a-z0-9&]+", " ", name.lower().replace("®", "").replace("™", ""))
    text = re.sub(r"\b(the|series 1|trust|inc|etf shares)\b", " ", text)
    return " ".join(text.split())


def identity_problem(fund: ImportedFund, ticker: str,
                     known_names: Mapping[str, str]) -> str | None:
    """Why the file is not the fund ``ticker`` (``known_names``: name key -> fund ticker)."""
    wanted = ticker.strip().upper()
    if fund.fund_ticker and fund.fund_ticker.upper() != wanted:
        return (f"the file holds fund {fund.fund_ticker} (its own ticker), not {wanted}: "
                "check --fund")
    if fund.fund_name:
        named = known_names.get(name_key(fund.fund_name))
        if named and named.upper() != wanted:
            return (f"the file holds '{fund.fund_name}' ({named}), not {wanted}: check --fund")
    return None


def parse_holdings(data: bytes | str, origin: str = "holdings.csv") -> ImportedFund:
    """Parse an issuer holdings CSV (see the module docstring)."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ImportFormatError("file is larger than 5 MB", path=origin)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data.decode("cp1252", errors="replace")
    rows = list(csv.reader(io.StringIO(data)))
    start = None
    for i, row in enumerate(rows[:60]):
        found = _detect(row)
        if found:
            start, (layout, idx) = i, found
            break
    if start is None:
        raise ImportFormatError("no holdings table found (expected a header with a ticker and a "
                                "weight column: iShares, VanEck, Invesco, SPDR or Global X "
                                "layout)", path=origin)
    header = rows[start]
    preamble = " ".join(" ".join(r) for r in rows[:start])
    as_of = parse_date(preamble)
    fund_ticker, fund_name = _preamble_identity(rows[:start])
    notes: list[str] = []
    warnings: list[str] = []
    skipped: list[str] = []
    raw: list[tuple[int, str, str, float]] = []  # (line, ticker, name, weight as written)
    all_weights = 0.0
    width = len(header)
    for n, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(cell.strip() for cell in row) or len(row) < min(width, 3):
            if raw or skipped:
                break
            continue
        def at(role: str, row: list[str] = row) -> str:
            j = idx.get(role)
            return row[j].strip() if j is not None and j < len(row) else ""
        ticker, asset, name = at("ticker"), at("asset").lower(), at("name")
        weight = _number(at("weight"))
        if "date" in idx and as_of is None:
            as_of = parse_date(at("date"))
        if "fund" in idx and at("fund"):
            stated = at("fund").upper()
            if fund_ticker and stated != fund_ticker:
                raise ImportFormatError(f"rows name two funds ({fund_ticker}, {stated})",
                                        path=origin, row=n, column=header[idx["fund"]])
            fund_ticker = stated
        if _FORMULA.match(ticker) and not re.fullmatch(r"-+", ticker):
            raise ImportFormatError(f"ticker {ticker[:30]!r} is formula text, not a ticker",
                                    path=origin, row=n, column=header[idx["ticker"]])
        if weight is not None:
            all_weights += weight
        if not ticker or ticker in ("-", "--") or asset in _NOT_EQUITY:
            skipped.append(name if ticker in ("", "-", "--") and name else ticker or f"row {n}")
            continue
        if weight is None:
            raise ImportFormatError(f"weight {at('weight')!r} is not a number", path=origin,
                                    row=n, column=header[idx["weight"]])
        if weight < 0:
            raise ImportFormatError(f"weight {weight:g} of {ticker} is negative (a short "
                                    "position?): only long holdings files are read",
                                    path=origin, row=n, column=header[idx["weight"]])
        if weight == 0:
            skipped.append(ticker)
            continue
        info = classify_symbol(normalise_ticker(ticker))
        if info.kind != "listed":
            why = info.reason or info.kind
            skipped.append(f"{ticker} ({why})")
            continue
        raw.append((n, info.symbol, name, weight))
    if not raw:
        raise ImportFormatError("the holdings table has no equity rows", path=origin)
    scale = _scale(all_weights, sum(w for _, _, _, w in raw), origin, notes)
    file_pct = all_weights * 100 / scale
    for line, symbol, _name, weight in raw:
        if weight / scale > 1.0:
            raise ImportFormatError(f"weight of {symbol} is {100 * weight / scale:.1f}%, "
                                    "above 100%", path=origin, row=line)
    if file_pct > FULL_FILE[1]:
        raise ImportFormatError(f"weights sum to {file_pct:.1f}%, above 100% (duplicated rows, "
                                "or a weight column in other units?)", path=origin)
    if file_pct < FULL_FILE[0]:
        warnings.append(f"the file's weights sum to only {file_pct:.1f}%: it lists part of the "
                        "fund; the rest is not looked through (download the full holdings)")
    constituents: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for _line, symbol, name, weight in raw:
        if symbol in seen:  # share classes listed twice: add up
            constituents[seen[symbol]]["weight"] += weight / scale
            continue
        seen[symbol] = len(constituents)
        constituents.append({"symbol": symbol, "name": name, "weight": weight / scale})
    total = sum(c["weight"] for c in constituents)
    if total > 1.0:  # rounding in the issuer file
        notes.append(f"equity weights summed to {100 * total:.3f}%: scaled to 100%")
        for c in constituents:
            c["weight"] /= total
    for c in constituents:
        c["weight"] = round(c["weight"], 6)
    return ImportedFund(layout, as_of, constituents, skipped, LAYOUTS[layout]["site"],
                        fund_ticker=fund_ticker, fund_name=fund_name,
                        file_weight=round(min(file_pct, 100.0) / 100, 6), notes=notes,
                        warnings=warnings)


def _scale(all_weights: float, equity: float, origin: str, notes: list[str]) -> float:
    """100 for percent weights, 1 for fractions (detected from the sum; a note says so)."""
    if PERCENT_SUM[0] < all_weights:
        return 100.0
    if all_weights <= FRACTION_SUM[1] and equity > 0:
        notes.append(f"weights read as fractions (they sum to {all_weights:.4f}, not ~100)")
        return 1.0
    raise ImportFormatError(f"weights sum to {all_weights:.3f}: neither percent (about 100) "
                            "nor fractions (about 1)", path=origin)


def fund_document(fund: ImportedFund, ticker: str, *, file_name: str, source: str | None = None,
                  name: str | None = None, today: date | None = None) -> dict[str, Any]:
    """The ``funds/<TICKER>.yaml`` document for an imported file (validated by the catalog)."""
    today = today or date.today()
    as_of = fund.as_of or today
    dated = "" if fund.as_of else f"; no date in the file, dated the import day {today}"
    return {
        "id": ticker.upper(),
        "name": name or f"{ticker.upper()} (imported)",
        "issuer": fund.layout,
        "source": source or fund.issuer_site,
        "as_of": as_of,
        "tier": "primary",
        "basis": f"Imported from the issuer holdings file {file_name} ({fund.layout} layout, "
                 f"{len(fund.constituents)} equity rows, {100 * fund.total_weight:.2f}% of the "
                 f"fund; the file's rows sum to {100 * fund.file_weight:.2f}%){dated}",
        "constituents": fund.constituents,
        "notes": ([f"Skipped non-equity or zero-weight rows: {', '.join(fund.skipped[:20])}"]
                  if fund.skipped else []) + list(fund.notes) + list(fund.warnings),
    }


def read_holdings_file(path: str | Path) -> ImportedFund:
    """Read and parse a holdings file from disk."""
    p = Path(path)
    if not p.is_file():
        raise ImportFormatError("file not found", path=str(p))
    return parse_holdings(p.read_bytes(), str(p))
