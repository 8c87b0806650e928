"""Catalog directories: loading, overlaying on the embedded catalog, and errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec_catalog import CatalogError, FitgapError, Source, load_embedded, resolve_catalog
from spec_catalog.store import dump_business, load_any, load_directory, write_business


def test_written_files_read_back_equal() -> None:
    spec = load_embedded().business("031")
    assert "personal_data" not in dump_business(spec)  # derived, never stored


def test_round_trip(tmp_path: Path) -> None:
    spec = load_embedded().business("001")
    path = write_business(tmp_path, spec)
    assert path.name == "001.yaml"
    assert load_directory(tmp_path).business("001") == spec


def test_an_imported_directory_overlays_the_embedded_catalog(tmp_path: Path) -> None:
    spec = load_embedded().business("024").model_copy(update={"source": Source.IMPORTED, "spec_version": "第3.0版"})
    write_business(tmp_path, spec)
    catalog = resolve_catalog(tmp_path)
    assert len(catalog.businesses) == 29
    assert catalog.business("024").source is Source.IMPORTED
    assert catalog.business("001").source is Source.SAMPLE
    assert catalog.links == load_embedded().links
    assert (tmp_path / "024_v3.0.yaml").exists()


def _business_yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "001.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """business_id: '001'
name: 住民基本台帳
name_en: Resident registry
spec_name: 住民記録システム標準仕様書
ministry: 総務省
source: sample
"""


def test_a_typo_names_its_line_and_suggests_the_field(tmp_path: Path) -> None:
    _business_yaml(tmp_path, BASE + "functions:\n- function_id: '0010001'\n  name: 転入\n  clas: 実装必須機能\n")
    with pytest.raises(FitgapError) as info:
        load_directory(tmp_path)
    assert info.value.one_line() == (
        f"{tmp_path / '001.yaml'}:10: functions.0.clas: Extra inputs are not permitted — did you mean 'class'? "
        "(and 1 more: run 'fitgap --debug' to see all)"
    )


def test_a_bad_value_names_its_line(tmp_path: Path) -> None:
    _business_yaml(tmp_path, BASE + "functions:\n- function_id: '001001'\n  name: 転入\n  class: 実装必須機能\n")
    with pytest.raises(FitgapError, match=r"001.yaml:8: functions.0.function_id: 機能ID '001001' must be 7 digits"):
        load_directory(tmp_path)


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    _business_yaml(tmp_path, BASE + "functions: [\n")
    with pytest.raises(FitgapError, match=r"001.yaml:8: invalid YAML"):
        load_directory(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "001.yaml").write_bytes("name: 住民".encode("cp932"))
    with pytest.raises(FitgapError, match="not UTF-8 text"):
        load_directory(tmp_path)


def test_missing_and_empty_directories(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog directory not found"):
        load_directory(tmp_path / "nope")
    with pytest.raises(CatalogError, match=r"no business files \(\*.yaml\)"):
        load_directory(tmp_path)
    with pytest.raises(FitgapError, match="no such catalog"):
        load_any(tmp_path / "nope")


def test_unknown_business_lists_choices() -> None:
    with pytest.raises(CatalogError, match=r"no business '999'.*e.g. 001 住民基本台帳"):
        load_embedded().business("999")
