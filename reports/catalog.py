"""Report tables of the catalog: businesses, functions, data items, code lists, links and diffs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reports.tables import Cell, Column, Document, Table, columns
from spec_catalog.base import FrozenModel, UsageError
from spec_catalog.diff import CatalogDiff
from spec_catalog.models import BusinessSpec, Catalog, DataItem, FunctionRequirement
from spec_catalog.vocab import Source

SAMPLE_NOTES = {
    "ja": "サンプル: このカタログには fitgap のサンプル内容（機能一覧、一部のデータレイアウト）が含まれ、"
    "公式の標準仕様書ではありません。公式のファイルは fitgap catalog import で取り込んでください。",
    "en": "SAMPLE: this catalog includes fitgap's sample content (function lists, some layouts), not the official "
    "specification; import the official files with 'fitgap catalog import'.",
}
SAMPLE_NOTE = SAMPLE_NOTES["ja"]  # Japanese first: what a report shows unless it is asked for in English


def sample_note(businesses: Iterable[BusinessSpec]) -> str | None:
    """The sample label, wherever sample content shows."""
    return SAMPLE_NOTE if any(b.source is Source.SAMPLE for b in businesses) else None


def _mark(flag: bool) -> str:
    return "○" if flag else ""


def _length(item: DataItem) -> str:
    if item.length is None:
        return ""
    return f"{item.length},{item.fraction_digits}" if item.fraction_digits is not None else str(item.length)


def businesses_table(catalog: Catalog, *, wide: bool = True) -> Table:
    """The businesses; ``wide=False`` keeps the columns that fit a terminal."""
    headers = ["業務ID", "業務名", "English (unofficial)", "共通機能", "機能数", "データ項目数", "source"]
    if wide:
        headers[3:3] = ["標準仕様書", "版", "所管"]
        headers.insert(7, "都道府県実施(福祉事務所なし)")
    rows = []
    for b in catalog.businesses:
        row: list[str | int] = [
            "/".join(b.ids),
            b.name,
            b.name_en,
            _mark(b.common),
            len(b.functions),
            sum(len(g.items) for g in b.layouts),
            b.source.value,
        ]
        if wide:
            row[3:3] = [b.spec_name, b.spec_version or "", b.ministry]
            row.insert(7, _mark(b.prefecture_without_welfare_office))
        rows.append(tuple(row))
    return Table(
        title=f"業務一覧 / Businesses — {catalog.name}",
        sheet="業務一覧",
        columns=columns(*headers),
        rows=tuple(rows),
        note=sample_note(catalog.businesses),
    )


def functions_table(spec: BusinessSpec, functions: Iterable[FunctionRequirement] | None = None) -> Table:
    chosen = tuple(spec.functions if functions is None else functions)
    return Table(
        title=f"機能要件 / Functions — {spec.business_id} {spec.name}",
        sheet="機能要件",
        columns=columns("機能ID", "機能名称", "実装区分", "要件"),
        rows=tuple((f.function_id, f.name, f.function_class.value, f.requirement) for f in chosen),
        note=sample_note([spec]),
    )


def items_table(spec: BusinessSpec, items: Iterable[DataItem] | None = None, *, wide: bool = True) -> Table:
    """Data items; ``wide=False`` folds type, length and keys into fewer columns for a terminal."""
    chosen = tuple(i for g in spec.layouts for i in g.items) if items is None else tuple(items)
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    if wide:
        headers = (
            "データ項目ID",
            "データ項目",
            "ローマ字",
            "グループ",
            "主キー",
            "外部キー",
            "データ型",
            "桁数",
            "コード",
            "データ出力条件",
            "条件",
            "個人情報",
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
                i.sensitivity.value,
            )
            for i in chosen
        )
    else:
        headers = (
            "データ項目ID",
            "データ項目",
            "ローマ字",
            "型(桁)",
            "キー",
            "コード",
            "出力条件",
            "個人情報",
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
                i.sensitivity.value,
            )
            for i in chosen
        )
    return Table(
        title=f"データ項目 / Data items — {spec.business_id} {spec.name}",
        sheet="データ項目",
        columns=columns(*headers),
        rows=rows,
        note=spec.attribution,
    )


def code_lists_table(spec: BusinessSpec) -> Table:
    rows = []
    for code_list in spec.code_lists:
        if code_list.open:
            rows.append((code_list.code_list_id, code_list.name, "任意", code_list.note or "自治体が定めるコード"))
        rows += [(code_list.code_list_id, code_list.name, v.code, v.label) for v in code_list.values]
    return Table(
        title=f"コード一覧 / Code lists — {spec.business_id} {spec.name}",
        sheet="コード一覧",
        columns=columns("コードID", "コード名", "コード値", "コード値の内容"),
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
        title="業務連携 / Links between businesses",
        sheet="業務連携",
        columns=columns("提供業務", "提供業務名", "利用業務", "利用業務名", "データ", "方式", "備考"),
        rows=tuple(
            (
                lk.provider,
                names.get(lk.provider, ""),
                lk.consumer,
                names.get(lk.consumer, ""),
                lk.data_group,
                lk.method.value,
                lk.note or "",
            )
            for lk in links
        ),
        note=SAMPLE_NOTE if catalog.is_sample else None,
    )


def catalog_document(catalog: Catalog, businesses: list[BusinessSpec]) -> Document:
    """The whole catalog (or some businesses) as one workbook: an overview then one sheet per part."""
    chosen = Catalog(name=catalog.name, businesses=tuple(businesses), links=())
    tables = [businesses_table(chosen)]
    functions = [f for b in businesses for f in b.functions]
    tables.append(
        Table(
            title="機能要件",
            columns=columns("業務ID", "業務名", "機能ID", "機能名称", "実装区分", "要件"),
            rows=tuple(
                (b.business_id, b.name, f.function_id, f.name, f.function_class.value, f.requirement)
                for b in businesses
                for f in b.functions
            ),
            note=sample_note(businesses) if functions else None,
        )
    )
    item_tables = [items_table(b) for b in businesses]
    tables.append(
        Table(
            title="データ項目",
            columns=(Column(header="業務ID"), *items_table(businesses[0]).columns) if businesses else (),
            rows=tuple((b.business_id, *row) for b, t in zip(businesses, item_tables, strict=True) for row in t.rows),
            note=" / ".join(dict.fromkeys(b.attribution for b in businesses if b.layouts and b.attribution)) or None,
        )
    )
    tables.append(
        Table(
            title="コード一覧",
            columns=columns("業務ID", "コードID", "コード名", "コード値", "コード値の内容"),
            rows=tuple((b.business_id, *row) for b in businesses for row in code_lists_table(b).rows),
        )
    )
    tables.append(links_table(catalog, {i for b in businesses for i in b.ids}))
    return Document(title=f"fitgap catalog — {catalog.name}", tables=tuple(tables), note=sample_note(businesses))


def diff_table(diff: CatalogDiff) -> Table:
    return Table(
        title=f"差分 / Catalog diff — {diff.old} → {diff.new}",
        sheet="差分",
        columns=columns("業務ID", "変更", "対象", "名称", "旧", "新"),
        rows=tuple((c.business_id, c.kind.value, c.target, c.name, c.old or "", c.new or "") for c in diff.changes),
    )


def diff_document(diff: CatalogDiff) -> Document:
    summary = Table(
        title="集計 / Summary",
        sheet="集計",
        columns=columns("変更", "件数"),
        rows=tuple((kind, count) for kind, count in diff.counts.items()),
    )
    return Document(title=f"fitgap catalog diff — {diff.old} → {diff.new}", tables=(summary, diff_table(diff)))


class CatalogExport(FrozenModel):
    """What ``fitgap catalog export`` wrote."""

    output: str
    businesses: tuple[str, ...]


def export_catalog(catalog: Catalog, businesses: list[BusinessSpec], output: Path) -> CatalogExport:
    """The businesses to Excel (``.xlsx``) or JSON (``.json``, sample values masked)."""
    from reports.excel import write_document
    from reports.jsonout import to_json
    from reports.masking import masked_samples

    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        write_document(catalog_document(catalog, businesses), output)
    elif suffix == ".json":
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(to_json([masked_samples(b) for b in businesses]) + "\n", encoding="utf-8")
    else:
        raise UsageError(f"cannot export to {output.name!r}", hint="give a file name ending in .xlsx or .json")
    return CatalogExport(output=str(output), businesses=tuple(b.business_id for b in businesses))
