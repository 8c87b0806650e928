"""``fitgap convert init``: a first mapping, code-table skeletons and a 外字 table from a look at a legacy export.

It reads the head of the file (:data:`~converters.scaffold.shape.SAMPLE_BYTES`), decides the encoding by the
share of lines that decode (:mod:`.encoding`), tells CSV from fixed width (:mod:`.shape`; fixed-width fields
come from the vendor's record layout, :mod:`.layout_file`), matches columns to items by name (:mod:`.names`),
proposes transforms from each item's type and the values seen (:mod:`.proposals`) and writes the mapping
(:mod:`.render`). It never claims more than it found: every guess says so in a comment, and what it could not
decide is a TODO.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from converters.scaffold import names
from converters.scaffold.encoding import EncodingGuess, detect_encoding
from converters.scaffold.layout_file import (
    RecordLayout,
    check_record_length,
    read_layout,
    refuse_record_length,
    terminator_note,
)
from converters.scaffold.proposals import PUA, Proposal, fushohyoki_of, propose, record_date_of
from converters.scaffold.shape import (
    SAMPLE_BYTES,
    Sample,
    Terminator,
    delimiter_of,
    fixed_records,
    layout_hint,
    no_line_breaks,
    read_sample,
    split_unterminated,
)
from spec_catalog.base import FitgapError, FrozenModel, InputFileError, UsageError
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, Catalog, DataGroup
from spec_catalog.vocab import DataType, OutputCondition

__all__ = ["CodeTableFile", "Detected", "Scaffold", "scaffold", "write_scaffold"]


class CodeTableFile(FrozenModel):
    """A code-table skeleton the scaffold writes: the person fills its standard column."""

    table: str
    item: str
    file: str
    code_list: str
    legacy_codes: int


class Detected(FrozenModel):
    """What ``convert init`` found and wrote (its ``--json``): shapes, names and counts, never a value."""

    format: Literal["csv", "fixed"]
    encoding: str
    lines_sampled: int
    lines_not_decoded: int
    whole_file_sampled: bool
    delimiter: str | None = None
    header: bool = False
    record_length: int | None = None
    terminator: Terminator | None = None
    layout: str | None = None
    columns: tuple[str, ...]
    matches: dict[str, str]  # item romanized name -> source column
    todo: tuple[str, ...]  # items with no column (and not filled by another item's transform)
    transforms: dict[str, tuple[str, ...]]  # item -> proposed transforms, as the mapping writes them
    code_tables: tuple[CodeTableFile, ...]
    gaiji: tuple[str, ...]  # 外字 seen in the columns read, as U+XXXX
    unused_columns: tuple[str, ...]
    warnings: tuple[str, ...]
    files: tuple[str, ...] = ()  # written by write_scaffold


@dataclass
class Scaffold:
    """Everything :func:`write_scaffold` needs: the findings and the text of each file to write."""

    detected: Detected
    mapping: tuple[Path, str]  # the mapping file and its text
    tables: dict[Path, str]  # code tables and the 外字 table: path -> CSV text


def _target(catalog: Catalog, target: str) -> tuple[BusinessSpec, DataGroup]:
    business_id, _, group_name = target.partition("/")
    spec = catalog.business(business_id)
    group = spec.group(group_name) if group_name else (spec.layouts[0] if len(spec.layouts) == 1 else None)
    if group is None:
        example = f"{spec.business_id}/{spec.layouts[0].name if spec.layouts else '…'}"
        groups = ", ".join(g.name for g in spec.layouts)
        raise FitgapError(
            say(
                f"対象は 業務/グループ の形で指定してください（例: {example}）",
                f"give the target as BUSINESS/GROUP, e.g. {example}",
            ),
            hint=say(
                f"{spec.business_id} のグループ: {groups or 'なし'}",
                f"groups of {spec.business_id}: {groups or 'none'}",
            ),
        )
    return spec, group


@dataclass
class _Read:
    """The sample as columns of values."""

    format: Literal["csv", "fixed"]
    guess: EncodingGuess
    columns: list[str]
    values: dict[str, Counter[str]]
    delimiter: str | None = None
    header: bool = False
    terminator: Terminator | None = None
    record_length: int | None = None
    other_width: int = 0  # CSV lines with another number of fields than the header


def _fixed_with_layout(
    sample: Sample, body: bytes, layout: RecordLayout, path: Path
) -> tuple[Terminator, tuple[bytes, ...]]:
    """The records of a file the layout describes; one line when the record length does not agree."""
    found = fixed_records(sample)
    length = layout.record_length
    if found is not None:
        terminator, actual = found
        ends = terminator.upper()
        check_record_length(
            layout, actual, say(f"レコードは {actual} バイト（{ends}）です", f"{actual} bytes ({ends})"), path
        )
        return terminator, tuple(line.removesuffix(b"\r") for line in sample.lines)
    if len(sample.lines) <= 1:  # no line feed at all: records without terminators
        if sample.body_size % length:
            size = f"{sample.body_size:,}"
            refuse_record_length(
                layout,
                say(
                    f"ファイルの大きさがその倍数ではありません（{size} バイト、改行なし）",
                    f"not a multiple of it ({size} bytes, no line breaks)",
                ),
                path,
            )
        return "none", split_unterminated(body, length)
    delimiter = delimiter_of([line.decode("cp932", errors="replace") for line in sample.lines])
    if delimiter is not None:
        raise UsageError(
            say(
                f"ファイルは固定長ではなく区切り文字（{delimiter!r}）で区切られています",
                f"the file is delimited ({delimiter!r}), not fixed width",
            ),
            where=path,
            hint=say("--layout を外してください", "leave out --layout"),
        )
    lengths = Counter(len(line.removesuffix(b"\r")) for line in sample.lines)
    shown_ja = "、".join(f"{n} バイト" for n, _ in lengths.most_common(3))
    shown_en = ", ".join(f"{n} bytes" for n, _ in lengths.most_common(3))
    refuse_record_length(
        layout,
        say(f"レコードの長さがそろっていません（{shown_ja} …）", f"of different lengths ({shown_en} …)"),
        path,
    )


def _read_fixed(sample: Sample, body: bytes, layout: RecordLayout, path: Path) -> _Read:
    terminator, records = _fixed_with_layout(sample, body, layout, path)
    guess = detect_encoding(list(records), path, bom=sample.bom)
    codec = "utf-8" if guess.encoding.startswith("utf") else guess.encoding
    values: dict[str, Counter[str]] = {}
    for f in layout.fields:
        # Bytes first, decoded once per distinct value: a code field has a handful among thousands of records.
        raw = Counter(record[f.start - 1 : f.start - 1 + f.length] for record in records)
        texts: Counter[str] = Counter()
        for data, count in raw.items():
            try:
                texts[data.decode(codec).strip(" \u3000")] += count
            except UnicodeDecodeError:
                continue  # counted with its record in the encoding guess
        values[f.name] = texts
    return _Read(
        format="fixed",
        guess=guess,
        columns=[f.name for f in layout.fields],
        values=values,
        terminator=terminator,
        record_length=layout.record_length,
    )


def _read_csv(sample: Sample, path: Path, group: DataGroup) -> _Read:
    guess = detect_encoding(list(sample.lines), path, bom=sample.bom)
    codec = "utf-8" if guess.encoding.startswith("utf") else guess.encoding
    texts: list[str] = []
    for line in sample.lines:
        try:
            texts.append(line.removesuffix(b"\r").decode(codec))
        except UnicodeDecodeError:
            continue  # counted in the guess; convert run quarantines the line
    fixed = fixed_records(sample)
    delimiter = delimiter_of(texts)
    if fixed is not None and delimiter is None:
        terminator, length = fixed
        ends = terminator.upper()
        raise UsageError(
            say(
                f"区切り文字のない {length} バイト（{ends}）の固定長レコードです。フィールドにはレコードレイアウトが"
                "必要です",
                f"fixed-width records of {length} bytes ({ends}) with no delimiter: the fields need the record layout",
            ),
            where=path,
            hint=layout_hint(),
        )
    delimiter = delimiter or ","
    rows = [next(csv.reader([text], delimiter=delimiter), []) for text in texts]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise InputFileError(
            say("ファイルにレコードがありません", "the file holds no record"),
            where=path,
            hint=say("出力されたファイルを確かめてください", "check the export"),
        )
    first = rows[0]
    named = names.match(group.items, first)
    numeric_first = any(cell.strip().isdigit() for cell in first)
    digits_below = len(rows) > 1 and any(cell.strip().isdigit() for cell in rows[1])
    header = not numeric_first and (bool(named) or digits_below)
    columns = [cell.strip() for cell in first] if header else [f"column{i + 1}" for i in range(len(first))]
    values: dict[str, Counter[str]] = {c: Counter() for c in columns}
    other = 0
    for row in rows[1:] if header else rows:
        if len(row) != len(columns):
            other += 1
            continue
        for column, cell in zip(columns, row, strict=True):
            values[column][cell] += 1
    return _Read(
        format="csv", guess=guess, columns=columns, values=values, delimiter=delimiter, header=header, other_width=other
    )


def scaffold(source: Path, catalog: Catalog, target: str, output: Path, layout: Path | None = None) -> Scaffold:
    """Look at ``source`` and draft the mapping ``output`` (and its code tables) for ``target`` (BUSINESS/GROUP).

    A fixed-width file needs its record layout (``layout``); without one it is refused with one line saying so.
    """
    from converters.scaffold.render import render_files

    spec, group = _target(catalog, target)
    record_layout = read_layout(layout) if layout is not None else None
    sample, body = read_sample(source)
    if record_layout is not None:
        read = _read_fixed(sample, body, record_layout, source)
    else:
        no_line_breaks(sample, source)
        read = _read_csv(sample, source, group)
    matched = names.match(group.items, read.columns) if read.format == "fixed" or read.header else {}
    items = {item.romanized: item for item in group.items}
    record_date = record_date_of(group)
    record_date_mapped = record_date is not None and record_date.romanized in matched
    proposals = {
        romanized: propose(
            items[romanized],
            column,
            read.values[column],
            spec,
            trimmed=read.format == "fixed",
            record_date=record_date,
            record_date_mapped=record_date_mapped,
        )
        for romanized, (column, _) in matched.items()
    }
    filled_by = {
        companion.romanized: romanized
        for romanized, p in proposals.items()
        if p.item.type is DataType.DATE and (companion := fushohyoki_of(group, p.item)) is not None
    }
    gaiji: Counter[str] = Counter()
    for column, _ in matched.values():
        for value, count in read.values[column].items():
            for char in PUA.findall(value):
                gaiji[char] += count
    warnings = _warnings(read, sample, spec, group, proposals, filled_by, record_layout)
    detected = Detected(
        format=read.format,
        encoding=read.guess.encoding,
        lines_sampled=read.guess.lines,
        lines_not_decoded=read.guess.bad_count,
        whole_file_sampled=sample.whole,
        delimiter=read.delimiter,
        header=read.header,
        record_length=read.record_length,
        terminator=read.terminator,
        layout=layout.name if layout is not None else None,
        columns=tuple(read.columns),
        matches={romanized: column for romanized, (column, _) in matched.items()},
        todo=tuple(i.romanized for i in group.items if i.romanized not in matched and i.romanized not in filled_by),
        transforms={r: tuple(p.transforms) for r, p in proposals.items() if p.transforms},
        code_tables=tuple(
            CodeTableFile(
                table=p.code_table.name,
                item=r,
                file=code_table_name(output, p.code_table.name),
                code_list=p.code_table.code_list.code_list_id,
                legacy_codes=len(p.code_table.counts),
            )
            for r, p in proposals.items()
            if p.code_table is not None
        ),
        gaiji=tuple(f"U+{ord(ch):04X}" for ch in sorted(gaiji)),
        unused_columns=tuple(c for c in read.columns if c not in {col for col, _ in matched.values()}),
        warnings=tuple(warnings),
    )
    context = _Context(source, output, spec, group, record_layout, proposals, filled_by, gaiji, read.guess)
    mapping, tables = render_files(detected, context)
    return Scaffold(detected=detected, mapping=mapping, tables=tables)


@dataclass
class _Context:
    """What rendering needs beyond :class:`Detected` (the values' counts stay out of the JSON)."""

    source: Path
    output: Path
    spec: BusinessSpec
    group: DataGroup
    layout: RecordLayout | None
    proposals: dict[str, Proposal]
    filled_by: dict[str, str]
    gaiji: Counter[str]
    guess: EncodingGuess


def code_table_name(output: Path, table: str) -> str:
    """The file of a code table, beside the mapping and named after it (two mappings never share one)."""
    return f"{output.stem}-codes-{table}.csv"


def gaiji_table_name(output: Path) -> str:
    return f"{output.stem}-gaiji.csv"


def _warnings(
    read: _Read,
    sample: Sample,
    spec: BusinessSpec,
    group: DataGroup,
    proposals: dict[str, Proposal],
    filled_by: dict[str, str],
    layout: RecordLayout | None,
) -> list[str]:
    guess = read.guess
    fixed = read.format == "fixed"
    unit_ja = "レコード" if fixed else "行"
    unit = "records" if fixed else "lines"
    found = []
    if guess.bad_count:
        shown = ", ".join(str(n) for n in guess.bad_lines) + (", …" if guess.bad_count > len(guess.bad_lines) else "")
        where = f"{unit if guess.bad_count > 1 else unit[:-1]} {shown}"
        found.append(
            say(
                f"{guess.encoding} として読めない{unit_ja}: {guess.lines:,} 中 {guess.bad_count:,}"
                f"（{unit_ja} {shown}）。convert run では移行エラーになります（ENCODING_INVALID）",
                f"{unit} not in {guess.encoding}: {guess.bad_count:,} of {guess.lines:,} ({where}); convert run "
                "quarantines them (ENCODING_INVALID)",
            )
        )
    if read.other_width:
        found.append(
            say(
                f"1行目（{len(read.columns)} 列）と列の数が違う行: {read.other_width:,}。convert run では移行エラーに"
                "なります（COLUMN_COUNT）",
                f"lines with another number of columns than the first ({len(read.columns)}): {read.other_width:,}; "
                "convert run quarantines them (COLUMN_COUNT)",
            )
        )
    if not sample.whole:
        found.append(
            say(
                f"件数と提案は先頭の {guess.lines:,} {unit_ja}（{sample.size:,} バイト中 {SAMPLE_BYTES >> 20} MiB）"
                "から作りました。その先にだけ現れるコードはコード表にありません",
                f"counts and proposals come from the first {guess.lines:,} {unit} ({SAMPLE_BYTES >> 20} MiB of "
                f"{sample.size:,} bytes): codes seen only further on are not in the code tables",
            )
        )
    if read.format == "csv" and not read.header:
        found.append(
            say(
                "見出し行がありません。列は column1 … となり、名前で対応付けた項目はありません",
                "no header row: the columns are column1 … and no item was matched by name",
            )
        )
    if layout is not None and layout.terminator_field is not None:
        found.append(terminator_note(layout))
    for first, last in layout.gaps if layout else ():
        found.append(
            say(
                f"各レコードの {first}–{last} バイト目はレイアウトのどのフィールドにも入っていません",
                f"bytes {first}–{last} of each record are in no field of the layout",
            )
        )
    for p in proposals.values():
        found.extend(p.warnings)
    for item in group.items:
        required = item.output_condition is OutputCondition.REQUIRED
        if required and item.romanized not in proposals and item.romanized not in filled_by:
            found.append(
                say(
                    f"必須項目 {item.romanized}（{item.name}）に列がありません。convert run は実行されますが、どの行も"
                    "この項目が空のため移行エラー（REQUIRED_MISSING）になり、移行エラーが基準を超えるので公開ガードが"
                    "変換を却下します。この項目に列を読ませるか、定数（{value: …}）か複数の列から作ってください",
                    f"必須 item {item.romanized} ({item.name}) has no column: convert run goes ahead, but every row "
                    "lacks the item and is quarantined (REQUIRED_MISSING), so the publish guard rejects the run (too "
                    "many rows quarantined); make the item read a column, or give it a constant ({value: …}) or "
                    "derive it from columns",
                )
            )
    return found


def _replace_hint() -> str:
    return say(
        "置き換えるには --force を付けるか、別の -o を指定してください",
        "add --force to replace it, or choose another -o",
    )


def write_scaffold(built: Scaffold, *, force: bool = False) -> Detected:
    """Write the mapping and its tables; none is written when one of them exists already, unless ``force``."""
    files = [(*built.mapping, "utf-8"), *((path, text, "utf-8-sig") for path, text in built.tables.items())]
    if not force:
        for path, _, _ in files:
            if path.exists():
                what = (
                    say("マッピングのファイル", "the mapping file")
                    if path == built.mapping[0]
                    else say("コード表", "a code table")
                )
                raise UsageError(
                    say(
                        f"{what}がすでにあります（編集済みかもしれません）",
                        f"{what} exists already (it may hold your edits)",
                    ),
                    where=path,
                    hint=_replace_hint(),
                )
    written = []
    for path, text, encoding in files:  # UTF-8 with a BOM for the tables: Excel then shows their Japanese
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("w" if force else "x", encoding=encoding, newline="") as handle:
                handle.write(text)
        except FileExistsError:  # created since the check above
            raise UsageError(
                say("ファイルがすでにあります", "the file exists already"), where=path, hint=_replace_hint()
            ) from None
        written.append(str(path))
    return built.detected.model_copy(update={"files": tuple(written)})
