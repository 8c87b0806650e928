"""Closed vocabularies of the standard: requirement classes, data types, output conditions …

Each enum's values are the spec's own labels; ``parse`` also accepts the variants found in real files
(older labels, half-width letters, numbers typed as numbers).
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from spec_catalog.base import FrozenModel
from spec_catalog.language import say


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
                say(
                    f"実装区分 {label!r} は使えません: 実装必須機能、標準オプション機能、実装不可機能のどれかを"
                    "書いてください（旧表記の 実装すべき機能 / 実装してもしなくても良い機能 / 実装しない機能 "
                    "も使えます）",
                    f"unknown 実装区分 {label!r}: use 実装必須機能, 標準オプション機能 or 実装不可機能 "
                    "(the old labels 実装すべき機能 / 実装してもしなくても良い機能 / 実装しない機能 also work)",
                )
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
        choices = ", ".join(m.value for m in cls)
        raise ValueError(
            say(
                f"データ型 {label!r} は使えません（使える値: {choices}）",
                f"unknown データ型 {label!r}: expected one of {choices}",
            )
        )


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
        raise ValueError(
            say(
                f"データ出力条件 {label!r} は使えません（使える値: 必須、条件付き必須、任意）",
                f"unknown データ出力条件 {label!r}: expected 必須, 条件付き必須 or 任意",
            )
        )


class Source(StrEnum):
    """Where a business's specification came from. Every report that uses a ``sample`` says so."""

    SAMPLE = "sample"  # written by the fitgap project as an example: not the standard
    OFFICIAL = "official"  # shipped with fitgap, processed from an official file (its attribution names which)
    IMPORTED = "imported"  # imported from an official file by the user


class VersionSource(StrEnum):
    """Where a business's 版 came from, in the order of precedence the importer applies."""

    OPTION = "option"  # --spec-version
    CELLS = "cells"  # a 「第N.N版」 in the title rows of the workbook
    COVER = "cover"  # a 「第N.N版」 on the cover of a Word document
    FILE_NAME = "file_name"  # the file name: 【第2.1版】, v2.1, 令和5年9月 …
    UNKNOWN = "unknown"


class Sensitivity(StrEnum):
    """How personal a data item is; drives masking in every report (see reports/)."""

    NONE = "none"
    PERSONAL = "personal"  # names, birth dates, addresses: masked where a report lists rows
    IDENTIFIER = "identifier"  # 個人番号 (特定個人情報), 住民票コード: masked everywhere, always


class LinkMethod(StrEnum):
    """How a business hands data to another through 庁内データ連携."""

    API = "api"
    FILE = "file"


class BusinessKind(StrEnum):
    """Where a 業務ID sits in the standard's ID scheme."""

    CORE = "core"  # one of the 20 core businesses (基幹業務)
    PART = "part"  # a sub-business with its own 業務ID and workbooks, in scope together with its parent
    COMMON = "common"  # a common function (共通機能)


class StandardBusiness(FrozenModel):
    """One 業務ID of the standard's ID scheme, whether or not a catalog holds its content."""

    business_id: str
    name: str
    name_en: str  # unofficial
    kind: BusinessKind
    ministry: str
    spec_name: str | None = None  # None: the title of its specification is not confirmed
    family: str | None = None  # IDs published under one specification: 選挙, 税, 就学
    part_of: tuple[str, ...] = ()  # a part is in scope whenever one of these businesses is
    held_by: str | None = None  # the business whose catalog file holds this ID's content (018 → 017)
    prefecture: bool = False  # a prefecture runs it for its towns and villages without a 福祉事務所
    aliases: tuple[str, ...] = ()  # other names workbooks use, e.g. in 連携 code references

    @property
    def holder(self) -> str:
        """The 業務ID of the catalog business that holds this ID's content."""
        return self.held_by or self.business_id


def _scheme() -> tuple[StandardBusiness, ...]:
    # domain.md §2 and the issue 15 ID scheme. 001 and 031 are confirmed [C]; the rest follow one vendor table
    # and the 機能ID prefixes of public material [I]. 038/039 are taken as parts of 戸籍 because both start
    # from a 戸籍届出 (届書 → 人口動態調査票, 死亡届 → 火葬許可) [I].
    core, part, common = BusinessKind.CORE, BusinessKind.PART, BusinessKind.COMMON
    election, tax, school = "選挙", "税", "就学"
    senkyo = "選挙人名簿管理システム標準仕様書"
    zeimu = "税務システム標準仕様書"
    kyotsu = "地方公共団体情報システム共通機能標準仕様書"
    taxes = ("010", "011", "012", "013")
    rows: list[tuple[str, str, str, BusinessKind, str, str | None, dict[str, object]]] = [
        (
            "001",
            "住民基本台帳",
            "Resident registry",
            core,
            "総務省",
            "住民記録システム標準仕様書",
            {"aliases": ("住民記録",)},
        ),
        ("002", "印鑑登録", "Seal registration", core, "総務省", "印鑑登録システム標準仕様書", {}),
        ("003", "戸籍", "Family register", core, "法務省", "戸籍情報システム標準仕様書", {}),
        ("004", "戸籍の附票", "Family-register residence annex", core, "総務省", "戸籍附票システム標準仕様書", {}),
        (
            "005",
            "選挙（共通）",
            "Elections (common)",
            part,
            "総務省",
            senkyo,
            {"family": election, "part_of": ("006",)},
        ),
        ("006", "選挙人名簿管理", "Electoral roll", core, "総務省", senkyo, {"family": election}),
        (
            "007",
            "期日前・不在者投票管理",
            "Early and absentee voting",
            part,
            "総務省",
            senkyo,
            {"family": election, "part_of": ("006",)},
        ),
        (
            "008",
            "当日投票管理",
            "Election-day voting",
            part,
            "総務省",
            senkyo,
            {"family": election, "part_of": ("006",)},
        ),
        ("009", "在外選挙管理", "Overseas voting", part, "総務省", senkyo, {"family": election, "part_of": ("006",)}),
        (
            "010",
            "個人住民税",
            "Individual inhabitant tax",
            core,
            "総務省",
            "個人住民税システム標準仕様書",
            {"family": tax},
        ),
        (
            "011",
            "法人住民税",
            "Corporate inhabitant tax",
            core,
            "総務省",
            "法人住民税システム標準仕様書",
            {"family": tax},
        ),
        ("012", "固定資産税", "Fixed-asset tax", core, "総務省", "固定資産税システム標準仕様書", {"family": tax}),
        ("013", "軽自動車税", "Light-vehicle tax", core, "総務省", "軽自動車税システム標準仕様書", {"family": tax}),
        ("014", "収納管理", "Tax receipts", part, "総務省", zeimu, {"family": tax, "part_of": taxes}),
        ("015", "滞納管理", "Tax arrears", part, "総務省", zeimu, {"family": tax, "part_of": taxes}),
        ("016", "地方税（共通）", "Local tax (common)", part, "総務省", zeimu, {"family": tax, "part_of": taxes}),
        (
            "017",
            "就学",
            "School enrolment",
            core,
            "文部科学省",
            "就学事務システム（学齢簿編製・就学援助）標準仕様書",
            {"family": school, "aliases": ("学齢簿編製",)},
        ),
        (
            "018",
            "就学援助",
            "School-expense assistance",
            part,
            "文部科学省",
            "就学事務システム（学齢簿編製・就学援助）標準仕様書",
            {"family": school, "part_of": ("017",), "held_by": "017"},
        ),
        ("019", "健康管理", "Health management", core, "厚生労働省", "健康管理システム標準仕様書", {}),
        (
            "020",
            "児童扶養手当",
            "Child-rearing allowance",
            core,
            "こども家庭庁",
            "児童扶養手当システム標準仕様書",
            {"prefecture": True},
        ),
        (
            "021",
            "生活保護",
            "Public assistance",
            core,
            "厚生労働省",
            "生活保護システム標準仕様書",
            {"prefecture": True},
        ),
        ("022", "障害者福祉", "Disability welfare", core, "厚生労働省", "障害者福祉システム標準仕様書", {}),
        ("023", "介護保険", "Long-term care insurance", core, "厚生労働省", "介護保険システム標準仕様書", {}),
        ("024", "国民健康保険", "National health insurance", core, "厚生労働省", "国民健康保険システム標準仕様書", {}),
        (
            "025",
            "後期高齢者医療",
            "Late-stage elderly medical care",
            core,
            "厚生労働省",
            "後期高齢者医療システム標準仕様書",
            {},
        ),
        ("026", "国民年金", "National pension", core, "厚生労働省", "国民年金システム標準仕様書", {}),
        ("027", "児童手当", "Child allowance", core, "こども家庭庁", "児童手当システム標準仕様書", {}),
        (
            "028",
            "子ども・子育て支援",
            "Child and child-care support",
            core,
            "こども家庭庁",
            "子ども・子育て支援システム標準仕様書",
            {},
        ),
        ("029", "申請管理", "Application management (common)", common, "デジタル庁", kyotsu, {}),
        ("030", "庁内データ連携", "Internal data linkage (common)", common, "デジタル庁", kyotsu, {}),
        (
            "031",
            "住登外者宛名番号管理",
            "Non-resident address-number management (common)",
            common,
            "デジタル庁",
            kyotsu,
            {},
        ),
        ("032", "団体内統合宛名", "Integrated address records (common)", common, "デジタル庁", kyotsu, {}),
        ("033", "職員認証", "Staff authentication (common)", common, "デジタル庁", kyotsu, {}),
        ("034", "EUC", "End-user computing (common)", common, "デジタル庁", kyotsu, {}),
        (
            "035",
            "レセプト管理（生活保護）",
            "Medical-claim management for public assistance (common)",
            common,
            "デジタル庁",
            kyotsu,
            {},
        ),
        ("036", "統合収納", "Integrated collection (common)", common, "デジタル庁", kyotsu, {}),
        ("037", "統合滞納", "Integrated arrears management (common)", common, "デジタル庁", kyotsu, {}),
        ("038", "人口動態調査", "Vital statistics survey", part, "厚生労働省", None, {"part_of": ("003",)}),
        ("039", "火葬等許可", "Cremation and burial permits", part, "厚生労働省", None, {"part_of": ("003",)}),
    ]
    return tuple(
        StandardBusiness.model_validate(
            {
                "business_id": bid,
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "ministry": ministry,
                "spec_name": spec_name,
                **extra,
            }
        )
        for bid, name, name_en, kind, ministry, spec_name, extra in rows
    )


STANDARD_BUSINESSES: tuple[StandardBusiness, ...] = _scheme()
_BY_ID = {b.business_id: b for b in STANDARD_BUSINESSES}
_BY_NAME = {_key(label): b for b in STANDARD_BUSINESSES for label in (b.name, *b.aliases)}


def standard_business(business_id: str) -> StandardBusiness | None:
    """The entry of a 業務ID in the standard's ID scheme (001–039), or None."""
    return _BY_ID.get(business_id)


def standard_business_named(name: str) -> StandardBusiness | None:
    """The entry whose name (or an alias, e.g. 住民記録) is ``name``; full-/half-width and spaces ignored."""
    return _BY_NAME.get(_key(name))


def parts_in_scope(business_ids: set[str] | frozenset[str]) -> tuple[StandardBusiness, ...]:
    """The parts (sub-businesses) that come into scope with ``business_ids``, in ID order."""
    return tuple(b for b in STANDARD_BUSINESSES if b.kind is BusinessKind.PART and set(b.part_of) & set(business_ids))


def business_label(business_id: str, name: str | None = None, *, with_id: bool = True) -> str:
    """How reports name a business: ``001 住民基本台帳``; a sub-business with the business it belongs to, so that
    the parts of 選挙 and 税 read as one family: ``014 収納管理（税）``, ``007 期日前・不在者投票管理（選挙）``,
    ``038 人口動態調査（戸籍）``. ``name`` defaults to the scheme's (a catalog may name the business itself);
    ``with_id=False`` for a column of names beside a column of IDs (``収納管理（税）``)."""
    entry = _BY_ID.get(business_id)
    shown = name or (entry.name if entry else "")
    parent = None
    if entry is not None and entry.kind is BusinessKind.PART:
        parent = entry.family or "・".join(_BY_ID[p].name for p in entry.part_of if p in _BY_ID) or None
    if parent and parent not in shown:  # 選挙（共通）, 在外選挙管理 and 地方税（共通） already say it
        shown = f"{shown}（{parent}）"
    return f"{business_id} {shown}".strip() if with_id else shown
