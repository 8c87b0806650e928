"""Importing the official Digital Agency workbooks into a catalog directory.

One command reads both kinds of workbook: a 項目定義書 / 基本データリスト (data layout and code lists) and a
function-requirement list. What it finds is merged into the business's file in the catalog directory, so
the layout and the functions of one business may come from two workbooks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spec_catalog.base import FrozenModel, InputFileError
from spec_catalog.importers.functions import read_functions
from spec_catalog.importers.layout import read_layout
from spec_catalog.importers.workbook import cell_text, open_workbook
from spec_catalog.models import BusinessSpec
from spec_catalog.store import existing_business, load_embedded, write_business
from spec_catalog.vocab import Source

_VERSION = re.compile(r"第\s*[0-9０-９]+(?:[.．][0-9０-９]+)*\s*版")


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


def _find_version(workbook: Any) -> str | None:
    """A 「第N.N版」 in the title rows of any sheet, if the workbook states its version."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row or 0, 6), values_only=True):
            for value in row:
                if match := _VERSION.search(cell_text(value)):
                    return match.group(0).replace(" ", "")
    return None


def _business_id(ids: set[str], path: Path) -> str:
    catalog = load_embedded()
    businesses = {b.business_id for i in ids if (b := catalog.find(i)) is not None}
    unknown = sorted(i for i in ids if catalog.find(i) is None)
    if unknown:
        raise InputFileError(
            f"業務ID {', '.join(unknown)} is not one of the standard businesses",
            where=path,
            hint="check the ID prefix of the 機能ID / データ項目ID column ('fitgap catalog list' shows the 業務IDs)",
        )
    if len(businesses) != 1:
        raise InputFileError(
            f"the workbook mixes businesses {', '.join(sorted(businesses))}",
            where=path,
            hint="import one business per workbook",
        )
    return businesses.pop()


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
    layout = read_layout(workbook, path)
    functions = read_functions(workbook, path, columns)
    if layout is None and functions is None:
        sheets = ", ".join(f"'{s.title}'" for s in workbook.worksheets)
        raise InputFileError(
            f"no spec sheet found (sheets: {sheets}); expected a 項目定義書 header (データ項目ID, データ項目, "
            "データ項目（ローマ字）, グループ, データ型, データ出力条件) "
            "or a function list (機能ID, 機能名称, 実装区分)",
            where=path,
            hint="give an official 項目定義書 / 機能要件 workbook, or name the columns with --column FIELD=HEADER",
        )
    ids = {item.item_id[:3] for group in (layout[0] if layout else ()) for item in group.items}
    ids |= {f.function_id[:3] for f in functions or ()}
    business_id = _business_id(ids, path)
    version = spec_version or _find_version(workbook)

    base = existing_business(into, business_id, version)
    metadata = (base or load_embedded().business(business_id)).summary()
    content: dict[str, Any] = {
        "functions": base.functions if base else (),
        "layouts": base.layouts if base else (),
        "code_lists": base.code_lists if base else (),
    }
    if layout is not None:
        content["layouts"], content["code_lists"] = layout
    if functions is not None:
        content["functions"] = functions
    # Content kept from a sample file keeps the business marked as a sample.
    kept_sample = (
        base is not None
        and base.source is Source.SAMPLE
        and ((layout is None and base.layouts) or (functions is None and base.functions))
    )
    note = attribution or f"出典: {path.name}（取り込みにより加工して作成）"
    attributions = [a for a in (base.attribution if base else None, note) if a]
    try:
        spec = BusinessSpec.model_validate(
            {
                **metadata.model_dump(),
                **content,
                "spec_version": version,
                "source": Source.SAMPLE if kept_sample else Source.IMPORTED,
                "attribution": " / ".join(dict.fromkeys(attributions)),
            }
        )
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputFileError(message, where=path, hint="fix the workbook and import again") from None
    written = write_business(into, spec)
    kind = "+".join(k for k, found in (("layout", layout), ("functions", functions)) if found is not None)
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
    )
