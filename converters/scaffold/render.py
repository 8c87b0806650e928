"""The text of the scaffolded files: the mapping (YAML with a comment on every guess) and the CSV skeletons.

A code table is ``legacy,standard,count``: the loader reads the first two columns (the count is for the person
filling it); the distinct legacy codes come most frequent first and the standard column is left empty. The
standard's code list is written above the table's entry in the mapping. The 外字 table is ``pua,standard,count``.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from converters.scaffold.proposals import CodeDraft

if TYPE_CHECKING:
    from pathlib import Path

    from converters.scaffold import Detected, _Context


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


def _comment(text: str) -> str:
    """One line of comment, whatever the text held."""
    return " ".join(text.split())


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


def code_table_csv(draft: CodeDraft) -> str:
    return _csv([["legacy", "standard", "count"], *([value, "", str(count)] for value, count in draft.counts)])


def _source_path(context: _Context) -> tuple[str, str]:
    """The source path as the mapping writes it (relative to the mapping's folder) and a comment."""
    folder = context.output.parent.resolve()
    source = context.source.resolve()
    if source.is_relative_to(folder):
        return source.relative_to(folder).as_posix(), ""
    return context.source.name, "  # not beside the mapping: move it here, or pass --source to convert run"


def _source_lines(detected: Detected, context: _Context) -> list[str]:
    path, note = _source_path(context)
    lines = ["source:", f"  format: {detected.format}", f"  path: {_yaml_str(path)}{note}"]
    lines.append(f"  encoding: {detected.encoding}")
    if detected.format == "csv":
        assert detected.delimiter is not None
        lines += [
            f"  delimiter: {_yaml_str(detected.delimiter)}",
            f"  header: {'true' if detected.header else 'false'}",
        ]
        if not detected.header:
            names = ", ".join(_yaml_str(c) for c in detected.columns)
            lines.append(f"  columns: [{names}]  # TODO: name the columns")
        return lines
    layout = context.layout
    assert layout is not None
    lines += [f"  record_length: {layout.record_length}", f"  terminator: {detected.terminator}"]
    lines.append(
        f"  fields:  # from {detected.layout}: positions by {_comment(layout.positions_from)}, bytes by "
        f"{_comment(layout.length_label)}"
    )
    for f in layout.fields:
        kind = f"  # 型 {_comment(f.type)}" if f.type else ""
        lines.append(f"    - {{name: {_yaml_str(f.name)}, start: {f.start}, length: {f.length}}}{kind}")
    for first, last in layout.gaps:
        lines.append(f"  # bytes {first}–{last} are in no field of the layout")
    return lines


def _code_table_lines(detected: Detected, context: _Context) -> list[str]:
    if not detected.code_tables:
        return []
    lines = ["code_tables:"]
    for table in detected.code_tables:
        draft = context.proposals[table.item].code_table
        assert draft is not None
        listed = " / ".join(f"{v.code} {v.label}" for v in draft.code_list.values)
        lines.append(
            f"  # {draft.item.name}: code list {draft.code_list.code_list_id} {draft.code_list.name}: {listed}"
        )
        lines.append(
            f"  {table.table}: {{path: {_yaml_str(table.file)}}}  # TODO fill its standard column "
            f"({table.legacy_codes} legacy codes)"
        )
    return lines


def _item_lines(detected: Detected, context: _Context) -> list[str]:
    lines = ["items:"]
    for item in context.group.items:
        label = f"{item.name} {item.type.value}({item.length or ''}) {item.output_condition.value}"
        proposal = context.proposals.get(item.romanized)
        if proposal is None:
            if item.romanized in context.filled_by:
                lines.append(
                    f"  # {item.romanized}: the 不詳 text of {context.filled_by[item.romanized]} goes here (era_date)"
                    f"  # {label}"
                )
            else:
                lines.append(f"  # TODO {item.romanized}: {{from: COLUMN}}  # {label}")
            continue
        for note in proposal.notes:
            lines.append(f"  # {item.romanized}: {_comment(note)}")
        transforms = f", transforms: [{', '.join(proposal.transforms)}]" if proposal.transforms else ""
        lines.append(
            f"  {item.romanized}: {{from: {_yaml_str(proposal.column)}{transforms}}}  # {label} (guessed by name)"
        )
    return lines


def render_files(detected: Detected, context: _Context) -> tuple[tuple[Path, str], dict[Path, str]]:
    """The mapping and its tables, as (path, text)."""
    from converters.scaffold import gaiji_table_name

    guess = context.guess
    shape = (
        f"CSV, delimiter {detected.delimiter!r}, {'a header row' if detected.header else 'no header row'}"
        if detected.format == "csv"
        else f"fixed width, {detected.record_length} bytes a record, terminator {detected.terminator}"
    )
    read = "the whole file" if detected.whole_file_sampled else "the head of the file"
    unit = "records" if detected.format == "fixed" else "lines"
    lines = [
        f"# Mapping scaffolded by 'fitgap convert init' from {_comment(context.source.name)}.",
        f"# Detected: {shape}; encoding {detected.encoding} ({guess.lines:,} {unit} of {read}, "
        f"{guess.bad_count:,} not decoded). Check each guess, fill the code tables and every TODO, then try:",
        f"#   fitgap convert run {_comment(context.output.name)} --dry-run",
        f"name: {_yaml_str(context.source.stem)}",
        *_source_lines(detected, context),
        "target:",
        f'  business: "{context.spec.business_id}"',
        f"  group: {_yaml_str(context.group.name)}",
    ]
    tables: dict[Path, str] = {}
    folder = context.output.parent
    if context.gaiji:
        name = gaiji_table_name(context.output)
        lines.append(
            f"gaiji: {_yaml_str(name)}  # TODO fill its standard column ({len(context.gaiji)} 外字 seen: "
            f"{', '.join(detected.gaiji[:8])}{' …' if len(detected.gaiji) > 8 else ''})"
        )
        rows = [["pua", "standard", "count"]]
        rows += [[f"U+{ord(ch):04X}", "", str(n)] for ch, n in sorted(context.gaiji.items())]
        tables[folder / name] = _csv(rows)
    lines += _code_table_lines(detected, context)
    for table in detected.code_tables:
        draft = context.proposals[table.item].code_table
        assert draft is not None
        tables[folder / table.file] = code_table_csv(draft)
    lines += _item_lines(detected, context)
    if detected.unused_columns:
        lines.append(f"# Source columns no item reads: {_comment(', '.join(detected.unused_columns))}")
    return (context.output, "\n".join(lines) + "\n"), tables
