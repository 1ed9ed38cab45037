"""Editing a scenario: one rule for how edits are recorded, used by the editor and by share
links, so that a shared link rebuilds exactly the scenario the sender saw."""

from __future__ import annotations

from collections.abc import Mapping

from exposure.model.schema import Probability, Scenario, Shock

ShockValues = tuple[float, float, float]
"""(low, base, high) as fractions."""


def shock_values(scenario: Scenario, channel: str) -> ShockValues:
    shock = scenario.shocks.get(channel)
    return (shock.low, shock.base, shock.high) if shock else (0.0, 0.0, 0.0)


def apply_edits(
    origin: Scenario,
    *,
    new_id: str,
    title: str,
    narrative: str,
    probability: float,
    shocks: Mapping[str, ShockValues],
) -> Scenario:
    """``origin`` with the given values; every changed number says it was edited and from what.

    Channels whose (low, base, high) are all zero are dropped; unchanged shocks keep their
    rationale and source; a changed probability gets a 'user judgement' basis.
    """
    new_shocks: dict[str, Shock] = {}
    for ch, (low, base, high) in shocks.items():
        if low == base == high == 0:
            continue
        old = origin.shocks.get(ch)
        if old is not None and (old.low, old.base, old.high) == (low, base, high):
            new_shocks[ch] = old
            continue
        rationale = f"Edited in the scenario editor from '{origin.id}'"
        if old is not None:
            rationale += f": {old.rationale}"
        new_shocks[ch] = Shock(low=low, base=base, high=high, rationale=rationale,
                               source=old.source if old else None)
    if probability == origin.probability.value:
        prob = origin.probability
    else:
        prob = Probability(value=probability, basis="User judgement in the scenario editor "
                                                    f"(was {origin.probability.value:.0%})")
    return Scenario(
        id=new_id, title=title.strip() or origin.title, narrative=narrative.strip() or origin.narrative,
        label=origin.label,  # inherited like horizon and events (the edit starts from this scenario)
        probability=prob, horizon=origin.horizon, events=list(origin.events), shocks=new_shocks,
    )
