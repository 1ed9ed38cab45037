"""The exposure engine (DESIGN.md 4), vectorised over holdings h, scenarios s, channels c::

    revenue_change[h,s] = sum_c e[h,c] * x[s,c]
    value_change[h,s]   = clip(k[h] * revenue_change[h,s], -1, +inf)
    impact_usd[h,s]     = value_change[h,s] * market_value[h]
    contribution[h,s,c] = k[h] * e[h,c] * x[s,c] * market_value[h]   (sums to impact before clip)
    portfolio[s]        = sum_h impact_usd[h,s]
    expected            = sum_s p[s] * portfolio[s]

With look-through (a :class:`LinkOperator`), holdings that own stakes in, or sell compute to,
other entities t (labs, startups) add what those entities' own evaluation does to them::

    D[:, s]             = [ vc_t[s] ; max(rc_t[s], -1) ]        (targets' value and demand change)
    lt[h,s]             = (M_g(s) @ D)[h,s]                    (one sparse product per horizon g)
    value_change[h,s]   = max(value_change[h,s] + lt[h,s], -1)

``M`` is built in :mod:`exposure.lookthrough.maths`. :func:`value_changes` is the one home of
this formula: the evaluation, the editor previews, the comparison and every Monte Carlo draw
call it. No Python loops over holdings. :class:`Evaluation` keeps the arrays; tidy frames are
built on demand so that a slider move does not pay for frames nobody shows.

**Cases.** Exposures are shares in [0, 1] and elasticities are >= 0, and the floor and the
look-through step are non-decreasing, so every holding's impact is non-decreasing in every
shock. The end of a shock's range that is worse for a holder is therefore always its low end:
``adverse`` takes every shock's low end, ``central`` its base, ``favourable`` its high end, and
``adverse <= central <= favourable`` holds for every holding and scenario.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from exposure.errors import UnknownScenarioError
from exposure.model.catalog import Catalog
from exposure.model.schema import LAYER_OF_SEGMENT, Scenario
from exposure.model.sparse import SparseLinks

VALUE_FLOOR = -1.0
"""A holding cannot lose more than all of its value."""

Case = Literal["adverse", "central", "favourable"]
CASES: tuple[Case, ...] = ("adverse", "central", "favourable")
CASE_ALIASES: dict[str, Case] = {"low": "adverse", "base": "central", "high": "favourable"}
"""Deprecated names (until 2027): they meant the numeric low / base / high end of each range."""
CASE_HELP = ("Adverse takes the worse end of every shock's range for a holder, central the "
             "base estimate, favourable the better end.")

DEFAULT_HORIZON_MONTHS = 12


def normalise_case(case: str) -> tuple[Case, str | None]:
    """``(case, note)``: an alias becomes its case, with a deprecation note; unknown raises."""
    if case in CASES:
        return case, None  # type: ignore[return-value]
    if case in CASE_ALIASES:
        new = CASE_ALIASES[case]
        return new, f"case '{case}' is deprecated: use '{new}' (same numbers)"
    raise ValueError(f"unknown case {case!r} (adverse, central or favourable)")


class ProfileSource:
    """Where a holding's exposure row comes from (``ProfileMatrix.profile_source``)."""

    PROFILE = "profile"
    SEGMENT_DEFAULT = "segment default"
    UNCLASSIFIED = "unclassified"
    FUND_LOOKTHROUGH = "fund look-through"
    """A fund whose exposure is the weighted sum of its constituents' profiles."""


@dataclass(frozen=True)
class ProfileMatrix:
    """Per-holding exposure rows, resolved from the catalog once per portfolio."""

    symbols: np.ndarray
    names: np.ndarray
    segments: np.ndarray
    layers: np.ndarray
    profile_source: np.ndarray
    """A :class:`ProfileSource` value per holding."""
    exposures: np.ndarray
    """(H, C) shares in [0, 1]."""
    elasticity: np.ndarray
    """(H,) valuation elasticity k."""
    channel_ids: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.symbols)


def horizon_months(horizon: str) -> int:
    """Months a scenario's ``horizon`` text spans: the last number in it, in months
    (``"12 months"`` -> 12, ``"12-24 months"`` -> 24, ``"2 years"`` -> 24); 12 when none."""
    numbers = re.findall(r"\d+(?:\.\d+)?", horizon or "")
    if not numbers:
        return DEFAULT_HORIZON_MONTHS
    value = float(numbers[-1])
    return max(1, round(value * 12 if "year" in horizon.lower() else value))


@dataclass(frozen=True)
class ScenarioSet:
    """Scenario shocks as matrices aligned with a channel order."""

    ids: tuple[str, ...]
    titles: tuple[str, ...]
    probabilities: np.ndarray
    low: np.ndarray
    base: np.ndarray
    high: np.ndarray
    channel_ids: tuple[str, ...]
    labels: tuple[str, ...] = ()
    """Short names (<= 24 characters) for axes and selects; the title when none."""
    horizons: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """(S,) horizon in months (contracts count only inside it)."""

    def shocks(self, case: str = "central") -> np.ndarray:
        """(S, C) shocks of a case (aliases low/base/high accepted)."""
        name, _ = normalise_case(case)
        return {"adverse": self.low, "central": self.base, "favourable": self.high}[name]

    def label(self, index: int) -> str:
        return self.labels[index] if self.labels else self.titles[index]

    def __len__(self) -> int:
        return len(self.ids)


def resolve_profiles(holdings: pd.DataFrame, catalog: Catalog) -> ProfileMatrix:
    """Look every holding up in the catalog; fall back to its segment's default profile.

    ``holdings`` needs ``symbol`` and may have ``segment`` (override for unknown symbols)
    and ``name``.
    """
    channel_ids = tuple(catalog.channel_ids)
    col = {c: i for i, c in enumerate(channel_ids)}
    n = len(holdings)
    exposures = np.zeros((n, len(channel_ids)))
    elasticity = np.ones(n)
    segments = np.empty(n, dtype=object)
    names = np.empty(n, dtype=object)
    source = np.empty(n, dtype=object)
    seg_override = holdings["segment"].tolist() if "segment" in holdings else [""] * n
    given_names = holdings["name"].tolist() if "name" in holdings else [""] * n
    # One pass over the holdings (a lookup table), not an evaluation loop.
    for i, symbol in enumerate(holdings["symbol"].tolist()):
        company = catalog.company_for_symbol(str(symbol))
        if company is not None:
            names[i] = company.name
            segments[i] = company.segment
            source[i] = ProfileSource.PROFILE
            elasticity[i] = catalog.elasticity_for(company)  # estimate or prior
            for ch, exp in company.exposures.items():
                exposures[i, col[ch]] = exp.value
            continue
        names[i] = given_names[i] or symbol
        seg_id = seg_override[i] or ""
        seg = catalog.segments.get(seg_id)
        if seg is None:
            segments[i] = seg_id or "unclassified"
            source[i] = ProfileSource.UNCLASSIFIED
            continue
        segments[i] = seg_id
        source[i] = ProfileSource.SEGMENT_DEFAULT
        elasticity[i] = catalog.segment_k(seg_id)
        for ch, exp in seg.exposures.items():
            exposures[i, col[ch]] = exp.value
    layers = np.array([LAYER_OF_SEGMENT.get(s, "Other") for s in segments], dtype=object)
    return ProfileMatrix(
        symbols=np.asarray(holdings["symbol"].astype(str).to_numpy(), dtype=object),
        names=names, segments=segments, layers=layers, profile_source=source,
        exposures=exposures, elasticity=elasticity, channel_ids=channel_ids,
    )


def build_scenario_set(scenarios: Sequence[Scenario], channel_ids: Sequence[str]) -> ScenarioSet:
    """Stack scenarios into (S, C) low/base/high matrices (absent channels are 0)."""
    col = {c: i for i, c in enumerate(channel_ids)}
    s = len(scenarios)
    mats = {end: np.zeros((s, len(channel_ids))) for end in ("low", "base", "high")}
    for j, scn in enumerate(scenarios):
        for ch, shock in scn.shocks.items():
            mats["low"][j, col[ch]] = shock.low
            mats["base"][j, col[ch]] = shock.base
            mats["high"][j, col[ch]] = shock.high
    return ScenarioSet(
        ids=tuple(x.id for x in scenarios),
        titles=tuple(x.title for x in scenarios),
        probabilities=np.array([x.probability.value for x in scenarios], dtype=float),
        low=mats["low"], base=mats["base"], high=mats["high"],
        channel_ids=tuple(channel_ids),
        labels=tuple(x.label or x.title for x in scenarios),
        horizons=np.array([horizon_months(x.horizon) for x in scenarios], dtype=np.int64),
    )


def scenario_set(catalog: Catalog, ids: Sequence[str] | None = None) -> ScenarioSet:
    """The catalog's scenarios (all, or ``ids`` in that order) as a :class:`ScenarioSet`."""
    chosen = list(ids) if ids else list(catalog.scenarios)
    missing = [i for i in chosen if i not in catalog.scenarios]
    if missing:
        raise UnknownScenarioError(
            f"unknown scenario {missing[0]!r} (known: {', '.join(catalog.scenarios)})"
        )
    return build_scenario_set([catalog.scenarios[i] for i in chosen], catalog.channel_ids)


def effective_probabilities(p: np.ndarray) -> tuple[np.ndarray, bool]:
    """Probabilities as used: normalised to sum to 1 when the set sums above 1.

    Returns the weights and whether they were normalised. The remainder below 1 is the
    "no policy change" outcome, which contributes zero impact.
    """
    total = float(p.sum())
    if total > 1.0 + 1e-9:
        return p / total, True
    return p, False


@dataclass(frozen=True)
class LinkOperator:
    """The look-through step for one book: which holdings carry links and what they link to.

    ``links[g]`` is the holding x driver matrix for horizon ``horizons[g]`` (months; contracts
    count only for the part of that horizon they deliver in); driver columns are the targets'
    value change (first T) and demand change (next T). ``target_exposures`` (T, C) and
    ``target_elasticity`` (T,) are the targets' own profiles.
    """

    horizons: tuple[int, ...]
    links: tuple[SparseLinks, ...]
    target_exposures: np.ndarray
    target_elasticity: np.ndarray

    @property
    def holdings(self) -> np.ndarray:
        """Holdings (row indices) with at least one link, for any horizon."""
        if not self.links:
            return np.zeros(0, dtype=np.intp)
        return np.unique(np.concatenate([s.holdings for s in self.links]))

    def group_of(self, months: np.ndarray) -> np.ndarray:
        """Index into ``horizons`` for each horizon in ``months`` (the nearest one)."""
        h = np.asarray(self.horizons)
        return np.abs(np.asarray(months)[:, None] - h[None, :]).argmin(axis=1)


def target_drivers(shocks: np.ndarray, operator: LinkOperator) -> np.ndarray:
    """``D = [vc_t ; max(rc_t, -1)]``, (2T, S): the targets' value and demand change."""
    rc = operator.target_exposures @ shocks.T
    vc = np.maximum(operator.target_elasticity[:, None] * rc, VALUE_FLOOR)
    return np.vstack([vc, np.maximum(rc, VALUE_FLOOR)])


def value_changes(
    exposures: np.ndarray,
    elasticity: np.ndarray,
    shocks: np.ndarray,
    operator: LinkOperator | None = None,
    horizons: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The formula (module docstring) on plain arrays, for (S, C) ``shocks``.

    Returns ``(revenue_change, value_change, lookthrough)``, each (H, S): ``value_change``
    includes the look-through step when ``operator`` is given (``lookthrough`` is then the
    added part before the floor; None without an operator). ``horizons`` (S,) months per
    column selects the contract matrix (default: the operator's first horizon).
    """
    revenue_change = exposures @ shocks.T
    value_change = elasticity[:, None] * revenue_change
    np.maximum(value_change, VALUE_FLOOR, out=value_change)
    if operator is None or not operator.links:
        return revenue_change, value_change, None
    drivers = target_drivers(shocks, operator)
    lookthrough = np.zeros_like(value_change)
    groups = (np.zeros(shocks.shape[0], dtype=np.intp) if horizons is None
              else operator.group_of(horizons))
    for g, links in enumerate(operator.links):
        cols = np.flatnonzero(groups == g)
        if not len(cols) or not len(links.holdings):
            continue
        part = links.product(drivers[:, cols] if len(cols) < shocks.shape[0] else drivers)
        lookthrough[np.ix_(links.holdings, cols)] = part
    rows = operator.holdings
    value_change[rows] = np.maximum(value_change[rows] + lookthrough[rows], VALUE_FLOOR)
    return revenue_change, value_change, lookthrough


@dataclass(frozen=True)
class Evaluation:
    """Results of one evaluation; frames are built on demand from the arrays."""

    profiles: ProfileMatrix
    scenarios: ScenarioSet
    market_value: np.ndarray
    revenue_change: np.ndarray
    value_change: np.ndarray
    impact_usd: np.ndarray
    portfolio_usd: np.ndarray
    probabilities: np.ndarray
    probabilities_normalised: bool
    expected_impact_usd: float
    total_value_usd: float
    shocks: np.ndarray
    case: Case = "central"
    lookthrough: np.ndarray | None = None
    """(H, S) value change added by stakes and contracts (before the floor); None when off."""

    @property
    def impact_pct(self) -> np.ndarray:
        """Portfolio impact per scenario as a fraction of total portfolio value."""
        if self.total_value_usd <= 0:
            return np.zeros_like(self.portfolio_usd)
        return self.portfolio_usd / self.total_value_usd

    @property
    def expected_pct(self) -> float:
        """Probability-weighted impact as a fraction of total value (0 for an empty book)."""
        return self.expected_impact_usd / self.total_value_usd if self.total_value_usd > 0 else 0.0

    def scenario_index(self, scenario_id: str) -> int:
        try:
            return self.scenarios.ids.index(scenario_id)
        except ValueError:
            raise UnknownScenarioError(f"scenario {scenario_id!r} was not evaluated") from None

    def holding_frame(self) -> pd.DataFrame:
        """One row per holding x scenario.

        Columns: ``symbol``, ``name``, ``segment``, ``layer``, ``profile_source``,
        ``market_value_usd``, ``scenario``, ``revenue_change`` (fraction),
        ``value_change`` (fraction, >= -1), ``impact_usd``.
        """
        h, s = self.impact_usd.shape
        p = self.profiles
        return pd.DataFrame({
            "symbol": _repeat_labels(p.symbols, s),
            "name": _repeat_labels(p.names, s),
            "segment": _repeat_labels(p.segments, s),
            "layer": _repeat_labels(p.layers, s),
            "profile_source": _repeat_labels(p.profile_source, s),
            "market_value_usd": np.repeat(self.market_value, s),
            "scenario": _tile_labels(self.scenarios.ids, h),
            "revenue_change": self.revenue_change.ravel(),
            "value_change": self.value_change.ravel(),
            "impact_usd": self.impact_usd.ravel(),
        })

    def impact_table(self) -> pd.DataFrame:
        """Wide (holding x scenario) USD impacts, index = symbol, columns = scenario ids."""
        return pd.DataFrame(self.impact_usd, index=pd.Index(self.profiles.symbols, name="symbol"),
                            columns=list(self.scenarios.ids))

    def portfolio_frame(self) -> pd.DataFrame:
        """One row per scenario: ``scenario``, ``title``, ``label``, ``impact_usd``,
        ``impact_pct`` (fraction of total value), ``probability`` (as used)."""
        s = self.scenarios
        return pd.DataFrame({
            "scenario": list(s.ids),
            "title": list(s.titles),
            "label": [s.label(i) for i in range(len(s))],
            "impact_usd": self.portfolio_usd,
            "impact_pct": self.impact_pct,
            "probability": self.probabilities,
        })

    def contributions(self, scenario_id: str) -> np.ndarray:
        """(H, C) USD contribution of each channel to each holding's impact in one scenario."""
        j = self.scenario_index(scenario_id)
        p = self.profiles
        return (p.elasticity * self.market_value)[:, None] * p.exposures * self.shocks[j][None, :]

    def contribution_frame(self, scenario_id: str) -> pd.DataFrame:
        """Per holding x channel for one scenario.

        Columns: ``symbol``, ``channel``, ``exposure``, ``shock``, ``contribution_usd``.
        Contributions sum to the unclipped direct impact; :meth:`lookthrough_usd` and
        :meth:`floor_adjustment_usd` hold the rest.
        """
        j = self.scenario_index(scenario_id)
        contrib = self.contributions(scenario_id)
        h, c = contrib.shape
        return pd.DataFrame({
            "symbol": np.repeat(self.profiles.symbols, c),
            "channel": np.tile(np.asarray(self.profiles.channel_ids, dtype=object), h),
            "exposure": self.profiles.exposures.ravel(),
            "shock": np.tile(self.shocks[j], h),
            "contribution_usd": contrib.ravel(),
        })

    def lookthrough_usd(self, scenario_id: str) -> np.ndarray:
        """(H,) USD the look-through step adds before the floor (zeros when off)."""
        if self.lookthrough is None:
            return np.zeros(len(self.market_value))
        return self.lookthrough[:, self.scenario_index(scenario_id)] * self.market_value

    def floor_adjustment_usd(self, scenario_id: str) -> np.ndarray:
        """(H,) USD added back by the -100% floor (0 where the floor does not bind)."""
        j = self.scenario_index(scenario_id)
        return (self.impact_usd[:, j] - self.contributions(scenario_id).sum(axis=1)
                - self.lookthrough_usd(scenario_id))


def _repeat_labels(labels: np.ndarray, times: int) -> pd.Categorical:
    """Each label repeated ``times`` times, as a categorical (no per-row Python strings)."""
    codes, uniques = pd.factorize(np.asarray(labels, dtype=object))
    return pd.Categorical.from_codes(np.repeat(codes, times), categories=uniques)


def _tile_labels(labels: Sequence[str], times: int) -> pd.Categorical:
    """The label sequence tiled ``times`` times, as a categorical."""
    codes, uniques = pd.factorize(np.asarray(labels, dtype=object))
    return pd.Categorical.from_codes(np.tile(codes, times), categories=uniques)


def evaluate(
    profiles: ProfileMatrix,
    market_value_usd: np.ndarray,
    scenarios: ScenarioSet,
    *,
    case: str = "central",
    cash_usd: float = 0.0,
    operator: LinkOperator | None = None,
) -> Evaluation:
    """Evaluate every holding under every scenario (see the module docstring)."""
    name, _ = normalise_case(case)
    mv = np.nan_to_num(np.asarray(market_value_usd, dtype=float), nan=0.0)
    shocks = scenarios.shocks(name)
    horizons = scenarios.horizons if len(scenarios.horizons) == len(scenarios) else None
    rev, vc, lt = value_changes(profiles.exposures, profiles.elasticity, shocks, operator,
                                horizons)
    impact = vc * mv[:, None]
    portfolio = impact.sum(axis=0)
    p, normalised = effective_probabilities(scenarios.probabilities)
    return Evaluation(
        profiles=profiles, scenarios=scenarios, market_value=mv, revenue_change=rev,
        value_change=vc, impact_usd=impact, portfolio_usd=portfolio, probabilities=p,
        probabilities_normalised=normalised, expected_impact_usd=float(p @ portfolio),
        total_value_usd=float(mv.sum() + cash_usd), shocks=shocks, case=name, lookthrough=lt,
    )
