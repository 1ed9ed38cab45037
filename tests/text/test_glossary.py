"""The glossary: one definition per term, and every tooltip term is defined."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from exposure.glossary import GLOSSARY, define, glossary_frame, tip

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
            *sorted((ROOT / "exposure" / "ui").glob("*.py"))]


def _tip_terms(path: Path) -> list[str]:
    """String arguments of every ``tip(...)`` / ``define(...)`` call in a file."""
    terms = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("tip", "define"):
                terms += [a.value for a in node.args
                          if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return terms


def test_every_term_used_in_a_tooltip_is_in_the_glossary() -> None:
    used = {t for path in UI_FILES for t in _tip_terms(path)}
    assert len(used) >= 25  # the pages do use it
    assert used - set(GLOSSARY) == set()


@pytest.mark.parametrize("term", ["Elasticity k", "Segment default", "Tier-2 country", "CAR",
                                  "Spearman", "Look-through", "VaR", "ES", "Adverse case",
                                  "Probability-weighted impact", "Profile source", "Coverage",
                                  "Stake", "Compute contract", "n", "Judgement", "Estimated"])
def test_the_terms_of_the_model_are_defined(term: str) -> None:
    assert len(define(term)) > 30


def test_definitions_are_one_plain_sentence() -> None:
    for term, text in GLOSSARY.items():
        assert text.endswith("."), term
        assert "_" not in text, term  # no ids in plain English


def test_an_unknown_term_fails_loudly() -> None:
    with pytest.raises(KeyError, match="not in exposure.glossary"):
        tip("Alpha decay")


def test_tooltip_names_the_term_then_the_extra_line() -> None:
    text = tip("VaR", extra="Horizon 12 months.")
    assert text.startswith("**VaR**: Value at risk")
    assert text.endswith("Horizon 12 months.")


def test_glossary_table_is_sorted_and_complete() -> None:
    frame = glossary_frame()
    assert list(frame.columns) == ["Term", "Meaning"]
    assert len(frame) == len(GLOSSARY)
    assert list(frame["Term"]) == sorted(frame["Term"], key=str.lower)
