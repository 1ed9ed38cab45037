"""Methodology page: the provenance mix weighted by impact for the book in use, and the column
settings every provenance table shares (the ``stale`` flag)."""

from __future__ import annotations

import streamlit as st

from exposure.charts.provenance import weighted_mix_bar
from exposure.evaluation import provenance as prov
from exposure.model.catalog import STALE_MONTHS
from exposure.model.tier_check import untiered_numbers
from exposure.ui.loaders import book_figure, book_key
from exposure.ui.sidebar import PageContext

STALE_COLUMN = st.column_config.CheckboxColumn(
    "stale", help=f"as_of more than {STALE_MONTHS} months ago: check for a newer figure")
SOURCE_COLUMN = st.column_config.LinkColumn("source", display_text=r"https?://(?:www\.)?([^/]+)")


def _method_text() -> str:
    doc = prov.__doc__ or ""
    start = doc.find("How the mix is computed")
    end = doc.find(":func:`weighted_provenance`")
    body = doc[start:end] if start >= 0 else doc
    return body.split("\n", 2)[-1].replace(":data:", "").replace("``", "`").strip()


@st.cache_resource(show_spinner=False, max_entries=32)
def _weighted(key: str, lookthrough: bool, _ctx: PageContext) -> prov.WeightedProvenance:
    return prov.weighted_provenance(_ctx.book.valued, _ctx.catalog, lookthrough=lookthrough,
                                    stated_as_of=_ctx.portfolio.as_of)


def book_provenance(ctx: PageContext) -> prov.WeightedProvenance:
    """The weighted mix of the book in use (shared across sessions, keyed by the evaluation)."""
    return _weighted(book_key(ctx.book), ctx.lookthrough_on, ctx)


def weighted_mix(ctx: PageContext) -> None:
    """Headline, stacked bars per input kind, freshness figures and the heaviest inputs."""
    catalog = ctx.catalog
    result = book_provenance(ctx)
    st.subheader("What this book's result rests on")
    st.markdown(f"**{prov.provenance_headline(result.weighted)}.**")
    st.caption(f"Each input weighted by its share of the book's gross scenario impact "
               f"(${result.gross_usd:,.0f} summed over the {len(result.scenario_ids)} library "
               f"scenarios, look-through {'on' if result.lookthrough else 'off'}), not by count.")
    with st.container(border=True):
        st.plotly_chart(book_figure(ctx.book, "weighted_mix", ctx.lookthrough_on, build=lambda: (
            weighted_mix_bar(result.weighted, prov.KIND_LABELS))), width="stretch", key="weighted_mix")
    stale_share = float(result.inputs.loc[result.inputs["stale"], "share"].sum())
    newest = max((e.date for e in catalog.events.values()), default=None)
    m = st.columns(3)
    m[0].metric("Numbers without tier", len(untiered_numbers(catalog)),
                help="Numbers the engine uses without tier or as_of; validate-data refuses them.")
    m[1].metric("Newest policy event", str(newest) if newest else "none")
    m[2].metric(f"Stale inputs still used (> {STALE_MONTHS} months)", len(result.stale),
                delta=f"{stale_share:.1%} of the gross impact", delta_color="off")
    with st.expander("How the mix is computed"):
        st.markdown(_method_text())
    st.caption("The 20 inputs that carry the most weight: the share of the gross impact that "
               "rests on each. Every term has an exposure, an elasticity, a shock and a price, "
               "so the shares of each of those kinds add up to 100%.")
    st.dataframe(result.inputs.head(20).rename(columns={"subject": "item"}), hide_index=True, width="stretch", key="weighted_inputs", column_config={
        "share": st.column_config.NumberColumn("share", format="percent"),
        "weight_usd": st.column_config.NumberColumn("weight (USD)", format="dollar"),
        "stale": STALE_COLUMN,
    })
