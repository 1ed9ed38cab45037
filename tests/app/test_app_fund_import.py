"""AppTest: adding a fund from an issuer holdings file on the Portfolio page."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from exposure.model.catalog import load_catalog
from tests.apptest_util import errors, page
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _add_fund(data: bytes, ticker: str):  # type: ignore[no-untyped-def]
    at = page("pages/1_Portfolio.py").run()
    at.file_uploader(key="fund_file").set_value(("holdings.csv", data, "text/csv")).run()
    at.text_input(key="fund_ticker").input(ticker).run()
    at.button(key="fund_add").click().run()
    return at


def test_issuer_file_becomes_the_fund_used_for_look_through(home: Path) -> None:
    at = _add_fund((FIXTURES / "funds" / "vaneck_smh.csv").read_bytes(), "SMH")
    assert errors(at) == []
    assert any(s.value.startswith("SMH:") for s in at.success)
    catalog = load_catalog(home=home)
    assert catalog.origin["fund:SMH"] == "user"
    assert catalog.funds["SMH"].tier == "primary"  # an issuer file


def test_a_file_that_is_not_a_holdings_file_changes_nothing(home: Path) -> None:
    at = _add_fund(b"just,some\ntext,here\n", "SMH")
    assert any(e.value.startswith("Fund not added") for e in at.error)
    assert not (home / "funds").exists() or not any((home / "funds").iterdir())
    assert load_catalog(home=home).origin["fund:SMH"] == "bundled"


def test_a_file_of_another_fund_is_refused_naming_both(home: Path) -> None:
    at = _add_fund((FIXTURES / "funds" / "spdr_xlk.csv").read_bytes(), "SMH")
    message = next(e.value for e in at.error if e.value.startswith("Fund not added"))
    assert "XLK" in message and "SMH" in message
    assert load_catalog(home=home).origin["fund:SMH"] == "bundled"


def test_a_partial_file_is_added_with_a_loud_warning(home: Path) -> None:
    at = _add_fund((FIXTURES / "funds" / "invesco_qqq.csv").read_bytes(), "QQQ")
    assert any(s.value.startswith("QQQ:") for s in at.success)
    assert any("sum to only 44" in w.value.replace("\\", "") for w in at.warning)
