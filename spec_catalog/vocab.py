"""Closed vocabularies of the standard: requirement classes, data types, output conditions …

Each enum's values are the spec's own labels; ``parse`` also accepts the variants found in real files
(older labels, half-width letters, numbers typed as numbers).
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


def _key(text: object) -> str:
    # NFKC only to *compare* labels (Ｎ vs N, full-width digits); stored values keep the spec's spelling.
    return unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "").replace("\u3000", "").lower()


class FunctionClass(StrEnum):
    """実装区分 of a function requirement (the whitelist principle, domain.md §3)."""

    MANDATORY = "実装必須機能"
    OPTIONAL = "標準オプション機能"
    PROHIBITED = "実装不可機能"

    @classmethod
    def parse(cls, label: object) -> FunctionClass:
        found = _FUNCTION_CLASS_ALIASES.get(_key(label))
        if found is None:
            raise ValueError(
                f"unknown 実装区分 {label!r}: use 実装必須機能, 標準オプション機能 or 実装不可機能 "
                "(the old labels 実装すべき機能 / 実装してもしなくても良い機能 / 実装しない機能 also work)"
            )
        return found


_FUNCTION_CLASS_ALIASES: dict[str, FunctionClass] = {
    _key(alias): cls
    for cls, aliases in {
        FunctionClass.MANDATORY: [
            "実装必須機能",
            "実装必須",
            "必須",
            "実装すべき機能",
            "実装すべき",
            "mandatory",
            "required",
        ],
        FunctionClass.OPTIONAL: [
            "標準オプション機能",
            "標準オプション",
            "オプション",
            "実装してもしなくても良い機能",
            "実装してもしなくてもよい機能",
            "実装してもしなくても良い",
            "option",
            "optional",
        ],
        FunctionClass.PROHIBITED: [
            "実装不可機能",
            "実装不可",
            "不可",
            "実装しない機能",
            "実装しない",
            "prohibited",
            "forbidden",
        ],
    }.items()
    for alias in aliases
}


class DataType(StrEnum):
    """データ型 of a data item (凡例）データ型 sheet of the 項目定義書)."""

    HALF_WIDTH = "X"
    FULL_WIDTH = "Ｎ"  # the spec writes a full-width Ｎ
    INTEGER = "9"
    DECIMAL = "9V"
    SIGNED_INTEGER = "S9"
    BLOB = "BLOB"
    YEAR = "YEAR"
    DATE = "DATE"
    TIME = "TIME"

    @classmethod
    def parse(cls, label: object) -> DataType:
        key = _key(label).upper()
        for member in cls:
            if _key(member.value).upper() == key:
                return member
        raise ValueError(f"unknown データ型 {label!r}: expected one of {', '.join(m.value for m in cls)}")


class OutputCondition(StrEnum):
    """データ出力条件 of a data item."""

    REQUIRED = "必須"
    CONDITIONAL = "条件付き必須"
    OPTIONAL = "任意"

    @classmethod
    def parse(cls, label: object) -> OutputCondition:
        key = _key(label)
        for member in cls:
            if member.value == key:
                return member
        raise ValueError(f"unknown データ出力条件 {label!r}: expected 必須, 条件付き必須 or 任意")


class Source(StrEnum):
    """Where a business's specification came from. Every report that uses a ``sample`` says so."""

    SAMPLE = "sample"
    IMPORTED = "imported"


class Sensitivity(StrEnum):
    """How personal a data item is; drives masking in every report (see reports/)."""

    NONE = "none"
    PERSONAL = "personal"  # names, birth dates, addresses: masked where a report lists rows
    IDENTIFIER = "identifier"  # 個人番号 (特定個人情報), 住民票コード: masked everywhere, always


class LinkMethod(StrEnum):
    """How a business hands data to another through 庁内データ連携."""

    API = "api"
    FILE = "file"
