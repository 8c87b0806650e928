"""One fixed colour per meaning, in every report and chart (never by position): fits in the green family, gaps in
warm colours, a prohibited function's retirement darkest red, undecided grey; GO green, NO-GO red.

Keys are the codes domain packages use (the reports layer knows no domain type): a 判定 code such as
``FIT_WITH_CONFIG``, ``UNDECIDED``, ``GO`` / ``NO-GO``.
"""

from __future__ import annotations

CLASS_COLOURS: dict[str, str] = {
    "FIT": "2E7D32",  # green
    "FIT_WITH_CONFIG": "81C784",  # light green
    "GAP_OPTION_NOT_ADOPTED": "A5D6A7",  # pale green: a standard option not taken is no work
    "GAP_OPERATION": "FFB74D",  # orange
    "GAP_BPR": "F57C00",  # dark orange
    "GAP_EXTERNAL": "E57373",  # light red
    "GAP_EUC": "FFD54F",  # amber
    "GAP_PROHIBITED": "8B0000",  # darkest red: a forced gap
    "OUT_OF_SCOPE": "B0BEC5",  # blue grey
    "UNDECIDED": "9E9E9E",  # grey
}
VERDICT_COLOURS: dict[str, str] = {"GO": "2E7D32", "NO-GO": "C62828"}
STATUS_COLOURS: dict[str, str] = {"good": "2E7D32", "bad": "C62828", "neutral": "37474F"}
THRESHOLD_COLOUR = "C62828"
# Sizes of a difference, small to large (and not a number): a warm scale, darker as the difference grows.
SIZE_COLOURS: tuple[str, ...] = ("FFE0B2", "FFCC80", "FFB74D", "FB8C00", "E65100", "8B0000", "9E9E9E")
TREND_COLOURS: tuple[str, ...] = ("C62828", "1565C0", "2E7D32", "6A1B9A")  # open gaps, readiness, …


def colour_of(code: str) -> str | None:
    """The fixed colour of a 判定 code or a verdict (None: the renderer's default)."""
    return CLASS_COLOURS.get(code) or VERDICT_COLOURS.get(code)
