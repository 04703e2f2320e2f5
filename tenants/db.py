"""Database helpers every room may use."""

from django.db.models import Field, ForeignKey, Lookup


def tenant_ids(queryset) -> list[int]:
    """The distinct tenants of an unscoped queryset (a beat task fanning out over tenants). The model's
    default ordering is cleared first: ``DISTINCT`` would otherwise count its columns, one id per row."""
    return sorted(queryset.order_by().values_list("tenant_id", flat=True).distinct())


def padded(values) -> list:
    """The values padded (with repeats) to a power of two, so a query built from them takes one of
    a few shapes and the driver's statement cache does not fill with one shape per call."""
    values = list(values)
    if not values:
        return values
    size = 1 << (len(values) - 1).bit_length()
    return values + [values[0]] * (size - len(values))


@ForeignKey.register_lookup  # ForeignKey keeps its own lookups, so it is registered twice
@Field.register_lookup
class AnyOf(Lookup):
    """``field__any=[...]``: membership with one array parameter on PostgreSQL (``= ANY(%s)``), so a
    batch of 2,000 values is not a statement of 2,000 placeholders; ``IN (...)`` elsewhere."""

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [list(value)])

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]

    def as_sql(self, compiler, connection):
        values = padded(self.rhs)
        if not values:
            return "1 = 0", []
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


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
