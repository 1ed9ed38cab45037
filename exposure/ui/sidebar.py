"""The shared sidebar every page calls: navigation, the book in use, scenario selection,
scenario set, shock case, look-through and where prices come from. Returns a
:class:`PageContext` holding the one evaluation every page reads."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from exposure.errors import ExposureError
from exposure.evaluation.result import BookEvaluation
from exposure.glossary import tip
from exposure.holdings.load import load_portfolio
from exposure.holdings.market_value import PriceSourceLabel
from exposure.holdings.portfolio import Portfolio
from exposure.model.catalog import Catalog
from exposure.model.engine import CASE_ALIASES, CASE_HELP, CASES
from exposure.ui import prices as ui_prices
from exposure.ui import urlstate
from exposure.ui.auth import require_user
from exposure.ui.loaders import get_book, get_catalog, get_start_portfolio
from exposure.ui.widgets import use_display
from exposure.workspace import REPO_ROOT, SAMPLE_PORTFOLIO, start_portfolio

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
START_PROBLEM_KEY = "_start_problem"
CASE_LABELS = {"adverse": "Adverse", "central": "Central", "favourable": "Favourable"}


@dataclass(frozen=True)
class PageContext:
    """What a page needs: the catalog, the book in use and its one evaluation."""

    catalog: Catalog
    portfolio: Portfolio
    book: BookEvaluation
    scenario_id: str
    scenario_ids: tuple[str, ...]
    case: str
    price_status: str
    lookthrough_on: bool

    def label(self, scenario_id: str) -> str:
        """The scenario's short label (<= 24 characters)."""
        scn = self.catalog.scenarios.get(scenario_id)
        return (scn.label or scn.title) if scn is not None else scenario_id

    def title(self, scenario_id: str) -> str:
        scn = self.catalog.scenarios.get(scenario_id)
        return scn.title if scn is not None else scenario_id


FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.svg"
"""The browser-tab icon, bundled: Streamlit fetches a ``:material/...:`` page icon from a font
CDN at every load (and shows none offline); an SVG file goes inline as a data: URL."""


def setup_page(title: str) -> None:
    """``st.set_page_config`` for every page (must run first). The sidebar starts open on a
    desktop and collapsed on a phone."""
    st.set_page_config(page_title=f"{title} · AI export-policy exposure", page_icon=FAVICON,
                       layout="wide", initial_sidebar_state="auto")


def current_portfolio() -> Portfolio:
    """The book in use this session (``EXPOSURE_PORTFOLIO`` or the sample until the user
    loads another). A start file that cannot be read falls back to the sample, and says so."""
    portfolio = st.session_state.get(PORTFOLIO_KEY)
    if portfolio is None:
        try:
            portfolio = get_start_portfolio()
        except ExposureError as exc:
            st.session_state[START_PROBLEM_KEY] = (
                f"{start_portfolio()} could not be opened ({exc}); showing the sample instead.")
            portfolio = load_portfolio(SAMPLE_PORTFOLIO)
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
    if st.session_state.get(START_PROBLEM_KEY):
        st.warning(st.session_state[START_PROBLEM_KEY], icon=":material/warning:")
    ids = list(catalog.scenarios)
    labels = {i: (catalog.scenarios[i].label or catalog.scenarios[i].title)
              + (" · yours" if catalog.is_user("scenario", i) else "") for i in ids}
    with st.sidebar:
        st.caption("Portfolio in use")
        name = portfolio.name + (" · illustrative" if portfolio.illustrative else "")
        st.markdown(f"**{plain(name)}**")
        urlstate.seed("scenario", ids)
        urlstate.seed("set", ids, multi=True)
        urlstate.seed("case", CASES, aliases=dict(CASE_ALIASES))
        urlstate.seed_flag("lt")
        _drop_missing(ids)
        st.session_state.setdefault("set", ids)
        if st.session_state.get("case") not in CASES:
            st.session_state["case"] = CASE_ALIASES.get(st.session_state.get("case", ""),
                                                        "central")
        scenario_id = st.selectbox(
            "Scenario", ids, format_func=lambda i: labels.get(i, i), key="scenario",
            persist_state="session",
            help=tip("Scenario", extra="The one the KPIs, treemap and waterfalls show. "
                     + (f"Now: {catalog.scenarios[st.session_state['scenario']].title}."
                        if st.session_state.get("scenario") in catalog.scenarios else "")),
        )
        # In a popover: the browser draws its content only when opened, and the nine chips
        # drawn with the KPIs put a new session's KPIs and first chart ~0.2 s later
        # (interleaved A/B, 7 sessions each, 3 Dec 2026).
        with st.popover(set_summary(st.session_state["set"], ids), width="stretch",
                        help=tip("Scenario set")):
            chosen = st.multiselect(
                "Scenario set", ids, format_func=lambda i: labels.get(i, i),
                key="set", persist_state="session",
                help=tip("Scenario set"),
            )
        case = st.segmented_control(
            "Shock case", CASES, format_func=CASE_LABELS.get, key="case",
            persist_state="session",
            help=tip("Adverse case", "Central case", "Favourable case"),
        ) or "central"
        st.caption(CASE_HELP)
        lookthrough_on = st.toggle(
            "Look-through", key="lt", persist_state="session",
            help=tip("Look-through", "Stake", "Compute contract"))
        urlstate.write("scenario", scenario_id, ids[0])
        urlstate.write("set", chosen, ids)
        urlstate.write("case", case, "central")
        urlstate.write("lt", "1" if lookthrough_on else None, None)
    scenario_ids = tuple(i for i in ids if i in set(chosen) | {scenario_id})
    quotes, status, pending = ui_prices.current_quotes(catalog, portfolio)
    try:
        book = get_book(portfolio, catalog, scenario_ids, case, quotes, lookthrough_on)
    except ExposureError as exc:
        st.error(f"The portfolio could not be evaluated: {exc}")
        st.stop()
    use_display(book.display)
    _price_panel(book, status, pending)
    return PageContext(catalog, portfolio, book, scenario_id, scenario_ids, case, status,
                       lookthrough_on)


def _price_panel(book: BookEvaluation, status: str, pending: bool) -> None:
    ev = book.evaluation
    shown = book.display
    with st.sidebar:
        when = book.price_date
        st.metric("Portfolio value", shown.money(ev.total_value_usd),
                  help=f"Holdings and cash in {shown.note}; prices as of {when or 'unknown'}."
                       "\n\n" + tip("Price source"))
        st.caption(f":material/currency_exchange: amounts in {shown.currency}"
                   + (f" ({shown.rate_text}, {shown.dated_source})" if not shown.is_usd else "")
                   + (f"; no {shown.wanted} rate here" if shown.fell_back else ""),
                   help="Set on the Portfolio page (Report in).")
        st.caption(f":material/sell: {short_status(status)}")
        if pending:
            ui_prices.live_price_watcher()
        if st.button("Refresh prices", key="refresh_prices", icon=":material/refresh:",
                     type="tertiary", help="Ask the price sources again (cache, Yahoo, reference)."):
            ui_prices.refresh_prices()
            st.rerun()
        valued = book.valued
        stated = valued.loc[valued["price_source"] == PriceSourceLabel.STATED, "symbol"].tolist()
        if stated:
            st.caption(f":material/edit_note: at the portfolio's stated value (no price): "
                       f"{', '.join(stated)}")
        if book.unvalued:
            st.caption(f":material/warning: unvalued: {', '.join(book.unvalued)}")
        if book.cash_missing:
            st.caption(f":material/warning: cash in {', '.join(book.cash_missing)} left out "
                       "(no exchange rate)")
        if ev.probabilities_normalised:
            st.caption(":material/warning: the selected probabilities sum above 1; "
                       "they are normalised for the expectation")


def _drop_missing(ids: list[str]) -> None:
    """Forget selections of scenarios that no longer exist (a user file was removed)."""
    ss = st.session_state
    if ss.get("scenario") is not None and ss["scenario"] not in ids:
        del ss["scenario"]
    if "set" in ss:
        kept = [i for i in ss["set"] if i in ids]
        ss["set"] = kept or list(ids)


def set_summary(chosen: Sequence[str], ids: Sequence[str]) -> str:
    """The scenario-set button's label: how many of the library's scenarios are in the set."""
    count = len(set(chosen) & set(ids))
    if count == len(ids):
        return f"Scenario set: all {len(ids)}"
    if count == 0:
        return "Scenario set: none (the selected scenario only)"
    return f"Scenario set: {count} of {len(ids)}"


def plain(text: str) -> str:
    """Escape Markdown control characters so user-supplied names render as plain text."""
    out = text
    for ch in "\\`*_{}[]<>()#+-.!|~$":
        out = out.replace(ch, "\\" + ch)
    return out


_MACHINE_NOTE = re.compile(r"\s*\((?=[^()]*(?:paused|rate limit|not asked))[^()]*\)")


def short_status(status: str) -> str:
    """The price status without the machinery ("Yahoo not asked: ... paused until ..."):
    that detail belongs to the page's "About the data" expander."""
    return _MACHINE_NOTE.sub("", status).strip() or status
