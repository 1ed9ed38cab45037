"""JavaScript probes the layout tests run in the page: cut-off texts, foreign requests' hosts,
the page background. Kept apart from the tests so each test reads as what a user sees."""

from __future__ import annotations

CUT_TEXTS = r"""
() => {
  const ELLIPSIS = /\u2026|\.\.\.\s*$/;  // "…" anywhere (a label cut mid-way), "..." at the end
  const root = document.querySelector("[data-testid='stApp']");
  const found = [];
  const seen = new Set();
  const note = (kind, text) => {
    const key = kind + "|" + text;
    if (!seen.has(key)) { seen.add(key); found.push({kind, text: text.slice(0, 90)}); }
  };
  const shown = el => {
    const r = el.getBoundingClientRect();
    if (r.width <= 2 || r.height <= 2) return false;  // incl. visually hidden a11y texts
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && cs.display !== "none" && el.checkVisibility();
  };
  const ownText = el => [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
    .map(n => n.textContent).join("").replace(/\s+/g, " ").trim();
  // Texts drawn on a canvas (the data grid) or meant to scroll (code, text areas) are not
  // measured here; tooltips only exist while hovered.
  const SKIP = "[data-testid='stDataFrameResizable'] canvas, [data-testid='stCode'], pre, "
    + "code, textarea, .js-plotly-plot, [data-testid='stTooltipContent'], "
    + ".katex, [data-testid='stMarkdownContainer'] table";
  for (const el of root.querySelectorAll("*")) {
    if (el instanceof SVGElement) continue;
    const text = ownText(el);
    if (!text || el.closest(SKIP) || !shown(el)) continue;
    if (ELLIPSIS.test(text)) { note("an ellipsis", text); continue; }
    // the text's own box, then the boxes around it that clip (overflow or ellipsis)
    let node = el;
    for (let depth = 0; depth < 5 && node && node !== root; depth++, node = node.parentElement) {
      const cs = getComputedStyle(node);
      const clips = depth === 0 || cs.overflowX !== "visible" || cs.textOverflow !== "clip";
      if (clips && node.clientWidth > 0 && node.scrollWidth > node.clientWidth + 1) {
        const inner = node.innerText ? node.innerText.replace(/\s+/g, " ").trim() : text;
        note(`cut off (scrollWidth ${node.scrollWidth} > clientWidth ${node.clientWidth})`,
             inner || text);
        break;
      }
    }
  }
  // data grids are drawn on a canvas: a grid wider than its box hides columns to the right
  for (const grid of root.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")) {
    if (!grid.checkVisibility() || grid.clientWidth <= 2) continue;
    if (grid.scrollWidth > grid.clientWidth + 1) {
      const heads = [...grid.closest("[data-testid='stDataFrame']")
        .querySelectorAll("th[role='columnheader']")].map(h => h.textContent.trim());
      note(`table scrolls sideways (${grid.scrollWidth} > ${grid.clientWidth} px)`,
           heads.join(", "));
    }
  }
  // plotly: every SVG text of every drawn chart, ellipsis or drawn past the chart's edge
  for (const plot of root.querySelectorAll(".js-plotly-plot")) {
    const box = plot.getBoundingClientRect();
    if (box.width <= 0 || !plot.checkVisibility()) continue;
    for (const t of plot.querySelectorAll(".main-svg text")) {
      const text = (t.textContent || "").trim();
      if (!text || !t.checkVisibility()) continue;
      const r = t.getBoundingClientRect();
      if (r.width <= 0) continue;
      if (ELLIPSIS.test(text)) { note("chart text with an ellipsis", text); continue; }
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
          || r.bottom > box.bottom + 1) {
        note("chart text drawn past the chart's edge", text);
      }
    }
  }
  return found;
}
"""

BACKGROUND = r"""
() => {
  const app = document.querySelector("[data-testid='stApp']");
  const rgb = getComputedStyle(app).backgroundColor.match(/\d+(\.\d+)?/g).map(Number);
  return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
}
"""
"""Relative luminance (0 black .. 1 white, unweighted for gamma) of the app's background."""

SIDEBAR_COVERS = r"""
() => {
  const bar = document.querySelector("[data-testid='stSidebar']");
  if (!bar) return 0;
  const r = bar.getBoundingClientRect();
  const visibleWidth = Math.max(0, Math.min(r.right, window.innerWidth) - Math.max(r.left, 0));
  return bar.getAttribute("aria-expanded") === "false" ? 0 : visibleWidth / window.innerWidth;
}
"""
"""Share of the viewport's width the sidebar covers (0 when collapsed)."""

HEATMAP_CELL_TEXTS = r"""
() => [...document.querySelectorAll(".st-key-heatmap .js-plotly-plot .heatmap-label text, "
  + ".st-key-heatmap .js-plotly-plot g.hm text")]
  .map(t => (t.textContent || "").trim()).filter(Boolean).length
"""
"""How many numbers are written on the Overview heatmap's cells."""

TICK_LABELS = r"""
() => {
  // the four screen corners of a (possibly rotated) text, then a separating-axis test
  const corners = t => {
    const b = t.getBBox(), m = t.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; });
  };
  const normals = poly => poly.map((p, i) => {
    const q = poly[(i + 1) % poly.length];
    const n = [-(q[1] - p[1]), q[0] - p[0]], len = Math.hypot(n[0], n[1]) || 1;
    return [n[0] / len, n[1] / len];
  });
  const span = (poly, n) => {
    const v = poly.map(p => p[0] * n[0] + p[1] * n[1]);
    return [Math.min(...v), Math.max(...v)];
  };
  const overlap = (a, b) => [...normals(a), ...normals(b)].every(n => {
    const [a0, a1] = span(a, n), [b0, b1] = span(b, n);
    return a1 > b0 + 1 && b1 > a0 + 1;  // more than a pixel of ink in common
  });
  return [...document.querySelectorAll(".js-plotly-plot")].map(plot => {
    const out = {title: (plot.querySelector(".gtitle") || {}).textContent || "", overlaps: []};
    for (const axis of ["x", "y"]) {
      const ticks = [...plot.querySelectorAll(`.${axis}tick text`)]
        .filter(t => t.checkVisibility() && (t.textContent || "").trim());
      out[axis] = ticks.map(t => t.textContent);
      const boxes = ticks.map(corners);
      for (let i = 0; i < ticks.length; i++)
        for (let j = i + 1; j < ticks.length; j++)
          if (overlap(boxes[i], boxes[j]))
            out.overlaps.push(`${ticks[i].textContent} / ${ticks[j].textContent}`);
    }
    return out;
  });
}
"""
"""Per chart: its title, x and y tick label texts, and the pairs of tick labels that overlap."""
