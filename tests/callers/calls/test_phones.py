import pytest

from opcc_calls import phones


@pytest.mark.parametrize(
    "typed",
    [
        "01234 567890",
        "(01234) 567 890",
        "+44 1234 567890",
        "0044 1234 567890",
        "01234-567-890",
        " 01234567890 ",
    ],
)
def test_every_format_of_a_number_is_one_number(typed):
    assert phones.normalise(typed) == "+441234567890"


@pytest.mark.parametrize("typed", ["12", "01234", "not a number", "0123456789012345", ""])
def test_impossible_numbers_are_rejected(typed):
    assert phones.normalise(typed) is None


def test_international_numbers_are_kept():
    assert phones.normalise("+33 1 42 68 53 00") == "+33142685300"


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [("01234 56", "123456"), ("+44 1234", "1234"), ("0044 12", "12"), ("4412", "4412")],
)
def test_partly_typed_numbers_match_on_their_significant_digits(typed, fragment):
    assert phones.digits_fragment(typed) == fragment


def test_names_are_not_mistaken_for_numbers():
    assert not phones.looks_like_phone("John Smith")
    assert phones.looks_like_phone("01234 567")
