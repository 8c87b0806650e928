"""The transforms a mapping item may name, each a model of its typed options.

A mapping file writes a transform in one of three forms: a bare name (``- trim``), a name with its options
(``- pad_left: {length: 15, char: "0"}``) or a name with its main option as a scalar (``- code: sex``).
:func:`parse_transform` reads each form into one of the models here. A misspelt name or option, a scalar where
the transform takes none, or an option of the wrong type is refused with the fix, so no option is ever silently
ignored.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from spec_catalog.base import FrozenModel
from spec_catalog.language import say

# The pydantic error type of a refused transform; its context holds ``problem``, ``fix`` and ``at`` (the keys
# below the transform's entry that the problem sits at), so the mapping loader can name the line.
TRANSFORM_ERROR = "transform_invalid"


def _not_a_truth_value(value: Any) -> Any:
    # pydantic would take True for 1: a YAML `yes` is no length.
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Count = Annotated[int, BeforeValidator(_not_a_truth_value), Field(ge=1)]


class TransformOptions(FrozenModel):
    """A transform named in a mapping and its options."""

    # YAML reads an unquoted 0 as a number: `char: 0` and `default: 0` mean the text.
    model_config = FrozenModel.model_config | {"coerce_numbers_to_str": True}

    main: ClassVar[str | None] = None  # the option a scalar fills (`code: sex` → table)
    example: ClassVar[str]

    @classmethod
    def option_names(cls) -> list[str]:
        """The option keys as the mapping file writes them."""
        return [field.alias or key for key, field in cls.model_fields.items() if key != "name"]


class Trim(TransformOptions):
    """Drop spaces (half- and full-width) at both ends."""

    name: Literal["trim"] = "trim"
    example = "trim"


class Upper(TransformOptions):
    """ASCII letters to upper case."""

    name: Literal["upper"] = "upper"
    example = "upper"


class Lower(TransformOptions):
    """ASCII letters to lower case."""

    name: Literal["lower"] = "lower"
    example = "lower"


class PadLeft(TransformOptions):
    """Pad on the left to ``length`` characters (values already as long are kept)."""

    name: Literal["pad_left"] = "pad_left"
    length: Count
    char: str = Field(default="0", min_length=1, max_length=1)
    main = "length"
    example = "pad_left: {length: 15, char: '0'}"


class PadRight(TransformOptions):
    """Pad on the right to ``length`` characters (values already as long are kept)."""

    name: Literal["pad_right"] = "pad_right"
    length: Count
    char: str = Field(default=" ", min_length=1, max_length=1)
    main = "length"
    example = "pad_right: {length: 10, char: ' '}"


class Number(TransformOptions):
    """Full-width digits, signs and ▲/△ to ASCII; thousands separators dropped."""

    name: Literal["number"] = "number"
    example = "number"


class Replace(TransformOptions):
    """Replace every occurrence of ``from`` with ``to``."""

    name: Literal["replace"] = "replace"
    from_: str = Field(alias="from", min_length=1)
    to: str = ""
    model_config = TransformOptions.model_config | {
        "validate_by_name": True,
        "validate_by_alias": True,
        "serialize_by_alias": True,
    }
    example = "replace: {from: '-', to: ''}"


class Split(TransformOptions):
    """The ``part``-th piece (from 1) of the value cut at ``separator``."""

    name: Literal["split"] = "split"
    separator: str = Field(default="\u3000", min_length=1)
    part: Count = 1
    main = "separator"
    example = "split: {separator: '\u3000', part: 2}"


class Substr(TransformOptions):
    """``length`` characters from position ``start`` (counted from 1)."""

    name: Literal["substr"] = "substr"
    start: Count = 1
    length: Count = 1
    example = "substr: {start: 1, length: 5}"


class JisDashes(TransformOptions):
    """～ and － to the JIS wave dash 〜 and minus sign −."""

    name: Literal["jis_dashes"] = "jis_dashes"
    example = "jis_dashes"


class Default(TransformOptions):
    """``value`` where the field is empty."""

    name: Literal["default"] = "default"
    value: str
    main = "value"
    example = "default: '0'"


class Join(TransformOptions):
    """How an item read from several columns joins them (empty columns are skipped)."""

    name: Literal["join"] = "join"
    separator: str = ""
    main = "separator"
    example = "join: {separator: '\u3000'}"


class EraDate(TransformOptions):
    """和暦 and other date forms to ISO; a 不詳 text goes to ``unknown_to`` (default: the item's 不詳表記).

    A non-calendar date (平成13年2月29日) is quarantined (``ERA_DATE_NOT_CALENDAR``) unless
    ``keep_non_calendar`` is set: then its text goes to the 不詳表記 item too, counted apart from 不詳 dates.
    """

    name: Literal["era_date"] = "era_date"
    unknown_to: str | None = None
    keep_non_calendar: bool = False
    main = "unknown_to"
    example = "era_date: {unknown_to: seinengappi_fushohyoki, keep_non_calendar: true}"


class Code(TransformOptions):
    """Legacy codes to standard ones through a code table of the mapping; a value is looked up as written,
    then with its digits and ASCII half-width, its katakana full-width and no spaces around (``１`` finds ``1``)."""

    name: Literal["code"] = "code"
    table: str
    main = "table"
    example = "code: sex"


class LgCode(TransformOptions):
    """A 全国地方公共団体コード (5 digits get their check digit) checked against the national table and its
    history: a wrong check digit or shape is ``LGCODE_INVALID``, a code that never existed ``LGCODE_UNKNOWN``.

    ``successor`` maps an abolished code to the one in force today (one split into several is refused,
    ``LGCODE_NOT_IN_FORCE``); ``in_force_on`` names the DATE item holding the row's date, on which the code
    must have been in force (``LGCODE_NOT_IN_FORCE``); ``prefectures`` says whether a prefecture's code
    (130001 東京都) is valid: by default it is, except in an item whose name says 市区町村 (a prefecture is no
    市区町村).
    """

    name: Literal["lgcode"] = "lgcode"
    successor: bool = False
    in_force_on: str | None = None
    prefectures: bool | None = None  # None: allowed unless the item is a 市区町村コード
    example = "lgcode: {successor: true, in_force_on: idonengappi, prefectures: false}"


class Postal(TransformOptions):
    """A postal code to its digits (3, 5 or 7): full-width digits, and any hyphen, dash or ー between the parts."""

    name: Literal["postal"] = "postal"
    example = "postal"


class Time(TransformOptions):
    """A time of day to HH:MM[:SS]."""

    name: Literal["time"] = "time"
    example = "time"


class FullWidth(TransformOptions):
    """Half-width katakana (voiced marks joined), ASCII and the space to full width."""

    name: Literal["full_width"] = "full_width"
    example = "full_width"


class HalfWidth(TransformOptions):
    """Full-width ASCII forms and the ideographic space to half width."""

    name: Literal["half_width"] = "half_width"
    example = "half_width"


# Every transform a mapping may name; plan.py has one step for each.
AnyTransform = (
    Trim
    | Upper
    | Lower
    | PadLeft
    | PadRight
    | Number
    | Replace
    | Split
    | Substr
    | JisDashes
    | Default
    | Join
    | EraDate
    | Code
    | LgCode
    | Postal
    | Time
    | FullWidth
    | HalfWidth
)
BY_NAME: dict[str, type[TransformOptions]] = {m.model_fields["name"].default: m for m in get_args(AnyTransform)}
TRANSFORM_NAMES = frozenset(BY_NAME)


def _refuse(problem: str, fix: str, at: tuple[str, ...] = ()) -> PydanticCustomError:
    return PydanticCustomError(TRANSFORM_ERROR, "{problem} — {fix}", {"problem": problem, "fix": fix, "at": at})


def _closest(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1)
    return close[0] if close else None


def _write(example: str) -> str:
    return say(f"{example} のように書いてください", f"write {example}")


def _name_alone(name: str) -> str:
    return say(f"名前だけを書いてください: - {name}", f"write the name alone: - {name}")


def _options_of(model: type[TransformOptions], name: str, options: Any) -> dict[Any, Any]:
    """The options as a mapping, whichever form the file wrote them in."""
    if options is None:  # `- trim:` and `{trim: null}` name the transform alone
        return {}
    if isinstance(options, dict):
        return options
    if model.main is None:
        if model.option_names():
            raise _refuse(
                say(f"{name} のオプションはマッピング（キー: 値）で書きます", f"{name} takes its options as a mapping"),
                _write(model.example),
                (name,),
            )
        raise _refuse(say(f"{name} にオプションはありません", f"{name} takes no options"), _name_alone(name), (name,))
    return {model.main: options}


# pydantic's messages for a wrong option, in Japanese (English: pydantic's own).
_OPTION_PROBLEMS = {
    "int_type": "整数を書いてください",
    "int_parsing": "整数として読めません",
    "int_from_float": "整数を書いてください",
    "string_type": "文字列を書いてください",
    "bool_type": "真偽値（true / false）を書いてください",
    "bool_parsing": "真偽値（true / false）として読めません",
}


def _option_problem(error: Any) -> str:
    """What is wrong with an option's value, in the run's language."""
    english = str(error["msg"])
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "greater_than_equal":
        return say(f"{ctx['ge']} 以上にしてください", english)
    if kind == "string_too_short":
        return say(f"{ctx['min_length']} 文字以上にしてください", english)
    if kind == "string_too_long":
        return say(f"{ctx['max_length']} 文字以下にしてください", english)
    return say(_OPTION_PROBLEMS.get(kind, english), english)


def _typed(model: type[TransformOptions], name: str, options: dict[Any, Any]) -> TransformOptions:
    known = model.option_names()
    for key in options:
        if key not in known:
            close = _closest(str(key), known)
            listed = ", ".join(known)
            fix = (
                say(f"'{close}' の書き間違いではありませんか？", f"did you mean '{close}'?")
                if close
                else say(f"{name} のオプションは {listed} です", f"{name} takes {listed}")
                if known
                else say(
                    f"{name} にオプションはありません。名前だけを書いてください: - {name}",
                    f"{name} takes no options: write the name alone: - {name}",
                )
            )
            raise _refuse(
                say(f"{name} にオプション '{key}' はありません", f"{name} has no option '{key}'"), fix, (name, str(key))
            )
    try:
        return model.model_validate(options)
    except ValidationError as exc:
        error = exc.errors()[0]
        option = ".".join(str(part) for part in error["loc"])
        if error["type"] == "missing":
            raise _refuse(
                say(f"{name} にはオプション '{option}' が必要です", f"{name} needs the option '{option}'"),
                _write(model.example),
                (name,),
            ) from None
        fix = _write(model.example)
        if error["type"] == "string_type" and isinstance(error["input"], bool):
            fix = say(
                "YAML は yes/no/on/off/true/false を真偽値として読みます。文字列なら引用符で囲んでください",
                "YAML reads yes/no/on/off/true/false as a truth value: put the text in quotes",
            )
        problem = _option_problem(error)
        raise _refuse(
            say(f"{name} のオプション '{option}': {problem}", f"{name} option '{option}': {problem}"),
            fix,
            (name, option),
        ) from None


def parse_transform(raw: Any) -> Any:
    """One transform as the mapping file writes it (``trim``, ``{pad_left: {length: 15}}``, ``{code: sex}``)
    as its model; a model (or its dump, with ``name``) passes through."""
    if isinstance(raw, TransformOptions):
        return raw
    if isinstance(raw, str):
        name, options = raw, None
    elif isinstance(raw, dict) and "name" in raw:
        name, options = raw["name"], {k: v for k, v in raw.items() if k != "name"}
    elif isinstance(raw, dict) and len(raw) == 1:
        ((name, options),) = raw.items()
    else:
        raise _refuse(
            say(
                "変換は名前一つか、名前一つとそのオプションで書きます",
                "a transform is one name, or one name with its options",
            ),
            say("例えば pad_left: {length: 15} のように書いてください", "write e.g. pad_left: {length: 15}"),
        )
    model = BY_NAME.get(str(name))
    if model is None:
        close = _closest(str(name), sorted(BY_NAME))
        listed = ", ".join(BY_NAME)
        fix = (
            say(f"'{close}' の書き間違いではありませんか？", f"did you mean '{close}'?")
            if close
            else say(f"次のどれかにしてください: {listed}", f"choose one of: {listed}")
        )
        raise _refuse(say(f"変換 '{name}' はありません", f"unknown transform '{name}'"), fix)
    return _typed(model, str(name), _options_of(model, str(name), options))


# What ItemMapping.transforms holds: any of the forms above, read into its model.
Transform = Annotated[AnyTransform, Field(discriminator="name"), BeforeValidator(parse_transform)]
