"""The compliance gate, rule by rule (docs/compliance.md), including daylight-saving changes and special states."""

from datetime import UTC, datetime, timedelta

import pytest

from calls.compliance import Reason, check
from calls.models import CallingPolicy
from leads.models import ErasureSuppression, suppression_hash
from tests.clock import dst_switches, local, moment, monday_of_next_week
from tests.factories import CallFactory, ConsentFactory, DoNotCallFactory, LeadFactory

pytestmark = pytest.mark.django_db
MONDAY = monday_of_next_week()
TUESDAY = MONDAY + timedelta(days=1)


def at(day, hh_mm: str, zone: str) -> datetime:
    """``hh_mm`` on ``day`` on the wall clocks of ``zone``."""
    hour, minute = (int(part) for part in hh_mm.split(":"))
    return local(day, hour, minute, zone=zone)


def gate(lead, when, *, marketing=True, purpose="lead_followup", weekdays=None):
    return check(lead, purpose=purpose, is_marketing=marketing, when=when, weekdays=weekdays)


def test_allowed_inside_hours_with_consent(scoped, lead):
    assert gate(lead, at(MONDAY, "10:00", "America/New_York")).allowed


@pytest.mark.parametrize(
    "setup,code",
    [
        ("dnc", Reason.DNC),
        ("no_consent", Reason.NO_CONSENT),
        ("erased", Reason.ERASED),
        ("tenant_paused", Reason.TENANT_PAUSED),
        ("invalid", Reason.INVALID_NUMBER),
    ],
)
def test_hard_rules_skip_with_a_reason(scoped, lead, setup, code):
    if setup == "dnc":
        DoNotCallFactory(tenant=scoped, phone=lead.phone)
    elif setup == "no_consent":
        lead.consents.all().delete()
    elif setup == "erased":
        ErasureSuppression.objects.create(phone_hash=suppression_hash(scoped.pk, lead.phone))
    elif setup == "tenant_paused":
        scoped.is_active = False
        scoped.save()
    elif setup == "invalid":
        lead.phone = "+15555550100"
    decision = gate(lead, at(MONDAY, "10:00", "America/New_York"))
    assert (decision.allowed, decision.code, decision.deferred) == (False, code, False)
    assert decision.next_allowed_at is None


def test_informational_calls_need_only_express_consent(scoped, lead):
    lead.consents.all().delete()
    ConsentFactory(tenant=scoped, lead=lead, kind="express")
    when = at(MONDAY, "10:00", "America/New_York")
    assert gate(lead, when, marketing=False, purpose="appointment_reminder").allowed
    assert gate(lead, when, marketing=True).code == Reason.NO_CONSENT


def test_consent_limited_to_other_purposes_or_another_number_does_not_count(scoped, lead):
    consent = lead.consents.get()
    consent.purposes = ["recall"]
    consent.save()
    assert gate(lead, at(MONDAY, "10:00", "America/New_York")).code == Reason.NO_CONSENT
    consent.purposes, consent.phone = [], "+12125550999"
    consent.save()
    assert gate(lead, at(MONDAY, "10:00", "America/New_York")).code == Reason.NO_CONSENT


def test_21_30_is_deferred_to_8_the_next_morning(scoped, lead):
    decision = gate(lead, at(MONDAY, "21:30", "America/New_York"))
    assert (decision.allowed, decision.code) == (False, Reason.CALLING_HOURS)
    assert decision.next_allowed_at == at(TUESDAY, "08:00", "America/New_York")


def test_before_8_waits_until_8_the_same_day(scoped, lead):
    decision = gate(lead, at(MONDAY, "07:59", "America/New_York"))
    assert decision.next_allowed_at == at(MONDAY, "08:00", "America/New_York")


@pytest.mark.parametrize("phone", ["+13055550123", "+14055550123", "+14105550123"])  # FL, OK, MD area codes
def test_florida_oklahoma_maryland_end_at_20(scoped, phone):
    lead = LeadFactory(tenant=scoped, phone=phone, branch=None)
    ConsentFactory(tenant=scoped, lead=lead)
    zone = "America/Chicago" if phone.startswith("+1405") else "America/New_York"
    assert gate(lead, at(MONDAY, "19:59", zone)).allowed
    late = gate(lead, at(MONDAY, "20:00", zone))
    assert late.code == Reason.CALLING_HOURS
    opens = "09:00" if phone.startswith("+1405") else "08:00"  # Oklahoma's automated-call law starts at 09:00
    assert late.next_allowed_at == at(TUESDAY, opens, zone)


def test_deferred_at_20_59_florida_goes_out_at_8_next_day_not_before(scoped):
    lead = LeadFactory(tenant=scoped, phone="+13055550123", branch=None)
    ConsentFactory(tenant=scoped, lead=lead)
    decision = gate(lead, at(MONDAY, "20:59", "America/New_York"))
    assert decision.next_allowed_at == at(TUESDAY, "08:00", "America/New_York")
    assert not gate(lead, decision.next_allowed_at - timedelta(seconds=1)).allowed
    assert gate(lead, decision.next_allowed_at).allowed


def test_florida_by_address_too(scoped):
    lead = LeadFactory(tenant=scoped, phone="+12125550123", region="MD", branch=None)
    ConsentFactory(tenant=scoped, lead=lead)
    assert gate(lead, at(MONDAY, "20:30", "America/New_York")).code == Reason.CALLING_HOURS


def test_arizona_has_no_daylight_saving(scoped):
    lead = LeadFactory(tenant=scoped, phone="+16025550123", branch=None)
    ConsentFactory(tenant=scoped, lead=lead)
    # 14:59 UTC is 07:59 in Phoenix all year (UTC-7), summer and winter alike (New York's, this year).
    spring, autumn = dst_switches()
    for day in (spring + timedelta(days=60), autumn + timedelta(days=30)):
        decision = gate(lead, moment(day, 14, 59, zone="UTC"))
        assert decision.next_allowed_at == moment(day, 15, zone="UTC")


def test_hawaii(scoped):
    lead = LeadFactory(tenant=scoped, phone="+18085550123", branch=None)
    ConsentFactory(tenant=scoped, lead=lead)
    assert gate(lead, at(MONDAY, "20:59", "Pacific/Honolulu")).allowed
    assert gate(lead, at(MONDAY, "21:00", "Pacific/Honolulu")).next_allowed_at == at(
        TUESDAY, "08:00", "Pacific/Honolulu"
    )


def test_window_holds_across_the_spring_and_autumn_daylight_saving_changes(scoped, lead):
    # The days New York springs forward and falls back this year (by the suite clock).
    spring_day, autumn_day = dst_switches()
    eve = timedelta(days=1)
    spring = gate(lead, at(spring_day - eve, "22:00", "America/New_York"))
    assert spring.next_allowed_at == at(spring_day, "08:00", "America/New_York")
    assert spring.next_allowed_at.astimezone(UTC).hour == 12  # EDT: UTC-4
    autumn = gate(lead, at(autumn_day - eve, "22:00", "America/New_York"))
    assert autumn.next_allowed_at == at(autumn_day, "08:00", "America/New_York")
    assert autumn.next_allowed_at.astimezone(UTC).hour == 13  # EST: UTC-5


def test_uncertain_zone_needs_every_candidate_zone_inside(scoped, branch):
    # A Seattle number in a New York gym: 09:00 New York is 06:00 Seattle.
    lead = LeadFactory(tenant=scoped, phone="+12065550123", branch=branch)
    ConsentFactory(tenant=scoped, lead=lead)
    decision = gate(lead, at(MONDAY, "09:00", "America/New_York"))
    assert decision.code == Reason.UNCERTAIN_ZONE
    assert decision.next_allowed_at == at(MONDAY, "08:00", "America/Los_Angeles")
    late = gate(lead, at(MONDAY, "19:30", "America/New_York"))  # 16:30 in LA, 19:30 in NY: fine in both
    assert late.allowed
    # Washington's 20:00 binds the Seattle number in every zone its owner may be in.
    assert gate(lead, at(MONDAY, "20:30", "America/New_York")).rule == "WA-hours"
    # 21:00 in New York, 18:00 in Los Angeles: allowed if they are in LA, so deferred for the uncertainty.
    assert gate(lead, at(MONDAY, "21:00", "America/New_York")).code == Reason.UNCERTAIN_ZONE


def test_explicit_time_zone_settles_it(scoped, branch):
    lead = LeadFactory(tenant=scoped, phone="+13105550123", branch=branch, time_zone="America/New_York")
    ConsentFactory(tenant=scoped, lead=lead)
    assert gate(lead, at(MONDAY, "09:00", "America/New_York")).allowed


def test_three_calls_in_24_hours_per_number_and_purpose_across_campaigns(scoped, lead):
    first = at(MONDAY, "09:00", "America/New_York")
    for hours in (0, 1, 2):
        CallFactory(tenant=scoped, lead=lead, purpose="lead_followup", dialed_at=first + timedelta(hours=hours))
    decision = gate(lead, at(MONDAY, "15:00", "America/New_York"))
    assert decision.code == Reason.FREQUENCY
    assert decision.next_allowed_at == first + timedelta(hours=24)
    assert (
        gate(lead, at(MONDAY, "15:00", "America/New_York"), marketing=False, purpose="appointment_reminder").code
        != Reason.FREQUENCY
    )


def test_frequency_release_outside_hours_moves_to_the_next_window(scoped, lead):
    first = at(MONDAY, "20:30", "America/New_York")
    for minutes in (0, 5, 10):
        CallFactory(tenant=scoped, lead=lead, purpose="lead_followup", dialed_at=first + timedelta(minutes=minutes))
    decision = gate(lead, at(TUESDAY, "10:00", "America/New_York"))
    # The first of the three leaves the rolling 24 hours at 20:30 on Tuesday, still inside 08:00–21:00.
    assert decision.next_allowed_at == first + timedelta(hours=24)
    late = gate(lead, at(TUESDAY, "20:55", "America/New_York"))
    assert late.allowed


def test_closed_days_and_sundays(scoped, lead):
    holiday, saturday = MONDAY + timedelta(days=4), MONDAY + timedelta(days=5)  # a Friday closed, and the next day
    sunday, next_monday = MONDAY + timedelta(days=6), MONDAY + timedelta(days=7)
    CallingPolicy.objects.create(closed_days=[holiday.isoformat()], sunday_calls=False)
    closed = gate(lead, at(holiday, "10:00", "America/New_York"))
    assert (closed.code, closed.next_allowed_at) == (Reason.HOLIDAY, at(saturday, "08:00", "America/New_York"))
    on_sunday = gate(lead, at(sunday, "10:00", "America/New_York"))
    assert (on_sunday.code, on_sunday.next_allowed_at) == (Reason.HOLIDAY, at(next_monday, "08:00", "America/New_York"))


def test_campaign_windows_narrow_never_widen(scoped, lead):
    from datetime import time

    weekdays = {0: [(time(7, 0), time(23, 0))], 1: [(time(10, 0), time(12, 0))]}
    monday_early = gate(lead, at(MONDAY, "07:30", "America/New_York"), weekdays=weekdays)
    assert monday_early.next_allowed_at == at(MONDAY, "08:00", "America/New_York")  # not 07:00
    tuesday = gate(lead, at(TUESDAY, "12:30", "America/New_York"), weekdays=weekdays)
    assert tuesday.next_allowed_at == at(MONDAY + timedelta(days=7), "08:00", "America/New_York")  # next Monday


def test_one_call_at_a_time_per_person(scoped, lead):
    CallFactory(tenant=scoped, lead=lead, status="queued", purpose="win_back")
    decision = gate(lead, at(MONDAY, "10:00", "America/New_York"))
    assert (decision.code, decision.deferred) == (Reason.CONCURRENCY, True)
