"""The national standard specifications of the 20 core businesses, and the toolkit's shared base.

Public API: load a catalog (:func:`resolve_catalog`, :func:`load_any`), import official workbooks
(:func:`import_workbook`), compare catalogs (:func:`diff_catalogs`), and the models.
"""

from spec_catalog.base import CatalogError, FitgapError, FrozenModel, InputFileError, UsageError
from spec_catalog.diff import CatalogDiff, Change, ChangeKind, diff_catalogs
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
    "Sensitivity",
    "Source",
    "UsageError",
    "diff_catalogs",
    "load_any",
    "load_directory",
    "load_embedded",
    "resolve_catalog",
]
