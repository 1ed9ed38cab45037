"""Diffs between constructed snapshot pairs, and the review chart builders."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from exposure.charts import review as charts_review
from exposure.model.catalog import Catalog
from exposure.review.diff import (
    EXPOSURE_DIFF_COLUMNS,
    HOLDING_DIFF_COLUMNS,
    diff_snapshots,
    events_between,
    scenario_changes,
)
from exposure.review.snapshot import Snapshot, build_snapshot
from tests.review_util import WEEK1, WEEK2, analysis, snapshot

OLD_ROWS = [
    {"symbol": "AAA", "quantity": 10},
    {"symbol": "BBB", "quantity": 5},
    {"symbol": "labco", "kind": "private", "market_value": 500},
]
NEW_ROWS = [
    {"symbol": "AAA", "quantity": 12},
    {"symbol": "labco", "kind": "private", "market_value": 650},
    {"symbol": "ZZZ", "market_value": 100, "segment": "cloud"},
]

Pair = tuple[Snapshot, Snapshot]


@pytest.fixture
def pair(mini_catalog: Catalog) -> Pair:
    old = snapshot(mini_catalog, OLD_ROWS, {"AAA": 100, "BBB": 20}, WEEK1, cash=100)
    new = snapshot(mini_catalog, NEW_ROWS, {"AAA": 110, "BBB": 25}, WEEK2, cash=50)
    return old, new


def test_added_removed_and_resized_holdings_are_classified(pair: Pair) -> None:
    d = diff_snapshots(*pair)
    status = dict(zip(d.holdings["symbol"], d.holdings["status"], strict=True))
    assert status == {"AAA": "resized", "BBB": "removed", "ZZZ": "added", "labco": "unchanged"}
    assert list(d.holdings.columns) == HOLDING_DIFF_COLUMNS
    s = d.summary
    assert (s.holdings_added, s.holdings_removed, s.holdings_resized) == (1, 1, 1)


def test_price_effect_is_old_quantity_times_the_price_move(pair: Pair) -> None:
    d = diff_snapshots(*pair)
    aaa = d.holdings.set_index("symbol").loc["AAA"]
    # 10 @ 100 -> 12 @ 110: price 10 x 10 = 100, position 2 x 110 = 220
    assert aaa["price_effect_usd"] == pytest.approx(100)
    assert aaa["position_effect_usd"] == pytest.approx(220)
    assert aaa["value_change_usd"] == pytest.approx(320)
    assert (aaa["old_price_usd"], aaa["new_price_usd"]) == (100, 110)


def test_a_value_only_holding_change_is_a_re_mark(pair: Pair) -> None:
    labco = diff_snapshots(*pair).holdings.set_index("symbol").loc["labco"]
    assert labco["price_effect_usd"] == pytest.approx(150)
    assert labco["position_effect_usd"] == 0


def test_added_and_removed_holdings_are_position_changes(pair: Pair) -> None:
    h = diff_snapshots(*pair).holdings.set_index("symbol")
    assert h.loc["ZZZ", "position_effect_usd"] == pytest.approx(100)
    assert h.loc["BBB", "position_effect_usd"] == pytest.approx(-100)
    assert h.loc["BBB", "price_effect_usd"] == h.loc["ZZZ", "price_effect_usd"] == 0


def test_the_value_bridge_adds_up_to_the_new_total(pair: Pair) -> None:
    d = diff_snapshots(*pair)
    steps = dict(zip(d.bridge["step"], d.bridge["amount_usd"], strict=True))
    assert steps["Previous total"] == pytest.approx(1000 + 100 + 500 + 100)
    assert steps["Price moves"] == pytest.approx(100 + 150)
    assert steps["Position changes"] == pytest.approx(220)
    assert steps["Added holdings"] == pytest.approx(100)
    assert steps["Removed holdings"] == pytest.approx(-100)
    assert steps["Cash"] == pytest.approx(-50)
    relative = d.bridge.loc[d.bridge["measure"] == "relative", "amount_usd"].sum()
    assert steps["Previous total"] + relative == pytest.approx(steps["Current total"])
    assert d.summary.value_change_usd == pytest.approx(2120 - 1700)


@pytest.mark.parametrize("seed", range(5), ids=lambda s: f"seed{s}")
def test_price_and_position_effects_always_add_up_to_the_value_change(mini_catalog: Catalog, seed: int) -> None:
    rng = np.random.default_rng(seed)

    def rows() -> list[dict]:
        out = [{"symbol": s, "quantity": float(rng.integers(1, 500))}
               for s in ("AAA", "BBB") if rng.random() < 0.8]
        if rng.random() < 0.7:
            out.append({"symbol": "labco", "kind": "private",
                        "market_value": float(rng.uniform(100, 900))})
        return out

    def prices() -> dict[str, float]:
        return {"AAA": float(rng.uniform(10, 300)), "BBB": float(rng.uniform(10, 300))}

    d = diff_snapshots(snapshot(mini_catalog, rows(), prices(), WEEK1),
                       snapshot(mini_catalog, rows(), prices(), WEEK2))
    h = d.holdings
    np.testing.assert_allclose(h["price_effect_usd"] + h["position_effect_usd"],
                               h["value_change_usd"], atol=1e-6)
    np.testing.assert_allclose(h["new_value_usd"] - h["old_value_usd"], h["value_change_usd"])
    relative = d.bridge.loc[d.bridge["measure"] == "relative", "amount_usd"].sum()
    assert d.summary.old_total_value_usd + relative == pytest.approx(d.summary.new_total_value_usd)


def test_a_snapshot_compared_with_itself_has_no_changes(pair: Pair) -> None:
    old, _ = pair
    d = diff_snapshots(old, old)
    assert set(d.holdings["status"]) == {"unchanged"}
    assert d.holdings["value_change_usd"].abs().max() == 0
    assert d.scenarios.empty and d.events.empty
    assert d.exposures["impact_change_usd"].abs().max() == 0


def test_rows_of_one_symbol_are_added_up(mini_catalog: Catalog) -> None:
    old = snapshot(mini_catalog, [{"symbol": "AAA", "quantity": 4, "account": "IRA"},
                                  {"symbol": "AAA", "quantity": 6, "account": "Taxable"}],
                   {"AAA": 100}, WEEK1)
    new = snapshot(mini_catalog, [{"symbol": "AAA", "quantity": 10}], {"AAA": 120}, WEEK2)
    aaa = diff_snapshots(old, new).holdings.set_index("symbol").loc["AAA"]
    assert aaa["status"] == "unchanged"
    assert aaa["old_quantity"] == 10
    assert aaa["price_effect_usd"] == pytest.approx(200)


def test_exposure_changes_per_holding_and_scenario(pair: Pair) -> None:
    d = diff_snapshots(*pair)
    e = d.exposures.set_index(["symbol", "scenario"])
    assert list(d.exposures.columns) == EXPOSURE_DIFF_COLUMNS
    # AAA loses 15% under "ban" in both; its value went 1000 -> 1320
    assert e.loc[("AAA", "ban"), "old_impact_usd"] == pytest.approx(-150)
    assert e.loc[("AAA", "ban"), "new_impact_usd"] == pytest.approx(-198)
    assert e.loc[("AAA", "ban"), "impact_change_usd"] == pytest.approx(-48)
    assert e.loc[("AAA", "ban"), "value_change_delta"] == pytest.approx(0)
    # a removed holding has no impact now; an added one had none before
    assert e.loc[("BBB", "ban"), "new_impact_usd"] == 0
    assert np.isnan(e.loc[("BBB", "ban"), "new_value_change"])
    assert e.loc[("ZZZ", "ban"), "old_impact_usd"] == 0
    portfolio = d.portfolio.set_index("scenario")
    assert portfolio.loc["ban", "impact_change_usd"] == pytest.approx(
        e.xs("ban", level="scenario")["impact_change_usd"].sum())


def test_scenario_edits_are_detected(mini_catalog: Catalog) -> None:
    ban = mini_catalog.scenarios["ban"]
    shocks = dict(ban.shocks)
    shocks["china_ai_sales"] = shocks["china_ai_sales"].model_copy(update={"base": -0.7})
    edited = ban.model_copy(update={
        "probability": ban.probability.model_copy(update={"value": 0.6}),
        "shocks": shocks, "title": "China ban (harder)"})
    extra = mini_catalog.scenarios["boom"].model_copy(update={"id": "boom2", "title": "Boom 2"})
    later = dataclasses.replace(mini_catalog, scenarios={"ban": edited, "boom2": extra})
    old = snapshot(mini_catalog, OLD_ROWS, {"AAA": 100, "BBB": 20}, WEEK1)
    new = build_snapshot(analysis(later, OLD_ROWS, {"AAA": 100, "BBB": 20}), later,
                         taken_at=WEEK2)
    d = diff_snapshots(old, new)
    rows = {(r.scenario, r.change, r.field): (r.old_value, r.new_value)
            for r in d.scenarios.itertuples()}
    assert rows[("ban", "probability", "probability")] == (0.5, 0.6)
    assert rows[("ban", "shock", "china_ai_sales.base")] == (-0.5, -0.7)
    assert ("ban", "title", "title") in rows
    assert ("boom2", "added", "") in rows
    assert ("boom", "removed", "") in rows
    assert len(rows) == 5  # nothing else changed
    s = d.summary
    assert (s.scenarios_added, s.scenarios_removed, s.scenarios_edited) == (1, 1, 1)
    status = dict(zip(d.portfolio["scenario"], d.portfolio["status"], strict=True))
    assert status == {"ban": "both", "boom2": "added", "boom": "removed"}
    assert np.isnan(d.exposures.set_index(["symbol", "scenario"]).loc[("AAA", "boom"), "new_impact_usd"])


def test_a_shock_on_a_new_channel_counts_from_zero() -> None:
    old = {"s": {"id": "s", "title": "S", "probability": {"value": 0.1}, "shocks": {}}}
    new = {"s": {"id": "s", "title": "S", "probability": {"value": 0.1},
                 "shocks": {"c": {"low": -0.2, "base": -0.1, "high": 0.0}}}}
    changes = scenario_changes(old, new)
    assert list(changes["field"]) == ["c.low", "c.base"]
    assert list(changes["old_value"]) == [0.0, 0.0]


def test_policy_events_between_the_snapshots_are_listed(mini_catalog: Catalog, pair: Pair) -> None:
    d = diff_snapshots(*pair, events=mini_catalog.events.values())
    assert list(d.events["id"]) == ["ev1"]  # dated 2025-01-13, between 8 and 15 Jan
    assert d.events.loc[0, "date"] == date(2025, 1, 13)
    assert d.summary.events == 1
    assert events_between(mini_catalog.events.values(), date(2025, 1, 13), date(2025, 1, 20)).empty
    assert len(events_between(mini_catalog.events.values(), date(2025, 1, 20), date(2025, 1, 12))) == 1


def test_diff_days_follow_the_snapshot_clock(pair: Pair) -> None:
    assert diff_snapshots(*pair).summary.days == pytest.approx(7.0)


def test_review_charts_are_built_from_the_diff_frames(pair: Pair) -> None:
    d = diff_snapshots(*pair)
    bridge = charts_review.value_bridge_waterfall(d.bridge)
    assert list(bridge.data[0].measure) == ["absolute"] + ["relative"] * 5 + ["total"]
    bars = charts_review.exposure_change_bar(d.exposures, "ban", "China ban")
    assert set(bars.data[0].y) == {"AAA", "BBB", "ZZZ", "labco"}
    assert charts_review.portfolio_change_bar(d.portfolio).layout.barmode == "group"


def test_the_trend_has_one_line_per_scenario_plus_the_expectation(mini_catalog: Catalog, home: Path) -> None:
    from exposure.review.store import impact_trend, take_snapshot
    from tests.review_util import clock

    for moment in (WEEK1, WEEK2, datetime(2025, 1, 22)):
        take_snapshot(analysis(mini_catalog, OLD_ROWS, {"AAA": 100, "BBB": 20}), mini_catalog,
                      home=home, now=clock(moment))
    fig = charts_review.impact_trend(impact_trend(home))
    names = [t.name for t in fig.data]
    assert names == ["China ban", "Gulf boom", charts_review.TREND_EXPECTED]
    assert all(len(t.x) == 3 for t in fig.data)
