"""The steps of the main job, as library functions: the CLI commands and ``fitgap demo`` both call these.

convert (``converters``) → validate (``validation``) → readiness (this package), each step returning a model and
each report written by one function, so a command only parses options and prints what a step returns.
Import it inside a command: it loads the whole toolkit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from converters import Mapping, run_conversion
from converters.review import QuarantineReport, review_quarantine, write_request
from fitgap.assessment.scoring import ScoreReport
from fitgap.project import Thresholds
from fitgap.readiness import (
    ReadinessReport,
    assess_readiness,
    character_statuses,
    comparison_records,
    conversion_records,
    readiness_document,
)
from fitgap.reconcile.models import Reconciliation
from reports.excel_report import write_document
from reports.html import write_html
from reports.jsonout import to_json
from reports.tables import Document
from spec_catalog.database import RunRecord, connect_read_only, read_runs
from spec_catalog.models import Catalog
from validation import ValidationReport, junit_xml, read_suites, suites_for, validate, validation_document
from validation.gx_adapter import Pending

# One mapping's source into its target table: stage, transform, quarantine, publish in one transaction.
convert = run_conversion


def list_runs(db: Path) -> tuple[RunRecord, ...]:
    """Every conversion run recorded in the database, in start order."""
    con = connect_read_only(db)
    try:
        return tuple(read_runs(con))
    finally:
        con.close()


def validate_database(
    db: Path,
    catalog: Catalog,
    *,
    suites: Path | None = None,
    docs: Path | None = None,
    unmask: bool = False,
    allowed_characters: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ValidationReport:
    """The suites in ``suites`` (default: generated from the catalog for every converted table), run.

    Every rule's SQL is made from ``catalog``, never read from a suite file (:func:`validation.read_suite`).
    ``allowed_characters``: the municipality's decisions (see :func:`read_allowed_characters`), accepted in Ｎ
    items beside the standard's character set. ``progress``: told (phase, tables done, tables), see
    :func:`validation.validate`."""
    # GX's child process first: it imports GX (seconds) while this one reads the suites and plans the rules.
    gx = Pending()
    with gx.stopped_on_error():
        allowed = read_allowed_characters(allowed_characters) if allowed_characters is not None else frozenset()
        plans = read_suites(suites, catalog) if suites is not None else suites_for(db, catalog)
    return validate(
        db,
        plans,
        catalog,
        docs=docs,
        unmask=unmask,
        suites=suites,
        allowed=allowed,
        allowed_file=allowed_characters,
        progress=progress,
        gx=gx,
    )


def read_allowed_characters(path: Path) -> frozenset[str]:
    """The characters a municipality accepts beside the standard's set: from the decision record of ``moji
    apply`` (``gaiji-decisions.csv``) its characters decided そのまま (kept as they are), by their code points;
    from any other UTF-8 text file every character in it (whitespace aside; a line starting with # is a comment).
    An IVS sequence is one character."""
    import csv
    import io

    from fitgap.moji.apply import RECORD_HEADER
    from spec_catalog.base import FitgapError
    from spec_catalog.files import check_input_file
    from spec_catalog.language import say
    from spec_catalog.mj import characters

    hint = say(
        "'fitgap moji apply' の決定の記録（gaiji-decisions.csv）か、"
        "文字を書いた UTF-8 のテキストファイルを指定してください",
        "give the decision record of 'fitgap moji apply' (gaiji-decisions.csv) or a UTF-8 text file of characters",
    )
    what = say("許容する文字のファイル", "allowed-characters file")
    check_input_file(path, what, hint=hint)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FitgapError(
            say(f"{what}が UTF-8 ではありません", f"the {what} is not UTF-8"), where=path, hint=hint
        ) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0][: len(RECORD_HEADER)]) != RECORD_HEADER:
        lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
        return frozenset(ch for line in lines for ch in characters("".join(line.split())))
    shown, points, outcome = (RECORD_HEADER.index(n) for n in ("文字", "コードポイント", "反映"))
    allowed: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if len(row) <= outcome or row[outcome] != "そのまま":
            continue
        codes = row[points].split()
        try:
            if not all(c[:2].upper() == "U+" for c in codes):
                raise ValueError
            allowed.add("".join(chr(int(c[2:], 16)) for c in codes) if codes else row[shown])
        except ValueError:
            raise FitgapError(
                say(
                    f"{line} 行目: コードポイントの列が U+XXXX の形ではありません",
                    f"line {line}: the コードポイント column is not U+XXXX code points",
                ),
                where=path,
                hint=hint,
            ) from None
    return frozenset(ch for ch in allowed if ch)


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_validation_reports(
    report: ValidationReport,
    *,
    junit: Path | None = None,
    json_file: Path | None = None,
    xlsx: Path | None = None,
    html: Path | None = None,
    lang: str = "ja",
    municipality: str | None = None,
) -> list[Path]:
    """The validation report in each format asked for (people's reports in ``lang``, ``municipality`` in their
    printed header); returns the files written."""
    if junit is not None:
        _write_text(junit, junit_xml(report))
    if json_file is not None:
        _write_text(json_file, to_json(report) + "\n")
    if xlsx is not None or html is not None:
        _write_document(validation_document(report, lang, municipality), xlsx, html)
    return [p for p in (junit, json_file, xlsx, html) if p is not None]


def _write_document(document: Document, xlsx: Path | None, html: Path | None) -> None:
    if xlsx is not None:
        write_document(document, xlsx)
    if html is not None:
        write_html(document, html)


def readiness(
    db: Path,
    catalog: Catalog,
    *,
    municipality: str,
    businesses: tuple[str, ...],
    thresholds: Thresholds,
    assessment: ScoreReport | None,
    assessment_file: Path | None = None,
    validation: ValidationReport | None = None,
    on_validate: Callable[[], None] | None = None,
    gaiji_table: Path | None = None,
    allowed_characters: Path | None = None,
    suites: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ReadinessReport:
    """GO / NO-GO per business from the assessment, the conversion records and a validation, with the 文字同定
    status of each converted business (``gaiji_table``: the 外字 table decided, see ``moji apply``).

    Without ``validation``, the converted tables are validated now (``on_validate`` is told first; ``suites``
    and ``progress`` as for :func:`validate_database`). The report names its inputs: ``assessment_file`` is the
    snapshot ``assessment`` was read from."""
    from converters.mapping import read_gaiji_table

    records = conversion_records(db)
    if validation is None and records:
        if on_validate is not None:
            on_validate()
        validation = validate_database(
            db, catalog, suites=suites, allowed_characters=allowed_characters, progress=progress
        )
    gaiji = read_gaiji_table(gaiji_table, str(gaiji_table)) if gaiji_table is not None else None
    characters = character_statuses(db, catalog, businesses, gaiji) if records else {}
    return assess_readiness(
        municipality,
        businesses,
        catalog,
        thresholds,
        assessment,
        records,
        validation,
        assessment_file=assessment_file,
        characters=characters,
        gaiji_table=gaiji_table,
        comparisons=comparison_records(db),
    )


def write_readiness_reports(
    report: ReadinessReport,
    *,
    lang: str = "ja",
    xlsx: Path | None = None,
    html: Path | None = None,
    json_file: Path | None = None,
) -> list[Path]:
    """The readiness report in each format asked for; returns the files written."""
    if xlsx is not None or html is not None:
        _write_document(readiness_document(report, lang), xlsx, html)
    if json_file is not None:
        _write_text(json_file, to_json(report) + "\n")
    return [p for p in (xlsx, html, json_file) if p is not None]


def quarantine(
    db: Path,
    catalog: Catalog,
    *,
    mapping: Mapping | None = None,
    table: str | None = None,
    xlsx: Path | None = None,
    force: bool = False,
    unmask: bool = False,
    municipality: str | None = None,
) -> QuarantineReport:
    """The quarantine of the last published run of every mapping (or ``mapping``'s, or those filling ``table``),
    by item, reason and value (masked); with ``xlsx``, also ``mapping``'s cleansing-request workbook written
    there (none when it quarantined nothing; an existing file is kept unless ``force``; ``municipality``: the
    団体名 of its printed pages)."""
    report = review_quarantine(db, catalog, mapping=mapping.name if mapping else None, table=table, unmask=unmask)
    if xlsx is None or mapping is None or not any(m.values_quarantined for m in report.mappings):
        return report
    written = write_request(db, mapping, xlsx, force=force, unmask=unmask, municipality=municipality)
    return report.model_copy(update={"request": written})


def write_reconcile_reports(
    result: Reconciliation,
    *,
    junit: Path | None = None,
    json_file: Path | None = None,
    xlsx: Path | None = None,
    html: Path | None = None,
    unmask: bool = False,
    municipality: str | None = None,
) -> list[Path]:
    """The reconciliation of a conversion in each format asked for (``municipality``: the 団体名 of the report's
    page headers); returns the files written."""
    from fitgap.reconcile.report import junit_xml as reconcile_junit
    from fitgap.reconcile.report import reconcile_document

    if junit is not None:
        _write_text(junit, reconcile_junit(result))
    if json_file is not None:
        _write_text(json_file, to_json(result, unmask=unmask) + "\n")
    if xlsx is not None:
        write_document(reconcile_document(result, municipality=municipality), xlsx, unmask=unmask)
    if html is not None:
        write_html(reconcile_document(result, municipality=municipality), html, unmask=unmask)
    return [p for p in (junit, json_file, xlsx, html) if p is not None]


def reconcile(mapping: Mapping, db: Path, *, tolerances: dict[str, str] | None = None) -> Reconciliation:
    """現新比較 of the mapping's published run with its legacy file (:mod:`fitgap.reconcile.run`), recorded."""
    from fitgap.reconcile.run import reconcile_run

    return reconcile_run(mapping, db, tolerances=tolerances)
