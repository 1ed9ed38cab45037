"""A book kept in euros reports its Overview KPIs in euros, converted at the dated rate the
valuation used; a base currency without a rate stays in USD and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from tests.apptest_util import errors, page

BOOK = ("name: Euro book\nbase_currency: {base}\nholdings:\n"
        "  - {{symbol: NVDA, quantity: 100}}\n  - {{symbol: ASML, quantity: 20}}\n")


def _overview(base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    st.cache_data.clear()
    st.cache_resource.clear()
    path = tmp_path / f"{base}.yaml"
    path.write_text(BOOK.format(base=base))
    monkeypatch.setenv("EXPOSURE_PORTFOLIO", str(path))
    at = page("app.py", timeout=60).run()
    assert not errors(at)
    kpi = next(m for m in at.metric if m.label == "Portfolio value")  # the Overview's, first
    return {"Portfolio value": kpi.value, "help": kpi.proto.help}


def _amount(text: str, sign: str) -> float:
    body = text.lstrip("-").removeprefix(sign)
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}.get(body[-1], 1.0)
    return float(body.rstrip("kMB").replace(",", "")) * scale


def test_euro_book_shows_euros_at_the_valuation_rate(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    usd = _overview("USD", tmp_path, monkeypatch)
    eur = _overview("EUR", tmp_path, monkeypatch)
    assert usd["Portfolio value"].startswith("$") and eur["Portfolio value"].startswith("€")
    assert "EUR per USD" in eur["help"] and "reference rate of 30 Oct 2026" in eur["help"]
    rate = float(eur["help"].split(" EUR per USD")[0].rsplit(" ", 1)[1].replace(",", ""))
    assert 0.5 < rate < 1.5
    assert _amount(eur["Portfolio value"], "€") == pytest.approx(
        _amount(usd["Portfolio value"], "$") * rate, rel=0.01)


def test_a_base_currency_without_a_rate_stays_in_usd(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    twd = _overview("TWD", tmp_path, monkeypatch)
    assert twd["Portfolio value"].startswith("$")
    assert "no TWD rate here, so USD" in twd["help"]
