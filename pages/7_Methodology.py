"""Methodology & data: the model in words and formulas, channels, provenance, freshness."""

from datetime import date

import pandas as pd
import streamlit as st

from exposure.glossary import glossary_frame, tip
from exposure.labels import (
    LINK_KIND_NAMES,
    entity_name,
    field_name,
    readable,
    segment_name,
    subject_name,
    tier_name,
)
from exposure.lookthrough import maths as lookthrough
from exposure.model import engine
from exposure.model.schema import TIERS
from exposure.ui import holding_view, provenance_view, scorecard_view, team_view
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.widgets import about_the_data, percent_column, price_note, table

setup_page("Methodology & data")
ctx = sidebar()
cat = ctx.catalog

st.title("Methodology & data")
model, glossary, channels, calibration, lookthrough_tab, provenance, freshness = st.tabs(
    ["The model", "Glossary", "Channels & defaults", "Calibration & scorecard", "Look-through",
     "Provenance", "Freshness"],
    key="meth_tab", on_change="rerun", bind="query-params")
notes: list[str] = [price_note(ctx.price_status)]

if model.open:  # each tab runs only when shown (lazy)
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
        st.markdown("**The formulas, exactly as the engine computes them:**")
        doc = engine.__doc__ or ""
        formulas = doc.split("::", 1)[1].split("No Python loops", 1)[0] if "::" in doc else doc
        st.code(formulas.strip("\n"), language=None)
        st.markdown(
            "- *h* = holding, *s* = scenario, *c* = channel; *e* exposure share, *x* shock, *k* "
            "elasticity, *p* scenario probability.\n"
            "- Probabilities are weights we chose, each with its stated basis; the remainder below "
            "100% is *no policy change* (zero impact). If the selected set sums above 100% the app "
            "says so and normalises.\n"
            "- A holding without a company profile gets its segment's default profile and is flagged "
            "*segment default* everywhere; without a segment it is *unclassified* (no exposure "
            "assumed).\n"
            "- Channel contributions add up to the impact; where the −100% floor binds, the waterfall "
            "shows the difference as its own bar.\n"
            "- Limits: first-order and linear in the shocks; no second-round effects, no market-wide "
            "multiple changes; exposures are the latest disclosed or estimated mix, not forecasts."
        )

if glossary.open:
    with glossary:
        st.caption("Every term of the model in one sentence. The same definitions appear as "
                   "tooltips (the ? next to a label or column header) wherever the term is used.")
        table(glossary_frame(), {"Term": st.column_config.TextColumn(width="medium"),
                                 "Meaning": st.column_config.TextColumn(width="large")},
              key="glossary_table", height=min(36 * len(glossary_frame()) + 40, 900))

if channels.open:
    with channels:
        table(pd.DataFrame([{"Channel": c.name, "What it measures": c.description, "Unit": c.unit}
                            for c in cat.channels]),
              {"Channel": st.column_config.TextColumn(help=tip("Channel"))}, key="channels_table")
        st.markdown("**Segment defaults** (what an issuer without a profile gets; all estimates)",
                    help=tip("Segment default"))
        segs = list(cat.segments)
        defaults = pd.DataFrame(
            {"Channel": ["Elasticity k", *(c.name for c in cat.channels)]}
            | {segment_name(seg): [cat.segments[seg].elasticity.value,
                                   *(cat.segments[seg].exposures[c].value
                                     if c in cat.segments[seg].exposures else 0.0
                                     for c in cat.channel_ids)] for seg in segs})
        st.dataframe(defaults.style.format({segment_name(seg): "{:.2f}" for seg in segs},
                                           subset=pd.IndexSlice[0, :])
                     .format({segment_name(seg): "{:.0%}" for seg in segs},
                             subset=pd.IndexSlice[1:, :]),
                     hide_index=True, width="stretch", key="segment_defaults")
        st.caption("First row: the elasticity k; then each channel's exposure share. Segments: "
                   + "; ".join(f"**{segment_name(seg)}**: {cat.segments[seg].label}" for seg in segs)
                   + ".")

if calibration.open:
    with calibration:
        notes.append(scorecard_view.render_methodology(cat))

if lookthrough_tab.open:
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
        table(pd.DataFrame({
            "Link": [f"{entity_name(cat, h)}: {LINK_KIND_NAMES.get(k, k).lower()} "
                     f"{'in' if k == 'equity' else 'with'} {entity_name(cat, t)}"
                     for h, k, t in zip(links["holder"], links["kind"], links["target"], strict=True)],
            "Share of holder value": links["share_of_holder_value"].to_numpy(),
            "Stake or revenue share": links["stake_share"].fillna(links["revenue_share"]).to_numpy(),
            "Tier": [tier_name(t) for t in links["tier"]],
            "Confidence": [readable(str(c)) for c in links["confidence"]],
            "As of": links["as_of"].to_numpy(),
            "Stale": links["stale"].to_numpy(),
            "Source": links["source"].to_numpy(),
            "Basis": links["basis"].to_numpy(),
        }), {
            "Share of holder value": percent_column(help=tip("Stake")),
            "Stake or revenue share": percent_column(
                help="For a stake, the share of the target owned; for a contract, the share of the "
                     "holder's revenue it represents."),
            "Tier": st.column_config.TextColumn(help=tip("Tier")),
            "Stale": st.column_config.CheckboxColumn("Older than 12 months", help=tip("Stale")),
            "Source": provenance_view.SOURCE_COLUMN,
        }, key="links_table")

if provenance.open:
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
                       help=tip(tier.capitalize(), extra=f"{mix[tier]} of {total} (numbers, reported "
                                "moves, reference prices, events' first source)."))
        f1, f2, f3, f4 = st.columns(4)
        subjects = f1.multiselect("Issuer", sorted(prov["subject"].unique()), key="prov_subject",
                                  format_func=lambda s: subject_name(cat, s))
        fields = f2.multiselect("Field", sorted(prov["field"].unique()), key="prov_field",
                                format_func=lambda f: field_name(cat, f))
        tiers = f3.multiselect("Tier", list(TIERS), key="prov_tier", format_func=tier_name,
                               help=tip("Tier"))
        kind = f4.radio("Kind", ["all", "reported", "estimates"], horizontal=True, key="prov_kind",
                        format_func=str.capitalize, help=tip("Estimate"))
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
        table(pd.DataFrame({
            "Issuer": [subject_name(cat, s) for s in shown["subject"]],
            "Field": [field_name(cat, f) for f in shown["field"]],
            "Value": [holding_view.value_text(f, v) for f, v in zip(shown["field"], shown["value"],
                                                                    strict=True)],
            "Tier": [tier_name(t) for t in shown["tier"]],
            "As of": shown["as_of"].to_numpy(),
            "Source": shown["source"].to_numpy(),
            "Kind": shown["estimate"].map({True: "Estimate", False: "Reported"}).to_numpy(),
            "Stale": shown["stale"].to_numpy(),
            "Basis": shown["basis"].to_numpy(),
        }), {"Source": provenance_view.SOURCE_COLUMN, "Stale": provenance_view.STALE_COLUMN,
             "Tier": st.column_config.TextColumn(help=tip("Tier")),
             "Basis": st.column_config.TextColumn(help=tip("Basis"), width="large")},
            key="provenance_table")

if freshness.open:
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
        table(pd.DataFrame({
            "Issuer": [subject_name(cat, s) for s in by_issuer["subject"]],
            "Oldest": by_issuer["oldest"].to_numpy(), "Newest": by_issuer["newest"].to_numpy(),
            "Numbers": by_issuer["numbers"].to_numpy()}),
            {"Oldest": st.column_config.DateColumn(help=tip("As of")),
             "Newest": st.column_config.DateColumn()}, key="freshness_table")
        events = sorted(cat.events.values(), key=lambda e: e.date)
        if events:
            st.caption(f"Policy events: {len(events)}, from {events[0].date} to {events[-1].date}.")

team_view.roles_section()  # admins only, when sign-in is configured

about_the_data(notes, commands=["validate-data", "scorecard --write-calibration"])
