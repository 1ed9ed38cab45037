"""The Overview's effective-exposure section: coverage, Sankey and entities (look-through)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exposure.charts import lookthrough as charts_lookthrough
from exposure.glossary import tip
from exposure.labels import entity_name, segment_name
from exposure.model.catalog import Catalog
from exposure.ui.light_table import (
    MONEY,
    TOP_ROWS,
    day,
    grid_on_demand,
    light_table,
    share,
)
from exposure.ui.loaders import book_figure
from exposure.ui.sidebar import PageContext
from exposure.ui.widgets import chart, percent_column, usd_column

ENTITY_CONFIG = {
    "Total": usd_column(help="Direct plus indirect exposure."),
    "Direct": usd_column(help=tip("Direct exposure")),
    "Indirect": usd_column(help=tip("Indirect exposure")),
    "Share of book": percent_column(help=tip("% of book")),
    "Oldest source": st.column_config.DateColumn(help=tip("As of")),
    "Stale": st.column_config.CheckboxColumn(help=tip("Stale")),
}
ENTITY_FORMATS = {"Total": MONEY, "Direct": MONEY, "Indirect": MONEY,
                  "Share of book": share, "Oldest source": day,
                  "Stale": lambda b: "stale" if b else ""}
BREAKDOWN_CONFIG = {
    "Via funds": usd_column(),
    "Via stakes": usd_column(help=tip("Stake")),
    "Contract dependence": usd_column(help=tip("Compute contract")),
}


def entities_table(entities: pd.DataFrame) -> pd.DataFrame:
    """The entities with human headers, largest total first, key columns first."""
    return pd.DataFrame({
        "Entity": entities["name"].astype(str).to_numpy(),
        "Total": (entities["direct_usd"] + entities["indirect_usd"]).to_numpy(),
        "Direct": entities["direct_usd"].to_numpy(),
        "Indirect": entities["indirect_usd"].to_numpy(),
        "Share of book": entities["share_of_portfolio"].to_numpy(),
        "Segment": [segment_name(s) for s in entities["segment"]],
        "Oldest source": entities["oldest_as_of"].to_numpy(),
        "Stale": entities["stale"].to_numpy(),
    })


def breakdown_table(entities: pd.DataFrame) -> pd.DataFrame:
    """How the indirect exposure reaches each entity (funds, stakes, contracts)."""
    return pd.DataFrame({
        "Entity": entities["name"].astype(str).to_numpy(),
        "Via funds": entities["fund_usd"].to_numpy(),
        "Via stakes": entities["equity_usd"].to_numpy(),
        "Contract dependence": entities["contract_usd"].to_numpy(),
    })


def sankey_names(catalog: Catalog, flows: pd.DataFrame) -> dict[str, str]:
    """Names for every id in the flows (companies by name, funds by name and ticker)."""
    ids = set(flows["source"].astype(str)) | set(flows["target"].astype(str))
    return {i: entity_name(catalog, i, ticker=i in catalog.funds) for i in ids}


def effective_exposure_section(ctx: PageContext) -> None:
    """Coverage, the holdings -> labs/startups Sankey and the entities table."""
    lt = ctx.book
    shown = lt.display
    j = lt.evaluation.scenario_index(ctx.scenario_id)
    with st.container(border=True):
        st.subheader("Effective exposure (look-through)", help=tip("Look-through"))
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
                  help=tip("Coverage"))
        top_entity = lt.entities.iloc[0] if len(lt.entities) else None
        if top_entity is not None:
            c2.metric("Largest indirect exposure", str(top_entity["name"]),
                      delta=f"{shown.money(float(top_entity['indirect_usd']))} indirect",
                      delta_color="off",
                      help=tip("Indirect exposure"))
        c3.metric("Look-through impact", shown.money(float(lt.lookthrough_usd[:, j].sum()))
                  if lt.lookthrough_on else "switched off",
                  help=tip("Look-through", extra=f"What it adds under {ctx.title(ctx.scenario_id)}."))
        flows = lt.sankey_frame()
        chart(book_figure(lt, "sankey", build=lambda: charts_lookthrough.exposure_sankey(
            flows, sankey_names(ctx.catalog, flows), display=shown)), key="sankey")
        entities = entities_table(lt.entities)
        if len(entities):
            light_table(entities, ENTITY_FORMATS, rows=TOP_ROWS)
            grid_on_demand(f"All {len(entities):,} entities: sort, search, download", entities,
                           ENTITY_CONFIG, key="entities")
            grid_on_demand("How the indirect exposure reaches each entity",
                           breakdown_table(lt.entities), BREAKDOWN_CONFIG,
                           key="entities_breakdown")
