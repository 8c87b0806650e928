"""Catalog directories: one readable YAML file per business and version, plus ``catalog.yaml``.

The embedded catalog (``spec_catalog/data``) is a directory of the same format, so what a user imports
and what ships with the toolkit are read by the same code.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from spec_catalog.base import CatalogError, FitgapError, FrozenModel
from spec_catalog.files import load_yaml_model, read_yaml
from spec_catalog.models import BusinessLink, BusinessSpec, Catalog

EMBEDDED_DIR = Path(__file__).parent / "data"
MANIFEST = "catalog.yaml"
EMBEDDED = "embedded"


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


def business_file_name(spec: BusinessSpec) -> str:
    """``031.yaml`` for an unversioned business, ``001_v5.0.yaml`` for 第5.0版."""
    if not spec.spec_version:
        return f"{spec.business_id}.yaml"
    numbers = ".".join(str(n) for n in version_key(spec.spec_version))
    slug = f"v{numbers}" if numbers else re.sub(r"[^0-9A-Za-z.]+", "-", spec.spec_version).strip("-")
    return f"{spec.business_id}_{slug or 'version'}.yaml"


def load_business_file(path: Path) -> BusinessSpec:
    return load_yaml_model(path, BusinessSpec)


def _business_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name != MANIFEST)


def load_directory(directory: Path) -> Catalog:
    """The catalog held in ``directory`` alone. Several versions of a business: the newest is used."""
    if not directory.is_dir():
        raise CatalogError(
            "catalog directory not found",
            where=directory,
            hint="give a directory made by 'fitgap catalog import'",
        )
    files = _business_files(directory)
    if not files:
        raise CatalogError(
            "no business files (*.yaml) in the catalog directory",
            where=directory,
            hint="create it with 'fitgap catalog import FILE.xlsx --into DIR'",
        )
    newest: dict[str, BusinessSpec] = {}
    for path in files:
        spec = load_business_file(path)
        current = newest.get(spec.business_id)
        if current is None or version_key(spec.spec_version) > version_key(current.spec_version):
            newest[spec.business_id] = spec
    manifest_path = directory / MANIFEST
    manifest = (
        load_yaml_model(manifest_path, CatalogManifest)
        if manifest_path.exists()
        else CatalogManifest(name=directory.name)
    )
    return _catalog(manifest.name, sorted(newest.values(), key=lambda b: b.business_id), manifest.links, directory)


def _catalog(name: str, businesses: list[BusinessSpec], links: tuple[BusinessLink, ...], where: Path) -> Catalog:
    try:
        return Catalog(name=name, businesses=tuple(businesses), links=links)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise CatalogError(str(exc).splitlines()[-1].strip(), where=where) from exc


@cache
def load_embedded() -> Catalog:
    """The catalog that ships with the toolkit (a *sample*: see each business's ``source``)."""
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
    """A catalog from ``embedded``, a catalog directory, or a single business file (for ``diff``)."""
    if str(reference) == EMBEDDED:
        return load_embedded()
    path = Path(reference)
    if path.is_file():
        spec = load_business_file(path)
        return Catalog(name=path.name, businesses=(spec,))
    if path.is_dir():
        return load_directory(path)
    raise FitgapError(
        "no such catalog", where=path, hint="give 'embedded', a catalog directory or a business .yaml file"
    )


def dump_business(spec: BusinessSpec) -> str:
    data: dict[str, Any] = spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    # personal_data is derived from sensitivity (computed field); keep the file free of derivable state.
    for group in data.get("layouts", []):
        for item in group["items"]:
            item.pop("personal_data", None)
    header = f"# {spec.business_id} {spec.name} — {spec.spec_name} {spec.spec_version or ''}".rstrip()
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    return f"{header}\n{body}"


def write_business(directory: Path, spec: BusinessSpec) -> Path:
    """Write ``spec`` into ``directory`` (created when missing); returns the file written."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / business_file_name(spec)
    # Write beside and rename: an interrupted import leaves the old file whole, never half a file.
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(dump_business(spec), encoding="utf-8")
    temporary.replace(path)
    return path


def existing_business(directory: Path, business_id: str, version: str | None) -> BusinessSpec | None:
    """The business file of this 業務ID and version in ``directory``, if there is one."""
    if not directory.is_dir():
        return None
    for path in _business_files(directory):
        data, _ = read_yaml(path)
        if isinstance(data, dict) and data.get("business_id") == business_id and data.get("spec_version") == version:
            return load_business_file(path)
    return None
