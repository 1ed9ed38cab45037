"""Uncertainty: reproducibility, collapse to the engine, VaR/ES properties, tornado, ES
contributions. Hand cases use tests/fixtures/mini_data (see tests/test_engine.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from exposure.errors import ExposureError
from exposure.evaluation.book import evaluate_book
from exposure.evaluation.result import BookEvaluation
from exposure.holdings.load import load_portfolio
from exposure.model.engine import ProfileMatrix, ScenarioSet, evaluate
from exposure.model.uncertainty import (
    MAX_DRAWS,
    NO_CHANGE,
    SimulationInputError,
    contribution_frame,
    simulate,
    tornado,
    triangular_shocks,
)
from tests.conftest import MINI_DATA


@pytest.fixture
def mini(mini_catalog) -> BookEvaluation:
    return evaluate_book(load_portfolio(MINI_DATA / "portfolio.yaml"), mini_catalog)


def run(a: BookEvaluation, scenarios: ScenarioSet | None = None, **kw):
    return simulate(a.profiles, a.evaluation.market_value,
                    a.evaluation.scenarios if scenarios is None else scenarios, **kw)


def fixed(s: ScenarioSet, probabilities: list[float]) -> ScenarioSet:
    """``s`` with zero-width ranges (low = high = base) and the given probabilities."""
    return dataclasses.replace(s, low=s.base.copy(), high=s.base.copy(),
                               probabilities=np.array(probabilities))


# ---- reproducibility ----------------------------------------------------------------------

def test_same_seed_gives_the_same_distribution(mini) -> None:
    a, b = run(mini, draws=5000, seed=7), run(mini, draws=5000, seed=7)
    assert np.array_equal(a.pnl, b.pnl)
    assert a.es_95 == b.es_95 and a.percentiles == b.percentiles
    assert (a.draws, a.seed) == (5000, 7)


def test_different_seed_gives_a_different_distribution(mini) -> None:
    assert not np.array_equal(run(mini, draws=5000, seed=1).pnl, run(mini, draws=5000, seed=2).pnl)


def synthetic(holdings: int) -> tuple[ProfileMatrix, np.ndarray, ScenarioSet]:
    """``holdings`` random holdings over 3 channels, 4 scenarios (``default_rng(42)``)."""
    rng = np.random.default_rng(42)
    syms = np.array([f"H{i}" for i in range(holdings)], dtype=object)
    channels = ("a", "b", "c")
    profiles = ProfileMatrix(symbols=syms, names=syms, segments=syms, layers=syms,
                             profile_source=syms, exposures=rng.uniform(0, 0.5, (holdings, 3)),
                             elasticity=rng.uniform(0.5, 3, holdings), channel_ids=channels)
    low = rng.uniform(-1, 0, (4, 3))
    base = low + rng.uniform(0, 0.5, (4, 3))
    high = base + rng.uniform(0, 0.5, (4, 3))
    scenarios = ScenarioSet(ids=("w", "x", "y", "z"), titles=("W", "X", "Y", "Z"),
                            probabilities=np.array([0.1, 0.2, 0.3, 0.2]), low=low, base=base,
                            high=high, channel_ids=channels)
    return profiles, rng.uniform(1e3, 1e6, holdings), scenarios


@pytest.mark.parametrize("holdings", [4, 300], ids=lambda h: f"holdings={h}")
@pytest.mark.parametrize("chunk", [1, 300, 1000, 4096], ids=lambda c: f"chunk={c}")
def test_chunked_and_unchunked_runs_are_identical(holdings: int, chunk: int) -> None:
    profiles, mv, scenarios = synthetic(holdings)
    whole = simulate(profiles, mv, scenarios, draws=5003, seed=3, chunk=5003)
    parts = simulate(profiles, mv, scenarios, draws=5003, seed=3, chunk=chunk)
    assert np.array_equal(whole.pnl, parts.pnl)
    assert np.array_equal(whole.scenario_of_draw, parts.scenario_of_draw)
    assert np.array_equal(whole.contributions_es_95, parts.contributions_es_95)
    assert (whole.var_95, whole.es_95, whole.var_99, whole.es_99) == \
        (parts.var_95, parts.es_95, parts.var_99, parts.es_99)


# ---- collapse to the deterministic engine -------------------------------------------------

@pytest.mark.parametrize("which", [0, 1], ids=["ban", "boom"])
def test_zero_width_ranges_and_probability_one_collapse_to_the_engine(mini, which: int) -> None:
    probabilities = [0.0, 0.0]
    probabilities[which] = 1.0
    scenarios = fixed(mini.evaluation.scenarios, probabilities)
    ev = evaluate(mini.profiles, mini.evaluation.market_value, scenarios)
    result = run(mini, scenarios, draws=2000)
    expected = ev.portfolio_usd[which]  # ban -735, boom +60 (tests/test_engine.py)
    assert result.pnl == pytest.approx(np.full(2000, expected), rel=1e-12, abs=1e-9)
    assert result.var_95 == pytest.approx(-expected) and result.es_99 == pytest.approx(-expected)
    assert result.percentiles["p1"] == pytest.approx(result.percentiles["p99"])
    assert result.contributions_es_95 == pytest.approx(-ev.impact_usd[:, which])
    assert result.scenario_counts[scenarios.ids[which]] == 2000


def test_triangular_zero_width_returns_the_point_exactly() -> None:
    u = np.linspace(0, 0.999, 50)
    for v in (-1.0, -0.3, 0.0, 0.7):
        assert (triangular_shocks(u, np.array(v), np.array(v), np.array(v)) == v).all()


def test_triangular_draws_stay_in_range_with_the_right_mean() -> None:
    u = np.random.default_rng(0).random(200_000)
    for low, base, high in ((-1.0, -0.5, 0.0), (0.0, 0.0, 0.8), (-0.4, 0.2, 0.2)):
        x = triangular_shocks(u, np.array(low), np.array(base), np.array(high))
        assert x.min() >= low and x.max() <= high
        assert x.mean() == pytest.approx((low + base + high) / 3, abs=3e-3)


# ---- scenario selection -------------------------------------------------------------------

def test_probabilities_below_one_leave_the_right_share_of_no_change_draws(mini) -> None:
    # ban 0.5, boom 0.25 -> 25% no change; binomial sd at 40k draws is 0.0022
    result = run(mini, draws=40_000, seed=11)
    share = {k: v / 40_000 for k, v in result.scenario_counts.items()}
    assert share[NO_CHANGE] == pytest.approx(0.25, abs=0.01)
    assert share["ban"] == pytest.approx(0.5, abs=0.01)
    assert share["boom"] == pytest.approx(0.25, abs=0.01)
    assert (result.pnl[result.scenario_of_draw == -1] == 0).all()
    assert sum(result.scenario_counts.values()) == 40_000


def test_probabilities_above_one_are_normalised_and_leave_no_no_change(mini) -> None:
    scenarios = dataclasses.replace(mini.evaluation.scenarios, probabilities=np.array([0.9, 0.6]))
    result = run(mini, scenarios, draws=20_000)
    assert result.probabilities_normalised
    assert result.scenario_counts[NO_CHANGE] == 0
    assert result.scenario_counts["ban"] / 20_000 == pytest.approx(0.6, abs=0.015)


def test_an_empty_scenario_set_gives_no_change(mini) -> None:
    s = mini.evaluation.scenarios
    empty = ScenarioSet(ids=(), titles=(), probabilities=np.zeros(0),
                        low=np.zeros((0, 3)), base=np.zeros((0, 3)), high=np.zeros((0, 3)),
                        channel_ids=s.channel_ids)
    result = run(mini, empty, draws=100)
    assert not result.pnl.any() and result.es_95 == 0 and len(result.tornado) == 0


# ---- risk measures ------------------------------------------------------------------------

def test_var_is_the_inverted_cdf_quantile_and_es_the_tail_mean(mini) -> None:
    result = run(mini, draws=10_000)
    loss = -result.pnl
    assert result.var_95 == pytest.approx(-np.quantile(result.pnl, 0.05, method="inverted_cdf"))
    assert result.es_95 == pytest.approx(np.sort(loss)[::-1][:500].mean())
    assert result.es_99 == pytest.approx(np.sort(loss)[::-1][:100].mean())


def test_es_is_at_least_var_and_99_is_at_least_95(mini) -> None:
    result = run(mini, draws=10_000)
    assert result.es_95 >= result.var_95 and result.es_99 >= result.var_99
    assert result.var_99 >= result.var_95 and result.es_99 >= result.es_95
    values = list(result.percentiles.values())
    assert values == sorted(values)
    assert list(result.percentiles) == ["p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95",
                                        "p99"]


def test_contributions_sum_to_the_portfolio_es(mini) -> None:
    result = run(mini, draws=10_000)
    assert result.contributions_es_95.sum() == pytest.approx(result.es_95, rel=1e-12)
    frame = contribution_frame(result, mini.profiles)
    assert list(frame.columns) == ["symbol", "name", "segment", "profile_source", "es_95_usd",
                                   "share_of_es"]
    assert frame["es_95_usd"].sum() == pytest.approx(result.es_95)
    assert frame["share_of_es"].sum() == pytest.approx(1.0)
    # labco is wiped out (-100% floor) in every ban draw, and every tail draw is a ban draw
    assert frame.set_index("symbol").loc["labco", "es_95_usd"] == pytest.approx(500)


def test_reordering_holdings_changes_nothing(mini) -> None:
    p, mv = mini.profiles, mini.evaluation.market_value
    order = np.arange(len(p))[::-1]
    flipped = dataclasses.replace(p, **{f: getattr(p, f)[order] for f in (
        "symbols", "names", "segments", "layers", "profile_source", "exposures", "elasticity")})
    a = simulate(p, mv, mini.evaluation.scenarios, draws=3000)
    b = simulate(flipped, mv[order], mini.evaluation.scenarios, draws=3000)
    assert b.pnl == pytest.approx(a.pnl, rel=1e-12, abs=1e-9)
    assert b.contributions_es_95[order] == pytest.approx(a.contributions_es_95)


@pytest.mark.parametrize("draws", [0, -5, MAX_DRAWS + 1], ids=["zero", "negative", "too-many"])
def test_bad_draw_counts_are_a_clear_error(mini, draws: int) -> None:
    with pytest.raises(SimulationInputError, match="draws must be between"):
        run(mini, draws=draws)
    assert issubclass(SimulationInputError, ExposureError)


def test_unordered_shock_ranges_are_a_clear_error(mini) -> None:
    s = mini.evaluation.scenarios
    bad = dataclasses.replace(s, low=s.high.copy(), high=s.low.copy())
    with pytest.raises(SimulationInputError, match="low <= base <= high"):
        run(mini, bad, draws=10)


# ---- tornado ------------------------------------------------------------------------------

def test_tornado_hand_computed_for_the_china_ban(mini) -> None:
    frame = tornado(mini.profiles, mini.evaluation.market_value, mini.evaluation.scenarios,
                    scenario_id="ban")
    assert list(frame.columns) == ["channel", "scenario", "low_usd", "base_usd", "high_usd",
                                   "swing_usd"]
    top = frame.iloc[0]
    # china_ai_sales -1.0: AAA 0.2*-1*1.5*1000 = -300, BBB -80, labco -500 (floor), ZZZ -5
    # china_ai_sales  0.0: AAA 0, BBB -80, labco 0, ZZZ -5
    assert (top["channel"], top["low_usd"], top["base_usd"], top["high_usd"]) == \
        ("china_ai_sales", pytest.approx(-885), pytest.approx(-735), pytest.approx(-85))
    assert top["swing_usd"] == pytest.approx(800)
    assert frame["swing_usd"].is_monotonic_decreasing


def test_simulation_tornado_covers_every_scenario_and_channel(mini) -> None:
    result = run(mini, draws=100)
    assert len(result.tornado) == 2 * 3
    assert set(result.tornado["scenario"]) == {"ban", "boom"}


# ---- property tests on random portfolios --------------------------------------------------

H, S, C = 5, 3, 4


@st.composite
def random_inputs(draw: st.DrawFn) -> tuple[ProfileMatrix, np.ndarray, ScenarioSet]:
    e = draw(arrays(float, (H, C), elements=st.floats(0, 1)))
    k = draw(arrays(float, (H,), elements=st.floats(0, 3)))
    mv = draw(arrays(float, (H,), elements=st.floats(0, 1e9)))
    a = draw(arrays(float, (S, C), elements=st.floats(-1, 1)))
    b = draw(arrays(float, (S, C), elements=st.floats(-1, 1)))
    m = draw(arrays(float, (S, C), elements=st.floats(0, 1)))
    low, high = np.minimum(a, b), np.maximum(a, b)
    base = low + m * (high - low)
    base = np.clip(base, low, high)
    p = draw(arrays(float, (S,), elements=st.floats(0, 1)))
    channels = tuple(f"c{i}" for i in range(C))
    syms = np.array([f"H{i}" for i in range(H)], dtype=object)
    profiles = ProfileMatrix(symbols=syms, names=syms, segments=syms, layers=syms,
                             profile_source=syms, exposures=e, elasticity=k,
                             channel_ids=channels)
    scenarios = ScenarioSet(ids=tuple(f"s{i}" for i in range(S)),
                            titles=tuple(f"S{i}" for i in range(S)), probabilities=p,
                            low=low, base=base, high=high, channel_ids=channels)
    return profiles, mv, scenarios


@settings(max_examples=40, deadline=None)
@given(random_inputs(), st.integers(0, 2**32 - 1))
def test_es_at_least_var_and_contributions_sum_to_es_for_any_inputs(inputs, seed) -> None:
    profiles, mv, scenarios = inputs
    result = simulate(profiles, mv, scenarios, draws=400, seed=seed)
    assert result.es_95 >= result.var_95 and result.es_99 >= result.var_99
    scale = max(float(mv.sum()), 1.0)
    assert result.contributions_es_95.sum() == pytest.approx(result.es_95, abs=1e-9 * scale)
    assert (result.pnl >= -mv.sum() * (1 + 1e-12)).all()  # no holding loses more than itself


@settings(max_examples=40, deadline=None)
@given(random_inputs())
def test_tornado_bars_bracket_the_base_case(inputs) -> None:
    profiles, mv, scenarios = inputs
    frame = tornado(profiles, mv, scenarios)
    tol = 1e-9 * max(float(mv.sum()), 1.0)
    assert (frame["low_usd"] <= frame["base_usd"] + tol).all()
    assert (frame["base_usd"] <= frame["high_usd"] + tol).all()
    assert (frame["swing_usd"] >= -tol).all()
    assert len(frame) == S * C and isinstance(frame, pd.DataFrame)
