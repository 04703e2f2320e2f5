"""What live pages cost (core.live): each live region's fragment, polled every few seconds, on PostgreSQL
(+ Redis when ``REDIS_URL`` is set).

A tenant with a campaign of 5,000 targets (3,000 called), a call in progress with its conversation so far,
fifteen calls that need a person and a running import. For each region (the call page, the campaign page,
the dashboard's "Needs a person", the import page): the server time of a poll that finds something new
(200, the region's HTML) and of one that finds nothing new (304, no body), its queries and bytes, against
the baseline of reloading the whole page (what the import page did every two seconds, and what staff did by
hand elsewhere). Then gunicorn's sync workers under idle polls of the call page: how many open pages one
worker carries at a poll every 3 s.

Goal: an open page costs a sync worker at most 1% of its time, so one worker carries at least 100 open
pages: the costliest region's idle poll takes at most 30 ms of server time every 3 s. The open pages per
worker are worked out from the server time measured in the process (a worker is busy for exactly that long
per poll); gunicorn's own rate under idle polls is printed beside it, and is the lower figure wherever the
load generator shares the machine's cores with the server.

    python bench/live.py [--quick] [--seconds N] [--workers N]
"""

import argparse
import os
import random
import time
from datetime import timedelta

from _common import Gunicorn, emit, load, median_ms, setup_django

POLL_SECONDS = 3  # static/voice/js/live.js's default period
GOAL_PAGES_PER_WORKER = 100


def seed(targets: int):
    from django.utils import timezone

    from calls.models import Call, CallEvent
    from campaigns.models import Campaign, CampaignTarget
    from leads.models import Lead, LeadImport
    from tenants.models import Membership, Tenant, User
    from tenants.scoping import tenant_scope
    from voice.models import ProviderAccount, Script, VoiceAgent

    rng = random.Random(7)
    now = timezone.now()
    tenant = Tenant.objects.create(
        name="Bench Gym", slug="bench-gym", vertical="gym", legal_name="Bench Gym LLC", callback_phone="+13055550100"
    )
    user = User.objects.create_user("bench", "bench@example.test", "bench-pass-123", is_staff=True)
    with tenant_scope(tenant.pk):
        Membership.objects.create(user=user, role="owner")
        account = ProviderAccount.objects.create(provider="simulator", label="Simulator", api_key="bench")
        agent = VoiceAgent.objects.create(name="Front desk", account=account)
        script = Script.objects.create(name="Follow-up", purpose="lead_followup", prompt_template="Follow up.")
        leads = Lead.objects.bulk_create(
            [Lead(phone=f"+1212555{i:04d}", first_name=f"Lead{i}", source="import") for i in range(targets)],
            batch_size=2000,
        )
        campaign = Campaign.objects.create(
            name="Book a tour", agent=agent, script=script, audience={"kind": "filter"}, status="running"
        )
        statuses = ["done"] * 6 + ["skipped"] + ["pending"] * 3
        rows = CampaignTarget.objects.bulk_create(
            [
                CampaignTarget(
                    campaign=campaign,
                    lead=lead,
                    status=(status := rng.choice(statuses)),
                    skip_reason="no_consent" if status == "skipped" else "",
                    attempts=1 if status == "done" else 0,
                )
                for lead in leads
            ],
            batch_size=2000,
        )
        outcomes = ["answered", "voicemail", "no_answer", "appointment_booked", "not_interested"]
        Call.objects.bulk_create(
            [
                Call(
                    lead_id=target.lead_id,
                    agent=agent,
                    script=script,
                    account=account,
                    campaign=campaign,
                    campaign_target=target,
                    provider="simulator",
                    to_number=f"+1212555{index:04d}",
                    status="ended",
                    outcome=rng.choice(outcomes),
                    needs_attention=index < 15,
                    attention_reason="Asked for a manager" if index < 15 else "",
                    dialed_at=now - timedelta(minutes=5),
                    ended_at=now - timedelta(minutes=4),
                    duration_seconds=60,
                )
                for index, target in enumerate(t for t in rows if t.status == "done")
            ],
            batch_size=2000,
        )
        turns = [
            {"role": ("agent", "user")[i % 2], "text": f"Turn {i} of the conversation.", "seconds": i * 4}
            for i in range(24)
        ]
        watched = Call.objects.create(
            lead=leads[0],
            agent=agent,
            script=script,
            account=account,
            provider="simulator",
            to_number=leads[0].phone,
            status="in_progress",
            dialed_at=now,
            started_at=now,
            transcript=turns,
        )
        CallEvent.objects.bulk_create(
            [
                CallEvent(call=watched, provider="simulator", provider_call_id="sim_1", event_type=kind, payload={})
                for kind in ("call_queued", "call_ringing", "call_started", "transcript_update")
            ]
        )
        running = LeadImport.objects.create(
            original_name="leads.csv",
            status="running",
            bytes_total=1_000_000,
            bytes_read=400_000,
            rows_read=4000,
            created_count=3900,
            error_count=50,
            errors=[
                {"row": i, "column": "phone", "value": "12", "reason": "Too short", "level": "error"} for i in range(50)
            ],
        )
    return user, {"call": watched, "campaign": campaign, "import": running}


def pages(objects) -> dict:
    """Each region: (its fragment's URL, the page it lives in)."""
    from django.urls import reverse

    call, campaign, running = objects["call"], objects["campaign"], objects["import"]
    return {
        "call": (reverse("admin:calls_call_live", args=[call.pk]), reverse("admin:calls_call_change", args=[call.pk])),
        "campaign": (
            reverse("admin:campaigns_campaign_live", args=[campaign.pk]),
            reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        ),
        "needs_a_person": (reverse("admin:dashboard_needs_attention"), reverse("admin:index")),
        "import": (
            reverse("admin:leads_leadimport_live", args=[running.pk]),
            reverse("admin:leads_leadimport_change", args=[running.pk]),
        ),
    }


def measure(client, fragment: str, page: str, runs: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    first = client.get(fragment)
    assert first.status_code == 200, (fragment, first.status_code)
    etag = first["ETag"]
    assert client.get(fragment, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(page).status_code == 200, page
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(fragment, HTTP_IF_NONE_MATCH=etag)
    query_count = len(queries)  # now: the list is read from the connection's log, which the next request clears
    changed_ms = median_ms(lambda: client.get(fragment), runs)
    idle_ms = median_ms(lambda: client.get(fragment, HTTP_IF_NONE_MATCH=etag), runs)
    reload_ms = median_ms(lambda: client.get(page), max(3, runs // 4))
    started = time.process_time()  # this process's CPU alone: what the poll costs whatever else the cores run
    for _ in range(runs):
        client.get(fragment, HTTP_IF_NONE_MATCH=etag)
    idle_cpu_ms = round((time.process_time() - started) * 1000 / runs, 2)
    return {
        "changed_200_ms": changed_ms,
        "idle_304_ms": idle_ms,
        "idle_304_cpu_ms": idle_cpu_ms,
        "page_reload_ms": reload_ms,
        "idle_share_of_reload": round(idle_ms / reload_ms, 3),
        "queries": query_count,
        "bytes_200": len(first.content),
        "bytes_reload": len(client.get(page).content),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="short run for CI")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2 per core, as deployed)")
    args = parser.parse_args()
    targets = 500 if args.quick else 5000
    runs = 15 if args.quick else 100
    seconds = args.seconds or (1.5 if args.quick else 8.0)

    setup_django()
    from django.db import connection
    from django.test import Client

    user, objects = seed(targets)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have, after the bulk inserts
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    regions = {name: measure(client, *urls, runs) for name, urls in pages(objects).items()}

    fragment = pages(objects)["call"][0]
    etag = client.get(fragment)["ETag"]
    headers = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    with Gunicorn(workers=args.workers) as server:
        load(server.port, fragment, headers=headers, seconds=0.5, concurrency=2)  # warm up
        idle = load(server.port, fragment, headers={**headers, "If-None-Match": etag}, seconds=seconds, concurrency=4)
        changed = load(server.port, fragment, headers=headers, seconds=seconds, concurrency=4)
    assert idle["statuses"] == {"304": idle["requests"]}, idle["statuses"]
    assert changed["statuses"] == {"200": changed["requests"]}, changed["statuses"]
    costliest = max(r["idle_304_ms"] for r in regions.values())
    pages_per_worker = int(POLL_SECONDS * 1000 // costliest)
    emit(
        {
            "bench": "live",
            "database": "postgresql",
            "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
            "campaign_targets": targets,
            "poll_every_seconds": POLL_SECONDS,
            "regions": regions,
            "costliest_idle_304_ms": costliest,
            "open_pages_per_worker": pages_per_worker,
            "server": f"gunicorn, {args.workers} sync workers",
            "gunicorn_call_idle_304_rps": idle["rps"],
            "gunicorn_call_idle_304_p50_ms": idle["p50_ms"],
            "gunicorn_call_changed_200_rps": changed["rps"],
            "gunicorn_call_changed_200_p50_ms": changed["p50_ms"],
            "gunicorn_open_pages_per_worker": round(idle["rps"] / args.workers * POLL_SECONDS),
            "baseline": "reloading the whole page (page_reload_ms, bytes_reload): the import page's old <meta refresh>"
            " every 2 s, or staff pressing F5",
            "goal_open_pages_per_worker_at_least": GOAL_PAGES_PER_WORKER,
            "meets_goal": pages_per_worker >= GOAL_PAGES_PER_WORKER,
        }
    )


if __name__ == "__main__":
    main()
