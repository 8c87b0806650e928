"""Consistency rules of a filled assessment: each broken rule is a finding with a stable code."""

from __future__ import annotations

import datetime as dt

from fitgap.assessment.models import CustomRow, FilledAssessment, FunctionRow, Place
from fitgap.assessment.sheets import CUSTOM_COLUMNS, FUNCTION_COLUMNS
from fitgap.assessment.vocab import NEEDS_ACTION, CurrentUse, GapClass, Status
from spec_catalog.codes import Code
from spec_catalog.findings import Finding, Location
from spec_catalog.language import say
from spec_catalog.vocab import FunctionClass

# Decisions that a class of function cannot take.
_NOT_ALLOWED: dict[FunctionClass, frozenset[GapClass]] = {
    FunctionClass.MANDATORY: frozenset({GapClass.GAP_OPTION_NOT_ADOPTED, GapClass.GAP_PROHIBITED}),
    FunctionClass.OPTIONAL: frozenset({GapClass.GAP_PROHIBITED}),
    FunctionClass.PROHIBITED: frozenset({GapClass.FIT, GapClass.FIT_WITH_CONFIG, GapClass.GAP_OPTION_NOT_ADOPTED}),
}


def _cell(place: Place, columns: tuple[tuple[str, str, int], ...], field: str) -> str:
    from openpyxl.utils import get_column_letter

    index = next(i for i, (name, _, _) in enumerate(columns, start=1) if name == field)
    return f"{get_column_letter(index)}{place.row}"


def _finding(
    file: str,
    place: Place,
    columns: tuple[tuple[str, str, int], ...],
    field: str,
    code: Code,
    message: str,
) -> Finding:
    location = Location(file=file, sheet=place.sheet, cell=_cell(place, columns, field))
    return Finding(code=code, message=message, location=location)


def is_open(status: Status | None) -> bool:
    return status is not Status.DONE


def _function_rules(file: str, row: FunctionRow, as_of: dt.date) -> list[Finding]:
    found: list[Finding] = []

    def add(field: str, code: Code, message: str) -> None:
        found.append(
            _finding(file, row.place, FUNCTION_COLUMNS, field, code, f"{row.function_id} {row.name}: {message}")
        )

    if (
        row.function_class is FunctionClass.PROHIBITED
        and row.current_use is CurrentUse.IN_USE
        and row.gap_class is not GapClass.GAP_PROHIBITED
    ):
        add(
            "gap_class",
            Code.ASSESS_PROHIBITED_IN_USE_UNDECIDED,
            say(
                "現行で使用中の実装不可機能には判定 GAP_PROHIBITED（実装不可機能の廃止）が必要です",
                "a 実装不可機能 in use needs the retirement decision GAP_PROHIBITED",
            ),
        )
    if row.gap_class is None:
        if row.function_class is FunctionClass.MANDATORY:
            add(
                "gap_class",
                Code.ASSESS_MANDATORY_UNDECIDED,
                say("実装必須機能の判定がありません", "a 実装必須機能 is left undecided (判定)"),
            )
    elif row.gap_class in _NOT_ALLOWED[row.function_class]:
        add(
            "gap_class",
            Code.ASSESS_DECISION_NOT_ALLOWED,
            say(
                f"判定 {row.gap_class.value} は{row.function_class.value}では選べません",
                f"判定 {row.gap_class.value} is not possible for a {row.function_class.value}",
            ),
        )
    if row.gap_class is not None and row.current_use is None:
        add(
            "current_use",
            Code.ASSESS_CURRENT_USE_MISSING,
            say("判定はありますが、現行利用がありません", "判定 is given but 現行利用 is not"),
        )
    if row.gap_class in NEEDS_ACTION and is_open(row.status):
        if not row.owner:
            add(
                "owner",
                Code.ASSESS_ACTION_WITHOUT_OWNER,
                say(f"{row.gap_class.value} には担当が必要です", f"{row.gap_class.value} needs an owner (担当)"),
            )
        if row.due is None:
            add(
                "due",
                Code.ASSESS_ACTION_WITHOUT_DUE,
                say(f"{row.gap_class.value} には期限が必要です", f"{row.gap_class.value} needs a due date (期限)"),
            )
        elif row.due < as_of:
            add(
                "due",
                Code.ASSESS_ACTION_OVERDUE,
                say(
                    f"期限 {row.due.isoformat()} を過ぎていますが、完了していません",
                    f"due {row.due.isoformat()} has passed and it is not 完了",
                ),
            )
    return found


def _custom_rules(file: str, row: CustomRow, as_of: dt.date) -> list[Finding]:
    found: list[Finding] = []
    if row.fate is None:
        found.append(
            _finding(
                file,
                row.place,
                CUSTOM_COLUMNS,
                "fate",
                Code.ASSESS_CUSTOM_UNDECIDED,
                say(
                    f"独自機能 {row.name}: 対応を選んでください",
                    f"独自機能 {row.name}: choose what happens to it (対応)",
                ),
            )
        )
    elif is_open(row.status) and row.due is not None and row.due < as_of:
        found.append(
            _finding(
                file,
                row.place,
                CUSTOM_COLUMNS,
                "due",
                Code.ASSESS_ACTION_OVERDUE,
                say(
                    f"独自機能 {row.name}: 期限 {row.due.isoformat()} を過ぎていますが、完了していません",
                    f"独自機能 {row.name}: due {row.due.isoformat()} has passed and it is not 完了",
                ),
            )
        )
    return found


def check(assessment: FilledAssessment, as_of: dt.date) -> list[Finding]:
    """The findings of every rule, in sheet order."""
    found: list[Finding] = []
    for function in assessment.functions:
        found += _function_rules(assessment.file, function, as_of)
    for custom in assessment.custom:
        found += _custom_rules(assessment.file, custom, as_of)
    return found
