"""Numbers as people read them: one home for money and percent formats (charts, tables, report)."""

from __future__ import annotations

CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$", "TWD": "NT$",
                  "CAD": "C$", "AUD": "A$", "KRW": "₩", "CNY": "CN¥", "INR": "₹"}
"""Signs written before an amount; any other currency is written as its code and a space."""


def money(value: float, currency: str = "USD") -> str:
    """Compact signed amounts: -$1.23M, $45.6k, €12.0k, CHF 3.4M (dollars by default)."""
    sign = "-" if value < 0 else ""
    mark = CURRENCY_SIGNS.get(currency, f"{currency} ")
    v = abs(value)
    for unit, scale in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= scale:
            return f"{sign}{mark}{v / scale:,.{2 if unit != 'k' else 1}f}{unit}"
    return f"{sign}{mark}{v:,.0f}"


def pct(fraction: float, *, signed: bool = True, digits: int = 1) -> str:
    """A fraction as a percentage: ``-0.0234`` -> ``-2.3%`` (``+`` shown when signed)."""
    if fraction != fraction:  # NaN
        return "n/a"
    return f"{fraction * 100:{'+' if signed else ''}.{digits}f}%"


def money_pct(value: float, total: float) -> str:
    """``-$12.3k (-1.4% of the book)``; the percent is left out when the total is 0."""
    if total > 0:
        return f"{money(value)} ({pct(value / total)} of the book)"
    return money(value)


def whole_money(value: float) -> str:
    """Exact dollars with thousands separators, no cents from $10k up: ``$620,000``."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    return f"{sign}${v:,.0f}" if v >= 10_000 else f"{sign}${v:,.2f}"


def ordinal(n: int) -> str:
    """``1`` -> ``1st``, ``2`` -> ``2nd``, ``11`` -> ``11th``, ``95`` -> ``95th``."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def listing(items: list[str], limit: int = 30) -> str:
    """``A, B, C`` or, past ``limit`` items, ``A, B, ... and 120 more``."""
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit:,} more"


def money_tick(value: float, currency: str = "USD") -> str:
    """An axis tick in ``currency`` (dollars by default), sign before the symbol and no
    trailing zeros: ``-$100k``, ``$1.5M``, ``€2B``, ``$0`` (never ``$-100k``)."""
    mark = CURRENCY_SIGNS.get(currency, f"{currency} ")
    if value == 0:
        return f"{mark}0"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for unit, scale in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= scale * 0.9995:
            text = f"{v / scale:.2f}".rstrip("0").rstrip(".")
            return f"{sign}{mark}{text}{unit}"
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{sign}{mark}{text}"


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """About ``count`` round tick values (1, 2, 2.5 or 5 times a power of ten) covering
    ``[lo, hi]``, zero included when the range spans it."""
    import math

    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi < lo:
        lo, hi = hi, lo
    span = hi - lo
    if span <= 0:
        span = abs(hi) or 1.0
        lo, hi = lo - span / 2, hi + span / 2
    raw = span / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    # Counted, not accumulated: adding a step far below the rounding (a range of 1e-12 around a
    # large value) never moved the last tick, and the list grew until memory ran out.
    n = min(max(1, math.ceil((hi - first) / step - 1e-9)), 4 * count)
    digits = max(0, 2 - math.floor(math.log10(step)))
    return [round(first + i * step, digits) + 0.0 for i in range(n + 1)]
