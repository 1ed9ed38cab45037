"""Names people read for the ids the model uses (holdings, entities, segments, channels,
profile sources, provenance fields), from the catalog's own names.

``NVDA`` -> "NVIDIA (NVDA)", ``anthropic`` -> "Anthropic", ``model_lab`` -> "Model lab",
``link.equity:mistral`` -> "Equity stake in Mistral AI". Anything unknown comes back readable
(underscores become spaces) rather than raising: a user's own symbols have no catalog entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exposure.model.catalog import Catalog

SEGMENT_NAMES: dict[str, str] = {
    "chips": "Chips", "equipment": "Chip equipment", "memory": "Memory", "cloud": "Cloud",
    "model_lab": "Model lab", "startup": "Startup", "china_tech": "China tech", "fund": "Fund",
    "unclassified": "Unclassified",
}
"""Short names of the segments (the catalog's segment labels are long descriptions)."""

PROFILE_SOURCE_NAMES: dict[str, str] = {
    "profile": "Company profile",
    "segment default": "Segment default",
    "unclassified": "Unclassified",
    "fund look-through": "Fund look-through",
}

LINK_KIND_NAMES: dict[str, str] = {
    "equity": "Equity stake",
    "contract": "Compute contract",
    "fund": "Held through a fund",
}

TIER_NAMES: dict[str, str] = {
    "primary": "Primary", "press": "Press", "secondary": "Secondary", "judgement": "Judgement",
    "estimated": "Estimated", "stated": "Stated", "untiered": "No tier",
}

FIELD_NAMES: dict[str, str] = {
    "elasticity": "Elasticity k",
    "revenue_usd": "Revenue",
    "market_cap_usd": "Market capitalisation",
    "valuation_usd": "Valuation",
    "link.valuation_usd": "Valuation of the target",
    "link.revenue_usd": "Revenue of the holder",
}


def readable(ident: str) -> str:
    """``model_weights_export`` -> "Model weights export" (first letter up, no underscores)."""
    text = str(ident).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def segment_name(segment: str) -> str:
    return SEGMENT_NAMES.get(str(segment), readable(segment))


def profile_source_name(source: str) -> str:
    return PROFILE_SOURCE_NAMES.get(str(source), readable(source))


def tier_name(tier: str | None) -> str:
    return TIER_NAMES.get(str(tier), readable(str(tier))) if tier else ""


def channel_name(catalog: Catalog, channel_id: str) -> str:
    for channel in catalog.channels:
        if channel.id == channel_id:
            return channel.name
    return readable(channel_id)


def entity_name(catalog: Catalog, ident: str, *, ticker: bool = True) -> str:
    """A company, fund or segment default by id or ticker: "NVIDIA (NVDA)", "Anthropic",
    "VanEck Semiconductor ETF (SMH)"; an unknown id comes back as it is."""
    ident = str(ident)
    company = catalog.companies.get(ident) or catalog.company_for_symbol(ident)
    if company is not None:
        if ticker and company.ticker:
            return f"{company.name} ({company.ticker})"
        return company.name
    fund = catalog.funds.get(ident.upper())
    if fund is not None:
        return f"{fund.name} ({fund.id})" if ticker else fund.name
    return ident


def holding_name(catalog: Catalog, symbol: str, name: str | None = None) -> str:
    """A holding as "Name (TICKER)": the catalog's name, else the book's own name, else the
    symbol alone (private ids get their name without the id)."""
    symbol = str(symbol)
    known = entity_name(catalog, symbol)
    if known != symbol:
        return known
    if name and str(name).strip() and str(name).strip() != symbol:
        return f"{str(name).strip()} ({symbol})"
    return symbol


def holding_label(symbol: str, name: str | None = None) -> str:
    """A holding from the book's own columns, no catalog needed: "NVIDIA (NVDA)"; a private
    company's lower-case id by its name alone ("Anthropic"); the symbol when there is no name."""
    symbol, name = str(symbol), str(name or "").strip()
    if not name or name == symbol:
        return symbol
    if symbol != symbol.upper():  # a private company's id, not a ticker
        return name
    return f"{name} ({symbol})"


def subject_name(catalog: Catalog, subject: str) -> str:
    """A provenance subject: ``segment:chips`` -> "Chips (segment default)", ``price:NVDA`` ->
    "NVIDIA (NVDA) price", ``fund:SMH`` -> the fund's name, an issuer id -> its name."""
    subject = str(subject)
    kind, _, rest = subject.partition(":")
    if rest and kind == "segment":
        return f"{segment_name(rest)} (segment default)"
    if rest and kind == "price":
        return f"{entity_name(catalog, rest)} price"
    if rest and kind == "fund":
        return entity_name(catalog, rest)
    if rest and kind == "scenario":
        scenario = catalog.scenarios.get(rest)
        return (scenario.label or scenario.title) if scenario is not None else readable(rest)
    if rest and kind == "holding":
        return f"{entity_name(catalog, rest)} (holding)"
    link = catalog.links.get(subject)
    if link is not None:
        return f"{entity_name(catalog, link.holder)} → {entity_name(catalog, link.target)}"
    return entity_name(catalog, subject)


def field_name(catalog: Catalog, field: str) -> str:
    """A provenance field: ``exposure.china_ai_sales`` -> "Exposure: China AI compute sales",
    ``link.equity:mistral`` -> "Equity stake in Mistral AI", ``weight.NVDA`` -> "Weight of
    NVIDIA (NVDA)", ``close_usd`` -> "Close (USD)"."""
    field = str(field)
    if field in FIELD_NAMES:
        return FIELD_NAMES[field]
    if field.startswith("exposure."):
        return f"Exposure: {channel_name(catalog, field.split('.', 1)[1])}"
    if field.startswith("weight."):
        return f"Weight of {entity_name(catalog, field.split('.', 1)[1])}"
    if field.startswith("link.") and ":" in field:
        kind, target = field[len("link."):].split(":", 1)
        target_name = entity_name(catalog, target)
        if kind == "equity":
            return f"Equity stake in {target_name}"
        if kind == "contract":
            return f"Compute contract with {target_name}"
        return f"{readable(kind)} link to {target_name}"
    if field.startswith("shocks."):
        return f"Shock: {channel_name(catalog, field.split('.', 1)[1])}"
    if field.startswith("close_"):
        return f"Close ({field.split('_', 1)[1].upper()})"
    return readable(field)
