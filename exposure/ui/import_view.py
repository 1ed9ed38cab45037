"""Portfolio page, import half: upload, import report and the column mapping.

Broker strings (descriptions, account names, header cells, skipped lines) are untrusted:
they only reach the page through ``st.dataframe``, ``st.text``, ``st.code`` or text that
went through :func:`plain` (Markdown escaped), never through HTML. The uploaded file's
name is client-controlled: it is cleaned for messages and never used as a path.
"""

from __future__ import annotations

import hashlib
import math
import re

import pandas as pd
import streamlit as st

from exposure.errors import ExposureError, ImportFormatError
from exposure.holdings.importers import (
    FORMAT_LABELS,
    MAPPING_FIELDS,
    MAX_IMPORT_BYTES,
    ImportOptions,
    ImportResult,
    Preview,
    import_bytes,
    preview,
    save_preset,
)
from exposure.model.catalog import Catalog
from exposure.ui import portfolio_view as pv
from exposure.ui.auth import current_user
from exposure.ui.portfolio_view import plain

UPLOAD_TYPES = ["csv", "txt", "tsv", "yaml", "yml", "xlsx", "xlsm", "xls", "ods"]
UPLOAD_KEY = "pf_upload"
LAST_UPLOAD = "pf_last_upload"  # {"sig": str, "error": str | None}
SOURCE = "pf_source"  # {"data": bytes, "name": str}: the last imported file, for re-imports
LEAVE_OPEN = "(leave open)"
MAPPING = "pf_mapping"  # {"data": bytes, "name": str, "preview": Preview} for unrecognised files
NONE = "(none)"
FIELD_LABELS = {"symbol": "Symbol", "quantity": "Quantity", "market_value": "Market value",
                "price": "Price", "currency": "Currency", "account": "Account", "name": "Name"}


def safe_label(name: str | None) -> str:
    """A display name for an uploaded file: its last path part, printable, at most 80 chars.

    Only used in messages and to recognise a ``.yaml`` suffix; never as a path.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:80] or "upload"


def upload_section(catalog: Catalog) -> None:
    """The uploader; each new file is imported once (keyed by content hash and name)."""
    uploaded = st.file_uploader(
        "Broker export (CSV) or portfolio YAML", type=UPLOAD_TYPES, key=UPLOAD_KEY,
        max_upload_size=math.ceil(MAX_IMPORT_BYTES / 1_048_576),
        help="Fidelity, Charles Schwab, Vanguard, Interactive Brokers (statement or Flex), "
             "Robinhood and Trading 212 histories (replayed), E*TRADE, DEGIRO, German depot "
             "exports, a generic CSV (symbol or ISIN + quantity or value) or this app's YAML; "
             "any of them also as XLSX, XLS or ODS. Other layouts: map the columns once and "
             "save the mapping as a preset.")
    if uploaded is None:
        return
    label = safe_label(uploaded.name)
    if uploaded.size > MAX_IMPORT_BYTES:  # before reading anything
        sig = f"size:{uploaded.size}:{label}"
        error: str | None = str(ImportFormatError(
            f"file is {uploaded.size / 1_048_576:.1f} MB; the import limit is "
            f"{MAX_IMPORT_BYTES // 1_048_576} MB", path=label))
        st.session_state[LAST_UPLOAD] = {"sig": sig, "error": error}
    else:
        data = uploaded.getvalue()
        sig = hashlib.sha256(data).hexdigest() + ":" + label
        last = st.session_state.get(LAST_UPLOAD) or {}
        if last.get("sig") != sig:
            error = process_upload(data, label, catalog)
            st.session_state[LAST_UPLOAD] = {"sig": sig, "error": error}
    error = (st.session_state.get(LAST_UPLOAD) or {}).get("error")
    if error:
        st.error(f"Not imported: {error}. The portfolio in use is unchanged.",
                 icon=":material/error:")


def process_upload(data: bytes, label: str, catalog: Catalog,
                   options: ImportOptions | None = None) -> str | None:
    """Import ``data``; on success it becomes the draft. Returns the error line, if any.

    A file no format recognises opens the column mapping instead of failing.
    """
    st.session_state.pop(MAPPING, None)
    try:
        result = import_bytes(data, label, catalog=catalog, options=options)
    except ImportFormatError as exc:
        if "format not recognised" in str(exc):
            try:
                prev = preview(data, label)
            except ExposureError:
                return _line(exc)
            if prev.header:
                st.session_state[MAPPING] = {"data": data, "name": label, "preview": prev,
                                             "id": hashlib.sha256(data).hexdigest()[:12]}
                return None
        return _line(exc)
    except ExposureError as exc:
        return _line(exc)
    st.session_state[SOURCE] = {"data": data, "name": label}
    pv.replace_draft(result.to_portfolio(_stem(label)), report=result)
    return None


def report_section(result: ImportResult | None, catalog: Catalog | None = None) -> None:
    """The import report of the last successful import."""
    if result is None:
        return
    with st.container(border=True):
        fmt = FORMAT_LABELS.get(result.format, result.format)
        if result.format.startswith("preset:"):
            fmt = f"saved preset {result.format.split(':', 1)[1]}"
        source = f" of {plain(result.source)}" if result.source else ""
        st.markdown(f"**Import report**{source} (the table below) · format: {plain(fmt)} · "
                    f"encoding {plain(result.encoding)}")
        acct = result.accounting
        c = st.columns(5)
        c[0].metric("Data rows", result.data_rows, help="Every data row of the file is a "
                    "holding row, a cash row or a skipped row (with its reason).")
        c[1].metric("Holding rows", acct["holding_rows"],
                    help=f"{len(result.holdings)} holdings (rows of one symbol in one account "
                    "are combined; accounts are kept apart).")
        c[2].metric("Cash rows", acct["cash_rows"], help="Cash per currency: " + ", ".join(
            f"{cur} {amount:,.2f}" for cur, amount in result.cash_by_currency().items()))
        c[3].metric("Rows skipped", acct["skipped_rows"])
        c[4].metric("Not in the catalog", len(result.unknown))
        st.caption(_summary_line(result))
        if result.merged:
            st.caption("Rows combined within an account: " + plain(", ".join(result.merged)))
        if result.in_several_accounts:
            st.caption("Held in several accounts (kept apart): "
                       + plain(", ".join(result.in_several_accounts)))
        if result.unknown:
            st.caption("Not in the catalog (imported; classify them below): "
                       + plain(", ".join(result.unknown)))
        if result.cash:
            st.dataframe(pd.DataFrame(result.cash, columns=["label", "account", "currency",
                                                            "amount"]).rename(columns=str.capitalize),
                         hide_index=True, width="stretch", key="pf_cash_table",
                         column_config={"Amount": st.column_config.NumberColumn(
                             format="localized")})
        if result.skipped:
            with st.expander(f"Skipped rows ({len(result.skipped)})"):
                st.dataframe(pd.DataFrame(result.skipped, columns=["row", "reason", "text"])
                             .rename(columns=str.capitalize),
                             hide_index=True, width="stretch", key="pf_skipped_table")
        for warning in result.warnings:
            st.warning(plain(warning), icon=":material/warning:")
    currency_section(result, catalog)


def _summary_line(result: ImportResult) -> str:
    """Rows that add up, the values' date and the file's own total (plain text, escaped)."""
    acct = result.accounting
    parts = [f"{result.data_rows} data rows = {acct['holding_rows']} holding + "
             f"{acct['cash_rows']} cash + {acct['skipped_rows']} skipped "
             f"({sum(acct['layout'].values())} header/layout lines)"]
    if result.statement_date:
        source = "from the file" if result.statement_date_source == "file" else \
            "the import day: the file carries no date"
        parts.append(f"values as of {result.statement_date} ({source})")
    if result.file_total:
        parts.append("file total " + ", ".join(f"{v:,.2f} {k}"
                                                for k, v in result.file_total.items()))
    if result.sheet:
        parts.append(f"sheet {result.sheet}")
    return plain(" · ".join(parts))


def currency_section(result: ImportResult, catalog: Catalog | None) -> None:
    """The user's choice for value cells whose currency mark is ambiguous ($, ¥, kr)."""
    source = st.session_state.get(SOURCE)
    if not result.ambiguous or not source or catalog is None:
        return
    marks: dict[str, list[str]] = {}
    for cell in result.ambiguous:
        marks.setdefault(cell["mark"], cell["candidates"])
    with st.container(border=True):
        st.markdown("**Which currency are these values in?**")
        st.caption("The file writes these values with a mark several currencies share; they "
                   "are not used until you choose (nothing is guessed).")
        st.dataframe(pd.DataFrame(result.ambiguous, columns=["row", "column", "text"])
                     .rename(columns=str.capitalize),
                     hide_index=True, width="stretch", key="pf_ambiguous_table")
        choices: dict[str, str] = {}
        cols = st.columns(max(1, len(marks)))
        for i, (mark, candidates) in enumerate(marks.items()):
            pick = cols[i].selectbox(f"'{mark}' means", [LEAVE_OPEN, *candidates],
                                     key=f"pf_cur_{pv.version()}_{i}")
            if pick and pick != LEAVE_OPEN:
                choices[mark] = pick
        if st.button("Import again with these currencies", key="pf_cur_apply",
                     disabled=not choices):
            choice = ",".join(f"{m}={c}" for m, c in choices.items())
            error = process_upload(source["data"], source["name"], catalog,
                                   ImportOptions(currency=choice))
            if error:
                st.error(f"Not imported: {error}. The portfolio in use is unchanged.")
            else:
                st.rerun()


def mapping_section(catalog: Catalog) -> None:
    """Column mapping for an unrecognised file: selectboxes, preview, import, save preset."""
    pending = st.session_state.get(MAPPING)
    if not pending:
        return
    prev: Preview = pending["preview"]
    columns = _unique([h for h in prev.header if h.strip()])
    with st.container(border=True):
        st.markdown(f"**The format of {plain(pending['name'])} was not recognised.** "
                    "Say which column holds what (symbol plus quantity or market value).")
        st.dataframe(_preview_frame(prev), hide_index=True, width="stretch",
                     key="pf_map_preview")
        st.caption(f"Header on line {prev.header_row} · delimiter {prev.delimiter!r} · "
                   f"{prev.encoding}")
        cols = st.columns(4)
        mapping: dict[str, str] = {}
        for i, field in enumerate(MAPPING_FIELDS):
            suggested = prev.suggested.get(field)
            options = [NONE, *columns]
            index = options.index(suggested) if suggested in options else 0
            choice = cols[i % 4].selectbox(FIELD_LABELS.get(field, field), options, index=index,
                                           key=f"pf_map_{pending['id']}_{field}")
            if choice and choice != NONE:
                mapping[field] = choice
        left, right = st.columns([1, 2])
        if left.button("Import with this mapping", type="primary", key="pf_map_import"):
            try:
                result = import_bytes(pending["data"], pending["name"], mapping=mapping,
                                      catalog=catalog)
            except ExposureError as exc:
                st.error(f"Not imported: {_line(exc)}. The portfolio in use is unchanged.")
            else:
                st.session_state.pop(MAPPING, None)
                pv.replace_draft(result.to_portfolio(_stem(pending["name"])), report=result)
                st.rerun()
        with right:
            preset = st.text_input("Save this mapping as a preset named", key="pf_map_preset",
                                   max_chars=64, help="Auto-detect recognises this header "
                                   "next time (shared with the team).")
            if st.button("Save as preset", key="pf_map_save"):
                try:
                    saved = save_preset(preset, mapping, prev.header, user=current_user())
                except ExposureError as exc:
                    st.error(f"Preset not saved: {_line(exc)}")
                else:
                    st.success(f"Preset saved as {plain(saved.name)}: the next upload of this "
                               "layout is recognised automatically.")


def _preview_frame(prev: Preview) -> pd.DataFrame:
    """The previewed rows under the header (duplicate or empty header cells renamed)."""
    width = max([len(prev.header), *(len(r) for r in prev.rows)], default=0)
    header = _unique([h or f"column {i + 1}" for i, h in
                      enumerate(prev.header + [""] * (width - len(prev.header)))])
    rows = [r + [""] * (width - len(r)) for r in prev.rows]
    return pd.DataFrame(rows, columns=header, dtype="str")


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def _line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _stem(label: str) -> str:
    stem = label.rsplit(".", 1)[0] if "." in label else label
    return stem.strip() or "Imported portfolio"
