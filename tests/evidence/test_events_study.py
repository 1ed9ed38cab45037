"""Event study and model validation on synthetic series with known answers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pytest

from exposure.evidence.event_study import (
    EstimationWindowTooShort,
    EventStudyConfig,
    EventStudyError,
    car_variance,
    event_day,
    event_study,
    market_model,
    spearman,
    study_events,
    validate_model,
    window_label,
)

DAYS = pd.bdate_range("2023-01-02", periods=420)
EVENT = 350  # position in DAYS of the event day


def synthetic(shocks: dict[int, float] | None = None, *, beta: float = 1.3, seed: int = 42,
              benchmark: str = "SPY") -> pd.DataFrame:
    """Closes of a benchmark and of AAA = alpha + beta * market + noise (+ injected shocks at
    the given positions of DAYS)."""
    rng = np.random.default_rng(seed)
    market = rng.normal(0.0004, 0.01, len(DAYS))
    stock = 0.0002 + beta * market + rng.normal(0.0, 0.002, len(DAYS))
    for pos, shock in (shocks or {}).items():
        stock[pos] += shock
    return pd.DataFrame({benchmark: 400 * np.cumprod(1 + market),
                         "AAA": 50 * np.cumprod(1 + stock)}, index=DAYS)


def test_injected_abnormal_return_is_recovered() -> None:
    prices = synthetic({EVENT: -0.06, EVENT + 1: -0.02})
    study = event_study(prices, DAYS[EVENT].date())
    assert study.day0 == DAYS[EVENT]
    car = study.car.set_index("window")
    assert car.at["[0,+1]", "car"] == pytest.approx(-0.08, abs=0.012)
    assert car.at["[0,+1]", "t_stat"] < -8
    assert car.at["[-1,+5]", "car"] == pytest.approx(-0.08, abs=0.02)
    assert car.at["[0,+1]", "beta"] == pytest.approx(1.3, abs=0.1)
    assert car.at["[0,+1]", "estimation_days"] == 250
    day0 = study.abnormal[study.abnormal["rel_day"] == 0].iloc[0]
    assert day0["abnormal_return"] == pytest.approx(-0.06, abs=0.012)
    assert set(study.abnormal["rel_day"]) == set(range(-1, 6))


def test_car_moves_by_exactly_the_injected_shock() -> None:
    base = event_study(synthetic(), DAYS[EVENT].date()).car.set_index("window")["car"]
    shocked = event_study(synthetic({EVENT: -0.06, EVENT + 3: 0.01}), DAYS[EVENT].date())
    diff = shocked.car.set_index("window")["car"] - base
    assert diff["[0,+1]"] == pytest.approx(-0.06, abs=1e-12)
    assert diff["[-1,+5]"] == pytest.approx(-0.05, abs=1e-12)


def test_no_event_gives_an_insignificant_car() -> None:
    study = event_study(synthetic(), DAYS[EVENT].date())
    assert (study.car["t_stat"].abs() < 3).all()


def test_after_close_announcement_moves_day_zero_to_the_next_session() -> None:
    prices = synthetic({EVENT + 1: 0.05})  # the market reacts the session after
    same_day = event_study(prices, DAYS[EVENT].date(), config=EventStudyConfig(windows=((0, 0),)))
    after = event_study(prices, DAYS[EVENT].date(), after_close=True,
                        config=EventStudyConfig(windows=((0, 0),)))
    assert after.day0 == DAYS[EVENT + 1]
    assert after.car["car"].iloc[0] == pytest.approx(0.05, abs=0.012)
    assert abs(same_day.car["car"].iloc[0]) < 0.015


def test_weekend_event_starts_on_monday() -> None:
    days = pd.bdate_range("2025-01-06", "2025-01-20")
    assert days[event_day(days, date(2025, 1, 11))] == pd.Timestamp("2025-01-13")
    assert days[event_day(days, date(2025, 1, 10), after_close=True)] == pd.Timestamp("2025-01-13")


def test_too_short_estimation_window_says_so() -> None:
    prices = synthetic()
    with pytest.raises(EstimationWindowTooShort, match=r"only \d+ trading days.*need at least 120 of 250"):
        event_study(prices, DAYS[100].date())


def test_event_after_the_history_is_an_error() -> None:
    with pytest.raises(EventStudyError, match="no trading day"):
        event_study(synthetic(), date(2030, 1, 1))


def test_missing_benchmark_is_an_error() -> None:
    with pytest.raises(EventStudyError, match="benchmark 'SOXX'"):
        event_study(synthetic(), DAYS[EVENT].date(), config=EventStudyConfig(benchmark="SOXX"))


def test_sector_benchmark_can_be_chosen() -> None:
    prices = synthetic({EVENT: 0.04}, benchmark="SOXX")
    study = event_study(prices, DAYS[EVENT].date(), config=EventStudyConfig(benchmark="SOXX"))
    assert study.benchmark == "SOXX"
    assert study.car_for((0, 1))["AAA"] == pytest.approx(0.04, abs=0.012)


def test_car_variance_matches_the_closed_form() -> None:
    rng = np.random.default_rng(7)
    m = rng.normal(0, 0.01, 250)
    s = 0.001 + 0.9 * m + rng.normal(0, 0.005, 250)
    model = market_model(s, m)
    window = np.array([0.01, -0.02, 0.005])
    length, mean = len(window), m.mean()
    closed = model.sigma ** 2 * (length + length ** 2 / len(m)
                                 + (window.sum() - length * mean) ** 2 / ((m - mean) ** 2).sum())
    assert car_variance(model, window) == pytest.approx(closed, rel=1e-9)


def test_window_labels() -> None:
    assert window_label((0, 1)) == "[0,+1]"
    assert window_label((-1, 5)) == "[-1,+5]"
    assert window_label((-10, 10)) == "[-10,+10]"


@dataclass
class Ev:
    id: str
    date: date
    after_close: bool = False
    date_precision: str = "day"


def test_study_events_collects_cars_and_problems() -> None:
    prices = synthetic({EVENT: -0.05})
    car, problems = study_events(prices, [
        Ev("real", DAYS[EVENT].date()),
        Ev("vague", DAYS[EVENT].date(), date_precision="month"),
        Ev("early", DAYS[50].date()),
    ])
    assert set(car["event_id"]) == {"real"}
    assert set(problems) == {"vague", "early"}
    assert "month" in problems["vague"] and "estimation window" in problems["early"]


def test_spearman_hand_case() -> None:
    predicted = pd.Series({"A": -0.30, "B": -0.10, "C": 0.00, "D": 0.20})
    realised = pd.Series({"A": -0.05, "B": -0.08, "C": 0.01, "D": 0.03})
    # ranks 1,2,3,4 vs 2,1,3,4: sum d^2 = 2, rho = 1 - 6*2 / (4*15) = 0.8
    assert spearman(predicted, realised) == pytest.approx(0.8)
    assert spearman(predicted, -predicted) == pytest.approx(-1.0)
    assert math.isnan(spearman(predicted.iloc[:2], realised.iloc[:2]))


def test_spearman_with_ties_uses_average_ranks() -> None:
    a = pd.Series([1.0, 2.0, 2.0, 3.0])
    b = pd.Series([1.0, 2.0, 3.0, 4.0])
    ra, rb = np.array([1, 2.5, 2.5, 4]), np.array([1, 2, 3, 4])
    assert spearman(a, b) == pytest.approx(np.corrcoef(ra, rb)[0, 1])


def test_validation_names_the_misses_in_words() -> None:
    predicted = pd.Series({"NVDA": -0.30, "AMD": -0.10, "MSFT": 0.02, "ASML": -0.05})
    car = pd.Series({"NVDA": -0.03, "AMD": -0.09, "MSFT": -0.01, "ASML": 0.02, "XYZ": 0.5})
    result = validate_model(predicted, car)
    assert result.n == 4
    assert result.misses[0].startswith("the model expected NVDA to fall most")
    assert "the market hit AMD" in result.misses[0]
    assert any(m.startswith("the model expected ASML to fall") and "it rose" in m
               for m in result.misses)
    assert any(m.startswith("the model expected MSFT to rise") for m in result.misses)
    assert result.summary.startswith("Spearman rank correlation")
    assert list(result.table["ticker"]) == ["NVDA", "AMD", "ASML", "MSFT"]
    assert list(result.table.columns) == ["ticker", "predicted", "realised", "predicted_rank",
                                          "realised_rank", "rank_gap"]


def test_validation_with_too_few_holdings_says_so() -> None:
    result = validate_model(pd.Series({"A": -0.1, "B": 0.1}), pd.Series({"A": -0.1, "B": 0.2}))
    assert math.isnan(result.spearman) and "too few" in result.summary and result.misses == []
