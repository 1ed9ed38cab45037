"""Open a book from a file: the app's own YAML format or any importable broker export."""

from __future__ import annotations

from pathlib import Path

from exposure.errors import PortfolioError
from exposure.holdings.importers import import_file
from exposure.holdings.portfolio import Portfolio, parse_portfolio_yaml


def load_portfolio(path: str | Path) -> Portfolio:
    """Load a portfolio from the app's YAML format or any importable broker export."""
    p = Path(path)
    if not p.is_file():
        raise PortfolioError(f"{p}: file not found")
    if p.suffix.lower() in (".yaml", ".yml"):
        return parse_portfolio_yaml(p.read_bytes(), str(p))
    result = import_file(p)
    return result.to_portfolio(name=p.stem)
