"""Celery tasks of the leads room: thin doors into services."""

from celery import shared_task

from tenants.scoping import with_tenant_scope


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
@with_tenant_scope
def run_lead_import(tenant_id: int, import_id: int) -> None:
    from .importing import run_import
    from .models import LeadImport

    run_import(LeadImport.objects.get(pk=import_id))


@shared_task(acks_late=True)
@with_tenant_scope
def rescore_leads(tenant_id: int, lead_ids: list[int] | None = None) -> int:
    from . import scoring
    from .models import Lead

    queryset = Lead.objects.all() if lead_ids is None else Lead.objects.filter(pk__in=lead_ids)
    return scoring.rescore(queryset)


@shared_task(acks_late=True)
def sweep_waiting_imports() -> int:
    """Beat: imports queued over a minute ago and still waiting (their wake-up was lost) get another, and runs
    whose worker died are started again (leads.importing.runs.sweep_waiting)."""
    from .importing.runs import sweep_waiting

    return sweep_waiting()
