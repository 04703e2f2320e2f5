"""Erasure suppression hashes re-keyed: each stored unkeyed SHA-256 becomes an HMAC of itself under
SUPPRESSION_KEY (leads.models.suppression_hash computes the same for a number), and the audit log
forgets every copy of a hash it held."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations


def rekey(apps, schema_editor):
    ErasureSuppression = apps.get_model("leads", "ErasureSuppression")
    AuditLog = apps.get_model("tenants", "AuditLog")
    key = (settings.SUPPRESSION_KEY or f"development-only:{settings.SECRET_KEY}").encode()
    for row in ErasureSuppression.all_tenants.all():
        row.phone_hash = hmac.new(key, row.phone_hash.encode(), hashlib.sha256).hexdigest()
        row.save(update_fields=["phone_hash"])
    AuditLog.all_tenants.filter(object_type="leads.erasuresuppression").delete()
    for entry in AuditLog.all_tenants.filter(action="lead.erased"):
        if "phone_hash" in (entry.changes or {}):
            entry.changes = {k: v for k, v in entry.changes.items() if k != "phone_hash"}
            entry.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [("leads", "0007_export_permission"), ("tenants", "0006_shaped_json")]
    # No way back: the keyed hashes cannot be turned back into the old ones, and keying them twice would
    # forget every erased person.
    operations = [migrations.RunPython(rekey)]
