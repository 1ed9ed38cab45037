"""The weekly review report: one self-contained HTML file.

plotly.js is embedded inline once (the first figure carries it, the others reuse it), so the
file works offline when mailed; no CDN, no external CSS or fonts. Every piece of text that
reaches the HTML goes through :func:`html.escape`: holding names, notes, authors and scenario
titles are user input.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from exposure.charts import overview as charts
from exposure.charts import review as charts_review
from exposure.display import USD, DisplayMoney
from exposure.errors import WorkspaceError
from exposure.model.catalog import Catalog
from exposure.review.diff import SnapshotDiff
from exposure.review.snapshot import Snapshot, as_utc
from exposure.review.tables import (
    provenance_for,
    scenario_definitions,
    scenario_impacts,
    snapshot_headline,
    top_exposures,
)
from exposure.storage.reviews import Comment, SignOff
from exposure.yamlio import atomic_write_bytes

REPORT_WIDTH = 680
"""Pixel width of every chart in the report: an A4 page printed with 10 mm margins is 718 px
wide at 96 px per inch, less the card's padding. Fixed, so that what is checked on screen is
what prints."""

Formatter = Callable[[Any], str]

_CSS = """
body{font-family:Inter,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2d3d;
background:#f6f7f9;font-size:14px}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}
.meta{color:#5b6b7b;margin:0 0 16px}
.card{background:#fff;border:1px solid #dde2e8;border-radius:10px;padding:14px;margin:0 0 14px}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.kpi .label{color:#5b6b7b;font-size:12px}.kpi .value{font-size:22px;font-weight:600}
.kpi .delta{font-size:12px}.neg{color:#C0392B}.pos{color:#1E8449}
.note{white-space:pre-wrap;background:#fff8e1;border-left:4px solid #f0b429;padding:8px 12px}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{border-bottom:1px solid #e5e8ec;padding:4px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f0f2f5}
.muted{color:#7b8a99}footer{color:#7b8a99;font-size:12px;margin-top:30px}
@media print{
@page{size:A4;margin:10mm}
body,main,.card,th,.note{background:#fff!important}
body{font-size:10.5px}main{max-width:none;padding:0}
.card{border-color:#c8ced6;padding:8px;break-inside:avoid}
main>h2:not(:first-of-type){break-before:page}h2,h3{break-after:avoid}
.kpis{grid-template-columns:repeat(2,1fr)}
table{font-size:9.5px}thead{display:table-header-group}tr{break-inside:avoid}
td{overflow-wrap:anywhere}
.modebar-container{display:none!important}
}
"""
"""Screen: cards on a light grey page. Print (A4): white, every section from a new page,
charts fit the page's width (they are drawn REPORT_WIDTH px wide), tables wrap."""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_usd(value: Any) -> str:
    """A USD amount written in USD (the report's default currency)."""
    return fmt_money(USD)(value)


def fmt_money(display: DisplayMoney) -> Formatter:
    """A formatter of USD amounts in ``display``'s currency (blank when missing)."""
    return lambda value: "" if _is_missing(value) else display.money(float(value))


def currency_line(display: DisplayMoney) -> str:
    """The one statement of the report's currency and its dated rate (HTML)."""
    text = f"Amounts in {display.note}."
    if not display.is_usd:
        text += (" Snapshots are kept in USD and every one is converted at this one rate, so "
                 "changes between them carry no currency effect.")
    return f'<p class="meta currency">{_esc(text)}</p>'


def fmt_pct(value: Any) -> str:
    """A fraction as a signed percentage."""
    return "" if _is_missing(value) else f"{float(value) * 100:+.2f}%"


def fmt_num(value: Any) -> str:
    return "" if _is_missing(value) else f"{float(value):,.4g}"


def html_table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, Formatter | None]],
               *, empty: str = "Nothing to show.") -> str:
    """A table of ``frame``: ``columns`` are (column, header, formatter); cells escaped.

    Formatted cells (numbers) are right-aligned; everything else is escaped text.
    """
    if frame.empty:
        return f'<p class="muted">{_esc(empty)}</p>'
    head = "".join(f"<th>{_esc(h)}</th>" for _, h, _ in columns)
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for col, _, fmt in columns:
            value = record.get(col)
            if fmt is not None:
                cells.append(f'<td class="num">{_esc(fmt(value))}</td>')
            else:
                cells.append(f"<td>{_esc('' if _is_missing(value) else value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


class _Figures:
    """Figures as HTML fragments; only the first carries the (inline) plotly.js bundle."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, fig: go.Figure) -> str:
        fig = go.Figure(fig).update_layout(paper_bgcolor="#ffffff")
        if fig.layout.width is None:
            fig.update_layout(width=REPORT_WIDTH)
        out = pio.to_html(fig, include_plotlyjs=self.count == 0, full_html=False,
                          config={"displaylogo": False, "responsive": False})
        self.count += 1
        return f'<div class="card">{out}</div>'


def _kpi(label: str, value: str, delta: str = "", sign: float = 0.0) -> str:
    cls = "neg" if sign < 0 else "pos" if sign > 0 else "muted"
    d = f'<div class="delta {cls}">{_esc(delta)}</div>' if delta else ""
    return (f'<div class="card kpi"><div class="label">{_esc(label)}</div>'
            f'<div class="value">{_esc(value)}</div>{d}</div>')


def _kpis(current: Snapshot, diff: SnapshotDiff | None, fmt_amount: Formatter = fmt_usd) -> str:
    info = current.info
    port = current.portfolio
    worst = port.loc[port["impact_usd"].idxmin()] if len(port) else None
    s = diff.summary if diff else None
    cells = [
        _kpi("Portfolio value", fmt_amount(info.total_value_usd),
             f"{fmt_amount(s.value_change_usd)} since previous" if s else "",
             s.value_change_usd if s else 0.0),
        _kpi("Probability-weighted impact", fmt_amount(info.expected_impact_usd),
             f"{fmt_amount(s.expected_impact_change_usd)} since previous" if s else "",
             s.expected_impact_change_usd if s else 0.0),
        _kpi("Worst scenario", fmt_amount(worst["impact_usd"]) if worst is not None else "n/a",
             str(worst["title"]) if worst is not None else ""),
        _kpi("Holdings", f"{info.holdings_count}",
             (f"+{s.holdings_added} added, -{s.holdings_removed} removed, "
              f"{s.holdings_resized} resized") if s else ""),
    ]
    return f'<div class="kpis">{"".join(cells)}</div>'


def _changes(diff: SnapshotDiff, figure: _Figures, labels: dict[str, str],
             display: DisplayMoney = USD) -> str:
    """What changed since the previous snapshot; ``labels``: the current scenarios' short
    labels (a scenario only the previous snapshot had is named by its title)."""
    fmt_amount = fmt_money(display)
    s = diff.summary
    parts = [
        "<h2>Changes since the previous review</h2>",
        f'<p class="meta">From {_esc(diff.old.label)} to {_esc(diff.new.label)} '
        f"({s.days:.1f} days). Value {fmt_amount(s.old_total_value_usd)} &rarr; "
        f"{fmt_amount(s.new_total_value_usd)}: price moves {_esc(fmt_amount(s.price_effect_usd))}, "
        f"position changes {_esc(fmt_amount(s.position_effect_usd))}, added "
        f"{_esc(fmt_amount(s.added_usd))}, removed {_esc(fmt_amount(s.removed_usd))}, cash "
        f"{_esc(fmt_amount(s.cash_change_usd))}.</p>",
        figure(charts_review.value_bridge_waterfall(diff.bridge, display=display)),
        figure(charts_review.portfolio_change_bar(diff.portfolio.assign(
            label=[labels.get(sid) or title for sid, title in
                   zip(diff.portfolio["scenario"], diff.portfolio["title"], strict=True)]),
            display=display)),
        "<h2>Holdings changes</h2>",
        '<div class="card">' + html_table(
            diff.holdings[diff.holdings["value_change_usd"].abs() > 0.005],
            [("symbol", "Symbol", None), ("name", "Name", None), ("status", "Status", None),
             ("old_quantity", "Qty before", fmt_num), ("new_quantity", "Qty now", fmt_num),
             ("old_value_usd", "Value before", fmt_amount), ("new_value_usd", "Value now", fmt_amount),
             ("price_effect_usd", "Price effect", fmt_amount),
             ("position_effect_usd", "Position effect", fmt_amount)],
            empty="No holding changed value.") + "</div>",
        "<h2>Exposure changes (largest first)</h2>",
        '<div class="card">' + html_table(
            _largest(diff.exposures, "impact_change_usd", 15),
            [("symbol", "Symbol", None), ("title", "Scenario", None),
             ("old_value_change", "Value change before", fmt_pct),
             ("new_value_change", "Value change now", fmt_pct),
             ("old_impact_usd", "Impact before", fmt_amount),
             ("new_impact_usd", "Impact now", fmt_amount),
             ("impact_change_usd", "Change", fmt_amount)],
            empty="No exposure changed.") + "</div>",
        "<h2>Scenario set changes</h2>",
        '<div class="card">' + html_table(
            diff.scenarios,
            [("scenario", "Scenario", None), ("title", "Title", None), ("change", "Change", None),
             ("field", "Field", None), ("old_value", "Before", fmt_num),
             ("new_value", "Now", fmt_num), ("detail", "Detail", None)],
            empty="The scenario set did not change.") + "</div>",
        "<h2>Policy events since the previous review</h2>",
        '<div class="card">' + html_table(
            diff.events,
            [("date", "Date", None), ("title", "Event", None), ("type", "Type", None),
             ("jurisdiction", "Jurisdiction", None), ("source_url", "Source", None)],
            empty="No new policy events in the catalog between the two snapshots.") + "</div>",
    ]
    return "\n".join(parts)


def _largest(frame: pd.DataFrame, column: str, n: int) -> pd.DataFrame:
    f = frame[frame[column].notna() & (frame[column].abs() > 0.005)]
    return f.reindex(f[column].abs().sort_values(ascending=False).index).head(n)


def _ritual(current: Snapshot, comments: Sequence[Comment], signoffs: Sequence[SignOff]) -> str:
    """Sign-off line and the comments (per holding, per scenario, on the review)."""
    titles = current.scenario_titles()
    signed = ("".join(f'<p class="pos">&#10003; {_esc(s.line[:1].upper() + s.line[1:])}'
                      + (f": {_esc(s.note)}" if s.note else "") + "</p>" for s in signoffs)
              if signoffs else '<p class="muted">Not signed off yet.</p>')
    rows = pd.DataFrame([{
        "on": ("Review" if c.target_kind == "review" else
               f"Holding {c.target}" if c.target_kind == "holding" else
               f"Scenario {titles.get(c.target, c.target)}"),
        "body": c.body, "by": c.byline,
    } for c in comments], columns=["on", "body", "by"])
    return ("<h2>Review: sign-off and comments</h2>" + signed + '<div class="card">'
            + html_table(rows, [("on", "On", None), ("body", "Comment", None),
                                ("by", "By", None)], empty="No comments.") + "</div>")


def _trust_line(catalog: Catalog) -> str:
    """How far to trust the figures: the model's out-of-sample scorecard, in one line."""
    cal = catalog.calibration
    if cal is None or cal.scorecard is None:
        return ""
    return f'<p class="meta">Checked against the market: {_esc(cal.scorecard.headline)}.</p>'


def report_html(current: Snapshot, catalog: Catalog, diff: SnapshotDiff | None = None,
                *, generated_at: datetime | None = None, comments: Sequence[Comment] = (),
                signoffs: Sequence[SignOff] = (), display: DisplayMoney = USD) -> str:
    """The whole report as one HTML document (no external resources); with the review's
    sign-offs and comments when given. Amounts in ``display``'s currency (the snapshots are
    in USD), said once under the title with the dated rate."""
    info = current.info
    fmt_amount = fmt_money(display)
    figure = _Figures()
    labels = current.scenario_labels()
    generated = as_utc(generated_at or datetime.now(UTC))
    by = f" by {info.author}" if info.author else ""
    note = f'<div class="note">{_esc(info.note)}</div>' if info.note else ""
    defs = scenario_definitions(current)
    body = [
        f"<h1>Weekly review: {_esc(info.portfolio_name)}</h1>",
        f'<p class="meta">Snapshot {_esc(info.label)}{_esc(by)} · {_esc(info.case)} case · '
        f"{_esc(info.price_status or 'prices as recorded in the snapshot')}</p>",
        currency_line(display),
        note,
        f'<p class="answer">{_esc(snapshot_headline(current, display).text)}</p>',
        _trust_line(catalog),
        _kpis(current, diff, fmt_amount),
        _ritual(current, comments, signoffs),
    ]
    if diff is not None:
        body.append(_changes(diff, figure, labels, display))
    else:
        body.append('<p class="muted">This is the first snapshot: there is no previous review '
                    "to compare with yet.</p>")
    body += [
        "<h2>Impact per scenario</h2>",
        '<div class="card">' + html_table(
            scenario_impacts(current),
            [("label", "Scenario", None), ("probability", "Probability", fmt_pct),
             ("impact_usd", "Impact", fmt_amount), ("impact_pct", "Share of the book", fmt_pct),
             ("title", "In full", None)]) + "</div>",
        figure(charts.scenario_bar(current.portfolio.assign(
            label=[labels.get(s, s) for s in current.portfolio["scenario"]]),
            width=REPORT_WIDTH, display=display)),
        "<h2>Exposure by holding and scenario</h2>",
        figure(charts.impact_heatmap(current.symbol_frame(), labels, width=REPORT_WIDTH,
                                     display=display)),
        "<h2>Top exposures (probability-weighted)</h2>",
        '<div class="card">' + html_table(
            top_exposures(current),
            [("symbol", "Symbol", None), ("name", "Name", None), ("layer", "Layer", None),
             ("market_value_usd", "Value", fmt_amount),
             ("expected_impact_usd", "Expected impact", fmt_amount),
             ("worst_scenario", "Worst scenario", None),
             ("worst_impact_usd", "Worst impact", fmt_amount),
             ("worst_value_change", "Worst value change", fmt_pct)]) + "</div>",
        "<h2>Scenario definitions</h2>",
        '<div class="card">' + html_table(
            defs,
            [("title", "Scenario", None), ("probability", "Probability", fmt_pct),
             ("horizon", "Horizon", None), ("channel", "Channel", None), ("low", "Low", fmt_pct),
             ("base", "Base", fmt_pct), ("high", "High", fmt_pct),
             ("rationale", "Rationale", None)]) + "</div>",
        "<h2>Data provenance</h2>",
        "<h3>Prices</h3>",
        '<div class="card">' + html_table(
            current.holdings,
            [("symbol", "Symbol", None), ("display_name", "Name", None),
             ("quantity", "Quantity", fmt_num), ("price", "Price", fmt_num),
             ("price_source", "Price source", None), ("price_as_of", "As of", None),
             ("market_value_usd", "Value", fmt_amount)]) + "</div>",
        "<h3>Profiles and reference prices behind the numbers</h3>",
        '<div class="card">' + html_table(
            provenance_for(current, catalog),
            [("subject", "Subject", None), ("name", "Name", None), ("field", "Field", None),
             ("value", "Value", fmt_num), ("estimate", "Estimate", None),
             ("tier", "Tier", None), ("as_of", "As of", None), ("source", "Source", None)]) + "</div>",
        f"<footer>Generated {generated:%Y-%m-%d %H:%M} UTC by the AI export-policy exposure "
        "dashboard. Scenario impacts are model outputs under stated assumptions, not "
        "forecasts or investment advice.</footer>",
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Weekly review: {_esc(info.portfolio_name)} {_esc(info.week)}</title>"
        f"<style>{_CSS}</style></head><body><main>\n" + "\n".join(body)
        + "\n</main></body></html>\n"
    )


def write_report(path: str | Path, document: str) -> Path:
    """Write the report atomically; a folder or an unwritable place is a one-line error."""
    target = Path(path)
    if target.is_dir():
        raise WorkspaceError(f"{target}: is a folder; give a file name such as report.html")
    return atomic_write_bytes(target, document.encode("utf-8"))
