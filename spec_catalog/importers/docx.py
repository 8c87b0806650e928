"""Reading a Word specification (.docx): the functions it names, the section of each, and its tables.

The official specifications are Word documents. They name a function requirement in the text, usually as
a step of a 業務フロー with its description in the paragraphs below::

    ⑫ 住登外者宛名番号付番（機能ID 0310001）
    住登外者宛名番号管理機能は、…対象住登外者に対し住登外者宛名番号を付番する。

and may list functions in a table (機能ID / 機能名称 / 実装区分 columns, found by the aliases of the function
workbooks). The class (実装区分) is taken where the document states it: a label right after the function
(【実装必須機能】, or 【類型1】 read through the document's own 類型 table) or a class column. Where it does not
— the 共通機能標準仕様書 keeps the classes in its 別紙1_機能要件 — the function is taken as 実装必須機能 and its
requirement text says so: a gap analysis had better prepare for a function than miss it.

The package is read with the standard library (zipfile, ElementTree): the few parts needed — the body's
paragraphs and tables in order, style names, list numbering of headings, merged table cells — are simple to
read, and python-docx would bring lxml, whose mere presence switches openpyxl to another XML parser for every
workbook the toolkit reads and writes.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from pydantic import ValidationError

from spec_catalog.base import FrozenModel, InputFileError

# The merge of a workbook import, shared so that a document merges exactly as a workbook does.
from spec_catalog.importers import ImportResult, _base, _holder, _merge, scheme_business, write_result
from spec_catalog.importers.functions import FUNCTION_ALIASES
from spec_catalog.importers.sheets import SheetKind, SheetReport, WorkbookContent
from spec_catalog.importers.versions import choose_version, version_in_file_name, version_in_text
from spec_catalog.importers.workbook import normalize_label, problem_of
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, FunctionRequirement
from spec_catalog.office import DOCUMENT, check_office_file
from spec_catalog.vocab import FunctionClass, Source, VersionSource

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
_STYLES = "/styles"
# Run content that is not the paragraph's own text: figures and text boxes (a flow chart's labels), deleted text.
_NOT_TEXT = {f"{_W}{tag}" for tag in ("pPr", "rPr", "del", "drawing", "pict", "object", "txbxContent")} | {
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
}
_BREAKS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}

Rows = list[list[str]]


# 「（機能ID 0310001）」: the documents also write 機能 ID, ＩＤ, full-width digits and half-width brackets.
_MENTION = re.compile(r"[（(]\s*機能\s*(?:ID|ＩＤ|id|ｉｄ)\s*[:：]?\s*([0-9０-９]{7})\s*[）)]")
# The number of a flow step or a list entry at the start of a paragraph: ⑫, (1), （１）, 1., １．
_STEP = re.compile(
    r"^\s*(?:[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]|[(（][0-9０-９]{1,2}[)）]|[0-9０-９]{1,2}[.．])\s*"
)
# What ends the text before a function name in running text.
_NAME_STOP = re.compile(r"[、。，,「」『』：:\s]")
_CLASS_LABELS = (
    "実装必須機能|標準オプション機能|実装不可機能|実装すべき機能|実装してもしなくても良い機能|実装しない機能"
)
# A class stated right after the function: 【実装必須機能】, （標準オプション機能）, 【類型1】.
_CLASS_AFTER = re.compile(rf"^\s*[【\[［(（]?\s*(?:({_CLASS_LABELS})|類型\s*([0-9０-９]))")
# The document's own 類型 legend in the text: 【類型1：実装必須機能】.
_TYPE_IN_TEXT = re.compile(rf"類型\s*([0-9０-９])\s*[:：]\s*({_CLASS_LABELS})")
_TYPE_CELL = re.compile(r"^類型\s*([0-9０-９])$")
_APPENDIX = re.compile(r"「(別紙[^」]*機能要件[^」]*)」")
_EDITION = re.compile(r"第\s*[0-9０-９]+(?:[.．][0-9０-９]+)*\s*版")
_HEADING = re.compile(r"^(?:heading|見出し)\s*([1-9])$", re.IGNORECASE)
_SUFFIX = "機能"


class DocxTable(FrozenModel):
    """A table of the document: where it is and what the importer made of it."""

    caption: str | None = None
    section: str | None = None
    header: tuple[str, ...]
    rows: int
    functions: int = 0  # function requirements read from it (0: not a function list)


class DocxSpec(FrozenModel):
    """What a Word specification holds for the catalog."""

    title: str | None = None
    publisher: str | None = None
    spec_version: str | None = None  # as the cover states it
    functions: tuple[FunctionRequirement, ...]
    classes_not_stated: tuple[str, ...] = ()  # 機能IDs taken as 実装必須機能 because the document gives no class
    in_text: tuple[str, ...] = ()  # 機能IDs named in the text (the others come from tables only)
    tables: tuple[DocxTable, ...] = ()

    def attribution(self, version: str | None) -> str:
        """出典 as the cover names the document (its licence is not in the document)."""
        title = f"{self.title or ''}{f'【{version}】' if version else ''}"
        who = f"{self.publisher}「{title}」" if self.publisher and title else f"「{title}」" if title else "Word 文書"
        return f"出典: {who}を加工して作成"


@dataclass
class _Found:
    """Everything the document says about one 機能ID, in document order."""

    names: list[str] = field(default_factory=list)
    classes: list[tuple[FunctionClass, str]] = field(default_factory=list)  # (class, where stated)
    descriptions: list[str] = field(default_factory=list)
    section: str | None = None
    in_text: bool = False


@dataclass
class _Block:
    """A paragraph or a table in document order, with the section it is in."""

    section: str | None
    text: str = ""
    heading: bool = False
    caption: bool = False
    table: Rows | None = None


def _digits(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class _Style:
    name: str  # lower case, as styles.xml writes the built-in names: "heading 1", "caption"
    based_on: str | None
    numbered: bool


@dataclass
class _Package:
    body: ElementTree.Element
    styles: dict[str, _Style]
    default_style: str | None


def _check(path: Path) -> None:
    check_office_file(
        path,
        DOCUMENT,
        hint=say(
            "仕様書を Word の .docx ファイルで指定してください（PDF は読めません）",
            "give the specification as a Word .docx file (a PDF cannot be read)",
        ),
    )


def _corrupted(what: str) -> str:
    return say(f"文書が壊れていて読めません（{what}）", f"the document is corrupted and cannot be read ({what})")


def _resave() -> str:
    return say(
        "Word で開いて保存し直すか、もう一度ダウンロードしてください",
        "open and re-save it in Word, or download it again",
    )


def _target(archive: zipfile.ZipFile, rels: str, kind: str, base: str, default: str) -> str:
    """The part a relationship of ``kind`` points to (``_rels/.rels`` → ``word/document.xml``)."""
    if rels in archive.namelist():
        for relation in ElementTree.fromstring(archive.read(rels)).iter(f"{_REL}Relationship"):
            if relation.get("Type", "").endswith(kind):
                return posixpath.normpath(posixpath.join(base, relation.get("Target", "").lstrip("/")))
    return default


def _styles(root: ElementTree.Element | None) -> tuple[dict[str, _Style], str | None]:
    styles: dict[str, _Style] = {}
    default = None
    for style in root.iter(f"{_W}style") if root is not None else ():
        style_id = style.get(f"{_W}styleId", "")
        name = style.find(f"{_W}name")
        based_on = style.find(f"{_W}basedOn")
        styles[style_id] = _Style(
            name=(name.get(f"{_W}val", "") if name is not None else style_id).lower(),
            based_on=based_on.get(f"{_W}val") if based_on is not None else None,
            numbered=style.find(f"{_W}pPr/{_W}numPr") is not None,
        )
        if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
            default = style_id
    return styles, default


def _open(path: Path) -> _Package:
    _check(path)
    try:
        with zipfile.ZipFile(path) as archive:
            main = _target(archive, "_rels/.rels", _OFFICE_DOCUMENT, "", "word/document.xml")
            if main not in archive.namelist():
                raise InputFileError(
                    say(
                        "Word の文書ではありません: 本文のパートがありません（.xlsx や .pptx の名前を変えたもの？）",
                        "not a Word document: the package has no main document part (an .xlsx or .pptx renamed?)",
                    ),
                    where=path,
                    hint=say(
                        "仕様書を Word の .docx ファイルで指定してください",
                        "give the specification as a Word .docx file",
                    ),
                )
            folder, name = posixpath.split(main)
            styles_part = _target(
                archive, f"{folder}/_rels/{name}.rels", _STYLES, folder, posixpath.join(folder, "styles.xml")
            )
            document = ElementTree.fromstring(archive.read(main))
            styles = ElementTree.fromstring(archive.read(styles_part)) if styles_part in archive.namelist() else None
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, EOFError) as exc:
        raise InputFileError(_corrupted(type(exc).__name__), where=path, hint=_resave()) from exc
    body = document.find(f"{_W}body")
    if body is None:
        raise InputFileError(_corrupted(say("本文がありません", "no body")), where=path, hint=_resave())
    return _Package(body, *_styles(styles))


def _text(element: ElementTree.Element) -> str:
    """The text of a paragraph as it reads: runs (in hyperlinks and insertions too), tabs and line breaks;
    not field codes, deleted text, or the labels of figures and text boxes."""
    parts: list[str] = []
    for child in element:
        if child.tag in _NOT_TEXT:
            continue
        if child.tag == f"{_W}t":
            parts.append(child.text or "")
        elif child.tag in _BREAKS:
            parts.append(_BREAKS[child.tag])
        else:
            parts.append(_text(child))
    return "".join(parts)


def _table(table: ElementTree.Element) -> Rows:
    """The cell texts of a table, one entry per grid column: a cell spanning columns repeats its text, a
    vertically merged cell takes the text of the cell above (as Word shows it)."""
    rows: Rows = []
    for row in table.findall(f"{_W}tr"):
        cells: list[str] = []
        for cell in row.findall(f"{_W}tc"):
            properties = cell.find(f"{_W}tcPr")
            span_element = properties.find(f"{_W}gridSpan") if properties is not None else None
            span = int(span_element.get(f"{_W}val", "1")) if span_element is not None else 1
            merge = properties.find(f"{_W}vMerge") if properties is not None else None
            text = "\n".join(_text(p) for p in cell.findall(f"{_W}p"))
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue" and rows:
                above = rows[-1]
                text = above[len(cells)] if len(cells) < len(above) else text
            cells.extend([text] * span)
        rows.append(cells)
    return rows


def _paragraph_style(paragraph: ElementTree.Element, package: _Package) -> tuple[str, bool]:
    """The paragraph's style name and whether it carries a list number, on itself or through its styles."""
    numbered = paragraph.find(f"{_W}pPr/{_W}numPr") is not None
    found = paragraph.find(f"{_W}pPr/{_W}pStyle")
    style_id = found.get(f"{_W}val") if found is not None else package.default_style
    name = package.styles[style_id].name if style_id in package.styles else (style_id or "")
    seen: set[str] = set()
    while style_id in package.styles and style_id not in seen and not numbered:
        seen.add(style_id)
        numbered = package.styles[style_id].numbered
        style_id = package.styles[style_id].based_on
    return name, numbered


def _content(container: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The paragraphs and tables of the body in order, inside content controls too; not a table of contents."""
    for child in container:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            gallery = child.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
            if gallery is not None and "contents" in gallery.get(f"{_W}val", "").lower():
                continue  # the table of contents repeats the headings
            inner = child.find(f"{_W}sdtContent")
            if inner is not None:
                yield from _content(inner)


def _blocks(package: _Package) -> tuple[list[_Block], list[str]]:
    """The body in document order with each block's section ("2.3.2 住登外者宛名番号管理の業務フロー"), and the
    cover: the non-empty paragraphs before the first heading, table or named function. A heading with a list
    number is numbered as Word numbers it, by counting the numbered headings of each level."""
    blocks: list[_Block] = []
    cover: list[str] = []
    on_cover = True  # until the first heading, table or function: the body has begun
    counters = [0] * 9
    section: str | None = None
    for element in _content(package.body):
        if element.tag == f"{_W}tbl":
            on_cover = False
            blocks.append(_Block(section, table=_table(element)))
            continue
        text = _text(element).strip()
        style, numbered = _paragraph_style(element, package)
        level = _HEADING.match(style)
        if level and text:
            depth = int(level.group(1))
            number = ""
            if numbered:
                counters[depth - 1] += 1
                counters[depth:] = [0] * (9 - depth)
                number = ".".join(str(n) for n in counters[:depth]) + " "
            section = f"{number}{text}"
            on_cover = False
            blocks.append(_Block(section, text, heading=True))
            continue
        on_cover = on_cover and not _MENTION.search(text)
        if on_cover and text:
            cover.append(text)
        blocks.append(_Block(section, text, caption=style == "caption"))
    return blocks, cover


def _cover(cover: list[str]) -> tuple[str | None, str | None, str | None]:
    """Title, publisher and version from the cover: the text above the 「第N.N版」 makes the title, the last line
    names the publisher."""
    found = next(((i, m) for i, line in enumerate(cover) if (m := _EDITION.search(line))), None)
    if found is None:
        return (cover[0] if cover else None), (cover[-1] if len(cover) > 1 else None), None
    at, match = found
    before = cover[at][: match.start()].rstrip("【［[（( 　")
    title = "".join([*cover[:at], before]) or None
    publisher = cover[-1] if at < len(cover) - 1 else None
    return title, publisher, version_in_text(cover[at])


def _class_types(blocks: list[_Block]) -> dict[str, FunctionClass]:
    """The document's 類型 legend ("1" -> 実装必須機能), from a table row or from 【類型1：実装必須機能】."""
    types: dict[str, FunctionClass] = {}
    for block in blocks:
        if block.table is not None:
            for row in block.table:
                cells = [_digits(c.strip()) for c in row]
                number = next((m.group(1) for c in cells if (m := _TYPE_CELL.match(c))), None)
                label = next((c for c in cells if re.fullmatch(_CLASS_LABELS, c)), None)
                if number and label:
                    types.setdefault(number, FunctionClass.parse(label))
        for number, label in _TYPE_IN_TEXT.findall(block.text):
            types.setdefault(_digits(number), FunctionClass.parse(label))
    return types


def _name_before(prefix: str) -> str:
    text = _STEP.sub("", prefix).rstrip()
    return _NAME_STOP.split(text)[-1] if text else ""


def _description(blocks: list[_Block], start: int) -> str:
    """The paragraphs below a flow step: up to a blank line, the next step, a heading, a caption or a table."""
    lines: list[str] = []
    for block in blocks[start:]:
        if not block.text or block.heading or block.caption or block.table is not None:
            break
        if _STEP.match(block.text) or _MENTION.search(block.text):
            break
        lines.append(block.text)
    return "\n".join(lines)


def _read_mentions(blocks: list[_Block], types: dict[str, FunctionClass], found: dict[str, _Found]) -> None:
    for index, block in enumerate(blocks):
        if block.table is not None or block.heading:
            continue
        matches = list(_MENTION.finditer(block.text))
        for number, match in enumerate(matches):
            function_id = _digits(match.group(1))
            entry = found.setdefault(function_id, _Found(section=block.section))
            entry.in_text = True
            start = matches[number - 1].end() if number else 0
            if name := _name_before(block.text[start : match.start()]):
                entry.names.append(name)
            end = matches[number + 1].start() if number + 1 < len(matches) else len(block.text)
            rest = block.text[match.end() : end]
            if stated := _CLASS_AFTER.match(rest):
                label, type_number = stated.groups()
                klass = FunctionClass.parse(label) if label else types.get(_digits(type_number))
                if klass is not None:
                    entry.classes.append((klass, f"'{block.text[: match.end()][-40:]}'"))
                rest = rest[stated.end() :]
            # A step that names the function alone (and maybe its class) is described by the paragraphs below
            # it; a function named in running text by the paragraph itself.
            own_line = len(matches) == 1 and not rest.strip(" 　）)】］]")
            description = _description(blocks, index + 1) if own_line else block.text
            if description and description not in entry.descriptions:
                entry.descriptions.append(description)


def _table_header(table: Rows, aliases: dict[str, tuple[str, ...]]) -> tuple[int, dict[str, int]] | None:
    """The header row (within the first three) that names a 機能ID and a 機能名称 column, and its columns."""
    for row_index, row in enumerate(table[:3]):
        labels = [normalize_label(cell) for cell in row]
        columns: dict[str, int] = {}
        for name, names in aliases.items():
            column = next(
                (labels.index(n) for n in names if n in labels and labels.index(n) not in columns.values()), None
            )
            if column is not None:
                columns[name] = column
        if "function_id" in columns and "name" in columns:
            return row_index, columns
    return None


def _read_function_rows(
    table: Rows,
    header: tuple[int, dict[str, int]],
    where: str,
    section: str | None,
    found: dict[str, _Found],
    path: Path,
) -> int:
    """The rows of a function-list table into ``found``; returns how many functions it holds."""
    header_row, at = header
    read = 0
    for row_number, row in enumerate(table[header_row + 1 :], start=header_row + 2):
        cells = [c.strip() for c in row]
        value = {name: cells[i] for name, i in at.items() if i < len(cells)}
        function_id = _digits(value.get("function_id", "")).replace(" ", "")
        if not function_id:
            continue  # a heading row inside the table
        if not re.fullmatch(r"\d{7}", function_id):
            raise InputFileError(
                say(
                    f"{where} {row_number} 行目: 機能ID {function_id!r} が 7 桁の数字ではありません",
                    f"{where} row {row_number}: 機能ID {function_id!r} is not 7 digits",
                ),
                where=path,
                hint=say(
                    "表を直すか、--column 機能ID=HEADER で機能IDの列を指定してください",
                    "fix the table, or name the 機能ID column with --column 機能ID=HEADER",
                ),
            )
        entry = found.setdefault(function_id, _Found(section=value.get("category") or section))
        if value.get("name"):
            entry.names.insert(0, value["name"])  # the name a function list gives goes first
        if value.get("function_class"):
            try:
                place = say(f"{where} {row_number} 行目", f"{where} row {row_number}")
                entry.classes.insert(0, (FunctionClass.parse(value["function_class"]), place))
            except ValueError as exc:
                raise InputFileError(
                    f"{place}: {exc}", where=path, hint=say("表を直してください", "fix the table")
                ) from None
        if value.get("requirement") and value["requirement"] not in entry.descriptions:
            entry.descriptions.insert(0, value["requirement"])
        read += 1
    return read


def _read_tables(
    blocks: list[_Block], columns: dict[str, str] | None, found: dict[str, _Found], path: Path
) -> list[DocxTable]:
    """Every table with its caption and section; the rows of function-list tables go into ``found``."""
    aliases = dict(FUNCTION_ALIASES)
    for name, label in (columns or {}).items():
        aliases[name] = (label,)  # a user-named column replaces the aliases, as for workbooks
    tables: list[DocxTable] = []
    caption: str | None = None
    for block in blocks:
        if block.table is None:
            if block.text:
                caption = block.text if block.caption else None  # a caption belongs to the table right below
            continue
        table = block.table
        first = tuple(c.strip() for c in table[0]) if table else ()
        header = _table_header(table, aliases)
        where = (
            say(f"表 '{caption}'", f"table '{caption}'")
            if caption
            else say(f"表 {len(tables) + 1}", f"table {len(tables) + 1}")
        )
        read = _read_function_rows(table, header, where, block.section, found, path) if header else 0
        header_row = header[0] if header else 0
        tables.append(
            DocxTable(
                caption=caption,
                section=block.section,
                header=tuple(c.strip() for c in table[header_row]) if table else first,
                rows=max(len(table) - header_row - 1, 0),
                functions=read,
            )
        )
        caption = None
    return tables


def _best_name(names: list[str]) -> str:
    """The name the document uses most for the function (ties: the first written). 「中間サーバー連携」 and
    「中間サーバー連携機能」 count as one name, kept without the 機能 when the document writes both."""

    def key(name: str) -> str:
        return name.removesuffix(_SUFFIX) or name

    counts = Counter(key(n) for n in names)
    best = next(key(n) for n in names if counts[key(n)] == max(counts.values()))
    variants = {n for n in names if key(n) == best}
    return best if len(variants) > 1 else variants.pop()


def read_docx(path: Path, columns: dict[str, str] | None = None) -> DocxSpec:
    """The function requirements a Word specification names, with its cover details and its tables."""
    blocks, cover = _blocks(_open(path))
    title, publisher, version = _cover(cover)
    types = _class_types(blocks)
    found: dict[str, _Found] = {}
    tables = _read_tables(blocks, columns, found, path)
    _read_mentions(blocks, types, found)
    if not found:
        raise InputFileError(
            say(
                "機能要件が見つかりません: 本文の 機能名称（機能ID 0010001）か、"
                "機能ID と機能名称の列のある表が必要です",
                "no function requirement found: expected 機能名称（機能ID 0010001） in the text "
                "or a table with 機能ID and 機能名称 columns",
            ),
            where=path,
            hint=say(
                "標準仕様書そのもの（Word のファイル）か、その機能一覧の .xlsx を指定してください",
                "give the standard specification itself (the Word file), or its function list as .xlsx",
            ),
        )
    appendix = next((m.group(1) for b in blocks if (m := _APPENDIX.search(b.text))), None)
    unstated_note = (
        f"［実装区分は本文になく「{appendix}」で定められる: 実装必須機能として仮置き］"
        if appendix
        else "［実装区分は本文に記載なし: 実装必須機能として仮置き］"
    )
    functions: list[FunctionRequirement] = []
    not_stated: list[str] = []
    for function_id in sorted(found):
        entry = found[function_id]
        if not entry.names:
            raise InputFileError(
                say(
                    f"機能ID {function_id} の名称が文書にありません"
                    f"（「（機能ID {function_id}）」の前に機能名称がありません）",
                    f"機能ID {function_id} has no name in the document "
                    f"(no 機能名称 before 「（機能ID {function_id}）」)",
                ),
                where=path,
                hint=say(
                    "取り込みは 機能名称（機能ID NNNNNNN）の形を読みます。文書の書き方を確かめてください",
                    "the importer reads 機能名称（機能ID NNNNNNN）; check how the document writes it",
                ),
            )
        stated = {klass for klass, _ in entry.classes}
        if len(stated) > 1:
            places_ja = "、".join(f"{where} に {klass.value}" for klass, where in entry.classes)
            places_en = ", ".join(f"{klass.value} at {where}" for klass, where in entry.classes)
            raise InputFileError(
                say(
                    f"機能ID {function_id} に文書の中で二つの実装区分があります: {places_ja}",
                    f"機能ID {function_id} has two classes in the document: {places_en}",
                ),
                where=path,
                hint=say(
                    "文書を正すか、代わりにその機能一覧（.xlsx）を取り込んでください",
                    "correct the document, or import its function list (.xlsx) instead",
                ),
            )
        requirement = "\n".join(entry.descriptions)
        if not stated:
            not_stated.append(function_id)
            requirement = f"{requirement}\n{unstated_note}" if requirement else unstated_note
        try:
            functions.append(
                FunctionRequirement.model_validate(
                    {
                        "function_id": function_id,
                        "name": _best_name(entry.names),
                        "class": stated.pop() if stated else FunctionClass.MANDATORY,
                        "requirement": requirement,
                        "category": entry.section,
                    }
                )
            )
        except ValidationError as exc:
            raise InputFileError(
                problem_of(exc),
                where=path,
                hint=say("文書の機能IDを確かめてください", "check the 機能ID in the document"),
            ) from None
    return DocxSpec(
        title=title,
        publisher=publisher,
        spec_version=version,
        functions=tuple(functions),
        classes_not_stated=tuple(not_stated),
        in_text=tuple(i for i in sorted(found) if found[i].in_text),
        tables=tuple(tables),
    )


def _reports(document: DocxSpec, ids: set[str], tables: bool) -> list[SheetReport]:
    """What was read, as the import reports sheets: the text, then (once per document) every table."""
    mine = [f.function_id for f in document.functions if f.function_id[:3] in ids]
    named = [i for i in mine if i in document.in_text]
    unstated = [i for i in mine if i in document.classes_not_stated]
    notes = (
        (
            say(
                f"{len(unstated)} 件は実装区分の記載がなく、実装必須機能として仮置きしました（要件の本文を参照）",
                f"実装区分 not stated for {len(unstated)}: taken as 実装必須機能 for now (see the requirement text)",
            ),
        )
        if unstated
        else ()
    )
    reports = [SheetReport(sheet=say("本文", "body text"), kind=SheetKind.FUNCTIONS, functions=len(named), notes=notes)]
    for number, table in enumerate(document.tables if tables else (), start=1):
        table_notes = [say(f"節 {table.section}", f"section {table.section}")] if table.section else []
        if not table.functions:
            table_notes.append(
                say(f"{table.rows} 行、機能一覧ではありません", f"{table.rows} rows, not a function list")
            )
        reports.append(
            SheetReport(
                sheet=say(f"表 {number}", f"table {number}") + (f" {table.caption}" if table.caption else ""),
                kind=SheetKind.FUNCTIONS if table.functions else SheetKind.SKIPPED,
                functions=table.functions,
                notes=tuple(table_notes),
            )
        )
    return reports


def _import_business(
    path: Path,
    into: Path,
    document: DocxSpec,
    business_id: str,
    functions: list[FunctionRequirement],
    version: tuple[str | None, VersionSource, str | None],
    attribution: str | None,
    first: bool,
) -> ImportResult:
    """Merge the functions of one business into ``into`` as a workbook import does (the layout is kept). The
    result of the ``first`` business also lists the document's tables."""
    spec_version, version_source, version_note = version
    ids = {f.function_id[:3] for f in functions}
    base, base_from = _base(into, business_id, spec_version)
    merged = _merge(WorkbookContent(functions=functions), base, base_from, ids, into, path)
    kept = merged.kept
    metadata = base.summary() if base is not None else scheme_business(business_id)
    note = attribution or document.attribution(spec_version)
    attributions = [base.attribution if base is not None and kept else None, note]
    try:
        spec = BusinessSpec.model_validate(
            {
                **metadata.model_dump(exclude={"import_number", "sample_parts"}),
                **merged.parts,
                "spec_version": spec_version,
                "version_source": version_source,
                "source": Source.SAMPLE if any(k.sample for k in kept) else Source.IMPORTED,
                # as a workbook import: only the parts still sample stay marked (the functions are imported now)
                "sample_parts": tuple(k.part for k in kept if k.sample) or None,
                "attribution": " / ".join(dict.fromkeys(a for a in attributions if a)),
            }
        )
    except ValidationError as exc:
        raise InputFileError(
            problem_of(exc),
            where=path,
            hint=say("文書を直して、もう一度取り込んでください", "fix the document and import again"),
        ) from None
    return write_result(
        path,
        into,
        spec,
        "functions",
        version_source,
        version_note,
        sheets=tuple(_reports(document, ids, tables=first)),
        kept=tuple(kept),
        file_kind="document",
    )


def import_docx(
    path: Path,
    into: Path,
    *,
    columns: dict[str, str] | None = None,
    spec_version: str | None = None,
    attribution: str | None = None,
) -> tuple[ImportResult, ...]:
    """Read a Word specification and merge its functions into the catalog directory ``into``: one file per
    business it names (the 共通機能標準仕様書 names functions of 031 and of 032). The version: --spec-version, else
    the cover, else the file name."""
    document = read_docx(path, columns)
    by_business: dict[str, list[FunctionRequirement]] = {}
    for function in document.functions:
        holder = _holder(function.function_id[:3], into)
        if holder is None:
            business_id = function.function_id[:3]
            raise InputFileError(
                say(
                    f"機能ID {function.function_id}: 業務ID {business_id} は標準の業務ではありません",
                    f"機能ID {function.function_id}: 業務ID {business_id} is not a standard business",
                ),
                where=path,
                hint=say("業務IDは 'fitgap catalog list' で見られます", "'fitgap catalog list' shows the 業務IDs"),
            )
        by_business.setdefault(holder, []).append(function)
    version = choose_version(
        spec_version, document.spec_version, version_in_file_name(path.name), stated_in=VersionSource.COVER
    )
    return tuple(
        _import_business(path, into, document, business_id, functions, version, attribution, first=number == 0)
        for number, (business_id, functions) in enumerate(sorted(by_business.items()))
    )
