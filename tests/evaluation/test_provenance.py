"""Provenance weighted by impact: hand-checkable weights on a tiny catalog, agreement with the
engine's own contributions, look-through terms, stale inputs and the one-line headline."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exposure.evaluation.book import evaluate_book
from exposure.evaluation.provenance import (
    KINDS,
    book_provenance,
    provenance_headline,
    weighted_provenance,
)
from exposure.holdings.load import load_portfolio
from exposure.holdings.portfolio import Portfolio, normalise_holdings
from exposure.model.catalog import load_catalog
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.conftest import MINI_DATA

TIERED = "tier: judgement, as_of: 2026-12-01, basis: chosen here"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """mini_data with tiered scenarios, AAA's China exposure from the press, the cloud
    elasticity a judgement, an AAA stake in labco and a fund FFF half in AAA."""
    data = tmp_path / "data"
    shutil.copytree(MINI_DATA, data)
    for path in (data / "scenarios").glob("*.yaml"):
        text = path.read_text().replace("rationale: test}", f"rationale: test, {TIERED}}}")
        path.write_text(text.replace("basis: test}", f"basis: test, {TIERED.split(', basis')[0]}}}"))
    comp = (data / "companies.yaml").read_text()
    comp = comp.replace(
        "china_ai_sales: {value: 0.2, source: https://example.org/fact, as_of: 2025-01-01, tier: primary}",
        "china_ai_sales: {value: 0.2, source: https://example.org/press, as_of: 2026-06-01, tier: press}")
    comp = comp.replace("  segment: chips\n  elasticity:", "  segment: chips\n  market_cap_usd: "
                        "{value: 1000000000.0, source: https://example.org/cap, as_of: 2026-01-01, "
                        "tier: primary}\n  elasticity:", 1)
    comp = comp.replace("  listed: false\n  segment: chips\n", "  listed: false\n  segment: chips\n"
                        "  valuation_usd: {value: 2000000000.0, source: https://example.org/round, "
                        "as_of: 2026-01-01, tier: press}\n")
    (data / "companies.yaml").write_text(comp)
    ch = (data / "channels.yaml").read_text().replace(
        "    label: Cloud\n    elasticity: {value: 1.0, source: https://example.org/fact, as_of: "
        "2025-01-01, tier: primary,",
        "    label: Cloud\n    elasticity: {value: 1.0, as_of: 2026-12-01, tier: judgement,")
    (data / "channels.yaml").write_text(ch)
    (data / "links.yaml").write_text(
        "- {id: aaa_labco, holder: AAA, target: labco, kind: equity, stake_pct: 10, "
        "as_of: 2026-03-01, source: https://example.org/stake, tier: press, confidence: high, "
        "basis: reported stake}\n")
    (data / "funds").mkdir()
    (data / "funds" / "FFF.yaml").write_text(
        "id: FFF\nname: F fund\nissuer: F\nsource: https://example.org/holdings\n"
        "as_of: 2026-05-01\ntier: secondary\nbasis: top holdings\n"
        "constituents:\n  - {symbol: AAA, weight: 0.5}\n")
    return data


def _book(rows: list[dict]) -> Portfolio:
    return Portfolio("t", normalise_holdings(pd.DataFrame(rows)), as_of=date(2026, 11, 20))


def _weighted(data: Path, rows: list[dict], **kw) -> tuple:  # type: ignore[no-untyped-def]
    catalog = load_catalog(data, include_home=False)
    return book_provenance(_book(rows), catalog, **kw), catalog


def test_hand_checked_direct_terms(tiny: Path) -> None:
    # terms |k e x v|: AAA ban 1.5*0.2*0.5*1000 = 150, AAA boom 1.5*0.1*0.4*1000 = 60,
    # BBB ban 1.0*0.4*0.1*2000 = 80 (BBB has no links and no fund): gross 290
    result, _ = _weighted(tiny, [{"symbol": "AAA", "market_value": 1000},
                                 {"symbol": "BBB", "market_value": 2000}], lookthrough=False)
    w = result.weighted
    assert result.gross_usd == pytest.approx(290)
    assert w["exposure"]["press"] == pytest.approx(150 / 290)
    assert w["exposure"]["primary"] == pytest.approx(140 / 290)
    assert w["elasticity"]["primary"] == pytest.approx(210 / 290)
    assert w["elasticity"]["judgement"] == pytest.approx(80 / 290)
    assert w["shock"]["judgement"] == pytest.approx(1.0)
    assert w["price"] == {"primary": 0, "press": 0, "secondary": 0, "judgement": 0,
                          "estimated": 0, "stated": 1.0}
    assert w["probability"]["judgement"] == pytest.approx(1.0)
    # "all": each term split four ways (k, e, x, price)
    assert w["all"]["primary"] == pytest.approx(87.5 / 290)
    assert w["all"]["press"] == pytest.approx(37.5 / 290)
    assert w["all"]["judgement"] == pytest.approx(92.5 / 290)
    assert w["all"]["stated"] == pytest.approx(72.5 / 290)
    assert w["stake"] == {} and w["fund_weight"] == {} and w["contract"] == {}


def test_a_stake_is_weighted_as_the_engine_counts_it(tiny: Path) -> None:
    # E = 10% x 2e9 / 1e9 = 0.2; labco: k 2.0 (chips default), e 1.0 -> ban term 0.2*2*1*0.5*1000
    rows = [{"symbol": "AAA", "market_value": 1000}]
    result, catalog = _weighted(tiny, rows)
    assert result.weighted["stake"] == pytest.approx(
        {"primary": 0, "press": 1.0, "secondary": 0, "judgement": 0, "estimated": 0, "stated": 0})
    stake = result.inputs[result.inputs["kind"] == "stake"]
    assert stake["weight_usd"].tolist() == pytest.approx([200.0])
    engine = evaluate_book(_book(rows), catalog, lookthrough=True)
    assert np.abs(engine.link_lookthrough_usd).sum() == pytest.approx(200.0)
    assert result.gross_usd == pytest.approx(150 + 60 + 200)


def test_a_fund_is_looked_through_to_its_weights(tiny: Path) -> None:
    rows = [{"symbol": "FFF", "kind": "fund", "market_value": 1000}]
    on, _ = _weighted(tiny, rows)
    # half in AAA: 0.5 x (150 + 60) direct, plus AAA's stake 0.5 x 200
    assert on.gross_usd == pytest.approx(0.5 * (150 + 60) + 0.5 * 200)
    assert on.weighted["fund_weight"]["secondary"] == pytest.approx(1.0)
    assert on.weighted["stake"]["press"] == pytest.approx(1.0)
    off, _ = _weighted(tiny, rows, lookthrough=False)
    assert off.gross_usd == 0 and off.weighted["fund_weight"] == {}  # no fund segment default


def test_every_map_sums_to_one_on_the_sample_book() -> None:
    catalog = load_catalog(include_home=False)
    result = book_provenance(load_portfolio(SAMPLE_PORTFOLIO), catalog)
    assert set(result.weighted) == {"all", *KINDS}
    for kind, shares in result.weighted.items():
        assert sum(shares.values()) == pytest.approx(1.0), kind
        assert set(shares) <= {"primary", "press", "secondary", "judgement", "estimated",
                               "stated", "untiered"}
    shares = result.inputs.groupby("kind")["share"].sum()
    for kind in ("exposure", "elasticity", "shock", "price", "probability"):  # in every term
        assert shares[kind] == pytest.approx(1.0), kind
    for kind in ("stake", "contract", "fund_weight"):  # only in look-through terms
        assert 0 < shares[kind] < 1, kind


def test_without_lookthrough_the_gross_is_the_engines_absolute_contributions() -> None:
    catalog = load_catalog(include_home=False)
    book = load_portfolio(SAMPLE_PORTFOLIO)
    ev = evaluate_book(book, catalog).evaluation
    expected = sum(np.abs(ev.contributions(s)).sum() for s in ev.scenarios.ids)
    assert book_provenance(book, catalog, lookthrough=False).gross_usd == pytest.approx(expected)


def test_stale_inputs_are_those_still_used(tiny: Path) -> None:
    rows = [{"symbol": "AAA", "market_value": 1000}]
    result, _ = _weighted(tiny, rows, today=date(2026, 12, 2))
    stale = {(s["subject"], s["field"]) for s in result.stale}
    # dated 2025-01-01: AAA's tier-2 share and elasticity, labco's exposure and the chips
    # default elasticity labco is valued with (through AAA's stake)
    assert stale == {("AAA", "exposure.tier2_ai_sales"), ("AAA", "elasticity"),
                     ("labco", "exposure.china_ai_sales"), ("segment:chips", "elasticity")}
    assert all(s["as_of"] == date(2025, 1, 1) for s in result.stale)
    assert ("BBB", "exposure.compute_access") not in stale  # old, but BBB is not in this book
    assert _weighted(tiny, rows, today=date(2026, 3, 31))[0].stale == []


def test_live_and_reference_prices_carry_their_tier(tiny: Path) -> None:
    catalog = load_catalog(tiny, include_home=False)
    valued = pd.DataFrame({"symbol": ["AAA", "BBB"], "segment": ["", ""],
                           "market_value_usd": [1000.0, 2000.0],
                           "price_source": ["live", "private mark"],
                           "price_as_of": [date(2026, 12, 1), None]})
    w = weighted_provenance(valued, catalog, lookthrough=False).weighted
    assert w["price"]["secondary"] == pytest.approx(210 / 290)
    assert w["price"]["stated"] == pytest.approx(80 / 290)


def test_untiered_shocks_are_reported_as_such() -> None:
    catalog = load_catalog(MINI_DATA, include_home=False)
    result = book_provenance(load_portfolio(MINI_DATA / "portfolio.yaml"), catalog)
    assert result.weighted["shock"] == pytest.approx({"primary": 0, "press": 0, "secondary": 0,
                                                      "judgement": 0, "estimated": 0,
                                                      "stated": 0, "untiered": 1.0})


def test_headline_names_filings_judgement_and_stated_values() -> None:
    weighted = {
        "all": {"primary": 0.30, "press": 0.32, "secondary": 0.0, "judgement": 0.25,
                "estimated": 0.06, "stated": 0.07},
        "elasticity": {"judgement": 1.0}, "shock": {"judgement": 1.0},
        "exposure": {"primary": 0.5, "press": 0.5}, "probability": {"judgement": 1.0},
    }
    assert provenance_headline(weighted) == (
        "62% of this book's result rests on filings and press, 31% on our judgement "
        "(elasticities, shocks), 7% on stated values")


def test_headline_percentages_add_up_to_100() -> None:
    weighted = {"all": {"primary": 1 / 3, "secondary": 1 / 3, "judgement": 1 / 3}}
    line = provenance_headline(weighted)
    numbers = [int(part.split("%")[0].split()[-1]) for part in line.split(", ")]
    assert sum(numbers) == 100
    assert provenance_headline({"all": {}}).startswith("Nothing in this book moves")
