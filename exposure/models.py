"""Pydantic models of the bundled and user data files.

Every number that a file ships is a :class:`Sourced` value: the value plus the URL it comes
from, the date it was true (``as_of``), the tier of the source and, for estimates, the basis.
The models are strict (unknown keys are rejected) so that a typo in a data file is an error,
not a silently ignored field.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)

Tier = Literal["primary", "press", "secondary"]
"""Source tiers: ``primary`` filings, company releases, government and rule texts;
``press`` established news outlets and law-firm client alerts; ``secondary`` aggregators, blogs."""

Segment = Literal[
    "chips", "equipment", "memory", "cloud", "model_lab", "startup", "china_tech", "fund"
]
SEGMENTS: tuple[str, ...] = (
    "chips", "equipment", "memory", "cloud", "model_lab", "startup", "china_tech", "fund"
)

LAYER_OF_SEGMENT: dict[str, str] = {
    "chips": "Chips",
    "equipment": "Chips",
    "memory": "Chips",
    "cloud": "Cloud",
    "model_lab": "Model labs",
    "startup": "Startups",
    "china_tech": "China tech",
    "fund": "Funds",
}
"""The four layers of the AI stack (plus China tech and funds) each segment belongs to."""

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_URL_RE = re.compile(r"^https?://[^\s]+$")


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid id (letters, digits, '.', '_', '-', at most 40 characters)"
        )
    return value


def _check_url(value: str) -> str:
    if not _URL_RE.match(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Url = Annotated[str, AfterValidator(_check_url)]
Number = StrictFloat | StrictInt


def _finite(value: float) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    if not math.isfinite(float(value)):
        raise ValueError("must be a finite number")
    return float(value)


FiniteFloat = Annotated[Number, AfterValidator(_finite)]


class Strict(BaseModel):
    """Base for every data model: unknown keys are errors, values are not coerced from text."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """One public source: where a fact comes from and how much to trust the host."""

    url: Url
    tier: Tier
    title: str | None = None


class Sourced(Strict):
    """A number with its provenance.

    ``estimate`` marks numbers we derived ourselves (with ``basis`` saying how); a reported
    figure has ``estimate: false`` and may still carry a ``basis`` explaining what it measures.
    """

    value: FiniteFloat
    source: Url
    as_of: date
    tier: Tier
    estimate: bool = False
    basis: str | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    alt_sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _estimate_needs_basis(self) -> Sourced:
        if self.estimate and not (self.basis and self.basis.strip()):
            raise ValueError("an estimate must give its 'basis'")
        return self


class Exposure(Sourced):
    """Exposure ``e[c]`` of an issuer to one channel: a share in [0, 1]."""

    @field_validator("value")
    @classmethod
    def _share(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError("an exposure is a share and must be between 0 and 1")
        return value


class Elasticity(Sourced):
    """Valuation elasticity ``k``: fractional value change per fractional revenue change."""

    @field_validator("value")
    @classmethod
    def _range(cls, value: float) -> float:
        if not 0.0 <= value <= 5.0:
            raise ValueError("an elasticity must be between 0 and 5")
        return value


class Channel(Strict):
    """A way export policy reaches a company's value (DESIGN.md 4)."""

    id: Id
    name: str
    description: str
    unit: str


class SegmentDefaults(Strict):
    """What an issuer of this segment gets when it has no profile of its own."""

    label: str
    elasticity: Elasticity
    exposures: dict[str, Exposure] = Field(default_factory=dict)


class ChannelsFile(Strict):
    """``data/channels.yaml``: channel definitions and per-segment defaults."""

    channels: list[Channel]
    segments: dict[Segment, SegmentDefaults]


class Company(Strict):
    """An issuer profile (``data/companies.yaml``).

    ``id`` is the Yahoo ticker for listed issuers and a lower-case slug for private ones.
    Channels absent from ``exposures`` are zero for this issuer.
    """

    id: Id
    name: str
    ticker: str | None = None
    listed: bool = True
    segment: Segment
    fiscal_year: str | None = None
    revenue_usd: Sourced | None = None
    valuation_usd: Sourced | None = None
    market_cap_usd: Sourced | None = None
    elasticity: Elasticity | None = None
    exposures: dict[str, Exposure] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _listed_has_ticker(self) -> Company:
        if self.listed and not self.ticker:
            raise ValueError("a listed company needs a 'ticker' (Yahoo form)")
        if not self.listed and self.ticker:
            raise ValueError("a private company has no 'ticker' (set listed: true)")
        return self


class Shock(Strict):
    """A scenario's shock ``x[c]`` to one channel: fractional change, with its range."""

    low: FiniteFloat
    base: FiniteFloat
    high: FiniteFloat
    rationale: str
    source: Url | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Shock:
        for name in ("low", "base", "high"):
            if not -1.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"'{name}' must be between -1 (lost entirely) and +1 (+100%)")
        if not self.low <= self.base <= self.high:
            raise ValueError("shocks must satisfy low <= base <= high")
        if not self.rationale.strip():
            raise ValueError("a shock needs a one-line 'rationale'")
        return self


class Probability(Strict):
    """A scenario's probability weight in [0, 1]; always a judgement, so a basis is required."""

    value: FiniteFloat
    basis: str

    @field_validator("value")
    @classmethod
    def _unit(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError("a probability must be between 0 and 1")
        return value


class Scenario(Strict):
    """A policy scenario (``data/scenarios/*.yaml`` or the workspace's ``scenarios/``)."""

    id: Id
    title: str
    narrative: str
    probability: Probability
    horizon: str
    events: list[str] = Field(default_factory=list)
    shocks: dict[str, Shock]


class Event(Strict):
    """A dated policy event (``data/events.yaml``)."""

    id: Id
    date: date
    date_precision: Literal["day", "month"] = "day"
    after_close: bool = False
    title: str
    summary: str
    type: Literal[
        "us_rule", "us_licence", "us_policy", "us_deal", "us_enforcement",
        "cn_countermeasure", "allied_rule", "market",
    ]
    jurisdiction: Literal["US", "CN", "NL", "JP", "TW", "UAE", "SA", "EU", "other"]
    layers: list[Literal["chips", "cloud", "model_lab", "startup", "china_tech"]]
    tickers: list[str] = Field(default_factory=list)
    confidence: Literal["high", "medium", "low"]
    sources: list[Source] = Field(min_length=1)


class EventMove(Strict):
    """A stock move around an event as reported in the news (not our computation)."""

    ticker: str
    move_pct: FiniteFloat
    basis: str
    source: Url
    tier: Tier


class EventMoves(Strict):
    """Reported moves for one event (``data/event_moves.yaml``)."""

    event_id: str
    date: date
    moves: list[EventMove]


class ReferencePrice(Strict):
    """A bundled, sourced closing price used for offline valuation."""

    ticker: str
    close: FiniteFloat
    currency: str = "USD"
    as_of: date
    source: Url
    tier: Tier
    basis: str | None = None
