"""``fitgap reconcile run``: a published conversion against its legacy source, value by value, by key.

The legacy file of the mapping's latest published run is read again and every item made as the conversion makes
it (the mapping's own transforms: 和暦 → ISO, half → full width, 外字, code tables …; :func:`converters.engine.
make_expected`), but without the corrections the run applied. Each row is then compared, by key and in DuckDB,
with the target row: the published rows of the mapping, or another table (``--target``: e.g. the new system's
data loaded back). Values compare in their canonical form, so a 和暦 legacy date and its ISO target are equal.

Every difference is classified. Explained: a correction the run applied to that line and item, a 縮退 (the target
holds the value degraded by the MJ縮退マップ), the run's quarantine record (a legacy row not loaded). Everything
else is unexplained: a changed value (``RECONCILE_VALUE_DIFFERS``), a legacy row without a target row
(``RECONCILE_ROW_MISSING``), a target row no legacy row makes (``RECONCILE_ROW_EXTRA``), a key on two target
rows (``RECONCILE_KEY_DUPLICATED``). Nothing is sampled: each is listed (masked) and recorded in the database.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from converters.engine import Expected, make_expected, repeated_keys
from converters.mapping import Mapping as ConversionMapping
from converters.plan import ValueStep
from converters.readers import file_sha256
from fitgap.moji.shrink import shrink_text
from fitgap.reconcile.models import Difference, Explanation, ItemSummary, Reconciliation, TotalCheck
from reports.masking import mask
from spec_catalog import language
from spec_catalog.base import FitgapError
from spec_catalog.codes import Code
from spec_catalog.ctrl_c import interruptible
from spec_catalog.database import (
    CorrectionStatus,
    ReconcileKind,
    ReconcileRecord,
    RunRecord,
    RunStatus,
    connect,
    literal,
    quarantine_lines,
    quote,
    read_corrections,
    read_runs,
    read_shrink_log,
    record_reconciliation,
    tables,
)
from spec_catalog.models import table_name
from spec_catalog.vocab import DataType, Sensitivity
from spec_catalog.workdir import run_workdir

_NUMBERS = (DataType.INTEGER, DataType.SIGNED_INTEGER, DataType.DECIMAL)
_TEXT_TYPES = ("VARCHAR",)


def published_run(con: Any, mapping: ConversionMapping, run_id: str | None) -> RunRecord:
    """The run to reconcile: ``run_id``, else the mapping's latest succeeded run (what its rows come from)."""
    runs = [r for r in read_runs(con) if r.mapping == mapping.name]
    if run_id is not None:
        found = next((r for r in runs if r.run_id == run_id), None)
        if found is None:
            raise FitgapError(
                language.say(
                    f"データベースにマッピング {mapping.name} の実行 {run_id} がありません",
                    f"no run {run_id} of mapping {mapping.name} in the database",
                ),
                hint=language.say(
                    "'fitgap convert runs' で実行の一覧を確かめてください", "list the runs with 'fitgap convert runs'"
                ),
            )
        if found.status is not RunStatus.SUCCEEDED:
            raise FitgapError(
                language.say(
                    f"実行 {run_id} は公開していません（状態 {found.status}）",
                    f"run {run_id} did not publish (status {found.status})",
                ),
                hint=language.say("成功した実行を指定してください", "give a succeeded run"),
            )
        return found
    succeeded = [r for r in runs if r.status is RunStatus.SUCCEEDED]
    if not succeeded:
        raise FitgapError(
            language.say(
                f"このデータベースにマッピング {mapping.name} の公開済みの実行がありません",
                f"mapping {mapping.name} has no published run in this database",
            ),
            hint=language.say(
                f"先に変換してください: fitgap convert run {mapping.path}",
                f"convert first: fitgap convert run {mapping.path}",
            ),
        )
    return succeeded[-1]


def _source_of_the_run(mapping: ConversionMapping, run: RunRecord) -> ConversionMapping:
    """The mapping reading the file the run read, when its own path names no file and the run read another
    (``convert run … --source FILE``); else the mapping as it is. ``reconcile run --source`` says it outright."""
    recorded = Path(run.source_path) if run.source_path else None
    if mapping.source_path.exists() or recorded is None or not recorded.is_file():
        return mapping
    moved = copy.copy(mapping)
    moved.source_path = recorded
    return moved


def _check_inputs(run: RunRecord, mapping: ConversionMapping) -> None:
    """The legacy file and the mapping must be the ones the run used: otherwise every difference is noise."""
    if run.mapping_sha256 and run.mapping_sha256 != mapping.digest:
        raise FitgapError(
            language.say(
                f"マッピング {mapping.path.name} が実行 {run.run_id} の後に変わっています",
                f"the mapping {mapping.path.name} changed since run {run.run_id}",
            ),
            where=mapping.path,
            hint=language.say(
                "このマッピングで変換し直してから比較してください（または実行が使ったマッピングに戻してください）",
                "convert again with this mapping, then reconcile (or restore the mapping the run used)",
            ),
        )
    if run.source_sha256 and file_sha256(mapping.source_path) != run.source_sha256:
        raise FitgapError(
            language.say(
                f"旧データのファイルが実行 {run.run_id} の後に変わっています（sha256 が違います）",
                f"the legacy file changed since run {run.run_id} (its sha256 differs)",
            ),
            where=mapping.source_path,
            hint=language.say(
                "実行が読んだファイルで比較するか、先にこのファイルを変換してください",
                "reconcile with the file the run read, or convert this file first",
            ),
        )


def _canonical(expr: str, kind: DataType, typed: bool) -> str:
    """A value in the form both sides compare in: a DATE or a number from a typed target column compares with the
    converter's text; text stays text (an empty text is no value)."""
    text = f"nullif(CAST({expr} AS VARCHAR), '')"
    if not typed:
        return text
    if kind is DataType.DATE:
        return f"coalesce(CAST(TRY_CAST({expr} AS DATE) AS VARCHAR), {text})"
    if kind in _NUMBERS:
        return f"coalesce(CAST(TRY_CAST({expr} AS DECIMAL(38, 6)) AS VARCHAR), {text})"
    if kind is DataType.TIME:  # the converter writes HH:MM (or HH:MM:SS); a TIME column reads 13:34:00
        return f"coalesce(CAST(TRY_CAST({expr} AS TIME) AS VARCHAR), {text})"
    return text


def _target_relation(con: Any, mapping: ConversionMapping, table: str, target: str | None) -> tuple[str, str]:
    """The SQL of the target rows (with ``_tid``, the row's id in its table) and a description."""
    if target is None:
        if table not in tables(con):
            raise FitgapError(
                language.say(f"データベースに表 {table} がありません", f"the database has no table {table}"),
                hint=language.say("先に変換してください", "convert first"),
            )
        published = f"(SELECT rowid AS _tid, * FROM {quote(table)} WHERE _mapping = {literal(mapping.name)})"
        return published, language.say(f"{table}（公開済みの行）", f"{table} (the published rows)")
    if target not in tables(con):
        raise FitgapError(
            language.say(
                f"データベースに比較する表 {target!r} がありません", f"the database has no table {target!r} to compare"
            ),
            hint=language.say(
                "先に新システムのデータをデータベースに読み込んでください（例: CREATE TABLE … AS FROM read_csv(…)）",
                "load the new system's data into the database first (e.g. CREATE TABLE … AS FROM read_csv(…))",
            ),
        )
    return f"(SELECT rowid AS _tid, * FROM {quote(target)})", target


def reconcile_run(
    mapping: ConversionMapping,
    db: Path,
    *,
    run_id: str | None = None,
    target: str | None = None,
    tolerances: Mapping[str, str] | None = None,
    unmask: bool = False,
    memory_limit: str | None = None,
    record: bool = True,
    say: Callable[[str], None] | None = None,
) -> Reconciliation:
    """Reconcile the mapping's published run (or ``run_id``) in ``db`` with its legacy source; ``target``: compare
    another table of the database instead of the published rows. ``tolerances``: of the control totals."""
    progress = say or (lambda _: None)
    if not db.is_file():
        raise FitgapError(
            language.say(f"データベース {db} がありません", f"no database {db}"),
            hint=language.say("--db で指定するか、先に変換してください", "give --db, or convert first"),
        )
    clock = time.perf_counter()
    database = connect(db, memory_limit=memory_limit)
    try:
        with interruptible(database) as con:  # Ctrl-C stops a statement at once (spec_catalog/ctrl_c.py)
            run = published_run(con, mapping, run_id)
            mapping = _source_of_the_run(mapping, run)
            _check_inputs(run, mapping)
            table = table_name(mapping.spec.business_id, mapping.group.name)
            relation, described = _target_relation(con, mapping, table, target)
            with run_workdir() as workdir:
                progress("reading")
                expected = make_expected(con, mapping, workdir)
                timings = {"read_transform": round(time.perf_counter() - clock, 3)}
                progress("comparing")
                comparison = _Comparison(con, mapping, run, expected, relation, unmask, target)
                result = comparison.compare(target=described, table=table, tolerances=tolerances or {})
            timings["total"] = round(time.perf_counter() - clock, 3)
            timings["compare"] = round(timings["total"] - timings["read_transform"], 3)
            result = result.model_copy(update={"timings": timings})
            if record:
                _record(con, mapping, result, comparison.masked if unmask else None)
            return result
    finally:
        database.close()


def _record(con: Any, mapping: ConversionMapping, result: Reconciliation, recorded: list[Difference] | None) -> None:
    record_reconciliation(
        con,
        ReconcileRecord(
            reconcile_id=result.reconcile_id,
            kind=ReconcileKind.DATA,
            business=mapping.spec.business_id,
            subject=result.subject,
            mapping=result.mapping,
            run_id=result.run_id,
            compared=result.compared_rows,
            agreed=result.agreed_rows,
            explained=sum(result.explained_by.values()),
            unexplained=result.unexplained,
            totals_failed=sum(1 for t in result.totals if not t.within),
        ),
        # Recorded masked whatever the display: --unmask shows values, it never stores them.
        [d.model_dump(mode="json") for d in (recorded if recorded is not None else result.differences)],
    )


class _Comparison:
    """The comparison of ``conv`` (what the mapping makes) with the target rows, in the connection's temp tables."""

    def __init__(
        self,
        con: Any,
        mapping: ConversionMapping,
        run: RunRecord,
        expected: Expected,
        relation: str,
        unmask: bool,
        target: str | None,
    ) -> None:
        self.con, self.mapping, self.run, self.expected = con, mapping, run, expected
        self.relation, self.unmask, self.target_table = relation, unmask, target
        self.masked: list[Difference] = []  # the differences masked, as they are recorded (see _difference)
        self.plans = expected.plans
        self.items = {p.item.romanized: p.item for p in self.plans}
        levels = [self.items[k].sensitivity for k in expected.keys]
        self.key_level = max(levels, key=list(Sensitivity).index, default=Sensitivity.NONE)

    # The two sides ------------------------------------------------------------------------------------------

    def _target_columns(self) -> dict[str, str]:
        """The target's columns (name → DuckDB type) of the relation."""
        rows = self.con.execute(f"DESCRIBE SELECT * FROM {self.relation}").fetchall()
        return {r[0]: str(r[1]) for r in rows if r[0] != "_tid"}

    def _build_sides(self) -> list[int]:
        """``exp`` (one row per legacy key) and ``tgt`` (one row per target key); returns the compared items."""
        columns = self._target_columns()
        missing = [k for k in self.expected.keys if k not in columns]
        if missing:
            listed = ", ".join(list(columns)[:20])
            raise FitgapError(
                language.say(
                    f"比較先にキーの列 {', '.join(missing)} がありません",
                    f"the target has no key column {', '.join(missing)}",
                ),
                hint=language.say(f"比較先の列: {listed}", f"its columns: {listed}"),
            )
        compared = [i for i, p in enumerate(self.plans) if p.item.romanized in columns]
        self.typed = {i: columns[self.plans[i].item.romanized] not in _TEXT_TYPES for i in compared}
        keys = self.expected.key_index
        key_sql = ", ".join(f"c.v{i} AS k{n}" for n, i in enumerate(keys))
        values = ", ".join(f"c.v{i}" for i in compared)
        skipped = sorted(self.expected.unreadable | self.expected.duplicates)
        self.con.execute("CREATE TEMP TABLE skipped (_line BIGINT)")
        if skipped:
            self.con.execute("INSERT INTO skipped SELECT unnest($l)", {"l": skipped})
        # A row a check rejects may share its key with a clean row: the clean row is the one compared (only the
        # keys are ranked; the rows are never copied).
        repeated = repeated_keys(self.con, [f"v{i}" for i in keys], "_line NOT IN (SELECT _line FROM skipped)")
        if keys and repeated is not None:
            partition = ", ".join(f"c.v{i}" for i in keys)
            self.con.execute(
                f"INSERT INTO skipped SELECT _line FROM (SELECT c._line, row_number() OVER (PARTITION BY {partition} "
                "ORDER BY (c._line IN (SELECT _line FROM excluded)), c._line) AS n FROM conv c "
                f"SEMI JOIN {repeated} WHERE c._line NOT IN (SELECT _line FROM skipped)) WHERE n > 1"
            )
        self.con.execute(
            f"CREATE TEMP VIEW exp AS SELECT c._line, {key_sql}, {values} FROM conv c "
            "WHERE c._line NOT IN (SELECT _line FROM skipped)"
        )
        lineage = [c for c in ("_source_line", "_run_id") if c in columns]
        target_keys = ", ".join(f"CAST({quote(k)} AS VARCHAR) AS k{n}" for n, k in enumerate(self.expected.keys))
        target_values = ", ".join(
            f"{_canonical(quote(self.plans[i].item.romanized), self.plans[i].item.type, self.typed[i])} AS t{i}"
            for i in compared
        )
        extra = "".join(f", {quote(c)}" for c in lineage)
        # A view: the target's rows are read where they are (``_tid`` is the table's rowid), never copied.
        self.con.execute(
            f"CREATE TEMP VIEW tgt AS SELECT _tid, {target_keys}, {target_values}{extra} FROM {self.relation}"
        )
        self.lineage = lineage
        return compared

    # The comparison -----------------------------------------------------------------------------------------

    def compare(self, *, target: str, table: str, tolerances: Mapping[str, str]) -> Reconciliation:
        compared = self._build_sides()
        n_keys = len(self.expected.keys)
        on = " AND ".join(f"e.k{n} IS NOT DISTINCT FROM t.k{n}" for n in range(n_keys))
        key_columns = ", ".join(f"k{n}" for n in range(n_keys))
        # A key on two target rows: each is listed, none is compared. Found with one hash aggregate of the keys;
        # the target's rows are read again only when a key repeats (rarely).
        self.con.execute(
            f"CREATE TEMP TABLE dupkeys AS SELECT {key_columns}, count(*) AS c FROM tgt "
            "GROUP BY ALL HAVING count(*) > 1"
        )
        self.dup_rows, self.dup_keys = (
            int(n or 0) for n in self.con.execute("SELECT sum(c), count(*) FROM dupkeys").fetchone()
        )
        unique_target = "tgt"
        self.con.execute("CREATE TEMP TABLE dup (_tid BIGINT)")
        if self.dup_keys:
            repeated = " AND ".join(f"t.k{n} IS NOT DISTINCT FROM d.k{n}" for n in range(n_keys))
            self.con.execute(f"INSERT INTO dup SELECT t._tid FROM tgt t SEMI JOIN dupkeys d ON {repeated}")
            unique_target = "(SELECT * FROM tgt WHERE _tid NOT IN (SELECT _tid FROM dup))"
        pairs = [(_canonical(f"e.v{i}", self.plans[i].item.type, self.typed[i]), f"t.t{i}") for i in compared]
        diff_list = ", ".join(
            f"CASE WHEN {e} IS DISTINCT FROM {t} THEN {i} END" for i, (e, t) in zip(compared, pairs, strict=True)
        )
        diffs = f"list_filter([{diff_list}], lambda x: x IS NOT NULL)" if compared else "[]::INTEGER[]"
        # The join carries one 64-bit hash of each row's values, not the values: about half the time of joining
        # every value (measured on 1 M rows, the values compared as the floor does). Equal values hash alike, so no
        # agreeing row is reported; a row that differs is missed only if its two hashes collide, a chance of 2^-64
        # per differing row. Only the rows whose hashes differ are read again and compared item by item.
        source_values = (
            ", ".join(_canonical(f"v{i}", self.plans[i].item.type, self.typed[i]) for i in compared) or "NULL"
        )
        target_values = ", ".join(f"t{i}" for i in compared) or "NULL"
        self.con.execute(
            f"CREATE TEMP TABLE differing_rows AS SELECT e._line, t._tid FROM "
            f"(SELECT _line, {key_columns}, hash({source_values}) AS h FROM exp) e FULL OUTER JOIN "
            f"(SELECT _tid, {key_columns}, hash({target_values}) AS h FROM {unique_target}) t ON {on} "
            "WHERE e._line IS NULL OR t._tid IS NULL OR e.h <> t.h"
        )
        self.con.execute(
            "CREATE TEMP TABLE outcome AS SELECT o._line, o._tid, "
            f"CASE WHEN o._line IS NOT NULL AND o._tid IS NOT NULL THEN {diffs} END AS d "
            "FROM differing_rows o LEFT JOIN exp e ON e._line = o._line LEFT JOIN tgt t ON t._tid = o._tid"
        )
        counts = self.con.execute(
            "SELECT (SELECT count(*) FROM exp), (SELECT count(*) FROM tgt), "
            "(SELECT count(*) FROM outcome WHERE _tid IS NULL), (SELECT count(*) FROM outcome WHERE len(d) > 0)"
        ).fetchone()
        exp_rows, tgt_rows, only_source, differing = (int(c) for c in counts)
        compared_rows = exp_rows - only_source
        differences = self._classify()
        summaries = self._item_summaries(compared, compared_rows, differences)
        totals = self._totals(tolerances)
        by_code: dict[str, int] = defaultdict(int)
        explained_by: dict[str, int] = defaultdict(int)
        for d in differences:
            if d.explanation is None:
                by_code[d.code.value] += 1
            else:
                explained_by[d.explanation.value] += 1
        failing_totals = sum(1 for t in totals if not t.within)
        if failing_totals:
            by_code[Code.RECONCILE_TOTAL_DIFFERS.value] = failing_totals
        # Unexplained first; then by legacy line (rows only in the target last) and item.
        differences.sort(key=lambda d: (d.explanation is not None, d.line is None, d.line or 0, d.item or ""))
        return Reconciliation(
            reconcile_id=dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f") + "-" + self.mapping.digest[:8],
            mapping=self.mapping.name,
            run_id=self.run.run_id,
            table=table,
            target=target,
            subject=self.target_table or table,
            source_file=self.mapping.source_path.name,
            source_rows=self.expected.rows_read,
            target_rows=tgt_rows,
            compared_rows=compared_rows,
            agreed_rows=compared_rows - differing,
            items=summaries,
            by_code=dict(sorted(by_code.items())),
            explained_by=dict(sorted(explained_by.items())),
            differences=tuple(differences),
            totals=totals,
        )

    # Classification -----------------------------------------------------------------------------------------

    def _classify(self) -> list[Difference]:
        applied = [
            c for c in read_corrections(self.con, run_id=self.run.run_id) if c.status is CorrectionStatus.APPLIED
        ]
        corrections = {(c.line, c.item) for c in applied}
        # Only a correction of a key item moves a row to another key (a row only in the source and one only in
        # the target, of the same line); a correction of any other item explains that item's value alone.
        key_corrected = {c.line for c in applied if c.item in self.expected.keys}
        quarantined = quarantine_lines(self.con, self.run.run_id)
        found: list[Difference] = []
        key_columns = ", ".join(f"k{n}" for n in range(len(self.expected.keys)))
        # Values that differ: the legacy text, what the mapping makes and what the target holds, per item.
        rows = self.con.execute(
            "SELECT o._line, o._tid, unnest(o.d) AS i FROM outcome o WHERE len(o.d) > 0 ORDER BY o._line, i"
        ).fetchall()
        if rows:
            found += self._value_differences(rows, corrections)
        # Legacy rows without a target row, target rows without a legacy row, repeated target keys.
        lineage_line = "t._source_line" if "_source_line" in self.lineage else "NULL"
        extra_rows = self.con.execute(
            f"SELECT {lineage_line}, {key_columns} FROM outcome o JOIN tgt t ON o._tid = t._tid "
            "WHERE o._line IS NULL AND t._tid NOT IN (SELECT _tid FROM dup) ORDER BY t._tid"
        ).fetchall()
        for line, *key in extra_rows:
            explained = line is not None and line in key_corrected
            found.append(
                self._difference(
                    Code.RECONCILE_ROW_EXTRA,
                    key=key,
                    explanation=Explanation.CORRECTION if explained else None,
                    detail=language.say(
                        f"元データ {line} 行目のキーの補正", f"a correction of the key of legacy line {line}"
                    )
                    if explained
                    else _lineage(line),
                )
            )
        dup_rows = (
            self.con.execute(
                f"SELECT {lineage_line}, {key_columns} FROM tgt t WHERE t._tid IN (SELECT _tid FROM dup) "
                "ORDER BY t._tid"
            ).fetchall()
            if self.dup_keys
            else []
        )
        dup_keys = {tuple(key) for _, *key in dup_rows}
        for line, *key in dup_rows:
            found.append(self._difference(Code.RECONCILE_KEY_DUPLICATED, key=key, detail=_lineage(line)))
        missing = self.con.execute(
            f"SELECT e._line, {', '.join(f'e.k{n}' for n in range(len(self.expected.keys)))} FROM outcome o "
            "JOIN exp e ON o._line = e._line WHERE o._tid IS NULL ORDER BY e._line"
        ).fetchall()
        for line, *key in missing:
            if tuple(key) in dup_keys:
                continue  # its key is on two target rows: listed there
            found.append(self._missing(line, key, quarantined, key_corrected))
        skipped = self.con.execute("SELECT _line FROM skipped ORDER BY _line").fetchall()
        for (line,) in skipped:
            found.append(self._missing(line, None, quarantined, key_corrected))
        return found

    def _missing(
        self, line: int, key: list[Any] | None, quarantined: dict[int, str], corrected: set[int]
    ) -> Difference:
        """A legacy row not in the target: its quarantine record (or a correction of its key) explains it."""
        explanation: Explanation | None
        detail: str | None
        if line in quarantined:
            explanation, detail = Explanation.QUARANTINE, quarantined[line]
        elif line in corrected:
            explanation = Explanation.CORRECTION
            detail = language.say("キーが補正された行", "a row whose key was corrected")
        else:
            explanation, detail = None, self.expected.failed.get(line)
        return self._difference(Code.RECONCILE_ROW_MISSING, line=line, key=key, explanation=explanation, detail=detail)

    def _value_differences(
        self, rows: list[tuple[int, int, int]], corrections: set[tuple[int, str | None]]
    ) -> list[Difference]:
        wanted = sorted({i for _, _, i in rows})
        legacy = ", ".join(f"{self.plans[i].initial} AS l{i}" for i in wanted)
        self.con.execute("CREATE TEMP TABLE differing AS SELECT DISTINCT _line, _tid FROM outcome WHERE len(d) > 0")
        keys = ", ".join(f"e.k{n}" for n in range(len(self.expected.keys)))
        values = {
            (r[0], r[1]): r[2:]
            for r in self.con.execute(
                f"SELECT o._line, o._tid, {', '.join(f'e.v{i}' for i in wanted)}, "
                f"{', '.join(f't.t{i}' for i in wanted)}, {keys} "
                "FROM differing o JOIN exp e ON o._line = e._line JOIN tgt t ON o._tid = t._tid"
            ).fetchall()
        }
        sources = {
            r[0]: r[1:]
            for r in self.con.execute(
                f"SELECT s._line, {legacy} FROM stage s WHERE s._line IN (SELECT _line FROM differing)"
            ).fetchall()
        }
        shrinks = self._recorded_shrinks()
        position = {i: n for n, i in enumerate(wanted)}
        width = len(wanted)
        found = []
        for line, tid, i in rows:
            row = values[(line, tid)]
            expected, actual, key = row[position[i]], row[width + position[i]], row[2 * width :]
            item = self.plans[i].item
            explanation, detail = self._explain(line, item.romanized, item.type, expected, actual, corrections, shrinks)
            found.append(
                self._difference(
                    Code.RECONCILE_VALUE_DIFFERS,
                    line=line,
                    key=list(key),
                    item=item.romanized,
                    values=(_text(sources.get(line, (None,) * width)[position[i]]), _text(expected), _text(actual)),
                    explanation=explanation,
                    detail=detail,
                )
            )
        return found

    def _recorded_shrinks(self) -> dict[str, str] | None:
        """The 縮退 recorded for the compared table (``moji shrink`` wrote it: its log names it), character →
        what it became; None when the target is no recorded 縮退 (a 縮退 found there explains nothing)."""
        if self.target_table is None:
            return None
        logged = [r for r in read_shrink_log(self.con) if r.written == self.target_table and r.char and r.target]
        return {r.char: r.target for r in logged if r.char and r.target} if logged else None

    def _explain(
        self,
        line: int,
        item: str,
        kind: DataType,
        expected: Any,
        actual: Any,
        corrections: set[tuple[int, str | None]],
        shrinks: dict[str, str] | None,
    ) -> tuple[Explanation | None, str | None]:
        if (line, item) in corrections:
            return Explanation.CORRECTION, language.say("実行時に適用されたデータ補正", "a correction the run applied")
        if shrinks and kind is DataType.FULL_WIDTH and isinstance(expected, str) and isinstance(actual, str):
            shrunk = shrink_text(expected)
            recorded = all(shrinks.get(c.original) == c.target for c in shrunk.changed)
            if shrunk.changed and recorded and shrunk.text == actual:
                return Explanation.SHRINK, "; ".join(sorted({c.basis for c in shrunk.changed}))
        return None, None

    def _difference(
        self,
        code: Code,
        *,
        key: list[Any] | None,
        line: int | None = None,
        item: str | None = None,
        values: tuple[str | None, str | None, str | None] = (None, None, None),
        explanation: Explanation | None = None,
        detail: str | None = None,
    ) -> Difference:
        """The difference as shown (masked unless --unmask) and, kept in ``masked``, as recorded (always masked)."""
        level = self.items[item].sensitivity if item else Sensitivity.NONE

        def made(unmask: bool) -> Difference:
            legacy, expected, actual = (mask(v, level, unmask=unmask) for v in values)
            return Difference(
                code=code,
                line=line,
                key=self._key(key, unmask) if key is not None else "",
                item=item,
                legacy=legacy,
                expected=expected,
                actual=actual,
                explanation=explanation,
                detail=detail,
            )

        masked = made(False)
        self.masked.append(masked)
        return made(True) if self.unmask else masked

    def _key(self, values: list[Any], unmask: bool) -> str:
        return mask("|".join("" if v is None else str(v) for v in values), self.key_level, unmask=unmask) or ""

    # Summaries ----------------------------------------------------------------------------------------------

    def _item_summaries(
        self, compared: list[int], compared_rows: int, differences: list[Difference]
    ) -> tuple[ItemSummary, ...]:
        explained: dict[str, int] = defaultdict(int)
        unexplained: dict[str, int] = defaultdict(int)
        rules = self._mapping_rules(compared)
        for d in differences:
            if d.item is None:
                continue
            (unexplained if d.explanation is None else explained)[d.item] += 1
        return tuple(
            ItemSummary(
                item=(name := self.plans[i].item.romanized),
                name=self.plans[i].item.name,
                compared=compared_rows,
                agreed=compared_rows - explained[name] - unexplained[name],
                explained=explained[name],
                unexplained=unexplained[name],
                rule=rules[i][0] if i in rules else None,
                rule_values=rules[i][1] if i in rules else 0,
            )
            for i in compared
        )

    def _mapping_rules(self, compared: list[int]) -> dict[int, tuple[str, int]]:
        """Items whose values a recorded rule of the mapping makes other than the legacy text: a constant (every
        row) or a code table (the rows whose code it changed), with how many values — agreed, and why."""
        found: dict[int, tuple[str, int]] = {}
        counted: list[tuple[int, str, bool]] = []  # item, the rule's label, whether it is a constant
        for i in compared:
            plan = self.plans[i]
            spec = self.mapping.file.items.get(plan.item.romanized)
            if spec is not None and spec.value is not None:
                counted.append((i, language.say("定数（マッピング）", "constant (mapping)"), True))
                continue
            tables = [
                s.name.split(":", 1)[1] for s in plan.steps if isinstance(s, ValueStep) and s.name.startswith("code:")
            ]
            if tables:
                named = ", ".join(tables)
                counted.append((i, language.say(f"コード表 {named}", f"code table {named}"), False))
        if not counted:
            return found
        # One pass over the legacy rows: how many values the constant or the code table made.
        figures = ", ".join(
            f"count(e.v{i})"
            if constant
            else f"count(*) FILTER (WHERE trim({self.plans[i].initial}) IS DISTINCT FROM e.v{i} AND e.v{i} IS NOT NULL)"
            for i, _, constant in counted
        )
        row = self.con.execute(
            f"SELECT {figures} FROM exp e JOIN stage s ON s._line = e._line "
            "WHERE e._line NOT IN (SELECT _line FROM outcome WHERE _tid IS NULL)"  # the rows compared
        ).fetchone()
        return {i: (label, int(n)) for (i, label, _), n in zip(counted, row, strict=True)}

    def _totals(self, tolerances: Mapping[str, str]) -> tuple[TotalCheck, ...]:
        from fitgap.reconcile.totals import compare_totals, compute_totals, plan_totals

        names = {self.plans[i].item.romanized: (f"v{i}", f"t{i}") for i in range(len(self.plans)) if i in self.typed}
        specs = plan_totals(self.mapping.group, self.expected.keys, list(names), spec=self.mapping.spec)
        # The legacy side: the rows the conversion loads (its quarantine accounts for the others).
        source = ", ".join(f"{v} AS {quote(n)}" for n, (v, _) in names.items())
        target = ", ".join(f"{t} AS {quote(n)}" for n, (_, t) in names.items())
        # The keys are counted by the comparison already: the legacy rows compared hold each key once (a repeat is
        # skipped), and the target's repeats are the ones the join found.
        source_totals = compute_totals(
            self.con,
            f"(SELECT {source} FROM exp WHERE _line NOT IN (SELECT _line FROM excluded))",
            specs,
            key_repeats=0,
        )
        target_totals = compute_totals(
            self.con, f"(SELECT {target} FROM tgt)", specs, key_repeats=self.dup_rows - self.dup_keys
        )
        checks = compare_totals(specs, source_totals, target_totals, tolerances)
        # A min or max of a personal item (the oldest birth date) is one person's value: masked like any other.
        return tuple(
            c.model_copy(update={"source": self._mask(c.item, c.source), "target": self._mask(c.item, c.target)})
            if c.kind in ("min", "max") and c.item
            else c
            for c in checks
        )

    def _mask(self, item: str, value: str | None) -> str | None:
        return mask(value, self.items[item].sensitivity, unmask=self.unmask)


def _lineage(line: int | None) -> str | None:
    """Where a target row came from, when its table says (the published rows' lineage)."""
    if line is None:
        return None
    return language.say(f"元データ {line} 行目から変換された行", f"converted from legacy line {line}")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
