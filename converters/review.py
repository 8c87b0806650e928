"""Reviewing the quarantine without SQL: what the last published run of each mapping quarantined, grouped by
item, reason and value (masked), and the cleansing-request workbook (データ補正依頼) staff fill in.

The quarantine holds each rejected value masked (by the item's flag) and no key; the workbook needs each row's
key and a fingerprint of its source value, so it reads the source again, as a run reads it, after checking that
the file is the one the run read (its sha256). Nothing raw is stored: the fingerprints are keyed with a secret
recorded with the request in the database (:mod:`converters.corrections` checks them on the next run).
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections import defaultdict
from pathlib import Path
from typing import Any

from converters.corrections import fingerprint, source_column
from converters.mapping import Mapping, check_columns
from converters.plan import plan_item
from converters.readers import file_sha256, stage
from reports.cleansing import (
    RECORD_SHEET,
    CleansingRequest,
    RequestRow,
    RequestSheet,
    label,
    write_cleansing_request,
)
from reports.masking import mask, mask_text
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.codes import info
from spec_catalog.database import (
    CorrectionRequest,
    QuarantineRow,
    RunRecord,
    RunStatus,
    connect,
    connect_read_only,
    has_runs,
    read_quarantine,
    read_runs,
    record_correction_request,
)
from spec_catalog.files import exists_already
from spec_catalog.language import current, say
from spec_catalog.models import Catalog, DataGroup, DataItem, table_name
from spec_catalog.vocab import Sensitivity
from spec_catalog.workdir import run_workdir


def _no_conversion() -> str:
    return say(
        "先に変換してください: fitgap convert run MAPPING.yaml --db FILE",
        "convert first: fitgap convert run MAPPING.yaml --db FILE",
    )


def _holds_no_conversion(db: Path) -> FitgapError:
    return FitgapError(
        say("データベースに変換の記録がありません", "the database holds no conversion"), where=db, hint=_no_conversion()
    )


def _no_published_run(mapping: str) -> str:
    return say(
        f"マッピング '{mapping}' の公開された変換がデータベースにありません",
        f"mapping '{mapping}' has no published run in the database",
    )


class QuarantineGroup(FrozenModel):
    """Quarantined values of one item with one reason and one (masked) value, and their source lines."""

    item: str | None  # romanized; None: the reader rejected the whole record; 'a+b': a key of several items
    item_name: str | None  # データ項目 (Japanese)
    reason: str  # the code
    message: str  # the code's message, in the run's language
    value: str | None  # masked
    count: int
    lines: tuple[int, ...]


class MappingQuarantine(FrozenModel):
    """The quarantine of one mapping: that of its last published run."""

    mapping: str
    run_id: str
    target_table: str
    source_file: str | None
    rows_quarantined: int  # source lines
    values_quarantined: int  # entries (a line can have several)
    by_reason: dict[str, int]  # entries per reason
    groups: tuple[QuarantineGroup, ...]


class RequestWritten(FrozenModel):
    """A cleansing-request workbook written (what ``convert quarantine --xlsx`` reports)."""

    request_id: str
    file: str
    mapping: str
    run_id: str
    rows: int  # (line, item) pairs listed
    correctable: int  # of those, the ones the workbook can correct
    sheets: dict[str, int]  # rows per sheet


class QuarantineReport(FrozenModel):
    database: str
    mappings: tuple[MappingQuarantine, ...]
    request: RequestWritten | None = None  # the cleansing-request workbook, when one was asked for and written


def _groups_by_table(catalog: Catalog) -> dict[str, DataGroup]:
    return {table_name(spec.business_id, g.name): g for spec in catalog.businesses for g in spec.layouts}


def _items_of(group: DataGroup | None, item: str | None) -> list[DataItem]:
    if group is None or item is None:
        return []
    known = {i.romanized: i for i in group.items}
    return [known[part] for part in item.split("+") if part in known]


def _label(group: DataGroup | None, item: str | None) -> str | None:
    items = _items_of(group, item)
    if item is None:
        return None
    return "+".join(i.name for i in items) if items and len(items) == len(item.split("+")) else item


def reason_message(reason: str, group: DataGroup | None, item: str | None) -> str:
    """The reason's message from the catalogue in the run's language, its placeholders filled from the item
    (``…`` for what is not known); a reason no code names is shown as it is."""
    try:
        entry = info(reason)
    except ValueError:
        return reason
    items = _items_of(group, item)
    first = items[0] if len(items) == 1 else None
    known: dict[str, object] = {
        "item": _label(group, item) or "…",
        "length": first.length if first and first.length is not None else "…",
        "type": str(first.type) if first else "…",
        "code_list": first.code_list if first and first.code_list else "…",
    }
    language = current()
    template = entry.en if language == "en" else entry.ja
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return entry.message(language, **{name: known.get(name, "…") for name in fields})


def _sensitivity(group: DataGroup | None, item: str | None) -> Sensitivity:
    levels = [i.sensitivity for i in _items_of(group, item)]
    if item is not None and group is None:
        return Sensitivity.PERSONAL  # an item no catalog group describes: masked as personal, to be safe
    return max(levels, key=list(Sensitivity).index, default=Sensitivity.NONE)


def _shown(value: str | None, group: DataGroup | None, item: str | None, unmask: bool) -> str | None:
    """A stored value as the review shows it: masked again by the item's flag (the run may have been --unmask;
    masking a masked value changes nothing), and by value."""
    if item is None:
        return mask_text(value, unmask=unmask)  # the reader's: bytes in hex, never the record's text
    return mask(value, _sensitivity(group, item), unmask=unmask)


def _published_runs(con: Any) -> dict[str, RunRecord]:
    """The last succeeded run of each mapping (the one whose quarantine the table holds)."""
    found: dict[str, RunRecord] = {}
    for run in read_runs(con):
        if run.status is RunStatus.SUCCEEDED:
            found[run.mapping] = run  # runs come in start order: the last one stays
    return found


def review_quarantine(
    db: Path, catalog: Catalog, *, mapping: str | None = None, table: str | None = None, unmask: bool = False
) -> QuarantineReport:
    """The quarantine of every mapping (or one, or those of one target table), grouped by item, reason and
    value; values masked unless ``unmask``."""
    con = connect_read_only(db)
    try:
        if not has_runs(con):
            raise _holds_no_conversion(db)
        runs = _published_runs(con)
        rows = read_quarantine(con, mapping)
    finally:
        con.close()
    if mapping is not None and mapping not in runs:
        known = ", ".join(sorted(runs))
        raise FitgapError(
            _no_published_run(mapping),
            where=db,
            hint=say(f"あるもの: {known}", f"known: {known}") if runs else _no_conversion(),
        )
    if table is not None and table not in {r.target_table for r in runs.values()}:
        targets = ", ".join(sorted({r.target_table for r in runs.values()}))
        raise FitgapError(
            say(f"テーブル '{table}' に公開したマッピングはありません", f"no mapping published into table '{table}'"),
            where=db,
            hint=say(f"テーブル: {targets}", f"tables: {targets}"),
        )
    groups = _groups_by_table(catalog)
    by_mapping: dict[str, list[QuarantineRow]] = defaultdict(list)
    for row in rows:
        by_mapping[row.mapping].append(row)
    result = []
    for name, run in sorted(runs.items()):
        if (mapping is not None and name != mapping) or (table is not None and run.target_table != table):
            continue
        result.append(_mapping_quarantine(run, by_mapping.get(name, []), groups.get(run.target_table), unmask))
    return QuarantineReport(database=str(db), mappings=tuple(result))


def _mapping_quarantine(
    run: RunRecord, rows: list[QuarantineRow], group: DataGroup | None, unmask: bool
) -> MappingQuarantine:
    order = {i.romanized: n for n, i in enumerate(group.items)} if group else {}
    grouped: dict[tuple[str | None, str, str | None], list[int]] = defaultdict(list)
    for row in rows:
        grouped[(row.item, row.reason, _shown(row.value, group, row.item, unmask))].append(row.line)

    def position(key: tuple[str | None, str, str | None]) -> tuple[int, int, str, str, str]:
        item, reason, value = key
        first = (item or "").split("+")[0]
        return (item is None, order.get(first, len(order)), item or "", reason, value or "")

    reasons: dict[str, int] = defaultdict(int)
    for row in rows:
        reasons[row.reason] += 1
    return MappingQuarantine(
        mapping=run.mapping,
        run_id=run.run_id,
        target_table=run.target_table,
        source_file=Path(run.source_path).name if run.source_path else None,
        rows_quarantined=len({row.line for row in rows}),
        values_quarantined=len(rows),
        by_reason=dict(sorted(reasons.items())),
        groups=tuple(
            QuarantineGroup(
                item=item,
                item_name=_label(group, item),
                reason=reason,
                message=reason_message(reason, group, item),
                value=value,
                count=len(lines),
                lines=tuple(sorted(lines)),
            )
            for (item, reason, value), lines in sorted(grouped.items(), key=lambda pair: position(pair[0]))
        ),
    )


# The cleansing-request workbook ------------------------------------------------------------------------


def _not_correctable(mapping: Mapping, item: str | None) -> str:
    """Why the workbook cannot correct this item (a note for staff)."""
    if item is None:
        return say(
            "元データから読み込めなかった行です。ここでは補正できません。元データを出力し直してください。",
            "A line the source could not be read for: it cannot be corrected here. Export the source again.",
        )
    if "+" in item:
        return say(
            "複数の項目からなるキーのため、ここでは補正できません。元データを直してください。",
            "A key of several items: it cannot be corrected here. Correct the source.",
        )
    spec = mapping.file.items.get(item)
    if spec is None:
        return say(
            "マッピングにない項目のため、ここでは補正できません。マッピングに from: を加えてください。",
            "An item the mapping lacks: it cannot be corrected here. Add its from: to the mapping.",
        )
    if spec.value is not None:
        return say(
            "マッピングの定数（value:）で作る項目のため、ここでは補正できません。マッピングを直してください。",
            "An item made from a constant of the mapping (value:): it cannot be corrected here. Correct the mapping.",
        )
    return say(
        "複数の列から作る項目のため、ここでは補正できません。元データを直してください。",
        "An item made from several columns: it cannot be corrected here. Correct the source.",
    )


def _source_values(
    mapping: Mapping, items: set[str], lines: set[int]
) -> tuple[dict[tuple[int, str], str | None], list[str]]:
    """The source value of each item on each line, read from the source as a run reads it (before transforms),
    and the source's columns."""
    values: dict[tuple[int, str], str | None] = {}
    con = connect(None)
    try:
        with run_workdir() as workdir:
            staged = stage(con, mapping, workdir)
            check_columns(mapping, staged.columns)
            if not items or not lines:
                return values, staged.columns
            names = sorted(items)
            known = {i.romanized: i for i in mapping.group.items}
            expressions = [
                plan_item(mapping, known[n], mapping.file.items.get(n), staged.columns).initial for n in names
            ]
            con.execute("CREATE TEMP TABLE wanted AS SELECT unnest($l)::BIGINT AS _line", {"l": sorted(lines)})
            for row in con.execute(
                f"SELECT s._line, {', '.join(expressions)} FROM stage s WHERE s._line IN (SELECT _line FROM wanted)"
            ).fetchall():
                for name, value in zip(names, row[1:], strict=True):
                    values[(int(row[0]), name)] = value
    finally:
        con.close()
    return values, staged.columns


def cleansing_request(
    db: Path, mapping: Mapping, request_id: str, secret: str, *, unmask: bool = False
) -> CleansingRequest:
    """The workbook's content for the quarantine of ``mapping``'s last published run (not yet written)."""
    con = connect_read_only(db)
    try:
        if not has_runs(con):
            raise _holds_no_conversion(db)
        run = _published_runs(con).get(mapping.name)
        rows = read_quarantine(con, mapping.name)
    finally:
        con.close()
    if run is None:
        raise FitgapError(_no_published_run(mapping.name), where=db, hint=_no_conversion())
    if run.source_sha256 and file_sha256(mapping.source_path) != run.source_sha256:
        raise FitgapError(
            say(
                f"元データのファイルが変換 {run.run_id} の読んだものと違います（sha256 が異なります）",
                f"the source file is not the one run {run.run_id} read (its sha256 differs)",
            ),
            where=mapping.source_path,
            hint=say(
                "その変換が読んだファイルを --source で渡すか、変換し直してからファイルを書き出してください",
                "give the file that run read with --source, or convert again and write the workbook then",
            ),
        )
    group = mapping.group
    keys = list(mapping.file.key or [i.romanized for i in group.primary_key])
    by_place: dict[tuple[int, str | None], list[QuarantineRow]] = defaultdict(list)
    for row in rows:
        by_place[(row.line, row.item)].append(row)
    record_lines = {line for line, item in by_place if item is None}
    wanted = {item for _, item in by_place if item and "+" not in item} | set(keys)
    source, columns = _source_values(mapping, wanted, {line for line, _ in by_place} - record_lines)
    key_level = _sensitivity(group, "+".join(keys))
    sheets: dict[str | None, list[RequestRow]] = defaultdict(list)
    for (line, item), entries in sorted(by_place.items(), key=lambda pair: (pair[0][0], pair[0][1] or "")):
        correctable = line not in record_lines and source_column(mapping, item, columns) is not None
        key = None
        if line not in record_lines:
            key = mask("|".join(source.get((line, k)) or "" for k in keys), key_level, unmask=unmask)
        sheets[item].append(
            RequestRow(
                line=line,
                key=key,
                item=item,
                item_name=_label(group, item) or say("（行全体）", "(whole row)"),
                reasons=tuple(reason_message(e.reason, group, item) for e in entries),
                codes=tuple(e.reason for e in entries),
                value=_shown(entries[0].value, group, item, unmask),
                fingerprint=fingerprint(secret, source.get((line, item or ""))) if correctable else "",
                note=None if correctable else _not_correctable(mapping, item),
            )
        )
    order = {i.romanized: n for n, i in enumerate(group.items)}

    def position(item: str | None) -> tuple[bool, int, str]:
        return (item is None, order.get((item or "").split("+")[0], len(order)), item or "")

    return CleansingRequest(
        request_id=request_id,
        mapping=mapping.name,
        run_id=run.run_id,
        target_table=run.target_table,
        source_file=mapping.source_path.name,
        created=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        rows=len(by_place),
        sheets=tuple(
            RequestSheet(
                title=label(RECORD_SHEET) if item is None else (_label(group, item) or item), rows=tuple(found)
            )
            for item, found in sorted(sheets.items(), key=lambda pair: position(pair[0]))
        ),
    )


def write_request(
    db: Path,
    mapping: Mapping,
    path: Path,
    *,
    force: bool = False,
    unmask: bool = False,
    municipality: str | None = None,
) -> RequestWritten:
    """Write the cleansing-request workbook of ``mapping``'s quarantine to ``path`` and record the request (and
    the secret of its fingerprints) in ``db``. A file that exists (it may be filled in) is kept unless
    ``force``. ``municipality``: the 団体名 of the printed pages' header."""
    if path.exists() and not force:
        raise exists_already(path, filled_in=True, what=say("データ補正依頼のファイル", "the workbook"))
    request_id = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(4)
    secret = secrets.token_hex(32)
    content = cleansing_request(db, mapping, request_id, secret, unmask=unmask)
    if not content.rows:
        raise FitgapError(
            say(
                f"マッピング '{mapping.name}' の変換 {content.run_id} に移行エラーはありません。"
                "補正するものがありません",
                f"run {content.run_id} of mapping '{mapping.name}' quarantined nothing: there is nothing to correct",
            ),
            where=db,
        )
    con = connect(db)
    try:
        # Recorded first: a workbook whose request the database does not know could not be applied.
        record_correction_request(
            con,
            CorrectionRequest(
                request_id=request_id,
                run_id=content.run_id,
                mapping=mapping.name,
                target_table=content.target_table,
                file_name=path.name,
                rows=content.rows,
            ),
            secret,
        )
    finally:
        con.close()
    write_cleansing_request(content, path, unmask=unmask, municipality=municipality)
    return RequestWritten(
        request_id=request_id,
        file=str(path),
        mapping=mapping.name,
        run_id=content.run_id,
        rows=content.rows,
        correctable=sum(1 for s in content.sheets for r in s.rows if r.correctable),
        sheets={s.title: len(s.rows) for s in content.sheets},
    )
