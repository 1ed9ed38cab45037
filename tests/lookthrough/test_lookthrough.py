"""Look-through maths: hand-computed holder x lab cases, cycles, and invariants."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from exposure.lookthrough.maths import (
    build_link_matrix,
    coo_matmul,
    fund_profile,
    holder_lookthrough,
    lookthrough_value_change,
    target_drivers,
)
from exposure.model.schema import Link

SRC = {"source": "https://example.org/x", "as_of": date(2025, 1, 1), "tier": "primary",
       "confidence": "high", "basis": "test"}


def link(i: str, holder: str, target: str, **kw) -> Link:
    kind = "contract" if "contract_usd" in kw or "revenue_share_pct" in kw else "equity"
    return Link.model_validate({"id": i, "holder": holder, "target": target, "kind": kind, **SRC,
                                **kw})


# Two holders (H1 worth 1000, H2 worth 2000), two labs (L1 worth 100, L2 worth 400).
VALUES = {"H1": 1000.0, "H2": 2000.0, "L1": 100.0, "L2": 400.0}
TWO_BY_TWO = [
    link("a", "H1", "L1", stake_pct=50),      # E = 0.5 * 100 / 1000 = 0.05
    link("b", "H1", "L2", stake_pct=25),      # E = 0.25 * 400 / 1000 = 0.10
    link("c", "H2", "L2", stake_pct=10),      # E = 0.1 * 400 / 2000 = 0.02
    link("d", "H2", "L1", contract_usd=300, term_years=3,   # F = 100 / 500 = 0.2, k = 1.5
         measured_against={"kind": "revenue", "value": 500, **{k: SRC[k] for k in
                                                                ("source", "as_of", "tier")}}),
]


def test_hand_computed_two_holders_two_labs() -> None:
    lm = build_link_matrix(TWO_BY_TWO, VALUES, {"H1": 1.0, "H2": 1.5})
    assert lm.holders == ("H1", "H2") and lm.targets == ("L1", "L2")
    assert lm.equity == pytest.approx(np.array([[0.05, 0.10], [0.0, 0.02]]))
    assert lm.revenue_share == pytest.approx(np.array([[0.0, 0.0], [0.2, 0.0]]))
    vc = np.array([[-0.5], [0.2]])        # labs' value change in one scenario
    rc = np.array([[-0.25], [0.1]])       # labs' revenue (compute demand) change
    lt = holder_lookthrough(lm.combined(), target_drivers(rc, vc))
    # H1: 0.05 * -0.5 + 0.10 * 0.2 = -0.005;  H2: 0.02 * 0.2 + 1.5 * 0.2 * -0.25 = -0.071
    assert lt[:, 0] == pytest.approx([-0.005, -0.071])


def test_lookthrough_adds_to_direct_value_change_and_floors_at_minus_one() -> None:
    direct = np.array([[0.1, -0.95], [0.0, 0.0], [-0.2, 0.3]])
    holder_lt = np.array([[-0.05, -0.2]])
    out, lt = lookthrough_value_change(direct, np.array([0, -1, -1]), holder_lt)
    assert out[0] == pytest.approx([0.05, -1.0])
    assert np.array_equal(out[1:], direct[1:])
    assert np.array_equal(lt[1:], np.zeros((2, 2)))


def test_no_links_leaves_the_engine_result_bit_for_bit() -> None:
    rng = np.random.default_rng(1)
    direct = np.maximum(rng.normal(0, 0.5, (50, 7)), -1.0)
    out, lt = lookthrough_value_change(direct, np.full(50, -1), np.zeros((0, 7)))
    assert np.array_equal(out, direct) and not lt.any()


def test_cycle_terminates_and_counts_once() -> None:
    values = {"A": 100.0, "B": 100.0, "C": 100.0}
    links = [link("ab", "A", "B", stake_pct=10), link("ba", "B", "A", stake_pct=20),
             link("bc", "B", "C", stake_pct=50)]
    lm = build_link_matrix(links, values, {})
    vc = {"A": -0.1, "B": -0.3, "C": -0.4}
    d = target_drivers(np.zeros((3, 1)), np.array([[vc[t]] for t in lm.targets]))
    first = dict(zip(lm.holders, holder_lookthrough(lm.combined(False), d)[:, 0], strict=True))
    second = dict(zip(lm.holders, holder_lookthrough(lm.combined(True), d)[:, 0], strict=True))
    assert first["A"] == pytest.approx(0.1 * -0.3)                     # A -> B
    assert first["B"] == pytest.approx(0.2 * -0.1 + 0.5 * -0.4)        # B -> A, B -> C
    # second order adds A -> B -> C (0.1 * 0.5 * -0.4) but not A -> B -> A (a cycle)
    assert second["A"] == pytest.approx(-0.03 + 0.1 * 0.5 * -0.4)
    assert second["B"] == pytest.approx(first["B"])                    # B -> A -> B dropped


def test_second_order_equity_then_contract() -> None:
    # NVDA owns 10% of a lab (value 500 vs 1000 -> E = 0.05); AMD sells 40% of revenue to it.
    # Second order from a holder of NVDA's stake: NVDA -> lab (equity) only; the lab holds no
    # links. Give the lab a stake in AMD to reach AMD at second order.
    values = {"NVDA": 1000.0, "LAB": 500.0, "AMD": 200.0}
    links = [link("n", "NVDA", "LAB", stake_pct=10), link("w", "LAB", "AMD", stake_pct=9),
             link("c", "AMD", "LAB", revenue_share_pct=40)]
    lm = build_link_matrix(links, values, {"AMD": 2.0})
    d = target_drivers(np.array([[-0.5], [0.0]]), np.array([[-0.6], [-0.2]]))  # LAB, AMD
    lt = dict(zip(lm.holders, holder_lookthrough(lm.combined(True), d)[:, 0], strict=True))
    e_nl, e_la = 0.1 * 500 / 1000, 0.09 * 200 / 500
    assert lt["NVDA"] == pytest.approx(e_nl * -0.6 + e_nl * e_la * -0.2)
    # AMD -> LAB (contract only) has no second hop; LAB -> AMD -> LAB would be a cycle
    assert lt["AMD"] == pytest.approx(2.0 * 0.4 * -0.5)
    assert lt["LAB"] == pytest.approx(e_la * -0.2)


def test_contract_shares_of_one_holder_are_capped_at_all_revenue() -> None:
    links = [link("x", "S", "L1", revenue_share_pct=70), link("y", "S", "L2", revenue_share_pct=60)]
    lm = build_link_matrix(links, {"S": 1.0, "L1": 1.0, "L2": 1.0}, {})
    assert lm.revenue_share.sum() == pytest.approx(1.0)
    assert lm.scaled == ("S",)


def test_sparse_product_equals_dense() -> None:
    rng = np.random.default_rng(7)
    m = np.where(rng.random((40, 30)) < 0.1, rng.random((40, 30)), 0.0)
    d = rng.normal(size=(30, 5))
    rows, cols = np.nonzero(m)
    assert np.allclose(coo_matmul(rows, cols, m[rows, cols], d, 40), m @ d)


def test_fund_profile_is_the_weighted_basket_plus_default_for_the_rest() -> None:
    x = np.array([[0.2, 0.0], [0.0, 0.4], [0.9, 0.9]])
    k = np.array([1.5, 1.0, 2.0])
    looked = np.array([True, True, False])
    row, covered = fund_profile(np.array([0.5, 0.3, 0.1]), x, k, looked, np.array([0.1, 0.1]), 1.0)
    assert covered == pytest.approx(0.8)
    assert row == pytest.approx([0.5 * 1.5 * 0.2 + 0.2 * 0.1, 0.3 * 0.4 + 0.2 * 0.1])


def test_sparse_apply_equals_the_dense_formula_and_leaves_other_rows_alone() -> None:
    from exposure.lookthrough.maths import SparseLinks, apply_lookthrough

    rng = np.random.default_rng(3)
    h, s, t2 = 60, 6, 10
    holders = np.sort(rng.choice(h, 20, replace=False))
    m = np.where(rng.random((20, t2)) < 0.25, rng.uniform(0, 0.5, (20, t2)), 0.0)
    m[0] = 0.0
    m[1, :4] = 0.3  # one holder with many links
    d = rng.normal(0, 0.5, (t2, s))
    vc = np.maximum(rng.normal(0, 0.4, (h, s)), -1.0)
    mv = rng.uniform(1, 100, h)
    impact = vc * mv[:, None]
    links = SparseLinks.from_matrix(m, holding_of_row=holders)
    vc_lt, imp_lt, delta = apply_lookthrough(vc, impact, mv, links, d)
    full = np.zeros((h, s))
    full[holders] = m @ d
    expected = np.maximum(vc + full, -1.0)
    touched = np.zeros(h, bool)
    touched[links.holdings] = True
    assert np.allclose(vc_lt, expected)
    assert np.array_equal(vc_lt[~touched], vc[~touched])
    assert np.array_equal(imp_lt[~touched], impact[~touched])
    assert np.allclose(delta, (imp_lt - impact).sum(axis=0))
    assert links.nnz == np.count_nonzero(m)
