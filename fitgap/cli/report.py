"""``fitgap report readiness``: go / no-go per business for the cutover."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitgap.cli.console import console
from fitgap.cli.defaults import allowed_characters, catalog_dir, database, language, project
from fitgap.cli.help_language import help_text
from fitgap.cli.options import CatalogOption, DbOption, JsonOption, LangOption, ReportFiles, report_files, report_option
from spec_catalog.language import say

if TYPE_CHECKING:
    from validation import ValidationReport

app = typer.Typer(
    help=help_text(
        "Fit & Gap、変換、検証をまとめた帳票。", "Reports that combine Fit & Gap, conversion and validation."
    ),
    no_args_is_help=True,
)


@app.command(
    "readiness",
    help=help_text(
        "Fit & Gap の状況、変換記録、検証をまとめ、業務ごとに GO / NO-GO（移行可 / 移行不可）を判定します。\n\n"
        "NO-GO の業務があれば終了コード 1 です。プロジェクトでは、基準は fitgap.yaml から、評価は最新の評価"
        "（記録された時刻で）のスナップショット、検証は suites/ フォルダにスイートがあればそれを使い、帳票は "
        "--xlsx/--html/--json-file でほかを指定しない限り出力フォルダ（readiness.xlsx、.html、.json）に書きます。"
        "どの帳票にも入力、ツールのバージョン、作成日時を記載します。\n\n"
        "例: fitgap report readiness --assessment history/2026-11-26_assessment_20261126T101500.json --html r.html",
        "Combine the Fit & Gap status, the conversion records and the validation into a go / no-go per business."
        "\n\n"
        "Exits 1 when a business is NO-GO. In a project, thresholds come from fitgap.yaml, the assessment is the "
        "snapshot of the latest scoring (by the time recorded in it), the validation uses its suites/ folder when it "
        "holds suite files, and the reports go to its output folder (readiness.xlsx, .html, .json) unless "
        "--xlsx/--html/--json-file name others. Every report names its inputs, the tool version and 作成日時.\n\n"
        "Example: fitgap report readiness --assessment history/2026-11-26_assessment_20261126T101500.json "
        "--html r.html",
    ),
)
def readiness(
    municipality: Annotated[
        str | None,
        typer.Option(
            "--municipality",
            help=help_text(
                "全国地方公共団体コード（既定: プロジェクトのもの）。",
                "全国地方公共団体コード (default: the project's).",
            ),
        ),
    ] = None,
    assessment: Annotated[
        Path | None,
        typer.Option(
            "--assessment",
            help=help_text(
                "採点済みの評価（JSON）。既定: プロジェクトの最新のもの。",
                "A scored assessment (JSON); default: the project's latest.",
            ),
        ),
    ] = None,
    validation: Annotated[
        Path | None,
        typer.Option(
            "--validation",
            help=help_text(
                "検証の帳票（JSON）。既定: いまデータベースを検証します。",
                "A validation report (JSON); default: validate the database now.",
            ),
        ),
    ] = None,
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="readiness")] = None,
    html: Annotated[Path | None, report_option("html", in_project="readiness")] = None,
    json_file: Annotated[Path | None, report_option("json_file", in_project="readiness")] = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Combine the Fit & Gap status, the conversion records and the validation into a go / no-go per business."""
    from fitgap.assessment.history import load_snapshot
    from fitgap.cli.progress import VALIDATION, by_table, phases
    from fitgap.cli.validate import project_suites
    from fitgap.pipeline import readiness as readiness_of
    from fitgap.pipeline import write_readiness_reports
    from fitgap.profile import build_profile
    from fitgap.project import Thresholds
    from fitgap.readiness import latest_snapshot
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog

    found = project()
    resolved = resolve_catalog(catalog_dir(catalog))
    code = municipality or (found.settings.municipality if found else None)
    if code is None:
        raise UsageError(
            say("団体が指定されていません", "no municipality"),
            hint=say(
                "--municipality CODE を指定するか、プロジェクトの中で実行してください（fitgap init）",
                "give --municipality CODE or run inside a project (fitgap init)",
            ),
        )
    if found is not None and code == found.settings.municipality:
        businesses, thresholds = found.settings.businesses, found.settings.thresholds
    else:
        businesses, thresholds = build_profile(code, resolved).businesses, Thresholds()
    profile = build_profile(code, resolved, businesses=list(businesses))
    if assessment is None and found is not None:
        assessment = latest_snapshot(found.history)
    checked = _read_validation(validation) if validation is not None else None
    with phases(quiet=as_json) as steps:
        report = readiness_of(
            database(db),
            resolved,
            municipality=profile.label,
            businesses=businesses,
            thresholds=thresholds,
            assessment=load_snapshot(assessment) if assessment is not None else None,
            assessment_file=assessment,
            validation=checked,
            allowed_characters=allowed_characters(None),
            suites=project_suites(None),
            progress=by_table(steps, VALIDATION),
        )
    files = report_files("readiness", ReportFiles(xlsx, html, json_file), ("xlsx", "html", "json_file"))
    lang_code = language(lang)
    written = write_readiness_reports(
        report, lang=lang_code, xlsx=files.xlsx, html=files.html, json_file=files.json_file
    )
    if as_json:
        typer.echo(to_json(report))
    else:
        from fitgap.cli.render import print_readiness

        print_readiness(console, report, written, lang_code)
    if report.no_go:
        raise typer.Exit(1)


def _read_validation(path: Path) -> ValidationReport:
    """A validation report written by ``fitgap validate run --json-file``, or one line saying what it is not."""
    from pydantic import ValidationError

    from spec_catalog import FitgapError
    from spec_catalog.files import check_input_file, pydantic_message
    from validation import ValidationReport

    fix = say(
        "'fitgap validate run --json-file FILE' で書いた JSON ファイルを指定してください",
        "give the JSON file written by 'fitgap validate run --json-file FILE'",
    )
    check_input_file(path, say("検証の帳票", "validation report"), hint=fix)
    try:
        return ValidationReport.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(part) for part in first["loc"])
        said = pydantic_message(first)
        problem = say(f"{at}: {said}", f"{said} at {at}") if at else said
        raise FitgapError(
            say(f"検証の帳票ではありません（{problem}）", f"not a validation report ({problem})"), where=path, hint=fix
        ) from None
