"""Look-through on a portfolio: direct vs indirect kept apart, funds = baskets, switch off = old
engine, and the CLI shapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exposure.evaluation.book import evaluate_book
from exposure.evaluation.result import BookEvaluation
from exposure.holdings.portfolio import parse_portfolio_yaml
from exposure.model.catalog import Catalog, load_catalog
from exposure.model.engine import ProfileSource
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.conftest import ROOT
from tests.lookthrough_data import fund_yaml, mini_with_lookthrough


def _portfolio(body: str):
    return parse_portfolio_yaml(f"name: T\nholdings:\n{body}")


def analyse_lookthrough(pf, cat: Catalog, ids=None, **kw) -> BookEvaluation:
    return evaluate_book(pf, cat, ids, lookthrough=True, **kw)


def lookthrough_table(res: BookEvaluation) -> pd.DataFrame:
    return pd.DataFrame(res.lookthrough_usd, index=list(res.profiles.symbols),
                        columns=list(res.evaluation.scenarios.ids))


@pytest.fixture
def lt_catalog(tmp_path: Path):
    funds = {"FND": fund_yaml("FND", {"AAA": 0.6, "BBB": 0.4}),
             "FOF": fund_yaml("FOF", {"FND": 0.5, "AAA": 0.5})}
    return load_catalog(mini_with_lookthrough(tmp_path, funds=funds), include_home=False)


def test_listed_holder_and_private_mark_keep_direct_and_indirect_apart(lt_catalog) -> None:
    pf = _portfolio("  - {symbol: BBB, market_value: 2000}\n"
                    "  - {symbol: labco, kind: private, market_value: 500}\n")
    res = analyse_lookthrough(pf, lt_catalog)
    row = res.entities.set_index("entity").loc["labco"]
    assert row["direct_usd"] == pytest.approx(500)
    # BBB owns 27% of labco (400) against its own 2000: 5.4% of each BBB dollar
    assert row["indirect_usd"] == pytest.approx(2000 * 0.27 * 400 / 2000)
    assert row["equity_usd"] == pytest.approx(row["indirect_usd"])
    assert [p["holder"] for p in row["paths"]] == ["BBB"]
    assert row["paths"][0]["kind"] == "equity"


def test_hand_computed_link_impact_on_the_mini_portfolio(lt_catalog) -> None:
    pf = _portfolio("  - {symbol: BBB, market_value: 2000}\n  - {symbol: AAA, market_value: 1000}\n")
    res = analyse_lookthrough(pf, lt_catalog, ["ban"])
    # labco under 'ban': rc = 1.0 * -0.5 = -0.5; k = 2 -> vc = -1.0
    # BBB: E = 0.27 * 400 / 2000 = 0.054 -> 0.054 * -1.0 * 2000 = -108
    # AAA: contract F = 100 / 500 = 0.2, k = 1.5, demand -0.5 -> 1.5*0.2*-0.5 = -0.15 -> -150
    table = lookthrough_table(res)
    assert table.loc["BBB", "ban"] == pytest.approx(-108)
    assert table.loc["AAA", "ban"] == pytest.approx(-150)
    plain = evaluate_book(pf, lt_catalog, ["ban"]).evaluation.impact_table()
    assert res.evaluation.impact_table().loc["AAA", "ban"] == pytest.approx(
        plain.loc["AAA", "ban"] - 150)


def test_switch_off_equals_the_old_engine_exactly(tmp_path: Path, lt_catalog) -> None:
    pf = parse_portfolio_yaml((ROOT / "tests/fixtures/mini_data/portfolio.yaml").read_bytes())
    bare = load_catalog(ROOT / "tests/fixtures/mini_data", include_home=False)
    with_links = evaluate_book(pf, lt_catalog).evaluation
    without = evaluate_book(pf, bare).evaluation
    for name in ("revenue_change", "value_change", "impact_usd", "portfolio_usd"):
        assert np.array_equal(getattr(with_links, name), getattr(without, name))
    # no links and no funds: the look-through evaluation is the plain one, bit for bit
    res = analyse_lookthrough(pf, bare)
    for name in ("revenue_change", "value_change", "impact_usd", "portfolio_usd"):
        assert np.array_equal(getattr(res.evaluation, name), getattr(without, name))
    assert res.evaluation.expected_impact_usd == without.expected_impact_usd
    assert not res.lookthrough_usd.any()


def test_fund_equals_the_basket_of_its_constituents(lt_catalog) -> None:
    fund = analyse_lookthrough(_portfolio("  - {symbol: FND, kind: fund, market_value: 1000}\n"),
                               lt_catalog)
    basket = analyse_lookthrough(_portfolio("  - {symbol: AAA, market_value: 600}\n"
                                            "  - {symbol: BBB, market_value: 400}\n"), lt_catalog)
    assert fund.evaluation.portfolio_usd == pytest.approx(basket.evaluation.portfolio_usd)
    assert fund.evaluation.profiles.profile_source[0] == ProfileSource.FUND_LOOKTHROUGH
    assert fund.funds.coverage == {"FND": pytest.approx(1.0)}
    assert fund.coverage == pytest.approx(1.0)
    ents = fund.entities.set_index("entity")
    assert ents.loc["AAA", "fund_usd"] == pytest.approx(600)
    assert ents.loc["labco", "equity_usd"] == pytest.approx(400 * 0.054)


def test_fund_inside_a_fund_resolves(lt_catalog) -> None:
    res = analyse_lookthrough(_portfolio("  - {symbol: FOF, kind: fund, market_value: 1000}\n"),
                              lt_catalog)
    assert res.funds.weights["FOF"] == pytest.approx({"AAA": 0.8, "BBB": 0.2})
    basket = analyse_lookthrough(_portfolio("  - {symbol: AAA, market_value: 800}\n"
                                            "  - {symbol: BBB, market_value: 200}\n"), lt_catalog)
    assert res.evaluation.portfolio_usd == pytest.approx(basket.evaluation.portfolio_usd)


def test_unprofiled_constituents_are_not_looked_through(tmp_path: Path) -> None:
    root = mini_with_lookthrough(tmp_path, funds={"MIX": fund_yaml("MIX", {"AAA": 0.5, "XYZ": 0.3})})
    cat = load_catalog(root, include_home=False)
    res = analyse_lookthrough(_portfolio("  - {symbol: MIX, kind: fund, segment: fund, "
                                         "market_value: 1000}\n"
                                         "  - {symbol: BBB, market_value: 1000}\n"), cat)
    assert res.funds.coverage["MIX"] == pytest.approx(0.5)
    assert res.coverage == pytest.approx((1000 * 0.5 + 1000) / 2000)
    assert res.coverage_direct == pytest.approx(0.5)


def test_waterfall_bars_sum_to_the_lookthrough_impact(lt_catalog) -> None:
    pf = _portfolio("  - {symbol: AAA, market_value: 1000}\n")
    res = analyse_lookthrough(pf, lt_catalog, ["ban"])
    bars = res.waterfall("AAA", "ban")
    assert bars["usd"].sum() == pytest.approx(res.evaluation.impact_usd[0, 0])
    assert bars.set_index("step").loc["look-through", "usd"] == pytest.approx(-150)


def test_sample_portfolio_reaches_labs_through_listed_stocks_and_nvidia_through_smh() -> None:
    cat = load_catalog(include_home=False)
    pf = parse_portfolio_yaml(SAMPLE_PORTFOLIO.read_bytes(), str(SAMPLE_PORTFOLIO))
    res = analyse_lookthrough(pf, cat)
    ents = res.entities.set_index("entity")
    for lab in ("anthropic", "openai", "CRWV"):
        assert ents.loc[lab, "equity_usd"] > 0
        assert all(p["usd"] > 0 for p in ents.loc[lab, "paths"] if p["kind"] == "equity")
    held = pf.holdings.set_index("symbol")["market_value"]
    expected = sum(held[f] * w for f in ("SMH", "SOXX") for c in cat.funds[f].constituents
                   if (w := c.weight) and c.symbol == "NVDA")
    assert expected > 0
    assert ents.loc["NVDA", "fund_usd"] == pytest.approx(expected, rel=0.05)
    assert 0 < res.coverage_direct < res.coverage <= 1
    second = analyse_lookthrough(pf, cat, second_order=True)
    assert len(second.paths) > len(res.paths)


def _run(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "EXPOSURE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "exposure.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


def test_cli_lookthrough_json_shape(home: Path) -> None:
    out = _run("lookthrough", "--portfolio", str(SAMPLE_PORTFOLIO), "--format", "json", home=home)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert 0 <= doc["coverage"] <= 1
    assert doc["entities"]
    for ent in doc["entities"]:
        assert {"entity", "direct_usd", "indirect_usd", "paths"} <= set(ent)
        for path in ent["paths"]:
            assert {"holder", "kind", "share", "usd"} <= set(path)
            assert path["kind"] in ("fund", "equity", "contract")
    labs = {e["entity"] for e in doc["entities"]}
    assert {"anthropic", "openai", "CRWV", "NVDA"} <= labs


def test_cli_evaluate_look_through_adds_a_column_only_when_asked(home: Path) -> None:
    plain = _run("evaluate", "--portfolio", str(SAMPLE_PORTFOLIO), "--format", "json", home=home)
    lt = _run("evaluate", "--portfolio", str(SAMPLE_PORTFOLIO), "--format", "json",
              "--look-through", home=home)
    assert plain.returncode == 0 and lt.returncode == 0, plain.stderr + lt.stderr
    rows_plain, rows_lt = json.loads(plain.stdout)["rows"], json.loads(lt.stdout)["rows"]
    assert "lookthrough_usd" not in rows_plain[0]
    assert all("lookthrough_usd" in r for r in rows_lt)
    assert any(r["lookthrough_usd"] for r in rows_lt)
    assert len(rows_plain) == len(rows_lt)
