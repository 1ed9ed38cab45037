"""The out-of-sample scorecard on the Evidence page, and the calibration section of the
Methodology page. The scorecard is the same for every session: it is computed once per
version of the data files (their signature is the cache key) and shared."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from exposure.charts import evidence as ce
from exposure.errors import ExposureError
from exposure.evidence.calibration import RULE
from exposure.evidence.scorecard import (
    ScorecardResult,
    compute_scorecard,
    scorecard_headline,
)
from exposure.glossary import tip
from exposure.labels import segment_name
from exposure.market.yahoo import is_offline
from exposure.model.catalog import Catalog
from exposure.ui.loaders import files_signature
from exposure.workspace import data_dir, home_dir

GOALS = "Goals: pooled Spearman >= 0.5 with the interval above 0, sign accuracy >= 75%, slope 0.7 to 1.4."


@st.cache_data(show_spinner="Scoring the model against past policy days…", max_entries=2)
def _shipped(data: str, signature: str) -> ScorecardResult:
    return compute_scorecard(data)


@st.cache_data(show_spinner="Scoring the model on live Yahoo history…", max_entries=2, ttl=3600)
def _live(data: str, signature: str, home: str) -> ScorecardResult:
    return compute_scorecard(data, live=True, home=home)


def data_signature() -> str:
    """Signature of every data file the scorecard reads (YAML files and the closes CSV)."""
    data = data_dir()
    return files_signature(data, data / "prices" / "closes.csv")


def get_scorecard(live: bool = False) -> ScorecardResult:
    """The scorecard on the shipped closes (or live history), cached across sessions; a
    failure is raised and never cached."""
    data = str(data_dir())
    if live:
        return _live(data, data_signature(), str(home_dir()))
    return _shipped(data, data_signature())


def _pct(value: float, digits: int = 0) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.{digits}%}"


def _num(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:+.2f}"


def per_event_table(result: ScorecardResult) -> pd.DataFrame:
    """The per-event table with human headers."""
    return pd.DataFrame([{
        "Date": e.date, "Event": e.title, "Scenario it resembles": e.scenario,
        "Direction": "toward" if e.direction > 0 else "away from", "Tickers": e.n,
        "Spearman": e.spearman, "p-value (one-sided)": e.p, "Sign accuracy": e.sign_accuracy,
        "Slope realised/predicted": e.slope,
    } for e in result.per_event])


def misses_table(result: ScorecardResult) -> pd.DataFrame:
    m = result.misses
    return pd.DataFrame({
        "Date": m["date"], "Event": m["event"], "Ticker": m["ticker"],
        "Predicted": m["predicted"], "Realised CAR [0,+1]": m["realised"],
        "Standard errors off": m["z"], "Likely cause": m["cause"],
        "Reported in the news (cross-check)": m["reported_move"],
    })


def render_scorecard() -> str:
    """The scorecard section: headline, pooled figures, per-event table, charts, misses.
    Returns the line for the page's "About the data" (which prices it was computed on)."""
    live = False
    if not is_offline():
        live = st.toggle("Recompute on live Yahoo history (through the price cache)",
                         key="sc_live", help="Off: the shipped, sourced closes (the published "
                                             "figures). On: the same computation on Yahoo data.")
    try:
        result = get_scorecard(live=live)
    except ExposureError as exc:
        if not live:
            st.error(f"The scorecard cannot be computed: {exc}")
            return ""
        st.warning(f"Live history unavailable ({exc}); showing the shipped closes.",
                   icon=":material/cloud_off:")
        result = get_scorecard(live=False)
    headline = scorecard_headline(result)
    st.markdown(f"**{headline[:1].upper() + headline[1:]}.**")
    lo, hi = result.ci95
    c = st.columns(4)
    c[0].metric("Policy days scored", result.events_scored,
                help=f"{result.pairs} (event, ticker) pairs; events with fewer than 8 tickers "
                     "are listed below, not scored.\n\n" + tip("Out of sample"))
    c[1].metric("Pooled Spearman", _num(result.spearman_pooled),
                help=tip("Spearman", extra=f"Mean within-event rank correlation; 95% interval "
                         f"{_num(lo)} to {_num(hi)} (bootstrap over events). " + GOALS))
    c[2].metric("Sign accuracy", _pct(result.sign_accuracy),
                help=tip("Sign accuracy", extra=GOALS))
    c[3].metric("Slope realised / predicted", _num(result.slope),
                help=tip("Slope", extra=GOALS))
    st.caption(f"95% interval of the pooled Spearman: {_num(lo)} to {_num(hi)}. {GOALS} "
               "Out of sample: each event is predicted with elasticities estimated on the "
               "other events only.")
    table = per_event_table(result)
    if not table.empty:
        with st.container(border=True):
            bars = pd.DataFrame({"date": [e.date.isoformat() for e in result.per_event],
                                 "event": [e.title for e in result.per_event],
                                 "spearman": [e.spearman for e in result.per_event],
                                 "p": [e.p for e in result.per_event],
                                 "n": [e.n for e in result.per_event]})
            st.plotly_chart(ce.scorecard_events_bar(bars, "Did the model rank each policy day?"),
                            width="stretch", theme="streamlit", key="sc_events")
        st.dataframe(table, hide_index=True, width="stretch", key="sc_per_event", column_config={
            "Date": st.column_config.DateColumn("Date"),
            "Tickers": st.column_config.NumberColumn(help=tip("n")),
            "Spearman": st.column_config.NumberColumn(format="%+.2f", help=tip("Spearman")),
            "p-value (one-sided)": st.column_config.NumberColumn(format="%.3f",
                                                                 help=tip("p-value")),
            "Sign accuracy": st.column_config.NumberColumn(format="percent"),
            "Slope realised/predicted": st.column_config.NumberColumn(format="%+.2f"),
        })
    with st.container(border=True):
        st.plotly_chart(ce.scorecard_scatter(result.predictions,
                                             "Predicted vs realised, out of sample"),
                        width="stretch", theme="streamlit", key="sc_scatter")
    misses = misses_table(result)
    st.markdown(f"**Misses** ({len(misses)} of {result.pairs} pairs more than 2 standard "
                "errors off the prediction), with the likely cause")
    st.dataframe(misses, hide_index=True, width="stretch", key="sc_misses", column_config={
        "Date": st.column_config.DateColumn("Date"),
        "Predicted": st.column_config.NumberColumn(format="percent"),
        "Realised CAR [0,+1]": st.column_config.NumberColumn(format="percent", help=tip("CAR")),
        "Standard errors off": st.column_config.NumberColumn(format="%+.1f"),
        "Reported in the news (cross-check)": st.column_config.NumberColumn(format="percent"),
    })
    if len(result.not_scored):
        st.markdown("**Not scored**")
        st.dataframe(result.not_scored.rename(columns={
            "date": "Date", "event": "Event", "title": "Title", "reason": "Why not"}),
            hide_index=True, width="stretch", key="sc_not_scored")
    with st.expander("Every pair (news-reported moves as a cross-check only)"):
        p = result.predictions
        pairs = pd.DataFrame({
            "Date": p["date"].to_numpy(), "Event": p["event"].to_numpy(),
            "Ticker": p["ticker"].to_numpy(), "Predicted": p["predicted"].to_numpy(),
            "CAR [0,+1]": p["realised"].to_numpy(), "CAR [-1,+5]": p["realised_wide"].to_numpy(),
            "t-statistic": p["t_stat"].to_numpy(),
            "Segment": [segment_name(s) for s in p["segment"]],
            "Elasticity k": p["k"].to_numpy(), "Source of k": p["k_source"].to_numpy(),
            "Reported (news)": p["reported_move"].to_numpy(),
            "Reported basis": p["reported_basis"].to_numpy()})
        st.dataframe(pairs, hide_index=True, width="stretch", key="sc_pairs", column_config={
            "Predicted": st.column_config.NumberColumn(format="percent"),
            "CAR [0,+1]": st.column_config.NumberColumn(format="percent", help=tip("CAR")),
            "CAR [-1,+5]": st.column_config.NumberColumn(format="percent"),
            "t-statistic": st.column_config.NumberColumn(format="%+.2f", help=tip("t-statistic")),
            "Elasticity k": st.column_config.NumberColumn(format="%.2f", help=tip("Elasticity k")),
            "Reported (news)": st.column_config.NumberColumn(format="percent"),
        })
    with st.expander("Method"):
        for name, text in result.method.items():
            st.markdown(f"- **{name}**: {text}")
    return f"Scorecard prices: {result.price_source}."


def elasticity_table(catalog: Catalog) -> pd.DataFrame:
    """Prior, estimate, interval and the k used, per segment (then per holding with an
    estimate on file)."""
    cal = catalog.calibration
    rows = []
    for seg_id, seg in catalog.segments.items():
        choice = catalog.segment_elasticity(seg_id)
        est = cal.segments.get(seg_id) if cal else None
        rows.append({"Segment or holding": seg.label, "Prior (judgement)": seg.elasticity.value,
                     "Estimate": est.value if est else math.nan,
                     "95% interval": f"{est.ci95[0]:+.2f} to {est.ci95[1]:+.2f}" if est else "",
                     "Events": est.n_events if est else 0,
                     "Used": choice.value if choice else seg.elasticity.value,
                     "Source of k used": choice.label if choice else "prior (segment)"})
    for ticker, est in (cal.holdings.items() if cal else []):
        company = catalog.company_for_symbol(ticker)
        if company is None:
            continue
        choice = catalog.company_elasticity(company)
        rows.append({"Segment or holding": f"{company.name} ({ticker})",
                     "Prior (judgement)": choice.prior, "Estimate": est.value,
                     "95% interval": f"{est.ci95[0]:+.2f} to {est.ci95[1]:+.2f}",
                     "Events": est.n_events, "Used": choice.value,
                     "Source of k used": choice.label})
    return pd.DataFrame(rows)


def render_methodology(catalog: Catalog) -> str:
    """Plain-words method of the scorecard and calibration, and the elasticities table.
    Returns the line for the page's "About the data" (what the calibration was fitted on)."""
    st.markdown(
        "**Does the model rank real policy days?** For each dated policy event we measure how "
        "every listed issuer with a profile actually moved: its return over the announcement "
        "day and the next (the next session when the news came after the close), minus what "
        "the market (SPY) explains on those days, using each stock's usual relation to the "
        "market over the 120 trading days that ended two weeks before. We link each event to "
        "the scenario it resembles (and whether it moves toward or away from it) and compare "
        "that abnormal move with the engine's predicted value change. The test is out of "
        "sample: each event is predicted with elasticities estimated on the other events only. "
        "We report the rank correlation per event and pooled, with intervals, the share of "
        "signs right and whether predictions are the right size, and name the misses. "
        "Moves reported in the news are shown only as a cross-check.")
    st.markdown(
        "**Elasticities before and after calibration.** The elasticity *k* turns a revenue "
        "change into a value change. Its prior is a judgement (operating leverage, see "
        "*Channels & defaults*); the estimate is the slope of the abnormal moves on the "
        f"predicted revenue changes, with a 95% interval from resampling events. Rule: {RULE}.")
    table = elasticity_table(catalog)
    if catalog.calibration is None:
        st.info("No calibration file (data/calibration.yaml): every k is the prior judgement.")
    st.dataframe(table, hide_index=True, width="stretch", key="calibration_table",
                 column_config={
                     "Prior (judgement)": st.column_config.NumberColumn(
                         format="%.2f", help=tip("Judgement")),
                     "Estimate": st.column_config.NumberColumn(format="%+.2f"),
                     "Used": st.column_config.NumberColumn(format="%.2f",
                                                           help=tip("Elasticity k")),
                 })
    if catalog.calibration is None:
        return ""
    st.caption(f"Estimated from {catalog.calibration.price_source}, as of "
               f"{catalog.calibration.as_of}.")
    return (f"Calibration: estimated from {catalog.calibration.price_source}, as of "
            f"{catalog.calibration.as_of}.")
