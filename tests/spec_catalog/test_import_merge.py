"""What an import merges into and carries over: the version of the sheets it read (never a change history's),
the content of the same version only, the sample marks after a Word import, and hand-set sensitivity."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from spec_catalog import Sensitivity, Source, load_embedded
from spec_catalog.importers import KeptContent, import_file, import_workbook
from spec_catalog.importers.sheets import SheetKind
from spec_catalog.store import load_business_file, load_directory
from spec_catalog.vocab import VersionSource

from conftest import SHARED_FIXTURES
from workbooks import item, layout_workbook

SPEC_DOCUMENT = SHARED_FIXTURES / "digital-agency" / "common-feature-spec-v2.1.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture
def scratch() -> Iterator[Path]:
    """Outside pytest's temp: copies of the real workbook hold its サンプル値, a made-up but valid 個人番号, which
    the session's masking scan would take for a leak (see pii_scan)."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def word_document(path: Path, *paragraphs: str) -> Path:
    """The smallest Word package the importer reads: the main part alone, one paragraph per text."""
    body = "".join(f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>" for text in paragraphs)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    return path


@pytest.mark.parametrize("title", ["改版履歴", "改定履歴", "変更履歴", "履歴"])
def test_a_history_sheet_never_gives_the_version(
    spec_workbook: Path, tmp_path: Path, scratch: Path, title: str
) -> None:
    path = scratch / "項目定義書【第2.1版】.xlsx"
    book = load_workbook(spec_workbook)
    history = book.create_sheet(title, 0)  # first, where the old reading of rows 1–6 of every sheet met it first
    for row in (["改版履歴"], ["版数", "日付", "内容"], ["第1.0版", "2022-08-31", "初版"], ["第2.1版", "2023-09-29"]):
        history.append(row)
    book.save(path)
    result = import_workbook(path, tmp_path / "cat")
    assert (result.spec_version, result.version_source, result.version_note, Path(result.written).name) == (
        "第2.1版",
        VersionSource.FILE_NAME,
        None,
        "031_v2.1.yaml",
    )
    assert (result.sheets[0].sheet, result.sheets[0].kind) == (title, SheetKind.SKIPPED)


def test_the_version_comes_from_the_title_rows_of_a_sheet_that_was_read(tmp_path: Path) -> None:
    path = layout_workbook(tmp_path / "l.xlsx", [item(1, "宛名番号", "atenabango", "X", 15, "必須")])
    book = load_workbook(path)
    cover = book.create_sheet("表紙", 0)  # a cover the import does not read: its version is not taken
    cover["A1"] = "住民記録システム標準仕様書 第9.9版"
    book.save(path)
    result = import_workbook(path, tmp_path / "cat")
    assert (result.spec_version, result.version_source) == ("第2.1版", VersionSource.CELLS)  # B1 of 項目定義書


def test_a_word_import_of_another_version_takes_no_layout_of_a_file_of_another_version(tmp_path: Path) -> None:
    target = tmp_path / "cat"
    newer = layout_workbook(
        tmp_path / "l.xlsx", [item(1, "宛名番号", "atenabango", "X", 15, "必須", business="031", group="第2.2版の宛名")]
    )
    import_workbook(newer, target, spec_version="第2.2版")
    newer_text = (target / "031_v2.2.yaml").read_text(encoding="utf-8")
    results = import_file(SPEC_DOCUMENT, target)  # its cover says 第2.1版
    assert results[0].kept == (KeptContent(part="layout", count=29, source="embedded", sample=False),)
    v21 = load_business_file(target / "031_v2.1.yaml")
    assert [g.name for g in v21.layouts] == ["住登外者宛名基本情報"]
    assert v21.layouts == load_embedded().business("031").layouts
    assert (target / "031_v2.2.yaml").read_text(encoding="utf-8") == newer_text
    assert load_directory(target).business("031").spec_version == "第2.2版"  # the higher version stays in use


def test_a_word_import_marks_only_the_layout_sample_and_a_layout_import_then_clears_it(tmp_path: Path) -> None:
    target = tmp_path / "cat"
    document = word_document(
        tmp_path / "jumin.docx",
        "住民記録システム標準仕様書【第2.1版】",
        "① 転入届受付（機能ID 0010001）【実装必須機能】",
    )
    (result,) = import_file(document, target)
    spec = load_directory(target).business("001")
    assert (result.source, spec.sample_parts, len(spec.functions)) == (Source.SAMPLE, ("layout",), 1)
    layout = layout_workbook(tmp_path / "l.xlsx", [item(1, "宛名番号", "atenabango", "X", 15, "必須")])  # 第2.1版
    after = import_workbook(layout, target)
    assert after.kept == (KeptContent(part="functions", count=1, source="001_v2.1.yaml", sample=False),)
    spec = load_directory(target).business("001")
    assert (after.source, spec.source, spec.sample_parts) == (Source.IMPORTED, Source.IMPORTED, None)


def _set_sensitivity(path: Path, item_id: str, value: str) -> None:
    """Edit a catalog file as docs/catalog.md tells a user to: a ``sensitivity:`` line on the item."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in data["layouts"]:
        for entry in group["items"]:
            if entry["item_id"] == item_id:
                entry["sensitivity"] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("item_id", "value", "expected"),
    [
        ("03100011", "personal", Sensitivity.PERSONAL),  # 性別: the rules say none
        ("03100026", "none", Sensitivity.NONE),  # 名寄せ先宛名番号: the rules say personal
        ("03100002", "personal", Sensitivity.PERSONAL),  # 個人番号: the rules say identifier
    ],
    ids=["none-to-personal", "personal-to-none", "identifier-to-personal"],
)
def test_reimporting_the_same_version_keeps_a_hand_set_sensitivity(
    spec_workbook: Path, tmp_path: Path, item_id: str, value: str, expected: Sensitivity
) -> None:
    target = tmp_path / "cat"
    import_workbook(spec_workbook, target, spec_version="第2.1版")
    _set_sensitivity(target / "031_v2.1.yaml", item_id, value)
    result = import_workbook(spec_workbook, target, spec_version="第2.1版")
    assert result.sensitivity_kept == (item_id,)
    items = {i.item_id: i for g in load_directory(target).business("031").layouts for i in g.items}
    assert items[item_id].sensitivity is expected
    assert items["03100003"].sensitivity is Sensitivity.PERSONAL  # 氏名: not edited, as the rules say


def test_a_reimport_without_hand_set_sensitivity_carries_nothing_over(spec_workbook: Path, tmp_path: Path) -> None:
    import_workbook(spec_workbook, tmp_path / "cat", spec_version="第2.1版")
    assert import_workbook(spec_workbook, tmp_path / "cat", spec_version="第2.1版").sensitivity_kept == ()
