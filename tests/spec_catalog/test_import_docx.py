"""Word specifications (.docx): the real 共通機能標準仕様書 第2.1版, and documents built here for what it lacks."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spec_catalog import FunctionClass, InputFileError, Source, load_embedded
from spec_catalog.importers import KeptContent, import_file, import_workbook
from spec_catalog.importers.docx import DocxTable, read_docx
from spec_catalog.store import load_directory
from spec_catalog.vocab import VersionSource

from conftest import SHARED_FIXTURES

SPEC_DOCUMENT = SHARED_FIXTURES / "digital-agency" / "common-feature-spec-v2.1.docx"
NOT_STATED = "［実装区分は本文になく「別紙1_機能要件」で定められる: 実装必須機能として仮置き］"
FLOW_031 = "2.3.2 住登外者宛名番号管理の業務フロー"
FLOW_032 = "2.4.3 団体内統合宛名業務の業務フロー"

# Every function the document names, as it names it: (機能ID, 機能名称). The document states no class for
# any of them (they are in its 別紙1_機能要件), so every one is 実装必須機能, marked as provisional.
REAL_FUNCTIONS = [
    ("0310001", "住登外者宛名番号付番"),
    ("0310002", "住登外者宛名情報管理"),
    ("0310003", "住登外者宛名基本情報受信"),
    ("0310004", "住登外者宛名番号付番依頼受信"),
    ("0310005", "住登外者宛名基本情報検索"),  # once 「住登外者基本情報検索」: the name used four times wins
    ("0310006", "住登外者宛名基本情報送信"),
    ("0310007", "住登外者宛名基本情報照会依頼受信"),
    ("0310008", "名寄せ情報管理"),
    ("0310009", "名寄せ履歴管理"),
    ("0310022", "宛名基本情報更新履歴管理"),
    ("0310023", "住登外者宛名基本情報受信（住民宛名番号引継ぎ）"),
    ("0310024", "住登外者宛名番号送信"),
    ("0320001", "団体内統合宛名番号付番依頼受信"),
    ("0320002", "団体内統合宛名番号付番"),
    ("0320003", "団体内統合宛名基本情報管理機能"),  # written only this way
    ("0320004", "団体内統合宛名基本情報検索"),
    ("0320008", "中間サーバー連携"),  # also written 「中間サーバー連携機能」
    ("0320021", "団体内統合宛名基本情報更新依頼受信機能"),
]


@pytest.fixture(scope="module")
def real() -> Any:
    assert SPEC_DOCUMENT.exists(), f"the shared fixture is missing: {SPEC_DOCUMENT}"
    return read_docx(SPEC_DOCUMENT)


def test_the_real_document_names_18_functions_of_031_and_032(real: Any) -> None:
    assert [(f.function_id, f.name) for f in real.functions] == REAL_FUNCTIONS
    assert {f.function_class for f in real.functions} == {FunctionClass.MANDATORY}
    assert real.classes_not_stated == tuple(i for i, _ in REAL_FUNCTIONS)
    assert all(f.requirement.endswith(NOT_STATED) for f in real.functions)


@pytest.mark.parametrize(
    ("function_id", "name", "section", "requirement"),
    [
        (
            "0310001",
            "住登外者宛名番号付番",
            FLOW_031,
            "住登外者宛名番号管理機能は、⑪で住登外者宛名番号付番依頼を受信した場合、対象住登外者の基本４情報を用いて、"
            "対象住登外者に対し住登外者宛名番号を付番する。\n住登外者宛名番号の付番は、住民記録システム標準仕様書に規定"
            "されている住民宛名番号の付番方法と同様の方式とするが、住民に対して付番する住民宛名番号と重複しないよう措置を"
            f"講じなければならない。\n{NOT_STATED}",
        ),
        (
            "0310004",
            "住登外者宛名番号付番依頼受信",
            FLOW_031,
            f"住登外者宛名番号管理機能は、対象住登外者の基本４情報及び住登外者宛名番号付番依頼を受信する。\n{NOT_STATED}",
        ),
        (
            "0310008",
            "名寄せ情報管理",
            FLOW_031,
            "住登外者宛名番号管理機能は、名寄せ元住登外者宛名基本情報と、名寄せ先住登外者宛名基本情報を紐付け、"
            "住登外者宛名番号管理DBを更新する。\n住登外者宛名番号管理機能は、解除前の名寄せ元住登外者宛名基本情報と、"
            f"解除前の名寄せ先住登外者宛名基本情報の紐付けを解除し、住登外者宛名番号管理DBを更新する。\n{NOT_STATED}",
        ),
        (
            "0320008",
            "中間サーバー連携",
            FLOW_032,
            "団体内統合宛名機能は、中間サーバーに対し、団体内統合宛名番号を通知する。\n団体内統合宛名機能は、⑥の結果、"
            f"団体内統合宛名を削除する場合のみ、団体内統合宛名番号を中間サーバーに送信する。\n{NOT_STATED}",
        ),
    ],
    ids=["0310001", "0310004", "0310008", "0320008"],
)
def test_a_function_has_its_section_and_the_description_below_each_step_naming_it(
    real: Any, function_id: str, name: str, section: str, requirement: str
) -> None:
    function = next(f for f in real.functions if f.function_id == function_id)
    assert (function.name, function.function_class, function.category) == (name, FunctionClass.MANDATORY, section)
    assert function.requirement == requirement


def test_the_cover_gives_title_publisher_and_version(real: Any) -> None:
    assert (real.title, real.publisher, real.spec_version) == (
        "地方公共団体情報システム共通機能標準仕様書",
        "デジタル庁",
        "第2.1版",
    )
    assert real.attribution(real.spec_version) == (
        "出典: デジタル庁「地方公共団体情報システム共通機能標準仕様書【第2.1版】」を加工して作成"
    )


def test_the_six_tables_with_their_captions_and_sections(real: Any) -> None:
    interface = ("項番", "大機能名", "機能\nコード", "IF ID", "インターフェイス\n名称")
    position = "2.4.2 団体内統合宛名機能の位置付け"
    assert real.tables == (
        DocxTable(
            caption="表 1-1　標準化対象機能の類型",
            section="1.6 標準化基準の作成方針",
            header=("類型", "類型", "説明"),
            rows=3,
        ),
        DocxTable(
            caption="表 2-1　標準準拠システムとの外部インターフェイス一覧（1/4）",
            section=position,
            header=interface,
            rows=25,
        ),
        DocxTable(
            caption="表 2-2　標準準拠システムとの外部インターフェイス一覧（2/4）",
            section=position,
            header=interface,
            rows=24,
        ),
        DocxTable(
            caption="表 2-3　標準準拠システムとの外部インターフェイス一覧（3/4）",
            section=position,
            header=("項番", "大機能名", "機能\nコード", "IF ID", "インターフェイス名称"),
            rows=18,
        ),
        DocxTable(
            caption="表 2-4　標準準拠システムとの外部インターフェイス一覧（4/4）",
            section=position,
            header=interface,
            rows=13,
        ),
        DocxTable(
            caption="表 2-5　住基システム等との外部インターフェイス一覧", section=position, header=interface, rows=3
        ),
    )


def test_import_keeps_the_031_layout_and_writes_one_file_per_business(tmp_path: Path) -> None:
    results = import_file(SPEC_DOCUMENT, tmp_path / "cat")
    assert [(r.business_id, r.kind, r.spec_version, r.functions, r.groups, r.items, r.code_lists) for r in results] == [
        ("031", "functions", "第2.1版", 12, 1, 29, 3),
        ("032", "functions", "第2.1版", 6, 0, 0, 0),
    ]
    assert sorted(p.name for p in (tmp_path / "cat").iterdir()) == ["031_v2.1.yaml", "032_v2.1.yaml"]
    catalog = load_directory(tmp_path / "cat")
    jutogai = catalog.business("031")
    assert jutogai.layouts == load_embedded().business("031").layouts  # the real layout stays
    assert jutogai.source is Source.IMPORTED and catalog.business("032").source is Source.IMPORTED
    assert (
        jutogai.function("0310004") is not None and jutogai.function("0310004").name == "住登外者宛名番号付番依頼受信"
    )  # type: ignore[union-attr]


def test_functions_join_the_layout_imported_before_them(spec_workbook: Path, tmp_path: Path) -> None:
    import_workbook(spec_workbook, tmp_path)  # 031.yaml: the layout, no version
    results = import_file(SPEC_DOCUMENT, tmp_path, attribution="出典: 共通機能標準仕様書")
    assert results[0].kept == (KeptContent(part="layout", count=29, source="031.yaml", sample=False),)
    assert (results[0].version_source, results[0].in_use) == (VersionSource.COVER, True)
    jutogai = load_directory(tmp_path).business("031")  # the newest: 第2.1版
    assert (jutogai.spec_version, len(jutogai.functions), len(jutogai.layouts[0].items)) == ("第2.1版", 12, 29)
    assert (jutogai.attribution or "").endswith(
        f" / 出典: {spec_workbook.name}（取り込みにより加工して作成） / 出典: 共通機能標準仕様書"
    )


def test_the_embedded_031_and_032_are_the_functions_of_the_document(real: Any) -> None:
    catalog = load_embedded()
    for business_id in ("031", "032"):
        spec = catalog.business(business_id)
        assert spec.functions == tuple(f for f in real.functions if f.function_id[:3] == business_id)
        assert (spec.spec_version, spec.source) == ("第2.1版", Source.OFFICIAL)
        assert (spec.attribution or "").startswith(
            "出典: デジタル庁「地方公共団体情報システム共通機能標準仕様書【第2.1版】」(PDL 1.0) を加工して作成"
        )


def test_cli_import_of_the_real_document(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("catalog", "import", SPEC_DOCUMENT, "--into", tmp_path / "cat", "--json")
    assert result.exit_code == 0, result.stderr
    assert [(r["business_id"], r["functions"], r["source"]) for r in json.loads(result.stdout)] == [
        ("031", 12, "imported"),
        ("032", 6, "imported"),
    ]
    shown = json.loads(cli("catalog", "show", "031", "--catalog", tmp_path / "cat", "--json").stdout)
    assert [(f["function_id"], f["name"]) for f in shown["functions"][:1]] == [("0310001", "住登外者宛名番号付番")]


# Documents built here: what the real one does not have (stated classes, a function table, merged cells,
# numbered headings, errors). A minimal package: the main part, its styles, and the relationships to them.

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PACKAGE_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOCUMENT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
NUMBERED = "<w:pPr><w:numPr><w:ilvl w:val='0'/><w:numId w:val='1'/></w:numPr></w:pPr>"
STYLES = (
    f'<w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>'
    f'<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>{NUMBERED}'
    "</w:style>"
    '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="c"><w:name w:val="caption"/></w:style>'
    "</w:styles>"
)


def _p(text: str, style: str | None = None) -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{properties}<w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _cell(text: str, extra: str = "") -> str:
    return f"<w:tc><w:tcPr>{extra}</w:tcPr>{_p(text)}</w:tc>"


def _table(*rows: tuple[str, ...]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(_cell(c) for c in row) + "</w:tr>" for row in rows) + "</w:tbl>"


def _document(path: Path, *blocks: str, cover: tuple[str, ...] = ("共通機能標準仕様書", "デジタル庁")) -> Path:
    body = "".join([*(_p(line) for line in cover), *blocks])
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        archive.writestr("word/styles.xml", STYLES)
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    return path


STATED = (
    _p("機能の類型", "1"),
    _table(("類型1", "実装必須機能"), ("類型2", "実装不可機能"), ("類型3", "標準オプション機能")),
    _p("業務フロー", "2"),
    _p("① 住登外者宛名番号付番（機能ID 0310001）【実装必須機能】"),
    _p("付番する。"),
    _p(""),
    _p("② 統計資料作成（機能 ＩＤ ０３１００３０）【類型3】"),
    _p("件数を集計する。"),
    _p("業務ごとの独自宛名（機能ID 0310031）（類型2）を持ってはならない。"),
    _p("機能一覧", "1"),
    _p("表 1　機能一覧", "c"),
    _table(
        ("機能ID", "機能名称", "実装区分", "機能要件"),
        ("0320001", "団体内統合宛名番号付番依頼受信", "実装必須機能", "付番依頼を受信する。"),
        ("0320040", "一括照会", "標準オプション機能", "一括で照会する。"),
    ),
)


def test_classes_stated_in_the_text_through_the_legend_and_in_a_table(tmp_path: Path) -> None:
    path = _document(tmp_path / "spec-v3.0.docx", *STATED)
    spec = read_docx(path)
    assert [(f.function_id, f.name, f.function_class, f.requirement, f.category) for f in spec.functions] == [
        ("0310001", "住登外者宛名番号付番", FunctionClass.MANDATORY, "付番する。", "業務フロー"),
        ("0310030", "統計資料作成", FunctionClass.OPTIONAL, "件数を集計する。", "業務フロー"),
        (
            "0310031",
            "業務ごとの独自宛名",
            FunctionClass.PROHIBITED,
            "業務ごとの独自宛名（機能ID 0310031）（類型2）を持ってはならない。",
            "業務フロー",
        ),
        ("0320001", "団体内統合宛名番号付番依頼受信", FunctionClass.MANDATORY, "付番依頼を受信する。", "2 機能一覧"),
        ("0320040", "一括照会", FunctionClass.OPTIONAL, "一括で照会する。", "2 機能一覧"),
    ]
    assert (spec.classes_not_stated, spec.in_text) == ((), ("0310001", "0310030", "0310031"))
    assert (spec.spec_version, spec.title, spec.publisher) == (None, "共通機能標準仕様書", "デジタル庁")
    assert [(t.caption, t.section, t.rows, t.functions) for t in spec.tables] == [
        (None, "1 機能の類型", 2, 0),
        ("表 1　機能一覧", "2 機能一覧", 2, 2),
    ]
    # No version on the cover: the file name gives it; the attribution follows the cover.
    results = import_file(path, tmp_path / "cat")
    assert [(r.business_id, r.spec_version, r.version_source, r.functions) for r in results] == [
        ("031", "第3.0版", VersionSource.FILE_NAME, 3),
        ("032", "第3.0版", VersionSource.FILE_NAME, 2),
    ]
    assert load_directory(tmp_path / "cat").business("032").attribution == (
        "出典: デジタル庁「共通機能標準仕様書【第3.0版】」を加工して作成"
    )


def test_merged_cells_repeat_their_text_and_a_table_of_contents_is_not_read(tmp_path: Path) -> None:
    span = "<w:gridSpan w:val='2'/>"
    table = (
        "<w:tbl><w:tr>" + _cell("機能", span) + _cell("実装区分") + "</w:tr>"
        "<w:tr>" + _cell("機能ID") + _cell("機能名称") + _cell("", "<w:vMerge/>") + "</w:tr>"
        "<w:tr>" + _cell("0310001") + _cell("付番") + _cell("実装必須機能") + "</w:tr></w:tbl>"
    )
    contents = f"<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Table of Contents'/></w:docPartObj></w:sdtPr><w:sdtContent>{_p('目次 付番（機能ID 0310099）')}</w:sdtContent></w:sdt>"
    control = f"<w:sdt><w:sdtPr/><w:sdtContent>{_p('② 照会（機能ID 0310002）【実装必須機能】')}</w:sdtContent></w:sdt>"
    spec = read_docx(_document(tmp_path / "spec.docx", contents, table, control, cover=("仕様書【第1.0版】",)))
    assert [(f.function_id, f.name, f.function_class) for f in spec.functions] == [
        ("0310001", "付番", FunctionClass.MANDATORY),
        ("0310002", "照会", FunctionClass.MANDATORY),
    ]
    assert spec.tables[0].header == ("機能ID", "機能名称", "実装区分")
    assert (spec.title, spec.publisher, spec.spec_version) == ("仕様書", None, "第1.0版")


def _conflict() -> tuple[str, ...]:
    return (_p("① 付番（機能ID 0310001）【実装必須機能】"), _p("② 付番（機能ID 0310001）【標準オプション機能】"))


def _no_function() -> tuple[str, ...]:
    return (_p("本文のみ。"),)


def _unknown_business() -> tuple[str, ...]:
    return (_p("① 何か（機能ID 0990001）"),)


def _bad_table_id() -> tuple[str, ...]:
    return (_p("表 3　機能一覧", "c"), _table(("機能ID", "機能名称"), ("031-0001", "付番")))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            _conflict,
            "機能ID 0310001 に文書の中で二つの実装区分があります: '① 付番（機能ID 0310001）' に 実装必須機能、"
            "'② 付番（機能ID 0310001）' に 標準オプション機能 — 文書を正すか、代わりにその機能一覧（.xlsx）を"
            "取り込んでください",
        ),
        (
            _no_function,
            "機能要件が見つかりません: 本文の 機能名称（機能ID 0010001）か、機能ID と機能名称の列のある表が必要です"
            " — 標準仕様書そのもの（Word のファイル）か、その機能一覧の .xlsx を指定してください",
        ),
        (
            _unknown_business,
            "機能ID 0990001: 業務ID 099 は標準の業務ではありません — 業務IDは 'fitgap catalog list' で見られます",
        ),
        (
            _bad_table_id,
            "表 '表 3　機能一覧' 2 行目: 機能ID '031-0001' が 7 桁の数字ではありません — 表を直すか、"
            "--column 機能ID=HEADER で機能IDの列を指定してください",
        ),
    ],
    ids=["conflicting-classes", "no-function", "unknown-business", "bad-id-in-table"],
)
def test_documents_that_cannot_be_imported(tmp_path: Path, build: Callable[[], tuple[str, ...]], message: str) -> None:
    path = _document(tmp_path / "spec.docx", *build())
    with pytest.raises(InputFileError) as info:
        import_file(path, tmp_path / "cat")
    assert info.value.one_line() == f"{path}: {message}"
    assert not (tmp_path / "cat").exists()


def _not_a_zip(path: Path) -> None:
    path.write_bytes(b"plain text, not a word file")  # (a PDF gets its own line: test_import_refusals.py)


def _old_doc(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)


def _no_main_part(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")


def _broken(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", "<w:document")


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (
            _not_a_zip,
            ".docx の文書ではありません（ZIP/OOXML の形式ではありません） — 仕様書を Word の .docx ファイルで"
            "指定してください（PDF は読めません）",
        ),
        (
            _old_doc,
            "古い .doc（Word 97-2003）のファイルで、.docx ではありません — Word で .docx として保存してください",
        ),
        (
            _no_main_part,
            "Word の文書ではありません: 本文のパートがありません（.xlsx や .pptx の名前を変えたもの？） — 仕様書を "
            "Word の .docx ファイルで指定してください",
        ),
        (
            _broken,
            "文書が壊れていて読めません（ParseError） — Word で開いて保存し直すか、もう一度ダウンロードしてください",
        ),
    ],
    ids=["not-a-zip", "old-doc", "no-main-part", "corrupted"],
)
def test_files_that_are_not_word_documents_give_one_line_exit_2(
    cli: Callable[..., Any], tmp_path: Path, write: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / "spec.docx"
    write(path)
    result = cli("catalog", "import", path, "--into", tmp_path / "cat")
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert "ブック" not in result.stderr


def test_a_file_that_is_not_a_word_document_is_said_in_english_on_request(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "spec.docx"
    _not_a_zip(path)
    result = cli("catalog", "import", path, "--into", tmp_path / "cat", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: not a .docx document (the file is not a ZIP/OOXML package) — give the specification as a "
        "Word .docx file (a PDF cannot be read)\n"
    )
