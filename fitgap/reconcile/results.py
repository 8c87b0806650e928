"""``fitgap reconcile results``: the new system's results against the legacy system's, person by person.

Both files go into DuckDB as text and are joined there on the key (trimmed); only the pairs whose text differs
come back to Python, once per distinct pair, to be compared as values, so that a difference of form is no
difference: numbers as Decimal (``1,000`` = ``1000`` = ``１０００``, ``▲500`` = ``-500``), dates as dates
(``令和6年4月1日`` = ``2024-04-01``), text trimmed with half-width katakana and full-width ASCII folded (never
NFKC: 﨑 stays ≠ 崎). A pair that still differs is agreed when within the column's tolerance, explained when a
declared spec change matches it (RESULT_DIFFERENCE_EXPLAINED), and unexplained otherwise (RESULT_VALUE_DIFFERS).
Keys only in one file (RESULT_ROW_MISSING / RESULT_ROW_EXTRA) and keys on several rows of one file
(RESULT_KEY_DUPLICATED; not compared) are listed too. Nothing is sampled; every value a result holds is masked
(the key as personal data, a column whose header names personal data likewise) unless the user unmasked.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from converters.transforms.era import parse_era_date
from converters.transforms.width import to_full_width, to_half_width
from fitgap.reconcile.results_files import ReadOptions, ResultFile, is_excel, load_result_file
from reports.masking import mask
from spec_catalog.base import FitgapError, FrozenModel, UsageError
from spec_catalog.codes import Code
from spec_catalog.database import (
    ReconcileKind,
    ReconcileRecord,
    connect,
    quote,
    record_reconciliation,
)
from spec_catalog.language import say
from spec_catalog.sensitivity import infer_sensitivity
from spec_catalog.vocab import STANDARD_BUSINESSES, Sensitivity

BUSINESS_IDS = frozenset(b.business_id for b in STANDARD_BUSINESSES)

NON_NUMERIC = "非数値"  # a band's key in the JSON and the database, like the others: the reports say it in English
# Size bands of |new − old| for the unexplained differences: each band holds what is above the one before.
_LIMITS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(1), "≤1"),
    (Decimal(10), "≤10"),
    (Decimal(100), "≤100"),
    (Decimal(1000), "≤1,000"),
    (Decimal(10000), "≤10,000"),
)
BANDS: tuple[str, ...] = (*(label for _, label in _LIMITS), ">10,000", NON_NUMERIC)
SPEC_CHANGE = "spec_change"  # the explanation recorded in the database


def size_band(delta: Decimal | None) -> str:
    """The band of |new − old|; 非数値 when either value is not a number."""
    if delta is None:
        return NON_NUMERIC
    size = abs(delta)
    return next((label for limit, label in _LIMITS if size <= limit), ">10,000")


# Values ------------------------------------------------------------------------------------------------------

_MINUS_MARKS = ("▲", "△", "-", "−")  # ▲ and △ are how Japanese ledgers write a negative amount; − is U+2212
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")


@lru_cache(maxsize=1 << 16)
def as_number(text: str) -> Decimal | None:
    """The number a text holds (commas, full-width digits, ▲/△ minus, spaces around), or None."""
    s = to_half_width(text).strip()
    sign = ""
    if s.startswith(_MINUS_MARKS):
        sign, s = "-", s[1:].lstrip()
    elif s.startswith("+"):
        s = s[1:].lstrip()
    if not _NUMBER.fullmatch(s):
        return None
    return Decimal(sign + s.replace(",", ""))


def as_date(text: str) -> str | None:
    """The ISO date a text holds (和暦 or 西暦 in any form the converter reads), or None."""
    converted = parse_era_date(text)
    return converted.value if converted.ok and converted.value and converted.extra is None else None


@lru_cache(maxsize=1 << 16)
def fold_text(text: str) -> str:
    """Text as compared: trimmed, half-width katakana to full width, full-width ASCII to ASCII (the converter's
    own width tables, not NFKC: compatibility kanji such as 﨑 are kept)."""
    return to_half_width(to_full_width(text.strip())).strip()


@dataclass(frozen=True, slots=True)
class Outcome:
    """How two values compare: equal in value, and new − old when both are numbers."""

    equal: bool
    delta: Decimal | None = None
    old_number: Decimal | None = None


_EQUAL = Outcome(True)


def compare_values(old: str | None, new: str | None) -> Outcome:
    """Compare two values by what they say: numbers, then dates, then folded text (empty = missing)."""
    o, n = (old or "").strip(), (new or "").strip()
    if o == n:
        return _EQUAL
    if o and n:
        old_number, new_number = as_number(o), as_number(n)
        if old_number is not None and new_number is not None:
            return Outcome(old_number == new_number, new_number - old_number, old_number)
        old_date = as_date(o)
        if old_date is not None and old_date == as_date(n):
            return _EQUAL
    return Outcome(fold_text(o) == fold_text(n))


# Rules -------------------------------------------------------------------------------------------------------


class Tolerance(FrozenModel):
    """How far a number may move and still agree: an amount, or a rate of the old value (``0.5%``)."""

    text: str
    amount: Decimal
    relative: bool

    def allows(self, old: Decimal, delta: Decimal) -> bool:
        limit = abs(old) * self.amount / 100 if self.relative else self.amount
        return abs(delta) <= limit


def parse_tolerance(text: str) -> Tolerance:
    """``5`` (absolute) or ``0.5%`` (relative to the old value); ValueError otherwise."""
    s = text.strip()
    relative = s.endswith(("%", "％"))
    amount = as_number(s[:-1] if relative else s)
    if amount is None or amount < 0:
        raise ValueError(
            say(
                f"'{text}' は許容差として使えません。5 のような金額か 0.5% のような率を指定してください",
                f"'{text}' is no tolerance: give an amount such as 5 or a rate such as 0.5%",
            )
        )
    return Tolerance(text=s, amount=amount, relative=relative)


def _as_text(value: Any) -> Any:
    """A YAML number written where text is meant (``5``, ``区分: [1, 2]``) is taken as its text."""
    return str(value) if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else value


class DifferenceRange(FrozenModel):
    """The differences (new − old) a spec change explains; either end may be open."""

    min: Decimal | None = None
    max: Decimal | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DifferenceRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(say("min が max より大きくなっています", "min is greater than max"))
        return self

    def holds(self, delta: Decimal) -> bool:
        return (self.min is None or delta >= self.min) and (self.max is None or delta <= self.max)


class SpecChange(FrozenModel):
    """A declared spec change: the differences in ``column`` it explains, on the rows ``where`` selects (the
    new file's value of each named column, the old file's when only that has the column)."""

    name: str = Field(min_length=1)
    column: str
    where: dict[str, list[Annotated[str, BeforeValidator(_as_text)]]] = Field(default_factory=dict)
    difference: DifferenceRange | None = None

    def explains(self, outcome: Outcome, row: Mapping[str, str | None]) -> bool:
        if self.difference is not None and (outcome.delta is None or not self.difference.holds(outcome.delta)):
            return False
        return all(any(compare_values(row.get(c), v).equal for v in values) for c, values in self.where.items())


def _valid_tolerance(text: str) -> str:
    parse_tolerance(text)
    return text


# A tolerance in the rules file: checked where it is written, so an error names its column and line.
ToleranceText = Annotated[str, BeforeValidator(_as_text), AfterValidator(_valid_tolerance)]


class ResultsRules(FrozenModel):
    """The rules file of ``--rules``: tolerances per column and the declared spec changes."""

    tolerances: dict[str, ToleranceText] = Field(default_factory=dict)
    spec_changes: list[SpecChange] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> ResultsRules:
        names = Counter(change.name for change in self.spec_changes)
        twice = sorted(name for name, count in names.items() if count > 1)
        if twice:
            raise ValueError(
                say(
                    f"仕様変更の名前 '{twice[0]}' が二度使われています。それぞれに別の名前を付けてください",
                    f"the spec change name '{twice[0]}' is used twice: give each its own name",
                )
            )
        return self


def load_rules(path: Path) -> ResultsRules:
    from spec_catalog.files import load_yaml_model

    return load_yaml_model(path, ResultsRules)


def parse_tolerance_option(option: str) -> tuple[str, Tolerance]:
    """``COL=5`` or ``COL=0.5%`` (``--tolerance``)."""
    column, sign, text = option.rpartition("=")
    if not sign or not column.strip():
        raise UsageError(
            say(f"--tolerance '{option}' に列名がありません", f"--tolerance '{option}' names no column"),
            hint=say("COLUMN=5 または COLUMN=0.5% の形で書いてください", "write COLUMN=5 or COLUMN=0.5%"),
        )
    try:
        return column.strip(), parse_tolerance(text)
    except ValueError as exc:
        raise UsageError(f"--tolerance {column.strip()}: {exc}") from None


# Results -----------------------------------------------------------------------------------------------------


class ResultDifference(FrozenModel):
    """One difference, masked: a value, a key only in one file, or a key on several rows of one file."""

    code: Code
    key: str  # the key's values joined by '|', masked
    column: str | None = None  # None: the whole row
    old_line: int | None = None  # the row in the old (legacy) file
    new_line: int | None = None
    old: str | None = None  # the old value as read, masked by the column
    new: str | None = None
    difference: str | None = None  # new − old, when both are numbers
    band: str | None = None  # size band of |new − old| (BANDS)
    rule: str | None = None  # the spec change that explains it
    detail: str | None = None  # for a row: which file and how many rows (never a value)


class ColumnSummary(FrozenModel):
    """One compared column: compared = agreed + within tolerance + explained + unexplained."""

    column: str
    compared: int
    agreed: int
    within_tolerance: int
    explained: int
    unexplained: int
    tolerance: str | None = None
    masked: bool = False  # its values are personal data (masked in every output)
    bands: dict[str, int]  # unexplained differences per size band, in BANDS order


class NotCompared(FrozenModel):
    column: str
    reason: str  # 現行のみ / 新のみ / --columns で除外 (in the run's language)


class SpecChangeUse(FrozenModel):
    name: str
    column: str
    explained: int


class ResultsComparison(FrozenModel):
    """``fitgap reconcile results``: every difference between two result files (nothing sampled)."""

    reconcile_id: str
    created: dt.datetime
    old_file: str
    new_file: str
    old_format: str
    new_format: str
    keys: tuple[str, ...]
    old_rows: int
    new_rows: int
    compared_rows: int  # keys on exactly one row of each file
    agreed_rows: int  # compared rows whose every value agrees (within tolerance counts as agreeing)
    missing_rows: int  # keys only in the old file
    extra_rows: int  # keys only in the new file
    duplicated_keys: int  # (file, key) pairs with more than one row
    columns: tuple[ColumnSummary, ...]
    not_compared: tuple[NotCompared, ...] = ()
    tolerances: dict[str, str] = Field(default_factory=dict)
    rules_file: str | None = None
    spec_changes: tuple[SpecChangeUse, ...] = ()
    unexplained: int
    explained: int
    by_code: dict[str, int] = Field(default_factory=dict)  # unexplained differences per code
    masked: bool = True
    differences: tuple[ResultDifference, ...] = ()  # unexplained first, then explained
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.unexplained == 0


# Masking -----------------------------------------------------------------------------------------------------

# The classifier knows 住所_…, 氏_… and 名_… as parts of an item; a result file's header may be the bare word.
_BARE_PERSONAL = ("住所", "氏", "名", "jusho", "uji", "na")


# Words that make a result column personal wherever they stand in its header (漢字氏名, 住所１, 世帯主名 …): a result
# file's headers are free text, which the catalog's item classifier does not know.
_PERSONAL_WORDS = re.compile(
    r"氏名|名前|なまえ|ﾅﾏｴ|住所|所在地|番地|方書|生年月日|誕生日|宛名|送付先|世帯主|電話|連絡先|ﾌﾘｶﾞﾅ|フリガナ|カナ|かな|ｶﾅ"
)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f\uff66-\uff9f]")


def header_sensitivity(header: str) -> Sensitivity:
    """How personal a result column is, from its header (氏名, 住所, 生年月日, 個人番号, 宛名番号 …)."""
    name = header.strip()
    if name.lower() in _BARE_PERSONAL:
        return Sensitivity.PERSONAL
    found = infer_sensitivity(name.lower(), name)
    if found is Sensitivity.NONE and _PERSONAL_WORDS.search(name):
        return Sensitivity.PERSONAL
    return found


def value_sensitivity(value: str | None, column: Sensitivity) -> Sensitivity:
    """Masking by value as well as by column: a Japanese text in a column no header marks (a name, an address in a
    column called 備考 or 対象) is masked as personal; amounts and codes stay visible."""
    if column is Sensitivity.NONE and value and _JAPANESE.search(value):
        return Sensitivity.PERSONAL
    return column


def key_sensitivity(header: str) -> Sensitivity:
    """A key names a person: personal at least, an identifier (個人番号 …) when its header says so."""
    found = header_sensitivity(header)
    return found if found is Sensitivity.IDENTIFIER else Sensitivity.PERSONAL


# The comparison ----------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What is compared, checked against both headers before any comparison runs."""

    old: ResultFile
    new: ResultFile
    keys: list[str]
    compared: list[str]
    not_compared: list[NotCompared]
    tolerances: dict[str, Tolerance]
    spec_changes: list[SpecChange]
    where: list[str] = field(default_factory=list)  # columns the spec changes select rows by


def _check_keys(keys: Sequence[str], old: ResultFile, new: ResultFile) -> list[str]:
    names = [k.strip() for k in keys if k.strip()]
    if not names:
        raise UsageError(
            say("--key に列名がありません", "--key names no column"),
            hint=say("キーの列を指定してください（例: --key 宛名番号）", "give the key column(s), e.g. --key 宛名番号"),
        )
    if len(set(names)) != len(names):
        raise UsageError(
            say("--key に同じ列が二度あります", "--key names a column twice"),
            hint=say("キーの列はそれぞれ一度だけ指定してください", "name each key column once"),
        )
    for file in (old, new):
        for name in names:
            if name not in file.columns:
                columns = ", ".join(file.columns)
                raise FitgapError(
                    say(
                        f"キーの列 '{name}' が見つかりません（列: {columns}）",
                        f"key column '{name}' not found (columns: {columns})",
                    ),
                    where=file.path,
                    hint=say("--key を確かめてください", "check --key"),
                )
    return names


def _plan(
    old: ResultFile,
    new: ResultFile,
    keys: Sequence[str],
    columns: Sequence[str] | None,
    tolerances: Mapping[str, Tolerance],
    rules: ResultsRules | None,
    rules_file: Path | None,
) -> _Plan:
    names = _check_keys(keys, old, new)
    common = [c for c in old.columns if c in new.columns and c not in names]
    only_old, only_new = say("現行のみ", "legacy only"), say("新のみ", "new only")
    not_compared = [NotCompared(column=c, reason=only_old) for c in old.columns if c not in new.columns]
    not_compared += [NotCompared(column=c, reason=only_new) for c in new.columns if c not in old.columns]
    compared = common
    none = say("なし", "none")
    if columns is not None:
        wanted = [c.strip() for c in columns if c.strip()]
        for column in wanted:
            if column not in common:
                raise UsageError(
                    say(
                        f"--columns: '{column}' は両方のファイルにある列（キーを除く）ではありません",
                        f"--columns: '{column}' is not a column of both files (besides the key)",
                    ),
                    hint=say(
                        f"両方にある列: {', '.join(common) or none}", f"columns of both: {', '.join(common) or none}"
                    ),
                )
        compared = [c for c in common if c in wanted]
        left_out = say("--columns で除外", "left out by --columns")
        not_compared += [NotCompared(column=c, reason=left_out) for c in common if c not in wanted]
    listed = ", ".join(compared) or none
    compared_hint = say(f"比較する列: {listed}", f"compared columns: {listed}")
    where = rules_file or "--rules"
    from_file = {column: parse_tolerance(text) for column, text in (rules.tolerances if rules else {}).items()}
    for source, given in ((where, from_file), (None, tolerances)):
        for column in given:
            if column not in compared:
                raise UsageError(
                    say(
                        f"許容差の列 '{column}' は比較する列ではありません",
                        f"the tolerance for '{column}' names no compared column",
                    ),
                    where=source,
                    hint=compared_hint,
                )
    merged = {**from_file, **tolerances}  # the command line wins over the rules file
    changes = list(rules.spec_changes) if rules else []
    selectors: list[str] = []
    for change in changes:
        if change.column not in compared:
            raise FitgapError(
                say(
                    f"仕様変更 '{change.name}': 列 '{change.column}' は比較する列ではありません",
                    f"spec change '{change.name}': column '{change.column}' is not compared",
                ),
                where=where,
                hint=compared_hint,
            )
        for column in change.where:
            if column not in old.columns and column not in new.columns:
                both = ", ".join(dict.fromkeys([*old.columns, *new.columns]))
                raise FitgapError(
                    say(
                        f"仕様変更 '{change.name}': where の列 '{column}' がどちらのファイルにもありません",
                        f"spec change '{change.name}': where names no column '{column}'",
                    ),
                    where=where,
                    hint=say(f"列: {both}", f"columns: {both}"),
                )
            if column not in selectors:
                selectors.append(column)
    return _Plan(old, new, names, compared, not_compared, merged, changes, selectors)


class _Comparison:
    """The DuckDB side: key counts, the joined pairs, and per column the distinct differing pairs."""

    def __init__(self, con: Any, plan: _Plan, unmask: bool) -> None:
        self.con, self.plan, self.unmask = con, plan, unmask
        # Every result is ordered explicitly (by line); the files are loaded already, with their order.
        con.execute("SET preserve_insertion_order = false")
        self.key_sensitivity = [key_sensitivity(k) for k in plan.keys]
        self.value_sensitivity = {c: header_sensitivity(c) for c in plan.compared}
        self.k = [f"k{i}" for i in range(len(plan.keys))]

    def _side(self, file: ResultFile, view: str) -> None:
        index = {name: i for i, name in enumerate(file.columns)}
        keys = ", ".join(
            f"coalesce(trim(c{index[k]}), '') AS {kn}" for k, kn in zip(self.plan.keys, self.k, strict=True)
        )
        self.con.execute(f"CREATE TEMP VIEW {view} AS SELECT {keys}, * FROM {quote(file.table)}")
        self.con.execute(
            f"CREATE TEMP TABLE {view}_counts AS SELECT {', '.join(self.k)}, count(*) AS n, min(_line) AS line "
            f"FROM {view} GROUP BY ALL"
        )

    def _key(self, values: Sequence[Any]) -> str:
        return "|".join(
            mask(str(v), s, unmask=self.unmask) or "" for v, s in zip(values, self.key_sensitivity, strict=True)
        )

    def rows(self) -> tuple[list[ResultDifference], int]:
        """Keys on several rows, keys only in one file, and the number of keys on one row of each (compared);
        builds ``pairs``: the compared rows whose text differs in some column."""
        plan, con, k = self.plan, self.con, self.k
        self._side(plan.old, "o_side")
        self._side(plan.new, "n_side")
        keys, on = ", ".join(k), " AND ".join(f"o.{c} = n.{c}" for c in k)
        con.execute(
            f"CREATE TEMP TABLE key_sides AS SELECT {', '.join(f'coalesce(o.{c}, n.{c}) AS {c}' for c in k)}, "
            "o.n AS old_n, o.line AS old_line, n.n AS new_n, n.line AS new_line "
            f"FROM o_side_counts o FULL OUTER JOIN n_side_counts n ON {on}"
        )
        found: list[ResultDifference] = []
        for *key, n, line in con.execute(
            f"SELECT {keys}, old_n, old_line FROM key_sides WHERE old_n > 1 ORDER BY old_line"
        ).fetchall():
            detail = say(f"現行の結果に {n} 行", f"{n} rows in the legacy results")
            found.append(
                ResultDifference(code=Code.RESULT_KEY_DUPLICATED, key=self._key(key), old_line=line, detail=detail)
            )
        for *key, n, line in con.execute(
            f"SELECT {keys}, new_n, new_line FROM key_sides WHERE new_n > 1 ORDER BY new_line"
        ).fetchall():
            detail = say(f"新の結果に {n} 行", f"{n} rows in the new results")
            found.append(
                ResultDifference(code=Code.RESULT_KEY_DUPLICATED, key=self._key(key), new_line=line, detail=detail)
            )
        for *key, line in con.execute(
            f"SELECT {keys}, old_line FROM key_sides WHERE new_n IS NULL ORDER BY old_line"
        ).fetchall():
            found.append(ResultDifference(code=Code.RESULT_ROW_MISSING, key=self._key(key), old_line=line))
        for *key, line in con.execute(
            f"SELECT {keys}, new_line FROM key_sides WHERE old_n IS NULL ORDER BY new_line"
        ).fetchall():
            found.append(ResultDifference(code=Code.RESULT_ROW_EXTRA, key=self._key(key), new_line=line))
        compared = int(con.execute("SELECT count(*) FROM key_sides WHERE old_n = 1 AND new_n = 1").fetchone()[0])
        self._pairs()
        return found, compared

    def _pairs(self) -> None:
        """Only rows whose text differs in some column are kept: at 0.1 % differences the join's output is small,
        whatever the files' size."""
        plan, k = self.plan, self.k
        old_index = {name: i for i, name in enumerate(plan.old.columns)}
        new_index = {name: i for i, name in enumerate(plan.new.columns)}
        selected = ["o._line AS old_line", "n._line AS new_line", *(f"o.{c}" for c in k)]
        differs = []
        for j, column in enumerate(plan.compared):
            old, new = f"o.c{old_index[column]}", f"n.c{new_index[column]}"
            selected += [f"{old} AS o{j}", f"{new} AS n{j}"]
            differs.append(_raw_differs(old, new))
        for j, column in enumerate(plan.where):
            if column in plan.keys:
                expression = f"o.{k[plan.keys.index(column)]}"
            else:
                expression = f"n.c{new_index[column]}" if column in new_index else f"o.c{old_index[column]}"
            selected.append(f"{expression} AS w{j}")
        on = " AND ".join(f"o.{c} = n.{c}" for c in k)
        repeated = " AND ".join(f"s.{c} = o.{c}" for c in k)
        self.con.execute(
            f"CREATE TEMP TABLE repeated_keys AS SELECT {', '.join(k)} FROM key_sides WHERE old_n > 1 OR new_n > 1"
        )
        self.con.execute(
            f"CREATE TEMP TABLE pairs AS SELECT {', '.join(selected)} FROM o_side o JOIN n_side n ON {on} "
            f"WHERE ({' OR '.join(differs) or 'false'}) "
            f"AND NOT EXISTS (SELECT 1 FROM repeated_keys s WHERE {repeated})"
        )

    def column(self, j: int, compared: int) -> tuple[ColumnSummary, list[ResultDifference], list[ResultDifference]]:
        """One column: its summary, its unexplained and its explained differences (by old line)."""
        plan, con = self.plan, self.con
        column = plan.compared[j]
        tolerance = plan.tolerances.get(column)
        changes = [c for c in plan.spec_changes if c.column == column]
        differing = con.execute(
            f"SELECT o{j}, n{j}, count(*) FROM pairs WHERE {_raw_differs(f'o{j}', f'n{j}')} GROUP BY ALL"
        ).fetchall()
        agreed, within = compared, 0
        outcomes: dict[tuple[str | None, str | None], Outcome] = {}
        for old, new, count in differing:
            outcome = compare_values(old, new)
            if outcome.equal:
                continue
            agreed -= count
            if (
                tolerance
                and outcome.delta is not None
                and outcome.old_number is not None
                and tolerance.allows(outcome.old_number, outcome.delta)
            ):
                within += count
                continue
            outcomes[(old, new)] = outcome
        unexplained: list[ResultDifference] = []
        explained: list[ResultDifference] = []
        if outcomes:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE differing AS SELECT unnest($o) AS o, unnest($n) AS n",
                {"o": [o for o, _ in outcomes], "n": [n for _, n in outcomes]},
            )
            selectors = ", ".join(["", *(f"p.w{i}" for i in range(len(plan.where)))])
            rows = con.execute(
                f"SELECT p.old_line, p.new_line, p.o{j}, p.n{j}{selectors}, {', '.join(f'p.{c}' for c in self.k)} "
                f"FROM pairs p JOIN differing d ON p.o{j} IS NOT DISTINCT FROM d.o AND p.n{j} IS NOT DISTINCT FROM d.n "
                "ORDER BY p.old_line"
            ).fetchall()
            sensitivity = self.value_sensitivity[column]
            width = len(plan.where)
            for old_line, new_line, old, new, *rest in rows:
                outcome = outcomes[(old, new)]
                selected = dict(zip(plan.where, rest[:width], strict=True))
                rule = next((c.name for c in changes if c.explains(outcome, selected)), None)
                difference = ResultDifference(
                    code=Code.RESULT_DIFFERENCE_EXPLAINED if rule else Code.RESULT_VALUE_DIFFERS,
                    key=self._key(rest[width:]),
                    column=column,
                    old_line=old_line,
                    new_line=new_line,
                    old=mask(old, value_sensitivity(old, sensitivity), unmask=self.unmask),
                    new=mask(new, value_sensitivity(new, sensitivity), unmask=self.unmask),
                    difference=None if outcome.delta is None else _plain(outcome.delta),
                    band=size_band(outcome.delta),
                    rule=rule,
                )
                (explained if rule else unexplained).append(difference)
        bands = Counter(d.band for d in unexplained)
        summary = ColumnSummary(
            column=column,
            compared=compared,
            agreed=agreed,
            within_tolerance=within,
            explained=len(explained),
            unexplained=len(unexplained),
            tolerance=tolerance.text if tolerance else None,
            masked=self.value_sensitivity[column] is not Sensitivity.NONE,
            bands={band: bands.get(band, 0) for band in BANDS},
        )
        return summary, unexplained, explained


def _raw_differs(old: str, new: str) -> str:
    """SQL: the two texts differ at all. A plain comparison is several times faster in DuckDB than one of trimmed
    texts; pairs that differ only by spaces come to Python like any other and agree there."""
    return f"{old} IS DISTINCT FROM {new}"


def _plain(number: Decimal) -> str:
    """A Decimal as plain text (no exponent), without trailing zeros after the point."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _check_read_options(old: Path, new: Path, old_options: ReadOptions, new_options: ReadOptions) -> None:
    """An option for a kind of file that neither input is would be silently unused: say so instead."""
    excel = [is_excel(old), is_excel(new)]
    if any(o.sheet is not None for o in (old_options, new_options)) and not any(excel):
        raise UsageError(
            say(
                "--sheet は .xlsx ファイル用ですが、どちらのファイルも CSV です",
                "--sheet is for .xlsx files, and both files are CSV",
            ),
            hint=say("--sheet を外してください", "leave --sheet out"),
        )
    if any(o.encoding is not None for o in (old_options, new_options)) and all(excel):
        raise UsageError(
            say(
                "--encoding は CSV ファイル用ですが、どちらのファイルも .xlsx です",
                "--encoding is for CSV files, and both files are .xlsx",
            ),
            hint=say("--encoding を外してください", "leave --encoding out"),
        )


def reconcile_results(
    old: Path,
    new: Path,
    keys: Sequence[str],
    *,
    columns: Sequence[str] | None = None,
    tolerances: Mapping[str, Tolerance] | None = None,
    rules: ResultsRules | None = None,
    rules_file: Path | None = None,
    read: ReadOptions | None = None,
    new_read: ReadOptions | None = None,
    unmask: bool = False,
) -> ResultsComparison:
    """Compare the result file ``new`` with ``old`` row by row on ``keys`` (module docstring). ``read``: how to
    read the files; ``new_read``: how to read ``new`` when that differs (e.g. its header on another row)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    old_options = read or ReadOptions()
    new_options = new_read or old_options
    _check_read_options(old, new, old_options, new_options)
    con = connect(None)
    try:
        with tempfile.TemporaryDirectory(prefix="fitgap-results-") as work:
            old_file = load_result_file(con, old, "old_result", old_options, Path(work))
            new_file = load_result_file(con, new, "new_result", new_options, Path(work))
            timings["read"] = round(time.perf_counter() - started, 3)
            plan = _plan(old_file, new_file, keys, columns, tolerances or {}, rules, rules_file)
            comparison = _Comparison(con, plan, unmask)
            row_differences, compared = comparison.rows()
            summaries: list[ColumnSummary] = []
            unexplained: list[ResultDifference] = list(row_differences)
            explained: list[ResultDifference] = []
            for j in range(len(plan.compared)):
                summary, found, accounted = comparison.column(j, compared)
                summaries.append(summary)
                unexplained += found
                explained += accounted
        timings["compare"] = round(time.perf_counter() - started - timings["read"], 3)
    finally:
        con.close()
    differing_rows = {d.old_line for d in (*unexplained, *explained) if d.column is not None}
    codes = Counter(d.code.value for d in unexplained)
    uses = Counter(d.rule for d in explained)
    now = dt.datetime.now(dt.UTC)
    return ResultsComparison(
        reconcile_id="results-" + now.strftime("%Y%m%d-%H%M%S-%f"),
        created=now,
        old_file=str(old),
        new_file=str(new),
        old_format=old_file.format,
        new_format=new_file.format,
        keys=tuple(plan.keys),
        old_rows=old_file.rows,
        new_rows=new_file.rows,
        compared_rows=compared,
        agreed_rows=compared - len(differing_rows),
        missing_rows=codes.get(Code.RESULT_ROW_MISSING.value, 0),
        extra_rows=codes.get(Code.RESULT_ROW_EXTRA.value, 0),
        duplicated_keys=codes.get(Code.RESULT_KEY_DUPLICATED.value, 0),
        columns=tuple(summaries),
        not_compared=tuple(plan.not_compared),
        tolerances={c: t.text for c, t in plan.tolerances.items()},
        rules_file=str(rules_file) if rules_file is not None else None,
        spec_changes=tuple(
            SpecChangeUse(name=c.name, column=c.column, explained=uses.get(c.name, 0)) for c in plan.spec_changes
        ),
        unexplained=len(unexplained),
        explained=len(explained),
        by_code=dict(codes),
        masked=not unmask,
        differences=(*unexplained, *explained),
        timings=timings,
    )


def record_results(db: Path, result: ResultsComparison, business: str | None = None) -> bool:
    """Record the comparison in the migration's database (readiness reads the latest per new file); False when
    there is no such database (nothing is created for it)."""
    if not db.exists():
        return False
    if business is not None and business not in BUSINESS_IDS:
        raise FitgapError(
            say(
                f"--business {business!r} は標準仕様の業務IDではありません",
                f"--business {business!r} is no 業務ID of the standard",
            ),
            hint=say(
                "結果が属する 3 桁の業務IDを指定してください（例: 002。一覧は fitgap catalog list）",
                "give the 3-digit 業務ID the results belong to, e.g. 002 (fitgap catalog list)",
            ),
        )
    # --unmask shows values; it never stores them: an unmasked comparison is recorded without its values.
    kept = result.masked
    differences = [
        {
            "code": d.code.value,
            "line": d.old_line,
            "key": d.key if kept else "",
            "item": d.column,
            "legacy": d.old if kept else None,
            "expected": None,
            "actual": d.new if kept else None,
            "explanation": SPEC_CHANGE if d.rule else None,
            "detail": d.rule
            or d.band
            or d.detail
            or (say(f"新の {d.new_line} 行目", f"new line {d.new_line}") if d.new_line is not None else None),
        }
        for d in result.differences
    ]
    con = connect(db)
    try:
        record_reconciliation(
            con,
            ReconcileRecord(
                reconcile_id=result.reconcile_id,
                kind=ReconcileKind.RESULTS,
                business=business,
                subject=Path(result.new_file).name,
                compared=result.compared_rows,
                agreed=result.agreed_rows,
                explained=result.explained,
                unexplained=result.unexplained,
            ),
            differences,
        )
    finally:
        con.close()
    return True
