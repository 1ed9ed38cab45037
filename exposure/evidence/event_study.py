"""Event study: how listed holdings moved around dated policy events, and whether the exposure
model ranked them right. Pure functions of price frames (numpy and pandas only, no I/O).

Method (market model, MacKinlay 1997, "Event Studies in Economics and Finance"):

- returns ``R[t] = P[t] / P[t-1] - 1`` from daily closes;
- day 0 is the first trading day on or after the event date, or the first trading day
  *after* it when the event was announced after the close;
- estimation window: ``estimation_days`` (250) trading days ending ``gap_days`` (30) trading
  days before day 0; OLS ``R_i = alpha + beta * R_m + e`` against the benchmark (SPY by
  default, or a sector ETF such as SOXX), ``sigma^2 = SSR / (T - 2)``;
- abnormal return ``AR[t] = R_i[t] - (alpha + beta * R_m[t])``;
  ``CAR(a, b) = sum of AR over days a..b`` relative to day 0 (windows [0,+1] and [-1,+5]);
- ``Var(CAR) = sigma^2 * (L + x' (X'X)^-1 x)`` with ``L`` the number of event-window days,
  ``X`` the ``T x 2`` estimation design matrix ``[1, R_m]`` and ``x = [L, sum of R_m over the
  event window]`` (the second term is the sampling error of alpha and beta; without it this
  is the textbook ``L * sigma^2``); ``t = CAR / sqrt(Var(CAR))``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from exposure.errors import ExposureError

Window = tuple[int, int]


class EventStudyError(ExposureError):
    """An event study cannot be computed from the prices given (says why in words)."""


class EstimationWindowTooShort(EventStudyError):
    """Too few returns before the event to estimate the market model."""


@dataclass(frozen=True)
class EventStudyConfig:
    """Windows are in trading days relative to day 0; both ends inclusive."""

    estimation_days: int = 250
    gap_days: int = 30
    """Trading days between the end of the estimation window and day 0."""
    min_estimation_days: int = 120
    """Fewer usable returns than this in the estimation window is an error."""
    windows: tuple[Window, ...] = ((0, 1), (-1, 5))
    benchmark: str = "SPY"


@dataclass(frozen=True)
class MarketModel:
    alpha: float
    beta: float
    sigma: float
    """Residual standard deviation, ``sqrt(SSR / (T - 2))``."""
    n: int
    xtx_inv: np.ndarray
    """``(X'X)^-1`` of the estimation design matrix ``[1, R_m]``."""


@dataclass(frozen=True)
class EventStudy:
    """Result of :func:`event_study` for one event.

    ``abnormal`` (long): ``ticker``, ``rel_day`` (trading days from day 0), ``date``,
    ``return``, ``benchmark_return``, ``expected_return`` (``alpha + beta * R_m``),
    ``abnormal_return`` — for every day in the union of the event windows.

    ``car``: one row per ticker and window: ``ticker``, ``window`` (``"[0,+1]"``),
    ``start``/``end`` (rel days), ``car``, ``se`` (its standard error, ``sqrt(Var(CAR))``),
    ``t_stat``, ``n_days`` (event-window days with a
    return), ``alpha``, ``beta``, ``sigma``, ``estimation_days`` (returns used).

    ``skipped``: ticker -> why it could not be studied (a study where no ticker can be
    estimated raises instead).
    """

    event_date: date
    day0: pd.Timestamp
    after_close: bool
    benchmark: str
    abnormal: pd.DataFrame
    car: pd.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)

    def car_for(self, window: Window) -> pd.Series:
        """CAR per ticker for one window (index ticker)."""
        rows = self.car[self.car["window"] == window_label(window)]
        return rows.set_index("ticker")["car"]


def window_label(window: Window) -> str:
    a, b = window
    return f"[{a:+d},{b:+d}]".replace("+0", "0")


def daily_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Simple daily returns of a close frame (no filling: a missing close gives NaN around it)."""
    frame = prices.sort_index().astype("float64")
    return frame / frame.shift(1) - 1.0


def event_day(trading_days: pd.DatetimeIndex, when: date, after_close: bool = False) -> int:
    """Position of day 0 in ``trading_days``.

    Day 0 is the first trading day on or after ``when``; for an announcement after the
    close it is the first trading day strictly after ``when`` (the market could only react in
    the next session).
    """
    stamp = pd.Timestamp(when)
    pos = int(trading_days.searchsorted(stamp, side="right" if after_close else "left"))
    if pos >= len(trading_days):
        raise EventStudyError(
            f"no trading day {'after' if after_close else 'on or after'} {when.isoformat()} "
            "in the price history (is the event in the future, or the history too short?)")
    return pos


def market_model(stock: np.ndarray, bench: np.ndarray) -> MarketModel:
    """OLS of ``stock`` on ``[1, bench]`` over rows where both are finite."""
    ok = np.isfinite(stock) & np.isfinite(bench)
    y, m = stock[ok], bench[ok]
    n = int(ok.sum())
    design = np.column_stack([np.ones(n), m])
    xtx_inv = np.linalg.pinv(design.T @ design)
    coef = xtx_inv @ design.T @ y
    resid = y - design @ coef
    sigma = math.sqrt(float(resid @ resid) / (n - 2)) if n > 2 else math.nan
    return MarketModel(float(coef[0]), float(coef[1]), sigma, n, xtx_inv)


def car_variance(model: MarketModel, bench_window: np.ndarray) -> float:
    """``sigma^2 * (L + x' (X'X)^-1 x)``, ``x = [L, sum(R_m)]`` over the event-window days."""
    length = len(bench_window)
    x = np.array([length, float(np.sum(bench_window))])
    return model.sigma ** 2 * (length + float(x @ model.xtx_inv @ x))


def event_study(
    prices: pd.DataFrame,
    event_date: date | str,
    *,
    after_close: bool = False,
    tickers: Sequence[str] | None = None,
    config: EventStudyConfig | None = None,
) -> EventStudy:
    """Market-model abnormal returns and CARs around one event.

    ``prices``: daily closes, ``DatetimeIndex`` x one column per ticker, including the
    benchmark column (``config.benchmark``). ``tickers``: which columns to study (default:
    every column but the benchmark). Raises :class:`EstimationWindowTooShort` when no ticker
    has enough returns before the event, :class:`EventStudyError` for other impossibilities.
    """
    cfg = config or EventStudyConfig()
    when = pd.Timestamp(event_date).date()
    if cfg.benchmark not in prices.columns:
        raise EventStudyError(f"benchmark {cfg.benchmark!r} is not in the price history")
    returns = daily_returns(prices).iloc[1:]
    days = pd.DatetimeIndex(returns.index)
    p0 = event_day(days, when, after_close)
    est_end = p0 - cfg.gap_days
    est_start = max(0, est_end - cfg.estimation_days)
    lo = min(w[0] for w in cfg.windows)
    hi = max(w[1] for w in cfg.windows)
    names = [t for t in (tickers or prices.columns) if t != cfg.benchmark]
    if not names:
        raise EventStudyError("no tickers to study besides the benchmark")
    bench = returns[cfg.benchmark].to_numpy()
    abnormal_rows: list[dict[str, Any]] = []
    car_rows: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for ticker in names:
        if ticker not in returns.columns:
            skipped[ticker] = f"{ticker}: no price history"
            continue
        stock = returns[ticker].to_numpy()
        est = slice(est_start, max(est_end, est_start))
        usable = int((np.isfinite(stock[est]) & np.isfinite(bench[est])).sum())
        if usable < cfg.min_estimation_days:
            first = days[0].date().isoformat() if len(days) else "n/a"
            skipped[ticker] = (
                f"{ticker}: only {usable} trading days of returns for the estimation window "
                f"before the event on {when.isoformat()} (need at least "
                f"{cfg.min_estimation_days} of {cfg.estimation_days}, ending {cfg.gap_days} "
                f"trading days before day 0; history starts {first}); load a longer history")
            continue
        model = market_model(stock[est], bench[est])
        for rel in range(lo, hi + 1):
            pos = p0 + rel
            if 0 <= pos < len(days):
                expected = model.alpha + model.beta * bench[pos]
                abnormal_rows.append({
                    "ticker": ticker, "rel_day": rel, "date": days[pos],
                    "return": stock[pos], "benchmark_return": bench[pos],
                    "expected_return": expected, "abnormal_return": stock[pos] - expected,
                })
        for a, b in cfg.windows:
            positions = [p0 + r for r in range(a, b + 1) if 0 <= p0 + r < len(days)]
            ar = np.array([stock[p] - (model.alpha + model.beta * bench[p]) for p in positions])
            mkt = np.array([bench[p] for p in positions])
            ok = np.isfinite(ar) & np.isfinite(mkt)
            n_days = int(ok.sum())
            car = float(ar[ok].sum()) if n_days else math.nan
            var = car_variance(model, mkt[ok]) if n_days else math.nan
            se = math.sqrt(var) if n_days and var > 0 else math.nan
            t_stat = car / se if n_days and var > 0 else math.nan
            car_rows.append({
                "ticker": ticker, "window": window_label((a, b)), "start": a, "end": b,
                "car": car, "se": se, "t_stat": t_stat, "n_days": n_days, "alpha": model.alpha,
                "beta": model.beta, "sigma": model.sigma, "estimation_days": model.n,
            })
    if not car_rows:
        message = "; ".join(skipped.values())
        short = all("estimation window" in m for m in skipped.values())
        raise (EstimationWindowTooShort if short else EventStudyError)(message)
    abnormal = pd.DataFrame(abnormal_rows, columns=[
        "ticker", "rel_day", "date", "return", "benchmark_return", "expected_return",
        "abnormal_return"])
    car_frame = pd.DataFrame(car_rows)
    return EventStudy(when, days[p0], after_close, cfg.benchmark, abnormal, car_frame, skipped)


def study_events(
    prices: pd.DataFrame,
    events: Iterable[Any],
    *,
    tickers: Sequence[str] | None = None,
    config: EventStudyConfig | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """CARs for many events (objects with ``id``, ``date``, optional ``after_close`` and
    ``date_precision``, such as :class:`exposure.model.schema.Event`).

    Returns ``(car, problems)``: the :attr:`EventStudy.car` rows with ``event_id``,
    ``event_date`` and ``day0`` columns added, and ``event id -> why it was not studied``
    (month-precision dates, too little history...). Tickers skipped within an event are
    reported under ``"<event id>/<ticker>"``.
    """
    frames: list[pd.DataFrame] = []
    problems: dict[str, str] = {}
    for event in events:
        if getattr(event, "date_precision", "day") != "day":
            problems[event.id] = "date known only to the month; no event-day study"
            continue
        try:
            study = event_study(prices, event.date, after_close=getattr(event, "after_close", False),
                                tickers=tickers, config=config)
        except EventStudyError as exc:
            problems[event.id] = str(exc)
            continue
        frames.append(study.car.assign(event_id=event.id, event_date=study.event_date,
                                       day0=study.day0.date()))
        for ticker, why in study.skipped.items():
            problems[f"{event.id}/{ticker}"] = why
    if not frames:
        return pd.DataFrame(columns=["event_id", "event_date", "day0", "ticker", "window", "start",
                                     "end", "car", "se", "t_stat", "n_days", "alpha", "beta", "sigma",
                                     "estimation_days"]), problems
    return pd.concat(frames, ignore_index=True), problems


# ---- validation --------------------------------------------------------------------------

def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman rank correlation (average ranks for ties) over the index both share with
    finite values; NaN with fewer than 3 pairs or a constant side."""
    pair = pd.concat([a, b], axis=1, join="inner").astype("float64")
    pair = pair[np.isfinite(pair).all(axis=1)]
    if len(pair) < 3:
        return math.nan
    ranks = pair.rank(method="average")
    x = ranks.iloc[:, 0].to_numpy() - ranks.iloc[:, 0].mean()
    y = ranks.iloc[:, 1].to_numpy() - ranks.iloc[:, 1].mean()
    denom = math.sqrt(float(x @ x) * float(y @ y))
    return float(x @ y) / denom if denom > 0 else math.nan


@dataclass(frozen=True)
class Validation:
    """How well predicted value changes ranked the realised CARs.

    ``table``: ``ticker``, ``predicted`` (value change, fraction), ``realised`` (CAR,
    fraction), ``predicted_rank`` and ``realised_rank`` (1 = fell most), ``rank_gap``
    (realised minus predicted rank), sorted by predicted rank.
    """

    spearman: float
    n: int
    table: pd.DataFrame
    misses: list[str]
    summary: str


def _pct(value: float) -> str:
    return f"{value * 100:+.1f}%"


def validate_model(predicted_value_change: pd.Series, car: pd.Series) -> Validation:
    """Compare the model's predicted value changes with realised CARs across holdings.

    Both series are indexed by ticker; only tickers with finite values in both count. The
    misses are said in words: who the model expected to fall most versus who fell most, and
    holdings whose realised move went the other way from the prediction.
    """
    pair = pd.concat([predicted_value_change.rename("predicted"), car.rename("realised")],
                     axis=1, join="inner").astype("float64")
    pair = pair[np.isfinite(pair).all(axis=1)]
    pair.index = pair.index.map(str)
    n = len(pair)
    rho = spearman(pair["predicted"], pair["realised"])
    table = pair.assign(
        predicted_rank=pair["predicted"].rank(method="min").astype(int),
        realised_rank=pair["realised"].rank(method="min").astype(int),
    )
    table["rank_gap"] = table["realised_rank"] - table["predicted_rank"]
    table = table.sort_values(["predicted_rank", "realised_rank"]).rename_axis("ticker").reset_index()
    misses: list[str] = []
    if n >= 2:
        expected = str(pair["predicted"].idxmin())
        hit = str(pair["realised"].idxmin())
        if expected != hit:
            misses.append(
                f"the model expected {expected} to fall most ({_pct(pair.at[expected, 'predicted'])}); "
                f"the market hit {hit} ({_pct(pair.at[hit, 'realised'])} CAR; "
                f"{expected} {_pct(pair.at[expected, 'realised'])})")
    wrong_way = pair[(np.sign(pair["predicted"]) * np.sign(pair["realised"]) < 0)]
    for ticker in wrong_way["realised"].abs().sort_values(ascending=False).index[:3]:
        pred, real = pair.at[ticker, "predicted"], pair.at[ticker, "realised"]
        misses.append(
            f"the model expected {ticker} to {'fall' if pred < 0 else 'rise'} ({_pct(pred)}); "
            f"it {'rose' if real > 0 else 'fell'} ({_pct(real)} CAR)")
    if n < 3:
        summary = f"too few listed holdings with both a prediction and a CAR ({n}; need 3)"
    else:
        summary = f"Spearman rank correlation {rho:+.2f} across {n} listed holdings"
    return Validation(rho, n, table, misses, summary)
