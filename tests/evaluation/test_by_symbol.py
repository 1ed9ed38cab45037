"""One row per symbol x scenario: a book whose symbols are all distinct (the fast path) gives
the same rows as the same positions split across two accounts (the group-by path)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from exposure.evaluation.result import by_symbol


def _frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "symbol": [f"S{i}" for i in range(n)] * 2, "name": ["Name"] * 2 * n,
        "segment": ["chips"] * 2 * n, "scenario": ["a"] * n + ["b"] * n,
        "market_value_usd": rng.choice([0.0, 1.0, 5.5], 2 * n),
        "impact_usd": rng.normal(size=2 * n), "value_change": rng.normal(size=2 * n),
        "revenue_change": rng.normal(size=2 * n)})


def test_distinct_symbols_match_the_same_book_split_across_accounts() -> None:
    whole = _frame()
    halves = whole.assign(market_value_usd=whole["market_value_usd"] / 2,
                          impact_usd=whole["impact_usd"] / 2)
    fast = by_symbol(whole)
    grouped = by_symbol(pd.concat([halves, halves], ignore_index=True))
    order = fast.set_index(["symbol", "scenario"]).index
    grouped = grouped.set_index(["symbol", "scenario"]).loc[order].reset_index()
    pd.testing.assert_frame_equal(fast, grouped[fast.columns], check_dtype=False)
    unheld = fast["market_value_usd"] == 0
    assert unheld.any() and (fast.loc[unheld, "value_change"] == 0).all()
