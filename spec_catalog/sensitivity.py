"""Which data items hold personal data, when a workbook does not say (the official ones never do).

The rules look at the romanized name (the stable field name) and fall back to the Japanese name. They
err on the side of masking: a false positive hides a harmless value, a false negative leaks one. In order:

1. national identifiers (個人番号, 住民票コード, 基礎年金番号) are ``identifier``;
2. codes (…コード, 郵便番号, 都道府県, 市区郡町村名) identify a place or a class, not a person: ``none``;
3. numbers a municipality gives a person or a household (宛名番号 and every name that holds it: 名寄せ先宛名番号,
   住登外者宛名番号, 統合宛名番号, 世帯主宛名番号 …; 世帯番号, 被保険者番号, 受給者番号) are ``personal``: they
   link every record of one person;
4. names, birth dates, addresses and contact details are ``personal``;
5. everything else (IDs of staff and systems such as 操作者ID and 業務ID, dates of operations, flags) is ``none``.
"""

from __future__ import annotations

from spec_catalog.vocab import Sensitivity

# 個人番号 is 特定個人情報; 住民票コード is as identifying. Masked everywhere, always.
_IDENTIFIER_ROMANIZED = ("kojinbango", "juminhyokodo", "kisonenkinbango")
_IDENTIFIER_NAMES = ("個人番号", "住民票コード", "基礎年金番号")

# Numbers that identify a person or a household inside the municipality: 宛名番号 and its kin.
_PERSON_NUMBER_ROMANIZED = ("atenabango", "setaibango", "hihokenshabango", "jukyushabango")
_PERSON_NUMBER_NAMES = ("宛名番号", "世帯番号", "被保険者番号", "受給者番号")

# Names, birth dates, addresses and contact details: masked wherever a report lists rows.
_PERSONAL_PREFIXES = (
    "shimei",
    "uji",
    "na_",
    "kyuuji",
    "kyuji",
    "tsusho",
    "seinengappi",
    "jusho_",
    "katagaki",
    "denwabango",
    "setainushi_shimei",
    "mailaddress",
    "meruadoresu",
)
_PERSONAL_NAMES = (
    "氏名",
    "氏_",
    "名_",
    "旧氏",
    "通称",
    "生年月日",
    "住所_",
    "方書",
    "電話番号",
    "メールアドレス",
)
# Codes and postal codes inside an address identify a place, not a person.
_NOT_PERSONAL_SUFFIXES = ("kodo", "yubinbango", "todofuken", "shikugunchosonmei")


def infer_sensitivity(romanized: str, name: str) -> Sensitivity:
    """Best guess of how personal an item is, from its romanized and Japanese names."""
    if any(r in romanized for r in _IDENTIFIER_ROMANIZED) or any(n in name for n in _IDENTIFIER_NAMES):
        return Sensitivity.IDENTIFIER
    if romanized.endswith(_NOT_PERSONAL_SUFFIXES) or name.endswith(("コード", "郵便番号")):
        return Sensitivity.NONE
    if any(r in romanized for r in _PERSON_NUMBER_ROMANIZED) or any(n in name for n in _PERSON_NUMBER_NAMES):
        return Sensitivity.PERSONAL
    if romanized.startswith(_PERSONAL_PREFIXES) or any(name.startswith(n) for n in _PERSONAL_NAMES):
        return Sensitivity.PERSONAL
    return Sensitivity.NONE
