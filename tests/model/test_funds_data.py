"""Fund files: self-reference and fund cycles are clear errors; workspace funds override."""

from __future__ import annotations

from pathlib import Path

import pytest

from exposure.errors import DataFileError
from exposure.lookthrough.maths import MAX_FUND_DEPTH, fund_weights
from exposure.model.catalog import load_catalog
from tests.lookthrough_data import fund_yaml, mini_with_lookthrough


def test_self_referencing_fund_file_gives_a_clear_error(tmp_path: Path) -> None:
    root = mini_with_lookthrough(tmp_path, funds={"SELF": fund_yaml("SELF", {"AAA": 0.5,
                                                                            "SELF": 0.5})})
    with pytest.raises(DataFileError) as err:
        load_catalog(root, include_home=False)
    msg = str(err.value)
    assert "SELF.yaml" in msg and "'SELF'" in msg and "itself" in msg


def test_funds_holding_each_other_give_a_clear_error(tmp_path: Path) -> None:
    root = mini_with_lookthrough(tmp_path, funds={"F1": fund_yaml("F1", {"F2": 0.5, "AAA": 0.5}),
                                                  "F2": fund_yaml("F2", {"F1": 0.5, "BBB": 0.5})})
    with pytest.raises(DataFileError) as err:
        load_catalog(root, include_home=False)
    assert "holds itself through other funds" in str(err.value)
    assert "F1 -> F2 -> F1" in str(err.value)


def test_weights_above_one_are_an_error(tmp_path: Path) -> None:
    root = mini_with_lookthrough(tmp_path, funds={"BIG": fund_yaml("BIG", {"AAA": 0.7, "BBB": 0.6})})
    with pytest.raises(DataFileError) as err:
        load_catalog(root, include_home=False)
    assert "BIG.yaml" in str(err.value) and "above 1" in str(err.value)


def test_workspace_fund_overrides_the_bundled_one(tmp_path: Path, home: Path) -> None:
    root = mini_with_lookthrough(tmp_path, funds={"FND": fund_yaml("FND", {"AAA": 0.6})})
    (home / "funds").mkdir(parents=True)
    (home / "funds" / "FND.yaml").write_text(fund_yaml("FND", {"BBB": 0.9}))
    cat = load_catalog(root, home=home)
    assert [c.symbol for c in cat.funds["FND"].constituents] == ["BBB"]
    assert cat.origin["fund:FND"] == "user"


def test_depth_guard_drops_weight_nested_too_deep() -> None:
    from exposure.model.schema import Fund

    def fund(i: int, sub: str) -> Fund:
        return Fund.model_validate({"id": f"F{i}", "name": "x", "issuer": "x",
                                    "source": "https://example.org", "as_of": "2026-01-01",
                                    "tier": "primary", "basis": "x",
                                    "constituents": [{"symbol": sub, "weight": 1.0}]})
    chain = {f"F{i}": fund(i, f"F{i + 1}") for i in range(MAX_FUND_DEPTH + 3)}
    assert fund_weights("F0", chain) == {}
    chain[f"F{MAX_FUND_DEPTH}"] = fund(MAX_FUND_DEPTH, "AAA")
    assert fund_weights("F0", chain) == {"AAA": 1.0}
