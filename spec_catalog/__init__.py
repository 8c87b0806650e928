"""The national standard specifications of the 20 core businesses, and the toolkit's shared base.

Public API: load a catalog (:func:`resolve_catalog`, :func:`load_any`), compare catalogs
(:func:`diff_catalogs`, :func:`diff_sources`), and the models; importing official workbooks is
:mod:`spec_catalog.importers`. The shared base that the other packages build on: the frozen model and the
errors (:mod:`spec_catalog.base`), the code catalogue (:mod:`spec_catalog.codes`), the rules of the data
layouts that conversion and validation both enforce (:mod:`spec_catalog.rules`), and the database contract —
table names, run and quarantine records, connecting, quoting (:mod:`spec_catalog.database`). The MJ character set
and its 縮退マップ (文字同定: classes, lookup, 縮退) are :mod:`spec_catalog.mj`, data loaded on first use.
Names load on first use, so ``import spec_catalog.base`` (the CLI's start-up path) stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spec_catalog.base import CatalogError, FitgapError, FrozenModel, InputFileError, UsageError
    from spec_catalog.codes import Code
    from spec_catalog.database import RunRecord, RunStatus
    from spec_catalog.diff import CatalogDiff, Change, ChangeKind, diff_catalogs, diff_sources
    from spec_catalog.models import (
        Business,
        BusinessLink,
        BusinessSpec,
        Catalog,
        CodeList,
        CodeValue,
        DataGroup,
        DataItem,
        FunctionRequirement,
    )
    from spec_catalog.store import EMBEDDED, load_any, load_directory, load_embedded, resolve_catalog
    from spec_catalog.vocab import DataType, FunctionClass, LinkMethod, OutputCondition, Sensitivity, Source

_EXPORTS = {
    "spec_catalog.base": ["CatalogError", "FitgapError", "FrozenModel", "InputFileError", "UsageError"],
    "spec_catalog.codes": ["Code"],
    "spec_catalog.database": ["RunRecord", "RunStatus"],
    "spec_catalog.diff": ["CatalogDiff", "Change", "ChangeKind", "diff_catalogs", "diff_sources"],
    "spec_catalog.models": [
        "Business",
        "BusinessLink",
        "BusinessSpec",
        "Catalog",
        "CodeList",
        "CodeValue",
        "DataGroup",
        "DataItem",
        "FunctionRequirement",
    ],
    "spec_catalog.store": ["EMBEDDED", "load_any", "load_directory", "load_embedded", "resolve_catalog"],
    "spec_catalog.vocab": ["DataType", "FunctionClass", "LinkMethod", "OutputCondition", "Sensitivity", "Source"],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = [
    "EMBEDDED",
    "Business",
    "BusinessLink",
    "BusinessSpec",
    "Catalog",
    "CatalogDiff",
    "CatalogError",
    "Change",
    "ChangeKind",
    "Code",
    "CodeList",
    "CodeValue",
    "DataGroup",
    "DataItem",
    "DataType",
    "FitgapError",
    "FrozenModel",
    "FunctionClass",
    "FunctionRequirement",
    "InputFileError",
    "LinkMethod",
    "OutputCondition",
    "RunRecord",
    "RunStatus",
    "Sensitivity",
    "Source",
    "UsageError",
    "diff_catalogs",
    "diff_sources",
    "load_any",
    "load_directory",
    "load_embedded",
    "resolve_catalog",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'spec_catalog' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
