"""Expectation suites on disk: Great Expectations' own JSON, with fitgap's rule ids in each ``meta``.

A suite file is data, never code: it holds no SQL, and the SQL of every rule is made when the file is read —
from the catalog for the catalog's rules, from the checked arguments for a custom expectation. QA reads, reviews
and keeps these files (in git); what they may change:

- a rule of the catalog (its ``meta.rule_id`` is one of the catalog's): only ``"severity"`` (error or warning)
  and ``"enabled"`` (false switches it off; deleting the expectation does too). Everything else of it — type,
  kwargs, description, items, code — is written for people and rebuilt from the catalog when read, so an edit
  there has no effect. A rule id the catalog no longer has is an error naming the file and the id.
- a custom expectation (no ``rule_id``, or one of the form ``TABLE.custom.NAME``): one of the GX column
  expectations of :data:`validation.rules.CUSTOM_EXPECTATIONS`, on a column of the group, with text values, an
  anchored regular expression (``^…$``) or lengths; its meta may give ``severity`` and ``description``.
- refused, with one line: ``unexpected_rows_expectation`` or any other SQL (``failing_sql``, queries, row
  conditions), another expectation type, an argument the type does not take, ``mostly``.

Writing never replaces a suite file (it may hold QA's edits) unless asked to (``--force``).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from spec_catalog.base import FitgapError, FrozenModel, InputFileError, UsageError
from spec_catalog.database import connect
from spec_catalog.files import check_input_file, exists_already, pydantic_message
from spec_catalog.language import say
from spec_catalog.models import Catalog, DataGroup, table_name
from spec_catalog.rules import RuleSeverity
from validation.rules import (
    CATALOG_RULE_EXPECTATION,
    CUSTOM_EXPECTATIONS,
    CustomArguments,
    Rule,
    RuleKind,
    SuitePlan,
    custom_sql,
    missing_arguments,
    plan_suite,
)

FORMAT = "fitgap-suite/2"  # 1 carried each rule's SQL; 2 carries none
CATALOG_RULE = "fitgap_catalog_rule"  # how a file shows a catalog rule that GX states with SQL: the SQL is not written
SQL_KEYS = frozenset({"failing_sql", "unexpected_rows_query", "row_condition", "condition_parser", "query", "sql"})


_REGENERATE = "'fitgap validate suite BUSINESS -o DIR --force'"


def _how_to_regenerate() -> str:
    return say(f"{_REGENERATE} で作り直してください", f"regenerate it with {_REGENERATE}")


def _expectation(index: int, kind: str | None = None) -> str:
    """How a message names an expectation of the file: its number, and its type when known."""
    if kind is None:
        return say(f"エクスペクテーション {index}", f"expectation {index}")
    return say(f"エクスペクテーション {index}（{kind}）", f"expectation {index} ({kind})")


def _suite_file() -> str:
    return say("スイートのファイル", "a suite file")


class _Expectation(BaseModel):
    model_config = ConfigDict(extra="allow")  # GX adds id, severity, notes … of its own
    type: str
    kwargs: dict[str, Any] = {}
    meta: dict[str, Any] | None = None


class _SuiteFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    expectations: list[_Expectation]
    meta: dict[str, Any] | None = None


def _written(rule: Rule) -> dict[str, Any]:
    if rule.expectation["type"] == CATALOG_RULE_EXPECTATION:
        return {"type": CATALOG_RULE, "kwargs": {}}
    return {"type": rule.expectation["type"], "kwargs": rule.expectation["kwargs"]}


def suite_json(plan: SuitePlan) -> dict[str, Any]:
    """The suite file of a plan: GX's JSON without any SQL (reading rebuilds each rule from the catalog)."""
    return {
        "name": plan.table,
        "meta": {
            "fitgap": {
                "format": FORMAT,
                "table": plan.table,
                "business_id": plan.business_id,
                "group": plan.group,
                "catalog": plan.catalog,
                "sample": plan.sample,
                "key": list(plan.key),
                "manual_checks": [m.model_dump() for m in plan.manual_checks],
            }
        },
        "expectations": [
            {
                **_written(r),
                "meta": {
                    "rule_id": r.rule_id,
                    "severity": r.severity,
                    "enabled": r.enabled,
                    "kind": r.kind.value,
                    "code": r.code.value if r.code else None,
                    "description": r.description,
                    "items": list(r.items),
                },
            }
            for r in plan.rules
        ],
    }


class WrittenSuite(FrozenModel):
    """What ``fitgap validate suite`` wrote for one group."""

    file: str
    table: str
    rules: int
    manual_checks: int


def suite_path(plan: SuitePlan, directory: Path) -> Path:
    return directory / f"{plan.table}.json"


def write_suites(plans: list[SuitePlan], directory: Path, *, force: bool = False) -> tuple[WrittenSuite, ...]:
    """One suite file per plan in ``directory``; an existing file is replaced only with ``force`` (and then
    none is written unless all may be)."""
    if not force:
        existing = [suite_path(p, directory) for p in plans if suite_path(p, directory).exists()]
        if existing:
            raise exists_already(existing[0], what=_suite_file())
    return tuple(
        WrittenSuite(
            file=str(write_suite(plan, directory, force=True)),
            table=plan.table,
            rules=len(plan.rules),
            manual_checks=len(plan.manual_checks),
        )
        for plan in plans
    )


def write_suite(plan: SuitePlan, directory: Path, *, force: bool = False) -> Path:
    """The suite file of one plan; an existing file is replaced only with ``force``."""
    path = suite_path(plan, directory)
    text = json.dumps(suite_json(plan), ensure_ascii=False, indent=2) + "\n"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with path.open("w" if force else "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise exists_already(path, what=_suite_file()) from None
    except OSError as exc:
        raise FitgapError(
            say(f"スイートを書き込めません: {exc.strerror}", f"cannot write the suite: {exc.strerror}"), where=path
        ) from None
    return path


# Reading ---------------------------------------------------------------------------------------------------


def _load(path: Path) -> _SuiteFile:
    if path.exists():
        check_input_file(path, say("スイートのファイル", "suite file"))  # a FIFO or a device would hang for ever
    try:
        return _SuiteFile.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(say("スイートのファイルが見つかりません", "suite file not found"), where=path) from None
    except (ValidationError, UnicodeDecodeError) as exc:
        detail = (
            pydantic_message(exc.errors()[0])
            if isinstance(exc, ValidationError)
            else say("UTF-8 ではありません", "not UTF-8")
        )
        raise InputFileError(
            say(f"検証スイートではありません（{detail}）", f"not an expectation suite ({detail})"),
            where=path,
            hint=say(
                "'fitgap validate suite BUSINESS -o DIR' で作ってください",
                "make one with 'fitgap validate suite BUSINESS -o DIR'",
            ),
        ) from None


def _group(data: _SuiteFile, catalog: Catalog, path: Path) -> tuple[SuitePlan, DataGroup]:
    """The catalog's plan for the group the suite is about (its meta.fitgap.table, else its name)."""
    info = (data.meta or {}).get("fitgap") or {}
    if not isinstance(info, dict):
        raise InputFileError(
            say("meta.fitgap がオブジェクトではありません", "meta.fitgap is not an object"),
            where=path,
            hint=_how_to_regenerate(),
        )
    if info.get("format") == "fitgap-suite/1":
        raise InputFileError(
            say(
                "以前の fitgap で書いたスイートで、SQL を含んでいます（fitgap-suite/1）",
                "the suite was written by an earlier fitgap and holds SQL (fitgap-suite/1)",
            ),
            where=path,
            hint=say(
                f"{_REGENERATE} で作り直し、severity と enabled の変更を移してください",
                f"{_how_to_regenerate()}, then carry over your severity and enabled changes",
            ),
        )
    table = str(info.get("table") or data.name)
    for spec in catalog.businesses:
        for group in spec.layouts:
            if table_name(spec.business_id, group.name) == table:
                return plan_suite(spec, group, catalog.name), group
    raise InputFileError(
        say(
            f"スイートはテーブル {table} のものですが、カタログ {catalog.name} にそのグループがありません",
            f"the suite is for table {table}, which catalog {catalog.name} has no group for",
        ),
        where=path,
        hint=say(
            "スイートを作ったときの --catalog を指定するか、スイートを取り除いてください",
            "give the --catalog the suite was made from, or remove the suite",
        ),
    )


def _refuse_sql(index: int, e: _Expectation, path: Path) -> None:
    label = _expectation(index, e.type)
    if e.type == "unexpected_rows_expectation":
        raise UsageError(
            say(
                f"{label}: unexpected_rows_expectation は使えません（スイートのファイルには SQL を書きません）",
                f"{label}: unexpected_rows_expectation is refused (a suite file holds no SQL)",
            ),
            where=path,
            hint=say(
                "列のエクスペクテーションで書いてください（docs/validation.md に一覧があります）",
                "state the check with a column expectation (docs/validation.md lists them)",
            ),
        )
    for where, values in (("kwargs", e.kwargs), ("meta", e.meta or {})):
        found = sorted(k for k in SQL_KEYS & set(values) if values[k] is not None)  # null carries no SQL
        if found:
            raise UsageError(
                say(
                    f"{label}: {where}.{found[0]} は使えません（スイートのファイルには SQL を書きません）",
                    f"{label}: {where}.{found[0]} is refused (a suite file holds no SQL)",
                ),
                where=path,
                hint=say(
                    "ルールの SQL はカタログから作ります。取り除いてください",
                    "a rule's SQL comes from the catalog: remove it",
                ),
            )


def _severity(index: int, meta: dict[str, Any], path: Path) -> RuleSeverity:
    severity = meta.get("severity", "error")
    if severity not in ("error", "warning"):
        raise UsageError(
            say(
                f"{_expectation(index)}: severity {severity!r} は error でも warning でもありません",
                f"{_expectation(index)}: severity {severity!r} is not error or warning",
            ),
            where=path,
        )
    return "warning" if severity == "warning" else "error"


def _enabled(index: int, meta: dict[str, Any], path: Path) -> bool:
    enabled = meta.get("enabled", True)
    if not isinstance(enabled, bool):
        raise UsageError(
            say(
                f"{_expectation(index)}: enabled {enabled!r} は true でも false でもありません",
                f"{_expectation(index)}: enabled {enabled!r} is not true or false",
            ),
            where=path,
        )
    return enabled


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1)
    return say(f"{close[0]} の書き間違いではありませんか？", f"did you mean {close[0]}?") if close else None


def _check_regex(label: str, regex: str, path: Path) -> None:
    import duckdb

    if not (regex.startswith("^") and regex.endswith("$") and not regex.endswith("\\$")):
        raise UsageError(
            say(f"{label}: 正規表現が ^ と $ で囲まれていません", f"{label}: the regex is not anchored"),
            where=path,
            hint=say(
                "^ で始めて $ で終えてください。値は全体で一致しなければなりません",
                "begin it with ^ and end it with $: a value must match as a whole",
            ),
        )
    con = connect(None)
    try:
        con.execute("SELECT regexp_matches('', ?)", [regex])
    except duckdb.Error as exc:
        detail = str(exc).splitlines()[0].split(": ", 1)[-1]
        raise UsageError(
            say(f"{label}: 正規表現として読めません（{detail}）", f"{label}: the regex does not compile ({detail})"),
            where=path,
            hint=say("RE2 の書き方で書いてください", "write it in RE2 syntax"),
        ) from None
    finally:
        con.close()


def _custom(index: int, e: _Expectation, plan: SuitePlan, group: DataGroup, path: Path) -> Rule:
    """A custom expectation in its declared, checked form; its SQL made from the checked arguments."""
    meta = e.meta or {}
    label = _expectation(index, e.type)
    if e.type not in CUSTOM_EXPECTATIONS:
        close = _did_you_mean(e.type, list(CUSTOM_EXPECTATIONS))
        kinds = ", ".join(t.removeprefix("expect_column_") for t in CUSTOM_EXPECTATIONS)
        raise UsageError(
            say(
                f"{label}: スイートに加えられるエクスペクテーションではありません",
                f"{label}: not an expectation a suite may add",
            ),
            where=path,
            hint=close or say(f"次のどれかを使ってください: {kinds}", f"use one of {kinds}"),
        )
    allowed = CUSTOM_EXPECTATIONS[e.type] | {"column"}
    unknown = sorted(set(e.kwargs) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed))
        hint = (
            say(
                "ルールはチェックエラー行をすべて数えます。代わりにそのエクスペクテーションの severity を warning に"
                "してください",
                "a rule counts every failing row: give the expectation severity warning instead",
            )
            if unknown[0] == "mostly"
            else say(f"{e.type} の引数は {takes} です", f"{e.type} takes {takes}")
        )
        raise UsageError(
            say(f"{label}: 引数 {unknown[0]!r} は使えません", f"{label}: argument {unknown[0]!r} is refused"),
            where=path,
            hint=hint,
        )
    try:
        arguments = CustomArguments.model_validate(e.kwargs)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "kwargs"
        raise UsageError(
            f"{label}: {where}: {pydantic_message(error)}",
            where=path,
            hint=say(
                "値は文字列（テーブルは文字列を持ちます）、長さは整数で書いてください",
                "values are text (the tables hold text), lengths whole numbers",
            ),
        ) from None
    missing = missing_arguments(e.type, arguments)
    if missing:
        needs = ", ".join(missing)
        raise UsageError(
            say(f"{label}: {missing[0]} がありません", f"{label}: no {missing[0]}"),
            where=path,
            hint=say(f"{e.type} には {needs} が必要です", f"{e.type} needs {needs}"),
        )
    columns = [i.romanized for i in group.items]
    if arguments.column not in columns:
        names = ", ".join(columns)
        raise UsageError(
            say(
                f"{label}: {arguments.column!r} は {plan.table} の列ではありません",
                f"{label}: {arguments.column!r} is not a column of {plan.table}",
            ),
            where=path,
            hint=_did_you_mean(arguments.column, columns) or say(f"列: {names}", f"columns: {names}"),
        )
    if arguments.regex is not None:
        _check_regex(label, arguments.regex, path)
    return Rule(
        rule_id=str(meta.get("rule_id") or f"{plan.table}.custom.{index}"),
        severity=_severity(index, meta, path),
        kind=RuleKind.CUSTOM,
        items=(arguments.column,),
        description=str(meta.get("description") or e.type),
        expectation={"type": e.type, "kwargs": arguments.model_dump(exclude_none=True)},
        failing_sql=custom_sql(plan.table, e.type, arguments),
        enabled=_enabled(index, meta, path),
    )


def read_suite(path: Path, catalog: Catalog) -> SuitePlan:
    """A suite file back as a plan, every rule's SQL made from ``catalog`` (never read from the file).

    A rule of the catalog is rebuilt from the catalog's rules: the file may change its ``severity`` and
    ``enabled``, nothing else (any other edit of it has no effect). A rule id the catalog does not have is an
    error naming the file and the id. A custom expectation must have the declared form of
    :data:`validation.rules.CUSTOM_EXPECTATIONS` on a column of the group. ``unexpected_rows_expectation`` and
    any SQL are refused. Each problem is one line (exit 2)."""
    data = _load(path)
    catalog_plan, group = _group(data, catalog, path)
    known = {r.rule_id: r for r in catalog_plan.rules}
    rules = []
    for index, e in enumerate(data.expectations, start=1):
        _refuse_sql(index, e, path)
        meta = e.meta or {}
        rule_id = meta.get("rule_id")
        if rule_id is not None and not isinstance(rule_id, str):
            raise UsageError(
                say(
                    f"{_expectation(index)}: rule_id {rule_id!r} が文字列ではありません",
                    f"{_expectation(index)}: rule_id {rule_id!r} is not text",
                ),
                where=path,
            )
        if rule_id in known:
            rules.append(
                known[rule_id].model_copy(
                    update={"severity": _severity(index, meta, path), "enabled": _enabled(index, meta, path)}
                )
            )
        elif rule_id is None or rule_id.startswith(f"{catalog_plan.table}.custom."):
            rules.append(_custom(index, e, catalog_plan, group, path))
        else:
            close = _did_you_mean(rule_id, list(known))
            own = f"{catalog_plan.table}.custom.NAME"
            raise UsageError(
                say(
                    f"{_expectation(index)}: ルール {rule_id} はカタログ {catalog.name} のルールではありません",
                    f"{_expectation(index)}: rule {rule_id} is not a rule of catalog {catalog.name}",
                ),
                where=path,
                hint=(f"{close} " if close else "")
                + say(
                    f"取り除くか、{_REGENERATE} で作り直してください。独自のチェックの rule_id は {own} です",
                    f"remove it, or {_how_to_regenerate()}; a check of your own is {own}",
                ),
            )
    ids = [r.rule_id for r in rules]
    if len(set(ids)) != len(ids):
        raise UsageError(
            say("二つのエクスペクテーションが同じ rule_id です", "two expectations share a rule_id"),
            where=path,
            hint=say("それぞれに別の rule_id を付けてください", "give each a rule_id of its own"),
        )
    return catalog_plan.model_copy(update={"rules": tuple(rules)})


def read_suites(directory: Path, catalog: Catalog) -> list[SuitePlan]:
    """Every suite file (``*.json``) of a folder, read with :func:`read_suite`; one file per table."""
    if not directory.is_dir():
        raise InputFileError(
            say("スイートのフォルダが見つかりません", "suite directory not found"),
            where=directory,
            hint=say(
                "'fitgap validate suite BUSINESS -o DIR' でスイートを書いてください",
                "write suites with 'fitgap validate suite BUSINESS -o DIR'",
            ),
        )
    files = sorted(directory.glob("*.json"))
    if not files:
        raise InputFileError(
            say("フォルダにスイートのファイル（*.json）がありません", "no suite files (*.json) in the directory"),
            where=directory,
        )
    plans: list[SuitePlan] = []
    seen: dict[str, Path] = {}
    for path in files:
        plan = read_suite(path, catalog)
        if plan.table in seen:
            raise UsageError(
                say(
                    f"テーブル {plan.table} のスイートのファイルが二つあります（ほかに {seen[plan.table].name}）",
                    f"two suite files for table {plan.table} (and {seen[plan.table].name})",
                ),
                where=path,
                hint=say("テーブルごとにスイートを一つにしてください", "keep one suite per table"),
            )
        seen[plan.table] = path
        plans.append(plan)
    return plans
