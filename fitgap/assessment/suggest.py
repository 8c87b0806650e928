"""Mapping an existing function list onto the catalog's 機能IDs by Japanese text similarity.

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

from converters import to_full_width, to_half_width
from fitgap.assessment.sheets import FUNCTION_COLUMNS, business_sheet_name
from spec_catalog.base import FitgapError, FrozenModel, InputFileError
from spec_catalog.models import BusinessSpec, Catalog

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
    function_id: str
    name: str
    score: float


class SuggestionRow(FrozenModel):
    line: int  # row number in the source list
    text: str
    candidates: tuple[Candidate, ...]  # best first, at most three
    needs_review: bool  # the best score is below the threshold: a person decides


class SuggestResult(FrozenModel):
    business_id: str
    threshold: float
    rows: tuple[SuggestionRow, ...]


class Matcher:
    """TF-IDF vectors of a business's functions (name counted twice: it carries the meaning)."""

    def __init__(self, spec: BusinessSpec) -> None:
        self.functions = spec.functions
        documents = [_twice(ngrams(normalize(f.name))) + ngrams(normalize(f.requirement)) for f in spec.functions]
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
            (sum(w * vector.get(g, 0.0) for g, w in query.items()), function)
            for vector, function in zip(self.vectors, self.functions, strict=True)
        ]
        scored.sort(key=lambda s: (-s[0], s[1].function_id))
        return [Candidate(function_id=f.function_id, name=f.name, score=round(s, 4)) for s, f in scored[:top]]


def suggest_all(texts: list[tuple[int, str]], spec: BusinessSpec, threshold: float) -> SuggestResult:
    matcher = Matcher(spec)
    rows = []
    for line, text in texts:
        candidates = matcher.rank(text)
        best = candidates[0].score if candidates else 0.0
        rows.append(SuggestionRow(line=line, text=text, candidates=tuple(candidates), needs_review=best < threshold))
    return SuggestResult(business_id=spec.business_id, threshold=threshold, rows=tuple(rows))


def _pick(headers: list[str], column: str | None, path: Path) -> tuple[int, int | None]:
    lowered = [h.strip().lower() for h in headers]
    if column is not None:
        if column.strip().lower() not in lowered:
            raise InputFileError(
                f"no column '{column}' (columns: {', '.join(headers)})",
                where=path,
                hint="name the column that holds the function names with --column",
            )
        text = lowered.index(column.strip().lower())
    else:
        text = next((i for i, h in enumerate(lowered) if any(k in h for k in _TEXT_HEADERS)), 0)
    detail = next((i for i, h in enumerate(lowered) if i != text and any(k in h for k in _DETAIL_HEADERS)), None)
    return text, detail


def _rows_from(table: list[list[str]], column: str | None, path: Path) -> list[tuple[int, str]]:
    if not table:
        raise InputFileError(
            "the list is empty", where=path, hint="give a list with a header row and one function per row"
        )
    text, detail = _pick(table[0], column, path)
    rows = []
    for number, row in enumerate(table[1:], start=2):
        parts = [row[i].strip() for i in (text, detail) if i is not None and i < len(row) and row[i].strip()]
        if parts:
            rows.append((number, " ".join(parts)))
    if not rows:
        raise InputFileError("the list has a header but no rows", where=path)
    return rows


def read_source_list(path: Path, column: str | None = None) -> list[tuple[int, str]]:
    """(row number, text) for each row of a CSV (UTF-8 or CP932) or the first sheet of an .xlsx file."""
    if not path.exists():
        raise FitgapError("file not found", where=path, hint="check the path")
    if path.suffix.lower() == ".xlsx":
        from spec_catalog.importers.workbook import cell_text, open_workbook

        sheet = open_workbook(path).worksheets[0]
        table = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        return _rows_from([r for r in table if any(r)], column, path)
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        raise InputFileError(f"cannot read a '{path.suffix}' list", where=path, hint="give a .csv or .xlsx file")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputFileError("neither UTF-8 nor CP932 text", where=path, hint="save the list as UTF-8 CSV")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    return _rows_from(list(csv.reader(text.splitlines(), delimiter=delimiter)), column, path)


def write_suggestions(path: Path, catalog: Catalog, spec: BusinessSpec, result: SuggestResult, lang: str) -> Path:
    """The assessment template of the business, pre-filled with the confident matches, and a sheet listing
    every source row with its three best candidates."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font, PatternFill

    from fitgap.assessment.template import HEADER_ROW, write_template
    from reports.excel import FONT_NAME, ROW_FILLS, write_cell

    write_template(path, catalog, [spec], None, "en" if lang == "en" else "ja")
    workbook = load_workbook(path)
    sheet = workbook[business_sheet_name(spec.business_id, spec.name)]
    column = {field: i for i, (field, _, _) in enumerate(FUNCTION_COLUMNS, start=1)}
    row_of = {sheet.cell(row=r, column=1).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1)}
    matched: dict[str, list[SuggestionRow]] = {}
    for row in result.rows:
        if not row.needs_review and row.candidates:
            matched.setdefault(row.candidates[0].function_id, []).append(row)
    for function_id, rows in matched.items():
        r = row_of[function_id]
        write_cell(sheet, r, column["current_use"], "使用中")
        write_cell(sheet, r, column["matched_from"], " / ".join(x.text for x in rows))  # the vendor's text
        write_cell(sheet, r, column["confidence"], max(x.candidates[0].score for x in rows))
    review = workbook.create_sheet("照合結果", 1)
    review.append(["行", "照合元", "候補1", "信頼度1", "候補2", "信頼度2", "候補3", "信頼度3", "要確認"])
    warn = PatternFill("solid", fgColor=ROW_FILLS["warning"])
    for row in result.rows:
        cells: list[object] = [row.line, row.text]
        for candidate in row.candidates:
            cells += [f"{candidate.function_id} {candidate.name}", candidate.score]
        cells += [None] * (8 - len(cells)) + ["要確認" if row.needs_review else ""]
        line = review.max_row + 1
        for index, value in enumerate(cells, start=1):
            write_cell(review, line, index, value)  # the vendor's text is written as text, never a formula
        if row.needs_review:
            for cell in review[review.max_row]:
                cell.fill = warn
    for cell in review[1]:
        cell.font = Font(name=FONT_NAME, bold=True)
    for letter, width in zip("ABCDEFGHI", (6, 40, 28, 8, 28, 8, 28, 8, 8), strict=True):
        review.column_dimensions[letter].width = width
    review.freeze_panes = "A2"
    workbook.save(path)
    return path
