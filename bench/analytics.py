"""The dashboard's overview at a million calls, on PostgreSQL (+ Redis when ``REDIS_URL`` is set).

One tenant (New York) with 1,000,000 calls, 100,000 appointments and 200,000 leads spread over the
last 180 days (so the indexes must pick the range out of the history), plus a second tenant with
100,000 calls in the same days. The overview covers the last 30 days and compares them with the 30
before, as the dashboard does.

- cold: ``reports.overview`` computed with nothing cached in Redis (median of several runs; the
  database's own buffers are warm, as on a server in use), its days' rollups current (calls.rollups
  keeps them so as calls change). Goal: under 200 ms.
- cold while calling: the same, but a call of today ended just before each run, so today is rolled
  up again each time (a busy tenant during calling hours).
- first roll: the cold overview with no rollups at all (all 60 days rolled up from the calls; once
  per tenant and day, e.g. after a deploy that adds them).
- cached: ``report("overview", …)`` answered from the cache. Goal: under 20 ms.
- baseline: the same aggregates for both periods written as one hand-tuned SQL statement.
  Goal: cold ÷ baseline at most 2.
- Also: the overview through the API in process (cached), the other reports cold, and the cold
  overview for 180 days (every call in range) for scale.

    python bench/analytics.py [--quick]
"""

import argparse
import time
from datetime import timedelta

from _common import emit, median_ms, setup_django

HISTORY_DAYS = 180
RANGE_DAYS = 30


def insert_select(cursor, model, count: int, exprs: dict[str, str], params: dict | None = None) -> None:
    """INSERT … SELECT over generate_series(1, count) AS g: the given columns from SQL expressions,
    every other column its Django default (so the script follows the schema)."""
    from django.db import connection

    columns, values, args = [], [], dict(params or {})
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(f'"{field.column}"')
        if field.column in exprs:
            values.append(exprs[field.column])
        else:
            name = f"default_{field.column}"
            args[name] = field.get_db_prep_save(field.get_default(), connection)
            values.append(f"%({name})s")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM generate_series(1, {int(count)}) AS g"
    )
    cursor.execute(sql, args)


def build(tenant, other, *, calls: int, appointments: int, leads: int) -> dict:
    from django.db import connection

    from appointments.models import Appointment
    from calls.models import Call
    from campaigns.models import Campaign
    from leads.models import Lead, StageChange
    from tenants.models import Branch
    from tenants.scoping import tenant_scope
    from voice.models import ProviderAccount, Script, VoiceAgent

    made = {}
    for t in (tenant, other):
        with tenant_scope(t):
            account = ProviderAccount.objects.create(label="Simulator", provider="simulator")
            branches = [Branch.objects.create(name=f"Branch {n}", time_zone="America/New_York") for n in range(5)]
            agents = [VoiceAgent.objects.create(name=f"Agent {n}", account=account) for n in range(4)]
            script = Script.objects.create(name="Follow up", purpose="lead_followup", prompt_template="Hi {first_name}")
            campaigns = [
                Campaign.objects.create(name=f"Campaign {n}", agent=agents[n % 4], script=script) for n in range(10)
            ]
            made[t.pk] = {
                "branches": [b.pk for b in branches],
                "agents": [a.pk for a in agents],
                "campaigns": [c.pk for c in campaigns],
            }

    outcomes = (
        ["no_answer"] * 30
        + ["voicemail"] * 18
        + ["answered"] * 20
        + ["busy"] * 4
        + ["failed"] * 2
        + ["appointment_booked"] * 8
        + ["callback_requested"] * 6
        + ["not_interested"] * 9
        + ["dnc_requested"] * 1
        + ["wrong_number"] * 1
        + ["escalated"] * 1
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        for t, n_calls, n_leads, n_appointments in (
            (tenant, calls, leads, appointments),
            (other, calls // 10, leads // 10, appointments // 10),
        ):
            ids = made[t.pk]
            p = {
                "tenant": t.pk,
                "days": HISTORY_DAYS,
                "branches": ids["branches"],
                "agents": ids["agents"],
                "campaigns": ids["campaigns"],
                "outcomes": outcomes,
                "stages": ["new"] * 3 + ["contacted"] * 3 + ["booked", "attended", "won", "no_show", "lost", "lost"],
            }
            insert_select(
                cursor,
                Lead,
                n_leads,
                {
                    "tenant_id": "%(tenant)s",
                    "branch_id": "(%(branches)s::int[])[1 + (g %% 5)]",
                    "first_name": "'Lead ' || g",
                    "phone": "'+1555' || lpad(g::text, 7, '0')",
                    "stage": "(%(stages)s::text[])[1 + floor(random() * 12)::int]",
                    "created_at": "now() - random() * make_interval(days => %(days)s)",
                    "updated_at": "now()",
                },
                p,
            )
            cursor.execute(
                "UPDATE leads_lead SET first_contacted_at = created_at + random() * interval '2 hours' "
                "WHERE tenant_id = %s AND random() < 0.9",
                [t.pk],
            )
            cursor.execute(
                "SELECT min(id), max(id) FROM leads_lead WHERE tenant_id = %s",
                [t.pk],
            )
            p["lead_min"], p["lead_max"] = cursor.fetchone()
            # Stage history: contacted for those past new, booked for those past contacted.
            for to_stage, from_stages in (
                ("contacted", ["contacted", "booked", "attended", "won", "no_show", "lost"]),
                ("booked", ["booked", "attended", "won", "no_show"]),
            ):
                cursor.execute(
                    f"INSERT INTO {StageChange._meta.db_table} "
                    "(tenant_id, lead_id, from_stage, to_stage, reason, changed_at) "
                    "SELECT tenant_id, id, '', %s, '', created_at + interval '1 hour' FROM leads_lead "
                    "WHERE tenant_id = %s AND stage = ANY(%s)",
                    [to_stage, t.pk, from_stages],
                )
            insert_select(
                cursor,
                Call,
                n_calls,
                {
                    "tenant_id": "%(tenant)s",
                    "lead_id": "%(lead_min)s + floor(random() * (%(lead_max)s - %(lead_min)s + 1))::int",
                    "branch_id": "(%(branches)s::int[])[1 + (g %% 5)]",
                    "agent_id": "(%(agents)s::int[])[1 + (g %% 4)]",
                    "campaign_id": "CASE WHEN g %% 5 = 0 THEN NULL ELSE (%(campaigns)s::int[])[1 + (g %% 10)] END",
                    "provider": "'simulator'",
                    "to_number": "'+1555' || lpad((g %% 1000000)::text, 7, '0')",
                    "status": "'ended'",
                    "outcome": "(%(outcomes)s::text[])[1 + floor(random() * 100)::int]",
                    "created_at": "now() - random() * make_interval(days => %(days)s)",
                    "duration_seconds": "floor(random() * 240)::int",
                    "cost": "round((random() * 0.8)::numeric, 4)",
                    "needs_attention": "random() < 0.004",
                },
                p,
            )
            cursor.execute(
                "UPDATE calls_call SET dialed_at = created_at + interval '2 seconds', "
                "started_at = created_at + interval '10 seconds', "
                "ended_at = created_at + make_interval(secs => 12 + duration_seconds) WHERE tenant_id = %s",
                [t.pk],
            )
            cursor.execute("SELECT min(id), max(id) FROM calls_call WHERE tenant_id = %s", [t.pk])
            p["call_min"], p["call_max"] = cursor.fetchone()
            p["statuses"] = ["booked", "confirmed", "attended", "attended", "attended", "no_show", "canceled"]
            insert_select(
                cursor,
                Appointment,
                n_appointments,
                {
                    "tenant_id": "%(tenant)s",
                    "branch_id": "(%(branches)s::int[])[1 + (g %% 5)]",
                    "lead_id": "%(lead_min)s + floor(random() * (%(lead_max)s - %(lead_min)s + 1))::int",
                    "call_id": "CASE WHEN g %% 3 = 0 THEN NULL "
                    "ELSE %(call_min)s + floor(random() * (%(call_max)s - %(call_min)s + 1))::int END",
                    "kind": "'tour'",
                    "created_at": "now() - random() * make_interval(days => %(days)s)",
                    # distinct starts: one person holds one live booking per start (a database constraint)
                    "start": "now() + make_interval(secs => g)",
                    "end": "now() + make_interval(secs => g) + interval '1 hour'",
                    "status": "(%(statuses)s::text[])[1 + floor(random() * 7)::int]",
                    "source": "'ai_call'",
                    "updated_at": "now()",
                },
                p,
            )
            cursor.execute(
                "UPDATE appointments_appointment SET start = created_at + make_interval(days => 1 + g), "
                '"end" = created_at + make_interval(days => 1 + g, hours => 1) '
                "FROM (SELECT id AS aid, floor(random() * 6)::int AS g FROM appointments_appointment "
                "WHERE tenant_id = %s) AS r WHERE id = r.aid",
                [t.pk],
            )
        from leads import funnel

        funnel.backfill(Lead, StageChange)  # the history was written around the signal
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does on a live server: index-only scans work
    return made[tenant.pk]


BASELINE_SQL = """
WITH c AS (
    SELECT CASE WHEN dialed_at >= %(cur)s THEN 0 ELSE 1 END AS b,
           count(*) AS dialled,
           count(*) FILTER (WHERE outcome = ANY(%(connected)s)) AS answered,
           count(*) FILTER (WHERE outcome = ANY(%(conversation)s)) AS conversations,
           coalesce(sum(duration_seconds) FILTER (WHERE outcome = ANY(%(connected)s)), 0) AS talk,
           count(*) FILTER (WHERE outcome = 'dnc_requested') AS opt_outs,
           coalesce(sum(cost), 0) AS cost,
           count(DISTINCT date_trunc('hour', dialed_at AT TIME ZONE %(tz)s)) AS hours,
           count(DISTINCT lead_id) AS worked,
           count(DISTINCT lead_id) FILTER (WHERE outcome = ANY(%(conversation)s)) AS reached
    FROM calls_call WHERE tenant_id = %(tenant)s AND dialed_at >= %(prev)s AND dialed_at < %(end)s
    GROUP BY 1
), l AS (
    SELECT CASE WHEN created_at >= %(cur)s THEN 0 ELSE 1 END AS b,
           count(*) AS new,
           count(first_contacted_at) AS attempted,
           count(*) FILTER (WHERE first_contacted_at <= created_at + interval '5 minutes') AS fast,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY first_contacted_at - created_at) AS wait
    FROM leads_lead WHERE tenant_id = %(tenant)s AND created_at >= %(prev)s AND created_at < %(end)s
    GROUP BY 1
), f AS (
    SELECT b, count(*) AS leads, count(*) FILTER (WHERE step >= 1) AS contacted,
           count(*) FILTER (WHERE step >= 2) AS booked, count(*) FILTER (WHERE step >= 3) AS attended,
           count(*) FILTER (WHERE step >= 4) AS won
    FROM (
        SELECT CASE WHEN ld.created_at >= %(cur)s THEN 0 ELSE 1 END AS b,
               greatest(CASE ld.stage WHEN 'contacted' THEN 1 WHEN 'booked' THEN 2 WHEN 'no_show' THEN 2
                        WHEN 'attended' THEN 3 WHEN 'won' THEN 4 ELSE 0 END, coalesce(h.step, 0)) AS step
        FROM leads_lead ld
        LEFT JOIN (
            SELECT lead_id, max(CASE to_stage WHEN 'contacted' THEN 1 WHEN 'booked' THEN 2 WHEN 'no_show' THEN 2
                                WHEN 'attended' THEN 3 WHEN 'won' THEN 4 ELSE 0 END) AS step
            FROM leads_stagechange WHERE tenant_id = %(tenant)s GROUP BY lead_id
        ) h ON h.lead_id = ld.id
        WHERE ld.tenant_id = %(tenant)s AND ld.created_at >= %(prev)s AND ld.created_at < %(end)s
    ) s GROUP BY b
), a AS (
    SELECT CASE WHEN created_at >= %(cur)s THEN 0 ELSE 1 END AS b, count(*) AS booked
    FROM appointments_appointment
    WHERE tenant_id = %(tenant)s AND created_at >= %(prev)s AND created_at < %(end)s GROUP BY 1
), s AS (
    SELECT CASE WHEN start >= %(cur)s THEN 0 ELSE 1 END AS b,
           count(*) FILTER (WHERE status = 'attended') AS attended,
           count(*) FILTER (WHERE status = 'no_show') AS no_shows
    FROM appointments_appointment
    WHERE tenant_id = %(tenant)s AND start >= %(prev)s AND start < %(end)s
      AND status IN ('attended', 'no_show') GROUP BY 1
), sr AS (
    SELECT ap.b, count(DISTINCT ap.lead_id) AS set_worked,
           count(DISTINCT ap.lead_id) FILTER (WHERE w.reached) AS set_reached
    FROM (SELECT lead_id, CASE WHEN created_at >= %(cur)s THEN 0 ELSE 1 END AS b FROM appointments_appointment
          WHERE tenant_id = %(tenant)s AND created_at >= %(prev)s AND created_at < %(end)s) ap
    JOIN (SELECT lead_id, CASE WHEN dialed_at >= %(cur)s THEN 0 ELSE 1 END AS b,
                 bool_or(outcome = ANY(%(conversation)s)) AS reached
          FROM calls_call WHERE tenant_id = %(tenant)s AND dialed_at >= %(prev)s AND dialed_at < %(end)s
          GROUP BY 1, 2) w ON w.lead_id = ap.lead_id AND w.b = ap.b
    GROUP BY ap.b
), e AS (
    SELECT CASE WHEN date >= %(cur_date)s THEN 0 ELSE 1 END AS b, sum(amount) AS spent
    FROM campaigns_expense WHERE tenant_id = %(tenant)s AND date >= %(prev_date)s AND date < %(end_date)s GROUP BY 1
), p AS (
    SELECT max(level) AS peak FROM (
        SELECT sum(delta) OVER (ORDER BY at, delta ROWS UNBOUNDED PRECEDING) AS level FROM (
            SELECT dialed_at AS at, 1 AS delta FROM calls_call
            WHERE tenant_id = %(tenant)s AND dialed_at >= %(cur)s AND dialed_at < %(end)s
            UNION ALL
            SELECT coalesce(ended_at, now()), -1 FROM calls_call
            WHERE tenant_id = %(tenant)s AND dialed_at >= %(cur)s AND dialed_at < %(end)s
        ) m
    ) x
), n AS (
    SELECT count(*) AS open FROM calls_call
    WHERE tenant_id = %(tenant)s AND needs_attention AND resolved_at IS NULL
)
SELECT * FROM c FULL JOIN l USING (b) FULL JOIN f USING (b) FULL JOIN a USING (b) FULL JOIN s USING (b)
    FULL JOIN sr USING (b) FULL JOIN e USING (b) CROSS JOIN p CROSS JOIN n
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the data of the last run (building 1M calls is slow)."
    )
    args = parser.parse_args()
    calls = 20_000 if args.quick else 1_000_000
    appointments = 2_000 if args.quick else 100_000
    leads = 4_000 if args.quick else 200_000
    runs = 5 if args.quick else 7

    setup_django(fresh=not args.reuse)
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from analytics import reports
    from analytics.kpi import Filters, last_days
    from calls.models import CONNECTED_OUTCOMES, CONVERSATION_OUTCOMES
    from core import versioning
    from tenants.api.auth import tokens_for
    from tenants.models import Membership, Tenant, User
    from tenants.scoping import tenant_scope

    tenant = Tenant.objects.filter(slug="big").first()
    build_seconds = None
    if tenant is None:
        tenant = Tenant.objects.create(
            name="Big Gym Group",
            slug="big",
            vertical="gym",
            legal_name="Big Gym Group LLC",
            callback_phone="+13055550100",
            time_zone="America/New_York",
        )
        other = Tenant.objects.create(
            name="Other",
            slug="other",
            vertical="dealership",
            legal_name="Other LLC",
            callback_phone="+13055550101",
            time_zone="America/Chicago",
        )
        started = time.perf_counter()
        build(tenant, other, calls=calls, appointments=appointments, leads=leads)
        build_seconds = round(time.perf_counter() - started, 1)

    period = last_days(RANGE_DAYS, tenant.time_zone)
    filters = Filters(period)
    previous = period.previous()

    with tenant_scope(tenant):

        def cold():
            versioning.bump(tenant.pk)
            return reports.report("overview", filters)

        from calls.models import CallDayState
        from calls.rollups import bump_days

        CallDayState.objects.all().delete()
        first_roll_ms = median_ms(cold, 1, warm=False)
        first_cold_ms = median_ms(cold, 1, warm=False)
        cold_ms = median_ms(cold, runs, warm=False)

        def cold_while_calling():
            bump_days(tenant.pk, period.last, period.last)  # what a call of today ending does, after its commit
            return cold()

        cold_calling_ms = median_ms(cold_while_calling, runs, warm=False)
        with CaptureQueriesContext(connection) as queries:
            cold()
        cold_queries = len(queries)
        reports.report("overview", filters)
        cached_ms = median_ms(lambda: reports.report("overview", filters), runs * 4, warm=False)
        others = {
            name: median_ms(
                lambda name=name: (versioning.bump(tenant.pk), reports.report(name, filters)), runs, warm=False
            )
            for name in ("calls-over-time", "outcomes", "funnel", "campaigns", "needs-attention", "today")
        }
        whole_history = Filters(last_days(HISTORY_DAYS, tenant.time_zone))
        whole_history_cold_ms = median_ms(lambda: reports.overview(whole_history), max(3, runs // 5), warm=False)
        in_range = reports.overview(filters)["figures"]["calls_dialled"]["value"]

    params = {
        "tenant": tenant.pk,
        "tz": tenant.time_zone,
        "cur": period.start,
        "prev": previous.start,
        "end": period.end,
        "cur_date": period.first,
        "prev_date": previous.first,
        "end_date": period.last + timedelta(days=1),
        "connected": list(CONNECTED_OUTCOMES),
        "conversation": list(CONVERSATION_OUTCOMES),
    }

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, params)
            return cursor.fetchall()

    baseline()
    baseline_ms = median_ms(baseline, runs, warm=False)

    user = User.objects.filter(username="manager").first() or User.objects.create_user(
        username="manager", email="manager@example.test", password="x"
    )
    Membership.all_tenants.get_or_create(tenant=tenant, user=user, defaults={"role": "manager"})
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user, tenant)['access']}")
    url = f"/api/v1/analytics/overview/?from={period.first}&to={period.last}"
    assert client.get(url).status_code == 200
    api_cached_ms = median_ms(lambda: client.get(url), runs * 2, warm=False)

    emit(
        {
            "bench": "analytics",
            "quick": args.quick,
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "calls": calls,
            "appointments": appointments,
            "leads": leads,
            "history_days": HISTORY_DAYS,
            "range_days": RANGE_DAYS,
            "calls_in_range": in_range,
            "build_seconds": build_seconds,
            "overview_first_roll_ms": first_roll_ms,
            "overview_first_cold_ms": first_cold_ms,
            "overview_cold_ms": cold_ms,
            "overview_cold_while_calling_ms": cold_calling_ms,
            "overview_cold_queries": cold_queries,
            "overview_cached_ms": cached_ms,
            "overview_api_cached_ms": api_cached_ms,
            "baseline_one_sql_ms": baseline_ms,
            "cold_to_baseline": round(cold_ms / baseline_ms, 2) if baseline_ms else None,
            "other_reports_cold_ms": others,
            "overview_cold_180_days_ms": whole_history_cold_ms,
            "goals": {"cold_ms": 200, "cached_ms": 20, "cold_to_baseline": 2},
        }
    )
    cache.clear()


if __name__ == "__main__":
    main()
