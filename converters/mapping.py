"""The mapping file: where a legacy export comes from, which catalog group it fills, and how each item
is made. Loaded through one function that reports every mistake with its line and a fix."""

from __future__ import annotations

import csv
import difflib
import hashlib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from converters.transforms import options as opt
from converters.transforms.values import code_key
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.files import Loc, check_input_file, describe_validation_error, read_yaml
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, Catalog, DataGroup
from spec_catalog.vocab import DataType, OutputCondition

ENCODINGS = {"cp932", "utf-8", "utf-8-sig", "shift_jis", "euc_jp"}
# Encodings with no Python codec: name them clearly rather than guess (domain.md §8).
MAINFRAME = {"jef", "keis", "cp930", "cp939", "ibm930", "ibm939"}
# A count option (a length, a position) above this is a mistake: the standard's longest item has 300 characters,
# and DuckDB would pad every row to a billion (or refuse a number past its integers, with a traceback).
MAX_COUNT = 10_000


class CsvSource(FrozenModel):
    format: Literal["csv"]
    path: str
    encoding: str = "cp932"
    delimiter: str = ","
    quote: str = '"'
    header: bool = True
    columns: tuple[str, ...] | None = None  # names of the columns when the file has no header

    @field_validator("delimiter", "quote")
    @classmethod
    def _one_char(cls, value: str) -> str:
        if len(value) != 1 or value in "\r\n":
            raise ValueError(say("1文字にしてください（改行は使えません）", "must be one character (not a line break)"))
        return value


class FixedField(FrozenModel):
    name: str
    start: int = Field(ge=1, description="first byte, counted from 1")
    length: int = Field(ge=1, description="bytes")


class FixedSource(FrozenModel):
    format: Literal["fixed"]
    path: str
    encoding: str = "cp932"
    record_length: int | None = Field(default=None, ge=1, description="bytes, without the line terminator")
    terminator: Literal["crlf", "lf", "none"] = "crlf"
    fields: tuple[FixedField, ...]
    trim: bool = True  # drop the padding spaces around each field (half- and full-width: readers.stage_fixed)

    @model_validator(mode="after")
    def _check_fields(self) -> FixedSource:
        end = max(f.start + f.length - 1 for f in self.fields)
        if self.record_length is not None and end > self.record_length:
            raise ValueError(
                say(
                    f"{end} バイト目で終わるフィールドがあり、レコード長 {self.record_length} を超えています",
                    f"a field ends at byte {end}, past the record length {self.record_length}",
                )
            )
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(say("フィールド名が重複しています", "field names must be unique"))
        return self

    @property
    def length(self) -> int:
        return self.record_length or max(f.start + f.length - 1 for f in self.fields)


class ExcelSource(FrozenModel):
    format: Literal["xlsx"]
    path: str
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)


Source = Annotated[CsvSource | FixedSource | ExcelSource, Field(discriminator="format")]


class Target(FrozenModel):
    business: str
    group: str


class CodeTable(FrozenModel):
    values: dict[str, str] | None = None
    path: str | None = None  # a CSV of legacy code,standard code (with a header row)
    keep_unmapped: bool = False  # pass unknown codes through (the code-list check still applies)

    @model_validator(mode="after")
    def _one_source(self) -> CodeTable:
        if (self.values is None) == (self.path is None):
            raise ValueError(say("values か path のどちらか一方を書いてください", "give either values or path"))
        return self


class ItemMapping(FrozenModel):
    source: str | tuple[str, ...] | None = Field(default=None, alias="from")
    value: str | None = None  # a constant
    transforms: tuple[opt.Transform, ...] = ()  # in order; each read from its YAML form into its typed options
    raw: bool = False  # skip the automatic normalisation for the item's type

    model_config = FrozenModel.model_config | {"validate_by_name": True, "validate_by_alias": True}

    @model_validator(mode="after")
    def _one_origin(self) -> ItemMapping:
        if (self.source is None) == (self.value is None):
            raise ValueError(
                say(
                    "'from'（元データの列）か 'value'（定数）のどちらか一方を書いてください",
                    "give either 'from' (source column or columns) or 'value' (a constant)",
                )
            )
        return self

    @property
    def columns(self) -> tuple[str, ...]:
        if self.source is None:
            return ()
        return (self.source,) if isinstance(self.source, str) else self.source


class MappingFile(FrozenModel):
    name: str | None = None
    source: Source
    target: Target
    key: tuple[str, ...] | None = None  # items that identify a row; the group's primary key by default
    items: dict[str, ItemMapping]
    code_tables: dict[str, CodeTable] = Field(default_factory=dict)
    gaiji: str | None = None  # CSV: PUA code point (U+E001 or the character), standard character
    # Returned cleansing-request workbooks (convert quarantine --xlsx), applied in order on every run (a later
    # file wins): converters/corrections.py reads them.
    corrections: tuple[str, ...] = ()
    allow_outside_paths: bool = False  # paths may leave the mapping's folder (absolute or ../)


class Origin(StrEnum):
    """Where a target item's values come from (recorded with every run, so an auditor sees which items the legacy
    data did not hold)."""

    SOURCE = "source"  # one column of the legacy export
    DERIVED = "derived"  # several columns of the export, joined
    CONSTANT = "constant"  # a value written in the mapping (``value:``)
    COMPANION = "companion"  # a 不詳表記 item: the date item's 不詳 texts (``columns`` names that date item)
    OMITTED = "omitted"  # not in the mapping: the item stays empty


class ItemOrigin(FrozenModel):
    item: str  # romanized name
    name: str  # データ項目 (Japanese)
    required: bool  # 必須
    origin: Origin
    columns: tuple[str, ...] = ()  # the source columns read (source, derived)
    value: str | None = None  # the constant (a mapping's text, never a record's value)


class Mapping:
    """A loaded, checked mapping with everything resolved against the catalog and the file system."""

    def __init__(
        self,
        lines: dict[Loc, int],
        file: MappingFile,
        path: Path,
        spec: BusinessSpec,
        group: DataGroup,
        source_path: Path,
        code_tables: dict[str, dict[str, str]],
        gaiji: dict[str, str],
        digest: str,
    ) -> None:
        self.lines = lines
        self.file, self.path, self.spec, self.group = file, path, spec, group
        self.source_path, self.code_tables, self.gaiji, self.digest = source_path, code_tables, gaiji, digest

    @property
    def name(self) -> str:
        return self.file.name or self.path.stem

    def origins(self) -> tuple[ItemOrigin, ...]:
        """Where each item of the target group comes from, in the group's order."""
        result = []
        companions = self._companions()
        for item in self.group.items:
            spec = self.file.items.get(item.romanized)
            required = item.output_condition is OutputCondition.REQUIRED
            columns: tuple[str, ...] = ()
            value: str | None = None
            if spec is None and item.romanized in companions:
                origin, columns = Origin.COMPANION, (companions[item.romanized],)
            elif spec is None:
                origin = Origin.OMITTED
            elif spec.value is not None:
                origin, value = Origin.CONSTANT, spec.value
            else:
                origin = Origin.DERIVED if len(spec.columns) > 1 else Origin.SOURCE
                columns = spec.columns
            result.append(
                ItemOrigin(
                    item=item.romanized, name=item.name, required=required, origin=origin, columns=columns, value=value
                )
            )
        return tuple(result)

    def _companions(self) -> dict[str, str]:
        """不詳表記 item → the date item whose 不詳 texts fill it (``era_date``'s ``unknown_to``, or by default the
        item named ``<date item>_fushohyoki``, as the plan fills it)."""
        names = {i.romanized for i in self.group.items}
        found: dict[str, str] = {}
        for item in self.group.items:
            spec = self.file.items.get(item.romanized)
            if spec is None or spec.value is not None:
                continue
            era = next((t for t in spec.transforms if isinstance(t, opt.EraDate)), None)
            if era is None and (spec.raw or item.type is not DataType.DATE):
                continue
            target = era.unknown_to if era is not None and era.unknown_to else f"{item.romanized}_fushohyoki"
            if target in names:
                found[target] = item.romanized
        return found

    def source_columns(self) -> tuple[str, ...]:
        source = self.file.source
        if isinstance(source, FixedSource):
            return tuple(f.name for f in source.fields)
        if isinstance(source, CsvSource) and source.columns:
            return source.columns
        return ()


def _where(path: Path, lines: dict[Loc, int], loc: Loc) -> str:
    line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
    return f"{path}:{line}" if line else str(path)


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    if close:
        return say(f"'{close[0]}' の書き間違いではありませんか？", f"did you mean '{close[0]}'?")
    listed = ", ".join(choices[:12])
    return say(f"次のどれかにしてください: {listed}", f"choose one of: {listed}")


def resolve_path(base: Path, text: str, allow_outside: bool, where: str, what: str) -> Path:
    """A path of the mapping, relative to its folder; it may not leave that folder unless allowed. ``what`` is a
    noun in the run's language (``say("コード表", "code table")``)."""
    raw = Path(text)
    path = raw if raw.is_absolute() else base / raw
    if not allow_outside:
        inside = base.resolve()
        if raw.is_absolute() or not path.resolve().is_relative_to(inside):
            raise FitgapError(
                say(
                    f"{what} '{text}' がマッピングのフォルダの外を指しています",
                    f"{what} '{text}' leaves the mapping's folder",
                ),
                where=where,
                hint=say(
                    "ファイルをマッピングと同じフォルダに置くか、--source で渡すか、allow_outside_paths: true を"
                    "設定してください",
                    "put the file beside the mapping, pass it with --source, or set allow_outside_paths: true",
                ),
            )
    return path


# The header line of a code table's CSV: the legacy code first, the standard code second (columns after them,
# such as a count or a name, are not read).
CODE_TABLE_HEADER = (
    frozenset({"legacy", "legacy_code", "旧コード"}),
    frozenset({"standard", "standard_code", "標準コード"}),
)


def _check_code_table_header(header: list[str] | None, path: Path, where: str) -> None:
    """A code table's first line names its two columns: a missing header would read the first code as one, a
    swapped one would map every code backwards."""
    names = [code_key(cell).lower() for cell in (header or [])[:2]]
    legacy, standard = CODE_TABLE_HEADER
    if len(names) == 2 and names[0] in legacy and names[1] in standard:
        return
    swapped = len(names) == 2 and names[0] in standard and names[1] in legacy
    raise FitgapError(
        say(
            f"コード表 {path.name} の1行目が見出し legacy,standard ではありません",
            f"code table {path.name} line 1 is not the header legacy,standard",
        ),
        where=where,
        hint=say(
            "旧コードを先に書きます。2つの列を入れ替えてください", "the legacy code comes first: swap the two columns"
        )
        if swapped
        else say(
            "1行目に legacy,standard と書いてください（見出しとして読まれ、コードとしては読まれません）",
            "write legacy,standard as the first line (it is read as the header, never as a code)",
        ),
    )


def _read_code_table(
    path: Path, where: str, what: str | None = None, key: str | None = None, *, code_table: bool = False
) -> dict[str, str]:
    """A CSV of ``key,standard`` lines under a header line. A key listed twice is refused: which of its two
    values applies would depend on the line order. A code table (``code_table``) must name its columns in its
    header, and is keyed by :func:`code_key`: ``1`` and ``１`` are one code, listed twice. ``what`` and ``key``
    are nouns in the run's language (a code table and its legacy code by default)."""
    what = what if what is not None else say("コード表", "code table")
    key = key if key is not None else say("旧コード", "legacy code")
    check_input_file(path, what, where=where)
    table: dict[str, str] = {}
    first: dict[str, tuple[int, str]] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if code_table:
                _check_code_table_header(header, path, where)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) < 2:
                    raise FitgapError(
                        say(
                            f"{what} {path.name} の {reader.line_num} 行目に列が1つしかありません",
                            f"{what} {path.name} line {reader.line_num} has one column",
                        ),
                        where=where,
                        hint=say(
                            f"各行を {key},標準コード の形で書いてください", f"write each line as {key},standard code"
                        ),
                    )
                legacy = code_key(row[0]) if code_table else row[0]
                if legacy in first:
                    line, written = first[legacy]
                    raise FitgapError(
                        say(
                            f"{what} {path.name} に{key} '{row[0]}' が二度あります"
                            f"（{line} 行目と {reader.line_num} 行目）",
                            f"{what} {path.name} lists the {key} '{row[0]}' twice (lines {line} and {reader.line_num})",
                        ),
                        where=where,
                        hint=say(f"{key}ごとに1行にしてください", f"keep one line per {key}")
                        if written == row[0]
                        else say(
                            f"'{written}' と '{row[0]}' は（全角・半角と空白を除けば）同じコードです。"
                            "1行にしてください",
                            f"'{written}' and '{row[0]}' are one code (width and spaces aside): keep one line",
                        ),
                    )
                first[legacy] = (reader.line_num, row[0])
                # An empty standard cell is a line not filled yet (the `convert init` skeleton lists every legacy
                # code): the code stays unmapped and is quarantined, never loaded as an empty value.
                if row[1].strip():
                    table[legacy] = row[1]
    except UnicodeDecodeError:
        raise FitgapError(
            say(f"{what} {path} は UTF-8 ではありません", f"{what} {path} is not UTF-8"),
            where=where,
            hint=say("UTF-8 の CSV で保存してください", "save it as UTF-8 CSV"),
        ) from None
    except csv.Error as exc:
        raise FitgapError(
            say(f"{what} {path} を CSV として読めません（{exc}）", f"{what} {path} is not a readable CSV ({exc})"),
            where=where,
            hint=say("CSV で保存してください", "save it as CSV"),
        ) from None
    return table


def _keyed_values(name: str, values: dict[str, str], where: str) -> dict[str, str]:
    """A code table written in the mapping, keyed by :func:`code_key` like one read from a file."""
    table: dict[str, str] = {}
    written: dict[str, str] = {}
    for legacy, standard in values.items():
        key = code_key(legacy)
        if key in table:
            raise FitgapError(
                say(
                    f"コード表 '{name}' に旧コード '{legacy}' が二度あります（'{written[key]}' としても）",
                    f"code table '{name}' lists the legacy code '{legacy}' twice (also as '{written[key]}')",
                ),
                where=where,
                hint=say(
                    f"'{written[key]}' と '{legacy}' は（全角・半角と空白を除けば）同じコードです。一つにしてください",
                    f"'{written[key]}' and '{legacy}' are one code (width and spaces aside): keep one",
                ),
            )
        table[key], written[key] = standard, legacy
    return table


def read_gaiji_table(path: Path, where: str) -> dict[str, str]:
    """外字 table: each row a PUA character (or U+E001) and the standard character(s) it stands for."""
    table = _read_code_table(path, where, say("外字表", "外字 table"), "外字")
    result: dict[str, str] = {}
    written: dict[str, str] = {}
    for key, value in table.items():
        try:
            char = chr(int(key[2:], 16)) if key.upper().startswith("U+") else key
        except ValueError:  # U+ZZZZ, or past U+10FFFF
            char = ""
        if len(char) != 1 or not "\ue000" <= char <= "\uf8ff":
            raise FitgapError(
                say(
                    f"外字表: {key!r} は私用領域（Private Use Area）の文字ではありません",
                    f"外字 table: {key!r} is not a Private Use Area character",
                ),
                where=where,
                hint=say(
                    "コードポイントを U+E001 の形（U+E000–U+F8FF）で書いてください",
                    "write the code point as U+E001 (U+E000–U+F8FF)",
                ),
            )
        if char in written:  # once as U+E001, once as the character itself
            raise FitgapError(
                say(
                    f"外字表 {path.name} に U+{ord(char):04X} が二度あります（{written[char]!r} と {key!r}）",
                    f"外字 table {path.name} lists U+{ord(char):04X} twice (as {written[char]!r} and {key!r})",
                ),
                where=where,
                hint=say("外字ごとに1行にしてください", "keep one line per 外字"),
            )
        result[char], written[char] = value, key
    return result


def _first_problem(exc: ValidationError, path: Path, lines: dict[Loc, int]) -> str:
    """The line of the first problem, and how many more there are.

    A refused transform is told the way the loader's own checks are (``FILE:LINE: what — fix``), at the line of
    the transform or of its option; anything else as pydantic found it.
    """
    errors = exc.errors()
    own = next((e for e in errors if e["type"] == opt.TRANSFORM_ERROR), None)
    if own is not None:
        ctx = own.get("ctx", {})
        where = _where(path, lines, (*own["loc"], *ctx["at"]))
        first = FitgapError(ctx["problem"], where=where, hint=ctx["fix"]).one_line()
    else:
        first = describe_validation_error(exc, path, lines, MappingFile)[0]
    more = len(errors) - 1
    return first + (say(f"（ほかに {more} 件）", f" (and {more} more)") if more else "")


def load_mapping(path: Path, catalog: Catalog, source_override: Path | None = None) -> Mapping:
    """Load and check a mapping file; the first problem found is raised with its line and a fix."""
    data, lines = read_yaml(path)
    try:
        file = MappingFile.model_validate(data)
    except ValidationError as exc:
        raise FitgapError(_first_problem(exc, path, lines)) from exc
    if not file.items:  # every row would load empty, or be quarantined: it would replace the published rows
        raise FitgapError(
            say(
                f"マッピングに {file.target.group} の項目が一つもありません",
                f"the mapping maps no item of {file.target.group}",
            ),
            where=_where(path, lines, ("items",)),
            hint=say(
                "items: の下に各項目と元データの列を書いてください（fitgap convert init がひな形を作ります）",
                "name each item and its source column under items: (fitgap convert init writes a start)",
            ),
        )
    base = path.parent
    source = file.source
    encoding = source.encoding.lower() if isinstance(source, CsvSource | FixedSource) else "utf-8"
    if encoding in MAINFRAME:
        raise FitgapError(
            say(
                f"文字コード {encoding}（メインフレーム）はここでは読めません",
                f"encoding {encoding} (mainframe) has no codec here",
            ),
            where=_where(path, lines, ("source", "encoding")),
            hint=say(
                "CP932 か UTF-8 で出力し直すようベンダーに依頼してください",
                "ask the vendor for a CP932 or UTF-8 re-export",
            ),
        )
    if encoding not in ENCODINGS:
        usable = ", ".join(sorted(ENCODINGS))
        raise FitgapError(
            say(f"文字コード {encoding!r} は使えません", f"unknown encoding {encoding!r}"),
            where=_where(path, lines, ("source", "encoding")),
            hint=say(f"次のどれかにしてください: {usable}", f"use one of {usable}"),
        )
    spec = catalog.business(file.target.business)
    group = spec.group(file.target.group)
    if group is None:
        raise FitgapError(
            say(
                f"{spec.business_id} {spec.name} にグループ '{file.target.group}' がありません",
                f"{spec.business_id} {spec.name} has no group '{file.target.group}'",
            ),
            where=_where(path, lines, ("target", "group")),
            hint=_suggest(file.target.group, [g.name for g in spec.layouts])
            if spec.layouts
            else say("この業務にはデータレイアウトがありません", "it has no layout"),
        )
    known = [i.romanized for i in group.items]
    for item in file.items:
        if item not in known:
            raise FitgapError(
                say(
                    f"項目 '{item}' はグループ {group.name} にありません", f"item '{item}' is not in group {group.name}"
                ),
                where=_where(path, lines, ("items", item)),
                hint=_suggest(item, known),
            )
    for key in file.key or ():
        if key not in known:
            raise FitgapError(
                say(
                    f"キー項目 '{key}' はグループ {group.name} にありません",
                    f"key item '{key}' is not in group {group.name}",
                ),
                where=_where(path, lines, ("key",)),
                hint=_suggest(key, known),
            )
    if source_override is not None:  # given on the command line: checked now (the mapping's own path when read)
        check_input_file(
            source_override,
            say("元データのファイル", "source file"),
            hint=say("--source に渡したパスを確かめてください", "check the path given to --source"),
        )
        source_path = source_override
    else:
        source_path = resolve_path(
            base,
            source.path,
            file.allow_outside_paths,
            _where(path, lines, ("source", "path")),
            say("元データのパス", "source path"),
        )
    tables: dict[str, dict[str, str]] = {}
    for name, table in file.code_tables.items():
        where = _where(path, lines, ("code_tables", name))
        if table.values is not None:
            tables[name] = _keyed_values(name, table.values, where)
        else:
            assert table.path is not None
            tables[name] = _read_code_table(
                resolve_path(base, table.path, file.allow_outside_paths, where, say("コード表", "code table")),
                where,
                code_table=True,
            )
    gaiji = {}
    if file.gaiji:
        where = _where(path, lines, ("gaiji",))
        table_path = resolve_path(base, file.gaiji, file.allow_outside_paths, where, say("外字表", "外字 table"))
        gaiji = read_gaiji_table(table_path, where)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    mapping = Mapping(lines, file, path, spec, group, source_path, tables, gaiji, digest)
    _check_transforms(mapping, lines)
    return mapping


def check_columns(mapping: Mapping, columns: list[str]) -> None:
    """Every column the mapping reads is in the source once, by name (known once its header has been read).

    The names come from the file's header row, which may be a record (``header: true`` on a file without one):
    a message never lists them. A name the mapping reads is named (it is the mapping's own), and one header
    name close to it; when most of the names are missing, the header row is not one.
    """
    source = mapping.file.source
    wanted = [(item, column) for item, spec in mapping.file.items.items() for column in spec.columns]
    for item, column in wanted:
        positions = [i + 1 for i, name in enumerate(columns) if name == column]
        if len(positions) > 1:
            fix = (
                say(
                    "シートの見出し行で列ごとに別の名前を付けてください",
                    "give each column its own name in the sheet's header row",
                )
                if isinstance(source, ExcelSource)
                else say(
                    "見出し行で列ごとに別の名前を付けるか、'header: false' として 'columns:' に列の名前を並べて"
                    "ください",
                    "give each column its own name in the header line, or set 'header: false' and list the "
                    "columns under 'columns:'",
                )
            )
            at = ", ".join(map(str, positions))
            raise FitgapError(
                say(
                    f"項目 '{item}' が読む列 '{column}' は見出しに {len(positions)} 回あります（{at} 列目）",
                    f"item '{item}' reads column '{column}', which the header names {len(positions)} times "
                    f"(columns {at})",
                ),
                where=_where(mapping.path, mapping.lines, ("items", item, "from")),
                hint=fix,
            )
    missing = [(item, column) for item, column in wanted if column not in columns]
    if not missing:
        return
    named = {column for _, column in wanted}
    absent = {column for _, column in missing}
    from_header = isinstance(source, ExcelSource) or (isinstance(source, CsvSource) and source.header)
    if from_header and len(absent) >= 2 and len(absent) * 2 > len(named):
        if isinstance(source, ExcelSource):
            what = say(f"シートの {source.header_row} 行目", f"row {source.header_row} of the sheet")
            fix = say(
                "source.header_row を列の名前がある行にしてください", "set source.header_row to the row that names them"
            )
            loc: Loc = ("source", "header_row")
        else:
            what = say("元データの見出し行", "the header line of the source")
            fix = say(
                "ファイルに見出し行がなければ、'header: false' として 'columns:' に列の名前を並べてください",
                "if the file has no header line, set 'header: false' and list its columns under 'columns:'",
            )
            loc = ("source", "header")
        raise FitgapError(
            say(
                f"{what}にマッピングの列名がありません（{len(named)} 列中 {len(absent)} 列が見つかりません）",
                f"{what} does not hold the mapping's column names ({len(absent)} of {len(named)} not found)",
            ),
            where=_where(mapping.path, mapping.lines, loc),
            hint=fix,
        )
    item, column = missing[0]
    close = difflib.get_close_matches(column, columns, n=1)
    if not from_header:
        last = f"column{len(columns)}"
        fix = say(
            f"ファイルに見出し行がありません。列は column1 … {last} として読むか、'columns:' で名前を付けてください",
            f"the file has no header line: read its columns as column1 … {last}, or name them under 'columns:'",
        )
    elif close:
        fix = say(f"'{close[0]}' の書き間違いではありませんか？", f"did you mean '{close[0]}'?")
    else:
        fix = say("元データの見出しと名前を見比べてください", "check the name against the source's header")
    raise FitgapError(
        _no_such_column(item, column),
        where=_where(mapping.path, mapping.lines, ("items", item, "from")),
        hint=fix,
    )


def _no_such_column(item: str, column: str) -> str:
    return say(
        f"項目 '{item}' が読む列 '{column}' は元データにありません",
        f"item '{item}' reads column '{column}', which the source does not have",
    )


def _check_transforms(mapping: Mapping, lines: dict[Loc, int]) -> None:
    """What the transforms name exists: code tables in the mapping, 不詳 targets in the group."""
    columns = mapping.source_columns()
    known = [i.romanized for i in mapping.group.items]
    for item, spec in mapping.file.items.items():
        for column in spec.columns:
            if columns and column not in columns:
                raise FitgapError(
                    _no_such_column(item, column),
                    where=_where(mapping.path, lines, ("items", item, "from")),
                    hint=_suggest(column, list(columns)),
                )
        for index, transform in enumerate(spec.transforms):
            where = _where(mapping.path, lines, ("items", item, "transforms", index))
            for option, value in transform:
                if isinstance(value, int) and not isinstance(value, bool) and value > MAX_COUNT:
                    raise FitgapError(
                        say(
                            f"{transform.name} のオプション '{option}' が {value} で、{MAX_COUNT:,} を超えています",
                            f"{transform.name} option '{option}' is {value}, more than {MAX_COUNT:,}",
                        ),
                        where=where,
                        hint=say(
                            f"そんなに長い項目はありません。{type(transform).example} のように書いてください",
                            f"no item is that long: write {type(transform).example}",
                        ),
                    )
            if isinstance(transform, opt.Code) and transform.table not in mapping.code_tables:
                raise FitgapError(
                    say(
                        f"コード表 '{transform.table}' が定義されていません",
                        f"code table '{transform.table}' is not defined",
                    ),
                    where=where,
                    hint=_suggest(transform.table, sorted(mapping.code_tables))
                    if mapping.code_tables
                    else say("code_tables の下に定義してください", "define it under code_tables"),
                )
            if isinstance(transform, opt.LgCode) and transform.in_force_on is not None:
                _check_date_item(mapping, item, transform.in_force_on, where)
            # A 不詳 text sent to an item the group lacks would be dropped without a trace.
            if isinstance(transform, opt.EraDate) and transform.unknown_to and transform.unknown_to not in known:
                raise FitgapError(
                    say(
                        f"unknown_to の項目 '{transform.unknown_to}' はグループ {mapping.group.name} にありません",
                        f"unknown_to names item '{transform.unknown_to}', which is not in group {mapping.group.name}",
                    ),
                    where=where,
                    hint=_suggest(transform.unknown_to, known),
                )


def _check_date_item(mapping: Mapping, item: str, date_item: str, where: str) -> None:
    """The item ``lgcode: {in_force_on: …}`` reads the row's date from: a DATE item the mapping fills (a date
    never there would let every code pass unchecked)."""
    dates = [i.romanized for i in mapping.group.items if i.type is DataType.DATE and i.romanized != item]
    if date_item not in dates:
        raise FitgapError(
            say(
                f"lgcode のオプション 'in_force_on' の '{date_item}' はグループ {mapping.group.name} の DATE 項目では"
                "ありません",
                f"lgcode option 'in_force_on' names '{date_item}', which is not a DATE item of group "
                f"{mapping.group.name}",
            ),
            where=where,
            hint=_suggest(date_item, dates)
            if dates
            else say(
                "グループに DATE 項目がありません。in_force_on を外してください",
                "the group has no DATE item: drop in_force_on",
            ),
        )
    if date_item not in mapping.file.items:
        raise FitgapError(
            say(
                f"lgcode のオプション 'in_force_on' の項目 '{date_item}' をマッピングが作っていません",
                f"lgcode option 'in_force_on' names item '{date_item}', which the mapping does not fill",
            ),
            where=where,
            hint=say(
                f"items の下に {date_item} を書くか、in_force_on を外してください",
                f"map {date_item} under items, or drop in_force_on",
            ),
        )
