"""Reading a function-requirement workbook (機能要件): 機能ID, 機能名称, requirement text, class.

The official headers are unconfirmed (domain.md §3, [U]); columns are found by aliases, and a user can
name them (``--column 機能ID=要件番号``).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from spec_catalog.base import InputFileError, UsageError
from spec_catalog.importers.workbook import (
    Header,
    cell_text,
    normalize_label,
    problem_of,
    raise_row_problems,
    row_place,
)
from spec_catalog.language import say
from spec_catalog.models import FunctionRequirement

FUNCTION_ALIASES: dict[str, tuple[str, ...]] = {
    "function_id": ("機能id", "機能番号", "要件id", "要件番号", "機能要件id", "id"),
    "name": ("機能名称", "機能名", "機能要件名", "機能"),
    "function_class": ("実装区分", "機能区分", "実装要否", "要件区分", "区分", "実装レベル"),
    "requirement": (
        "機能要件",
        "要件",
        "要件内容",
        "機能要件の内容",
        "機能の説明",
        "機能概要",
        "内容",
        "説明",
    ),
    "category": ("大項目", "分類", "中項目", "機能分類"),
}
FUNCTION_REQUIRED = ("function_id", "name", "function_class")

# What a user may write on the left of --column FIELD=HEADER.
FIELD_NAMES: dict[str, str] = {
    "機能id": "function_id",
    "function_id": "function_id",
    "機能名称": "name",
    "name": "name",
    "実装区分": "function_class",
    "class": "function_class",
    "要件": "requirement",
    "機能要件": "requirement",
    "requirement": "requirement",
    "分類": "category",
    "category": "category",
}


def parse_column_options(options: list[str]) -> dict[str, str]:
    """``['機能ID=要件番号', …]`` as field -> normalized header label."""
    columns: dict[str, str] = {}
    for option in options:
        field, sep, header = option.partition("=")
        key = FIELD_NAMES.get(normalize_label(field))
        if not sep or not header.strip() or key is None:
            raise UsageError(
                say(
                    f"--column {option!r} が FIELD=HEADER の形ではありません",
                    f"--column {option!r} is not FIELD=HEADER",
                ),
                hint=say(
                    "FIELD は 機能ID、機能名称、実装区分、要件、分類 のどれかにしてください"
                    "（例: --column 機能ID=要件番号）",
                    "FIELD is one of 機能ID, 機能名称, 実装区分, 要件, 分類; e.g. --column 機能ID=要件番号",
                ),
            )
        columns[key] = normalize_label(header)
    return columns


def _function_id(value: object) -> str:
    text = cell_text(value)
    # Excel drops the leading zeros of an ID typed as a number (0010001 -> 10001).
    return text.zfill(7) if text.isdigit() and len(text) < 7 else text


def function_aliases(columns: dict[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """The header aliases of a function list, with the columns a user named (``--column``) replacing them."""
    aliases = dict(FUNCTION_ALIASES)
    for field, label in (columns or {}).items():
        aliases[field] = (label,)  # a user-named column replaces the aliases
    return aliases


def read_function_sheet(header: Header, path: Path) -> list[FunctionRequirement]:
    """The function requirements below the header of one function-list sheet."""
    functions: list[FunctionRequirement] = []
    problems: list[str] = []
    sheet = header.sheet

    def text(row: int, field: str) -> str:
        found = header.columns.get(field)
        return cell_text(sheet.cell(row=row, column=found[0]).value) if found else ""

    category = None
    for row in range(header.row + 1, sheet.max_row + 1):
        category = text(row, "category") or category  # a category cell often spans the rows below it
        function_id = _function_id(sheet.cell(row=row, column=header.columns["function_id"][0]).value)
        if not function_id:
            continue  # section headings and spacer rows
        try:
            functions.append(
                FunctionRequirement.model_validate(
                    {
                        "function_id": function_id,
                        "name": text(row, "name"),
                        "class": text(row, "function_class"),
                        "requirement": text(row, "requirement"),
                        "category": category,
                    }
                )
            )
        except ValidationError as exc:
            problems.append(f"{row_place(sheet.title, row)}: {problem_of(exc)}")
    raise_row_problems(problems, path)
    if not functions:
        raise InputFileError(
            say(
                f"シート '{sheet.title}' に機能一覧の見出しはありますが、その下に機能IDがありません",
                f"sheet '{sheet.title}' has a function-list header but no 機能ID below it",
            ),
            where=path,
            hint=say(
                "機能IDの列を確かめるか、--column 機能ID=HEADER で列を指定してください",
                "check the 機能ID column, or name it with --column 機能ID=HEADER",
            ),
        )
    return functions
