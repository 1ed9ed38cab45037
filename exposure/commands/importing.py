"""``exposure import``: read a broker export, print the import report, optionally save YAML.

Output shapes (scripts rely on them): ``--format json`` prints one object with ``holdings``
(``symbol``, ``name``, ``quantity``, ``market_value``, ``currency``, ``statement_price``,
``statement_date``, ``account``, ``raw_symbol``), ``cash``, ``skipped`` (``row``,
``reason``), ``unknown``, ``format``, ``statement_date``, ``file_total`` and
``skipped_value`` (per currency), ``ambiguous`` (cells whose currency needs ``--currency``),
``rows`` (where every record went), ``isins`` and ``warnings``
(:meth:`~exposure.holdings.importers.ImportResult.to_json`). The book is then valued as the
app values it (offline: statement values, else the bundled reference prices; ``--prices
market`` for the price chain): each holding gains ``price_source``, ``price_date`` and
``value_usd``, and a top-level ``reconciliation`` gives ``file_total``, ``valued_total``,
``base_currency`` and ``differences`` (cause, amount, rows, note; see
:mod:`exposure.evaluation.reconcile`).
A file that cannot be imported exits with code 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from exposure.commands.common import add_home_option, print_json, print_table
from exposure.errors import DataFileError, ImportFormatError
from exposure.evaluation.book import evaluate_book
from exposure.evaluation.reconcile import reconcile
from exposure.evaluation.result import BookEvaluation
from exposure.holdings.importers import FORMAT_LABELS, ImportResult, import_file, save_preset
from exposure.holdings.importers.mapping import locate
from exposure.holdings.importers.pipeline import ImportOptions, load_document
from exposure.holdings.market_value import tickers_to_quote
from exposure.holdings.portfolio import Portfolio, portfolio_to_yaml
from exposure.market.result import quotes_from_result
from exposure.market.yahoo import price_chain
from exposure.yamlio import atomic_write_bytes

if TYPE_CHECKING:
    from exposure.model.catalog import Catalog


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="import holdings from a broker export (CSV) or portfolio YAML",
        description="Import holdings from Fidelity, Schwab, Vanguard, Interactive Brokers, "
                    "Robinhood, E*TRADE, a generic CSV or the app's YAML; print the report.")
    p.add_argument("file", metavar="FILE", help="the exported file")
    p.add_argument("--out", metavar="PORTFOLIO.yaml",
                   help="write the holdings as a portfolio YAML (previous version kept)")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="report format (default: text)")
    p.add_argument("--prices", choices=["reference", "market"], default="reference",
                   help="value the book with statement values and bundled reference prices "
                        "(default, offline) or with the price chain (cache, Yahoo, reference)")
    p.add_argument("--map", metavar="FIELD=COL,...",
                   help="column mapping for an unrecognised file, e.g. "
                        "symbol=Ticker,quantity=Shares[,market_value=Value,currency=,account=]")
    p.add_argument("--save-preset", metavar="NAME",
                   help="save --map as a named preset that auto-detect uses next time")
    p.add_argument("--name", metavar="NAME", help="portfolio name for --out (default: file stem)")
    p.add_argument("--currency", metavar="CODE|MARK=CODE,...",
                   help="currency of values the file leaves open: '$', '¥', 'kr' or "
                        "unlabelled numbers, e.g. --currency CAD or --currency '$=USD,¥=JPY'")
    p.add_argument("--sheet", metavar="NAME|N",
                   help="workbook sheet to read (XLSX/XLS/ODS; default: the first with a "
                        "known layout)")
    p.add_argument("--lookup-isins", action="store_true",
                   help="look ISINs missing from the bundled map up on Yahoo (online; "
                        "answers cached in the workspace)")
    add_home_option(p)
    p.set_defaults(func=run)


def parse_map(text: str) -> dict[str, str]:
    """``symbol=Ticker,quantity=Shares`` -> mapping; malformed pairs are a clear error."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, column = part.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise ImportFormatError(f"--map: {part.strip()!r} is not FIELD=COLUMN")
        mapping[key.strip().lower()] = column.strip()
    if not mapping:
        raise ImportFormatError("--map: no FIELD=COLUMN pairs given")
    return mapping


def run(args: argparse.Namespace) -> int:
    mapping = parse_map(args.map) if args.map else None
    if args.save_preset and mapping is None:
        raise ImportFormatError("--save-preset needs --map")
    resolver = None
    if args.lookup_isins:
        from exposure.market.isin_lookup import IsinLookup

        resolver = IsinLookup(args.home)
    options = ImportOptions(currency=args.currency, sheet=args.sheet, isin_resolver=resolver)
    catalog = _catalog(args.home)
    result = import_file(args.file, mapping=mapping, home=args.home, catalog=catalog,
                         options=options)
    saved = None
    if args.save_preset and mapping is not None:
        doc = load_document(Path(args.file).read_bytes(), args.file, args.sheet)
        header_index, _cols = locate(doc, mapping)
        saved = save_preset(args.save_preset, mapping, doc.rows[header_index], args.home)
    written: Path | None = None
    portfolio = result.to_portfolio(args.name or Path(args.file).stem)
    if args.out:
        data = portfolio_to_yaml(portfolio).encode("utf-8")
        written = atomic_write_bytes(args.out, data, keep_previous=True)
    book = _valued(portfolio, catalog, args)
    if args.format == "json":
        doc = result.to_json()
        if book is not None:
            for holding, row in zip(doc["holdings"], book.valued.to_dict("records"), strict=True):
                holding["price_source"] = row["price_source"]
                holding["price_date"] = row["price_as_of"]
                holding["value_usd"] = row["market_value_usd"]
            rec = reconcile(book)
            doc["reconciliation"] = rec.to_json() if rec is not None else None
        print_json(doc)
        return 0
    _print_report(result)
    if book is not None:
        _print_reconciliation(book)
    if saved:
        print(f"preset saved: {saved.name} (version {saved.version}, shared with the team)")
    if written:
        print(f"portfolio written: {written}")
    return 0


def _valued(portfolio: Portfolio, catalog: Catalog | None,
            args: argparse.Namespace) -> BookEvaluation | None:
    """The imported book valued as the app values it (None without a catalog)."""
    if catalog is None:
        return None
    quotes = None
    if args.prices == "market":
        result = price_chain(args.home, catalog=catalog).latest(tickers_to_quote(portfolio))
        quotes = quotes_from_result(result)
    return evaluate_book(portfolio, catalog, quotes=quotes)


def _print_reconciliation(book: BookEvaluation) -> None:
    rec = reconcile(book)
    if rec is None:
        return
    cur = rec.base_currency
    print(f"reconciliation ({cur}): file total {rec.file_total:,.2f}, valued total "
          f"{rec.valued_total:,.2f}, difference {rec.gap:+,.2f}")
    for d in rec.differences:
        rows = f" ({', '.join(d.rows[:8])}{' ...' if len(d.rows) > 8 else ''})" if d.rows else ""
        print(f"  {d.cause:<13} {d.amount:+14,.2f}  {d.note}{rows}")


def _catalog(home: str | None) -> Catalog | None:
    """The catalog for unknown-symbol matching; without one the import still works."""
    from exposure.model.catalog import load_catalog

    try:
        return load_catalog(home=home)
    except DataFileError:
        return None


def _print_report(result: ImportResult) -> None:
    label = FORMAT_LABELS.get(result.format, result.format)
    sheet = f", sheet {result.sheet!r}" if result.sheet else ""
    acct = result.accounting
    print(f"format: {label} ({result.encoding}{sheet}); {len(result.holdings)} holdings, "
          f"{len(result.cash)} cash lines, {len(result.skipped)} rows skipped")
    print(f"rows: {result.data_rows} data rows = {acct['holding_rows']} holding rows + "
          f"{acct['cash_rows']} cash + {acct['skipped_rows']} skipped; "
          f"{sum(acct['layout'].values())} header/layout lines")
    if result.statement_date:
        print(f"values as of {result.statement_date} ({result.statement_date_source})")
    if len(result.holdings):
        print_table(result.holdings[["symbol", "quantity", "market_value", "currency",
                                     "statement_price", "account"]],
                    {"quantity": ",.4g", "market_value": ",.2f", "statement_price": ",.4f"})
    for c in result.cash:
        print(f"cash: {c['amount']:,.2f} {c['currency']} ({c['label']}"
              + (f", {c['account']}" if c["account"] else "") + ")")
    if result.file_total:
        print("file total: " + ", ".join(f"{v:,.2f} {k}" for k, v in result.file_total.items())
              + f" ({result.file_total_basis})")
    if result.skipped_value:
        print("value of skipped rows: " + ", ".join(f"{v:,.2f} {k}"
                                                    for k, v in result.skipped_value.items()))
    if result.merged:
        print(f"merged rows within an account: {', '.join(result.merged)}")
    if result.in_several_accounts:
        print(f"held in several accounts (kept apart): {', '.join(result.in_several_accounts)}")
    for a in result.ambiguous:
        print(f"ambiguous currency line {a['row']}, column '{a['column']}': {a['text']} "
              f"({' or '.join(a['candidates'][:4])} ...): use --currency")
    for s in result.skipped:
        print(f"skipped line {s['row']}: {s['reason']}")
    if result.unknown:
        print(f"not in the catalog (imported, segment default): {', '.join(result.unknown)}")
    for w in result.warnings:
        print(f"warning: {w}")
