"""The text of the scaffolded files: the mapping (YAML with a comment on every guess) and the CSV skeletons.

A code table is ``legacy,standard,count``: the loader reads the first two columns (the count is for the person
filling it); the distinct legacy codes come most frequent first and the standard column is left empty. The
standard's code list is written above the table's entry in the mapping. The 外字 table is ``pua,standard,count``.
The mapping's comments are in the run's language; its keys, and the TODO marks, stay as they are.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from converters.scaffold.layout_file import terminator_note
from converters.scaffold.proposals import CodeDraft
from spec_catalog.language import say

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
    return context.source.name, say(
        "  # マッピングと同じフォルダにありません: ここに移すか、convert run に --source で渡してください",
        "  # not beside the mapping: move it here, or pass --source to convert run",
    )


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
            lines.append(f"  columns: [{names}]  # TODO: " + say("列に名前を付けてください", "name the columns"))
        return lines
    layout = context.layout
    assert layout is not None
    lines += [f"  record_length: {layout.record_length}", f"  terminator: {detected.terminator}"]
    positions, lengths = _comment(layout.positions_from), _comment(layout.length_label)
    lines.append(
        "  fields:  # "
        + say(
            f"{detected.layout} から: 位置は{positions}、バイト数は{lengths}による",
            f"from {detected.layout}: positions by {positions}, bytes by {lengths}",
        )
    )
    for f in layout.fields:
        kind = f"  # 型 {_comment(f.type)}" if f.type else ""
        lines.append(f"    - {{name: {_yaml_str(f.name)}, start: {f.start}, length: {f.length}}}{kind}")
    for first, last in layout.gaps:
        lines.append(
            "  # "
            + say(
                f"{first}–{last} バイト目はレイアウトのどのフィールドにも入っていません",
                f"bytes {first}–{last} are in no field of the layout",
            )
        )
    if layout.terminator_field is not None:
        lines.append("  # " + _comment(terminator_note(layout)))
    return lines


def _code_table_lines(detected: Detected, context: _Context) -> list[str]:
    if not detected.code_tables:
        return []
    lines = ["code_tables:"]
    for table in detected.code_tables:
        draft = context.proposals[table.item].code_table
        assert draft is not None
        listed = " / ".join(f"{v.code} {v.label}" for v in draft.code_list.values)
        code_list = f"{draft.code_list.code_list_id} {draft.code_list.name}"
        lines.append(
            f"  # {draft.item.name}: " + say(f"コード一覧 {code_list}: {listed}", f"code list {code_list}: {listed}")
        )
        lines.append(
            f"  {table.table}: {{path: {_yaml_str(table.file)}}}  # TODO "
            + say(
                f"standard の列を埋めてください（旧コード {table.legacy_codes} 種類）",
                f"fill its standard column ({table.legacy_codes} legacy codes)",
            )
        )
    return lines


def _item_lines(detected: Detected, context: _Context) -> list[str]:
    lines = ["items:"]
    for item in context.group.items:
        label = f"{item.name} {item.type.value}({item.length or ''}) {item.output_condition.value}"
        proposal = context.proposals.get(item.romanized)
        if proposal is None:
            if item.romanized in context.filled_by:
                date_item = context.filled_by[item.romanized]
                lines.append(
                    f"  # {item.romanized}: "
                    + say(
                        f"{date_item} の不詳表記がここに入ります（era_date）",
                        f"the 不詳 text of {date_item} goes here (era_date)",
                    )
                    + f"  # {label}"
                )
            else:
                lines.append(f"  # TODO {item.romanized}: {{from: COLUMN}}  # {label}")
            continue
        for note in proposal.notes:
            lines.append(f"  # {item.romanized}: {_comment(note)}")
        transforms = f", transforms: [{', '.join(proposal.transforms)}]" if proposal.transforms else ""
        guessed = say("（名前から推測）", " (guessed by name)")
        lines.append(f"  {item.romanized}: {{from: {_yaml_str(proposal.column)}{transforms}}}  # {label}{guessed}")
    return lines


def render_files(detected: Detected, context: _Context) -> tuple[tuple[Path, str], dict[Path, str]]:
    """The mapping and its tables, as (path, text)."""
    from converters.scaffold import gaiji_table_name

    guess = context.guess
    if detected.format == "csv":
        header_ja, header_en = (
            ("見出し行あり", "a header row") if detected.header else ("見出し行なし", "no header row")
        )
        shape = say(
            f"CSV、区切り文字 {detected.delimiter!r}、{header_ja}",
            f"CSV, delimiter {detected.delimiter!r}, {header_en}",
        )
    else:
        shape = say(
            f"固定長、1レコード {detected.record_length} バイト、レコードの区切り {detected.terminator}",
            f"fixed width, {detected.record_length} bytes a record, terminator {detected.terminator}",
        )
    whole = detected.whole_file_sampled
    read = say("ファイル全体", "the whole file") if whole else say("ファイルの先頭", "the head of the file")
    unit = say("レコード", "records") if detected.format == "fixed" else say("行", "lines")
    source = _comment(context.source.name)
    lines = [
        say(
            f"# 'fitgap convert init' が {source} から作ったマッピングです。",
            f"# Mapping scaffolded by 'fitgap convert init' from {source}.",
        ),
        say(
            f"# 検出: {shape}。文字コード {detected.encoding}（{read}の {guess.lines:,} {unit}、読めないもの "
            f"{guess.bad_count:,}）。推測を一つずつ確かめ、コード表とすべての TODO を埋めてから、次を試してください:",
            f"# Detected: {shape}; encoding {detected.encoding} ({guess.lines:,} {unit} of {read}, "
            f"{guess.bad_count:,} not decoded). Check each guess, fill the code tables and every TODO, then try:",
        ),
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
        seen = f"{', '.join(detected.gaiji[:8])}{' …' if len(detected.gaiji) > 8 else ''}"
        lines.append(
            f"gaiji: {_yaml_str(name)}  # TODO "
            + say(
                f"standard の列を埋めてください（見つかった外字 {len(context.gaiji)} 字: {seen}）",
                f"fill its standard column ({len(context.gaiji)} 外字 seen: {seen})",
            )
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
        unused = _comment(", ".join(detected.unused_columns))
        lines.append(say(f"# どの項目も読まない元データの列: {unused}", f"# Source columns no item reads: {unused}"))
    return (context.output, "\n".join(lines) + "\n"), tables
