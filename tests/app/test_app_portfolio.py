"""AppTest of the Portfolio page: upload and report, failed uploads leave the portfolio in
use alone, column mapping, classification, editing, use, save and reload, T-14 XSS and
T-17 session isolation."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from exposure.auth.identity import Identity
from exposure.holdings.importers import load_presets
from exposure.holdings.portfolio import parse_portfolio_yaml, usd_cash
from exposure.holdings.store import book_versions, list_portfolios, load_saved, save_portfolio
from exposure.storage import documents
from exposure.storage.access import open_store
from exposure.storage.database import LOCAL_ACTOR
from exposure.storage.tables import TEAM
from exposure.ui.sidebar import PORTFOLIO_KEY
from tests.apptest_util import errors, metric_values, page
from tests.conftest import FIXTURES

BROKERS = FIXTURES / "brokers"
SAMPLE_NAME = "Sample AI portfolio"
XSS = "<img src=x onerror=alert(1)>"
UNESCAPED = re.compile(r"(?<!\\)<")  # a '<' Markdown would not print literally
OWN_CSV = (b"Symbol,Description,Quantity,Market Value\n"
           b"NVDA,NVIDIA,10,1300\n"
           b"XYZQ," + XSS.encode() + b",5,500\n")


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="pf_upload").set_value((name, data, "text/csv"))
    return at.run()


def in_use(at: AppTest) -> str:
    return at.session_state[PORTFOLIO_KEY].name


def editor_symbols(at: AppTest) -> list[str]:
    return list(at.data_editor[0].value["symbol"])


def ver(at: AppTest) -> int:
    return int(at.session_state["pf_ver"])


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first read-only table with ``column`` (st.dataframe keys are not exposed)."""
    return next(d.value for d in at.dataframe
                if d.editing_mode == "read_only" and column in d.value.columns)


def all_markdown(at: AppTest) -> list[str]:
    return ([m.value for m in at.markdown] + [c.value for c in at.caption]
            + [s.value for s in at.success] + [w.value for w in at.warning]
            + [e.value for e in at.error])


@pytest.fixture
def at() -> AppTest:
    app = page("pages/1_Portfolio.py").run()
    assert errors(app) == []
    assert in_use(app) == SAMPLE_NAME
    return app


EXPECTED = {
    "fidelity_positions.csv": ("Fidelity", 6),
    "schwab_positions.csv": ("Schwab", 4),
    "schwab_all_accounts.csv": ("Schwab", 3),
    "vanguard_ofxdownload.csv": ("Vanguard", 4),
    "ibkr_activity_statement.csv": ("Interactive Brokers", 7),
    "ibkr_flex_positions.csv": ("Interactive Brokers", 5),
    "ibkr_flex_envelope.csv": ("Interactive Brokers", 2),
    "robinhood_activity.csv": ("Robinhood", 2),
    "etrade_portfoliodownload.csv": ("E*TRADE", None),
    "generic_holdings.csv": ("", None),
    "degiro_like_semicolon.csv": ("", 3),
    "portfolio.yaml": ("", None),
    "degiro_portfolio_en.csv": ("DEGIRO", 5),
    "trading212_history.csv": ("Trading 212", 4),
    "depot_de_ing.csv": ("German depot", 4),
    "generic_currencies.csv": ("", 8),
}


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_each_broker_fixture_imports_with_a_report(at: AppTest, fixture: str) -> None:
    label, count = EXPECTED[fixture]
    upload(at, fixture, (BROKERS / fixture).read_bytes())
    assert errors(at) == []
    report = next(m.value for m in at.markdown if m.value.startswith("**Import report**"))
    assert label.replace("*", "\\*") in report
    metrics = {k: int(v.replace(",", "")) for k, v in metric_values(at).items()
               if k in ("Data rows", "Holding rows", "Cash rows", "Rows skipped")}
    assert metrics["Data rows"] == metrics["Holding rows"] + metrics["Cash rows"] \
        + metrics["Rows skipped"]
    holdings = len(at.data_editor[0].value)
    assert holdings > 0
    if count is not None:
        assert holdings == count
    assert in_use(at) == SAMPLE_NAME  # importing fills the editor, not the portfolio in use


@pytest.mark.parametrize(("name", "data", "message"), [
    ("binary.csv", b"\x00\x01\x02\x03garbage\x00" * 40, "binary"),
    ("book.csv", b"PK\x03\x04" + b"\x00" * 200, "Excel"),
    ("empty.csv", b"", "empty"),
    ("positions.csv", b"Symbol,Quantity\nNVDA,\n,5\n", "no holdings"),
    ("broken.yaml", b"holdings: [{symbol: NVDA, quantity: [1]}]", "broken.yaml"),
    ("huge.csv", b"Symbol,Quantity\n" + b"NVDA,1\n" * (3 * 1024 * 1024 + 1), "limit is 20 MB"),
])
def test_failed_upload_never_replaces_the_portfolio_in_use(at: AppTest, name: str, data: bytes,
                                                          message: str) -> None:
    before = editor_symbols(at)
    upload(at, name, data)
    assert len(at.error) == 1
    assert message in at.error[0].value
    assert "portfolio in use is unchanged" in at.error[0].value
    assert at.exception == []
    assert in_use(at) == SAMPLE_NAME
    assert any(SAMPLE_NAME in m.value for m in at.sidebar.markdown)
    assert editor_symbols(at) == before  # the draft is untouched too
    at.button(key="pf_use").click().run()  # using the draft keeps the sample's holdings
    assert list(at.session_state[PORTFOLIO_KEY].holdings["symbol"]) == before


def test_failed_upload_after_a_good_one_keeps_the_good_draft(at: AppTest) -> None:
    upload(at, "fidelity_positions.csv", (BROKERS / "fidelity_positions.csv").read_bytes())
    symbols = editor_symbols(at)
    upload(at, "junk.csv", b"\x00\xff" * 100)
    assert len(at.error) == 1 and editor_symbols(at) == symbols
    assert in_use(at) == SAMPLE_NAME


def test_unrecognised_file_offers_the_column_mapping(at: AppTest, home: Path) -> None:
    upload(at, "custom_bank.csv", (BROKERS / "custom_bank.csv").read_bytes())
    assert errors(at) == []
    assert any("was not recognised" in m.value for m in at.markdown)
    preview = frame_with(at, "Wertpapier")
    assert list(preview.columns) == ["Wertpapier", "WKN", "Anzahl", "Wert in EUR", "Konto"]
    assert list(preview["Wertpapier"]) == ["NVDA", "ASML.AS"]
    boxes = {s.key.split("_", 3)[3]: s for s in at.selectbox  # pf_map_<file id>_<field>
             if (s.key or "").startswith("pf_map_")}
    boxes["symbol"].select("Wertpapier")
    boxes["quantity"].select("Anzahl")
    boxes["market_value"].select("Wert in EUR")
    boxes["account"].select("Konto")
    at.text_input(key="pf_map_preset").input("My bank")
    at.button(key="pf_map_save").click().run()
    assert errors(at) == []
    assert [p.name for p in load_presets(home)] == ["My bank"]
    at.button(key="pf_map_import").click().run()
    assert errors(at) == []
    assert editor_symbols(at) == ["NVDA", "ASML.AS"]
    assert list(at.data_editor[0].value["account"]) == ["Haupt", "Haupt"]
    assert not any("was not recognised" in m.value for m in at.markdown)
    # the saved preset makes auto-detect recognise the layout in a new session
    again = page("pages/1_Portfolio.py").run()
    upload(again, "bank2.csv", (BROKERS / "custom_bank.csv").read_bytes())
    assert errors(again) == []
    assert editor_symbols(again) == ["NVDA", "ASML.AS"]
    assert not any("was not recognised" in m.value for m in again.markdown)
    assert any("saved preset My bank" in m.value for m in again.markdown)


def test_mapping_without_a_symbol_column_is_refused(at: AppTest) -> None:
    upload(at, "custom_bank.csv", (BROKERS / "custom_bank.csv").read_bytes())
    at.button(key="pf_map_import").click().run()
    assert any("needs 'symbol'" in e.value for e in at.error)
    assert in_use(at) == SAMPLE_NAME


def test_classifying_an_unknown_symbol_sets_its_segment(at: AppTest) -> None:
    upload(at, "mine.csv", OWN_CSV)
    assert [t.value for t in at.text] == ["XYZQ"]
    v = ver(at)
    at.selectbox(key=f"pf_cls_seg_{v}_0").select("chips")
    at.button(key=f"pf_cls_apply_{v}").click().run()
    assert errors(at) == []
    table = at.data_editor[0].value.set_index("symbol")
    assert table.loc["XYZQ", "segment"] == "chips"
    at.button(key="pf_use").click().run()
    holdings = at.session_state[PORTFOLIO_KEY].holdings.set_index("symbol")
    assert holdings.loc["XYZQ", "segment"] == "chips"
    assert in_use(at) == "mine"


def test_linking_an_unknown_symbol_to_a_catalog_profile(at: AppTest) -> None:
    upload(at, "mine.csv", OWN_CSV)
    v = ver(at)
    at.selectbox(key=f"pf_cls_link_{v}_0").select("AMD")
    at.button(key=f"pf_cls_apply_{v}").click().run()
    assert errors(at) == []
    table = at.data_editor[0].value
    assert list(table["symbol"]) == ["NVDA", "AMD"]
    assert list(table["raw_symbol"]) == ["NVDA", "XYZQ"]
    assert at.text == []  # nothing left to classify


def test_edit_then_use_changes_the_overview(at: AppTest) -> None:
    before = metric_values(at)["Portfolio value"]
    key = at.data_editor[0].key
    assert key and at.data_editor[0].editing_mode == "dynamic"
    row = editor_symbols(at).index("NVDA")
    at.session_state[key] = {"edited_rows": {row: {"quantity": 20000.0}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    assert in_use(at) == SAMPLE_NAME  # editing alone changes nothing elsewhere
    at.text_input(key=f"pf_name_{ver(at)}").input("Edited book").run()
    at.button(key="pf_use").click().run()
    assert errors(at) == []
    assert in_use(at) == "Edited book"
    assert any("now the portfolio in use" in s.value for s in at.success)
    at.switch_page("app.py")
    at.run()
    assert errors(at) == []
    after = metric_values(at)["Portfolio value"]
    assert after != before
    assert any("Edited book" in c.value for c in at.caption)


def test_invalid_edit_shows_row_and_column_and_is_not_used(at: AppTest) -> None:
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {}, "added_rows": [{"quantity": 5.0}],
                             "deleted_rows": []}
    at.run()
    n = len(at.data_editor[0].value) + 1
    problems = [e.value for e in at.error]
    assert any(f"row {n}, column 'symbol'" in p for p in problems)
    at.button(key="pf_use").click().run()
    assert in_use(at) == SAMPLE_NAME
    assert at.session_state[PORTFOLIO_KEY].illustrative


def test_save_then_reload_from_the_store(at: AppTest, home: Path) -> None:
    upload(at, "fidelity_positions.csv", (BROKERS / "fidelity_positions.csv").read_bytes())
    at.text_input(key=f"pf_name_{ver(at)}").input("../../Fidelity book").run()
    at.button(key="pf_save").click().run()
    assert any("not a usable book name" in e.value for e in at.error)  # a name, not a path
    assert list_portfolios() == []
    at.text_input(key=f"pf_name_{ver(at)}").input("Fidelity book").run()
    at.button(key="pf_save").click().run()
    assert errors(at) == []
    assert any("version 1" in s.value for s in at.success)
    assert len(load_saved("Fidelity book").holdings) == 6  # NVDA in two accounts stays two rows
    assert in_use(at) == SAMPLE_NAME  # saving is not using
    at.button(key="pf_save").click().run()  # the same draft again: builds on version 1
    assert any("version 2" in s.value for s in at.success)
    fresh = page("pages/1_Portfolio.py").run()
    table = frame_with(fresh, "Problem")
    assert list(table["Name"]) == ["Fidelity book"] and list(table["Version"]) == [2]
    fresh.button(key="pf_load").click().run()
    assert errors(fresh) == []
    assert in_use(fresh) == "Fidelity book"
    assert editor_symbols(fresh) == list(load_saved("Fidelity book").holdings["symbol"])
    fresh.button(key="pf_sample").click().run()
    assert in_use(fresh) == SAMPLE_NAME


def test_a_stale_save_in_the_page_says_who_changed_it(at: AppTest, home: Path) -> None:
    upload(at, "fidelity_positions.csv", (BROKERS / "fidelity_positions.csv").read_bytes())
    at.text_input(key=f"pf_name_{ver(at)}").input("Shared book").run()
    at.button(key="pf_save").click().run()
    other = load_saved("Shared book")
    save_portfolio(other, "Shared book", user=Identity("bob@example.com", "Bob", "analyst",
                                                       "oidc"), shared=True)
    at.button(key="pf_save").click().run()
    assert any("changed by Bob at" in e.value for e in at.error)
    assert [v.saved_by for v in book_versions("Shared book")] == ["local", "bob@example.com"]


def test_broken_saved_book_is_listed_not_fatal(at: AppTest, home: Path) -> None:
    documents.save(open_store(home), "book", TEAM, "broken", "holdings: {nope\n",
                   LOCAL_ACTOR, expected_version=None)
    at.run()
    assert errors(at) == []
    table = frame_with(at, "Problem")
    assert "broken" in table.loc[0, "Problem"]
    assert not any(s.key == "pf_saved_pick" for s in at.selectbox)  # nothing to load


def test_hostile_description_renders_as_literal_text(at: AppTest) -> None:
    upload(at, f"{XSS}.csv", OWN_CSV)
    assert errors(at) == []
    names = list(at.data_editor[0].value["name"])
    assert names == ["NVIDIA", XSS]  # the raw string, shown as a cell value
    assert not [t for t in all_markdown(at) if UNESCAPED.search(t)]
    at.button(key="pf_use").click().run()
    assert errors(at) == []
    assert in_use(at) == XSS
    shown = [t for t in all_markdown(at) + [m.value for m in at.sidebar.markdown]
             if "img" in t]
    assert shown and not [t for t in shown if UNESCAPED.search(t)]  # escaped: literal text


def test_sessions_do_not_see_each_others_uploads() -> None:
    one = page("pages/1_Portfolio.py").run()
    two = page("pages/1_Portfolio.py").run()
    upload(one, "mine.csv", OWN_CSV)
    one.button(key="pf_use").click().run()
    upload(two, "vanguard.csv", (BROKERS / "vanguard_ofxdownload.csv").read_bytes())
    two.button(key="pf_use").click().run()
    one.run()
    assert in_use(one) == "mine" and editor_symbols(one) == ["NVDA", "XYZQ"]
    assert in_use(two) == "vanguard" and "VTI" in editor_symbols(two)
    assert "VTI" not in editor_symbols(one)


def test_download_payloads_reimport_and_neutralise_formulas() -> None:
    from exposure.exports import to_safe_csv
    from exposure.holdings.importers import import_bytes
    from exposure.holdings.portfolio import Portfolio, normalise_holdings, portfolio_to_yaml
    from exposure.ui.portfolio_view import candidate_from, cash_table

    base = Portfolio("Book", normalise_holdings(pd.DataFrame([
        {"symbol": "NVDA", "quantity": 10.0, "market_value": 1300.0, "account": "=1+2"},
        {"symbol": "XYZQ", "market_value": 500.0, "segment": "chips"},
    ])), cash=usd_cash(100.0))
    candidate, problem = candidate_from(base, base.holdings, "Book", cash_table(base))
    assert problem is None and candidate is not None
    csv_text = to_safe_csv(candidate.holdings)
    assert "'=1+2" in csv_text and "\n=1+2" not in csv_text
    again = import_bytes(csv_text.encode(), "book.csv").holdings
    assert list(again["symbol"]) == ["NVDA", "XYZQ"]
    assert list(again["quantity"].fillna(-1)) == [10.0, -1]
    yaml_again = parse_portfolio_yaml(portfolio_to_yaml(candidate), "book.yaml")
    pd.testing.assert_frame_equal(yaml_again.holdings, candidate.holdings)
    bad = base.holdings.copy()
    bad.loc[1, "market_value"] = -5.0
    assert candidate_from(base, bad, "Book", cash_table(base)) == (None, "holdings: row 2, column "
                                                        "'market_value': must not be negative")


def test_ambiguous_currency_is_chosen_on_the_page(at: AppTest) -> None:
    upload(at, "sheet.csv", (BROKERS / "generic_currencies.csv").read_bytes())
    assert errors(at) == []
    table = at.data_editor[0].value.set_index("symbol")
    assert pd.isna(table.loc["8035.T", "market_value"]) and pd.isna(table.loc["NVDA",
                                                                              "market_value"])
    assert any("Which currency are these values in?" in m for m in all_markdown(at))
    boxes = [s for s in at.selectbox if (s.key or "").startswith("pf_cur_")]
    assert [b.label for b in boxes] == ["'¥' means", "'$' means"]
    boxes[0].select("JPY")
    boxes[1].select("USD")
    at.run()
    at.button(key="pf_cur_apply").click().run()
    assert errors(at) == []
    table = at.data_editor[0].value.set_index("symbol")
    assert table.loc["8035.T", ["market_value", "currency"]].tolist() == [3121000.0, "JPY"]
    assert table.loc["NVDA", ["market_value", "currency"]].tolist() == [5255.2, "USD"]
    assert not any("Which currency are these values in?" in m for m in all_markdown(at))


def test_report_states_the_date_and_the_files_total(at: AppTest) -> None:
    upload(at, "schwab.csv", (BROKERS / "schwab_positions.csv").read_bytes())
    text = " ".join(all_markdown(at)).replace("\\", "")
    assert "8 data rows = 4 holding + 2 cash + 2 skipped" in text
    assert "values as of 2025-05-04 (from the file)" in text
    assert "file total 254,924.27 USD" in text


def test_workbook_upload_imports(at: AppTest) -> None:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    for row in (["Symbol", "Quantity", "Market Value", "Currency"], ["NVDA", 4, 525.52, "USD"]):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    at.file_uploader(key="pf_upload").set_value(
        ("book.xlsx", buf.getvalue(),
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()
    assert errors(at) == []
    assert editor_symbols(at) == ["NVDA"]


def test_an_import_shows_its_reconciliation_and_offline_the_totals_agree(at: AppTest) -> None:
    upload(at, "degiro_portfolio_en.csv", (BROKERS / "degiro_portfolio_en.csv").read_bytes())
    assert errors(at) == []
    assert any(m.value.startswith("**Reconciliation**") for m in at.markdown)
    kpis = metric_values(at)
    file_total = float(kpis["File total (USD)"].replace(",", ""))
    valued = float(kpis["Valued total (USD)"].replace(",", ""))
    assert file_total > 0 and valued == pytest.approx(file_total, abs=0.01)
