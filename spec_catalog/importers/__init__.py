"""Importing the official Digital Agency workbooks into a catalog directory.

One command reads both kinds of workbook: a 項目定義書 / 基本データリスト (data layout and code lists) and a
function-requirement list; and a Word specification (:mod:`spec_catalog.importers.docx`) — a file is taken for
what it is, whatever its extension. Every sheet is read (:mod:`spec_catalog.importers.sheets`). What a workbook
holds replaces that part of the business in the catalog directory and the other part is kept: importing a
layout keeps the business's functions and importing functions keeps its layout — from the file of the same
version if there is one, else from an unversioned file of the business, else from the embedded catalog (never
from a file of another version). The result says what was kept and from where. A ``sensitivity`` set by hand
on an item of that file is carried over to the same item of the new import.

The version comes from ``--spec-version``, else a 「第N.N版」 in the title rows of the sheets read (a Word
document: its cover), else the file name, else it is unknown (:mod:`spec_catalog.importers.versions`); which
version the catalog then uses follows :func:`spec_catalog.store.in_use`, and the result says whether the
import is the one in use.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from spec_catalog.base import FrozenModel, InputFileError
from spec_catalog.importers.layout import linked_business
from spec_catalog.importers.sheets import SheetReport, WorkbookContent, read_sheets
from spec_catalog.importers.versions import choose_version, version_in_cells, version_in_file_name
from spec_catalog.importers.workbook import open_workbook, problem_of
from spec_catalog.language import say
from spec_catalog.models import Business, BusinessSpec, CodeList, DataGroup, DataItem
from spec_catalog.sensitivity import infer_sensitivity
from spec_catalog.store import (
    EMBEDDED,
    business_in_use,
    business_versions,
    in_use,
    load_embedded,
    resolve_catalog,
    write_business,
)
from spec_catalog.vocab import (
    STANDARD_BUSINESSES,
    BusinessKind,
    Source,
    VersionSource,
    standard_business,
    standard_business_named,
)

UNCONFIRMED_SPEC_NAME = "（標準仕様書名未確認）"


class KeptContent(FrozenModel):
    """A part of the business that the import did not replace."""

    part: Literal["functions", "layout"]
    count: int  # functions, or data items
    source: str  # "embedded", or the file of the catalog directory it came from
    sample: bool  # the kept content is fitgap's sample, so the business stays marked sample


class ImportResult(FrozenModel):
    """What ``fitgap catalog import`` read and wrote."""

    file: str
    kind: str  # "layout", "functions" or "layout+functions"
    business_id: str
    name: str
    spec_version: str | None
    source: Source
    functions: int
    groups: int
    items: int
    code_lists: int
    written: str
    version_source: VersionSource | None = None  # None: not recorded by this importer
    version_note: str | None = None  # another source said another version
    sheets: tuple[SheetReport, ...] = ()
    kept: tuple[KeptContent, ...] = ()
    linked_code_lists: tuple[str, ...] = ()  # code lists owned by another business (<業務名>_<コード番号>)
    in_use: bool = True  # the catalog directory uses this file for the business
    in_use_note: str | None = None  # why (not)
    file_kind: Literal["workbook", "document"] = "workbook"  # an Excel workbook, or a Word document
    sensitivity_kept: tuple[str, ...] = ()  # データ項目IDs whose hand-set sensitivity was carried over


def _holder(business_id: str, into: Path) -> str | None:
    """The 業務ID of the business whose file holds ``business_id`` (018 → 017), or None when unknown."""
    entry = standard_business(business_id)
    if entry is not None:
        return entry.holder
    catalog = resolve_catalog(into) if _has_catalog(into) else load_embedded()
    found = catalog.find(business_id)
    return found.business_id if found else None


def _has_catalog(directory: Path) -> bool:
    return directory.is_dir() and any(p.name != "catalog.yaml" for p in directory.glob("*.yaml"))


def _business_id(ids: set[str], path: Path, into: Path) -> str:
    holders = {i: _holder(i, into) for i in ids}
    unknown = sorted(i for i, holder in holders.items() if holder is None)
    if unknown:
        raise InputFileError(
            _not_standard(", ".join(unknown)),
            where=path,
            hint=say(
                "機能ID / データ項目ID の列の先頭の業務IDを確かめてください"
                "（業務IDは 'fitgap catalog list' で見られます）",
                "check the ID prefix of the 機能ID / データ項目ID column ('fitgap catalog list' shows the 業務IDs)",
            ),
        )
    businesses = {h for h in holders.values() if h is not None}
    if len(businesses) != 1:
        mixed = ", ".join(sorted(businesses))
        raise InputFileError(
            say(f"ブックに複数の業務（{mixed}）が混ざっています", f"the workbook mixes businesses {mixed}"),
            where=path,
            hint=say("一つのブックには一つの業務を入れて取り込んでください", "import one business per workbook"),
        )
    return businesses.pop()


def _not_standard(ids: str) -> str:
    return say(f"業務ID {ids} は標準の業務ではありません", f"業務ID {ids} is not one of the standard businesses")


def scheme_business(business_id: str) -> Business:
    """The metadata of a business the embedded catalog does not hold (005, 014 …), from the ID scheme."""
    entry = standard_business(business_id)
    if entry is None:
        raise InputFileError(_not_standard(business_id))
    return Business(
        business_id=entry.business_id,
        other_ids=tuple(b.business_id for b in STANDARD_BUSINESSES if b.held_by == business_id),
        name=entry.name,
        name_en=entry.name_en,
        spec_name=entry.spec_name or UNCONFIRMED_SPEC_NAME,
        ministry=entry.ministry,
        common=entry.kind is BusinessKind.COMMON,
        prefecture_without_welfare_office=entry.prefecture,
        source=Source.IMPORTED,
    )


def _base(into: Path, business_id: str, version: str | None) -> tuple[BusinessSpec | None, str]:
    """What the import merges into, and where it is: the file of this version in ``into``, else an unversioned
    file of the business, else the embedded business. Never a file of another version: its content belongs to
    that version, and copied here it would pass for this version's."""
    files = business_versions(into).get(business_id, []) if into.is_dir() else []
    same = [(path, spec) for path, spec in files if spec.spec_version == version]
    unversioned = [(path, spec) for path, spec in files if spec.spec_version is None]
    chosen = in_use(same or unversioned) if same or unversioned else None
    if chosen is not None:
        return chosen[1], chosen[0].name
    return load_embedded().find(business_id), EMBEDDED


def _is_sample(base: BusinessSpec | None, part: Literal["functions", "layout"]) -> bool:
    """Whether the ``part`` of ``base`` is fitgap's sample content."""
    if base is None or base.source is not Source.SAMPLE:
        return False
    return base.sample_parts is None or part in base.sample_parts


def _groups(items: list[DataItem]) -> list[DataGroup]:
    by_name: dict[str, list[DataItem]] = {}
    for item in items:
        by_name.setdefault(item.group, []).append(item)
    return [DataGroup(name=name, items=tuple(group)) for name, group in by_name.items()]


def _resolve_linked(items: list[DataItem], code_lists: list[CodeList], into: Path, path: Path) -> list[CodeList]:
    """The 連携 code lists the items name but no sheet of the workbook defines, copied from the official or
    imported content of the owning business in the catalog; one clear error when that is not there. (Both
    sides name the business as the ID scheme does: :func:`spec_catalog.importers.layout.normalize_code_list_id`.)"""
    defined = {c.code_list_id for c in code_lists}
    on_linked_sheet = sorted(c for c in defined if linked_business(c) is not None)
    wanted = sorted({i.code_list for i in items if i.code_list and i.code_list not in defined})
    catalog = resolve_catalog(into) if _has_catalog(into) else load_embedded()
    found: list[CodeList] = []
    for reference in wanted:
        business_name = linked_business(reference)
        if business_name is None:
            continue  # a list of the business itself: the model names it if it is missing
        number = reference.rpartition("_")[2]
        entry = standard_business_named(business_name)
        owner = catalog.find(entry.business_id) if entry else None
        source = owner.code_list(number) if owner is not None and owner.source is not Source.SAMPLE else None
        if entry is None or owner is None or source is None:
            raise _linked_not_found(reference, business_name, number, owner, on_linked_sheet, path)
        found.append(
            source.model_copy(
                update={
                    "code_list_id": reference,
                    "owner": owner.business_id,
                    "note": f"{owner.business_id} {owner.name} のコード一覧 {number} から",
                }
            )
        )
    return found


def _linked_not_found(
    reference: str,
    business_name: str,
    number: str,
    owner: BusinessSpec | None,
    on_linked_sheet: list[str],
    path: Path,
) -> InputFileError:
    """The error for a 連携 reference nothing defines; it says whether the workbook has a 連携 sheet at all."""
    entry = standard_business_named(business_name)
    if entry is None:
        held_ja = f"{business_name} は業務IDの体系にない業務です"
        held_en = f"{business_name} is not a business of the ID scheme"
    else:
        owning = f"{entry.business_id} {entry.name}"
        sample = owner is not None and owner.source is Source.SAMPLE
        held_ja = f"カタログに {owning} の取り込んだコード一覧 {number} がありません" + (
            "（サンプルだけです）" if sample else ""
        )
        held_en = f"the catalog holds no imported code list {number} of {owning}" + (
            " (only a sample)" if sample else ""
        )
    if on_linked_sheet:
        listed = ", ".join(on_linked_sheet)
        return InputFileError(
            say(
                f"項目が連携のコード一覧 {reference} を参照していますが、「コード一覧（連携）」のシートにあるのは "
                f"{listed} だけで、{held_ja}",
                f"items refer to the 連携 code list {reference}, which the 「コード一覧（連携）」 sheet does not "
                f"define (it defines {listed}), and {held_en}",
            ),
            where=path,
            hint=say(
                "「コード一覧（連携）」のシートの業務名とコードID、または項目のコードを確かめてください",
                "check the 業務名 and コードID on the 「コード一覧（連携）」 sheet, or the item's コード",
            ),
        )
    return InputFileError(
        say(
            f"項目が連携のコード一覧 {reference} を参照していますが、それを定める「コード一覧（連携）」の"
            f"シートがなく、{held_ja}",
            f"items refer to the 連携 code list {reference}, which no 「コード一覧（連携）」 sheet defines "
            f"and {held_en}",
        ),
        where=path,
        hint=say(
            "ブックに「コード一覧（連携）」のシートを加えるか、先に所管する業務の項目定義書を取り込んでください",
            "add the 「コード一覧（連携）」 sheet to the workbook, "
            "or import the 項目定義書 of the owning business first",
        ),
    )


def _hand_set_sensitivity(base: BusinessSpec | None) -> dict[tuple[str, str], DataItem]:
    """The items of ``base`` whose sensitivity is not the one the rules infer: set by hand in the catalog file
    (docs/catalog.md tells users to), by データ項目ID and romanized name."""
    if base is None:
        return {}
    return {
        (i.item_id, i.romanized): i
        for g in base.layouts
        for i in g.items
        if i.sensitivity != infer_sensitivity(i.romanized, i.name)
    }


def _carry_sensitivity(items: list[DataItem], base: BusinessSpec | None) -> tuple[list[DataItem], list[str]]:
    """The new items with the hand-set sensitivity of the same item in ``base``, and the IDs it was kept for."""
    hand_set = _hand_set_sensitivity(base)
    carried: list[str] = []
    result: list[DataItem] = []
    for item in items:
        before = hand_set.get((item.item_id, item.romanized))
        if before is not None and before.sensitivity != item.sensitivity:
            carried.append(item.item_id)
            result.append(item.model_copy(update={"sensitivity": before.sensitivity}))
        else:
            result.append(item)
    return result, carried


@dataclass
class Merged:
    """The content of a business after an import: its parts, what was kept, and whose sensitivity was kept."""

    parts: dict[str, Any]
    kept: list[KeptContent] = field(default_factory=list)
    sensitivity_kept: list[str] = field(default_factory=list)


def _merge(
    content: WorkbookContent, base: BusinessSpec | None, base_from: str, ids: set[str], into: Path, path: Path
) -> Merged:
    """The functions, layouts and code lists of the new file, and what was kept from ``base``."""
    kept: list[KeptContent] = []
    # A business with several IDs (就学: 017 and 018) keeps what belongs to the IDs the workbook does not hold.
    base_functions = list(base.functions) if base else []
    if content.has_functions:
        base_functions = [f for f in base_functions if f.function_id[:3] not in ids]
    functions = [*content.functions, *base_functions]
    sensitivity_kept: list[str] = []
    if content.has_layout:
        items, sensitivity_kept = _carry_sensitivity(content.items, base)
        new_groups = _groups(items)
        names = {g.name for g in new_groups}
        base_groups = [
            g
            for g in (base.layouts if base else ())
            if g.name not in names and not any(i.item_id[:3] in ids for i in g.items)
        ]
        code_lists = content.code_lists + _resolve_linked(content.items, content.code_lists, into, path)
        defined = {c.code_list_id for c in code_lists}
        still_used = {i.code_list for g in base_groups for i in g.items}
        code_lists += [c for c in (base.code_lists if base else ()) if c.code_list_id in still_used - defined]
        layouts = [*new_groups, *base_groups]
    else:
        base_groups = list(base.layouts) if base else []
        layouts, code_lists = base_groups, list(base.code_lists) if base else []
    kept_items = sum(len(g.items) for g in base_groups)
    if base_functions:
        sample = _is_sample(base, "functions")
        kept.append(KeptContent(part="functions", count=len(base_functions), source=base_from, sample=sample))
    if kept_items:
        kept.append(KeptContent(part="layout", count=kept_items, source=base_from, sample=_is_sample(base, "layout")))
    parts = {"functions": functions, "layouts": layouts, "code_lists": code_lists}
    return Merged(parts=parts, kept=kept, sensitivity_kept=sensitivity_kept)


def in_use_note(into: Path, business_id: str, written: Path) -> tuple[bool, str | None]:
    """Whether the file just written is the one the directory uses for the business, and why."""
    used = business_in_use(into, business_id)
    if used is None:
        return True, None
    path, spec = used
    if path == written:
        others = [p for p in into.glob(f"{business_id}*.yaml") if p != written and not p.name.startswith(".")]
        if others and spec.spec_version is None:
            return True, say(
                "使用中: 版の記載がないので、最新の取り込みとして使われます（順位を付けるには --spec-version を"
                "指定してください）",
                "in use: it states no version, so as the latest import it is used (give --spec-version to rank it)",
            )
        return True, None
    version = spec.spec_version or "unversioned"
    return False, say(
        f"使用されません: カタログはこの取り込みより新しい版の {path.name}（{version}）を使い続けます。"
        "'catalog diff' で比べられます",
        f"not in use: the catalog keeps {path.name} ({version}), a higher version than this import; "
        "'catalog diff' compares them",
    )


def import_workbook(
    path: Path,
    into: Path,
    *,
    columns: dict[str, str] | None = None,
    spec_version: str | None = None,
    attribution: str | None = None,
) -> ImportResult:
    """Read ``path`` and merge what it holds into the business's file in the catalog directory ``into``."""
    workbook = open_workbook(path)
    content = read_sheets(workbook, path, columns)
    if not content.has_layout and not content.has_functions:
        sheets = ", ".join(f"'{s.title}'" for s in workbook.worksheets)
        raise InputFileError(
            say(
                f"仕様のシートが見つかりません（シート: {sheets}）。項目定義書の見出し（データ項目ID、データ項目、"
                "データ項目（ローマ字）、グループ、データ型、データ出力条件）か、機能一覧の見出し（機能ID、機能名称、"
                "実装区分）が必要です",
                f"no spec sheet found (sheets: {sheets}); expected a 項目定義書 header (データ項目ID, データ項目, "
                "データ項目（ローマ字）, グループ, データ型, データ出力条件) "
                "or a function list (機能ID, 機能名称, 実装区分)",
            ),
            where=path,
            hint=say(
                "公式の項目定義書 / 機能要件のブックを指定するか、--column FIELD=HEADER で列を指定してください",
                "give an official 項目定義書 / 機能要件 workbook, or name the columns with --column FIELD=HEADER",
            ),
        )
    ids = {item.item_id[:3] for item in content.items} | {f.function_id[:3] for f in content.functions}
    business_id = _business_id(ids, path, into)
    version, version_source, version_note = choose_version(
        spec_version, version_in_cells(workbook, content.sheets), version_in_file_name(path.name)
    )
    base, base_from = _base(into, business_id, version)
    merged = _merge(content, base, base_from, ids, into, path)
    kept = merged.kept
    metadata = base.summary() if base is not None else scheme_business(business_id)
    note = attribution or f"出典: {path.name}（取り込みにより加工して作成）"
    attributions = [base.attribution if base is not None and kept else None, note]
    try:
        spec = BusinessSpec.model_validate(
            {
                **metadata.model_dump(exclude={"import_number", "sample_parts"}),
                **merged.parts,
                "spec_version": version,
                "version_source": version_source,
                "source": Source.SAMPLE if any(k.sample for k in kept) else Source.IMPORTED,
                "sample_parts": tuple(k.part for k in kept if k.sample) or None,
                "attribution": " / ".join(dict.fromkeys(a for a in attributions if a)),
            }
        )
    except ValidationError as exc:
        raise InputFileError(
            problem_of(exc),
            where=path,
            hint=say("ブックを直して、もう一度取り込んでください", "fix the workbook and import again"),
        ) from None
    kind = "+".join(k for k, found in (("layout", content.has_layout), ("functions", content.has_functions)) if found)
    return write_result(
        path,
        into,
        spec,
        kind,
        version_source,
        version_note,
        sheets=tuple(content.sheets),
        kept=tuple(kept),
        sensitivity_kept=tuple(merged.sensitivity_kept),
    )


def write_result(
    path: Path,
    into: Path,
    spec: BusinessSpec,
    kind: str,
    version_source: VersionSource,
    version_note: str | None,
    *,
    sheets: tuple[SheetReport, ...],
    kept: tuple[KeptContent, ...],
    file_kind: Literal["workbook", "document"] = "workbook",
    sensitivity_kept: tuple[str, ...] = (),
) -> ImportResult:
    """Write an imported business into the catalog directory and say what was read, kept and is in use (one
    shape for a workbook and a Word document)."""
    written = write_business(into, spec)
    used, used_note = in_use_note(into, spec.business_id, written)
    return ImportResult(
        file=str(path),
        kind=kind,
        business_id=spec.business_id,
        name=spec.name,
        spec_version=spec.spec_version,
        source=spec.source,
        functions=len(spec.functions),
        groups=len(spec.layouts),
        items=sum(len(g.items) for g in spec.layouts),
        code_lists=len(spec.code_lists),
        written=str(written),
        version_source=version_source,
        version_note=version_note,
        sheets=sheets,
        kept=kept,
        linked_code_lists=tuple(c.code_list_id for c in spec.code_lists if c.owner or linked_business(c.code_list_id)),
        in_use=used,
        in_use_note=used_note,
        file_kind=file_kind,
        sensitivity_kept=sensitivity_kept,
    )


_PDF_SIGNATURE = b"%PDF"


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(_PDF_SIGNATURE)) == _PDF_SIGNATURE


def _is_word(path: Path) -> bool:
    """A ZIP package with a Word main part: a .docx, whatever its file name says (a .docx renamed .xlsx)."""
    if not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False  # the reader of its kind says what is wrong with it


def import_file(
    path: Path,
    into: Path,
    *,
    columns: dict[str, str] | None = None,
    spec_version: str | None = None,
    attribution: str | None = None,
) -> tuple[ImportResult, ...]:
    """Import one official file: a Word specification (one result per business it names) or a workbook. What the
    file holds decides, not its extension: a Word document renamed .xlsx is read as Word, and a PDF is refused
    with one line saying which files can be read."""
    # Only a regular file is looked into: the readers refuse the rest (missing, a folder, a FIFO) each in its words.
    if path.is_file() and _is_pdf(path):
        raise InputFileError(
            say("PDF のファイルは読めません", "a PDF file cannot be read"),
            where=path,
            hint=say(
                "標準仕様書は Word（.docx）のファイルを、項目定義書や機能一覧は Excel（.xlsx）のファイルを指定して"
                "ください",
                "give the specification as a Word (.docx) file, or the 項目定義書 / function list as an Excel (.xlsx) "
                "file",
            ),
        )
    word = path.suffix.lower() in (".docx", ".doc") or (path.is_file() and _is_word(path))
    if word:  # the Word importer names an old .doc as such
        from spec_catalog.importers.docx import import_docx  # loads only for a Word file

        return import_docx(path, into, columns=columns, spec_version=spec_version, attribution=attribution)
    return (import_workbook(path, into, columns=columns, spec_version=spec_version, attribution=attribution),)
