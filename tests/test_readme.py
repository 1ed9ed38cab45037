"""The README's data dates are the dates in ``data/``: the table cannot drift from the files."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import yaml

from tests.conftest import ROOT

DATA = ROOT / "data"


def _dates(node: Any, key: str = "as_of") -> Iterator[date]:
    """Every ``key: <date>`` anywhere in a loaded YAML tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, date):
                yield v
            yield from _dates(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _dates(v, key)


def _load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _readme_table() -> dict[str, str]:
    """``| data (`file`) | dates |`` rows of the README's freshness table, keyed by file."""
    rows = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|[^|]*\(`(data/[^`]+)`\)\s*\|\s*([^|]+?)\s*\|$", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def _span(values: list[date]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:%Y-%m-%d}" if lo == hi else f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d}"


def test_readme_states_the_dates_found_in_data() -> None:
    with (DATA / "prices" / "closes.csv").open(newline="", encoding="utf-8") as f:
        closes = [date.fromisoformat(row["date"]) for row in csv.DictReader(f)]
    found = {
        "data/events.yaml": f"{max(e['date'] for e in _load('events.yaml')):%Y-%m-%d}",
        "data/prices/closes.csv": _span(closes),
        "data/reference_prices.yaml": _span(list(_dates(_load("reference_prices.yaml")))),
        "data/reference_fx.yaml": _span(list(_dates(_load("reference_fx.yaml")))),
        "data/companies.yaml": _span(list(_dates(_load("companies.yaml")))),
    }
    assert _readme_table() == found


def test_readme_runs_the_cli_from_the_venv_and_names_the_cases() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    top = text[: text.index("## What it answers")]
    assert ".venv/bin/exposure" in top and "source .venv/bin/activate" in top
    for case in ("adverse", "central", "favourable"):
        assert f"**{case}**" in top
    assert "low|base|high" not in text and "(low / base / high)" not in text
