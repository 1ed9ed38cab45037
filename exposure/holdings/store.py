"""Saved portfolios in the workspace: ``<home>/portfolios/<slug>.yaml`` (pure core).

The server chooses every path: a user-supplied name is only ever turned into a slug inside
the portfolios folder (:func:`exposure.workspace.safe_child`), so names such as
``../../x``, absolute paths, NUL bytes or ``.streamlit/secrets.toml`` can never write
elsewhere (THREATS.md T-15). Windows device names (``CON``, ``NUL`` ...) are refused so a
workspace copied to Windows stays usable. Saves are atomic and keep the previous version
as ``<slug>.yaml.prev`` (T-20). A file that no longer parses is listed with its problem
instead of breaking the listing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from exposure.errors import ExposureError, PortfolioError, WorkspaceError
from exposure.holdings.portfolio import (
    Portfolio,
    parse_portfolio_yaml,
    portfolio_to_yaml,
    validate_holdings,
)
from exposure.workspace import home_dir, safe_child, slugify
from exposure.yamlio import MAX_YAML_BYTES, atomic_write_bytes

FOLDER = "portfolios"
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CLOCK$",
             *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class SavedPortfolio:
    """One file in the portfolios folder; ``error`` is set (and ``holdings`` is None) when
    the file cannot be read as a portfolio."""

    slug: str
    name: str
    path: Path
    modified: datetime
    holdings: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def portfolios_dir(home: str | Path | None = None) -> Path:
    return home_dir(home) / FOLDER


def portfolio_path(name: str, home: str | Path | None = None) -> Path:
    """Where portfolio ``name`` is saved; raises :class:`WorkspaceError` for unusable names."""
    slug = slugify(name)
    if slug.split(".")[0].upper() in _RESERVED:
        raise WorkspaceError(f"{name!r} is a reserved device name; choose another name")
    return safe_child(portfolios_dir(home), name, ".yaml")


def save_portfolio(portfolio: Portfolio, name: str | None = None,
                   home: str | Path | None = None) -> Path:
    """Validate ``portfolio`` and save it as ``name`` (default: its own name).

    The YAML is parsed back before it is written, so a saved file always loads again.
    """
    label = (name if name is not None else portfolio.name).strip()
    if not label:
        raise WorkspaceError("give the portfolio a name to save it under")
    path = portfolio_path(label, home)
    to_save = portfolio.copy()
    to_save.name = label
    to_save.holdings = validate_holdings(portfolio.holdings)
    text = portfolio_to_yaml(to_save)
    parse_portfolio_yaml(text, path.name)  # never write what cannot be read back
    return atomic_write_bytes(path, text.encode("utf-8"), keep_previous=True)


def list_portfolios(home: str | Path | None = None) -> list[SavedPortfolio]:
    """Every ``*.yaml`` in the portfolios folder, by slug; broken files carry ``error``."""
    folder = portfolios_dir(home)
    if not folder.is_dir():
        return []
    out: list[SavedPortfolio] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime)
        except OSError:
            continue
        try:
            portfolio = _read(path)
        except ExposureError as exc:
            out.append(SavedPortfolio(path.stem, path.stem, path, modified, None,
                                      str(exc).splitlines()[0]))
            continue
        out.append(SavedPortfolio(path.stem, portfolio.name, path, modified,
                                  len(portfolio.holdings)))
    return out


def load_saved(name: str, home: str | Path | None = None) -> Portfolio:
    """Load saved portfolio ``name`` (a name or its slug)."""
    path = portfolio_path(name, home)
    if not path.is_file():
        raise PortfolioError(f"no saved portfolio named {name!r}")
    return _read(path)


def _read(path: Path) -> Portfolio:
    if path.is_symlink():
        raise WorkspaceError(f"{path.name}: refusing to read through a symbolic link")
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            raise PortfolioError(f"{path.name}: file is larger than {MAX_YAML_BYTES // 1000} kB")
        data = path.read_bytes()
    except OSError as exc:
        raise WorkspaceError(f"{path.name}: cannot read ({exc.strerror or exc})") from None
    portfolio = parse_portfolio_yaml(data, path.name)
    portfolio.source = str(path)
    return portfolio
