"""Typed transform options: every YAML form reads into its model; a misspelt or mistyped option is refused
with the line and the fix, never silently ignored."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from pydantic import ValidationError

from converters.mapping import ItemMapping, load_mapping
from converters.transforms.options import (
    TRANSFORM_NAMES,
    Code,
    Default,
    EraDate,
    FullWidth,
    HalfWidth,
    JisDashes,
    Join,
    LgCode,
    Lower,
    Number,
    PadLeft,
    PadRight,
    Postal,
    Replace,
    Split,
    Substr,
    Time,
    TransformOptions,
    Trim,
    Upper,
)
from spec_catalog import load_embedded
from spec_catalog.base import FitgapError

from conftest import ROOT, CliResult


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tables pin the English wording of the messages (a run in English: LANG=en_US); that they are said
    in Japanese by default is tests/converters/test_messages_language.py's."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")


Cli = Callable[..., CliResult]


def _read(text: str) -> tuple[TransformOptions, ...]:
    """The transforms of an item whose YAML says ``transforms: [TEXT]``."""
    data = yaml.safe_load(f"{{from: x, transforms: [{text}]}}")
    return ItemMapping.model_validate(data).transforms


FORMS: list[tuple[str, TransformOptions]] = [
    ("trim", Trim()),
    ("{trim: }", Trim()),
    ("{trim: {}}", Trim()),
    ("upper", Upper()),
    ("lower", Lower()),
    ("number", Number()),
    ("jis_dashes", JisDashes()),
    ("lgcode", LgCode()),
    ("postal", Postal()),
    ("time", Time()),
    ("full_width", FullWidth()),
    ("half_width", HalfWidth()),
    ("{pad_left: {length: 15, char: '0'}}", PadLeft(length=15, char="0")),
    ("{pad_left: {length: 15, char: 0}}", PadLeft(length=15, char="0")),  # YAML's number 0 is the text "0"
    ("{pad_left: {length: 8}}", PadLeft(length=8, char="0")),
    ("{pad_left: 15}", PadLeft(length=15, char="0")),
    ("{pad_right: {length: 10, char: '*'}}", PadRight(length=10, char="*")),
    ("{pad_right: 10}", PadRight(length=10, char=" ")),
    ("{replace: {from: '-', to: 'ー'}}", Replace.model_validate({"from": "-", "to": "ー"})),
    ("{replace: {from: ' '}}", Replace.model_validate({"from": " ", "to": ""})),
    ("split", Split(separator="\u3000", part=1)),
    ("{split: {separator: '、', part: 2}}", Split(separator="、", part=2)),
    ("{split: '、'}", Split(separator="、", part=1)),
    ("substr", Substr(start=1, length=1)),
    ("{substr: {start: 3, length: 2}}", Substr(start=3, length=2)),
    ("{default: {value: 不詳}}", Default(value="不詳")),
    ("{default: 0}", Default(value="0")),
    ("join", Join(separator="")),
    ("{join: {separator: '　'}}", Join(separator="\u3000")),
    ("{join: '-'}", Join(separator="-")),
    ("era_date", EraDate(unknown_to=None)),
    ("{era_date: {unknown_to: seinengappi_fushohyoki}}", EraDate(unknown_to="seinengappi_fushohyoki")),
    ("{era_date: seinengappi_fushohyoki}", EraDate(unknown_to="seinengappi_fushohyoki")),
    ("{code: {table: sex}}", Code(table="sex")),
    ("{code: sex}", Code(table="sex")),
]


@pytest.mark.parametrize(("text", "expected"), FORMS, ids=[text for text, _ in FORMS])
def test_every_yaml_form_reads_into_its_options(text: str, expected: TransformOptions) -> None:
    assert _read(text) == (expected,)


def test_the_forms_cover_every_transform() -> None:
    assert {model.name for _, model in FORMS} == TRANSFORM_NAMES


def test_options_survive_a_dump_and_reload() -> None:
    item = ItemMapping.model_validate(
        yaml.safe_load("{from: x, transforms: [trim, {pad_left: 15}, {replace: {from: '-'}}, {code: sex}]}")
    )
    assert ItemMapping.model_validate(item.model_dump(by_alias=True)) == item


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("trimm", "unknown transform 'trimm' — did you mean 'trim'?"),
        ("{pad_letf: 15}", "unknown transform 'pad_letf' — did you mean 'pad_left'?"),
        (
            "{zzz: 1}",
            "unknown transform 'zzz' — choose one of: trim, upper, lower, pad_left, pad_right, number, replace, split, "
            "substr, jis_dashes, default, join, era_date, code, lgcode, postal, time, full_width, half_width",
        ),
        ("{pad_left: {lenght: 15}}", "pad_left has no option 'lenght' — did you mean 'length'?"),
        ("{replace: {form: '-'}}", "replace has no option 'form' — did you mean 'from'?"),
        ("{code: {tabel: sex}}", "code has no option 'tabel' — did you mean 'table'?"),
        ("{split: {size: 2}}", "split has no option 'size' — split takes separator, part"),
        ("{trim: {both: true}}", "trim has no option 'both' — trim takes no options: write the name alone: - trim"),
        ("{trim: 1}", "trim takes no options — write the name alone: - trim"),
        ("{replace: '-'}", "replace takes its options as a mapping — write replace: {from: '-', to: ''}"),
        (
            "{pad_left: {length: abc}}",
            "pad_left option 'length': Input should be a valid integer, unable to parse string as an integer — write "
            "pad_left: {length: 15, char: '0'}",
        ),
        (
            "{pad_left: {length: yes}}",
            "pad_left option 'length': Input should be a valid integer — write pad_left: {length: 15, char: '0'}",
        ),
        (
            "{pad_left: {length: 0}}",
            "pad_left option 'length': Input should be greater than or equal to 1 — write pad_left: {length: 15, char: "
            "'0'}",
        ),
        (
            "{pad_left: {length: 15, char: '00'}}",
            "pad_left option 'char': String should have at most 1 character — write pad_left: {length: 15, char: '0'}",
        ),
        ("{pad_left: {char: '0'}}", "pad_left needs the option 'length' — write pad_left: {length: 15, char: '0'}"),
        ("{pad_left: }", "pad_left needs the option 'length' — write pad_left: {length: 15, char: '0'}"),
        ("{code: {}}", "code needs the option 'table' — write code: sex"),
        (
            "{substr: {start: 0}}",
            "substr option 'start': Input should be greater than or equal to 1 — write substr: {start: 1, length: 5}",
        ),
        (
            "{split: {part: 0}}",
            "split option 'part': Input should be greater than or equal to 1 — write split: {separator: '　', part: 2}",
        ),
        (
            "{default: no}",
            "default option 'value': Input should be a valid string — YAML reads yes/no/on/off/true/false as a truth "
            "value: put the text in quotes",
        ),
        (
            "{trim: , upper: }",
            "a transform is one name, or one name with its options — write e.g. pad_left: {length: 15}",
        ),
        ("[trim]", "a transform is one name, or one name with its options — write e.g. pad_left: {length: 15}"),
    ],
)
def test_mistakes_are_refused_with_the_fix(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _read(text)
    (error,) = caught.value.errors()
    assert error["msg"] == message


# The conversion of test_bad_inputs.py, with transforms that change what is stored.
MAPPING = """name: t
source:
  format: csv
  path: data.csv
  encoding: utf-8
target:
  business: "031"
  group: 住登外者宛名基本情報
items:
  atenabango: {{from: num, transforms: [{atenabango}]}}
  daihyoatenafuragu: {{from: flag}}
  sosashaid:
    from: op
    transforms:
      - replace: {{from: OP, to: USER}}
      - pad_right:
          {pad_right}
  sosanengappi: {{from: day}}
  sosajikoku: {{from: time}}
  gyomuid: {{from: day, transforms: [{{substr: {{start: 2, length: 2}}}}]}}
  jusho_choaza: {{from: [op, num], transforms: [{{join: "-"}}]}}
  jusho_banchigohyoki: {{from: extra, transforms: [{{default: 無}}]}}
  seinengappi: {{from: day, transforms: [{{era_date: {era_date}}}]}}
"""
DATA = "num,flag,op,day,time,extra\r\n1,0,OP1,R050401,0930,\r\n2,1,OP1,H31.04.30,1015,A\r\n"
GOOD = {"atenabango": "{pad_left: 15}", "pad_right": "{length: 6, char: _}", "era_date": "seinengappi_fushohyoki"}


def _mapping(tmp_path: Path, **change: str) -> Path:
    (tmp_path / "data.csv").write_text(DATA, encoding="utf-8")
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING.format(**(GOOD | change)), encoding="utf-8")
    return path


def test_typed_options_change_the_converted_values(cli: Cli, tmp_path: Path) -> None:
    mapping = _mapping(tmp_path)
    db = tmp_path / "t.duckdb"
    result = cli("convert", "run", mapping, "--db", db, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["rows_loaded"] == 2
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT atenabango, sosashaid, gyomuid, jusho_choaza, jusho_banchigohyoki, seinengappi "
            'FROM "031_住登外者宛名基本情報" ORDER BY atenabango'
        ).fetchall()
    assert rows == [
        ("000000000000001", "USER1_", "05", "ＯＰ１－１", "無", "2023-04-01"),
        ("000000000000002", "USER1_", "31", "ＯＰ１－２", "Ａ", "2019-04-30"),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"atenabango": "{pad_left: {lenght: 15}}"}, "10: pad_left has no option 'lenght' — did you mean 'length'?"),
        ({"atenabango": "trimm"}, "10: unknown transform 'trimm' — did you mean 'trim'?"),
        (
            {"atenabango": "{pad_left: {length: abc}}"},
            "10: pad_left option 'length': Input should be a valid integer, unable to parse string as an integer — "
            "write pad_left: {length: 15, char: '0'}",
        ),
        # In block style the line is the option's own.
        ({"pad_right": "{lenght: 6}"}, "17: pad_right has no option 'lenght' — did you mean 'length'?"),
        ({"pad_right": "lenght: 6"}, "17: pad_right has no option 'lenght' — did you mean 'length'?"),
        ({"pad_right": "{length: 6, char: __}"}, "17: pad_right option 'char': String should have at most 1 character"),
        (
            {"era_date": "seinengappi_fushohyok"},
            "23: unknown_to names item 'seinengappi_fushohyok', which is not in group 住登外者宛名基本情報 — did you "
            "mean 'seinengappi_fushohyoki'?",
        ),
    ],
    ids=["option", "transform", "type", "block-flow", "block", "block-type", "unknown-to"],
)
def test_load_mapping_names_the_line_and_the_fix(tmp_path: Path, change: dict[str, str], message: str) -> None:
    path = _mapping(tmp_path, **change)
    with pytest.raises(FitgapError) as caught:
        load_mapping(path, load_embedded())
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{path}:{message}")


def test_one_problem_among_several_says_how_many_more(tmp_path: Path) -> None:
    path = _mapping(tmp_path, atenabango="trimm")
    path.write_text(path.read_text(encoding="utf-8").replace("  encoding: utf-8", "  encodng: utf-8"), encoding="utf-8")
    with pytest.raises(FitgapError) as caught:
        load_mapping(path, load_embedded())
    assert str(caught.value) == f"{path}:10: unknown transform 'trimm' — did you mean 'trim'? (and 1 more)"


@pytest.mark.parametrize(
    "path",
    sorted([*ROOT.glob("examples/*/mapping*.yaml"), *ROOT.glob("fitgap/demo_data/mapping*.yaml")]),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_the_shipped_mappings_still_load(path: Path) -> None:
    mapping = load_mapping(path, load_embedded())
    used: list[Any] = [t for item in mapping.file.items.values() for t in item.transforms]
    assert used and all(isinstance(t, TransformOptions) for t in used)
