"""Installing an imported fund into the workspace (``<home>/funds/<TICKER>.yaml``).

Shared by ``exposure funds import`` and the Portfolio page. The new file is validated on its
own and then with the whole catalog (fund cycles, duplicates) before it counts; if the
workspace would not load, the previous file is put back, so a bad import loses nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from exposure.errors import DataFileError, ImportFormatError
from exposure.holdings.isin import bundled_isin_map
from exposure.lookthrough.fund_import import (
    ImportedFund,
    fund_document,
    identity_problem,
    name_key,
)
from exposure.model.catalog import Catalog, load_catalog
from exposure.model.linkfiles import load_fund_file
from exposure.workspace import ensure_dir, home_dir, safe_child
from exposure.yamlio import atomic_write_bytes, dump_yaml


def known_fund_names(catalog: Catalog) -> dict[str, str]:
    """Fund name (comparison key) -> ticker, from the catalog's funds and the ISIN map."""
    names = {name_key(entry.name): entry.symbol for entry in bundled_isin_map().by_isin.values()
             if re.search(r"\b(ETF|Fund|Trust)\b", entry.name)}
    names.update({name_key(f.name): f.id for f in catalog.funds.values()})
    return names


def install_fund(fund: ImportedFund, ticker: str, *, file_name: str, source: str | None = None,
                 name: str | None = None, home: str | Path | None = None) -> tuple[Path, dict[str, Any]]:
    """Write the fund into the workspace; return (path, document).

    Raises :class:`ImportFormatError` when the file is another fund than ``ticker`` and
    :class:`DataFileError` when the result would not load.
    """
    problem = identity_problem(fund, ticker, known_fund_names(load_catalog(home=home)))
    if problem:
        raise ImportFormatError(problem, path=file_name)
    doc = fund_document(fund, ticker, file_name=file_name, source=source, name=name)
    folder = ensure_dir(home_dir(home) / "funds")
    target = safe_child(folder, ticker.upper(), ".yaml")
    text = ("# Imported from an issuer holdings file; overrides the bundled fund of the same id.\n"
            + dump_yaml(doc))
    tmp = target.with_name(f".{target.name}.check")
    atomic_write_bytes(tmp, text.encode())
    try:
        load_fund_file(tmp)  # validate before it replaces anything
    except DataFileError:
        tmp.unlink(missing_ok=True)
        raise
    previous = target.read_bytes() if target.is_file() else None
    tmp.replace(target)
    try:
        load_catalog(home=home)  # the workspace still loads (fund cycles, duplicates)
    except DataFileError:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            atomic_write_bytes(target, previous)
        raise
    return target, doc
