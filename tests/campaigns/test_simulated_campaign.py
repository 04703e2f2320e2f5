"""End to end on the simulator: a campaign over 50 demo leads, run by beat ticks and (eager) workers.

Every piece is the real one: the Celery tasks of beat (dispatch_due, sweep, sweep_calls), the dials and
effects claimed from the call rows, the simulator's owed events delivered as signed webhooks through the
webhook handler, the compliance gate, outcomes, retries and follow-ups.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command

from calls.models import Call
from calls.tasks import sweep_calls
from campaigns import services, tasks
from campaigns.models import Campaign, CampaignTarget, FollowUpRule
from leads.models import Lead
from tenants.models import Tenant
from tenants.scoping import tenant_scope
from voice.models import ProviderAccount, Script, VoiceAgent

pytestmark = pytest.mark.django_db


def test_a_campaign_over_fifty_demo_leads(clock, django_capture_on_commit_callbacks):
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    gym = Tenant.objects.get(slug="iron-temple")
    with tenant_scope(gym.pk):
        Lead.objects.filter(stage__in=["new", "contacted"]).update(stage="lost", lost_reason="seeded away")
        fifty = list(Lead.objects.order_by("pk").values_list("pk", flat=True)[:50])
        Lead.objects.filter(pk__in=fifty).update(stage="contacted", lost_reason="")
        ProviderAccount.objects.filter(provider="simulator").update(provider_ids={"seed": 7})
        agent = VoiceAgent.objects.get(account__provider="simulator")
        script = Script.objects.get(name="New lead follow-up")
        first = Campaign.objects.create(
            name="Fifty",
            agent=agent,
            script=script,
            audience={"kind": "filter", "stages": ["contacted"]},
            retry_minutes={"no_answer": [30], "busy": [30], "failed": [30]},
            max_concurrent=10,
        )
        second = Campaign.objects.create(name="Second try", agent=agent, script=script, audience={"kind": "follow_ups"})
        FollowUpRule.objects.create(
            source_campaign=first,
            target_campaign=second,
            outcomes=["voicemail", "callback_requested"],
            delay_minutes=60,
        )
        services.start(second)
        services.start(first)

    open_targets = CampaignTarget.all_tenants.filter(campaign=first, status__in=["pending", "queued", "dialing"])
    ticks = 0
    while open_targets.exists() and ticks < 400:  # beat ticks 20 minutes apart, nights and retries included
        with django_capture_on_commit_callbacks(execute=True):
            tasks.dispatch_due.delay()
            tasks.sweep.delay()
            sweep_calls.delay()
        clock.shift(timedelta(minutes=20))
        ticks += 1

    targets = CampaignTarget.all_tenants.filter(campaign=first)
    assert targets.count() == 50
    statuses = Counter(targets.values_list("status", flat=True))
    assert set(statuses) <= {"done", "skipped", "failed"}  # nobody left waiting, queued or dialing
    skipped = Counter(targets.filter(status="skipped").values_list("skip_reason", flat=True))
    assert set(skipped) <= {"no_consent", "dnc", "opt_out"}
    calls = Call.all_tenants.filter(campaign=first)
    assert not calls.filter(status="canceled").exists(), list(
        calls.filter(status="canceled").values_list("compliance_code", "error_message", "created_at", "dialed_at")
    )
    per_target = Counter(calls.values_list("campaign_target_id", flat=True))
    assert max(per_target.values()) <= first.max_attempts
    assert any(n > 1 for n in per_target.values()), "some no-answer was retried"
    outcomes = Counter(calls.values_list("outcome", flat=True))
    assert outcomes["no_answer"] + outcomes["busy"] > 0 and outcomes["appointment_booked"] > 0
    assert "" not in outcomes, "every call ended with an outcome"
    assert calls.filter(status__in=["queued", "dialing", "ringing", "in_progress"]).count() == 0

    sent_on = set(calls.filter(outcome__in=["voicemail", "callback_requested"]).values_list("lead_id", flat=True))
    followed_up = set(CampaignTarget.all_tenants.filter(campaign=second).values_list("lead_id", flat=True))
    assert sent_on and followed_up == sent_on
    assert Call.all_tenants.filter(campaign=second).count() > 0  # the follow-ups were called too
    assert Campaign.all_tenants.get(pk=first.pk).status == "completed"
    assert Campaign.all_tenants.get(pk=second.pk).status == "running"  # fed by its rule: it waits for more
