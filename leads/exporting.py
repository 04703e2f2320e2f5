"""Leads as CSV, streamed: the export action of the admin and ``GET /api/v1/leads/export/``."""

import csv
import json
from collections.abc import Iterator

from core import public_ids
from core.spreadsheets import safe_cell
from tenants.scoping import iterate_in_scope

EXPORT_COLUMNS = [
    "id",
    "first_name",
    "last_name",
    "phone",
    "email",
    "source",
    "stage",
    "score",
    "owner",
    "branch",
    "tags",
    "interest",
    "region",
    "time_zone",
    "created_at",
    "first_contacted_at",
    "last_contacted_at",
    "next_action_at",
    "notes",
    "custom_fields",
]


class _Echo:
    def write(self, value):
        return value


def _row(lead) -> list:
    return [
        public_ids.of(lead),
        lead.first_name,
        lead.last_name,
        lead.phone,
        lead.email,
        lead.source,
        lead.stage,
        lead.score,
        lead.owner.email if lead.owner_id else "",
        lead.branch.name if lead.branch_id else "",
        ";".join(tag.name for tag in lead.tags.all()),
        lead.interest,
        lead.region,
        lead.time_zone,
        lead.created_at.isoformat(),
        lead.first_contacted_at.isoformat() if lead.first_contacted_at else "",
        lead.last_contacted_at.isoformat() if lead.last_contacted_at else "",
        lead.next_action_at.isoformat() if lead.next_action_at else "",
        lead.notes,
        json.dumps(lead.custom_fields, ensure_ascii=False) if lead.custom_fields else "",
    ]


def csv_lines(queryset, tenant_id: int) -> Iterator[str]:
    """The CSV a line at a time. A streamed response is read after the request's scope has
    closed, so the rows are read in the tenant's scope here."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)  # BOM: Excel then reads UTF-8
    leads = queryset.select_related("owner", "branch").prefetch_related("tags")
    for lead in iterate_in_scope(tenant_id, leads.iterator(chunk_size=2000)):
        yield writer.writerow([safe_cell("" if value is None else str(value)) for value in _row(lead)])
