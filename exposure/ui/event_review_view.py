"""Evidence page: "New since your data", the review of draft events pulled from the Federal
Register (:mod:`exposure.evidence.drafts`).

Each unreviewed draft shows its citation, dates, link and abstract, the channels the keyword
rule suggests and a choice of scenarios; **Accept** files it as an event (the catalog then
loads it into the timeline, marked as reviewed by you), **Dismiss** keeps it as dismissed so it
is not shown or pulled again. Text from the feed is shown as plain text, never as Markdown.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from exposure.errors import ExposureError
from exposure.evidence.drafts import DraftEvent, add_pulled, load_drafts, review_draft, unreviewed
from exposure.market.federal_register import FeedUnavailable, fetch_documents
from exposure.market.yahoo import is_offline
from exposure.model.catalog import Catalog

MESSAGE = "ev_review_message"
REVIEWED_LABEL = "reviewed by you"


def _review(draft_id: str, accept: bool, catalog: Catalog) -> None:
    """Button callback: runs before the rerun, so the page reloads with the change."""
    ss = st.session_state
    try:
        saved = review_draft(draft_id, accept=accept,
                             channels=ss.get(f"rev_ch_{draft_id}", []) if accept else (),
                             scenarios=ss.get(f"rev_sc_{draft_id}", []) if accept else (),
                             known_channels=catalog.channel_ids,
                             known_scenarios=list(catalog.scenarios))
    except ExposureError as exc:
        ss[MESSAGE] = ("error", str(exc))
        return
    if accept:
        ss[MESSAGE] = ("success", f"Accepted: {saved.title} is now in the timeline.")
    else:
        ss[MESSAGE] = ("info", f"Dismissed: {saved.title}.")


def _pull(catalog: Catalog) -> None:
    """Button callback: pull new BIS documents since the newest event we have."""
    ss = st.session_state
    if is_offline():
        ss[MESSAGE] = ("info", "Offline: nothing pulled, nothing changed.")
        return
    newest = max((e.date for e in catalog.events.values()), default=date.today() - timedelta(days=365))
    try:
        new = add_pulled(fetch_documents(newest), catalog.events.values())
    except FeedUnavailable as exc:
        ss[MESSAGE] = ("warning", f"{exc}: nothing pulled, nothing changed.")
    except ExposureError as exc:
        ss[MESSAGE] = ("error", str(exc))
    else:
        ss[MESSAGE] = ("success" if new else "info",
                       f"{len(new)} new document(s) from the Federal Register since {newest}.")


def _draft_card(draft: DraftEvent, catalog: Catalog) -> None:
    with st.container(border=True):
        st.text(draft.title)
        meta = [f"published {draft.publication_date}",
                f"effective {draft.effective_date}" if draft.effective_date else "",
                draft.citation or f"FR Doc {draft.document_number}", draft.document_type,
                draft.action]
        st.text(" · ".join(m for m in meta if m))
        if draft.abstract:
            st.text(draft.abstract)
        st.link_button("Federal Register text", draft.url, icon=":material/open_in_new:")
        c1, c2 = st.columns(2)
        c1.multiselect("Channels it touches", catalog.channel_ids,
                       default=[c for c in draft.suggested_channels if c in catalog.channel_ids],
                       key=f"rev_ch_{draft.id}",
                       help="Suggested by keywords in the title and abstract; correct as needed.")
        c2.multiselect("Scenarios it resembles", list(catalog.scenarios),
                       format_func=lambda s: catalog.scenarios[s].label or catalog.scenarios[s].title,
                       key=f"rev_sc_{draft.id}")
        b1, b2, _ = st.columns([1, 1, 4])
        b1.button("Accept", key=f"rev_accept_{draft.id}", type="primary", icon=":material/check:",
                  on_click=_review, args=(draft.id, True, catalog))
        b2.button("Dismiss", key=f"rev_dismiss_{draft.id}", icon=":material/close:",
                  on_click=_review, args=(draft.id, False, catalog))


def new_since_your_data(catalog: Catalog) -> None:
    """The review section: unreviewed pulled drafts with Accept / Dismiss, and a pull button."""
    ss = st.session_state
    try:
        drafts = unreviewed(load_drafts())
    except ExposureError as exc:
        st.error(f"Pulled events cannot be read: {exc}")
        return
    title = f"New since your data ({len(drafts)})" if drafts else "New since your data"
    with st.expander(title, expanded=bool(drafts) or MESSAGE in ss, icon=":material/fiber_new:"):
        kind, text = ss.pop(MESSAGE, (None, None))
        if kind is not None:
            getattr(st, kind)(text)
        if not drafts:
            st.caption("No unreviewed documents. Pull Bureau of Industry and Security documents "
                       "from the Federal Register here (or from a terminal: About the data).")
        st.button("Check the Federal Register now", key="rev_pull", icon=":material/sync:",
                  on_click=_pull, args=(catalog,))
        for draft in drafts:
            _draft_card(draft, catalog)


def mark_reviewed(events: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Add an ``origin`` column to an events frame: ``bundled`` or ``reviewed by you``."""
    return events.assign(origin=[REVIEWED_LABEL if catalog.origin.get(f"event:{i}") == "user"
                                 else "bundled" for i in events["id"]])
