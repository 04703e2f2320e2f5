"""The one thing an erased person leaves is an HMAC of their number under a key kept out of the database
(SUPPRESSION_KEY): unlike an unkeyed hash it cannot be reversed by trying every number of an area code,
it never reaches the audit log, and hashes stored by older releases were re-keyed in place."""

import hashlib
import importlib

import pytest
from django.apps import apps

from leads.models import ErasureSuppression, suppression_hash
from leads.privacy import erase_person
from leads.services import is_erased
from tenants import audit
from tenants.models import AuditLog
from tenants.scoping import tenant_scope
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
PHONE = "+12125550123"


def unkeyed(tenant_id, phone):
    return hashlib.sha256(f"{tenant_id}:{phone}".encode()).hexdigest()


def test_the_hash_needs_the_key(tenant_a, settings):
    settings.SUPPRESSION_KEY = "key-one"
    first = suppression_hash(tenant_a.pk, PHONE)
    assert first != unkeyed(tenant_a.pk, PHONE)
    settings.SUPPRESSION_KEY = "key-two"
    assert suppression_hash(tenant_a.pk, PHONE) != first


def test_erasure_keeps_the_keyed_hash_and_the_audit_log_never_sees_it(tenant_a, owner_a):
    with tenant_scope(tenant_a.pk), audit.audit_context(owner_a, "127.0.0.1"):
        erase_person(LeadFactory(tenant=tenant_a, phone=PHONE))
        stored = ErasureSuppression.objects.get().phone_hash
        assert stored == suppression_hash(tenant_a.pk, PHONE) and is_erased(PHONE)
        logged = " ".join(str(entry.changes) + entry.object_type for entry in AuditLog.objects.all())
    assert stored not in logged and unkeyed(tenant_a.pk, PHONE) not in logged
    assert "erasuresuppression" not in logged


def test_hashes_stored_by_older_releases_are_re_keyed_in_place(tenant_a):
    with tenant_scope(tenant_a.pk):
        ErasureSuppression.objects.create(phone_hash=unkeyed(tenant_a.pk, PHONE))
        AuditLog.objects.create(action="lead.erased", changes={"phone_hash": unkeyed(tenant_a.pk, PHONE)})
    migration = importlib.import_module("leads.migrations.0008_rekey_suppression_hashes")
    migration.rekey(apps, None)
    with tenant_scope(tenant_a.pk):
        assert is_erased(PHONE)
        assert ErasureSuppression.objects.get().phone_hash != unkeyed(tenant_a.pk, PHONE)
        assert AuditLog.objects.get(action="lead.erased").changes == {}
