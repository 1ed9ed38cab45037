"""The one rule every benchmark ends with: print each figure over its budget and exit 1 if any
is, so ``make bench`` fails on a regression."""

from __future__ import annotations

from collections.abc import Iterable


def over_budget(checks: Iterable[tuple[str, float, float]]) -> int:
    """``checks`` are ``(name, value, budget)`` with "value <= budget" as the rule; print an
    ``OVER BUDGET`` line per failed check and return the exit code (1 when any failed)."""
    over = [(name, value, budget) for name, value, budget in checks if value > budget]
    for name, value, budget in over:
        print(f"OVER BUDGET: {name} = {value:.3f} > {budget:.3f}")
    return 1 if over else 0
