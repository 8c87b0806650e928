"""Where an imported file states its version: the title rows of the sheets it was read from, or its file name.

The official files carry their version in the file name (``項目定義書【第2.1版】.xlsx``) more often than in a
cell; some name only the month of publication (``令和5年9月``). Precedence when several say something:
``--spec-version`` > the cells (a Word document: its cover) > the file name > unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from spec_catalog.importers.sheets import SheetKind, SheetReport
from spec_catalog.importers.workbook import cell_text
from spec_catalog.language import say
from spec_catalog.store import ERA_MONTH, compare_versions
from spec_catalog.vocab import VersionSource

# A change history (改版履歴, 改定履歴, 変更履歴 …) names every earlier version: never read a version from it.
_HISTORY_TITLE = ("履歴", "改版", "改定", "変更")
_EDITION = re.compile(r"第\s*(\d+(?:\s*\.\s*\d+)*)\s*版")
# v2.1, V2.1, Ver2.1, ver.2.1, version 2.1 — but not the v inside a word (dev2, rev3)
_LATIN = re.compile(r"(?<![a-z0-9])(?:v|ver|version)\.?\s?(\d+(?:\.\d+)*)(?![\d.]*\d)", re.IGNORECASE)
_LABELS = {
    VersionSource.OPTION: ("--spec-version ", "--spec-version"),  # the Japanese gets a space before its particle
    VersionSource.CELLS: ("セル", "a cell"),
    VersionSource.COVER: ("表紙", "the cover"),
    VersionSource.FILE_NAME: ("ファイル名", "the file name"),
}


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _edition(numbers: str) -> str:
    return "第" + "".join(numbers.split()) + "版"


def version_in_text(text: str) -> str | None:
    """A 「第N.N版」 in a text, as 第N.N版 with half-width digits."""
    match = _EDITION.search(_nfkc(text))
    return _edition(match.group(1)) if match else None


def version_in_cells(workbook: Any, sheets: Iterable[SheetReport]) -> str | None:
    """A 「第N.N版」 in the title rows above the header of the sheets the import read (``sheets``: items, code
    lists, functions), if the workbook states its version there. Other sheets (a cover, a legend) are not read,
    nor a sheet whose title says it is a history (履歴 / 改版 / 改定 / 変更)."""
    for report in sheets:
        if report.kind is SheetKind.SKIPPED or report.header_row is None or report.header_row < 2:
            continue  # (openpyxl reads the whole sheet when max_row is 0)
        if any(word in report.sheet for word in _HISTORY_TITLE):
            continue
        sheet = workbook[report.sheet]
        for row in sheet.iter_rows(min_row=1, max_row=report.header_row - 1, values_only=True):
            for value in row:
                if found := version_in_text(cell_text(value)):
                    return found
    return None


def version_in_file_name(name: str) -> str | None:
    """The version a file name states: 【第2.1版】 or 第2.1版, then v2.1 / Ver2.1 (both read as 第2.1版), then a
    month of publication such as 令和5年9月 (kept in that form). None when it states none."""
    text = _nfkc(name)
    stem = text.rsplit(".", 1)[0] if "." in text else text
    if found := version_in_text(stem):
        return found
    if match := _LATIN.search(stem):
        return _edition(match.group(1))
    if match := ERA_MONTH.search(stem):
        era, year, month = match.groups()
        return f"{era}{year}年{int(month)}月"
    return None


def choose_version(
    option: str | None,
    cells: str | None,
    file_name: str | None,
    *,
    stated_in: VersionSource = VersionSource.CELLS,
) -> tuple[str | None, VersionSource, str | None]:
    """The version an import records and where it came from, by precedence (--spec-version > the cells > the
    file name > unknown), with a note when a source of lower precedence says something else. ``stated_in``
    names where ``cells`` was read: a workbook's cells, or the cover of a Word document."""
    candidates = [
        (VersionSource.OPTION, option.strip() if option else None),
        (stated_in, cells),
        (VersionSource.FILE_NAME, file_name),
    ]
    stated = [(source, version) for source, version in candidates if version]
    if not stated:
        return None, VersionSource.UNKNOWN, None
    (source, version), *others = stated
    disagree = [(_LABELS[s], v) for s, v in others if compare_versions(v, version) != 0]
    if not disagree:
        return version, source, None
    (used_ja, used_en) = _LABELS[source]
    note = say(
        f"{used_ja}の {version} を使います（" + "、".join(f"{ja}では {v}" for (ja, _), v in disagree) + "）",
        f"{version} from {used_en} is used; " + ", ".join(f"{en} says {v}" for (_, en), v in disagree),
    )
    return version, source, note
