"""Database helpers about tenants: the tenants a beat task fans out over, and one statement that writes
many rows of the tenant in scope."""


def tenant_ids(queryset) -> list[int]:
    """The distinct tenants of an unscoped queryset (a beat task fanning out over tenants). The model's
    default ordering is cleared first: ``DISTINCT`` would otherwise count its columns, one id per row."""
    return sorted(queryset.order_by().values_list("tenant_id", flat=True).distinct())


def bulk_set(objs, fields: list[str]) -> int:
    """Write ``fields`` of these (tenant-owned) rows in one statement, each row its own values.

    On PostgreSQL: ``UPDATE … FROM unnest(%s::type[], …)``, one array per column, so the statement
    is the same whatever the number of rows (Django's ``bulk_update`` builds a CASE per field and row,
    which costs more to compile than to run). Only rows of the tenant in scope are written. Elsewhere
    it falls back to ``bulk_update``.
    """
    from django.db import connection

    from .scoping import current_tenant_id

    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    tenant_id = current_tenant_id()
    if connection.vendor != "postgresql":
        return model.objects.bulk_update(objs, fields)
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    arrays = [[pk.get_db_prep_value(obj.pk, connection) for obj in objs]]
    casts = [f"%s::{pk.db_type(connection)}[]"]
    for field in columns:
        arrays.append([field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs])
        casts.append(f"%s::{field.db_type(connection)}[]")
    quote = connection.ops.quote_name
    names = ["pk_", *(f"v{i}" for i in range(len(columns)))]
    assignments = ", ".join(f"{quote(field.column)} = v.{name}" for field, name in zip(columns, names[1:], strict=True))
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM unnest({', '.join(casts)}) AS v({', '.join(names)}) "
        f"WHERE t.{quote(pk.column)} = v.pk_ AND t.tenant_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*arrays, tenant_id])
        return cursor.rowcount
