"""Build ``localgov-history.csv``, the history of the 全国地方公共団体コード the package ships, from the fixture
``municipality-code-history.csv`` (e-Stat「市区町村を探す」 as processed by the R package jpcity; see README.md).

Rebuild (from the repository root, the fixtures beside it as ``../shared/fixtures/``)::

    .venv/bin/python -m spec_catalog.data.build_localgov_history [SOURCE] [-o OUTPUT]

The build is repeatable: the same source gives the same bytes (``tests/spec_catalog/test_localgov_history.py``
rebuilds it and compares). What it changes from the source, and why:

- ``131008`` 特別区部 goes: a statistical aggregate of e-Stat, not a local government (no 団体コード);
- ``valid_from`` 1970-04-01, the history's start, means "in force on or before": it is written empty;
- the 47 prefectures are added (the source has municipalities only): the code is the two-digit prefecture
  number, ``000`` and the check digit; the name is the source's prefecture; ``valid_from`` is the earliest
  of its municipalities' (沖縄県: 1972-05-15, the reversion); no kana (neither source has it);
- ``kind`` keeps the source's English word (``town(町)`` → ``town``); the successor lists keep ``;``;
  ``code5``, ``successor_names``, ``designated_city`` and ``former_names`` go (derivable or not needed).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from spec_catalog.checkdigits import complete_local_government_code, is_valid_local_government_code

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2] / "shared" / "fixtures" / "localgov" / "municipality-code-history.csv"
DEFAULT_OUTPUT = HERE / "localgov-history.csv"
HISTORY_START = "1970-04-01"  # the source's first date: "in force on or before"
COLUMNS = (
    "code",
    "prefecture",
    "name",
    "kana",
    "kind",
    "valid_from",
    "valid_to",
    "change",
    "successors",
    "current_successors",
)
SOURCE_COLUMNS = (
    "code6",
    "code5",
    "prefecture",
    "name",
    "name_kana",
    "valid_from",
    "valid_to",
    "successor_codes",
    "successor_names",
    "abolition_type",
    "current_successor_codes",
    "designated_city",
    "kind",
    "former_names",
)


def _kind(text: str) -> str:
    return text.split("(", 1)[0]


def _check(rows: list[dict[str, str]]) -> None:
    """What the package relies on; a source that breaks it stops the build."""
    by_code = {row["code"]: row for row in rows}
    if len(by_code) != len(rows):
        raise SystemExit("a code appears twice")
    for row in rows:
        code = row["code"]
        if not is_valid_local_government_code(code):
            raise SystemExit(f"{code}: wrong check digit")
        if row["valid_to"] and row["valid_from"] and row["valid_to"] <= row["valid_from"]:
            raise SystemExit(f"{code}: valid_to not after valid_from")
        if bool(row["valid_to"]) != bool(row["current_successors"]):
            raise SystemExit(f"{code}: an abolished code needs successors, a current one none")
        for successor in filter(None, row["successors"].split(";")):
            if successor not in by_code:
                raise SystemExit(f"{code}: successor {successor} is not in the table")
        for successor in filter(None, row["current_successors"].split(";")):
            if successor not in by_code or by_code[successor]["valid_to"]:
                raise SystemExit(f"{code}: current successor {successor} is not in force")


def build(source: Path) -> str:
    """The shipped CSV's text (UTF-8, LF, a header line, rows by code)."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != SOURCE_COLUMNS:
            raise SystemExit(f"{source}: unexpected columns {reader.fieldnames}")
        raw = list(reader)
    rows = []
    starts: dict[str, list[str]] = {}
    prefectures: dict[str, str] = {}
    for row in raw:
        if row["kind"].startswith("statistical_aggregate"):
            continue
        start = "" if row["valid_from"] == HISTORY_START else row["valid_from"]
        number = row["code6"][:2]
        if prefectures.setdefault(number, row["prefecture"]) != row["prefecture"]:
            raise SystemExit(f"{row['code6']}: prefecture {number} has two names")
        starts.setdefault(number, []).append(start)
        rows.append(
            {
                "code": row["code6"],
                "prefecture": row["prefecture"],
                "name": row["name"],
                "kana": row["name_kana"],
                "kind": _kind(row["kind"]),
                "valid_from": start,
                "valid_to": row["valid_to"],
                "change": row["abolition_type"],
                "successors": row["successor_codes"],
                "current_successors": row["current_successor_codes"],
            }
        )
    for number, name in prefectures.items():
        rows.append(
            {
                "code": complete_local_government_code(number + "000"),
                "prefecture": name,
                "name": name,
                "kana": "",
                "kind": "prefecture",
                # An open start ("") sorts first: any municipality in force since the history's start opens it.
                "valid_from": min(starts[number]),
                "valid_to": "",
                "change": "",
                "successors": "",
                "current_successors": "",
            }
        )
    rows.sort(key=lambda r: r["code"])
    _check(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build spec_catalog/data/localgov-history.csv")
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    text = build(args.source)
    args.output.write_text(text, encoding="utf-8", newline="")
    print(f"{args.output}: {text.count(chr(10)) - 1} codes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
