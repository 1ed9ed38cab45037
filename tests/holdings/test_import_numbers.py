"""T-05: the money/number parser, one table a reader can check by eye."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exposure.holdings.importers.numbers import (
    NumberFormatError,
    parse_decimal,
    parse_number,
    parse_quantity,
    uses_decimal_comma,
)

US_CASES = [
    ("$1,234.56", Decimal("1234.56")),
    ("$12,345.67", Decimal("12345.67")),
    ("$3178.56", Decimal("3178.56")),
    ("-$0.10", Decimal("-0.10")),
    ("+$979.38", Decimal("979.38")),
    ("($3,027.50)", Decimal("-3027.50")),
    ("(123.45)", Decimal("-123.45")),
    ("5-", Decimal("-5")),
    ("+44.53%", Decimal("44.53")),
    ("99.099%", Decimal("99.099")),
    ("NT$1,045,000.00", Decimal("1045000.00")),
    ("HK$402.60", Decimal("402.60")),
    ("EUR 1440.10", Decimal("1440.10")),
    ("1440.10 USD", Decimal("1440.10")),
    ("1e3", Decimal("1000")),
    (" 42 ", Decimal("42")),
    ("0.000001", Decimal("0.000001")),
]
PLACEHOLDER_CASES = ["", "--", "-", "N/A", "n/a", "#N/A", "NaN", "Incomplete", "  ", "—"]
ERROR_CASES = ["inf", "-Infinity", "1e309", "∞", "abc", "12abc", "1.2.3", "121,67", "1-2", "--5"]


@pytest.mark.parametrize(("text", "expected"), US_CASES, ids=[c[0] for c in US_CASES])
def test_us_money_strings(text: str, expected: Decimal) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", PLACEHOLDER_CASES)
def test_placeholders_are_missing_never_zero(text: str) -> None:
    assert parse_decimal(text) is None
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ERROR_CASES)
def test_non_numbers_and_non_finite_values_are_errors(text: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_decimal(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,56", Decimal("1234.56")),
    ("121,67", Decimal("121.67")),
    ("€3.925,80", Decimal("3925.80")),
    ("-1.000", Decimal("-1000")),
    ("(2,5)", Decimal("-2.5")),
])
def test_decimal_comma_convention(text: str, expected: Decimal) -> None:
    assert parse_decimal(text, decimal_comma=True) == expected


def test_decimal_comma_hint_in_the_error() -> None:
    with pytest.raises(NumberFormatError, match="decimal comma"):
        parse_decimal("121,67")


def test_quantity_s_suffix_and_exact_decimals() -> None:
    assert parse_quantity("45S") == Decimal(45)
    assert parse_quantity("8.331") - parse_quantity("3.331") == Decimal(5)


def test_file_level_decimal_decision() -> None:
    assert uses_decimal_comma(["91,15", "1184,95", "13"])
    assert not uses_decimal_comma(["$1,234.56", "131.38", "40"])
    assert uses_decimal_comma(["12", "4"], delimiter=";")
    assert not uses_decimal_comma(["12", "4"], delimiter=",")
