"""Statement dates as brokers write them, found anywhere in a line of text.

==================================================  ===========================
text                                                layout
==================================================  ===========================
``Date downloaded Mar-14-2025 4:32 p.m ET``         Fidelity footer
``Date downloaded 09/27/2026 10:00 AM ET``          Fidelity footer (newer)
``... as of 12:33 PM ET, 2025/05/04``               Schwab title (2024+)
``... as of 09:13 PM ET, 02/04/2023``               Schwab title (legacy)
``January 1, 2025 - March 14, 2025``                IBKR statement period (the end)
``20250314``                                        IBKR Flex ReportDate
``Generated at Feb 20 2026 10:10 AM ET``            E*TRADE footer
``Stand: 14.03.2025`` ``per 14.03.2025``            German depot exports
==================================================  ===========================

US-style slashes are month/day; dotted dates are day.month (German); ISO is ISO.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_PATTERNS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\b(\d{4}-\d{2}-\d{2})\b"), ("%Y-%m-%d",)),
    (re.compile(r"\b(\d{4}/\d{1,2}/\d{1,2})\b"), ("%Y/%m/%d",)),
    (re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4})\b"), ("%m/%d/%Y",)),
    (re.compile(r"\b(\d{1,2}\.\d{1,2}\.\d{4})\b"), ("%d.%m.%Y",)),
    (re.compile(r"\b([A-Z][a-z]{2}-\d{1,2}-\d{4})\b"), ("%b-%d-%Y",)),
    (re.compile(r"\b(\d{1,2}-[A-Z][a-z]{2}-\d{4})\b"), ("%d-%b-%Y",)),
    (re.compile(r"\b([A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})\b"),
     ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%b. %d, %Y")),
    (re.compile(r"\b(\d{1,2} [A-Z][a-z]{2,8} \d{4})\b"), ("%d %B %Y", "%d %b %Y")),
    (re.compile(r"^\s*(\d{8})\s*$"), ("%Y%m%d",)),
]


def parse_date(text: str) -> date | None:
    """The first date in ``text`` in one of the layouts above, else None."""
    for pattern, formats in _PATTERNS:
        for match in pattern.findall(text or ""):
            for fmt in formats:
                try:
                    return datetime.strptime(match, fmt).date()
                except ValueError:
                    continue
    return None


def last_date(text: str) -> date | None:
    """The last date in ``text`` (a period ``January 1, 2025 - March 14, 2025`` ends there)."""
    parts = re.split(r"\s+-\s+|\s+to\s+|\s+bis\s+", text or "")
    for part in reversed(parts):
        found = parse_date(part)
        if found is not None:
            return found
    return None
