"""Control totals (管理合計) of one data group, for the source and the target of a reconciliation, with tolerances.

:func:`plan_totals` reads the catalog and lists the totals of a group (:class:`TotalSpec`, in the layout's order):

- ``rows`` — 行数, always; ``distinct_keys`` — the key's distinct tuples (a NULL key part counts as a value).
- ``rows_per_code`` — for an item with a code list that lists values: the rows per listed code, plus one
  「その他」 total: the non-empty values the list does not hold (for an open list, the municipality's own codes).
  NULL and '' are in no per-code total (an optional code may be empty); ``rows`` still counts those rows.
- A list of more than :data:`MAX_CODES` values gets no per-code totals (a report of hundreds of near-zero lines
  hides the one that matters): its 「その他」 total and ``distinct_values``, the number of distinct non-empty
  values. An open list without values gets nothing: the catalog does not say what the values are.
- ``sum`` — exact sums of the amounts: 9 / S9 / 9V items that are neither keys, nor code items, nor identifiers
  (a データ項目 named …番号 / …コード / …ID is a number that identifies, not an amount).
- ``min`` / ``max`` — of each DATE item, as ISO text (the sentinels 0000-01-01 and 9999-12-31 included).
- ``unknown_dates`` — for each 不詳表記 item (romanized ``…_fushohyoki``), its non-empty values.

:func:`compute_totals` computes the totals of one relation (a table or a ``(SELECT …)``) in three scans: one
SELECT of every sum, min, max and count, one of the distinct keys (DuckDB is much slower with a DISTINCT aggregate
beside the others), and one ``GROUP BY GROUPING SETS`` that counts the values of every code item at once (a
filtered count per code value costs 2-3× that pass). Both sides go through the same SQL, casting defensively:
the converter's tables are all VARCHAR, a table loaded from the new system may have DATE, INTEGER or DECIMAL
columns (a code compares as its text, a date as a DATE, an amount as a DECIMAL); a value a cast cannot read
(TRY_CAST) is left out of its sum, min or max.

:func:`compare_totals` compares the two sides. A tolerance (fitgap.yaml ``reconcile: {tolerances: …}``, by item
romanized name or by total kind, the item's winning; exact by default) is "0", an amount ("5") or a rate ("0.1%"
of the source figure). Min and max compare exactly, whatever is configured. Two NULL figures agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from fitgap.reconcile.models import TotalCheck
from spec_catalog.base import FitgapError, FrozenModel
from spec_catalog.database import quote
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, DataGroup, DataItem
from spec_catalog.vocab import DataType

TotalKind = Literal["rows", "rows_per_code", "distinct_keys", "distinct_values", "sum", "min", "max", "unknown_dates"]
TOTAL_KINDS: tuple[str, ...] = get_args(TotalKind)  # what fitgap.yaml's reconcile.tolerances may name
MAX_CODES = 50  # a longer code list gets its 「その他」 and distinct-value totals only (see the module docstring)
OTHER = ("その他", "other")  # the 「その他」 total's word, (Japanese, English)
AMOUNT_TYPES = (DataType.INTEGER, DataType.SIGNED_INTEGER, DataType.DECIMAL)
IDENTIFIER_SUFFIXES = ("番号", "コード", "ID")
UNKNOWN_SUFFIX = "_fushohyoki"
SUM_SCALE = 4  # digits after the point of the sums; more when an item's 9V has more
EXACT_KINDS = ("min", "max")
_TOLERANCE = re.compile(r"^(\d+(?:\.\d+)?)(%?)$")


class TotalSpec(FrozenModel):
    """One control total of a group, as the catalog implies it."""

    name: str  # label in the run's language, e.g. 行数, 性別 = 1 の行数, 課税標準額 の合計, 生年月日 の最小
    kind: TotalKind
    item: str | None  # romanized item (None: rows, distinct_keys)
    code: str | None = None  # rows_per_code: the code value (None: the 「その他」 total)
    keys: tuple[str, ...] = ()  # distinct_keys: the key items, romanized
    code_values: tuple[str, ...] = ()  # rows_per_code 「その他」: the listed values it leaves out
    scale: int = SUM_SCALE  # sum: digits after the point

    @property
    def total_id(self) -> str:
        """Stable id of the total: what :func:`compute_totals` keys its figures by."""
        middle = self.item if self.item is not None else "+".join(self.keys)
        return f"{self.kind}:{middle}:{self.code if self.code is not None else ''}"


class Tolerance(FrozenModel):
    """How far two figures may differ: by an amount, or by a fraction of the source figure (0.1% → 0.001)."""

    absolute: Decimal = Decimal(0)
    relative: Decimal | None = None

    def allows(self, source: Decimal, target: Decimal) -> bool:
        gap = abs(source - target)
        return gap <= self.absolute or (self.relative is not None and gap <= self.relative * abs(source))


def parse_tolerance(text: str) -> Tolerance:
    """A tolerance as fitgap.yaml writes it: "0", "5", "0.5", "0.1%" (full-width digits accepted)."""
    found = _TOLERANCE.match(unicodedata.normalize("NFKC", str(text)).strip())
    if found is None:
        raise FitgapError(
            say(f"許容差 {text!r} は金額でも率でもありません", f"tolerance {text!r} is neither an amount nor a rate"),
            hint=say(
                '"0"（完全一致）、"5" のような金額、または "0.1%" のような旧データの値に対する率を指定してください',
                'give "0" (exact), an amount such as "5", or a rate of the legacy figure such as "0.1%"',
            ),
        )
    number, percent = Decimal(found.group(1)), found.group(2)
    return Tolerance(relative=number / 100) if percent else Tolerance(absolute=number)


def _is_identifier(item: DataItem) -> bool:
    return unicodedata.normalize("NFKC", item.name).endswith(IDENTIFIER_SUFFIXES)


def plan_totals(
    group: DataGroup,
    key_items: Sequence[str],
    items: Sequence[str] | None = None,
    *,
    spec: BusinessSpec,
) -> list[TotalSpec]:
    """The control totals of ``group``: ``key_items`` (romanized) give the distinct-key total, ``items`` limits
    the item totals to these romanized items (the columns both sides hold; None: every item of the group).
    ``spec`` is the business the group belongs to: it holds the code lists the items refer to."""
    by_name = {item.romanized: item for item in group.items}
    wanted = set(items) if items is not None else set(by_name)
    keys = tuple(key_items)
    totals = [TotalSpec(name=say("行数", "rows"), kind="rows", item=None)]
    if keys:
        names = "・".join(by_name[k].name if k in by_name else k for k in keys)
        distinct = say(f"キー（{names}）の件数（重複を除く）", f"distinct keys ({names})")
        totals.append(TotalSpec(name=distinct, kind="distinct_keys", item=None, keys=keys))
    for item in group.items:
        if item.romanized in wanted:
            totals += _item_totals(item, spec, is_key=item.romanized in keys)
    return totals


def _item_totals(item: DataItem, spec: BusinessSpec, *, is_key: bool) -> list[TotalSpec]:
    name, romanized = item.name, item.romanized
    code_list = spec.code_list(item.code_list) if item.code_list else None
    if code_list is not None:
        values = tuple(value.code for value in code_list.values)
        if not values:
            return []
        totals = []
        if len(values) <= MAX_CODES:
            totals = [
                TotalSpec(
                    name=say(f"{name} = {code} の行数", f"rows with {name} = {code}"),
                    kind="rows_per_code",
                    item=romanized,
                    code=code,
                )
                for code in values
            ]
        other = say(
            f"{name} = {OTHER[0]}（コード一覧にない値）の行数",
            f"rows with {name} = {OTHER[1]} (a value not in the code list)",
        )
        totals.append(TotalSpec(name=other, kind="rows_per_code", item=romanized, code_values=values))
        if len(values) > MAX_CODES:
            kinds = say(f"{name} の値の種類数", f"distinct values of {name}")
            totals.append(TotalSpec(name=kinds, kind="distinct_values", item=romanized))
        return totals
    if item.type in AMOUNT_TYPES and not is_key and not _is_identifier(item):
        scale = max(SUM_SCALE, item.fraction_digits or 0)
        return [TotalSpec(name=say(f"{name} の合計", f"sum of {name}"), kind="sum", item=romanized, scale=scale)]
    if item.type is DataType.DATE:
        return [
            TotalSpec(name=say(f"{name} の最小", f"earliest {name}"), kind="min", item=romanized),
            TotalSpec(name=say(f"{name} の最大", f"latest {name}"), kind="max", item=romanized),
        ]
    if romanized.endswith(UNKNOWN_SUFFIX):
        base = item.name.removesuffix("_不詳表記").removesuffix("不詳表記")
        unknown = say(f"{base} の不詳件数", f"{base} 不詳 (unknown) values")
        return [TotalSpec(name=unknown, kind="unknown_dates", item=romanized)]
    return []


def _text(column: str) -> str:
    # A no-op on the converter's VARCHAR columns; a typed column of the new system compares as its text.
    return f"CAST({quote(column)} AS VARCHAR)"


def _scalar_query(relation: str, specs: Sequence[TotalSpec]) -> str:
    """One SELECT of the figures of ``specs``. Each value is cast once, in a subquery, however many aggregates
    read it (the min and the max of a date: half the time of casting in each, measured on 10 M rows)."""
    inputs: dict[str, str] = {}  # expression -> its alias in the subquery

    def value(expression: str) -> str:
        return inputs.setdefault(expression, f"v{len(inputs)}")

    aggregates = []
    for spec in specs:
        column = quote(spec.item) if spec.item is not None else ""
        if spec.kind == "rows":
            aggregates.append("count(*)")
        elif spec.kind == "distinct_keys":
            # row(): a key with a NULL part is still a key tuple, and one or several key items read alike.
            aggregates.append(f"count(DISTINCT row({', '.join(value(quote(k)) for k in spec.keys)}))")
        elif spec.kind == "sum":
            aggregates.append(f"sum({value(f'TRY_CAST({column} AS DECIMAL(38, {spec.scale}))')})")
        elif spec.kind in ("min", "max"):
            # strftime, not a cast to VARCHAR: DuckDB writes the sentinel 0000-01-01 as '0001-01-01 (BC)'.
            date = value(f"TRY_CAST({column} AS DATE)")
            aggregates.append(f"strftime({spec.kind}({date}), '%Y-%m-%d')")
        elif spec.kind == "unknown_dates":
            aggregates.append(f"count(*) FILTER (WHERE {value(_text(spec.item or ''))} <> '')")
        else:
            raise AssertionError(f"not a scalar total: {spec.kind}")
    if inputs:
        projected = ", ".join(f"{expression} AS {alias}" for expression, alias in inputs.items())
        relation = f"(SELECT {projected} FROM {relation})"
    return f"SELECT {', '.join(aggregates)} FROM {relation}"


def _columns(con: Any, relation: str) -> set[str]:
    # DuckDB matches identifiers case-insensitively, quoted or not: a new system's SEIBETSU is seibetsu.
    return {row[0].lower() for row in con.execute(f"SELECT * FROM {relation} LIMIT 0").description}


def _relation(relation: str) -> str:
    text = relation.strip()
    return text if text.startswith(("(", '"')) else quote(text)


def _figure(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # Exact and without exponent or trailing zeros: 1234.5000 → 1234.5, 1E+3 → 1000.
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    return str(value)


_ROWS = TotalSpec(name="行数", kind="rows", item=None)


def compute_totals(
    con: Any, relation: str, specs: Sequence[TotalSpec], *, key_repeats: int | None = None
) -> dict[str, str | None]:
    """The figures of ``specs`` over ``relation`` (a table name, quoted or not, or a ``(SELECT …)``), keyed by
    :attr:`TotalSpec.total_id`: counts and exact sums as text, dates as ISO text, None where nothing was totalled
    (a sum or a min of no readable value).

    ``key_repeats``: how many rows repeat a key already held by another row, when the caller has counted them (a
    comparison that joined on the key has): the distinct keys are then the rows less those, without a scan of
    their own."""
    unique = list({spec.total_id: spec for spec in specs}.values())
    source = _relation(relation)
    needed = {spec.item for spec in unique if spec.item is not None} | {k for spec in unique for k in spec.keys}
    present = _columns(con, source)
    missing = sorted(name for name in needed if name.lower() not in present)
    if missing:
        raise FitgapError(
            say(
                f"{relation} に管理合計の列 {', '.join(missing)} がありません",
                f"{relation} has no column(s) {', '.join(missing)} for the control totals",
            ),
            hint=say(
                "データグループのレイアウトの表を比較してください（列名は項目のローマ字名です）",
                "compare tables of the group's layout: the columns are the items' romanized names",
            ),
        )
    figures: dict[str, str | None] = {}
    scalars = [spec for spec in unique if spec.kind not in ("rows_per_code", "distinct_values", "distinct_keys")]
    # A DISTINCT aggregate in the SELECT of the others makes DuckDB take a slow path for all of them (measured on
    # 10 M rows: 14 s together, 2.8 s + 3.8 s apart): each key count has a scan of its own.
    distinct_keys = [spec for spec in unique if spec.kind == "distinct_keys"]
    if key_repeats is not None and distinct_keys and all(spec.kind != "rows" for spec in scalars):
        scalars = [*scalars, _ROWS]
    batches = [scalars] if scalars else []
    batches += [[spec] for spec in distinct_keys] if key_repeats is None else []
    for batch in batches:
        row = con.execute(_scalar_query(source, batch)).fetchone()
        figures.update({spec.total_id: _figure(value) for spec, value in zip(batch, row, strict=True)})
    if key_repeats is not None:
        for spec in distinct_keys:
            figures[spec.total_id] = str(int(figures[_ROWS.total_id] or 0) - key_repeats)
    coded = [spec for spec in unique if spec.kind in ("rows_per_code", "distinct_values")]
    if coded:
        counts = _value_counts(con, source, sorted({spec.item for spec in coded if spec.item is not None}))
        for spec in coded:
            figures[spec.total_id] = str(_coded_figure(spec, counts[spec.item or ""]))
    return figures


def _value_counts(con: Any, relation: str, items: list[str]) -> dict[str, dict[str | None, int]]:
    """Rows per value (as text) of each item, in one scan: one grouping set per item."""
    columns = [f"c{i}" for i in range(len(items))]
    inner = ", ".join(f"{_text(item)} AS {column}" for item, column in zip(items, columns, strict=True))
    flags = ", ".join(f"grouping({column})" for column in columns)
    sets = ", ".join(f"({column})" for column in columns)
    rows = con.execute(
        f"SELECT {flags}, {', '.join(columns)}, count(*) FROM (SELECT {inner} FROM {relation}) "
        f"GROUP BY GROUPING SETS ({sets})"
    ).fetchall()
    counts: dict[str, dict[str | None, int]] = {item: {} for item in items}
    width = len(items)
    for row in rows:
        index = list(row[:width]).index(0)  # the one item this grouping set groups by
        counts[items[index]][row[width + index]] = row[-1]
    return counts


def _coded_figure(spec: TotalSpec, counts: Mapping[str | None, int]) -> int:
    present = {value: n for value, n in counts.items() if value is not None and value != ""}
    if spec.kind == "distinct_values":
        return len(present)
    if spec.code is not None:
        return present.get(spec.code, 0)
    listed = set(spec.code_values)
    return sum(n for value, n in present.items() if value not in listed)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def compare_totals(
    specs: Sequence[TotalSpec],
    source: Mapping[str, str | None],
    target: Mapping[str, str | None],
    tolerances: Mapping[str, str],
) -> tuple[TotalCheck, ...]:
    """Each total of the source against the target. ``tolerances``: fitgap.yaml ``reconcile.tolerances`` (keys
    are total kinds or items' romanized names; an item's wins); every entry must parse, used or not."""
    parsed: dict[str, Tolerance] = {}
    for key, text in tolerances.items():
        try:
            parsed[key] = parse_tolerance(text)
        except FitgapError as exc:
            raise FitgapError(f"reconcile.tolerances.{key}: {exc.message}", hint=exc.hint) from None
    checks = []
    for spec in {spec.total_id: spec for spec in specs}.values():
        left, right = source.get(spec.total_id), target.get(spec.total_id)
        key = spec.item if spec.item is not None and spec.item in parsed else spec.kind
        configured = None if spec.kind in EXACT_KINDS else tolerances.get(key, "0")
        within = _within(left, right, None if configured is None else parsed.get(key, Tolerance()))
        checks.append(
            TotalCheck(
                total=spec.name,
                total_id=spec.total_id,
                kind=spec.kind,
                item=spec.item,
                source=left,
                target=right,
                tolerance=configured,
                within=within,
            )
        )
    return tuple(checks)


def _within(source: str | None, target: str | None, tolerance: Tolerance | None) -> bool:
    if source is None or target is None:
        return source is None and target is None
    if source == target:
        return True
    if tolerance is None:
        return False
    left, right = _number(source), _number(target)
    return left is not None and right is not None and tolerance.allows(left, right)
