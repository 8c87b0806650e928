"""Legacy exports into the standard layouts in DuckDB.

Readers (CP932/UTF-8 CSV, byte-positioned fixed width, Excel) stage the source; the mapping file says how each
item of a catalog group is made; transforms (和暦, width and kana, codes, 外字 …) run on distinct values; the
rules of :mod:`spec_catalog.rules` decide what is quarantined; a run publishes in one transaction and records
itself in the database contract of :mod:`spec_catalog.database`.

Public API: :func:`load_mapping`, :func:`run_conversion` (with :class:`RunResult`), :func:`export`
(with :class:`ExportManifest`), :func:`scaffold` / :func:`write_scaffold` for ``convert init``, and the value
transforms other packages reuse (:func:`parse_era_date`, :func:`format_era`, :func:`to_full_width`,
:func:`to_half_width`).
"""

from __future__ import annotations

from converters.engine import RunResult, Unmapped, run_conversion
from converters.export import ExportedFile, ExportManifest, export
from converters.mapping import Mapping, load_mapping
from converters.scaffold import Detected, Scaffold, scaffold, write_scaffold
from converters.transforms.era import format_era, parse_era_date
from converters.transforms.width import to_full_width, to_half_width

__all__ = [
    "Detected",
    "ExportManifest",
    "ExportedFile",
    "Mapping",
    "RunResult",
    "Scaffold",
    "Unmapped",
    "export",
    "format_era",
    "load_mapping",
    "parse_era_date",
    "run_conversion",
    "scaffold",
    "to_full_width",
    "to_half_width",
    "write_scaffold",
]
