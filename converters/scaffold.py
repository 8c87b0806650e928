"""``fitgap convert init``: a first mapping file from a look at the source and the target group.

It detects the encoding, delimiter and header, guesses which column fills which item by name, and leaves a
TODO wherever it is not sure. It never claims more than it found: every guess says so in a comment.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
from pathlib import Path

from converters.mapping import MAINFRAME
from spec_catalog.base import FitgapError, FrozenModel, InputFileError
from spec_catalog.files import check_input_file
from spec_catalog.models import Catalog


class Detected(FrozenModel):
    encoding: str
    delimiter: str
    header: bool
    columns: tuple[str, ...]
    matches: dict[str, str]  # item romanized name -> source column
    todo: tuple[str, ...]  # items with no confident match


def detect_encoding(sample: bytes, path: Path) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if not sample:
        raise InputFileError("the file is empty", where=path)
    if sample.count(0) > len(sample) // 100 + 8:
        raise InputFileError("this is a binary file, not a text export", where=path)
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:
            return "utf-8"
    try:
        sample[: sample.rfind(b"\n") + 1 or len(sample)].decode("cp932")
        return "cp932"
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"neither UTF-8 nor CP932 (byte {exc.start})",
            where=path,
            hint=f"ask for a CP932 or UTF-8 re-export (mainframe encodings such as {', '.join(sorted(MAINFRAME))} "
            "cannot be read)",
        ) from None


def _key(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("_", "").lower()


def _best(item_names: tuple[str, str], columns: tuple[str, ...]) -> tuple[str | None, float]:
    best, score = None, 0.0
    for column in columns:
        for name in item_names:
            ratio = difflib.SequenceMatcher(None, _key(name), _key(column)).ratio()
            if ratio > score:
                best, score = column, ratio
    return best, score


def detect(source: Path, catalog: Catalog, target: str) -> tuple[Detected, str, str]:
    business_id, _, group_name = target.partition("/")
    spec = catalog.business(business_id)
    group = spec.group(group_name) if group_name else (spec.layouts[0] if len(spec.layouts) == 1 else None)
    if group is None:
        raise FitgapError(
            f"give the target as BUSINESS/GROUP, e.g. {spec.business_id}/"
            f"{spec.layouts[0].name if spec.layouts else '…'}",
            hint=f"groups of {spec.business_id}: {', '.join(g.name for g in spec.layouts) or 'none'}",
        )
    check_input_file(source, "source file")  # a FIFO or a device would hang or stream for ever
    with source.open("rb") as handle:
        sample = handle.read(1 << 16)
    encoding = detect_encoding(sample, source)
    text = sample.decode("utf-8-sig" if encoding == "utf-8-sig" else encoding, errors="ignore")
    lines = text.splitlines()[:50]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    first = rows[0] if rows else []
    names = [i.name for i in group.items] + [i.romanized for i in group.items]
    looks_named = sum(
        1 for value in first if difflib.get_close_matches(_key(value), [_key(n) for n in names], cutoff=0.8)
    )
    numeric_first = sum(1 for value in first if value.strip().isdigit())
    header = looks_named > 0 or (numeric_first == 0 and len(rows) > 1 and any(v.strip().isdigit() for v in rows[1]))
    columns = tuple(v.strip() for v in first) if header else tuple(f"column{i + 1}" for i in range(len(first)))
    matches: dict[str, str] = {}
    todo = []
    for item in group.items:
        column, score = _best((item.name, item.romanized), columns) if header else (None, 0.0)
        if column is not None and score >= 0.6 and column not in matches.values():
            matches[item.romanized] = column
        else:
            todo.append(item.romanized)
    detected = Detected(
        encoding=encoding, delimiter=delimiter, header=header, columns=columns, matches=matches, todo=tuple(todo)
    )
    return detected, spec.business_id, group.name


def render(detected: Detected, source: Path, business_id: str, group: str, catalog: Catalog) -> str:
    spec = catalog.business(business_id)
    items = {i.romanized: i for i in spec.group(group).items}  # type: ignore[union-attr]
    lines = [
        f"# Mapping scaffolded by 'fitgap convert init' from {source.name}.",
        f"# Detected: encoding {detected.encoding}, delimiter {detected.delimiter!r}, "
        f"{'a header row' if detected.header else 'no header row'}. Check each guess and every TODO.",
        f"name: {source.stem}",
        "source:",
        "  format: csv",
        f"  path: {source.name}",
        f"  encoding: {detected.encoding}",
        f"  delimiter: {_yaml_str(detected.delimiter)}",
        f"  header: {'true' if detected.header else 'false'}",
    ]
    if not detected.header:
        lines.append(f"  columns: [{', '.join(_yaml_str(c) for c in detected.columns)}]  # TODO: name the columns")
    lines += ["target:", f'  business: "{business_id}"', f"  group: {group}", "items:"]
    for romanized, item in items.items():
        label = f"{item.name} {item.type.value}({item.length or ''}) {item.output_condition.value}"
        if romanized in detected.matches:
            lines.append(
                f"  {romanized}: {{from: {_yaml_str(detected.matches[romanized])}}}  # {label} (guessed by name)"
            )
        else:
            lines.append(f"  # TODO {romanized}: {{from: COLUMN}}  # {label}")
    return "\n".join(lines) + "\n"


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'
