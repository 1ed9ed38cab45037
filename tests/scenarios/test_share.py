"""Share links: exact round trips, short links, and hostile links refused with one line."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure.model.catalog import load_catalog
from exposure.scenarios.edit import apply_edits, shock_values
from exposure.scenarios.share import ShareLinkError, decode_share, encode_scenario

LIBRARY = load_catalog(include_home=False).scenarios
BASE = LIBRARY["s2_full_china_ban"]
CHANNELS = ["china_ai_sales", "tier2_ai_sales", "compute_access", "china_supply_inputs"]


def _raw(doc: object) -> str:
    packed = zlib.compress(json.dumps(doc).encode())
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


percent = st.integers(-100, 100).map(lambda v: v / 100)


@st.composite
def edits(draw: st.DrawFn) -> dict:
    shocks = {ch: shock_values(BASE, ch) for ch in BASE.shocks}
    for ch in draw(st.lists(st.sampled_from(CHANNELS), unique=True, max_size=4)):
        a, b, c = sorted(draw(st.tuples(percent, percent, percent)))
        shocks[ch] = (a, b, c)
    return {"new_id": draw(st.sampled_from(["mine", "s2_full_china_ban_edit", BASE.id])),
            "title": draw(st.text(min_size=1, max_size=40).filter(str.strip)),
            "narrative": BASE.narrative,
            "probability": draw(st.integers(0, 100)) / 100, "shocks": shocks}


@settings(max_examples=60, deadline=None)
@given(edits())
def test_any_edit_round_trips_exactly(values: dict) -> None:
    edited = apply_edits(BASE, **values)
    assert decode_share(encode_scenario(edited, BASE), LIBRARY) == (edited, BASE.id)
    assert decode_share(encode_scenario(edited), LIBRARY) == (edited, None)


def test_links_from_a_library_scenario_carry_only_the_edits() -> None:
    edited = apply_edits(BASE, new_id="mine", title=BASE.title, narrative=BASE.narrative,
                         probability=0.2, shocks={"china_ai_sales": (-1.0, -1.0, -0.5)})
    assert len(encode_scenario(edited, BASE)) < 250
    assert len(encode_scenario(edited, BASE)) < len(encode_scenario(edited)) / 3


@pytest.mark.parametrize(("token", "message"), [
    ("", "empty or too long"),
    ("x" * 9000, "empty or too long"),
    ("!!!not base64!!!", "damaged"),
    (base64.urlsafe_b64encode(b"plain, not zlib").decode(), "damaged"),
    (_raw([1, 2, 3]), "does not hold a scenario"),
    (_raw({"b": "no_such_scenario"}), "does not have"),
    (_raw({"b": "s2_full_china_ban", "x": {"china_ai_sales": [-2, -1, 0]}}), "invalid"),
    (_raw({"b": "s2_full_china_ban", "x": {"china_ai_sales": ["a", 0, 0]}}), "invalid shock"),
    (_raw({"b": "s2_full_china_ban", "x": {"china_ai_sales": [0.5, 0.1, 0.2]}}), "low <= base"),
    (_raw({"b": "s2_full_china_ban", "p": 7}), "probability"),
    (_raw({"b": "s2_full_china_ban", "i": "../../etc/passwd"}), "valid id"),
    (_raw({"s": {"id": "x", "title": "t"}}), "invalid"),
])
def test_hostile_or_damaged_links_give_one_clear_error(token: str, message: str) -> None:
    with pytest.raises(ShareLinkError, match=message) as err:
        decode_share(token, LIBRARY)
    assert "\n" not in str(err.value)


def test_a_decompression_bomb_is_refused_quickly() -> None:
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" * 5_000_000, 9)).decode().rstrip("=")
    assert len(bomb) < 8000
    with pytest.raises(ShareLinkError, match="too large|damaged"):
        decode_share(bomb, LIBRARY)


def test_nan_in_a_link_is_refused() -> None:
    token = base64.urlsafe_b64encode(zlib.compress(
        b'{"b":"s2_full_china_ban","x":{"china_ai_sales":[NaN,0,0]}}')).decode()
    with pytest.raises(ShareLinkError, match="invalid shock"):
        decode_share(token, LIBRARY)
