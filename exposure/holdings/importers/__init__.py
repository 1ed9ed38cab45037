"""Importing holdings from broker exports (pure core: no Streamlit here).

``import_file`` / ``import_bytes`` auto-detect Fidelity, Charles Schwab, Vanguard,
Interactive Brokers (activity statement and Flex Query), Robinhood and Trading 212 histories
(replayed), E*TRADE, DEGIRO, German depot exports, saved column mapping presets, a generic
holdings CSV and the app's own YAML, as CSV/text or as XLSX/XLS/ODS workbooks, refuse other
brokers' transaction histories, and return an
:class:`ImportResult` (holdings frame + report). Anything that cannot be imported raises
one :class:`~exposure.errors.ImportFormatError` naming the file (and row/column).
Layouts and their sources are documented in each format module.
"""

from __future__ import annotations

from exposure.holdings.importers.detect import FORMAT_LABELS
from exposure.holdings.importers.mapping import Preview
from exposure.holdings.importers.pipeline import (
    ImportOptions,
    import_bytes,
    import_file,
    preview,
)
from exposure.holdings.importers.presets import MAPPING_FIELDS, Preset, load_presets, save_preset
from exposure.holdings.importers.result import CashLine, ImportResult, SkippedRow
from exposure.holdings.importers.sniff import MAX_IMPORT_BYTES

__all__ = [
    "FORMAT_LABELS", "MAPPING_FIELDS", "MAX_IMPORT_BYTES", "CashLine", "ImportOptions",
    "ImportResult", "Preset",
    "Preview", "SkippedRow", "import_bytes", "import_file", "load_presets", "preview",
    "save_preset",
]
