"""The one way in for reference data: load and validate ``data/`` and the user's workspace.

A broken file raises one :class:`~exposure.errors.DataFileError` naming the file, the entry
and the field. The workspace may add or override companies (``companies.yaml``) and
scenarios (``scenarios/*.yaml``) by id, and adds the events accepted from pulled drafts
(``events/pulled.yaml``, :mod:`exposure.model.drafts`).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from exposure.errors import DataFileError
from exposure.model.drafts import accepted_events, load_drafts
from exposure.model.elasticity import ElasticityChoice, choose_elasticity
from exposure.model.linkfiles import load_funds, load_links
from exposure.model.schema import (
    TIERS,
    CalibrationFile,
    Channel,
    ChannelsFile,
    Company,
    Event,
    EventMoves,
    Fund,
    Link,
    ReferenceFx,
    ReferencePrice,
    Scenario,
    SegmentDefaults,
    Sourced,
)
from exposure.storage.access import stored
from exposure.workspace import data_dir as default_data_dir
from exposure.workspace import home_dir
from exposure.yamlio import entry_name, load_list, parse_yaml, read_yaml, validate_entry

STALE_MONTHS = 15
"""A number whose ``as_of`` is more than this many months before today is marked stale."""


def stale_cutoff(today: date | None = None) -> date:
    """The oldest ``as_of`` that is not stale: ``today`` minus :data:`STALE_MONTHS` months."""
    today = today or date.today()
    months = today.year * 12 + today.month - 1 - STALE_MONTHS
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Catalog:
    """Validated reference data: channels, segment defaults, companies, scenarios, events."""

    channels: tuple[Channel, ...]
    segments: dict[str, SegmentDefaults]
    companies: dict[str, Company]
    scenarios: dict[str, Scenario]
    events: dict[str, Event]
    event_moves: tuple[EventMoves, ...] = ()
    reference_prices: dict[str, ReferencePrice] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    """``"scenario:<id>"`` / ``"company:<id>"`` / ``"event:<id>"`` -> ``"bundled"`` or ``"user"``
    (an event accepted from a pulled draft)."""
    files: dict[str, str] = field(default_factory=dict)
    """``"scenario:<id>"`` -> the file it was read from."""
    links: dict[str, Link] = field(default_factory=dict)
    """Look-through links (``links.yaml``) by id; holder/target are company ids."""
    funds: dict[str, Fund] = field(default_factory=dict)
    """Fund constituents (``funds/*.yaml``, workspace overrides) by upper-case fund id."""
    workspace_problems: tuple[str, ...] = ()
    """Workspace files skipped because they are broken (only with ``strict_home=False``)."""
    calibration: CalibrationFile | None = None
    """Estimated elasticities (``calibration.yaml``); None when the file is absent."""

    @property
    def channel_ids(self) -> list[str]:
        return [c.id for c in self.channels]

    def company_for_symbol(self, symbol: str) -> Company | None:
        """The profile for a Yahoo ticker or private-company id (case-insensitive)."""
        key = symbol.strip().upper()
        return self._symbol_index().get(key)

    def _symbol_index(self) -> dict[str, Company]:
        cache = self.__dict__.get("_symbol_cache")
        if cache is None:
            cache = {}
            for company in self.companies.values():
                cache[company.id.upper()] = company
                if company.ticker:
                    cache[company.ticker.upper()] = company
            object.__setattr__(self, "_symbol_cache", cache)
        return cache

    def segment_elasticity(self, segment_id: str) -> ElasticityChoice | None:
        """``k`` for an issuer of this segment without a profile: the segment's estimate where
        informative, else its prior judgement (None for an unknown segment)."""
        seg = self.segments.get(segment_id)
        if seg is None:
            return None
        cal = self.calibration
        return choose_elasticity(segment_prior=seg.elasticity.value,
                                 segment_estimate=cal.segments.get(segment_id) if cal else None)

    def company_elasticity(self, company: Company) -> ElasticityChoice:
        """``k`` for a profiled issuer (precedence in :mod:`exposure.model.elasticity`)."""
        seg = self.segments.get(company.segment)
        cal = self.calibration
        return choose_elasticity(
            segment_prior=seg.elasticity.value if seg else None,
            profile_prior=company.elasticity.value if company.elasticity else None,
            segment_estimate=cal.segments.get(company.segment) if cal else None,
            holding_estimate=cal.holdings.get(company.id) if cal else None,
        )

    def scenario_ids(self) -> list[str]:
        return list(self.scenarios)

    def segment_k(self, segment: str) -> float:
        """The k an unprofiled issuer of ``segment`` gets (1.0 for an unknown segment)."""
        choice = self.segment_elasticity(segment)
        return float(choice.value) if choice is not None else 1.0

    def elasticity_for(self, company: Company) -> float:
        """The k the engine uses for a profiled issuer (estimate or prior)."""
        return float(self.company_elasticity(company).value)

    def is_user(self, kind: str, ident: str) -> bool:
        return self.origin.get(f"{kind}:{ident}") == "user"

    def sourced_values(self) -> Iterator[tuple[str, str, Sourced]]:
        """Every shipped number as ``(subject, field, value)``."""
        for seg_id, seg in self.segments.items():
            yield f"segment:{seg_id}", "elasticity", seg.elasticity
            for ch, exp in seg.exposures.items():
                yield f"segment:{seg_id}", f"exposure.{ch}", exp
        for company in self.companies.values():
            for name in ("revenue_usd", "valuation_usd", "market_cap_usd", "elasticity"):
                value = getattr(company, name)
                if value is not None:
                    yield company.id, name, value
            for ch, exp in company.exposures.items():
                yield company.id, f"exposure.{ch}", exp

    def provenance_frame(self, today: date | None = None) -> pd.DataFrame:
        """One row per shipped number.

        ====================  =====================================================
        column                meaning
        ====================  =====================================================
        subject               issuer id, ``segment:<id>`` or ``price:<ticker>``
        name                  display name
        field                 e.g. ``revenue_usd``, ``exposure.china_ai_sales``
        value                 the number (shares as fractions)
        estimate              True when derived by us (see ``basis``)
        basis                 what it measures / how it was derived
        source                URL
        tier                  primary / press / secondary / judgement / estimated
        as_of                 date the number was true or published
        origin                bundled / user
        stale                 as_of older than STALE_MONTHS (15) months before today
        ====================  =====================================================
        """
        rows: list[dict[str, Any]] = []
        for subject, fld, val in self.sourced_values():
            company = self.companies.get(subject)
            rows.append({
                "subject": subject,
                "name": company.name if company else self.segments[subject.split(":", 1)[1]].label,
                "field": fld,
                "value": val.value,
                "estimate": val.estimate,
                "basis": val.basis or "",
                "source": val.source,
                "tier": val.tier,
                "as_of": val.as_of,
                "origin": self.origin.get(f"company:{subject}", "bundled"),
            })
        for price in self.reference_prices.values():
            rows.append({
                "subject": f"price:{price.ticker}",
                "name": price.ticker,
                "field": f"close_{price.currency.lower()}",
                "value": price.close,
                "estimate": False,
                "basis": price.basis or "",
                "source": price.source,
                "tier": price.tier,
                "as_of": price.as_of,
                "origin": "bundled",
            })
        for link in self.links.values():
            share = link.stake_share if link.kind == "equity" else link.revenue_share
            holder = self.companies.get(link.holder)
            rows.append({
                "subject": link.holder, "name": holder.name if holder else link.holder,
                "field": f"link.{link.kind}:{link.target}", "value": share,
                "estimate": link.estimate, "basis": link.basis, "source": link.source,
                "tier": link.tier, "as_of": link.as_of, "origin": "bundled",
            })
            if link.measured_against is not None:
                ma = link.measured_against
                rows.append({
                    "subject": link.holder if ma.kind == "revenue" else link.target,
                    "name": link.id, "field": f"link.{ma.kind}_usd", "value": ma.value,
                    "estimate": ma.estimate, "basis": ma.basis or "", "source": ma.source,
                    "tier": ma.tier, "as_of": ma.as_of, "origin": "bundled",
                })
        for fund in self.funds.values():
            for c in fund.constituents:
                rows.append({
                    "subject": f"fund:{fund.id}", "name": fund.name, "field": f"weight.{c.symbol}",
                    "value": c.weight, "estimate": fund.estimate, "basis": fund.basis,
                    "source": fund.source, "tier": fund.tier, "as_of": fund.as_of,
                    "origin": self.origin.get(f"fund:{fund.id}", "bundled"),
                })
        columns = ["subject", "name", "field", "value", "estimate", "basis", "source", "tier",
                   "as_of", "origin"]
        frame = pd.DataFrame(rows, columns=columns)
        cutoff = stale_cutoff(today)
        frame["stale"] = [d < cutoff for d in frame["as_of"]]
        return frame

    def tier_mix(self) -> dict[str, int]:
        """How many shipped numbers, scenario shocks and probabilities, events, links and fund
        files come from each source tier (untiered shocks and probabilities are not counted:
        :mod:`exposure.model.tier_check` reports them)."""
        counts: Counter[str] = Counter()
        for scn in self.scenarios.values():
            if scn.probability.tier is not None:
                counts[scn.probability.tier] += 1
            for shock in scn.shocks.values():
                if shock.tier is not None:
                    counts[shock.tier] += 1
        for _, _, val in self.sourced_values():
            counts[val.tier] += 1
        for price in self.reference_prices.values():
            counts[price.tier] += 1
        for moves in self.event_moves:
            for move in moves.moves:
                counts[move.tier] += 1
        for event in self.events.values():
            counts[event.sources[0].tier] += 1
        for link in self.links.values():
            counts[link.tier] += 1
        for fund in self.funds.values():
            counts[fund.tier] += 1
        return {tier: counts.get(tier, 0) for tier in TIERS}


def _load_channels(path: Path) -> tuple[tuple[Channel, ...], dict[str, SegmentDefaults]]:
    raw = read_yaml(path)
    parsed = validate_entry(ChannelsFile, raw, path, "channels file")
    ids = [c.id for c in parsed.channels]
    dup = [i for i, n in Counter(ids).items() if n > 1]
    if dup:
        raise DataFileError(path, "duplicate channel id", entry=f"'{dup[0]}'", field="id")
    for seg_id, seg in parsed.segments.items():
        for ch in seg.exposures:
            if ch not in ids:
                raise DataFileError(path, f"unknown channel {ch!r}", entry=f"segment '{seg_id}'",
                                    field=f"exposures.{ch}")
    return tuple(parsed.channels), dict(parsed.segments)


def _check_company(company: Company, channel_ids: list[str], path: Path) -> None:
    for ch in company.exposures:
        if ch not in channel_ids:
            raise DataFileError(path, f"unknown channel {ch!r} (known: {', '.join(channel_ids)})",
                                entry=f"'{company.id}'", field=f"exposures.{ch}")


def _check_scenario(scn: Scenario, channel_ids: list[str], events: dict[str, Event],
                    path: Path) -> None:
    for ch in scn.shocks:
        if ch not in channel_ids:
            raise DataFileError(path, f"unknown channel {ch!r} (known: {', '.join(channel_ids)})",
                                entry=f"'{scn.id}'", field=f"shocks.{ch}")
    for ev in scn.events:
        if ev not in events:
            raise DataFileError(path, f"unknown event id {ev!r} (not in events.yaml)",
                                entry=f"'{scn.id}'", field="events")


def load_scenario_file(path: Path, channel_ids: list[str], events: dict[str, Event]) -> Scenario:
    """Read and validate one scenario file."""
    raw = read_yaml(path)
    scn = validate_entry(Scenario, raw, path, entry_name(raw, 0))
    _check_scenario(scn, channel_ids, events, path)
    return scn


class StoredScenario(Protocol):
    """A user scenario from the team store (:class:`exposure.storage.documents.Document`)."""

    name: str
    space: str
    version: int
    body: str | None


def _stored_origin(doc: StoredScenario) -> str:
    where = "team" if doc.space == "@team" else doc.space
    return f"{where} scenario '{doc.name}' (v{doc.version})"


def load_catalog(data: str | Path | None = None, home: str | Path | None = None,
                 *, include_home: bool = True, strict_home: bool = True,
                 user_scenarios: Sequence[StoredScenario] | None = None) -> Catalog:
    """Load and validate every reference file, then the workspace's additions and overrides.

    User scenarios live in the team store: ``user_scenarios`` are the ones this user sees
    (their own after the team's, so theirs win on the same id); by default (the CLI) the
    team's scenarios in ``home``'s store.

    A broken bundled file always raises. A broken workspace file raises too when
    ``strict_home`` (the CLI); otherwise (the app) that file is skipped and its one-line
    problem is kept in :attr:`Catalog.workspace_problems`, so one bad file never takes the
    app down and nothing else the user has is lost.
    """
    root = Path(data) if data is not None else default_data_dir()
    channels, segments = _load_channels(root / "channels.yaml")
    channel_ids = [c.id for c in channels]

    events: dict[str, Event] = {}
    events_path = root / "events.yaml"
    for event in load_list(Event, events_path):
        if event.id in events:
            raise DataFileError(events_path, "duplicate event id", entry=f"'{event.id}'", field="id")
        events[event.id] = event

    origin: dict[str, str] = {}
    files: dict[str, str] = {}
    companies: dict[str, Company] = {}
    comp_path = root / "companies.yaml"
    for company in load_list(Company, comp_path):
        if company.id in companies:
            raise DataFileError(comp_path, "duplicate company id", entry=f"'{company.id}'",
                                field="id")
        _check_company(company, channel_ids, comp_path)
        companies[company.id] = company
        origin[f"company:{company.id}"] = "bundled"

    scenarios: dict[str, Scenario] = {}
    for path in sorted((root / "scenarios").glob("*.yaml")):
        scn = load_scenario_file(path, channel_ids, events)
        if scn.id in scenarios:
            raise DataFileError(path, f"duplicate scenario id (also in {files[f'scenario:{scn.id}']})",
                                entry=f"'{scn.id}'", field="id")
        scenarios[scn.id] = scn
        origin[f"scenario:{scn.id}"] = "bundled"
        files[f"scenario:{scn.id}"] = str(path)

    moves_path = root / "event_moves.yaml"
    event_moves = tuple(load_list(EventMoves, moves_path)) if moves_path.exists() else ()
    for em in event_moves:
        if em.event_id not in events:
            raise DataFileError(moves_path, f"unknown event id {em.event_id!r}",
                                entry=f"'{em.event_id}'", field="event_id")

    prices: dict[str, ReferencePrice] = {}
    prices_path = root / "reference_prices.yaml"
    if prices_path.exists():
        for price in load_list(ReferencePrice, prices_path):
            prices[price.ticker.upper()] = price
    fx_path = root / "reference_fx.yaml"
    if fx_path.exists():
        for rate in load_list(ReferenceFx, fx_path):
            as_price = rate.as_price()
            prices[as_price.ticker] = as_price

    calibration_path = root / "calibration.yaml"
    calibration = (validate_entry(CalibrationFile, read_yaml(calibration_path), calibration_path,
                                  "calibration file")
                   if calibration_path.exists() else None)

    problems: list[str] = []

    def workspace_file(load: Callable[[], None]) -> None:
        """Run one workspace load; strict: raise, else record the one-line problem and skip."""
        try:
            load()
        except DataFileError as exc:
            if strict_home:
                raise
            problems.append(str(exc))

    home_path = home_dir(home) if include_home else None
    event_links: list[tuple[str, list[str]]] = []
    if home_path is not None:
        pulled = home_path / "events" / "pulled.yaml"
        if pulled.is_file():
            def load_reviewed_events() -> None:
                """Accepted drafts become events (a bundled event of the same id wins)."""
                accepted = [(e, linked) for e, linked in accepted_events(load_drafts(path=pulled))
                            if e.id not in events]
                for event, linked in accepted:
                    events[event.id] = event
                    origin[f"event:{event.id}"] = "user"
                    files[f"event:{event.id}"] = str(pulled)
                    event_links.append((event.id, linked))
            workspace_file(load_reviewed_events)
        user_companies = home_path / "companies.yaml"
        if user_companies.is_file():
            def load_companies() -> None:
                loaded = load_list(Company, user_companies)
                for company in loaded:
                    _check_company(company, channel_ids, user_companies)
                for company in loaded:
                    companies[company.id] = company
                    origin[f"company:{company.id}"] = "user"
            workspace_file(load_companies)
        if user_scenarios is None:
            user_scenarios = stored(home_path, "scenario")
        for doc in user_scenarios:
            def load_one(doc: StoredScenario = doc) -> None:
                where = _stored_origin(doc)
                raw = parse_yaml(doc.body or "", where)
                scn = validate_entry(Scenario, raw, where, entry_name(raw, 0))
                _check_scenario(scn, channel_ids, events, Path(where))
                scenarios[scn.id] = scn
                origin[f"scenario:{scn.id}"] = "user"
                files[f"scenario:{scn.id}"] = where
            workspace_file(load_one)
        for event_id, linked in event_links:      # the reviewer's scenario links
            for sid in linked:
                scn = scenarios.get(sid)
                if scn is not None and event_id not in scn.events:
                    scenarios[sid] = scn.model_copy(update={"events": [*scn.events, event_id]})

    links = load_links(root / "links.yaml", companies)
    bundled_funds = [(root / "funds", "bundled")]
    funds, fund_origin, fund_files = load_funds(bundled_funds)
    if home_path is not None and (home_path / "funds").is_dir():
        def load_user_funds() -> None:
            nonlocal funds, fund_origin, fund_files
            funds, fund_origin, fund_files = load_funds(bundled_funds + [(home_path / "funds", "user")])
        workspace_file(load_user_funds)
    origin.update({f"fund:{k}": v for k, v in fund_origin.items()})
    files.update({f"fund:{k}": v for k, v in fund_files.items()})

    return Catalog(
        channels=channels,
        segments=segments,
        companies=companies,
        scenarios=scenarios,
        events=events,
        event_moves=event_moves,
        reference_prices=prices,
        origin=origin,
        files=files,
        links=links,
        funds=funds,
        workspace_problems=tuple(problems),
        calibration=calibration,
    )
