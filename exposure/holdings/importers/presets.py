"""Named column mappings saved in the workspace (``<home>/import_presets/<name>.yaml``).

Users of other portfolio tools ask for exactly this: a file no built-in format recognises
is mapped once (which column holds symbol, quantity, value ...), saved under a name, and
auto-detect recognises the same header next time. A preset file::

    # column mapping for exposure import
    name: my-bank
    mapping: {symbol: Ticker, quantity: Stück, market_value: Kurswert}
    header: [Ticker, Name, Stück, Kurswert]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from exposure.errors import DataFileError, ImportFormatError
from exposure.holdings.importers.headers import norm
from exposure.workspace import home_dir, safe_child
from exposure.yamlio import atomic_write_bytes, dump_yaml, read_yaml

MAPPING_FIELDS = ("symbol", "quantity", "market_value", "price", "currency", "account", "name")
"""Fields a column mapping may name."""


@dataclass(frozen=True)
class Preset:
    """A saved mapping and the header it was made for."""

    name: str
    mapping: dict[str, str]
    header: tuple[str, ...]
    path: Path

    def matches(self, row: Sequence[str]) -> bool:
        """True if ``row`` has every column of the saved header (order and case ignored)."""
        keys = {norm(c) for c in row if c}
        return bool(self.header) and all(norm(h) in keys for h in self.header if h)


def presets_folder(presets_dir: str | Path | None = None) -> Path:
    return Path(presets_dir) if presets_dir is not None else home_dir() / "import_presets"


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
                presets_dir: str | Path | None = None) -> Path:
    """Save ``mapping`` (for a file whose header row is ``header``) as preset ``name``."""
    folder = presets_folder(presets_dir)
    path = safe_child(folder, name, ".yaml")
    clean = check_mapping(mapping)
    keys = {norm(h) for h in header}
    for key, column in clean.items():
        if norm(column) not in keys:
            raise ImportFormatError(f"column {column!r} (for {key}) is not in the header",
                                    column=column)
    doc = {"name": path.stem, "mapping": clean, "header": [h for h in header if h]}
    text = "# column mapping for `exposure import` (see exposure/importers/presets.py)\n"
    atomic_write_bytes(path, (text + dump_yaml(doc)).encode("utf-8"), keep_previous=True)
    return path


def load_presets(presets_dir: str | Path | None = None) -> list[Preset]:
    """Every readable preset in the folder (unreadable ones are ignored, not fatal)."""
    folder = presets_folder(presets_dir)
    if not folder.is_dir():
        return []
    presets: list[Preset] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = read_yaml(path)
            mapping = check_mapping(raw.get("mapping") or {})
            header = tuple(str(h) for h in raw.get("header") or [])
        except (DataFileError, ImportFormatError, AttributeError, TypeError):
            continue
        presets.append(Preset(str(raw.get("name") or path.stem), mapping, header, path))
    return presets
