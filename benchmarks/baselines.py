"""The baselines the toolkit is measured against, each a small program run in its own process.

- ``floor_disk``: DuckDB reads the same data already encoded as UTF-8 (the CP932 file's twin) into a table in a
  DuckDB file, with the conversion's memory limit, and stops: no transformation, no check. A conversion must
  publish to a file, so this is the primary floor. The harness deletes the file before each run (outside the
  timing). The dialect is given (comma, double quote, header), as the mapping gives it: left to DuckDB's
  sniffer, the few malformed lines of the generated file made it choose '|' and read each line as one column.
- ``floor_memory``: the same read into an in-memory table (the second column of the table; spills, if the limit
  asks for it, go to a scratch folder beside the data).
- ``pandas_script``: the conversion as a reasonable pandas script does it (see its docstring and the fairness
  review in docs/performance.md); ``pandas_agreement`` compares its table with fitgap's (not timed).
- ``floor_validation``: the same checks as one plain DuckDB SQL pass (the rules' own SQL conditions).
- ``gx_pandas``: the same suite with Great Expectations on a pandas DataFrame.
- ``floor_moji_count``: the floor of ``fitgap moji scan``: the characters of the same columns counted in one
  DuckDB GROUP BY; ``floor_moji_length`` only sums their lengths (informative). ``moji_columns`` prints the
  columns (the Ｎ items of 001 住民).
- ``utf8_twin``: writes the UTF-8 twin of a CP932 file, streamed (a 50M-row file does not fit in memory twice).

Run as ``python benchmarks/baselines.py CASE ARGS…``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLOOR_DIALECT = "all_varchar=true, header=true, delim=',', quote='\"', escape='\"', ignore_errors=true"


def _floor(utf8: str, db: str, memory_limit: str) -> None:
    import duckdb

    config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": memory_limit}
    if db == ":memory:":  # where an in-memory database spills, when the limit asks for it
        config["temp_directory"] = str(Path(utf8).parent / "floor-memory.tmp")
    con = duckdb.connect(db, config=config)
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{utf8}', {FLOOR_DIALECT})")
    columns = len(con.execute("SELECT * FROM t LIMIT 0").description)
    assert columns == 22, f"the floor parsed {columns} columns, not 22"
    con.close()


def floor_disk(utf8: str, db: str, memory_limit: str) -> None:
    """The primary floor: into a table in a DuckDB file (the harness deleted the file before the run)."""
    if Path(db).exists():
        raise SystemExit(f"{db} exists: every floor run starts from a fresh file")
    _floor(utf8, db, memory_limit)


def floor_memory(utf8: str, memory_limit: str) -> None:
    """The second column: the same read into an in-memory table."""
    _floor(utf8, ":memory:", memory_limit)


def utf8_twin(source: str, target: str) -> None:
    """The UTF-8 twin of a CP932 file, decoded in 16 MiB pieces (undecodable bytes become U+FFFD)."""
    decoder = codecs.getincrementaldecoder("cp932")(errors="replace")
    with Path(source).open("rb") as legacy, Path(target).open("wb") as twin:
        while piece := legacy.read(1 << 24):
            twin.write(decoder.decode(piece).encode("utf-8"))
        twin.write(decoder.decode(b"", final=True).encode("utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# The pandas script. What a competent engineer writes for this one file in an afternoon: pandas reads the CP932
# CSV, every transform runs once per distinct value (unique(), a dict, Series.map), the checks that fit in a few
# lines mark rows as rejected with a reason, and the rest goes to a DuckDB file, as fitgap's table does. The
# schema (lengths, required items) is copied from the 項目定義書, as such a script would; it reads only the date
# forms this export uses. It imports nothing from fitgap: it is measured as its own program.


class Bad(Exception):
    """A value the script cannot convert: its row is rejected with this reason."""


_ERAS = {  # 1-digit legacy era code: (first day, last day on which the era's own numbering is used)
    "1": (dt.date(1868, 1, 25), dt.date(1912, 7, 30)),
    "2": (dt.date(1912, 7, 30), dt.date(1926, 12, 25)),
    "3": (dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    "4": (dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    "5": (dt.date(2019, 5, 1), dt.date(9999, 12, 31)),
}
_UNKNOWN_MARKS = ("不詳", "不明", "頃", "推定")
_PUA = re.compile("[\ue000-\uf8ff]")
_TIME = re.compile(r"([0-9]{2})([0-9]{2})|([0-9]{1,2}):([0-9]{2})")


def _text(value: Any, gaiji: dict[int, str]) -> str | None:
    """A source value trimmed, its 外字 through the municipality's table; an empty value is None."""
    if not isinstance(value, str):
        return None
    text = value.strip(" \u3000")
    if not text:
        return None
    if "\ufffd" in text:
        raise Bad("ENCODING_INVALID")
    text = text.translate(gaiji)
    if _PUA.search(text):
        raise Bad("GAIJI_UNMAPPED")
    return text


def _sized(text: str, length: int) -> str:
    if len(text) > length:
        raise Bad("LENGTH_EXCEEDED")
    return text


def _era_date(text: str) -> tuple[str | None, str | None]:
    """(ISO date, None) or (None, the 不詳 text for the 不詳表記 item)."""
    import jaconv

    digits = jaconv.z2h(text, kana=False, ascii=True, digit=True)
    if any(mark in text for mark in _UNKNOWN_MARKS):
        return None, jaconv.h2z(text, kana=True, ascii=True, digit=True)
    try:
        if len(digits) == 8 and digits.isdigit():
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat(), None
        if len(digits) == 7 and digits.isdigit() and digits[0] in _ERAS:
            first, last = _ERAS[digits[0]]
            day = dt.date(first.year + int(digits[1:3]) - 1, int(digits[3:5]), int(digits[5:]))
            if first <= day <= last:
                return day.isoformat(), None
    except ValueError:
        pass
    raise Bad("ERA_DATE_INVALID")


def _lgcode(text: str) -> str:
    """A 5-digit 団体コード gets its check digit; a 6-digit one must carry the right one."""
    if not text.isascii() or not text.isdigit() or len(text) not in (5, 6):
        raise Bad("LGCODE_INVALID")
    check = (11 - sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), text, strict=False)) % 11) % 10
    if len(text) == 6 and text[5] != str(check):
        raise Bad("LGCODE_INVALID")
    return text[:5] + str(check)


def _postal(text: str) -> str:
    digits = text.replace("-", "").replace("〒", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (3, 5, 7):
        raise Bad("POSTAL_INVALID")
    return digits


def _time(text: str) -> str:
    match = _TIME.fullmatch(text)
    if not match:
        raise Bad("TIME_INVALID")
    hour, minute = (match[1], match[2]) if match[1] else (match[3], match[4])
    if int(hour) > 23 or int(minute) > 59:
        raise Bad("TIME_INVALID")
    return f"{int(hour):02d}:{minute}"


def pandas_script(source: str, db: str) -> None:
    """The CSV conversion as a reasonable pandas script: read, transform per distinct value, check, write.

    Per item, as fitgap's mapping (examples/residents/mapping-csv.yaml) and the item's type make it: values
    trimmed; 外字 through gaiji.csv (an unmapped one, or an undecodable byte, rejects the row); Ｎ items to full
    width and X items to half width (jaconv); 宛名番号 and 世帯番号 padded to 15 digits; four code tables; the
    団体コード completed with its check digit; postal codes without the hyphen; 和暦 and 西暦 dates to ISO, a 不詳
    text moved to the 不詳表記 item; times to HH:MM; constants. Checks: the required items present, no value
    longer than its item, no 宛名番号 twice (the first is kept). Rejected rows go to a table with their reason.
    """
    import duckdb
    import jaconv
    import pandas as pd  # type: ignore[import-untyped]

    folder = Path(source).parent
    frame = pd.read_csv(
        source, encoding="cp932", encoding_errors="replace", dtype=str, keep_default_na=False, on_bad_lines="skip"
    )
    gaiji = {
        int(pua[2:], 16): standard
        for pua, standard in pd.read_csv(folder / "gaiji.csv", dtype=str).itertuples(index=False)
    }
    codes = {
        "性別": {"1": "1", "2": "2", "3": "0"},
        "続柄": dict(pd.read_csv(folder / "codes-zokugara.csv", dtype=str).itertuples(index=False)),
        "住民区分": {"J": "1", "G": "2"},
        "異動事由": {"A1": "01", "A2": "02", "B1": "21", "C1": "22"},
    }

    def half(text: str) -> str:
        return str(jaconv.z2h(text, kana=False, ascii=True, digit=True))

    def narrow(length: int) -> Callable[[str], str]:
        return lambda t: _sized(half(t), length)

    def wide(length: int) -> Callable[[str], str]:
        return lambda t: _sized(str(jaconv.h2z(t, kana=True, ascii=True, digit=True)), length)

    def padded(text: str) -> str:
        return _sized(half(text).rjust(15, "0"), 15)

    def coded(table: dict[str, str]) -> Callable[[str], str]:
        def look_up(t: str) -> str:
            key = half(t)
            if key not in table:
                raise Bad("CODE_UNMAPPED")
            return table[key]

        return look_up

    out = pd.DataFrame(index=frame.index)
    rejected: list[tuple[Any, str]] = []  # (row mask, reason)

    def convert(column: str, function: Callable[[str], Any]) -> Any:
        """``function`` once per distinct value, then Series.map; the rows holding a bad value are rejected."""
        values: dict[Any, Any] = {}
        bad: dict[str, list[Any]] = {}
        for value in frame[column].unique():
            try:
                text = _text(value, gaiji)
                values[value] = None if text is None else function(text)
            except Bad as failure:
                bad.setdefault(str(failure), []).append(value)
        for reason, values_of in bad.items():
            rejected.append((frame[column].isin(values_of), reason))
        return frame[column].map(values)

    items: list[tuple[str, str, Callable[[str], Any]]] = [
        ("atenabango", "宛名番号", padded),
        ("setaibango", "世帯番号", padded),
        ("juminhyokodo", "住民票コード", narrow(11)),
        ("kojinbango", "個人番号", narrow(12)),
        ("shimei", "氏名", wide(100)),
        ("shimei_yomigana", "氏名カナ", wide(100)),
        ("seibetsu", "性別", coded(codes["性別"])),
        ("zokugara", "続柄", coded(codes["続柄"])),
        ("juminkubun", "住民区分", coded(codes["住民区分"])),
        ("jusho_shikuchosonkodo", "団体コード", lambda t: _lgcode(narrow(6)(t))),
        ("jusho_choazakodo", "町字コード", narrow(7)),
        ("jusho_yubinbango", "郵便番号", lambda t: _postal(narrow(8)(t))),
        ("jusho_choaza", "町字", wide(18)),
        ("jusho_banchigohyoki", "番地", wide(50)),
        ("jusho_katagaki", "方書", wide(300)),
        ("idojiyu", "異動事由", coded(codes["異動事由"])),
        ("sosashaid", "操作者", narrow(10)),
        ("sosajikoku", "操作時刻", lambda t: _time(narrow(8)(t))),
    ]
    for item, column, function in items:
        out[item] = convert(column, function)
    for item, column in (("seinengappi", "生年月日"), ("juminnonattanengappi", "住民日")):
        pairs = convert(column, _era_date)  # (date, 不詳 text): the text goes to the 不詳表記 item
        out[item] = pairs.str[0]
        out[f"{item}_fushohyoki"] = pairs.str[1].map(lambda t: t and _sized(t, 72), na_action="ignore")

    def plain_date(text: str) -> str:
        date, unknown = _era_date(text)
        if unknown is not None:  # no 不詳表記 item to take it
            raise Bad("DATE_UNKNOWN")
        return date  # type: ignore[return-value]

    out["idonengappi"] = convert("異動日", plain_date)
    out["sosanengappi"] = convert("操作日", plain_date)
    out["shimeimiteikubun"] = "0"
    out["jusho_todofuken"] = "北海道"
    out["jusho_shikugunchosonmei"] = "茅部郡森町"
    out["shojonengappi"] = None
    required = [
        "atenabango", "setaibango", "seibetsu", "zokugara", "juminkubun", "jusho_shikuchosonkodo", "idojiyu",
        "idonengappi", "sosashaid", "sosanengappi", "sosajikoku",
    ]  # fmt: skip
    failed = pd.Series(False, index=out.index)
    for mask, _ in rejected:
        failed |= mask
    for item in required:  # a value rejected above is missing too: its row has its reason already
        missing = out[item].isna() & ~failed
        rejected.append((missing, f"REQUIRED_MISSING {item}"))
        failed |= missing
    duplicated = out[~failed].duplicated("atenabango").reindex(out.index, fill_value=False)
    rejected.append((duplicated, "KEY_DUPLICATE"))
    failed |= duplicated
    reasons = pd.concat(
        [pd.DataFrame({"row": out.index[mask], "reason": reason}) for mask, reason in rejected if mask.any()]
        or [pd.DataFrame({"row": [], "reason": []})]
    )
    residents = out.loc[~failed, COLUMNS]
    con = duckdb.connect(db)
    con.register("residents_frame", residents)
    con.register("rejected_frame", reasons)
    con.execute("CREATE TABLE residents AS SELECT * FROM residents_frame")
    con.execute("CREATE TABLE rejected AS SELECT * FROM rejected_frame")
    con.close()


COLUMNS = [  # the items of 001 住民, in the standard's order (fitgap's table has the same, then its lineage)
    "atenabango", "setaibango", "juminhyokodo", "kojinbango", "shimei", "shimei_yomigana", "shimeimiteikubun",
    "seinengappi", "seinengappi_fushohyoki", "seibetsu", "zokugara", "juminkubun", "jusho_shikuchosonkodo",
    "jusho_choazakodo", "jusho_yubinbango", "jusho_todofuken", "jusho_shikugunchosonmei", "jusho_choaza",
    "jusho_banchigohyoki", "jusho_katagaki", "juminnonattanengappi", "juminnonattanengappi_fushohyoki", "idojiyu",
    "idonengappi", "shojonengappi", "sosashaid", "sosanengappi", "sosajikoku",
]  # fmt: skip


def pandas_agreement(pandas_db: str, fitgap_db: str) -> None:
    """Not timed: the script's table against fitgap's, on the key (JSON on stdout): rows each kept, rows only
    one kept, and the values that differ, by item."""
    import json

    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{pandas_db}' AS p (READ_ONLY)")
    con.execute(f"ATTACH '{fitgap_db}' AS f (READ_ONLY)")
    counts = ", ".join(f'count_if(p."{c}" IS DISTINCT FROM f."{c}") AS "{c}"' for c in COLUMNS)
    joined = 'p.residents p JOIN f."001_住民" f USING (atenabango)'
    row = con.execute(f"SELECT count(*), {counts} FROM {joined}").fetchone()
    assert row is not None
    pandas_rows = con.execute("SELECT count(*) FROM p.residents").fetchone()[0]  # type: ignore[index]
    fitgap_rows = con.execute('SELECT count(*) FROM f."001_住民"').fetchone()[0]  # type: ignore[index]
    rejected = dict(con.execute("SELECT reason, count(*) FROM p.rejected GROUP BY reason ORDER BY reason").fetchall())
    rejected_rows = con.execute("SELECT count(DISTINCT row) FROM p.rejected").fetchone()[0]  # type: ignore[index]
    con.close()
    print(
        json.dumps(
            {
                "fitgap_rows": fitgap_rows,
                "pandas_rows": pandas_rows,
                "both": row[0],
                "cells": row[0] * len(COLUMNS),
                "differing": {c: n for c, n in zip(COLUMNS, row[1:], strict=True) if n},
                "pandas_rejected": rejected,
                "pandas_rejected_rows": rejected_rows,
            },
            ensure_ascii=False,
        )
    )


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
    from validation.rules import CATALOG_RULE_EXPECTATION

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
    # The rules GX has no built-in for (their SQL is the check) have no pandas form; the column rules are the same.
    expectations = [
        get_expectation_impl(r.expectation["type"])(**r.expectation["kwargs"])
        for r in plan.rules
        if r.expectation["type"] != CATALOG_RULE_EXPECTATION
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
