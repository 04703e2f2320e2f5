"""The lead list at scale: 1,000,000 leads in one tenant (and 100,000 in another).

Measures ``GET /api/v1/leads/?stage=…&tag=…&ordering=-score`` (a page of 50) through gunicorn, and the
admin lead changelist with the same filter, each as a median over repeated requests. Goals: API median
under 50 ms, changelist under 300 ms. The baseline is the same page read with one hand-written SQL query.

    python bench/api_leads.py [--quick] [--leads N]
"""

import argparse
import statistics
import time
from http.client import HTTPConnection

from _common import Gunicorn, emit, setup_django

STAGES = ["new", "contacted", "booked", "attended", "won", "no_show", "not_interested", "unreachable", "lost"]
SOURCES = ["web_form", "facebook_lead_ad", "walk_in", "phone", "referral", "instagram", "google_ads"]


def fill(tenant_id: int, count: int, tags: list[int]) -> None:
    """Leads made by the database itself (fast): deterministic stages, sources, scores and tags."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO leads_lead (tenant_id, first_name, last_name, phone, email, source, stage, lost_reason,
                score, score_explanation, interest, time_zone, region, notes, custom_fields, created_at, updated_at)
            SELECT %s, 'First' || g, 'Last' || (g %% 997), '+1' || (2000000000 + %s * 10000000 + g)::text,
                   'person' || g || '@example.com', (%s::text[])[1 + g %% 7], (%s::text[])[1 + (g * 7) %% 9], '',
                   (g * 37) %% 101, '[]', '', '', '', '', '{}',
                   now() - (g %% 86400) * interval '1 minute', now()
            FROM generate_series(1, %s) AS g
            """,
            [tenant_id, tenant_id % 80, SOURCES, STAGES, count],
        )
        for index, tag_id in enumerate(tags):
            # tag i is on every (i+2)-th lead
            cursor.execute(
                """
                INSERT INTO leads_lead_tags (lead_id, tag_id)
                SELECT id, %s FROM leads_lead WHERE tenant_id = %s AND id %% %s = 0
                """,
                [tag_id, tenant_id, index + 2],
            )
        cursor.execute("ANALYZE leads_lead")
        cursor.execute("ANALYZE leads_lead_tags")


def timed_get(port, path, headers, repeat):
    timings = []
    for _ in range(repeat):
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        timings.append((time.perf_counter() - start) * 1000)
        conn.close()
        assert response.status == 200, (path, response.status, body[:300])
    return statistics.median(timings), body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--leads", type=int, default=None)
    args = parser.parse_args()
    big = args.leads or (20_000 if args.quick else 1_000_000)
    small = max(1, big // 10)
    repeat = 5 if args.quick else 25

    setup_django()
    from django.db import connection

    from core import public_ids
    from leads.models import Tag
    from tenants.api.auth import tokens_for
    from tenants.models import Membership, Tenant, User
    from tenants.scoping import tenant_scope

    tenants = []
    for slug, count in (("bench-big", big), ("bench-small", small)):
        tenant = Tenant.objects.create(
            name=slug, slug=slug, vertical="gym", legal_name=slug, callback_phone="+13055550100"
        )
        with tenant_scope(tenant.pk):
            tags = [Tag.objects.create(name=name).pk for name in ("vip", "student", "spring")]
        started = time.perf_counter()
        fill(tenant.pk, count, tags)
        tenants.append((tenant, tags, time.perf_counter() - started))
    tenant, tags, fill_seconds = tenants[0]
    user = User.objects.create_user("bench", "bench@example.test", "bench-pass-123", is_staff=True)
    with tenant_scope(tenant.pk):
        Membership.objects.create(user=user, role="owner")

    tag = public_ids.encode(Tag, tags[0])
    api_path = f"/api/v1/leads/?stage=contacted&tag={tag}&ordering=-score&page_size=50"
    admin_path = f"/admin/leads/lead/?stage__exact=contacted&tag={tag}&o=-4"
    api_headers = {"Authorization": f"Bearer {tokens_for(user, tenant)['access']}"}

    # The baseline: the same page, one hand-written query (what the database itself needs).
    sql = """SELECT l.* FROM leads_lead l WHERE l.tenant_id = %s AND l.stage = 'contacted'
             AND EXISTS (SELECT 1 FROM leads_lead_tags t WHERE t.lead_id = l.id AND t.tag_id = %s)
             ORDER BY l.score DESC, l.id DESC LIMIT 50"""
    sql_times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            start = time.perf_counter()
            cursor.execute(sql, [tenant.pk, tags[0]])
            cursor.fetchall()
            sql_times.append((time.perf_counter() - start) * 1000)

    with Gunicorn(workers=2) as server:
        from django.test import Client

        session = Client()
        session.force_login(user)
        admin_headers = {"Cookie": f"sessionid={session.cookies['sessionid'].value}"}
        timed_get(server.port, api_path, api_headers, 2)  # warm up
        timed_get(server.port, admin_path, admin_headers, 2)
        api_ms, body = timed_get(server.port, api_path, api_headers, repeat)
        admin_ms, page = timed_get(server.port, admin_path, admin_headers, repeat)
    assert b'"results"' in body and b"Last" in page

    emit(
        {
            "bench": "api_leads",
            "database": "postgresql",
            "leads_in_tenant": big,
            "leads_in_other_tenant": small,
            "fill_seconds": round(fill_seconds, 1),
            "api_path": api_path,
            "api_median_ms": round(api_ms, 1),
            "admin_changelist_median_ms": round(admin_ms, 1),
            "baseline": "the same page as one hand-written SQL query",
            "sql_median_ms": round(statistics.median(sql_times), 2),
            "goal_api_ms_under": 50,
            "goal_admin_ms_under": 300,
            "meets_goal": api_ms < 50 and admin_ms < 300,
        }
    )


if __name__ == "__main__":
    main()
