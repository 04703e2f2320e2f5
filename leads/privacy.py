"""Data subject requests: everything held about a person, and erasure.

Other rooms hold personal data about a lead too (calls with transcripts,
appointments). They take part through two signals (leads.signals), so leads
never imports them: ``lead_exporting`` receivers add sections to the export, and
``lead_erasing`` receivers remove a lead's personal data from their room before
the lead itself is deleted.
"""

from datetime import datetime

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from core.formats import timestamp
from tenants import audit
from tenants.models import AuditLog
from tenants.scoping import current_tenant_id

from .models import Consent, DoNotCall, ErasureSuppression, Lead, StageChange, suppression_hash
from .signals import lead_erasing, lead_exporting


def _plain_value(value):
    if isinstance(value, datetime):
        return timestamp(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _plain(row: dict) -> dict:
    return {k: _plain_value(v) for k, v in row.items()}


def export_person(lead: Lead) -> dict:
    """Everything held about the person behind ``lead``, as one JSON-ready document."""
    record = _plain(model_to_dict(lead, exclude=["tags", "tenant", "source_import"]))
    record.update(
        {
            "id": lead.pk,
            "created_at": timestamp(lead.created_at),
            "updated_at": timestamp(lead.updated_at),
            "tags": list(lead.tags.values_list("name", flat=True)),
        }
    )
    document = {
        "exported_at": timestamp(timezone.now()),
        "lead": record,
        "consents": [
            _plain(model_to_dict(c, exclude=["tenant", "lead", "recorded_by"])) | {"id": c.pk}
            for c in Consent.objects.filter(lead=lead)
        ],
        "do_not_call": [
            _plain({"phone": d.phone, "reason": d.reason, "source": d.source, "created_at": d.created_at})
            for d in DoNotCall.objects.filter(phone=lead.phone)
        ],
        "vehicles": [_plain(model_to_dict(v, exclude=["tenant", "lead"])) | {"id": v.pk} for v in lead.vehicles.all()],
        "stage_history": [
            _plain({"from": s.from_stage, "to": s.to_stage, "at": s.changed_at, "reason": s.reason})
            for s in StageChange.objects.filter(lead=lead)
        ],
        "notes": [_plain({"body": n.body, "at": n.created_at}) for n in lead.lead_notes.all()],
    }
    for _receiver, sections in lead_exporting.send(sender=Lead, lead=lead):
        document.update(sections)
    audit.record("lead.exported", lead)
    return document


def scrub(objects: dict[str, list]) -> None:
    """Blank the names and values in audit entries about these objects (``{"app.model": [ids]}``)."""
    for object_type, ids in objects.items():
        if ids:
            AuditLog.objects.filter(object_type=object_type, object_id__in=[str(i) for i in ids]).update(
                object_repr="(erased)", changes={}
            )


@transaction.atomic
def erase_person(lead: Lead, *, actor=None) -> None:
    """Delete the person and their personal data everywhere; keep only a hash of their number
    (so they are never called again) and an audit entry."""
    phone_hash = suppression_hash(current_tenant_id(), lead.phone)
    ErasureSuppression.objects.get_or_create(phone_hash=phone_hash)
    lead_erasing.send(sender=Lead, lead=lead)
    lead_id = lead.pk
    # Earlier audit entries about the person keep what happened, not who it was.
    related = {
        "leads.lead": [lead_id],
        "leads.consent": list(Consent.objects.filter(lead=lead).values_list("pk", flat=True)),
        "leads.vehicle": list(lead.vehicles.values_list("pk", flat=True)),
        "leads.note": list(lead.lead_notes.values_list("pk", flat=True)),
        "leads.donotcall": list(DoNotCall.objects.filter(phone=lead.phone).values_list("pk", flat=True)),
    }
    scrub(related)
    with audit.suspend_audit():
        DoNotCall.objects.filter(phone=lead.phone).delete()  # the suppression hash outlasts it
        Lead.objects.filter(pk=lead_id).delete()
    audit.record("lead.erased", object_type="leads.lead", object_id=str(lead_id))
