"""The baselines the toolkit is measured against, each a small program run in its own process.

- ``floor_csv``: DuckDB reads the same data already encoded as UTF-8 into a table, no transformation. The dialect
  is given (comma, double quote, header), as the mapping gives it: left to DuckDB's sniffer, the few malformed
  lines of the generated file made it choose '|' and read each line as one column (the floor was too low).
- ``floor_csv_disk``: the same, into a table in a DuckDB file (a conversion's output is on disk; informative).
- ``pandas_script``: the way a migration script is commonly written: pandas.read_csv(encoding="cp932"), row-wise
  ``apply`` for era dates, kana and codes, then into DuckDB.
- ``floor_validation``: the same checks as one plain DuckDB SQL pass (the rules' own SQL conditions).
- ``gx_pandas``: the same suite with Great Expectations on a pandas DataFrame.
- ``floor_moji_count``: the floor of ``fitgap moji scan``: the characters of the same columns counted in one
  DuckDB GROUP BY; ``floor_moji_length`` only sums their lengths (informative). ``moji_columns`` prints the
  columns (the Ｎ items of 001 住民).

Run as ``python benchmarks/baselines.py CASE ARGS…``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

FLOOR_DIALECT = "all_varchar=true, header=true, delim=',', quote='\"', escape='\"', ignore_errors=true"


def floor_csv(utf8: str, db: str = ":memory:") -> None:
    import duckdb

    con = duckdb.connect(db)
    con.execute(f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{utf8}', {FLOOR_DIALECT})")
    columns = len(con.execute("SELECT * FROM t LIMIT 0").description)
    assert columns == 22, f"the floor parsed {columns} columns, not 22"
    con.close()


def floor_csv_disk(utf8: str, db: str) -> None:
    Path(db).unlink(missing_ok=True)
    floor_csv(utf8, db)


def pandas_script(source: str, db: str) -> None:
    import duckdb
    import jaconv
    import pandas as pd

    from converters.transforms.era import parse_era_date as memoised

    parse_era_date = memoised.__wrapped__  # a script calls the parser row by row; fitgap's memo is not its own

    frame = pd.read_csv(
        source, encoding="cp932", encoding_errors="replace", dtype=str, keep_default_na=False, on_bad_lines="skip"
    )
    # The items the mapping converts with a date, kana or code step (mapping-csv.yaml): three 和暦 dates, the
    # half-width kana, four code tables. Names, numbers and the rest go in as read, and nothing is checked.
    codes = {
        "性別": {"1": "1", "2": "2", "3": "0"},
        "続柄": dict(pd.read_csv(Path(source).parent / "codes-zokugara.csv", dtype=str).itertuples(index=False)),
        "住民区分": {"J": "1", "G": "2"},
        "異動事由": {"A1": "01", "A2": "02", "B1": "21", "C1": "22"},
    }
    for column in ("生年月日", "住民日", "異動日"):
        frame[column] = frame[column].apply(lambda v: parse_era_date(v).value)
    frame["氏名カナ"] = frame["氏名カナ"].apply(lambda v: jaconv.h2z(v, kana=True, ascii=True, digit=True))
    for column, table in codes.items():
        frame[column] = frame[column].apply(lambda v, t=table: t.get(v))
    con = duckdb.connect(db)
    con.register("frame", frame)
    con.execute("CREATE OR REPLACE TABLE residents AS SELECT * FROM frame")
    con.close()


def floor_validation(db: str) -> None:
    import duckdb

    from spec_catalog import load_embedded
    from validation import plan_suite

    catalog = load_embedded()
    spec = catalog.business("001")
    plan = plan_suite(spec, spec.group("住民"), catalog.name)  # type: ignore[arg-type]
    rules = [r for r in plan.rules if r.failing_sql and not r.references]
    con = duckdb.connect(db, read_only=True)
    con.execute(f'SELECT {", ".join(f"count_if({r.failing_sql})" for r in rules)} FROM "001_住民"').fetchone()
    con.close()


def gx_pandas(db: str) -> None:
    import duckdb
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.registry import get_expectation_impl

    from spec_catalog import load_embedded
    from validation import plan_suite

    catalog = load_embedded()
    spec = catalog.business("001")
    plan = plan_suite(spec, spec.group("住民"), catalog.name)  # type: ignore[arg-type]
    con = duckdb.connect(db, read_only=True)
    started = time.perf_counter()
    frame = con.execute('SELECT * FROM "001_住民"').df()
    con.close()
    print(f"fetch {time.perf_counter() - started:.2f}s", file=sys.stderr)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("p")
        .add_dataframe_asset("a")
        .add_batch_definition_whole_dataframe("b")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    # The SQL-only rules (unexpected rows) have no pandas form; the column rules are the same checks.
    expectations = [
        get_expectation_impl(r.expectation["type"])(**r.expectation["kwargs"])
        for r in plan.rules
        if r.expectation["type"] != "unexpected_rows_expectation"
    ]
    batch.validate(gx.ExpectationSuite(name="s", expectations=expectations))


def moji_columns(db: str) -> None:
    """Prints the columns ``fitgap moji scan`` reads by default: the Ｎ items of 001 住民 in the table (JSON)."""
    import json

    import duckdb

    from spec_catalog import load_embedded
    from spec_catalog.vocab import DataType

    group = load_embedded().business("001").group("住民")
    con = duckdb.connect(db, read_only=True)
    present = {row[0] for row in con.execute('SELECT * FROM "001_住民" LIMIT 0').description}
    con.close()
    print(json.dumps([i.romanized for i in group.items if i.type is DataType.FULL_WIDTH and i.romanized in present]))  # type: ignore[union-attr]


def floor_moji_count(db: str, *columns: str) -> None:
    """The floor of ``moji scan``: every character of the columns counted in one DuckDB GROUP BY (code points,
    no variation selectors kept, no items, no sample keys, no classing)."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    parts = " UNION ALL ".join(f'SELECT unnest(string_split("{c}", \'\')) AS ch FROM "001_住民"' for c in columns)
    rows = con.execute(f"SELECT ch, count(*) FROM ({parts}) GROUP BY ch").fetchall()
    print(len(rows), sum(n for _, n in rows))
    con.close()


def floor_moji_length(db: str, *columns: str) -> None:
    """Informative: only reading the columns, their lengths summed (no character leaves DuckDB)."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    total = " + ".join(f'coalesce(sum(length("{c}")), 0)' for c in columns)
    print(con.execute(f'SELECT {total} FROM "001_住民"').fetchone()[0])  # type: ignore[index]
    con.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    case, *args = sys.argv[1:]
    globals()[case](*args)
