"""Which valuation elasticity ``k`` a holding gets: an estimate or the prior judgement.

Precedence (most specific first), an estimate counting only when it is informative
(:attr:`~exposure.model.schema.CalibrationEstimate.informative`):

1. the holding's own estimate (``data/calibration.yaml``, ``holdings:``);
2. the profile's own judgement (``elasticity:`` in ``companies.yaml``);
3. the segment's estimate (``data/calibration.yaml``, ``segments:``);
4. the segment's prior judgement (``data/channels.yaml``).

The same function serves the catalog (shipped estimates) and the scorecard (estimates made
without the event being predicted), so both follow one rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from exposure.model.schema import CalibrationEstimate

DEFAULT_ELASTICITY = 1.0
"""``k`` when neither a profile, a segment nor an estimate gives one (value moves 1:1)."""


@dataclass(frozen=True)
class ElasticityChoice:
    """The ``k`` used and where it came from."""

    value: float
    used: Literal["estimate", "prior"]
    level: Literal["holding", "profile", "segment", "default"]
    prior: float
    """The judgement that would apply without estimates (profile, else segment, else 1)."""
    estimate: CalibrationEstimate | None = None
    """The estimate used, or the most specific one on file when the prior is used."""

    @property
    def label(self) -> str:
        """``"estimate (segment)"``, ``"prior (profile)"`` ..."""
        return f"{self.used} ({self.level})"


def choose_elasticity(
    *,
    segment_prior: float | None,
    profile_prior: float | None = None,
    segment_estimate: CalibrationEstimate | None = None,
    holding_estimate: CalibrationEstimate | None = None,
) -> ElasticityChoice:
    """Apply the precedence in the module docstring."""
    if profile_prior is not None:
        prior, prior_level = profile_prior, "profile"
    elif segment_prior is not None:
        prior, prior_level = segment_prior, "segment"
    else:
        prior, prior_level = DEFAULT_ELASTICITY, "default"
    if holding_estimate is not None and holding_estimate.informative:
        return ElasticityChoice(holding_estimate.value, "estimate", "holding", prior, holding_estimate)
    if profile_prior is None and segment_estimate is not None and segment_estimate.informative:
        return ElasticityChoice(segment_estimate.value, "estimate", "segment", prior, segment_estimate)
    on_file = holding_estimate or segment_estimate
    return ElasticityChoice(prior, "prior", prior_level, prior, on_file)  # type: ignore[arg-type]
