"""Scenarios: the library, side-by-side comparison, and an editor with save and share."""

from functools import partial

import pandas as pd
import streamlit as st

from exposure.charts import overview as charts
from exposure.errors import ExposureError
from exposure.formatting import pct
from exposure.glossary import tip
from exposure.labels import holding_label
from exposure.scenarios.share import encode_scenario
from exposure.scenarios.store import scenario_yaml
from exposure.ui import editor
from exposure.ui.light_table import (
    EXPOSURE_FORMATS,
    light_table,
    markdown_link,
    signed_percent,
)
from exposure.ui.loaders import book_figure, frame_figure
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.team_view import scenario_save_section
from exposure.ui.widgets import about_the_data, chart, price_note

setup_page("Scenarios")
ctx = sidebar()
cat = ctx.catalog
book = ctx.book
ev = book.evaluation
shown = book.display
names = {c.id: c.name for c in cat.channels}
impacts = dict(zip(ev.scenarios.ids, ev.portfolio_usd, strict=True))

st.title("Scenarios")
# Each tab runs only when shown; the tab is in the URL (?sc_tab=Compare), and a shared
# scenario link opens the Editor.
library, compare, edit = st.tabs(
    ["Library", "Compare", "Editor"], key="sc_tab", on_change="rerun", bind="query-params",
    default="Editor" if editor.SHARE_PARAM in st.query_params else None)

if library.open:
    with library:
        st.caption("Each scenario: what happens, how likely we think it is, the real events it "
                   "resembles, and what it does to this portfolio.")
        if ev.total_value_usd > 0 and len(ev.market_value):
            with st.container(border=True):  # the same figure as the Overview's, built once
                chart(book_figure(book, "scenario_bar", ctx.scenario_id, build=lambda: (
                    charts.scenario_bar(ev.portfolio_frame(), ctx.scenario_id, display=shown))),
                      key="scenario_bar")
        cols = st.columns(2)
        for i, (sid, scn) in enumerate(cat.scenarios.items()):
            with cols[i % 2], st.container(border=True):
                badge = " :blue-badge[user]" if cat.is_user("scenario", sid) else ""
                st.markdown(f"#### {scn.title}{badge}")
                a, c = st.columns(2)
                a.metric("Probability", f"{scn.probability.value:.0%}",
                         help=tip("Probability", extra=f"Basis: {scn.probability.basis}"))
                impact = impacts.get(sid)
                if impact is None:
                    impact = float(book.with_scenarios([scn]).portfolio_usd[0])
                c.metric("Portfolio impact", shown.money(impact),
                         delta=f"{pct(impact / ev.total_value_usd)} of the book"
                         if ev.total_value_usd > 0 else None, delta_color="off",
                         help=tip("Impact", "% of book"))
                st.caption(f"Horizon: {scn.horizon} · {ctx.case} case",
                           help=tip("Horizon", "Shock case"))
                st.write(scn.narrative)
                if scn.events:
                    lines = []
                    for eid in scn.events:
                        event = cat.events[eid]
                        # escaped: a title's ":5:" made Markdown load its emoji table
                        lines.append(f"- {event.date:%d %b %Y} · "
                                     + markdown_link(event.title, str(event.sources[0].url)))
                    with st.expander(f"Linked real events ({len(scn.events)})"):
                        st.markdown("\n".join(lines))

if compare.open:
    with compare:
        ids = list(cat.scenarios)
        picked = st.multiselect("Compare 2 to 4 scenarios", ids, default=ids[1:4],
                                format_func=ctx.label, max_selections=4,
                                key="compare")
        if len(picked) < 2:
            st.info("Pick at least two scenarios to compare.")
        else:
            rows = [{"scenario": ctx.label(s), "channel": ch, "low": sh.low,
                     "base": sh.base, "high": sh.high}
                    for s in picked for ch, sh in cat.scenarios[s].shocks.items()]
            shocks = pd.DataFrame(rows)
            cmp_eval = book.with_scenarios([cat.scenarios[s] for s in picked])
            mcols = st.columns(len(picked))
            for col, sid, usd_, share in zip(mcols, picked, cmp_eval.portfolio_usd,
                                             cmp_eval.impact_pct, strict=True):
                with col, st.container(border=True):
                    st.metric(ctx.label(sid), shown.money(float(usd_)),
                              delta=f"{pct(float(share), digits=2)} of the book",
                              help=f"{cat.scenarios[sid].title}\n\n" + tip("Impact"))
            with st.container(border=True):
                chart(frame_figure("shock_comparison", [shocks], tuple(names.items()),
                                   build=lambda: charts.shock_comparison(shocks, names)),
                      key="shock_comparison")
            base = shocks.pivot_table(index="channel", columns="scenario", values="base",
                                      aggfunc="first", sort=False).fillna(0.0) * 100
            base.insert(0, "Channel", [names.get(c, c) for c in base.index])
            base.columns.name = None
            st.markdown("**Central-case shock per channel**",
                        help=tip("Shock", "Central case", "Channel"))
            light_table(base.reset_index(drop=True),
                        {c: partial(signed_percent, digits=0) for c in base.columns[1:]},
                        rows=len(base))

if edit.open:
    with edit:
        problem = editor.init_editor(cat)
        if problem:
            st.error(f"Could not open the shared scenario: {problem}. Showing the library "
                     "scenario instead.")
        st.caption("Start from a library scenario, move the shocks, and see the portfolio impact "
                   "update. Save it as your own scenario, download it, or share the exact view.")
        st.selectbox("Start from", list(cat.scenarios), key="ed_base",
                     format_func=lambda i: cat.scenarios[i].title,
                     on_change=editor.on_base_change, args=(cat,))
        left, right = st.columns([3, 2])
        with left:
            st.text_input("Title", key="ed_title", max_chars=120)
            st.text_area("Narrative", key="ed_narrative", max_chars=2000, height=100)
            st.slider("Probability (%)", 0, 100, key="ed_prob", help=tip("Probability"))
            st.markdown("**Shocks per channel** (fractional change of the stream, in %)",
                        help=tip("Shock", "Channel"))
            for ch in cat.channel_ids:
                with st.container(border=True):
                    st.markdown(f"**{names[ch]}**")
                    c1, c2 = st.columns(2)
                    c1.slider("Base", -100, 100, key=f"ed_base_{ch}", format="%+d%%",
                              help=tip("Central case"),
                              on_change=editor.keep_base_in_range, args=(ch, "base"))
                    c2.slider("Low to high", -100, 100, key=f"ed_range_{ch}", format="%+d%%",
                              help=tip("Adverse case", "Favourable case"),
                              on_change=editor.keep_base_in_range, args=(ch, "range"))
        with right:
            origin = editor.origin()
            try:
                edited = editor.edited_scenario(cat, st.session_state.get("ed_id") or "my_scenario")
                error = None
            except (ExposureError, ValueError) as exc:
                edited, error = None, str(exc).splitlines()[0]
            if error or edited is None:
                st.error(f"The edited scenario is not valid: {error}")
            else:
                preview = book.with_scenarios([origin, edited])
                delta = float(preview.portfolio_usd[1] - preview.portfolio_usd[0])
                with st.container(border=True):
                    st.metric("Edited scenario: portfolio impact",
                              shown.money(float(preview.portfolio_usd[1])),
                              delta=f"{shown.money(delta)} vs '{origin.label or origin.title}'",
                              help=tip("Impact"))
                order = preview.impact_usd[:, 1].argsort()[:8]
                top = pd.DataFrame({
                    "Holding": [holding_label(s, n) for s, n in zip(
                        preview.profiles.symbols[order], preview.profiles.names[order],
                        strict=True)],
                    "Impact": preview.impact_usd[order, 1],
                    "Value change": preview.value_change[order, 1] * 100})
                st.markdown("**Largest losses under the edited scenario**",
                            help=tip("Impact", "Value change"))
                light_table(top, EXPOSURE_FORMATS, rows=len(top))
                changed = edited.model_dump(exclude={"id"}) != origin.model_dump(exclude={"id"})
                in_library = cat.scenarios.get(origin.id) == origin
                token = encode_scenario(edited, origin if in_library else None)
                editor.publish_share_token(token if changed else None)
                with st.container(border=True):
                    st.markdown("**Save, download, share**")
                    new_id = st.text_input(
                        "Scenario id", key="ed_id", max_chars=40,
                        help="Letters, digits, '.', '_' and '-'. Bundled ids are refused.")
                    replace = st.checkbox("Replace my scenario with this id if it exists",
                                          key="ed_replace")
                    scenario_save_section(cat, new_id, replace)
                    st.download_button("Download YAML", scenario_yaml(edited).encode(),
                                       file_name=f"{edited.id}.yaml", mime="application/x-yaml",
                                       key="ed_download")
                    base_url = (st.context.url or "").split("?")[0]
                    st.caption("Share link: opens this editor with exactly these values"
                               + ("." if changed
                                  else " (no edits yet: this is the library scenario)."))
                    link = f"{base_url}?{editor.SHARE_PARAM}={token}" if changed else base_url
                    st.code(link, language=None, wrap_lines=True)

about_the_data([
    price_note(ctx.price_status),
    f"Library: {len(cat.scenarios)} scenarios, "
    f"{sum(cat.is_user('scenario', s) for s in cat.scenarios)} of them yours (saved in your "
    "workspace as YAML). Every shock carries a range and a one-line rationale citing a fact.",
], commands=["evaluate --portfolio <your book> --scenario <scenario id> --case adverse"])
