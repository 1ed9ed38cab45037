"""Risk & uncertainty: Monte Carlo over the scenario ranges, VaR / expected shortfall, tornado."""

import pandas as pd
import streamlit as st

from exposure.charts import risk as charts_risk
from exposure.formatting import ordinal, pct
from exposure.glossary import tip
from exposure.labels import holding_label
from exposure.model.uncertainty import contribution_frame
from exposure.ui.light_table import MONEY, TOP_ROWS, grid_on_demand, light_table, share
from exposure.ui.loaders import book_figure
from exposure.ui.risk_view import cached_risk
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.widgets import about_the_data, chart, money_column, price_note

setup_page("Risk & uncertainty")
ctx = sidebar()
book = ctx.book
ev = book.evaluation
shown = book.display
names = {c.id: c.name for c in ctx.catalog.channels}
titles = {s: ctx.label(s) for s in ev.scenarios.ids}
months = sorted({int(m) for m in ev.scenarios.horizons}) or [12]
horizon = f"{months[0]}" + (f"-{months[-1]}" if len(months) > 1 else "") + " months"

st.title("Risk & uncertainty")
st.caption("A single number per scenario hides how unsure we are. Each draw picks which "
           "scenario happens (by the probabilities; the rest is 'no policy change') and draws "
           "every shock from its range, adverse to favourable, peaked at the central value "
           "(triangular).")

c1, c2, _ = st.columns([1, 1, 2])
draws = c1.select_slider("Draws", options=[2_000, 5_000, 20_000, 50_000, 100_000], value=20_000,
                         key="risk_draws", help=tip("Draws"))
seed = int(c2.number_input("Seed", min_value=0, max_value=2**31 - 1, value=42, step=1,
                           key="risk_seed", help=tip("Seed")))
risk = cached_risk(book, draws, seed)
total = ev.total_value_usd

k = st.columns(4)
for col, label, loss, term in (
    (k[0], "VaR 95%", risk.var_95, "VaR"),
    (k[1], "Expected shortfall 95%", risk.es_95, "ES"),
    (k[2], "VaR 99%", risk.var_99, "VaR"),
    (k[3], "Expected shortfall 99%", risk.es_99, "ES"),
):
    with col, st.container(border=True):
        st.metric(label, shown.money(-loss), delta=f"{pct(-loss / total)} of the book"
                  if total > 0 else None, delta_color="off",
                  help=tip(term, extra=f"Over the scenarios' horizons ({horizon}). Losses are "
                                       f"negative, as everywhere in the app. In {shown.note}."))
st.caption(f"Losses negative; horizon: the scenarios' own ({horizon})"
           f"{'; look-through on' if ctx.lookthrough_on else ''}. "
           f"{risk.draws:,} draws, seed {risk.seed}; mean change {shown.money(risk.mean_usd)}; "
           f"median {shown.money(risk.percentiles['p50'])}."
           + (" Probabilities summed above 1 and were normalised." if risk.probabilities_normalised else ""))

with st.container(border=True):
    chart(book_figure(book, "risk_hist", draws, seed, build=lambda: (
        charts_risk.pnl_histogram(risk.pnl, risk.var_95, risk.es_95, risk.var_99, risk.es_99,
                                  display=shown))),
        key="risk_hist")

left, right = st.columns(2)
with left, st.container(border=True):
    scen = st.selectbox("Tornado for scenario", list(ev.scenarios.ids),
                        index=list(ev.scenarios.ids).index(ctx.scenario_id),
                        format_func=lambda s: titles[s], key="risk_tornado_scenario",
                        help=tip("Tornado"))
    frame = risk.tornado[risk.tornado["scenario"] == scen]
    chart(book_figure(book, "risk_tornado", draws, seed, scen, titles[scen],
                      build=lambda: charts_risk.tornado_chart(
                          frame, names, title=f"What drives the spread: {titles[scen]}",
                          display=shown)),
          key="risk_tornado")
with right, st.container(border=True):
    st.markdown("**Contribution to expected shortfall (95%)**", help=tip("ES contribution"))
    contrib = contribution_frame(risk, book.profiles)
    es_table = pd.DataFrame({
        "ES contribution": -contrib["es_95_usd"].to_numpy(),
        "Holding": [holding_label(s, n) for s, n in zip(contrib["symbol"], contrib["name"],
                                                        strict=True)],
        "Share of ES": contrib["share_of_es"].to_numpy()})
    # Markdown first, the grid on demand: a grid here made every new session load the grid's
    # code before the histogram could show (bench/bench_browser.py, 3 Dec 2026: 3.70 s to the
    # first chart with it, 3.22 s without; the one-chart floor page 2.42 s)
    light_table(es_table, {"ES contribution": MONEY, "Share of ES": share}, rows=TOP_ROWS)
    st.caption("Each holding's mean change in the worst 5% of draws (losses negative); they add "
               "up to the expected shortfall.")
    grid_on_demand(f"All {len(es_table):,} holdings: sort, search, download", es_table, {
        "ES contribution": money_column(help=tip("ES contribution"), width=110),
        "Holding": st.column_config.TextColumn(width=210),
        "Share of ES": st.column_config.ProgressColumn(format="percent", min_value=0.0,
                                                      max_value=1.0, width=95)},
        key="es_contribution")

with st.expander("Percentiles and scenario draws"):
    light_table(pd.DataFrame({
        "Percentile": [ordinal(int(str(p)[1:])) if str(p)[1:].isdigit() else str(p)
                       for p in risk.percentiles],
        "Portfolio change": list(risk.percentiles.values())}),
        {"Portfolio change": MONEY}, rows=len(risk.percentiles))
    light_table(pd.DataFrame({
        "Scenario": [titles.get(s, s) for s in risk.scenario_counts],
        "Draws": list(risk.scenario_counts.values()),
        "Mean change when it happens": [risk.scenario_means.get(s, float("nan"))
                                        for s in risk.scenario_counts]}),
        {"Draws": "{:,}".format, "Mean change when it happens": MONEY},
        rows=len(risk.scenario_counts))

about_the_data([price_note(ctx.price_status),
                f"Simulation: {risk.draws:,} draws, seed {risk.seed}, over the {len(ev.scenarios)} "
                "scenarios of the set and their probabilities."],
               commands=[f"risk --portfolio <your book> --draws {risk.draws} --seed {risk.seed}"])
