"""Search that finds people, at scale on PostgreSQL: 1,000,000 leads in one tenant (100,000 in another)
with names from many languages (García, Müller, de la Cruz, O'Brien…) and numbers over twenty area codes,
and half as many calls.

Each search (``leads.search``, ``calls.search``) is timed at both doors as they run it, as a median over
repeated runs: the first page of 50, newest first, with the door's capped count (the API counts at most
1,001 rows; the admin changelist at most 10,001, in the list's order). The searches: a name with an
accent, one without its umlaut, a multi-word name, a number's beginning (narrow, and a whole area code),
a whole number, last digits, and calls by a name and by a number's beginning. Goal: each under 100 ms at
both doors, its page read through an index (the indexes of each plan are reported). The baseline is the
same search on the API's list with index lookups forbidden: what it costs without the indexes.

The scratch database (``…_search``) is dropped at the end.

    python bench/search.py [--quick] [--leads N]
"""

import argparse
import json
import os
import random
import re
import statistics
import time
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from _common import bench_database_url, emit, median_ms, setup_django

AREA_CODES = ["305", "786", "954", "561", "212", "646", "718", "917", "213", "310"]
AREA_CODES += ["415", "312", "713", "214", "404", "617", "206", "702", "602", "303"]
# Names as staff meet them: accents, umlauts, ligatures, particles, apostrophes.
FIRST = (  # noqa: SIM905
    "María José Jürgen Zoë Siobhán Farah Renée Chloé Søren Ana Luis Carlos Ahmed Fatima Mohammed Aisha Wei Mei "
    "Hiroshi Yuki Olga Ivan Dmitri Ingrid Björn Lars Ólafur João Gonçalo Inês François Hélène Noémie Łukasz "
    "Zoltán Ágnes Pat Sam Alex Jordan Taylor Chris Jamie Morgan Casey Emily Olivia Liam Noah Emma Sophia Mia "
    "Ethan Lucas Mason Logan Ella Grace Chloe Nora"
).split()
LAST = [
    *(  # noqa: SIM905
        "García Müller O'Brien Nguyễn Smith Johnson Williams Brown Jones Miller Davis Rodríguez Martínez Hernández "
        "López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Reyes Cruz Morales Ortiz Gutiérrez "
        "Chávez Ramos Ruiz Álvarez Jiménez Moreno Muñoz Romero Herrera Medina Castillo Vargas Schäfer Schröder "
        "Köhler Weiß Groß Jäger Böhm Lefèvre Dubois Lambert Bonnet Girard Mercier Fontaine Rousseau Kowalski "
        "Wiśniewski Dąbrowski Nowak Søndergaard Jørgensen Ødegård Andersson Öberg Åkesson Kim Lee Park Chen Wang Li "
        "Zhang Patel Shah Okafor Mensah"
    ).split(),
    "de la Cruz",
    "Van der Berg",
    "De Jong",
    "Van Dijk",
]
TARGET_PHONE = "+17865550037"  # one known person, found by the whole number

LEAD_SEARCHES = {
    "name_with_accent": "García",
    "name_without_umlaut": "muller",
    "multi_word_name": "Farah de la Cruz",
    "phone_beginning": "(786) 555-",
    "phone_area_code": "(305)",
    "phone_whole": "(786) 555-0037",
    "phone_last_digits": "0037",
}
CALL_SEARCHES = {"calls_by_name": "garcia", "calls_by_phone_beginning": "(786) 555-"}
GOAL_MS = 100


def scratch_database_url() -> str:
    """A database of this benchmark's own, so it never drops one another benchmark is using."""
    parts = urlsplit(bench_database_url())
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_search"))


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def copy_rows(model, rows) -> None:
    """COPY rows (dicts of attnames) into the model's table; unnamed columns take the field's default."""
    from django.db import connection, models

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    attnames = [f.attname for f in fields]
    as_json = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = {**defaults, **row}
            copy.write_row([json.dumps(values[name]) if name in as_json else values[name] for name in attnames])


def people(tenant_id: int, count: int, seed: int, now):
    """``count`` leads: random names of FIRST and LAST, unique numbers over AREA_CODES, one known person."""
    from leads.search import search_text

    rng = random.Random(seed)
    yield {
        "tenant_id": tenant_id,
        "first_name": "Farah",
        "last_name": "de la Cruz",
        "phone": TARGET_PHONE,
        "email": "farah.dlc@example.com",
        "search_text": search_text("Farah", "de la Cruz", "farah.dlc@example.com"),
        "created_at": now,
        "updated_at": now,
    }
    for i in range(count - 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        area = AREA_CODES[i % len(AREA_CODES)]
        line = (i // len(AREA_CODES) * 7919 + seed) % 10_000_000  # 7919 is prime to 10^7: numbers never repeat
        phone = f"+1{area}{line:07d}"
        if phone == TARGET_PHONE:
            continue
        email = f"{first}.{last}{i}@example.com".replace(" ", "").replace("'", "").lower()
        created = now - timedelta(minutes=i)
        yield {
            "tenant_id": tenant_id,
            "first_name": first,
            "last_name": last,
            "phone": phone,
            "email": email,
            "search_text": search_text(first, last, email),
            "created_at": created,
            "updated_at": created,
        }


def calls_of(tenant_id: int, leads: list[tuple[int, str]], count: int, now):
    rng = random.Random(tenant_id)
    for i in range(count):
        lead_id, phone = leads[rng.randrange(len(leads))]
        created = now - timedelta(minutes=i)
        yield {
            "tenant_id": tenant_id,
            "lead_id": lead_id,
            "provider": "simulator",
            "purpose": "lead_followup",
            "to_number": phone,
            "status": "ended",
            "outcome": "answered",
            "created_at": created,
            "dialed_at": created,
            "ended_at": created,
        }


def fill(tenant, leads: int, calls: int, seed: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from calls.models import Call
    from leads.models import Lead

    now = timezone.now()
    copy_rows(Lead, people(tenant.pk, leads, seed, now))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, phone FROM leads_lead WHERE tenant_id = %s", [tenant.pk])
        made = cursor.fetchall()
    copy_rows(Call, calls_of(tenant.pk, made, calls, now))


def plan_of(queryset) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


_INDEX_USE = re.compile(r"(?:Index Scan|Index Only Scan) using (\w+)|Bitmap Index Scan on (\w+)")


def indexes_in(plan: str) -> set[str]:
    return {scan or bitmap for scan, bitmap in _INDEX_USE.findall(plan)}


def doors() -> dict:
    """Each door's paginator and its lists before the search: the API's (a count capped at 1,001, no order)
    and the admin changelist's (a count capped at 10,001, as the changelist orders it), first page of 50."""
    from calls.models import Call
    from leads.filters import on_dnc_expression
    from leads.models import Lead
    from tenants.admin_pagination import CountedPaginator
    from tenants.api.pagination import CappedPaginator

    newest = ["-created_at", "-id"]
    leads = Lead.objects.select_related("owner", "branch").annotate(on_dnc=on_dnc_expression()).order_by(*newest)
    return {
        "api": (CappedPaginator, leads, Call.objects.defer("transcript", "collected_data").order_by(*newest)),
        "admin": (CountedPaginator, leads, Call.objects.select_related("lead", "agent").order_by(*newest)),
    }


def first_page(paginator_class, queryset) -> int:
    return len(list(paginator_class(queryset, 50).page(1).object_list))


def without_indexes(fn):
    """``fn`` with index lookups forbidden: what the search would cost without its indexes."""
    from django.db import connection, transaction

    def run():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
            return fn()

    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--leads", type=int, default=None)
    args = parser.parse_args()
    big = args.leads or (20_000 if args.quick else 1_000_000)
    small = max(1, big // 10)
    runs, baseline_runs = (5, 2) if args.quick else (15, 3)

    url = scratch_database_url()
    os.environ["BENCH_DATABASE_URL"] = url
    try:
        figures = measure(big, small, runs, baseline_runs)
    finally:
        drop_database(url)
    emit(figures)


def measure(big: int, small: int, runs: int, baseline_runs: int) -> dict:
    setup_django()
    from django.db import connection

    from calls.search import search_calls
    from leads.search import search_leads
    from tenants.models import Tenant
    from tenants.scoping import tenant_scope

    started = time.perf_counter()
    tenants = []
    for slug, count, seed in (("bench-search", big, 19), ("bench-search-other", small, 23)):
        tenant = Tenant.objects.create(
            name=slug, slug=slug, vertical="gym", legal_name=slug, callback_phone="+13055550100"
        )
        fill(tenant, count, count // 2, seed)
        tenants.append(tenant)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE leads_lead")  # as autovacuum would after a load: the GIN pending list too
        cursor.execute("VACUUM ANALYZE calls_call")
    fill_seconds = time.perf_counter() - started
    tenant = tenants[0]

    searches = {}
    with tenant_scope(tenant.pk):
        by_door = doors()
        cases = [(name, search_leads, 1, term) for name, term in LEAD_SEARCHES.items()]
        cases += [(name, search_calls, 2, term) for name, term in CALL_SEARCHES.items()]
        for name, search, position, term in cases:
            figures = {"term": term}
            for door, (paginator, *lists) in by_door.items():
                found = search(lists[position - 1], term)
                figures[f"{door}_ms"] = median_ms(lambda p=paginator, f=found: first_page(p, f), runs)
                if door == "api":
                    figures["page_rows"] = first_page(paginator, found)
                    figures["without_indexes_ms"] = median_ms(
                        without_indexes(lambda p=paginator, f=found: first_page(p, f)), baseline_runs, warm=False
                    )
                    plan = plan_of(found[:50])
                    figures["page_plan_indexes"] = sorted(indexes_in(plan))
                    figures["count_plan_indexes"] = sorted(indexes_in(plan_of(found.order_by().values("pk")[:1001])))
                    figures["page_reads_whole_table"] = (
                        "Seq Scan on leads_lead" in plan or "Seq Scan on calls_call" in plan
                    )
            figures["meets_goal"] = (
                figures["api_ms"] < GOAL_MS and figures["admin_ms"] < GOAL_MS and not figures["page_reads_whole_table"]
            )
            searches[name] = figures
    worst = max(max(s["api_ms"], s["admin_ms"]) for s in searches.values())
    return {
        "bench": "search",
        "database": "postgresql",
        "leads_in_tenant": big,
        "leads_in_other_tenant": small,
        "calls_in_tenant": big // 2,
        "fill_seconds": round(fill_seconds, 1),
        "measured_as": "each door's first page of 50, newest first, with its paginator's capped count (doors())",
        "load_average": [round(x, 1) for x in os.getloadavg()],  # a busy machine slows every figure
        "searches": searches,
        "worst_median_ms": worst,
        "baseline": "the same search on the API's list with index lookups forbidden (without_indexes_ms)",
        "baseline_median_ms": round(statistics.median(s["without_indexes_ms"] for s in searches.values()), 1),
        "goal_ms_under_each": GOAL_MS,
        "meets_goal": all(s["meets_goal"] for s in searches.values()),
    }


if __name__ == "__main__":
    main()
