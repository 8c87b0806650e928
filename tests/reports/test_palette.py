"""One fixed colour per meaning: the fits (and a standard option not taken, which is no work) in the green
family, lighter as they need less of the standard's attention."""

from __future__ import annotations

import pytest

from fitgap.assessment.vocab import GapClass, parse_choice
from reports.palette import CLASS_COLOURS, colour_of


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _lightness(colour: str) -> float:
    return sum(_rgb(colour)) / (3 * 255)


@pytest.mark.parametrize(
    ("code", "colour"),
    [("FIT", "2E7D32"), ("FIT_WITH_CONFIG", "81C784"), ("GAP_OPTION_NOT_ADOPTED", "A5D6A7")],
    ids=["fit", "fit-with-config", "option-not-adopted"],
)
def test_the_fits_are_green(code: str, colour: str) -> None:
    assert CLASS_COLOURS[code] == colour == colour_of(code)
    red, green, blue = _rgb(colour)
    assert green > red and green > blue


def test_a_standard_option_not_adopted_is_the_palest_green() -> None:
    fit, config, option = (CLASS_COLOURS[c] for c in ("FIT", "FIT_WITH_CONFIG", "GAP_OPTION_NOT_ADOPTED"))
    assert _lightness(fit) < _lightness(config) < _lightness(option)
    assert _lightness(option) > 0.7  # pale


def test_the_label_a_person_picks_has_that_colour() -> None:
    assert parse_choice(GapClass, "標準オプション不採用") is GapClass.GAP_OPTION_NOT_ADOPTED
    assert colour_of(GapClass.GAP_OPTION_NOT_ADOPTED.value) == "A5D6A7"
