"""Transforms proposed for one item from its type in the catalog and the values seen in its source column.

Only what the engine does not do by itself is proposed: :mod:`converters.plan` already narrows X items
(``half_width``), widens Ｎ items (``full_width``), reads DATE items as dates (``era_date``, 不詳 to the item's
不詳表記), TIME items as times and numbers as numbers; those are noted, not written. A note never quotes a value
(the values can be personal data): it gives shapes and counts. Notes and warnings are said in the run's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from converters.transforms.era import parse_era_date
from converters.transforms.values import code_key
from converters.transforms.width import to_full_width, to_half_width
from spec_catalog.language import say
from spec_catalog.models import BusinessSpec, CodeList, DataGroup, DataItem
from spec_catalog.vocab import DataType

PUA = re.compile("[\ue000-\uf8ff]")
_NARROW = re.compile("[\x20-\x7e\uff61-\uff9f]")  # what an Ｎ item must not keep (spec_catalog.rules.NARROW_CLASS)
_FULL_ASCII = re.compile("[\uff01-\uff5e\u3000]")  # what half_width changes
_WIDE_AFTER_HALF = re.compile("[^\x20-\x7e\uff61-\uff9f]")  # what an X item must not keep
SPACES = " \u3000"
# A column with more distinct values than this, or longer ones, holds no codes: no code table is written.
MAX_CODES = 200
MAX_CODE_LENGTH = 20
_DATE_FORMS = (
    ("packed GYYMMDD", re.compile(r"[0-9][0-9]{6}")),
    ("YYYYMMDD", re.compile(r"[12][0-9]{7}")),
    ("YYYY-MM-DD", re.compile(r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}")),
    ("era letter", re.compile(r"[MTSHR][0-9]", re.IGNORECASE)),
    ("kanji era", re.compile("明治|大正|昭和|平成|令和|[明大昭平令]")),
)
_DATE_FORM_JA = {
    "packed GYYMMDD": "GYYMMDD（数字）",
    "era letter": "元号の英字",
    "kanji era": "元号の漢字",
    "other": "その他",
}


@dataclass
class Proposal:
    """What the scaffold writes for one matched item."""

    item: DataItem
    column: str
    transforms: list[str] = field(default_factory=list)  # each in the mapping's YAML flow form
    notes: list[str] = field(default_factory=list)  # comments above the item (shapes and counts, no values)
    warnings: list[str] = field(default_factory=list)  # also printed by the command
    code_table: CodeDraft | None = None


@dataclass
class CodeDraft:
    """A code-table skeleton: the distinct legacy values of a coded item, most frequent first."""

    name: str
    item: DataItem
    code_list: CodeList
    counts: list[tuple[str, int]]


def is_local_government_code(item: DataItem) -> bool:
    return item.name.endswith(("市区町村コード", "団体コード")) or item.romanized.endswith("shikuchosonkodo")


def _stripped(values: Counter[str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for value, count in values.items():
        if value.strip(SPACES):
            out[value.strip(SPACES)] += count
    return out


def _share(values: Counter[str], test: re.Pattern[str]) -> float:
    total = sum(values.values())
    return sum(c for v, c in values.items() if test.fullmatch(v)) / total if total else 0.0


def _digits(values: Counter[str]) -> Counter[str]:
    """The values as half-width text (full-width digits are common in legacy codes)."""
    out: Counter[str] = Counter()
    for value, count in values.items():
        out[to_half_width(value)] += count
    return out


def record_date_of(group: DataGroup) -> DataItem | None:
    """The DATE item that dates a record of ``group``: 異動年月日 (the day the record took its present state), else
    the group's one 基準 date (基準日, 基準年月日 …). 生年月日 and 操作年月日 do not: an address is not of the day of
    birth, and a record touched today may keep the address code of a town merged away since."""
    dates = [i for i in group.items if i.type is DataType.DATE]
    moved = next((i for i in dates if i.romanized == "idonengappi" or i.name == "異動年月日"), None)
    if moved is not None:
        return moved
    reference = [i for i in dates if "基準" in i.name]
    return reference[0] if len(reference) == 1 else None


def propose(
    item: DataItem,
    column: str,
    values: Counter[str],
    spec: BusinessSpec,
    trimmed: bool,
    record_date: DataItem | None = None,
    record_date_mapped: bool = False,
) -> Proposal:
    """The transforms and notes for ``item`` read from ``column`` (``trimmed``: fixed width, spaces dropped).

    ``record_date`` is the group's item that dates a record (:func:`record_date_of`) and ``record_date_mapped``
    whether the mapping fills it: a 団体コード is then checked as in force on that date."""
    proposal = Proposal(item=item, column=column)
    seen = _stripped(values)
    total = sum(seen.values())
    if not total:
        proposal.warnings.append(
            say(
                f"{item.romanized}: 列 {column} はサンプルの中で空です",
                f"{item.romanized}: column {column} is empty in the sample",
            )
        )
        return proposal
    if not trimmed and any(v.strip(SPACES) and v != v.strip(SPACES) for v in values):
        proposal.transforms.append("trim")
        proposal.notes.append(say("前後に空白のある値: trim", "values with outer spaces: trim"))
    gaiji = sorted({ch for value in seen for ch in PUA.findall(value)})
    if gaiji:
        listed = ", ".join(f"U+{ord(ch):04X}" for ch in gaiji[:5])
        more = len(gaiji) - 5
        proposal.notes.append(
            say(
                f"外字 {listed}" + (f" ほか {more} 字" if more > 0 else "") + ": 外字表で変換します",
                f"外字 {listed}" + (f" and {more} more" if more > 0 else "") + ": through the 外字 table",
            )
        )
    code_list = spec.code_list(item.code_list) if item.code_list else None
    if code_list is not None and code_list.open:
        proposal.notes.append(
            say(
                f"コード一覧 {code_list.code_list_id} {code_list.name} は団体独自のものです: コード表は作りません",
                f"code list {code_list.code_list_id} {code_list.name} is the municipality's own: no code table",
            )
        )
    elif code_list is not None:
        _code(proposal, code_list, seen)
    elif is_local_government_code(item):
        narrow = _digits(seen)
        five = _share(narrow, re.compile("[0-9]{5}"))
        if five + _share(narrow, re.compile("[0-9]{6}")) >= 0.5:
            share = round(five * 100)
            proposal.notes.append(
                say(
                    f"値の {share} % が5桁: lgcode が検査数字を付け、全国の団体コードと照合します"
                    "（successor: true で廃止コードを現在のコードにします）",
                    f"{share} % of values have 5 digits: lgcode adds the check digit and checks the code "
                    "against the national table (successor: true maps abolished codes to today's)",
                )
            )
            proposal.transforms.append(_lgcode(proposal, record_date, record_date_mapped))
    elif "郵便番号" in item.name:
        proposal.transforms.append("postal")
        proposal.notes.append(say("postal: ハイフンと〒を除いて7桁にします", "postal: hyphen and 〒 dropped, 7 digits"))
    elif item.type is DataType.HALF_WIDTH and item.name.endswith(("番号", "コード")):
        _padding(proposal, _digits(seen))
    _by_type(proposal, seen, total)
    return proposal


def _lgcode(proposal: Proposal, record_date: DataItem | None, mapped: bool) -> str:
    """``lgcode``, checked on the record's date when the mapping fills the item that dates it: without
    ``in_force_on`` a code is only checked to have existed at some time, so a town's code written on a record
    dated after the town was merged away would load as valid."""
    if record_date is None:
        return "lgcode"
    date = f"{record_date.name}（{record_date.romanized}）"
    if not mapped:
        proposal.notes.append(
            say(
                f"{date}に列がないため、団体コードは「いずれかの時点で存在した」ことだけを確かめます。その項目を"
                f"埋めたら lgcode: {{in_force_on: {record_date.romanized}}} にしてください",
                f"{date} has no column, so the code is only checked to have existed at some time: once that item "
                f"is filled, write lgcode: {{in_force_on: {record_date.romanized}}}",
            )
        )
        return "lgcode"
    proposal.notes.append(
        say(
            f"in_force_on: レコードの日付 {date}に有効だった団体コードかを確かめます（外すと「いずれかの時点で"
            "存在した」ことだけを確かめ、合併で廃止された後の日付のコードも通ります）",
            f"in_force_on: the code must have been in force on the record's date, {date} (without it, only "
            '"existed at some time" is checked, and a code dated after its town was merged away passes)',
        )
    )
    return f"{{lgcode: {{in_force_on: {record_date.romanized}}}}}"


def _code(proposal: Proposal, code_list: CodeList, seen: Counter[str]) -> None:
    item = proposal.item
    narrow: Counter[str] = Counter()
    for value, count in seen.items():  # keyed as the loader keys a code table: 1 and １ are one code
        narrow[code_key(value)] += count
    if len(narrow) > MAX_CODES or max(len(v) for v in narrow) > MAX_CODE_LENGTH:
        longest = max(len(v) for v in narrow)
        proposal.warnings.append(
            say(
                f"{item.romanized}: 列 {proposal.column} には {len(narrow):,} 種類の値があります"
                f"（最長 {longest} 文字）。コードではないようなので、コード表は作りません",
                f"{item.romanized}: column {proposal.column} has {len(narrow):,} distinct values (longest "
                f"{longest} characters): no codes? no code table written",
            )
        )
        return
    proposal.transforms.append(f"{{code: {item.romanized}}}")
    counts = sorted(narrow.items(), key=lambda p: (-p[1], p[0]))
    proposal.code_table = CodeDraft(name=item.romanized, item=item, code_list=code_list, counts=counts)
    outside = [v for v in narrow if v not in {c.code for c in code_list.values}]
    proposal.notes.append(
        say(
            f"旧コード {len(narrow)} 種類（うちコード一覧 {code_list.code_list_id} にないもの {len(outside)}）: "
            "コード表を埋めてください",
            f"{len(narrow)} distinct legacy codes ({len(outside)} not in code list {code_list.code_list_id}): "
            "fill the code table",
        )
    )


def _padding(proposal: Proposal, narrow: Counter[str]) -> None:
    item = proposal.item
    if item.length is None or _share(narrow, re.compile("[0-9]+")) < 0.95:
        return
    lengths = [len(v) for v in narrow if v.isdigit()]
    if max(lengths) < item.length:
        proposal.transforms.append(f'{{pad_left: {{length: {item.length}, char: "0"}}}}')
        shortest, longest = min(lengths), max(lengths)
        digits = f"{shortest}–{longest}" if shortest != longest else str(longest)
        proposal.notes.append(
            say(
                f"{digits} 桁の値、項目は X({item.length}): 左を 0 で埋めます",
                f"values of {digits} digits, item X({item.length}): padded with 0 on the left",
            )
        )


def _by_type(proposal: Proposal, seen: Counter[str], total: int) -> None:
    """Notes on what the engine does by itself for the item's type, and warnings on values it will refuse."""
    item = proposal.item
    kind = item.type
    if kind is DataType.DATE:
        forms: Counter[str] = Counter()
        readable = 0
        for value, count in seen.items():
            text = unicodedata.normalize("NFKC", value)
            forms[
                next(
                    (
                        label
                        for label, form in _DATE_FORMS
                        if form.fullmatch(text) or (label in ("era letter", "kanji era") and form.match(text))
                    ),
                    "other",
                )
            ] += count
            result = parse_era_date(value)
            readable += count if result.ok or result.extra is not None else 0
        shown_ja = ", ".join(f"{_DATE_FORM_JA.get(label, label)} {count:,}" for label, count in forms.most_common())
        shown_en = ", ".join(f"{label} {count:,}" for label, count in forms.most_common())
        proposal.notes.append(
            say(
                f"日付の形: {shown_ja}。DATE 項目には era_date が既定で働きます",
                f"dates seen: {shown_en}; era_date runs by default for a DATE item",
            )
        )
        if readable < total:
            proposal.warnings.append(
                say(
                    f"{item.romanized}: {total:,} 件中 {total - readable:,} 件は convert run が日付として読めない値"
                    "です（移行エラーになります）",
                    f"{item.romanized}: {total - readable:,} of {total:,} values are no date convert run reads "
                    "(they will be quarantined)",
                )
            )
    elif kind is DataType.TIME:
        proposal.notes.append(
            say(
                "時刻: HHMM と H:MM は既定で HH:MM として読みます",
                "time of day: HHMM and H:MM read as HH:MM by default",
            )
        )
    elif kind is DataType.FULL_WIDTH:
        narrow = sum(c for v, c in seen.items() if _NARROW.search(v))
        if narrow:
            proposal.notes.append(
                say(
                    f"半角文字（ｶﾅ …）のある値 {narrow:,} 件: 既定で全角にします",
                    f"{narrow:,} values with half-width characters (ｶﾅ …): full width by default",
                )
            )
    elif kind is DataType.HALF_WIDTH:
        wide = sum(c for v, c in seen.items() if _FULL_ASCII.search(v))
        if wide:
            proposal.notes.append(
                say(
                    f"全角の数字か英字のある値 {wide:,} 件: 既定で半角にします",
                    f"{wide:,} values with full-width digits or letters: half width by default",
                )
            )
        kanji = sum(c for v, c in seen.items() if _WIDE_AFTER_HALF.search(to_half_width(v)) and not PUA.search(v))
        if kanji and proposal.code_table is None:
            proposal.warnings.append(
                say(
                    f"{item.romanized}: {kanji:,} 件の値に X 項目が持てない文字（かな、漢字 …）があります",
                    f"{item.romanized}: {kanji:,} values hold characters an X item cannot (kana, kanji …)",
                )
            )
    reshaped = any(t != "trim" for t in proposal.transforms)  # padded, lgcode, postal, code: lengths change
    if item.length and kind in (DataType.HALF_WIDTH, DataType.FULL_WIDTH) and not reshaped:
        width = to_half_width if kind is DataType.HALF_WIDTH else to_full_width
        longer = sum(c for v, c in seen.items() if len(width(v)) > item.length)
        if longer:
            proposal.warnings.append(
                say(
                    f"{item.romanized}: {longer:,} 件の値が桁数 {item.length} より長くなっています",
                    f"{item.romanized}: {longer:,} values are longer than 桁数 {item.length}",
                )
            )


def fushohyoki_of(group: DataGroup, item: DataItem) -> DataItem | None:
    """The 不詳表記 item that receives a DATE item's 不詳 text by default (plan.py's rule), if the group has one."""
    wanted = f"{item.romanized}_fushohyoki"
    return next((i for i in group.items if i.romanized == wanted), None)
