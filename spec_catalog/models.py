"""Models of the national standard: businesses, function requirements, data layouts, code lists, links.

IDs follow the spec (domain.md §2–§4): a 業務ID has 3 digits, a 機能ID 7 (業務ID + 4), a データ項目ID 8
(業務ID + 5). The models check these shapes and that every ID belongs to its business.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Literal, Self

from pydantic import ConfigDict, Field, computed_field, field_validator, model_validator

from spec_catalog.base import CatalogError, FrozenModel
from spec_catalog.language import say
from spec_catalog.sensitivity import infer_sensitivity
from spec_catalog.vocab import (
    DataType,
    FunctionClass,
    LinkMethod,
    OutputCondition,
    Sensitivity,
    Source,
    VersionSource,
)

BUSINESS_ID = re.compile(r"^\d{3}$")
FUNCTION_ID = re.compile(r"^\d{7}$")
ITEM_ID = re.compile(r"^\d{8}$")
ROMANIZED = re.compile(r"^[a-z][a-z0-9_]*$")


def _duplicates(values: list[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def _business_id_shape(value: str, owner: str = "") -> str:
    return say(
        f"{owner}業務ID {value!r} が 3 桁の数字ではありません（例: 001）",
        f"{owner}業務ID {value!r} must be 3 digits, e.g. 001",
    )


class Business(FrozenModel):
    """One of the 20 core businesses (基幹業務) or a common function (共通機能), without its content."""

    business_id: str = Field(description="3-digit 業務ID")
    other_ids: tuple[str, ...] = Field(
        default=(), description="further 業務IDs of the same business (就学: 017 and 018)"
    )
    name: str = Field(description="Japanese name, e.g. 住民基本台帳")
    name_en: str = Field(description="unofficial English label")
    spec_name: str = Field(description="title of the standard specification")
    spec_version: str | None = Field(default=None, description="e.g. 第5.0版; None when unknown")
    version_source: VersionSource | None = Field(
        default=None,
        description="where spec_version came from (option, cells, file_name); None: as the catalog file states it",
    )
    ministry: str = Field(description="ministry or agency in charge")
    common: bool = Field(default=False, description="a common function (共通機能, 029–037)")
    prefecture_without_welfare_office: bool = Field(
        default=False,
        description="a prefecture runs it for towns/villages without a 福祉事務所 (生活保護, 児童扶養手当)",
    )
    source: Source = Field(
        description="sample (fitgap's example, not the standard), official (shipped with fitgap, processed from an "
        "official file: see attribution) or imported (by the user, from an official file)"
    )
    attribution: str | None = Field(default=None, description="出典 of imported or derived content")
    sample_parts: tuple[Literal["functions", "layout"], ...] | None = Field(
        default=None,
        description="for a business an import left marked sample: the parts that are fitgap's sample "
        "(the rest was imported); None: all of a sample business is sample",
    )
    import_number: int | None = Field(
        default=None,
        ge=1,
        description="the n-th import into its catalog directory: the latest import is used unless versions "
        "say otherwise (see spec_catalog.store.in_use)",
    )

    @model_validator(mode="before")
    @classmethod
    def _sample_parts_of_samples_only(cls, data: Any) -> Any:
        # Which parts are sample content means nothing once the business is no longer a sample: a merge that
        # replaced the sample part may carry the old value over.
        if isinstance(data, dict) and data.get("sample_parts") is not None and data.get("source") != Source.SAMPLE:
            return {key: value for key, value in data.items() if key != "sample_parts"}
        return data

    @field_validator("business_id", "other_ids")
    @classmethod
    def _check_ids(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        for business_id in [value] if isinstance(value, str) else value:
            if not BUSINESS_ID.match(business_id):
                raise ValueError(_business_id_shape(business_id))
        return value

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.business_id, *self.other_ids)

    @property
    def version_origin(self) -> VersionSource | None:
        """Where the version came from; None when the catalog file states a version without saying how."""
        if self.version_source is not None:
            return self.version_source
        return None if self.spec_version else VersionSource.UNKNOWN

    def summary(self) -> Business:
        """The metadata alone, as ``catalog list`` shows it."""
        return Business.model_validate(self.model_dump(include=set(Business.model_fields)))


class FunctionRequirement(FrozenModel):
    """A 機能要件: one row of a business's function list."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    function_id: str = Field(description="7-digit 機能ID = 業務ID + 4-digit sequence")
    name: str = Field(min_length=1, description="機能名称")
    function_class: FunctionClass = Field(alias="class", description="実装区分")
    requirement: str = Field(default="", description="the requirement text")
    category: str | None = Field(default=None, description="section of the spec the function sits in")

    @field_validator("function_id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not FUNCTION_ID.match(value):
            raise ValueError(
                say(
                    f"機能ID {value!r} が 7 桁の数字（業務ID + 4 桁の連番）ではありません（例: 0010001）",
                    f"機能ID {value!r} must be 7 digits (業務ID + 4-digit sequence), e.g. 0010001",
                )
            )
        return value

    @field_validator("function_class", mode="before")
    @classmethod
    def _parse_class(cls, value: object) -> FunctionClass:
        return value if isinstance(value, FunctionClass) else FunctionClass.parse(value)


class DataItem(FrozenModel):
    """One データ項目 of a 基本データリスト / 項目定義書."""

    item_id: str = Field(description="8-digit データ項目ID = 業務ID + 5-digit number")
    name: str = Field(min_length=1, description="データ項目 (Japanese name)")
    romanized: str = Field(description="データ項目（ローマ字）: the field name in files and APIs")
    group: str = Field(min_length=1, description="グループ名称: one group is one output file")
    primary_key: bool = False
    foreign_key: bool = False
    type: DataType
    length: int | None = Field(default=None, description="桁数 in characters; for 9V the integer digits")
    fraction_digits: int | None = Field(default=None, description="for 9V: digits after the point")
    code_list: str | None = Field(default=None, description="コード: ID of a code list of the business")
    repeat: int | None = Field(default=None, description="繰り返し: maximum repetitions")
    output_condition: OutputCondition
    condition: str | None = Field(default=None, description="for 条件付き必須: the text after ※※")
    definition: str = Field(default="", description="項目定義")
    description: str = Field(default="", description="項目説明")
    classification: tuple[str, ...] = Field(default=(), description="クラス分類 LV1–LV3 (informative)")
    related_functions: tuple[str, ...] = Field(default=(), description="機能IDs of 標準仕様書関連箇所")
    mandatory_implementation: bool = Field(default=False, description="実装類型 ○")
    sample: str | None = Field(default=None, description="サンプル値")
    remarks: str | None = Field(default=None, description="備考")
    sensitivity: Sensitivity = Field(default=Sensitivity.NONE, description="how personal the value is")

    @model_validator(mode="before")
    @classmethod
    def _accept_personal_flag(cls, data: Any) -> Any:
        # ``personal_data`` is derived from ``sensitivity``; a hand-written file may give the flag alone.
        # A file that gives neither gets the inferred sensitivity (spec_catalog.sensitivity), so a rule
        # that learns a new identifier applies to every catalog, not only to new imports.
        if isinstance(data, dict) and "personal_data" not in data and "sensitivity" not in data:
            return {**data, "sensitivity": infer_sensitivity(str(data.get("romanized", "")), str(data.get("name", "")))}
        if isinstance(data, dict) and "personal_data" in data:
            data = dict(data)
            flag = data.pop("personal_data")
            if "sensitivity" not in data:
                data["sensitivity"] = Sensitivity.PERSONAL if flag else Sensitivity.NONE
            elif bool(flag) != (Sensitivity(data["sensitivity"]) != Sensitivity.NONE):
                raise ValueError(
                    say(
                        "personal_data と sensitivity が食い違っています。sensitivity だけを書いてください",
                        "personal_data contradicts sensitivity; give sensitivity alone",
                    )
                )
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def personal_data(self) -> bool:
        """True when reports must mask the value."""
        return self.sensitivity != Sensitivity.NONE

    @field_validator("type", mode="before")
    @classmethod
    def _parse_type(cls, value: object) -> DataType:
        return value if isinstance(value, DataType) else DataType.parse(value)

    @field_validator("output_condition", mode="before")
    @classmethod
    def _parse_condition(cls, value: object) -> OutputCondition:
        return value if isinstance(value, OutputCondition) else OutputCondition.parse(value)

    @field_validator("item_id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not ITEM_ID.match(value):
            raise ValueError(
                say(
                    f"データ項目ID {value!r} が 8 桁の数字（業務ID + 5 桁）ではありません（例: 03100001）",
                    f"データ項目ID {value!r} must be 8 digits (業務ID + 5 digits), e.g. 03100001",
                )
            )
        return value

    @field_validator("romanized")
    @classmethod
    def _check_romanized(cls, value: str) -> str:
        if not ROMANIZED.match(value):
            raise ValueError(
                say(
                    f"ローマ字名 {value!r} に使えるのは半角の英小文字、数字と _ だけです",
                    f"romanized name {value!r} must be lower-case ASCII letters, digits and _",
                )
            )
        return value

    @field_validator("related_functions")
    @classmethod
    def _check_functions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for function_id in value:
            if not FUNCTION_ID.match(function_id):
                raise ValueError(
                    say(
                        f"関連する機能ID {function_id!r} が 7 桁の数字ではありません",
                        f"related 機能ID {function_id!r} must be 7 digits",
                    )
                )
        return value

    @model_validator(mode="after")
    def _check_shape(self) -> Self:
        if self.length is not None and self.length <= 0:
            raise ValueError(
                say(
                    f"{self.name}: 桁数は正の数にしてください（{self.length} になっています）",
                    f"{self.name}: 桁数 must be positive, got {self.length}",
                )
            )
        if self.type is DataType.DECIMAL and (self.length is None or self.fraction_digits is None):
            raise ValueError(
                say(
                    f"{self.name}: 9V の項目の桁数は 'n,m'（整数部と小数部の桁数）で書いてください",
                    f"{self.name}: a 9V item needs 桁数 as 'n,m' (integer and fraction digits)",
                )
            )
        if self.type is not DataType.DECIMAL and self.fraction_digits is not None:
            raise ValueError(
                say(
                    f"{self.name}: 小数部の桁数は 9V の項目にだけ書けます",
                    f"{self.name}: fraction digits are only for 9V items",
                )
            )
        if self.condition and self.output_condition is not OutputCondition.CONDITIONAL:
            raise ValueError(
                say(
                    f"{self.name}: 条件（※※）は条件付き必須の項目にだけ書けます",
                    f"{self.name}: a condition (※※) belongs to 条件付き必須 items only",
                )
            )
        return self


class DataGroup(FrozenModel):
    """A グループ of a data layout: the unit of one output file or table."""

    name: str
    items: tuple[DataItem, ...]

    @model_validator(mode="after")
    def _check_items(self) -> Self:
        if not self.items:
            raise ValueError(say(f"グループ {self.name} に項目がありません", f"group {self.name} has no items"))
        strays = ", ".join(sorted({item.group for item in self.items if item.group != self.name}))
        if strays:
            raise ValueError(
                say(
                    f"グループ {self.name} に別のグループ（{strays}）の項目があります",
                    f"group {self.name} holds items of group(s) {strays}",
                )
            )
        for label, values in (
            ("データ項目ID", [i.item_id for i in self.items]),
            (say("ローマ字名", "romanized name"), [i.romanized for i in self.items]),
        ):
            if dupes := ", ".join(_duplicates(values)):
                raise ValueError(
                    say(
                        f"グループ {self.name}: {label} {dupes} が重複しています",
                        f"group {self.name}: duplicate {label} {dupes}",
                    )
                )
        return self

    @property
    def primary_key(self) -> tuple[DataItem, ...]:
        return tuple(item for item in self.items if item.primary_key)


class CodeValue(FrozenModel):
    code: str
    label: str
    note: str | None = None


class CodeList(FrozenModel):
    """A コード一覧 entry. ``open`` lists are the municipality's own codes (the spec says 任意).

    A list another business owns (the コード一覧（連携） sheet) is named ``<業務名>_<コード番号>`` as the items
    refer to it, e.g. ``住民基本台帳_001``, and ``owner`` gives that business's 業務ID.
    """

    code_list_id: str = Field(description="as the items refer to it, e.g. 001 or 住民基本台帳_001")
    name: str
    values: tuple[CodeValue, ...] = ()
    open: bool = Field(default=False, description="any value the municipality defines is allowed")
    note: str | None = None
    owner: str | None = Field(default=None, description="業務ID of the business that owns a 連携 list")

    @field_validator("owner")
    @classmethod
    def _check_owner(cls, value: str | None) -> str | None:
        if value is not None and not BUSINESS_ID.match(value):
            raise ValueError(_business_id_shape(value, say("連携元の", "owner ")))
        return value

    @model_validator(mode="after")
    def _check_values(self) -> Self:
        if dupes := ", ".join(_duplicates([v.code for v in self.values])):
            raise ValueError(
                say(
                    f"コード一覧 {self.code_list_id}: コード {dupes} が重複しています",
                    f"code list {self.code_list_id}: duplicate code(s) {dupes}",
                )
            )
        if not self.open and not self.values:
            raise ValueError(
                say(
                    f"コード一覧 {self.code_list_id}（{self.name}）に値がなく、open（任意）でもありません",
                    f"code list {self.code_list_id} ({self.name}) has no values and is not open",
                )
            )
        return self


class BusinessSpec(Business):
    """A business with its content: function requirements, data layout groups and code lists."""

    functions: tuple[FunctionRequirement, ...] = ()
    layouts: tuple[DataGroup, ...] = ()
    code_lists: tuple[CodeList, ...] = ()

    @model_validator(mode="after")
    def _check_belongs(self) -> Self:
        bid, ids = self.business_id, "/".join(self.ids)
        items = [item for group in self.layouts for item in group.items]
        for label, found in (
            ("機能ID", [f.function_id for f in self.functions]),
            ("データ項目ID", [i.item_id for i in items]),
        ):
            if wrong := ", ".join(i for i in found if i[:3] not in self.ids):
                raise ValueError(
                    say(
                        f"{bid}: {label} {wrong} が {ids} で始まっていません",
                        f"{bid}: {label} {wrong} do not start with {ids}",
                    )
                )
        for label, values in (
            ("機能ID", [f.function_id for f in self.functions]),
            ("データ項目ID", [i.item_id for i in items]),
            (say("グループ", "group"), [g.name for g in self.layouts]),
            (say("コード一覧", "code list"), [c.code_list_id for c in self.code_lists]),
        ):
            if dupes := ", ".join(_duplicates(values)):
                raise ValueError(say(f"{bid}: {label} {dupes} が重複しています", f"{bid}: duplicate {label} {dupes}"))
        known = {c.code_list_id for c in self.code_lists}
        missing = ", ".join(sorted({i.code_list for i in items if i.code_list and i.code_list not in known}))
        if missing:
            raise ValueError(
                say(
                    f"{bid}: 項目が参照するコード一覧 {missing} が定義されていません",
                    f"{bid}: items refer to code list(s) {missing} not defined",
                )
            )
        return self

    def function(self, function_id: str) -> FunctionRequirement | None:
        return next((f for f in self.functions if f.function_id == function_id), None)

    def group(self, name: str) -> DataGroup | None:
        return next((g for g in self.layouts if g.name == name), None)

    def code_list(self, code_list_id: str) -> CodeList | None:
        return next((c for c in self.code_lists if c.code_list_id == code_list_id), None)


class BusinessLink(FrozenModel):
    """A 連携要件: one business provides a data group to another."""

    provider: str = Field(description="業務ID that provides the data")
    consumer: str = Field(description="業務ID that uses it")
    data_group: str = Field(description="the data group handed over")
    method: LinkMethod = LinkMethod.API
    note: str | None = None

    @field_validator("provider", "consumer")
    @classmethod
    def _check_ids(cls, value: str) -> str:
        if not BUSINESS_ID.match(value):
            raise ValueError(_business_id_shape(value))
        return value


EMBEDDED_CATALOG = "fitgap embedded sample catalog"  # the name in spec_catalog/data/catalog.yaml


def catalog_label(name: str) -> str:
    """A catalog's name as a person reads it. The name is an identifier (workbooks, suites and reports record
    it, and compare it when read back), so it never changes; the embedded catalog's reads in the run's language."""
    base, at, version = name.partition("@")
    if base != EMBEDDED_CATALOG:
        return name
    return say("fitgap 組み込みカタログ（サンプル）", EMBEDDED_CATALOG) + at + version


class Catalog(FrozenModel):
    """The standard as the toolkit knows it: businesses (one version each) and the links between them."""

    name: str
    businesses: tuple[BusinessSpec, ...]
    links: tuple[BusinessLink, ...] = ()

    @model_validator(mode="after")
    def _check_catalog(self) -> Self:
        ids = [i for b in self.businesses for i in b.ids]
        if dupes := ", ".join(_duplicates(ids)):
            raise ValueError(
                say(
                    f"カタログ {self.name}: 業務ID {dupes} が複数の業務にあります",
                    f"catalog {self.name}: 業務ID {dupes} appear in more than one business",
                )
            )
        known = set(ids)
        for link in self.links:
            for end in (link.provider, link.consumer):
                if end not in known:
                    raise ValueError(
                        say(
                            f"カタログ {self.name}: 連携 {link.provider}→{link.consumer} の {end} は"
                            "カタログにない業務IDです",
                            f"catalog {self.name}: link {link.provider}→{link.consumer} names unknown {end}",
                        )
                    )
        return self

    @property
    def is_sample(self) -> bool:
        return any(b.source is Source.SAMPLE for b in self.businesses)

    def find(self, business_id: str) -> BusinessSpec | None:
        return next((b for b in self.businesses if business_id in b.ids), None)

    def business(self, key: str) -> BusinessSpec:
        """The business with this 業務ID or exact name; a clear error naming the choices otherwise."""
        found = self.find(key) or next((b for b in self.businesses if key in (b.name, b.name_en)), None)
        if found is None:
            choices = ", ".join(f"{b.business_id} {b.name}" for b in self.businesses[:6])
            raise CatalogError(
                say(
                    f"カタログ {catalog_label(self.name)} に業務 {key!r} がありません",
                    f"no business {key!r} in catalog {self.name}",
                ),
                hint=say(
                    f"'fitgap catalog list' にある業務ID か業務名を指定してください（例: {choices} …）",
                    f"give a 業務ID or name from 'fitgap catalog list' (e.g. {choices} …)",
                ),
            )
        return found

    def links_of(self, business_id: str) -> tuple[BusinessLink, ...]:
        return tuple(link for link in self.links if business_id in (link.provider, link.consumer))


def table_name(business_id: str, group: str) -> str:
    """The DuckDB table of a group, shared by the converter (which writes it) and validation (which reads
    it): ``031_住登外者宛名基本情報``. Always quote it in SQL."""
    return f"{business_id}_{group}"
