"""Human names for the model's ids, from the catalog."""

from __future__ import annotations

import pytest

from exposure import labels
from exposure.model.catalog import Catalog, load_catalog


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_listed_company_shows_name_and_ticker(catalog: Catalog) -> None:
    assert labels.entity_name(catalog, "NVDA") == "NVIDIA (NVDA)"
    assert labels.holding_name(catalog, "nvda") == "NVIDIA (NVDA)"


def test_private_company_shows_its_name_only(catalog: Catalog) -> None:
    assert labels.entity_name(catalog, "anthropic") == "Anthropic"
    assert labels.entity_name(catalog, "openai") == "OpenAI"


def test_unknown_symbol_keeps_the_books_own_name(catalog: Catalog) -> None:
    assert labels.holding_name(catalog, "ZZZZ", "Acme Robotics") == "Acme Robotics (ZZZZ)"
    assert labels.holding_name(catalog, "ZZZZ") == "ZZZZ"


@pytest.mark.parametrize(("field", "expected"), [
    ("link.equity:mistral", "Equity stake in Mistral AI"),
    ("link.contract:openai", "Compute contract with OpenAI"),
    ("exposure.china_ai_sales", "Exposure: China AI compute sales"),
    ("weight.NVDA", "Weight of NVIDIA (NVDA)"),
    ("revenue_usd", "Revenue"),
    ("close_usd", "Close (USD)"),
    ("elasticity", "Elasticity k"),
])
def test_provenance_fields_read_as_words(catalog: Catalog, field: str, expected: str) -> None:
    assert labels.field_name(catalog, field) == expected


def test_no_field_or_subject_of_the_catalog_keeps_snake_case(catalog: Catalog) -> None:
    prov = catalog.provenance_frame()
    for field in prov["field"].unique():
        assert "_" not in labels.field_name(catalog, field).split("(")[0], field
    for subject in prov["subject"].unique():
        assert "segment:" not in labels.subject_name(catalog, subject)
        assert "_" not in labels.subject_name(catalog, subject), subject


def test_segments_and_profile_sources_have_names() -> None:
    assert labels.segment_name("model_lab") == "Model lab"
    assert labels.segment_name("china_tech") == "China tech"
    assert labels.profile_source_name("segment default") == "Segment default"
    assert labels.readable("model_weights_export") == "Model weights export"
