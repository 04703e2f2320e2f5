"""CSV import speed: a messy 100,000-row file (bench/_messy_leads.py) through the import service, against
PostgreSQL COPY of the same rows already cleaned (into the same table, with the same indexes).
Goals: at most 20 s, ratio at most 5.

    python bench/import_leads.py [--quick] [--rows N]
"""

import argparse
import os
import resource
import tempfile
import time

import _messy_leads as messy_leads
from _common import emit, setup_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    rows = args.rows or (5_000 if args.quick else 100_000)

    messy = tempfile.NamedTemporaryFile(suffix=".csv")  # noqa: SIM115  (deleted when the script ends)
    with open(messy.name, "w", encoding="utf-8", newline="") as out:
        messy_leads.write(out, rows, seed=7)
    file_mb = os.path.getsize(messy.name) / 2**20
    setup_django()
    from django.db import connection

    from leads.importing import COPY_COLUMNS, ImportOptions, import_csv
    from tenants.models import Tenant
    from tenants.scoping import tenant_scope

    def tenant(slug):
        return Tenant.objects.create(
            name=slug, slug=slug, vertical="gym", legal_name=slug, callback_phone="+13055550100"
        )

    importing_tenant, copy_tenant = tenant("bench-import"), tenant("bench-copy")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with tenant_scope(importing_tenant.pk), open(messy.name, "rb") as handle:
        report = import_csv(handle, ImportOptions())
    import_seconds = time.perf_counter() - started
    peak_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024

    # The baseline: the rows the import produced, already clean, COPY'd into the same table for another tenant.
    columns = [c for c in COPY_COLUMNS if c not in ("id", "tenant_id")]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM leads_lead WHERE tenant_id = %s", [importing_tenant.pk])
        clean = cursor.fetchall()
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY leads_lead (tenant_id, {', '.join(columns)}) FROM STDIN") as copy:
            for row in clean:
                copy.write_row((copy_tenant.pk, *row))
        copy_seconds = time.perf_counter() - started

    ratio = round(import_seconds / copy_seconds, 2) if copy_seconds else None
    emit(
        {
            "bench": "import_leads",
            "database": "postgresql",
            "rows_in_file": report.rows,
            "file_mb": round(file_mb, 2),
            "created": report.created,
            "duplicates": report.duplicates,
            "errors": report.errors,
            "import_seconds": round(import_seconds, 2),
            "rows_per_second": round(report.rows / import_seconds),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_growth_during_import_mb": round(peak_growth_mb, 1),
            "baseline": "PostgreSQL COPY of the same cleaned rows into the same table",
            "copy_seconds": round(copy_seconds, 2),
            "ratio_to_copy": ratio,
            "goal_seconds_at_most": 20,
            "goal_ratio_at_most": 5,
            "meets_goal": import_seconds <= 20 and ratio is not None and ratio <= 5,
        }
    )


if __name__ == "__main__":
    main()
