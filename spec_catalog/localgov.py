"""The national code table of local governments (全国地方公共団体コード) and its history, shipped with the package.

Two tables in ``data/`` (``data/README.md`` names their sources and licences):

- ``localgov.csv``: the current cities, wards, towns and villages (code4fukui/localgovjp): the list
  :func:`all_local_governments` returns and the names :func:`lookup` prefers (``札幌市 中央区``);
- ``localgov-history.csv``: every code since 1970-04-01 with its validity period and successors, and the 47
  prefectures (e-Stat via jpcity, built by ``data/build_localgov_history.py``). It is newer (to 2024-05-26)
  and decides whether a code exists and when it was in force: :func:`history_of`, :func:`in_force_on`,
  :func:`current_successors`, and :func:`lookup` (a code the history says abolished is refused, with its
  successor). The two agree on every current code but 浜松市's wards, reorganised on 2024-01-01 (the old wards
  are current only in ``localgov.csv``), and the six 北方領土 villages (only in the history).

Both load on first use: a command that never looks a code up reads neither file.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.checkdigits import complete_local_government_code, is_valid_local_government_code
from spec_catalog.language import say

_TABLE = Path(__file__).parent / "data" / "localgov.csv"
_HISTORY = Path(__file__).parent / "data" / "localgov-history.csv"
HISTORY_START = dt.date(1970, 4, 1)  # the history's first day: an open start means "in force on or before"


class LocalGovernment(FrozenModel):
    code: str  # 6 digits with check digit
    prefecture: str
    name: str  # e.g. 森町, 札幌市 中央区; a prefecture's own name (東京都) for a prefecture
    kana: str

    @property
    def kind(self) -> str:
        """市, 区, 町 or 村, from the last character of the name (政令市の区 end in 区); 都, 道, 府 or 県 for a
        prefecture."""
        return self.name.rstrip()[-1]

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}（{self.prefecture}）"


class CodeHistory(FrozenModel):
    """One 団体コード over time: when it was in force and what replaced it."""

    code: str  # 6 digits with check digit
    prefecture: str
    name: str  # the name under this code (東京都 for a prefecture); no space before a ward
    kana: str  # empty for a prefecture
    kind: str  # prefecture, city, designated_city, designated_city_ward, special_ward, town, village, …
    valid_from: dt.date | None  # the first day in force; None: since the history's start (1970-04-01) or before
    valid_to: dt.date | None  # the first day no longer in force (施行日 of the change); None: in force today
    change: str  # why it ended: 編入合併, 新設合併, 市制施行, 区の再編 … (empty while in force)
    successors: tuple[str, ...]  # the codes it became on valid_to
    current_successors: tuple[str, ...]  # those followed to the codes in force today (several: it was split)

    @property
    def in_force(self) -> bool:
        return self.valid_to is None

    @property
    def is_prefecture(self) -> bool:
        return self.kind == "prefecture"

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}（{self.prefecture}）"

    def in_force_on(self, day: dt.date) -> bool:
        """In force on ``day``: from ``valid_from`` (an open start is in force before 1970 too) to the day before
        ``valid_to``."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


@cache
def _table() -> dict[str, LocalGovernment]:
    with _TABLE.open(encoding="utf-8", newline="") as handle:
        return {
            row["lgcode"]: LocalGovernment(
                code=row["lgcode"], prefecture=row["pref"], name=row["city"], kana=row["citykana"]
            )
            for row in csv.DictReader(handle)
        }


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split(";")) if text else ()


@cache
def _history() -> dict[str, CodeHistory]:
    with _HISTORY.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: CodeHistory(
                code=row["code"],
                prefecture=row["prefecture"],
                name=row["name"],
                kana=row["kana"],
                kind=row["kind"],
                valid_from=dt.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
                valid_to=dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                change=row["change"],
                successors=_codes(row["successors"]),
                current_successors=_codes(row["current_successors"]),
            )
            for row in csv.DictReader(handle)
        }


def all_local_governments() -> list[LocalGovernment]:
    """The current cities, wards, towns and villages of ``localgov.csv`` (no prefecture)."""
    return list(_table().values())


def code_history() -> list[CodeHistory]:
    """Every code of the history, prefectures included, by code."""
    return list(_history().values())


def _six_digits(code: str) -> str | None:
    """The 6-digit form of a 5- or 6-digit code (a 5-digit one completed with its check digit)."""
    text = code.strip()
    if not text.isascii() or not text.isdigit():
        return None
    if len(text) == 5:
        return complete_local_government_code(text)
    return text if len(text) == 6 else None


def history_of(code: str) -> CodeHistory | None:
    """The history of a 6-digit code (a legacy 5-digit one is completed); None for a code that never existed
    since 1970 (or has a wrong check digit)."""
    text = _six_digits(code)
    return _history().get(text) if text else None


def in_force_on(code: str, day: dt.date) -> bool:
    """Whether ``code`` was in force on ``day`` (False for a code that never existed)."""
    record = history_of(code)
    return record is not None and record.in_force_on(day)


def current_successors(code: str) -> tuple[str, ...]:
    """The codes in force today that ``code`` became: itself while in force, several where it was split, none
    for a code that never existed."""
    record = history_of(code)
    if record is None:
        return ()
    return (record.code,) if record.in_force else record.current_successors


def nearest_codes(code: str, count: int = 3) -> list[LocalGovernment]:
    """The valid codes numerically closest to ``code`` (by its first five digits)."""
    digits = "".join(c for c in code if c.isdigit())[:5].ljust(5, "0")
    target = int(digits)
    return sorted(_table().values(), key=lambda g: (abs(int(g.code[:5]) - target), g.code))[:count]


def _government(record: CodeHistory) -> LocalGovernment:
    listed = _table().get(record.code)
    return listed or LocalGovernment(code=record.code, prefecture=record.prefecture, name=record.name, kana=record.kana)


def lookup(code: str) -> LocalGovernment:
    """The local government in force under a 6-digit code (a legacy 5-digit code is completed with its check
    digit): a municipality or a prefecture (130001 東京都). An abolished code is refused with its successor."""
    text = code.strip()
    if len(text) == 5 and text.isascii() and text.isdigit():
        text = complete_local_government_code(text)
    if not (len(text) == 6 and text.isascii() and text.isdigit()):
        raise FitgapError(
            say(f"{code!r} は全国地方公共団体コードではありません", f"{code!r} is not a 全国地方公共団体コード"),
            hint=say(
                "検査数字を含む 6 桁のコードを指定してください（例: 森町（北海道）は 013455）",
                "give the 6-digit code with its check digit, e.g. 013455 for 森町 (北海道)",
            ),
        )
    if not is_valid_local_government_code(text):
        fixed = complete_local_government_code(text[:5])
        known = _history().get(fixed)
        nearest = ", ".join(g.label for g in nearest_codes(text))
        suggestion = (
            say(f"{_government(known).label} ではありませんか？", f"did you mean {_government(known).label}?")
            if known
            else say(f"近い有効なコード: {nearest}", f"nearest valid codes: {nearest}")
        )
        raise FitgapError(
            say(
                f"{code} の検査数字が違います（正しくは {fixed[5]}）",
                f"{code} has a wrong check digit (expected {fixed[5]})",
            ),
            hint=suggestion,
        )
    record = _history().get(text)
    if record is None:
        nearest = ", ".join(g.label for g in nearest_codes(text))
        raise FitgapError(
            say(f"コード {text} の地方公共団体はありません", f"no local government has the code {text}"),
            hint=say(f"近い有効なコード: {nearest}", f"nearest valid codes: {nearest}"),
        )
    if not record.in_force:
        successors = ", ".join(_government(_history()[c]).label for c in record.current_successors)
        raise FitgapError(
            say(
                f"{record.label} は {record.valid_to} に廃止されました（{record.change}）",
                f"{record.label} was abolished on {record.valid_to} ({record.change})",
            ),
            hint=say(f"現在のコードを指定してください: {successors}", f"give the code in force today: {successors}"),
        )
    return _government(record)
