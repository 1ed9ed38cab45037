"""The scorecard's event-study basis (120-day estimation window ending 10 days before day 0)
on synthetic prices with known answers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from exposure.evidence.event_study import event_study
from exposure.evidence.observations import STUDY

DAYS = pd.bdate_range("2024-01-01", periods=260)
EVENT = 200  # position in DAYS of the event day (a Monday or any weekday)


def closes(shocks: dict[int, float] | None = None, *, beta: float = 1.4, seed: int = 42) -> pd.DataFrame:
    """SPY and AAA = 0.0001 + beta * SPY + noise, with abnormal returns added on the given
    positions of DAYS (returns are indexed by the day they end on)."""
    rng = np.random.default_rng(seed)
    market = rng.normal(0.0003, 0.01, len(DAYS))
    stock = 0.0001 + beta * market + rng.normal(0.0, 0.002, len(DAYS))
    for pos, shock in (shocks or {}).items():
        stock[pos] += shock
    return pd.DataFrame({"SPY": 400 * np.cumprod(1 + market), "AAA": 20 * np.cumprod(1 + stock)},
                        index=DAYS)


def car(study, window: str) -> float:  # type: ignore[no-untyped-def]
    return float(study.car.set_index("window").at[window, "car"])


def test_planted_abnormal_return_is_recovered_on_the_scorecard_basis() -> None:
    study = event_study(closes({EVENT: -0.05, EVENT + 1: 0.01}), DAYS[EVENT].date(), config=STUDY)
    assert car(study, "[0,+1]") == pytest.approx(-0.04, abs=0.008)
    row = study.car.set_index("window").loc["[0,+1]"]
    assert row["t_stat"] < -8
    assert row["se"] == pytest.approx(abs(row["car"] / row["t_stat"]))
    assert row["beta"] == pytest.approx(1.4, abs=0.05)
    assert row["estimation_days"] == 120


def test_after_close_announcement_moves_day0_to_the_next_session() -> None:
    friday = next(i for i in range(150, 220) if DAYS[i].day_of_week == 4)
    prices = closes({friday + 1: -0.06})  # the market reacts on Monday
    late = event_study(prices, DAYS[friday].date(), after_close=True, config=STUDY)
    assert late.day0 == DAYS[friday + 1] and late.day0.day_of_week == 0
    day0 = late.abnormal[late.abnormal["rel_day"] == 0]["abnormal_return"].iloc[0]
    assert day0 == pytest.approx(-0.06, abs=0.008)
    same_day = event_study(prices, DAYS[friday].date(), after_close=False, config=STUDY)
    assert same_day.day0 == DAYS[friday]
    first = same_day.abnormal.set_index("rel_day")["abnormal_return"]
    assert abs(first.loc[0]) < 0.01 and first.loc[1] == pytest.approx(-0.06, abs=0.008)


def test_an_announcement_on_a_weekend_starts_on_monday() -> None:
    saturday = date(2024, 10, 19)
    study = event_study(closes(), saturday, after_close=True, config=STUDY)
    assert study.day0 == pd.Timestamp("2024-10-21")


def test_event_days_never_enter_the_estimation_window() -> None:
    """Shocks on days -10 .. +5 leave the market model untouched; one on day -11 does not."""
    base = event_study(closes(), DAYS[EVENT].date(), config=STUDY).car.iloc[0]
    window_shocks = {EVENT + r: 0.08 * (-1) ** r for r in range(-10, 6)}
    shocked = event_study(closes(window_shocks), DAYS[EVENT].date(), config=STUDY).car.iloc[0]
    for name in ("alpha", "beta", "sigma", "estimation_days"):
        assert shocked[name] == base[name]
    inside = event_study(closes({EVENT - 11: 0.08}), DAYS[EVENT].date(), config=STUDY).car.iloc[0]
    assert inside["sigma"] > base["sigma"] * 1.5


def test_estimation_window_is_120_days_ending_ten_days_before_day0() -> None:
    """A shock on day -130 is inside the window, one on day -131 is not."""
    base = event_study(closes(), DAYS[EVENT].date(), config=STUDY).car.iloc[0]
    first = event_study(closes({EVENT - 130: 0.08}), DAYS[EVENT].date(), config=STUDY).car.iloc[0]
    before = event_study(closes({EVENT - 131: 0.08}), DAYS[EVENT].date(), config=STUDY).car.iloc[0]
    assert first["sigma"] > base["sigma"] * 1.5
    assert before["sigma"] == pytest.approx(base["sigma"], rel=1e-9)  # same returns
