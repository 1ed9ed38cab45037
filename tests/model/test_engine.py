"""Engine: hand-computed cases a reader can check with a calculator, and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from exposure.evaluation.book import evaluate_book
from exposure.holdings.load import load_portfolio
from exposure.model.engine import (
    ProfileSource,
    build_scenario_set,
    evaluate,
    resolve_profiles,
    scenario_set,
    value_changes,
)
from tests.conftest import MINI_DATA


def evaluate_arrays(e: np.ndarray, k: np.ndarray, mv: np.ndarray, x: np.ndarray):
    """(revenue_change, value_change, impact) from the engine's one formula."""
    rev, vc, _ = value_changes(e, k, x)
    return rev, vc, vc * mv[:, None]


@pytest.fixture
def mini_analysis(mini_catalog):
    return evaluate_book(load_portfolio(MINI_DATA / "portfolio.yaml"), mini_catalog)


def test_hand_computed_impacts(mini_analysis) -> None:
    # ban (base): AAA 0.2*-0.5=-0.10 rev, k=1.5 -> -15% of 1000 = -150
    #             BBB 0.4*-0.1=-0.04, k=1 -> -80; labco 1.0*-0.5, k=2 -> -100% -> -500
    #             ZZZ (cloud default) 0.5*-0.1 -> -5% of 100 = -5
    table = mini_analysis.evaluation.impact_table()
    assert table.loc["AAA", "ban"] == pytest.approx(-150)
    assert table.loc["BBB", "ban"] == pytest.approx(-80)
    assert table.loc["labco", "ban"] == pytest.approx(-500)
    assert table.loc["ZZZ", "ban"] == pytest.approx(-5)
    # boom: only AAA is exposed to tier 2: 0.1*0.4*1.5 = +6% of 1000 = +60
    assert table["boom"].tolist() == pytest.approx([60, 0, 0, 0])


def test_portfolio_totals_and_probability_weighting(mini_analysis) -> None:
    totals = mini_analysis.evaluation.portfolio_frame().set_index("scenario")
    assert totals.loc["ban", "impact_usd"] == pytest.approx(-735)
    assert totals.loc["boom", "impact_usd"] == pytest.approx(60)
    # value 3600 in holdings + 400 cash = 4000
    assert totals.loc["ban", "impact_pct"] == pytest.approx(-735 / 4000)
    # 0.5 * -735 + 0.25 * 60
    assert mini_analysis.evaluation.expected_impact_usd == pytest.approx(-352.5)
    assert not mini_analysis.evaluation.probabilities_normalised


def test_unknown_symbol_gets_its_segment_default_and_is_flagged(mini_analysis) -> None:
    frame = mini_analysis.evaluation.holding_frame()
    zzz = frame[frame["symbol"] == "ZZZ"].iloc[0]
    assert zzz["profile_source"] == ProfileSource.SEGMENT_DEFAULT
    assert mini_analysis.defaulted == ["ZZZ"]
    assert set(frame.loc[frame["symbol"] != "ZZZ", "profile_source"]) == {"profile"}


def test_symbol_without_profile_or_segment_is_unclassified_with_no_exposure(mini_catalog) -> None:
    import pandas as pd

    profiles = resolve_profiles(pd.DataFrame({"symbol": ["QQQQ"], "segment": [""]}), mini_catalog)
    assert profiles.profile_source[0] == ProfileSource.UNCLASSIFIED
    assert not profiles.exposures.any()


def test_adverse_case_hits_the_floor_and_the_floor_is_reported(mini_catalog) -> None:
    portfolio = load_portfolio(MINI_DATA / "portfolio.yaml")
    ev = evaluate_book(portfolio, mini_catalog, ["ban"], case="adverse").evaluation
    # labco: 1.0 * -1.0 * k=2 -> -200% before the floor -> -100% = -500
    assert ev.impact_table().loc["labco", "ban"] == pytest.approx(-500)
    adjustment = ev.floor_adjustment_usd("ban")
    assert adjustment.tolist() == pytest.approx([0, 0, 500, 0])


def test_contributions_sum_to_impact_where_the_floor_does_not_bind(mini_analysis) -> None:
    ev = mini_analysis.evaluation
    contrib = ev.contribution_frame("ban").groupby("symbol", sort=False)["contribution_usd"].sum()
    unfloored = ev.impact_table()["ban"] - ev.floor_adjustment_usd("ban")
    assert contrib.to_numpy() == pytest.approx(unfloored.to_numpy())


def test_probabilities_above_one_are_normalised(mini_catalog) -> None:
    scenarios = [
        mini_catalog.scenarios["ban"].model_copy(update={"probability": mini_catalog.scenarios["ban"].probability.model_copy(update={"value": 0.9})}),
        mini_catalog.scenarios["boom"].model_copy(update={"probability": mini_catalog.scenarios["boom"].probability.model_copy(update={"value": 0.6})}),
    ]
    sset = build_scenario_set(scenarios, mini_catalog.channel_ids)
    import pandas as pd

    profiles = resolve_profiles(pd.DataFrame({"symbol": ["AAA"]}), mini_catalog)
    ev = evaluate(profiles, np.array([1000.0]), sset)
    assert ev.probabilities_normalised
    assert ev.probabilities.sum() == pytest.approx(1.0)
    assert ev.probabilities.tolist() == pytest.approx([0.6, 0.4])


def test_unknown_scenario_id_is_a_clear_error(mini_catalog) -> None:
    from exposure.errors import UnknownScenarioError

    with pytest.raises(UnknownScenarioError, match="nope"):
        scenario_set(mini_catalog, ["nope"])


def test_reordering_holdings_changes_nothing(mini_catalog) -> None:
    portfolio = load_portfolio(MINI_DATA / "portfolio.yaml")
    a = evaluate_book(portfolio, mini_catalog).evaluation
    portfolio.holdings = portfolio.holdings.iloc[::-1].reset_index(drop=True)
    b = evaluate_book(portfolio, mini_catalog).evaluation
    assert a.portfolio_usd == pytest.approx(b.portfolio_usd)
    assert a.impact_table().sort_index().equals(b.impact_table().sort_index())


# ---- property tests on the raw maths -------------------------------------------------------

H, S, C = 6, 4, 5
shares = arrays(float, (H, C), elements=st.floats(0, 1))
shock_mats = arrays(float, (S, C), elements=st.floats(-1, 1))
elasticities = arrays(float, (H,), elements=st.floats(0, 3))
values = arrays(float, (H,), elements=st.floats(0, 1e9))


@settings(max_examples=60, deadline=None)
@given(shares, elasticities, values)
def test_zero_shock_gives_zero_impact(e, k, mv) -> None:
    _, _, impact = evaluate_arrays(e, k, mv, np.zeros((S, C)))
    assert not impact.any()


@settings(max_examples=60, deadline=None)
@given(shares, elasticities, values, shock_mats, st.floats(0, 1))
def test_impact_is_linear_in_shocks_before_the_floor(e, k, mv, x, scale) -> None:
    # keep value changes above -1 so the floor cannot bind: scale shocks down
    x = x / (max(3.0 * C, 1.0))
    _, _, full = evaluate_arrays(e, k, mv, x)
    _, _, scaled = evaluate_arrays(e, k, mv, x * scale)
    assert scaled == pytest.approx(full * scale, rel=1e-9, abs=1e-3)


@settings(max_examples=60, deadline=None)
@given(shares, elasticities, values, shock_mats)
def test_value_change_is_never_below_minus_100_percent(e, k, mv, x) -> None:
    _, vc, impact = evaluate_arrays(e, k, mv, x)
    assert (vc >= -1.0).all()
    assert (impact >= -mv[:, None] - 1e-6).all()


@settings(max_examples=60, deadline=None)
@given(shares, elasticities, values, shock_mats)
def test_channel_contributions_sum_to_the_unfloored_impact(e, k, mv, x) -> None:
    rev, _, _ = evaluate_arrays(e, k, mv, x)
    contributions = (k * mv)[:, None, None] * e[:, None, :] * x[None, :, :]
    assert contributions.sum(axis=2) == pytest.approx(k[:, None] * rev * mv[:, None],
                                                      rel=1e-9, abs=1e-3)
