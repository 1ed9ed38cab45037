"""Look-through maths: hand-computed holder x lab cases, cycles, and invariants."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from exposure.lookthrough.maths import build_link_matrix, fund_profile
from exposure.model.engine import LinkOperator, value_changes
from exposure.model.schema import Link
from exposure.model.sparse import SparseLinks


def target_drivers(rc: np.ndarray, vc: np.ndarray) -> np.ndarray:
    """``D = [vc ; max(rc, -1)]`` from given target changes (the engine derives them from
    the targets' profiles; here they are set by hand)."""
    return np.vstack([vc, np.maximum(rc, -1.0)])


def holder_lookthrough(matrix: np.ndarray, drivers: np.ndarray) -> np.ndarray:
    return matrix @ drivers


def operator_for(matrix: np.ndarray, holdings: np.ndarray, t_exposures: np.ndarray,
                 t_k: np.ndarray) -> LinkOperator:
    return LinkOperator((12,), (SparseLinks.from_matrix(matrix, holdings),), t_exposures, t_k)

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
    # three holdings, one channel; holding 0 holds a lab (one target, exposure 1, k = 1)
    e = np.array([[1.0], [0.0], [0.5]])
    k = np.array([1.0, 1.0, 2.0])
    x = np.array([[0.1], [-0.95]])            # two scenarios
    op = operator_for(np.array([[0.5, 0.0]]), np.array([0]), np.array([[1.0]]), np.array([1.0]))
    rc, vc, lt = value_changes(e, k, x, op)
    # holding 0: direct k*e*x = 0.1 / -0.95; look-through 0.5 * lab's vc (0.1 / -0.95)
    assert vc[0] == pytest.approx([0.15, -1.0])
    assert lt[0] == pytest.approx([0.05, -0.475])
    _, plain, none = value_changes(e, k, x)
    assert np.array_equal(vc[1:], plain[1:]) and none is None
    assert np.array_equal(lt[1:], np.zeros((2, 2)))


def test_no_links_leaves_the_engine_result_bit_for_bit() -> None:
    rng = np.random.default_rng(1)
    e, k = rng.uniform(0, 1, (50, 8)), rng.uniform(0.5, 2, 50)
    x = rng.uniform(-1, 1, (7, 8))
    empty = LinkOperator((12,), (SparseLinks.from_matrix(np.zeros((0, 4)), np.zeros(0, int)),),
                         np.zeros((2, 8)), np.ones(2))
    _, with_op, lt = value_changes(e, k, x, empty)
    _, without, _ = value_changes(e, k, x)
    assert np.array_equal(with_op, without) and not lt.any()


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
    links = SparseLinks.from_matrix(m)
    dense = m @ d
    assert np.allclose(links.product(d), dense[links.holdings])
    assert not dense[np.setdiff1d(np.arange(40), links.holdings)].any()


def test_fund_profile_is_the_weighted_basket_plus_default_for_the_rest() -> None:
    x = np.array([[0.2, 0.0], [0.0, 0.4], [0.9, 0.9]])
    k = np.array([1.5, 1.0, 2.0])
    looked = np.array([True, True, False])
    row, covered = fund_profile(np.array([0.5, 0.3, 0.1]), x, k, looked, np.array([0.1, 0.1]), 1.0)
    assert covered == pytest.approx(0.8)
    assert row == pytest.approx([0.5 * 1.5 * 0.2 + 0.2 * 0.1, 0.3 * 0.4 + 0.2 * 0.1])


def test_sparse_step_equals_the_dense_formula_and_leaves_other_rows_alone() -> None:
    rng = np.random.default_rng(3)
    h, s, c, t = 60, 6, 8, 5
    holders = np.sort(rng.choice(h, 20, replace=False))
    m = np.where(rng.random((20, 2 * t)) < 0.25, rng.uniform(0, 0.5, (20, 2 * t)), 0.0)
    m[0] = 0.0
    m[1, :4] = 0.3  # one holder with many links
    e, k = rng.uniform(0, 1, (h, c)), rng.uniform(0.5, 2, h)
    te, tk = rng.uniform(0, 1, (t, c)), rng.uniform(0.5, 2, t)
    x = rng.uniform(-1, 1, (s, c))
    op = operator_for(m, holders, te, tk)
    _, vc_lt, _ = value_changes(e, k, x, op)
    _, vc, _ = value_changes(e, k, x)
    trc = te @ x.T
    d = np.vstack([np.maximum(tk[:, None] * trc, -1), np.maximum(trc, -1)])
    full = np.zeros((h, s))
    full[holders] = m @ d
    touched = np.zeros(h, bool)
    touched[op.holdings] = True
    assert np.allclose(vc_lt, np.maximum(vc + full, -1.0))
    assert np.array_equal(vc_lt[~touched], vc[~touched])
    assert op.links[0].nnz == np.count_nonzero(m)


def test_a_contract_counts_only_for_the_part_of_the_horizon_it_delivers() -> None:
    ma = {"kind": "revenue", "value": 100, **{k: SRC[k] for k in ("source", "as_of", "tier")}}
    today = date(2026, 12, 1)
    starts_in_a_year = link("late", "S", "L", contract_usd=100, term_years=2, measured_against=ma,
                            start_date=date(2027, 12, 1))
    running = link("now", "S2", "L", contract_usd=100, term_years=2, measured_against=ma,
                   start_date=date(2026, 6, 1))
    lm = build_link_matrix([starts_in_a_year, running], {"S": 1, "S2": 1, "L": 1}, {})
    assert lm.revenue_share == pytest.approx(np.array([[0.5], [0.5]]))   # 50/yr of 100
    twelve = lm.active_revenue_share(12, today)
    assert twelve[0, 0] == pytest.approx(0.0)          # not yet delivering
    assert twelve[1, 0] == pytest.approx(0.5)          # delivering all year
    two_years = lm.active_revenue_share(24, today)
    assert two_years[0, 0] == pytest.approx(0.25, abs=0.01)  # second year only
    assert two_years[1, 0] == pytest.approx(0.5 * 18 / 24, abs=0.01)  # ends 2028-06
