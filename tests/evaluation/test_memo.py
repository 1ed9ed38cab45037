"""Views of an evaluation are built once and handed out so that no caller can change them for
the next one (an evaluation is shared by every session)."""

from __future__ import annotations

import pytest

from exposure.evaluation.book import evaluate_book
from exposure.evaluation.summary import headline
from exposure.holdings.load import load_portfolio
from exposure.model import engine
from exposure.model.catalog import load_catalog
from exposure.workspace import SAMPLE_PORTFOLIO


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    return evaluate_book(load_portfolio(SAMPLE_PORTFOLIO), load_catalog(include_home=False),
                         lookthrough=True)


def test_frames_are_built_once_per_evaluation(book, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    fresh = evaluate_book(book.portfolio, load_catalog(include_home=False), lookthrough=True)
    calls = []
    real = engine.Evaluation.holding_frame

    def counting(self):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self)

    monkeypatch.setattr(engine.Evaluation, "holding_frame", counting)
    first = fresh.symbol_frame()
    fresh.holding_frame()
    second = fresh.symbol_frame()
    assert len(calls) == 1
    assert first.equals(second)


def test_a_caller_changing_a_frame_does_not_change_the_next_callers(book) -> None:  # type: ignore[no-untyped-def]
    frame = book.holding_frame()
    before = float(frame["impact_usd"].sum())
    frame.loc[frame.index[0], "impact_usd"] = 1e12
    frame["market_value_usd"] = 0.0
    frame["added"] = 1
    again = book.holding_frame()
    assert float(again["impact_usd"].sum()) == pytest.approx(before)
    assert float(again["market_value_usd"].sum()) > 0
    assert "added" not in again.columns
    sym = book.symbol_frame()
    sym.loc[:, "impact_usd"] = 0.0
    assert float(book.symbol_frame()["impact_usd"].sum()) == pytest.approx(before)


def test_the_headline_is_the_same_object_and_the_same_sentence(book) -> None:  # type: ignore[no-untyped-def]
    assert headline(book) is headline(book)
    assert headline(book).text == headline(book, drivers=3).text
    assert len(headline(book, drivers=1).drivers) <= 1
