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

Tier = Literal["primary", "press", "secondary", "judgement", "estimated"]
"""Source tiers: ``primary`` filings, company releases, government and rule texts;
``press`` established news outlets and law-firm client alerts; ``secondary`` aggregators, blogs;
``judgement`` a number this project chose (``basis`` says how, ``source`` is the evidence if
any); ``estimated`` a number computed here from shipped data (``basis`` gives the method)."""

TIERS: tuple[str, ...] = ("primary", "press", "secondary", "judgement", "estimated")
OWN_TIERS: frozenset[str] = frozenset({"judgement", "estimated"})
"""Tiers of numbers made here rather than reported by a source: they need a ``basis``."""

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
    A ``judgement`` or ``estimated`` number may have no ``source`` (its ``basis`` is required).
    """

    value: FiniteFloat
    source: Url | None = None
    as_of: date
    tier: Tier
    estimate: bool = False
    basis: str | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    alt_sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _estimate_needs_basis(self) -> Sourced:
        if (self.estimate or self.tier in OWN_TIERS) and not (self.basis and self.basis.strip()):
            raise ValueError(f"an estimate or a {self.tier} number must give its 'basis'")
        if self.source is None and self.tier not in OWN_TIERS:
            raise ValueError(f"a {self.tier} number needs its 'source' (URL)")
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
    """Evidence for the rationale (a fact the shock rests on)."""
    tier: Tier | None = None
    """How the numbers low/base/high were set: normally ``judgement`` (chosen here)."""
    as_of: date | None = None
    basis: str | None = None
    """How low/base/high were chosen, in a sentence."""

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
    tier: Tier | None = None
    as_of: date | None = None
    source: Url | None = None

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
    label: str | None = Field(default=None, min_length=1, max_length=24)
    """Short name (at most 24 characters) for selects, axes, legends and KPI labels."""
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


class ReferenceFx(Strict):
    """A bundled, sourced exchange rate (``data/reference_fx.yaml``): USD per one unit."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    usd_per_unit: FiniteFloat
    as_of: date
    source: Url
    tier: Tier
    basis: str | None = None

    @field_validator("usd_per_unit")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("an exchange rate must be positive")
        return value

    def as_price(self) -> ReferencePrice:
        """The rate as the reference close of Yahoo's ``<CCY>USD=X`` ticker."""
        return ReferencePrice(ticker=f"{self.currency}USD=X", close=self.usd_per_unit,
                              currency="USD", as_of=self.as_of, source=self.source,
                              tier=self.tier, basis=self.basis)


# ----------------------------------------------------------------------------- look-through
# Appended for issue 8 (look-through): links between issuers (data/links.yaml) and fund
# constituents (data/funds/*.yaml, the workspace's funds/*.yaml).

Confidence = Literal["high", "medium", "low"]


class MeasuredAgainst(Sourced):
    """The valuation or revenue a link's amount is measured against, with its own source.

    ``kind: valuation``: the target's (post-money) valuation the stake or investment refers to;
    ``kind: revenue``: the holder's annual revenue a contract is compared with.
    """

    kind: Literal["valuation", "revenue"]

    @field_validator("value")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("a valuation or revenue must be positive")
        return value


class Link(Strict):
    """A link from a listed (or private) holder to a lab or startup (``data/links.yaml``).

    ``equity``: the holder owns part of the target. Give ``stake_pct`` (percent, 27 = 27%) when
    reported; otherwise ``stake_value_usd`` (reported value of the stake) or ``invested_usd``
    with ``measured_against`` (kind valuation): the stake is then amount / valuation.
    ``contract``: the holder (a supplier) sells to the target. Give ``contract_usd`` and
    ``term_years`` with ``measured_against`` (kind revenue: the holder's annual revenue), or
    ``revenue_share_pct`` (reported customer concentration).
    The link itself is a sourced fact: ``source``, ``as_of``, ``tier``, ``confidence``, ``basis``.
    """

    id: Id
    holder: str
    target: str
    kind: Literal["equity", "contract"]
    stake_pct: FiniteFloat | None = None
    stake_value_usd: FiniteFloat | None = None
    invested_usd: FiniteFloat | None = None
    contract_usd: FiniteFloat | None = None
    term_years: FiniteFloat | None = None
    start_date: date | None = None
    """Contract: when deliveries (and revenue) start; before it the contract moves nothing."""
    revenue_share_pct: FiniteFloat | None = None
    measured_against: MeasuredAgainst | None = None
    as_of: date
    source: Url
    tier: Tier
    estimate: bool = False
    confidence: Confidence
    basis: str
    alt_sources: list[Source] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _amounts(self) -> Link:
        if self.holder.strip().upper() == self.target.strip().upper():
            raise ValueError("a link cannot point from an issuer to itself")
        if not self.basis.strip():
            raise ValueError("a link needs a one-line 'basis'")
        for name in ("stake_pct", "revenue_share_pct"):
            val = getattr(self, name)
            if val is not None and not 0.0 < val <= 100.0:
                raise ValueError(f"'{name}' is a percentage in (0, 100]")
        for name in ("stake_value_usd", "invested_usd", "contract_usd", "term_years"):
            val = getattr(self, name)
            if val is not None and val <= 0:
                raise ValueError(f"'{name}' must be positive")
        equity_fields = ("stake_pct", "stake_value_usd", "invested_usd")
        contract_fields = ("contract_usd", "term_years", "revenue_share_pct")
        given = {n for n in equity_fields + contract_fields if getattr(self, n) is not None}
        if self.kind == "equity":
            if given & set(contract_fields):
                raise ValueError("an equity link takes stake_pct, stake_value_usd or invested_usd")
            if not given:
                raise ValueError("an equity link needs stake_pct, stake_value_usd or invested_usd")
            if self.stake_pct is None:
                ma = self.measured_against
                if ma is None or ma.kind != "valuation":
                    raise ValueError("without stake_pct, give 'measured_against' (kind valuation)")
        else:
            if given & set(equity_fields):
                raise ValueError("a contract link takes contract_usd + term_years or revenue_share_pct")
            if self.revenue_share_pct is None:
                if self.contract_usd is None or self.term_years is None:
                    raise ValueError("a contract link needs contract_usd and term_years "
                                     "(or revenue_share_pct)")
                ma = self.measured_against
                if ma is None or ma.kind != "revenue":
                    raise ValueError("a contract needs 'measured_against' (kind revenue)")
        return self

    @property
    def stake_share(self) -> float | None:
        """Equity: the fraction of the target held (reported, or amount / valuation)."""
        if self.kind != "equity":
            return None
        if self.stake_pct is not None:
            return self.stake_pct / 100.0
        amount = self.stake_value_usd if self.stake_value_usd is not None else self.invested_usd
        assert amount is not None and self.measured_against is not None
        return min(1.0, amount / self.measured_against.value)

    @property
    def revenue_share(self) -> float | None:
        """Contract: share of the holder's revenue from the target, capped at 1.

        ``revenue_share_pct / 100`` or ``(contract_usd / term_years) / revenue``.
        """
        if self.kind != "contract":
            return None
        if self.revenue_share_pct is not None:
            return self.revenue_share_pct / 100.0
        assert self.contract_usd and self.term_years and self.measured_against
        return min(1.0, self.contract_usd / self.term_years / self.measured_against.value)


class FundConstituent(Strict):
    """One constituent of a fund: Yahoo ticker (or another fund's id) and weight (fraction)."""

    symbol: str = Field(min_length=1, max_length=40)
    name: str | None = None
    weight: FiniteFloat

    @field_validator("weight")
    @classmethod
    def _weight(cls, value: float) -> float:
        if not 0.0 < value <= 1.0:
            raise ValueError("a weight is a fraction in (0, 1] (8.03% -> 0.0803)")
        return value


class Fund(Strict):
    """Constituent weights of a fund (``data/funds/<TICKER>.yaml``, one fund a file).

    ``holdings_page`` is the issuer's holdings page; ``source`` is where the weights were read
    (the same page, an issuer file, or a secondary copy). Weights need not sum to 1: the rest is
    counted as "not looked through" (``notes`` say why).
    """

    id: Id
    name: str
    issuer: str
    holdings_page: Url | None = None
    source: Url
    as_of: date
    tier: Tier
    estimate: bool = False
    confidence: Confidence | None = None
    basis: str
    alt_sources: list[Source] = Field(default_factory=list)
    constituents: list[FundConstituent] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _weights(self) -> Fund:
        seen: set[str] = set()
        for c in self.constituents:
            key = c.symbol.strip().upper()
            if key == self.id.upper():
                raise ValueError(f"fund '{self.id}' lists itself as a constituent")
            if key in seen:
                raise ValueError(f"constituent {c.symbol!r} is listed twice")
            seen.add(key)
        total = sum(c.weight for c in self.constituents)
        if total > 1.0 + 1e-6:
            raise ValueError(f"constituent weights sum to {total:.4f}, above 1")
        return self

    @property
    def listed_weight(self) -> float:
        """Sum of the listed constituents' weights (the rest is not looked through)."""
        return float(sum(c.weight for c in self.constituents))


# ----------------------------------------------------------------------------- calibration
# Appended for issue 14 (scorecard): valuation elasticities estimated from event-study abnormal
# returns (data/calibration.yaml, generated by `exposure scorecard --write-calibration`).

ELASTICITY_RANGE: tuple[float, float] = (0.0, 5.0)
"""The range :class:`Elasticity` accepts; an estimate outside it is never used."""


class CalibrationEstimate(Strict):
    """One estimated elasticity ``k`` (per segment or per holding) with its 95% interval.

    ``value`` is the OLS-through-origin slope of realised abnormal returns on the model's
    predicted revenue change; it may be negative or above the elasticity range (then it is
    reported, never used). ``events`` is the sample (event ids), ``n_pairs`` the (event,
    ticker) pairs with a non-zero predicted revenue change behind it.
    """

    value: FiniteFloat
    ci95: tuple[FiniteFloat, FiniteFloat]
    n_events: StrictInt
    n_pairs: StrictInt
    events: list[str]
    tier: Literal["estimated"] = "estimated"
    as_of: date
    basis: str

    @model_validator(mode="after")
    def _interval(self) -> CalibrationEstimate:
        if self.ci95[0] > self.ci95[1]:
            raise ValueError("ci95 must be [low, high] with low <= high")
        if not self.basis.strip():
            raise ValueError("an estimated number must give its 'basis'")
        return self

    @property
    def informative(self) -> bool:
        """The rule for using an estimate instead of the prior judgement: the 95% interval
        excludes 0 (lower end above 0), it is narrower than the estimate itself, and the
        estimate lies within the elasticity range."""
        low, high = self.ci95
        lo_k, hi_k = ELASTICITY_RANGE
        return low > 0.0 and (high - low) < self.value and lo_k <= self.value <= hi_k


class ScorecardSummary(Strict):
    """The out-of-sample scorecard's pooled figures, stored with the calibration so that the
    Overview and the report can quote them without recomputing (``exposure scorecard``)."""

    events_scored: StrictInt
    ranked_right: StrictInt
    pairs: StrictInt
    spearman_pooled: FiniteFloat
    ci95: tuple[FiniteFloat, FiniteFloat]
    sign_accuracy: FiniteFloat
    slope: FiniteFloat

    @property
    def headline(self) -> str:
        """One line: how many policy days the model ranked right, out of sample."""
        if self.events_scored == 0:
            return "out of sample the model has not been scored on any policy day yet"
        lo, hi = self.ci95
        return (f"out of sample the model ranked {self.ranked_right} of {self.events_scored} "
                f"policy days right (Spearman {self.spearman_pooled:+.2f}, 95% CI {lo:+.2f} "
                f"to {hi:+.2f})")


class CalibrationFile(Strict):
    """``data/calibration.yaml``: how the estimates were made, then the estimates."""

    method: str
    window: str
    benchmark: str
    estimation: str
    interval: str
    rule: str
    price_source: str
    as_of: date
    segments: dict[str, CalibrationEstimate] = Field(default_factory=dict)
    holdings: dict[str, CalibrationEstimate] = Field(default_factory=dict)
    scorecard: ScorecardSummary | None = None
