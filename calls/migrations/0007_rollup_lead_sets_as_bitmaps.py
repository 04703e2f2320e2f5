"""The leads called per day are kept as roaring bitmaps (tenants.idsets) instead of arrays of
integers: drop the rollups, they are rolled again from the calls when next read."""

from django.db import migrations

DROP_ROLLUPS = [f"DELETE FROM calls_{name}" for name in ("calldayscope", "calldaytotal", "calldaystate")]


class Migration(migrations.Migration):
    dependencies = [("calls", "0006_call_rollups")]

    operations = [migrations.RunSQL(DROP_ROLLUPS, reverse_sql=DROP_ROLLUPS)]
