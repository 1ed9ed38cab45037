"""The out-of-sample scorecard: does the model rank real policy-day moves?

Leave one event out: for each scored event, the elasticities are estimated on the OTHER
scored events only (:func:`exposure.evidence.calibration.fit_calibration`), the engine's rule
picks estimate or prior per ticker (:func:`exposure.model.elasticity.choose_elasticity`), and
the event's moves are predicted as ``direction * clip(k * revenue_change, -1)``. The
realised move is the market-model CAR [0,+1] vs SPY (:mod:`exposure.evidence.observations`).

Per event: n tickers, Spearman rank correlation of predicted vs realised with a one-sided
permutation p-value (H1: the model ranks better than chance; 9,999 shuffles, fixed seed),
sign accuracy (pairs with a non-zero prediction), slope realised/predicted (OLS through the
origin). Pooled: the mean of the within-event Spearman coefficients with a 95% percentile
bootstrap interval (events resampled), sign accuracy and slope over all out-of-sample pairs.

A miss is a pair whose realised CAR is more than two standard errors (of the CAR, from the
estimation window) away from the prediction. Its likely cause, by a fixed rule: *channel
missing* when the model predicted no move (no exposure to the channels the scenario shocks);
*exposure stale* when the exposures behind the prediction are dated more than a year from
the event (the profile describes another business mix); otherwise *unknown*. Earnings
dates are not shipped, so an earnings confound cannot be checked and is never claimed.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from exposure.evidence import calibration
from exposure.evidence.event_study import spearman
from exposure.evidence.links import load_event_links
from exposure.evidence.observations import BENCHMARK, Observations, build_observations
from exposure.evidence.prices import load_live_prices, load_shipped_prices
from exposure.model.catalog import Catalog, load_catalog
from exposure.model.elasticity import choose_elasticity
from exposure.model.engine import VALUE_FLOOR
from exposure.model.schema import ScorecardSummary

SEED = 20261202
N_PERMUTATIONS = 9_999
N_BOOTSTRAP = 9_999
MISS_Z = 2.0
"""A pair is a miss when |realised - predicted| exceeds this many standard errors."""
STALE_DAYS = 365
LIVE_LOOKBACK_DAYS = 250
"""Calendar days of live history fetched before the first linked event (covers the
estimation window: 130 trading days)."""
DIGITS = 4

PREDICTION_COLUMNS = [
    "event", "date", "scenario", "direction", "ticker", "name", "segment", "revenue_change",
    "k", "k_source", "predicted", "realised", "se", "t_stat", "realised_wide", "z", "miss",
    "cause", "reported_move", "reported_basis",
]


@dataclass(frozen=True)
class EventScore:
    """One scored event."""

    event: str
    date: date
    title: str
    scenario: str
    direction: int
    n: int
    spearman: float
    p: float
    sign_accuracy: float
    slope: float


@dataclass(frozen=True)
class Fold:
    """What one leave-one-event-out fold calibrated on."""

    held_out: str
    training_events: tuple[str, ...]
    segments: dict[str, float]
    """Segment estimates seen in this fold (value), for display."""


@dataclass(frozen=True)
class ScorecardResult:
    """The scorecard; :meth:`to_json` is the CLI's ``--format json`` shape.

    ``predictions`` (one row per out-of-sample pair, ``PREDICTION_COLUMNS``): ``predicted``
    and ``realised`` are fractions; ``k_source`` says whether the fold used an estimate or
    the prior; ``z`` = (realised - predicted) / se; ``reported_move`` is the news-reported
    move (fraction) for a cross-check only. ``not_scored``: event, date, title, reason.
    """

    events_scored: int
    pairs: int
    spearman_pooled: float
    ci95: tuple[float, float]
    sign_accuracy: float
    slope: float
    per_event: tuple[EventScore, ...]
    not_scored: pd.DataFrame
    predictions: pd.DataFrame
    folds: tuple[Fold, ...]
    price_source: str
    last_day: date
    method: dict[str, str] = field(default_factory=dict)

    @property
    def ranked_right(self) -> int:
        """Scored events whose within-event Spearman is above 0."""
        return sum(1 for e in self.per_event if e.spearman > 0)

    @property
    def misses(self) -> pd.DataFrame:
        """Out-of-sample pairs far off the prediction, largest first."""
        m = self.predictions[self.predictions["miss"]]
        return m.reindex(m["z"].abs().sort_values(ascending=False).index)

    def to_json(self) -> dict[str, Any]:
        """``{events_scored, pairs, spearman_pooled, ci95, sign_accuracy, slope, per_event,
        price_source}`` with numbers rounded to 4 decimals (NaN -> None)."""
        return {
            "events_scored": self.events_scored,
            "pairs": self.pairs,
            "spearman_pooled": _round(self.spearman_pooled),
            "ci95": [_round(self.ci95[0]), _round(self.ci95[1])],
            "sign_accuracy": _round(self.sign_accuracy),
            "slope": _round(self.slope),
            "per_event": [{
                "event": e.event, "date": e.date.isoformat(), "n": e.n,
                "spearman": _round(e.spearman), "p": _round(e.p),
                "sign_accuracy": _round(e.sign_accuracy), "slope": _round(e.slope),
            } for e in self.per_event],
            "price_source": self.price_source,
        }


def _round(value: float) -> float | None:
    return round(float(value), DIGITS) if value is not None and math.isfinite(value) else None


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(key.encode())])


def sign_accuracy(predicted: np.ndarray, realised: np.ndarray) -> float:
    """Share of pairs with a non-zero prediction whose realised move has the same sign."""
    claim = predicted != 0
    if not claim.any():
        return math.nan
    return float(np.mean(np.sign(predicted[claim]) == np.sign(realised[claim])))


def slope_through_origin(predicted: np.ndarray, realised: np.ndarray) -> float:
    """OLS slope of realised on predicted without intercept: sum(p*r) / sum(p^2)."""
    denom = float(predicted @ predicted)
    return float(predicted @ realised) / denom if denom > 0 else math.nan


def permutation_p(predicted: np.ndarray, realised: np.ndarray, key: str) -> float:
    """One-sided permutation p-value of the Spearman coefficient (H1: rho > 0)."""
    xr = stats.rankdata(predicted)
    yr = stats.rankdata(realised)

    def rho(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        xc = x - x.mean(axis=axis, keepdims=True)
        yc = y - y.mean(axis=axis, keepdims=True)
        return (xc * yc).sum(axis=axis) / np.sqrt((xc ** 2).sum(axis=axis) * (yc ** 2).sum(axis=axis))

    res = stats.permutation_test((xr, yr), rho, permutation_type="pairings", vectorized=True,
                                 n_resamples=N_PERMUTATIONS, alternative="greater", rng=_rng(key))
    return float(res.pvalue)


def mean_with_interval(values: np.ndarray, key: str) -> tuple[float, tuple[float, float]]:
    """Mean and 95% percentile bootstrap interval (resampling the values, i.e. events)."""
    if len(values) == 0:
        return math.nan, (math.nan, math.nan)
    mean = float(np.mean(values))
    if len(values) < 2 or np.all(values == values[0]):
        return mean, (math.nan, math.nan)
    boot = stats.bootstrap((values,), np.mean, vectorized=True, n_resamples=N_BOOTSTRAP,
                           method="percentile", rng=_rng(key))
    return mean, (float(boot.confidence_interval.low), float(boot.confidence_interval.high))


def _cause(row: pd.Series, scenario: str) -> str:
    """The likely cause of a miss, by the rule in the module docstring."""
    move = f"{row['realised'] * 100:+.1f}%"
    if row["predicted"] == 0:
        return (f"channel missing: no exposure to the channels {scenario} shocks, "
                f"yet it moved {move}")
    as_of = row["exposure_as_of"]
    if as_of is not None and abs((as_of - row["date"]).days) > STALE_DAYS:
        return f"exposure stale: exposures as of {as_of.isoformat()}, event {row['date'].isoformat()}"
    return "unknown (earnings dates are not shipped; an earnings confound is not checked)"


def _reported_moves(catalog: Catalog) -> dict[tuple[str, str], tuple[float, str]]:
    """First news-reported move per (event, ticker): (fraction, basis)."""
    out: dict[tuple[str, str], tuple[float, str]] = {}
    for em in catalog.event_moves:
        for m in em.moves:
            out.setdefault((em.event_id, m.ticker.upper()), (m.move_pct / 100.0, m.basis))
    return out


def predict_event(held_out: pd.DataFrame, cal: calibration.Calibration) -> pd.DataFrame:
    """Predictions for one event's pairs with the elasticities chosen from ``cal``."""
    ks, sources = [], []
    for _, row in held_out.iterrows():
        choice = choose_elasticity(
            segment_prior=None if pd.isna(row["segment_k"]) else float(row["segment_k"]),
            profile_prior=None if pd.isna(row["profile_k"]) else float(row["profile_k"]),
            segment_estimate=cal.segments.get(row["segment"]),
            holding_estimate=cal.holdings.get(row["ticker"]),
        )
        ks.append(choice.value)
        sources.append(choice.label)
    k = np.array(ks, dtype=float)
    value_change = np.maximum(k * held_out["revenue_change"].to_numpy(dtype=float), VALUE_FLOOR)
    return held_out.assign(k=k, k_source=sources,
                           predicted=held_out["direction"].to_numpy(dtype=float) * value_change)


def run_scorecard(obs: Observations, catalog: Catalog) -> ScorecardResult:
    """Leave-one-event-out scorecard over the scored events of ``obs``."""
    pairs = obs.pairs
    scored = obs.scored_events
    folds: list[Fold] = []
    predicted_frames: list[pd.DataFrame] = []
    per_event: list[EventScore] = []
    for event_id in scored:
        training = pairs[pairs["event"] != event_id]
        cal = calibration.fit_calibration(training, as_of=obs.last_day)
        folds.append(Fold(event_id, tuple(sorted(training["event"].unique())),
                          {s: e.value for s, e in cal.segments.items()}))
        held = predict_event(pairs[pairs["event"] == event_id], cal)
        predicted_frames.append(held)
        p = held["predicted"].to_numpy(dtype=float)
        r = held["car"].to_numpy(dtype=float)
        event = catalog.events[event_id]
        per_event.append(EventScore(
            event=event_id, date=event.date, title=event.title,
            scenario=str(held["scenario"].iloc[0]), direction=int(held["direction"].iloc[0]),
            n=len(held), spearman=spearman(pd.Series(p), pd.Series(r)),
            p=permutation_p(p, r, event_id), sign_accuracy=sign_accuracy(p, r),
            slope=slope_through_origin(p, r),
        ))
    columns = [*obs.pairs.columns, "k", "k_source", "predicted"]
    held_all = pd.concat(predicted_frames, ignore_index=True) if predicted_frames else \
        pd.DataFrame(columns=columns)
    predictions = _predictions_frame(held_all, catalog)
    p_all = predictions["predicted"].to_numpy(dtype=float)
    r_all = predictions["realised"].to_numpy(dtype=float)
    rhos = np.array([e.spearman for e in per_event if math.isfinite(e.spearman)])
    pooled, ci = mean_with_interval(rhos, "pooled")
    not_scored = obs.events.loc[~obs.events["scored"], ["event", "date", "title", "reason"]]
    return ScorecardResult(
        events_scored=len(per_event), pairs=len(predictions), spearman_pooled=pooled, ci95=ci,
        sign_accuracy=sign_accuracy(p_all, r_all), slope=slope_through_origin(p_all, r_all),
        per_event=tuple(per_event), not_scored=not_scored.reset_index(drop=True),
        predictions=predictions, folds=tuple(folds), price_source=obs.price_source,
        last_day=obs.last_day, method=method_text(),
    )


def _predictions_frame(held: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    if held.empty:
        return pd.DataFrame(columns=PREDICTION_COLUMNS)
    reported = _reported_moves(catalog)
    frame = held.rename(columns={"car": "realised", "car_wide": "realised_wide"})
    frame["z"] = (frame["realised"] - frame["predicted"]) / frame["se"]
    frame["miss"] = frame["z"].abs() > MISS_Z
    frame["cause"] = [(_cause(row, row["scenario"]) if row["miss"] else "")
                      for _, row in frame.iterrows()]
    frame["reported_move"] = [reported.get((e, t), (math.nan, ""))[0]
                              for e, t in zip(frame["event"], frame["ticker"], strict=True)]
    frame["reported_basis"] = [reported.get((e, t), (math.nan, ""))[1]
                               for e, t in zip(frame["event"], frame["ticker"], strict=True)]
    return frame[PREDICTION_COLUMNS].reset_index(drop=True)


def method_text() -> dict[str, str]:
    """The method in a few labelled sentences (CLI table footer, page, Methodology)."""
    return {
        "measure": f"market-model CAR [0,+1] vs {BENCHMARK} (second column: [-1,+5])",
        "estimation": calibration.ESTIMATION,
        "prediction": ("direction x clip(k x revenue change, -1) under the linked scenario's "
                       "base shocks (data/event_links.yaml)"),
        "out of sample": ("leave one event out: k is estimated on the other scored events and "
                          "used only where informative (" + calibration.RULE + ")"),
        "pooled": (f"mean within-event Spearman, 95% percentile bootstrap over events "
                   f"({N_BOOTSTRAP:,} resamples); p-values: one-sided permutation test "
                   f"({N_PERMUTATIONS:,} shuffles)"),
        "misses": (f"|realised - predicted| > {MISS_Z:g} standard errors; cause: channel missing, "
                   "exposure stale or unknown (earnings dates not shipped)"),
    }


def scorecard_summary(result: ScorecardResult) -> ScorecardSummary:
    """The pooled figures stored in ``calibration.yaml`` (rounded to 4 decimals)."""
    lo, hi = result.ci95

    def r(v: float) -> float:
        return round(float(v), 4) if math.isfinite(v) else 0.0

    return ScorecardSummary(events_scored=result.events_scored, ranked_right=result.ranked_right,
                            pairs=result.pairs, spearman_pooled=r(result.spearman_pooled),
                            ci95=(r(lo), r(hi)), sign_accuracy=r(result.sign_accuracy),
                            slope=r(result.slope))


def scorecard_headline(result: ScorecardResult) -> str:
    """One line for the Overview and the HTML report."""
    return scorecard_summary(result).headline


def scorecard_observations(data: str | Path | None = None, *, live: bool = False,
                           home: str | Path | None = None) -> tuple[Catalog, Observations]:
    """The bundled catalog (no workspace: the scorecard rates the shipped model) and the
    observations on the shipped closes, or on live history when ``live`` (raises
    :class:`~exposure.evidence.prices.PricesUnavailable` when offline)."""
    catalog = load_catalog(data, include_home=False)
    links = load_event_links(catalog, data)
    if live:
        tickers = [c.ticker.upper() for c in catalog.companies.values() if c.listed and c.ticker]
        first = min(catalog.events[link.event].date for link in links)
        prices = load_live_prices(tickers, first - timedelta(days=LIVE_LOOKBACK_DAYS),
                                  date.today() + timedelta(days=1), benchmark=BENCHMARK, home=home)
    else:
        prices = load_shipped_prices(data, benchmark=BENCHMARK)
    return catalog, build_observations(catalog, prices, links)


def compute_scorecard(data: str | Path | None = None, *, live: bool = False,
                      home: str | Path | None = None) -> ScorecardResult:
    """The scorecard from the data folder (shipped closes, or live history when asked)."""
    catalog, obs = scorecard_observations(data, live=live, home=home)
    return run_scorecard(obs, catalog)
