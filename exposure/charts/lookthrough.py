"""Pure plotly builders for the look-through views."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from exposure.charts.style import apply_layout
from exposure.formatting import money

KIND_COLORS: dict[str, str] = {
    "fund": "rgba(127,140,141,0.45)",
    "equity": "rgba(138,79,191,0.45)",
    "contract": "rgba(224,138,30,0.40)",
}
KIND_LABELS = {"fund": "held through a fund", "equity": "stake held by a listed holding",
               "contract": "compute contract (dependence, not ownership)"}


def exposure_sankey(flows: pd.DataFrame, names: Mapping[str, str], *, top: int = 40) -> go.Figure:
    """Holdings (left) to the entities they hold or depend on (right), width = USD.

    ``flows`` columns: ``source`` (holding), ``target`` (entity), ``kind``
    (fund / equity / contract), ``usd``. The ``top`` largest flows are drawn.
    """
    f = flows.assign(abs_usd=pd.to_numeric(flows["usd"], errors="coerce").abs().fillna(0.0))
    f = f[f["abs_usd"] > 0].nlargest(top, "abs_usd")
    if f.empty:
        fig = go.Figure()
        fig.add_annotation(text="No look-through paths for this portfolio", showarrow=False)
        return apply_layout(fig, "Effective exposure", height=240)
    sources = list(dict.fromkeys(f["source"]))
    targets = [t for t in dict.fromkeys(f["target"])]
    labels = [f"{s} (holding)" if s in targets else s for s in sources] + \
             [names.get(t, t) for t in targets]
    index_src = {s: i for i, s in enumerate(sources)}
    index_tgt = {t: len(sources) + i for i, t in enumerate(targets)}
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=labels, pad=12, thickness=14,
                  color=["#34495E"] * len(sources) + ["#8A4FBF"] * len(targets)),
        link=dict(
            source=[index_src[s] for s in f["source"]],
            target=[index_tgt[t] for t in f["target"]],
            value=f["abs_usd"].tolist(),
            color=[KIND_COLORS.get(k, "rgba(150,150,150,0.4)") for k in f["kind"]],
            customdata=[f"{KIND_LABELS.get(k, k)}: {money(v)}" for k, v in zip(f["kind"], f["usd"], strict=True)],
            hovertemplate="%{source.label} → %{target.label}<br>%{customdata}<extra></extra>",
        ),
    ))
    return apply_layout(fig, "Effective exposure: what the holdings own and depend on",
                   height=max(380, 22 * max(len(sources), len(targets)) + 120))
