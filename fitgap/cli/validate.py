"""``fitgap validate …``: expectation suites from the catalog, run with Great Expectations on DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console
from fitgap.cli.convert import warn_unmasked
from fitgap.cli.defaults import allowed_characters as allowed_characters_default
from fitgap.cli.defaults import catalog_dir, database, municipality_name, project
from fitgap.cli.help_language import help_text
from fitgap.cli.options import (
    CatalogOption,
    DbOption,
    JsonOption,
    LangOption,
    ReportFiles,
    UnmaskOption,
    output_option,
    report_files,
    report_option,
)
from spec_catalog.language import say

app = typer.Typer(
    help=help_text(
        "変換したテーブルを Great Expectations で標準に照らして検証します。",
        "Validate converted tables against the standard with Great Expectations.",
    ),
    no_args_is_help=True,
)


@app.command(
    "suite",
    help=help_text(
        "カタログからグループごとに GX の検証スイートを一つ作ります（見直して git で管理してください）。\n\n"
        "スイートのファイルに SQL は入りません: 各ルールの SQL はスイートを実行するときにカタログから作ります。"
        "すでにあるスイートのファイルは --force なしには置き換えません。プロジェクトではその suites/ フォルダに"
        "書き、'validate run' がそこから読みます。\n\n"
        "例: fitgap validate suite 001/住民 -o suites/",
        "Write one GX expectation suite per group, generated from the catalog (review and keep them in git).\n\n"
        "A suite file holds no SQL: each rule's SQL is made from the catalog when the suite runs. An existing suite "
        "file is never replaced without --force. In a project they go to its suites/ folder, which 'validate run' "
        "then reads.\n\n"
        "Example: fitgap validate suite 001/住民 -o suites/",
    ),
)
def suite(
    target: Annotated[
        str,
        typer.Argument(
            help=help_text(
                "業務 または 業務/グループ（例: 001 または 001/住民）。",
                "BUSINESS or BUSINESS/GROUP, e.g. 001 or 001/住民.",
            )
        ),
    ],
    output: Annotated[
        Path | None,
        output_option(
            help_text(
                "スイートのファイルを書くフォルダ（グループごとに一つ）。",
                "Folder for the suite files (one per group).",
            ),
            show_default=help_text("プロジェクトの suites/", "the project's suites/"),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=help_text(
                "すでにあるスイートのファイルを置き換えます（手で直した内容があるかもしれません）。",
                "Replace suite files that exist (they may hold your edits).",
            ),
        ),
    ] = False,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write one GX expectation suite per group, generated from the catalog."""
    from reports.jsonout import to_json
    from spec_catalog import UsageError, resolve_catalog
    from validation import plan_suite, write_suites

    if output is None:
        found = project()
        if found is None:
            raise UsageError(
                say("スイートのファイルを書くフォルダがありません", "no folder for the suite files"),
                hint=say(
                    "-o DIR を指定するか、プロジェクトの中で実行してください（fitgap init）",
                    "give -o DIR, or run inside a project (fitgap init)",
                ),
            )
        output = found.root / "suites"
    resolved = resolve_catalog(catalog_dir(catalog))
    business, _, group_name = target.partition("/")
    spec = resolved.business(business)
    groups = [g for g in spec.layouts if not group_name or g.name == group_name]
    if not groups:
        business = f"{spec.business_id} {spec.name}"
        known = ", ".join(g.name for g in spec.layouts) or say("なし", "none")
        raise UsageError(
            say(f"{business} にグループ {group_name!r} はありません", f"{business} has no group {group_name!r}")
            if group_name
            else say(
                f"カタログに {business} のデータレイアウトがありません",
                f"{business} has no data layout in the catalog",
            ),
            hint=say(f"グループ: {known}", f"groups: {known}"),
        )
    written = write_suites([plan_suite(spec, group, resolved.name) for group in groups], output, force=force)
    if as_json:
        typer.echo(to_json(list(written)))
        return
    for w in written:
        console.print(
            say(
                f"{w.file} を書きました: ルール {w.rules} 件、手動確認の条件 {w.manual_checks} 件",
                f"Wrote {w.file}: {w.rules} rules, {w.manual_checks} conditions to check by hand.",
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@app.command(
    "run",
    help=help_text(
        "スイートを DuckDB のテーブルに対して実行し、チェックエラー行をすべて（マスクして）一覧にします。エラーの"
        "ルールがあれば終了コード 1 です。\n\n"
        "Ｎの項目には標準の文字集合（JIS X 0213、MJ）か --allowed-characters の文字だけが入ります"
        "（CHARACTER_NOT_IN_STANDARD。変換ではこれで移行エラーにはしません）。プロジェクトでは、suites/ フォルダに"
        "スイートがあればそれを（なければカタログから作ったものを）使い、帳票は --xlsx/--html/--json-file/--junit で"
        "ほかを指定しない限り出力フォルダ（validation.xlsx、.html、.json、validation-junit.xml）に書きます。"
        "GX Data Docs（--docs）では、スイートにテーブルの名前、実行に変換の実行の名前を付けます。\n\n"
        "例: fitgap validate run --db migration.duckdb --junit validation.xml --xlsx validation.xlsx",
        "Run the suites against the DuckDB tables; list every failing row (masked). Exit 1 when an error fails.\n\n"
        "Ｎ items hold only characters of the standard's set (JIS X 0213, MJ) or of --allowed-characters "
        "(CHARACTER_NOT_IN_STANDARD; the converter does not quarantine by it). In a project the suites are those of "
        "its suites/ folder when it holds any (else generated from the catalog), and the reports go to its output "
        "folder (validation.xlsx, .html, .json, validation-junit.xml) unless --xlsx/--html/--json-file/--junit name "
        "others. GX Data Docs (--docs) name each suite after its table and each run after the conversion run.\n\n"
        "Example: fitgap validate run --db migration.duckdb --junit validation.xml --xlsx validation.xlsx",
    ),
)
def run(
    db: DbOption = None,
    suites: Annotated[
        Path | None,
        typer.Option(
            "--suites",
            help=help_text(
                "スイートのフォルダ（'validate suite' で作ったもの）。--catalog に照らして読みます。",
                "Suite folder (made by 'validate suite'); read against --catalog.",
            ),
            show_default=help_text(
                "プロジェクトの suites/ にスイートがあればそれ、なければカタログから作ったもの",
                "the project's suites/ when it holds suite files, else generated from the catalog",
            ),
        ),
    ] = None,
    junit: Annotated[Path | None, report_option("junit", in_project="validation")] = None,
    json_file: Annotated[Path | None, report_option("json_file", "--json-out", in_project="validation")] = None,
    xlsx: Annotated[Path | None, report_option("xlsx", in_project="validation")] = None,
    html: Annotated[Path | None, report_option("html", in_project="validation")] = None,
    docs: Annotated[
        Path | None,
        typer.Option(
            "--docs",
            help=help_text("GX Data Docs もこのフォルダに作ります。", "Also build GX Data Docs into this folder."),
        ),
    ] = None,
    allowed_characters: Annotated[
        Path | None,
        typer.Option(
            "--allowed-characters",
            help=help_text(
                "標準の文字集合のほかに団体がＮの項目で認める文字: 'fitgap moji apply' の決定記録"
                "（gaiji-decisions.csv、行はそのまま）か、文字を並べた UTF-8 のテキストファイル"
                "（既定: fitgap.yaml のプロジェクトの moji.allowed）。",
                "Characters the municipality accepts in Ｎ items beside the standard's set: the decision record "
                "of 'fitgap moji apply' (gaiji-decisions.csv, rows kept as they are) or a UTF-8 text file of "
                "characters (default: the project's moji.allowed in fitgap.yaml).",
            ),
        ),
    ] = None,
    catalog: CatalogOption = None,
    unmask: UnmaskOption = False,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the suites against the DuckDB tables; list every failing row (masked). Exit 1 when an error fails."""
    from fitgap.cli.defaults import language
    from fitgap.cli.progress import VALIDATION, by_table, phases
    from fitgap.cli.render import print_validation
    from fitgap.pipeline import validate_database, write_validation_reports
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog

    warn_unmasked(unmask)
    db = database(db)
    resolved = resolve_catalog(catalog_dir(catalog))
    with phases(quiet=as_json) as steps:
        report = validate_database(
            db,
            resolved,
            suites=project_suites(suites),
            docs=docs,
            unmask=unmask,
            allowed_characters=allowed_characters_default(allowed_characters),
            progress=by_table(steps, VALIDATION),
        )
    files = report_files("validation", ReportFiles(xlsx, html, json_file, junit))
    written = write_validation_reports(
        report,
        junit=files.junit,
        json_file=files.json_file,
        xlsx=files.xlsx,
        html=files.html,
        lang=language(lang),
        municipality=municipality_name(),
    )
    if as_json:
        typer.echo(to_json(report))
    else:
        if report.allowed_characters_file is not None:  # perhaps from fitgap.yaml: say which decisions applied
            console.print(
                say(
                    f"許容する文字: {report.allowed_characters} 字（{report.allowed_characters_file}）",
                    f"Allowed characters: {report.allowed_characters} ({report.allowed_characters_file})",
                ),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        print_validation(console, report, [*written, *([docs] if docs is not None else [])], lang=language(lang))
    if not report.passed:
        raise typer.Exit(1)


def project_suites(option: Path | None) -> Path | None:
    """The suite folder: the option, else the project's suites/ when it holds suite files, else none (the suites
    are generated from the catalog)."""
    if option is not None:
        return option
    found = project()
    folder = found.root / "suites" if found is not None else None
    return folder if folder is not None and any(folder.glob("*.json")) else None
