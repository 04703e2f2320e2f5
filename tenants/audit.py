"""The audit log: one mechanism for every admin change and every API write.

Requests (the admin middleware and the base API view) open an
``audit_context`` naming the actor and their IP. While one is open, every save
and delete of a tenant-owned model (and of Tenant) is written to ``AuditLog``
with the fields that changed. Domain operations that are more than a row
change (a merge, an erasure, a do-not-call removal) call ``record`` with their
own action name. Work outside a request (imports run by Celery, webhooks) is
not audited row by row; its services record what matters.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from .scoping import get_current_tenant_id

REDACTED = "•••"


@dataclass(frozen=True)
class AuditActor:
    user_id: int | None
    ip_address: str | None


_actor: ContextVar[AuditActor | None] = ContextVar("audit_actor", default=None)


@contextmanager
def audit_context(user, ip_address: str | None) -> Iterator[None]:
    user_id = user.pk if user is not None and user.is_authenticated else None
    token = _actor.set(AuditActor(user_id, ip_address))
    try:
        yield
    finally:
        _actor.reset(token)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXIES`` proxies the address the outermost
    trusted one saw (the same rule as the API's rate limits)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not proxies or not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


def _described(obj) -> str:
    """How the row reads in the log. A row deleted in a cascade may name relations already gone."""
    try:
        return str(obj)
    except ObjectDoesNotExist:
        return f"{obj._meta.verbose_name} (deleted with its parent)"


def record(action: str, obj=None, *, changes=None, tenant_id=None, object_type="", object_id="") -> None:
    """Write one audit entry for ``obj`` (or the given type and id) in the tenant in scope."""
    from .models import AuditLog

    if _suspended.get():
        return
    actor = _actor.get()
    tenant_id = tenant_id or getattr(obj, "tenant_id", None) or get_current_tenant_id()
    if tenant_id is None:
        return
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    AuditLog.all_tenants.create(
        tenant_id=tenant_id,
        actor_id=actor.user_id if actor else None,
        ip_address=actor.ip_address if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=_described(obj)[:200] if obj is not None else "",
        changes=changes or {},
    )


# --- the signal half: row changes while an audit context is open ------------


def _is_audited(model) -> bool:
    """Tenant and every tenant-owned model, except high-volume ones marked ``audit_exempt``."""
    from .models import AuditLog, Tenant, TenantOwnedModel

    if model is Tenant:
        return True
    return (
        issubclass(model, TenantOwnedModel)
        and model is not AuditLog
        and not model._meta.abstract
        and not getattr(model, "audit_exempt", False)
    )


_suspended: ContextVar[bool] = ContextVar("audit_suspended", default=False)


@contextmanager
def suspend_audit() -> Iterator[None]:
    """For whole-tenant deletion: the rows go, and so does their log."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def _active() -> bool:
    return _actor.get() is not None and not _suspended.get()


def _tenant_id_of(instance):
    from .models import Tenant

    return instance.pk if isinstance(instance, Tenant) else instance.tenant_id


def _redacted(model) -> set[str]:
    return set(getattr(model, "audit_redacted_fields", ()))


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _field_values(instance) -> dict:
    values = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            continue
        values[field.attname] = _plain(getattr(instance, field.attname))
    return values


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _active():
        return
    instance._audit_before = None
    if instance.pk is not None:
        old = sender._base_manager.filter(pk=instance.pk).first()
        instance._audit_before = _field_values(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _active():
        return
    before = getattr(instance, "_audit_before", None)
    after = _field_values(instance)
    redacted = _redacted(sender)
    changes = {}
    for name, new in after.items():
        old = None if before is None else before.get(name)
        if created or old != new:
            if name in redacted:
                changes[name] = [REDACTED, REDACTED]
            else:
                changes[name] = [old, new] if not created else [None, new]
    if not created and not changes:
        return
    record("create" if created else "update", instance, changes=changes, tenant_id=_tenant_id_of(instance))


def _after_delete(sender, instance, **kwargs):
    if not _active():
        return
    from .models import Tenant

    if isinstance(instance, Tenant):
        return  # its audit log goes with it
    record("delete", instance, tenant_id=_tenant_id_of(instance))


def _after_move(sender, instance, action, changes, **kwargs):
    record(action, instance, changes=changes)


def connect_signals() -> None:
    """Connect per audited model, so unaudited models keep Django's fast cascade deletes; and record every
    state-machine move (core.transitions)."""
    from django.apps import apps

    from core.transitions import moved_signal

    moved_signal.connect(_after_move, dispatch_uid="audit-after-move")

    for model in apps.get_models():
        if _is_audited(model):
            uid = model._meta.label_lower
            pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit-before-save:{uid}")
            post_save.connect(_after_save, sender=model, dispatch_uid=f"audit-after-save:{uid}")
            post_delete.connect(_after_delete, sender=model, dispatch_uid=f"audit-after-delete:{uid}")


def shown(object_type: str, object_id: str, changes: dict) -> tuple[str, dict]:
    """An entry's object and changes as staff see them: rows by public id (core.public_ids), never by key,
    and without the tenant's key."""
    from django.apps import apps

    from core import public_ids

    try:
        model = apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        model = None
    if model is None:
        return "", {k: v for k, v in (changes or {}).items() if k != "tenant_id"}
    named = {field.attname: field.related_model for field in model._meta.concrete_fields if field.is_relation}
    named[model._meta.pk.attname] = model

    def as_shown(key, value):
        related = named.get(key)
        if related is None or isinstance(value, bool) or not isinstance(value, int):
            return value
        return public_ids.encode(related, value)

    shown_changes = {}
    for key, value in (changes or {}).items():
        if key == "tenant_id":
            continue
        pair = isinstance(value, list) and len(value) == 2
        shown_changes[key] = [as_shown(key, v) for v in value] if pair else as_shown(key, value)
    shown_id = public_ids.encode(model, int(object_id)) if str(object_id).isdigit() else ""
    return shown_id, shown_changes
