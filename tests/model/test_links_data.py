"""The bundled links and funds: every entry validates, is sourced and dated; broken files give
one clear error naming the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from exposure.errors import DataFileError
from exposure.model.catalog import load_catalog
from exposure.model.linkfiles import company_value_usd
from exposure.workspace import DATA_DIR
from exposure.yamlio import read_yaml
from tests.lookthrough_data import LINKS, SRC, mini_with_lookthrough


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(include_home=False)


def test_every_link_validates_and_has_a_source(catalog) -> None:
    raw = read_yaml(DATA_DIR / "links.yaml")
    assert len(catalog.links) == len(raw) >= 15
    for link in catalog.links.values():
        assert link.source.startswith("http") and link.as_of and link.tier
        assert link.basis.strip() and link.confidence
        if link.measured_against is not None:
            assert link.measured_against.source.startswith("http")
        if link.estimate or link.confidence == "low":
            assert len(link.basis) > 20, f"{link.id}: an estimate explains itself"


def test_links_reach_the_labs_the_issue_names(catalog) -> None:
    pairs = {(link.holder, link.target, link.kind) for link in catalog.links.values()}
    for pair in [("MSFT", "openai", "equity"), ("AMZN", "anthropic", "equity"),
                 ("GOOGL", "anthropic", "equity"), ("NVDA", "openai", "equity"),
                 ("NVDA", "anthropic", "equity"), ("MSFT", "anthropic", "equity"),
                 ("NVDA", "CRWV", "equity"), ("AMZN", "openai", "equity"),
                 ("META", "scale_ai", "equity"), ("ASML", "mistral", "equity"),
                 ("ORCL", "openai", "contract"), ("AMD", "openai", "contract"),
                 ("CRWV", "MSFT", "contract"), ("CRWV", "openai", "contract"),
                 ("CBRS", "openai", "contract"), ("MSFT", "anthropic", "contract")]:
        assert pair in pairs, pair


def test_equity_holders_and_targets_have_a_sourced_value(catalog) -> None:
    for link in catalog.links.values():
        if link.kind == "equity":
            for cid in (link.holder, link.target):
                company = catalog.companies[cid]
                assert company_value_usd(company) is not None
                sourced = company.market_cap_usd if company.listed else company.valuation_usd
                assert sourced is not None and sourced.source.startswith("http")


def test_every_fund_is_sourced_dated_and_says_what_is_not_looked_through(catalog) -> None:
    assert {"SMH", "SOXX", "QQQ", "XLK", "BOTZ", "AIQ"} <= set(catalog.funds)
    for fund in catalog.funds.values():
        assert fund.source.startswith("http") and fund.as_of and fund.tier
        assert 0 < fund.listed_weight <= 1
        if fund.listed_weight < 0.999:
            assert any("not looked through" in n for n in fund.notes), fund.id


def test_link_to_unknown_entity_names_file_and_entry(tmp_path: Path) -> None:
    root = mini_with_lookthrough(tmp_path, links=LINKS.replace("target: labco, kind: equity",
                                                               "target: nolab, kind: equity"))
    with pytest.raises(DataFileError) as err:
        load_catalog(root, include_home=False)
    msg = str(err.value)
    assert "links.yaml" in msg and "'bbb_labco'" in msg and "nolab" in msg
    assert err.value.field == "target"


def test_equity_holder_without_market_value_is_an_error(tmp_path: Path) -> None:
    root = mini_with_lookthrough(tmp_path)
    comp = root / "companies.yaml"
    line = f"  market_cap_usd: {{value: 2000, {SRC}}}\n"
    assert line in comp.read_text()
    comp.write_text(comp.read_text().replace(line, ""))
    with pytest.raises(DataFileError) as err:
        load_catalog(root, include_home=False)
    assert "'bbb_labco'" in str(err.value) and "market_cap_usd" in str(err.value)


@pytest.mark.parametrize("bad, needle", [
    ("stake_pct: 27,", "stake_pct: 270,"),
    ("stake_pct: 27,", ""),
])
def test_bad_amounts_are_clear_errors(tmp_path: Path, bad: str, needle: str) -> None:
    root = mini_with_lookthrough(tmp_path, links=LINKS.replace(bad, needle))
    with pytest.raises(DataFileError) as err:
        load_catalog(root, include_home=False)
    assert "links.yaml" in str(err.value) and "'bbb_labco'" in str(err.value)
