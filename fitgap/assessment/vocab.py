"""The vocabularies of a Fit & Gap assessment (domain.md §5), with their Japanese and English labels.

Each value is what the workbook's drop-down lists hold; the readers also accept the Japanese label.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class GapClass(StrEnum):
    FIT = "FIT"
    FIT_WITH_CONFIG = "FIT_WITH_CONFIG"
    GAP_OPERATION = "GAP_OPERATION"
    GAP_BPR = "GAP_BPR"
    GAP_OPTION_NOT_ADOPTED = "GAP_OPTION_NOT_ADOPTED"
    GAP_PROHIBITED = "GAP_PROHIBITED"
    GAP_EXTERNAL = "GAP_EXTERNAL"
    GAP_EUC = "GAP_EUC"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"


GAP_LABELS: dict[GapClass, tuple[str, str]] = {
    GapClass.FIT: ("適合（標準機能のまま）", "Fit: the standard function as it is"),
    GapClass.FIT_WITH_CONFIG: ("設定で適合（パラメータ設定）", "Fit with configuration (parameters)"),
    GapClass.GAP_OPERATION: ("運用で対応", "Gap handled by changed operation"),
    GapClass.GAP_BPR: ("業務の見直し（BPR）", "Gap: the work is redesigned (BPR)"),
    GapClass.GAP_OPTION_NOT_ADOPTED: ("標準オプション不採用", "Standard option not adopted"),
    GapClass.GAP_PROHIBITED: ("実装不可機能の廃止（強制ギャップ）", "Prohibited function retired (forced gap)"),
    GapClass.GAP_EXTERNAL: ("独自施策システムへ移行", "Moves to a loosely coupled 独自施策システム"),
    GapClass.GAP_EUC: ("EUCで対応", "Handled by EUC"),
    GapClass.OUT_OF_SCOPE: ("対象外", "Out of scope"),
}

# Classes whose decision creates work to do (an action with an owner, a due date and a status).
NEEDS_ACTION = frozenset(
    {
        GapClass.FIT_WITH_CONFIG,
        GapClass.GAP_OPERATION,
        GapClass.GAP_BPR,
        GapClass.GAP_PROHIBITED,
        GapClass.GAP_EXTERNAL,
        GapClass.GAP_EUC,
    }
)
FIT_CLASSES = frozenset({GapClass.FIT, GapClass.FIT_WITH_CONFIG})

# Order of the gap list: the most serious first.
GAP_SEVERITY: dict[GapClass, int] = {
    GapClass.GAP_PROHIBITED: 0,
    GapClass.GAP_BPR: 2,
    GapClass.GAP_EXTERNAL: 3,
    GapClass.GAP_EUC: 4,
    GapClass.GAP_OPERATION: 5,
    GapClass.FIT_WITH_CONFIG: 6,
    GapClass.GAP_OPTION_NOT_ADOPTED: 7,
}


class CurrentUse(StrEnum):
    IN_USE = "使用中"
    NOT_USED = "未使用"


class Status(StrEnum):
    NOT_STARTED = "未着手"
    IN_PROGRESS = "対応中"
    DONE = "完了"
    ON_HOLD = "保留"


class Fate(StrEnum):
    """What happens to a current function that matches no standard function (独自機能)."""

    RETIRE = "廃止"
    EXTERNAL = "独自施策システムへ移行"
    EUC = "EUCで対応"
    STANDARD = "標準機能で代替"


class CurrentLinkMethod(StrEnum):
    FILE = "ファイル"
    API = "API"
    MANUAL = "手作業"


_ALIASES: dict[str, str] = {
    "in use": "使用中",
    "used": "使用中",
    "not used": "未使用",
    "unused": "未使用",
    "not started": "未着手",
    "in progress": "対応中",
    "done": "完了",
    "on hold": "保留",
    "retire": "廃止",
    "file": "ファイル",
    "manual": "手作業",
}


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def parse_choice(enum: type[E], text: str) -> E | None:
    """The member whose value, Japanese label or English alias is ``text``; None when nothing matches."""
    key = _key(text)
    key = _ALIASES.get(key, key)
    for member in enum:
        if _key(member.value) == _key(key):
            return member
    if enum is GapClass:
        for gap, (ja, en) in GAP_LABELS.items():
            if key in (_key(ja), _key(en)):
                return gap  # type: ignore[return-value]
    return None
