"""Pure plotly builders for the look-through views."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from exposure.charts.style import apply_layout
from exposure.display import USD, DisplayMoney

KIND_COLORS: dict[str, str] = {
    "fund": "rgba(127,140,141,0.45)",
    "equity": "rgba(138,79,191,0.45)",
    "contract": "rgba(224,138,30,0.40)",
}
HOLDING_COLOR = "#5D7A99"
ENTITY_COLOR = "#8A4FBF"
NODE_PAD = 22
"""Vertical gap between nodes: room for a label line, so labels do not overlap."""
KIND_LABELS = {"fund": "held through a fund", "equity": "stake held by a listed holding",
               "contract": "compute contract (dependence, not ownership)"}


def exposure_sankey(flows: pd.DataFrame, names: Mapping[str, str], *, top: int = 40,
                    display: DisplayMoney = USD) -> go.Figure:
    """Holdings (left) to the entities they hold or depend on (right), width = amount (the
    flows in USD, shown in ``display``'s currency).

    ``flows`` columns: ``source`` (holding), ``target`` (entity), ``kind``
    (fund / equity / contract), ``usd``; ``names`` maps those ids to the names shown. An id
    that is both a holding and a target is one node. The ``top`` largest flows are drawn.
    """
    f = flows.assign(abs_usd=pd.to_numeric(flows["usd"], errors="coerce").abs().fillna(0.0))
    f = f[f["abs_usd"] > 0].nlargest(top, "abs_usd")
    if f.empty:
        fig = go.Figure()
        fig.add_annotation(text="No look-through paths for this portfolio", showarrow=False)
        return apply_layout(fig, "Effective exposure", height=240)
    # one node per entity: a private holding that is itself a target (OpenAI held directly
    # and through Microsoft) is one node, named once
    nodes = list(dict.fromkeys([*f["source"], *f["target"]]))
    index = {n: i for i, n in enumerate(nodes)}
    holders = set(f["source"])
    labels = [str(names.get(n, n)) for n in nodes]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=labels, pad=NODE_PAD, thickness=14,
                  color=[HOLDING_COLOR if n in holders else ENTITY_COLOR for n in nodes],
                  hovertemplate=f"%{{label}}<br>{display.hover('value')}<extra></extra>"),
        link=dict(
            source=[index[s] for s in f["source"]],
            target=[index[t] for t in f["target"]],
            value=display.amount(f["abs_usd"]).tolist(),
            color=[KIND_COLORS.get(k, "rgba(150,150,150,0.4)") for k in f["kind"]],
            customdata=[f"{KIND_LABELS.get(k, k)}: {display.money(v)}"
                        for k, v in zip(f["kind"], f["usd"], strict=True)],
            hovertemplate="%{source.label} → %{target.label}<br>%{customdata}<extra></extra>",
        ),
    ))
    column = max(len(holders), len(nodes) - len(holders))
    return apply_layout(fig, "Effective exposure: what the holdings own and depend on",
                        height=max(380, (NODE_PAD + 16) * column + 120))
