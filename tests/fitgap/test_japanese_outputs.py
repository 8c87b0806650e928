"""No English words in the Japanese outputs of ``fitgap demo`` (docs/glossary.md, issue 18).

The scan reads what a person sees — the text of the HTML reports (not tags, CSS or script), every cell and sheet
name of the report workbooks, the terminal output of the demo — and lists every run of three or more ASCII
letters that is neither a code nor an identifier nor a name the glossary allows: codes (upper case with
underscores), snake_case identifiers (settings, control totals), file names and paths, rule ids, commands and
their options, the catalog's romanized item names and the ASCII words of its names (機能名 such as eLTAX), the
demo's mapping names, and the product names of :data:`NAMES`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import pytest

if TYPE_CHECKING:
    from validation import ValidationReport

# Names the glossary allows in Japanese outputs (docs/glossary.md, "Language"), units and fixed forms.
NAMES = frozenset(
    {
        "Fit", "Gap", "GX", "DuckDB", "MJ", "JIS", "CSV", "Excel", "HTML", "JSON", "JUnit", "EUC", "BPR", "API",
        "UCS", "IVS", "SQL", "GO", "NO-GO", "SAMPLE", "fitgap", "YYYY", "UTF", "BOM", "CRLF",
        "IPA", "Ver",  # the MJ data's publisher and version (its attribution)
        "Great", "Expectations", "XML",  # product and format names
        "catalog", "import", "moji", "scan", "sheet", "apply",  # command names, also where a renderer keeps them
        # from the word "fitgap" (a no-break space or a line break between them)
        "xlsx", "html", "json", "csv", "txt", "xml", "yaml", "duckdb",  # file extensions
    }
)  # fmt: skip
_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]*)+")  # READINESS_FORCED_GAPS, GAP_ (a class prefix)
_SNAKE = re.compile(r"_?[a-z][a-z0-9]*(?:_[a-z0-9]+)+")  # max_forced_gaps_unresolved, rows_per_code, _chart_data
_COMMAND = re.compile(r"(?<![\w./\\-])fitgap(?: [a-z][a-z-]*){0,2}")  # fitgap moji apply (not in a path)
_OPTION = re.compile(r"--[a-z][a-z-]*")  # --xlsx, --json-file
_TOKEN = re.compile(r"[A-Za-z0-9_.\-/\\]+")
_DOTTED = re.compile(r"[A-Za-z0-9_]\.[A-Za-z0-9_]")  # a file name, a rule id (001_住民.atenabango.length)
_WORD = re.compile(r"[A-Za-z]{3,}")


def _identifier(token: str) -> bool:
    """A path, a file or dotted name, a code or a snake_case identifier: never a word of a sentence."""
    core = token.strip(".-")
    return (
        "/" in token
        or "\\" in token
        or (token[:1] == "." and token[1:2].isalpha())  # .xlsx, the tail of 001_住民.columns
        or bool(_DOTTED.search(core))
        or bool(_CODE.fullmatch(core))
        or bool(_SNAKE.fullmatch(core))
    )


def english_words(text: str, allowed: Iterable[str] = ()) -> Counter[str]:
    """The English words of ``text`` outside codes, identifiers, commands and the ``allowed`` names, counted."""
    names = NAMES | frozenset(allowed)
    text = _OPTION.sub(" ", _COMMAND.sub(" ", text))
    found: Counter[str] = Counter()
    for token in _TOKEN.findall(text):
        if token in names or _identifier(token):
            continue
        found.update(w for w in _WORD.findall(token) if w not in names)
    return found


_INLINE = frozenset({"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sub", "sup", "tspan", "wbr"})


class _Text(HTMLParser):
    """The text a reader sees: the data of every element but style and script; the text of inline elements
    runs on (a word broken with <wbr> is one word), other elements are lines of their own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._hidden += 1
        elif tag not in _INLINE:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._hidden -= 1
        elif tag not in _INLINE:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def workbook_text(path: Path) -> str:
    """Every sheet name and every cell's text of a workbook."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        texts = []
        for sheet in workbook.worksheets:
            texts.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                texts.extend(str(value) for value in row if isinstance(value, str))
        return "\n".join(texts)
    finally:
        workbook.close()


def _context(text: str, word: str) -> str:
    match = re.search(rf"(?<![\w./-]){re.escape(word)}(?![\w./-])", text, re.ASCII)
    if match is None:
        return ""
    return " ".join(text[max(0, match.start() - 30) : match.end() + 30].split())


def offenders(texts: dict[str, str], allowed: Iterable[str]) -> dict[str, list[str]]:
    """Per output, each English word with its count and where it first occurs."""
    found = {}
    for name, text in texts.items():
        words = english_words(text, allowed)
        if words:
            found[name] = [f"{w} ×{n}: …{_context(text, w)}…" for w, n in sorted(words.items())]
    return found


def _message(found: dict[str, list[str]]) -> str:
    lines = ["English words in Japanese outputs (docs/glossary.md); translate them or allow them as identifiers:"]
    for name, words in found.items():
        lines.append(f"  {name}:")
        lines.extend(f"    {w}" for w in words)
    return "\n".join(lines)


# The scanner itself: it must fail on a real English sentence, and pass codes, identifiers and names.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rows read = loaded + quarantined: reconciled", ["loaded", "quarantined", "read", "reconciled", "rows"]),
        ("Wrote reports/validation.html", ["Wrote"]),
        ("FAILED: 1 errors, 1 warnings.", ["FAILED", "errors", "warnings"]),
        ("未対応の要廃止機能 1 件（1 unresolved forced gaps）", ["forced", "gaps", "unresolved"]),
        ("宛名番号: at most 15 characters", ["characters", "most"]),
        ("fitgap convert run is what failed", ["failed", "what"]),
    ],
    ids=["terminal", "a path beside a word", "verdict", "reason", "rule description", "after a command"],
)
def test_the_scanner_finds_english(text: str, expected: list[str]) -> None:
    assert sorted(english_words(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "判定 FIT_WITH_CONFIG（設定で適合）、GAP_ で始まる判定、READINESS_FORCED_GAPS 未対応の要廃止機能 2 件",
        "001_住民.atenabango.length 宛名番号: 15文字以内（チェックエラー行 3）",
        "出力: /tmp/fitgap-demo/reports/readiness.html と moji/文字同定-記入済.xlsx",
        "GO（移行可）6 業務、NO-GO（移行不可）12 業務 — Fit & Gap、DuckDB、GX、MJ、JIS X 0213",
        "max_forced_gaps_unresolved 0、rows_per_code、日付（YYYY-MM-DD）",
        "fitgap moji sheet / fitgap moji apply で同定、--xlsx と --json-file に全件",
    ],
    ids=["codes", "rule id", "paths", "names", "snake_case", "commands and options"],
)
def test_the_scanner_passes_codes_identifiers_and_names(text: str) -> None:
    assert english_words(text) == Counter()


def test_the_scanner_allows_the_identifiers_it_is_given() -> None:
    assert english_words("shimei 氏名 atenabango", allowed={"shimei"}) == Counter({"atenabango": 1})


# The demo's outputs.


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo project, made once, and what ``fitgap demo`` printed (stdout and stderr) in Japanese."""
    folder = tmp_path_factory.mktemp("demo-ja") / "fitgap-demo"
    environment = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    # Japanese by the language rule (no --lang, no project yet, LANG not English); wide lines so that rich
    # folds no word in two.
    environment |= {"LANG": "ja_JP.UTF-8", "COLUMNS": "250", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "fitgap", "demo", "--out", str(folder)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return folder, done.stdout + done.stderr


@pytest.fixture(scope="module")
def identifiers(demo: tuple[Path, str]) -> frozenset[str]:
    """The identifiers the demo's outputs may show: the 判定 codes (FIT and UNDECIDED have no underscore), the
    kinds of 管理合計, the catalog's romanized names and the ASCII words of its names, the names and code tables
    of the demo's mappings."""
    import yaml

    from fitgap.assessment.scoring import UNDECIDED
    from fitgap.assessment.vocab import GapClass
    from fitgap.reconcile.totals import TotalKind
    from spec_catalog.store import load_embedded

    catalog = load_embedded()
    names: set[str] = {*GapClass, UNDECIDED, *get_args(TotalKind)}
    for spec in catalog.businesses:
        texts = [spec.name, *(f.name for f in spec.functions)]
        for group in spec.layouts:
            texts.append(group.name)
            for item in group.items:
                names.add(item.romanized)
                texts.append(item.name)
        texts += [c.name for c in spec.code_lists]
        names.update(w for text in texts for w in _WORD.findall(text))
    for path in (demo[0] / "mappings").glob("*.yaml"):
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        names.update(_WORD.findall(" ".join([str(mapping.get("name", "")), *mapping.get("code_tables", {})])))
    return frozenset(names)


def test_the_demo_html_reports_are_japanese(demo: tuple[Path, str], identifiers: frozenset[str]) -> None:
    reports = sorted((demo[0] / "reports").glob("*.html"))
    assert reports, "the demo wrote no HTML report"
    found = offenders({p.name: html_text(p) for p in reports}, identifiers)
    assert found == {}, _message(found)


def test_the_demo_workbooks_are_japanese(demo: tuple[Path, str], identifiers: frozenset[str]) -> None:
    workbooks = sorted((demo[0] / "reports").glob("*.xlsx"))
    assert {"readiness.xlsx", "validation.xlsx"} <= {p.name for p in workbooks}
    assert any(p.name.startswith("reconcile-") for p in workbooks)
    found = offenders({p.name: workbook_text(p) for p in workbooks}, identifiers)
    assert found == {}, _message(found)


def test_the_demo_terminal_is_japanese(demo: tuple[Path, str], identifiers: frozenset[str]) -> None:
    found = offenders({"fitgap demo (stdout, stderr)": demo[1]}, identifiers)
    assert found == {}, _message(found)


# The terminal in both languages.


def _validation_report() -> ValidationReport:
    from spec_catalog.codes import Code
    from validation import RuleResult, TableResult, ValidationReport

    def rule(kind: str, severity: str, failed: bool, count: int, code: str | None, ja: str, en: str) -> RuleResult:
        return RuleResult(
            rule_id=f"001_住民.shimei.{kind}",
            severity=severity,
            kind=kind,
            description=f"氏名: {ja}",
            description_en=f"氏名: {en}",
            status="failed" if failed else "passed",
            unexpected_count=count,
            element_count=10,
            code=Code(code) if code else None,
        )

    rules = (
        rule("length", "error", False, 0, None, "100文字以内", "at most 100 characters"),
        rule("future_date", "warning", True, 3, "DATE_IN_FUTURE", "未来の日付でないこと", "not in the future"),
        rule("full_width", "error", True, 1, "WIDTH_NOT_FULL", "全角（Ｎ）の文字だけ", "full-width (Ｎ) only"),
    )
    table = TableResult(
        table="001_住民", business_id="001", group="住民", rows=10, rules=rules, manual_checks=(), run_checks=()
    )
    return ValidationReport(
        database="m.duckdb",
        catalog_sample=False,
        tables=(table,),
        errors_failed=1,
        warnings_failed=1,
        rules_run=3,
        passed=False,
        seconds=0.5,
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "ja",
            [
                "  エラー WIDTH_NOT_FULL 001_住民.shimei.full_width: 1 行 — 氏名: 全角（Ｎ）の文字だけ",
                "  警告 DATE_IN_FUTURE 001_住民.shimei.future_date: 3 行 — 氏名: 未来の日付でないこと",
                "検証: エラーあり（エラー 1 件、警告 1 件）",
                "出力: reports/validation.html",
            ],
        ),
        (
            "en",
            [
                "  error WIDTH_NOT_FULL 001_住民.shimei.full_width: 1 rows — 氏名: full-width (Ｎ) only",
                "  warning DATE_IN_FUTURE 001_住民.shimei.future_date: 3 rows — 氏名: not in the future",
                "FAILED: 1 errors, 1 warnings.",
                "Wrote reports/validation.html",
            ],
        ),
    ],
)
def test_the_validation_verdict_speaks_the_language(lang: str, expected: list[str]) -> None:
    from rich.console import Console

    from fitgap.cli.render import print_validation

    console = Console(width=200, record=True, color_system=None)
    print_validation(console, _validation_report(), [Path("reports/validation.html")], lang=lang)
    lines = console.export_text().splitlines()
    assert lines[-4:] == expected
    if lang == "ja":
        title, header = (
            "検証: m.duckdb（0.5 秒）",
            ["テーブル", "行数", "ルール", "エラー", "警告", "変換記録の不備", "手動確認"],
        )
    else:
        title, header = (
            "Validation of m.duckdb (0.5 s)",
            ["table", "rows", "rules", "errors", "warnings", "run records"],
        )
        header.append("manual")
    assert (lines[0].strip(), [cell.strip() for cell in lines[2].split("┃")[1:-1]]) == (title, header)


@pytest.mark.parametrize(
    ("code", "lang", "values", "expected"),
    [
        ("READINESS_FORCED_GAPS", "ja", {"count": 2}, "未対応の要廃止機能 2 件"),
        ("READINESS_FORCED_GAPS", "en", {"count": 2}, "2 unresolved forced gap(s)"),
        ("ASSESS_UNKNOWN_FUNCTION_ID", "ja", {"function_id": "0019999"}, "機能ID 0019999 はカタログにありません"),
        ("ASSESS_VALUE_NOT_IN_LIST", "ja", {}, "…の値が選択肢にありません"),
        ("NOT_A_CODE", "ja", {}, "NOT_A_CODE"),
    ],
    ids=["ja", "en", "a value", "an unknown value", "no code"],
)
def test_findings_show_the_catalogue_message(code: str, lang: str, values: dict[str, object], expected: str) -> None:
    from fitgap.cli.render import code_message

    assert code_message(code, lang, **values) == expected
