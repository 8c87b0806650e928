"""The national code table of local governments (全国地方公共団体コード), shipped with the package."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.checkdigits import complete_local_government_code, is_valid_local_government_code

_TABLE = Path(__file__).parent / "data" / "localgov.csv"


class LocalGovernment(FrozenModel):
    code: str  # 6 digits with check digit
    prefecture: str
    name: str  # e.g. 森町, 札幌市 中央区
    kana: str

    @property
    def kind(self) -> str:
        """市, 区, 町 or 村, from the last character of the name (政令市の区 end in 区)."""
        return self.name.rstrip()[-1]

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}（{self.prefecture}）"


@cache
def _table() -> dict[str, LocalGovernment]:
    with _TABLE.open(encoding="utf-8", newline="") as handle:
        return {
            row["lgcode"]: LocalGovernment(
                code=row["lgcode"], prefecture=row["pref"], name=row["city"], kana=row["citykana"]
            )
            for row in csv.DictReader(handle)
        }


def all_local_governments() -> list[LocalGovernment]:
    return list(_table().values())


def nearest_codes(code: str, count: int = 3) -> list[LocalGovernment]:
    """The valid codes numerically closest to ``code`` (by its first five digits)."""
    digits = "".join(c for c in code if c.isdigit())[:5].ljust(5, "0")
    target = int(digits)
    return sorted(_table().values(), key=lambda g: (abs(int(g.code[:5]) - target), g.code))[:count]


def lookup(code: str) -> LocalGovernment:
    """The local government of a 6-digit code (a legacy 5-digit code is completed with its check digit)."""
    text = code.strip()
    if len(text) == 5 and text.isdigit():
        text = complete_local_government_code(text)
    if not (len(text) == 6 and text.isdigit()):
        raise FitgapError(
            f"{code!r} is not a 全国地方公共団体コード",
            hint="give the 6-digit code with its check digit, e.g. 013455 for 森町 (北海道)",
        )
    if not is_valid_local_government_code(text):
        fixed = complete_local_government_code(text[:5])
        known = _table().get(fixed)
        nearest = ", ".join(g.label for g in nearest_codes(text))
        suggestion = f"did you mean {known.label}?" if known else f"nearest valid codes: {nearest}"
        raise FitgapError(f"{code} has a wrong check digit (expected {fixed[5]})", hint=suggestion)
    found = _table().get(text)
    if found is None:
        nearest = ", ".join(g.label for g in nearest_codes(text))
        raise FitgapError(f"no local government has the code {text}", hint=f"nearest valid codes: {nearest}")
    return found
