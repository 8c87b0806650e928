"""The rules of the standard's data layouts, produced once from the catalog for converter and validation alike.

Each item's constraints (必須 / 条件付き必須, type and width, 桁数, number and date formats, real calendar
days, a birth date not after the as-of date, code lists, check digits) and each group's (primary and foreign
keys, dates not before the birth date) become
:class:`DataRule` objects with a stable id (``TABLE.item.kind``), a reason code from the code catalogue, a
severity, a description in Japanese and English and one SQL predicate that is true for a failing row.

The predicate names columns as ``${romanized}``: the converter fills them with its working columns and
quarantines a row when a rule with :attr:`DataRule.quarantines` fails; validation fills them with the
table's quoted columns, hands the rule to Great Expectations and lists its failing rows with plain SQL. One predicate,
so a value passes conversion exactly when it passes validation (``tests/spec_catalog/test_rule_agreement.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from functools import cache, lru_cache
from typing import Literal

from spec_catalog import mj
from spec_catalog.base import FrozenModel
from spec_catalog.codes import Code
from spec_catalog.database import literal, quote
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, DataGroup, DataItem, table_name
from spec_catalog.vocab import DataType, OutputCondition

RuleSeverity = Literal["error", "warning"]
SENTINELS = ("0000-01-01", "9999-12-31")  # the standard's open ends of a period

# What X (半角) and Ｎ (全角) items may hold, as RE2 classes: ASCII and half-width katakana are narrow.
NARROW_CLASS = "[\\x{20}-\\x{7E}\\x{FF61}-\\x{FF9F}]"  # what an Ｎ item must not keep
WIDE_CLASS = "[^\\x{20}-\\x{7E}\\x{FF61}-\\x{FF9F}]"  # what an X item must not keep
# Variation selectors (VS1–16, and VS17–256 of the ideographic variation sequences): 葛󠄀 (U+845B U+E0100) is one
# character of its base, so a selector does not count towards 桁数.
VARIATION_SELECTOR_CLASS = "[\\x{FE00}-\\x{FE0F}\\x{E0100}-\\x{E01EF}]"
HALF_WIDTH_PATTERN = f"^{NARROW_CLASS}*$"
FULL_WIDTH_PATTERN = f"^{WIDE_CLASS}*$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
NUMBER_PATTERNS = {
    DataType.INTEGER: "^[0-9]+$",
    DataType.SIGNED_INTEGER: "^-?[0-9]+$",
    DataType.YEAR: "^[0-9]{4}$",
}
# The birth date, and the dates of a row that cannot come before it: nobody moves, becomes a resident or has
# their record written before they are born (DATE_BEFORE_BIRTH, an error).
BIRTH_DATE = ("seinengappi", "生年月日")  # (romanized, name): either names it
NOT_BEFORE_BIRTH = (
    ("juminnonattanengappi", "住民となった年月日"),
    ("idonengappi", "異動年月日"),
    ("sosanengappi", "操作年月日"),
)
# The as-of date of a birth date: the day the rule runs (conversion: the run's day; validation: today), in Japan:
# DuckDB's current_date follows the session's zone (UTC on a server), a day behind until 09:00 JST.
AS_OF = "CAST(timezone('Asia/Tokyo', now()) AS DATE)"
_PLACEHOLDER = re.compile(r"\$\{([a-z0-9_]+)\}")


class RuleKind(StrEnum):
    COLUMNS = "columns"
    REQUIRED = "required"
    CONDITIONAL = "conditional"
    LENGTH = "length"
    HALF_WIDTH = "half_width"
    FULL_WIDTH = "full_width"
    CHARSET = "charset"
    FORMAT = "format"
    CALENDAR = "calendar"
    CODE_LIST = "code_list"
    PRIMARY_KEY = "primary_key"
    FOREIGN_KEY = "foreign_key"
    CHECK_DIGIT = "check_digit"
    FUTURE_DATE = "future_date"
    NOT_AFTER_AS_OF = "not_after_as_of"
    NOT_BEFORE_BIRTH = "not_before_birth"
    CUSTOM = "custom"


class Scope(StrEnum):
    """What a rule looks at: one value, several values of a row, or the whole table (and others)."""

    VALUE = "value"
    ROW = "row"
    TABLE = "table"


class DataRule(FrozenModel):
    """One rule of a layout, as converter and validation both read it.

    ``validation_only``: validation states and counts the rule (with its severity), the converter never
    quarantines by it, whatever its severity and scope. The character-set rule (:attr:`RuleKind.CHARSET`) is so:
    the 文字同定 workflow (``moji scan`` / ``sheet`` / ``apply``) decides the characters of data converted once,
    and a conversion that refused every name with a rare character would leave it nothing to decide on."""

    rule_id: str
    kind: RuleKind
    code: Code
    severity: RuleSeverity
    scope: Scope
    items: tuple[str, ...]  # the items the rule looks at; the first is the one it is about
    predicate: str | None  # SQL, true for a failing row; ${item} stands for the item's column
    description_ja: str
    description_en: str
    # What Great Expectations needs to state the rule its own way.
    pattern: str | None = None
    max_length: int | None = None
    value_set: tuple[str, ...] | None = None
    references: str | None = None  # a table the rule reads too (foreign keys)
    validation_only: bool = False  # never quarantines in conversion (see the class docstring)

    @property
    def quarantines(self) -> bool:
        """The converter rejects a row that fails it: an error on the row's own values, unless validation only."""
        return (
            self.severity == "error"
            and self.scope is not Scope.TABLE
            and self.predicate is not None
            and not self.validation_only
        )

    def sql(self, column: Callable[[str], str] = quote) -> str:
        """The predicate with each ``${item}`` replaced by ``column(item)`` (quoted column names by default)."""
        if self.predicate is None:
            raise ValueError(
                say(f"ルール {self.rule_id} に SQL の条件がありません", f"rule {self.rule_id} has no SQL predicate")
            )
        return _PLACEHOLDER.sub(lambda m: column(m[1]), self.predicate)

    def description(self, lang: str = "ja") -> str:
        return self.description_ja if lang == "ja" else self.description_en


class ManualCheck(FrozenModel):
    """A 条件付き必須 condition that no rule expresses: a person checks it."""

    item: str
    name: str
    condition: str


class GroupRules(FrozenModel):
    table: str
    rules: tuple[DataRule, ...]
    manual_checks: tuple[ManualCheck, ...]

    def for_item(self, romanized: str) -> list[DataRule]:
        return [r for r in self.rules if r.items and r.items[0] == romanized]


# Check digits in SQL (the Python versions are in spec_catalog.checkdigits) -----------------------------


def _digit(column: str, position: int) -> str:
    # Read only where the value is all ASCII digits (the regular expression before it): a digit's code point
    # minus that of '0' is cheaper than a cast of a substring. SQL may evaluate every side of an OR, and on
    # other values this gives a number that no verdict reads (an empty substring gives 0 - 48, no error).
    return f"(ascii(substr({column}, {position}, 1)) - 48)"


def _weighted(column: str, weights: Sequence[int], first: int = 1) -> str:
    return " + ".join(f"{w} * {_digit(column, i)}" for i, w in enumerate(weights, start=first))


def my_number_sql(column: str) -> str:
    """True for a value that is not a 12-digit 個人番号 with a right check digit."""
    total = _weighted(column, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    # 11 - remainder, 0 where the remainder is 0 or 1: ((11 - r) % 11) % 10 is both, with the sum written once
    # (DuckDB would compute it twice in CASE WHEN r <= 1 THEN 0 ELSE 11 - r END: 0.3 s per million rows).
    return (
        f"({column} IS NOT NULL AND (NOT regexp_full_match({column}, '[0-9]{{12}}') "
        f"OR ((11 - ({total}) % 11) % 11) % 10 <> {_digit(column, 12)}))"
    )


def local_government_sql(column: str) -> str:
    return (
        f"({column} IS NOT NULL AND (NOT regexp_full_match({column}, '[0-9]{{6}}') "
        f"OR (11 - ({_weighted(column, (6, 5, 4, 3, 2))}) % 11) % 10 <> {_digit(column, 6)}))"
    )


def corporate_number_sql(column: str) -> str:
    # Check digit first; over the last 12 digits, odd positions from the right weigh 1, even ones 2: the digit at
    # character i (2…13) is position 14 - i from the right.
    total = _weighted(column, [1 if (14 - i) % 2 == 1 else 2 for i in range(2, 14)], first=2)
    return (
        f"({column} IS NOT NULL AND (NOT regexp_full_match({column}, '[0-9]{{13}}') "
        f"OR 9 - ({total}) % 9 <> {_digit(column, 1)}))"
    )


def check_digit_kind(item: DataItem) -> tuple[str, str, Callable[[str], str]] | None:
    """(Japanese name, English name, SQL) of the check digit an item carries, if any."""
    if item.romanized == "kojinbango" or item.name == "個人番号":
        return "個人番号（12桁・検査数字）", "個人番号 (12 digits, modulus-11 check digit)", my_number_sql
    if item.romanized.endswith("shikuchosonkodo") or item.name.endswith("市区町村コード"):
        return (
            "全国地方公共団体コード（6桁・検査数字）",
            "全国地方公共団体コード (6 digits with check digit)",
            local_government_sql,
        )
    if item.romanized == "hojinbango" or item.name == "法人番号":
        return "法人番号（13桁・検査数字が先頭）", "法人番号 (13 digits, check digit first)", corporate_number_sql
    return None


# The standard's character set ---------------------------------------------------------------------------
# What an Ｎ item may hold (CHARACTER_NOT_IN_STANDARD): the characters of JIS X 0213 (JIS X 0208 within it) and of
# MJ (each code point MJ writes a character with, alone or as the base of an IVS), as spec_catalog.mj classes them;
# also ASCII and JIS X 0201 (¥ ‾, half-width katakana), which the width rule fails, not this one. Simplification:
# a variation selector passes anywhere, so an IVS sequence MJ does not have (葛 + an unassigned VS) or a selector
# with no character before it passes here; ``moji scan`` classes such a sequence NOT_IN_MJ.
_BASIC = ((0x20, 0x7E), (0xA5, 0xA5), (0x203E, 0x203E), (0xFF61, 0xFF9F))  # as mj.classify's BASIC, printable
_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def _private_use(code: int) -> bool:
    return 0xE000 <= code <= 0xF8FF or code >= 0xF0000


def _jis_x0213() -> set[int]:
    """The code points of JIS X 0213 as :func:`spec_catalog.mj.x0213_code` decides it: every EUC-JIS-2004 code
    of both planes decoded (17,672 codes, 5x faster than encoding each code point up to U+3FFFF; the same set),
    and kept when it encodes back as JIS X 0213 (a combining sequence such as か゚ is two code points: not kept)."""
    found: set[int] = set()
    for first in range(0xA1, 0xFF):
        for second in range(0xA1, 0xFF):
            for code in (bytes((first, second)), bytes((0x8F, first, second))):
                try:
                    ch = code.decode("euc_jis_2004")
                except UnicodeDecodeError:
                    continue
                if len(ch) == 1 and mj.x0213_code(ch) is not None:
                    found.add(ord(ch))
    return found


@cache
def standard_code_points() -> frozenset[int]:
    """The code points of the standard's character set (selectors included), built once per process from the MJ
    table and Python's JIS X 0213 codec (about 0.5 s: only a rule of an Ｎ item asks for it)."""
    inside = _jis_x0213()
    inside.update(ord(ch) for ch in mj.mj_code_points() if not _private_use(ord(ch)))
    for low, high in (*_BASIC, *_SELECTORS):
        inside.update(range(low, high + 1))
    return frozenset(inside)


def _ranges(codes: Iterable[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


def _class_char(code: int) -> str:
    # ASCII escaped (it holds the class's own syntax, and the ':' SQLAlchemy would read as a parameter); anything
    # else as itself, half the size of an escape in a class of ~9,000 ranges.
    return f"\\x{{{code:X}}}" if code < 0x80 else chr(code)


@lru_cache(maxsize=8)
def outside_standard_class(allowed: frozenset[str] = frozenset()) -> str:
    """An RE2 class of the characters outside the standard's set and ``allowed`` (the municipality's decisions:
    each code point of an allowed character is taken in, an IVS sequence's base with its selector)."""
    codes = standard_code_points() | {ord(c) for text in allowed for c in text}
    parts = (_class_char(a) if a == b else f"{_class_char(a)}-{_class_char(b)}" for a, b in _ranges(codes))
    return f"[^{''.join(parts)}]"


# Rules of one item ---------------------------------------------------------------------------------


class _ItemRules:
    def __init__(self, table: str, item: DataItem) -> None:
        self.table, self.item = table, item
        self.c = f"${{{item.romanized}}}"
        self.rules: list[DataRule] = []

    def add(self, kind: RuleKind, code: Code, predicate: str, ja: str, en: str, **gx: object) -> None:
        self.rules.append(
            DataRule(
                rule_id=f"{self.table}.{self.item.romanized}.{kind.value}",
                kind=kind,
                code=code,
                severity="warning" if kind is RuleKind.FUTURE_DATE else "error",  # only a date in the future warns
                scope=Scope.VALUE,
                items=(self.item.romanized,),
                predicate=predicate,
                description_ja=f"{self.item.name}: {ja}",
                description_en=f"{self.item.name}: {en}",
                **gx,  # type: ignore[arg-type]
            )
        )


def _not_matching(c: str, pattern: str) -> str:
    return f"({c} IS NOT NULL AND NOT regexp_matches({c}, {literal(pattern)}))"


def item_rules(
    table: str,
    item: DataItem,
    spec: BusinessSpec,
    *,
    allowed: frozenset[str] = frozenset(),
    validation_only: bool = True,
) -> list[DataRule]:
    """The value rules of one item: what each of its values must be. ``allowed``: characters outside the
    standard's set that the municipality's decisions accept (the character-set rule of an Ｎ item takes them in).
    ``validation_only=False`` leaves out the rules conversion never applies (and the MJ data they load)."""
    r = _ItemRules(table, item)
    c, kind = r.c, item.type
    if item.output_condition is OutputCondition.REQUIRED:
        r.add(RuleKind.REQUIRED, Code.REQUIRED_MISSING, f"{c} IS NULL", "必須（空でないこと）", "必須: never empty")
    if item.length is not None and kind not in (DataType.DECIMAL, DataType.DATE, DataType.TIME):
        # Characters are never more than bytes, nor more than code points: the byte length (kept with the string)
        # and then the code points rule out most values; only the rare longer ones have their selectors dropped
        # (a CASE, as DuckDB evaluates every operand of an AND outside a WHERE: 3x slower measured).
        n = item.length
        counted = f"regexp_replace({c}, {literal(VARIATION_SELECTOR_CLASS)}, '', 'g')"
        r.add(
            RuleKind.LENGTH,
            Code.LENGTH_EXCEEDED,
            f"(CASE WHEN strlen({c}) > {n} AND length({c}) > {n} THEN length({counted}) > {n} ELSE false END)",
            f"{item.length}文字以内",
            f"at most {item.length} character{'' if item.length == 1 else 's'}",
            max_length=item.length,
        )
    if kind is DataType.HALF_WIDTH:
        # No ASCII shortcut (byte length = character length): ASCII has control characters, which X rules out.
        r.add(
            RuleKind.HALF_WIDTH,
            Code.WIDTH_NOT_HALF,
            f"({c} IS NOT NULL AND regexp_matches({c}, {literal(WIDE_CLASS)}))",
            "半角（X）の文字だけ",
            "half-width (X) characters only",
            pattern=HALF_WIDTH_PATTERN,
        )
    elif kind is DataType.FULL_WIDTH:
        r.add(
            RuleKind.FULL_WIDTH,
            Code.WIDTH_NOT_FULL,
            f"({c} IS NOT NULL AND regexp_matches({c}, {literal(NARROW_CLASS)}))",
            "全角（Ｎ）の文字だけ",
            "full-width (Ｎ) characters only",
            pattern=FULL_WIDTH_PATTERN,
        )
    if kind is DataType.FULL_WIDTH and validation_only:
        r.add(
            RuleKind.CHARSET,
            Code.CHARACTER_NOT_IN_STANDARD,
            f"({c} IS NOT NULL AND regexp_matches({c}, {literal(outside_standard_class(allowed))}))",
            "標準の文字（JIS X 0213・MJ文字）か団体が認めた文字だけ",
            "characters of the standard's set (JIS X 0213, MJ) or allowed by the municipality only",
            validation_only=True,
        )
    _format_rules(r, item)
    if item.code_list:
        code_list = spec.code_list(item.code_list)
        if code_list is not None and not code_list.open:
            values = tuple(v.code for v in code_list.values)
            r.add(
                RuleKind.CODE_LIST,
                Code.CODE_NOT_IN_LIST,
                f"({c} IS NOT NULL AND {c} NOT IN ({', '.join(literal(v) for v in values)}))",
                f"コード一覧 {code_list.code_list_id} {code_list.name} の値",
                f"in code list {code_list.code_list_id} {code_list.name}",
                value_set=values,
            )
    found = check_digit_kind(item)
    if found:
        r.add(RuleKind.CHECK_DIGIT, Code.CHECK_DIGIT_INVALID, found[2](c), found[0], found[1])
    return r.rules


def _format_rules(r: _ItemRules, item: DataItem) -> None:
    c, kind = r.c, item.type
    if kind in NUMBER_PATTERNS or kind is DataType.DECIMAL:
        pattern = NUMBER_PATTERNS.get(kind) or f"^[0-9]{{1,{item.length}}}(\\.[0-9]{{1,{item.fraction_digits}}})?$"
        label = f"9V({item.length},{item.fraction_digits})" if kind is DataType.DECIMAL else kind.value
        r.add(
            RuleKind.FORMAT,
            Code.NUMBER_INVALID,
            _not_matching(c, pattern),
            f"{label} の数値",
            f"a number of type {label}",
            pattern=pattern,
        )
    elif kind is DataType.TIME:
        r.add(
            RuleKind.FORMAT,
            Code.TIME_FORMAT_INVALID,
            _not_matching(c, TIME_PATTERN),
            "時刻（HH:MM[:SS]）",
            "a time HH:MM[:SS]",
            pattern=TIME_PATTERN,
        )
    elif kind is DataType.DATE:
        r.add(
            RuleKind.FORMAT,
            Code.DATE_FORMAT_INVALID,
            _not_matching(c, DATE_PATTERN),
            "日付（YYYY-MM-DD）",
            "a date YYYY-MM-DD",
            pattern=DATE_PATTERN,
        )
        sentinels = ", ".join(literal(s) for s in SENTINELS)
        # Only values in ISO shape: a value in another shape is the format rule's, not counted twice.
        r.add(
            RuleKind.CALENDAR,
            Code.DATE_NOT_CALENDAR,
            f"({c} IS NOT NULL AND {c} NOT IN ({sentinels}) AND regexp_matches({c}, {literal(DATE_PATTERN)}) "
            f"AND try_strptime({c}, '%Y-%m-%d') IS NULL)",
            "暦にある日付（または 0000-01-01 / 9999-12-31）",
            "a real calendar day (or 0000-01-01 / 9999-12-31)",
        )
        if is_birth_date(item):
            # A birth date is a day, never an open end: 9999-12-31 is after any as-of date too.
            r.add(
                RuleKind.NOT_AFTER_AS_OF,
                Code.BIRTH_DATE_AFTER_AS_OF,
                f"({c} IS NOT NULL AND try_strptime({c}, '%Y-%m-%d') > {AS_OF})",
                "基準日（変換・検証の実行日）より後でないこと",
                "not after the as-of date (the day of the conversion or validation)",
            )
        else:
            r.add(
                RuleKind.FUTURE_DATE,
                Code.DATE_IN_FUTURE,
                f"({c} IS NOT NULL AND {c} NOT IN ({sentinels}) AND try_strptime({c}, '%Y-%m-%d') > {AS_OF})",
                "未来の日付でないこと",
                "not in the future",
            )


def is_birth_date(item: DataItem) -> bool:
    """生年月日: the item a row's other dates may not come before."""
    return item.type is DataType.DATE and _named(item, BIRTH_DATE)


def _named(item: DataItem, names: tuple[str, str]) -> bool:
    """Whether the item has the romanized name or the name of ``names``."""
    return item.romanized == names[0] or item.name == names[1]


# Rules of a row and of the table -----------------------------------------------------------------------


def conditional_rules(table: str, group: DataGroup) -> tuple[list[DataRule], list[ManualCheck]]:
    """条件付き必須 conditions that can be written as a rule; the others become manual checks."""
    names = {i.romanized for i in group.items}
    by_name = {i.name: i.romanized for i in group.items}
    rules: list[DataRule] = []
    manual: list[ManualCheck] = []
    for item in group.items:
        if item.output_condition is not OutputCondition.CONDITIONAL:
            continue
        text = item.condition or ""
        c = f"${{{item.romanized}}}"
        found: tuple[str, tuple[str, ...], str, str] | None = None
        if "氏名未定" in text and "shimeimiteikubun" in names:
            found = (
                f"({c} IS NULL AND coalesce(${{shimeimiteikubun}}, '0') <> '1')",
                ("shimeimiteikubun",),
                "氏名未定（shimeimiteikubun = 1）でなければ出力必須",
                "出力必須 unless 氏名未定 (shimeimiteikubun = 1)",
            )
        elif item.romanized.endswith("_fushohyoki") and item.romanized.removesuffix("_fushohyoki") in names:
            date = item.romanized.removesuffix("_fushohyoki")
            found = (
                f"({c} IS NULL AND ${{{date}}} IS NULL)",
                (date,),
                "日付かその不詳表記のどちらかがあること",
                "the date or its 不詳表記 is given",
            )
        elif re.search(r"不詳でない場合|不詳ではない場合", text) and f"{item.romanized}_fushohyoki" in names:
            continue  # the same pair as above, written once on the 不詳表記 item
        elif (match := re.fullmatch(r"(.+?)がある場合は出力必須", text)) and match[1] in by_name:
            other = by_name[match[1]]
            found = (
                f"({c} IS NULL AND ${{{other}}} IS NOT NULL)",
                (other,),
                f"{match[1]}がある場合は出力必須",
                f"出力必須 when {match[1]} is given",
            )
        if found is None:
            manual.append(ManualCheck(item=item.romanized, name=item.name, condition=text))
            continue
        predicate, others, ja, en = found
        rules.append(
            DataRule(
                rule_id=f"{table}.{item.romanized}.conditional",
                kind=RuleKind.CONDITIONAL,
                code=Code.CONDITIONAL_MISSING,
                severity="error",
                scope=Scope.ROW,
                items=(item.romanized, *others),
                predicate=predicate,
                description_ja=f"{item.name}: {ja}（※※{text}）",
                description_en=f"{item.name}: {en} (※※{text})",
            )
        )
    return rules, manual


def key_rules(table: str, group: DataGroup, spec: BusinessSpec) -> list[DataRule]:
    """The primary key is unique; each foreign key refers to a row of the group that has it as key."""
    rules: list[DataRule] = []
    keys = [i.romanized for i in group.primary_key]
    if keys:
        columns = ", ".join(f"${{{k}}}" for k in keys)
        predicate = f"({columns}) IN (SELECT {columns} FROM {quote(table)} GROUP BY {columns} HAVING count(*) > 1)"
        if len(keys) == 1:
            predicate = f"${{{keys[0]}}} IS NOT NULL AND {predicate}"
        rules.append(
            DataRule(
                rule_id=f"{table}.{'+'.join(keys)}.primary_key",
                kind=RuleKind.PRIMARY_KEY,
                code=Code.KEY_DUPLICATE,
                severity="error",
                scope=Scope.TABLE,
                items=tuple(keys),
                predicate=predicate,
                description_ja=f"主キー {'+'.join(keys)} が一意であること",
                description_en=f"primary key {'+'.join(keys)} is unique",
            )
        )
    for item in group.items:
        if not item.foreign_key:
            continue
        target = next(
            (
                g
                for g in spec.layouts
                if g.name != group.name and any(k.primary_key and k.romanized == item.romanized for k in g.items)
            ),
            None,
        )
        if target is None:
            continue
        other = table_name(spec.business_id, target.name)
        c = f"${{{item.romanized}}}"
        rules.append(
            DataRule(
                rule_id=f"{table}.{item.romanized}.foreign_key",
                kind=RuleKind.FOREIGN_KEY,
                code=Code.FOREIGN_KEY_MISSING,
                severity="error",
                scope=Scope.TABLE,
                items=(item.romanized,),
                predicate=f"{c} IS NOT NULL AND {c} NOT IN (SELECT {c} FROM {quote(other)} WHERE {c} IS NOT NULL)",
                description_ja=f"{item.name}: {other} の行を参照していること",
                description_en=f"{item.name}: refers to an existing row of {other}",
                references=other,
            )
        )
    return rules


def birth_order_rules(table: str, group: DataGroup) -> list[DataRule]:
    """異動年月日, 住民となった年月日 and 操作年月日 not before the row's 生年月日 (open ends and empty dates aside)."""
    birth = next((i for i in group.items if is_birth_date(i)), None)
    if birth is None:
        return []
    rules = []
    sentinels = ", ".join(literal(s) for s in SENTINELS)
    b = f"${{{birth.romanized}}}"
    for item in group.items:
        if item.type is not DataType.DATE or not any(_named(item, names) for names in NOT_BEFORE_BIRTH):
            continue
        c = f"${{{item.romanized}}}"
        rules.append(
            DataRule(
                rule_id=f"{table}.{item.romanized}.{RuleKind.NOT_BEFORE_BIRTH.value}",
                kind=RuleKind.NOT_BEFORE_BIRTH,
                code=Code.DATE_BEFORE_BIRTH,
                severity="error",
                scope=Scope.ROW,
                items=(item.romanized, birth.romanized),
                predicate=(
                    f"({c} IS NOT NULL AND {b} IS NOT NULL AND {c} NOT IN ({sentinels}) AND {b} NOT IN ({sentinels}) "
                    f"AND try_strptime({c}, '%Y-%m-%d') < try_strptime({b}, '%Y-%m-%d'))"
                ),
                description_ja=f"{item.name}: {birth.name}より前でないこと",
                description_en=f"{item.name}: not before {birth.name}",
            )
        )
    return rules


def group_rules(
    spec: BusinessSpec, group: DataGroup, *, allowed: frozenset[str] = frozenset(), validation_only: bool = True
) -> GroupRules:
    """Every rule the catalog implies for one group, in a stable order (``allowed``, ``validation_only``: see
    :func:`item_rules`)."""
    table = table_name(spec.business_id, group.name)
    rules: list[DataRule] = []
    for item in group.items:
        rules += item_rules(table, item, spec, allowed=allowed, validation_only=validation_only)
    conditional, manual = conditional_rules(table, group)
    rules += conditional
    rules += key_rules(table, group, spec)
    rules += birth_order_rules(table, group)
    return GroupRules(table=table, rules=tuple(rules), manual_checks=tuple(manual))
