"""German-style depot exports (comdirect, Consorsbank, ING, DKB, flatex ...).

German banks export the depot ("Depotbestand", "Depotübersicht") as ``;``-separated cp1252
text with decimal commas, identifying securities by ISIN and/or WKN rather than by ticker.
There is no single layout; the headers below are those seen in public parsers of these
exports (ING ``Stück/Nominale``, ``Wertpapiername``, ``Bewertungskurs``, ``Kurswert`` with a
``Währung`` column after each amount; Consorsbank ``WKN/ISIN``, ``Gattung``,
``Stück/Nominal``, ``Kurs``, ``Gesamtwert EUR``; comdirect/DKB ``Stück/Nom.``,
``Bezeichnung``, ``WKN``, ``akt. Kurs``, ``Wert in EUR``)::

    Depotbestand vom 14.03.2025
    Depot;Stück/Nominale;Bezeichnung;ISIN;WKN;Kurs;Währung;Kurswert in EUR
    123456789;15;NVIDIA Corp.;US67066G1040;918422;131,38;USD;1.816,90
    Summe;;;;;;;16.180,60

* a ``Währung`` column right after an amount column is that amount's currency;
* headers may name the currency (``Kurswert in EUR``, ``Gesamtwert EUR``);
* ``Summe`` / ``Gesamt`` rows are totals; a preamble line ``Stand:`` / ``vom`` / ``per``
  dates the file;
* ISIN or WKN -> symbol through the bundled map; an ISIN not in it stays the holding's symbol.
"""

from __future__ import annotations

import re

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.dates import parse_date
from exposure.holdings.importers.headers import cell, column_map, norm
from exposure.holdings.importers.sniff import Document
from exposure.holdings.isin import split_identifier

FORMAT_ID = "depot-de"
LABEL = "German depot export"
DECIMAL_COMMA = None  # decided per file (almost always 1.234,56)

ALIASES = {
    "quantity": ["stück/nominale", "stück/nominal", "stück/nom.", "stück", "stk.", "anzahl",
                 "nominale", "bestand", "menge"],
    "name": ["bezeichnung", "wertpapiername", "gattung"],
    "isin": ["isin"],
    "wkn": ["wkn"],
    "wkn_isin": ["wkn/isin", "isin/wkn"],
    "price": ["akt. kurs", "aktueller kurs", "bewertungskurs", "kurs", "schlusskurs",
              "letzter kurs", "kurs in eur"],
    "value": ["kurswert in eur", "kurswert", "wert in eur", "gesamtwert eur", "gesamtwert",
              "marktwert in eur", "marktwert", "depotwert"],
    "currency": ["währung", "whg.", "whg"],
    "date": ["kursdatum", "datum", "stand", "zeit"],
    "account": ["depot", "depotnummer", "depot-nr."],
}
_TOTALS = ("summe", "gesamt", "gesamtsumme", "depotwert", "summe depot", "total")
_GERMAN = {"stück/nominale", "stück/nominal", "stück/nom.", "stück", "anzahl", "bezeichnung",
           "wertpapiername", "gattung", "kurswert", "kurswert in eur", "währung", "wert in eur"}


def _find(doc: Document) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(doc.rows[:40]):
        cols = column_map(row, ALIASES)
        keys = {norm(c) for c in row}
        has_id = any(k in cols for k in ("isin", "wkn", "wkn_isin"))
        if has_id and "quantity" in cols and "name" in cols and len(keys & _GERMAN) >= 2 \
                and "symbol" not in keys and "ticker" not in keys:
            return i, cols
    return None


def detect(doc: Document) -> bool:
    return _find(doc) is not None


def _currency_after(header: list[str], idx: int | None) -> int | None:
    """The ``Währung`` column right after column ``idx`` (ING writes one per amount)."""
    if idx is None or idx + 1 >= len(header):
        return None
    return idx + 1 if norm(header[idx + 1]) in ALIASES["currency"] else None


def parse(doc: Document, out: Collector) -> None:
    found = _find(doc)
    if found is None:
        return
    start, cols = found
    header = doc.rows[start]
    for i in range(start):
        if any(doc.rows[i]):
            text = doc.raw_text(i)
            if re.search(r"stand|vom|per|datum", text, re.IGNORECASE):
                out.set_date(parse_date(text))
            out.layout(doc.line(i), "preamble")
    out.layout(doc.line(start), "header")
    value_cur = _currency_after(header, cols.get("value"))
    price_cur = _currency_after(header, cols.get("price"))
    numeric = [cols[f] for f in ("quantity", "price", "value") if f in cols]
    out.decide_decimal_comma((row[j] for row in doc.rows[start + 1:] for j in numeric
                              if j < len(row)), doc.delimiter)
    value_label = header[cols["value"]] if "value" in cols else "Kurswert"
    price_label = header[cols["price"]] if "price" in cols else "Kurs"
    for i in range(start + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            continue
        first = next((c for c in row if c.strip()), "").strip().lower().rstrip(":")
        isin = cell(row, cols, "isin")
        wkn = cell(row, cols, "wkn")
        if "wkn_isin" in cols:
            isin, wkn = split_identifier(cell(row, cols, "wkn_isin"), isin, wkn)
        with out.row(line, text):
            value = out.money(cell(row, cols, "value"), value_label) if "value" in cols \
                else None
            stated = (row[value_cur] if value_cur is not None and value_cur < len(row)
                      else cell(row, cols, "currency")).strip().upper() or None
            if first in _TOTALS and not isin and not wkn:
                out.total(line, value, currency=stated, label=first, text=text)
                continue
            price = out.money(cell(row, cols, "price"), price_label) if "price" in cols \
                else None
            if price is not None and price_cur is not None and price_cur < len(row) \
                    and stated and row[price_cur].strip().upper() not in ("", stated):
                price = None  # quoted in another currency than the value: value wins
            when = parse_date(cell(row, cols, "date")) if "date" in cols else None
            if not isin and not wkn:
                out.skip(line, "no ISIN or WKN", text, value=value, currency=stated)
                continue
            out.position(line, "", quantity=out.quantity(cell(row, cols, "quantity"),
                                                         header[cols["quantity"]]),
                         market_value=value, price=price, currency=stated,
                         account=cell(row, cols, "account"), name=cell(row, cols, "name"),
                         isin=isin, wkn=wkn, as_of=when.isoformat() if when else "",
                         text=text)
