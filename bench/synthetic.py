"""Deterministic synthetic books for the benchmarks (``np.random.default_rng(seed)``)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exposure.model.engine import ProfileMatrix, ScenarioSet  # noqa: E402


def synthetic_book(
    holdings: int, scenarios: int, channels: int, *, seed: int = 42,
    k_range: tuple[float, float] = (0.8, 1.6),
) -> tuple[ProfileMatrix, np.ndarray, ScenarioSet, np.random.Generator]:
    """Profiles, market values and a scenario set of the given size, plus the generator (so a
    benchmark can keep drawing from the same deterministic sequence).

    Exposures U(0, 0.3); elasticity U(k_range); values U($1k, $1M); shocks with
    low <= base <= high in [-1, 1]; probabilities summing to 0.8.
    """
    rng = np.random.default_rng(seed)
    e = rng.uniform(0, 0.3, (holdings, channels))
    k = rng.uniform(*k_range, holdings)
    mv = rng.uniform(1e3, 1e6, holdings)
    low = rng.uniform(-1, -0.2, (scenarios, channels))
    base = low + rng.uniform(0, 0.4, (scenarios, channels))
    high = np.minimum(base + rng.uniform(0, 0.4, (scenarios, channels)), 1.0)
    p = rng.dirichlet(np.ones(scenarios)) * 0.8
    channel_ids = tuple(f"c{i}" for i in range(channels))
    syms = np.array([f"H{i}" for i in range(holdings)], dtype=object)
    profiles = ProfileMatrix(
        symbols=syms, names=syms, segments=np.array(["chips"] * holdings, dtype=object),
        layers=np.array(["Chips"] * holdings, dtype=object),
        profile_source=np.array(["profile"] * holdings, dtype=object),
        exposures=e, elasticity=k, channel_ids=channel_ids,
    )
    scenario_set = ScenarioSet(
        ids=tuple(f"s{i}" for i in range(scenarios)),
        titles=tuple(f"S{i}" for i in range(scenarios)),
        probabilities=p, low=low, base=base, high=high, channel_ids=channel_ids,
    )
    return profiles, mv, scenario_set, rng
