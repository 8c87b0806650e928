"""Check-digit rules of the identifiers the standard uses (domain.md §6).

Each ``*_check_digit`` returns the digit for the body; each ``is_valid_*`` checks a whole number.
"""

from __future__ import annotations

from spec_catalog.language import say

_MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _digits(text: str, length: int) -> list[int] | None:
    if len(text) != length or not text.isascii() or not text.isdigit():
        return None
    return [int(c) for c in text]


def my_number_check_digit(body: str) -> int:
    """Check digit of a 12-digit 個人番号 from its first 11 digits."""
    digits = _digits(body, 11)
    if digits is None:
        raise ValueError(say("個人番号の本体は半角数字 11 桁です", "a 個人番号 body is 11 ASCII digits"))
    remainder = sum(d * w for d, w in zip(digits, _MY_NUMBER_WEIGHTS, strict=True)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(number: str) -> bool:
    return _digits(number, 12) is not None and my_number_check_digit(number[:11]) == int(number[11])


def corporate_number_check_digit(body: str) -> int:
    """Check digit (the *first* digit) of a 13-digit 法人番号 from its last 12 digits."""
    digits = _digits(body, 12)
    if digits is None:
        raise ValueError(say("法人番号の本体は半角数字 12 桁です", "a 法人番号 body is 12 ASCII digits"))
    # Positions counted from the right: odd positions weigh 1, even positions weigh 2.
    total = sum(d * (1 if pos % 2 == 1 else 2) for pos, d in enumerate(reversed(digits), start=1))
    return 9 - total % 9


def is_valid_corporate_number(number: str) -> bool:
    return _digits(number, 13) is not None and corporate_number_check_digit(number[1:]) == int(number[0])


def local_government_check_digit(body: str) -> int:
    """Check digit of a 全国地方公共団体コード (JIS X 0402) from its 5-digit body."""
    digits = _digits(body, 5)
    if digits is None:
        raise ValueError(say("団体コードの本体は半角数字 5 桁です", "a 団体コード body is 5 ASCII digits"))
    total = sum(d * w for d, w in zip(digits, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def is_valid_local_government_code(code: str) -> bool:
    return _digits(code, 6) is not None and local_government_check_digit(code[:5]) == int(code[5])


def complete_local_government_code(code5: str) -> str:
    """The 6-digit code for a legacy 5-digit 団体コード."""
    return code5 + str(local_government_check_digit(code5))
