"""What an investor reads on every page: tables with human headers, names instead of ids and
whole dollars; terms explained from the glossary; no machinery (command lines, upstream
diagnostics) outside the "About the data" expander."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from exposure.glossary import GLOSSARY
from exposure.ui.widgets import ABOUT_KEY, ABOUT_THE_DATA
from tests.apptest_util import errors, markdown_tables, page

METHODOLOGY_TABS = ["The model", "Glossary", "Channels & defaults", "Calibration & scorecard",
                    "Look-through", "Provenance", "Freshness"]
SCENARIOS_TABS = ["Library", "Compare", "Editor"]
OVERVIEW_VIEWS = ["By layer", "Holding × scenario"]  # the first view is app.py itself
EVIDENCE_TABS = ["Timeline", "Event study", "Model vs market"]  # the scorecard has its own test
PAGES = ["app.py", *(f"app.py?{urlencode({'ov_view': view})}" for view in OVERVIEW_VIEWS),
         "pages/1_Portfolio.py",
         *(f"pages/2_Scenarios.py?{urlencode({'sc_tab': tab})}" for tab in SCENARIOS_TABS),
         "pages/3_Holding.py",
         *(f"pages/4_Evidence.py?{urlencode({'ev_tab': tab})}" for tab in EVIDENCE_TABS),
         "pages/5_Risk.py", "pages/6_Weekly_review.py",
         *(f"pages/7_Methodology.py?{urlencode({'meth_tab': tab})}" for tab in METHODOLOGY_TABS)]
OPEN_GRIDS = {"app.py": ("top_exposures", "entities", "entities_breakdown")}
SNAKE_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
ID_PREFIXES = ("link.", "segment:", "exposure.", "scenario:", "weight.", "price:", "fund:")
MACHINERY = re.compile(r"`exposure |\bexposure (?:prices|evaluate|events|scorecard|review|risk)\b"
                       r"|Yahoo not asked|paused until|\.venv/bin|--format")


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, AppTest]]:
    """Every page rendered once on the sample book (look-through on: the most columns), in a
    workspace of its own, offline (a module fixture runs before the per-test isolation)."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXPOSURE_HOME", str(tmp_path_factory.mktemp("home")))
        mp.setenv("EXPOSURE_OFFLINE", "1")
        mp.delenv("EXPOSURE_DATA", raising=False)
        mp.delenv("EXPOSURE_DATABASE_URL", raising=False)
        for path in PAGES:
            st.cache_data.clear()
            st.cache_resource.clear()
            at = page(path)
            at.query_params["lt"] = "1"
            at.session_state[ABOUT_KEY] = True  # the "About the data" expander, opened
            for grid in OPEN_GRIDS.get(path, ()):
                at.session_state[grid] = True  # a sortable grid shown on demand, opened
            at.run(timeout=120)
            if path == "pages/6_Weekly_review.py":  # two snapshots: history and diff tables
                for _ in range(2):
                    at.button(key="review_take").click().run(timeout=120)
            out[path] = at
        yield out


def _config(df: Any) -> dict[str, dict]:
    return json.loads(df.proto.columns) if df.proto.columns else {}


def _shown_columns(df: Any) -> list[str]:
    order = list(df.proto.column_order)
    return order or [str(c) for c in df.value.columns]


def _header(df: Any, column: str) -> str:
    return (_config(df).get(column) or {}).get("label") or column


def _walk(node: Any, inside_about: bool = False) -> Iterator[tuple[Any, bool]]:
    yield node, inside_about
    about = inside_about or getattr(node, "label", None) == ABOUT_THE_DATA and \
        getattr(node, "type", "") == "expander"
    for child in getattr(node, "children", {}).values():
        yield from _walk(child, about)


@pytest.mark.parametrize("path", PAGES)
def test_every_table_header_is_written_for_people(rendered: dict[str, AppTest],
                                                  path: str) -> None:
    at = rendered[path]
    assert errors(at) == []
    if not path.endswith(("=The+model", "=Library")):  # words, formulas and cards only
        assert len(at.dataframe) + len(markdown_tables(at)) > 0  # grids, or light tables (checked below)
    for df in at.dataframe:
        for column in _shown_columns(df):
            header = _header(df, column)
            assert "_" not in header, (path, df.key, header)


@pytest.mark.parametrize("path", PAGES)
def test_light_tables_read_like_the_grids(rendered: dict[str, AppTest], path: str) -> None:
    """The static first-screen tables: headers for people, names not ids, whole dollars with
    separators, percentages with their sign, counts with separators, ratios to 2 places."""
    if path == "app.py":
        assert len(markdown_tables(rendered[path])) == 2  # top exposures, look-through entities
    for shown in markdown_tables(rendered[path]):
        for column in shown.columns:
            assert "_" not in str(column), (path, column)
            for cell in shown[column].astype(str):
                assert not SNAKE_ID.match(cell), (path, column, cell)
                assert not cell.startswith(ID_PREFIXES), (path, column, cell)
                if re.fullmatch(r"[-+$\d,.%]+", cell) and any(ch.isdigit() for ch in cell):
                    assert re.fullmatch(r"-?\$\d{1,3}(,\d{3})*|[+-]?\d+(\.\d)?%"  # money, percent
                                        r"|\d{1,3}(,\d{3})*"  # a count: 20,000 draws
                                        r"|-?\d+\.\d\d", cell), (path, column, cell)  # a ratio


@pytest.mark.parametrize("path", PAGES)
def test_read_only_tables_show_names_not_ids(rendered: dict[str, AppTest], path: str) -> None:
    for df in rendered[path].dataframe:
        if df.editing_mode != "read_only":
            continue  # the holdings editor shows the user's own symbols
        frame = df.value
        for column in frame.columns:
            if frame[column].dtype.kind not in "OUT" and str(frame[column].dtype) != "str":
                continue
            for cell in frame[column].dropna().astype(str):
                assert not SNAKE_ID.match(cell), (path, df.key, column, cell)
                assert not cell.startswith(ID_PREFIXES), (path, df.key, column, cell)


@pytest.mark.parametrize("path", PAGES)
def test_large_amounts_have_separators_and_no_cents(rendered: dict[str, AppTest],
                                                   path: str) -> None:
    for df in rendered[path].dataframe:
        frame, config = df.value, _config(df)
        for column in frame.columns:
            if frame[column].dtype.kind != "f" or frame[column].abs().max() < 10_000:
                continue
            number = (config.get(str(column)) or {}).get("type_config") or {}
            fmt = number.get("format")
            assert fmt in ("dollar", "euro", "yen", "localized", "compact", "accounting") or \
                str(fmt).startswith("%,.0f"), (path, df.key, column)
            if fmt in ("dollar", "euro", "yen"):
                assert number.get("step") == 1, (path, df.key, column)  # no cents


@pytest.mark.parametrize("path", PAGES)
def test_no_command_lines_or_upstream_diagnostics_outside_about_the_data(
        rendered: dict[str, AppTest], path: str) -> None:
    at = rendered[path]
    abouts = [e for e in at.expander if e.label == ABOUT_THE_DATA]
    assert len(abouts) == 1, path  # one per page
    for node, inside in _walk(at._tree):
        value = getattr(node, "value", None)
        if isinstance(value, str) and not inside:
            assert not MACHINERY.search(value), (path, value[:120])


def test_about_the_data_carries_the_price_status_and_the_commands(
        rendered: dict[str, AppTest]) -> None:
    about = next(e for e in rendered["app.py"].expander if e.label == ABOUT_THE_DATA)
    texts = [n.value for n, _ in _walk(about) if isinstance(getattr(n, "value", None), str)]
    assert any(t.startswith("Prices:") for t in texts)
    assert any(".venv/bin/exposure evaluate" in t for t in texts)


def test_methodology_shows_the_whole_glossary(rendered: dict[str, AppTest]) -> None:
    at = rendered["pages/7_Methodology.py?meth_tab=Glossary"]
    glossary = next(d.value for d in at.dataframe if list(d.value.columns) == ["Term", "Meaning"])
    assert set(glossary["Term"]) == set(GLOSSARY)
    assert any(t.label == "Glossary" for t in at.tabs)


def test_model_terms_carry_their_glossary_tooltip(rendered: dict[str, AppTest]) -> None:
    sidebar_help = {w.label: w.help or "" for w in rendered["app.py"].sidebar.selectbox}
    assert GLOSSARY["Scenario"] in sidebar_help["Scenario"]
    risk = {m.label: m.help or "" for m in rendered["pages/5_Risk.py"].metric}
    assert GLOSSARY["VaR"] in risk["VaR 95%"] and GLOSSARY["ES"] in risk["Expected shortfall 95%"]
    overview = next(d for d in rendered["app.py"].dataframe if "Profile" in d.value.columns)
    assert _config(overview)["Profile"]["help"].endswith(GLOSSARY["Profile source"])


def test_portfolio_editor_shows_values_with_separators_not_cents() -> None:
    at = page("pages/1_Portfolio.py").run()
    editor = at.data_editor[0]
    config = _config(editor)
    assert config["market_value"]["type_config"]["format"] == "localized"  # 620,000
    for column in ("quantity", "market_value"):
        assert ".2f" not in str(config[column]["type_config"].get("format"))


# When Streamlit's Markdown (1.67) loads extra code: the emoji table (250 kB) for text like
# ":5:" and the formula renderer for text like "$5 and $6" (the tests in its frontend code,
# copied): a title or narrative must not make a new browser session load either.
EMOJI_CODE = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
FORMULA = (re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$"),
           re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)"))
CODE_OR_ESCAPE = re.compile(r"(?:^|(?<=\n)) {0,3}(`{3,}|~{3,})[\s\S]*?(?:\n[ \t]*\1|$)"
                            r"|(?<!`)(`+)[^`\n]+\2(?!`)|\\[\\$`]")


@pytest.mark.parametrize("path", PAGES)
def test_no_text_makes_markdown_load_emoji_or_formula_code(rendered: dict[str, AppTest],
                                                           path: str) -> None:
    for node, _ in _walk(rendered[path]._tree):
        for attr in ("value", "label", "help"):
            text = getattr(node, attr, None)
            if not isinstance(text, str) or getattr(node, "type", "") in ("code", "dataframe"):
                continue
            assert not EMOJI_CODE.search(text), (path, text[:120])
            plain = CODE_OR_ESCAPE.sub("_", text)
            assert not any(f.search(plain) for f in FORMULA), (path, text[:120])
