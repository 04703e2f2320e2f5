"""The call page keeps itself current (calls.live): its live region is a small GET-only fragment, scoped and
checked like the page, cheap (a pinned number of queries, a bodiless 304 when nothing changed), and final once
the call has settled, so the page stops asking."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from calls.live import SETTLING
from calls.models import Call
from tenants.backends import forget_role_permissions
from tenants.roles import Role
from tests.conftest import member
from tests.factories import CallEventFactory, CallFactory

pytestmark = pytest.mark.django_db
ENDED = {
    "status": "ended",
    "outcome": "appointment_booked",
    "transcript": [{"role": "agent", "text": "Hi, this is the automated assistant.", "seconds": 0}],
    "recording_url": "https://recordings.example.test/call.wav",
    "summary": "Agreed to come in on Tuesday.",
    "duration_seconds": 74,
}


@pytest.fixture
def call(tenant_a):
    return CallFactory(tenant=tenant_a, status="queued", outcome="")


@pytest.fixture
def staff(client, owner_a):
    client.force_login(owner_a)
    return client


def live_url(call):
    return reverse("admin:calls_call_live", args=[call.pk])


def end(call, **fields):
    Call.all_tenants.filter(pk=call.pk).update(ended_at=timezone.now(), **{**ENDED, **fields})


def test_the_page_holds_the_region_and_the_etag_of_what_it_shows(staff, call):
    page = staff.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    poll = staff.get(live_url(call))
    assert poll.status_code == 200 and poll["X-Live"] == "live"
    assert f'data-live-url="{live_url(call)}"' in page
    assert f'data-live-etag="{poll["ETag"]}"' in page.replace("&quot;", '"')
    assert "/static/voice/js/live.js" in page
    assert "No conversation yet" in poll.content.decode()


def test_a_poll_after_the_call_ended_shows_the_outcome_and_the_conversation(staff, call):
    first = staff.get(live_url(call))
    end(call)
    CallEventFactory(tenant=call.tenant, call=call, event_type="call_ended")
    second = staff.get(live_url(call), HTTP_IF_NONE_MATCH=first["ETag"])
    text = second.content.decode()
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert "Appointment booked" in text and "automated assistant" in text and "Agreed to come in" in text
    assert 'src="https://recordings.example.test/call.wav"' in text and "call_ended" in text
    assert '<span data-label="Status">Ended</span>' in text  # the page's own fields follow


def test_an_unchanged_call_is_a_bodiless_304(staff, call):
    first = staff.get(live_url(call))
    again = staff.get(live_url(call), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["X-Live"] == "live"


def test_a_poll_costs_a_pinned_number_of_queries(staff, call, django_assert_max_num_queries):
    end(call)
    CallEventFactory.create_batch(3, tenant=call.tenant, call=call)
    staff.get(live_url(call))  # the session's user and memberships are cached after the first request
    # the session, its user, the call with its lead, its events
    with django_assert_max_num_queries(4):
        assert staff.get(live_url(call)).status_code == 200


def test_the_region_is_final_once_the_call_has_settled(staff, call):
    assert staff.get(live_url(call))["X-Live"] == "live"
    end(call)
    assert staff.get(live_url(call))["X-Live"] == "final"  # ended, with its conversation, recording and summary


def test_an_ended_call_without_a_conversation_is_watched_a_little_longer(staff, call):
    end(call, transcript=[], recording_url="", summary="", outcome="no_answer")
    assert staff.get(live_url(call))["X-Live"] == "live"  # a late analysis may still come
    Call.all_tenants.filter(pk=call.pk).update(ended_at=timezone.now() - SETTLING - timedelta(seconds=1))
    assert staff.get(live_url(call))["X-Live"] == "final"
    page = staff.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    assert 'data-live-final="1"' in page  # a settled call's page does not poll at all


def test_another_tenants_call_is_a_404(client, call, owner_b):
    client.force_login(owner_b)
    assert client.get(live_url(call)).status_code == 404


def test_without_the_permission_to_see_calls_the_region_is_refused_like_the_page(client, call, tenant_a):
    Group.objects.get(name=Role.VIEWER).permissions.remove(Permission.objects.get(codename="view_call"))
    forget_role_permissions()
    client.force_login(member(tenant_a, Role.VIEWER, "vera"))
    assert client.get(reverse("admin:calls_call_change", args=[call.pk])).status_code == 403
    assert client.get(live_url(call)).status_code == 403


def test_the_region_is_read_only(staff, call):
    assert staff.post(live_url(call)).status_code == 405


def test_what_was_collected_reads_in_words_on_the_persons_clock(staff, call):
    """The README walk: "Collected" showed raw keys and UTC times (``appointment_time 2026-12-07T23:30:00+00:00``,
    ``wrong_number True``), and the cost had no currency."""
    from leads.models import Lead
    from tests.clock import moment, next_weekday

    Lead.all_tenants.filter(pk=call.lead_id).update(time_zone="America/Chicago")
    day = next_weekday(1, weeks_ahead=1)  # a Tuesday, from the suite's clock
    agreed = moment(day, 17, 30, zone="America/Chicago")  # stored in UTC, as providers send it
    end(call, collected_data={"appointment_time": agreed.isoformat(), "wrong_number": False, "gym_goal": "strength"})
    Call.all_tenants.filter(pk=call.pk).update(cost="0.1005")
    text = " ".join(staff.get(live_url(call)).content.decode().split())
    assert f'Agreed time</td><td class="p-1">{day:%a %d %b %Y}, 17:30 (America/Chicago)' in text
    assert 'Wrong number</td><td class="p-1">No' in text and 'Gym goal</td><td class="p-1">strength' in text
    assert "appointment_time" not in text and "Cost: $0.10" in text


def test_a_live_call_has_no_end_whatever_an_event_says(client, tenant_a):
    """The README walk: a call in progress showed an "Ended at" in the future (its start event carried one)."""
    from tests.calls.test_webhooks import post, retell_body
    from tests.factories import ProviderAccountFactory

    account = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="retell-key-123")
    live = CallFactory(tenant=tenant_a, account=account, provider="retell", status="dialing", outcome="")
    later = int((timezone.now() + timedelta(minutes=2)).timestamp() * 1000)
    started = retell_body("call_started", live.pk, call_status="ongoing", end_timestamp=later)
    assert post(client, account, started).status_code == 200
    assert Call.all_tenants.get(pk=live.pk).status == "in_progress"
    assert Call.all_tenants.get(pk=live.pk).ended_at is None
