"""Weekly review: snapshots of the portfolio's exposure, what changed since last week, and the
report to take into the meeting."""

import streamlit as st

from exposure.charts import review as charts_review
from exposure.errors import ExposureError
from exposure.glossary import tip
from exposure.review.diff import diff_snapshots
from exposure.review.store import impact_trend, list_snapshots, take_snapshot
from exposure.ui import review_view as view
from exposure.ui import ritual_view
from exposure.ui.auth import current_user
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.widgets import about_the_data, chart, kpi, price_note, table
from exposure.workspace import home_dir

setup_page("Weekly review")
ctx = sidebar()
home = home_dir()
shown = ctx.book.display
money = shown.money  # snapshots are kept in USD; shown in the book's currency at one rate

def _about() -> None:
    about_the_data([price_note(ctx.price_status),
                    f"Snapshots are kept in the review store under {home}; each keeps the "
                    "prices, scenario set and results it was taken with."],
                   commands=["review snapshot --portfolio <your book>",
                             "review report --out weekly-review.html"])


st.title("Weekly review")
st.caption("Take a snapshot of the portfolio in use (holdings, prices, scenario set and "
           "results), compare it with an earlier one, and download the report."
           + ("" if shown.is_usd and not shown.fell_back else
              f" Snapshots are kept in USD; amounts here are in {shown.note}, one rate for "
              "every snapshot, so changes carry no currency effect."))

with st.container(border=True):
    st.subheader("Take a snapshot", help=tip("Snapshot"))
    with st.form("review_snapshot_form", clear_on_submit=True, border=False):
        note = st.text_area("Note", max_chars=2000, key="review_note",
                            placeholder="What happened this week, decisions taken…")
        author = st.text_input("Your name (optional)", max_chars=80, key="review_author")
        submitted = st.form_submit_button("Take snapshot", type="primary", key="review_take",
                                          disabled=not current_user().can("review.write"))
    if submitted:
        try:
            taken = take_snapshot(ctx.book, ctx.catalog, note=note, author=author, home=home,
                                  price_status=ctx.price_status, user=current_user())
            st.success(f"Snapshot #{taken.id} taken ({taken.week}).", icon=":material/check:")
            for picked in ("review_new", "review_old"):  # compare the new one with the last
                st.session_state.pop(picked, None)
        except ExposureError as exc:
            st.error(f"Not saved: {exc}")

try:
    infos = list_snapshots(home)
except ExposureError as exc:
    st.error(f"The review history could not be read: {exc}")
    _about()
    st.stop()
if not infos:
    st.info("No snapshots yet. Take the first one above; next week, take another and "
            "compare.", icon=":material/info:")
    _about()
    st.stop()

with st.container(border=True):
    st.subheader("History")
    table(view.history_table(infos), view.HISTORY_CONFIG, key="review_history")

ritual_view.open_reviews_section()

labels = {i.id: i.label for i in infos}
ids = [i.id for i in infos][::-1]  # newest first
c1, c2 = st.columns(2)
new_id = c1.selectbox("Snapshot", ids, index=0, format_func=labels.get, key="review_new")
older = [i for i in ids if i != new_id]
after = ids[ids.index(new_id) + 1:]  # taken before the chosen one, newest first
default_old = after[0] if after else (older[0] if older else None)
if default_old is not None:
    old_id = c2.selectbox("Compare with", older, format_func=labels.get, key="review_old",
                          index=older.index(default_old))
else:
    old_id = None
by_id = {i.id: i for i in infos}
current = view.cached_snapshot(home, by_id[new_id])
previous = view.cached_snapshot(home, by_id[old_id]) if old_id is not None else None
diff = diff_snapshots(previous, current, ctx.catalog.events.values()) if previous else None
ritual_view.ritual_section(current)

if diff is None:
    st.info("Only one snapshot so far: the comparison appears once there are two.",
            icon=":material/info:")
else:
    s = diff.summary
    st.caption(f"{by_id[old_id].label} → {by_id[new_id].label} ({s.days:.1f} days)")
    k = st.columns(4)
    with k[0]:
        kpi("Value change", money(s.value_change_usd),
            delta=f"{money(s.old_total_value_usd)} → {money(s.new_total_value_usd)}",
            delta_color="off", help="Current total minus previous total (holdings and cash).")
    with k[1]:
        kpi("Price moves", money(s.price_effect_usd),
            help=tip("Price effect", extra="Re-marks for holdings without a quantity count here."))
    with k[2]:
        kpi("Position changes", money(s.position_effect_usd + s.added_usd + s.removed_usd),
            delta=f"{s.holdings_added} added, {s.holdings_removed} removed, "
                  f"{s.holdings_resized} resized", delta_color="off",
            help=tip("Position effect"))
    with k[3]:
        kpi("Probability-weighted impact", money(s.new_expected_impact_usd),
            delta=f"{money(s.expected_impact_change_usd)} vs previous",
            help=tip("Probability-weighted impact",
                     extra="Over the recorded scenario set, now vs then."))

    left, right = st.columns(2)
    with left, st.container(border=True):
        chart(charts_review.value_bridge_waterfall(diff.bridge, display=shown),
              key="review_bridge")
    with right, st.container(border=True):
        scen_ids = list(current.scenarios)
        scen_labels = {**previous.scenario_labels(), **current.scenario_labels()}
        scen = st.selectbox("Scenario", scen_ids, format_func=lambda i: scen_labels.get(i, i),
                            index=scen_ids.index(ctx.scenario_id) if ctx.scenario_id in scen_ids else 0,
                            key="review_scenario")
        chart(charts_review.exposure_change_bar(diff.exposures, scen, scen_labels.get(scen, scen),
                                                display=shown),
              key="review_exposure_change")

    with st.container(border=True):
        st.subheader("Holdings changes")
        changes = view.holding_changes_view(diff)
        if changes.empty:
            st.caption("No holding changed.")
        else:
            table(changes, view.HOLDING_CHANGES_CONFIG, key="review_changes")
    a, b = st.columns(2)
    with a, st.container(border=True):
        st.subheader("Scenario set changes")
        if diff.scenarios.empty:
            st.caption("The scenario set did not change.")
        else:
            table(view.scenario_changes_view(diff, {c.id: c.name for c in ctx.catalog.channels}),
                  {"Before": st.column_config.NumberColumn(format="%.2f"),
                   "After": st.column_config.NumberColumn(format="%.2f")},
                  key="review_scenario_changes")
    with b, st.container(border=True):
        st.subheader("New policy events")
        if diff.events.empty:
            st.caption("No catalog events dated between the two snapshots.")
        else:
            table(view.events_view(diff), {
                "Date": st.column_config.DateColumn(format="D MMM YYYY"),
                "Source": st.column_config.LinkColumn(
                    "Source", display_text=r"https?://(?:www\.)?([^/]+)")},
                key="review_events")
    with st.expander("Notes of the two snapshots"):
        for info in (by_id[old_id], by_id[new_id]):
            st.text(f"{info.label}: {info.note or '(no note)'}")

with st.container(border=True):
    trend = impact_trend(home)
    chart(charts_review.impact_trend(trend, {s: ctx.label(s) for s in ctx.catalog.scenarios},
                                     display=shown),
          key="review_trend")

with st.container(border=True):
    st.subheader("Report and data")
    st.caption("One self-contained HTML file (charts work offline) and the tables as CSV "
               "(cells that a spreadsheet would run as formulas are neutralised).")
    d1, d2, d3 = st.columns(3)
    stamp = f"{current.info.week}-{current.id}"
    d1.download_button("HTML report", view.report_download(current, ctx.catalog, diff, shown),
                       file_name=f"weekly-review-{stamp}.html", mime="text/html",
                       icon=":material/description:", key="review_dl_report", on_click="ignore")
    d2.download_button("All tables (CSV, zip)", view.csv_download(current, ctx.catalog, diff),
                       file_name=f"weekly-review-{stamp}-csv.zip", mime="application/zip",
                       icon=":material/folder_zip:", key="review_dl_zip", on_click="ignore")
    name = "diff_holdings.csv" if diff is not None else "holdings.csv"
    d3.download_button(name, view.table_download(current, ctx.catalog, diff, name),
                       file_name=f"weekly-review-{stamp}-{name}", mime="text/csv",
                       icon=":material/table:", key="review_dl_csv", on_click="ignore")

_about()
