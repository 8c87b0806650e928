"""The catalogue of quarantine reason codes. Codes are stable: reports, tests and users rely on them."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    ENCODING_INVALID = "ENCODING_INVALID"  # bytes that do not decode in the source encoding
    NUL_BYTE = "NUL_BYTE"  # a NUL byte inside a record
    COLUMN_COUNT = "COLUMN_COUNT"  # a CSV row with too many or too few columns
    CSV_MALFORMED = "CSV_MALFORMED"  # unbalanced quotes and similar
    TRUNCATED_RECORD = "TRUNCATED_RECORD"  # a fixed-width file whose last record is short
    FIELD_SPLITS_DOUBLE_BYTE = "FIELD_SPLITS_DOUBLE_BYTE"  # a byte range cuts a double-byte character
    GAIJI_UNMAPPED = "GAIJI_UNMAPPED"  # a 外字 (PUA) character not in the municipality's table
    ERA_DATE_INVALID = "ERA_DATE_INVALID"  # a date that is no date in any form we know
    ERA_DATE_NOT_CALENDAR = "ERA_DATE_NOT_CALENDAR"  # 2月30日 and the like, with no 不詳表記 item to hold it
    DATE_UNKNOWN = "DATE_UNKNOWN"  # a 不詳 text with no 不詳表記 item to hold it
    TIME_INVALID = "TIME_INVALID"
    CODE_UNMAPPED = "CODE_UNMAPPED"  # a legacy code the mapping's code table does not have
    CODE_NOT_IN_LIST = "CODE_NOT_IN_LIST"  # a value outside the catalog's code list
    LGCODE_INVALID = "LGCODE_INVALID"  # a 団体コード with a wrong check digit or shape
    NUMBER_INVALID = "NUMBER_INVALID"  # not a number of the item's type (9, S9, 9V)
    WIDTH_NOT_HALF = "WIDTH_NOT_HALF"  # an X item keeps a character that has no half-width form
    WIDTH_NOT_FULL = "WIDTH_NOT_FULL"  # an Ｎ item keeps a character that has no full-width form
    LENGTH_EXCEEDED = "LENGTH_EXCEEDED"  # longer than 桁数 (in characters)
    REQUIRED_MISSING = "REQUIRED_MISSING"  # a 必須 item is empty
    KEY_DUPLICATE = "KEY_DUPLICATE"  # a second row with the same primary key
    POSTAL_INVALID = "POSTAL_INVALID"  # a postal code that is not 3, 5 or 7 digits


DESCRIPTIONS: dict[Reason, str] = {
    Reason.ENCODING_INVALID: "bytes that do not decode in the source encoding (byte offset given)",
    Reason.NUL_BYTE: "a NUL byte inside a record",
    Reason.COLUMN_COUNT: "a CSV row with too many or too few columns",
    Reason.CSV_MALFORMED: "a CSV row the parser cannot read (unbalanced quotes …)",
    Reason.TRUNCATED_RECORD: "a fixed-width file whose last record is shorter than the record length",
    Reason.FIELD_SPLITS_DOUBLE_BYTE: "a field's byte range cuts a double-byte character in two",
    Reason.GAIJI_UNMAPPED: "a 外字 (Private Use Area) character that the 外字 table does not map",
    Reason.ERA_DATE_INVALID: "a value that is no date in any known form",
    Reason.ERA_DATE_NOT_CALENDAR: "a non-calendar date (2月30日 …) and no 不詳表記 item to keep it in",
    Reason.DATE_UNKNOWN: "a 不詳 text and no 不詳表記 item to keep it in",
    Reason.TIME_INVALID: "not a time of day (HH:MM[:SS])",
    Reason.CODE_UNMAPPED: "a legacy code that the mapping's code table does not map",
    Reason.CODE_NOT_IN_LIST: "a value outside the item's code list in the catalog",
    Reason.LGCODE_INVALID: "a 全国地方公共団体コード with a wrong shape or check digit",
    Reason.NUMBER_INVALID: "not a number of the item's type (9, S9, 9V n,m)",
    Reason.WIDTH_NOT_HALF: "an X (half-width) item keeps a character with no half-width form",
    Reason.WIDTH_NOT_FULL: "an Ｎ (full-width) item keeps a character with no full-width form",
    Reason.LENGTH_EXCEEDED: "longer than the item's 桁数, counted in characters",
    Reason.REQUIRED_MISSING: "a 必須 item is empty",
    Reason.KEY_DUPLICATE: "a second row with the same primary key (the first is loaded)",
    Reason.POSTAL_INVALID: "a postal code that is not 3, 5 or 7 digits",
}
