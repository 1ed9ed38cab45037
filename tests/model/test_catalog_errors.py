"""Broken catalog files give one clear error naming file, entry and field, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exposure.errors import DataFileError
from exposure.model.catalog import load_catalog
from tests.conftest import MINI_DATA


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINI_DATA, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_missing_field_names_file_entry_and_field(data: Path) -> None:
    _edit(data / "companies.yaml", "  name: Beta Cloud\n", "")
    with pytest.raises(DataFileError) as err:
        load_catalog(data, include_home=False)
    msg = str(err.value)
    assert "companies.yaml" in msg and "'BBB'" in msg and "'name'" in msg
    assert "required" in msg


def test_wrong_type_names_the_field(data: Path) -> None:
    _edit(data / "companies.yaml", "compute_access: {value: 0.4,", "compute_access: {value: lots,")
    with pytest.raises(DataFileError) as err:
        load_catalog(data, include_home=False)
    assert "exposures.compute_access.value" in str(err.value)
    assert "'BBB'" in str(err.value)


def test_share_out_of_range_is_rejected(data: Path) -> None:
    _edit(data / "companies.yaml", "compute_access: {value: 0.4,", "compute_access: {value: 1.4,")
    with pytest.raises(DataFileError, match="between 0 and 1"):
        load_catalog(data, include_home=False)


def test_unknown_channel_in_a_profile(data: Path) -> None:
    _edit(data / "companies.yaml", "tier2_ai_sales: {value: 0.1,", "moon_sales: {value: 0.1,")
    with pytest.raises(DataFileError) as err:
        load_catalog(data, include_home=False)
    assert "unknown channel 'moon_sales'" in str(err.value)
    assert "'AAA'" in str(err.value) and "exposures.moon_sales" in str(err.value)


def test_unknown_channel_in_a_scenario(data: Path) -> None:
    _edit(data / "scenarios" / "boom.yaml", "tier2_ai_sales:", "tier3_sales:")
    with pytest.raises(DataFileError) as err:
        load_catalog(data, include_home=False)
    assert "boom.yaml" in str(err.value) and "shocks.tier3_sales" in str(err.value)


def test_scenario_event_link_must_resolve(data: Path) -> None:
    _edit(data / "scenarios" / "ban.yaml", "events: [ev1]", "events: [ev_missing]")
    with pytest.raises(DataFileError, match="unknown event id 'ev_missing'"):
        load_catalog(data, include_home=False)


def test_unordered_shock_range_is_rejected(data: Path) -> None:
    _edit(data / "scenarios" / "ban.yaml", "{low: -1.0, base: -0.5, high: 0.0",
          "{low: -0.2, base: -0.5, high: 0.0")
    with pytest.raises(DataFileError, match="low <= base <= high"):
        load_catalog(data, include_home=False)


def test_number_without_source_is_rejected(data: Path) -> None:
    _edit(data / "companies.yaml", "compute_access: {value: 0.4, source: https://example.org/fact,",
          "compute_access: {value: 0.4,")
    with pytest.raises(DataFileError, match="source"):
        load_catalog(data, include_home=False)


def test_estimate_without_basis_is_rejected(data: Path) -> None:
    _edit(data / "companies.yaml", "estimate: true, basis: test}", "estimate: true}")
    with pytest.raises(DataFileError, match="basis"):
        load_catalog(data, include_home=False)


def test_python_object_tag_is_refused_without_running_it(data: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (data / "scenarios" / "evil.yaml").write_text(
        f"!!python/object/apply:os.system ['touch {marker}']\n"
    )
    with pytest.raises(DataFileError) as err:
        load_catalog(data, include_home=False)
    assert "evil.yaml" in str(err.value)
    assert not marker.exists()


def test_duplicate_keys_are_an_error_not_last_wins(data: Path) -> None:
    _edit(data / "scenarios" / "boom.yaml", "horizon: 12 months\n",
          "horizon: 12 months\nhorizon: 3 months\n")
    with pytest.raises(DataFileError, match="duplicate key 'horizon'"):
        load_catalog(data, include_home=False)


def test_aliases_are_refused(data: Path) -> None:
    (data / "scenarios" / "bomb.yaml").write_text(
        'a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n'
    )
    with pytest.raises(DataFileError, match="aliases"):
        load_catalog(data, include_home=False)


def test_a_control_character_names_the_file_and_the_character(data: Path) -> None:
    (data / "scenarios" / "ctrl.yaml").write_text("id: ctrl\ntitle: bad\x1f title\n")
    with pytest.raises(DataFileError, match=r"ctrl\.yaml.*\(line 2, column 11\): character U\+001F"):
        load_catalog(data, include_home=False)


def test_duplicate_company_id(data: Path) -> None:
    text = (data / "companies.yaml").read_text()
    first_block = "- id: AAA" + text.split("- id: AAA", 1)[1].split("- id: BBB")[0]
    (data / "companies.yaml").write_text(text + first_block)
    with pytest.raises(DataFileError, match="duplicate company id"):
        load_catalog(data, include_home=False)


def test_workspace_adds_and_overrides(data: Path, home: Path) -> None:
    (home / "scenarios").mkdir(parents=True)
    shutil.copy(data / "scenarios" / "boom.yaml", home / "scenarios" / "mine.yaml")
    _edit(home / "scenarios" / "mine.yaml", "id: boom", "id: mine")
    (home / "companies.yaml").write_text(
        (data / "companies.yaml").read_text().split("- id: BBB")[0].replace("Alpha Chips", "Alpha (mine)")
    )
    catalog = load_catalog(data, home)
    assert catalog.companies["AAA"].name == "Alpha (mine)"
    assert catalog.is_user("company", "AAA") and not catalog.is_user("company", "BBB")
    assert set(catalog.scenarios) == {"ban", "boom", "mine"}
    assert catalog.is_user("scenario", "mine")


def test_cli_reports_a_broken_file_in_one_line(data: Path, tmp_path: Path) -> None:
    _edit(data / "companies.yaml", "  name: Beta Cloud\n", "")
    proc = subprocess.run(
        [sys.executable, "-m", "exposure.cli", "validate-data"],
        capture_output=True, text=True, env={"EXPOSURE_DATA": str(data),
                                             "EXPOSURE_HOME": str(tmp_path / "h"),
                                             "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "companies.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_app_mode_skips_a_broken_workspace_file_and_keeps_the_rest(data: Path, home: Path) -> None:
    (home / "scenarios").mkdir(parents=True)
    shutil.copy(data / "scenarios" / "boom.yaml", home / "scenarios" / "good.yaml")
    _edit(home / "scenarios" / "good.yaml", "id: boom", "id: good")
    (home / "scenarios" / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    (home / "companies.yaml").write_text("- id: AAA\n  name: no segment\n")
    with pytest.raises(DataFileError):
        load_catalog(data, home)  # the CLI stays strict
    catalog = load_catalog(data, home, strict_home=False)
    assert "good" in catalog.scenarios and "broken" not in catalog.scenarios
    assert catalog.companies["AAA"].name == "Alpha Chips"  # bundled profile kept
    assert len(catalog.workspace_problems) == 2
    assert any("scenario 'broken'" in p for p in catalog.workspace_problems)
    assert any("companies.yaml" in p and "'AAA'" in p for p in catalog.workspace_problems)


def test_the_app_warns_about_a_broken_workspace_scenario_and_still_runs(home: Path) -> None:
    import streamlit as st

    from tests.apptest_util import errors, page

    st.cache_resource.clear()
    (home / "scenarios").mkdir(parents=True)
    (home / "scenarios" / "mine.yaml").write_text("!!python/object/apply:os.system ['true']\n")
    at = page().run()
    assert [e for e in errors(at)] == []
    assert any("scenario 'mine'" in w.value for w in at.warning)
    assert at.metric[0].value.startswith("$")


def test_atomic_writes_keep_the_previous_version_and_a_normal_mode(tmp_path: Path) -> None:
    from exposure.yamlio import atomic_write_bytes

    target = tmp_path / "out" / "report.html"
    atomic_write_bytes(target, b"one")
    assert target.read_bytes() == b"one" and (target.stat().st_mode & 0o777) == 0o644
    target.chmod(0o600)
    atomic_write_bytes(target, b"two", keep_previous=True)
    assert target.read_bytes() == b"two"
    assert (tmp_path / "out" / "report.html.prev").read_bytes() == b"one"
    assert (target.stat().st_mode & 0o777) == 0o600  # an existing file keeps its mode
    assert not list((tmp_path / "out").glob("*.tmp"))
