"""Small reusable Streamlit pieces: KPI cards, flags, tables for people, the "About the data"
expander, charts that follow the theme."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from exposure.display import USD, DisplayMoney
from exposure.evaluation.result import BookEvaluation
from exposure.formatting import listing
from exposure.glossary import tip
from exposure.labels import holding_label, profile_source_name, segment_name
from exposure.model.engine import ProfileSource

ABOUT_THE_DATA = "About the data"
"""Label of the one expander per page that holds diagnostics, price-source details and
command-line hints (investor screens show answers, not machinery)."""


ABOUT_KEY = "about_the_data"
"""Widget key of that expander (it runs only while open)."""


def is_phone() -> bool:
    """Whether the browser says it is a phone (the layout then drops dense chart text)."""
    agent = (st.context.headers or {}).get("User-Agent", "") or ""
    return "Mobi" in agent or "Android" in agent and "Mobile" in agent


def kpi(label: str, value: str, delta: str | None = None, help: str | None = None,
        delta_color: str = "normal") -> None:
    """One KPI in a bordered card."""
    with st.container(border=True):
        st.metric(label, value, delta=delta, help=help, delta_color=delta_color)  # type: ignore[arg-type]


def chart(fig: go.Figure, key: str) -> None:
    """A plotly figure, full width, in Streamlit's theme (fonts, grid and text colours follow
    the light or dark theme; the figures' own backgrounds are transparent)."""
    st.plotly_chart(fig, width="stretch", theme="streamlit", key=key)


DISPLAY_KEY = "_display_money"
"""Session state: the :class:`DisplayMoney` of the book in use this run (set by the sidebar)."""


def use_display(display: DisplayMoney) -> None:
    """Make ``display`` the currency :func:`table` shows money columns in (the sidebar calls
    this once a run with the book's display)."""
    st.session_state[DISPLAY_KEY] = display


def current_display() -> DisplayMoney:
    """The display currency of this run (USD until the sidebar has set one)."""
    shown = st.session_state.get(DISPLAY_KEY)
    return shown if isinstance(shown, DisplayMoney) else USD


class MoneyColumn(dict):  # type: ignore[type-arg]
    """The column config of an amount held in USD. As it is, a dollar column (``$620,000``);
    :func:`table` converts the column to the display currency and shows it in that
    currency's format (a dict, so ``st.dataframe`` also takes it directly, in USD)."""

    def shown_in(self, display: DisplayMoney) -> dict[str, Any]:
        """This config for amounts in ``display``'s currency, the rate in the tooltip."""
        if display.is_usd and not display.fell_back:
            return dict(self)
        out = dict(self)
        out["type_config"] = {**self.get("type_config", {}), "format": money_format(display),
                              "step": 1}
        out["help"] = ((self.get("help") or "") + f"\n\nIn {display.note}.").strip()
        return out


def money_format(display: DisplayMoney) -> str:
    """A NumberColumn format writing whole units with the currency: Streamlit's ``dollar``,
    ``euro`` and ``yen`` presets, else ``-1,234 GBP`` (printf; a sign before the number
    would read ``£-1,234``)."""
    return {"USD": "dollar", "EUR": "euro", "JPY": "yen"}.get(display.currency,
                                                             f"%,.0f {display.currency}")


def money_column(label: str | None = None, help: str | None = None,
                 width: int | str | None = None) -> MoneyColumn:
    """An amount (USD in the frame) in the display currency, thousands separated, no cents:
    ``$620,000``, ``€555,000`` (:func:`table` converts it)."""
    return MoneyColumn(st.column_config.NumberColumn(
        label, format="dollar", step=1, help=help, width=width))  # type: ignore[arg-type]


usd_column = money_column
"""The former name of :func:`money_column`."""


def percent_column(label: str | None = None, help: str | None = None) -> Any:
    """A fraction shown as a percentage (``0.123`` -> ``12.3%``)."""
    return st.column_config.NumberColumn(label, format="percent", help=help)


def change_column(label: str | None = None, help: str | None = None, digits: int = 1) -> Any:
    """A change already in percent, signed: ``-12.3`` -> ``-12.3%``, ``4`` -> ``+4.0%``."""
    return st.column_config.NumberColumn(label, format=f"%+.{digits}f%%", help=help)


def table(frame: pd.DataFrame | Any, config: Mapping[str, Any] | None = None, *,
          key: str | None = None, display: DisplayMoney | None = None, **kwargs: Any) -> None:
    """``st.dataframe`` the way every table here is shown: full width, no index. The display
    edge of tables: :class:`MoneyColumn` columns (USD in ``frame``) are shown converted to
    ``display`` (default: the book in use's, :func:`current_display`)."""
    frame, columns = in_display(frame, config or {}, display or current_display())
    st.dataframe(frame, hide_index=True, width="stretch", column_config=columns, key=key,
                 **kwargs)


def in_display(frame: pd.DataFrame | Any, config: Mapping[str, Any], display: DisplayMoney
               ) -> tuple[pd.DataFrame | Any, dict[str, Any]]:
    """``frame`` with its money columns converted to ``display``'s currency, and the column
    config that shows them so (the caller's frame is left as it is)."""
    columns = dict(config)
    money = [c for c, v in columns.items() if isinstance(v, MoneyColumn)]
    for name in money:
        columns[name] = columns[name].shown_in(display)
    if display.is_usd or not isinstance(frame, pd.DataFrame):
        return frame, columns
    present = [c for c in money if c in frame.columns]
    if present:
        frame = frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce") * display.per_usd
                                for c in present})
    return frame, columns


def about_the_data(notes: Iterable[str], *, commands: Iterable[str] = ()) -> None:
    """The page's "About the data" expander: where the numbers come from and as of when,
    diagnostics, and the terminal commands that go further (``commands``, without the
    ``.venv/bin/`` prefix, which is added)."""
    lines = [n for n in notes if n]
    cli = list(commands)
    box = st.expander(ABOUT_THE_DATA, icon=":material/info:", key=ABOUT_KEY, on_change="rerun")
    if not box.open:  # lazy: its code block would make every new session load a highlighter
        return
    with box:
        for line in lines:
            st.caption(line)
        if cli:
            st.caption("From a terminal in the project folder:")
            st.code("\n".join(f".venv/bin/exposure {c}" for c in cli), language="bash")


def price_note(status: str) -> str:
    """The sidebar's price status as a line of the "About the data" expander."""
    return f"Prices: {status}." if status else ""


def default_profile_note(book: BookEvaluation) -> None:
    """Say which holdings use a segment default profile (or none), wherever results show."""
    prof = book.profiles
    src = prof.profile_source
    defaulted = sorted({f"{s} ({segment_name(seg).lower()})"
                        for s, seg, p in zip(prof.symbols, prof.segments, src, strict=True)
                        if p == ProfileSource.SEGMENT_DEFAULT})
    unclassified = sorted({str(s) for s, p in zip(prof.symbols, src, strict=True)
                           if p == ProfileSource.UNCLASSIFIED})
    if defaulted:
        st.caption(":material/info: Segment default profile (no company profile in the "
                   f"catalog): {listing(defaulted)}", help=tip("Segment default"))
    if unclassified:
        st.warning("No profile and no segment, so no exposure assumed: "
                   f"{listing(unclassified)}. Classify them on the Portfolio page.")


TABLE_ROWS = 500
"""Rows a holdings table shows (the largest impacts); a caption counts the rest."""


def exposures_table(book: BookEvaluation, scenario_id: str,
                    limit: int = TABLE_ROWS) -> pd.DataFrame:
    """Per-holding rows under one scenario (accounts kept apart), largest loss first, at most
    ``limit`` of them (largest absolute impact), for ``st.dataframe``; with look-through on,
    the part of each impact it adds. Key columns first: holding, impact, value change."""
    f = book.holding_frame()
    mask = (f["scenario"].astype(str) == scenario_id).to_numpy()
    f = f[mask]
    if len(f) > limit:
        f = f.loc[f["impact_usd"].abs().nlargest(limit).index]
    out = pd.DataFrame({
        "Holding": [holding_label(s, n) for s, n in zip(f["symbol"], f["name"], strict=True)],
        "Impact": f["impact_usd"].to_numpy(),
        "Value change": f["value_change"].to_numpy() * 100,
        "Revenue change": f["revenue_change"].to_numpy() * 100,
        "Value": f["market_value_usd"].to_numpy(),
        "Layer": f["layer"].astype(str).to_numpy(),
        "Profile": [profile_source_name(p) for p in f["profile_source"]],
    })
    if book.lookthrough_on:
        out.insert(2, "Of which look-through", f["lookthrough_usd"].to_numpy())
    return out.sort_values("Impact").reset_index(drop=True)


TABLE_CONFIG = {
    "Impact": money_column(help=tip("Impact")),
    "Value change": change_column(help=tip("Value change")),
    "Revenue change": change_column(help=tip("Revenue change")),
    "Value": money_column(help="Market value at the prices shown in the sidebar."),
    "Of which look-through": money_column(help=tip("Look-through")),
    "Layer": st.column_config.TextColumn(help=tip("Layer")),
    "Profile": st.column_config.TextColumn(help=tip("Profile source")),
}
