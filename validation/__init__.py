"""Validation of the converted tables ahead of the cutover, with Great Expectations on DuckDB.

Suites come from the rules of :mod:`spec_catalog.rules` (the converter quarantines by the same rules), one per
catalog group; QA keeps them as GX JSON files and may switch rules off, change a severity or add column
expectations of their own. A suite file is data: it holds no SQL, and :func:`read_suites` makes every rule's SQL
from the catalog it is given. A run counts with plain SQL, beside GX, every rule GX translates into a built-in
expectation, and the rows of every catalog rule GX fails (and fails a rule where the two disagree), lists every
failing row (masked), checks the conversion records, and reports — with its inputs — as
JSON, JUnit XML, Excel and HTML.

Public API: :func:`plan_suite`, :func:`write_suites`, :func:`read_suites` (against a catalog), :func:`suites_for`,
:func:`validate` (returning :class:`ValidationReport`), :func:`junit_xml`, :func:`validation_document`.
"""

from __future__ import annotations

from validation.report import junit_xml, validation_document
from validation.rules import Rule, SuitePlan, plan_suite
from validation.runner import RuleResult, RunCheck, TableResult, ValidationReport, suites_for, validate
from validation.suites import WrittenSuite, read_suite, read_suites, write_suite, write_suites

__all__ = [
    "Rule",
    "RuleResult",
    "RunCheck",
    "SuitePlan",
    "TableResult",
    "ValidationReport",
    "WrittenSuite",
    "junit_xml",
    "plan_suite",
    "read_suite",
    "read_suites",
    "suites_for",
    "validate",
    "validation_document",
    "write_suite",
    "write_suites",
]
