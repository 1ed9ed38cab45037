"""Uncertainty (DESIGN.md 4): Monte Carlo over scenario ranges, VaR / expected shortfall,
contributions to expected shortfall, and a one-at-a-time sensitivity tornado.

Pure and vectorised; the only state is the seeded generator ``np.random.default_rng(seed)``.

**Draws.** For draw ``d`` (``d = 0 .. N-1``) two kinds of uniform number are used, taken
from one generator in draw order (one row of ``1 + C`` uniforms per draw), so the result
does not depend on how the draws are chunked:

```
u0[d]            -> which scenario happens: s[d] = first s with u0 < cumsum(p)[s];
                    u0 >= sum(p) is "no policy change" (every shock 0)
u[d, c]          -> shock x[d, c] ~ Triangular(low[s,c], base[s,c], high[s,c]) by the
                    inverse CDF:  F = (base - low) / (high - low)
                    x = low  + sqrt(u * (high - low) * (base - low))         if u < F
                    x = high - sqrt((1 - u) * (high - low) * (high - base))  otherwise
                    (a zero-width range low == base == high gives exactly base)
```

``p`` are :func:`exposure.model.engine.effective_probabilities` (normalised when they sum above 1).

**Evaluation** per draw is the engine's one formula (:func:`exposure.model.engine.value_changes`,
with the book's look-through step when it is on; each draw uses the contract horizon of the
scenario drawn):

```
value_change[d,h] = max(k[h] * sum_c e[h,c] * x[d,c], -1)   (+ look-through, floored again)
pnl[d]            = sum_h value_change[d,h] * market_value[h]          (USD, gains positive)
```

One small (T x C) @ (C x H) product per tile of T draws (:func:`tile_draws`, about
``TILE_CELLS`` draw x holding cells); nothing of shape draws x holdings x channels is ever
built. T depends on H only and tiles are aligned to the draw index, so BLAS sees the same
shapes whatever the ``chunk``: chunked and unchunked runs agree bit for bit. Small tiles
also stay cache-resident and below OpenBLAS's multithreading threshold (threads only add
contention for a K = 8 product).

**Risk measures** (USD, LOSSES POSITIVE): with losses ``L = -pnl`` and confidence ``a``,
the tail is the ``m = ceil((1 - a) * N)`` worst draws (ties broken by draw order):

```
VaR_a = m-th largest loss  = -quantile(pnl, 1 - a, method="inverted_cdf")
ES_a  = mean loss over the m tail draws  (>= VaR_a by construction)
contribution_h = -mean over the tail draws of value_change[d,h] * market_value[h]
sum_h contribution_h = ES_95
```

A negative VaR means even the tail draws gain money.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from exposure.errors import ExposureError
from exposure.model.engine import (
    DEFAULT_HORIZON_MONTHS,
    LinkOperator,
    ProfileMatrix,
    ScenarioSet,
    effective_probabilities,
    value_changes,
)

MAX_DRAWS = 2_000_000
"""Upper bound on draws (memory: the drawn shocks are kept, draws x channels floats)."""

CHUNK_DRAWS = 65_536
"""Default draws per block of random numbers (about 5 MB per block with 8 channels)."""

TILE_CELLS = 32_768
"""Target draw x holding cells per holdings product (256 KB of float64)."""

NO_CHANGE = "no change"
"""Key in :attr:`RiskResult.scenario_counts` for draws where no scenario happens."""

PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)


class SimulationInputError(ExposureError):
    """Simulation inputs cannot be used (draw count, chunk size, shapes, shock ranges)."""


@dataclass(frozen=True)
class RiskResult:
    """Distribution of the portfolio's USD value change over ``draws`` Monte Carlo draws.

    ``pnl`` has gains positive; ``var_*``, ``es_*`` and ``contributions_es_95`` have
    LOSSES POSITIVE (see the module docstring for the definitions).
    """

    pnl: np.ndarray
    """(draws,) portfolio value change in USD per draw (gains positive)."""
    scenario_of_draw: np.ndarray
    """(draws,) index into the scenario set of the scenario drawn; -1 = no change."""
    percentiles: dict[str, float]
    """``p1`` .. ``p99`` of ``pnl`` (USD, gains positive; linear interpolation)."""
    var_95: float
    es_95: float
    var_99: float
    es_99: float
    contributions_es_95: np.ndarray
    """(H,) each holding's mean loss (USD, positive = loss) in the 95% tail draws."""
    scenario_counts: dict[str, int]
    """Draws per scenario id, plus :data:`NO_CHANGE`."""
    scenario_means: dict[str, float]
    """Mean portfolio change (USD) over the draws of each scenario (NaN if never drawn); with
    zero-width shock ranges it is exactly that scenario's impact in the evaluation."""
    draws: int
    seed: int
    mean_usd: float
    """Mean of ``pnl`` (gains positive)."""
    probabilities_normalised: bool
    tornado: pd.DataFrame = field(repr=False)
    """:func:`tornado` for every scenario in the set."""


# ---- validation ---------------------------------------------------------------------------

def check_draws(draws: int) -> int:
    """``draws`` as an int in ``[1, MAX_DRAWS]``, else :class:`SimulationInputError`."""
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer):
        raise SimulationInputError(f"draws must be a whole number, got {draws!r}")
    if not 1 <= int(draws) <= MAX_DRAWS:
        raise SimulationInputError(f"draws must be between 1 and {MAX_DRAWS:,}, got {draws:,}")
    return int(draws)


def _check_inputs(profiles: ProfileMatrix, market_value: np.ndarray,
                  scenarios: ScenarioSet) -> None:
    if tuple(profiles.channel_ids) != tuple(scenarios.channel_ids):
        raise SimulationInputError("profiles and scenarios use different channel orders")
    if market_value.shape != (len(profiles),):
        raise SimulationInputError(
            f"market_value has shape {market_value.shape}, expected ({len(profiles)},)")
    p = np.asarray(scenarios.probabilities, dtype=float)
    if not (np.isfinite(p).all() and (p >= 0).all()):
        raise SimulationInputError("scenario probabilities must be finite and >= 0")
    bad = ~((scenarios.low <= scenarios.base) & (scenarios.base <= scenarios.high))
    if bad.any():
        s, c = np.argwhere(bad)[0]
        raise SimulationInputError(
            f"scenario {scenarios.ids[s]!r}, channel {scenarios.channel_ids[c]!r}: "
            "shocks must satisfy low <= base <= high")


# ---- the pieces ---------------------------------------------------------------------------

def pick_scenarios(u0: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Scenario index per uniform ``u0``: first ``s`` with ``u0 < cumsum(p)[s]``, else -1.

    ``probabilities`` are as used (already normalised if they summed above 1); when they sum
    to 1 (within 1e-9) the last cumulative weight is set to exactly 1 so rounding never
    produces a spurious "no change".
    """
    cum = np.cumsum(probabilities)
    if len(cum) and abs(cum[-1] - 1.0) <= 1e-9:
        cum[-1] = 1.0
    idx = np.searchsorted(cum, u0, side="right")
    return np.where(idx >= len(cum), -1, idx)


def triangular_shocks(u: np.ndarray, low: np.ndarray, base: np.ndarray,
                      high: np.ndarray) -> np.ndarray:
    """Inverse-CDF triangular draws, elementwise (all arrays broadcast together).

    ``F = (base-low)/(high-low)``; ``low + sqrt(u (high-low)(base-low))`` for ``u < F``, else
    ``high - sqrt((1-u)(high-low)(high-base))``. Zero width returns ``base`` exactly.
    """
    width = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        mode_at = np.where(width > 0, (base - low) / np.where(width > 0, width, 1.0), 0.0)
    left = low + np.sqrt(u * width * (base - low))
    right = high - np.sqrt((1.0 - u) * width * (high - base))
    return np.where(u < mode_at, left, right)


def _draw_chunk(rng: np.random.Generator, n: int, p: np.ndarray, low: np.ndarray,
                base: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scenario index (n,), shocks (n, C)) for the next ``n`` draws of ``rng``.

    ``low``/``base``/``high`` carry an extra last row of zeros for "no change" (index -1).
    """
    c = low.shape[1]
    u = rng.random((n, 1 + c))
    scen = pick_scenarios(u[:, 0], p)
    return scen, triangular_shocks(u[:, 1:], low[scen], base[scen], high[scen])


def _value_change(shocks: np.ndarray, exposures: np.ndarray, elasticity: np.ndarray,
                  operator: LinkOperator | None, horizons: np.ndarray | None) -> np.ndarray:
    """(n, H) value change per draw and holding: the engine's formula, transposed."""
    return value_changes(exposures, elasticity, shocks, operator, horizons)[1].T


def tile_draws(holdings: int) -> int:
    """Draws per holdings product: ``clip(TILE_CELLS // holdings, 16, 4096)``."""
    return int(min(4096, max(16, TILE_CELLS // max(holdings, 1))))


def tail_size(draws: int, confidence: float) -> int:
    """``m = ceil((1 - confidence) * draws)``, at least 1."""
    return max(1, math.ceil(round((1.0 - confidence) * draws, 9)))


def var_es(pnl: np.ndarray, confidence: float,
           order: np.ndarray | None = None) -> tuple[float, float, np.ndarray]:
    """(VaR, ES, tail draw indices) at ``confidence``, losses positive (module docstring).

    ``order`` is ``np.argsort(pnl, kind="stable")`` if already computed (worst draw first).
    """
    m = tail_size(len(pnl), confidence)
    order = np.argsort(pnl, kind="stable") if order is None else order
    tail = order[:m]
    var = float(-pnl[tail[-1]])
    # The mean of losses that are all >= VaR is >= VaR; max() only removes summation noise
    # (a tail of equal losses can average a few ulps below its own value).
    return var, max(float(-pnl[tail].mean()), var), tail


# ---- public API ---------------------------------------------------------------------------

def simulate(
    profiles: ProfileMatrix,
    market_value: np.ndarray,
    scenarios: ScenarioSet,
    *,
    draws: int = 20_000,
    seed: int = 42,
    chunk: int | None = None,
    operator: LinkOperator | None = None,
) -> RiskResult:
    """Monte Carlo distribution of the portfolio's USD value change (module docstring).

    Parameters
    ----------
    profiles, scenarios
        As for :func:`exposure.model.engine.evaluate` (same channel order).
    market_value
        (H,) USD per holding; NaN counts as 0, as in the engine.
    draws
        Number of draws, 1 .. :data:`MAX_DRAWS`.
    seed
        Seed of ``np.random.default_rng``; same seed, same result.
    chunk
        Draws per block of random numbers (rounded up to whole tiles, see
        :func:`tile_draws`); default :data:`CHUNK_DRAWS`. The result does not depend on it.
    operator
        The book's look-through step (:class:`exposure.model.engine.LinkOperator`), so that
        stakes and contracts move with every draw as they do in the evaluation.
    """
    draws = check_draws(draws)
    mv = np.nan_to_num(np.asarray(market_value, dtype=float), nan=0.0)
    _check_inputs(profiles, mv, scenarios)
    chunk = CHUNK_DRAWS if chunk is None else chunk
    if isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1:
        raise SimulationInputError(f"chunk must be a whole number >= 1, got {chunk!r}")
    tile = tile_draws(len(profiles))
    chunk = -(-int(chunk) // tile) * tile  # whole tiles, aligned to the draw index
    p, normalised = effective_probabilities(np.asarray(scenarios.probabilities, dtype=float))
    zero = np.zeros((1, len(scenarios.channel_ids)))
    low, base, high = (np.vstack([m, zero]) for m in (scenarios.low, scenarios.base,
                                                        scenarios.high))
    e, k = profiles.exposures, profiles.elasticity
    months = np.append(scenarios.horizons if len(scenarios.horizons) == len(scenarios)
                       else np.full(len(scenarios), DEFAULT_HORIZON_MONTHS),
                       DEFAULT_HORIZON_MONTHS)  # last: "no change"

    rng = np.random.default_rng(seed)
    pnl = np.empty(draws)
    scen = np.empty(draws, dtype=np.int64)
    shocks = np.empty((draws, len(scenarios.channel_ids)))
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        scen[start:stop], shocks[start:stop] = _draw_chunk(rng, stop - start, p, low, base, high)
        for t in range(start, stop, tile):
            end = min(t + tile, stop)
            pnl[t:end] = _value_change(shocks[t:end], e, k, operator,
                                       months[scen[t:end]]) @ mv

    order = np.argsort(pnl, kind="stable")
    var95, es95, tail95 = var_es(pnl, 0.95, order)
    var99, es99, _ = var_es(pnl, 0.99, order)
    contrib = np.zeros(len(profiles))
    for start in range(0, len(tail95), tile):  # the tail's holding impacts, tile by tile
        rows = tail95[start:start + tile]
        contrib -= (_value_change(shocks[rows], e, k, operator, months[scen[rows]])
                    * mv).sum(axis=0)
    contrib /= len(tail95)

    counts = np.bincount(scen + 1, minlength=len(scenarios) + 1)
    sums = np.bincount(scen + 1, weights=pnl, minlength=len(scenarios) + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return RiskResult(
        pnl=pnl, scenario_of_draw=scen,
        percentiles={f"p{q}": float(v) for q, v in zip(PERCENTILES, np.percentile(pnl, PERCENTILES),
                                                       strict=True)},
        var_95=var95, es_95=es95, var_99=var99, es_99=es99, contributions_es_95=contrib,
        scenario_counts={**{sid: int(n) for sid, n in zip(scenarios.ids, counts[1:], strict=True)},
                         NO_CHANGE: int(counts[0])},
        scenario_means={sid: float(m) for sid, m in zip(scenarios.ids, means[1:], strict=True)},
        draws=draws, seed=seed, mean_usd=float(pnl.mean()), probabilities_normalised=normalised,
        tornado=tornado(profiles, mv, scenarios, operator=operator),
    )


def tornado(
    profiles: ProfileMatrix,
    market_value: np.ndarray,
    scenarios: ScenarioSet,
    scenario_id: str | None = None,
    *,
    operator: LinkOperator | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity, per scenario x channel (deterministic).

    For scenario ``s`` and channel ``c``, every other channel stays at its base shock and
    ``x[s,c]`` moves alone from its adverse end ``low[s,c]`` to its favourable end
    ``high[s,c]``::

        low_usd  = portfolio impact with x[s,c] at its adverse end
        base_usd = portfolio[s] in the central case (the same for every channel of s)
        high_usd = portfolio impact with x[s,c] at its favourable end
        swing_usd = high_usd - low_usd  (>= 0)

    The impact is non-decreasing in each shock (k >= 0, e >= 0, floor at -100%, look-through
    monotone), so ``low_usd <= base_usd <= high_usd``: the bars bracket the central case. Scenarios are not
    probability-weighted here (each bar reads "if this scenario happens"); rows with
    ``swing_usd == 0`` are channels the scenario leaves untouched or fixes exactly.

    Columns: ``channel``, ``scenario``, ``low_usd``, ``base_usd``, ``high_usd``,
    ``swing_usd``; all S x C rows (or C rows for ``scenario_id``), largest swing first.
    """
    mv = np.nan_to_num(np.asarray(market_value, dtype=float), nan=0.0)
    idx = list(range(len(scenarios)))
    if scenario_id is not None:
        if scenario_id not in scenarios.ids:
            raise SimulationInputError(f"scenario {scenario_id!r} is not in the set")
        idx = [scenarios.ids.index(scenario_id)]
    c = len(scenarios.channel_ids)
    base = scenarios.base[idx]  # (S', C)
    # rows (s, c): base shocks of s with channel c replaced by its low / high end
    grid = np.repeat(base, c, axis=0).reshape(len(idx), c, c)
    diag = np.arange(c)
    lows, highs = grid.copy(), grid.copy()
    lows[:, diag, diag] = scenarios.low[idx]
    highs[:, diag, diag] = scenarios.high[idx]

    months = (scenarios.horizons[idx] if len(scenarios.horizons) == len(scenarios)
              else np.full(len(idx), DEFAULT_HORIZON_MONTHS))

    def portfolio(shocks: np.ndarray, horizons: np.ndarray) -> np.ndarray:
        vc = value_changes(profiles.exposures, profiles.elasticity, shocks, operator, horizons)[1]
        return mv @ vc

    per_channel = np.repeat(months, c)
    low_usd = portfolio(lows.reshape(-1, c), per_channel)
    high_usd = portfolio(highs.reshape(-1, c), per_channel)
    base_usd = np.repeat(portfolio(base, months), c)
    frame = pd.DataFrame({
        "channel": np.tile(np.asarray(scenarios.channel_ids, dtype=object), len(idx)),
        "scenario": np.repeat(np.asarray([scenarios.ids[i] for i in idx], dtype=object), c),
        "low_usd": low_usd, "base_usd": base_usd, "high_usd": high_usd,
        "swing_usd": high_usd - low_usd,
    })
    return frame.sort_values("swing_usd", ascending=False, kind="stable").reset_index(drop=True)


def contribution_frame(result: RiskResult, profiles: ProfileMatrix) -> pd.DataFrame:
    """Per-holding contribution to the 95% expected shortfall, largest first.

    Columns: ``symbol``, ``name``, ``segment``, ``profile_source``, ``es_95_usd`` (mean
    loss in the tail draws, USD, positive = loss), ``share_of_es`` (``es_95_usd / ES_95``;
    NaN when ES_95 is 0). ``es_95_usd`` sums to ``result.es_95``.
    """
    es = result.contributions_es_95
    share = es / result.es_95 if result.es_95 != 0 else np.full(len(es), np.nan)
    frame = pd.DataFrame({
        "symbol": profiles.symbols, "name": profiles.names, "segment": profiles.segments,
        "profile_source": profiles.profile_source, "es_95_usd": es, "share_of_es": share,
    })
    return frame.sort_values("es_95_usd", ascending=False, kind="stable").reset_index(drop=True)
