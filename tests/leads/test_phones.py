"""Phone numbers in any human format become E.164; bad ones say why."""

import pytest

from leads import phones


@pytest.mark.parametrize("raw", ["(305) 555-0123", "305.555.0123", "3055550123", "+1 305 555 0123", " 1-305-555-0123 "])
def test_formats_of_one_number(raw):
    assert phones.normalize(raw) == "+13055550123"


@pytest.mark.parametrize("raw", ["555-1234", "12345", "(000) 000-0000", "not a number", "+1 999 123 4567", ""])
def test_invalid_numbers_are_refused_with_a_reason(raw):
    with pytest.raises(phones.InvalidPhone) as error:
        phones.normalize(raw)
    assert str(error.value)


def test_other_countries_use_the_default_region():
    assert phones.normalize("020 7946 0958", "GB") == "+442079460958"
    assert phones.normalize("+44 20 7946 0958", "US") == "+442079460958"


@pytest.mark.parametrize(
    "number,zone,state",
    [
        ("+13055550123", "America/New_York", "FL"),
        ("+14055286388", "America/Chicago", "OK"),
        ("+16029919922", "America/Phoenix", "AZ"),
        ("+18088669452", "Pacific/Honolulu", "HI"),
        ("+14105551234", "America/New_York", "MD"),
    ],
)
def test_area_code_gives_zone_and_state(number, zone, state):
    place = phones.place_of(number)
    assert place.time_zones == (zone,)
    assert place.region == state
