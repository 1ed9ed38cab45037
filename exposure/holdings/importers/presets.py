"""Named column mappings, shared by the team in the store (:mod:`exposure.storage`).

Users of other portfolio tools ask for exactly this: a file no built-in format recognises
is mapped once (which column holds symbol, quantity, value ...), saved under a name, and
auto-detect recognises the same header next time. Each save keeps the previous versions and is
audited. A preset (stored as this YAML text; old ``<home>/import_presets/*.yaml`` files are
imported into the store)::

    # column mapping for exposure import
    name: my-bank
    mapping: {symbol: Ticker, quantity: Stück, market_value: Kurswert}
    header: [Ticker, Name, Stück, Kurswert]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from exposure.auth.identity import LOCAL_USER, Identity
from exposure.auth.permissions import require
from exposure.errors import DataFileError, ImportFormatError
from exposure.holdings.importers.headers import norm
from exposure.storage import access, documents
from exposure.storage.access import open_store
from exposure.storage.names import clean_name
from exposure.storage.tables import TEAM
from exposure.yamlio import dump_yaml, parse_yaml

KIND = "preset"

MAPPING_FIELDS = ("symbol", "quantity", "market_value", "price", "currency", "account", "name")
"""Fields a column mapping may name."""


@dataclass(frozen=True)
class Preset:
    """A saved mapping and the header it was made for."""

    name: str
    mapping: dict[str, str]
    header: tuple[str, ...]
    version: int = 1

    def matches(self, row: Sequence[str]) -> bool:
        """True if ``row`` has every column of the saved header (order and case ignored)."""
        keys = {norm(c) for c in row if c}
        return bool(self.header) and all(norm(h) in keys for h in self.header if h)


def check_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """Validate a mapping's keys; return it with stripped column names."""
    clean: dict[str, str] = {}
    for key, column in mapping.items():
        if key not in MAPPING_FIELDS:
            raise ImportFormatError(f"unknown mapping field {key!r} (use one of "
                                    f"{', '.join(MAPPING_FIELDS)})")
        if not isinstance(column, str) or not column.strip():
            raise ImportFormatError(f"mapping for {key!r} names no column")
        clean[key] = column.strip()
    if "symbol" not in clean:
        raise ImportFormatError("a column mapping needs 'symbol'")
    if "quantity" not in clean and "market_value" not in clean:
        raise ImportFormatError("a column mapping needs 'quantity' or 'market_value'")
    return clean


def save_preset(name: str, mapping: Mapping[str, str], header: Sequence[str],
                home: str | Path | None = None, *, user: Identity | None = None) -> Preset:
    """Save ``mapping`` (for a file whose header row is ``header``) as the team's preset
    ``name`` (a new version when it exists)."""
    who = user if user is not None else LOCAL_USER
    require(who, "preset.write")
    label = clean_name(name, "preset name")
    clean = check_mapping(mapping)
    keys = {norm(h) for h in header}
    for key, column in clean.items():
        if norm(column) not in keys:
            raise ImportFormatError(f"column {column!r} (for {key}) is not in the header",
                                    column=column)
    doc = {"name": label, "mapping": clean, "header": [h for h in header if h]}
    text = "# column mapping for `exposure import` (see exposure/holdings/importers/presets.py)\n"
    store = open_store(home)
    current = documents.get(store, KIND, TEAM, label)
    saved = documents.save(store, KIND, TEAM, label, text + dump_yaml(doc), who.actor,
                           expected_version=current.version if current else None,
                           what="preset name")
    return Preset(saved.name, clean, tuple(doc["header"]), saved.version)


def load_presets(home: str | Path | None = None) -> list[Preset]:
    """Every readable preset in the store (unreadable ones are ignored, not fatal)."""
    presets: list[Preset] = []
    for stored in access.stored(home, KIND):
        try:
            raw = parse_yaml(stored.body or "", f"preset '{stored.name}'")
            mapping = check_mapping(raw.get("mapping") or {})
            header = tuple(str(h) for h in raw.get("header") or [])
        except (DataFileError, ImportFormatError, AttributeError, TypeError):
            continue
        presets.append(Preset(stored.name, mapping, header, stored.version))
    return presets
