"""Database helpers with no notion of tenants: ``field__any=[...]`` and the padding that keeps its
statements few. Registered when ``tenants`` is ready (``tenants.apps``)."""

from django.db.models import Field, ForeignKey, Lookup


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
