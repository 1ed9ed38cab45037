"""Portfolio: import a broker export, classify and edit holdings, use, save, load, download."""

import streamlit as st

from exposure.ui import fund_view, import_view, reconciliation_view
from exposure.ui import portfolio_view as pv
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.widgets import about_the_data, price_note

setup_page("Portfolio")
ctx = sidebar()
pv.init_state(ctx.portfolio)
pv.fill_names(ctx.catalog)

st.title("Portfolio")
st.caption(f"In use: {pv.plain(ctx.portfolio.name)} · {len(ctx.portfolio.holdings)} holdings. "
           "Import your broker's positions export, check the report, classify what the "
           "catalog does not know, edit, then use it on every page or save it.")
pv.show_flash()
pv.report_in_section(ctx.book, ctx.catalog)

with st.container(border=True):
    import_view.upload_section(ctx.catalog)
import_view.mapping_section(ctx.catalog)
import_view.report_section(st.session_state.get(pv.REPORT), ctx.catalog)

draft = pv.draft()
reconciliation_view.reconciliation_section(draft, ctx.catalog)
st.subheader("Holdings")
st.caption("Edit cells, add or delete rows. Nothing changes elsewhere until you press "
           "\"Use this portfolio\".")
edited = pv.editor_section(draft)
pv.classify_section(edited, ctx.catalog)
pv.actions_section(draft, edited)
pv.saved_section()
fund_view.fund_import_section()

about_the_data([
    price_note(ctx.price_status),
    f"The catalog knows {len(ctx.catalog.companies)} companies and {len(ctx.catalog.funds)} "
    "funds; other symbols get their segment's default profile once classified.",
    "Saved portfolios live in your workspace; every saved version is kept.",
], commands=["import <broker export.csv> --out my-book.yaml", "portfolios list"])
