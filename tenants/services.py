"""Domain operations of the tenants room: creating tenants, and managing who works in them.

The admin, the users API and ``seed_demo`` all call these; the rules (only an
owner makes owners, a tenant always keeps an active owner, you cannot demote
yourself) live here and nowhere else.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import audit, invitations
from .models import Membership, Tenant
from .roles import Role, at_least
from .scoping import current_tenant_id, tenant_scope
from .signals import tenant_created


@transaction.atomic
def create_tenant(**fields) -> Tenant:
    """Create a tenant; other rooms set up their defaults through the ``tenant_created`` signal."""
    tenant = Tenant(**fields)
    tenant.full_clean()
    tenant.save()
    set_up_new_tenant(tenant)
    return tenant


def set_up_new_tenant(tenant: Tenant) -> None:
    """Let every room give a just-saved tenant its defaults (e.g. a simulator voice account)."""
    with tenant_scope(tenant.pk):
        tenant_created.send(sender=Tenant, tenant=tenant)


def _check_can_grant(actor_role: str | None, role: str, *, actor_is_superuser: bool) -> None:
    if actor_is_superuser:
        return
    if not at_least(actor_role, Role.ADMIN):
        raise PermissionDenied("Only owners and admins manage staff.")
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise PermissionDenied("Only an owner can make someone an owner.")


def _actor_role(actor, tenant_id: int) -> str | None:
    membership = (
        Membership.objects.unscoped().filter(user=actor, tenant_id=tenant_id, is_active=True).first()
        if actor is not None
        else None
    )
    return membership.role if membership else None


def _check_keeps_an_owner(membership: Membership) -> None:
    others = (
        Membership.objects.filter(role=Role.OWNER, is_active=True, user__is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise ValidationError("A tenant must keep at least one active owner.")


def check_new_member(*, email: str, role: str, actor) -> None:
    """Raise PermissionDenied or ValidationError if ``actor`` may not add ``email`` with ``role``."""
    tenant_id = current_tenant_id()
    _check_can_grant(
        _actor_role(actor, tenant_id),
        role,
        actor_is_superuser=actor is None or actor.is_superuser,
    )
    existing = Membership.objects.filter(user__email__iexact=email.strip(), is_active=True).first()
    if existing is not None:
        raise ValidationError({"email": f"{email.strip().lower()} is already a member of this tenant."})


def check_role_change(membership: Membership, role: str, *, actor) -> None:
    actor_role = _actor_role(actor, membership.tenant_id)
    _check_can_grant(actor_role, role, actor_is_superuser=actor.is_superuser)
    if actor.pk == membership.user_id and not actor.is_superuser:
        raise PermissionDenied("You cannot change your own role.")
    if membership.role == Role.OWNER and actor_role != Role.OWNER and not actor.is_superuser:
        raise PermissionDenied("Only an owner can change an owner's role.")
    if membership.role == Role.OWNER and role != Role.OWNER:
        _check_keeps_an_owner(membership)


def check_active_change(membership: Membership, active: bool, *, actor) -> None:
    actor_role = _actor_role(actor, membership.tenant_id)
    _check_can_grant(actor_role, membership.role, actor_is_superuser=actor.is_superuser)
    if active and membership.invited:
        raise ValidationError({"is_active": ["This person has not accepted the invitation yet: only they can."]})
    if actor.pk == membership.user_id and not active:
        raise PermissionDenied("You cannot deactivate yourself.")
    if not active and membership.role == Role.OWNER:
        _check_keeps_an_owner(membership)


@transaction.atomic
def add_member(
    *,
    email: str,
    role: str,
    actor=None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    default_branch=None,
    request=None,
) -> Membership:
    """Give a person (new or existing user, found by email) a role in the tenant in scope.

    A former member of this tenant is simply active again. Anyone else is invited (tenants.invitations):
    a new account is made for a new email (with the password given, else they choose one from the email),
    and every invited person joins only once they accept, so the answer is the same whether the email
    had an account or not and nobody is linked behind their back.
    """
    check_new_member(email=email, role=role, actor=actor)
    User = get_user_model()
    email = email.strip().lower()
    user = User._default_manager.filter(email__iexact=email).first()
    former = Membership.objects.filter(user=user, invited=False).first() if user is not None else None
    if former is not None:
        former.role, former.default_branch, former.is_active = role, default_branch, True
        former.save()
        audit.record("member.added", former, changes={"email": email, "role": role})
        return former
    # One check whether the email has an account or not, so the answer tells nothing about it: the new
    # account's fields and the password as they would be for a new person (an existing account keeps its own).
    candidate = User(username=email, email=email, first_name=first_name, last_name=last_name, is_staff=True)
    candidate.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    if password:
        try:
            validate_password(password, candidate)  # the same validators as every other door that sets one
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    if user is None:
        user = candidate
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return invitations.invite(user, role=role, default_branch=default_branch, actor=actor, request=request)


@transaction.atomic
def change_role(membership: Membership, role: str, *, actor) -> Membership:
    check_role_change(membership, role, actor=actor)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record("member.role_changed", membership, changes={"role": [old, role]})
    return membership


@transaction.atomic
def set_member_active(membership: Membership, active: bool, *, actor) -> Membership:
    check_active_change(membership, active, actor=actor)
    membership.is_active = active
    withdrawn = not active and membership.invited
    membership.invited = membership.invited and active  # deactivating withdraws an invitation: its link dies
    membership.save(update_fields=["is_active", "invited"])
    audit.record(
        "member.activated" if active else "invitation.withdrawn" if withdrawn else "member.deactivated", membership
    )
    return membership
