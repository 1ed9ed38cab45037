"""Holding: one position's profile with sources, its impact by channel and across scenarios."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from exposure.charts import evidence as charts_evidence
from exposure.charts import overview as charts
from exposure.formatting import money
from exposure.ui import evidence_view, holding_view
from exposure.ui.sidebar import setup_page, sidebar

setup_page("Holding", ":material/query_stats:")
ctx = sidebar()
ev = ctx.analysis.evaluation
symbols = [str(s) for s in ev.profiles.symbols]
titles = dict(zip(ev.scenarios.ids, ev.scenarios.titles, strict=True))
names = {c.id: c.name for c in ctx.catalog.channels}

st.title("Holding")
if not symbols:
    st.info("The portfolio in use has no holdings. Load one on the Portfolio page.")
    st.stop()
default = int(ev.impact_usd[:, ev.scenario_index(ctx.scenario_id)].argmin())
symbol = st.selectbox("Holding", symbols, index=default, key="holding", bind="query-params",
                      format_func=lambda s: f"{s} · {ev.profiles.names[symbols.index(s)]}")
i = symbols.index(symbol)
j = ev.scenario_index(ctx.scenario_id)
valued = ctx.analysis.valued.iloc[i]
source = str(ev.profiles.profile_source[i])

st.subheader(f"{ev.profiles.names[i]} ({symbol})")
st.caption(f"{ev.profiles.layers[i]} · segment {str(ev.profiles.segments[i]).replace('_', ' ')}"
           f" · elasticity k = {ev.profiles.elasticity[i]:.2f}")
if source == "fund look-through":
    st.info(f"**{symbol}** is a fund: its exposure is the weighted sum of its constituents' "
            "profiles (look-through is on).", icon=":material/account_tree:")
elif source == "segment default":
    st.warning(f"No company profile in the catalog: **{symbol}** uses the "
               f"**{ev.profiles.segments[i]}** segment's default profile. Its numbers below are "
               "segment averages, not this company's.", icon=":material/info:")
elif source == "unclassified":
    st.warning("No profile and no segment: no exposure is assumed. Classify it on the "
               "Portfolio page.", icon=":material/warning:")

c1, c2, c3, c4 = st.columns(4)
with c1, st.container(border=True):
    st.metric("Market value", money(float(ev.market_value[i])),
              help=f"Price source: {valued['price_source']}")
with c2, st.container(border=True):
    st.metric("Price", "n/a" if pd.isna(valued["price"]) else f"${valued['price']:,.2f}",
              help=f"{valued['price_source']}"
              + (f", as of {valued['price_as_of']}" if valued["price_as_of"] else ""))
with c3, st.container(border=True):
    st.metric(f"Impact: {titles[ctx.scenario_id]}", money(float(ev.impact_usd[i, j])),
              delta=f"{ev.value_change[i, j] * 100:+.1f}%")
with c4, st.container(border=True):
    weighted = float(ev.probabilities @ ev.impact_usd[i])
    st.metric("Probability-weighted impact", money(weighted))

left, right = st.columns(2)
with left, st.container(border=True):
    if ctx.lookthrough_on:
        steps = ctx.lookthrough.waterfall(symbol, ctx.scenario_id).set_index("step")["usd"]
        contrib = steps.drop(["look-through", "floor"])
        floor_usd, lt_usd = float(steps["floor"]), float(steps["look-through"])
    else:
        contrib = pd.Series(ev.contributions(ctx.scenario_id)[i], index=list(ev.profiles.channel_ids))
        floor_usd, lt_usd = float(ev.floor_adjustment_usd(ctx.scenario_id)[i]), None
    st.plotly_chart(charts.channel_waterfall(
        contrib, names, floor_usd=floor_usd, lookthrough_usd=lt_usd,
        title=f"Impact by channel: {titles[ctx.scenario_id]}"), width="stretch", key="waterfall")
with right, st.container(border=True):
    rows = ev.holding_frame()
    rows = rows[rows["symbol"].astype(str) == symbol]
    st.plotly_chart(charts.holding_scenarios_bar(rows, titles), width="stretch",
                    key="across_scenarios")

carried = [p for p in ctx.lookthrough.paths if p["holder"] == symbol]
if carried or symbol.upper() in ctx.lookthrough.fund_weights:
    with st.container(border=True):
        st.markdown("**Look-through**: what this holding owns or depends on")
        fund_cov = ctx.lookthrough.fund_coverage.get(symbol.upper())
        if fund_cov is not None:
            st.caption(f"Fund: {fund_cov:.0%} of its value is looked through to constituents "
                       "with profiles; the rest keeps the fund segment default.")
        if carried:
            st.dataframe(pd.DataFrame([{
                "entity": p["entity"], "kind": p["kind"], "share of this holding": p["share"],
                "USD": p["usd"], "via": " > ".join(p["via"]), "as of": p["as_of"]} for p in carried]),
                hide_index=True, width="stretch", column_config={
                    "share of this holding": st.column_config.NumberColumn(format="percent"),
                    "USD": st.column_config.NumberColumn(format="dollar")})
        if not ctx.lookthrough_on:
            st.caption("Turn on **Look-through** in the sidebar to add this to the impact.")

with st.container(border=True):
    kind = str(valued.get("kind") or "listed")
    if kind == "private":
        st.caption(":material/lock: Private holding: no market price; valued at its mark.")
    else:
        history = evidence_view.load_history(ctx.catalog, [symbol], date.today() - timedelta(days=3 * 365),
                                             date.today() + timedelta(days=1))
        if symbol in history.closes.columns:
            events = charts_evidence.events_frame(list(ctx.catalog.events.values()))
            st.plotly_chart(charts_evidence.price_with_events(
                history.closes[symbol].dropna(), events, f"{symbol} price with policy events"),
                width="stretch", key="price_events")
            st.caption(f":material/sell: {history.status}")
        else:
            st.caption(f":material/cloud_off: No price chart: {history.status}. The policy "
                       "timeline is on the evidence page.")

with st.container(border=True):
    st.markdown("**Profile and sources**: every number with its source and date")
    table = holding_view.profile_table(ctx.catalog, symbol, str(ev.profiles.segments[i]), source)
    if table.empty:
        st.info("No sourced numbers for this holding.")
    else:
        st.dataframe(table, hide_index=True, width="stretch", column_config=holding_view.PROFILE_CONFIG)
    for note in holding_view.profile_notes(ctx.catalog, symbol):
        st.caption(f":material/info: {note}")
    mark = str(valued.get("mark_basis") or "")
    if mark:
        st.caption(f"Mark: {mark}")
