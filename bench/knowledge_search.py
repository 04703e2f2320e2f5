"""Knowledge search at volume, on PostgreSQL (or, with ``--sqlite``, a scratch SQLite file: the default
install's database): the demo knowledge bases plus 50,000 filler chunks (uploaded-document text of everyday
gym and dealership words) in the gym's tenant.

Figures: the median and p95 of ``knowledge.search.search`` (ranked, with snippets) over the labelled
queries of ``tests/knowledge/relevance_set.py`` (goal: median under 20 ms), and relevance: the share of
those queries whose expected entry is in the top 3 (goal: at least 90%). Baseline: the same full-text
query written as one raw SQL statement without snippets (the database's floor): ``websearch_to_tsquery``
and ``ts_rank`` on PostgreSQL, FTS5's ``MATCH`` and ``bm25`` rank on SQLite.

    python bench/knowledge_search.py [--quick] [--sqlite]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import emit, setup_django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "for",
    "with",
    "on",
    "at",
    "by",
    "from",
    "about",
    "member",
    "members",
    "club",
    "class",
    "classes",
    "trainer",
    "session",
    "morning",
    "evening",
    "weekend",
    "weekday",
    "studio",
    "floor",
    "equipment",
    "weights",
    "cardio",
    "treadmill",
    "bike",
    "rower",
    "strength",
    "stretch",
    "warm",
    "cool",
    "water",
    "bottle",
    "shoes",
    "locker",
    "card",
    "desk",
    "staff",
    "manager",
    "front",
    "app",
    "booking",
    "schedule",
    "vehicle",
    "car",
    "truck",
    "suv",
    "sedan",
    "engine",
    "tire",
    "tires",
    "brake",
    "brakes",
    "battery",
    "filter",
    "fluid",
    "inspection",
    "mileage",
    "customer",
    "advisor",
    "appointment",
    "lane",
    "bay",
    "technician",
    "parts",
    "warranty",
    "invoice",
    "receipt",
    "payment",
    "card",
    "cash",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "tomorrow",
    "week",
    "month",
    "year",
    "hour",
    "minutes",
    "please",
    "note",
    "always",
    "never",
    "often",
    "usually",
    "sometimes",
    "important",
    "reminder",
    "update",
    "change",
    "new",
    "old",
    "best",
]


def filler(rng: random.Random, words: int) -> str:
    sentences = []
    while words > 0:
        length = rng.randint(6, 16)
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + ".")
        words -= length
    return " ".join(sentences)


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sqlite", action="store_true", help="a scratch SQLite file instead of PostgreSQL")
    args = parser.parse_args()
    chunk_count = 2000 if args.quick else 50000
    rounds = 3 if args.quick else 10

    scratch = tempfile.TemporaryDirectory(prefix="bench-knowledge-") if args.sqlite else None  # gone at the end
    if scratch:
        os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    setup_django(fresh=not scratch)
    from django.core.files.base import ContentFile
    from django.db import connection

    from demo import knowledge as demo_knowledge
    from knowledge import fts5, search, services
    from knowledge.models import Chunk, Document
    from tenants.models import Branch, Tenant
    from tenants.scoping import tenant_scope
    from tests.knowledge.relevance_set import QUERIES

    tenants = {}
    for vertical, branches in (("gym", ["Downtown", "Riverside"]), ("dealership", ["Main Rooftop"])):
        tenant = Tenant.objects.create(
            name=f"Bench {vertical}", slug=f"bench-{vertical}", vertical=vertical, legal_name="Bench LLC",
            callback_phone="+13055550100",
        )  # fmt: skip
        with tenant_scope(tenant.pk):
            for name in branches:
                Branch.objects.create(name=name, time_zone="America/New_York")
            tenants[vertical] = (tenant, demo_knowledge.load(vertical))

    gym, _ = tenants["gym"]
    rng = random.Random(42)
    started = time.perf_counter()
    with tenant_scope(gym.pk):
        per_document = 500
        for first in range(0, chunk_count, per_document):
            document = Document(title=f"Staff handbook part {first // per_document + 1}", original_name="h.txt")
            document.file.save("h.txt", ContentFile(b"-"), save=False)
            document.status = "ready"
            document.save()
            count = min(per_document, chunk_count - first)
            rows = [
                Chunk(
                    document=document,
                    position=i,
                    title=str(document),
                    text=filler(rng, 180),
                    size=180,
                    category="other",
                )
                for i in range(count)
            ]
            Chunk.objects.bulk_create(rows, batch_size=1000)
            services.remember_words(row.text for row in rows)
        services.reindex_vectors(Chunk.objects.filter(document__isnull=False))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE knowledge_chunk")
    fill_seconds = time.perf_counter() - started

    samples, hits_in_top3 = [], 0
    for round_number in range(rounds):
        for vertical, query, key in QUERIES:
            tenant, entries = tenants[vertical]
            with tenant_scope(tenant.pk):
                began = time.perf_counter()
                found = search.search(query, limit=10)
                elapsed = (time.perf_counter() - began) * 1000
            if vertical == "gym":
                samples.append(elapsed)  # latency where the 50,000 chunks are
            if round_number == 0 and entries[key].pk in [hit.entry_id for hit in found[:3]]:
                hits_in_top3 += 1

    raw = []
    gym_queries = [query for vertical, query, _ in QUERIES if vertical == "gym"]
    if connection.vendor == "sqlite":
        sql = (
            f"SELECT rowid, rank FROM {fts5.TABLE} WHERE {fts5.TABLE} MATCH %s"
            f" AND rank MATCH 'bm25({fts5.WEIGHTS})' AND tenant_id = %s ORDER BY rank LIMIT 10"
        )
        gym_queries = [fts5.expression(query) for query in gym_queries]
    else:
        sql = (
            "SELECT id, ts_rank(search, q, 1) AS rank FROM knowledge_chunk, websearch_to_tsquery('english', %s) q "
            "WHERE tenant_id = %s AND is_active AND search @@ q ORDER BY rank DESC, id LIMIT 10"
        )
    with connection.cursor() as cursor:
        for _ in range(rounds):
            for query in gym_queries:
                began = time.perf_counter()
                cursor.execute(sql, [query, gym.pk])
                cursor.fetchall()
                raw.append((time.perf_counter() - began) * 1000)

    with tenant_scope(gym.pk):
        total_chunks = Chunk.objects.count()
    median = statistics.median(samples)
    baseline = statistics.median(raw)
    emit(
        {
            "bench": "knowledge_search",
            "quick": args.quick,
            "database": connection.vendor,
            "chunks_in_tenant": total_chunks,
            "fill_seconds": round(fill_seconds, 1),
            "queries": len(QUERIES),
            "search_median_ms": round(median, 2),
            "search_p95_ms": round(percentile(samples, 0.95), 2),
            "goal_median_ms": 20,
            "relevance_top3": round(hits_in_top3 / len(QUERIES), 3),
            "goal_relevance_top3": 0.9,
            "baseline": "the full-text query as one raw SQL statement, no snippets",
            "baseline_median_ms": round(baseline, 2),
            "ratio_to_baseline": round(median / baseline, 2) if baseline else None,
        }
    )


if __name__ == "__main__":
    main()
