"""The compliance gate at scale: a batch of leads spread over every state and zone, gated the way the dialer gates
them (calls.compliance.check_many), on PostgreSQL.

10,000 leads (``--quick``: 2,000), each with a number from a random US area code, a third with an address in
another state (so two states' rules bind them), most with written consent, some on the do-not-call list, some
called in the last 24 hours. They are gated in batches of 1,000 at moments that exercise the state rules (a
weekday morning, a Sunday, an evening, a holiday), with a national do-not-call registry of 10 million numbers
(``--quick``: 200,000) imported first from a flat file, the way a registered seller imports its download
(leads.registries), so every batch looks its numbers up in it. Figures: the import's time (goal: 10 million in
under 2 minutes), milliseconds per batch of 1,000 (goal: under 1,000) and queries per batch (goal: the same
for every batch, whatever its size).

    python bench/compliance.py [--quick] [--leads N] [--registry N]
"""

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from _common import emit, setup_django

BATCH = 1000
GOAL_MS_PER_BATCH = 1000
GOAL_IMPORT_S_PER_10M = 120


def area_codes_by_state() -> dict[str, list[str]]:
    from leads import phones

    found: dict[str, list[str]] = {}
    for code in range(201, 990):
        place = phones.place_of(f"+1{code}5550100")
        if place.region:
            found.setdefault(place.region, []).append(str(code))
    return found


def make_leads(count: int):
    from calls.models import Call
    from leads.models import Consent, DoNotCall, Lead
    from tenants.models import Tenant

    tenant = Tenant.objects.create(
        name="Bench Gate", slug="bench-gate", legal_name="Bench Gate LLC", callback_phone="+13055550100"
    )
    codes = area_codes_by_state()
    states = sorted(codes)
    draw = random.Random(7)
    leads = []
    for index in range(count):
        state = draw.choice(states)
        leads.append(
            Lead(
                tenant=tenant,
                first_name="Gate",
                last_name=str(index),
                phone=f"+1{draw.choice(codes[state])}{2000000 + index:07d}",
                region=draw.choice(states) if index % 3 == 0 else "",
            )
        )
    Lead.all_tenants.bulk_create(leads, batch_size=2000)
    Consent.all_tenants.bulk_create(
        [
            Consent(tenant=tenant, lead=lead, phone=lead.phone, kind="express_written", source="form")
            for i, lead in enumerate(leads)
            if i % 10
        ],
        batch_size=2000,
    )
    DoNotCall.all_tenants.bulk_create(
        [DoNotCall(tenant=tenant, phone=lead.phone) for i, lead in enumerate(leads) if i % 50 == 7]
    )
    now = datetime.now(UTC)
    Call.all_tenants.bulk_create(
        [
            Call(
                tenant=tenant,
                lead=lead,
                to_number=lead.phone,
                purpose="lead_followup",
                status="ended",
                dialed_at=now - timedelta(hours=2),
            )
            for i, lead in enumerate(leads)
            if i % 7 == 3
        ],
        batch_size=2000,
    )
    return tenant, leads


def registry_file(count: int, leads) -> str:
    """A national registry download of ``count`` numbers over the area codes of every state, holding every
    fifth bench lead's number too (so some of the gated leads are listed)."""
    import tempfile

    codes = [code for codes in area_codes_by_state().values() for code in codes]
    draw = random.Random(11)
    path = tempfile.mkstemp(prefix="ndnc-", suffix=".txt")[1]
    with open(path, "w") as out:
        chunk = []
        for _ in range(count):
            chunk.append(f"{draw.choice(codes)}{draw.randrange(2000000, 9999999):07d}")
            if len(chunk) == 100_000:
                out.write("\n".join(chunk) + "\n")
                chunk = []
        chunk += [lead.phone[2:] for lead in leads[::5]]
        out.write("\n".join(chunk) + "\n")
    return path


def import_registry(tenant, path: str) -> tuple[float, int]:
    from leads import registries
    from tenants.scoping import tenant_scope

    started = time.perf_counter()
    with open(path) as lines, tenant_scope(tenant.pk):
        imported = registries.import_file(lines, registry="US", downloaded_on=datetime.now(UTC).date())
    return time.perf_counter() - started, imported.numbers


def moments() -> dict[str, datetime]:
    """Moments in the coming year (never a fixed date): a Tuesday 10:00 Eastern, a Sunday 11:00, a Tuesday
    20:30, and Thanksgiving at noon."""
    from zoneinfo import ZoneInfo

    from calls.holidays import HOLIDAYS

    eastern = ZoneInfo("America/New_York")
    today = datetime.now(eastern).date()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    sunday = tuesday + timedelta(days=5)
    year = today.year + (today.month == 12)
    (thanksgiving,) = HOLIDAYS["thanksgiving"](year)
    at = lambda day, hour, minute=0: datetime(day.year, day.month, day.day, hour, minute, tzinfo=eastern)  # noqa: E731
    return {
        "weekday_morning": at(tuesday, 10),
        "sunday": at(sunday, 11),
        "evening": at(tuesday, 20, 30),
        "holiday": at(thanksgiving, 12),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,000 leads, for CI")
    parser.add_argument("--leads", type=int, default=None)
    parser.add_argument("--registry", type=int, default=None, help="numbers in the national registry file")
    args = parser.parse_args()
    count = args.leads or (2000 if args.quick else 10_000)
    registry_size = args.registry or (200_000 if args.quick else 10_000_000)

    setup_django()
    import os

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calls.compliance import check_many, forget_policy
    from leads.models import Lead
    from tenants.scoping import tenant_scope

    started = time.perf_counter()
    tenant, made = make_leads(count)
    seeding_s = round(time.perf_counter() - started, 1)
    path = registry_file(registry_size, made)
    try:
        import_s, imported = import_registry(tenant, path)
    finally:
        os.unlink(path)
    per_moment, queries, outcomes = {}, set(), {}
    with tenant_scope(tenant.pk):
        leads = list(Lead.objects.select_related("branch", "tenant").order_by("pk"))
        check_many(leads[:10], purpose="lead_followup", is_marketing=True)  # the policy, read once a process
        for name, when in moments().items():
            samples, counted = [], {}
            for start in range(0, len(leads), BATCH):
                batch = leads[start : start + BATCH]
                forget_policy(tenant.pk)  # each batch reads the policy, as after the memo's 30 seconds
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    decisions = check_many(batch, purpose="lead_followup", is_marketing=True, when=when)
                    samples.append((time.perf_counter() - began) * 1000)
                queries.add(len(captured))
                for decision in decisions.values():
                    key = "allowed" if decision.allowed else decision.code
                    counted[key] = counted.get(key, 0) + 1
            per_moment[name] = round(statistics.median(samples), 1)
            outcomes[name] = dict(sorted(counted.items()))
    worst = max(per_moment.values())
    emit(
        {
            "bench": "compliance",
            "leads": count,
            "batch": BATCH,
            "seeding_s": seeding_s,
            "registry_numbers": imported,
            "registry_import_s": round(import_s, 1),
            "registry_import_s_per_10m": round(import_s * 10_000_000 / imported, 1),
            "ms_per_batch": per_moment,
            "queries_per_batch": sorted(queries),
            "decisions": outcomes,
            "goal": {
                "ms_per_batch": GOAL_MS_PER_BATCH,
                "queries_per_batch": "one number for every batch",
                "registry_import_s_per_10m": GOAL_IMPORT_S_PER_10M,
            },
            "meets_goal": worst < GOAL_MS_PER_BATCH
            and len(queries) == 1
            and import_s * 10_000_000 / imported < GOAL_IMPORT_S_PER_10M,
        }
    )


if __name__ == "__main__":
    main()
