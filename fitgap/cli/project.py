"""``fitgap init``: a migration project folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console
from fitgap.cli.help_language import help_text
from fitgap.cli.options import CatalogOption, JsonOption, LangOption, WelfareOfficeOption

HELP = help_text(
    "移行プロジェクトを作ります: fitgap.yaml と、マッピング・調査票・出力ファイル・帳票のフォルダ。--lang を付けると、"
    "その言語をプロジェクトの language: にします。\n\n例: fitgap init mori-migration --municipality 013455",
    "Create a migration project: fitgap.yaml and folders for mappings, assessments, exports and reports. With "
    "--lang, that language becomes the project's language:.\n\n"
    "Example: fitgap init mori-migration --municipality 013455",
)


def init(
    directory: Annotated[
        Path, typer.Argument(help=help_text("作るプロジェクトのフォルダ。", "The project folder to create."))
    ],
    municipality: Annotated[
        str,
        typer.Option(
            "--municipality",
            help=help_text(
                "全国地方公共団体コード（例: 013455 森町）。", "全国地方公共団体コード, e.g. 013455 (森町)."
            ),
        ),
    ],
    welfare_office: WelfareOfficeOption = None,
    catalog: CatalogOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    from fitgap.profile import build_profile
    from fitgap.project import FOLDERS, create_project
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog
    from spec_catalog.language import say
    from spec_catalog.vocab import standard_business

    profile = build_profile(municipality, resolve_catalog(catalog), welfare_office=welfare_office)
    project = create_project(
        directory, profile, str(catalog) if catalog else None, language=lang.value if lang is not None else "ja"
    )
    if as_json:
        typer.echo(to_json(project.settings))
        return
    settings, count, folders = directory / "fitgap.yaml", len(profile.businesses), ", ".join(FOLDERS)
    console.print(
        say(
            f"{profile.label} の {settings} を作りました: 対象 {count} 業務、フォルダ {folders}",
            f"Created {settings} for {profile.label}: {count} businesses in scope; folders {folders}.",
        )
    )
    if profile.is_prefecture:
        console.print(
            say(
                "都道府県: 福祉事務所のない町村に代わって行う生活保護と児童扶養手当が対象です",
                "A prefecture: 生活保護 and 児童扶養手当, which it runs for its towns and villages without a "
                "福祉事務所.",
            )
        )
    if profile.not_in_catalog:
        missing = ", ".join(
            f"{b} {entry.name}" if (entry := standard_business(b)) else b for b in profile.not_in_catalog
        )
        console.print(
            say(
                f"ほかにも対象ですがカタログにない業務: {missing} — 'fitgap catalog import' で仕様書を取り込み、"
                "fitgap.yaml の businesses に加えてください",
                f"Also in scope but not in the catalog: {missing} — import their workbooks with "
                "'fitgap catalog import', then add them to businesses in fitgap.yaml.",
            )
        )
    console.print(
        say(
            f"次に: cd {directory} && fitgap assess template -o assessments/assessment.xlsx",
            f"Next: cd {directory} && fitgap assess template -o assessments/assessment.xlsx",
        )
    )


# Typer takes a command's help from its docstring: the command is registered in fitgap/cli/__init__.py.
