"""Editing a scenario: one rule for how edits are recorded, used by the editor and by share
links, so that a shared link rebuilds exactly the scenario the sender saw."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from exposure.model.schema import Probability, Scenario, Shock

EDITOR_BASIS = "edited by the user in the scenario editor"
"""The ``basis`` of every number the editor changes (tier ``judgement``, dated the day of the edit)."""

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
    today: date | None = None,
) -> Scenario:
    """``origin`` with the given values; every changed number says it was edited and from what.

    Channels whose (low, base, high) are all zero are dropped; unchanged shocks keep their
    rationale, source, tier and date. A changed shock or probability is a user judgement:
    ``tier: judgement``, ``as_of`` the day of the edit (``today``), ``basis`` saying so, so a
    saved scenario passes ``exposure validate-data``.
    """
    today = today or date.today()
    new_shocks: dict[str, Shock] = {}
    for ch, (low, base, high) in shocks.items():
        if low == base == high == 0:
            continue
        old = origin.shocks.get(ch)
        if old is not None and (old.low, old.base, old.high) == (low, base, high):
            new_shocks[ch] = old if old.tier and old.as_of else old.model_copy(update={
                "tier": "judgement", "as_of": today,
                "basis": f"Kept unchanged by the user in the scenario editor from '{origin.id}', "
                         "which gave it no tier"})
            continue
        rationale = f"Edited in the scenario editor from '{origin.id}'"
        if old is not None:
            rationale += f": {old.rationale}"
        was = f" (was {old.low:+.0%} / {old.base:+.0%} / {old.high:+.0%})" if old else ""
        new_shocks[ch] = Shock(low=low, base=base, high=high, rationale=rationale,
                               source=old.source if old else None, tier="judgement",
                               as_of=today, basis=f"{EDITOR_BASIS.capitalize()}{was}")
    if probability == origin.probability.value:
        prob = origin.probability
        if not (prob.tier and prob.as_of):
            prob = prob.model_copy(update={"tier": "judgement", "as_of": today})
    else:
        prob = Probability(value=probability, tier="judgement", as_of=today,
                           basis=f"{EDITOR_BASIS.capitalize()} "
                                 f"(was {origin.probability.value:.0%})")
    return Scenario(
        id=new_id, title=title.strip() or origin.title, narrative=narrative.strip() or origin.narrative,
        label=origin.label,  # inherited like horizon and events (the edit starts from this scenario)
        probability=prob, horizon=origin.horizon, events=list(origin.events), shocks=new_shocks,
    )
