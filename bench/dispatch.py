"""The dialer's throughput: 10,000 due campaign targets over 3 tenants, on PostgreSQL, Redis as broker, and a
real Celery worker; the provider call is the simulator in silent mode (it takes the call and returns at once).

Figures: the dispatcher's rate (targets claimed, gated and turned into queued calls, due now, with dialers
woken; goal ≥ 200/s), the time until every call is dialled (claimed from its row by the workers and dialing at
the "provider"), the queries per claimed batch (flat in the batch count), and the ratio of the dial rate to a
no-op Celery task's on the same broker and worker (one message per call, the way dials went before they were
claimed from rows).

    python bench/dispatch.py [--quick] [--targets N] [--pool prefork|threads] [--concurrency N]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

from _common import BENCH_ENV, ROOT, emit, setup_django

REDIS_DB = 14  # a Redis database of its own, flushed at the start


def start_worker(pool: str, concurrency: int, log, nice: int = 0) -> subprocess.Popen:
    """A Celery worker of every queue; ``nice`` lowers its CPU priority as docs/operations.md's units do."""
    env = {**os.environ, **BENCH_ENV, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
    return subprocess.Popen(
        [
            *(["nice", "-n", str(nice)] if nice else []),
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "--include",
            "_celery_noop",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def wait_for(predicate, timeout: float, what: str) -> float:
    """Poll until ``predicate()`` holds; returns the moment it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def zone_at_midday(now: datetime) -> str:
    """A fixed-offset zone where it is about noon now, so the legal calling hours are open whatever the hour."""
    offset = 12 - now.hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-3 is UTC+3


def seed(total: int, tenants: int = 3):
    from calls.models import CallingPolicy
    from campaigns import services as campaign_services
    from campaigns.models import Campaign
    from leads.models import Consent, Lead
    from tenants.models import Tenant
    from tenants.scoping import tenant_scope
    from voice.models import ProviderAccount, Script, VoiceAgent

    zone = zone_at_midday(datetime.now(UTC))
    every_day = {day: [["08:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    campaigns = []
    for index in range(tenants):
        tenant = Tenant.objects.create(
            name=f"Bench {index}",
            slug=f"bench-{index}",
            vertical="dealership",
            legal_name=f"Bench {index} LLC",
            callback_phone="+13055550100",
        )
        share = total // tenants + (1 if index < total % tenants else 0)
        with tenant_scope(tenant.pk):
            CallingPolicy.objects.create(sunday_calls=True)
            account = ProviderAccount.objects.create(
                provider="simulator",
                label="Silent simulator",
                api_key="bench",
                provider_ids={"silent": True},
                concurrency_limit=30000,
                caller_numbers=["+13055550100"],
            )
            agent = VoiceAgent.objects.create(name="Agent", account=account)
            script = Script.objects.create(
                name="Service",
                purpose="service_reminder",
                opening_line="Hi {lead_first_name}, this is an automated assistant calling from {business_name}.",
                prompt_template="Remind {lead_first_name} about service.",
            )
            leads = Lead.objects.bulk_create(
                [
                    Lead(phone=f"+1212{5 + index}{i:06d}", first_name=f"L{i}", time_zone=zone, source="import")
                    for i in range(share)
                ],
                batch_size=2000,
            )
            Consent.objects.bulk_create(
                [Consent(lead=lead, kind="express", phone=lead.phone, source="import") for lead in leads],
                batch_size=2000,
            )
            campaign = Campaign.objects.create(
                name="Bench",
                agent=agent,
                script=script,
                calling_windows=every_day,
                max_concurrent=30000,
                audience={"kind": "filter"},
            )
            with mock.patch.object(campaign_services, "_dispatch_soon"):  # the tick below is what is measured
                campaign_services.start(campaign)
            campaigns.append(campaign)
    return campaigns


def noop_rate(n: int, timeout: float) -> float:
    import redis

    from config.celery import app

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete("bench:noop")
    started = time.monotonic()
    for _ in range(n):
        app.send_task("bench.noop", args=["bench:noop"])
    done = wait_for(lambda: int(client.get("bench:noop") or 0) >= n, timeout, "the no-op tasks")
    return n / (done - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--targets", type=int, default=None)
    parser.add_argument("--pool", default="prefork", choices=["prefork", "threads"])
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes (or threads)")
    args = parser.parse_args()
    total = args.targets or (600 if args.quick else 10_000)
    timeout = 120 if args.quick else 900

    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    os.environ["REDIS_URL"] = base.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"]
    setup_django()
    import redis
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calls.models import Call
    from campaigns import dispatch

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    seed(total)

    batches = 0
    claim_batch = dispatch.claim_batch

    def counted(*a, **kw):
        nonlocal batches
        report = claim_batch(*a, **kw)
        batches += 1 if report.get("claimed") else 0
        return report

    dispatch.claim_batch = counted
    worker_log = tempfile.TemporaryFile()  # noqa: SIM115 (read back if the run fails)
    worker = start_worker(args.pool, args.concurrency, worker_log)
    try:
        noop_per_second = noop_rate(min(total, 5000), timeout)  # also waits until the worker is up
        dialing = Call.all_tenants.filter(status="dialing")
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            report = dispatch.dispatch_due()
        dispatched = time.monotonic()
        assert report["queued"] == total, dict(report)
        all_dialing = wait_for(lambda: dialing.count() >= total, timeout, "every call dialled")
    except BaseException:
        worker_log.seek(0)
        sys.stderr.write(worker_log.read().decode(errors="replace")[-5000:])
        raise
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        worker_log.close()

    assert Call.all_tenants.count() == total  # one call per target, none twice
    dialled_per_second = total / (all_dialing - started)
    dispatch_seconds = dispatched - started
    emit(
        {
            "bench": "dispatch",
            "database": "postgresql",
            "broker": "redis",
            "worker": f"celery, {args.pool} pool, concurrency {args.concurrency}",
            "targets": total,
            "tenants": 3,
            "dispatch_seconds": round(dispatch_seconds, 2),
            "dispatch_per_second": round(total / dispatch_seconds, 1),
            "all_dialled_seconds": round(all_dialing - started, 2),
            "dialled_per_second": round(dialled_per_second, 1),
            "claimed_batches": batches,
            "batch_size": dispatch.CLAIM_BATCH,
            "queries_per_batch": round(len(queries) / batches, 1) if batches else None,
            "baseline": "a no-op Celery task on the same broker and worker",
            "noop_per_second": round(noop_per_second, 1),
            "ratio_dialled_to_noop": round(dialled_per_second / noop_per_second, 3),
            "goal_dispatch_per_second_at_least": 200,
            "meets_goal": total / dispatch_seconds >= 200,
        }
    )


if __name__ == "__main__":
    main()
