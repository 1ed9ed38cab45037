"""The Overview's effective-exposure section: coverage, Sankey and entities (look-through)."""

from __future__ import annotations

import streamlit as st

from exposure.charts import lookthrough as charts_lookthrough
from exposure.formatting import money
from exposure.ui.loaders import book_figure
from exposure.ui.sidebar import PageContext

ENTITY_CONFIG = {
    "direct_usd": st.column_config.NumberColumn("direct (USD)", format="dollar"),
    "indirect_usd": st.column_config.NumberColumn("indirect (USD)", format="dollar"),
    "fund_usd": st.column_config.NumberColumn("via funds", format="dollar"),
    "equity_usd": st.column_config.NumberColumn("via stakes", format="dollar"),
    "contract_usd": st.column_config.NumberColumn("contract dependence", format="dollar"),
    "share_of_portfolio": st.column_config.NumberColumn("share of portfolio", format="percent"),
    "oldest_as_of": st.column_config.DateColumn("oldest source"),
    "stale": st.column_config.CheckboxColumn("older than 12 months"),
}


def effective_exposure_section(ctx: PageContext) -> None:
    """Coverage, the holdings -> labs/startups Sankey and the entities table."""
    lt = ctx.book
    j = lt.evaluation.scenario_index(ctx.scenario_id)
    with st.container(border=True):
        st.subheader("Effective exposure (look-through)")
        st.caption("Most investors cannot buy Anthropic or OpenAI, yet hold them through listed "
                   "stakes and funds. Direct = private marks held; indirect = through funds and stakes "
                   "of listed holdings; contracts are dependence, not ownership. "
                   + ("The look-through switch is **on**: impacts above include it."
                      if ctx.lookthrough_on else "Turn on **Look-through** in the sidebar to include "
                      "it in the impacts above."))
        c1, c2, c3 = st.columns(3)
        c1.metric("Coverage by profiles", f"{lt.coverage_lookthrough:.1%}",
                  delta=f"{(lt.coverage_lookthrough - lt.coverage_direct) * 100:+.1f} pts "
                        "from look-through",
                  help="Share of portfolio value whose exposure comes from company profiles (directly "
                       "or through fund constituents) rather than segment defaults.")
        top_entity = lt.entities.iloc[0] if len(lt.entities) else None
        if top_entity is not None:
            c2.metric("Largest indirect exposure", str(top_entity["name"]),
                      delta=f"{money(float(top_entity['indirect_usd']))} indirect", delta_color="off")
        c3.metric("Look-through impact", money(float(lt.lookthrough_usd[:, j].sum()))
                  if lt.lookthrough_on else "switched off",
                  help=f"What look-through adds under {ctx.title(ctx.scenario_id)}.")
        names = {c.id: c.name for c in ctx.catalog.companies.values()}
        st.plotly_chart(book_figure(lt, "sankey", build=lambda: charts_lookthrough.exposure_sankey(
            lt.sankey_frame(), names)), width="stretch", key="sankey")
        table = lt.entities[["entity", "name", "segment", "direct_usd", "indirect_usd", "fund_usd",
                             "equity_usd", "contract_usd", "share_of_portfolio", "oldest_as_of", "stale"]]
        st.dataframe(table, hide_index=True, width="stretch", key="entities",
                     column_config=ENTITY_CONFIG)
