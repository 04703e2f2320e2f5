"""The states' calling rules, read as the law (docs/compliance.md#state-rules): the reference's test vectors, each
row at its edges (the minute before and after every opening and closing), the 2026 banned days, daylight-saving
days, Arizona and Hawaii, a number whose area code and address disagree, and a property: no call the gate allows
breaks any rule in force.

Days come from the suite's clock (a holiday-free week from next week on, next year's holidays); only the 2026 table
and the effective dates the statutes give are fixed, as the law's own.
"""

import itertools
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from calls import legal, state_rules
from calls.compliance import GateContext, Reason, check, decide
from calls.holidays import FEDERAL, HOLIDAYS, STATE_HOLIDAYS, days_of, easter, is_holiday
from calls.models import CallingPolicy
from leads.models import Consent, Lead
from tests.clock import dst_switches, monday_of_next_week
from tests.factories import CallFactory, ConsentFactory, LeadFactory

pytestmark = pytest.mark.django_db

# One area code per state, and the zone its people keep their clocks in.
AREA = {
    "AL": ("+1205", "America/Chicago"),
    "CA": ("+1213", "America/Los_Angeles"),
    "CT": ("+1203", "America/New_York"),
    "FL": ("+1305", "America/New_York"),
    "IL": ("+1312", "America/Chicago"),
    "KY": ("+1502", "America/New_York"),
    "LA": ("+1504", "America/Chicago"),
    "MA": ("+1617", "America/New_York"),
    "MD": ("+1410", "America/New_York"),
    "ME": ("+1207", "America/New_York"),
    "MI": ("+1313", "America/Detroit"),
    "MN": ("+1612", "America/Chicago"),
    "MS": ("+1601", "America/Chicago"),
    "NE": ("+1402", "America/Chicago"),
    "NV": ("+1702", "America/Los_Angeles"),
    "NJ": ("+1201", "America/New_York"),
    "NM": ("+1505", "America/Denver"),
    "NY": ("+1212", "America/New_York"),
    "OK": ("+1405", "America/Chicago"),
    "PA": ("+1215", "America/New_York"),
    "RI": ("+1401", "America/New_York"),
    "SC": ("+1803", "America/New_York"),
    "SD": ("+1605", "America/Chicago"),
    "TX": ("+1214", "America/Chicago"),
    "UT": ("+1801", "America/Denver"),
    "VA": ("+1804", "America/New_York"),
    "WA": ("+1206", "America/Los_Angeles"),
    "WY": ("+1307", "America/Denver"),
    "GA": ("+1404", "America/New_York"),  # no rule of its own: the federal window
    "AZ": ("+1602", "America/Phoenix"),
    "HI": ("+1808", "Pacific/Honolulu"),
}


NUMBERS = itertools.count()  # 555-0100 to 555-0199: numbers reserved for fiction, valid everywhere


def person(tenant, state: str, *, zone_known=True, consent="express_written", **fields) -> Lead:
    prefix, zone = AREA[state]
    lead = LeadFactory(
        tenant=tenant,
        phone=f"{prefix}55501{next(NUMBERS) % 100:02d}",
        branch=None,
        time_zone=zone if zone_known else "",
        **fields,
    )
    ConsentFactory(tenant=tenant, lead=lead, kind=consent)
    return lead


def at(day: date, hh_mm: str, state: str) -> datetime:
    hour, minute = (int(part) for part in hh_mm.split(":"))
    return datetime.combine(day, time(hour, minute), ZoneInfo(AREA[state][1]))


def gate(lead, when, *, marketing=True):
    purpose = "lead_followup" if marketing else "appointment_reminder"
    return check(lead, purpose=purpose, is_marketing=marketing, when=when)


def test_every_state_in_the_reference_has_its_area_code_here():
    from leads import phones

    for state, (prefix, _zone) in AREA.items():
        assert phones.place_of(prefix + "5550100").region == state, state
    assert {row.region for row in state_rules.RULES} <= set(AREA)


# --- the reference's test vectors (times are the called person's) ------------------------------------------


def holiday_free_monday() -> date:
    """From the suite's clock: the first Monday from next week on whose week, and the weekend before it, hold no
    holiday of any state's list (so a vector about hours is not decided by a ban)."""
    monday = monday_of_next_week()
    lists = [*STATE_HOLIDAYS.values(), FEDERAL]
    while any(is_holiday(names, monday + timedelta(days=n)) for n in range(-2, 7) for names in lists):
        monday += timedelta(weeks=1)
    return monday


MONDAY = holiday_free_monday()
TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
SATURDAY, SUNDAY = MONDAY - timedelta(days=2), MONDAY - timedelta(days=1)  # the weekend before
NEXT_YEAR = monday_of_next_week().year + 1
LONG_AGO = MONDAY - timedelta(days=800)  # a lead this old has no business relationship left


def holiday(name: str) -> date:
    """The holiday itself (not its observed weekday) next year."""
    return HOLIDAYS[name](NEXT_YEAR)[0]


def test_v1_v2_texas_sundays_open_at_noon(scoped):
    lead = person(scoped, "TX")
    early = gate(lead, at(SUNDAY, "11:59", "TX"))
    assert (early.code, early.rule) == (Reason.CALLING_HOURS, "TX-hours")
    assert early.next_allowed_at == at(SUNDAY, "12:00", "TX")
    assert "Tex. Bus. & Com. Code 301.051" in early.detail
    assert gate(lead, at(SUNDAY, "12:00", "TX")).allowed
    assert gate(lead, at(MONDAY, "08:30", "TX")).next_allowed_at == at(MONDAY, "09:00", "TX")


def test_v3_florida_closes_at_20(scoped):
    decision = gate(person(scoped, "FL"), at(TUESDAY, "20:00", "FL"))
    assert decision.next_allowed_at == at(WEDNESDAY, "08:00", "FL")


def test_v4_a_florida_area_code_binds_a_person_whose_address_is_in_new_york(scoped):
    lead = person(scoped, "FL", zone_known=False, region="NY")
    decision = gate(lead, at(TUESDAY, "20:30", "NY"))
    assert (decision.allowed, decision.next_allowed_at) == (False, at(WEDNESDAY, "08:00", "NY"))
    assert decision.rule == "FL-hours"


def test_an_address_in_a_stricter_state_binds_a_number_from_another(scoped):
    lead = person(scoped, "NY", zone_known=False, region="CT")  # a New York number, living in Connecticut
    assert gate(lead, at(TUESDAY, "08:30", "NY")).next_allowed_at == at(TUESDAY, "09:00", "NY")


def test_v5_connecticut_opens_at_9(scoped):
    assert gate(person(scoped, "CT"), at(TUESDAY, "08:30", "CT")).next_allowed_at == at(TUESDAY, "09:00", "CT")


def test_v6_rhode_island_saturday_closes_at_17_and_sunday_is_banned(scoped):
    lead = person(scoped, "RI")
    assert gate(lead, at(SATURDAY, "16:59", "RI")).allowed
    decision = gate(lead, at(SATURDAY, "17:00", "RI"))
    assert decision.next_allowed_at == at(MONDAY, "09:00", "RI")
    assert gate(lead, at(SUNDAY, "12:00", "RI")).code == Reason.STATE_DAY_BAN
    assert gate(lead, at(MONDAY, "18:00", "RI")).next_allowed_at == at(TUESDAY, "09:00", "RI")


@pytest.mark.parametrize("state", ["LA", "MS", "AL"])
def test_v7_no_sunday_calls_in_louisiana_mississippi_alabama(scoped, state):
    decision = gate(person(scoped, state), at(SUNDAY, "10:00", state))
    assert (decision.code, decision.rule) == (Reason.STATE_DAY_BAN, f"{state}-hours")
    assert decision.next_allowed_at == at(MONDAY, "08:00", state)


def test_v8_v9_utah_bans_holidays_only_without_consent(scoped):
    pioneer_day = holiday("pioneer")
    assert (pioneer_day.month, pioneer_day.day) == (7, 24)
    assert gate(person(scoped, "UT"), at(pioneer_day, "10:00", "UT")).allowed  # consent on file lifts it
    (utah,) = state_rules.binding(["UT"], is_marketing=True, has_consent=False)
    assert utah.spans(pioneer_day) == [] and utah.spans(SUNDAY) == []
    assert state_rules.binding(["UT"], is_marketing=True, has_consent=True) == []


def test_v10_pennsylvania_election_day(scoped):
    election_day = holiday("election")
    assert election_day.weekday() == 1 and election_day.month == 11  # a Tuesday in November
    decision = gate(person(scoped, "PA"), at(election_day, "10:00", "PA"))
    day_after = election_day + timedelta(days=1)
    assert (decision.code, decision.next_allowed_at) == (Reason.STATE_DAY_BAN, at(day_after, "08:00", "PA"))


def test_v11_oklahoma_automated_calls_09_to_20(scoped):
    lead = person(scoped, "OK")
    early = gate(lead, at(TUESDAY, "08:30", "OK"))
    assert (early.code, early.next_allowed_at) == (Reason.ADAD_WINDOW, at(TUESDAY, "09:00", "OK"))
    assert gate(lead, at(TUESDAY, "20:00", "OK")).next_allowed_at == at(WEDNESDAY, "09:00", "OK")


def test_v12_california_binds_informational_ai_calls_too(scoped):
    lead = person(scoped, "CA", consent="express")
    decision = gate(lead, at(TUESDAY, "08:30", "CA"), marketing=False)
    assert (decision.code, decision.next_allowed_at) == (Reason.ADAD_WINDOW, at(TUESDAY, "09:00", "CA"))
    new_york = person(scoped, "NY", consent="express")
    assert gate(new_york, at(TUESDAY, "08:30", "NY"), marketing=False).allowed  # no such law there


def test_v13_south_carolina_automated_calls_end_at_19(scoped):
    decision = gate(person(scoped, "SC"), at(TUESDAY, "19:00", "SC"))
    assert (decision.code, decision.next_allowed_at) == (Reason.ADAD_WINDOW, at(WEDNESDAY, "08:00", "SC"))


def test_v14_maine_weekdays_9_to_17_only(scoped):
    lead = person(scoped, "ME")
    assert gate(lead, at(SATURDAY, "10:00", "ME")).next_allowed_at == at(MONDAY, "09:00", "ME")
    assert gate(lead, at(TUESDAY, "17:00", "ME")).next_allowed_at == at(WEDNESDAY, "09:00", "ME")


def test_v14b_maine_one_automated_solicitation_per_number_in_8_hours(scoped):
    lead = person(scoped, "ME")
    earlier = at(TUESDAY, "09:30", "ME")
    CallFactory(tenant=scoped, lead=lead, to_number=lead.phone, purpose="win_back", dialed_at=earlier)
    decision = gate(lead, at(TUESDAY, "13:00", "ME"))  # free at 17:30, after Maine's 17:00 close
    assert (decision.code, decision.rule) == (Reason.FREQUENCY, "ME-cap")
    assert decision.next_allowed_at == at(WEDNESDAY, "09:00", "ME")
    assert gate(lead, at(TUESDAY, "13:00", "ME"), marketing=False).allowed  # a reminder is not a solicitation


def test_v16_the_cap_counts_a_person_across_their_numbers(scoped):
    lead = person(scoped, "FL")
    old_number = lead.phone
    for hour, number in ((9, old_number), (10, old_number), (11, "+13055550188")):
        when = at(TUESDAY, f"{hour}:00", "FL")
        CallFactory(tenant=scoped, lead=lead, to_number=number, purpose="lead_followup", dialed_at=when)
    decision = gate(lead, at(TUESDAY, "12:00", "FL"))  # three calls to this person, on two numbers
    assert (decision.code, decision.next_allowed_at) == (Reason.FREQUENCY, at(WEDNESDAY, "09:00", "FL"))


def test_v15_nevada_no_second_automated_call_after_a_hang_up(scoped):
    lead = person(scoped, "NV", created_at=at(LONG_AGO, "10:00", "NV"))  # no relationship left to exempt
    assert gate(lead, at(TUESDAY, "10:00", "NV")).allowed
    CallFactory(
        tenant=scoped, lead=lead, to_number=lead.phone, purpose="lead_followup", disconnection_reason="user_hangup"
    )
    decision = gate(lead, at(TUESDAY, "10:00", "NV"))
    assert (decision.code, decision.rule, decision.deferred) == (Reason.REPEAT_AFTER_HANGUP, "NV-hangup", False)
    assert gate(lead, at(TUESDAY, "10:00", "NV"), marketing=False).code == Reason.REPEAT_AFTER_HANGUP  # every AI call
    bland = person(scoped, "NV", created_at=at(LONG_AGO, "10:00", "NV"))
    CallFactory(tenant=scoped, lead=bland, to_number=bland.phone, disconnection_reason="USER")  # Bland's call_ended_by
    assert gate(bland, at(TUESDAY, "10:00", "NV")).code == Reason.REPEAT_AFTER_HANGUP
    elsewhere = person(scoped, "NY", created_at=at(LONG_AGO, "10:00", "NY"))
    CallFactory(tenant=scoped, lead=elsewhere, to_number=elsewhere.phone, disconnection_reason="user_hangup")
    assert gate(elsewhere, at(TUESDAY, "10:00", "NY")).allowed


def test_v22_louisiana_marketing_waits_during_a_state_of_emergency(scoped):
    from calls import compliance
    from calls.models import StateEmergency

    lead = person(scoped, "LA")
    emergency = StateEmergency.objects.create(region="LA", declared_on=timezone.localdate(), source="LPSC notice")
    compliance.forget_emergencies()
    when = at(TUESDAY, "10:00", "LA")
    decision = gate(lead, when)
    assert (decision.code, decision.rule, decision.deferred) == (Reason.STATE_EMERGENCY, "LA-emergency", True)
    assert decision.next_allowed_at == when + compliance.EMERGENCY_RECHECK
    assert gate(lead, when, marketing=False).allowed  # a reminder is not a solicitation
    emergency.ended_on = timezone.localdate()  # it ends today: from today, calls go
    emergency.save()
    compliance.forget_emergencies()
    assert gate(lead, when).allowed


def test_a_state_emergency_typed_in_small_letters_or_with_an_end_still_to_come_holds(scoped):
    from calls import compliance
    from calls.models import StateEmergency

    lead = person(scoped, "LA")
    today_ = timezone.localdate()
    StateEmergency.objects.create(region="la", declared_on=today_, ended_on=today_ + timedelta(days=5), source="LPSC")
    compliance.forget_emergencies()
    assert StateEmergency.objects.get().region == "LA"
    assert gate(lead, at(TUESDAY, "10:00", "LA")).code == Reason.STATE_EMERGENCY


def test_nebraska_sundays_and_holidays_from_13(scoped):
    lead = person(scoped, "NE")
    assert gate(lead, at(SUNDAY, "12:59", "NE")).next_allowed_at == at(SUNDAY, "13:00", "NE")
    thanksgiving = holiday("thanksgiving")
    assert gate(lead, at(thanksgiving, "10:00", "NE")).next_allowed_at == at(thanksgiving, "13:00", "NE")


def test_south_dakota_automated_solicitations_on_weekdays_only(scoped):
    lead = person(scoped, "SD")
    assert gate(lead, at(SATURDAY, "12:00", "SD")).next_allowed_at == at(MONDAY, "09:00", "SD")
    assert gate(lead, at(SATURDAY, "12:00", "SD"), marketing=False).allowed  # its law is about solicitations


def test_arizona_keeps_no_summer_time_and_hawaii_its_own_clock(scoped):
    july = date(NEXT_YEAR, 7, 13)
    phoenix, honolulu = person(scoped, "AZ"), person(scoped, "HI")
    assert gate(phoenix, at(july, "07:59", "AZ")).next_allowed_at == at(july, "08:00", "AZ")
    assert at(july, "08:00", "AZ").utcoffset() == timedelta(hours=-7)  # the same offset as in January
    assert gate(honolulu, at(july, "08:00", "HI")).allowed
    assert not gate(honolulu, at(july, "21:00", "HI")).allowed


def test_texas_noon_on_the_day_summer_time_starts(scoped):
    spring_forward = dst_switches(NEXT_YEAR, "America/Chicago")[0]  # the second Sunday of March
    lead = person(scoped, "TX")
    decision = gate(lead, at(spring_forward, "11:59", "TX"))
    assert decision.next_allowed_at == at(spring_forward, "12:00", "TX")
    assert decision.next_allowed_at.utcoffset() == timedelta(hours=-5)  # CDT from 02:00 that morning


# --- every row at its edges --------------------------------------------------------------------------------

EDGE_WEEK = [MONDAY + timedelta(days=n) for n in range(7)]  # Monday to Sunday, no holiday in it


def expected_spans(state: str, day: date, *, marketing: bool) -> list[tuple[time, time]]:
    """The federal window cut by every row of the state that binds the call: the strictest wins. (The tenant's
    policy also ends every call to Florida, Oklahoma and Maryland at 20:00, informational ones too: calls.legal.)"""
    start = time(8)
    end = time(20) if state in legal.restricted_regions(CallingPolicy()) else time(21)
    for row in state_rules.binding([state], is_marketing=marketing, has_consent=True):
        spans = row.spans(day)
        if not spans:
            return []
        (row_start, row_end) = spans[0]
        start, end = max(start, row_start), min(end, row_end)
    return [(start, end)] if start < end else []


def minute(day: date, clock: time, state: str, delta: int = 0) -> datetime:
    return datetime.combine(day, clock, ZoneInfo(AREA[state][1])) + timedelta(minutes=delta)


@pytest.mark.parametrize("row", state_rules.RULES, ids=lambda row: row.id)
def test_each_row_at_the_minute_before_and_after_each_edge(scoped, row):
    marketing = row.scope == state_rules.MARKETING
    lead = person(scoped, row.region, consent="express_written" if marketing else "express")
    if row.lifted_by_consent:
        assert not row.binds(is_marketing=True, has_consent=True)
        return
    for day in EDGE_WEEK:
        spans = expected_spans(row.region, day, marketing=marketing)
        if not spans:
            decision = gate(lead, minute(day, time(12), row.region), marketing=marketing)
            assert decision.code == Reason.STATE_DAY_BAN, (day, decision)
            continue
        ((opens, closes),) = spans
        assert not gate(lead, minute(day, opens, row.region, -1), marketing=marketing).allowed, (day, opens)
        assert gate(lead, minute(day, opens, row.region), marketing=marketing).allowed, (day, opens)
        assert gate(lead, minute(day, closes, row.region, -1), marketing=marketing).allowed, (day, closes)
        assert not gate(lead, minute(day, closes, row.region), marketing=marketing).allowed, (day, closes)


def test_a_row_not_yet_in_force_does_not_bind():
    connecticut = state_rules.BY_ID["CT-hours"]
    assert connecticut.spans(date(2023, 9, 30)) == [(time(0), time(23, 59, 59, 999999))]
    assert connecticut.spans(date(2023, 10, 1)) == [(time(9), time(20))]


# --- the banned days ---------------------------------------------------------------------------------------


def days(text: str) -> set[date]:
    """ "01-19 02-16" → those days of 2026."""
    return {date(2026, int(md[:2]), int(md[3:])) for md in text.split()}


BANNED_2026 = {  # the reference's table of 2026's banned days, by state
    "AL": days("01-01 01-19 02-16 02-17 04-27 05-25 06-01 06-19 07-03 07-04 09-07 10-12 11-11 11-26 12-01 12-25"),
    "LA": days("01-01 01-19 02-17 04-03 05-25 07-03 07-04 09-07 11-26 11-27 12-25"),
    "PA": days("01-01 01-19 02-16 04-03 05-25 06-14 07-03 07-04 09-07 10-12 11-03 11-11 11-26 12-25"),
    "RI": days("01-01 01-19 02-16 05-25 06-19 07-03 07-04 08-10 09-07 10-12 11-11 11-26 12-25"),
    "UT": days("01-01 01-19 02-16 05-25 06-19 07-03 07-04 07-24 09-07 10-12 11-11 11-26 12-25"),
}


@pytest.mark.parametrize("state", sorted(BANNED_2026))
def test_the_2026_banned_days_are_the_references(state):
    computed = days_of(STATE_HOLIDAYS[state], 2026)
    # Both the day and its observed weekday are banned: Flag Day 2026 is a Sunday, so Pennsylvania's Monday too.
    observed_only = {date(2026, 6, 15)} if state == "PA" else set()
    assert computed == BANNED_2026[state] | observed_only


def test_holidays_are_rules_not_dates():
    assert easter(2027) == date(2027, 3, 28) and easter(2028) == date(2028, 4, 16)
    assert date(2027, 3, 26) in days_of(STATE_HOLIDAYS["LA"], 2027)  # Good Friday
    assert date(2027, 11, 25) in days_of(STATE_HOLIDAYS["PA"], 2027)  # Thanksgiving
    assert date(2027, 11, 2) in days_of(STATE_HOLIDAYS["PA"], 2027)  # Election Day
    assert state_rules.BY_ID["RI-hours"].spans(date(2021, 12, 31)) == []  # New Year 2022, a Saturday, observed


# --- the property: nothing the gate allows breaks a rule in force --------------------------------------------


def test_no_allowed_call_breaks_any_rule_in_force(tenant_a):
    """Thousands of (state, moment, purpose) draws over two years: whenever the gate allows a call, the federal
    window and every binding row of the person's state are open at that local moment; whenever it defers one,
    the moment it names is allowed and the minute before it is not."""
    draw = random.Random(20)
    policy, context = CallingPolicy(), None
    leads = {}
    for state in AREA:
        lead = Lead(tenant=tenant_a, phone=f"{AREA[state][0]}5550142", time_zone=AREA[state][1], pk=len(leads) + 1)
        leads[state] = lead
    consents = {lead.pk: [Consent(lead=lead, phone=lead.phone, kind="express_written")] for lead in leads.values()}
    context = GateContext(tenant_active=True, policy=policy, consents=consents)
    start = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    allowed = deferred = 0
    for _ in range(4000):
        state = draw.choice(sorted(AREA))
        marketing = draw.random() < 0.7
        when = start + timedelta(minutes=draw.randrange(2 * 365 * 24 * 60))
        lead = leads[state]
        decision = decide(lead, context, purpose="lead_followup", is_marketing=marketing, when=when)
        local = when.astimezone(ZoneInfo(lead.time_zone))
        if decision.allowed:
            allowed += 1
            assert time(8) <= local.time() < time(21), (state, local)
            assert state not in legal.RESTRICTED_REGIONS or local.time() < time(20), (state, local)
            for row in state_rules.binding([state], is_marketing=marketing, has_consent=True):
                assert any(a <= local.time() < b for a, b in row.spans(local.date())), (row.id, local)
        else:
            deferred += 1
            opens = decision.next_allowed_at
            assert decide(lead, context, purpose="lead_followup", is_marketing=marketing, when=opens).allowed
            before = opens - timedelta(minutes=1)
            assert not decide(lead, context, purpose="lead_followup", is_marketing=marketing, when=before).allowed
    assert allowed > 1000 and deferred > 1000  # both sides were drawn often


def test_the_docs_list_every_row_with_its_source_and_date():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "compliance.md").read_text(encoding="utf-8")
    for row in (*state_rules.RULES, *state_rules.CAPS, *state_rules.BANS):
        line = next((line for line in docs.splitlines() if line.startswith(f"| `{row.id}` |")), "")
        assert row.source in line and row.status in line, row.id
        assert (row.effective.isoformat() in line) or (row.effective == state_rules.LONG_AGO), row.id
