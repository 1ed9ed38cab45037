"""The shared sidebar every page calls: navigation, portfolio in use, scenario selection,
scenario set, shock case and price-source status. Returns a :class:`PageContext`."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from exposure.errors import ExposureError
from exposure.formatting import money
from exposure.holdings.portfolio import Portfolio
from exposure.lookthrough.analysis import LookthroughResult
from exposure.model.analysis import Analysis
from exposure.model.catalog import Catalog
from exposure.ui import prices as ui_prices
from exposure.ui import urlstate
from exposure.ui.auth import require_user
from exposure.ui.loaders import get_analysis, get_catalog, get_lookthrough, get_sample_portfolio
from exposure.workspace import REPO_ROOT

PAGES: list[tuple[str, str, str]] = [
    ("app.py", "Overview", ":material/dashboard:"),
    ("pages/1_Portfolio.py", "Portfolio", ":material/upload_file:"),
    ("pages/2_Scenarios.py", "Scenarios", ":material/tune:"),
    ("pages/3_Holding.py", "Holding", ":material/query_stats:"),
    ("pages/4_Evidence.py", "Policy timeline & evidence", ":material/timeline:"),
    ("pages/5_Risk.py", "Risk & uncertainty", ":material/ssid_chart:"),
    ("pages/6_Weekly_review.py", "Weekly review", ":material/event_repeat:"),
    ("pages/7_Methodology.py", "Methodology & data", ":material/menu_book:"),
]
"""Navigation in display order; pages whose file does not exist yet are left out."""

PORTFOLIO_KEY = "portfolio"
CASES = ("low", "base", "high")


@dataclass(frozen=True)
class PageContext:
    """What a page needs: the catalog, the portfolio in use and its evaluation."""

    catalog: Catalog
    portfolio: Portfolio
    analysis: Analysis
    scenario_id: str
    scenario_ids: tuple[str, ...]
    case: str
    price_status: str
    lookthrough: LookthroughResult
    """Always computed (the effective-exposure view needs it); ``lookthrough_on`` says
    whether ``analysis`` already includes it."""
    lookthrough_on: bool


def setup_page(title: str, icon: str = ":material/public:") -> None:
    """``st.set_page_config`` for every page (must run first)."""
    st.set_page_config(page_title=f"{title} · AI export-policy exposure", page_icon=icon,
                       layout="wide", initial_sidebar_state="expanded")


def current_portfolio() -> Portfolio:
    """The portfolio in use this session (the bundled sample until the user loads another)."""
    portfolio = st.session_state.get(PORTFOLIO_KEY)
    if portfolio is None:
        portfolio = get_sample_portfolio()
        st.session_state[PORTFOLIO_KEY] = portfolio
    return portfolio


def set_portfolio(portfolio: Portfolio) -> None:
    """Make ``portfolio`` the one in use (only call after it imported successfully)."""
    st.session_state[PORTFOLIO_KEY] = portfolio


def _navigation() -> None:
    with st.sidebar:
        st.markdown("### AI export-policy exposure")
        for path, label, icon in PAGES:
            if (REPO_ROOT / path).exists():
                st.page_link(path, label=label, icon=icon)
        st.divider()


def sidebar() -> PageContext:
    """Render the shared sidebar and return the page context; stops the page on bad data."""
    require_user()  # sign-in, or the single local user; later code reads auth.current_user()
    _navigation()
    try:
        catalog = get_catalog()
    except ExposureError as exc:
        st.error(f"The reference data could not be loaded: {exc}")
        st.stop()
    for problem in catalog.workspace_problems:
        st.warning(f"A file in your workspace was skipped: {problem}", icon=":material/warning:")
    portfolio = current_portfolio()
    ids = list(catalog.scenarios)
    titles = {i: catalog.scenarios[i].title + (" · yours" if catalog.is_user("scenario", i) else "")
              for i in ids}
    with st.sidebar:
        st.caption("Portfolio in use")
        label = portfolio.name + (" · illustrative" if portfolio.illustrative else "")
        st.markdown(f"**{_plain(label)}**")
        urlstate.seed("scenario", ids)
        urlstate.seed("set", ids, multi=True)
        urlstate.seed("case", CASES)
        urlstate.seed_flag("lt")
        _drop_missing(ids)
        st.session_state.setdefault("set", ids)
        st.session_state.setdefault("case", "base")
        scenario_id = st.selectbox(
            "Scenario", ids, format_func=lambda i: titles.get(i, i), key="scenario",
            persist_state="session", help="The scenario the KPIs, treemap and waterfalls show.",
        )
        chosen = st.multiselect(
            "Scenario set", ids, format_func=lambda i: titles.get(i, i),
            key="set", persist_state="session",
            help="Scenarios in the heatmap, the bars and the probability-weighted expectation.",
        )
        case = st.segmented_control(
            "Shock case", CASES, key="case", persist_state="session",
            help="Evaluate every shock at the low, base or high end of its range.",
        ) or "base"
        lookthrough_on = st.toggle(
            "Look-through", key="lt", persist_state="session",
            help="Resolve funds into their constituents and add what listed holdings own or "
                 "depend on (stakes in labs and startups, compute contracts).")
        urlstate.write("scenario", scenario_id, ids[0])
        urlstate.write("set", chosen, ids)
        urlstate.write("case", case, "base")
        urlstate.write("lt", "1" if lookthrough_on else None, None)
    scenario_ids = tuple(i for i in ids if i in set(chosen) | {scenario_id})
    quotes, status = ui_prices.current_quotes(catalog, portfolio)
    try:
        analysis = get_analysis(portfolio, catalog, scenario_ids, case, quotes, status)
        lookthrough = get_lookthrough(portfolio, catalog, scenario_ids, case, quotes, status)
    except ExposureError as exc:
        st.error(f"The portfolio could not be evaluated: {exc}")
        st.stop()
    if lookthrough_on:
        analysis = Analysis(portfolio, analysis.valued, lookthrough.evaluation.profiles,
                            lookthrough.evaluation)
    ev = analysis.evaluation
    with st.sidebar:
        st.metric("Portfolio value", money(ev.total_value_usd))
        st.caption(f":material/sell: {status}")
        if st.button("Refresh prices", key="refresh_prices", icon=":material/refresh:",
                     type="tertiary", help="Ask the price sources again (cache, Yahoo, reference)."):
            ui_prices.refresh_prices()
            st.rerun()
        valued = analysis.valued
        stated = valued.loc[valued["price_source"] == "stated in portfolio", "symbol"].tolist()
        if stated:
            st.caption(f":material/edit_note: at the portfolio's stated value (no price): "
                       f"{', '.join(stated)}")
        if analysis.unvalued:
            st.caption(f":material/warning: unvalued: {', '.join(analysis.unvalued)}")
        if ev.probabilities_normalised:
            st.caption(":material/warning: the selected probabilities sum above 1; "
                       "they are normalised for the expectation")
    return PageContext(catalog, portfolio, analysis, scenario_id, scenario_ids, case, status,
                       lookthrough, lookthrough_on)


def _drop_missing(ids: list[str]) -> None:
    """Forget selections of scenarios that no longer exist (a user file was removed)."""
    ss = st.session_state
    if ss.get("scenario") is not None and ss["scenario"] not in ids:
        del ss["scenario"]
    if "set" in ss:
        kept = [i for i in ss["set"] if i in ids]
        ss["set"] = kept or list(ids)


def _plain(text: str) -> str:
    """Escape Markdown control characters so user-supplied names render as plain text."""
    out = text
    for ch in "\\`*_{}[]<>()#+-.!|~$":
        out = out.replace(ch, "\\" + ch)
    return out
