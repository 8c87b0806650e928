"""``fitgap assess template``: the workbook that staff fill in, one sheet per business.

The 判定 drop-down of a Japanese workbook lists the Japanese labels (:data:`~fitgap.assessment.vocab.GAP_LABELS`),
the English one the codes; the reader takes both back (:func:`~fitgap.assessment.vocab.parse_choice`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from fitgap.assessment.sheets import (
    BLANK_ROWS,
    CUSTOM_COLUMNS,
    CUSTOM_SHEET,
    FORMAT,
    FUNCTION_COLUMNS,
    LINK_COLUMNS,
    LINK_SHEET,
    META_SHEET,
    STANDARD_LINK_SHEET,
    business_sheet_name,
)
from fitgap.assessment.vocab import (
    GAP_LABELS,
    GAP_MEANINGS,
    CurrentLinkMethod,
    CurrentUse,
    Fate,
    GapClass,
    Status,
)
from fitgap.profile import MunicipalityProfile
from reports.catalog import SAMPLE_NOTES
from reports.excel import FONT_NAME, HEADER_FILL, ROW_FILLS, print_setup, write_cell
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.files import exists_already
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, Catalog, catalog_label
from spec_catalog.vocab import FunctionClass, business_label

Lang = Literal["ja", "en"]
HEADER_ROW = 3  # title on row 1, the sample label (or nothing) on row 2
TITLE = {"ja": "Fit & Gap 調査票", "en": "Fit & Gap assessment workbook"}
LIST_SHEET = "_lists"  # hidden: drop-down lists too long to be written in the validation itself
_LITERAL_LIST_LIMIT = 255  # characters: Excel refuses a longer literal list ("a,b,c") in a data validation


def gap_choices(lang: Lang) -> list[str]:
    """What the 判定 drop-down lists: the Japanese labels in a Japanese workbook, the codes in an English one."""
    return [GAP_LABELS[g][0] if lang == "ja" else g.value for g in GapClass]


def _instructions(lang: Lang, catalog: Catalog, profile: MunicipalityProfile | None) -> list[tuple[str, str]]:
    who = profile.label if profile else ("（未指定）" if lang == "ja" else "(not given)")
    source = "サンプル（公式の機能一覧ではありません）" if catalog.is_sample else "公式ファイルから取込"
    if lang == "en":
        source = "SAMPLE (not the official function lists)" if catalog.is_sample else "imported from official files"
        lines = [
            (TITLE["en"], ""),
            ("Municipality", who),
            ("Catalog", f"{catalog_label(catalog.name)} — {source}"),
            ("", ""),
            ("How to fill it in", ""),
            ("1", "On each business sheet, say for every function whether current work uses it (現行利用)."),
            ("2", "Describe how the work is done today (現行の運用)."),
            ("3", "Choose the decision (判定) from the list; see the classes below."),
            (
                "4",
                "For decisions that need work, give the policy (対応方針), owner (担当), due date (期限) "
                "and status (状況).",
            ),
            (
                "5",
                "Rows in red are 実装不可機能: no standard system may have them; if used today, choose GAP_PROHIBITED.",
            ),
            ("6", f"List current functions that match no standard function on '{CUSTOM_SHEET}'."),
            ("7", f"List the current links between systems on '{LINK_SHEET}'."),
            ("8", "Score it: fitgap assess score FILE.xlsx -o REPORT.xlsx"),
            ("", ""),
            ("Decision (判定)", "Meaning"),
        ]
        lines += [(g.value, GAP_LABELS[g][1]) for g in GapClass]
        lines += [("", ""), ("Fit rate", "(FIT + FIT_WITH_CONFIG) ÷ decided functions other than OUT_OF_SCOPE")]
        return lines
    lines = [
        (TITLE["ja"], ""),
        ("団体", who),
        ("カタログ", f"{catalog_label(catalog.name)} — {source}"),
        ("", ""),
        ("記入方法", ""),
        ("1", "業務ごとのシートで、各機能を現在の業務で使っているか（現行利用）を選んでください。"),
        ("2", "現在の業務のやり方を「現行の運用」に書いてください。"),
        ("3", "「判定」を一覧から選んでください（下の表を参照）。"),
        ("4", "対応が必要な判定には、対応方針・担当・期限・状況を記入してください。"),
        (
            "5",
            f"赤い行は実装不可機能です。現在使っている場合は「{GAP_LABELS[GapClass.GAP_PROHIBITED][0]}」を選んでください。",
        ),
        ("6", f"標準のどの機能にも当たらない現行の機能は「{CUSTOM_SHEET}」シートに書いてください。"),
        ("7", f"現在のシステム間の連携は「{LINK_SHEET}」シートに書いてください。"),
        ("8", "採点: fitgap assess score FILE.xlsx -o REPORT.xlsx"),
        ("", ""),
        ("判定", "意味"),
    ]
    lines += [(GAP_LABELS[g][0], GAP_MEANINGS[g][0]) for g in GapClass]  # the labels of the drop-down
    fit, config, out = (GAP_LABELS[g][0] for g in (GapClass.FIT, GapClass.FIT_WITH_CONFIG, GapClass.OUT_OF_SCOPE))
    lines += [("", ""), ("適合率", f"（{fit} + {config}）÷ 判定済みの機能（{out}を除く）")]
    return lines


def _header(sheet: Any, columns: tuple[tuple[str, str, int], ...], row: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for col, (_, header, width) in enumerate(columns, start=1):
        cell = write_cell(sheet, row, col, header)
        cell.font = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = sheet.cell(row=row + 1, column=3)


def _list_range(workbook: Any, values: list[str]) -> str:
    """The values in a new column of the hidden list sheet, as an absolute range for a drop-down."""
    from openpyxl.utils import get_column_letter

    if LIST_SHEET in workbook.sheetnames:
        lists = workbook[LIST_SHEET]
        column = lists.max_column + 1
    else:
        lists = workbook.create_sheet(LIST_SHEET)
        lists.sheet_state = "hidden"
        column = 1
    for row, value in enumerate(values, start=1):
        write_cell(lists, row, column, value)
    letter = get_column_letter(column)
    return f"'{LIST_SHEET}'!${letter}$1:${letter}${len(values)}"


def _choices(sheet: Any, values: list[str], column: int, first: int, last: int, prompt: str) -> None:
    """A drop-down of ``values``: written in the validation, or on the hidden list sheet when too long."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(column)
    literal = ",".join(values)
    source = '"' + literal + '"' if len(literal) <= _LITERAL_LIST_LIMIT else _list_range(sheet.parent, values)
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.error = f"{prompt}: {' / '.join(values)}"
    validation.errorTitle = "fitgap"
    validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{letter}{first}:{letter}{last}")


def _date_column(sheet: Any, column: int, first: int, last: int, lang: Lang) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(column)
    validation = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
    validation.error = (
        "期限は日付で入力してください (YYYY-MM-DD)" if lang == "ja" else "Enter 期限 as a date (YYYY-MM-DD)"
    )
    validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{letter}{first}:{letter}{last}")
    for row in range(first, last + 1):
        sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"


def _position(columns: tuple[tuple[str, str, int], ...], field: str) -> int:
    return next(i for i, (name, _, _) in enumerate(columns, start=1) if name == field)


def _business_sheet(workbook: Any, spec: BusinessSpec, note: str | None, lang: Lang) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(business_sheet_name(spec.business_id, spec.name))
    edition = f"{spec.spec_name} {spec.spec_version}" if spec.spec_version else spec.spec_name
    title = f"{business_label(spec.business_id, spec.name)} — 機能要件 Fit & Gap（{edition}）"
    write_cell(sheet, 1, 1, title).font = Font(name=FONT_NAME, size=12, bold=True)
    if note:
        write_cell(sheet, 2, 1, note).font = Font(name=FONT_NAME, size=9, italic=True, color="9C0006")
    _header(sheet, FUNCTION_COLUMNS, HEADER_ROW)
    body = Font(name=FONT_NAME, size=10)
    prohibited_font = Font(name=FONT_NAME, size=10, bold=True, color="9C0006")
    danger = PatternFill("solid", fgColor=ROW_FILLS["danger"])
    for r, function in enumerate(spec.functions, start=HEADER_ROW + 1):
        values = (function.function_id, function.name, function.function_class.value, function.requirement)
        for col, value in enumerate(values, start=1):
            cell = write_cell(sheet, r, col, value)
            cell.font = body
            cell.alignment = Alignment(vertical="top", wrap_text=col == 4)
        if function.function_class is FunctionClass.PROHIBITED:
            for col in range(1, len(FUNCTION_COLUMNS) + 1):
                sheet.cell(row=r, column=col).fill = danger
            sheet.cell(row=r, column=3).font = prohibited_font
    first, last = HEADER_ROW + 1, max(HEADER_ROW + len(spec.functions), HEADER_ROW + 1)
    _choices(sheet, [u.value for u in CurrentUse], _position(FUNCTION_COLUMNS, "current_use"), first, last, "現行利用")
    _choices(sheet, gap_choices(lang), _position(FUNCTION_COLUMNS, "gap_class"), first, last, "判定")
    _choices(sheet, [s.value for s in Status], _position(FUNCTION_COLUMNS, "status"), first, last, "状況")
    _date_column(sheet, _position(FUNCTION_COLUMNS, "due"), first, last, lang)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{sheet.cell(row=last, column=len(FUNCTION_COLUMNS)).coordinate}"
    return sheet


def _rows(sheet: Any, rows: list[list[str]]) -> None:
    """Rows from the top of an empty sheet (what ``sheet.append`` does, through :func:`write_cell`)."""
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values, start=1):
            write_cell(sheet, r, col, value)


class TemplateWritten(FrozenModel):
    """What ``fitgap assess template`` wrote."""

    output: str
    municipality: MunicipalityProfile | None
    businesses: tuple[str, ...]
    functions: int


def make_template(
    path: Path,
    catalog: Catalog,
    businesses: list[BusinessSpec],
    profile: MunicipalityProfile | None = None,
    lang: Lang = "ja",
    *,
    force: bool = False,
) -> TemplateWritten:
    """Write the assessment workbook and say what it holds; an existing file (staff may have filled it in) is
    replaced only with ``force``."""
    if path.exists() and not force:
        raise exists_already(path, filled_in=True, what=say("調査票", "the workbook"))
    write_template(path, catalog, businesses, profile, lang)
    return TemplateWritten(
        output=str(path),
        municipality=profile,
        businesses=tuple(b.business_id for b in businesses),
        functions=sum(len(b.functions) for b in businesses),
    )


def write_template(
    path: Path,
    catalog: Catalog,
    businesses: list[BusinessSpec],
    profile: MunicipalityProfile | None = None,
    lang: Lang = "ja",
    today: dt.date | None = None,
) -> Path:
    """Write the assessment workbook for ``businesses``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    guide = workbook.active
    guide.title = "説明" if lang == "ja" else "Instructions"
    for r, (label, text) in enumerate(_instructions(lang, catalog, profile), start=1):
        write_cell(guide, r, 1, label).font = Font(name=FONT_NAME, size=10, bold=True)
        write_cell(guide, r, 2, text).font = Font(name=FONT_NAME, size=10)
        guide.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = Font(name=FONT_NAME, size=14, bold=True)
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 100
    sample = any(b.source.value == "sample" for b in businesses)
    for spec in businesses:
        _business_sheet(workbook, spec, SAMPLE_NOTES["en" if lang == "en" else "ja"] if sample else None, lang)

    custom = workbook.create_sheet(CUSTOM_SHEET)
    custom_title = (
        "標準仕様書のどの機能にも当たらない現行の機能（独自機能）"
        if lang == "ja"
        else "Current functions that match no function of the standard (独自機能)"
    )
    write_cell(custom, 1, 1, custom_title).font = Font(name=FONT_NAME, size=12, bold=True)
    _header(custom, CUSTOM_COLUMNS, HEADER_ROW)
    first, last = HEADER_ROW + 1, HEADER_ROW + BLANK_ROWS
    _choices(custom, [f.value for f in Fate], _position(CUSTOM_COLUMNS, "fate"), first, last, "対応")
    _choices(custom, [s.value for s in Status], _position(CUSTOM_COLUMNS, "status"), first, last, "状況")
    _date_column(custom, _position(CUSTOM_COLUMNS, "due"), first, last, lang)

    links = workbook.create_sheet(LINK_SHEET)
    links_title = (
        "現行のシステム間連携（提供元・提供先には業務IDか業務名、または他システム名）"
        if lang == "ja"
        else "Current links between systems (提供元, 提供先: a 業務ID, a business name or another system's name)"
    )
    write_cell(links, 1, 1, links_title).font = Font(name=FONT_NAME, size=12, bold=True)
    _header(links, LINK_COLUMNS, HEADER_ROW)
    _choices(links, [m.value for m in CurrentLinkMethod], _position(LINK_COLUMNS, "method"), first, last, "方式")

    in_scope = {i for b in businesses for i in b.ids}
    reference = workbook.create_sheet(STANDARD_LINK_SHEET)
    names = {i: b.name for b in catalog.businesses for i in b.ids}
    references = [["提供業務", "提供業務名", "利用業務", "利用業務名", "データ", "方式"]]
    for link in catalog.links:
        if link.provider in in_scope or link.consumer in in_scope:
            references.append(
                [
                    link.provider,
                    names.get(link.provider, ""),
                    link.consumer,
                    names.get(link.consumer, ""),
                    link.data_group,
                    {"api": "API", "file": "ファイル"}.get(link.method.value, link.method.value),
                ]
            )
    _rows(reference, references)
    for column, width in zip("ABCDEF", (10, 18, 10, 18, 22, 8), strict=True):
        reference.column_dimensions[column].width = width

    meta = workbook.create_sheet(META_SHEET)
    _rows(
        meta,
        [
            ["format", FORMAT],
            ["catalog", catalog.name],
            ["catalog_sample", "yes" if catalog.is_sample else "no"],
            ["municipality", profile.code if profile else ""],
            ["businesses", ",".join(b.business_id for b in businesses)],
            ["created", (today or dt.date.today()).isoformat()],
        ],
    )
    meta.sheet_state = "hidden"
    created = dt.datetime.now(dt.UTC)
    for sheet in workbook.worksheets:
        if sheet.sheet_state == "visible":
            header_row = 1 if sheet in (guide, reference) else HEADER_ROW
            print_setup(
                sheet,
                title=TITLE[lang],
                municipality=profile.label if profile else None,
                created=created,
                header_row=header_row,
                lang=lang,
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
    except OSError as exc:
        raise FitgapError(
            say(f"調査票を書き込めません: {exc.strerror}", f"cannot write the workbook: {exc.strerror}"), where=path
        ) from None
    return path
