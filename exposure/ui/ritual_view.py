"""Weekly review page, ritual half: which reviews are open and who signed, the sign-off
button, and comments per holding, per scenario or on the whole review.

User text (comments, names) is shown through ``st.dataframe``/``st.text`` only, never as
Markdown or HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exposure.errors import ExposureError
from exposure.review import ritual
from exposure.review.snapshot import Snapshot
from exposure.ui.auth import current_user

ON = {"review": "The whole review", "holding": "A holding", "scenario": "A scenario"}


def open_reviews_section() -> None:
    """Every review, newest first: open, or reviewed by whom and when."""
    statuses = ritual.review_statuses()
    if not statuses:
        return
    with st.container(border=True):
        open_count = sum(s.open for s in statuses)
        st.subheader("Reviews")
        st.caption(f"{open_count} open (not signed off yet) of {len(statuses)}.")
        st.dataframe(pd.DataFrame({
            "#": [s.info.id for s in statuses],
            "Week": [s.info.week for s in statuses],
            "Portfolio": [s.info.portfolio_name for s in statuses],
            "Comments": [s.comments for s in statuses],
            "Status": [s.signed_line for s in statuses],
        }), hide_index=True, width="stretch", key="review_statuses")


def ritual_section(current: Snapshot) -> None:
    """Sign-off and comments for the snapshot on screen."""
    user = current_user()
    allowed = user.can("review.write")
    sid = current.id
    with st.container(border=True):
        st.subheader(f"Review of snapshot #{sid}: sign-off and comments")
        signed = ritual.signoffs(sid)
        for s in signed:
            st.success(s.line[:1].upper() + s.line[1:] + (f": {s.note}" if s.note else ""),
                       icon=":material/verified:")
        if not signed:
            st.caption("Open: nobody has signed this review off yet.")
        already = any(s.signed_by == user.id for s in signed)
        if st.button("Sign off this review", key=f"review_signoff_{sid}", type="primary",
                     disabled=not allowed or already, icon=":material/task_alt:",
                     help="Records 'reviewed by you at this time'; it cannot be undone."):
            try:
                ritual.sign_off(sid, user=user)
            except ExposureError as exc:
                st.error(f"Not signed: {exc}")
            else:
                st.rerun()
        notes = ritual.comments(sid)
        titles = current.scenario_titles()
        for c in notes:  # plain text only: comments and names are user input
            on = ("on the review" if c.target_kind == "review" else
                  f"on {c.target_kind} {titles.get(c.target, c.target)}")
            st.text(f"{c.byline}, {on}:\n{c.body}")
        if not allowed:
            st.caption(f":material/lock: {user.role}s read reviews; analysts comment and sign.")
            return
        _comment_form(current)


def _comment_form(current: Snapshot) -> None:
    sid = current.id
    c1, c2 = st.columns([1, 2])
    on = c1.selectbox("Comment on", list(ON), format_func=ON.get, key=f"review_on_{sid}")
    symbols = list(dict.fromkeys(current.holdings["symbol"].astype(str)))
    titles = current.scenario_titles()
    target = ""
    if on == "holding":
        target = c2.selectbox("Holding", symbols, key=f"review_on_holding_{sid}") or ""
    elif on == "scenario":
        target = c2.selectbox("Scenario", list(titles), format_func=lambda i: titles[i],
                              key=f"review_on_scenario_{sid}") or ""
    with st.form(f"review_comment_form_{sid}", clear_on_submit=True, border=False):
        text = st.text_area("Comment", max_chars=4000, key=f"review_comment_{sid}")
        submitted = st.form_submit_button("Add comment", key=f"review_comment_add_{sid}")
    if submitted:
        try:
            made = ritual.add_comment(sid, text, on=on, target=target, user=current_user())
        except ExposureError as exc:
            st.error(f"Not saved: {exc}")
        else:
            st.session_state["review_comment_saved"] = made.id
            st.rerun()
    saved = st.session_state.pop("review_comment_saved", None)
    if saved:
        st.success(f"Comment #{saved} saved.", icon=":material/check:")
