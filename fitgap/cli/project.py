"""``fitgap init``: a migration project folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitgap.cli.console import console
from fitgap.cli.options import CatalogOption, JsonOption, WelfareOfficeOption


def init(
    directory: Annotated[Path, typer.Argument(help="The project folder to create.")],
    municipality: Annotated[str, typer.Option("--municipality", help="全国地方公共団体コード, e.g. 013455 (森町).")],
    welfare_office: WelfareOfficeOption = None,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a migration project: fitgap.yaml and folders for mappings, assessments, exports and reports.

    Example: fitgap init mori-migration --municipality 013455
    """
    from fitgap.profile import build_profile
    from fitgap.project import FOLDERS, create_project
    from reports.jsonout import to_json
    from spec_catalog import resolve_catalog
    from spec_catalog.vocab import standard_business

    profile = build_profile(municipality, resolve_catalog(catalog), welfare_office=welfare_office)
    project = create_project(directory, profile, str(catalog) if catalog else None)
    if as_json:
        typer.echo(to_json(project.settings))
        return
    console.print(
        f"Created {directory / 'fitgap.yaml'} for {profile.label}: {len(profile.businesses)} businesses "
        f"in scope; folders {', '.join(FOLDERS)}."
    )
    if profile.is_prefecture:
        console.print(
            "A prefecture: 生活保護 and 児童扶養手当, which it runs for its towns and villages without a 福祉事務所."
        )
    if profile.not_in_catalog:
        missing = ", ".join(
            f"{b} {entry.name}" if (entry := standard_business(b)) else b for b in profile.not_in_catalog
        )
        console.print(
            f"Also in scope but not in the catalog: {missing} — import their workbooks with "
            "'fitgap catalog import', then add them to businesses in fitgap.yaml."
        )
    console.print(f"Next: cd {directory} && fitgap assess template -o assessments/assessment.xlsx")
