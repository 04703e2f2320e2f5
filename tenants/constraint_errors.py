"""A row that would break a unique rule is refused in words, on the field it is about: "There is already a
tag with this name.", not a database error (a 500) nor "Constraint “tag_name_unique_per_tenant_ci” is
violated.". Used by TenantOwnedModel.validate_constraints, so every form (the admin's, an import's) checks
each tenant's unique rules before saving."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router


def _field_names(constraint) -> list[str]:
    """The fields a unique rule is about, the tenant left out ("tenant", Lower("name") → ["name"])."""
    names = list(constraint.fields)
    stack = list(constraint.expressions)
    while stack:
        expression = stack.pop(0)
        if isinstance(expression, str):
            names.append(expression)
        elif isinstance(expression, models.F):
            names.append(expression.name)
        else:
            stack[:0] = expression.get_source_expressions()
    return [name for name in names if name != "tenant"]


def _in_words(model, constraint, fields: list[str]) -> str:
    labels = " and ".join(str(model._meta.get_field(name).verbose_name) for name in fields)
    return f"There is already a {model._meta.verbose_name} with this {labels}."


def validate(instance, exclude) -> None:
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict[str, list] = {}
    for model, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model, instance, exclude=exclude, using=using)
            except ValidationError as error:
                fields = _field_names(constraint) if isinstance(constraint, models.UniqueConstraint) else []
                custom = constraint.violation_error_message != constraint.default_violation_error_message
                if not fields or custom:
                    errors.setdefault(NON_FIELD_ERRORS, []).extend(error.messages)
                    continue
                where = fields[0] if len(fields) == 1 else NON_FIELD_ERRORS
                errors.setdefault(where, []).append(ValidationError(_in_words(model, constraint, fields), "unique"))
    if errors:
        raise ValidationError(errors)
