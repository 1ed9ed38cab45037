"""Holding: one position's profile with sources, its impact by channel and across scenarios."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from exposure.charts import evidence as charts_evidence
from exposure.charts import overview as charts
from exposure.formatting import CURRENCY_SIGNS
from exposure.glossary import tip
from exposure.labels import LINK_KIND_NAMES, entity_name, segment_name
from exposure.model.engine import ProfileSource
from exposure.ui import evidence_view, holding_view, urlstate
from exposure.ui.light_table import MONEY, day, grid_on_demand, light_table, share
from exposure.ui.loaders import book_figure
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.widgets import about_the_data, chart, price_note

setup_page("Holding")
ctx = sidebar()
book = ctx.book
ev = book.evaluation
shown = book.display
symbols = list(dict.fromkeys(str(s) for s in ev.profiles.symbols))
titles = {s: ctx.label(s) for s in ev.scenarios.ids}
names = {c.id: c.name for c in ctx.catalog.channels}

st.title("Holding")
if not symbols:
    st.info("The portfolio in use has no holdings. Load one on the Portfolio page.")
    st.stop()
j = ev.scenario_index(ctx.scenario_id)
by_symbol = book.symbol_frame()
by_symbol = by_symbol[by_symbol["scenario"].astype(str) == ctx.scenario_id]
urlstate.seed("holding", symbols, aliases={s.upper(): s for s in symbols})
if st.session_state.get("holding") not in symbols:
    st.session_state["holding"] = str(by_symbol.nsmallest(1, "impact_usd")["symbol"].iloc[0])
first_name = {str(s): str(n) for s, n in zip(ev.profiles.symbols, ev.profiles.names, strict=True)}
symbol = st.selectbox("Holding", symbols, key="holding",
                      format_func=lambda s: f"{s} · {first_name.get(s, s)}")
urlstate.write("holding", symbol, None)
rows = book.rows_of(symbol)
i = int(rows[0])
valued = book.valued.iloc[i]
source = str(ev.profiles.profile_source[i])
accounts = [a for a in book.valued["account"].iloc[rows] if a]

st.subheader(f"{ev.profiles.names[i]} ({symbol})")
st.caption(f"{ev.profiles.layers[i]} · segment {segment_name(str(ev.profiles.segments[i]))}"
           f" · elasticity k = {ev.profiles.elasticity[i]:.2f}",
           help=tip("Layer", "Segment", "Elasticity k"))
if source == ProfileSource.FUND_LOOKTHROUGH:
    st.info(f"**{symbol}** is a fund: its exposure is the weighted sum of its constituents' "
            "profiles (look-through is on).", icon=":material/account_tree:")
elif source == ProfileSource.SEGMENT_DEFAULT:
    st.warning(f"No company profile in the catalog: **{symbol}** uses the "
               f"**{segment_name(str(ev.profiles.segments[i]))}** segment's default profile. Its numbers below are "
               "segment averages, not this company's.", icon=":material/info:")
elif source == ProfileSource.UNCLASSIFIED:
    st.warning("No profile and no segment: no exposure is assumed. Classify it on the "
               "Portfolio page.", icon=":material/warning:")

c1, c2, c3, c4 = st.columns(4)
with c1, st.container(border=True):
    st.metric("Market value", shown.money(float(ev.market_value[rows].sum())),
              help=f"In {shown.note}. Price source: {valued['price_source']}"
              + (f"; accounts: {', '.join(accounts)}" if len(rows) > 1 else "")
              + "\n\n" + tip("Price source"))
with c2, st.container(border=True):
    price_ccy = str(valued["price_currency"] or "USD")
    st.metric("Price", "n/a" if pd.isna(valued["price"])
              else f"{CURRENCY_SIGNS.get(price_ccy, price_ccy + ' ')}{valued['price']:,.2f}",
              help=f"In the listing's own currency ({price_ccy}). {valued['price_source']}"
              + (f", as of {valued['price_as_of']}" if valued["price_as_of"] else ""))
impact_here = float(ev.impact_usd[rows, j].sum())
value_here = float(ev.market_value[rows].sum())
with c3, st.container(border=True):
    st.metric(f"Impact: {titles[ctx.scenario_id]}", shown.money(impact_here),
              delta=f"{impact_here / value_here * 100:+.1f}% of this holding" if value_here else None,
              help=tip("Impact", extra=f"{ctx.title(ctx.scenario_id)}, {ctx.case} case."))
with c4, st.container(border=True):
    weighted = float(ev.probabilities @ ev.impact_usd[rows].sum(axis=0))
    st.metric("Probability-weighted impact", shown.money(weighted),
              help=tip("Probability-weighted impact"))

left, right = st.columns(2)
with left, st.container(border=True):
    steps = book.waterfall(symbol, ctx.scenario_id).set_index("step")["usd"]
    contrib = steps.drop(["look-through", "floor"])
    floor_usd = float(steps["floor"])
    lt_usd = float(steps["look-through"]) if ctx.lookthrough_on else None
    chart(book_figure(book, "waterfall", symbol, ctx.scenario_id, titles[ctx.scenario_id],
                      build=lambda: charts.channel_waterfall(
                          contrib, names, floor_usd=floor_usd, lookthrough_usd=lt_usd,
                          title=f"Impact by channel: {titles[ctx.scenario_id]}", display=shown)),
          key="waterfall")
with right, st.container(border=True):
    across = book.symbol_frame()
    across = across[across["symbol"].astype(str) == symbol]
    chart(book_figure(book, "across_scenarios", symbol, tuple(titles.items()),
                      build=lambda: charts.holding_scenarios_bar(across, titles, display=shown)),
          key="across_scenarios")

carried = [p for p in book.paths if p["holder"] == symbol]
if carried or symbol in book.funds.weights:
    with st.container(border=True):
        st.markdown("**Look-through**: what this holding owns or depends on",
                    help=tip("Look-through", "Stake", "Compute contract"))
        fund_cov = book.funds.coverage.get(symbol)
        if fund_cov is not None:
            st.caption(f"Fund: {fund_cov:.0%} of its value is looked through to constituents "
                       "with profiles; the rest keeps the fund segment default.")
        if carried:
            light_table(pd.DataFrame([{
                "Entity": entity_name(ctx.catalog, p["entity"]),
                "Amount": p["usd"], "Share of this holding": p["share"],
                "Link": LINK_KIND_NAMES.get(p["kind"], p["kind"]),
                "Via": " > ".join(entity_name(ctx.catalog, v) for v in p["via"]),
                "As of": p["as_of"]} for p in carried]),
                {"Amount": MONEY, "Share of this holding": share, "As of": day},
                rows=len(carried))
        if not ctx.lookthrough_on:
            st.caption("Turn on **Look-through** in the sidebar to add this to the impact.")

with st.container(border=True):
    kind = str(valued.get("kind") or "listed")
    history = None
    if kind == "private":
        st.caption(":material/lock: Private holding: no market price; valued at its mark.")
    else:
        history = evidence_view.load_history(ctx.catalog, [symbol], date.today() - timedelta(days=3 * 365),
                                             date.today() + timedelta(days=1))
        if symbol in history.closes.columns:
            events = charts_evidence.events_frame(list(ctx.catalog.events.values()))
            chart(charts_evidence.price_with_events(
                history.closes[symbol].dropna(), events, f"{symbol} price with policy events"),
                key="price_events")
        else:
            st.caption(":material/cloud_off: No price history here for this holding, so no "
                       "price chart (About the data says why). The policy timeline is on the "
                       "Evidence page.")

with st.container(border=True):
    st.markdown("**Profile and sources**: every number with its source and date")
    profile = holding_view.profile_table(ctx.catalog, symbol, str(ev.profiles.segments[i]), source)
    if profile.empty:
        st.info("No sourced numbers for this holding.")
    else:
        # Markdown, the grid on demand: a grid on the first screen made every new session
        # load the grid's code before the charts (bench/bench_browser.py)
        light_table(profile[holding_view.PROFILE_COLUMNS], holding_view.PROFILE_FORMATS,
                    rows=len(profile))
        grid_on_demand("Sort, search, download", profile, holding_view.PROFILE_CONFIG,
                       key="profile_table", column_order=holding_view.PROFILE_COLUMNS)
        with st.expander("How each number was derived"):
            for field, basis in zip(profile["Field"], profile["Basis"], strict=True):
                if basis:
                    st.markdown(f"- **{field}**: {basis}")
    for note in holding_view.profile_notes(ctx.catalog, symbol):
        st.caption(f":material/info: {note}")
    mark = str(valued.get("mark_basis") or "")
    if mark:
        st.caption(f"Mark: {mark}")

about_the_data([
    price_note(ctx.price_status),
    f"Price history: {history.status}." if history is not None else
    "Private holding: valued at its mark, no price history.",
    f"Profile source: {source}; every number of the profile above has its source and date.",
], commands=["prices refresh"] if history is not None and history.closes.empty else [])
