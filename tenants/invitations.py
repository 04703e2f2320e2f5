"""Inviting a person who already has an account (with another business, or none active here): they are
asked, never linked behind their back (docs/operations.md#security).

The membership waits as ``invited`` (and inactive: no rights here) until they open the link in the email
while signed in as themselves and accept. Until then the business sees only the email it typed: not the
person's name, not their account. A link is good for ``VALID_DAYS`` and only for the person it was sent to.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.throttling import too_often

from . import audit
from .models import Membership, Tenant
from .scoping import tenant_scope

SALT = "tenants.invitation"
VALID_DAYS = 7
INVITES_PER_EMAIL = 3  # an hour, whoever sends them: the form cannot flood an inbox


class InvalidInvitation(Exception):
    """The link is unreadable, too old, for someone else, or no longer waiting."""


def link_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk, "u": membership.user_id}, salt=SALT)


def invite(user, *, role: str, default_branch=None, actor=None, request=None) -> Membership:
    """The person's membership waits, invited and without rights, and they get an email with the link to
    accept (and, for an account without a password yet, the link to choose one)."""
    if too_often("invitation", user.email.lower(), INVITES_PER_EMAIL):
        raise ValidationError({"email": [f"{user.email} was invited {INVITES_PER_EMAIL} times this hour: wait."]})
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "default_branch": default_branch, "is_active": False, "invited": True}
    )
    audit.record("member.invited", membership, changes={"email": user.email, "role": role})
    base = f"{'https' if request and request.is_secure() else 'http'}://{request.get_host()}" if request else ""
    context = {
        "tenant_name": Tenant.objects.get(pk=membership.tenant_id).name,
        "role": membership.get_role_display().lower(),
        "email": user.email,
        "valid_days": VALID_DAYS,
        "join_url": base + reverse("join-tenant", args=[link_token(membership)]),
        "set_password_url": "",
    }
    if not user.has_usable_password():
        uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
        context["set_password_url"] = base + reverse("password_reset_confirm", args=[uid, token])
    subject = render_to_string("tenants/invitation_subject.txt", context).strip()
    body = render_to_string("tenants/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])  # the last step of add_member: nothing after it can fail
    return membership


def pending(token: str, user) -> Membership:
    """The invitation behind a link, for the signed-in ``user``; raises InvalidInvitation."""
    try:
        data = signing.loads(token, salt=SALT, max_age=VALID_DAYS * 86400)
    except signing.BadSignature as exc:
        raise InvalidInvitation("This invitation link is not valid or has expired.") from exc
    membership = Membership.all_tenants.select_related("tenant").filter(pk=data.get("m"), invited=True).first()
    if membership is None or membership.user_id != data.get("u") or membership.user_id != user.pk:
        raise InvalidInvitation("This invitation is not waiting for this account.")
    return membership


@transaction.atomic
def accept(membership: Membership) -> Membership:
    with tenant_scope(membership.tenant_id):
        updated = Membership.objects.filter(pk=membership.pk, invited=True).update(invited=False, is_active=True)
        if not updated:
            raise InvalidInvitation("This invitation was already answered or withdrawn.")
        membership.refresh_from_db()
        membership.save(update_fields=["is_active"])  # through save(): the user's cached memberships are forgotten
        audit.record("member.joined", membership)
    return membership


def without_name_matches(queryset, term: str):
    """A search of members by name must not tell what an invited person's account is called: invited
    people are found by the email the business typed only."""
    from django.db.models import Q

    if not term:
        return queryset
    return queryset.exclude(Q(invited=True) & ~Q(user__email__icontains=term))
