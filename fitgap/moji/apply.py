"""``moji apply``: the returned decision workbook becomes the 外字 table the converter uses, and a record of
every decision (who, when, from which workbook) beside it.

A private-use character decided to an MJ character becomes a line of the 外字 table (``U+E001,髙``, an IVS
sequence kept whole). A character that is not private use and is decided to another one is a 縮退 or a
correction: the 外字 table cannot express it, so it is listed and recorded, never written. An undecided or
contradictory row is a problem: one line each, and the command exits 1 (the rows that are decided are
written all the same; the converter quarantines the 外字 that stay unmapped).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any, Literal

from fitgap.moji import sheet as layout
from fitgap.moji.identify import CANDIDATES, pua_char
from spec_catalog.base import FitgapError, FrozenModel, InputFileError
from spec_catalog.files import check_input_file, exists_already
from spec_catalog.language import say
from spec_catalog.mj import MjChar
from spec_catalog.mj import resolve as resolve_code

Outcome = Literal["外字表", "そのまま", "縮退・訂正", "未決定", "矛盾"]
GAIJI_HEADER = ("pua", "standard")  # the header line converters.mapping.read_gaiji_table skips
RECORD_HEADER = (
    "文字",
    "コードポイント",
    "分類",
    "決定",
    "MJ番号",
    "決定文字",
    "決定コードポイント",
    "反映",
    "判断者",
    "判断日",
    "理由",
    "ワークブック",
    "sha256",
)


class Decision(FrozenModel):
    """One row of the workbook as decided (or not), and what became of it."""

    row: int
    char: str
    code_points: str
    label: str | None
    decision: str | None
    mj_id: str | None = None
    text: str | None = None  # the decided character (an IVS sequence kept whole)
    outcome: Outcome
    reason: str | None = None  # for 未決定 / 矛盾: what is missing or contradicts
    decider: str | None = None
    decided_on: str | None = None

    def problem(self) -> str:
        return say(
            f"{layout.SHEET}!行{self.row} {self.code_points}: {self.reason}",
            f"{layout.SHEET} row {self.row} {self.code_points}: {self.reason}",
        )


class ApplyResult(FrozenModel):
    """What ``moji apply`` wrote and found."""

    workbook: str
    workbook_sha256: str
    gaiji_table: str
    decisions_file: str
    written: int  # lines of the 外字 table
    kept: int
    corrections: tuple[Decision, ...]  # 縮退 / corrections the 外字 table cannot express
    problems: tuple[str, ...]
    decisions: tuple[Decision, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def decisions_path(out: Path) -> Path:
    """The decision record beside the 外字 table: ``gaiji.csv`` → ``gaiji-decisions.csv``."""
    return out.with_name(f"{out.stem}-decisions.csv")


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _day(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value)


def _code(value: object) -> str | None:
    """決定MJ as written; a number Excel made of a 戸籍統一文字番号 (030196 → 30196) gets its zeros back."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:06d}"
    return _text(value)


def _char_from(code_points: str | None, shown: str | None) -> str | None:
    """The row's character: from its code points (what Excel cannot change), else the 文字 cell."""
    if code_points:
        try:
            return "".join(chr(int(p[2:], 16)) for p in code_points.split() if p.upper().startswith("U+"))
        except ValueError:
            return None
    return shown


def _load(path: Path) -> Any:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_input_file(path, say("文字同定シート", "workbook"))
    try:
        workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputFileError(
            say(
                f"Excel のブック（.xlsx）ではありません（{type(exc).__name__}）",
                f"not an Excel workbook (.xlsx) ({type(exc).__name__})",
            ),
            where=path,
            hint=say(
                "'fitgap moji sheet' が書いた文字同定シートを .xlsx で保存して指定してください",
                "give the workbook written by 'fitgap moji sheet', saved as .xlsx",
            ),
        ) from None
    if layout.SHEET not in workbook.sheetnames:
        raise InputFileError(
            say(f"シート {layout.SHEET} がありません", f"the workbook has no sheet {layout.SHEET}"),
            where=path,
            hint=say(
                "'fitgap moji sheet' が書いた文字同定シートを指定してください",
                "give the workbook written by 'fitgap moji sheet'",
            ),
        )
    return workbook[layout.SHEET]


def _columns(sheet: Any, path: Path) -> dict[str, int]:
    header = [_text(c.value) for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    found = {name: index for index, name in enumerate(header) if name}
    needed = (layout.CODE_POINTS, layout.CHAR, layout.CLASS, layout.DECISION, layout.DECIDED_MJ, layout.DECIDER)
    missing = [n for n in (*needed, layout.DECIDED_ON) if n not in found]
    if missing:
        raise InputFileError(
            say(
                f"シート {layout.SHEET} に列 {missing[0]} がありません",
                f"the sheet {layout.SHEET} has no column {missing[0]}",
            ),
            where=path,
            hint=say(
                "'fitgap moji sheet' が書いた文字同定シートを、見出し行を変えずに指定してください",
                "give the workbook written by 'fitgap moji sheet' (its header row unchanged)",
            ),
        )
    return found


def resolve(code: str) -> MjChar | None:
    """The MJ character a code in the workbook names; None for a malformed code too (a problem of that row)."""
    try:
        return resolve_code(code)
    except FitgapError:
        return None


def _target(decision: str, code: str | None, candidate_ids: list[str | None]) -> tuple[MjChar | None, str]:
    """The MJ character a decision names, or why it names none."""
    chosen: MjChar | None = None
    if decision.startswith("候補") and decision[2:].isdigit():
        n = int(decision[2:])
        candidate = candidate_ids[n - 1] if 1 <= n <= len(candidate_ids) else None
        if not candidate:
            return None, say(
                f"{decision} が選ばれていますが、この行に{decision}がありません",
                f"{decision} is chosen, but this row has no {decision}",
            )
        chosen = resolve(candidate)
        if chosen is None:
            return None, say(
                f"{decision}（{candidate}）はMJ文字ではありません", f"{decision} ({candidate}) is no MJ character"
            )
        if code:
            given = resolve(code)
            if given is None or given.mj_id != chosen.mj_id:
                return None, say(
                    f"{decision} は {chosen.mj_id} ですが、決定MJ は {code} です（どちらか一方にしてください）",
                    f"{decision} is {chosen.mj_id}, but 決定MJ is {code} (keep one of them)",
                )
        return chosen, ""
    if not code:
        return None, say(
            f"決定「{decision}」には決定MJ（MJ番号、J+XXXX、戸籍統一文字番号または U+XXXX）が必要です",
            f"the decision {decision} needs a 決定MJ (an MJ番号, J+XXXX, a 戸籍統一文字番号 or U+XXXX)",
        )
    chosen = resolve(code)
    if chosen is None:
        return None, say(
            f"決定MJ {code} はMJ文字ではありません（MJ030196、J+FA11、030196、U+FA11 のように書いてください）",
            f"決定MJ {code} is no MJ character (write it as MJ030196, J+FA11, 030196 or U+FA11)",
        )
    return chosen, ""


def _decide(row: int, values: dict[str, object], candidate_ids: list[str | None]) -> Decision:
    code_points = _text(values.get(layout.CODE_POINTS))
    char = _char_from(code_points, _text(values.get(layout.CHAR)))
    decision = _text(values.get(layout.DECISION))
    code = _code(values.get(layout.DECIDED_MJ))
    decider, day = _text(values.get(layout.DECIDER)), _day(values.get(layout.DECIDED_ON))
    if decision == layout.AUTOMATIC:
        # Pre-filled by fitgap (resolved from the vendor's code) and left as it was: the record still says who and
        # when — fitgap's identification, accepted on the day the workbook was applied.
        decider = decider or f"{layout.AUTOMATIC}（fitgap）"
        day = day or dt.date.today().isoformat()

    def made(
        outcome: Outcome, *, reason: str | None = None, mj: MjChar | None = None, text: str | None = None
    ) -> Decision:
        return Decision(
            row=row,
            char=char or "",
            code_points=code_points or "",
            label=_text(values.get(layout.CLASS)),
            decision=decision,
            mj_id=mj.mj_id if mj else None,
            text=text,
            outcome=outcome,
            reason=reason,
            decider=decider,
            decided_on=day,
        )

    if not char:
        return made(
            "矛盾",
            reason=say(
                "この行に文字がありません（コードポイントの欄が空か、変更されています）",
                "the row has no character (its コードポイント cell is empty or was changed)",
            ),
        )
    if decision is None or decision == layout.INVESTIGATE:
        undecided = say("未決定です", "not decided")
        return made("未決定", reason=undecided if decision is None else f"{layout.INVESTIGATE}: {undecided}")
    if decision not in layout.CHOICES:
        return made(
            "矛盾",
            reason=say(
                f"決定「{decision}」は選択肢（{'、'.join(layout.CHOICES)}）にありません",
                f"the decision {decision!r} is none of the choices ({', '.join(layout.CHOICES)})",
            ),
        )
    if decision != layout.AUTOMATIC and (decider is None or day is None):
        return made(
            "未決定",
            reason=say(
                "自動同定以外の決定には判断者と判断日が必要です",
                "a decision other than 自動同定 needs 判断者 and 判断日",
            ),
        )
    private = pua_char(char) is not None
    if decision == layout.KEEP:
        if private:
            return made(
                "矛盾",
                reason=say(
                    "外字（私用領域の文字）はそのままにできません（変換で移行エラーになります）",
                    "a 外字 (a private-use character) cannot be kept as it is (the conversion would quarantine it)",
                ),
            )
        named = resolve(code) if code else None
        if code and (named is None or named.text != char):
            return made(
                "矛盾",
                reason=say(
                    f"そのままが選ばれていますが、決定MJ は {code} です（どちらか一方にしてください）",
                    f"そのまま is chosen, but 決定MJ is {code} (keep one of them)",
                ),
            )
        return made("そのまま", mj=named, text=char)
    chosen, why = _target(decision, code, candidate_ids)
    if chosen is None:
        return made("矛盾", reason=why)
    text = chosen.text
    if text is None:
        return made(
            "矛盾",
            reason=say(
                f"{chosen.mj_id} にはUCSの符号位置がなく、ファイルに書けません（別の文字を選んでください）",
                f"{chosen.mj_id} has no UCS code point and cannot be written to a file (choose another character)",
            ),
        )
    outcome: Outcome = "外字表" if private else ("そのまま" if text == char else "縮退・訂正")
    return made(outcome, mj=chosen, text=text)


def read_decisions(path: Path) -> tuple[Decision, ...]:
    """Every row of a returned decision workbook, decided or not."""
    sheet = _load(path)
    columns = _columns(sheet, path)
    candidate_columns = [columns.get(layout.candidate_headers(n)[0]) for n in range(1, CANDIDATES + 1)]
    found = []
    for row, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = {name: cells[index] if index < len(cells) else None for name, index in columns.items()}
        if not any(v is not None and str(v).strip() for v in values.values()):
            continue
        candidate_ids = [_text(cells[i]) if i is not None and i < len(cells) else None for i in candidate_columns]
        found.append(_decide(row, values, candidate_ids))
    return tuple(found)


def _csv(rows: list[tuple[object, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def apply_sheet(workbook: Path, out: Path, *, force: bool = False) -> ApplyResult:
    """Turn the returned workbook into the 外字 table ``out`` and the decision record beside it.

    Neither file is replaced without ``force`` (both may hold someone's work)."""
    record = decisions_path(out)
    for path, what in ((out, say("外字表", "the 外字 table")), (record, say("判断の記録", "the decision record"))):
        if path.exists() and not force:
            raise exists_already(path, what=what)
    decisions = read_decisions(workbook)
    digest = hashlib.sha256(workbook.read_bytes()).hexdigest()
    table = sorted((d for d in decisions if d.outcome == "外字表"), key=lambda d: d.char)
    gaiji_lines: list[tuple[object, ...]] = [GAIJI_HEADER, *((f"U+{ord(d.char):04X}", d.text) for d in table)]
    record_lines: list[tuple[object, ...]] = [RECORD_HEADER]
    for d in decisions:
        target_points = " ".join(f"U+{ord(c):04X}" for c in d.text) if d.text else None
        record_lines.append(
            (
                d.char,
                d.code_points,
                d.label,
                d.decision,
                d.mj_id,
                d.text,
                target_points,
                d.outcome,
                d.decider,
                d.decided_on,
                d.reason,
                workbook.name,
                digest,
            )
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(_csv(gaiji_lines), encoding="utf-8", newline="")
        # With a BOM: staff open the record in Excel, which reads BOM-less CSV as CP932.
        record.write_text(_csv(record_lines), encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise FitgapError(
            say(f"書き込めません: {exc.strerror}", f"cannot write: {exc.strerror}"), where=exc.filename or out
        ) from None
    return ApplyResult(
        workbook=str(workbook),
        workbook_sha256=digest,
        gaiji_table=str(out),
        decisions_file=str(record),
        written=len(table),
        kept=sum(1 for d in decisions if d.outcome == "そのまま"),
        corrections=tuple(d for d in decisions if d.outcome == "縮退・訂正"),
        problems=tuple(d.problem() for d in decisions if d.outcome in ("未決定", "矛盾")),
        decisions=decisions,
    )
