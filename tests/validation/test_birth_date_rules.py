"""Validation: a birth date after the as-of date and a date before the birth date are errors (failing rows
listed, GX = SQL); a date in the future other than a birth date stays a warning."""

from __future__ import annotations

import duckdb
import pytest

from spec_catalog import load_embedded
from spec_catalog.database import RunRecord, RunStatus, ensure_schema, start_run, update_run
from validation.runner import ValidationReport

GROUP = load_embedded().business("001").group("住民")
COLUMNS = [i.romanized for i in GROUP.items]  # type: ignore[union-attr]
BASE = {
    "setaibango": "000000000000001",
    "shimei": "森　花子",
    "shimeimiteikubun": "0",
    "seinengappi": "1985-04-01",
    "seibetsu": "2",
    "zokugara": "01",
    "juminkubun": "1",
    "jusho_shikuchosonkodo": "013455",
    "juminnonattanengappi": "1985-04-01",
    "idojiyu": "02",
    "idonengappi": "1985-04-01",
    "sosashaid": "OP0001",
    "sosanengappi": "2024-04-01",
    "sosajikoku": "09:30",
}
ROWS = [
    {},  # 1: passes
    {"seinengappi": "2999-01-01"},  # 2: born after today, so after every other date of the row
    {"seinengappi": "1990-01-01", "juminnonattanengappi": "1990-01-01"},  # 3: 異動 before birth
    {"seinengappi": "0000-01-01"},  # 4: the 不明 start: nothing is before it
    {"seinengappi": "1990-01-01", "idonengappi": "0000-01-01", "juminnonattanengappi": "1990-01-01"},  # 5: open end
    {"shojonengappi": "2999-01-01"},  # 6: a 消除年月日 in the future: a warning
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ValidationReport:
    from validation.runner import suites_for, validate

    db = tmp_path_factory.mktemp("dates") / "d.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            f'CREATE TABLE "001_住民" ({", ".join(f"{chr(34)}{c}{chr(34)} VARCHAR" for c in COLUMNS)}, '
            "_source_file VARCHAR, _source_line BIGINT, _run_id VARCHAR, _mapping VARCHAR)"
        )
        for n, changes in enumerate(ROWS, start=1):
            values = BASE | {"atenabango": f"{n:015d}"} | changes
            con.execute(
                f'INSERT INTO "001_住民" VALUES ({", ".join("?" for _ in range(len(COLUMNS) + 4))})',
                [values.get(c) for c in COLUMNS] + ["legacy.csv", n, "run-1", "m"],
            )
        ensure_schema(con)
        start_run(con, RunRecord(run_id="run-1", mapping="m", target_table="001_住民", status=RunStatus.RUNNING))
        update_run(con, "run-1", status=RunStatus.SUCCEEDED, reconciled=True)
    catalog = load_embedded()
    return validate(db, [p for p in suites_for(db, catalog) if p.table == "001_住民"], catalog)


def test_birth_date_rules_are_errors_with_every_failing_row(report: ValidationReport) -> None:
    (table,) = report.tables
    failed = {
        r.rule_id.removeprefix("001_住民."): (
            r.severity,
            r.code,
            r.unexpected_count,
            [f.source_line for f in r.failing_rows],
        )
        for r in table.rules
        if r.status == "failed"
    }
    assert failed == {
        "seinengappi.not_after_as_of": ("error", "BIRTH_DATE_AFTER_AS_OF", 1, [2]),
        "juminnonattanengappi.not_before_birth": ("error", "DATE_BEFORE_BIRTH", 1, [2]),
        "idonengappi.not_before_birth": ("error", "DATE_BEFORE_BIRTH", 2, [2, 3]),
        "sosanengappi.not_before_birth": ("error", "DATE_BEFORE_BIRTH", 1, [2]),
        "shojonengappi.future_date": ("warning", "DATE_IN_FUTURE", 1, [6]),
    }
    assert [r.rule_id for r in table.rules if r.status == "error"] == []  # GX and plain SQL agree
    assert (report.passed, report.errors_failed, report.warnings_failed) == (False, 4, 1)


def test_a_birth_date_has_no_future_date_warning_of_its_own(report: ValidationReport) -> None:
    (table,) = report.tables
    ids = {r.rule_id for r in table.rules}
    assert "001_住民.seinengappi.future_date" not in ids and "001_住民.sosanengappi.future_date" in ids
