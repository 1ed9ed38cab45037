"""Overview: how the portfolio fares under each export-policy scenario."""

import streamlit as st

from exposure.charts import overview as charts
from exposure.formatting import money
from exposure.ui.lookthrough_view import effective_exposure_section
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.widgets import TABLE_CONFIG, default_profile_note, exposures_table, kpi

setup_page("Overview", ":material/dashboard:")
ctx = sidebar()
ev = ctx.analysis.evaluation
titles = dict(zip(ev.scenarios.ids, ev.scenarios.titles, strict=True))
j = ev.scenario_index(ctx.scenario_id)

st.title("Export-policy exposure")
st.caption(
    f"{ctx.portfolio.name} · {len(ctx.portfolio.holdings)} holdings · scenario "
    f"**{titles[ctx.scenario_id]}** ({ctx.case} case) · {ctx.price_status}"
)
if ctx.portfolio.illustrative:
    st.info("This is the bundled **illustrative** sample portfolio, not investment advice. "
            "Load your own on the Portfolio page.", icon=":material/info:")

impact = float(ev.portfolio_usd[j])
worst = int(ev.impact_usd[:, j].argmin()) if len(ev.market_value) else None
c1, c2, c3, c4 = st.columns(4)
with c1:
    kpi("Portfolio value", money(ev.total_value_usd),
        help="Holdings at the prices shown in the sidebar plus cash.")
with c2:
    kpi(f"Impact: {titles[ctx.scenario_id]}", money(impact),
        delta=f"{ev.impact_pct[j] * 100:+.2f}%",
        help="Change in portfolio value if this scenario happens (shocks at the chosen case).")
with c3:
    kpi("Probability-weighted impact", money(ev.expected_impact_usd),
        delta=f"{ev.expected_impact_usd / ev.total_value_usd * 100:+.2f}%"
        if ev.total_value_usd else None,
        help="Sum over the scenario set of probability x impact; the remainder of probability "
             "is 'no policy change'. Weights: "
             + ", ".join(f"{titles[s]} {p:.0%}" for s, p in zip(ev.scenarios.ids, ev.probabilities, strict=True)))
with c4:
    if worst is not None and ev.impact_usd[worst, j] < 0:
        kpi("Most exposed holding", str(ev.profiles.symbols[worst]),
            delta=f"{money(float(ev.impact_usd[worst, j]))} "
                  f"({ev.value_change[worst, j] * 100:+.1f}%)",
            help=f"{ev.profiles.names[worst]}: largest USD loss under this scenario.")
    else:
        kpi("Most exposed holding", "none", help="No holding loses value under this scenario.")

default_profile_note(ctx.analysis)

frame = ev.holding_frame()
left, right = st.columns([5, 6])
with left, st.container(border=True):
    st.plotly_chart(charts.scenario_bar(ev.portfolio_frame(), ctx.scenario_id),
                    width="stretch", key="scenario_bar")
with right, st.container(border=True):
    st.plotly_chart(charts.exposure_treemap(frame, ctx.scenario_id, titles[ctx.scenario_id]),
                    width="stretch", key="treemap")

with st.container(border=True):
    st.plotly_chart(charts.impact_heatmap(frame, titles), width="stretch", key="heatmap")

with st.container(border=True):
    st.subheader("Top exposures")
    st.caption(f"Under **{titles[ctx.scenario_id]}**, largest loss first. Click a column to sort.")
    lt_usd = ctx.lookthrough.lookthrough_usd if ctx.lookthrough_on else None
    st.dataframe(exposures_table(ctx.analysis, ctx.scenario_id, lt_usd), hide_index=True,
                 width="stretch", column_config=TABLE_CONFIG)

effective_exposure_section(ctx)
