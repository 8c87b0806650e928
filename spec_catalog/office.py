"""Office files (.xlsx, .docx): one clear error for a path that is no OOXML package, saying what it is instead.

A user hands over what Excel or Word saved: often an old .xls/.doc, or a package locked with a password (both
are OLE compound files, not ZIP), sometimes a PDF renamed. Each gets its own fix.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from spec_catalog.base import InputFileError
from spec_catalog.files import check_input_file
from spec_catalog.language import say

# How an OLE compound file starts: an old .xls or .doc, or an .xlsx or .docx locked with a password.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream a password-locked OOXML package holds inside its OLE file (the name in UTF-16, as OLE stores it).
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class OfficeKind:
    """The words for one kind of Office file."""

    noun: tuple[str, str]  # (Japanese, English): ブック, workbook
    extension: str  # .xlsx
    english_article: str  # "an .xlsx workbook", "a .docx document"
    old: str  # the binary format before it: .xls
    application: str  # Excel
    era: str  # "Excel 97-2003"
    protection: str  # where the application removes a password: ブックの保護


WORKBOOK = OfficeKind(("ブック", "workbook"), ".xlsx", "an", ".xls", "Excel", "Excel 97-2003", "ブックの保護")
DOCUMENT = OfficeKind(("文書", "document"), ".docx", "a", ".doc", "Word", "Word 97-2003", "文書の保護")


def check_office_file(path: Path, kind: OfficeKind, hint: str) -> None:
    """One clear error for a path that is no ``kind`` package: missing, a folder or no regular file, an old
    binary file, one locked with a password, or no ZIP at all (``hint``: what to give instead)."""
    ja, en = kind.noun
    if not path.exists():
        raise InputFileError(
            say("ファイルが見つかりません", "file not found"),
            where=path,
            hint=say("パスを確かめてください", "check the path"),
        )
    if path.is_dir():
        raise InputFileError(
            say(
                f"フォルダで、{kind.extension} の{ja}ではありません",
                f"is a directory, not {kind.english_article} {kind.extension} {en}",
            ),
            where=path,
        )
    check_input_file(path, say(ja, en))  # a FIFO or a device would hang or stream for ever
    try:
        with path.open("rb") as handle:
            head = handle.read(len(OLE_SIGNATURE))
    except OSError as exc:
        raise InputFileError(
            say(f"{ja}を読めません: {exc.strerror}", f"the {en} cannot be read: {exc.strerror}"), where=path
        ) from None
    if head == OLE_SIGNATURE:
        if _ENCRYPTED_STREAM in path.read_bytes():
            raise InputFileError(
                say(f"{ja}にパスワードが掛かっています", f"the {en} is password-protected"),
                where=path,
                hint=say(
                    f"{kind.application} で開いてパスワードを外し（ファイル > 情報 > {kind.protection}）、"
                    f"{kind.extension} で保存してください",
                    f"open it in {kind.application}, remove the password (ファイル > 情報 > {kind.protection}) "
                    f"and save as {kind.extension}",
                ),
            )
        raise InputFileError(
            say(
                f"古い {kind.old}（{kind.era}）のファイルで、{kind.extension} ではありません",
                f"this is an old {kind.old} ({kind.era}) file, not {kind.extension}",
            ),
            where=path,
            hint=say(
                f"{kind.application} で {kind.extension} として保存してください",
                f"save it as {kind.extension} in {kind.application}",
            ),
        )
    if not zipfile.is_zipfile(path):
        raise InputFileError(
            say(
                f"{kind.extension} の{ja}ではありません（ZIP/OOXML の形式ではありません）",
                f"not {kind.english_article} {kind.extension} {en} (the file is not a ZIP/OOXML package)",
            ),
            where=path,
            hint=hint,
        )
