"""A migration project: a folder with ``fitgap.yaml`` whose settings give every command its defaults.

Commands run anywhere inside the folder find it the way git finds a repository: in the current folder or
the nearest parent. Paths in the settings are relative to the project and may not leave it unless
``allow_outside_paths`` says so.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from fitgap.profile import MunicipalityProfile
from fitgap.reconcile.totals import TOTAL_KINDS
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.files import load_yaml_model
from spec_catalog.language import Language, say

SETTINGS = "fitgap.yaml"

FOLDERS = ("mappings", "assessments", "exports", "reports", "suites")


class Thresholds(FrozenModel):
    """What a business needs for a GO in the readiness report."""

    max_forced_gaps_unresolved: int = 0
    max_mandatory_undecided: int = 0
    min_assessment_readiness: float = Field(default=0.8, ge=0, le=1)
    max_quarantine_rate: float = Field(default=0.01, ge=0, le=1)  # quarantined ÷ read, per business
    max_validation_errors: int = 0
    max_reconcile_differences: int = 0  # unexplained differences in the latest reconciliations, per business


class MojiSettings(FrozenModel):
    """文字同定: the characters the municipality's decisions allow beyond the standard's set."""

    # A decisions file (moji apply's 外字 table, or a list of characters) that validation's character-set rule
    # allows; relative to the project.
    allowed: str | None = None


class ReconcileSettings(FrozenModel):
    """現新比較: tolerances of the control totals, by total kind (rows, rows_per_code, distinct_keys,
    distinct_values, sum, min, max, unknown_dates) or by item (romanized name); "0" (exact, the default), an
    amount ("5") or a rate ("0.1%")."""

    tolerances: dict[str, str] = Field(default_factory=dict)

    @field_validator("tolerances")
    @classmethod
    def _known_keys(cls, value: dict[str, str]) -> dict[str, str]:
        # A key is a total kind or an item's romanized name (lower case, digits, underscores); a key close to a
        # kind is a typo of it, which would silently leave that kind exact.
        for key in value:
            if key in TOTAL_KINDS:
                continue
            close = difflib.get_close_matches(key, TOTAL_KINDS, n=1, cutoff=0.8)
            if close or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
                hint = (
                    say(f" — {close[0]} の書き間違いではありませんか？", f" — did you mean {close[0]}?")
                    if close
                    else ""
                )
                kinds = ", ".join(TOTAL_KINDS)
                raise ValueError(
                    say(
                        f"許容差のキー {key!r} は管理合計の種類（{kinds}）でも項目のローマ字名でもありません{hint}",
                        f"tolerance key {key!r} is neither a total kind ({kinds}) nor an item's romanized name{hint}",
                    )
                )
        return value


class ProjectSettings(FrozenModel):
    municipality: str
    name: str
    businesses: tuple[str, ...]
    welfare_office: bool
    catalog: str | None = None  # a catalog directory (fitgap catalog import); the embedded one when empty
    database: str = "migration.duckdb"
    output: str = "reports"
    language: Literal["ja", "en"] = "ja"
    masking: bool = True
    thresholds: Thresholds = Thresholds()
    moji: MojiSettings = MojiSettings()
    reconcile: ReconcileSettings = ReconcileSettings()
    allow_outside_paths: bool = False

    @field_validator("masking")
    @classmethod
    def _always(cls, value: bool) -> bool:
        if not value:
            raise ValueError(
                say(
                    "masking は設定では無効にできません: 権限のある人がコマンドごとに --unmask を付けてください",
                    "masking cannot be switched off in the settings: authorised users give --unmask on each command",
                )
            )
        return value


class Project:
    def __init__(self, root: Path, settings: ProjectSettings) -> None:
        self.root, self.settings = root, settings

    def path(self, text: str, what: str) -> Path:
        """``text`` of the settings as a path; ``what``: what it names, in the run's language."""
        raw = Path(text)
        path = raw if raw.is_absolute() else self.root / raw
        if not self.settings.allow_outside_paths and (
            raw.is_absolute() or not path.resolve().is_relative_to(self.root.resolve())
        ):
            raise FitgapError(
                say(
                    f"{what} '{text}' がプロジェクトのフォルダの外を指しています",
                    f"{what} '{text}' leaves the project folder",
                ),
                where=self.root / SETTINGS,
                hint=say(
                    "プロジェクトの中に置くか、allow_outside_paths: true を設定してください",
                    "keep it inside the project, or set allow_outside_paths: true",
                ),
            )
        return path

    @property
    def database(self) -> Path:
        return self.path(self.settings.database, say("データベース", "database"))

    @property
    def output(self) -> Path:
        return self.path(self.settings.output, say("出力フォルダ", "output folder"))

    @property
    def catalog(self) -> Path | None:
        return self.path(self.settings.catalog, say("カタログ", "catalog")) if self.settings.catalog else None

    @property
    def history(self) -> Path:
        return self.root / "assessments" / "history"

    @property
    def allowed_characters(self) -> Path | None:
        allowed = self.settings.moji.allowed
        return self.path(allowed, "moji.allowed") if allowed else None


def find_project(start: Path | None = None) -> Project | None:
    """The project whose fitgap.yaml is in ``start`` (the current folder) or the nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        settings = folder / SETTINGS
        if settings.is_file():
            return Project(folder, load_yaml_model(settings, ProjectSettings))
    return None


def _inside(root: Path, catalog: Path) -> str:
    """The catalog folder as fitgap.yaml writes it: relative to the project, where every later command reads it
    (given as typed, relative to the current folder, it would point elsewhere once read from the project)."""
    target = catalog.resolve()
    try:
        return target.relative_to(root.resolve()).as_posix()
    except ValueError:
        raise FitgapError(
            say(
                f"カタログのフォルダ {catalog} がプロジェクトのフォルダ {root} の外にあります",
                f"the catalog folder {catalog} is outside the project folder {root}",
            ),
            hint=say(
                f"プロジェクトの中に取り込むか写して（例: fitgap catalog import FILE -o {root / 'catalog'}）、"
                "そのフォルダを指定してください",
                f"import or copy it into the project (e.g. fitgap catalog import FILE -o {root / 'catalog'}) "
                "and give that folder",
            ),
        ) from None


def create_project(
    root: Path, profile: MunicipalityProfile, catalog: str | None = None, language: Language = "ja"
) -> Project:
    """A new project folder with its settings and sub-folders; an existing fitgap.yaml is never overwritten.
    ``language``: the project's (``language:``); the comments of fitgap.yaml are in the run's."""
    settings_path = root / SETTINGS
    if settings_path.exists():
        raise FitgapError(
            say("ここにはすでにプロジェクトがあります", "a project exists here already"),
            where=settings_path,
            hint=say("別のフォルダを指定してください", "choose another folder"),
        )
    if catalog is not None:
        catalog = _inside(root, Path(catalog))
    settings = ProjectSettings(
        municipality=profile.code,
        name=profile.name,
        businesses=profile.businesses,
        welfare_office=profile.welfare_office,
        catalog=catalog,
        language=language,
    )
    root.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        (root / folder).mkdir(exist_ok=True)
    lines = [
        say(f"# fitgap の移行プロジェクト: {profile.label}", f"# fitgap migration project: {profile.label}"),
        say(
            "# このフォルダの中で実行する fitgap のコマンドは、ここの設定を既定値にします。",
            "# Every fitgap command run inside this folder takes its defaults from here.",
        ),
        f"municipality: '{settings.municipality}'",
        f"name: {settings.name}",
        f"welfare_office: {'true' if settings.welfare_office else 'false'}   "
        + say(
            "# false: 生活保護と児童扶養手当は都道府県が行います",
            "# false: 生活保護 and 児童扶養手当 are the prefecture's",
        ),
        "businesses: [" + ", ".join(f"'{b}'" for b in settings.businesses) + "]",
        f"catalog: {settings.catalog or 'null'}   "
        + say(
            "# 'fitgap catalog import' で作ったカタログのフォルダ。null は組み込みのサンプル",
            "# a catalog folder from 'fitgap catalog import'; null = the embedded sample",
        ),
        f"database: {settings.database}",
        f"output: {settings.output}",
        f"language: {settings.language}   " + say("# ja（日本語）または en（英語）", "# ja or en"),
        "masking: true   "
        + say(
            "# 常に true: 個人情報を見るには、権限のある人がコマンドに --unmask を付けます",
            "# always: --unmask, given on a command, is the only way to see personal data",
        ),
        "thresholds:   "
        + say(
            "# 'fitgap report readiness' で業務が GO になる基準",
            "# what a business needs for GO in 'fitgap report readiness'",
        ),
        *(f"  {k}: {v}" for k, v in settings.thresholds.model_dump().items()),
        "allow_outside_paths: false",
    ]
    settings_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    project = find_project(root)
    assert project is not None
    return project
