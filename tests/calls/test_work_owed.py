"""The work owed on calls lives in their rows (calls.work): a lost wake-up, a failing effect or a dead
worker delays it, never loses it."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from calls import work
from calls.models import Call
from calls.tasks import apply_call_effects, sweep_calls
from leads.models import Lead
from tests.calls.test_webhooks import post, retell_body

pytestmark = pytest.mark.django_db


def end(client, account, call):
    """A conversation ends, and its analysis comes (Retell sends them as two events): its effects are owed."""
    body = retell_body("call_ended", call.pk, disconnection_reason="user_hangup", duration_ms=30000)
    post(client, account, body)
    analysis = {"call_summary": "They will think about it."}
    body = retell_body("call_analyzed", call.pk, disconnection_reason="user_hangup", call_analysis=analysis)
    return post(client, account, body)


def test_the_end_of_a_call_is_stored_with_its_effects_owed_even_if_no_worker_is_woken(
    client, account, dialing_call, django_capture_on_commit_callbacks
):
    with mock.patch.object(work, "wake_effects") as wake, django_capture_on_commit_callbacks(execute=True):
        response = end(client, account, dialing_call)  # the broker is gone: the wake-ups go nowhere
    assert response.status_code == 200 and response.json()["new"] == 1
    assert wake.call_count == 2
    call = Call.all_tenants.get(pk=dialing_call.pk)
    assert call.status == "ended" and call.effects_due_at is not None and call.effects_done == []
    assert Lead.all_tenants.get(pk=call.lead_id).stage == "new"
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_calls() == {"effects_due": 1}  # beat finds what is owed and wakes a worker (inline here)
    call.refresh_from_db()
    assert call.effects_due_at is None and "lead" in call.effects_done
    assert Lead.all_tenants.get(pk=call.lead_id).stage == "contacted"


def test_effects_that_fail_stay_owed_and_are_applied_after_the_lease(
    client, account, dialing_call, django_capture_on_commit_callbacks, caplog
):
    with mock.patch.object(work, "wake_effects"), django_capture_on_commit_callbacks(execute=True):
        end(client, account, dialing_call)
    from calls import services

    def half_applied(call):
        services._effect_once(call, "lead")  # one effect claimed and written...
        raise RuntimeError("the database blinked")  # ...then the rest fails

    with (
        mock.patch("calls.services.after_call", side_effect=half_applied),
        caplog.at_level(logging.ERROR, logger="calls.work"),
    ):
        assert apply_call_effects(tenant_id=dialing_call.tenant_id) == 0
    assert "the database blinked" in caplog.text
    call = Call.all_tenants.get(pk=dialing_call.pk)
    assert call.effects_done == []  # nothing half-applied: the claim and the effects roll back together
    assert call.effects_due_at > timezone.now()  # leased: not before the lease ends
    assert apply_call_effects(tenant_id=call.tenant_id) == 0
    with time_machine.travel(call.effects_due_at + timedelta(seconds=1)):
        assert apply_call_effects(tenant_id=call.tenant_id) == 1
    call.refresh_from_db()
    assert call.effects_due_at is None and "lead" in call.effects_done


def test_an_analysis_arriving_while_effects_run_is_owed_again(client, account, dialing_call):
    from calls import services

    end(client, account, dialing_call)  # on_commit not run: no worker woken
    real_after_call = services.after_call

    def analysis_arrives(call):
        real_after_call(call)
        Call.all_tenants.filter(pk=call.pk).update(effects_due_at=timezone.now())  # what _apply does

    with mock.patch("calls.services.after_call", side_effect=analysis_arrives):
        assert apply_call_effects(tenant_id=dialing_call.tenant_id) == 1
    assert Call.all_tenants.get(pk=dialing_call.pk).effects_due_at is not None  # the next claim applies it
    assert apply_call_effects(tenant_id=dialing_call.tenant_id) == 1
    assert Call.all_tenants.get(pk=dialing_call.pk).effects_due_at is None


def test_the_sweeper_owes_nothing_for_calls_that_owe_nothing(tenant_a, dialing_call):
    Call.all_tenants.filter(pk=dialing_call.pk).update(due_at=timezone.now() + timedelta(minutes=5))
    assert sweep_calls() == {}


def test_a_hanging_provider_holds_only_its_own_accounts_dials(tenant_a, account, lead):
    from tests.factories import CallFactory, ProviderAccountFactory

    other = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="other")
    now = timezone.now()
    for _ in range(work.SENDING_PER_ACCOUNT):  # requests to the hanging provider, not answered yet
        CallFactory(tenant=tenant_a, account=account, status="dialing", provider_call_id="", dialed_at=now)
    waiting = CallFactory(tenant=tenant_a, account=account, status="queued", due_at=now)
    ready = CallFactory(tenant=tenant_a, account=other, status="queued", due_at=now)
    from tenants.scoping import tenant_scope

    with tenant_scope(tenant_a.pk):
        assert list(work._claimable_dials().values_list("pk", flat=True)) == [ready.pk]
        with time_machine.travel(now + work.SENDING_WINDOW + timedelta(seconds=1)):
            assert set(work._claimable_dials().values_list("pk", flat=True)) == {ready.pk, waiting.pk}


def test_a_call_whose_create_request_timed_out_is_a_success_once_the_provider_speaks_of_it(
    client, account, dialing_call
):
    now = timezone.now()
    Call.all_tenants.filter(pk=dialing_call.pk).update(
        error_category="uncertain", dialed_at=now, due_at=now + work.UNCERTAIN_DEADLINE
    )
    body = retell_body("call_started", dialing_call.pk, call_status="ongoing")
    assert post(client, account, body).status_code == 200
    call = Call.all_tenants.get(pk=dialing_call.pk)
    assert (call.status, call.error_category) == ("in_progress", "")  # not a provider failure any more
    assert call.due_at == now + work.live_deadline(dialing_call.agent.max_call_seconds)


@pytest.fixture
def overdue_retell_call(tenant_a, lead, provider_server):
    from tests.factories import CallFactory, ProviderAccountFactory

    retell = ProviderAccountFactory(
        tenant=tenant_a, provider="retell", api_key="rk", provider_ids={"base_url": provider_server.url}
    )
    now = timezone.now()
    return CallFactory(
        tenant=tenant_a,
        lead=lead,
        account=retell,
        provider="retell",
        provider_call_id="call_abc",
        status="in_progress",
        outcome="",
        dialed_at=now - timedelta(minutes=20),
        due_at=now - timedelta(seconds=1),
    )


def test_an_overdue_call_the_provider_knows_ended_is_settled_with_what_it_says(
    overdue_retell_call, provider_server, django_capture_on_commit_callbacks
):
    provider_server.answer(
        200,
        {
            "call_id": "call_abc",
            "call_status": "ended",
            "disconnection_reason": "user_hangup",
            "duration_ms": 61000,
            "metadata": {"crm_call_id": str(overdue_retell_call.pk)},
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_calls() == {"settled": 1}
    assert [r["path"] for r in provider_server.requests] == ["/v2/get-call/call_abc"]  # the SDK's call.retrieve
    call = Call.all_tenants.get(pk=overdue_retell_call.pk)
    assert (call.status, call.outcome, call.duration_seconds, call.error_category) == ("ended", "answered", 61, "")
    assert call.effects_done == []  # its analysis may still come: the effects wait for it, not for ever
    with time_machine.travel(call.effects_due_at + timedelta(seconds=1)):
        assert apply_call_effects(tenant_id=call.tenant_id) == 1
    assert "lead" in Call.all_tenants.get(pk=call.pk).effects_done


def test_an_overdue_call_the_provider_says_is_still_going_gets_more_time(overdue_retell_call, provider_server):
    provider_server.answer(200, {"call_id": "call_abc", "call_status": "ongoing"})
    assert sweep_calls() == {"settled": 1}
    call = Call.all_tenants.get(pk=overdue_retell_call.pk)
    assert call.status == "in_progress" and call.due_at > timezone.now()


@pytest.mark.parametrize("answer", [(404, {"message": "not found"}), (500, {"message": "down"})])
def test_an_overdue_call_the_provider_cannot_tell_about_ends_as_no_word(overdue_retell_call, provider_server, answer):
    from voice.clients import http

    with mock.patch.object(http, "BACKOFF_SECONDS", 0.0):
        provider_server.answer(*answer)
        assert sweep_calls() == {"settled": 1}
    call = Call.all_tenants.get(pk=overdue_retell_call.pk)
    assert (call.status, call.error_category) == ("failed", "no_word_from_provider")


def test_a_call_that_fails_to_settle_does_not_hold_up_the_others(tenant_a, tenant_b, caplog):
    from calls import services
    from tests.factories import CallFactory

    past = timezone.now() - timedelta(seconds=1)
    broken = CallFactory(tenant=tenant_a, status="dialing", outcome="", due_at=past)
    fine = CallFactory(tenant=tenant_b, status="dialing", outcome="", due_at=past)
    real_end = services.end_unheard

    def end(call, category):
        if call.pk == broken.pk:
            raise RuntimeError("a receiver is broken")
        return real_end(call, category)

    with mock.patch("calls.services.end_unheard", side_effect=end), caplog.at_level(logging.ERROR):
        assert sweep_calls() == {"settled": 1}
    assert Call.all_tenants.get(pk=fine.pk).status == "failed"
    stuck = Call.all_tenants.get(pk=broken.pk)
    assert stuck.status == "dialing" and stuck.due_at > timezone.now()  # leased: tried again later
    assert "a receiver is broken" in caplog.text


def test_a_dial_that_raises_before_the_provider_is_asked_fails_the_call_once(tenant_a, lead, caplog):
    from calls.decisions import ALLOWED
    from tenants.scoping import tenant_scope
    from tests.factories import CallFactory

    call = CallFactory(tenant=tenant_a, lead=lead, status="queued", outcome="", due_at=timezone.now())
    with (
        mock.patch("calls.services.compliance.check", return_value=ALLOWED),  # whatever the hour the suite runs
        mock.patch("calls.services.prompting.render", side_effect=KeyError("lead_nickname")),
        tenant_scope(tenant_a.pk),
    ):
        assert work.dial_due() == 1
        assert work.dial_due() == 0  # failed with the reason, not claimed again and again
    call = Call.all_tenants.get(pk=call.pk)
    assert (call.status, call.error_category) == ("failed", "invalid_request")
    assert "KeyError" in call.error_message and "lead" in call.effects_done
