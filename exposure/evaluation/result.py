"""The one evaluation of a book (:class:`BookEvaluation`) and the views pages, the CLI, risk,
snapshots and the report take of it. Nothing here recomputes the model: every figure is read
from the arrays :func:`exposure.evaluation.book.evaluate_book` produced, or from the engine's
one formula on the same inputs (:meth:`BookEvaluation.with_scenarios`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from exposure.display import DisplayMoney, display_money
from exposure.holdings.market_value import FxRate, newest_price_date, oldest_price_date, usd_to
from exposure.holdings.portfolio import Portfolio
from exposure.lookthrough.entities import links_frame, sankey_frame
from exposure.lookthrough.maths import LinkMatrix
from exposure.lookthrough.operator import FundResolution
from exposure.model.engine import (
    Evaluation,
    LinkOperator,
    ProfileMatrix,
    ProfileSource,
    build_scenario_set,
    evaluate,
)
from exposure.model.schema import Link, Scenario

T = TypeVar("T")


@dataclass(frozen=True)
class BookEvaluation:
    """A valued book evaluated under a scenario set, one case, look-through on or off.

    ``evaluation`` holds the engine's arrays (H holdings x S scenarios, USD); ``valued`` the
    holdings with where each value came from; ``profiles`` the exposure rows as evaluated
    (fund rows resolved into constituents when look-through is on). The look-through parts
    (``fund_lookthrough_usd``, :meth:`link_lookthrough_usd`) are zero when it is off, and
    the effective-exposure view (``entities``, ``paths``) is always there.
    """

    portfolio: Portfolio
    valued: pd.DataFrame
    profiles: ProfileMatrix
    evaluation: Evaluation
    lookthrough_on: bool
    fund_lookthrough_usd: np.ndarray
    """(H, S) impact that resolving funds into constituents adds (zeros when off)."""
    funds: FundResolution
    links: LinkMatrix
    entities: pd.DataFrame
    paths: list[dict[str, Any]]
    node_values: dict[str, float]
    catalog_links: dict[str, Link]
    rates: dict[str, FxRate]
    cash_usd: float
    cash_missing: tuple[str, ...] = ()
    """Cash currencies left out for want of an exchange rate."""
    operator: LinkOperator | None = None
    coverage_direct: float = 0.0
    """Share of the holdings' value whose own issuer profile is known."""
    coverage_lookthrough: float = 0.0
    """The same with funds counted for the profiled part of their constituents."""
    second_order: bool = False
    today: date = field(default_factory=date.today)
    _memo: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False,
                                       compare=False)
    """Views built once per evaluation (:meth:`memo`); an evaluation is shared by every
    session, so a view built for one is there for the next."""

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` once per evaluation and ``key``; later calls return the same object, so
        it must never be changed in place (frames are handed out as copies). Two threads may
        both build on a first call; they build the same value and one of them is kept."""
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            return self._memo.setdefault(key, build())  # type: ignore[no-any-return]

    # ---- identity -----------------------------------------------------------------------

    @property
    def case(self) -> str:
        return self.evaluation.case

    @property
    def base_currency(self) -> str:
        return self.portfolio.base_currency

    @property
    def usd_to_base(self) -> float:
        """Units of the base currency per USD (1 for USD, and 1 when there is no rate for the
        base currency: amounts then stay in USD)."""
        return usd_to(self.base_currency, self.rates) or 1.0

    @property
    def display(self) -> DisplayMoney:
        """How amounts are shown: the base currency at the dated rate the valuation used, or
        USD (saying so) when that currency has no rate. Frames stay in USD."""
        return display_money(self.base_currency, self.rates)

    @property
    def unvalued(self) -> list[str]:
        return self.valued.loc[~self.valued["valued"], "symbol"].tolist()

    @property
    def defaulted(self) -> list[str]:
        """Symbols evaluated with a segment default profile or none at all."""
        ok = (ProfileSource.PROFILE, ProfileSource.FUND_LOOKTHROUGH)
        mask = ~np.isin(self.profiles.profile_source, ok)
        return [str(s) for s in self.profiles.symbols[mask]]

    @property
    def price_date(self) -> date | None:
        """Newest date of the prices and statement values used."""
        return newest_price_date(self.valued)

    @property
    def oldest_price_date(self) -> date | None:
        return oldest_price_date(self.valued)

    # ---- look-through parts -------------------------------------------------------------

    @property
    def link_lookthrough_usd(self) -> np.ndarray:
        """(H, S) impact stakes and contracts add (before the floor; zeros when off)."""
        lt = self.evaluation.lookthrough
        if lt is None:
            return np.zeros_like(self.evaluation.impact_usd)
        return lt * self.evaluation.market_value[:, None]

    @property
    def lookthrough_usd(self) -> np.ndarray:
        """(H, S) all the look-through adds: funds resolved plus stakes and contracts."""
        return self.fund_lookthrough_usd + self.link_lookthrough_usd

    @property
    def coverage(self) -> float:
        """Share of the holdings' value with an issuer profile behind it, as evaluated."""
        return self.coverage_lookthrough if self.lookthrough_on else self.coverage_direct

    # ---- frames -------------------------------------------------------------------------

    def holding_frame(self) -> pd.DataFrame:
        """:meth:`Evaluation.holding_frame` plus ``account``, ``lookthrough_usd``,
        ``fund_lookthrough_usd`` and ``link_lookthrough_usd`` (one row per holding x scenario;
        the same symbol held in two accounts is two holdings). Built once per evaluation;
        each call returns a copy (copy-on-write, so it costs nothing until changed)."""
        return self.memo("holding_frame", self._holding_frame).copy(deep=False)

    def _holding_frame(self) -> pd.DataFrame:
        frame = self.evaluation.holding_frame()
        s = len(self.evaluation.scenarios)
        frame.insert(1, "account", np.repeat(self.valued["account"].to_numpy(dtype=object), s))
        frame["lookthrough_usd"] = self.lookthrough_usd.ravel()
        frame["fund_lookthrough_usd"] = self.fund_lookthrough_usd.ravel()
        frame["link_lookthrough_usd"] = self.link_lookthrough_usd.ravel()
        return frame

    def symbol_frame(self) -> pd.DataFrame:
        """:meth:`holding_frame` with one row per symbol x scenario (:func:`by_symbol`); built
        once per evaluation, a copy each call."""
        return self.memo("symbol_frame", lambda: by_symbol(self.holding_frame())).copy(deep=False)

    def rows_of(self, symbol: str) -> np.ndarray:
        """Holding indices of ``symbol`` (every account), case-insensitive."""
        return np.flatnonzero(np.char.upper(self.profiles.symbols.astype(str)) == symbol.upper())

    def waterfall(self, symbol: str, scenario_id: str) -> pd.DataFrame:
        """Bars of one symbol's impact (all its accounts): ``step`` (channel ids,
        ``look-through``, ``floor``) and ``usd``; they sum to its impact."""
        rows = self.rows_of(symbol)
        if not len(rows):
            raise KeyError(symbol)
        ev = self.evaluation
        contrib = ev.contributions(scenario_id)[rows].sum(axis=0)
        link = float(ev.lookthrough_usd(scenario_id)[rows].sum())
        floor = float(ev.floor_adjustment_usd(scenario_id)[rows].sum())
        steps = [*ev.profiles.channel_ids, "look-through", "floor"]
        return pd.DataFrame({"step": steps, "usd": [*contrib.tolist(), link, floor]})

    def sankey_frame(self) -> pd.DataFrame:
        """Holding -> entity flows for a Sankey: ``source``, ``via``, ``target``, ``kind``, ``usd``."""
        return sankey_frame(self.paths)

    def links_frame(self, today: date | None = None) -> pd.DataFrame:
        """Every link, with amounts, shares, source and a ``stale`` flag (> 12 months)."""
        return links_frame(self.catalog_links, self.node_values, today or self.today)

    # ---- the same book under other scenarios --------------------------------------------

    def with_scenarios(self, scenarios: Sequence[Scenario], case: str | None = None) -> Evaluation:
        """The same valued holdings, profiles and look-through under other scenarios (editor
        previews, comparisons): no re-pricing and the same formula, so the figures agree
        with the rest of the page."""
        ev = self.evaluation
        return evaluate(self.profiles, ev.market_value,
                        build_scenario_set(scenarios, self.profiles.channel_ids),
                        case=case or ev.case, cash_usd=self.cash_usd, operator=self.operator)


SUM_COLUMNS = ("market_value_usd", "impact_usd", "lookthrough_usd", "fund_lookthrough_usd",
               "link_lookthrough_usd")


def by_symbol(frame: pd.DataFrame) -> pd.DataFrame:
    """A holding x scenario frame with one row per symbol x scenario: the same symbol held in
    several accounts (or entered twice, even with different kinds) is summed (values,
    impacts), its labels are the first row's, and its ``value_change`` / ``revenue_change``
    are value-weighted averages (for charts that need one row a symbol)."""
    labels = [c for c in ("name", "segment", "layer", "profile_source") if c in frame.columns]
    sums = [c for c in SUM_COLUMNS if c in frame.columns]
    columns = ["symbol", *labels, "scenario", *sums, "value_change", "revenue_change"]
    if not frame.duplicated(["symbol", "scenario"]).any():
        # Every symbol once (the usual book): nothing to sum, and a large book skips the
        # group-by (a second of the first render at 100,000 holdings).
        out = frame[columns].reset_index(drop=True)
        held = out["market_value_usd"].to_numpy(dtype=float) > 0
        return out.assign(**{k: out[k].astype(str) for k in ("symbol", "scenario", *labels)},
                          value_change=np.where(held, out["value_change"], 0.0),
                          revenue_change=np.where(held, out["revenue_change"], 0.0))
    work = frame.assign(symbol=frame["symbol"].astype(str), scenario=frame["scenario"].astype(str),
                        _rc=frame["revenue_change"] * frame["market_value_usd"],
                        _vc=frame["value_change"] * frame["market_value_usd"])
    work = work.assign(**{k: work[k].astype(str) for k in labels})
    grouped = work.groupby(["symbol", "scenario"], sort=False, as_index=False)
    out = grouped[[*sums, "_rc", "_vc"]].sum()
    if labels:
        firsts = grouped[labels].first()
        out = out.merge(firsts, on=["symbol", "scenario"], how="left")
    mv = out["market_value_usd"].to_numpy(dtype=float)
    safe = np.where(mv > 0, mv, 1.0)
    out["value_change"] = np.where(mv > 0, out["_vc"] / safe, 0.0)
    out["revenue_change"] = np.where(mv > 0, out["_rc"] / safe, 0.0)
    return out.drop(columns=["_rc", "_vc"])[columns]
