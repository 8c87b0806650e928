"""Reading a filled assessment workbook. Every problem becomes a finding with its sheet and cell; only a
file that is not an assessment workbook at all stops the run."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from fitgap.assessment.models import CustomRow, FilledAssessment, FunctionRow, LinkRow, Place
from fitgap.assessment.sheets import (
    CUSTOM_COLUMNS,
    CUSTOM_SHEET,
    FUNCTION_COLUMNS,
    LINK_COLUMNS,
    LINK_SHEET,
    META_SHEET,
    aliases,
)
from fitgap.assessment.vocab import CurrentLinkMethod, CurrentUse, Fate, GapClass, Status, parse_choice
from spec_catalog.base import InputFileError
from spec_catalog.codes import Code
from spec_catalog.findings import Finding, Location
from spec_catalog.importers.workbook import (
    Header,
    SheetValues,
    WorkbookValues,
    cell_text,
    find_header_in_sheet,
    read_values,
)
from spec_catalog.language import say
from spec_catalog.models import Catalog

E = TypeVar("E", bound=StrEnum)


class _Sheet:
    """Cell access for the data rows under one located header, collecting findings."""

    def __init__(self, header: Header, path: Path, findings: list[Finding], choices: dict[Any, Any]) -> None:
        self.header, self.path, self.findings = header, path, findings
        self.values: SheetValues = header.sheet
        self.title: str = self.values.title
        self.columns = {field: found[0] for field, found in header.columns.items() if found}
        self.choices = choices  # (enum, text) -> member: the same few texts fill thousands of cells

    def column(self, field: str) -> int | None:
        return self.columns.get(field)

    def raw(self, row: int, field: str) -> Any:
        column = self.columns.get(field)
        return self.values.value(row, column) if column else None

    def text(self, row: int, field: str) -> str:
        return cell_text(self.raw(row, field))

    def cell(self, row: int, field: str) -> str:
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.column(field) or 1)}{row}"

    def add(self, code: Code, message: str, row: int, field: str, value: str | None = None) -> None:
        location = Location(file=str(self.path), sheet=self.title, cell=self.cell(row, field))
        self.findings.append(Finding(code=code, message=message, location=location, value=value))

    def choice(self, row: int, field: str, enum: type[E], label: str) -> E | None:
        text = self.text(row, field)
        if not text:
            return None
        key = (enum, text)
        if key not in self.choices:
            self.choices[key] = parse_choice(enum, text)
        found: E | None = self.choices[key]
        if found is None:
            allowed = " / ".join(m.value for m in enum)
            self.add(
                Code.ASSESS_VALUE_NOT_IN_LIST,
                say(f"{label} '{text}' は選択肢（{allowed}）にありません", f"{label} '{text}' is not one of {allowed}"),
                row,
                field,
                text,
            )
        return found

    def date(self, row: int, field: str) -> dt.date | None:
        value = self.raw(row, field)
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value).replace("/", "-")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.add(
                Code.ASSESS_INVALID_DATE,
                say(
                    f"期限 '{cell_text(value)}' は日付（YYYY-MM-DD）として読めません",
                    f"期限 '{cell_text(value)}' is not a date (YYYY-MM-DD)",
                ),
                row,
                field,
                cell_text(value),
            )
            return None

    def rows(self) -> range:
        return range(self.header.row + 1, self.values.max_row + 1)

    def blank(self, row: int, fields: tuple[tuple[str, str, int], ...]) -> bool:
        return all(self.raw(row, field) in (None, "") for field, _, _ in fields)


def _meta(workbook: WorkbookValues) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        return {}
    sheet = workbook[META_SHEET]
    return {cell_text(r[0]): cell_text(r[1]) for r in sheet.iter_rows(values_only=True) if r and r[0]}


def _function_id(value: object) -> str:
    text = cell_text(value)
    return text.zfill(7) if text.isdigit() and len(text) < 7 else text


def _business_of(sheet: _Sheet, catalog: Catalog) -> str | None:
    prefix = sheet.title[:3]
    if prefix.isdigit() and catalog.find(prefix):
        return catalog.find(prefix).business_id  # type: ignore[union-attr]
    for row in sheet.rows():
        function_id = _function_id(sheet.raw(row, "function_id"))
        if len(function_id) == 7 and (found := catalog.find(function_id[:3])):
            return found.business_id
    return None


def _read_functions(sheet: _Sheet, catalog: Catalog, business_id: str) -> list[FunctionRow]:
    spec = catalog.business(business_id)
    known = {f.function_id: f for f in spec.functions}
    seen: dict[str, int] = {}
    rows: list[FunctionRow] = []
    for row in sheet.rows():
        if sheet.blank(row, FUNCTION_COLUMNS):
            continue
        function_id = _function_id(sheet.raw(row, "function_id"))
        if not function_id:
            sheet.add(
                Code.ASSESS_MISSING_FUNCTION_ID,
                say("記入のある行に機能IDがありません", "a filled row has no 機能ID"),
                row,
                "function_id",
            )
            continue
        function = known.get(function_id)
        if function is None:
            sheet.add(
                Code.ASSESS_UNKNOWN_FUNCTION_ID,
                say(
                    f"機能ID {function_id} はカタログの {spec.business_id} {spec.name} の機能にありません",
                    f"機能ID {function_id} is not a function of {spec.business_id} {spec.name} in the catalog",
                ),
                row,
                "function_id",
                function_id,
            )
            continue
        if function_id in seen:
            sheet.add(
                Code.ASSESS_DUPLICATE_FUNCTION_ID,
                say(
                    f"機能ID {function_id} が重複しています（最初は {seen[function_id]} 行目）",
                    f"機能ID {function_id} appears again (first on row {seen[function_id]})",
                ),
                row,
                "function_id",
                function_id,
            )
            continue
        seen[function_id] = row
        written = sheet.text(row, "function_class")
        if written and written != function.function_class.value:
            sheet.add(
                Code.ASSESS_CLASS_CHANGED,
                say(
                    f"実装区分 '{written}' がカタログの {function.function_class.value} と異なります"
                    "（カタログの区分を使います）",
                    f"実装区分 '{written}' differs from the catalog's {function.function_class.value}; "
                    "the catalog's is used",
                ),
                row,
                "function_class",
                written,
            )
        confidence_text = sheet.text(row, "confidence")
        try:
            confidence = float(confidence_text) if confidence_text else None
        except ValueError:
            confidence = None
        rows.append(
            FunctionRow(
                business_id=spec.business_id,
                function_id=function_id,
                name=function.name,
                function_class=function.function_class,
                current_use=sheet.choice(row, "current_use", CurrentUse, "現行利用"),
                practice=sheet.text(row, "practice"),
                gap_class=sheet.choice(row, "gap_class", GapClass, "判定"),
                policy=sheet.text(row, "policy"),
                owner=sheet.text(row, "owner"),
                due=sheet.date(row, "due"),
                status=sheet.choice(row, "status", Status, "状況"),
                matched_from=sheet.text(row, "matched_from"),
                confidence=confidence,
                place=Place(sheet=sheet.title, row=row),
            )
        )
    for function_id, function in known.items():
        if function_id not in seen:
            sheet.findings.append(
                Finding(
                    code=Code.ASSESS_FUNCTION_MISSING,
                    message=say(
                        f"カタログの機能ID {function_id} {function.name} がシートにありません",
                        f"機能ID {function_id} {function.name} of the catalog is not on the sheet",
                    ),
                    location=Location(file=str(sheet.path), sheet=sheet.title),
                    value=function_id,
                )
            )
    return rows


def _read_custom(sheet: _Sheet, catalog: Catalog) -> list[CustomRow]:
    rows: list[CustomRow] = []
    for row in sheet.rows():
        if sheet.blank(row, CUSTOM_COLUMNS):
            continue
        name = sheet.text(row, "name")
        if not name:
            sheet.add(
                Code.ASSESS_MISSING_VALUE,
                say("独自機能の行に名称がありません", "a 独自機能 row has no 名称"),
                row,
                "name",
            )
            continue
        business_text = sheet.text(row, "business_id")
        business_id = None
        if business_text:
            found = catalog.find(business_text.zfill(3)) if business_text.isdigit() else None
            if found is None:
                sheet.add(
                    Code.ASSESS_UNKNOWN_BUSINESS,
                    say(
                        f"関連業務ID '{business_text}' はカタログにありません",
                        f"関連業務ID '{business_text}' is not in the catalog",
                    ),
                    row,
                    "business_id",
                    business_text,
                )
            else:
                business_id = found.business_id
        rows.append(
            CustomRow(
                name=name,
                description=sheet.text(row, "description"),
                system=sheet.text(row, "system"),
                business_id=business_id,
                fate=sheet.choice(row, "fate", Fate, "対応"),
                owner=sheet.text(row, "owner"),
                due=sheet.date(row, "due"),
                status=sheet.choice(row, "status", Status, "状況"),
                place=Place(sheet=sheet.title, row=row),
            )
        )
    return rows


def _read_links(sheet: _Sheet) -> list[LinkRow]:
    rows: list[LinkRow] = []
    for row in sheet.rows():
        if sheet.blank(row, LINK_COLUMNS):
            continue
        provider, consumer = sheet.text(row, "provider"), sheet.text(row, "consumer")
        if not provider or not consumer:
            sheet.add(
                Code.ASSESS_LINK_INCOMPLETE,
                say("業務連携の行には提供元と提供先の両方が必要です", "a 業務連携 row needs both 提供元 and 提供先"),
                row,
                "provider" if not provider else "consumer",
            )
            continue
        rows.append(
            LinkRow(
                provider=provider,
                consumer=consumer,
                data=sheet.text(row, "data"),
                method=sheet.choice(row, "method", CurrentLinkMethod, "方式"),
                frequency=sheet.text(row, "frequency"),
                note=sheet.text(row, "note"),
                place=Place(sheet=sheet.title, row=row),
            )
        )
    return rows


def not_an_assessment(path: Path) -> InputFileError:
    """The error for a workbook with no business sheet (reading, splitting and filling one alike)."""
    return InputFileError(
        say(
            "Fit & Gap 調査票ではありません: 機能ID・現行利用・判定の列があるシートがありません",
            "not an assessment workbook: no sheet has the columns 機能ID, 現行利用 and 判定",
        ),
        where=path,
        hint=say(
            "'fitgap assess template BUSINESS -o FILE.xlsx' で作ってください",
            "make one with 'fitgap assess template BUSINESS -o FILE.xlsx'",
        ),
    )


def read_assessment(path: Path, catalog: Catalog, values: WorkbookValues | None = None) -> FilledAssessment:
    """Read a filled workbook; problems in it are findings, a file that is no assessment is an error. ``values``:
    the workbook's values when already read (fitgap.assessment.ahead)."""
    workbook = values if values is not None else read_values(path)
    findings: list[Finding] = []
    choices: dict[Any, Any] = {}
    meta = _meta(workbook)
    if meta.get("catalog") and meta["catalog"] != catalog.name:
        findings.append(
            Finding(
                code=Code.ASSESS_CATALOG_MISMATCH,
                message=say(
                    f"調査票はカタログ '{meta['catalog']}' から作られましたが、'{catalog.name}' で採点しています",
                    f"the workbook was made from catalog '{meta['catalog']}' but is scored against '{catalog.name}'",
                ),
                location=Location(file=str(path), sheet=META_SHEET),
            )
        )
    functions: list[FunctionRow] = []
    custom: list[CustomRow] = []
    links: list[LinkRow] = []
    businesses: list[str] = []
    required = ("function_id", "current_use", "gap_class")
    for worksheet in workbook.worksheets:
        if worksheet.title == CUSTOM_SHEET:
            header = find_header_in_sheet(worksheet, aliases(CUSTOM_COLUMNS), ("name", "fate"))
            if header is not None:
                custom += _read_custom(_Sheet(header, path, findings, choices), catalog)
            continue
        if worksheet.title == LINK_SHEET:
            header = find_header_in_sheet(worksheet, aliases(LINK_COLUMNS), ("provider", "consumer"))
            if header is not None:
                links += _read_links(_Sheet(header, path, findings, choices))
            continue
        header = find_header_in_sheet(worksheet, aliases(FUNCTION_COLUMNS), required)
        if header is None:
            continue
        sheet = _Sheet(header, path, findings, choices)
        business_id = _business_of(sheet, catalog)
        if business_id is None:
            findings.append(
                Finding(
                    code=Code.ASSESS_UNKNOWN_BUSINESS,
                    message=say(
                        f"シート '{worksheet.title}' はカタログのどの業務にも当たらないため、採点していません",
                        f"sheet '{worksheet.title}' belongs to no business of the catalog; it was not scored",
                    ),
                    location=Location(file=str(path), sheet=worksheet.title),
                )
            )
            continue
        if business_id in businesses:
            findings.append(
                Finding(
                    code=Code.ASSESS_DUPLICATE_BUSINESS,
                    message=say(
                        f"業務 {business_id} のシートが2枚あります。最初のシートだけを採点しました",
                        f"a second sheet for business {business_id}; only the first was scored",
                    ),
                    location=Location(file=str(path), sheet=worksheet.title),
                )
            )
            continue
        businesses.append(business_id)
        functions += _read_functions(sheet, catalog, business_id)
    if not businesses:
        raise not_an_assessment(path)
    return FilledAssessment(
        file=str(path),
        catalog=meta.get("catalog") or None,
        municipality=meta.get("municipality") or None,
        businesses=tuple(businesses),
        functions=tuple(functions),
        custom=tuple(custom),
        links=tuple(links),
        findings=tuple(findings),
    )
