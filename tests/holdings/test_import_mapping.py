"""Column mappings, saved presets that auto-detect picks up, and the mapping preview."""

from __future__ import annotations

from pathlib import Path

import pytest

from exposure.errors import ImportFormatError, WorkspaceError
from exposure.holdings.importers import (
    import_bytes,
    import_file,
    load_presets,
    preview,
    save_preset,
)
from tests.conftest import FIXTURES

BANK = FIXTURES / "brokers" / "custom_bank.csv"
MAPPING = {"symbol": "Wertpapier", "quantity": "Anzahl", "market_value": "Wert in EUR",
           "account": "Konto"}
HEADER = ["Wertpapier", "WKN", "Anzahl", "Wert in EUR", "Konto"]


def test_unrecognised_file_fails_without_a_mapping() -> None:
    with pytest.raises(ImportFormatError, match="map the columns"):
        import_file(BANK)


def test_mapping_imports_an_unrecognised_file() -> None:
    result = import_file(BANK, mapping=MAPPING)
    assert result.format == "mapping"
    assert list(result.holdings["symbol"]) == ["NVDA", "ASML.AS"]
    assert list(result.holdings["market_value"]) == [1970.70, 2016.90]
    assert list(result.holdings["account"]) == ["Haupt", "Haupt"]


def test_mapping_matches_column_names_case_insensitively() -> None:
    lower = {k: v.lower() for k, v in MAPPING.items()}
    assert len(import_file(BANK, mapping=lower).holdings) == 2


def test_unknown_column_in_a_mapping_is_named() -> None:
    with pytest.raises(ImportFormatError, match="column 'Stückzahl'"):
        import_file(BANK, mapping={"symbol": "Wertpapier", "quantity": "Stückzahl"})


@pytest.mark.parametrize(("mapping", "message"), [
    ({"quantity": "Anzahl"}, "needs 'symbol'"),
    ({"symbol": "Wertpapier"}, "'quantity' or 'market_value'"),
    ({"symbol": "Wertpapier", "quantity": "Anzahl", "colour": "WKN"}, "unknown mapping field"),
    ({"symbol": "Wertpapier", "quantity": " "}, "names no column"),
])
def test_incomplete_or_wrong_mappings_are_refused(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        import_file(BANK, mapping=mapping)


def test_saved_preset_is_used_by_auto_detect_next_time(database: str, home: Path) -> None:
    saved = save_preset("My Bank", MAPPING, HEADER, home)
    assert (saved.name, saved.version) == ("My Bank", 1)
    result = import_file(BANK, home=home)
    assert result.format == "preset:My Bank"
    assert list(result.holdings["symbol"]) == ["NVDA", "ASML.AS"]
    assert save_preset("my bank", MAPPING, HEADER, home).version == 2  # a new version


def test_preset_survives_shuffled_columns_and_header_case(home: Path) -> None:
    save_preset("bank", MAPPING, HEADER, home)
    text = "KONTO;wert in eur;Anzahl;WKN;Wertpapier\nHaupt;1.970,70;15;918422;NVDA\n"
    result = import_bytes(text.encode("cp1252"), "x.csv", home=home)
    assert result.format == "preset:bank"
    assert result.holdings.loc[0, "market_value"] == 1970.70


def test_presets_are_shared_by_the_team_and_viewers_cannot_save_them(home: Path) -> None:
    from exposure.auth.identity import Identity
    from exposure.auth.permissions import PermissionDenied

    ann = Identity("ann@example.com", "Ann", "analyst", "oidc")
    save_preset("bank", MAPPING, HEADER, user=ann)
    assert [p.name for p in load_presets()] == ["bank"]
    assert import_file(BANK).format == "preset:bank"
    with pytest.raises(PermissionDenied, match="viewer"):
        save_preset("other", MAPPING, HEADER,
                    user=Identity("vic@example.com", "Vic", "viewer", "oidc"))


def test_old_preset_files_in_the_workspace_are_imported(home: Path) -> None:
    folder = home / "import_presets"
    folder.mkdir(parents=True)
    (folder / "old-bank.yaml").write_text(
        "name: old-bank\nmapping: {symbol: Wertpapier, quantity: Anzahl}\n"
        "header: [Wertpapier, WKN, Anzahl, Wert in EUR, Konto]\n", encoding="utf-8")
    assert import_file(BANK).format == "preset:old-bank"



def test_preset_with_a_column_not_in_the_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="column 'Nope'"):
        save_preset("bank", {"symbol": "Nope", "quantity": "Anzahl"}, HEADER, tmp_path)


@pytest.mark.parametrize("name", ["../../evil", "/etc/passwd", "..", "", "\x00", "...."])
def test_preset_names_cannot_leave_the_folder(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "presets"
    try:
        path = save_preset(name, MAPPING, HEADER, folder)
    except WorkspaceError:
        return
    assert path.resolve().is_relative_to(folder.resolve())


def test_broken_preset_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("mapping: [unclosed\n")
    (tmp_path / "wrong.yaml").write_text("mapping: {colour: red}\n")
    save_preset("good", MAPPING, HEADER, tmp_path)
    assert [p.name for p in load_presets(tmp_path)] == ["good"]


def test_preview_locates_the_header_below_a_preamble() -> None:
    pv = preview(BANK.read_bytes(), "custom_bank.csv")
    assert pv.header == HEADER
    assert pv.header_row == 2
    assert pv.rows[0][:3] == ["NVDA", "918422", "15"]
    assert pv.delimiter == ";"
    assert pv.format is None


def test_preview_suggests_mapping_for_a_generic_file() -> None:
    data = b"Note\nTicker,Shares,Value,Currency\nNVDA,4,500,USD\n"
    pv = preview(data, "g.csv")
    assert pv.format == "generic"
    assert pv.suggested == {"symbol": "Ticker", "quantity": "Shares", "market_value": "Value",
                            "currency": "Currency"}


def test_preview_names_a_broker_format() -> None:
    data = (BANK.parent / "schwab_positions.csv").read_bytes()
    assert preview(data, "s.csv").format == "schwab"
