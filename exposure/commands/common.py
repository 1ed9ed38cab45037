"""Helpers shared by CLI subcommands: formatting and common options."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import pandas as pd


def add_home_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", metavar="DIR",
                        help="workspace folder (default: $EXPOSURE_HOME or ~/.local/share/exposure)")


def add_portfolio_option(parser: argparse.ArgumentParser) -> None:
    """The required ``--portfolio FILE`` every portfolio command takes."""
    parser.add_argument("--portfolio", required=True, metavar="FILE",
                        help="portfolio YAML or broker export (CSV)")


def clean(value: Any) -> Any:
    """JSON-safe plain value: NaN -> None, numpy scalars -> Python, dates -> ISO."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def print_json(obj: Any) -> None:
    json.dump(clean(obj), sys.stdout, indent=2)
    sys.stdout.write("\n")


def print_table(frame: pd.DataFrame, floatfmt: dict[str, str] | None = None) -> None:
    """Plain aligned text table (no extra dependency)."""
    floatfmt = floatfmt or {}
    shown = frame.copy()
    for col, fmt in floatfmt.items():
        if col in shown:
            shown[col] = shown[col].map(lambda v, f=fmt: "" if pd.isna(v) else format(v, f))
    sys.stdout.write(shown.to_string(index=False) + "\n")


def money(value: float) -> str:
    sign = "-" if value < 0 else ""
    v = abs(value)
    if v >= 1e9:
        return f"{sign}${v / 1e9:,.2f}B"
    if v >= 1e6:
        return f"{sign}${v / 1e6:,.2f}M"
    if v >= 1e3:
        return f"{sign}${v / 1e3:,.1f}k"
    return f"{sign}${v:,.0f}"
