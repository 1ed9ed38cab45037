"""The HTML report (self-contained, escaped) and the CSV exports (formula-safe)."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest

from exposure.errors import WorkspaceError
from exposure.model.catalog import Catalog
from exposure.review.diff import diff_snapshots
from exposure.review.report import report_html, write_report
from exposure.review.snapshot import Snapshot, build_snapshot
from exposure.review.tables import (
    csv_files,
    csv_zip,
    export_tables,
    top_exposures,
    write_csv_files,
)
from tests.review_util import WEEK1, WEEK2, analysis, snapshot

XSS = "<script>alert(1)</script>"
OLD_ROWS = [{"symbol": "AAA", "quantity": 10}, {"symbol": "BBB", "quantity": 5}]
NEW_ROWS = [{"symbol": "AAA", "quantity": 12},
            {"symbol": "EVIL1", "name": XSS, "market_value": 300, "segment": "cloud"}]

Pair = tuple[Snapshot, Snapshot]


@pytest.fixture
def pair(mini_catalog: Catalog) -> Pair:
    old = snapshot(mini_catalog, OLD_ROWS, {"AAA": 100, "BBB": 20}, WEEK1)
    a = analysis(mini_catalog, NEW_ROWS, {"AAA": 110})
    new = build_snapshot(a, mini_catalog, taken_at=WEEK2,
                         note="<img src=x onerror=alert(2)>\nsecond line", author='"><b>bob')
    return old, new


def _scripts(document: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", document, flags=re.IGNORECASE)


def test_report_embeds_plotly_inline_and_loads_nothing_from_outside(mini_catalog: Catalog, pair: Pair) -> None:
    old, new = pair
    document = report_html(new, mini_catalog, diff_snapshots(old, new, mini_catalog.events.values()))
    assert document.startswith("<!DOCTYPE html>")
    assert not [s for s in _scripts(document) if "src=" in s.lower()]
    assert not re.search(r"<link\b[^>]*href=", document, flags=re.IGNORECASE)
    assert document.count("plotly.js v") >= 1  # the bundle's banner: inline, once
    assert len(document) > 1_000_000
    assert document.count("Plotly.newPlot") >= 4  # bridge, scenario bars, heatmap, impact bars


def test_report_escapes_user_text(mini_catalog: Catalog, pair: Pair) -> None:
    old, new = pair
    document = report_html(new, mini_catalog, diff_snapshots(old, new))
    assert XSS not in document
    assert "<img src=x" not in document
    assert '"><b>bob' not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "&lt;img src=x onerror=alert(2)&gt;" in document
    assert "&quot;&gt;&lt;b&gt;bob" in document
    # no script tag more than in the same report about a harmless name (plotly's own)
    harmless = new.holdings.assign(display_name=new.holdings["display_name"].replace(XSS, "Evil Co"))
    benign = dataclasses.replace(new, holdings=harmless)
    plain = report_html(benign, mini_catalog, diff_snapshots(old, benign))
    assert XSS not in plain and "Evil Co" in plain
    assert len(_scripts(document)) == len(_scripts(plain))


def test_report_shows_the_changes_since_the_previous_review(mini_catalog: Catalog, pair: Pair) -> None:
    old, new = pair
    document = report_html(new, mini_catalog, diff_snapshots(old, new, mini_catalog.events.values()))
    assert "Changes since the previous review" in document
    assert "7.0 days" in document
    assert "Value bridge: price moves vs position changes" in document
    assert "Test rule" in document  # the event dated between the snapshots
    for section in ("Top exposures", "Scenario definitions", "Data provenance",
                    "Exposure by holding and scenario"):
        assert section in document
    assert "https://example.org/fact" in document  # provenance of the numbers used


def test_a_first_report_has_no_changes_section(mini_catalog: Catalog, pair: Pair) -> None:
    _, new = pair
    document = report_html(new, mini_catalog)
    assert "Changes since the previous review" not in document
    assert "first snapshot" in document
    assert "Plotly.newPlot" in document and "plotly.js v" in document


def test_write_report_refuses_a_folder_and_an_unwritable_place(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="is a folder"):
        write_report(tmp_path, "<html></html>")
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(WorkspaceError, match="cannot write"):
        write_report(blocker / "report.html", "<html></html>")
    path = write_report(tmp_path / "out" / "report.html", "<html>ok</html>")
    assert path.read_text() == "<html>ok</html>"
    assert not list(path.parent.glob("*.tmp"))


INJECTIONS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def test_csv_exports_neutralise_formula_injection_and_keep_numbers(mini_catalog: Catalog) -> None:
    rows = [{"symbol": f"X{i}", "name": text, "market_value": 100 + i, "segment": "cloud",
             "account": text} for i, text in enumerate(INJECTIONS)]
    old = snapshot(mini_catalog, [{"symbol": "AAA", "quantity": 10}], {"AAA": 100}, WEEK1)
    new = build_snapshot(analysis(mini_catalog, rows, {}), mini_catalog, taken_at=WEEK2)
    files = csv_files(export_tables(new, mini_catalog, diff_snapshots(old, new)))
    assert {"holdings.csv", "diff_holdings.csv", "diff_exposures.csv", "scenarios.csv",
            "provenance.csv", "diff_scenarios.csv", "diff_events.csv"} <= set(files)

    holdings = list(csv.DictReader(io.StringIO(files["holdings.csv"].decode(), newline="")))
    assert [r["name"] for r in holdings] == ["'" + t for t in INJECTIONS]
    assert [r["account"] for r in holdings] == ["'" + t for t in INJECTIONS]
    diff_rows = list(csv.DictReader(io.StringIO(files["diff_holdings.csv"].decode(), newline="")))
    names = {r["symbol"]: r["name"] for r in diff_rows}
    assert names["X0"] == "'=1+1" and names["X2"] == "'-2+3"
    removed = next(r for r in diff_rows if r["symbol"] == "AAA")
    assert removed["value_change_usd"] == "-1000.0"  # a legitimate negative stays a number
    assert float(removed["position_effect_usd"]) == -1000.0
    exposures = list(csv.DictReader(io.StringIO(files["diff_exposures.csv"].decode(), newline="")))
    negatives = [r["new_impact_usd"] for r in exposures if r["new_impact_usd"].startswith("-")]
    assert negatives and all(float(v) < 0 for v in negatives)
    for name, data in files.items():
        for row in csv.reader(io.StringIO(data.decode(), newline="")):
            for cell in row:
                if cell[:1] in ("=", "+", "@", "\t", "\r"):
                    pytest.fail(f"{name}: unneutralised cell {cell!r}")
                if cell.startswith("-"):
                    float(cell)  # only numbers may start with '-'


def test_csv_files_can_be_zipped_and_written(mini_catalog: Catalog, pair: Pair, tmp_path: Path) -> None:
    old, new = pair
    files = csv_files(export_tables(new, mini_catalog, diff_snapshots(old, new)))
    with zipfile.ZipFile(io.BytesIO(csv_zip(files))) as archive:
        assert sorted(archive.namelist()) == sorted(files)
    written = write_csv_files(tmp_path / "csv", files)
    assert sorted(p.name for p in written) == sorted(files)


def test_top_exposures_are_probability_weighted(mini_catalog: Catalog, pair: Pair) -> None:
    _, new = pair
    top = top_exposures(new)
    assert list(top["expected_impact_usd"]) == sorted(top["expected_impact_usd"])
    aaa = top.set_index("symbol").loc["AAA"]
    # AAA: value 1320; ban -15% (p 0.5), boom +6% (p 0.25)
    assert aaa["expected_impact_usd"] == pytest.approx(1320 * (-0.15 * 0.5 + 0.06 * 0.25))
    assert aaa["worst_scenario"] == "China ban"
