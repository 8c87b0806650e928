"""What the conversion says is Japanese by default and English on request (--lang en): errors with their fix, the
checks of the mapping's models, the rule texts beside a reason code, the publish guard's verdict and the help.

The other tests of tests/converters pin the English wording of their tables (they run with LANG=en_US); these
pin that the same messages come in Japanese when nothing asks for English.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from converters.guard import PublishGuard, judge
from converters.mapping import load_mapping
from converters.transforms.values import local_government_code, postal_code, time_of_day
from spec_catalog import load_embedded
from spec_catalog.base import FitgapError
from spec_catalog.codes import Code
from spec_catalog.language import chosen

from conftest import CliResult

Cli = Callable[..., CliResult]

MAPPING = """name: t
source: {{format: csv, path: data.csv{source}}}
target: {{business: "031", group: 住登外者宛名基本情報}}
items:
  atenabango: {atenabango}
  sosashaid: {{from: op}}
"""


def _mapping(tmp_path: Path, atenabango: str = "{from: num}", source: str = "") -> Path:
    (tmp_path / "data.csv").write_bytes(b"num,op\r\n1,OP1\r\n")
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING.format(atenabango=atenabango, source=source), encoding="utf-8")
    return path


def test_a_mapping_mistake_is_japanese_by_default_and_english_with_lang_en(cli: Cli, tmp_path: Path) -> None:
    mapping = _mapping(tmp_path)
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("atenabango:", "atenabago:"), encoding="utf-8")
    result = cli("convert", "run", mapping, "--db", tmp_path / "t.duckdb")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"エラー: {mapping}:5: 項目 'atenabago' はグループ 住登外者宛名基本情報 にありません — 'atenabango' の"
        "書き間違いではありませんか？\n",
    )
    result = cli("convert", "run", mapping, "--db", tmp_path / "t.duckdb", "--lang", "en")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"Error: {mapping}:5: item 'atenabago' is not in group 住登外者宛名基本情報 — did you mean 'atenabango'?\n",
    )


# The checks of the mapping's models (pydantic validators) and of its transforms' options, as a user reads them.
MODEL_CHECKS = [
    (
        {"source": ", delimiter: ';;'"},
        "2: source.delimiter: 1文字にしてください（改行は使えません）",
        "2: source.delimiter: must be one character (not a line break)",
    ),
    (
        {"atenabango": "{from: num, value: '1'}"},
        "5: items.atenabango: 'from'（元データの列）か 'value'（定数）のどちらか一方を書いてください",
        "5: items.atenabango: give either 'from' (source column or columns) or 'value' (a constant)",
    ),
    (
        {"atenabango": "{from: num, transforms: [trimm]}"},
        "5: 変換 'trimm' はありません — 'trim' の書き間違いではありませんか？",
        "5: unknown transform 'trimm' — did you mean 'trim'?",
    ),
    (
        {"atenabango": "{from: num, transforms: [{pad_left: {length: 0}}]}"},
        "5: pad_left のオプション 'length': 1 以上にしてください — pad_left: {length: 15, char: '0'} のように"
        "書いてください",
        "5: pad_left option 'length': Input should be greater than or equal to 1 — write pad_left: {length: 15, "
        "char: '0'}",
    ),
    (
        {"atenabango": "{from: num, transforms: [{trim: {both: true}}]}"},
        "5: trim にオプション 'both' はありません — trim にオプションはありません。名前だけを書いてください: - trim",
        "5: trim has no option 'both' — trim takes no options: write the name alone: - trim",
    ),
]


@pytest.mark.parametrize(
    ("parts", "japanese", "english"), MODEL_CHECKS, ids=["delimiter", "from-and-value", "transform", "option", "none"]
)
def test_model_checks_are_said_in_the_run_language(
    tmp_path: Path, parts: dict[str, str], japanese: str, english: str
) -> None:
    mapping = _mapping(tmp_path, **parts)
    for language, expected in (("ja", japanese), ("en", english)):
        with chosen(language), pytest.raises(FitgapError) as caught:  # type: ignore[arg-type]
            load_mapping(mapping, load_embedded())
        assert caught.value.one_line() == f"{mapping}:{expected}"


DETAILS = [
    (lambda: postal_code("12"), "3桁・5桁・7桁の郵便番号ではありません", "not a 3-, 5- or 7-digit postal code"),
    (lambda: time_of_day("2561"), "時刻ではありません（時が23を、分か秒が59を超えています）", None),
    (lambda: local_government_code("131000"), "検査数字が誤っています", "the check digit is wrong"),
]


@pytest.mark.parametrize(("convert", "japanese", "english"), DETAILS, ids=["postal", "time", "lgcode"])
def test_the_rule_text_beside_a_reason_code_is_said_in_the_run_language(
    convert: Callable[[], object], japanese: str, english: str | None
) -> None:
    assert getattr(convert(), "detail", None) == japanese
    if english is not None:
        with chosen("en"):
            assert getattr(convert(), "detail", None) == english


def test_the_publish_guard_says_why_in_japanese_with_every_reason() -> None:
    rejection = judge(
        PublishGuard(),
        rows_read=100,
        rows_loaded=90,
        rows_quarantined=10,
        published=0,
        by_reason={"CODE_UNMAPPED": 6, "POSTAL_INVALID": 4},
    )
    assert rejection is not None and rejection.code is Code.RUN_QUARANTINE_OVER_THRESHOLD
    assert rejection.message == (
        "100 行中 10 行（10.0%）が移行エラーとなり、基準 1.0% を超えたため公開しませんでした"
        "（理由別: CODE_UNMAPPED 6, POSTAL_INVALID 4）"
    )
    assert rejection.hint.startswith("マッピングか元データを直して再実行してください。")


def test_a_rejected_run_is_told_in_japanese(cli: Cli, tmp_path: Path) -> None:
    mapping = _mapping(tmp_path)
    (tmp_path / "data.csv").write_bytes(b"num,op\r\n")
    result = cli("convert", "run", mapping, "--db", tmp_path / "t.duckdb")
    assert result.exit_code == 1
    assert result.stderr.startswith("変換 ") and result.stderr.endswith(
        " は却下されました: 元データにデータ行がないため公開しませんでした（公開済み 0 行） — 出力ファイルが完全か"
        "確かめてください。マッピングの行を意図して空にするなら --allow-empty を付けて実行してください\n"
    )


HELP = [
    (("convert",), "既存システムの出力データ（CP932 の CSV、固定長、Excel）を標準レイアウトに変換します。"),
    (("convert", "run"), "例: fitgap convert run examples/jppost/mapping.yaml"),
    (("convert", "export"), "ファイルと manifest.json を書き出すフォルダ。"),
    (("convert", "init"), "調べる既存システムの出力ファイル。"),
    (("convert", "runs"), "データベースに記録された変換の一覧を表示します"),
    (("convert", "quarantine"), "MAPPING のデータ補正依頼をこのファイルに書き出します。"),
    (("sample", "generate"), "同じ seed なら同じバイト列になります。"),
]


@pytest.mark.parametrize(("command", "japanese"), HELP, ids=[" ".join(c) for c, _ in HELP])
def test_help_is_japanese_by_default(cli: Cli, command: tuple[str, ...], japanese: str) -> None:
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert japanese in result.stdout
    assert "--lang" in result.stdout or command == ("convert",)


def test_help_is_english_with_lang_en(cli: Cli) -> None:
    result = cli("convert", "run", "--help", "--lang", "en")
    assert result.exit_code == 0
    assert "The mapping file (YAML)." in result.stdout
    assert "Example: fitgap convert run examples/jppost/mapping.yaml" in result.stdout
    assert "マッピングのファイル" not in result.stdout


def test_sample_generate_speaks_japanese(cli: Cli, tmp_path: Path) -> None:
    args = ("sample", "generate", "-o", tmp_path / "r.xml", "--format", "xml")
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (2, "エラー: --format 'xml' は csv でも fixed でもありません\n")
    result = cli(*args, "--lang", "en")
    assert (result.exit_code, result.stderr) == (2, "Error: --format 'xml' is not csv or fixed\n")


def test_the_runs_are_listed_in_words_and_in_japan_time(cli: Cli, tmp_path: Path) -> None:
    mapping = _mapping(tmp_path)
    (tmp_path / "data.csv").write_bytes(b"num,op\r\n")
    db = tmp_path / "t.duckdb"
    assert cli("convert", "run", mapping, "--db", db).exit_code == 1  # rejected: no data row
    table = cli("convert", "runs", "--db", db)
    (run,) = json.loads(cli("convert", "runs", "--db", db, "--json").stdout)
    started = dt.datetime.fromisoformat(run["started"])  # the database keeps UTC
    japan = started.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert "却下・未公開" in table.stdout and "rejected" not in table.stdout
    assert f"{japan:%Y-%m-%d %H:%M}" in table.stdout and f"{started:%H:%M:%S}." not in table.stdout
    assert "rejected" in cli("convert", "runs", "--db", db, "--lang", "en").stdout
