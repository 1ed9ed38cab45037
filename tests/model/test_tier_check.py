"""Every number the engine uses has a tier and an as_of: the check, the editor's dated
judgements, the tier mix and the stale flag of the provenance table."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from exposure.model.catalog import load_catalog, stale_cutoff
from exposure.model.tier_check import untiered_numbers
from exposure.scenarios.edit import EDITOR_BASIS, apply_edits, shock_values
from exposure.scenarios.store import save_user_scenario
from tests.conftest import MINI_DATA


def test_bundled_data_has_no_untiered_number() -> None:
    assert untiered_numbers(load_catalog(include_home=False)) == []


def test_each_untiered_shock_and_probability_is_named() -> None:
    problems = untiered_numbers(load_catalog(MINI_DATA, include_home=False))
    assert sorted((Path(p.file).name, p.entry, p.field) for p in problems) == [
        ("ban.yaml", "ban", "probability"), ("ban.yaml", "ban", "shocks.china_ai_sales"),
        ("ban.yaml", "ban", "shocks.compute_access"), ("boom.yaml", "boom", "probability"),
        ("boom.yaml", "boom", "shocks.tier2_ai_sales")]
    assert str(problems[0]).endswith("number without tier and as_of (every number the engine "
                                     "uses needs both)")


def test_a_judgement_without_basis_or_date_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI_DATA, data)
    ban = data / "scenarios" / "ban.yaml"
    ban.write_text(ban.read_text()
                   .replace("probability: {value: 0.5, basis: test}",
                            "probability: {value: 0.5, basis: test, tier: judgement, as_of: 2026-12-01}")
                   .replace("base: -0.5, high: 0.0, rationale: test}",
                            "base: -0.5, high: 0.0, rationale: test, tier: judgement, as_of: 2026-12-01}")
                   .replace("base: -0.1, high: 0.0, rationale: test}",
                            "base: -0.1, high: 0.0, rationale: test, tier: press}"))
    problems = {(p.entry, p.field): p.problem
                for p in untiered_numbers(load_catalog(data, include_home=False))}
    assert problems[("ban", "shocks.china_ai_sales")] == \
        "a judgement number needs a 'basis' saying how it was chosen"
    assert problems[("ban", "shocks.compute_access")].startswith("number without as_of")
    assert ("ban", "probability") not in problems


def test_a_scenario_saved_from_the_editor_validates(home: Path) -> None:
    catalog = load_catalog(include_home=False)
    origin = catalog.scenarios["s2_full_china_ban"]
    shocks = {ch: shock_values(origin, ch) for ch in origin.shocks}
    shocks["china_ai_sales"] = (-1.0, -0.8, -0.4)
    shocks["model_weights_export"] = (-0.2, -0.1, 0.0)  # a channel the origin did not shock
    edited = apply_edits(origin, new_id="mine", title="Mine", narrative="", probability=0.2,
                         shocks=shocks, today=date(2026, 12, 2))
    for ch in ("china_ai_sales", "model_weights_export"):
        shock = edited.shocks[ch]
        assert (shock.tier, shock.as_of) == ("judgement", date(2026, 12, 2))
        assert EDITOR_BASIS in (shock.basis or "").lower()
    assert (edited.probability.tier, edited.probability.as_of) == ("judgement", date(2026, 12, 2))
    assert edited.shocks["compute_access"] == origin.shocks["compute_access"]  # untouched: kept
    saved = save_user_scenario(edited, catalog, home)
    assert "tier: judgement" in (saved.body or "")
    assert untiered_numbers(load_catalog(home=home), home) == []


def test_an_old_untiered_user_scenario_fails_and_names_where_it_is(home: Path) -> None:
    (home / "scenarios").mkdir(parents=True)
    shutil.copy(MINI_DATA / "scenarios" / "boom.yaml", home / "scenarios" / "old.yaml")
    text = (home / "scenarios" / "old.yaml").read_text().replace("id: boom", "id: old")
    (home / "scenarios" / "old.yaml").write_text(text.replace("tier2_ai_sales", "china_ai_sales"))
    problems = untiered_numbers(load_catalog(home=home), home)
    # an old workspace's scenario files move into the team store on first open
    where = "team scenario 'old' (v1)"
    assert {(p.file, p.entry, p.field) for p in problems} == {
        (where, "old", "probability"), (where, "old", "shocks.china_ai_sales")}


def test_editing_an_untiered_scenario_stamps_what_the_user_keeps() -> None:
    origin = load_catalog(MINI_DATA, include_home=False).scenarios["ban"]
    kept = apply_edits(origin, new_id="ban2", title="", narrative="", probability=0.5,
                       shocks={ch: shock_values(origin, ch) for ch in origin.shocks},
                       today=date(2026, 12, 2))
    assert all(s.tier == "judgement" and s.as_of == date(2026, 12, 2) and s.basis
               for s in kept.shocks.values())
    assert (kept.probability.tier, kept.probability.as_of) == ("judgement", date(2026, 12, 2))


def test_tier_mix_counts_judgement_shocks_and_probabilities() -> None:
    catalog = load_catalog(include_home=False)
    numbers = sum(1 + len(s.shocks) for s in catalog.scenarios.values())
    own = sum(1 for s in catalog.scenarios.values() for x in [s.probability, *s.shocks.values()]
              if x.tier == "judgement")
    assert own == numbers  # every shock and probability is a dated judgement
    mini = load_catalog(MINI_DATA, include_home=False)
    assert catalog.tier_mix()["judgement"] >= own
    assert mini.tier_mix()["judgement"] == 0  # untiered shocks are not counted as anything


@pytest.mark.parametrize(("today", "cutoff"), [
    (date(2026, 12, 2), date(2025, 9, 2)),
    (date(2027, 5, 31), date(2026, 2, 28)),
    (date(2026, 3, 15), date(2024, 12, 15)),
])
def test_stale_means_older_than_15_months(today: date, cutoff: date) -> None:
    assert stale_cutoff(today) == cutoff


def test_provenance_frame_flags_stale_numbers() -> None:
    prov = load_catalog(MINI_DATA, include_home=False).provenance_frame(today=date(2026, 12, 2))
    assert prov["stale"].all()  # every mini number is dated 2025-01-01
    fresh = load_catalog(MINI_DATA, include_home=False).provenance_frame(today=date(2026, 4, 1))
    assert not fresh["stale"].any()
