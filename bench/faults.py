"""Faults injected into the product running as production runs it, while campaigns call: the fault matrix.

The stack: a scratch PostgreSQL database, a Redis of its own (started here on a free port, so it can be
stopped without touching anyone else's), gunicorn (DEBUG=0), a Celery worker under core.supervise (as
``make run`` and a process manager run it), and beat. Each scenario starts a campaign of its own, waits until
calls are in flight, injects its fault, ends it, and waits until everything owed is settled:

- ``redis_stop``: Redis stopped (60 s; 10 s with --quick), then started again;
- ``worker_kill``: the worker killed with SIGKILL (its supervisor starts it again);
- ``db_terminate``: every database connection of the stack terminated;
- ``provider_500``, ``provider_429``, ``provider_timeout``: a Retell stand-in (bench/_fake_provider.py)
  answers create-call with 500, with 429, or not at all, for a while (30 s; 10 s with --quick).

Figures per scenario: calls placed, calls dialled twice (goal 0), calls left live past their deadline (goal
0), ended calls whose effects were never applied (goal 0), API requests that failed while the fault lasted
(a client polls the leads list with a JWT; goal: only requests in flight), and the seconds from the end of
the fault until nothing owed is left (goal under 120). The zeros are asserted: the run fails without them.

    python bench/faults.py [--quick] [--leads N]
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

from _common import BENCH_ENV, ROOT, Gunicorn, emit, free_port, setup_django
from _fake_provider import FakeRetell
from dispatch import wait_for, zone_at_midday

SETTLE_TIMEOUT = 300
DATABASE_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
QUIET = ["--without-gossip", "--without-mingle", "--without-heartbeat"]  # as docs/operations.md runs workers
PASSWORD = "fault-bench-password-1"


class Redis:
    """A redis-server of the bench's own, stopped and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, "redis-server")

    def _answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


class ApiPoller:
    """A mobile client that keeps reading the leads list; remembers when each request failed."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.results: list[tuple[float, bool]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            at = time.monotonic()
            try:
                conn = HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", "/api/v1/leads/?page_size=1", headers={"Authorization": f"Bearer {self.token}"})
                ok = conn.getresponse().status == 200
            except OSError:
                ok = False
            self.results.append((at, ok))
            self._stop.wait(0.2)

    def during(self, start: float, end: float) -> tuple[int, int]:
        window = [ok for at, ok in self.results if start <= at <= end]
        return len(window), sum(1 for ok in window if not ok)

    def close(self):
        self._stop.set()
        self._thread.join()


def start_process(args: list[str], env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def seed(leads_per_scenario: int, scenarios: list[str], fake_url: str):
    from django.contrib.auth import get_user_model

    from calls.models import CallingPolicy
    from leads.models import Consent, Lead
    from tenants.models import Membership, Tenant
    from tenants.roles import Role
    from tenants.scoping import tenant_scope
    from voice.models import ProviderAccount, Script, VoiceAgent

    tenant = Tenant.objects.create(
        name="Faults", slug="faults", vertical="gym", legal_name="Faults LLC", callback_phone="+13055550100"
    )
    user = get_user_model().objects.create_user("faults", password=PASSWORD)
    zone = zone_at_midday(datetime.now(UTC))
    with tenant_scope(tenant.pk):
        Membership.objects.create(user=user, role=Role.OWNER)
        CallingPolicy.objects.create(sunday_calls=True)
        accounts = {
            "simulator": ProviderAccount.objects.create(
                provider="simulator",
                label="Simulator",
                api_key="faults-sim",
                provider_ids={"mix": {"answered": 1}},
                concurrency_limit=500,
                caller_numbers=["+13055550100"],
            ),
            "retell": ProviderAccount.objects.create(
                provider="retell",
                label="Retell stand-in",
                api_key="faults-retell",
                provider_ids={"base_url": fake_url},
                concurrency_limit=500,
                caller_numbers=["+13055550100"],
            ),
        }
        agents = {
            name: VoiceAgent.objects.create(name=name, account=a, max_call_seconds=30) for name, a in accounts.items()
        }
        script = Script.objects.create(
            name="Follow-up",
            purpose="lead_followup",
            opening_line="Hi {lead_first_name}, this is an automated assistant calling from {business_name}.",
            prompt_template="Offer a tour to {lead_first_name}.",
        )
        groups = {}
        for index, name in enumerate(scenarios):
            leads = Lead.objects.bulk_create(
                [
                    Lead(phone=f"+1212{index + 2}{i:06d}", first_name=f"L{i}", time_zone=zone, source="import")
                    for i in range(leads_per_scenario)
                ]
            )
            Consent.objects.bulk_create(
                [Consent(lead=lead, kind="express_written", phone=lead.phone, source="import") for lead in leads]
            )
            groups[name] = [lead.pk for lead in leads]
    return tenant, agents, script, groups


def start_campaign(tenant, agent, script, lead_ids, name):
    from campaigns import services
    from campaigns.models import Campaign
    from tenants.scoping import tenant_scope

    every_day = {day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    with tenant_scope(tenant.pk):
        campaign = Campaign.objects.create(
            name=name,
            agent=agent,
            script=script,
            calling_windows=every_day,
            max_concurrent=len(lead_ids),
            audience={"kind": "leads", "lead_ids": lead_ids},
        )
        return services.start(campaign)


LIVE = ["dialing", "ringing", "in_progress"]


def in_flight(campaign) -> int:
    from calls.models import Call

    return Call.all_tenants.filter(campaign=campaign, status__in=LIVE).count()


def settled(campaign) -> bool:
    """Nothing owed: no call queued or live, no effects owed, no target claimed or due."""
    from django.db.models import Q
    from django.utils import timezone

    from calls.models import Call
    from campaigns.models import CampaignTarget

    calls = Call.all_tenants.filter(campaign=campaign)
    if calls.filter(Q(status__in=["queued", *LIVE]) | Q(effects_due_at__isnull=False)).exists():
        return False
    targets = CampaignTarget.all_tenants.filter(campaign=campaign)
    return not targets.filter(
        Q(status__in=["queued", "dialing"]) | Q(status="pending", next_attempt_at__lte=timezone.now())
    ).exists()


def figures(campaign, fake: FakeRetell | None) -> dict:
    from django.db.models import Count, Q
    from django.utils import timezone

    from calls.models import Call, CallEvent

    calls = Call.all_tenants.filter(campaign=campaign)
    dialled = calls.filter(dialed_at__isnull=False)
    per_lead = dialled.values("lead_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    orphans = CallEvent.all_tenants.filter(is_orphan=True, provider_call_id__startswith="sim_").values(
        "provider_call_id"
    )
    return {
        "calls_placed": dialled.count(),
        "double_dialled": per_lead + orphans.distinct().count() + (fake.double_dials() if fake else 0),
        "live_past_deadline": calls.filter(status__in=LIVE, due_at__lt=timezone.now()).count(),
        "effects_lost": calls.filter(status__in=["ended", "failed"])
        .filter(Q(effects_due_at__isnull=False) | ~Q(effects_done__contains=["lead"]))
        .count(),
    }


def run_scenario(name, fault_seconds, inject, restore, campaign_args, poller, fake=None) -> dict:
    print(f"faults: {name}", file=sys.stderr, flush=True)
    campaign = start_campaign(*campaign_args, name)
    with contextlib.suppress(RuntimeError):  # provider faults may keep calls from flying: inject anyway
        wait_for(lambda: in_flight(campaign) >= 3, 60, f"calls in flight ({name})")
    started = time.monotonic()
    inject()
    time.sleep(fault_seconds)
    restore()
    ended = time.monotonic()
    try:
        recovered = wait_for(lambda: settled(campaign), SETTLE_TIMEOUT, f"{name} to settle") - ended
    except RuntimeError:
        recovered = None
    requests, failed = poller.during(started, ended + 5)
    return {
        "fault_seconds": round(ended - started, 1),
        **figures(campaign, fake),
        "api_requests_during_fault": requests,
        "api_failed_during_fault": failed,
        "recovery_seconds": round(recovered, 1) if recovered is not None else None,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--leads", type=int, default=None, help="leads per scenario")
    args = parser.parse_args()
    redis_seconds = 10 if args.quick else 60
    provider_seconds = 10 if args.quick else 30
    leads = args.leads or (8 if args.quick else 20)

    redis = Redis()
    os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = redis.url
    url = setup_django()
    from django.db import connection

    from voice.clients.retell import sign

    scenarios = ["redis_stop", "worker_kill", "db_terminate", "provider_500", "provider_429", "provider_timeout"]
    env = {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": url,
        "REDIS_URL": redis.url,
        "CELERY_BROKER_URL": redis.url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    logs = Path(ROOT / "var" / "bench-faults")
    logs.mkdir(parents=True, exist_ok=True)
    bin_dir = Path(sys.executable).parent
    results, processes = {}, []
    with Gunicorn(workers=2, extra_env=env) as web:
        from voice.models import ProviderAccount

        fake = FakeRetell(sign)
        tenant, agents, script, groups = seed(leads, scenarios, fake.url)
        account = ProviderAccount.all_tenants.get(provider="retell")
        fake.deliver_to(web.port, account.webhook_path, account.api_key)
        supervised = [str(bin_dir / "python"), "-m", "core.supervise", str(bin_dir / "celery"), "-A", "config"]
        worker_log, beat_log = open(logs / "worker.log", "w"), open(logs / "beat.log", "w")  # noqa: SIM115
        worker = start_process(
            [*supervised, "worker", "--pool", "threads", "--concurrency", "4", "--loglevel", "WARNING", *QUIET],
            env,
            worker_log,
        )
        beat = start_process(
            [*supervised, "beat", "--loglevel", "WARNING", "--pidfile=", "--scheduler", DATABASE_SCHEDULER],
            env,
            beat_log,
        )
        processes += [worker, beat]
        try:
            login = HTTPConnection("127.0.0.1", web.port, timeout=10)
            body = f'{{"username": "faults", "password": "{PASSWORD}"}}'
            login.request("POST", "/api/v1/auth/login/", body, {"Content-Type": "application/json"})
            token = json.loads(login.getresponse().read())["access"]
            poller = ApiPoller(web.port, token)

            def kill_worker():
                children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout
                for pid in children.split():
                    os.kill(int(pid), signal.SIGKILL)

            def terminate_connections():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )

            def provider(mode):
                def set_mode():
                    fake.mode = mode

                return set_mode

            sim = (tenant, agents["simulator"], script)
            retell = (tenant, agents["retell"], script)
            plan = {
                "redis_stop": (redis_seconds, redis.stop, redis.start, sim, None),
                "worker_kill": (0, kill_worker, lambda: None, sim, None),
                "db_terminate": (0, terminate_connections, lambda: None, sim, None),
                "provider_500": (provider_seconds, provider("500"), provider("ok"), retell, fake),
                "provider_429": (provider_seconds, provider("429"), provider("ok"), retell, fake),
                "provider_timeout": (provider_seconds, provider("hang"), provider("ok"), retell, fake),
            }
            for name in scenarios:
                seconds, inject, restore, who, provider_fake = plan[name]
                results[name] = run_scenario(
                    name, seconds, inject, restore, (*who, groups[name]), poller, provider_fake
                )
            poller.close()
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            fake.close()
            redis.stop()

    zero = ("double_dialled", "live_past_deadline", "effects_lost")
    problems = [f"{name}: {key} = {r[key]}" for name, r in results.items() for key in zero if r[key]]
    problems += [
        f"{name}: did not settle within {SETTLE_TIMEOUT} s"
        for name, r in results.items()
        if r["recovery_seconds"] is None
    ]
    # Only a request in flight when the connections were cut may fail; none otherwise.
    problems += [
        f"{name}: {r['api_failed_during_fault']} API requests failed"
        for name, r in results.items()
        if r["api_failed_during_fault"] > (1 if name == "db_terminate" else 0)
    ]
    recovery = [r["recovery_seconds"] for r in results.values() if r["recovery_seconds"] is not None]
    emit(
        {
            "bench": "faults",
            "database": "postgresql",
            "broker": "redis (the bench's own)",
            "server": "gunicorn, 2 sync workers; celery worker (threads, 4) under core.supervise; beat",
            "leads_per_scenario": leads,
            "scenarios": results,
            "worst_recovery_seconds": max(recovery) if recovery else None,
            "baseline": "goals: 0 double dials, 0 live past deadline, 0 effects lost, only in-flight API failures,"
            " recovery < 120 s",
            "meets_goal": not problems and bool(recovery) and max(recovery) < 120,
            "problems": problems,
        }
    )
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
