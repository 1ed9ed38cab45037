"""Import an issuer's fund holdings file (iShares, VanEck, Invesco, SPDR CSV layouts).

Issuer files start with preamble lines (fund name, "Fund Holdings as of", shares outstanding)
and end with disclaimers; the holdings table sits in between. The parser finds the header row
by its ticker and weight columns, reads rows until the table ends, skips cash and derivative
lines and returns weights as fractions (8.03% -> 0.0803). Problems raise
:class:`~exposure.errors.ImportFormatError` naming file, row and column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from exposure.errors import ImportFormatError

LAYOUTS: dict[str, dict[str, Any]] = {
    "ishares": {"ticker": ["ticker"], "weight": ["weight (%)"], "name": ["name"],
                "asset": ["asset class"], "site": "https://www.ishares.com"},
    "vaneck": {"ticker": ["ticker"], "weight": ["% of net assets"], "name": ["holding name"],
               "asset": ["asset class"], "site": "https://www.vaneck.com"},
    "invesco": {"ticker": ["holding ticker"], "weight": ["weight"], "name": ["name"],
                "asset": ["class of shares"], "date": ["date"], "site": "https://www.invesco.com"},
    "spdr": {"ticker": ["ticker"], "weight": ["weight"], "name": ["name"], "asset": [],
             "site": "https://www.ssga.com"},
}
"""Header signatures per issuer layout (lower-case column names) and the issuer's site."""

_NOT_EQUITY = {"cash", "cash and/or derivatives", "money market", "futures", "fx", "derivatives",
               "cash collateral and margins"}
_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%m/%d/%Y", "%d-%b-%Y", "%Y-%m-%d", "%d %b %Y")
_DATE_RE = re.compile(r"([A-Z][a-z]{2,8} \d{1,2}, \d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-[A-Z][a-z]{2}-"
                      r"\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]{2} \d{4})")
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class ImportedFund:
    """Result of parsing a holdings file."""

    layout: str
    as_of: date | None
    constituents: list[dict[str, Any]]
    """``{symbol, name, weight}`` with weight as a fraction."""
    skipped: list[str]
    issuer_site: str

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


def normalise_ticker(raw: str) -> str:
    """Issuer ticker -> Yahoo form: 'NVDA US' -> 'NVDA', 'BRK.B' / 'BRK/B' -> 'BRK-B'."""
    t = raw.strip().upper()
    t = re.sub(r"\s+(US|UW|UN|UQ|UA|UR)$", "", t)
    if re.fullmatch(r"[A-Z]{1,5}[./][A-Z]", t):
        t = re.sub(r"[./]", "-", t)
    return t


def _number(text: str) -> float | None:
    t = (text or "").strip().replace(",", "").replace("%", "")
    if t in ("", "-", "--", "N/A"):
        return None
    try:
        return float(t)
    except ValueError:
        return None


def _detect(header: list[str]) -> tuple[str, dict[str, int]] | None:
    cols = [h.strip().lower() for h in header]
    for name in ("invesco", "ishares", "vaneck", "spdr"):
        lay = LAYOUTS[name]
        idx: dict[str, int] = {}
        for role in ("ticker", "weight", "name", "asset", "date"):
            for cand in lay.get(role, []):
                if cand in cols:
                    idx[role] = cols.index(cand)
                    break
        if "ticker" in idx and "weight" in idx and all(r in idx for r in ("name",)):
            if name == "spdr" and "identifier" not in cols and "sedol" not in cols:
                continue
            return name, idx
    return None


def parse_holdings(data: bytes | str, origin: str = "holdings.csv") -> ImportedFund:
    """Parse an issuer holdings CSV (see the module docstring)."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ImportFormatError("file is larger than 5 MB", path=origin)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data.decode("latin-1")
    rows = list(csv.reader(io.StringIO(data)))
    start = None
    for i, row in enumerate(rows[:60]):
        found = _detect(row)
        if found:
            start, (layout, idx) = i, found
            break
    if start is None:
        raise ImportFormatError("no holdings table found (expected a header with a ticker and a "
                                "weight column: iShares, VanEck, Invesco or SPDR layout)",
                                path=origin)
    preamble = " ".join(" ".join(r) for r in rows[:start])
    as_of = parse_date(preamble)
    constituents: list[dict[str, Any]] = []
    skipped: list[str] = []
    seen: dict[str, int] = {}
    width = len(rows[start])
    for n, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(cell.strip() for cell in row) or len(row) < min(width, 3):
            if constituents:
                break
            continue
        ticker = row[idx["ticker"]].strip() if idx["ticker"] < len(row) else ""
        asset = row[idx["asset"]].strip().lower() if "asset" in idx and idx["asset"] < len(row) else ""
        weight = _number(row[idx["weight"]]) if idx["weight"] < len(row) else None
        if "date" in idx and as_of is None and idx["date"] < len(row):
            as_of = parse_date(row[idx["date"]])
        if not ticker or ticker in ("-", "--") or asset in _NOT_EQUITY:
            skipped.append(ticker or f"row {n}")
            continue
        if weight is None:
            raise ImportFormatError(f"weight {row[idx['weight']]!r} is not a number", path=origin,
                                    row=n, column=rows[start][idx["weight"]])
        if weight <= 0:
            skipped.append(ticker)
            continue
        symbol = normalise_ticker(ticker)
        name = row[idx["name"]].strip() if idx["name"] < len(row) else ""
        if symbol in seen:  # share classes listed twice: add up
            constituents[seen[symbol]]["weight"] += weight / 100.0
            continue
        seen[symbol] = len(constituents)
        constituents.append({"symbol": symbol, "name": name, "weight": weight / 100.0})
    if not constituents:
        raise ImportFormatError("the holdings table has no equity rows", path=origin)
    total = sum(c["weight"] for c in constituents)
    if total > 1.02:
        raise ImportFormatError(f"weights sum to {100 * total:.1f}%, above 100% (is the weight "
                                "column in percent?)", path=origin)
    if total > 1.0:  # rounding in the issuer file
        for c in constituents:
            c["weight"] /= total
    for c in constituents:
        c["weight"] = round(c["weight"], 6)
    return ImportedFund(layout, as_of, constituents, skipped, LAYOUTS[layout]["site"])


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
                 f"fund){dated}",
        "constituents": fund.constituents,
        "notes": [f"Skipped non-equity or zero-weight rows: {', '.join(fund.skipped[:20])}"]
        if fund.skipped else [],
    }


def read_holdings_file(path: str | Path) -> ImportedFund:
    """Read and parse a holdings file from disk."""
    p = Path(path)
    if not p.is_file():
        raise ImportFormatError("file not found", path=str(p))
    return parse_holdings(p.read_bytes(), str(p))
