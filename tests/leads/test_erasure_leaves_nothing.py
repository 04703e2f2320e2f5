"""Erasure that leaves nothing behind (docs/operations.md#erasure).

One person goes through every door that can hold their data: an import with a bad row, edits, a merged
duplicate, notes, consents given and revoked, do-not-call added and removed, a refused call, a provider
event the product could not match, an appointment with a failed reminder, an admin edit, the dashboard's
reports. They are erased; then every text and JSON column of every table, every file under the media
folder and every value in the cache is scanned for their name, email and number: zero hits.
"""

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from appointments.models import Reminder
from core.public_ids import of as pid
from leads.models import ErasureSuppression, Lead
from tenants.scoping import tenant_scope
from tests.conftest import api_client
from tests.factories import AppointmentFactory, ProviderAccountFactory, ScriptFactory, VoiceAgentFactory
from voice import webhooks
from voice.clients.retell import sign

pytestmark = pytest.mark.django_db

FIRST, LAST = "Zephyrine", "Quaxleworth"
EMAIL, OTHER_EMAIL = "zephyrine.q@example.org", "zq.second@example.org"
NATIONAL, OTHER_NATIONAL = "2125550187", "2125550944"
NEEDLES = [FIRST, LAST, EMAIL, OTHER_EMAIL, NATIONAL, OTHER_NATIONAL]


def _csv() -> SimpleUploadedFile:
    rows = [
        "First Name,Last Name,Email,Phone",
        f"{FIRST},{LAST},{EMAIL},{NATIONAL}",
        f"{FIRST},{LAST},{EMAIL},12345",  # a bad row: it lands in the error rows and the error report
        "Ada,Other,ada@example.org,2125550111",
    ]
    return SimpleUploadedFile("people.csv", "\n".join(rows).encode(), content_type="text/csv")


def _resubmit(client, url: str):
    """POST an admin change form back as it was rendered (an edit that changes nothing but is logged)."""
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        forms += list(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            widget = field.widget
            if hasattr(widget, "decompress") and not isinstance(value, list):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{form.add_prefix(name)}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, dict | list):
                data[form.add_prefix(name)] = json.dumps(value)
            else:
                data[form.add_prefix(name)] = value
    data["_continue"] = "1"
    return client.post(url, data)


def _journey(tenant, owner, client, capture):
    """The person through every door; returns their lead's public id."""
    api = api_client(owner, tenant)
    with capture(execute=True):
        assert api.post("/api/v1/leads/imports/", {"file": _csv()}, format="multipart").status_code == 202
    with tenant_scope(tenant.pk):
        lead = Lead.objects.get(phone=f"+1{NATIONAL}")
    url = f"/api/v1/leads/{pid(lead)}/"
    assert api.patch(url, {"interest": f"{FIRST} prefers mornings", "email": OTHER_EMAIL}).status_code == 200
    assert api.patch(url, {"email": EMAIL}).status_code == 200
    duplicate = api.post(
        "/api/v1/leads/", {"phone": OTHER_NATIONAL, "first_name": FIRST, "last_name": LAST, "email": OTHER_EMAIL}
    )
    assert duplicate.status_code == 201, duplicate.json()
    assert api.post(f"{url}merge/", {"other": duplicate.json()["id"]}).status_code == 200
    assert api.post(f"{url}notes/", {"body": f"Spoke with {FIRST} {LAST} at the desk"}).status_code == 201
    consent = api.post(f"{url}consents/", {"kind": "express_written", "source": "form", "phone": f"+1{NATIONAL}"})
    assert consent.status_code == 201, consent.json()
    assert api.post(f"{url}consents/{consent.json()['id']}/revoke/").status_code == 200
    entry = api.post("/api/v1/dnc/", {"phone": NATIONAL, "reason": f"{FIRST} asked"})
    assert entry.status_code == 201, entry.json()
    assert api.post(f"/api/v1/dnc/{entry.json()['id']}/remove/", {"reason": "added by mistake"}).status_code == 204

    with tenant_scope(tenant.pk):
        account = ProviderAccountFactory(tenant=tenant, provider="retell", api_key="retell-key")
        agent = VoiceAgentFactory(tenant=tenant, account=account)
        script = ScriptFactory(tenant=tenant, purpose="lead_followup")
    refused = api.post("/api/v1/calls/", {"lead": pid(lead), "agent": pid(agent), "script": pid(script)})
    assert refused.status_code == 409  # consent revoked: the refusal names the number

    event = {
        "event": "call_ended",
        "call": {"call_id": "unknown-call", "to_number": f"+1{NATIONAL}", "transcript": f"Hi {FIRST}"},
    }
    body = json.dumps(event).encode()
    signature = sign(body, "retell-key", int(time.time() * 1000))
    webhooks.forget_accounts()
    stored = webhooks.receive("retell", account.webhook_uuid, body, {"X-Retell-Signature": signature})
    assert stored.status == 200

    with tenant_scope(tenant.pk):
        appointment = AppointmentFactory(
            tenant=tenant, lead=lead, start=timezone.now() + timedelta(hours=3), notes=f"{FIRST} brings a friend"
        )
        Reminder.objects.create(
            appointment=appointment,
            channel="sms",
            send_at=timezone.now(),
            status="failed",
            error=f"+1{NATIONAL} is not reachable by text ({FIRST} {LAST})",
        )

    client.force_login(owner)
    edited = _resubmit(client, f"/admin/leads/lead/{pid(lead)}/change/")
    assert edited.status_code == 302, edited.context["adminform"].form.errors.as_json() + str(
        [f.errors for inline in edited.context["inline_admin_formsets"] for f in inline.formset.forms]
    )
    assert client.get("/admin/").status_code == 200  # the dashboard's reports, today's appointments included
    assert api.get("/api/v1/analytics/today/").status_code in (200, 404)
    return pid(lead)


def _columns():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField | models.EmailField):
                yield model, field


def _database_hits() -> list[str]:
    hits = []
    for model, field in _columns():
        manager = getattr(model, "all_tenants", model._base_manager)
        for needle in NEEDLES:
            if manager.filter(**{f"{field.name}__icontains": needle}).exists():
                hits.append(f"{model._meta.db_table}.{field.column} holds {needle!r}")
    return hits


def _file_hits(root: Path) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path.relative_to(root)} holds {n!r}" for n in NEEDLES if n.encode() in data]
    return hits


def _redis_values(client):
    readers = {
        b"string": client.get,
        b"hash": lambda key: repr(client.hgetall(key)).encode(),
        b"list": lambda key: repr(client.lrange(key, 0, -1)).encode(),
        b"set": lambda key: repr(client.smembers(key)).encode(),
        b"zset": lambda key: repr(client.zrange(key, 0, -1)).encode(),
    }
    for key in client.scan_iter("*"):
        read = readers.get(client.type(key))
        yield key, (read(key) if read else b"") or b""


def _cache_hits() -> list[str]:
    backend = getattr(cache, "_cache", None)
    if isinstance(backend, dict):  # local memory: pickled values
        values = list(backend.items())
    elif hasattr(cache, "client"):  # Redis (core.cache)
        values = list(_redis_values(cache.client()))
    else:
        pytest.fail(f"no way to read every value of {type(cache).__name__}: the scan would prove nothing")
    hits = []
    for key, value in values:
        data = value if isinstance(value, bytes) else str(value).encode()
        hits += [f"cache {key!r} holds {n!r}" for n in NEEDLES if n.encode() in data]
    return hits


def test_erasure_leaves_nothing_in_any_table_file_or_cache(
    tenant_a, owner_a, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    lead_id = _journey(tenant_a, owner_a, client, django_capture_on_commit_callbacks)
    found = _database_hits() + _file_hits(tmp_path) + _cache_hits()
    assert found, "before erasure the person is everywhere, else this scan proves nothing"

    assert api_client(owner_a, tenant_a).post(f"/api/v1/leads/{lead_id}/erase/").status_code == 204

    leftovers = _database_hits() + _file_hits(tmp_path) + _cache_hits()
    assert leftovers == [], "\n".join(leftovers)
    with tenant_scope(tenant_a.pk):
        assert ErasureSuppression.objects.count() == 2  # both numbers they used stay uncallable


def test_the_scan_covers_every_table():
    tables = {model._meta.db_table for model, _field in _columns()}
    assert {"leads_lead", "tenants_auditlog", "django_admin_log", "calls_call", "calls_callevent"} <= tables


def test_erasure_leaves_other_businesses_history_alone(tenant_a, tenant_b, owner_a, owner_b):
    """The admin's history has no tenant of its own: only this business's members' entries are scrubbed."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    with tenant_scope(tenant_b.pk):
        theirs = Lead.objects.create(phone=f"+1{NATIONAL}", email=EMAIL, first_name=FIRST)
    entry = LogEntry.objects.create(
        user=owner_b,
        content_type=ContentType.objects.get_for_model(Lead),
        object_id=str(theirs.pk),
        object_repr=f"{FIRST} <{EMAIL}>",
        action_flag=CHANGE,
        change_message="[]",
    )
    with tenant_scope(tenant_a.pk):
        mine = Lead.objects.create(phone=f"+1{NATIONAL}", email=EMAIL, first_name=FIRST)
    assert api_client(owner_a, tenant_a).post(f"/api/v1/leads/{pid(mine)}/erase/").status_code == 204
    entry.refresh_from_db()
    assert entry.object_repr == f"{FIRST} <{EMAIL}>"
