"""文字同定: the characters of the migration data identified against the MJ character set.

:func:`scan_database` / :func:`scan_file` count and class every distinct character (``moji scan``);
:func:`read_vendor_list` and :func:`identify_vendor_list` resolve a vendor's 外字 list to MJ; :func:`write_sheet`
writes the decision workbook (``moji sheet``) and :func:`apply_sheet` turns the returned one into the 外字 table
and the decision record (``moji apply``). The MJ data itself is :mod:`spec_catalog.mj`.
"""

from __future__ import annotations

from fitgap.moji.apply import ApplyResult, Decision, apply_sheet, decisions_path, read_decisions
from fitgap.moji.identify import Identification, VendorEntry, identify, identify_vendor_list, read_vendor_list
from fitgap.moji.scan import CharCount, ClassCount, ScanResult, scan_database, scan_file
from fitgap.moji.sheet import DecisionRow, SheetWritten, decision_rows, write_sheet

__all__ = [
    "ApplyResult",
    "CharCount",
    "ClassCount",
    "Decision",
    "DecisionRow",
    "Identification",
    "ScanResult",
    "SheetWritten",
    "VendorEntry",
    "apply_sheet",
    "decision_rows",
    "decisions_path",
    "identify",
    "identify_vendor_list",
    "read_decisions",
    "read_vendor_list",
    "scan_database",
    "scan_file",
    "write_sheet",
]
