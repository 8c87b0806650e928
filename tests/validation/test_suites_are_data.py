"""Suites are data, not code: a suite file holds no SQL, every rule's SQL is made from the catalog (or from a
custom expectation's checked arguments), and anything else is refused with one line, exit 2. GX's own
connection can read no file but the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_validate import build

from spec_catalog import load_embedded
from spec_catalog.base import FitgapError
from spec_catalog.language import chosen
from validation import plan_suite, read_suite, read_suites, write_suites

from conftest import CliResult

Cli = Callable[..., CliResult]
CATALOG = load_embedded()
SPEC = CATALOG.business("001")
TABLE = "001_住民"


@pytest.fixture
def suites(tmp_path: Path) -> Path:
    folder = tmp_path / "suites"
    write_suites([plan_suite(SPEC, g, CATALOG.name) for g in SPEC.layouts], folder)
    return folder


@pytest.fixture(scope="module")
def defects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("data") / "defects.duckdb"
    build(db)
    return db


def _edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _entry(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(e for e in data["expectations"] if e["meta"].get("rule_id") == rule_id)


def _add(expectation: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["expectations"].append(expectation)


def test_a_suite_file_holds_no_sql(cli: Cli, tmp_path: Path) -> None:
    assert cli("validate", "suite", "001", "-o", tmp_path / "s").exit_code == 0
    for path in (tmp_path / "s").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert "SELECT" not in text and "failing_sql" not in text and "unexpected_rows" not in text
        assert json.loads(text)["meta"]["fitgap"]["format"] == "fitgap-suite/2"
    data = json.loads((tmp_path / "s" / f"{TABLE}.json").read_text(encoding="utf-8"))
    assert _entry(data, f"{TABLE}.kojinbango.check_digit")["type"] == "fitgap_catalog_rule"


def test_a_catalog_rule_is_rebuilt_from_the_catalog_but_severity_and_enabled(suites: Path) -> None:
    path = suites / f"{TABLE}.json"

    def change(data: dict[str, Any]) -> None:
        code_list = _entry(data, f"{TABLE}.seibetsu.code_list")
        code_list["kwargs"]["value_set"] = ["anything"]  # an edit that has no effect
        code_list["meta"]["description"] = "edited"
        code_list["meta"]["severity"] = "warning"
        _entry(data, f"{TABLE}.kojinbango.check_digit")["meta"]["enabled"] = False
        _entry(data, f"{TABLE}.seinengappi.calendar")["kwargs"] = {"column": "shimei"}

    _edit(path, change)
    expected = {r.rule_id: r for r in plan_suite(SPEC, SPEC.group("住民"), CATALOG.name).rules}  # type: ignore[arg-type]
    read = {r.rule_id: r for r in read_suite(path, CATALOG).rules}
    assert read.keys() == expected.keys()
    for rule_id, rule in read.items():
        changed = {"severity": rule.severity, "enabled": rule.enabled}
        assert rule == expected[rule_id].model_copy(update=changed), rule_id
    assert read[f"{TABLE}.seibetsu.code_list"].severity == "warning"
    assert read[f"{TABLE}.kojinbango.check_digit"].enabled is False
    assert read[f"{TABLE}.seibetsu.code_list"].expectation == expected[f"{TABLE}.seibetsu.code_list"].expectation


def test_deleting_a_catalog_rule_switches_it_off(suites: Path) -> None:
    path = suites / f"{TABLE}.json"
    _edit(path, lambda d: d["expectations"].remove(_entry(d, f"{TABLE}.seibetsu.code_list")))
    assert f"{TABLE}.seibetsu.code_list" not in {r.rule_id for r in read_suite(path, CATALOG).rules}


def test_sql_in_the_file_is_refused_never_run(cli: Cli, suites: Path, defects: Path) -> None:
    path = suites / f"{TABLE}.json"
    _edit(path, lambda d: _entry(d, f"{TABLE}.seibetsu.code_list")["meta"].update(failing_sql="true"))
    result = cli("validate", "run", "--db", defects, "--suites", suites)
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {path}: エクスペクテーション 31（expect_column_values_to_be_in_set）: meta.failing_sql は使えません"
        "（スイートのファイルには SQL を書きません） — ルールの SQL はカタログから作ります。取り除いてください\n",
    )
    english = cli("validate", "run", "--db", defects, "--suites", suites, "--lang", "en")
    assert (english.exit_code, english.stderr) == (
        2,
        f"Error: {path}: expectation 31 (expect_column_values_to_be_in_set): meta.failing_sql is refused (a suite "
        "file holds no SQL) — a rule's SQL comes from the catalog: remove it\n",
    )


def test_unexpected_rows_expectation_is_refused(cli: Cli, suites: Path, defects: Path) -> None:
    path = suites / f"{TABLE}.json"
    query = {"unexpected_rows_query": "SELECT * FROM {batch} WHERE true"}
    _edit(path, _add({"type": "unexpected_rows_expectation", "kwargs": query, "meta": {}}))
    result = cli("validate", "run", "--db", defects, "--suites", suites)
    count = len(json.loads(path.read_text(encoding="utf-8"))["expectations"])
    assert (result.exit_code, result.stderr) == (
        2,
        f"エラー: {path}: エクスペクテーション {count}（unexpected_rows_expectation）: unexpected_rows_expectation "
        "は使えません（スイートのファイルには SQL を書きません） — 列のエクスペクテーションで書いてください"
        "（docs/validation.md に一覧があります）\n",
    )


def test_a_rule_id_the_catalog_no_longer_has_is_an_error(cli: Cli, suites: Path, defects: Path) -> None:
    path = suites / f"{TABLE}.json"
    _edit(path, lambda d: _entry(d, f"{TABLE}.seibetsu.code_list")["meta"].update(rule_id=f"{TABLE}.seibetsu.gone"))
    result = cli("validate", "run", "--db", defects, "--suites", suites)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        f"エラー: {path}: エクスペクテーション 31: ルール {TABLE}.seibetsu.gone はカタログ {CATALOG.name} のルールでは"
        "ありません — "
    )


def test_a_suite_of_an_earlier_fitgap_is_refused(suites: Path) -> None:
    path = suites / f"{TABLE}.json"
    _edit(path, lambda d: d["meta"]["fitgap"].update(format="fitgap-suite/1"))
    with pytest.raises(FitgapError) as raised:
        read_suite(path, CATALOG)
    assert raised.value.one_line() == (
        f"{path}: 以前の fitgap で書いたスイートで、SQL を含んでいます（fitgap-suite/1） — "
        "'fitgap validate suite BUSINESS -o DIR --force' で作り直し、severity と enabled の変更を移してください"
    )
    with chosen("en"), pytest.raises(FitgapError) as raised:
        read_suite(path, CATALOG)
    assert raised.value.one_line() == (
        f"{path}: the suite was written by an earlier fitgap and holds SQL (fitgap-suite/1) — regenerate it with "
        "'fitgap validate suite BUSINESS -o DIR --force', then carry over your severity and enabled changes"
    )


def test_a_suite_for_a_table_the_catalog_lacks_is_refused(suites: Path) -> None:
    path = suites / f"{TABLE}.json"
    _edit(path, lambda d: d["meta"]["fitgap"].update(table="001_なし"))
    with pytest.raises(
        FitgapError, match=r"スイートはテーブル 001_なし のものですが、カタログ .* にそのグループがありません"
    ):
        read_suite(path, CATALOG)


def _column(gx_type: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": gx_type, "kwargs": {"column": "shimei", **kwargs}, "meta": {"severity": "warning"}}


REFUSED = {
    "type-not-allowed": (
        _column("expect_column_values_to_be_between", min_value=1),
        "スイートに加えられるエクスペクテーションではありません",
    ),
    "typo-gets-a-suggestion": (
        _column("expect_column_values_to_not_be_nul"),
        "expect_column_values_to_not_be_null の書き間違いではありませんか？",
    ),
    "column-not-of-the-group": (
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "shime"}},
        "'shime' は 001_住民 の列ではありません — shimei の書き間違いではありませんか？",
    ),
    "unanchored-regex": (
        _column("expect_column_values_to_match_regex", regex="森"),
        "正規表現が ^ と $ で囲まれていません",
    ),
    "regex-that-does-not-compile": (
        _column("expect_column_values_to_match_regex", regex="^[森$"),
        "正規表現として読めません",
    ),
    "row-condition-is-sql": (
        _column("expect_column_values_to_not_be_null", row_condition="shimei IS NOT NULL"),
        "kwargs.row_condition は使えません（スイートのファイルには SQL を書きません）",
    ),
    "mostly": (_column("expect_column_values_to_not_be_null", mostly=0.9), "引数 'mostly' は使えません"),
    "unknown-argument": (
        _column("expect_column_values_to_be_in_set", value_set=["1"], parse_strings_as_datetimes=True),
        "引数 'parse_strings_as_datetimes' は使えません",
    ),
    "numbers-in-a-value-set": (
        _column("expect_column_values_to_be_in_set", value_set=[1, 2]),
        "value_set.0: 文字列を書いてください",
    ),
    "no-value-set": (_column("expect_column_values_to_be_in_set"), "value_set がありません"),
    "no-bounds": (_column("expect_column_value_lengths_to_be_between"), "min_value か max_value がありません"),
    "bad-severity": (
        {**_column("expect_column_values_to_not_be_null"), "meta": {"severity": "fatal"}},
        "severity 'fatal' は error でも warning でもありません",
    ),
    "custom-id-of-the-catalog-form": (
        {**_column("expect_column_values_to_not_be_null"), "meta": {"rule_id": f"{TABLE}.shimei.mine"}},
        f"ルール {TABLE}.shimei.mine はカタログ",
    ),
}


@pytest.mark.parametrize(("expectation", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_custom_expectation_outside_the_declared_form_is_refused(
    cli: Cli, suites: Path, defects: Path, expectation: dict[str, Any], message: str
) -> None:
    _edit(suites / f"{TABLE}.json", _add(expectation))
    result = cli("validate", "run", "--db", defects, "--suites", suites)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"エラー: {suites / f'{TABLE}.json'}: エクスペクテーション ")
    assert message in result.stderr


def test_two_suite_files_for_one_table_are_refused(suites: Path) -> None:
    (suites / "copy.json").write_text((suites / f"{TABLE}.json").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(FitgapError, match=f"テーブル {TABLE} のスイートのファイルが二つあります"):
        read_suites(suites, CATALOG)


CUSTOM = [
    # (expectation, failing rows in the defects table)
    (_column("expect_column_values_to_not_be_null"), 1),
    ({**_column("expect_column_values_to_be_null"), "kwargs": {"column": "jusho_katagaki"}}, 0),
    (_column("expect_column_values_to_be_in_set", value_set=["森　花子"]), 1),
    (_column("expect_column_values_to_not_be_in_set", value_set=["森　Hanako"]), 1),
    (_column("expect_column_values_to_match_regex", regex="^森　花子$"), 1),
    (_column("expect_column_values_to_not_match_regex", regex="^森.*$"), 17),
    (_column("expect_column_value_lengths_to_be_between", min_value=1, max_value=7), 1),
    (_column("expect_column_value_lengths_to_equal", value=4), 1),
    ({**_column("expect_column_values_to_be_unique"), "kwargs": {"column": "atenabango"}}, 2),
]


def test_custom_expectations_run_with_sql_made_from_their_arguments(cli: Cli, suites: Path, defects: Path) -> None:
    """Every allowed type: the SQL made from its arguments counts what GX counts, and lists the rows."""
    path = suites / f"{TABLE}.json"

    def change(data: dict[str, Any]) -> None:
        for e in data["expectations"]:
            e["meta"]["enabled"] = False  # only the custom ones run
        for n, (expectation, _) in enumerate(CUSTOM, start=1):
            data["expectations"].append(
                {**expectation, "meta": {**expectation["meta"], "rule_id": f"{TABLE}.custom.c{n}"}}
            )

    _edit(path, change)
    (suites / "001_世帯.json").unlink()
    result = cli("validate", "run", "--db", defects, "--suites", suites, "--json")
    report = json.loads(result.stdout)
    (table,) = report["tables"]
    found = {r["rule_id"]: r for r in table["rules"] if r["kind"] == "custom"}
    assert {k: (r["status"], r["unexpected_count"], len(r["failing_rows"])) for k, r in found.items()} == {
        f"{TABLE}.custom.c{n}": ("failed" if count else "passed", count, count)
        for n, (_, count) in enumerate(CUSTOM, start=1)
    }
    assert report["suites"] == str(suites)


def test_the_gx_connection_reads_no_other_file(tmp_path: Path) -> None:
    import duckdb
    import sqlalchemy

    from validation.gx_adapter import connection_string, run_suites

    db = tmp_path / "t.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    engine = sqlalchemy.create_engine(connection_string(db))
    try:
        with (
            engine.connect() as connection,
            pytest.raises(sqlalchemy.exc.DBAPIError, match="disabled by configuration"),
        ):
            connection.execute(sqlalchemy.text("SELECT * FROM read_text('/etc/hostname')"))
    finally:
        engine.dispose()
    # And through GX itself (the adapter's own API; a suite file could not hold this query).
    query = "SELECT * FROM {batch} WHERE (SELECT count(*) FROM read_text('/etc/hostname')) > 0"
    (outcome,) = run_suites(
        db,
        [
            (
                "t",
                [
                    {
                        "type": "unexpected_rows_expectation",
                        "kwargs": {"unexpected_rows_query": query},
                        "meta": {"rule_id": "r"},
                    }
                ],
            )
        ],
    )["t"]
    assert outcome.error is not None and "file system operations are disabled by configuration" in outcome.error
