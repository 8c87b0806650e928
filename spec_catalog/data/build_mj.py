"""Build ``mj/mji.tsv.gz`` and ``mj/mjsm.tsv.gz``, the MJ character data the package ships (:mod:`spec_catalog.mj`),
from the fixtures ``mji.csv``, ``mji_reading.csv`` and ``mjsm.csv`` (MJ文字情報一覧表 Ver.006.02 and MJ縮退マップ
Ver.1.2.0, IPA / 文字情報技術促進協議会, CC BY-SA 2.1 JP, as flattened by ``@mandel59/mojidata``; see
``mj/LICENSE.md`` and ``README.md``).

Rebuild (from the repository root, the fixtures beside it as ``../shared/fixtures/``)::

    .venv/bin/python -m spec_catalog.data.build_mj [SOURCE_DIR] [-o OUTPUT_DIR]

The build is repeatable: the same sources give the same text (``tests/spec_catalog/test_mj.py`` rebuilds it and
compares it with the shipped files, decompressed; the gzip header carries no time or name). What it keeps, and why:

- ``mji.tsv.gz``, one line per MJ character, by MJ文字図形名: ``mj_id``, ``ucs`` (実装したUCS, the character
  itself), ``ivs`` (実装したMoji_JohoコレクションIVS, the whole sequence), ``svs`` (実装したSVS, the whole
  sequence), ``koseki`` (戸籍統一文字番号), ``juki`` (住基ネット統一文字コード, ``J+XXXX``), ``x0213`` (面-区-点 the
  glyph falls under, 包摂 included) and ``x0213_inclusion`` (X0213_包摂区分, as the table gives it), ``strokes``
  (総画数) and ``readings`` (the 音訓 of ``mji_reading.csv``, space-separated, in the source's order). The
  other columns (対応するUCS — always the IVS's base —, 入管, 漢字施策, 互換漢字, X0212, 登記, version) go;
- ``mjsm.tsv.gz``, one line per 縮退 candidate, by MJ文字図形名 then in the source's order: ``mj_id``, ``table``
  (the code of :class:`spec_catalog.mj.ShrinkTable`), ``note`` (法務省告示582号別表第四's 表 一/二, 民一2842号's
  俗字/別字/無印), ``target`` (縮退UCS, the character), ``x0213`` (縮退X0213) and ``rank`` (the 582号 順位 or
  the 戸籍統一文字情報 ホップ数; empty for the other tables).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2] / "shared" / "fixtures" / "mj"
DEFAULT_OUTPUT = HERE / "mj"
MJI = "mji.tsv.gz"
MJSM = "mjsm.tsv.gz"
MJI_COLUMNS = ("mj_id", "ucs", "ivs", "svs", "koseki", "juki", "x0213", "x0213_inclusion", "strokes", "readings")
MJSM_COLUMNS = ("mj_id", "table", "note", "target", "x0213", "rank")
SOURCE_MJI_COLUMNS = (
    "MJ文字図形名",
    "対応するUCS",
    "実装したUCS",
    "実装したMoji_JohoコレクションIVS",
    "実装したSVS",
    "戸籍統一文字番号",
    "住基ネット統一文字コード",
    "入管正字コード",
    "入管外字コード",
    "漢字施策",
    "対応する互換漢字",
    "X0213",
    "X0213_包摂連番",
    "X0213_包摂区分",
    "X0212",
    "MJ文字図形バージョン",
    "登記統一文字番号",
    "総画数",
)
SOURCE_READING_COLUMNS = ("MJ文字図形名", "読み")
SOURCE_MJSM_COLUMNS = ("MJ文字図形名", "表", "縮退UCS", "縮退X0213", "順位・ホップ数")
# The flattened table names of mjsm.csv → (ShrinkTable code, note).
TABLES = {
    "JIS包摂規準UCS統合規則": ("jis_inclusion", ""),
    "戸籍統一文字情報_親字正字": ("koseki_parent", ""),
    "民一2842号通達別表_誤字俗字正字一覧表_俗字": ("minichi_2842", "俗字"),
    "民一2842号通達別表_誤字俗字正字一覧表_別字": ("minichi_2842", "別字"),
    "民一2842号通達別表_誤字俗字正字一覧表_無印": ("minichi_2842", "無印"),
    "民二5202号通知別表_正字俗字等対照表": ("minni_5202", ""),
    "法務省告示582号別表第四_一": ("moj_582", "一"),
    "法務省告示582号別表第四_二": ("moj_582", "二"),
    "辞書類等による関連字": ("dictionaries", ""),
    "読み字形による類推": ("reading_glyph", ""),
}
_MJ_ID = re.compile(r"MJ\d{6}")
_X0213 = re.compile(r"[12]-\d{2}-\d{2}")
_JUKI = re.compile(r"J\+[0-9A-F]{4}")
_KOSEKI = re.compile(r"\d{6}")
_IVS = re.compile(r".[\U000E0100-\U000E01EF]", re.DOTALL)
_SVS = re.compile(r".[\uFE00-\uFE0F]", re.DOTALL)


def _read(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise SystemExit(f"{path}: unexpected columns {reader.fieldnames}")
        return list(reader)


def _check(field: str, value: str, pattern: re.Pattern[str], mj_id: str) -> str:
    """What the package relies on; a source that breaks it stops the build."""
    if value and not pattern.fullmatch(value):
        raise SystemExit(f"{mj_id}: {field} {value!r} is not in the expected form")
    return value


def _tsv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    for row in rows:
        for column in columns:
            if any(c in row[column] for c in "\t\n\r"):
                raise SystemExit(f"{row['mj_id']}: a tab or line break in {column}")
    lines = ["\t".join(columns)] + ["\t".join(row[c] for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


def build_mji(source: Path) -> str:
    """The text of ``mji.tsv`` (UTF-8, LF, a header line, one line per MJ character by MJ文字図形名)."""
    readings: dict[str, list[str]] = {}
    for row in _read(source / "mji_reading.csv", SOURCE_READING_COLUMNS):
        readings.setdefault(row["MJ文字図形名"], []).append(row["読み"])
    rows = []
    seen: dict[str, dict[str, str]] = {"ucs": {}, "ivs": {}, "svs": {}, "koseki": {}, "juki": {}}
    for row in _read(source / "mji.csv", SOURCE_MJI_COLUMNS):
        mj_id = _check("MJ文字図形名", row["MJ文字図形名"], _MJ_ID, row["MJ文字図形名"])
        ucs = row["実装したUCS"]
        if ucs and len(ucs) != 1:
            raise SystemExit(f"{mj_id}: 実装したUCS is not one character")
        if not row["総画数"].isdigit():
            raise SystemExit(f"{mj_id}: 総画数 {row['総画数']!r} is not a number")
        words = readings.pop(mj_id, [])
        if any(" " in w or not w for w in words):
            raise SystemExit(f"{mj_id}: a reading is empty or holds a space")
        out = {
            "mj_id": mj_id,
            "ucs": ucs,
            "ivs": _check("IVS", row["実装したMoji_JohoコレクションIVS"], _IVS, mj_id),
            "svs": _check("SVS", row["実装したSVS"], _SVS, mj_id),
            "koseki": _check("戸籍統一文字番号", row["戸籍統一文字番号"], _KOSEKI, mj_id),
            "juki": _check("住基ネット統一文字コード", row["住基ネット統一文字コード"], _JUKI, mj_id),
            "x0213": _check("X0213", row["X0213"], _X0213, mj_id),
            "x0213_inclusion": row["X0213_包摂区分"],
            "strokes": row["総画数"],
            "readings": " ".join(words),
        }
        for key, index in seen.items():  # every code names one MJ character: lookups rely on it
            if out[key] and index.setdefault(out[key], mj_id) != mj_id:
                raise SystemExit(f"{mj_id}: {key} {out[key]!r} is also {index[out[key]]}'s")
        rows.append(out)
    if readings:
        raise SystemExit(f"readings of characters not in mji.csv: {sorted(readings)[:5]}")
    rows.sort(key=lambda r: r["mj_id"])
    return _tsv(MJI_COLUMNS, rows)


def build_mjsm(source: Path, known: set[str]) -> str:
    """The text of ``mjsm.tsv`` (one line per 縮退 candidate, by MJ文字図形名, then in the source's order)."""
    rows = []
    for row in _read(source / "mjsm.csv", SOURCE_MJSM_COLUMNS):
        mj_id = _check("MJ文字図形名", row["MJ文字図形名"], _MJ_ID, row["MJ文字図形名"])
        if mj_id not in known:
            raise SystemExit(f"{mj_id}: in the 縮退マップ but not in mji.csv")
        if row["表"] not in TABLES:
            raise SystemExit(f"{mj_id}: unknown 縮退 table {row['表']!r}")
        table, note = TABLES[row["表"]]
        rank = row["順位・ホップ数"]
        if rank and not rank.isdigit():
            raise SystemExit(f"{mj_id}: 順位・ホップ数 {rank!r} is not a number")
        if len(row["縮退UCS"]) != 1:
            raise SystemExit(f"{mj_id}: 縮退UCS is not one character")
        rows.append(
            {
                "mj_id": mj_id,
                "table": table,
                "note": note,
                "target": row["縮退UCS"],
                "x0213": _check("縮退X0213", row["縮退X0213"], _X0213, mj_id),
                "rank": rank,
            }
        )
    rows.sort(key=lambda r: r["mj_id"])  # stable: each character's rows stay in the source's order
    return _tsv(MJSM_COLUMNS, rows)


def build(source: Path) -> dict[str, str]:
    """The shipped files' texts, by file name."""
    mji = build_mji(source)
    known = {line.split("\t", 1)[0] for line in mji.splitlines()[1:]}
    return {MJI: mji, MJSM: build_mjsm(source, known)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build spec_catalog/data/mj/*.tsv.gz")
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    for name, text in build(args.source).items():
        # No time and no file name in the gzip header: the same text gives the same file.
        data = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
        (args.output / name).write_bytes(data)
        print(f"{args.output / name}: {text.count(chr(10)) - 1} lines, {len(data):,} bytes", file=sys.stderr)
    return 0


def read_shipped(directory: Path = DEFAULT_OUTPUT) -> dict[str, str]:
    """The shipped files' texts (decompressed), to compare with :func:`build`."""
    return {name: gzip.decompress((directory / name).read_bytes()).decode("utf-8") for name in (MJI, MJSM)}


if __name__ == "__main__":
    raise SystemExit(main())
