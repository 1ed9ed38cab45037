"""The leave-one-event-out scorecard: no event sees itself, a perfect model scores perfectly,
misses get a cause by rule, unscorable events are listed with the reason, and the live path
runs the same computation through the real price chain."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exposure.evidence import calibration, scorecard
from exposure.evidence.links import load_event_links
from exposure.evidence.observations import PAIR_COLUMNS, Observations, build_observations
from exposure.evidence.prices import PriceSet, load_shipped_prices
from exposure.evidence.scorecard import run_scorecard, scorecard_headline
from exposure.market.cache import CachedSource
from exposure.market.yahoo import CircuitBreaker, PriceChain, YahooSource
from exposure.model.catalog import load_catalog
from exposure.workspace import DATA_DIR
from tests.fake_yahoo import FakeYahooSession, yahoo_session_restored


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA_DIR, include_home=False)


def synthetic_observations(catalog, k: float = 1.0, noise: float = 0.0005, *,  # type: ignore[no-untyped-def]
                           events: int = 12, tickers: int = 10, seed: int = 3) -> Observations:
    """Pairs on real event ids where the market moved exactly as k * prediction (+ noise)."""
    rng = np.random.default_rng(seed)
    ids = sorted(catalog.events, key=lambda i: catalog.events[i].date)[:events]
    rows = []
    for event_id in ids:
        event = catalog.events[event_id]
        for t in range(tickers):
            revenue = float(rng.choice([-1, 1]) * rng.uniform(0.01, 0.08))  # clear of zero
            rows.append({
                "event": event_id, "date": event.date, "day0": event.date, "scenario": "s2",
                "direction": 1, "ticker": f"T{t}", "name": f"T{t}", "segment": "chips",
                "revenue_change": revenue, "x": revenue,
                "car": k * revenue + float(rng.normal(0, noise)), "se": 0.01, "t_stat": 1.0,
                "car_wide": 0.0, "t_wide": 0.0, "exposure_as_of": event.date,
                "profile_k": np.nan, "segment_k": 1.3,
            })
    pairs = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    frame = pd.DataFrame({"event": ids, "date": [catalog.events[i].date for i in ids],
                          "day0": None, "title": "", "scenario": "s2", "direction": 1,
                          "n": tickers, "scored": True, "reason": ""})
    return Observations(pairs, frame, "synthetic", date(2026, 7, 31))


def test_leave_one_out_never_lets_an_event_see_itself(catalog, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[set[str]] = []
    real = calibration.fit_calibration

    def recording(pairs: pd.DataFrame, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(set(pairs["event"]))
        return real(pairs, **kwargs)

    monkeypatch.setattr(calibration, "fit_calibration", recording)
    obs = synthetic_observations(catalog)
    result = run_scorecard(obs, catalog)
    events = obs.scored_events
    assert len(seen) == len(events) == len(result.folds) == result.events_scored
    for held_out, inputs, fold in zip(events, seen, result.folds, strict=True):
        assert fold.held_out == held_out
        assert held_out not in inputs and held_out not in fold.training_events
        assert inputs == set(events) - {held_out}  # and every other event is used


def test_a_perfect_model_scores_perfectly(catalog) -> None:  # type: ignore[no-untyped-def]
    result = run_scorecard(synthetic_observations(catalog, k=1.0), catalog)
    assert result.events_scored == 12 and result.pairs == 120
    assert result.spearman_pooled > 0.95 and result.ci95[0] > 0.9
    assert result.sign_accuracy == 1.0
    assert result.slope == pytest.approx(1.0, abs=0.02)
    assert all(e.p < 0.01 for e in result.per_event)
    # the chips estimate (k = 1) is informative in every fold, so it replaced the 1.3 prior
    assert set(result.predictions["k_source"]) == {"estimate (holding)"}
    assert scorecard_headline(result).startswith(
        "out of sample the model ranked 12 of 12 policy days right (Spearman +")


def test_a_model_with_no_skill_is_reported_as_such(catalog) -> None:  # type: ignore[no-untyped-def]
    """Realised moves shuffled within each event: no ranking skill, and no estimate passes
    the rule, so every fold falls back to the prior."""
    obs = synthetic_observations(catalog, events=30, tickers=15)
    rng = np.random.default_rng(1)
    shuffled = obs.pairs.assign(car=obs.pairs.groupby("event")["car"].transform(
        lambda c: rng.permutation(c.to_numpy())))
    result = run_scorecard(Observations(shuffled, obs.events, "synthetic", obs.last_day), catalog)
    assert result.ci95[0] < 0 < result.ci95[1] and abs(result.spearman_pooled) < 0.1
    assert set(result.predictions["k_source"]) == {"prior (segment)"}
    assert set(result.predictions["k"]) == {1.3}


def test_misses_are_named_with_a_cause_by_rule(catalog) -> None:  # type: ignore[no-untyped-def]
    obs = synthetic_observations(catalog)
    pairs = obs.pairs.copy()
    first, second = pairs.index[0], pairs.index[1]
    pairs.loc[first, ["revenue_change", "x", "car"]] = [0.0, 0.0, 0.20]  # no exposure, +20%
    pairs.loc[second, "car"] = 0.25
    pairs.at[second, "exposure_as_of"] = pairs.at[second, "date"] + timedelta(days=900)
    result = run_scorecard(Observations(pairs, obs.events, "synthetic", obs.last_day), catalog)
    misses = result.misses.set_index("ticker")
    assert misses.at["T0", "cause"].startswith("channel missing")
    assert misses.at["T1", "cause"].startswith("exposure stale")
    assert misses.index[0] in {"T0", "T1"}  # largest first


def test_events_without_enough_tickers_or_prices_are_listed_not_scored(catalog) -> None:  # type: ignore[no-untyped-def]
    shipped = load_shipped_prices(DATA_DIR)
    few = shipped.closes[["SPY", "NVDA", "AMD", "TSM", "MU", "AMAT"]]
    early = shipped.closes.loc[:"2025-06-30"]
    links = load_event_links(catalog, DATA_DIR)
    thin = build_observations(catalog, PriceSet(few, "test", shipped.last_day), links)
    reasons = thin.events.set_index("event")["reason"]
    assert not thin.events["scored"].any()
    assert reasons["bis_2023_10_update"] == "only 5 tickers with a profile and prices (need 8)"
    result = run_scorecard(thin, catalog)
    assert result.events_scored == 0 and len(result.not_scored) == len(catalog.events)
    assert scorecard_headline(result) == ("out of sample the model has not been scored on any "
                                          "policy day yet")
    cut = build_observations(catalog, PriceSet(early, "test", date(2025, 6, 30)), links)
    reasons = cut.events.set_index("event")["reason"]
    assert reasons["bis_2026_01_h200_case_by_case"] == ("no prices after 2025-06-30: cannot be "
                                                        "scored yet")
    assert cut.events.set_index("event").at["bis_2025_05_rescission_guidance", "scored"]


def test_one_market_move_is_scored_once(catalog) -> None:  # type: ignore[no-untyped-def]
    obs = build_observations(catalog, load_shipped_prices(DATA_DIR),
                             load_event_links(catalog, DATA_DIR))
    events = obs.events.set_index("event")
    assert events.at["bis_2025_05_rescission_guidance", "scored"]
    assert not events.at["gulf_2025_05_deals", "scored"]
    assert "shares a trading day with bis_2025_05_rescission_guidance" in \
        events.at["gulf_2025_05_deals", "reason"]
    scored = obs.pairs.groupby("event")["day0"].first()
    assert scored.is_unique  # no two scored events start on the same day


@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning:yfinance")
def test_the_live_path_runs_the_same_computation_and_says_which_prices(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURE_OFFLINE", "0")
    fake = FakeYahooSession()
    with yahoo_session_restored():
        yahoo = YahooSource(home, session=fake, circuit=CircuitBreaker(), sleep=lambda _: None)
        chain = PriceChain(CachedSource(yahoo, home=home))
        monkeypatch.setattr("exposure.market.yahoo.price_chain", lambda *a, **k: chain)
        result = scorecard.compute_scorecard(DATA_DIR, live=True, home=home)
    assert result.price_source == "live (Yahoo via cache)"
    assert result.to_json()["price_source"] == "live (Yahoo via cache)"
    assert result.events_scored >= 12 and fake.chart_requests()
