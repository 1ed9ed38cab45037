"""(event, ticker) observations for calibration and the scorecard: what the market did
(market-model CARs from daily closes) next to what the model says (the engine's revenue
change under the scenario the event resembles).

One basis everywhere: CAR over [0,+1] against SPY (``SCORE_WINDOW``) is the measure; CAR
over [-1,+5] is kept as a second column. SPY rather than a sector ETF: a policy shock moves a
semiconductor ETF itself (NVDA, TSM, AVGO are a third of SMH), so a sector benchmark would
subtract much of the very move being predicted; SPY removes the market-wide part only. The market model is estimated over 120 trading days
ending 10 trading days before day 0 (relative days -130 .. -11), which fits in the shipped
history from March 2022 and never touches the event windows. Day 0 follows the announcement
timing rule of :func:`exposure.evidence.event_study.event_day` (after the close -> next session).

Which events are scored: linked in ``event_links.yaml``, known to the day, with the whole
[-1,+5] window inside the price history, at least ``MIN_TICKERS`` profiled tickers with a
CAR, predictions that are not all equal, and a [0,+1] window that shares no trading day with
an event linked earlier in the file (two such events measure one market move). Every other
event is listed with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from exposure.evidence.event_study import (
    EventStudyConfig,
    EventStudyError,
    event_day,
    event_study,
    window_label,
)
from exposure.evidence.prices import PriceSet
from exposure.evidence.schema import EventLink
from exposure.model.catalog import Catalog
from exposure.model.engine import resolve_profiles, scenario_set, value_changes
from exposure.model.schema import Company

BENCHMARK = "SPY"
SCORE_WINDOW: tuple[int, int] = (0, 1)
WIDE_WINDOW: tuple[int, int] = (-1, 5)
STUDY = EventStudyConfig(estimation_days=120, gap_days=10, min_estimation_days=100,
                         windows=(SCORE_WINDOW, WIDE_WINDOW), benchmark=BENCHMARK)
"""Market model vs SPY over relative days -130 .. -11 (at least 100 usable returns)."""
MIN_TICKERS = 8
"""An event with fewer tickers (profile + prices) is listed but not scored."""

PAIR_COLUMNS = [
    "event", "date", "day0", "scenario", "direction", "ticker", "name", "segment",
    "revenue_change", "x", "car", "se", "t_stat", "car_wide", "t_wide", "exposure_as_of",
    "profile_k", "segment_k",
]
EVENT_COLUMNS = ["event", "date", "day0", "title", "scenario", "direction", "n", "scored",
                 "reason"]


@dataclass(frozen=True)
class Observations:
    """``pairs``: one row per (scored event, ticker):

    ================  ==========================================================
    event, date       event id and date; ``day0`` the first session it could move
    scenario          linked scenario; ``direction`` +1 toward it, -1 away
    ticker, name      the issuer; ``segment`` its segment
    revenue_change    the engine's revenue change under the scenario's base shocks
    x                 ``direction * revenue_change`` (what calibration regresses on)
    car, se, t_stat   CAR [0,+1] vs SPY (fraction), its standard error, t
    car_wide, t_wide  CAR [-1,+5] and its t (second column, not scored)
    exposure_as_of    newest ``as_of`` of the exposures the scenario shocks (None: none)
    profile_k         the profile's own elasticity judgement (NaN: none)
    segment_k         the segment's prior elasticity (channels.yaml)
    ================  ==========================================================

    ``events``: one row per catalog event (``EVENT_COLUMNS``); ``scored`` False rows carry
    the ``reason``.
    """

    pairs: pd.DataFrame
    events: pd.DataFrame
    price_source: str
    last_day: date

    @property
    def scored_events(self) -> list[str]:
        return self.events.loc[self.events["scored"], "event"].tolist()


def listed_universe(catalog: Catalog, closes: pd.DataFrame) -> list[Company]:
    """Listed, profiled issuers with at least one close in ``closes`` (catalog order)."""
    out = []
    for company in catalog.companies.values():
        ticker = (company.ticker or "").upper()
        if company.listed and ticker in closes.columns and closes[ticker].notna().any():
            out.append(company)
    return out


def revenue_change_table(catalog: Catalog, tickers: Sequence[str],
                         scenario_ids: Sequence[str]) -> pd.DataFrame:
    """The engine's revenue change (fraction) per ticker (rows) and scenario (columns) under
    the scenarios' base (central) shocks. Independent of the elasticity."""
    profiles = resolve_profiles(pd.DataFrame({"symbol": list(tickers)}), catalog)
    shocks = scenario_set(catalog, list(scenario_ids)).shocks("central")
    revenue, _, _ = value_changes(profiles.exposures, np.ones(len(tickers)), shocks)
    return pd.DataFrame(revenue, index=list(tickers), columns=list(scenario_ids))


def exposure_as_of(catalog: Catalog, company: Company, scenario_id: str) -> date | None:
    """Newest ``as_of`` among the issuer's exposures to channels the scenario shocks."""
    shocks = catalog.scenarios[scenario_id].shocks
    dates = [exp.as_of for ch, exp in company.exposures.items()
             if ch in shocks and shocks[ch].base != 0 and exp.value != 0]
    return max(dates) if dates else None


def build_observations(catalog: Catalog, prices: PriceSet, links: Sequence[EventLink]) -> Observations:
    """Run the event study for every linked event and pair it with the model's prediction."""
    closes = prices.closes
    days = pd.DatetimeIndex(closes.index[1:])  # return days, as in event_study
    universe = listed_universe(catalog, closes)
    tickers = [c.ticker.upper() for c in universe if c.ticker]
    scenario_ids = sorted({link.scenario for link in links})
    revenue = revenue_change_table(catalog, tickers, scenario_ids) if tickers else pd.DataFrame()
    link_of = {link.event: link for link in links}
    rows: dict[str, dict[str, object]] = {}
    for event in sorted(catalog.events.values(), key=lambda e: (e.date, e.id)):
        link = link_of.get(event.id)
        rows[event.id] = {
            "event": event.id, "date": event.date, "day0": None, "title": event.title,
            "scenario": link.scenario if link else None,
            "direction": link.direction if link else None, "n": 0, "scored": False,
            "reason": "no scenario linked (data/event_links.yaml)",
        }
    taken: dict[int, str] = {}
    pair_rows: list[dict[str, object]] = []
    last = prices.last_day.isoformat()
    for link in links:
        event = catalog.events[link.event]
        row = rows[event.id]
        if event.date_precision != "day":
            row["reason"] = "date known only to the month: no event-day study"
            continue
        try:
            p0 = event_day(days, event.date, event.after_close)
        except EventStudyError:
            row["reason"] = f"no prices after {last}: cannot be scored yet"
            continue
        row["day0"] = days[p0].date()
        if p0 + WIDE_WINDOW[1] >= len(days):
            row["reason"] = (f"its [-1,+5] window runs past the last close ({last}): "
                             "cannot be scored yet")
            continue
        window = {p0 + r for r in range(SCORE_WINDOW[0], SCORE_WINDOW[1] + 1)}
        clash = sorted({taken[p] for p in window if p in taken})
        if clash:
            row["reason"] = (f"its [0,+1] window shares a trading day with {clash[0]}, which is "
                             "scored (one market move, one score)")
            continue
        try:
            study = event_study(closes, event.date, after_close=event.after_close,
                                tickers=tickers, config=STUDY)
        except EventStudyError as exc:
            row["reason"] = f"no event study: {exc}"
            continue
        car = study.car.set_index(["ticker", "window"])
        score, wide = window_label(SCORE_WINDOW), window_label(WIDE_WINDOW)
        length = SCORE_WINDOW[1] - SCORE_WINDOW[0] + 1
        event_pairs = []
        for company in universe:
            ticker = (company.ticker or "").upper()
            if (ticker, score) not in car.index:
                continue
            main = car.loc[(ticker, score)]
            if int(main["n_days"]) != length or not np.isfinite(main["car"]):
                continue
            second = car.loc[(ticker, wide)]
            seg = catalog.segments.get(company.segment)
            rev = float(revenue.at[ticker, link.scenario])
            event_pairs.append({
                "event": event.id, "date": event.date, "day0": study.day0.date(),
                "scenario": link.scenario, "direction": link.direction, "ticker": ticker,
                "name": company.name, "segment": company.segment, "revenue_change": rev,
                "x": link.direction * rev, "car": float(main["car"]), "se": float(main["se"]),
                "t_stat": float(main["t_stat"]), "car_wide": float(second["car"]),
                "t_wide": float(second["t_stat"]),
                "exposure_as_of": exposure_as_of(catalog, company, link.scenario),
                "profile_k": company.elasticity.value if company.elasticity else np.nan,
                "segment_k": seg.elasticity.value if seg else np.nan,
            })
        row["n"] = len(event_pairs)
        if len(event_pairs) < MIN_TICKERS:
            row["reason"] = (f"only {len(event_pairs)} tickers with a profile and prices "
                             f"(need {MIN_TICKERS})")
            continue
        if len({p["x"] for p in event_pairs}) < 2:
            row["reason"] = "the model predicts the same change for every ticker"
            continue
        row["scored"], row["reason"] = True, ""
        for p in window:
            taken[p] = event.id
        pair_rows.extend(event_pairs)
    pairs = pd.DataFrame(pair_rows, columns=PAIR_COLUMNS)
    events = pd.DataFrame(list(rows.values()), columns=EVENT_COLUMNS)
    return Observations(pairs, events, prices.price_source, prices.last_day)
