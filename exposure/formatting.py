"""Numbers as people read them: one home for money and percent formats (charts, tables, report)."""

from __future__ import annotations


def money(value: float) -> str:
    """Compact signed dollars: -$1.23M, $45.6k."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    for unit, scale in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= scale:
            return f"{sign}${v / scale:,.{2 if unit != 'k' else 1}f}{unit}"
    return f"{sign}${v:,.0f}"
