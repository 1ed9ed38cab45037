"""The exposure engine (DESIGN.md 4), vectorised over holdings h, scenarios s, channels c::

    revenue_change[h,s] = sum_c e[h,c] * x[s,c]
    value_change[h,s]   = clip(k[h] * revenue_change[h,s], -1, +inf)
    impact_usd[h,s]     = value_change[h,s] * market_value[h]
    contribution[h,s,c] = k[h] * e[h,c] * x[s,c] * market_value[h]   (sums to impact before clip)
    portfolio[s]        = sum_h impact_usd[h,s]
    expected            = sum_s p[s] * portfolio[s]

No Python loops over holdings. :class:`Evaluation` keeps the arrays; tidy frames are built
on demand so that a slider move does not pay for frames nobody shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from exposure.errors import UnknownScenarioError
from exposure.model.catalog import Catalog
from exposure.model.schema import LAYER_OF_SEGMENT, Scenario

VALUE_FLOOR = -1.0
"""A holding cannot lose more than all of its value."""

PROFILE = "profile"
SEGMENT_DEFAULT = "segment default"
UNCLASSIFIED = "unclassified"

Case = Literal["low", "base", "high"]


@dataclass(frozen=True)
class ProfileMatrix:
    """Per-holding exposure rows, resolved from the catalog once per portfolio."""

    symbols: np.ndarray
    names: np.ndarray
    segments: np.ndarray
    layers: np.ndarray
    profile_source: np.ndarray
    """``profile`` | ``segment default`` | ``unclassified`` (no exposure assumed)."""
    exposures: np.ndarray
    """(H, C) shares in [0, 1]."""
    elasticity: np.ndarray
    """(H,) valuation elasticity k."""
    channel_ids: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.symbols)


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

    def shocks(self, case: Case = "base") -> np.ndarray:
        return {"low": self.low, "base": self.base, "high": self.high}[case]

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
    # One pass over distinct symbols (a lookup table), not an evaluation loop.
    for i, symbol in enumerate(holdings["symbol"].tolist()):
        company = catalog.company_for_symbol(str(symbol))
        if company is not None:
            names[i] = company.name
            segments[i] = company.segment
            source[i] = PROFILE
            elasticity[i] = catalog.company_elasticity(company).value  # estimate or prior
            for ch, exp in company.exposures.items():
                exposures[i, col[ch]] = exp.value
            continue
        names[i] = given_names[i] or symbol
        seg_id = seg_override[i] or ""
        seg = catalog.segments.get(seg_id)
        if seg is None:
            segments[i] = seg_id or "unclassified"
            source[i] = UNCLASSIFIED
            continue
        segments[i] = seg_id
        source[i] = SEGMENT_DEFAULT
        elasticity[i] = (catalog.segment_elasticity(seg_id) or seg.elasticity).value
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
    mats = {case: np.zeros((s, len(channel_ids))) for case in ("low", "base", "high")}
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


def evaluate_arrays(
    exposures: np.ndarray,
    elasticity: np.ndarray,
    market_value: np.ndarray,
    shocks: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The core maths on plain arrays: (revenue_change, value_change, impact_usd), each (H, S).

    ``exposures`` (H, C), ``elasticity`` (H,), ``market_value`` (H,), ``shocks`` (S, C).
    """
    revenue_change = exposures @ shocks.T
    value_change = elasticity[:, None] * revenue_change
    np.maximum(value_change, VALUE_FLOOR, out=value_change)
    impact = value_change * market_value[:, None]
    return revenue_change, value_change, impact


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

    @property
    def impact_pct(self) -> np.ndarray:
        """Portfolio impact per scenario as a fraction of total portfolio value."""
        if self.total_value_usd <= 0:
            return np.zeros_like(self.portfolio_usd)
        return self.portfolio_usd / self.total_value_usd

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
        """One row per scenario: ``scenario``, ``title``, ``impact_usd``, ``impact_pct``
        (fraction of total value), ``probability`` (as used, after any normalisation)."""
        return pd.DataFrame({
            "scenario": list(self.scenarios.ids),
            "title": list(self.scenarios.titles),
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
        Contributions sum to the unclipped impact; :meth:`floor_adjustment_usd` holds the
        difference the -100% floor makes.
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

    def floor_adjustment_usd(self, scenario_id: str) -> np.ndarray:
        """(H,) USD added back by the -100% floor (0 where the floor does not bind)."""
        j = self.scenario_index(scenario_id)
        return self.impact_usd[:, j] - self.contributions(scenario_id).sum(axis=1)


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
    case: Case = "base",
    cash_usd: float = 0.0,
) -> Evaluation:
    """Evaluate every holding under every scenario (see the module docstring)."""
    mv = np.nan_to_num(np.asarray(market_value_usd, dtype=float), nan=0.0)
    shocks = scenarios.shocks(case)
    rev, vc, impact = evaluate_arrays(profiles.exposures, profiles.elasticity, mv, shocks)
    portfolio = impact.sum(axis=0)
    p, normalised = effective_probabilities(scenarios.probabilities)
    return Evaluation(
        profiles=profiles, scenarios=scenarios, market_value=mv, revenue_change=rev,
        value_change=vc, impact_usd=impact, portfolio_usd=portfolio, probabilities=p,
        probabilities_normalised=normalised, expected_impact_usd=float(p @ portfolio),
        total_value_usd=float(mv.sum() + cash_usd), shocks=shocks,
    )
