"""Template → fill → score → report, with counts computed independently from what was filled."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment_fill import AS_OF, COL, Custom, Filled, fill
from conftest import CliResult

Cli = Callable[..., CliResult]
NEEDS_ACTION = {"FIT_WITH_CONFIG", "GAP_OPERATION", "GAP_BPR", "GAP_PROHIBITED", "GAP_EXTERNAL", "GAP_EUC"}
CLASSES = [
    "FIT",
    "FIT_WITH_CONFIG",
    "GAP_OPERATION",
    "GAP_BPR",
    "GAP_OPTION_NOT_ADOPTED",
    "GAP_PROHIBITED",
    "GAP_EXTERNAL",
    "GAP_EUC",
    "OUT_OF_SCOPE",
]


def expected(rows: list[Filled], customs: list[Custom]) -> dict[str, object]:
    judged = [r for r in rows if r.gap and r.gap != "OUT_OF_SCOPE"]
    actions = [r for r in rows if r.gap in NEEDS_ACTION]
    done_actions = [r for r in actions if r.status == "完了"]
    open_custom = [c for c in customs if c.fate is None or c.status != "完了"]
    work = len(rows) + len(actions) + 2 * len(customs)
    done = (
        sum(1 for r in rows if r.gap)
        + len(done_actions)
        + sum(1 for c in customs if c.fate)
        + sum(1 for c in customs if c.status == "完了")
    )
    return {
        "functions": len(rows),
        "counts": {
            **{k: sum(1 for r in rows if r.gap == k) for k in CLASSES},
            "UNDECIDED": sum(1 for r in rows if not r.gap),
        },
        "fit_rate": sum(1 for r in judged if r.gap in ("FIT", "FIT_WITH_CONFIG")) / len(judged),
        "new_work": sum(1 for r in rows if r.function_class == "実装必須機能" and r.current_use == "未使用"),
        "forced_gaps": sum(1 for r in rows if r.function_class == "実装不可機能" and r.current_use == "使用中"),
        "forced_gaps_unresolved": sum(
            1 for r in rows if r.function_class == "実装不可機能" and r.current_use == "使用中" and r.status != "完了"
        ),
        "options_to_decide": sum(1 for r in rows if r.function_class == "標準オプション機能" and not r.gap),
        "open_actions": len(actions) - len(done_actions) + len(open_custom),
        "overdue": sum(1 for r in actions if r.status != "完了" and r.due and r.due < AS_OF)
        + sum(1 for c in open_custom if c.due and c.due < AS_OF),
        "readiness": done / work,
    }


def _assert_same(scored: dict[str, object], want: dict[str, object]) -> None:
    for ratio in ("fit_rate", "readiness"):
        assert scored[ratio] == pytest.approx(want[ratio]), ratio
    assert {k: scored[k] for k in want if k not in ("fit_rate", "readiness")} == {
        k: v for k, v in want.items() if k not in ("fit_rate", "readiness")
    }


@pytest.fixture
def filled(cli: Cli, tmp_path: Path) -> tuple[Path, list[Filled], list[Custom], list[tuple[str, str]]]:
    path = tmp_path / "assessment.xlsx"
    result = cli("assess", "template", "001", "010", "024", "--municipality", "013455", "-o", path)
    assert result.exit_code == 0, result.stderr
    return (path, *fill(path))


def test_template_has_sheets_lists_and_marks(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert cli("assess", "template", "--municipality", "013455", "-o", path, "--lang", "en").exit_code == 0
    workbook = load_workbook(path)
    names = workbook.sheetnames
    assert names[0] == "Instructions" and len([n for n in names if n[:3].isdigit()]) == 18
    assert names[-4:] == ["独自機能", "業務連携", "標準の連携（参考）", "_fitgap"]
    assert workbook["_fitgap"].sheet_state == "hidden"
    sheet = workbook["001 住民基本台帳"]
    assert [c.value for c in sheet[3]][:7] == [
        "機能ID",
        "機能名称",
        "実装区分",
        "要件",
        "現行利用",
        "現行の運用",
        "判定",
    ]
    assert sheet.freeze_panes == "C4"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["E4:E26"] == '"使用中,未使用"'
    assert lists["G4:G26"].startswith('"FIT,FIT_WITH_CONFIG,GAP_OPERATION')
    prohibited = next(r for r in range(4, 27) if sheet.cell(row=r, column=3).value == "実装不可機能")
    assert sheet.cell(row=prohibited, column=1).fill.fgColor.rgb.endswith("F8CBAD")
    assert sheet["A4"].font.name == "Meiryo"
    assert "SAMPLE" in str(sheet["A2"].value)  # an English template: its note is English


def test_score_counts_equal_counts_from_the_fill(cli: Cli, filled: tuple, tmp_path: Path) -> None:
    path, rows, customs, _ = filled
    result = cli(
        "assess",
        "score",
        path,
        "--json",
        "--as-of",
        AS_OF.isoformat(),
        "-o",
        tmp_path / "r.xlsx",
        "--html",
        tmp_path / "r.html",
    )
    assert result.exit_code == 0, result.stdout[-2000:]
    report = json.loads(result.stdout)
    for business in report["businesses"]:
        mine = [r for r in rows if r.business == business["business_id"]]
        theirs = [c for c in customs if c.business == business["business_id"]]
        _assert_same(business, expected(mine, theirs))
    _assert_same(report["total"], expected(rows, customs))
    assert report["custom_by_fate"] == {"廃止": 1, "独自施策システムへ移行": 1, "EUCで対応": 1, "UNDECIDED": 1}
    assert report["links_without_standard"] == 2  # 024→001 and 001→福祉総合システム
    assert report["catalog"]["sample"] is True
    assert report["error_findings"] == 0


def test_report_files_show_summary_gaps_and_chart(cli: Cli, filled: tuple, tmp_path: Path) -> None:
    path = filled[0]
    assert (
        cli(
            "assess", "score", path, "-o", tmp_path / "r.xlsx", "--html", tmp_path / "r.html", "--as-of", "2026-11-26"
        ).exit_code
        == 0
    )
    workbook = load_workbook(tmp_path / "r.xlsx")
    assert workbook.sheetnames[:4] == ["概要", "業務別", "ギャップ一覧", "担当別"]
    summary = workbook["業務別"]
    assert summary._charts and summary.conditional_formatting
    assert str(summary["A1"].value).startswith("サンプル")
    gaps = workbook["ギャップ一覧"]
    kinds = [gaps.cell(row=r, column=1).value for r in range(1, gaps.max_row + 1)]
    assert "廃止が必要な実装不可機能（現行で使用中）" in kinds
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in html and "ギャップ一覧" in html and "サンプル: " in html
    assert (
        "<script" not in html and "<link" not in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")
    )


def test_bad_inputs_become_findings_with_sheet_and_cell(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    assert cli("assess", "template", "001", "-o", path).exit_code == 0
    workbook = load_workbook(path)
    sheet = workbook["001 住民基本台帳"]
    prohibited = next(r for r in range(4, 27) if sheet.cell(row=r, column=3).value == "実装不可機能")
    sheet.cell(row=4, column=COL["current_use"], value="たぶん")  # outside the list
    sheet.cell(row=5, column=COL["gap_class"], value="GAP_OPTION_NOT_ADOPTED")  # not for a mandatory function
    sheet.cell(row=6, column=COL["gap_class"], value="GAP_BPR")
    sheet.cell(row=6, column=COL["due"], value="来年度")  # not a date
    sheet.cell(row=prohibited, column=COL["current_use"], value="使用中")  # no retirement decision
    sheet.cell(row=28, column=1, value="0019999")  # unknown function
    sheet.cell(row=28, column=COL["gap_class"], value="FIT")
    sheet.cell(row=29, column=1, value="0019001")  # duplicate
    sheet.cell(row=29, column=COL["gap_class"], value="FIT")
    workbook["独自機能"].cell(row=4, column=1, value="独自の宛名管理")
    workbook["独自機能"].cell(row=4, column=4, value="099")
    workbook.save(path)
    result = cli("assess", "score", path, "--json", "--as-of", "2026-11-26")
    assert result.exit_code == 1
    findings = {
        (f["code"], f["location"]["sheet"], f["location"]["cell"]) for f in json.loads(result.stdout)["findings"]
    }
    s = "001 住民基本台帳"
    assert {
        ("ASSESS_VALUE_NOT_IN_LIST", s, "E4"),
        ("ASSESS_DECISION_NOT_ALLOWED", s, "G5"),
        ("ASSESS_INVALID_DATE", s, "J6"),
        ("ASSESS_PROHIBITED_IN_USE_UNDECIDED", s, f"G{prohibited}"),
        ("ASSESS_UNKNOWN_FUNCTION_ID", s, "A28"),
        ("ASSESS_DUPLICATE_FUNCTION_ID", s, "A29"),
        ("ASSESS_MANDATORY_UNDECIDED", s, "G7"),
        ("ASSESS_ACTION_WITHOUT_OWNER", s, "I6"),
        ("ASSESS_UNKNOWN_BUSINESS", "独自機能", "D4"),
        ("ASSESS_CUSTOM_UNDECIDED", "独自機能", "E4"),
    } <= findings
    messages = {(f["code"], f["location"]["cell"]): f["message"] for f in json.loads(result.stdout)["findings"]}
    assert messages[("ASSESS_DECISION_NOT_ALLOWED", "G5")].endswith(
        ": 判定 GAP_OPTION_NOT_ADOPTED は実装必須機能では選べません"
    )
    assert messages[("ASSESS_UNKNOWN_BUSINESS", "D4")] == "関連業務ID '099' はカタログにありません"
    english = cli("assess", "score", path, "--json", "--as-of", "2026-11-26", "--lang", "en")
    messages = {(f["code"], f["location"]["cell"]): f["message"] for f in json.loads(english.stdout)["findings"]}
    assert messages[("ASSESS_UNKNOWN_BUSINESS", "D4")] == "関連業務ID '099' is not in the catalog"


def test_not_an_assessment_is_one_line_exit_2(cli: Cli, tmp_path: Path) -> None:
    from workbooks import write_sheet

    path = write_sheet(tmp_path / "x.xlsx", [["a", "b"]])
    result = cli("assess", "score", path)
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {path}: Fit & Gap 調査票ではありません: 機能ID・現行利用・判定の列があるシートがありません — "
        "'fitgap assess template BUSINESS -o FILE.xlsx' で作ってください\n",
    )
    english = cli("--lang", "en", "assess", "score", path)
    assert (english.exit_code, english.stderr) == (
        2,
        f"Error: {path}: not an assessment workbook: no sheet has the "
        "columns 機能ID, 現行利用 and 判定 — make one with 'fitgap assess "
        "template BUSINESS -o FILE.xlsx'\n",
    )
    assert cli("assess", "score", path, "--as-of", "26/11/2026").exit_code == 2


def test_gate_fails_on_unresolved_forced_gaps(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "g.xlsx"
    cli("assess", "template", "001", "-o", path)
    workbook = load_workbook(path)
    sheet = workbook["001 住民基本台帳"]
    prohibited = next(r for r in range(4, 27) if sheet.cell(row=r, column=3).value == "実装不可機能")
    sheet.cell(row=prohibited, column=COL["current_use"], value="使用中")
    sheet.cell(row=prohibited, column=COL["gap_class"], value="GAP_PROHIBITED")
    workbook.save(path)
    failed = cli("assess", "score", path, "--gate", "--json")
    assert failed.exit_code == 1
    assert json.loads(failed.stdout)["gate"] == {"passed": False, "failures": ["未対応の要廃止機能 1 件（上限 0 件）"]}
    english = cli("assess", "score", path, "--gate", "--json", "--lang", "en")
    assert json.loads(english.stdout)["gate"] == {"passed": False, "failures": ["1 unresolved forced gaps (allowed 0)"]}
    assert cli("assess", "score", path, "--gate", "--max-forced-gaps", "1").exit_code == 0
    sheet.cell(row=prohibited, column=COL["status"], value="完了")
    workbook.save(path)
    assert cli("assess", "score", path, "--gate").exit_code == 0
    assert cli("assess", "score", path, "--gate", "--min-readiness", "0.9").exit_code == 1


def test_history_trend_and_compare(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    history = tmp_path / "history"
    cli("assess", "template", "001", "-o", path)
    fill(path, seed=1)
    assert cli("assess", "score", path, "--history", history, "--as-of", "2026-10-01").exit_code in (0, 1)
    workbook = load_workbook(path)
    sheet = workbook["001 住民基本台帳"]
    for row in range(4, 27):
        sheet.cell(row=row, column=COL["status"], value="完了")
    workbook.save(path)
    result = cli(
        "assess", "score", path, "--history", history, "--as-of", "2026-11-01", "--json", "-o", tmp_path / "r.xlsx"
    )
    report = json.loads(result.stdout)
    report["trend"] = [p for p in report["trend"] if p["business_id"] == "001"]  # without the TOTAL points
    assert [p["as_of"] for p in report["trend"]] == ["2026-10-01", "2026-11-01"]
    assert report["trend"][1]["open_gaps"] < report["trend"][0]["open_gaps"]
    assert "推移" in load_workbook(tmp_path / "r.xlsx").sheetnames
    snapshots = sorted(history.glob("*.json"))
    compared = json.loads(cli("assess", "compare", *snapshots, "--json").stdout)
    assert len(compared["closed"]) == report["trend"][0]["open_gaps"] - report["trend"][1]["open_gaps"]
    assert compared["opened"] == []
    bad = cli("assess", "compare", path, path)
    assert bad.exit_code == 2 and "採点済みの Fit & Gap 評価ではありません" in bad.stderr


@pytest.mark.parametrize(
    ("command", "japanese", "english"),
    [
        (("assess",), "現行の業務を標準仕様と比べ", "compare current work with the standard"),
        (("assess", "template"), "職員が記入する Fit & Gap 調査票を書き出します", "Write the assessment workbook"),
        (("assess", "score"), "記入済みの調査票を採点します", "Score a filled workbook"),
        (("assess", "suggest"), "既存の機能一覧の各行に当たりそうな機能IDを挙げ", "Propose the most likely 機能IDs"),
        (("assess", "compare"), "二つの採点結果を比べます", "Compare two scored assessments"),
        (("assess", "split"), "原課に配る調査票を書き出します", "Write one workbook per 原課 to hand out"),
        (("assess", "merge"), "返ってきたファイルをセルごとに", "Read the returned files back"),
        (("init",), "移行プロジェクトを作ります", "Create a migration project"),
        (("demo",), "合成データの町（森町、013455）で", "Run the whole job for a sample town"),
    ],
    ids=["assess", "template", "score", "suggest", "compare", "split", "merge", "init", "demo"],
)
def test_help_is_japanese_by_default_and_english_with_lang_en(
    cli: Cli, command: tuple[str, ...], japanese: str, english: str
) -> None:
    shown = cli(*command, "--help")
    assert shown.exit_code == 0
    words = " ".join(shown.stdout.replace("│", " ").split())  # the help panels fold long lines
    assert "使い方:" in words and japanese in words and english not in words
    shown = cli("--lang", "en", *command, "--help")
    words = " ".join(shown.stdout.replace("│", " ").split())
    assert "Usage:" in words and english in words and japanese not in words


def test_a_date_error_is_japanese_by_default_and_english_with_lang_en(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    assert cli("assess", "template", "001", "-o", path).exit_code == 0
    assert cli("assess", "score", path, "--as-of", "26/11/2026").stderr == (
        "エラー: --as-of '26/11/2026' は日付として読めません — YYYY-MM-DD の形で書いてください（例: 2026-11-26）\n"
    )
    assert cli("assess", "score", path, "--as-of", "26/11/2026", "--lang", "en").stderr == (
        "Error: --as-of '26/11/2026' is not a date — write it as YYYY-MM-DD, e.g. 2026-11-26\n"
    )
    again = cli("assess", "template", "001", "-o", path)
    assert (again.exit_code, again.stderr) == (
        2,
        f"エラー: {path}: 調査票がすでにあります（記入済みかもしれません） — 置き換えるには --force を付けてください\n",
    )


def test_progress_labels_are_said_in_the_run_language() -> None:
    from fitgap.cli.progress import VALIDATION
    from spec_catalog.language import chosen

    with chosen("ja"):
        assert (VALIDATION["sql"], VALIDATION.get("gx")) == ("検証（SQL で集計）", "検証（Great Expectations）")
    with chosen("en"):
        assert (VALIDATION["sql"], VALIDATION.get("gx")) == (
            "Validation (counted in SQL)",
            "Validation (Great Expectations)",
        )
        assert VALIDATION["rows"] == "Validation (rows of the rules GX failed)"
    with chosen("ja"):
        assert VALIDATION["rows"] == "検証（GX が不合格としたルールの行）"
    assert (list(VALIDATION), VALIDATION.get("other", "other")) == (["sql", "gx", "rows"], "other")
