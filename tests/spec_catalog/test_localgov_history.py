"""The history of the 全国地方公共団体コード shipped in spec_catalog/data/localgov-history.csv: rebuilt from the
fixture byte for byte, in agreement with the current national list (localgov.csv) for every current code, and
the API over it (issue 14, part 2)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from spec_catalog.base import FitgapError
from spec_catalog.checkdigits import is_valid_local_government_code
from spec_catalog.data.build_localgov_history import DEFAULT_OUTPUT, build
from spec_catalog.language import Language, chosen
from spec_catalog.localgov import (
    all_local_governments,
    code_history,
    current_successors,
    history_of,
    in_force_on,
    lookup,
)

from conftest import ROOT, SHARED_FIXTURES

HISTORY_FIXTURE = SHARED_FIXTURES / "localgov" / "municipality-code-history.csv"
# Where the two tables differ (fixtures/README.md), each on purpose:
HAMAMATSU_OLD_WARDS = {"221317", "221325", "221333", "221341", "221350", "221368", "221376"}  # until 2024-01-01
HAMAMATSU_NEW_WARDS = {"221384", "221392", "221406"}  # since 2024-01-01: only in the history
NORTHERN_TERRITORIES = {"016951", "016969", "016977", "016985", "016993", "017001"}  # only in the history


def _plain(name: str) -> str:
    return name.replace(" ", "").replace("\u3000", "")


def test_the_shipped_history_is_rebuilt_byte_for_byte() -> None:
    assert build(HISTORY_FIXTURE) == DEFAULT_OUTPUT.read_text(encoding="utf-8")


def test_the_history_agrees_with_the_current_list_for_every_current_code() -> None:
    history = {h.code: h for h in code_history()}
    current = {g.code: g for g in all_local_governments()}
    for code, government in current.items():
        record = history[code]
        if code in HAMAMATSU_OLD_WARDS:  # the list predates 浜松市's reorganisation: the history is newer
            assert (record.valid_to, record.change) == (dt.date(2024, 1, 1), "区の再編")
            continue
        assert record.in_force, code
        assert (record.prefecture, record.name, record.kana) == (
            government.prefecture,
            _plain(government.name),
            _plain(government.kana),
        )
    in_force = {c for c, h in history.items() if h.in_force and not h.is_prefecture}
    assert in_force - current.keys() == HAMAMATSU_NEW_WARDS | NORTHERN_TERRITORIES
    assert current.keys() - in_force == HAMAMATSU_OLD_WARDS
    assert len(in_force) == 1918 and len(current) == 1916


def test_the_history_holds_what_the_package_relies_on() -> None:
    history = {h.code: h for h in code_history()}
    assert len(history) == 4031  # 3,985 codes of the fixture, less 131008 特別区部, plus 47 prefectures
    assert "131008" not in history  # e-Stat's aggregate of the 23 wards, not a local government
    assert [c for c in history if not is_valid_local_government_code(c)] == []
    prefectures = [h for h in history.values() if h.is_prefecture]
    assert len(prefectures) == 47 and all(h.code[2:5] == "000" and h.name == h.prefecture for h in prefectures)
    for record in history.values():
        assert record.in_force == (record.current_successors == ())
        assert all(history[c].in_force for c in record.current_successors)
        assert all(c in history for c in record.successors)
    assert sum(1 for h in history.values() if not h.in_force) == 2066


def test_an_abolished_code_and_its_successor() -> None:
    record = history_of("013447")
    assert record is not None
    assert (record.name, record.kind, record.valid_from, record.valid_to, record.change) == (
        "砂原町",
        "town",
        None,  # in force on or before 1970-04-01
        dt.date(2005, 4, 1),
        "新設合併",
    )
    assert record.successors == record.current_successors == ("013455",)
    assert history_of("01344") == record  # the legacy 5-digit form
    assert current_successors("013447") == ("013455",)
    assert current_successors("013455") == ("013455",)
    assert current_successors("193411") == ("192015", "194301")  # 上九一色村, split in 2006
    assert current_successors("999997") == ()


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        ("013447", dt.date(1950, 1, 1), True),
        ("013447", dt.date(2005, 3, 31), True),
        ("013447", dt.date(2005, 4, 1), False),
        ("472131", dt.date(2005, 3, 31), False),  # うるま市, since 2005-04-01
        ("472131", dt.date(2005, 4, 1), True),
        ("470007", dt.date(1972, 5, 14), False),  # 沖縄県, since the reversion
        ("130001", dt.date(1950, 1, 1), True),
        ("999997", dt.date(2000, 1, 1), False),
        ("013440", dt.date(2000, 1, 1), False),  # a wrong check digit is no code
    ],
)
def test_in_force_on(code: str, day: dt.date, expected: bool) -> None:
    assert in_force_on(code, day) is expected


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("130001", "130001 東京都（東京都）"),
        ("13000", "130001 東京都（東京都）"),
        ("013455", "013455 森町（北海道）"),
        ("011011", "011011 札幌市 中央区（北海道）"),  # the current list's name where it has the code
        ("221384", "221384 浜松市中央区（静岡県）"),  # only in the history
        ("016951", "016951 色丹村（北海道）"),
    ],
)
def test_lookup_finds_prefectures_and_the_codes_in_force(code: str, label: str) -> None:
    assert lookup(code).label == label


@pytest.mark.parametrize(
    ("code", "language", "message"),
    [
        (
            "013447",
            "ja",
            "013447 砂原町（北海道） は 2005-04-01 に廃止されました（新設合併） — 現在のコードを指定してください: "
            "013455 森町（北海道）",
        ),
        (
            "013447",
            "en",
            "013447 砂原町（北海道） was abolished on 2005-04-01 (新設合併) — give the code in force today: "
            "013455 森町（北海道）",
        ),
        (
            "221317",
            "ja",
            "221317 浜松市中区（静岡県） は 2024-01-01 に廃止されました（区の再編） — 現在のコードを指定してください: "
            "221384 浜松市中央区（静岡県）",
        ),
        (
            "193411",
            "ja",
            "193411 上九一色村（山梨県） は 2006-03-01 に廃止されました（編入合併） — 現在のコードを指定してください: "
            "192015 甲府市（山梨県）, 194301 富士河口湖町（山梨県）",
        ),
    ],
)
def test_lookup_refuses_an_abolished_code_with_its_successor(code: str, language: Language, message: str) -> None:
    with chosen(language), pytest.raises(FitgapError) as info:
        lookup(code)
    assert info.value.one_line() == message


def test_lookup_refuses_the_statistical_aggregate() -> None:
    with pytest.raises(FitgapError) as info:
        lookup("131008")
    assert info.value.one_line().startswith("コード 131008 の地方公共団体はありません — 近い有効なコード: ")


def test_the_history_loads_only_when_a_code_is_looked_up() -> None:
    # The converter's modules import the API; the tables load on first use (fitgap --help reads neither).
    script = (
        "import converters.plan, spec_catalog.localgov as m; "
        "print(m._history.cache_info().currsize, m._table.cache_info().currsize); "
        "m.history_of('013447'); print(m._history.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0", "1"]
