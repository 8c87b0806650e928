"""Catalog directories: one readable YAML file per business and version, plus ``catalog.yaml``.

The embedded catalog (``spec_catalog/data``) is a directory of the same format, so what a user imports
and what ships with the toolkit are read by the same code.

A directory may hold several versions of one business. Which one a catalog uses (:func:`in_use`): **the latest
import, unless versions say otherwise** — when the latest import states a version, the file with the highest
comparable version is used (importing an older 版 to compare it does not replace the newer one); when it states
none there is nothing to compare, so it is used. Version labels compare only within one form (第2.0版 <
第2.1版; 令和5年3月 < 令和5年9月).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from spec_catalog.base import CatalogError, FitgapError, FrozenModel
from spec_catalog.files import load_yaml_model, read_yaml
from spec_catalog.language import say
from spec_catalog.models import BusinessLink, BusinessSpec, Catalog
from spec_catalog.sensitivity import infer_sensitivity
from spec_catalog.vocab import (
    STANDARD_BUSINESSES,
    BusinessKind,
    Source,
    VersionSource,
    standard_business,
)

EMBEDDED_DIR = Path(__file__).parent / "data"
MANIFEST = "catalog.yaml"
EMBEDDED = "embedded"
UNVERSIONED = "unversioned"  # names the files without a version in a DIR@VERSION reference
ERA_MONTH = re.compile(r"(令和|平成)\s*(\d+|元)\s*年\s*(\d{1,2})\s*月")
_ERA_START = {"平成": 1988, "令和": 2018}  # 平成1年 = 1989, 令和1年 = 2019


class CatalogManifest(FrozenModel):
    """``catalog.yaml``: the catalog's name and the links between its businesses."""

    name: str
    description: str | None = None
    links: tuple[BusinessLink, ...] = ()


def version_key(version: str | None) -> tuple[int, ...]:
    """Sort key of a 「第N.N版」 version text: (5, 0) for 第5.0版; unknown versions sort first."""
    if not version:
        return ()
    return tuple(int(part) for part in re.findall(r"\d+", version))


def version_rank(version: str | None) -> tuple[str, tuple[int, ...]] | None:
    """("edition", (2, 1)) for 第2.1版, ("month", (2023, 9)) for 令和5年9月; None without a version."""
    if not version:
        return None
    text = unicodedata.normalize("NFKC", version)
    if match := ERA_MONTH.search(text):
        era, year, month = match.groups()
        return "month", (_ERA_START[era] + (1 if year == "元" else int(year)), int(month))
    numbers = tuple(int(n) for n in re.findall(r"\d+", text))
    return ("edition", numbers) if numbers else ("text", ())


def compare_versions(a: str | None, b: str | None) -> int | None:
    """-1, 0 or 1 when two labels can be compared; None when they cannot (a missing version, or two forms)."""
    ra, rb = version_rank(a), version_rank(b)
    if ra is None or rb is None or ra[0] != rb[0]:
        return None
    if ra[0] == "text":  # labels without numbers: only the same label compares (as equal)
        return 0 if a == b else None
    return (ra[1] > rb[1]) - (ra[1] < rb[1])


def business_file_name(spec: BusinessSpec) -> str:
    """``031.yaml`` for an unversioned business, ``001_v5.0.yaml`` for 第5.0版, ``031_m2023-09.yaml`` for 令和5年9月."""
    if not spec.spec_version:
        return f"{spec.business_id}.yaml"
    rank = version_rank(spec.spec_version)
    if rank is not None and rank[0] == "edition":
        slug = "v" + ".".join(str(n) for n in rank[1])
    elif rank is not None and rank[0] == "month":
        slug = f"m{rank[1][0]}-{rank[1][1]:02d}"
    else:
        slug = re.sub(r"[^0-9A-Za-z.]+", "-", spec.spec_version).strip("-")
    return f"{spec.business_id}_{slug or 'version'}.yaml"


def load_business_file(path: Path) -> BusinessSpec:
    return load_yaml_model(path, BusinessSpec)


def _business_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name != MANIFEST)


def in_use(files: list[tuple[Path, BusinessSpec]]) -> tuple[Path, BusinessSpec]:
    """Which of the files of one business (in file-name order) a catalog uses: the latest import unless versions
    say otherwise (see the module's docstring). Files without an import number (written by hand) count as
    imported before every numbered one, in file-name order."""
    order = {path: position for position, (path, _) in enumerate(files)}
    latest = max(files, key=lambda f: (f[1].import_number or 0, order[f[0]]))
    if not latest[1].spec_version:
        return latest
    comparable = [f for f in files if compare_versions(f[1].spec_version, latest[1].spec_version) is not None]
    return max(comparable, key=lambda f: (version_rank(f[1].spec_version), f[1].import_number or 0, order[f[0]]))


def business_versions(directory: Path) -> dict[str, list[tuple[Path, BusinessSpec]]]:
    """Every business file of ``directory``, by 業務ID, in file-name order."""
    found: dict[str, list[tuple[Path, BusinessSpec]]] = {}
    for path in _business_files(directory):
        spec = load_business_file(path)
        found.setdefault(spec.business_id, []).append((path, spec))
    return found


def _check_directory(directory: Path) -> None:
    if not directory.is_dir():
        raise CatalogError(
            say("カタログのフォルダが見つかりません", "catalog directory not found"),
            where=directory,
            hint=say(
                "'fitgap catalog import' で作ったフォルダを指定してください",
                "give a directory made by 'fitgap catalog import'",
            ),
        )
    if not _business_files(directory):
        raise CatalogError(
            say(
                "カタログのフォルダに業務のファイル（*.yaml）がありません",
                "no business files (*.yaml) in the catalog directory",
            ),
            where=directory,
            hint=say(
                "'fitgap catalog import FILE.xlsx -o DIR' で作ってください",
                "create it with 'fitgap catalog import FILE.xlsx -o DIR'",
            ),
        )


def _manifest(directory: Path) -> CatalogManifest:
    manifest_path = directory / MANIFEST
    if manifest_path.exists():
        return load_yaml_model(manifest_path, CatalogManifest)
    return CatalogManifest(name=directory.name)


def load_directory(directory: Path) -> Catalog:
    """The catalog held in ``directory`` alone; of several versions of a business, the one :func:`in_use`."""
    _check_directory(directory)
    chosen = [in_use(files)[1] for files in business_versions(directory).values()]
    manifest = _manifest(directory)
    return _catalog(manifest.name, sorted(chosen, key=lambda b: b.business_id), manifest.links, directory)


def load_version(directory: Path, version: str) -> Catalog:
    """The businesses of ``directory`` in one version (``unversioned``: the files without one), for a diff
    between two versions held side by side."""
    _check_directory(directory)
    wanted = None if version in (UNVERSIONED, "") else version
    chosen = [
        spec
        for files in business_versions(directory).values()
        for _, spec in files
        if (spec.spec_version is None and wanted is None)
        or (wanted is not None and (spec.spec_version == wanted or compare_versions(spec.spec_version, wanted) == 0))
    ]
    if not chosen:
        held = sorted(
            {
                f"{spec.business_id} {spec.spec_version or UNVERSIONED}"
                for files in business_versions(directory).values()
                for _, spec in files
            }
        )
        raise CatalogError(
            say(
                f"カタログのフォルダに版 {version} の業務のファイルがありません",
                f"no business file of version {version} in the catalog directory",
            ),
            where=directory,
            hint=say(f"このフォルダにあるもの: {', '.join(held)}", f"the directory holds: {', '.join(held)}"),
        )
    manifest = _manifest(directory)
    name = f"{manifest.name}@{version}"
    return _catalog(name, sorted(chosen, key=lambda b: b.business_id), manifest.links, directory)


def _catalog(name: str, businesses: list[BusinessSpec], links: tuple[BusinessLink, ...], where: Path) -> Catalog:
    try:
        return Catalog(name=name, businesses=tuple(businesses), links=links)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise CatalogError(str(exc).splitlines()[-1].strip(), where=where) from exc


@cache
def load_embedded() -> Catalog:
    """The catalog that ships with the toolkit (partly a *sample*: see each business's ``source``)."""
    return load_directory(EMBEDDED_DIR)


def resolve_catalog(directory: Path | str | None) -> Catalog:
    """The catalog a command works with: the embedded one, overlaid with the businesses of ``directory``.

    Businesses imported into ``directory`` replace the embedded ones with the same 業務ID; the others stay
    (and stay marked ``sample``), so a user may import the official files one business at a time.
    """
    embedded = load_embedded()
    if directory is None or str(directory) == EMBEDDED:
        return embedded
    own = load_directory(Path(directory))
    replaced = {b.business_id for b in own.businesses}
    businesses = [b for b in embedded.businesses if b.business_id not in replaced] + list(own.businesses)
    manifest_path = Path(directory) / MANIFEST
    links = own.links if manifest_path.exists() and own.links else embedded.links
    return _catalog(own.name, sorted(businesses, key=lambda b: b.business_id), links, Path(directory))


def load_any(reference: str | Path) -> Catalog:
    """A catalog from ``embedded``, a catalog directory, ``DIRECTORY@VERSION`` (one version of the businesses a
    directory holds, e.g. ``catalog@第2.0版`` or ``catalog@unversioned``) or a single business file."""
    text = str(reference)
    if text == EMBEDDED:
        return load_embedded()
    path = Path(text)
    if path.is_file():
        spec = load_business_file(path)
        return Catalog(name=path.name, businesses=(spec,))
    if path.is_dir():
        return load_directory(path)
    directory, at, version = text.rpartition("@")
    if at and directory and Path(directory).is_dir():
        return load_version(Path(directory), version)
    raise FitgapError(
        say("そのようなカタログはありません", "no such catalog"),
        where=path,
        hint=say(
            "'embedded'、カタログのフォルダ、DIRECTORY@VERSION または業務の .yaml ファイルを指定してください",
            "give 'embedded', a catalog directory, DIRECTORY@VERSION or a business .yaml file",
        ),
    )


def dump_business(spec: BusinessSpec) -> str:
    data: dict[str, Any] = spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    # personal_data is derived from sensitivity (computed field), and a sensitivity equal to what the rules infer
    # is left to them (spec_catalog.sensitivity), so a better rule reaches old files; a different one is kept.
    for group, model in zip(data.get("layouts", []), spec.layouts, strict=True):
        for item, source in zip(group["items"], model.items, strict=True):
            item.pop("personal_data", None)
            if source.sensitivity == infer_sensitivity(source.romanized, source.name):
                item.pop("sensitivity", None)
            else:
                item["sensitivity"] = source.sensitivity.value
    header = f"# {spec.business_id} {spec.name} — {spec.spec_name} {spec.spec_version or ''}".rstrip()
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    return f"{header}\n{body}"


def next_import_number(directory: Path) -> int:
    """One more than the highest import number of the business files in ``directory``."""
    numbers = [0]
    if directory.is_dir():
        for path in _business_files(directory):
            data, _ = read_yaml(path, lines=False)
            if isinstance(data, dict) and isinstance(data.get("import_number"), int):
                numbers.append(data["import_number"])
    return max(numbers) + 1


def write_business(directory: Path, spec: BusinessSpec) -> Path:
    """Write ``spec`` into ``directory`` (created when missing) as its latest import; returns the file written."""
    directory.mkdir(parents=True, exist_ok=True)
    numbered = spec.model_copy(update={"import_number": next_import_number(directory)})
    path = directory / business_file_name(numbered)
    # Write beside and rename: an interrupted import leaves the old file whole, never half a file.
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(dump_business(numbered), encoding="utf-8")
    temporary.replace(path)
    return path


def existing_business(directory: Path, business_id: str, version: str | None) -> BusinessSpec | None:
    """The business file of this 業務ID and version in ``directory``, if there is one."""
    if not directory.is_dir():
        return None
    for path in _business_files(directory):
        data, _ = read_yaml(path, lines=False)
        if isinstance(data, dict) and data.get("business_id") == business_id and data.get("spec_version") == version:
            return load_business_file(path)
    return None


def business_in_use(directory: Path, business_id: str) -> tuple[Path, BusinessSpec] | None:
    """The file of ``business_id`` that ``directory`` uses, if it holds the business."""
    if not directory.is_dir():
        return None
    files = business_versions(directory).get(business_id)
    return in_use(files) if files else None


class ListedBusiness(FrozenModel):
    """One 業務ID of the standard's ID scheme (or of the catalog), as ``fitgap catalog list`` shows it."""

    business_id: str
    name: str
    name_en: str
    kind: BusinessKind | None  # None: a business of the catalog that the ID scheme does not know
    family: str | None  # 選挙, 税, 就学: IDs published under one specification
    part_of: tuple[str, ...]  # a part is in a municipality's scope with these businesses
    held_by: str | None  # the business whose file holds this ID (018 → 017)
    common: bool
    in_catalog: bool
    source: Source | None  # sample, imported or official; None when the catalog has no content for it
    origin: str | None  # "embedded", or the file in the catalog directory
    spec_version: str | None
    version_source: VersionSource | None  # option, cells, file_name, unknown; None: as the catalog file states it
    other_versions: tuple[str, ...]  # further versions the catalog directory holds (unversioned ones as such)
    functions: int
    items: int


def list_businesses(directory: Path | str | None) -> tuple[ListedBusiness, ...]:
    """Every 業務ID of the standard (001–039) and every further business of the catalog, with where its content
    comes from (the embedded catalog, a file of ``directory``, or nowhere) and its version."""
    catalog = resolve_catalog(directory)
    own = business_versions(Path(directory)) if directory is not None and str(directory) != EMBEDDED else {}
    known = {b.business_id for b in STANDARD_BUSINESSES}
    ids = sorted(known | {i for b in catalog.businesses for i in b.ids})
    rows: list[ListedBusiness] = []
    for business_id in ids:
        entry = standard_business(business_id)
        spec = catalog.find(business_id)
        origin = None
        other: tuple[str, ...] = ()
        if spec is not None:
            files = own.get(spec.business_id)
            if files:
                path, _ = in_use(files)
                origin = path.name
                other = tuple(s.spec_version or UNVERSIONED for p, s in files if p != path)
            else:
                origin = EMBEDDED
        rows.append(
            ListedBusiness(
                business_id=business_id,
                name=entry.name if entry else spec.name if spec else business_id,
                name_en=entry.name_en if entry else spec.name_en if spec else "",
                kind=entry.kind if entry else None,
                family=entry.family if entry else None,
                part_of=entry.part_of if entry else (),
                held_by=spec.business_id if spec is not None and spec.business_id != business_id else None,
                common=entry.kind is BusinessKind.COMMON if entry else bool(spec and spec.common),
                in_catalog=spec is not None,
                source=spec.source if spec else None,
                origin=origin,
                spec_version=spec.spec_version if spec else None,
                version_source=spec.version_origin if spec else None,
                other_versions=other,
                functions=len([f for f in spec.functions if f.function_id[:3] == business_id]) if spec else 0,
                items=len([i for g in spec.layouts for i in g.items if i.item_id[:3] == business_id]) if spec else 0,
            )
        )
    return tuple(rows)
