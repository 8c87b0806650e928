"""Mapping an existing function list onto the catalog's 機能IDs by Japanese text similarity, for one business or
several at once; the confident matches pre-fill a new workbook or the empty cells of the project's.

No model and no download: texts are normalised (width, kana, a small table of vendor wording), cut into
character 1- to 3-grams, weighted by TF-IDF over the business's functions and compared by cosine.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from converters import to_full_width, to_half_width
from fitgap.assessment.sheets import FUNCTION_COLUMNS, business_sheet_name
from spec_catalog.base import FrozenModel, InputFileError, UsageError
from spec_catalog.files import check_input_file, exists_already
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, Catalog

if TYPE_CHECKING:
    from fitgap.profile import MunicipalityProfile

_SYNONYMS = Path(__file__).parent / "data" / "synonyms.tsv"
# Punctuation and spaces carry no meaning here; the long-vowel mark ー does (カード), so it stays.
_DROP = re.compile(r"[\s\u3000、。・，．,.:：;；「」『』（）()\[\]【】〔〕<>＜＞/／\\\-―‐～~!！?？\"'“”]+")
_TEXT_HEADERS = ("機能名称", "機能名", "機能", "名称", "項目", "name", "function")
_DETAIL_HEADERS = ("説明", "概要", "内容", "機能概要", "description")


@cache
def _synonyms() -> list[tuple[str, str]]:
    pairs = []
    for line in _SYNONYMS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            variant, _, standard = line.partition("\t")
            pairs.append((variant, standard))
    # Longest first, so 個人番号カード is replaced before 個人番号.
    return sorted(pairs, key=lambda p: -len(p[0]))


def normalize(text: str) -> str:
    """Full-width katakana, half-width ASCII and digits, no punctuation, the standard's wording."""
    import jaconv

    # The converter's width rules (ｶﾞ -> ガ, then ＡＢＣ１ -> ABC1), so a name reads the same before and after
    # conversion.
    text = to_half_width(to_full_width(unicodedata.normalize("NFC", text)))
    text = jaconv.hira2kata(text).lower()
    for variant, standard in _synonyms():
        text = text.replace(variant, standard)
    return _DROP.sub("", text)


def ngrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for n in (1, 2, 3):
        grams.update(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def _twice(grams: Counter[str]) -> Counter[str]:
    return Counter({g: 2 * c for g, c in grams.items()})


class Candidate(FrozenModel):
    business_id: str
    function_id: str
    name: str
    score: float


class SuggestionRow(FrozenModel):
    line: int  # row number in the source list (the sheet's row of an .xlsx list)
    text: str
    candidates: tuple[Candidate, ...]  # best first, at most three
    needs_review: bool  # the best score is below the threshold: a person decides


class SuggestResult(FrozenModel):
    businesses: tuple[str, ...]
    threshold: float
    rows: tuple[SuggestionRow, ...]

    def confident(self) -> dict[str, list[SuggestionRow]]:
        """機能ID -> the source rows matched to it with confidence, in the list's order."""
        matched: dict[str, list[SuggestionRow]] = {}
        for row in self.rows:
            if not row.needs_review and row.candidates:
                matched.setdefault(row.candidates[0].function_id, []).append(row)
        return matched


class Matcher:
    """TF-IDF vectors of the functions of one or more businesses (name counted twice: it carries the meaning).
    With several businesses, the weights are those of all their functions together, so scores compare."""

    def __init__(self, *specs: BusinessSpec) -> None:
        self.functions = [(spec.business_id, f) for spec in specs for f in spec.functions]
        documents = [_twice(ngrams(normalize(f.name))) + ngrams(normalize(f.requirement)) for _, f in self.functions]
        frequency: Counter[str] = Counter(g for d in documents for g in d)
        total = len(documents)
        self.idf = {g: math.log((1 + total) / (1 + df)) + 1 for g, df in frequency.items()}
        self.vectors = [self._weigh(d) for d in documents]

    def _weigh(self, grams: Counter[str]) -> dict[str, float]:
        vector = {g: (1 + math.log(c)) * self.idf.get(g, 0.0) for g, c in grams.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / norm for g, v in vector.items() if v}

    def rank(self, text: str, top: int = 3) -> list[Candidate]:
        query = self._weigh(ngrams(normalize(text)))
        scored = [
            (sum(w * vector.get(g, 0.0) for g, w in query.items()), business_id, function)
            for vector, (business_id, function) in zip(self.vectors, self.functions, strict=True)
        ]
        scored.sort(key=lambda s: (-s[0], s[2].function_id))
        return [
            Candidate(business_id=b, function_id=f.function_id, name=f.name, score=round(s, 4))
            for s, b, f in scored[:top]
        ]


def suggest_all(texts: list[tuple[int, str]], specs: list[BusinessSpec], threshold: float) -> SuggestResult:
    matcher = Matcher(*specs)
    rows = []
    for line, text in texts:
        candidates = matcher.rank(text)
        best = candidates[0].score if candidates else 0.0
        rows.append(SuggestionRow(line=line, text=text, candidates=tuple(candidates), needs_review=best < threshold))
    return SuggestResult(businesses=tuple(s.business_id for s in specs), threshold=threshold, rows=tuple(rows))


def _pick(headers: list[str], column: str | None, path: Path) -> tuple[int, int | None]:
    lowered = [h.strip().lower() for h in headers]
    if column is not None:
        if column.strip().lower() not in lowered:
            raise InputFileError(
                say(
                    f"列 '{column}' がありません（列: {', '.join(h for h in headers if h)}）",
                    f"no column '{column}' (columns: {', '.join(h for h in headers if h)})",
                ),
                where=path,
                hint=say(
                    "機能名の列を --column で指定してください",
                    "name the column that holds the function names with --column",
                ),
            )
        text = lowered.index(column.strip().lower())
    else:
        text = next((i for i, h in enumerate(lowered) if any(k in h for k in _TEXT_HEADERS)), 0)
    detail = next((i for i, h in enumerate(lowered) if i != text and any(k in h for k in _DETAIL_HEADERS)), None)
    return text, detail


def _rows_from(
    table: list[tuple[int, list[str]]], column: str | None, path: Path, header_row: int | None
) -> list[tuple[int, str]]:
    """(row number, text) under the header: row ``header_row``, else the first row that is not empty."""
    filled = [i for i, (_, cells) in enumerate(table) if any(cells)]
    if not filled:
        raise InputFileError(
            say("一覧が空です", "the list is empty"),
            where=path,
            hint=say(
                "見出しの行と、1行に1機能の一覧を指定してください",
                "give a list with a header row and one function per row",
            ),
        )
    if header_row is None:
        at = filled[0]
    else:
        at = next((i for i, (number, _) in enumerate(table) if number == header_row), -1)
        if at < 0 or not any(table[at][1]):
            raise InputFileError(
                say(
                    f"一覧の {header_row} 行目は空か、ありません（記入のある最初の行は {table[filled[0]][0]} 行目）",
                    f"row {header_row} of the list is empty or missing (the first filled row is {table[filled[0]][0]})",
                ),
                where=path,
                hint=say(
                    "列見出しの行を --header-row で指定してください",
                    "give the row of the column headers with --header-row",
                ),
            )
    text, detail = _pick(table[at][1], column, path)
    rows = []
    for number, row in table[at + 1 :]:
        parts = [row[i].strip() for i in (text, detail) if i is not None and i < len(row) and row[i].strip()]
        if parts:
            rows.append((number, " ".join(parts)))
    if not rows:
        raise InputFileError(
            say("一覧に見出しはありますが、行がありません", "the list has a header but no rows"),
            where=path,
            hint=say("見出しの下に1行に1機能を書いてください", "write one function per row under the header"),
        )
    return rows


def read_source_list(
    path: Path, column: str | None = None, *, sheet: str | None = None, header_row: int | None = None
) -> list[tuple[int, str]]:
    """(row number, text) for each row of a CSV (UTF-8 or CP932) or of a sheet of an .xlsx file (``sheet``, else
    the first); the header is row ``header_row`` (1-based, as the sheet or file numbers it), else the first
    row that is not empty."""
    check_input_file(path, say("機能一覧", "function list"))
    if path.suffix.lower() == ".xlsx":
        from spec_catalog.importers.workbook import cell_text, open_workbook

        workbook = open_workbook(path)
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputFileError(
                say(
                    f"シート '{sheet}' がありません（シート: {', '.join(workbook.sheetnames)}）",
                    f"no sheet '{sheet}' (sheets: {', '.join(workbook.sheetnames)})",
                ),
                where=path,
                hint=say(
                    "一覧のあるシートを --sheet で指定してください", "name the sheet that holds the list with --sheet"
                ),
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        table = [
            (number, [cell_text(v) for v in row])
            for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1)
        ]
        return _rows_from(table, column, path, header_row)
    if sheet is not None:
        raise UsageError(
            say("--sheet は .xlsx の一覧にだけ使えます", "--sheet is for an .xlsx list"),
            where=path,
            hint=say("CSV ファイルには --sheet を付けないでください", "leave --sheet out for a CSV file"),
        )
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        raise InputFileError(
            say(f"'{path.suffix}' の一覧は読めません", f"cannot read a '{path.suffix}' list"),
            where=path,
            hint=say(".csv か .xlsx のファイルを指定してください", "give a .csv or .xlsx file"),
        )
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputFileError(
            say("UTF-8 でも CP932 でもないテキストです", "neither UTF-8 nor CP932 text"),
            where=path,
            hint=say("一覧を UTF-8 の CSV で保存し直してください", "save the list as UTF-8 CSV"),
        )
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    records = csv.reader(text.splitlines(), delimiter=delimiter)
    return _rows_from(list(enumerate(records, start=1)), column, path, header_row)


def _review_sheet(workbook: Any, result: SuggestResult, municipality: str | None) -> str:
    """A sheet listing every source row with its three best candidates (要確認 below the threshold); named
    照合結果, or 照合結果 (2) … when the workbook has one already. ``municipality``: the 団体名 of its page header."""
    from openpyxl.styles import Font, PatternFill

    from fitgap.assessment.template import TITLE
    from reports.excel import FONT_NAME, ROW_FILLS, print_setup, sheet_title, write_cell

    review = workbook.create_sheet(sheet_title("照合結果", set(workbook.sheetnames)), 1)
    headers = ["行", "照合元", "候補1", "信頼度1", "候補2", "信頼度2", "候補3", "信頼度3", "要確認"]
    for index, header in enumerate(headers, start=1):
        write_cell(review, 1, index, header).font = Font(name=FONT_NAME, bold=True)
    warn = PatternFill("solid", fgColor=ROW_FILLS["warning"])
    for line, row in enumerate(result.rows, start=2):
        cells: list[object] = [row.line, row.text]
        for candidate in row.candidates:
            cells += [f"{candidate.function_id} {candidate.name}", candidate.score]
        cells += [None] * (8 - len(cells)) + ["要確認" if row.needs_review else ""]
        for index, value in enumerate(cells, start=1):
            cell = write_cell(review, line, index, value)  # the vendor's text is written as text, never a formula
            if row.needs_review:
                cell.fill = warn
    for letter, width in zip("ABCDEFGHI", (6, 40, 28, 8, 28, 8, 28, 8, 8), strict=True):
        review.column_dimensions[letter].width = width
    review.freeze_panes = "A2"
    # its labels are Japanese
    print_setup(review, title=TITLE["ja"], municipality=municipality, created=None, header_row=1)
    return str(review.title)


def write_suggestions(
    path: Path,
    catalog: Catalog,
    specs: list[BusinessSpec],
    result: SuggestResult,
    lang: str,
    profile: MunicipalityProfile | None = None,
) -> Path:
    """The assessment template of the businesses, pre-filled with the confident matches, and a sheet listing
    every source row with its three best candidates; ``profile``: the 団体 it is for (its page headers and
    record), none when not known."""
    from openpyxl import load_workbook

    from fitgap.assessment.template import HEADER_ROW, write_template
    from reports.excel import write_cell

    write_template(path, catalog, specs, profile, "en" if lang == "en" else "ja")
    workbook = load_workbook(path)
    column = {field: i for i, (field, _, _) in enumerate(FUNCTION_COLUMNS, start=1)}
    places: dict[str, tuple[Any, int]] = {}
    for spec in specs:
        sheet = workbook[business_sheet_name(spec.business_id, spec.name)]
        for r in range(HEADER_ROW + 1, sheet.max_row + 1):
            places.setdefault(str(sheet.cell(row=r, column=1).value), (sheet, r))
    for function_id, rows in result.confident().items():
        sheet, r = places[function_id]
        write_cell(sheet, r, column["current_use"], "使用中")
        write_cell(sheet, r, column["matched_from"], " / ".join(x.text for x in rows))  # the vendor's text
        write_cell(sheet, r, column["confidence"], max(x.candidates[0].score for x in rows))
    _review_sheet(workbook, result, profile.label if profile is not None else None)
    workbook.save(path)
    return path


class FilledCell(FrozenModel):
    sheet: str
    function_id: str
    column: str
    value: str


class IntoResult(FrozenModel):
    """What ``--into`` did to the project workbook: only empty cells of rows without a 判定 were filled."""

    workbook: str
    output: str
    filled: tuple[FilledCell, ...]
    decided: tuple[str, ...]  # 機能IDs matched whose 判定 is filled: left as they are
    not_in_workbook: tuple[str, ...]  # 機能IDs matched that the workbook has no row for
    review_sheet: str
    suggestions: SuggestResult


def fill_into(
    path: Path,
    catalog: Catalog,
    result: SuggestResult,
    output: Path | None,
    *,
    force: bool = False,
    municipality: str | None = None,
) -> IntoResult:
    """Fill the confident matches into the project workbook ``path``: for a function whose 判定 is empty,
    現行利用 (使用中), 照合元 and 信頼度 where those cells are empty; a filled cell is never replaced. Written to
    ``output``, or into ``path`` itself only with ``force``. ``municipality``: the 団体名 of the 照合結果 sheet's
    page header."""
    from fitgap.assessment.distribution import cell_value, load_workbook_file, save_workbook, sheet_areas
    from fitgap.assessment.reader import not_an_assessment
    from reports.excel import put

    target = output if output is not None else path
    if target.resolve() == path.resolve() and not force:
        raise UsageError(
            say(
                "照合の結果がプロジェクトの調査票に書き込まれます",
                "the suggestions would be written into the project workbook",
            ),
            where=path,
            hint=say(
                "記入した調査票の出力先を -o FILE で指定するか、この調査票に書き込むなら --force を付けてください"
                "（空のセルだけに記入します）",
                "give -o FILE for the filled workbook, or add --force to write into this one (only empty cells "
                "are filled)",
            ),
        )
    if target.resolve() != path.resolve() and target.exists() and not force:
        raise exists_already(target, filled_in=True)
    workbook, _ = load_workbook_file(path)
    places: dict[str, tuple[Any, int]] = {}
    for area in sheet_areas(workbook, catalog):
        if area.kind == "functions":
            for row in area.rows():
                if function_id := area.key(row):
                    places.setdefault(function_id, (area, row))
    if not places:
        raise not_an_assessment(path)
    filled: list[FilledCell] = []
    decided: list[str] = []
    missing: list[str] = []
    for function_id, rows in result.confident().items():
        if function_id not in places:
            missing.append(function_id)
            continue
        area, row = places[function_id]
        if cell_value(area.raw(row, "gap_class")):
            decided.append(function_id)
            continue
        proposed: tuple[tuple[str, object], ...] = (
            ("current_use", "使用中"),
            ("matched_from", " / ".join(x.text for x in rows)),
            ("confidence", max(x.candidates[0].score for x in rows)),
        )
        for name, value in proposed:
            if name not in area.columns or cell_value(area.raw(row, name)):
                continue  # a person's answer stays
            put(area.sheet.cell(row=row, column=area.columns[name]), value)
            filled.append(
                FilledCell(sheet=area.title, function_id=function_id, column=area.header(name), value=cell_value(value))
            )
    review = _review_sheet(workbook, result, municipality)
    save_workbook(workbook, target)
    return IntoResult(
        workbook=str(path),
        output=str(target),
        filled=tuple(filled),
        decided=tuple(decided),
        not_in_workbook=tuple(missing),
        review_sheet=review,
        suggestions=result,
    )
