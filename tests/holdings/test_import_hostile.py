"""T-02 and section 2 of THREATS.md: broken and hostile files end in one clean
ImportFormatError naming the file (and line/column), never a traceback; hostile text is
kept as literal text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exposure.errors import ImportFormatError
from exposure.holdings.importers import MAX_IMPORT_BYTES, import_bytes, import_file


def test_binary_file_with_nul_bytes() -> None:
    with pytest.raises(ImportFormatError, match=r"bin\.csv.*binary"):
        import_bytes(b"symbol,quantity\n\x00\x01\x02\x03NVDA,1\n", "bin.csv")


def test_random_binary_noise() -> None:
    noise = bytes(range(1, 32)) * 50 + bytes(range(128, 256)) * 20
    with pytest.raises(ImportFormatError, match="binary"):
        import_bytes(noise, "noise.csv")


@pytest.mark.parametrize(("magic", "what"), [
    (b"PK\x03\x04rest-of-zip", "Excel"), (b"%PDF-1.7\n", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG"),
])
def test_known_binary_formats_are_named(magic: bytes, what: str) -> None:
    with pytest.raises(ImportFormatError, match=what):
        import_bytes(magic + b"\x00" * 64, "positions.csv")


def test_file_over_20_mb_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.csv"
    with big.open("wb") as fh:
        fh.write(b"symbol,quantity\n")
        fh.write(b"NVDA,1\n" * (21 * 1024 * 1024 // 7 + 1))
    assert big.stat().st_size > MAX_IMPORT_BYTES
    with pytest.raises(ImportFormatError, match=r"huge\.csv.*20 MB"):
        import_file(big)


def test_bytes_over_20_mb_are_refused() -> None:
    with pytest.raises(ImportFormatError, match="limit"):
        import_bytes(b" " * (MAX_IMPORT_BYTES + 1), "big.csv")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_empty_files(data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        import_bytes(data, "empty.csv")


def test_file_without_holdings_columns_is_not_recognised() -> None:
    with pytest.raises(ImportFormatError, match=r"notes\.csv: format not recognised"):
        import_bytes(b"date,comment\n2025-01-01,hello\n", "notes.csv")


def test_recognised_layout_with_no_holdings_says_what_was_skipped() -> None:
    text = "symbol,quantity\n -NVDA250620C150,1\nTotal,1\n"
    with pytest.raises(ImportFormatError, match=r"no holdings found \(2 rows skipped"):
        import_bytes(text.encode(), "opts.csv")


def test_unterminated_quote_names_the_line() -> None:
    text = 'symbol,name,quantity\nNVDA,"NVIDIA,10\nAMD,AMD,5\nMU,Micron,3\n'
    with pytest.raises(ImportFormatError, match=r"q\.csv, row 2: unterminated"):
        import_bytes(text.encode(), "q.csv")


def test_huge_field_is_a_clean_error() -> None:
    text = 'symbol,name,quantity\nNVDA,"' + "x" * 300_000 + '",10\n'
    with pytest.raises(ImportFormatError, match=r"field.*longer"):
        import_bytes(text.encode(), "field.csv")


def test_bad_number_skips_the_row_naming_the_column() -> None:
    text = "symbol,quantity\nNVDA,ten\nAMD,5\n"
    result = import_bytes(text.encode(), "n.csv")
    assert list(result.holdings["symbol"]) == ["AMD"]
    assert result.skipped[0]["row"] == 2
    assert "column 'quantity'" in result.skipped[0]["reason"]


FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0"]


@pytest.mark.parametrize("payload", FORMULAS)
def test_formula_injection_in_a_symbol_is_rejected(payload: str) -> None:
    quoted = '"' + payload.replace('"', '""') + '"'
    text = f"symbol,quantity\n{quoted},5\nNVDA,1\n"
    result = import_bytes(text.encode(), "f.csv")
    assert list(result.holdings["symbol"]) == ["NVDA"]
    assert len(result.skipped) == 1


@pytest.mark.parametrize("payload", FORMULAS)
def test_formula_injection_in_names_and_accounts_is_kept_as_literal_text(payload: str) -> None:
    quoted = '"' + payload.replace('"', '""') + '"'
    text = f"symbol,name,account,quantity\nNVDA,{quoted},{quoted},5\n"
    result = import_bytes(text.encode(), "f.csv")
    assert result.holdings.loc[0, "name"] == payload
    assert result.holdings.loc[0, "account"] == payload


XSS = ["<img src=x onerror=alert(1)>", "<script>alert('x')</script>", "javascript:alert(1)"]


@pytest.mark.parametrize("payload", XSS)
def test_xss_strings_are_kept_as_literal_text(payload: str) -> None:
    quoted = '"' + payload.replace('"', '""') + '"'
    text = f"symbol,name,quantity\nNVDA,{quoted},5\n"
    result = import_bytes(text.encode(), "x.csv")
    assert result.holdings.loc[0, "name"] == payload
    assert result.to_json()["holdings"][0]["symbol"] == "NVDA"


def test_yaml_with_python_tag_is_a_clean_error() -> None:
    text = "name: x\nholdings: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(ImportFormatError, match="p.yaml"):
        import_bytes(text.encode(), "p.yaml")


def test_yaml_alias_bomb_is_refused() -> None:
    text = "a: &a [x, x]\nb: &b [*a, *a]\nholdings: [*b]\n"
    with pytest.raises(ImportFormatError, match="aliases"):
        import_bytes(text.encode(), "bomb.yaml")


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="file not found"):
        import_file(tmp_path / "nope.csv")


def test_directory_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="not a file"):
        import_file(tmp_path)


@pytest.mark.parametrize("data", [
    b'symbol,quantity\n"NVDA""",1\n',
    b"symbol\tquantity\nNVDA\t1e400\n",
    b"\xff\xfe" + "symbol,quantity\nNVDA,1\n".encode("utf-16-le")[:-1],
    b"symbol,quantity\n" + b",\n" * 1000,
    b"Open Positions,Header,Symbol\nOpen Positions,Data\n",
    b'"HEADER","POST","Symbol","Quantity","Conid","AssetClass"\n"DATA","POST"\n',
    b"Account Number,Investment Name,Symbol,Shares,Share Price,Total Value,\n,,,,,\n",
])
def test_malformed_inputs_never_raise_anything_but_import_format_error(data: bytes) -> None:
    try:
        import_bytes(data, "odd.csv")
    except ImportFormatError as exc:
        assert "odd.csv" in str(exc)


def test_import_under_warnings_as_errors_in_a_subprocess(tmp_path: Path) -> None:
    """T-02: no uncaught exception and no stray warnings on a hostile file."""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b'symbol,quantity\n"=cmd|calc",1\nNVDA,"unterminated\n')
    code = ("import sys\nfrom exposure.holdings.importers import import_file\n"
            "from exposure.errors import ImportFormatError\n"
            "try:\n    import_file(sys.argv[1])\nexcept ImportFormatError as e:\n"
            "    print('clean:', e)\n")
    proc = subprocess.run([sys.executable, "-W", "error", "-c", code, str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("clean:")


def test_too_many_rows_is_refused_naming_the_row_and_the_limits() -> None:
    from exposure.holdings.importers.sniff import LAYOUT_ALLOWANCE, MAX_IMPORT_ROWS

    data = b"symbol,quantity\n" + b"NVDA,1\n" * (MAX_IMPORT_ROWS + LAYOUT_ALLOWANCE + 5)
    limit = MAX_IMPORT_ROWS + LAYOUT_ALLOWANCE + 1
    with pytest.raises(ImportFormatError, match=rf"row {limit}: more than 50,000 rows "
                       r"\(the import limit, with 20 MB"):
        import_bytes(data, "rows.csv")


def test_a_file_at_the_row_limit_is_accepted() -> None:
    from exposure.holdings.importers.sniff import MAX_IMPORT_ROWS

    data = b"symbol,quantity\n" + b"NVDA,1\n" * MAX_IMPORT_ROWS
    result = import_bytes(data, "rows.csv")
    assert result.accounting["holding_rows"] == MAX_IMPORT_ROWS
    assert len(result.holdings) == 1 and result.merged == ["NVDA"]


def test_odd_quote_count_from_an_inch_mark_is_not_an_error() -> None:
    text = 'symbol,name,quantity\nNVDA,Monitor 27" stand,4\nAMD,AMD,3\n'
    assert list(import_bytes(text.encode(), "q.csv").holdings["symbol"]) == ["NVDA", "AMD"]
