"""Expectation suites on disk: Great Expectations' own JSON, with fitgap's rule ids in each ``meta``.

QA reads, reviews and keeps these files; to switch a rule off set ``"enabled": false`` in its meta (or
delete it), to change its severity edit ``"severity"``, and to add a check write any GX expectation (its
meta may give a ``rule_id`` and ``severity``; otherwise it is ``custom.N`` and an error).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.codes import Code
from validation.rules import ManualCheck, Rule, RuleKind, SuitePlan

FORMAT = "fitgap-suite/1"


class _Expectation(BaseModel):
    model_config = ConfigDict(extra="allow")  # GX adds id, severity, notes … of its own
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any] = {}


class _SuiteFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    expectations: list[_Expectation]
    meta: dict[str, Any] = {}


def suite_json(plan: SuitePlan) -> dict[str, Any]:
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
                "type": r.expectation["type"],
                "kwargs": r.expectation["kwargs"],
                "meta": {
                    "rule_id": r.rule_id,
                    "severity": r.severity,
                    "kind": r.kind.value,
                    "description": r.description,
                    "items": list(r.items),
                    "failing_sql": r.failing_sql,
                    "references": r.references,
                    "enabled": r.enabled,
                    "code": r.code.value if r.code else None,
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


def write_suites(plans: list[SuitePlan], directory: Path) -> tuple[WrittenSuite, ...]:
    """One suite file per plan in ``directory``."""
    return tuple(
        WrittenSuite(
            file=str(write_suite(plan, directory)),
            table=plan.table,
            rules=len(plan.rules),
            manual_checks=len(plan.manual_checks),
        )
        for plan in plans
    )


def write_suite(plan: SuitePlan, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{plan.table}.json"
    path.write_text(json.dumps(suite_json(plan), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def read_suite(path: Path) -> SuitePlan:
    """A suite file back as a plan; unknown (user-added) expectations become custom rules."""
    try:
        data = _SuiteFile.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FitgapError("suite file not found", where=path) from None
    except (ValidationError, UnicodeDecodeError) as exc:
        detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else "not UTF-8"
        raise FitgapError(
            f"not an expectation suite ({detail})",
            where=path,
            hint="make one with 'fitgap validate suite BUSINESS -o DIR'",
        ) from None
    info = data.meta.get("fitgap") or {}
    table = str(info.get("table") or data.name)
    rules = []
    for index, e in enumerate(data.expectations, start=1):
        meta = e.meta or {}
        severity = meta.get("severity", "error")
        if severity not in ("error", "warning"):
            raise FitgapError(f"expectation {index}: severity {severity!r} is not error or warning", where=path)
        known = meta.get("kind") in {k.value for k in RuleKind}
        rules.append(
            Rule(
                rule_id=str(meta.get("rule_id") or f"{table}.custom.{index}"),
                severity=severity,
                kind=RuleKind(meta["kind"]) if known else RuleKind.CUSTOM,
                items=tuple(meta.get("items") or ()),
                description=str(meta.get("description") or e.type),
                expectation={"type": e.type, "kwargs": e.kwargs},
                failing_sql=meta.get("failing_sql"),
                references=meta.get("references"),
                enabled=bool(meta.get("enabled", True)),
                code=Code(meta["code"]) if meta.get("code") in Code.__members__ else None,
            )
        )
    ids = [r.rule_id for r in rules]
    if len(set(ids)) != len(ids):
        raise FitgapError("two expectations share a rule_id", where=path, hint="give each a rule_id of its own")
    return SuitePlan(
        table=table,
        business_id=str(info.get("business_id", "")),
        group=str(info.get("group", "")),
        catalog=str(info.get("catalog", "")),
        sample=bool(info.get("sample", False)),
        key=tuple(info.get("key") or ()),
        rules=tuple(rules),
        manual_checks=tuple(ManualCheck.model_validate(m) for m in info.get("manual_checks") or ()),
    )


def read_suites(directory: Path) -> list[SuitePlan]:
    if not directory.is_dir():
        raise FitgapError(
            "suite directory not found",
            where=directory,
            hint="write suites with 'fitgap validate suite BUSINESS -o DIR'",
        )
    files = sorted(directory.glob("*.json"))
    if not files:
        raise FitgapError("no suite files (*.json) in the directory", where=directory)
    return [read_suite(p) for p in files]
