"""Data subject requests: everything held about a person, and erasure.

Other rooms hold personal data about a lead too (calls with transcripts,
appointments). They take part through two signals (leads.signals), so leads
never imports them: ``lead_exporting`` receivers add sections to the export, and
``lead_erasing`` receivers remove a lead's personal data from their room before
the lead itself is deleted.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone

from core import public_ids
from core.formats import timestamp
from tenants import audit
from tenants.models import AuditLog
from tenants.scoping import current_tenant_id

from .importing import privacy as importing_privacy
from .models import Consent, DoNotCall, ErasureSuppression, Lead, StageChange, suppression_hash
from .phones import national_digits
from .signals import lead_erasing, lead_exporting


def _plain_value(value):
    if isinstance(value, datetime):
        return timestamp(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _plain(row: dict) -> dict:
    return {k: _plain_value(v) for k, v in row.items()}


def _record(obj, exclude: list[str]) -> dict:
    """A row as the export shows it: its fields, with the row and its related rows by public id."""
    row = model_to_dict(obj, exclude=exclude)
    for field in obj._meta.concrete_fields:
        if field.is_relation and row.get(field.name) is not None:
            row[field.name] = public_ids.encode(field.related_model, row[field.name])
    return _plain(row) | {"id": public_ids.of(obj)}


def export_person(lead: Lead) -> dict:
    """Everything held about the person behind ``lead``, as one JSON-ready document."""
    record = _record(lead, exclude=["tags", "tenant", "source_import"])
    record.update(
        {
            "created_at": timestamp(lead.created_at),
            "updated_at": timestamp(lead.updated_at),
            "tags": list(lead.tags.values_list("name", flat=True)),
        }
    )
    document = {
        "exported_at": timestamp(timezone.now()),
        "lead": record,
        "consents": [_record(c, exclude=["tenant", "lead", "recorded_by"]) for c in Consent.objects.filter(lead=lead)],
        "do_not_call": [
            _plain({"phone": d.phone, "reason": d.reason, "source": d.source, "created_at": d.created_at})
            for d in DoNotCall.objects.filter(phone=lead.phone)
        ],
        "vehicles": [_record(v, exclude=["tenant", "lead"]) for v in lead.vehicles.all()],
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
    """Blank the names and values in audit entries about these objects (``{"app.model": [ids]}``), and in
    the admin's own change history."""
    for object_type, ids in objects.items():
        if ids:
            AuditLog.objects.filter(object_type=object_type, object_id__in=[str(i) for i in ids]).update(
                object_repr="(erased)", changes={}
            )
            app_label, model = object_type.split(".")
            LogEntry.objects.filter(
                content_type__app_label=app_label, content_type__model=model, object_id__in=[str(i) for i in ids]
            ).update(object_repr="(erased)", change_message="[]")


def scrub_mentions(identity: "Identity") -> None:
    """Blank audit and admin-history entries that mention the person's numbers (however written) or emails
    anywhere (a removed do-not-call entry, a refused call, an entry about a row since deleted)."""
    audit, history = set(), set()
    # The admin's history has no tenant: only entries made by this tenant's members are this tenant's.
    own_history = LogEntry.objects.filter(user__memberships__tenant_id=current_tenant_id())
    for needle in identity.needles:
        candidates = AuditLog.objects.filter(Q(object_repr__icontains=needle) | Q(changes__icontains=needle))
        for pk, text, changes in candidates.values_list("pk", "object_repr", "changes"):
            if identity.mentions(f"{text} {json.dumps(changes, ensure_ascii=False)}"):
                audit.add(pk)
        entries = own_history.filter(Q(object_repr__icontains=needle) | Q(change_message__icontains=needle))
        for pk, text, message in entries.values_list("pk", "object_repr", "change_message"):
            if identity.mentions(f"{text} {message}"):
                history.add(pk)
    AuditLog.objects.filter(pk__in=audit).update(object_repr="(erased)", changes={})
    LogEntry.objects.filter(pk__in=history).update(object_repr="(erased)", change_message="[]")


@dataclass(frozen=True)
class Identity:
    """What names the person behind a lead, merged duplicates included: what erasure searches for."""

    lead_ids: frozenset[int]
    phones: frozenset[str]
    emails: frozenset[str]

    @property
    def needles(self) -> list[str]:
        """What any text naming the person holds as it is, to find candidates with a plain search: the last
        four digits of each number (in every spelling of it: +12125550187, (212) 555-0187) and each email.
        ``mentions`` then decides."""
        return sorted({national_digits(phone)[-4:] for phone in self.phones} | self.emails)

    @cached_property
    def _pattern(self) -> re.Pattern:
        # Each number's national digits with up to three separators between them: 212-555-0187, (212) 555 0187.
        numbers = [r"[^0-9]{0,3}".join(national_digits(phone)) for phone in self.phones]
        return re.compile("|".join([*numbers, *(re.escape(email) for email in self.emails)]) or "(?!)", re.I)

    def mentions(self, text: str) -> bool:
        """Whether a text names the person: one of their numbers however it is written, or an email."""
        return bool(text) and self._pattern.search(text) is not None


def identity_of(lead: Lead) -> Identity:
    """The lead's numbers and emails, its consents' numbers, and those of every lead merged into it
    (their merges are in the audit log), however deep."""
    ids, phones, emails = {lead.pk}, {lead.phone}, {lead.email}
    waiting = [lead.pk]
    while waiting:
        merges = AuditLog.objects.filter(
            action="lead.merged", object_type="leads.lead", object_id__in=[str(i) for i in waiting]
        ).values_list("changes", flat=True)
        waiting = []
        for changes in merges:
            merged = changes.get("merged_lead")
            phones.add(changes.get("merged_phone") or "")
            emails.add(changes.get("merged_email") or "")
            if isinstance(merged, int) and merged not in ids:
                ids.add(merged)
                waiting.append(merged)
    phones |= set(Consent.objects.filter(lead=lead).values_list("phone", flat=True))
    return Identity(frozenset(ids), frozenset(p for p in phones if p), frozenset(e.lower() for e in emails if e))


@transaction.atomic
def erase_person(lead: Lead, *, actor=None) -> None:
    """Delete the person and their personal data everywhere; keep only a keyed hash of each of their
    numbers (so they are never called again) and an audit entry (docs/operations.md#erasure)."""
    identity = identity_of(lead)
    tenant_id = current_tenant_id()
    for phone in identity.phones:
        ErasureSuppression.objects.get_or_create(phone_hash=suppression_hash(tenant_id, phone))
    lead_erasing.send(sender=Lead, lead=lead, identity=identity)
    lead_id = lead.pk
    # Earlier audit entries about the person keep what happened, not who it was.
    related = {
        "leads.lead": sorted(identity.lead_ids),
        "leads.consent": list(Consent.objects.filter(lead=lead).values_list("pk", flat=True)),
        "leads.vehicle": list(lead.vehicles.values_list("pk", flat=True)),
        "leads.note": list(lead.lead_notes.values_list("pk", flat=True)),
        "leads.donotcall": list(DoNotCall.objects.filter(phone__in=identity.phones).values_list("pk", flat=True)),
    }
    scrub(related)
    importing_privacy.forget(identity)
    with audit.suspend_audit():
        DoNotCall.objects.filter(phone__in=identity.phones).delete()  # the suppression hashes outlast them
        Lead.objects.filter(pk=lead_id).delete()
    scrub_mentions(identity)
    audit.record("lead.erased", object_type="leads.lead", object_id=str(lead_id))
