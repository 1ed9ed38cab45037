"""Pydantic models of the evidence data files: ``prices/sources.yaml`` (provenance of the
shipped closes) and ``event_links.yaml`` (which scenario each event resembles)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, StrictInt, field_validator

from exposure.model.schema import FiniteFloat, Id, Strict, Tier, Url


class CrossCheck(Strict):
    """Agreement of a series with an independent copy over the shared days."""

    source: Url
    days: StrictInt
    max_abs_diff_pct: FiniteFloat
    share_within_0_5pct: FiniteFloat


class PriceSeries(Strict):
    """Provenance of one column of ``prices/closes.csv``."""

    ticker: str = Field(min_length=1, max_length=20)
    first: date
    last: date
    adjusted: Literal["splits", "splits+dividends"]
    source: Url
    tier: Tier
    as_of: date
    basis: str
    cross_check: CrossCheck | None = None
    flags: list[str] = Field(default_factory=list)

    @field_validator("basis")
    @classmethod
    def _basis(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a price series needs a 'basis' (how it was read)")
        return value


class PriceSources(Strict):
    """``data/prices/sources.yaml``."""

    series: list[PriceSeries] = Field(min_length=1)


class EventLink(Strict):
    """One entry of ``data/event_links.yaml``: the scenario an event resembles, and whether the
    event moves the world toward it (+1) or away from it (-1)."""

    event: Id
    scenario: Id
    direction: Literal[1, -1]
    tier: Literal["judgement"]
    as_of: date
    basis: str

    @field_validator("basis")
    @classmethod
    def _basis(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a link needs a one-line 'basis'")
        return value
