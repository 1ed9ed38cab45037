"""Loading and checking the look-through data: ``links.yaml`` and ``funds/*.yaml``.

Called by :func:`exposure.model.catalog.load_catalog` (the one way in for data). Every problem is a
:class:`~exposure.errors.DataFileError` naming the file, the entry and the field: a link to an
issuer that is not in ``companies.yaml``, a holder without a market value, a fund that holds
itself (directly or through another fund).
"""

from __future__ import annotations

from pathlib import Path

from exposure.errors import DataFileError
from exposure.model.schema import Company, Fund, Link
from exposure.yamlio import load_list, read_yaml, validate_entry


def company_value_usd(company: Company) -> float | None:
    """The value a stake is a share of: market cap (listed) or last valuation (private)."""
    sourced = company.market_cap_usd if company.listed else company.valuation_usd
    if sourced is None:
        sourced = company.market_cap_usd or company.valuation_usd
    return None if sourced is None else float(sourced.value)


def _index(companies: dict[str, Company]) -> dict[str, str]:
    idx: dict[str, str] = {}
    for company in companies.values():
        idx[company.id.upper()] = company.id
        if company.ticker:
            idx[company.ticker.upper()] = company.id
    return idx


def load_links(path: Path, companies: dict[str, Company]) -> dict[str, Link]:
    """Validate ``links.yaml``; holder and target are resolved to company ids."""
    if not path.exists():
        return {}
    idx = _index(companies)
    links: dict[str, Link] = {}
    for link in load_list(Link, path):
        entry = f"'{link.id}'"
        if link.id in links:
            raise DataFileError(path, "duplicate link id", entry=entry, field="id")
        resolved: dict[str, str] = {}
        for role in ("holder", "target"):
            key = getattr(link, role).strip().upper()
            if key not in idx:
                raise DataFileError(
                    path, f"unknown {role} {getattr(link, role)!r} (not in companies.yaml)",
                    entry=entry, field=role)
            resolved[role] = idx[key]
        holder, target = companies[resolved["holder"]], companies[resolved["target"]]
        if link.kind == "equity":
            for role, company in (("holder", holder), ("target", target)):
                if company_value_usd(company) is None:
                    what = "market_cap_usd" if company.listed else "valuation_usd"
                    raise DataFileError(
                        path, f"{role} {company.id!r} has no {what} in companies.yaml, so the "
                        "stake cannot be expressed as a share of value", entry=entry, field=role)
        links[link.id] = link.model_copy(update=resolved)
    return links


def load_fund_file(path: Path) -> Fund:
    """Read and validate one fund file."""
    raw = read_yaml(path)
    name = f"'{raw['id']}'" if isinstance(raw, dict) and isinstance(raw.get("id"), str) else "fund"
    return validate_entry(Fund, raw, path, name)


def load_funds(folders: list[tuple[Path, str]]) -> tuple[dict[str, Fund], dict[str, str],
                                                           dict[str, str]]:
    """Load ``funds/*.yaml`` from each ``(folder, origin)``; later folders override earlier ones.

    Returns ``(funds, origin, files)`` keyed by upper-case fund id. A fund that contains itself
    through other funds is an error naming the file and the chain.
    """
    funds: dict[str, Fund] = {}
    origin: dict[str, str] = {}
    files: dict[str, str] = {}
    for folder, org in folders:
        if not folder.is_dir():
            continue
        seen_here: dict[str, str] = {}
        for path in sorted(folder.glob("*.yaml")):
            fund = load_fund_file(path)
            key = fund.id.upper()
            if key in seen_here:
                raise DataFileError(path, f"duplicate fund id (also in {seen_here[key]})",
                                    entry=f"'{fund.id}'", field="id")
            seen_here[key] = str(path)
            funds[key], origin[key], files[key] = fund, org, str(path)
    _check_fund_cycles(funds, files)
    return funds, origin, files


def _check_fund_cycles(funds: dict[str, Fund], files: dict[str, str]) -> None:
    """Depth-first search over fund-in-fund constituents; a cycle is a clear error."""
    done: set[str] = set()

    def visit(key: str, chain: list[str]) -> None:
        if key in chain:
            loop = " -> ".join([*chain[chain.index(key):], key])
            start = chain[chain.index(key)]
            raise DataFileError(files[start], f"fund holds itself through other funds ({loop})",
                                entry=f"'{funds[start].id}'", field="constituents")
        if key in done:
            return
        for c in funds[key].constituents:
            sub = c.symbol.strip().upper()
            if sub in funds:
                visit(sub, [*chain, key])
        done.add(key)

    for key in funds:
        visit(key, [])
