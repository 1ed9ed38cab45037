"""Elasticity calibration: recovers a planted k, says when an estimate is not informative,
regenerates the shipped file byte for byte, and the engine takes an estimate only by rule."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exposure.errors import DataFileError
from exposure.evidence.calibration import (
    calibration_file,
    calibration_yaml,
    fit_calibration,
    write_calibration,
)
from exposure.evidence.scorecard import (
    run_scorecard,
    scorecard_headline,
    scorecard_observations,
    scorecard_summary,
)
from exposure.model.catalog import load_catalog
from exposure.model.elasticity import choose_elasticity
from exposure.model.engine import resolve_profiles
from exposure.model.schema import CalibrationEstimate, CalibrationFile
from exposure.workspace import DATA_DIR

AS_OF = date(2026, 7, 31)


def synthetic_pairs(k: float, noise: float, *, events: int = 12, tickers: int = 6,
                    seed: int = 1) -> pd.DataFrame:
    """Pairs where car = k * x + noise; every ticker is in segment 'chips'."""
    rng = np.random.default_rng(seed)
    rows = []
    for e in range(events):
        for t in range(tickers):
            x = float(rng.uniform(-0.1, 0.1))
            rows.append({"event": f"e{e:02d}", "ticker": f"T{t}", "segment": "chips", "x": x,
                         "car": k * x + float(rng.normal(0, noise))})
    return pd.DataFrame(rows)


def estimate(value: float, low: float, high: float, n: int = 10) -> CalibrationEstimate:
    return CalibrationEstimate(value=value, ci95=(low, high), n_events=n, n_pairs=3 * n,
                               events=[f"e{i}" for i in range(n)], as_of=AS_OF, basis="test")


def test_a_planted_elasticity_is_recovered_with_an_informative_interval() -> None:
    cal = fit_calibration(synthetic_pairs(1.2, 0.002), as_of=AS_OF)
    chips = cal.segments["chips"]
    assert chips.value == pytest.approx(1.2, abs=0.05)
    assert chips.ci95[0] < 1.2 < chips.ci95[1]
    assert chips.informative
    assert chips.n_events == 12 and chips.n_pairs == 72
    assert set(cal.holdings) == {f"T{t}" for t in range(6)}


def test_noise_gives_an_estimate_that_is_not_used() -> None:
    chips = fit_calibration(synthetic_pairs(0.0, 0.05), as_of=AS_OF).segments["chips"]
    assert chips.ci95[0] < 0 < chips.ci95[1]
    assert not chips.informative


def test_pairs_the_model_predicts_no_move_for_carry_no_weight() -> None:
    pairs = synthetic_pairs(1.2, 0.002)
    zero = pairs.assign(x=0.0, car=0.5, ticker="Z")
    a = fit_calibration(pairs, as_of=AS_OF).segments["chips"]
    b = fit_calibration(pd.concat([pairs, zero]), as_of=AS_OF).segments["chips"]
    assert a == b


def test_too_few_events_give_no_estimate() -> None:
    assert fit_calibration(synthetic_pairs(1.0, 0.01, events=2), as_of=AS_OF).segments == {}
    few = fit_calibration(synthetic_pairs(1.0, 0.01, events=7), as_of=AS_OF)
    assert "chips" in few.segments and few.holdings == {}  # a holding needs 8 events


@pytest.mark.parametrize(("value", "low", "high", "used"), [
    (1.2, 0.8, 1.6, True),     # above 0 and narrower than the estimate
    (1.2, -0.1, 2.5, False),   # includes 0
    (1.2, 0.1, 1.9, False),    # wider than the estimate
    (6.0, 5.5, 6.5, False),    # outside the elasticity range
    (-1.0, -1.5, -0.5, False), # excludes 0 but negative: never a valuation elasticity
], ids=["informative", "includes-zero", "too-wide", "out-of-range", "negative"])
def test_the_rule_for_using_an_estimate(value: float, low: float, high: float, used: bool) -> None:
    assert estimate(value, low, high).informative is used


def test_precedence_holding_estimate_then_profile_then_segment_estimate_then_prior() -> None:
    good, bad = estimate(2.0, 1.5, 2.5), estimate(0.3, -0.2, 0.8)
    seg_good = estimate(1.8, 1.4, 2.2)
    c = choose_elasticity(segment_prior=1.3, profile_prior=1.1, segment_estimate=seg_good,
                          holding_estimate=good)
    assert (c.value, c.label) == (2.0, "estimate (holding)")
    c = choose_elasticity(segment_prior=1.3, profile_prior=1.1, segment_estimate=seg_good,
                          holding_estimate=bad)
    assert (c.value, c.label) == (1.1, "prior (profile)")
    c = choose_elasticity(segment_prior=1.3, segment_estimate=seg_good, holding_estimate=bad)
    assert (c.value, c.label) == (1.8, "estimate (segment)")
    c = choose_elasticity(segment_prior=1.3, segment_estimate=bad)
    assert (c.value, c.label, c.estimate) == (1.3, "prior (segment)", bad)
    assert choose_elasticity(segment_prior=None).value == 1.0


def test_the_shipped_calibration_file_regenerates_identically(tmp_path: Path) -> None:
    catalog, obs = scorecard_observations(DATA_DIR)
    summary = scorecard_summary(run_scorecard(obs, catalog))
    content = calibration_file(fit_calibration(obs.pairs, as_of=obs.last_day), obs, summary)
    out = write_calibration(tmp_path / "calibration.yaml", content)
    assert out.read_text() == (DATA_DIR / "calibration.yaml").read_text()
    assert catalog.calibration == content  # and the catalog loads exactly that
    assert catalog.calibration.scorecard.headline == scorecard_headline(
        run_scorecard(obs, catalog))


def calibrated_data(tmp_path: Path, segments: dict[str, CalibrationEstimate],
                    holdings: dict[str, CalibrationEstimate]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    content = CalibrationFile(method="m", window="w", benchmark="SPY", estimation="e",
                              interval="i", rule="r", price_source="p", as_of=AS_OF,
                              segments=segments, holdings=holdings)
    (data / "calibration.yaml").write_text(calibration_yaml(content))
    return data


def test_the_engine_uses_an_informative_estimate_and_the_prior_otherwise(tmp_path: Path) -> None:
    data = calibrated_data(tmp_path, {"chips": estimate(2.0, 1.6, 2.4),
                                      "equipment": estimate(0.4, -0.3, 1.1)},
                           {"NVDA": estimate(3.0, 2.5, 3.5), "AMD": estimate(0.2, -0.5, 0.9)})
    catalog = load_catalog(data, include_home=False)
    holdings = pd.DataFrame({"symbol": ["NVDA", "AMD", "AMAT", "NEWCHIP"],
                             "segment": ["", "", "", "chips"]})
    k = dict(zip(holdings["symbol"], resolve_profiles(holdings, catalog).elasticity, strict=True))
    assert k == {"NVDA": 3.0, "AMD": 2.0, "AMAT": 1.5, "NEWCHIP": 2.0}
    assert catalog.company_elasticity(catalog.companies["AMAT"]).label == "prior (segment)"
    assert catalog.segment_elasticity("chips").label == "estimate (segment)"  # type: ignore[union-attr]


def test_without_a_calibration_file_every_k_is_the_prior(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "calibration.yaml").unlink()
    catalog = load_catalog(data, include_home=False)
    assert catalog.calibration is None
    profiles = resolve_profiles(pd.DataFrame({"symbol": ["NVDA", "AMAT"]}), catalog)
    assert profiles.elasticity.tolist() == [1.3, 1.5]


def test_a_broken_calibration_file_names_the_file_and_field(tmp_path: Path) -> None:
    data = calibrated_data(tmp_path, {"chips": estimate(2.0, 1.6, 2.4)}, {})
    path = data / "calibration.yaml"
    path.write_text(path.read_text().replace("tier: estimated", "tier: press"))
    with pytest.raises(DataFileError, match=r"calibration.yaml.*segments\.chips\.tier"):
        load_catalog(data, include_home=False)
