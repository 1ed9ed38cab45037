"""Portfolio page section: add or refresh a fund's constituents from an issuer holdings file."""

from __future__ import annotations

import streamlit as st

from exposure.errors import ExposureError
from exposure.holdings.importers import MAX_IMPORT_BYTES
from exposure.lookthrough.fund_import import parse_holdings
from exposure.lookthrough.fund_store import install_fund
from exposure.ui.auth import current_user
from exposure.ui.portfolio_view import plain

LAYOUTS = "iShares, VanEck, Invesco, SPDR or Global X"


def fund_import_section() -> None:
    """Upload an issuer's holdings CSV, name the fund, install it for look-through."""
    with st.expander("Fund holdings for look-through (issuer file)", icon=":material/account_tree:"):
        st.caption(f"Download the holdings CSV from the fund issuer's page ({LAYOUTS}) and add "
                   "it here: the fund is then looked through to these constituents, overriding "
                   "the bundled weights. Nothing changes if the file cannot be read.")
        upload = st.file_uploader("Issuer holdings file", type=["csv", "txt"], key="fund_file",
                                  max_upload_size=20)
        c1, c2 = st.columns([1, 2])
        ticker = c1.text_input("Fund ticker", key="fund_ticker", max_chars=12,
                               placeholder="e.g. SMH")
        source = c2.text_input("Holdings page URL (optional)", key="fund_source", max_chars=300)
        user = current_user()
        if not user.can("library.manage"):
            st.caption(":material/lock: Fund files change the library for everyone: only "
                       "admins can add them.")
        if st.button("Add fund", key="fund_add", disabled=upload is None or not ticker.strip()
                     or not user.can("library.manage")):
            data = upload.getvalue() if upload is not None else b""
            try:
                if len(data) > MAX_IMPORT_BYTES:
                    raise ExposureError("the file is larger than 20 MB")
                fund = parse_holdings(data, "uploaded holdings file")
                path, doc = install_fund(fund, ticker.strip(), file_name="uploaded file",
                                         source=source.strip() or None)
            except (ExposureError, ValueError) as exc:
                st.error(f"Fund not added: {str(exc).splitlines()[0]}")
                return
            st.success(f"{doc['id']}: {len(fund.constituents)} constituents "
                       f"({fund.layout} layout, {fund.total_weight:.0%} of the fund, as of "
                       f"{doc['as_of']}) saved to your workspace ({path.name}). Turn on "
                       "Look-through in the sidebar to use it.")
            for note in fund.notes:
                st.caption(plain(note))
            for warning in fund.warnings:
                st.warning(plain(warning), icon=":material/warning:")
