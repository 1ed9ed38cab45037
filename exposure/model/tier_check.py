"""Every number the engine uses must say how far to trust it: a ``tier`` and an ``as_of`` date.

The pydantic models already require both on company numbers, segment defaults, reference
prices, links and fund files. Scenario shocks and probabilities gained them later (optional in
the schema so that older user files still load in the app); ``exposure validate-data`` fails on
any that lack them. A number of our own (tier ``judgement`` or ``estimated``) must also say in
its ``basis`` how it was chosen.

:func:`untiered_numbers` walks the whole catalog (bundled data and the workspace) and returns
one :class:`TierProblem` per number, naming the file, the entry and the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exposure.model.catalog import Catalog
from exposure.model.schema import OWN_TIERS
from exposure.workspace import data_dir, home_dir


@dataclass(frozen=True)
class TierProblem:
    """A number used by the engine without tier, as_of or (for our own numbers) basis."""

    file: str
    entry: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: entry '{self.entry}', field '{self.field}': {self.problem}"


def _problem(tier: str | None, as_of: date | None, basis: str | None) -> str | None:
    missing = [name for name, value in (("tier", tier), ("as_of", as_of)) if value is None]
    if missing:
        return f"number without {' and '.join(missing)} (every number the engine uses needs both)"
    if tier in OWN_TIERS and not (basis and basis.strip()):
        return f"a {tier} number needs a 'basis' saying how it was chosen"
    return None


def _scenario_numbers(catalog: Catalog) -> Iterator[tuple[str, str, str, str | None, date | None,
                                                          str | None]]:
    """``(file, entry, field, tier, as_of, basis)`` for every shock and probability."""
    for scn in catalog.scenarios.values():
        file = catalog.files.get(f"scenario:{scn.id}", f"scenarios/{scn.id}.yaml")
        p = scn.probability
        yield file, scn.id, "probability", p.tier, p.as_of, p.basis
        for ch, shock in scn.shocks.items():
            yield file, scn.id, f"shocks.{ch}", shock.tier, shock.as_of, shock.basis


def _sourced_numbers(catalog: Catalog, home: str | Path | None
                     ) -> Iterator[tuple[str, str, str, str | None, date | None, str | None]]:
    """The same for everything else (guarded by the schema today; checked so it stays so)."""
    bundled = data_dir()
    user = home_dir(home)
    for subject, fld, val in catalog.sourced_values():
        if subject.startswith("segment:"):
            file = str(bundled / "channels.yaml")
        elif catalog.origin.get(f"company:{subject}") == "user":
            file = str(user / "companies.yaml")
        else:
            file = str(bundled / "companies.yaml")
        yield file, subject, fld, val.tier, val.as_of, val.basis
    for ticker, price in catalog.reference_prices.items():
        yield str(bundled / "reference_prices.yaml"), ticker, "close", price.tier, price.as_of, \
            price.basis
    for link in catalog.links.values():
        file = str(bundled / "links.yaml")
        yield file, link.id, "link", link.tier, link.as_of, link.basis
        if link.measured_against is not None:
            ma = link.measured_against
            yield file, link.id, "measured_against", ma.tier, ma.as_of, ma.basis
    for key, fund in catalog.funds.items():
        file = catalog.files.get(f"fund:{key}", f"funds/{key}.yaml")
        yield file, fund.id, "constituents", fund.tier, fund.as_of, fund.basis


def untiered_numbers(catalog: Catalog, home: str | Path | None = None) -> list[TierProblem]:
    """Every number the engine uses that lacks tier or as_of (or, if our own, a basis)."""
    problems: list[TierProblem] = []
    for rows in (_scenario_numbers(catalog), _sourced_numbers(catalog, home)):
        for file, entry, fld, tier, as_of, basis in rows:
            why = _problem(tier, as_of, basis)
            if why is not None:
                problems.append(TierProblem(file, entry, fld, why))
    return problems
