"""Methodology page: the provenance mix weighted by impact for the book in use, and the column
settings every provenance table shares (the ``stale`` flag)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exposure.charts.provenance import weighted_mix_bar
from exposure.evaluation import provenance as prov
from exposure.glossary import tip
from exposure.labels import field_name, subject_name, tier_name
from exposure.model.catalog import STALE_MONTHS, Catalog
from exposure.model.tier_check import untiered_numbers
from exposure.ui.loaders import book_figure, book_key
from exposure.ui.sidebar import PageContext
from exposure.ui.widgets import money_column, table

STALE_COLUMN = st.column_config.CheckboxColumn("Stale", help=tip("Stale"))
SOURCE_COLUMN = st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?([^/]+)")


def _method_text() -> str:
    doc = prov.__doc__ or ""
    start = doc.find("How the mix is computed")
    end = doc.find(":func:`weighted_provenance`")
    body = doc[start:end] if start >= 0 else doc
    body = body.split("\n", 2)[-1].replace(":data:", "").replace("``", "`").strip()
    # the investor reads what the data check does, not the command that runs it
    return body.replace("`exposure validate-data`", "the data check").replace(
        "`exposure.model.schema.TIERS`", "the source tiers")


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
               f"({ctx.book.display.money(result.gross_usd)} summed over the "
               f"{len(result.scenario_ids)} library "
               f"scenarios, look-through {'on' if result.lookthrough else 'off'}), not by count.")
    with st.container(border=True):
        st.plotly_chart(book_figure(ctx.book, "weighted_mix", ctx.lookthrough_on, build=lambda: (
            weighted_mix_bar(result.weighted, prov.KIND_LABELS))), width="stretch",
            theme="streamlit", key="weighted_mix")
    stale_share = float(result.inputs.loc[result.inputs["stale"], "share"].sum())
    newest = max((e.date for e in catalog.events.values()), default=None)
    m = st.columns(3)
    m[0].metric("Numbers without tier", len(untiered_numbers(catalog)),
                help="Numbers the engine uses without a tier or a date; the data check "
                     "refuses them.\n\n" + tip("Tier"))
    m[1].metric("Newest policy event", str(newest) if newest else "none")
    m[2].metric(f"Stale inputs still used (> {STALE_MONTHS} months)", len(result.stale),
                delta=f"{stale_share:.1%} of the gross impact", delta_color="off")
    with st.expander("How the mix is computed"):
        st.markdown(_method_text())
    st.caption("The 20 inputs that carry the most weight: the share of the gross impact that "
               "rests on each. Every term has an exposure, an elasticity, a shock and a price, "
               "so the shares of each of those kinds add up to 100%.")
    table(inputs_table(result.inputs.head(20), catalog), {
        "Share": st.column_config.NumberColumn(format="percent"),
        "Weight": money_column(),
        "Tier": st.column_config.TextColumn(help=tip("Tier")),
        "As of": st.column_config.DateColumn(help=tip("As of")),
        "Stale": STALE_COLUMN,
    }, key="weighted_inputs")


def inputs_table(inputs: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """The heaviest inputs with names instead of ids, key columns first."""
    return pd.DataFrame({
        "Input": [f"{subject_name(catalog, s)}: {field_name(catalog, f)}"
                  for s, f in zip(inputs["subject"], inputs["field"], strict=True)],
        "Share": inputs["share"].to_numpy(),
        "Weight": inputs["weight_usd"].to_numpy(),
        "Kind": [prov.KIND_LABELS.get(k, str(k)) for k in inputs["kind"]],
        "Tier": [tier_name(t) for t in inputs["tier"]],
        "As of": inputs["as_of"].to_numpy(),
        "Stale": inputs["stale"].to_numpy(),
    })
