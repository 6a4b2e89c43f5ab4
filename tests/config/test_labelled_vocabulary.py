"""A domain vocabulary given labels: the enum's values in its order, every member labelled."""

from enum import StrEnum

import pytest

from haven.organisations.choices import LabelledVocabulary


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


def test_choices_follow_the_enum_order_with_their_labels():
    colours = LabelledVocabulary(Colour, {Colour.GREEN: "Green", Colour.RED: "Red"})

    assert colours.choices == [("red", "Red"), ("green", "Green")]
    assert colours.values == ["red", "green"]


def test_a_stored_value_reads_as_its_label_and_an_unknown_one_as_nothing():
    colours = LabelledVocabulary(Colour, {Colour.RED: "Red", Colour.GREEN: "Green"})

    assert colours.label("green") == "Green"
    assert colours.label("blue") == ""
    assert colours.label(None) == ""


def test_a_member_without_a_label_fails_at_once():
    with pytest.raises(ValueError, match="Colour"):
        LabelledVocabulary(Colour, {Colour.RED: "Red"})
