"""Deterministic synthetic legacy exports of a resident registry (住民 group), for the demo, tests and
benchmarks. No real person's data: names are random pairs from short lists of common names, numbers are
random (My Numbers carry a valid check digit so the masking is exercised).

The legacy layout is what a 2000s-era 住基 system exported: CP932, 和暦 dates in packed GYYMMDD, half-width
kana readings, legacy codes, 5-digit 団体コード, 外字 in the user-defined area, hyphenated postal codes.
A few rows are deliberately bad (one of each kind) so that quarantine shows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from converters import format_era
from spec_catalog.checkdigits import my_number_check_digit
from spec_catalog.language import say

SURNAMES = [
    ("佐藤", "ｻﾄｳ"),
    ("鈴木", "ｽｽﾞｷ"),
    ("高橋", "ﾀｶﾊｼ"),
    ("田中", "ﾀﾅｶ"),
    ("渡辺", "ﾜﾀﾅﾍﾞ"),
    ("伊藤", "ｲﾄｳ"),
    ("山本", "ﾔﾏﾓﾄ"),
    ("中村", "ﾅｶﾑﾗ"),
    ("小林", "ｺﾊﾞﾔｼ"),
    ("加藤", "ｶﾄｳ"),
    ("吉田", "ﾖｼﾀﾞ"),
    ("山田", "ﾔﾏﾀﾞ"),
    ("森", "ﾓﾘ"),
    ("\ue000橋", "ﾀｶﾊｼ"),
    ("斉藤", "ｻｲﾄｳ"),
]
GIVEN = [
    ("花子", "ﾊﾅｺ"),
    ("太郎", "ﾀﾛｳ"),
    ("一郎", "ｲﾁﾛｳ"),
    ("美咲", "ﾐｻｷ"),
    ("翔太", "ｼﾖｳﾀ"),
    ("陽菜", "ﾋﾅ"),
    ("蓮", "ﾚﾝ"),
    ("結衣", "ﾕｲ"),
    ("大輔", "ﾀﾞｲｽｹ"),
    ("由美子", "ﾕﾐｺ"),
    ("健", "ｹﾝ"),
    ("さくら", "ｻｸﾗ"),
    ("\ue001子", "ﾖｼｺ"),
]
TOWNS = [("0001001", "本町"), ("0002001", "御幸町"), ("0003001", "新川町"), ("0004001", "港町"), ("0005001", "砂原")]
SEX = ["1", "2", "3"]  # legacy: 1 男, 2 女, 3 不明
RELATION = ["10", "20", "21", "30", "30", "30", "40", "41", "50", "90"]
RESIDENT = ["J", "J", "J", "J", "G"]
MOVE = ["A1", "A2", "B1", "C1"]

# The legacy layout: (name, byte length in the fixed-width file).
LAYOUT: list[tuple[str, int]] = [
    ("宛名番号", 10),
    ("世帯番号", 10),
    ("住民票コード", 11),
    ("個人番号", 12),
    ("氏名", 20),
    ("氏名カナ", 20),
    ("生年月日", 7),
    ("性別", 1),
    ("続柄", 2),
    ("住民区分", 1),
    ("団体コード", 5),
    ("町字コード", 7),
    ("郵便番号", 8),
    ("町字", 12),
    ("番地", 16),
    ("方書", 20),
    ("住民日", 7),
    ("異動事由", 2),
    ("異動日", 7),
    ("操作者", 6),
    ("操作日", 8),
    ("操作時刻", 4),
]
RECORD_LENGTH = sum(length for _, length in LAYOUT)
# The 型 of each field in the record layout a vendor hands over with the fixed-width file (9 digits, X
# half-width text and kana, N double-byte text) and a note on its content.
LAYOUT_TYPES: dict[str, tuple[str, str]] = {
    "宛名番号": ("9", ""),
    "世帯番号": ("9", ""),
    "住民票コード": ("9", ""),
    "個人番号": ("9", ""),
    "氏名": ("N", "氏と名の間は全角空白"),
    "氏名カナ": ("X", "半角カナ"),
    "生年月日": ("9", "和暦 GYYMMDD（元号 1明治 2大正 3昭和 4平成 5令和）"),
    "性別": ("9", "1男 2女 3不明"),
    "続柄": ("9", ""),
    "住民区分": ("X", "J日本人 G外国人"),
    "団体コード": ("9", "検査数字なし5桁"),
    "町字コード": ("9", ""),
    "郵便番号": ("X", "ハイフン付き"),
    "町字": ("N", ""),
    "番地": ("N", ""),
    "方書": ("N", ""),
    "住民日": ("9", "和暦 GYYMMDD"),
    "異動事由": ("X", ""),
    "異動日": ("9", "和暦 GYYMMDD"),
    "操作者": ("X", ""),
    "操作日": ("9", "西暦 YYYYMMDD"),
    "操作時刻": ("9", "HHMM"),
}

# One deliberately bad row of each kind, at these row numbers (1-based), whatever the size.
BAD_ROWS = {7: "era", 13: "gaiji", 17: "code", 23: "columns", 29: "encoding", 31: "split", 37: "unknown_date"}


def _my_number(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(11))
    return body + str(my_number_check_digit(body))


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days))


def rows(count: int, seed: int = 20261126, start: int = 1) -> Iterator[dict[str, str]]:
    """``count`` legacy records as dicts of the layout's field names (values as the legacy system wrote them).

    宛名番号 run from ``start``; the deliberately bad records are the same record numbers whatever the start.
    """
    rng = random.Random(seed)
    household = start - 1
    for n in range(1, count + 1):
        if n == 1 or rng.random() < 0.4:
            household += 1
        surname, surname_kana = rng.choice(SURNAMES)
        given, given_kana = rng.choice(GIVEN)
        born = _date(rng, dt.date(1920, 1, 1), dt.date(2024, 12, 31))
        moved_in = _date(rng, max(born, dt.date(1970, 1, 1)), dt.date(2025, 3, 31))
        town_code, town = rng.choice(TOWNS)
        record = {
            "宛名番号": f"{start + n - 1:010d}",
            "世帯番号": f"{household:010d}",
            "住民票コード": "".join(rng.choice("0123456789") for _ in range(11)),
            "個人番号": _my_number(rng),
            "氏名": f"{surname}\u3000{given}",
            "氏名カナ": f"{surname_kana} {given_kana}",
            "生年月日": format_era(born, "packed"),
            "性別": rng.choice(SEX),
            "続柄": rng.choice(RELATION),
            "住民区分": rng.choice(RESIDENT),
            "団体コード": "01345",
            "町字コード": town_code,
            "郵便番号": f"049-{rng.randrange(2300, 2400):04d}",
            "町字": town,
            "番地": f"{rng.randrange(1, 300)}番地{rng.randrange(1, 20)}".translate(
                str.maketrans("0123456789", "０１２３４５６７８９")
            ),
            "方書": rng.choice(["", "", "", "森ハイツ１０１", "御幸荘２号室"]),
            "住民日": format_era(moved_in, "packed"),
            "異動事由": rng.choice(MOVE),
            "異動日": format_era(moved_in, "packed"),
            "操作者": f"OP{rng.randrange(1, 30):04d}",
            "操作日": "20250401",
            "操作時刻": f"{rng.randrange(8, 18):02d}{rng.randrange(0, 60):02d}",
        }
        kind = BAD_ROWS.get(n)
        if kind == "era":
            record["生年月日"] = "4310501"  # 平成31年5月1日: no such day
        elif kind == "gaiji":
            record["氏名"] = "森\u3000\ue0ff子"  # a 外字 the municipality's table does not have
        elif kind == "code":
            record["続柄"] = "99"  # a legacy code the code table does not know
        elif kind == "unknown_date":
            record["生年月日"] = "不詳"
        yield record


def write_csv(path: Path, count: int, seed: int = 20261126, start: int = 1) -> Path:
    """A CP932 CSV with a header row and CRLF; the bad rows include a short row and undecodable bytes."""
    names = [name for name, _ in LAYOUT]
    with path.open("wb") as out:
        out.write((",".join(names) + "\r\n").encode("cp932"))
        for n, record in enumerate(rows(count, seed, start), start=1):
            values = [record[name] for name in names]
            if BAD_ROWS.get(n) == "columns":
                values = values[:-3]
            line = (",".join(values) + "\r\n").encode("cp932")
            if BAD_ROWS.get(n) == "encoding":
                line = line.replace("番地".encode("cp932"), b"\x85\x40\x85\x40", 1)  # not CP932 characters
            out.write(line)
    return path


def _field(value: str, length: int) -> bytes:
    data = value.encode("cp932")
    if len(data) > length:
        # A fault of the generator (its values are synthetic), never of the user's input.
        raise ValueError(say(f"{value!r} が {length} バイトに収まりません", f"{value!r} does not fit {length} bytes"))
    return data + b" " * (length - len(data))


def write_fixed(path: Path, count: int, seed: int = 20261126, start: int = 1) -> Path:
    """Byte-positioned CP932 records of :data:`RECORD_LENGTH` bytes and CRLF; one record has a field whose
    byte range cuts a double-byte character."""
    with path.open("wb") as out:
        for n, record in enumerate(rows(count, seed, start), start=1):
            data = b"".join(_field(record[name], length) for name, length in LAYOUT)
            if BAD_ROWS.get(n) == "split":
                # 氏名 starts at byte 44 and is 20 bytes: 9 double-byte characters and one lead byte.
                start = sum(length for name, length in LAYOUT[:4])
                data = data[:start] + b" " + "森".encode("cp932") * 9 + b"\x96" + data[start + 20 :]
            elif BAD_ROWS.get(n) == "encoding":
                data = data.replace("番地".encode("cp932"), b"\x85\x40\x85\x40", 1)
            out.write(data + b"\r\n")
    return path


def layout_path(path: Path) -> Path:
    """Where the record layout of the fixed-width file ``path`` is written: ``residents_layout.csv`` beside it."""
    return path.with_name(f"{path.stem}_layout.csv")


def write_layout(path: Path) -> Path:
    """The record layout of :func:`write_fixed`'s records, as a vendor hands it over: a CP932 CSV with a title
    line, then one row per field with 順序, 項目名, 開始位置, バイト数, 型 and 備考."""
    lines = [
        "住民記録システム 住民情報ファイル レコードレイアウト",
        f"レコード長 {RECORD_LENGTH} バイト（CRLF を含まない）,文字コード CP932",
        "",
        "順序,項目名,開始位置,バイト数,型,備考",
    ]
    start = 1
    for number, (name, length) in enumerate(LAYOUT, start=1):
        kind, note = LAYOUT_TYPES[name]
        lines.append(f"{number},{name},{start},{length},{kind},{note}")
        start += length
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def generate(path: Path, count: int, fmt: Literal["csv", "fixed"], seed: int = 20261126, start: int = 1) -> Path:
    return write_csv(path, count, seed, start) if fmt == "csv" else write_fixed(path, count, seed, start)
