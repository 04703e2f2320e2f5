"""Webhook throughput: signed Retell ``call_ended`` events for distinct calls, posted to the real webhook
URL in gunicorn on PostgreSQL. Goals: at least 300 requests/s sustained on this 2-core machine, p99 under
100 ms, first with no worker, then again with a Celery worker on the same machine applying what each ended
call sets off (the lead's stage and score: the work each of these events owes). The baseline is a no-op
Django view (/healthz) in the same server.

    python bench/webhooks.py [--quick] [--seconds N]
"""

import argparse
import json
import os
import tempfile
import time

from _common import Gunicorn, emit, load, setup_django
from dispatch import start_worker

WORKER_NICE = 10  # as the documented worker units run (docs/operations.md#workers): web requests first
DRAIN_LIMIT_SECONDS = 300


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (I/O-bound: 2 per core)")
    args = parser.parse_args()
    seconds = args.seconds or (1.5 if args.quick else 10.0)
    calls_needed = 2 * int(seconds * 900) + 500  # more distinct calls than the server can take, twice
    if os.environ.get("REDIS_URL"):
        os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"]

    setup_django()
    from calls.models import Call, CallEvent
    from core import public_ids
    from leads.models import Lead
    from tenants.models import Tenant
    from tenants.scoping import tenant_scope
    from voice.clients.retell import sign
    from voice.models import ProviderAccount, VoiceAgent

    tenant = Tenant.objects.create(
        name="Bench", slug="bench", vertical="gym", legal_name="Bench LLC", callback_phone="+13055550100"
    )
    with tenant_scope(tenant.pk):
        account = ProviderAccount.objects.create(provider="retell", label="Retell", api_key="bench-retell-key")
        agent = VoiceAgent.objects.create(name="Agent", account=account)
        leads = Lead.objects.bulk_create(
            [Lead(phone=f"+1212{5000000 + i:07d}", first_name=f"L{i}") for i in range(calls_needed)]
        )
        calls = Call.objects.bulk_create(
            [
                Call(
                    lead=lead,
                    agent=agent,
                    account=account,
                    provider="retell",
                    to_number=lead.phone,
                    status="dialing",
                    provider_call_id=f"bench_{i}",
                )
                for i, lead in enumerate(leads)
            ]
        )
    bodies = []
    for call in calls:
        body = json.dumps(
            {
                "event": "call_ended",
                "call": {
                    "call_id": call.provider_call_id,
                    "call_status": "ended",
                    "disconnection_reason": "user_hangup",
                    "duration_ms": 42000,
                    "metadata": {"crm_call_id": public_ids.of(call)},
                    "transcript_object": [
                        {"role": "agent", "content": "Hi, this is an automated assistant."},
                        {"role": "user", "content": "Not now, thanks."},
                    ],
                    # The analysis in the same event: the effects are owed at once (without it, they would
                    # wait for a call_analyzed event, calls.services.ANALYSIS_WAIT, and this bench has no beat).
                    "call_analysis": {"call_summary": "Not now.", "user_sentiment": "Neutral"},
                },
            },
            separators=(",", ":"),
        ).encode()
        bodies.append((body, {"X-Retell-Signature": sign(body, account.api_key), "Content-Type": "application/json"}))

    path = account.webhook_path
    warmup, bodies = bodies[:200], bodies[200:]
    half = len(bodies) // 2
    worker_log = tempfile.TemporaryFile()  # noqa: SIM115
    with Gunicorn(workers=args.workers) as server:
        load(server.port, "/healthz", seconds=0.5, concurrency=2)  # warm up both paths
        load(server.port, path, method="POST", bodies=warmup, seconds=0.5, concurrency=2)
        hooks = load(
            server.port, path, method="POST", bodies=bodies[:half], seconds=seconds, concurrency=args.concurrency
        )
        bare = load(server.port, "/healthz", seconds=seconds, concurrency=args.concurrency)
        worker = start_worker("threads", 4, worker_log, nice=WORKER_NICE) if os.environ.get("REDIS_URL") else None
        try:
            time.sleep(3)  # the worker is up and at work on the effects the first run left owed
            busy = load(
                server.port, path, method="POST", bodies=bodies[half:], seconds=seconds, concurrency=args.concurrency
            )
            applied_now = Call.all_tenants.filter(status="ended", effects_due_at__isnull=True)
            effects_applied = applied_now.count()
            # Then the backlog drains: every ended call's effects applied (the lag a burst leaves).
            drain_started, owed = time.monotonic(), Call.all_tenants.filter(effects_due_at__isnull=False)
            while worker is not None and owed.exists() and time.monotonic() - drain_started < DRAIN_LIMIT_SECONDS:
                time.sleep(0.5)
            drain_seconds = round(time.monotonic() - drain_started, 1)
            effects_left = owed.count()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)

    warmed = CallEvent.all_tenants.filter(provider_call_id__in=[f"bench_{i}" for i in range(200)]).count()
    stored = CallEvent.all_tenants.count() - warmed
    ended = Call.all_tenants.filter(status="ended").count() - warmed
    for run in (hooks, busy):
        assert run["statuses"].get("200") == run["requests"], run["statuses"]
    assert stored == hooks["requests"] + busy["requests"] == ended, (stored, hooks["requests"], busy["requests"], ended)
    emit(
        {
            "bench": "webhooks",
            "database": "postgresql",
            "broker": "redis" if os.environ.get("REDIS_URL") else "filesystem",
            "server": f"gunicorn, {args.workers} sync workers",
            "seconds": seconds,
            "concurrency": args.concurrency,
            "webhook_rps": hooks["rps"],
            "webhook_p50_ms": hooks["p50_ms"],
            "webhook_p99_ms": hooks["p99_ms"],
            "events_stored": stored,
            "with_worker_rps": busy["rps"],
            "with_worker_p99_ms": busy["p99_ms"],
            "with_worker_effects_applied": effects_applied if worker else None,
            "effects_drain_seconds": drain_seconds if worker else None,
            "effects_left_after_drain": effects_left if worker else None,
            "worker_nice": WORKER_NICE,
            "baseline": "no-op Django JSON view (/healthz) in the same server",
            "noop_rps": bare["rps"],
            "ratio": round(hooks["rps"] / bare["rps"], 3) if bare["rps"] else None,
            "goal_rps_at_least": 300,
            "goal_p99_ms_under": 100,
            "meets_goal": all(run["rps"] >= 300 and (run["p99_ms"] or 1e9) < 100 for run in (hooks, busy))
            and not (worker and effects_left),
        }
    )


if __name__ == "__main__":
    main()
