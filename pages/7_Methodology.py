"""Methodology & data: the model in words and formulas, channels, provenance, freshness."""

from datetime import date

import pandas as pd
import streamlit as st

from exposure.lookthrough import maths as lookthrough
from exposure.model import engine
from exposure.model.schema import TIERS
from exposure.ui import provenance_view, scorecard_view, team_view
from exposure.ui.sidebar import setup_page, sidebar

setup_page("Methodology & data")
ctx = sidebar()
cat = ctx.catalog

st.title("Methodology & data")
model, channels, calibration, lookthrough_tab, provenance, freshness = st.tabs(
    ["The model", "Channels & defaults", "Calibration & scorecard", "Look-through", "Provenance",
     "Freshness"])

with model:
    st.markdown(
        "Every holding's value is linked to US export-control policy through a few **channels**: "
        "revenue streams or dependencies that a rule can cut or grow. A company's **exposure** "
        "to a channel is the share of its revenue in that stream (from filings where disclosed, "
        "otherwise an estimate that says how it was derived). A **scenario** moves each channel by "
        "a fraction (−100% = the stream is lost, +30% = it grows by 30%), with a low / base / high "
        "range. The revenue change is turned into a value change with a **valuation elasticity** "
        "*k* (operating leverage: a lost high-margin stream costs more than its revenue share), "
        f"and no holding can lose more than {abs(engine.VALUE_FLOOR):.0%} of its value."
    )
    st.markdown("**The formulas, exactly as the engine computes them** (from `exposure/model/engine.py`):")
    doc = engine.__doc__ or ""
    formulas = doc.split("::", 1)[1].split("No Python loops", 1)[0] if "::" in doc else doc
    st.code(formulas.strip("\n"), language=None)
    st.markdown(
        "- *h* = holding, *s* = scenario, *c* = channel; *e* exposure share, *x* shock, *k* "
        "elasticity, *p* scenario probability.\n"
        "- Probabilities are weights we chose, each with its stated basis; the remainder below "
        "100% is *no policy change* (zero impact). If the selected set sums above 100% the app "
        "says so and normalises.\n"
        f"- A holding without a company profile gets its segment's default profile and is flagged "
        f"`{engine.ProfileSource.SEGMENT_DEFAULT}` everywhere; without a segment it is `{engine.ProfileSource.UNCLASSIFIED}` "
        "(no exposure assumed).\n"
        "- Channel contributions add up to the impact; where the −100% floor binds, the waterfall "
        "shows the difference as its own bar.\n"
        "- Limits: first-order and linear in the shocks; no second-round effects, no market-wide "
        "multiple changes; exposures are the latest disclosed or estimated mix, not forecasts."
    )

with channels:
    st.dataframe(pd.DataFrame([{"Channel": c.id, "Name": c.name, "What it measures": c.description,
                                "Unit": c.unit} for c in cat.channels]),
                 hide_index=True, width="stretch")
    st.markdown("**Segment defaults** (what an issuer without a profile gets; all estimates)")
    rows = []
    for seg in cat.segments.values():
        row = {"Segment": seg.label, "Elasticity k": seg.elasticity.value}
        row.update({c: seg.exposures[c].value if c in seg.exposures else 0.0 for c in cat.channel_ids})
        rows.append(row)
    st.dataframe(pd.DataFrame(rows).style.format({c: "{:.0%}" for c in cat.channel_ids}
                                                 | {"Elasticity k": "{:.2f}"}),
                 hide_index=True, width="stretch")

with calibration:
    scorecard_view.render_methodology(cat)

with lookthrough_tab:
    st.markdown(
        "Listed holdings carry exposure they do not show on their own: Microsoft owns part of "
        "OpenAI, Amazon and Alphabet own stakes in Anthropic, funds hold NVIDIA. With the "
        "**Look-through** switch on, a holding's value change gains the value change of what it "
        "owns, in proportion to the stake's value as a share of the holder's market value, and a "
        "supplier's revenue moves with its customer lab's compute demand under each contract. "
        "Funds are resolved into their constituents' profiles.")
    lt_doc = lookthrough.__doc__ or ""
    st.code(lt_doc.split("::", 1)[1].split("A contract moves", 1)[0].strip("\n")
            if "::" in lt_doc else lt_doc, language=None)
    st.markdown(
        "**Limits.** Stakes are marked at the last reported round or stake value, not at a market "
        "price; contracts are not revenue guarantees (counted as dependence, never as ownership); "
        "first order by default (second order, e.g. NVIDIA -> OpenAI -> AMD, never counts a path "
        "twice); fund weights come from the latest holdings snapshot we could source, and the part "
        "of a fund we could not look through keeps the fund segment default. Links older than 12 "
        "months are flagged stale.")
    links = ctx.book.links_frame()
    st.dataframe(links, hide_index=True, width="stretch", key="links_table", column_config={
        "source": st.column_config.LinkColumn("source", display_text=r"https?://(?:www\.)?([^/]+)"),
        "stale": st.column_config.CheckboxColumn("older than 12 months"),
        "stake_share": st.column_config.NumberColumn(format="percent"),
        "revenue_share": st.column_config.NumberColumn(format="percent"),
        "share_of_holder_value": st.column_config.NumberColumn(format="percent"),
    })

with provenance:
    provenance_view.weighted_mix(ctx)
    st.subheader("Every number, by count")
    prov = cat.provenance_frame()
    mix = cat.tier_mix()
    total = sum(mix.values()) or 1
    m = st.columns(4)
    m[0].metric("Sourced numbers", len(prov), help="Profiles, segment defaults, reference prices.")
    for col, tier in zip(m[1:], ("primary", "press", "secondary"), strict=True):
        col.metric(f"{tier.capitalize()} sources", f"{mix[tier] / total:.0%}",
                   help=f"{mix[tier]} of {total} (numbers, reported moves, reference prices, "
                        "events' first source)")
    f1, f2, f3, f4 = st.columns(4)
    subjects = f1.multiselect("Issuer", sorted(prov["subject"].unique()), key="prov_subject")
    fields = f2.multiselect("Field", sorted(prov["field"].unique()), key="prov_field")
    tiers = f3.multiselect("Tier", list(TIERS), key="prov_tier")
    kind = f4.radio("Kind", ["all", "reported", "estimates"], horizontal=True, key="prov_kind")
    shown = prov
    if subjects:
        shown = shown[shown["subject"].isin(subjects)]
    if fields:
        shown = shown[shown["field"].isin(fields)]
    if tiers:
        shown = shown[shown["tier"].isin(tiers)]
    if kind != "all":
        shown = shown[shown["estimate"] == (kind == "estimates")]
    st.caption(f"{len(shown)} of {len(prov)} numbers")
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "source": provenance_view.SOURCE_COLUMN, "stale": provenance_view.STALE_COLUMN,
        "value": st.column_config.NumberColumn("value", format="%.4g"),
    })

with freshness:
    prov = cat.provenance_frame()
    today = date.today()
    prov = prov.assign(age_days=[(today - d).days for d in prov["as_of"]])
    stale = prov[prov["stale"]]
    c1, c2, c3 = st.columns(3)
    c1.metric("Newest number", str(prov["as_of"].max()))
    c2.metric("Oldest number", str(prov["as_of"].min()))
    c3.metric("Older than 15 months (stale)", f"{len(stale)} of {len(prov)}")
    by_issuer = (prov.groupby("subject").agg(newest=("as_of", "max"), oldest=("as_of", "min"),
                                              numbers=("value", "size"))
                 .sort_values("oldest").reset_index())
    st.dataframe(by_issuer, hide_index=True, width="stretch")
    events = sorted(cat.events.values(), key=lambda e: e.date)
    if events:
        st.caption(f"Policy events: {len(events)}, from {events[0].date} to {events[-1].date}.")

team_view.roles_section()  # admins only, when sign-in is configured
