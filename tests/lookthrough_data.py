"""Builders for look-through tests: the mini catalog plus links and funds, in a temp folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import MINI_DATA

SRC = "source: https://example.org/fact, as_of: 2025-01-01, tier: primary"

LINKS = f"""
- {{id: bbb_labco, holder: BBB, target: labco, kind: equity, stake_pct: 27, {SRC},
   confidence: high, basis: test}}
- {{id: aaa_labco, holder: AAA, target: labco, kind: contract, contract_usd: 300, term_years: 3,
   measured_against: {{kind: revenue, value: 500, {SRC}}}, {SRC}, confidence: medium, basis: test}}
"""


def mini_with_lookthrough(tmp: Path, links: str = LINKS, funds: dict[str, str] | None = None) -> Path:
    """Copy the mini data, give its issuers values, add ``links.yaml`` and ``funds/*.yaml``."""
    root = tmp / "data"
    shutil.copytree(MINI_DATA, root)
    comp = root / "companies.yaml"
    text = comp.read_text()
    text = text.replace("  segment: chips\n  elasticity:",
                        f"  segment: chips\n  market_cap_usd: {{value: 1000, {SRC}}}\n  elasticity:", 1)
    text = text.replace("  segment: cloud\n",
                        f"  segment: cloud\n  market_cap_usd: {{value: 2000, {SRC}}}\n", 1)
    text = text.replace("  listed: false\n  segment: chips\n",
                        f"  listed: false\n  segment: chips\n  valuation_usd: {{value: 400, {SRC}}}\n", 1)
    comp.write_text(text)
    if links:
        (root / "links.yaml").write_text(links)
    if funds:
        (root / "funds").mkdir()
        for name, body in funds.items():
            (root / "funds" / f"{name}.yaml").write_text(body)
    return root


def fund_yaml(fund_id: str, constituents: dict[str, float]) -> str:
    rows = "\n".join(f"  - {{symbol: {s}, weight: {w}}}" for s, w in constituents.items())
    return (f"id: {fund_id}\nname: {fund_id} fund\nissuer: test\nsource: https://example.org/f\n"
            f"as_of: 2026-01-01\ntier: primary\nbasis: test\nconstituents:\n{rows}\n")
