"""The baselines the toolkit is measured against, each a small program run in its own process.

- ``floor_csv``: DuckDB reads the same data already encoded as UTF-8, no transformation.
- ``pandas_script``: the way a migration script is commonly written: pandas.read_csv(encoding="cp932"), row-wise
  ``apply`` for era dates, kana and codes, then into DuckDB.
- ``floor_validation``: the same checks as one plain DuckDB SQL pass (the rules' own SQL conditions).
- ``gx_pandas``: the same suite with Great Expectations on a pandas DataFrame.

Run as ``python benchmarks/baselines.py CASE ARGS…``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def floor_csv(utf8: str) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{utf8}', all_varchar=true, header=true)")


def pandas_script(source: str, db: str) -> None:
    import duckdb
    import jaconv
    import pandas as pd

    from converters.transforms.era import parse_era_date as memoised

    parse_era_date = memoised.__wrapped__  # a script calls the parser row by row; fitgap's memo is not its own

    frame = pd.read_csv(
        source, encoding="cp932", encoding_errors="replace", dtype=str, keep_default_na=False, on_bad_lines="skip"
    )
    sex = {"1": "1", "2": "2", "3": "0"}
    frame["seinengappi"] = frame["生年月日"].apply(lambda v: parse_era_date(v).value)
    frame["idonengappi"] = frame["異動日"].apply(lambda v: parse_era_date(v).value)
    frame["shimei_yomigana"] = frame["氏名カナ"].apply(lambda v: jaconv.h2z(v, kana=True, ascii=True, digit=True))
    frame["seibetsu"] = frame["性別"].apply(lambda v: sex.get(v))
    con = duckdb.connect(db)
    con.register("frame", frame)
    con.execute("CREATE OR REPLACE TABLE residents AS SELECT * FROM frame")
    con.close()


def floor_validation(db: str) -> None:
    import duckdb

    from spec_catalog import load_embedded
    from validation.rules import plan_suite

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
    from validation.rules import plan_suite

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


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    case, *args = sys.argv[1:]
    globals()[case](*args)
