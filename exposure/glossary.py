"""The model's vocabulary in plain English, from one place.

Every tooltip that explains a term of the model (widgets, metrics, column headers) is built
here with :func:`tip`, and the Methodology page lists the whole :data:`GLOSSARY`, so a term
reads the same everywhere. Keys are the terms as a reader meets them; each definition is one
sentence for an investor, not a formula (the formulas are on the Methodology page).
"""

from __future__ import annotations

import pandas as pd

GLOSSARY: dict[str, str] = {
    "Adverse case": (
        "Every shock taken at the end of its range that is worse for a holder of that "
        "exposure, so a scenario's adverse case never shows a gain where its central case "
        "shows a loss."),
    "Central case": "Every shock taken at its base estimate, the most likely value we chose.",
    "Favourable case": (
        "Every shock taken at the end of its range that is better for a holder of that "
        "exposure."),
    "Shock case": (
        "Which end of every shock's range the results use: adverse (worse for the holder), "
        "central (base estimate) or favourable (better for the holder)."),
    "Scenario": (
        "A way US export policy (or a Chinese response) could move, with a probability, a "
        "horizon and a shock per channel."),
    "Scenario set": (
        "The scenarios included in the heatmap, the bars and the probability-weighted "
        "impact."),
    "Shock": (
        "How much a scenario changes one channel's revenue stream or dependency, as a "
        "fraction: -100% means the stream is lost, +30% means it grows by 30%."),
    "Channel": (
        "One route by which export policy reaches a company's value, such as AI chip sales "
        "into China or dependence on buying frontier accelerators."),
    "Exposure": (
        "The share of a company's revenue (or of its inputs) that runs through a channel, "
        "from 0% to 100%, sourced from filings where disclosed."),
    "Elasticity k": (
        "How strongly a revenue change turns into a value change: k = 1.5 means a 10% revenue "
        "loss costs 15% of value, because lost high-margin sales hurt profits more than "
        "revenue."),
    "Segment": (
        "The kind of business a holding is in (chips, equipment, memory, cloud, model lab, "
        "startup, China tech, fund); it sets the default profile and elasticity."),
    "Segment default": (
        "The typical exposures of a segment, used for a holding without a company profile of "
        "its own, so its numbers are averages rather than that company's."),
    "Profile source": (
        "Where a holding's exposures come from: its own company profile, its segment's "
        "default, a fund's constituents (look-through), or nothing (unclassified)."),
    "Unclassified": (
        "A holding with neither a company profile nor a segment: no exposure is assumed, so "
        "it shows no impact until it is classified."),
    "Layer": (
        "Where a holding sits in the AI stack: chips, cloud, model labs, startups, China "
        "tech or funds."),
    "Revenue change": (
        "The scenario's effect on a holding's revenue: each channel's exposure times its "
        "shock, added up."),
    "Value change": (
        "The revenue change times the elasticity k, floored at -100%: the estimated change "
        "in the holding's market value."),
    "Impact": (
        "The change in dollars of a holding's (or the whole book's) value if the scenario "
        "happens; losses are negative."),
    "% of book": "A dollar figure divided by the book's total value (holdings plus cash).",
    "Probability": (
        "The weight we give a scenario happening within its horizon, with its stated basis; "
        "the remainder is 'no policy change'."),
    "Horizon": "The time over which a scenario is assumed to play out, in months.",
    "Probability-weighted impact": (
        "The sum over the scenario set of each scenario's probability times its impact; the "
        "remaining probability counts as no change."),
    "Look-through": (
        "Counting what a holding owns or depends on: a fund's constituents, a listed "
        "company's stakes in private labs, and suppliers' compute contracts with labs."),
    "Stake": (
        "An equity share a listed holder owns in a lab or startup, valued as a share of the "
        "holder's market value."),
    "Compute contract": (
        "A supplier's contract to sell compute to a lab: dependence on that lab's demand, "
        "not ownership."),
    "Direct exposure": "The value of a private company held directly in the book (its mark).",
    "Indirect exposure": (
        "Value held in a company through funds and through stakes of listed holdings."),
    "Coverage": (
        "The share of the book's value whose exposures come from company profiles (directly "
        "or through fund constituents) rather than segment defaults."),
    "Tier-1 country": (
        "Under the January 2025 AI Diffusion Rule, the US and close allies that could buy "
        "advanced AI chips without a licence cap."),
    "Tier-2 country": (
        "Under the AI Diffusion Rule, most other countries (Gulf states, India, South-East "
        "Asia, ...) whose purchases of AI compute faced caps or licences."),
    "VaR": (
        "Value at risk: the loss the simulated portfolio change does not exceed in 95% (or "
        "99%) of draws, over the scenarios' horizons; shown negative, as a loss."),
    "ES": (
        "Expected shortfall: the average loss in the worst 5% (or 1%) of simulated draws; "
        "always at least as large a loss as the VaR."),
    "ES contribution": (
        "A holding's average change in the worst 5% of draws; the contributions add up to "
        "the expected shortfall."),
    "Draws": (
        "Simulated outcomes: each picks which scenario happens (by the probabilities) and "
        "draws every shock from its range."),
    "Seed": "The starting number of the random draws; the same seed gives the same results.",
    "Tornado": (
        "For each channel, how far the portfolio impact moves when its shock goes from one "
        "end of its range to the other, widest first."),
    "CAR": (
        "Cumulative abnormal return: how much a stock moved around a policy event beyond what "
        "the market (the benchmark) explains, added up over the event window."),
    "Abnormal return": (
        "A stock's return on a day minus what its usual relation to the benchmark predicts."),
    "Event window": (
        "The trading days around a policy event over which abnormal returns are added up: "
        "[0,+1] is the event day and the next."),
    "Benchmark": (
        "The index a stock's normal move is measured against (SPY for the US market, SOXX "
        "for semiconductors)."),
    "t-statistic": (
        "How many standard errors a move is away from zero; about 2 or more means unlikely "
        "to be noise."),
    "Spearman": (
        "Rank correlation from -1 to +1: +1 means the model ranked the names exactly as the "
        "market moved them, 0 no relation; with few names (small n) it is very uncertain."),
    "n": (
        "How many tickers (or pairs) a statistic is computed on; a figure from n = 4 says "
        "much less than one from n = 40."),
    "p-value": (
        "The chance of a rank correlation at least this strong if the model had no skill; "
        "below 0.05 is conventionally significant."),
    "Sign accuracy": "The share of predictions whose realised move went the predicted way.",
    "Slope": (
        "Realised move per unit of predicted move over all pairs: 1 means predictions were "
        "the right size, below 1 too large."),
    "Out of sample": (
        "Each event is predicted with elasticities estimated on the other events only, so "
        "the score is not fitted to the answer."),
    "Tier": (
        "How good a number's source is: primary, press, secondary, our judgement, our "
        "estimate, or stated in the portfolio."),
    "Primary": "Filings, company releases, government and rule texts.",
    "Press": "Established news outlets and law-firm client alerts.",
    "Secondary": "Aggregators, data sites and blogs that report a number second-hand.",
    "Judgement": (
        "A number this project chose, with its basis written next to it (and the evidence "
        "where there is some)."),
    "Estimated": "A number computed here from shipped data, with the method written next to it.",
    "Stated": (
        "A value the portfolio file itself gives (for example a private mark), used when no "
        "price is available."),
    "Estimate": "A number derived by us rather than reported by a source (its basis says how).",
    "Basis": "One line saying what a number measures and how it was derived.",
    "As of": "The date a number was true or published.",
    "Stale": (
        "A number dated more than 15 months ago (12 for look-through links): check for a "
        "newer figure."),
    "Price source": (
        "Where a holding's price came from: live (Yahoo), the on-disk cache, the statement "
        "itself, the bundled sourced reference closes, or the stated value."),
    "Mark": "The value a private holding is carried at, with how it was set.",
    "Snapshot": (
        "A frozen copy of the book, prices, scenario set and results at one moment, kept for "
        "the weekly review."),
    "Price effect": "Old quantity times the change in unit price, for holdings in both snapshots.",
    "Position effect": "Change in quantity times the new price, plus holdings added and removed.",
}
"""Term -> one-sentence definition (display order: the Methodology page lists them sorted)."""


def define(term: str) -> str:
    """The definition of ``term``; a ``KeyError`` names a term missing from the glossary."""
    try:
        return GLOSSARY[term]
    except KeyError:
        raise KeyError(f"{term!r} is not in exposure.glossary.GLOSSARY") from None


def tip(*terms: str, extra: str | None = None) -> str:
    """A tooltip: ``**Term**: definition`` per term (Markdown), then ``extra`` if given."""
    parts = [f"**{t}**: {define(t)}" for t in terms]
    if extra:
        parts.append(extra)
    return "\n\n".join(parts)


def glossary_frame() -> pd.DataFrame:
    """The glossary as a two-column table (``Term``, ``Meaning``), sorted by term."""
    rows = sorted(GLOSSARY.items(), key=lambda kv: kv[0].lower())
    return pd.DataFrame(rows, columns=["Term", "Meaning"])
