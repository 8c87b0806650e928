"""Report tables of the catalog: businesses, functions, data items, code lists, links and diffs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reports.tables import Cell, Column, Document, Table, columns
from spec_catalog.base import FrozenModel, UsageError
from spec_catalog.diff import CatalogDiff
from spec_catalog.language import current, say
from spec_catalog.models import BusinessSpec, Catalog, DataItem, FunctionRequirement, catalog_label
from spec_catalog.vocab import Source, business_label, standard_business

SAMPLE_NOTES = {
    "ja": "サンプル: このカタログには fitgap のサンプル内容（機能一覧、一部のデータレイアウト）が含まれ、"
    "公式の標準仕様書ではありません。公式のファイルは fitgap catalog import で取り込んでください。",
    "en": "SAMPLE: this catalog includes fitgap's sample content (function lists, some layouts), not the official "
    "specification; import the official files with 'fitgap catalog import'.",
}


def sample_note(businesses: Iterable[BusinessSpec]) -> str | None:
    """The sample label, wherever sample content shows (in the run's language)."""
    return SAMPLE_NOTES[current()] if any(b.source is Source.SAMPLE for b in businesses) else None


def _functions_are_sample(spec: BusinessSpec) -> bool:
    return spec.source is Source.SAMPLE and (spec.sample_parts is None or "functions" in spec.sample_parts)


def functions_note(businesses: Iterable[BusinessSpec]) -> str | None:
    """What a table of functions says above it: the sample label if any of them is fitgap's sample, and the
    出典 (attribution: the document, 加工して作成) of the ones processed from an official file."""
    chosen = [b for b in businesses if b.functions]
    # An attribution joins its sources with " / " (031: its functions, then its layout): each source said once.
    sources = [
        part for b in chosen if not _functions_are_sample(b) and b.attribution for part in b.attribution.split(" / ")
    ]
    parts = [sample_note(b for b in chosen if _functions_are_sample(b)), *dict.fromkeys(sources)]
    return " / ".join(p for p in parts if p) or None


def _mark(flag: bool) -> str:
    return "○" if flag else ""


def _length(item: DataItem) -> str:
    if item.length is None:
        return ""
    return f"{item.length},{item.fraction_digits}" if item.fraction_digits is not None else str(item.length)


def source_label(source: Source, business_id: str, spec_version: str | None) -> str:
    """What a business's content is, in words: fitgap's sample, official content shipped with fitgap (with the
    document it was processed from, as the fixtures' attribution asks), or imported by the user from an official
    file."""
    if source is Source.SAMPLE:
        return say("サンプル", "sample")
    if source is Source.IMPORTED:
        return say("公式ファイルから取込", "official import")
    entry = standard_business(business_id)
    # The short title the documents use of themselves: 地方公共団体情報システム共通機能標準仕様書 → 共通機能標準仕様書
    title = (entry.spec_name or "").removeprefix("地方公共団体情報システム") if entry else ""
    document = " ".join(t for t in (title, spec_version) if t)
    if not document:
        return say("公式", "official")
    return say(f"公式（{document}を加工して作成）", f"official (processed from {document})")


def businesses_table(catalog: Catalog, *, wide: bool = True) -> Table:
    """The businesses; ``wide=False`` keeps the columns that fit a terminal."""
    headers = [
        "業務ID",
        say("業務名", "Business"),
        say("英語名（非公式）", "English (unofficial)"),
        say("共通機能", "Common function"),
        say("機能数", "Functions"),
        say("データ項目数", "Data items"),
        say("収録", "Source"),
    ]
    if wide:
        headers[3:3] = [say("標準仕様書", "Specification"), say("版", "Version"), say("所管", "Ministry")]
        headers.insert(7, say("都道府県実施(福祉事務所なし)", "Run by the prefecture (no 福祉事務所)"))
    rows = []
    for b in catalog.businesses:
        row: list[str | int] = [
            "/".join(b.ids),
            business_label(b.business_id, b.name, with_id=False),
            b.name_en,
            _mark(b.common),
            len(b.functions),
            sum(len(g.items) for g in b.layouts),
            source_label(b.source, b.business_id, b.spec_version),
        ]
        if wide:
            row[3:3] = [b.spec_name, b.spec_version or "", b.ministry]
            row.insert(7, _mark(b.prefecture_without_welfare_office))
        rows.append(tuple(row))
    return Table(
        title=say("業務一覧", "Businesses") + f" — {catalog_label(catalog.name)}",
        sheet=say("業務一覧", "Businesses"),
        columns=columns(*headers),
        rows=tuple(rows),
        note=sample_note(catalog.businesses),
    )


def _function_headers() -> tuple[str, ...]:
    return ("機能ID", say("機能名称", "Name"), say("実装区分", "Class"), say("要件", "Requirement"))


def functions_table(spec: BusinessSpec, functions: Iterable[FunctionRequirement] | None = None) -> Table:
    chosen = tuple(spec.functions if functions is None else functions)
    return Table(
        title=say("機能要件", "Functions") + f" — {business_label(spec.business_id, spec.name)}",
        sheet=say("機能要件", "Functions"),
        columns=columns(*_function_headers()),
        rows=tuple((f.function_id, f.name, f.function_class.value, f.requirement) for f in chosen),
        note=functions_note([spec]),
    )


def items_table(spec: BusinessSpec, items: Iterable[DataItem] | None = None, *, wide: bool = True) -> Table:
    """Data items; ``wide=False`` folds type, length and keys into fewer columns for a terminal."""
    chosen = tuple(i for g in spec.layouts for i in g.items) if items is None else tuple(items)
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    if wide:
        headers = (
            "データ項目ID",
            say("データ項目", "Data item"),
            say("ローマ字", "Romanized"),
            say("グループ", "Group"),
            say("主キー", "Primary key"),
            say("外部キー", "Foreign key"),
            say("データ型", "Type"),
            say("桁数", "Length"),
            say("コード", "Code list"),
            say("データ出力条件", "Output condition"),
            say("条件", "Condition"),
            say("個人情報", "Personal data"),
        )
        rows = tuple(
            (
                i.item_id,
                i.name,
                i.romanized,
                i.group,
                _mark(i.primary_key),
                _mark(i.foreign_key),
                i.type.value,
                _length(i),
                i.code_list or "",
                i.output_condition.value,
                i.condition or "",
                _sensitivity(i.sensitivity.value),
            )
            for i in chosen
        )
    else:
        headers = (
            "データ項目ID",
            say("データ項目", "Data item"),
            say("ローマ字", "Romanized"),
            say("型(桁)", "Type (length)"),
            say("キー", "Keys"),
            say("コード", "Code list"),
            say("出力条件", "Output"),
            say("個人情報", "Personal data"),
        )
        rows = tuple(
            (
                i.item_id,
                i.name,
                i.romanized,
                f"{i.type.value}({_length(i)})" if _length(i) else i.type.value,
                "+".join(k for k, on in (("PK", i.primary_key), ("FK", i.foreign_key)) if on),
                i.code_list or "",
                i.output_condition.value,
                _sensitivity(i.sensitivity.value),
            )
            for i in chosen
        )
    return Table(
        title=say("データ項目", "Data items") + f" — {business_label(spec.business_id, spec.name)}",
        sheet=say("データ項目", "Data items"),
        columns=columns(*headers),
        rows=rows,
        note=spec.attribution,
    )


def _code_list_headers() -> tuple[str, ...]:
    return (
        say("コードID", "Code list ID"),
        say("コード名", "Code list"),
        say("コード値", "Code"),
        say("コード値の内容", "Meaning"),
    )


def code_lists_table(spec: BusinessSpec) -> Table:
    rows = []
    for code_list in spec.code_lists:
        if code_list.open:
            own = code_list.note or say("自治体が定めるコード", "codes the municipality defines")
            rows.append((code_list.code_list_id, code_list.name, say("任意", "any"), own))
        rows += [(code_list.code_list_id, code_list.name, v.code, v.label) for v in code_list.values]
    return Table(
        title=say("コード一覧", "Code lists") + f" — {business_label(spec.business_id, spec.name)}",
        sheet=say("コード一覧", "Code lists"),
        columns=columns(*_code_list_headers()),
        rows=tuple(rows),
    )


def links_table(catalog: Catalog, business_ids: set[str] | None = None) -> Table:
    names = {i: b.name for b in catalog.businesses for i in b.ids}
    links = [
        link
        for link in catalog.links
        if business_ids is None or link.provider in business_ids or link.consumer in business_ids
    ]
    return Table(
        title=say("業務連携", "Links between businesses"),
        sheet=say("業務連携", "Links"),
        columns=columns(
            say("提供業務", "Provider"),
            say("提供業務名", "Provider name"),
            say("利用業務", "Consumer"),
            say("利用業務名", "Consumer name"),
            say("データ", "Data"),
            say("方式", "Method"),
            say("備考", "Note"),
        ),
        rows=tuple(
            (
                lk.provider,
                names.get(lk.provider, ""),
                lk.consumer,
                names.get(lk.consumer, ""),
                lk.data_group,
                _method(lk.method.value),
                lk.note or "",
            )
            for lk in links
        ),
        note=SAMPLE_NOTES[current()] if catalog.is_sample else None,
    )


def catalog_document(catalog: Catalog, businesses: list[BusinessSpec], municipality: str | None = None) -> Document:
    """The whole catalog (or some businesses) as one workbook: an overview then one sheet per part;
    ``municipality``: the 団体名 of the printed header."""
    chosen = Catalog(name=catalog.name, businesses=tuple(businesses), links=())
    tables = [businesses_table(chosen)]
    functions = [f for b in businesses for f in b.functions]
    business_name = say("業務名", "Business")
    tables.append(
        Table(
            title=say("機能要件", "Functions"),
            columns=columns("業務ID", business_name, *_function_headers()),
            rows=tuple(
                (b.business_id, b.name, f.function_id, f.name, f.function_class.value, f.requirement)
                for b in businesses
                for f in b.functions
            ),
            note=functions_note(businesses) if functions else None,
        )
    )
    item_tables = [items_table(b) for b in businesses]
    tables.append(
        Table(
            title=say("データ項目", "Data items"),
            columns=(Column(header="業務ID"), *items_table(businesses[0]).columns) if businesses else (),
            rows=tuple((b.business_id, *row) for b, t in zip(businesses, item_tables, strict=True) for row in t.rows),
            note=" / ".join(dict.fromkeys(b.attribution for b in businesses if b.layouts and b.attribution)) or None,
        )
    )
    tables.append(
        Table(
            title=say("コード一覧", "Code lists"),
            columns=columns("業務ID", *_code_list_headers()),
            rows=tuple((b.business_id, *row) for b in businesses for row in code_lists_table(b).rows),
        )
    )
    tables.append(links_table(catalog, {i for b in businesses for i in b.ids}))
    return Document(
        title=say("標準仕様カタログ", "fitgap catalog") + f" — {catalog_label(catalog.name)}",
        tables=tuple(tables),
        note=sample_note(businesses),
        lang=current(),
        municipality=municipality,
    )


def _diff_headers() -> tuple[str, ...]:
    return (
        "業務ID",
        say("変更", "Change"),
        say("対象", "Target"),
        say("名称", "Name"),
        say("旧", "Old"),
        say("新", "New"),
    )


def diff_table(diff: CatalogDiff) -> Table:
    return Table(
        title=say("差分", "Catalog diff") + f" — {diff.old} → {diff.new}",
        sheet=say("差分", "Diff"),
        columns=columns(*_diff_headers()),
        rows=tuple((c.business_id, c.kind.value, c.target, c.name, c.old or "", c.new or "") for c in diff.changes),
    )


def diff_document(diff: CatalogDiff, municipality: str | None = None) -> Document:
    """The diff as a report: the count of each kind of change, then every change; ``municipality``: the 団体名 of
    the printed header."""
    summary = Table(
        title=say("集計", "Summary"),
        sheet=say("集計", "Summary"),
        columns=columns(say("変更", "Change"), say("件数", "Count")),
        rows=tuple((kind, count) for kind, count in diff.counts.items()),
    )
    return Document(
        title=say("カタログの差分", "fitgap catalog diff") + f" — {diff.old} → {diff.new}",
        tables=(summary, diff_table(diff)),
        lang=current(),
        municipality=municipality,
    )


class CatalogExport(FrozenModel):
    """What ``fitgap catalog export`` wrote."""

    output: str
    businesses: tuple[str, ...]


def export_catalog(
    catalog: Catalog, businesses: list[BusinessSpec], output: Path, municipality: str | None = None
) -> CatalogExport:
    """The businesses to Excel (``.xlsx``) or JSON (``.json``, sample values masked); ``municipality``: the 団体名
    of the workbook's printed header."""
    from reports.excel_report import write_document
    from reports.jsonout import to_json
    from reports.masking import masked_samples

    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        write_document(catalog_document(catalog, businesses, municipality), output)
    elif suffix == ".json":
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(to_json([masked_samples(b) for b in businesses]) + "\n", encoding="utf-8")
    else:
        raise UsageError(
            say(f"{output.name!r} には書き出せません", f"cannot export to {output.name!r}"),
            hint=say(
                "末尾が .xlsx か .json のファイル名を指定してください", "give a file name ending in .xlsx or .json"
            ),
        )
    return CatalogExport(output=str(output), businesses=tuple(b.business_id for b in businesses))


# Codes of the catalog shown in words (the codes stay in JSON and in the catalog's YAML).
_SENSITIVITY = {
    "none": ("—", "—"),
    "personal": ("個人情報", "personal"),
    "identifier": ("個人識別番号（特定個人情報など）", "identifier"),
}
_METHODS = {"api": ("API", "API"), "file": ("ファイル", "file")}


def _sensitivity(code: str) -> str:
    return say(*_SENSITIVITY[code]) if code in _SENSITIVITY else code


def _method(code: str) -> str:
    return say(*_METHODS[code]) if code in _METHODS else code
