"""The bundled data: validates, every number is sourced and dated, links resolve, coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exposure.evaluation.book import evaluate_book
from exposure.holdings.load import load_portfolio
from exposure.model.catalog import load_catalog
from exposure.model.schema import LAYER_OF_SEGMENT
from exposure.workspace import DATA_DIR, SAMPLE_PORTFOLIO
from exposure.yamlio import read_yaml


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(include_home=False)


def _numeric_leaves(node: Any, path: str = "") -> list[tuple[str, dict]]:
    """(path, parent mapping) of every number in a parsed YAML tree."""
    found: list[tuple[str, dict]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                found.append((f"{path}.{key}", node))
            else:
                found.extend(_numeric_leaves(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_numeric_leaves(value, f"{path}[{i}]"))
    return found


@pytest.mark.parametrize("name", ["companies.yaml", "channels.yaml", "reference_prices.yaml",
                                  "event_moves.yaml"])
def test_every_number_in_reference_files_has_source_and_date(name: str) -> None:
    raw = read_yaml(DATA_DIR / name)
    leaves = _numeric_leaves(raw)
    assert leaves, f"{name} has no numbers?"
    for path, parent in leaves:
        has_source = "source" in parent and str(parent["source"]).startswith("http")
        dated = "as_of" in parent or name == "event_moves.yaml"  # moves are dated by their event
        tier = parent.get("tier")
        assert tier in ("primary", "press", "secondary", "judgement", "estimated"), \
            f"{name}{path}: no tier"
        if tier in ("judgement", "estimated"):
            # our own numbers: the basis says how they were chosen / computed; a source is optional
            assert str(parent.get("basis") or "").strip(), f"{name}{path}: {tier} without basis"
            assert dated, f"{name}{path}: number without as_of"
        else:
            assert has_source and dated, f"{name}{path}: number without source/as_of"


def test_every_scenario_number_has_a_rationale_or_basis() -> None:
    for path in sorted((DATA_DIR / "scenarios").glob("*.yaml")):
        for leaf, parent in _numeric_leaves(read_yaml(path)):
            assert parent.get("rationale") or parent.get("basis"), f"{path.name}{leaf}"


def test_estimates_carry_a_basis(catalog) -> None:
    prov = catalog.provenance_frame()
    estimates = prov[prov["estimate"]]
    assert len(estimates) > 0
    assert (estimates["basis"].str.len() > 10).all()


def test_catalog_meets_the_coverage_requirements(catalog) -> None:
    assert len(catalog.companies) >= 30
    layers = {LAYER_OF_SEGMENT[c.segment] for c in catalog.companies.values()}
    assert {"Chips", "Cloud", "Model labs", "Startups", "China tech"} <= layers
    required = {"NVDA", "AMD", "AVGO", "TSM", "INTC", "MRVL", "SMCI", "ASML", "AMAT", "LRCX",
                "KLAC", "MU", "AMZN", "MSFT", "GOOGL", "ORCL", "META", "CRWV", "BABA", "BIDU",
                "0981.HK", "anthropic", "openai", "xai", "mistral", "databricks", "scale_ai",
                "groq"}
    assert required <= set(catalog.companies)
    assert len(catalog.scenarios) >= 8
    assert len(catalog.events) >= 25
    assert {c.id for c in catalog.channels} >= {
        "china_ai_sales", "china_semi_tools", "china_other_sales", "tier2_ai_sales",
        "overseas_ai_capacity", "compute_access", "model_weights_export", "china_supply_inputs"}


def test_private_companies_carry_a_sourced_valuation(catalog) -> None:
    private = [c for c in catalog.companies.values() if not c.listed]
    assert len(private) >= 6
    for company in private:
        assert company.valuation_usd is not None, company.id


def test_every_scenario_has_ranges_rationales_and_resolving_events(catalog) -> None:
    for scenario in catalog.scenarios.values():
        assert scenario.events, scenario.id
        for event_id in scenario.events:
            assert event_id in catalog.events
        assert scenario.shocks
        for shock in scenario.shocks.values():
            assert shock.low <= shock.base <= shock.high and shock.rationale.strip()
    total = sum(s.probability.value for s in catalog.scenarios.values())
    assert total <= 1.0 + 1e-9, "library probabilities should leave room for 'no change'"


def test_every_event_has_a_source_and_known_tickers(catalog) -> None:
    known = {c.ticker for c in catalog.companies.values() if c.ticker}
    for event in catalog.events.values():
        assert event.sources[0].url.startswith("http")
        unknown = set(event.tickers) - known
        assert not unknown, f"{event.id}: unknown tickers {unknown}"


def test_sample_portfolio_is_illustrative_and_spans_the_stack(catalog) -> None:
    portfolio = load_portfolio(SAMPLE_PORTFOLIO)
    assert portfolio.illustrative
    h = portfolio.holdings
    listed = h[h["kind"] != "private"]
    private = h[h["kind"] == "private"]
    assert len(listed) >= 20 and len(private) >= 3
    assert (private["market_value"] > 0).all() and (private["mark_basis"].str.len() > 0).all()


def test_sample_evaluates_with_segment_default_only_where_intended(catalog) -> None:
    result = evaluate_book(load_portfolio(SAMPLE_PORTFOLIO), catalog)
    assert sorted(result.defaulted) == ["SMH", "SOXX"]  # the funds, until fund look-through
    assert result.unvalued == []
    assert result.evaluation.total_value_usd > 0


def test_reference_prices_are_for_catalog_or_fund_tickers(catalog) -> None:
    known = {c.ticker for c in catalog.companies.values() if c.ticker} | {"SMH", "SOXX", "QQQ"}
    fx = {t for t in catalog.reference_prices if t.endswith("USD=X")}
    assert set(catalog.reference_prices) - fx <= known
    assert {"EURUSD=X", "HKDUSD=X", "JPYUSD=X", "GBPUSD=X"} <= fx


def test_data_readme_documents_every_file() -> None:
    readme = (DATA_DIR / "README.md").read_text()
    for path in Path(DATA_DIR).glob("*.yaml"):
        assert path.name in readme, f"{path.name} is not described in data/README.md"
