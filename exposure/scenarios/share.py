"""Share links: an edited scenario encoded in a URL query value and back.

When the edit starts from a library scenario only the differences are encoded
(``{"b": base id, "t": title, "n": narrative, "p": probability, "x": {channel: [low, base,
high]}, "i": id}``), which keeps links short; otherwise the whole scenario is (``{"s": ...}``).
Either way the JSON is zlib-compressed and URL-safe base64 encoded (no padding).

Decoding is hostile-input safe: the link and its decompressed size are capped (no zip bomb),
it is JSON only (never YAML or pickle), and the result is rebuilt through the same rules and
the same :class:`Scenario` model as the data files, so a crafted link yields a valid scenario
or a one-line :class:`ShareLinkError`.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from exposure.errors import ExposureError
from exposure.model.schema import Scenario
from exposure.scenarios.edit import apply_edits, shock_values

MAX_SHARE_CHARS = 8_000
MAX_JSON_BYTES = 64_000


class ShareLinkError(ExposureError):
    """A share link that cannot be decoded into a valid scenario."""


def _pack(doc: dict[str, Any]) -> str:
    raw = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def _unpack(text: str) -> dict[str, Any]:
    if not text or len(text) > MAX_SHARE_CHARS:
        raise ShareLinkError("the shared scenario link is empty or too long")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise ShareLinkError("the shared scenario link is too large")
        doc = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError):
        raise ShareLinkError("the shared scenario link is damaged (not valid encoded JSON)") from None
    if not isinstance(doc, dict):
        raise ShareLinkError("the shared scenario link does not hold a scenario")
    return doc


def encode_scenario(scenario: Scenario, base: Scenario | None = None) -> str:
    """URL-safe text that :func:`decode_share` turns back into an equal scenario.

    With ``base`` (the library scenario the edit started from) only the differences are kept.
    """
    if base is None:
        return _pack({"s": scenario.model_dump(mode="json", exclude_defaults=True)})
    doc: dict[str, Any] = {"b": base.id}
    if scenario.id != base.id:
        doc["i"] = scenario.id
    if scenario.title != base.title:
        doc["t"] = scenario.title
    if scenario.narrative != base.narrative:
        doc["n"] = scenario.narrative
    if scenario.probability.value != base.probability.value:
        doc["p"] = scenario.probability.value
    changed = {ch: list(shock_values(scenario, ch))
               for ch in sorted(set(scenario.shocks) | set(base.shocks))
               if shock_values(scenario, ch) != shock_values(base, ch)}
    if changed:
        doc["x"] = changed
    return _pack(doc)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ShareLinkError(f"the shared scenario link has an invalid {what}")
    return float(value)


def decode_share(text: str, library: Mapping[str, Scenario]) -> tuple[Scenario, str | None]:
    """Decode a share value into (scenario, base id or None)."""
    doc = _unpack(text)
    try:
        if "s" in doc:
            if not isinstance(doc["s"], dict):
                raise ShareLinkError("the shared scenario link does not hold a scenario")
            return Scenario.model_validate(doc["s"]), None
        base_id = doc.get("b")
        if not isinstance(base_id, str) or base_id not in library:
            raise ShareLinkError(f"the shared link starts from a scenario this app does not have "
                                 f"({str(base_id)[:40]!r})")
        base = library[base_id]
        raw_shocks = doc.get("x", {})
        if not isinstance(raw_shocks, dict) or len(raw_shocks) > 50:
            raise ShareLinkError("the shared scenario link has invalid shocks")
        shocks = {ch: shock_values(base, ch) for ch in base.shocks}
        for ch, values in raw_shocks.items():
            if not isinstance(values, list) or len(values) != 3:
                raise ShareLinkError(f"the shared scenario link has an invalid shock for {str(ch)[:40]!r}")
            low, mid, high = (_number(v, f"shock for {str(ch)[:40]!r}") for v in values)
            shocks[str(ch)] = (low, mid, high)
        text_fields = {k: doc.get(k, default) for k, default in
                       (("i", base.id), ("t", base.title), ("n", base.narrative))}
        if not all(isinstance(v, str) for v in text_fields.values()):
            raise ShareLinkError("the shared scenario link has an invalid title or id")
        scenario = apply_edits(
            base, new_id=text_fields["i"], title=text_fields["t"], narrative=text_fields["n"],
            probability=_number(doc.get("p", base.probability.value), "probability"),
            shocks=shocks,
        )
        return scenario, base_id
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ShareLinkError(
            f"the shared scenario is invalid: {where}: {err['msg'].removeprefix('Value error, ')}"
        ) from None
