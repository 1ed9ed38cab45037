"""``exposure evaluate --case`` on the real library and the sample book, run as a user runs it.

The cases are named for the holder: for every scenario and every holding the adverse case is
never better than the central one and the central never better than the favourable one, so no
scenario can show a gain on "adverse" where it shows a loss on "central".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SAMPLE = str(ROOT / "data" / "portfolios" / "sample.yaml")
CASES = ("adverse", "central", "favourable")
TOLERANCE = 1e-6  # dollars: float noise only


def evaluate(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPOSURE_OFFLINE": "1", "EXPOSURE_HOME": str(home)}
    env.pop("EXPOSURE_DATA", None)  # the bundled library, not a fixture
    return subprocess.run(
        [sys.executable, "-m", "exposure.cli", "evaluate", "--portfolio", SAMPLE,
         "--format", "json", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


def _run(home: Path, *args: str) -> dict:
    proc = evaluate(home, *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _rows(out: dict) -> dict[tuple[str, str, str], float]:
    rows = {(r["symbol"], str(r["account"]), r["scenario"]): float(r["impact_usd"])
            for r in out["rows"]}
    assert len(rows) == len(out["rows"]), "a holding appears twice under one scenario"
    return rows


@pytest.mark.parametrize("extra", [(), ("--look-through",)], ids=["direct", "look-through"])
def test_adverse_never_beats_central_never_beats_favourable(home: Path, extra: tuple[str, ...]
                                                           ) -> None:
    outs = {case: _run(home, "--case", case, *extra) for case in CASES}
    assert [outs[c]["case"] for c in CASES] == list(CASES)
    adverse, central, favourable = (_rows(outs[c]) for c in CASES)
    assert adverse.keys() == central.keys() == favourable.keys()
    scenarios = {key[2] for key in central}
    library = {p.stem for p in (ROOT / "data" / "scenarios").glob("*.yaml")}
    assert scenarios == library, "every library scenario is evaluated"
    assert len({key[0] for key in central}) >= 20  # every holding of the sample book

    wrong = [(key, adverse[key], central[key], favourable[key]) for key in central
             if adverse[key] > central[key] + TOLERANCE
             or central[key] > favourable[key] + TOLERANCE]
    assert wrong == [], f"holding/scenario out of order (adverse, central, favourable): {wrong[:5]}"

    totals = {c: {p["scenario"]: p["impact_usd"] for p in outs[c]["portfolio"]} for c in CASES}
    for scenario in library:
        a, c, f = (totals[case][scenario] for case in CASES)
        assert a <= c + TOLERANCE and c <= f + TOLERANCE, (scenario, a, c, f)
        assert not (c < 0 < a), f"{scenario}: adverse shows a gain where central shows a loss"
    assert (outs["adverse"]["expected_impact_usd"] <= outs["central"]["expected_impact_usd"]
            <= outs["favourable"]["expected_impact_usd"])


def test_the_spread_is_real_for_a_downside_scenario(home: Path) -> None:
    """The ordering is not trivially true: the Full China ban moves between the cases."""
    totals = {c: {p["scenario"]: p["impact_usd"] for p in _run(home, "--case", c)["portfolio"]}
              for c in ("adverse", "favourable")}
    ban = "s2_full_china_ban"
    assert totals["adverse"][ban] < 0
    assert totals["favourable"][ban] - totals["adverse"][ban] > 10_000


@pytest.mark.parametrize(("alias", "case"), [("low", "adverse"), ("base", "central"),
                                             ("high", "favourable")])
def test_deprecated_alias_gives_its_case_with_a_note(home: Path, alias: str, case: str) -> None:
    proc = evaluate(home, "--case", alias)
    assert proc.returncode == 0, proc.stderr
    assert "deprecated" in proc.stderr and case in proc.stderr
    out = json.loads(proc.stdout)
    assert out["case"] == case
    assert _rows(out) == _rows(_run(home, "--case", case))
