"""How an appointment's time is said: the branch's local time, its zone named only when the person's clock
shows another hour at that moment."""

from datetime import UTC, datetime

from appointments.wording import spoken, zone_name
from tests.clock import today

YEAR = today().year + 1  # from the suite's clock
NOON_UTC_IN_JANUARY = datetime(YEAR, 1, 12, 17, 0, tzinfo=UTC)  # 12:00 New York, 11:00 Chicago
NOON_UTC_IN_JULY = datetime(YEAR, 7, 13, 16, 0, tzinfo=UTC)  # 12:00 New York, 09:00 Phoenix (no summer time)
JANUARY_12 = f"{NOON_UTC_IN_JANUARY:%A} 12 January"  # e.g. "Tuesday 12 January"


def test_the_same_clock_names_no_zone():
    assert spoken(NOON_UTC_IN_JANUARY, "America/New_York", "America/New_York") == f"{JANUARY_12} at 12:00"
    assert spoken(NOON_UTC_IN_JANUARY, "America/New_York", "America/Detroit") == f"{JANUARY_12} at 12:00"
    assert spoken(NOON_UTC_IN_JANUARY, "America/New_York", None) == f"{JANUARY_12} at 12:00"


def test_another_clock_hears_the_places_time_and_its_zone():
    assert spoken(NOON_UTC_IN_JANUARY, "America/New_York", "America/Chicago") == (f"{JANUARY_12} at 12:00 Eastern time")
    assert spoken(NOON_UTC_IN_JULY, "America/Phoenix", "America/Los_Angeles", "%a %d %b at %H:%M") == (
        f"{NOON_UTC_IN_JULY:%a} 13 Jul at 09:00"  # in summer Phoenix and Los Angeles agree
    )
    assert spoken(NOON_UTC_IN_JANUARY, "America/Phoenix", "America/Los_Angeles", "%H:%M") == "10:00 Arizona time"


def test_zones_without_a_common_name_are_named_by_their_city():
    assert zone_name("America/Chicago") == "Central time"
    assert zone_name("America/Argentina/Buenos_Aires") == "Buenos Aires time"
