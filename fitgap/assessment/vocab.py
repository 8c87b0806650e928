"""The vocabularies of a Fit & Gap assessment (domain.md §5), with their Japanese and English labels.

Each value is what the workbook's drop-down lists hold; the readers also accept the labels (those of earlier
versions too).
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


# The label a person reads (the short forms of the glossary, also the drop-downs' Japanese): (Japanese, English).
GAP_LABELS: dict[GapClass, tuple[str, str]] = {
    GapClass.FIT: ("適合", "Fit: the standard function as it is"),
    GapClass.FIT_WITH_CONFIG: ("設定で適合", "Fit with configuration (parameters)"),
    GapClass.GAP_OPERATION: ("運用で対応", "Gap handled by changed operation"),
    GapClass.GAP_BPR: ("業務見直し（BPR）", "Gap: the work is redesigned (BPR)"),
    GapClass.GAP_OPTION_NOT_ADOPTED: ("標準オプション不採用", "Standard option not adopted"),
    GapClass.GAP_PROHIBITED: ("実装不可機能の廃止", "Prohibited function retired (forced gap)"),
    GapClass.GAP_EXTERNAL: ("独自施策システムへ移行", "Moves to a loosely coupled 独自施策システム"),
    GapClass.GAP_EUC: ("EUCで対応", "Handled by EUC"),
    GapClass.OUT_OF_SCOPE: ("対象外", "Out of scope"),
}
# What each class means, for a legend beside the labels: (Japanese, English).
GAP_MEANINGS: dict[GapClass, tuple[str, str]] = {
    GapClass.FIT: ("標準機能をそのまま使う", "The standard function is used as it is"),
    GapClass.FIT_WITH_CONFIG: ("標準機能をパラメータ設定で使う", "The standard function is used with parameters set"),
    GapClass.GAP_OPERATION: ("標準機能に合わせて運用を変える", "The operation changes to fit the standard function"),
    GapClass.GAP_BPR: ("業務のやり方そのものを見直す（BPR）", "The work itself is redesigned (BPR)"),
    GapClass.GAP_OPTION_NOT_ADOPTED: ("標準オプション機能を採用しない", "A standard option is not adopted"),
    GapClass.GAP_PROHIBITED: (
        "現行で使っている実装不可機能を廃止する（廃止が必要な実装不可機能）",
        "A prohibited function used today is retired (forced gap)",
    ),
    GapClass.GAP_EXTERNAL: (
        "標準にない機能を独自施策システムへ移す",
        "The function moves to a loosely coupled 独自施策システム",
    ),
    GapClass.GAP_EUC: ("EUC（職員が作る集計・帳票）で対応する", "Handled by EUC (end-user computing)"),
    GapClass.OUT_OF_SCOPE: ("この団体では対象外", "Not applicable to the municipality"),
}
# Labels of earlier versions, still read back from workbooks filled with them.
_OLD_GAP_LABELS: dict[str, GapClass] = {
    "適合（標準機能のまま）": GapClass.FIT,
    "設定で適合（パラメータ設定）": GapClass.FIT_WITH_CONFIG,
    "業務の見直し（BPR）": GapClass.GAP_BPR,
    "実装不可機能の廃止（強制ギャップ）": GapClass.GAP_PROHIBITED,
}

UNDECIDED_LABEL = ("未判定", "Undecided")  # a function without a 判定


def gap_label(value: str | None, lang: str = "ja") -> str:
    """The label a person reads for a 判定 code (未判定 for none or scoring's UNDECIDED; any other text, e.g. a
    独自機能's 対応, as it is)."""
    index = 0 if lang == "ja" else 1
    if not value or value == "UNDECIDED":
        return UNDECIDED_LABEL[index]
    try:
        return GAP_LABELS[GapClass(value)][index]
    except ValueError:
        return value


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
        for label, gap in _OLD_GAP_LABELS.items():
            if key == _key(label):
                return gap  # type: ignore[return-value]
    return None
