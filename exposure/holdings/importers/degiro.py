"""DEGIRO portfolio export (``Portfolio.csv``), English and Dutch headers.

Layout (IMPORT_FORMATS.md "DEGIRO"; the same header and rows are in the public parsers
vroonhof/opensteuerauszug ``importers/degiro`` (CHF account), several DEGIRO portfolio
parsers' test files, and the hledger-based ``Hledupt.Degiro.Portfolio`` tests for the older
single-cell layout)::

    Product,Symbol/ISIN,Amount,Closing,Local value,,Value in EUR
    CASH & CASH FUND & FTX CASH (EUR),,,,EUR,"1079,92","1079,92"
    ADR ON NICE LTD,US6536561086,13,"91,15",USD,"1184,95","1019,29"

    Product,Symbool/ISIN,Aantal,Slotkoers,Lokale waarde,,Waarde in EUR      (Dutch)

    Product,Symbol/ISIN,Amount,Closing,Local value,Value in CHF            (older)
    CASH & CASH FUND & FTX CASH (CHF),,,,CHF 143.20,143.20
    ISHARES E GOV1-3,IE00B14X4Q57,10,144.01,EUR 1440.10,100

* ``Local value`` is the currency code; the unnamed column after it holds the amount (the
  older layout writes ``EUR 1440.10`` in one cell); ``Closing`` is in the same currency;
* decimal commas inside quotes with a comma delimiter (decided once per file);
* ``Value in EUR`` / ``Value in CHF`` is the account-currency value (not used for holdings:
  its sum is reported as a note so a reader can compare it with DEGIRO's own total);
* cash rows ``CASH & CASH FUND & FTX CASH (EUR)`` (one per currency);
* ``Symbol/ISIN`` holds the ISIN (resolved through the bundled map; unresolved ISINs are kept
  as their own symbol and classified by the user) or, for some products, a ticker.
"""

from __future__ import annotations

from decimal import Decimal

from exposure.holdings.importers.collect import Collector, header_currency
from exposure.holdings.importers.headers import cell, find_header, norm
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "degiro"
LABEL = "DEGIRO portfolio"
DECIMAL_COMMA = None  # decided per file

ALIASES = {
    "product": ["product", "produkt", "produit"],
    "symbol": ["symbol/isin", "symbool/isin"],
    "quantity": ["amount", "aantal", "quantity"],
    "price": ["closing", "slotkoers", "closing price"],
    "local": ["local value", "lokale waarde"],
}
_REQUIRED = ("product", "symbol", "quantity", "local")


def detect(doc: Document) -> bool:
    return find_header(doc.rows, ALIASES, _REQUIRED, limit=5) is not None


def _base_column(header: list[str]) -> tuple[int | None, str | None]:
    for i, h in enumerate(header):
        key = norm(h)
        if key.startswith(("value in", "waarde in")):
            return i, header_currency(h)
    return None, None


def parse(doc: Document, out: Collector) -> None:
    found = find_header(doc.rows, ALIASES, _REQUIRED, limit=5)
    if found is None:
        return
    start, cols = found
    header = doc.rows[start]
    for i in range(start):
        out.layout(doc.line(i), "preamble")
    out.layout(doc.line(start), "header")
    local = cols["local"]
    split = local + 1 < len(header) and not header[local + 1].strip()
    base_idx, base_code = _base_column(header)
    numeric = [local + 1 if split else local, cols.get("price", local)]
    if base_idx is not None:
        numeric.append(base_idx)
    out.decide_decimal_comma((row[j] for row in doc.rows[start + 1:] for j in numeric
                              if j < len(row)), doc.delimiter)
    base_total = Decimal(0)
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1  # a workbook pads every row to the sheet's width
    for i in range(start + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            continue
        if len(row) > width and any(row[width:]):
            out.skip(line, f"ragged row: {len(row)} cells where the header has {width} "
                     "(an unquoted decimal comma?)", text)
            continue
        with out.row(line, text):
            product = cell(row, cols, "product")
            if split:
                currency = row[local].strip().upper() if local < len(row) else ""
                value = out.money(row[local + 1] if local + 1 < len(row) else "",
                                  header[local] or "Local value")
            else:
                currency = ""
                value = out.money(row[local] if local < len(row) else "", header[local])
            if base_idx is not None and base_idx < len(row):
                base = out.number(row[base_idx], header[base_idx])
                base_total += base or Decimal(0)
            stated = currency or None
            if product.upper().startswith("CASH & CASH FUND") or \
                    (not cell(row, cols, "symbol") and "CASH" in product.upper()):
                out.cash(line, value, currency=stated, label=product, account="DEGIRO",
                         text=text)
                continue
            out.position(line, cell(row, cols, "symbol"),
                         quantity=out.quantity(cell(row, cols, "quantity"), "Amount"),
                         market_value=value,
                         price=out.money(cell(row, cols, "price"), "Closing"),
                         currency=stated, account="DEGIRO", name=product, text=text)
    if base_code and base_total:
        out.warn(f"DEGIRO values this portfolio at {base_total:,.2f} {base_code} (its "
                 f"'{header[base_idx] if base_idx is not None else ''}' column, at its own "
                 "exchange rates)")
