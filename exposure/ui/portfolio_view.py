"""Portfolio page, editing half: the draft, the holdings editor, classification of unknown
symbols, use / save / download, saved portfolios and the way back to the sample.

The *draft* (session state, per session) is what the page edits; the portfolio *in use*
(``sidebar.set_portfolio``) changes only on "Use this portfolio", "Load and use" or
"Back to the sample", and only with a table that passed ``validate_holdings``. Every
widget key carries a version that bumps whenever the draft is replaced, so stale editor
edits never apply to a different table.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from exposure.display import rated_currencies
from exposure.errors import ExposureError, PortfolioError
from exposure.evaluation.book import reference_rates
from exposure.evaluation.result import BookEvaluation
from exposure.exports import to_safe_csv
from exposure.glossary import tip
from exposure.holdings.importers import ImportResult
from exposure.holdings.portfolio import (
    HOLDING_COLUMNS,
    Portfolio,
    cash_from_frame,
    normalise_holdings,
    portfolio_to_yaml,
    validate_holdings,
)
from exposure.holdings.store import list_portfolios, load_saved, save_portfolio
from exposure.labels import segment_name
from exposure.model.catalog import Catalog
from exposure.model.schema import SEGMENTS
from exposure.ui.auth import current_user
from exposure.ui.loaders import get_sample_portfolio
from exposure.ui.sidebar import current_portfolio, set_portfolio
from exposure.workspace import slugify

DRAFT = "pf_draft"
VERSION = "pf_ver"
REPORT = "pf_report"
REPORT_IN = "pf_report_in"
FLASH = "pf_flash"
MAX_CLASSIFY = 60
KINDS = ["listed", "private", "fund"]

EDITOR_CONFIG = {
    "symbol": st.column_config.TextColumn("Symbol", required=True, max_chars=40),
    "name": st.column_config.TextColumn("Name"),
    "kind": st.column_config.SelectboxColumn("Kind", options=KINDS, default="listed"),
    "quantity": st.column_config.NumberColumn("Quantity", format="localized"),
    "market_value": st.column_config.NumberColumn("Market value", min_value=0.0,
                                                  format="localized",
                                                  help="Stated value in the row's currency "
                                                  "(thousands separated, e.g. 620,000); used when "
                                                  "no price is available."),
    "currency": st.column_config.TextColumn("Currency", default="USD", max_chars=3),
    "account": st.column_config.TextColumn("Account"),
    "segment": st.column_config.SelectboxColumn("Segment", options=list(SEGMENTS),
                                                help="For symbols without a catalog profile.\n\n"
                                                + tip("Segment")),
    "mark_basis": st.column_config.TextColumn("Mark basis", help=tip("Mark")),
    "raw_symbol": st.column_config.TextColumn("In file", disabled=True),
    "statement_price": st.column_config.NumberColumn(
        "Statement price", format="localized", help="The statement's own price per share, in the "
        "row's currency."),
    "statement_date": st.column_config.TextColumn(
        "Statement date", help="The date the statement's price and value are as of."),
}


def plain(text: str) -> str:
    """Escape Markdown (and so HTML) control characters: untrusted text renders literally."""
    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~$:&])", r"\\\1", text)


def init_state(in_use: Portfolio) -> None:
    """Start the draft from the portfolio in use (once per session)."""
    if DRAFT not in st.session_state:
        st.session_state[DRAFT] = in_use.copy()
        st.session_state[VERSION] = 0


def draft() -> Portfolio:
    return st.session_state[DRAFT]


def fill_names(catalog: Catalog) -> None:
    """Give draft rows without a name the catalog's name (display only; idempotent)."""
    holdings = st.session_state[DRAFT].holdings
    empty = holdings["name"].astype(str).str.strip() == ""
    if not empty.any():
        return
    for i in holdings.index[empty]:
        company = catalog.company_for_symbol(str(holdings.at[i, "symbol"]))
        fund = catalog.funds.get(str(holdings.at[i, "symbol"]).upper())
        if company is not None:
            holdings.at[i, "name"] = company.name
        elif fund is not None:
            holdings.at[i, "name"] = fund.name


def version() -> int:
    return int(st.session_state.get(VERSION, 0))


def replace_draft(portfolio: Portfolio, report: ImportResult | None = None) -> None:
    """Make ``portfolio`` the draft (not the portfolio in use) with fresh widget keys."""
    st.session_state[DRAFT] = portfolio
    st.session_state[REPORT] = report
    st.session_state[VERSION] = version() + 1


def flash(message: str) -> None:
    """A success message shown after the next rerun."""
    st.session_state[FLASH] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(plain(message), icon=":material/check_circle:")


def report_in_section(book: BookEvaluation, catalog: Catalog) -> None:
    """"Report in": the currency every page shows amounts in, i.e. the base currency of the
    portfolio in use (and of the draft, so a save keeps it as ``base_currency:``). Offered:
    USD and every currency with a dated rate (the bundled reference table, or the quotes in
    use); the book's own base currency even without one (then amounts stay in USD)."""
    in_use = book.portfolio.base_currency
    reference = reference_rates(catalog)
    rated = rated_currencies(reference, book.rates)
    choices = rated_currencies(reference, book.rates, also=[in_use])
    st.session_state[REPORT_IN] = in_use  # follows the book in use (loads, the sample)
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    c1.selectbox("Report in", choices, key=REPORT_IN, on_change=_report_in_changed,
                 format_func=lambda c: c if c in rated else f"{c} (no rate: USD shown)",
                 help="The currency every page, chart, table and the report show amounts in, "
                      "converted from USD at the dated rate the valuation uses. Saved with "
                      "the portfolio as its base currency.")
    c2.caption(f"Amounts on every page in {book.display.note}.")


def _report_in_changed() -> None:
    """Set the chosen currency on the portfolio in use and on the draft (before the run, so
    the sidebar already evaluates the book in it)."""
    code = str(st.session_state[REPORT_IN])
    changed = current_portfolio().copy()  # never change a shared (cached) portfolio in place
    changed.base_currency = code
    set_portfolio(changed)
    if DRAFT in st.session_state:
        st.session_state[DRAFT].base_currency = code
    flash(f"Amounts are now shown in {code} on every page; save the portfolio to keep it.")


def editor_key() -> str:
    return f"pf_editor_{version()}"


def editor_section(portfolio: Portfolio) -> pd.DataFrame:
    """The holdings editor; returns the edited table (normalised, not yet validated)."""
    shown = normalise_holdings(portfolio.holdings).astype({"segment": object})
    shown.loc[shown["segment"] == "", "segment"] = None
    edited = st.data_editor(shown, num_rows="dynamic", key=editor_key(), hide_index=True,
                            width="stretch", column_config=EDITOR_CONFIG,
                            column_order=HOLDING_COLUMNS)
    return normalise_holdings(pd.DataFrame(edited))


def apply_classification(holdings: pd.DataFrame, choices: dict[str, tuple[str, str]],
                         catalog: Catalog) -> pd.DataFrame:
    """Set ``segment`` (and, when linked, the catalog id as ``symbol``) per symbol.

    ``choices`` maps a symbol to ``(segment, company_id)``; empty strings mean "leave".
    A link to a private profile makes the holding ``private`` (valued at its stated mark).
    """
    out = normalise_holdings(holdings)
    for symbol, (segment, company_id) in choices.items():
        rows = out["symbol"] == symbol
        if segment:
            out.loc[rows, "segment"] = segment
        company = catalog.companies.get(company_id) if company_id else None
        if company is not None:
            out.loc[rows, "symbol"] = company.ticker or company.id
            out.loc[rows & (out["name"] == ""), "name"] = company.name
            if not company.listed:
                out.loc[rows, "kind"] = "private"
    return out


def classify_section(edited: pd.DataFrame, catalog: Catalog) -> None:
    """Segment (and optional catalog link) for every symbol the catalog has no profile for."""
    symbols = [s for s in dict.fromkeys(edited["symbol"]) if s.strip()]
    funds = getattr(catalog, "funds", {})  # funds are looked through, not classified
    unknown = [s for s in symbols
               if catalog.company_for_symbol(s) is None and s.upper() not in funds]
    if not unknown:
        return
    ver = version()
    companies = sorted(catalog.companies)
    with st.container(border=True):
        st.markdown("**Symbols without a catalog profile**")
        st.caption("Give each a segment (it then uses that segment's default profile) or link "
                   "it to a catalog profile. Unclassified holdings carry no exposure.")
        with st.form(f"pf_classify_{ver}", border=False):
            choices: dict[str, tuple[str, str]] = {}
            for i, symbol in enumerate(unknown[:MAX_CLASSIFY]):
                current = edited.loc[edited["symbol"] == symbol, "segment"].iloc[0]
                c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="center")
                c1.text(symbol)
                segment = c2.selectbox(
                    "Segment", ["", *SEGMENTS], key=f"pf_cls_seg_{ver}_{i}",
                    index=([""] + list(SEGMENTS)).index(current) if current in SEGMENTS else 0,
                    format_func=lambda s: segment_name(s) if s else "(unclassified)",
                    label_visibility="collapsed" if i else "visible")
                link = c3.selectbox(
                    "Catalog profile (optional)", ["", *companies], key=f"pf_cls_link_{ver}_{i}",
                    format_func=lambda c: f"{c} · {catalog.companies[c].name}" if c else "(none)",
                    label_visibility="collapsed" if i else "visible")
                choices[symbol] = (segment or "", link or "")
            if len(unknown) > MAX_CLASSIFY:
                st.caption(f"{len(unknown) - MAX_CLASSIFY} more: set their segment in the table.")
            submitted = st.form_submit_button("Apply classification", key=f"pf_cls_apply_{ver}")
    if submitted:
        current_draft = draft().copy()
        current_draft.holdings = apply_classification(edited, choices, catalog)
        replace_draft(current_draft, report=st.session_state.get(REPORT))
        flash("Classification applied to the table. Use the portfolio to see its effect.")
        st.rerun()


def candidate_from(base: Portfolio, edited: pd.DataFrame, name: str,
                   cash_table: pd.DataFrame) -> tuple[Portfolio | None, str | None]:
    """The edited tables as a portfolio, or the one-line validation error."""
    try:
        checked = validate_holdings(edited)
        cash = cash_from_frame(cash_table)
    except PortfolioError as exc:
        return None, str(exc).splitlines()[0]
    unchanged = checked.equals(normalise_holdings(base.holdings)) and cash == base.cash
    out = base.copy()
    out.name = name.strip() or base.name or "Portfolio"
    out.holdings, out.cash = checked, cash
    out.illustrative = base.illustrative and unchanged
    return out, None


def cash_table(portfolio: Portfolio) -> pd.DataFrame:
    """The book's cash lines as an editable table (one empty base-currency line if none)."""
    rows = [{"currency": c.currency, "amount": c.amount, "account": c.account}
            for c in portfolio.cash]
    return pd.DataFrame(rows or [{"currency": portfolio.base_currency, "amount": 0.0,
                                  "account": ""}], columns=["currency", "amount", "account"])


def actions_section(base: Portfolio, edited: pd.DataFrame) -> None:
    """Name and cash, validation, "Use this portfolio", save and downloads."""
    ver = version()
    with st.container(border=True):
        c1, c2 = st.columns([2, 1])
        name = c1.text_input("Portfolio name", value=base.name, key=f"pf_name_{ver}",
                             max_chars=80)
        cash = c2.data_editor(cash_table(base), num_rows="dynamic", key=f"pf_cash_{ver}",
                              hide_index=True, width="stretch", column_config={
                                  "currency": st.column_config.TextColumn("Currency", max_chars=3),
                                  "amount": st.column_config.NumberColumn("Cash", format="localized"),
                                  "account": st.column_config.TextColumn("Account")})
        candidate, problem = candidate_from(base, edited, name, cash)
        if problem:
            st.error(f"The table is not valid: {problem}. The portfolio in use is unchanged.",
                     icon=":material/error:")
        b1, b2, b3, b4 = st.columns(4, vertical_alignment="bottom")
        used = b1.button("Use this portfolio", type="primary", key="pf_use", width="stretch")
        if used and candidate is not None:
            set_portfolio(candidate)
            replace_draft(candidate.copy(), report=st.session_state.get(REPORT))
            flash(f"'{candidate.name}' is now the portfolio in use on every page.")
            st.rerun()
        user = current_user()
        if b2.button("Save", key="pf_save", width="stretch", disabled=not user.can("book.write"),
                     help="Saved under the portfolio name; every previous version is kept. "
                          "A save based on a version someone else has replaced is refused."):
            _save(candidate)
        if not user.local and user.can("book.write"):
            st.checkbox("Share with the team", key="pf_share", value=False,
                        help="Team books are seen by everyone (viewers read-only); "
                             "unticked, the book is yours alone.")
        stem = slugify(name) or "portfolio"
        # the payloads are made when clicked (a callable), not on every run of the page
        b3.download_button("Download CSV", (lambda: to_safe_csv(candidate.holdings)) if candidate else "",
                           file_name=f"{stem}.csv", mime="text/csv", key="pf_dl_csv",
                           disabled=candidate is None, width="stretch")
        b4.download_button("Download YAML", (lambda: portfolio_to_yaml(candidate)) if candidate else "",
                           file_name=f"{stem}.yaml", mime="application/x-yaml",
                           key="pf_dl_yaml", disabled=candidate is None, width="stretch")


def _save(candidate: Portfolio | None) -> None:
    if candidate is None:
        return  # the validation error is already on the page
    user = current_user()
    base = draft()
    candidate.meta = dict(base.meta)  # the version the draft was loaded at (optimistic lock)
    try:
        saved = save_portfolio(candidate, candidate.name, user=user,
                               shared=True if user.local else bool(st.session_state.get("pf_share")))
    except ExposureError as exc:
        st.error(f"Not saved: {str(exc).splitlines()[0]}")
        return
    base.meta = dict(candidate.meta)  # a second save builds on this version
    where = "the team's books" if saved.shared else "your books"
    st.success(f"Saved '{plain(saved.name)}' to {where} (version {saved.version}; every "
               "earlier version is kept).")


def saved_section() -> None:
    """Saved portfolios in the workspace (load and use), and back to the sample."""
    user = current_user()
    saved = list_portfolios(user=user)
    with st.container(border=True):
        st.markdown("**Saved portfolios**")
        if not saved:
            st.caption("None yet: save the table above to keep it.")
        else:
            st.dataframe(pd.DataFrame([{
                "Name": s.name, "Owner": "Team" if s.shared else "Mine", "Version": s.version,
                "Holdings": s.holdings, "Modified": s.modified.strftime("%Y-%m-%d %H:%M UTC"),
                "By": s.modified_by, "Problem": s.error,
            } for s in saved]), hide_index=True, width="stretch", key="pf_saved_table")
        usable = {f"{s.space}\x1f{s.key}": s for s in saved if s.ok}
        if usable:
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            pick = c1.selectbox("Saved portfolio", list(usable), key="pf_saved_pick",
                                format_func=lambda s: f"{usable[s].name} · "
                                f"{'team' if usable[s].shared else 'mine'} · "
                                f"{usable[s].holdings} holdings · v{usable[s].version}")
            if c2.button("Load and use", key="pf_load", width="stretch") and pick:
                try:
                    chosen = usable[pick]
                    loaded = load_saved(chosen.name, user=user, space=chosen.space)
                    loaded.holdings = validate_holdings(loaded.holdings, chosen.name)
                except ExposureError as exc:
                    st.error(f"Not loaded: {str(exc).splitlines()[0]}. "
                             "The portfolio in use is unchanged.")
                else:
                    set_portfolio(loaded)
                    replace_draft(loaded.copy())
                    flash(f"Loaded '{loaded.name}'; it is now the portfolio in use.")
                    st.rerun()
        if st.button("Back to the sample portfolio", key="pf_sample"):
            sample = get_sample_portfolio()
            set_portfolio(sample)
            replace_draft(sample.copy())
            flash("The bundled sample portfolio is in use again.")
            st.rerun()
