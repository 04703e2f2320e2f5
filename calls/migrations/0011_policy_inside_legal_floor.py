"""Stored calling policies brought inside the legal floor (calls.legal), which they can no longer widen.

The numbers are written here rather than imported, so this migration keeps meaning what it meant."""

from datetime import time

from django.db import migrations

LEGAL = {"FL", "OK", "MD"}


def narrow(apps, schema_editor):
    CallingPolicy = apps.get_model("calls", "CallingPolicy")
    for policy in CallingPolicy.all_tenants.all():
        policy.window_start = max(policy.window_start, time(8, 0))
        policy.window_end = min(policy.window_end, time(21, 0))
        policy.restricted_window_end = min(policy.restricted_window_end, time(20, 0))
        if policy.restricted_regions:
            policy.restricted_regions = sorted(LEGAL | {str(r).upper() for r in policy.restricted_regions})
        policy.max_calls_per_day = min(policy.max_calls_per_day, 3)
        policy.save()


class Migration(migrations.Migration):
    dependencies = [("calls", "0010_retire_old_beat_task")]
    operations = [migrations.RunPython(narrow, migrations.RunPython.noop)]
