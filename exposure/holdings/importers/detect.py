"""Which format a file is: broker layouts first (most specific first), then saved presets,
then the generic CSV."""

from __future__ import annotations

from types import ModuleType

from exposure.holdings.importers import (
    degiro,
    depot_de,
    etrade,
    fidelity,
    generic,
    ibkr_flex,
    ibkr_statement,
    robinhood,
    schwab,
    trading212,
    vanguard,
)
from exposure.holdings.importers.presets import Preset
from exposure.holdings.importers.sniff import Document

BROKER_FORMATS: tuple[ModuleType, ...] = (
    ibkr_statement, ibkr_flex, robinhood, trading212, schwab, fidelity, vanguard, etrade,
    degiro, depot_de,
)
"""Format modules with ``FORMAT_ID``, ``LABEL``, ``DECIMAL_COMMA``, ``detect``, ``parse``
(and optionally ``DEFAULT_CURRENCY``: the broker's currency for ``$`` and unmarked values)."""

ALL_FORMATS: tuple[ModuleType, ...] = (*BROKER_FORMATS, generic)

FORMAT_LABELS: dict[str, str] = {m.FORMAT_ID: m.LABEL for m in ALL_FORMATS} | {
    "yaml": "exposure portfolio YAML", "mapping": "column mapping"}


def detect_broker(doc: Document) -> ModuleType | None:
    """The first broker format whose layout the file has, else None."""
    for module in BROKER_FORMATS:
        if module.detect(doc):
            return module
    return None


def match_preset(doc: Document, presets: list[Preset]) -> Preset | None:
    """The first saved preset whose header appears in the file's first rows."""
    for preset in presets:
        if any(preset.matches(row) for row in doc.rows[:80]):
            return preset
    return None
