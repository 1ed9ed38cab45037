"""Overview: how the book fares under each export-policy scenario, the answer first."""

import streamlit as st

from exposure.charts import overview as charts
from exposure.evaluation.provenance import provenance_headline
from exposure.evaluation.summary import headline
from exposure.formatting import money, pct
from exposure.glossary import tip
from exposure.ui.first_paint import paint_before_charts
from exposure.ui.light_table import EXPOSURE_FORMATS, TOP_ROWS, grid_on_demand, light_table
from exposure.ui.loaders import book_figure
from exposure.ui.lookthrough_view import effective_exposure_section
from exposure.ui.provenance_view import book_provenance
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.widgets import (
    TABLE_CONFIG,
    TABLE_ROWS,
    about_the_data,
    chart,
    default_profile_note,
    exposures_table,
    is_phone,
    kpi,
    price_note,
)

setup_page("Overview")
ctx = sidebar()
book = ctx.book
ev = book.evaluation
j = ev.scenario_index(ctx.scenario_id)
label = ctx.label(ctx.scenario_id)

st.title("Export-policy exposure")
st.caption(
    f"{ctx.portfolio.name} · {len(ctx.portfolio.holdings)} holdings · {ctx.case} case"
    f"{' · look-through on' if ctx.lookthrough_on else ''}"
    + (f" · prices as of {book.price_date:%d %b %Y}" if book.price_date else ""),
    help=tip("Shock case", "Look-through"),
)
if ctx.portfolio.illustrative:
    st.info("This is the bundled **illustrative** sample portfolio, not investment advice. "
            "Load your own on the Portfolio page.", icon=":material/info:")

answer = headline(book)
st.markdown(f"#### {answer.text}")
trust = [provenance_headline(book_provenance(ctx).weighted) + "."]
if ctx.catalog.calibration is not None and ctx.catalog.calibration.scorecard is not None:
    score = ctx.catalog.calibration.scorecard
    trust.append(f"Checked against the market: {score.headline}.")
st.caption(" ".join(trust) + " Details on the Methodology and Evidence pages.")

total = ev.total_value_usd
impact = float(ev.portfolio_usd[j])
worst = int(ev.impact_usd[:, j].argmin()) if len(ev.market_value) else None
shown = book.display  # the base currency at the valuation's dated rate, else USD saying so
base, rate, in_base = shown.currency, shown.per_usd, shown.note
c1, c2, c3, c4 = st.columns(4)
with c1:
    kpi("Portfolio value", money(total * rate, base),
        delta=f"prices as of {book.price_date:%d %b %Y}" if book.price_date else None,
        delta_color="off",
        help=f"Holdings at the prices shown in the sidebar plus cash, in {in_base}. Where each "
             "price comes from: **About the data** at the bottom of the page.")
with c2:
    kpi(f"Impact: {label}", money(impact * rate, base),
        delta=f"{pct(ev.impact_pct[j], digits=2)} of the book",
        help=tip("Impact", "% of book", extra=f"{ctx.title(ctx.scenario_id)}, {ctx.case} case."))
with c3:
    kpi("Probability-weighted impact", money(ev.expected_impact_usd * rate, base),
        delta=f"{pct(ev.expected_pct, digits=2)} of the book",
        help=tip("Probability-weighted impact", extra="Weights: " + ", ".join(
            f"{ev.scenarios.label(i)} {p:.0%}" for i, p in enumerate(ev.probabilities))))
with c4:
    if worst is not None and ev.impact_usd[worst, j] < 0:
        kpi("Most exposed holding", str(ev.profiles.symbols[worst]),
            delta=f"{money(float(ev.impact_usd[worst, j]) * rate, base)} "
                  f"({pct(float(ev.value_change[worst, j]))})",
            help=f"{ev.profiles.names[worst]}: largest loss under {label}.\n\n"
                 + tip("Value change"))
    else:
        kpi("Most exposed holding", "none", help="No holding loses value under this scenario.")

default_profile_note(book)

if total <= 0 or not len(ev.market_value):
    st.info("This book has no valued holdings yet, so there is nothing to chart. Import or "
            "edit one on the Portfolio page.", icon=":material/info:")
    st.stop()

paint_before_charts("Overview")  # a new browser session draws the KPIs before plotly loads
# One chart at a time: each view runs only when shown, and the view is in the URL
# (?ov_view=By+layer). Drawing the three charts at once put the first one 1.5 x a one-chart
# page's time behind the navigation; one chart keeps it near the floor (bench/bench_browser.py).
# Figures are built once per evaluation and shared by every session (book_figure).
with st.container(border=True):
    per_scenario, by_layer, grid = st.tabs(["Per scenario", "By layer", "Holding × scenario"],
                                           key="ov_view", on_change="rerun", bind="query-params")
if per_scenario.open:
    with per_scenario:
        st.caption("The whole book's impact under each scenario of the set; the selected one "
                   "is highlighted.")
        chart(book_figure(book, "scenario_bar", ctx.scenario_id, build=lambda: (
            charts.scenario_bar(ev.portfolio_frame(), ctx.scenario_id, display=shown))),
              key="scenario_bar")
if by_layer.open:
    with by_layer:
        st.caption("Where the selected scenario's impact sits: holdings grouped by layer, sized "
                   "by value, coloured by value change.")
        chart(book_figure(book, "treemap", ctx.scenario_id, label, build=lambda: (
            charts.exposure_treemap(book.symbol_frame(), ctx.scenario_id, label, display=shown))),
              key="treemap")
if grid.open:
    with grid:
        st.caption("Every holding's value change under every scenario, the largest holdings "
                   "first.")
        labels = {s: ev.scenarios.label(i) for i, s in enumerate(ev.scenarios.ids)}
        phone = is_phone()
        chart(book_figure(book, "heatmap", tuple(labels.items()), phone, build=lambda: (
            charts.impact_heatmap(book.symbol_frame(), labels, max_rows=15 if phone else 40,
                                  compact=phone, display=shown))), key="heatmap")

with st.container(border=True):
    st.subheader("Top exposures", help=tip("Impact", "Value change", "Profile source"))
    exposures = exposures_table(book, ctx.scenario_id)
    st.caption(f"Under **{label}**, largest loss first: the {min(TOP_ROWS, len(exposures))} "
               f"largest of {len(exposures):,} rows.")
    light_table(exposures, EXPOSURE_FORMATS, rows=TOP_ROWS)
    grid_on_demand(f"All {len(exposures):,} rows: sort, search, download", exposures,
                   TABLE_CONFIG, key="top_exposures")
    if len(ev.market_value) > TABLE_ROWS:
        st.caption(f"The {TABLE_ROWS} largest impacts of {len(ev.market_value):,} holdings; "
                   "the full list is one command away (About the data).")

effective_exposure_section(ctx)

about_the_data(
    [price_note(ctx.price_status),
     f"Scenario set: {len(ev.scenarios)} scenarios; case {ctx.case}; look-through "
     f"{'on' if ctx.lookthrough_on else 'off'}.",
     "Company profiles, segment defaults and scenarios: the bundled, sourced catalog (every "
     "number with its source and date on the Methodology page)."],
    commands=[f"evaluate --portfolio <your book> --case {ctx.case} --format csv"],
)
