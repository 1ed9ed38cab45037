"""Share links: a scenario (with the user's edits) encoded in a URL query value and back.

The encoding is compact JSON, zlib-compressed, in URL-safe base64 (no padding). Decoding is
hostile-input safe: the link and its decompressed size are capped (no zip bomb), it is JSON
only (never YAML or pickle) and validated by the same :class:`Scenario` model as the data
files, so a crafted link can only ever yield a valid scenario or an error.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any

from pydantic import ValidationError

from exposure.errors import ExposureError
from exposure.models import Scenario

MAX_SHARE_CHARS = 8_000
MAX_JSON_BYTES = 64_000


class ShareLinkError(ExposureError):
    """A share link that cannot be decoded into a valid scenario."""


def encode_scenario(scenario: Scenario, base: str | None = None) -> str:
    """URL-safe text that :func:`decode_share` turns back into an equal scenario.

    ``base`` is the library scenario the edit started from, so the editor reopens on it.
    """
    doc: dict[str, Any] = {"scenario": scenario.model_dump(mode="json", exclude_defaults=True)}
    if base:
        doc["base"] = base
    raw = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode_scenario(text: str) -> Scenario:
    """The scenario of a share value (see :func:`decode_share`)."""
    return decode_share(text)[0]


def decode_share(text: str) -> tuple[Scenario, str | None]:
    """Decode a share value into (scenario, base id); raise :class:`ShareLinkError` with a
    one-line reason."""
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
    if not isinstance(doc, dict) or not isinstance(doc.get("scenario"), dict):
        raise ShareLinkError("the shared scenario link does not hold a scenario")
    base = doc.get("base")
    if base is not None and not isinstance(base, str):
        raise ShareLinkError("the shared scenario link names an invalid base scenario")
    try:
        return Scenario.model_validate(doc["scenario"]), base
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ShareLinkError(
            f"the shared scenario is invalid: {where}: {err['msg'].removeprefix('Value error, ')}"
        ) from None
