"""Policy timeline & evidence: dated events, how listed holdings moved around them, and how
well the model's ranking matched the market."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from exposure.charts import evidence as ce
from exposure.evidence.event_study import (
    EventStudyConfig,
    EventStudyError,
    event_study,
    validate_model,
)
from exposure.glossary import tip
from exposure.labels import segment_name, tier_name
from exposure.ui import event_review_view as evr
from exposure.ui import evidence_view as evd
from exposure.ui import scorecard_view
from exposure.ui.light_table import LINK, TOP_ROWS, day, grid_on_demand, light_table
from exposure.ui.loaders import frame_figure
from exposure.ui.sidebar import setup_page, sidebar
from exposure.ui.widgets import about_the_data, chart, percent_column, price_note, table

setup_page("Policy timeline & evidence")
ctx = sidebar()
cat = ctx.catalog
events = evr.mark_reviewed(ce.events_frame(list(cat.events.values())), cat)
LINK_COLUMN = st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?([^/]+)")
notes: list[str] = [price_note(ctx.price_status)]
commands: list[str] = []

st.title("Policy timeline & evidence")
timeline, study, validation, scorecard = st.tabs(
    ["Timeline", "Event study", "Model vs market", "Out-of-sample scorecard"],
    key="ev_tab", on_change="rerun", bind="query-params")
# Each tab runs only when shown (the tab is in the URL: ?ev_tab=Event+study), so a new session
# draws one tab's charts and tables, not four; widgets keep their values while the page is
# open (persist_state="page").

if timeline.open:
    with timeline:
        evr.new_since_your_data(cat)
        f1, f2, f3 = st.columns(3)
        types = f1.multiselect("Type", sorted(events["type_label"].unique()), key="ev_types",
                               persist_state="page")
        jurs = f2.multiselect("Jurisdiction", sorted(events["jurisdiction"].unique()),
                              key="ev_jur", persist_state="page")
        layers = f3.multiselect("Affected layer",
                                ["chips", "cloud", "model_lab", "startup", "china_tech"],
                                format_func=segment_name, key="ev_layers", persist_state="page",
                                help=tip("Layer"))
        shown = events
        if types:
            shown = shown[shown["type_label"].isin(types)]
        if jurs:
            shown = shown[shown["jurisdiction"].isin(jurs)]
        if layers:
            shown = shown[shown["layers"].apply(
                lambda s: any(x in s.split(", ") for x in layers))]
        with st.container(border=True):
            chart(frame_figure("event_timeline", [shown], build=lambda: ce.event_timeline(shown)),
                  key="timeline")
        st.caption(f"{len(shown)} of {len(events)} events. Each links to its first "
                   "(highest-tier) source.")
        newest_first = shown.sort_values("date", ascending=False)
        events_table = pd.DataFrame({
            "Date": newest_first["date"].to_numpy(),
            "Event": newest_first["title"].to_numpy(),
            "Type": newest_first["type_label"].to_numpy(),
            "Where": newest_first["jurisdiction"].to_numpy(),
            "Tickers": newest_first["tickers"].to_numpy(),
            "Source": newest_first["source"].to_numpy(),
            "Added": [str(o).capitalize() for o in newest_first["origin"]],
        })
        # the newest as Markdown, every event in the grid on demand: a grid on the first
        # screen made a new session load the grid's code before the timeline could show
        light_table(events_table, {"Date": day, "Source": LINK}, rows=TOP_ROWS)
        grid_on_demand(f"All {len(events_table):,} events: sort, search, download",
                       events_table, {
                           "Date": st.column_config.DateColumn(format="D MMM YYYY", width=100),
                           "Source": LINK_COLUMN,
                           "Event": st.column_config.TextColumn(width=280),
                           "Type": st.column_config.TextColumn(width=140),
                           "Tickers": st.column_config.TextColumn(width=110)},
                       key="events_table")

listed = list(dict.fromkeys(
    str(s) for s, k in zip(ctx.book.valued["symbol"], ctx.book.valued["kind"], strict=True)
    if k == "listed" and cat.company_for_symbol(str(s)) is not None))
bench = st.session_state.get("ev_bench") or "SPY"  # the event study's, for Model vs market
history = evd.load_history(cat, listed + ["SPY", "SOXX"],
                           start=events["date"].min().date() - timedelta(days=420),
                           end=date.today() + timedelta(days=1))
moves = evd.reported_moves(cat)

notes.append(f"Price history for the event study: {history.status}.")
MOVES_CONFIG = {"Date": st.column_config.DateColumn(format="D MMM YYYY"), "Source": LINK_COLUMN,
                "Move": st.column_config.NumberColumn(format="%+.1f%%"),
                "Tier": st.column_config.TextColumn(help=tip("Tier")),
                "Basis": st.column_config.TextColumn(help=tip("Basis"))}

if study.open:
    with study:
        if history.closes.empty:
            commands.append("prices refresh")
            st.info("No price history is available here, so no event study can be computed (About "
                    "the data says why and how to fetch it). Below are the **moves reported in the "
                    "news** around policy events: reported figures with their sources, not our "
                    "computation.", icon=":material/cloud_off:")
            with st.container(border=True):
                chart(frame_figure("reported_moves", [moves],
                                   build=lambda: ce.reported_moves_bar(moves)),
                      key="reported_moves")
            table(pd.DataFrame({
                "Date": moves["date"].to_numpy(), "Event": moves["event"].to_numpy(),
                "Ticker": moves["ticker"].to_numpy(), "Move": moves["move_pct"].to_numpy(),
                "Tier": [tier_name(t) for t in moves["tier"]], "Source": moves["source"].to_numpy(),
                "Basis": moves["basis"].to_numpy()}), MOVES_CONFIG, key="moves_table")
        else:
            day_events = events[events["id"].map(
                lambda i: cat.events[i].date_precision == "day")]
            c1, c2, c3 = st.columns([3, 1, 1])
            event_id = c1.selectbox(
                "Event", day_events["id"][::-1].tolist(),
                format_func=lambda i: f"{cat.events[i].date} · {cat.events[i].title}",
                key="ev_study_event", persist_state="page")
            bench = c2.selectbox("Benchmark", ["SPY", "SOXX"], key="ev_bench",
                                 persist_state="page", help=tip("Benchmark"))
            window = c3.selectbox("Window", [(0, 1), (-1, 5)],
                                  format_func=lambda w: f"[{w[0]:+d},{w[1]:+d}]",
                                  key="ev_window", persist_state="page", help=tip("Event window"))
            event = cat.events[event_id]
            try:
                result = event_study(history.closes, event.date, after_close=event.after_close,
                                     tickers=[t for t in listed if t in history.closes.columns],
                                     config=EventStudyConfig(benchmark=bench, windows=(window,)))
            except EventStudyError as exc:
                st.warning(f"No event study for this event: {exc}")
            else:
                car = result.car
                with st.container(border=True):
                    chart(ce.car_bar(car, f"CAR {window} around the event of "
                                          f"{event.date:%d %b %Y}"), key="car_bar")
                st.caption(f"Market model vs {bench}, estimated over "
                           f"{int(car['estimation_days'].max())} trading days ending 30 days "
                           f"before day 0 ({result.day0.date()}"
                           f"{', announced after the close' if event.after_close else ''}).",
                           help=tip("CAR", "Abnormal return", "Benchmark"))
                table(pd.DataFrame({
                    "Ticker": car["ticker"].to_numpy(), "CAR": car["car"].to_numpy(),
                    "t-statistic": car["t_stat"].to_numpy(), "Window": car["window"].astype(str),
                    "Alpha": car["alpha"].to_numpy(), "Beta": car["beta"].to_numpy(),
                    "Trading days": car["n_days"].to_numpy()}), {
                        "CAR": percent_column(help=tip("CAR")),
                        "t-statistic": st.column_config.NumberColumn(format="%+.2f",
                                                                     help=tip("t-statistic")),
                        "Alpha": st.column_config.NumberColumn(format="%+.4f"),
                        "Beta": st.column_config.NumberColumn(format="%.2f")}, key="car_table")
                if result.skipped:
                    notes.append("Not studied: " + "; ".join(f"{k}: {v}"
                                                             for k, v in result.skipped.items()))

if validation.open:
    with validation:
        linked = [e for e in events["id"] if evd.linked_scenarios(cat, e)]
        st.caption("For events a scenario resembles: does the model rank the listed names the way "
                   "the market moved? Spearman rank correlation of predicted value change vs the "
                   "realised move, and the biggest misses in words.")
        if not linked:
            st.info("No scenario is linked to an event.")
        else:
            with_moves = set(moves["event_id"])
            default = next((i for i, e in enumerate(linked) if e in with_moves), 0)
            event_id = st.selectbox(
                "Event", linked, index=default, key="ev_val_event", persist_state="page",
                format_func=lambda i: f"{cat.events[i].date} · {cat.events[i].title}")
            scen_id = st.selectbox("Scenario it resembles", evd.linked_scenarios(cat, event_id),
                                   format_func=lambda s: cat.scenarios[s].title,
                                   key="ev_val_scenario", persist_state="page")
            event = cat.events[event_id]
            realised = pd.Series(dtype="float64")
            basis = ""
            if not history.closes.empty and event.date_precision == "day":
                try:
                    res = event_study(history.closes, event.date, after_close=event.after_close,
                                      tickers=[t for t in listed if t in history.closes.columns],
                                      config=EventStudyConfig(benchmark=bench))
                    realised = res.car_for((0, 1))
                    basis = f"CAR [0,+1] vs {bench}"
                except EventStudyError as exc:
                    notes.append(f"Event study not available for this event: {exc}")
            if realised.empty:
                ev_moves = moves[(moves["event_id"] == event_id)
                                 & ~moves["ticker"].str.startswith("^")]
                realised = ev_moves.drop_duplicates("ticker").set_index("ticker")["move_pct"] / 100
                basis = "moves reported in the news (first report per ticker)"
            predicted = evd.predicted_value_change(cat, scen_id,
                                                   sorted(set(listed) | set(realised.index)))
            if len(realised) == 0:
                st.info("No realised moves for this event here: no price history and no "
                        "reported moves. Pick an event marked in the reported-moves list, or "
                        "refresh prices.")
            else:
                check = validate_model(predicted, realised)
                c1, c2 = st.columns([1, 2])
                with c1, st.container(border=True):
                    st.metric("Spearman rank correlation",
                              "n/a" if pd.isna(check.spearman) else f"{check.spearman:+.2f}",
                              delta=f"n = {check.n}", delta_color="off",
                              help=tip("Spearman", "n", extra=f"{check.n} tickers with both a "
                                       "prediction and a realised move."))
                    st.caption(f"Realised: {basis}.")
                    st.write(check.summary)
                    for miss in check.misses:
                        st.caption(f":material/error: {miss}")
                with c2, st.container(border=True):
                    title = f"Model vs market: the event of {event.date:%d %b %Y}"
                    chart(frame_figure("pred_vs_real", [check.table], title,
                                       build=lambda: ce.predicted_vs_realised(check.table, title)),
                          key="pred_vs_real")
                t = check.table
                table(pd.DataFrame({
                    "Ticker": t["ticker"].to_numpy(), "Model": t["predicted"].to_numpy(),
                    "Market": t["realised"].to_numpy(),
                    "Model rank": t["predicted_rank"].to_numpy(),
                    "Market rank": t["realised_rank"].to_numpy(),
                    "Rank gap": t["rank_gap"].to_numpy()}),
                    {"Model": percent_column(help=tip("Value change")),
                     "Market": percent_column(help="The realised move: " + basis + "."),
                     "Rank gap": st.column_config.NumberColumn(format="%+d")},
                    key="validation_table")

with scorecard:
    if scorecard.open:
        notes.append(scorecard_view.render_scorecard())

about_the_data(notes, commands=commands + ["events pull"])
