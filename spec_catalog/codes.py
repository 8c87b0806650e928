"""The code catalogue: every reason and finding code the toolkit emits, in one place.

A code is stable (reports, tests, CI gates and users rely on it). Each entry has the area that emits it, a
severity, a message template in Japanese and in English (``{placeholders}`` are filled by the caller; a
template never holds a record's value) and a one-line description. The docs' code tables are generated from
this catalogue (``python -m spec_catalog.codes``) and a test fails when they differ.
"""

from __future__ import annotations

import re
import string
import sys
from enum import StrEnum
from pathlib import Path

from spec_catalog.base import FrozenModel


class Severity(StrEnum):
    ERROR = "error"  # the result is wrong or incomplete until fixed; the command exits 1
    WARNING = "warning"  # needs a person's look; does not fail the run
    INFO = "info"


class Area(StrEnum):
    """Which part of the toolkit emits a code (and which docs page lists it)."""

    ASSESSMENT = "assessment"  # a filled Fit & Gap workbook
    SOURCE = "source"  # a legacy export's bytes and records (the readers)
    TRANSFORM = "transform"  # a value a mapping transform cannot convert
    RULE = "rule"  # a rule of the standard's data layout (conversion and validation alike)
    RUN = "run"  # the conversion records a validation checks
    READINESS = "readiness"  # a reason a business is NO-GO
    RECONCILE = "reconcile"  # 現新比較: converted data against the legacy data, new results against old


class Code(StrEnum):
    # assessment
    ASSESS_VALUE_NOT_IN_LIST = "ASSESS_VALUE_NOT_IN_LIST"
    ASSESS_INVALID_DATE = "ASSESS_INVALID_DATE"
    ASSESS_UNKNOWN_FUNCTION_ID = "ASSESS_UNKNOWN_FUNCTION_ID"
    ASSESS_DUPLICATE_FUNCTION_ID = "ASSESS_DUPLICATE_FUNCTION_ID"
    ASSESS_MISSING_FUNCTION_ID = "ASSESS_MISSING_FUNCTION_ID"
    ASSESS_PROHIBITED_IN_USE_UNDECIDED = "ASSESS_PROHIBITED_IN_USE_UNDECIDED"
    ASSESS_DECISION_NOT_ALLOWED = "ASSESS_DECISION_NOT_ALLOWED"
    ASSESS_UNKNOWN_BUSINESS = "ASSESS_UNKNOWN_BUSINESS"
    ASSESS_DUPLICATE_BUSINESS = "ASSESS_DUPLICATE_BUSINESS"
    ASSESS_MISSING_VALUE = "ASSESS_MISSING_VALUE"
    ASSESS_MANDATORY_UNDECIDED = "ASSESS_MANDATORY_UNDECIDED"
    ASSESS_CURRENT_USE_MISSING = "ASSESS_CURRENT_USE_MISSING"
    ASSESS_ACTION_WITHOUT_OWNER = "ASSESS_ACTION_WITHOUT_OWNER"
    ASSESS_ACTION_WITHOUT_DUE = "ASSESS_ACTION_WITHOUT_DUE"
    ASSESS_ACTION_OVERDUE = "ASSESS_ACTION_OVERDUE"
    ASSESS_CUSTOM_UNDECIDED = "ASSESS_CUSTOM_UNDECIDED"
    ASSESS_CLASS_CHANGED = "ASSESS_CLASS_CHANGED"
    ASSESS_FUNCTION_MISSING = "ASSESS_FUNCTION_MISSING"
    ASSESS_LINK_INCOMPLETE = "ASSESS_LINK_INCOMPLETE"
    ASSESS_CATALOG_MISMATCH = "ASSESS_CATALOG_MISMATCH"
    # source records
    ENCODING_INVALID = "ENCODING_INVALID"
    NUL_BYTE = "NUL_BYTE"
    COLUMN_COUNT = "COLUMN_COUNT"
    CSV_MALFORMED = "CSV_MALFORMED"
    TRUNCATED_RECORD = "TRUNCATED_RECORD"
    FIELD_SPLITS_DOUBLE_BYTE = "FIELD_SPLITS_DOUBLE_BYTE"
    EXCEL_NUMBER_TOO_PRECISE = "EXCEL_NUMBER_TOO_PRECISE"
    EXCEL_FORMULA_NO_VALUE = "EXCEL_FORMULA_NO_VALUE"
    # transforms
    GAIJI_UNMAPPED = "GAIJI_UNMAPPED"
    ERA_DATE_INVALID = "ERA_DATE_INVALID"
    ERA_DATE_NOT_CALENDAR = "ERA_DATE_NOT_CALENDAR"
    DATE_UNKNOWN = "DATE_UNKNOWN"
    DATE_BEFORE_CALENDAR_REFORM = "DATE_BEFORE_CALENDAR_REFORM"
    TIME_INVALID = "TIME_INVALID"
    CODE_UNMAPPED = "CODE_UNMAPPED"
    LGCODE_INVALID = "LGCODE_INVALID"
    LGCODE_UNKNOWN = "LGCODE_UNKNOWN"
    LGCODE_NOT_IN_FORCE = "LGCODE_NOT_IN_FORCE"
    POSTAL_INVALID = "POSTAL_INVALID"
    # rules of the data layout
    COLUMNS_MISSING = "COLUMNS_MISSING"
    REQUIRED_MISSING = "REQUIRED_MISSING"
    CONDITIONAL_MISSING = "CONDITIONAL_MISSING"
    LENGTH_EXCEEDED = "LENGTH_EXCEEDED"
    WIDTH_NOT_HALF = "WIDTH_NOT_HALF"
    WIDTH_NOT_FULL = "WIDTH_NOT_FULL"
    NUMBER_INVALID = "NUMBER_INVALID"
    DATE_FORMAT_INVALID = "DATE_FORMAT_INVALID"
    TIME_FORMAT_INVALID = "TIME_FORMAT_INVALID"
    DATE_NOT_CALENDAR = "DATE_NOT_CALENDAR"
    DATE_IN_FUTURE = "DATE_IN_FUTURE"
    CODE_NOT_IN_LIST = "CODE_NOT_IN_LIST"
    CHECK_DIGIT_INVALID = "CHECK_DIGIT_INVALID"
    KEY_DUPLICATE = "KEY_DUPLICATE"
    KEY_IN_OTHER_MAPPING = "KEY_IN_OTHER_MAPPING"
    FOREIGN_KEY_MISSING = "FOREIGN_KEY_MISSING"
    CHARACTER_NOT_IN_STANDARD = "CHARACTER_NOT_IN_STANDARD"
    BIRTH_DATE_AFTER_AS_OF = "BIRTH_DATE_AFTER_AS_OF"
    DATE_BEFORE_BIRTH = "DATE_BEFORE_BIRTH"
    CORRECTION_NOT_APPLIED = "CORRECTION_NOT_APPLIED"
    # conversion records and the validation run
    RUN_MISSING = "RUN_MISSING"
    RUN_FAILED = "RUN_FAILED"
    RUN_NOT_RECONCILED = "RUN_NOT_RECONCILED"
    TABLE_STALE = "TABLE_STALE"
    RUN_QUARANTINE_OVER_THRESHOLD = "RUN_QUARANTINE_OVER_THRESHOLD"
    RUN_DROPS_ROWS = "RUN_DROPS_ROWS"
    RUN_EMPTY_SOURCE = "RUN_EMPTY_SOURCE"
    RULE_ERROR = "RULE_ERROR"
    GX_COUNT_MISMATCH = "GX_COUNT_MISMATCH"
    # readiness
    READINESS_NOT_ASSESSED = "READINESS_NOT_ASSESSED"
    READINESS_FORCED_GAPS = "READINESS_FORCED_GAPS"
    READINESS_MANDATORY_UNDECIDED = "READINESS_MANDATORY_UNDECIDED"
    READINESS_ASSESSMENT_LOW = "READINESS_ASSESSMENT_LOW"
    READINESS_NOT_CONVERTED = "READINESS_NOT_CONVERTED"
    READINESS_CONVERSION_FAILED = "READINESS_CONVERSION_FAILED"
    READINESS_QUARANTINE_HIGH = "READINESS_QUARANTINE_HIGH"
    READINESS_NOT_VALIDATED = "READINESS_NOT_VALIDATED"
    READINESS_VALIDATION_ERRORS = "READINESS_VALIDATION_ERRORS"
    READINESS_RECONCILE_DIFFERENCES = "READINESS_RECONCILE_DIFFERENCES"
    # 現新比較 (reconciliation)
    RECONCILE_VALUE_DIFFERS = "RECONCILE_VALUE_DIFFERS"
    RECONCILE_ROW_MISSING = "RECONCILE_ROW_MISSING"
    RECONCILE_ROW_EXTRA = "RECONCILE_ROW_EXTRA"
    RECONCILE_KEY_DUPLICATED = "RECONCILE_KEY_DUPLICATED"
    RECONCILE_EXPLAINED = "RECONCILE_EXPLAINED"
    RECONCILE_TOTAL_DIFFERS = "RECONCILE_TOTAL_DIFFERS"
    RESULT_VALUE_DIFFERS = "RESULT_VALUE_DIFFERS"
    RESULT_ROW_MISSING = "RESULT_ROW_MISSING"
    RESULT_ROW_EXTRA = "RESULT_ROW_EXTRA"
    RESULT_KEY_DUPLICATED = "RESULT_KEY_DUPLICATED"
    RESULT_DIFFERENCE_EXPLAINED = "RESULT_DIFFERENCE_EXPLAINED"


class CodeInfo(FrozenModel):
    code: Code
    area: Area
    severity: Severity
    ja: str  # message template, Japanese
    en: str  # message template, English
    description: str  # when it is emitted (docs)

    def message(self, lang: str = "ja", **values: object) -> str:
        """The message in ``lang`` with its placeholders filled (never with a record's raw value)."""
        return (self.ja if lang == "ja" else self.en).format(**values)


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note (info)
_A, _S, _T, _R, _U, _D = Area.ASSESSMENT, Area.SOURCE, Area.TRANSFORM, Area.RULE, Area.RUN, Area.READINESS
_C = Area.RECONCILE

# (code, area, severity, Japanese template, English template, description)
_ENTRIES: tuple[tuple[Code, Area, Severity, str, str, str], ...] = (
    (Code.ASSESS_VALUE_NOT_IN_LIST, _A, E, "{label}の値が選択肢にありません", "{label} is not one of its choices",
     "現行利用, 判定, 状況, 対応 or 方式 outside its list"),
    (Code.ASSESS_INVALID_DATE, _A, E, "期限が日付として読めません", "期限 is not a date", "期限 is not a date"),
    (Code.ASSESS_UNKNOWN_FUNCTION_ID, _A, E, "機能ID {function_id} はカタログにありません",
     "機能ID {function_id} is not in the catalog", "a 機能ID the catalog does not have for that business"),
    (Code.ASSESS_DUPLICATE_FUNCTION_ID, _A, E, "機能ID {function_id} が重複しています",
     "機能ID {function_id} appears twice", "a 機能ID twice on a sheet"),
    (Code.ASSESS_MISSING_FUNCTION_ID, _A, E, "機能IDが未入力です", "a filled row has no 機能ID",
     "a filled row without 機能ID"),
    (Code.ASSESS_PROHIBITED_IN_USE_UNDECIDED, _A, E, "現行で使用中の実装不可機能には判定「実装不可機能の廃止」が必要です",
     "a 実装不可機能 in use needs GAP_PROHIBITED", "a 実装不可機能 in use without the decision GAP_PROHIBITED"),
    (Code.ASSESS_DECISION_NOT_ALLOWED, _A, E, "この実装区分では選べない判定です",
     "a decision this function's class cannot take", "a decision the function's class cannot take"),
    (Code.ASSESS_UNKNOWN_BUSINESS, _A, E, "カタログにない業務です", "no business of the catalog",
     "a sheet or a 関連業務ID that is no business of the catalog"),
    (Code.ASSESS_DUPLICATE_BUSINESS, _A, E, "同じ業務のシートが2枚あります", "a second sheet for one business",
     "two sheets for one business"),
    (Code.ASSESS_MISSING_VALUE, _A, E, "独自機能の名称が未入力です", "a 独自機能 row has no 名称",
     "a 独自機能 row without 名称"),
    (Code.ASSESS_MANDATORY_UNDECIDED, _A, W, "実装必須機能が未判定です", "a 実装必須機能 is undecided",
     "a 実装必須機能 without 判定"),
    (Code.ASSESS_CURRENT_USE_MISSING, _A, W, "判定は入力済みですが、現行利用が未入力です", "判定 given, 現行利用 not",
     "判定 given, 現行利用 not"),
    (Code.ASSESS_ACTION_WITHOUT_OWNER, _A, W, "対応が必要な判定に担当が未入力です", "an action without an owner",
     "a decision that needs work has no 担当"),
    (Code.ASSESS_ACTION_WITHOUT_DUE, _A, W, "対応が必要な判定に期限が未入力です", "an action without a due date",
     "a decision that needs work has no 期限"),
    (Code.ASSESS_ACTION_OVERDUE, _A, W, "期限を過ぎていますが、完了していません", "overdue and not 完了",
     "期限 passed (as of `--as-of`) and 状況 is not 完了"),
    (Code.ASSESS_CUSTOM_UNDECIDED, _A, W, "独自機能の対応が未決定です", "a 独自機能 without 対応",
     "a 独自機能 without 対応"),
    (Code.ASSESS_CLASS_CHANGED, _A, W, "実装区分がカタログと異なります（カタログの区分を使用）",
     "実装区分 differs from the catalog (the catalog's is used)",
     "the sheet's 実装区分 differs from the catalog (the catalog's is used)"),
    (Code.ASSESS_FUNCTION_MISSING, _A, W, "カタログの機能がシートにありません", "a catalog function is not on the sheet",
     "a catalog function is not on the sheet"),
    (Code.ASSESS_LINK_INCOMPLETE, _A, W, "業務連携に提供元または提供先がありません",
     "a 業務連携 row needs 提供元 and 提供先", "a 業務連携 row without 提供元 or 提供先"),
    (Code.ASSESS_CATALOG_MISMATCH, _A, W, "別のカタログから作成された調査票です",
     "the workbook was made from another catalog", "the workbook was made from another catalog"),
    (Code.ENCODING_INVALID, _S, E, "指定の文字コードとして読めないバイトがあります",
     "bytes that do not decode in the source encoding", "bytes that do not decode in the source encoding (byte offset given)"),
    (Code.NUL_BYTE, _S, E, "レコードの途中にヌル文字（0x00）があります", "a NUL byte inside a record", "a NUL byte inside a record"),
    (Code.COLUMN_COUNT, _S, E, "列の数が合いません", "too many or too few columns",
     "a CSV row with too many or too few columns"),
    (Code.CSV_MALFORMED, _S, E, "CSVとして読めない行です", "a CSV row the parser cannot read",
     "a CSV row the parser cannot read (unbalanced quotes …)"),
    (Code.TRUNCATED_RECORD, _S, E, "最後のレコードがレコード長より短いです", "the last record is short",
     "a fixed-width file whose last record is shorter than the record length"),
    (Code.FIELD_SPLITS_DOUBLE_BYTE, _S, E, "項目の境界が2バイト文字を分断しています",
     "a field's byte range cuts a double-byte character", "a field's byte range cuts a double-byte character in two"),
    (Code.EXCEL_NUMBER_TOO_PRECISE, _S, E, "15桁を超える数値です（Excelは有効数字15桁までしか保持しません）",
     "a number with more than 15 significant digits (Excel keeps 15)",
     "an Excel number with more than 15 significant digits: the digits past 15 may not be the ones entered, so it "
     "is not rounded but refused (keep long numbers such as IDs as text cells)"),
    (Code.EXCEL_FORMULA_NO_VALUE, _S, E, "数式セルに保存された値がありません",
     "a formula cell with no saved value", "an Excel formula cell with no saved result (the file was written by a "
     "program that does not calculate: open and save it in Excel) or with an error result (#N/A, #DIV/0! …)"),
    (Code.GAIJI_UNMAPPED, _T, E, "外字表にない外字があります", "a 外字 the 外字 table does not map",
     "a 外字 (Private Use Area) character that the 外字 table does not map"),
    (Code.ERA_DATE_INVALID, _T, E, "日付として読めません", "no date in any known form",
     "a value that is no date in any known form"),
    (Code.ERA_DATE_NOT_CALENDAR, _T, E, "暦にない日付です（2月30日など）", "a non-calendar date (2月30日 …)",
     "a non-calendar date (H13.02.29, 2月30日 …): quarantined, or kept as text in the 不詳表記 item where the mapping "
     "sets `keep_non_calendar: true`"),
    (Code.DATE_UNKNOWN, _T, E, "不詳の日付ですが、不詳表記を入れる項目がありません", "a 不詳 date and no 不詳表記 item",
     "a 不詳 text and no 不詳表記 item to keep it in"),
    (Code.DATE_BEFORE_CALENDAR_REFORM, _T, E, "改暦（明治6年1月1日）前の旧暦の日付です",
     "a lunar-calendar date before the calendar reform (明治6年1月1日)",
     "a 明治 date before 明治6年1月1日 (1873-01-01), counted in the lunar calendar: never converted as Gregorian"),
    (Code.TIME_INVALID, _T, E, "時刻として読めません", "not a time of day", "not a time of day (HH:MM[:SS])"),
    (Code.CODE_UNMAPPED, _T, E, "コード表にない旧コードです", "a legacy code the code table does not map",
     "a legacy code that the mapping's code table does not map"),
    (Code.LGCODE_INVALID, _T, E, "団体コードの形式または検査数字が誤っています",
     "a 団体コード with a wrong shape or check digit", "a 全国地方公共団体コード with a wrong shape or check digit, or a prefecture code in an item that "
     "takes municipalities only (a 市区町村 item, or `prefectures: false`)"),
    (Code.LGCODE_UNKNOWN, _T, E, "存在したことのない団体コードです", "a 団体コード that never existed",
     "a 全国地方公共団体コード with a right check digit that neither the national table nor its history since 1970 knows"),
    (Code.LGCODE_NOT_IN_FORCE, _T, E, "記録の日付に有効でない団体コードです", "a 団体コード not in force at the record's date",
     "a 団体コード that existed, but not on the date of the record (`in_force_on`), or, with `successor: true`, an "
     "abolished code split into several current codes (no one successor)"),
    (Code.POSTAL_INVALID, _T, E, "郵便番号が3桁・5桁・7桁のいずれでもありません",
     "a postal code that is not 3, 5 or 7 digits", "a postal code that is not 3, 5 or 7 digits"),
    (Code.COLUMNS_MISSING, _R, E, "{table} にレイアウトの列が不足しています", "{table} lacks columns of its layout",
     "the table lacks columns of the layout (validation)"),
    (Code.REQUIRED_MISSING, _R, E, "{item}（必須）が空です", "{item} (必須) is empty", "a 必須 item is empty"),
    (Code.CONDITIONAL_MISSING, _R, E, "{item}（条件付き必須）の条件を満たしていません",
     "{item} (条件付き必須) does not meet its condition",
     "a 条件付き必須 item is empty where its condition requires it"),
    (Code.LENGTH_EXCEEDED, _R, E, "{item} が{length}文字を超えています", "{item} is longer than {length} characters",
     "longer than the item's 桁数, counted in characters"),
    (Code.WIDTH_NOT_HALF, _R, E, "{item}（半角 X）に半角にできない文字があります",
     "{item} (X, half-width) keeps a character with no half-width form",
     "an X (half-width) item keeps a character with no half-width form"),
    (Code.WIDTH_NOT_FULL, _R, E, "{item}（全角 Ｎ）に全角にできない文字があります",
     "{item} (Ｎ, full-width) keeps a character with no full-width form",
     "an Ｎ (full-width) item keeps a character with no full-width form"),
    (Code.NUMBER_INVALID, _R, E, "{item} が型 {type} の数値ではありません", "{item} is not a number of type {type}",
     "not a number of the item's type (9, S9, 9V n,m, YEAR)"),
    (Code.DATE_FORMAT_INVALID, _R, E, "{item} が日付（YYYY-MM-DD）の形式ではありません",
     "{item} is not a date in the form YYYY-MM-DD", "a DATE item not in the form YYYY-MM-DD"),
    (Code.TIME_FORMAT_INVALID, _R, E, "{item} が時刻（HH:MM[:SS]）の形式ではありません",
     "{item} is not a time in the form HH:MM[:SS]", "a TIME item not in the form HH:MM[:SS]"),
    (Code.DATE_NOT_CALENDAR, _R, E, "{item} が暦にない日付です", "{item} is not a calendar day",
     "a DATE in ISO form that is no calendar day (0000-01-01 and 9999-12-31 are allowed)"),
    (Code.DATE_IN_FUTURE, _R, W, "{item} が未来の日付です", "{item} is in the future", "a date after today"),
    (Code.CODE_NOT_IN_LIST, _R, E, "{item} がコード一覧 {code_list} にない値です",
     "{item} is not in code list {code_list}", "a value outside the item's code list in the catalog"),
    (Code.CHECK_DIGIT_INVALID, _R, E, "{item} の桁数または検査数字が誤っています",
     "{item} has a wrong shape or check digit", "個人番号, 全国地方公共団体コード or 法人番号 with a wrong check digit"),
    (Code.KEY_DUPLICATE, _R, E, "主キー {item} が重複しています", "primary key {item} is repeated",
     "a second row with the same primary key (conversion loads the first)"),
    (Code.KEY_IN_OTHER_MAPPING, _R, E, "主キー {item} は別のマッピングで登録済みです",
     "primary key {item} is already published by another mapping",
     "a row whose primary key another mapping has published in the same table (conversion keeps the published row)"),
    (Code.FOREIGN_KEY_MISSING, _R, E, "{item} が参照する {table} の行がありません",
     "{item} refers to no row of {table}", "a foreign key with no row in the table it refers to (validation)"),
    (Code.CHARACTER_NOT_IN_STANDARD, _R, E, "{item} に標準の文字（MJ・JIS X 0213）にない文字があります",
     "{item} holds a character outside the standard's set (MJ, JIS X 0213)",
     "an Ｎ item holding a character that is neither an MJ character (with its IVS) nor in JIS X 0213, and that the "
     "municipality's 文字同定 decisions do not allow (validation)"),
    (Code.BIRTH_DATE_AFTER_AS_OF, _R, E, "{item}（生年月日）が基準日より後です", "{item} (生年月日) is after the as-of date",
     "a birth date after the as-of date of the data (conversion: the run's date; validation: today)"),
    (Code.DATE_BEFORE_BIRTH, _R, E, "{item} が生年月日より前です", "{item} is before the birth date",
     "異動年月日, 住民となった年月日 or 操作年月日 before the row's 生年月日"),
    (Code.CORRECTION_NOT_APPLIED, _T, W, "補正が適用されませんでした（元データの値が補正依頼の作成時と異なります）",
     "a correction was not applied (the source no longer holds the value it corrects)",
     "a row of a corrections file whose source line no longer holds the value it was written for"),
    (Code.RUN_MISSING, _U, E, "テーブルの行に変換記録がありません", "rows in the table have no run record",
     "rows in a table that no conversion run recorded"),
    (Code.RUN_FAILED, _U, E, "最後の変換が正常に終了していません（状態 {status}）。修正して再変換してください",
     "the last run is {status}: fix it and convert again", "the mapping's last run failed, was interrupted or never ended"),
    (Code.RUN_NOT_RECONCILED, _U, E, "最後の変換の件数が合いません（読込 ≠ 登録 + 移行エラー）",
     "the last run does not reconcile (read ≠ loaded + quarantined)", "the mapping's last run did not reconcile and was rejected"),
    (Code.TABLE_STALE, _U, E, "テーブルが最後に成功した変換の行と一致しません",
     "the table does not hold the rows of the last successful run", "the table holds rows of another run than the last successful one"),
    (Code.RUN_QUARANTINE_OVER_THRESHOLD, _U, E, "{read} 行中 {quarantined} 行（{rate}）が移行エラーとなり、基準 {threshold} を超えたため公開しませんでした",
     "quarantined {quarantined} of {read} rows ({rate}, threshold {threshold}), by reason {reasons}: nothing was published",
     "a run quarantined more rows than the threshold allows and was rejected (`--accept-quarantine` publishes it)"),
    (Code.RUN_DROPS_ROWS, _U, E, "公開済みの {published} 行に対し {loaded} 行しか登録できず、{dropped} 行が消えるため公開しませんでした",
     "the run would load {loaded} rows where the mapping has {published} published: {dropped} rows would go, nothing was published",
     "a run would load fewer rows than its mapping has published and was rejected (`--allow-drop` publishes it)"),
    (Code.RUN_EMPTY_SOURCE, _U, E, "元データにデータ行がないため公開しませんでした（公開済み {published} 行）",
     "the source has no data rows ({published} rows published by the mapping): nothing was published",
     "a source with no data rows was rejected (`--allow-empty` publishes it, emptying the mapping's rows)"),
    (Code.RULE_ERROR, _U, E, "ルールを実行できませんでした", "the rule could not run", "Great Expectations raised an error on a rule"),
    (Code.GX_COUNT_MISMATCH, _U, E, "GXとSQLでチェックエラー行数が異なります（GX {gx}、SQL {sql}）",
     "GX counted {gx} failing rows, plain SQL {sql}", "GX and plain SQL disagree on a rule's count (adapter check)"),
    (Code.READINESS_NOT_ASSESSED, _D, E, "Fit & Gap 未評価", "Fit & Gap not assessed",
     "the business has no scored assessment"),
    (Code.READINESS_FORCED_GAPS, _D, E, "未対応の要廃止機能 {count} 件", "{count} unresolved forced gap(s)",
     "more unresolved forced gaps than the threshold"),
    (Code.READINESS_MANDATORY_UNDECIDED, _D, E, "未判定の実装必須機能 {count} 件", "{count} 実装必須機能 undecided",
     "more undecided 実装必須機能 than the threshold"),
    (Code.READINESS_ASSESSMENT_LOW, _D, E, "対応完了率 {value}（基準 {threshold} 未満）",
     "assessment readiness {value} < {threshold}", "assessment readiness below the threshold"),
    (Code.READINESS_NOT_CONVERTED, _D, E, "データ未変換", "no data converted yet",
     "the business has data layouts and none was converted"),
    (Code.READINESS_CONVERSION_FAILED, _D, E, "変換の失敗または件数不一致", "a conversion run failed or does not reconcile",
     "a mapping's last run did not succeed or reconcile"),
    (Code.READINESS_QUARANTINE_HIGH, _D, E, "移行エラー率 {value}（基準 {threshold} 超過）", "quarantine {value} > {threshold}",
     "quarantined rows above the threshold rate"),
    (Code.READINESS_NOT_VALIDATED, _D, E, "変換データ未検証", "converted data not validated",
     "converted tables without a validation"),
    (Code.READINESS_VALIDATION_ERRORS, _D, E, "検証エラー {count} 件", "{count} validation error(s)",
     "more validation errors than the threshold"),
    (Code.READINESS_RECONCILE_DIFFERENCES, _D, E, "現新比較の説明のない差異 {count} 件",
     "{count} unexplained reconciliation difference(s)",
     "more unexplained differences in the latest reconciliations (fitgap reconcile) than the threshold"),
    (Code.RECONCILE_VALUE_DIFFERS, _C, E, "{item} の値が旧データから作られる値と一致しません",
     "{item} differs from the value the legacy data makes",
     "a target value differs from the value the mapping makes of the legacy value, and nothing recorded explains it"),
    (Code.RECONCILE_ROW_MISSING, _C, E, "旧データの行が新データにありません", "a legacy row is not in the new data",
     "a legacy row that converts cleanly has no row with its key in the target, and the run did not quarantine it"),
    (Code.RECONCILE_ROW_EXTRA, _C, E, "旧データにない行が新データにあります", "a new row no legacy row makes",
     "a target row whose key no cleanly converting legacy row has (and no correction explains)"),
    (Code.RECONCILE_KEY_DUPLICATED, _C, E, "新データでキーが重複しています", "a key appears twice in the new data",
     "two or more target rows with one key (each is listed; none is compared)"),
    (Code.RECONCILE_EXPLAINED, _C, N, "{item} の差異は{explanation}で説明されます",
     "the difference in {item} is explained by {explanation}",
     "a difference a recorded rule explains: a correction, a 縮退 (MJ縮退マップ), the run's quarantine"),
    (Code.RECONCILE_TOTAL_DIFFERS, _C, E, "管理合計「{total}」が許容差を超えて異なります",
     "control total {total} differs beyond its tolerance",
     "a control total (rows per code value, distinct keys, sums, min/max dates, 不詳 counts) of the legacy and the "
     "new data differ by more than the tolerance in fitgap.yaml"),
    (Code.RESULT_VALUE_DIFFERS, _C, E, "{column} の結果が現行システムと一致しません",
     "{column} differs from the legacy system's result",
     "a result of the new system differs from the legacy system's beyond the column's tolerance, and no declared "
     "spec change explains it"),
    (Code.RESULT_ROW_MISSING, _C, E, "現行システムの結果にある対象が新システムの結果にありません",
     "a key of the legacy results is not in the new results", "a key of the old result file missing from the new one"),
    (Code.RESULT_ROW_EXTRA, _C, E, "新システムの結果に現行システムにない対象があります",
     "a key of the new results is not in the legacy results", "a key of the new result file missing from the old one"),
    (Code.RESULT_KEY_DUPLICATED, _C, E, "結果ファイルでキーが重複しています", "a key appears twice in a result file",
     "a key on two or more rows of one result file (its rows are not compared)"),
    (Code.RESULT_DIFFERENCE_EXPLAINED, _C, N, "{column} の差異は仕様変更「{rule}」で説明されます",
     "the difference in {column} is explained by the spec change {rule}",
     "a difference a declared spec change (classification rule) explains"),
)  # fmt: skip

CATALOGUE: dict[Code, CodeInfo] = {
    code: CodeInfo(code=code, area=area, severity=severity, ja=ja, en=en, description=description)
    for code, area, severity, ja, en, description in _ENTRIES
}


def info(code: Code | str) -> CodeInfo:
    """The catalogue entry of a code."""
    return CATALOGUE[Code(code)]


def message_of(code: Code | str, lang: str = "ja", **values: object) -> str:
    """The catalogue's message of ``code`` in ``lang`` with the placeholders ``values`` fill and ``…`` for those
    not known (a finding may not carry them all); a text that is no code is returned as it is."""
    try:
        entry = CATALOGUE[Code(code)]
    except ValueError:
        return str(code)
    template = entry.en if lang == "en" else entry.ja
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return entry.message(lang, **{name: values.get(name, "…") for name in names})


def severity_of(code: Code | str) -> Severity:
    return CATALOGUE[Code(code)].severity


def markdown_table(area: Area) -> str:
    """The docs' table of one area's codes (generated: edit the catalogue, not the docs)."""
    lines = ["| code | severity | 日本語 | meaning |", "|---|---|---|---|"]
    for entry in CATALOGUE.values():
        if entry.area is area:
            ja = re.sub(r"\{\w+\}", "…", entry.ja)
            lines.append(f"| `{entry.code}` | {entry.severity} | {ja} | {entry.description} |")
    return "\n".join(lines)


_BLOCK = re.compile(r"(<!-- codes:(\w+) -->\n)(.*?)(<!-- /codes -->)", re.S)


def render_docs(text: str) -> str:
    """``text`` with every ``<!-- codes:AREA -->`` … ``<!-- /codes -->`` block regenerated."""
    return _BLOCK.sub(lambda m: f"{m[1]}{markdown_table(Area(m[2]))}\n{m[4]}", text)


def main(argv: list[str]) -> int:
    """``python -m spec_catalog.codes [PATH …]``: regenerate the code tables of the Markdown files given (folders:
    their ``*.md``; default ``docs`` and ``README.md``)."""
    paths = [Path(a) for a in argv] or [Path("docs"), Path("README.md")]
    files = [f for p in paths for f in (sorted(p.glob("*.md")) if p.is_dir() else [p])]
    for path in files:
        text = path.read_text(encoding="utf-8")
        new = render_docs(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
