"""Domain operations on leads: create and update with normalisation, duplicates and merge, stages,
tags, do-not-call, consent, notes and the outreach order.

The admin, the API, imports and the other rooms call these; each runs in one
transaction. Errors are Django ``ValidationError`` with a field map, or
``PermissionDenied``.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from core import public_ids
from core.transitions import TransitionRefused
from tenants import audit
from tenants.models import Branch, Tenant
from tenants.roles import Role, at_least
from tenants.scoping import current_tenant_id

from . import funnel, phones, scoring
from .models import (
    Consent,
    ConsentKind,
    DncSource,
    DoNotCall,
    ErasureSuppression,
    Lead,
    LeadTag,
    Note,
    PipelineSettings,
    StageChange,
    Tag,
    suppression_hash,
)
from .pipeline import STAGE_MOVES, Stage, labels_for
from .purposes import MARKETING_PURPOSES, Purpose

# --- normalisation -----------------------------------------------------------


def clean_name(value: str) -> str:
    """Trim and collapse spaces; title-case only names typed in capitals (keeps "McDonald", "de la Cruz")."""
    name = " ".join((value or "").split())
    if name and name.isupper():
        name = name.title()
    return name


# Plain addresses (most of them) pass this cheaper test; everything it accepts Django's validator
# accepts too, and anything else is decided by Django's validator.
_PLAIN_EMAIL = re.compile(r"^[a-z0-9_%+-]+(\.[a-z0-9_%+-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")


def is_email(value: str) -> bool:
    if len(value) <= 254 and _PLAIN_EMAIL.match(value):
        return True
    try:
        validate_email(value)
        return True
    except ValidationError:
        return False


def clean_email(value: str) -> str:
    email = (value or "").strip().lower()
    if email and not is_email(email):
        raise ValidationError(f"“{email}” is not an email address.")
    return email


def normalize_fields(data: dict, branch: Branch | None) -> dict:
    """Clean the person fields of ``data`` in place; raises ValidationError with a field map."""
    errors = {}
    if "phone" in data:
        try:
            data["phone"] = phones.normalize(data["phone"], phones.default_region(branch))
        except phones.InvalidPhone as exc:
            errors["phone"] = [str(exc)]
    if "email" in data:
        try:
            data["email"] = clean_email(data["email"])
        except ValidationError:
            errors["email"] = [f"“{data['email']}” is not an email address."]
    for field in ("first_name", "last_name"):
        if field in data:
            data[field] = clean_name(data[field])
    if errors:
        raise ValidationError(errors)
    return data


def branch_of(lead: Lead) -> Branch | None:
    """The branch that serves the person: theirs, else the business's first (a lead need not have one)."""
    return lead.branch if lead.branch_id else Branch.objects.order_by("pk").first()


def own_time_zone(lead: Lead) -> str | None:
    """The person's own zone, where known without a query: explicit, else the phone's area code's only zone."""
    if lead.time_zone:
        return lead.time_zone
    zones = phones.place_of(lead.phone).time_zones if lead.phone else ()
    return zones[0] if len(zones) == 1 else None


def resolved_time_zone(lead: Lead) -> str:
    """The zone to show and schedule in: explicit, else the phone's area code, else the branch's, else the tenant's."""
    if own := own_time_zone(lead):
        return own
    if lead.branch_id and lead.branch:
        return lead.branch.time_zone
    tenant = Tenant.objects.filter(pk=lead.tenant_id).only("time_zone").first()
    return tenant.time_zone if tenant else "UTC"


# --- duplicates ---------------------------------------------------------------


class DuplicateLead(ValidationError):
    """Another lead has this phone (or email). The API answers 409 with the existing lead's id."""

    api_status = 409
    api_code = "duplicate"

    def __init__(self, existing: Lead, field: str):
        self.existing = existing
        self.api_extra = {"existing_id": public_ids.of(existing), "field": field}
        super().__init__({field: [f"Another lead ({existing}) already has this {field}."]})


def find_duplicates(lead: Lead) -> models.QuerySet:
    """Other leads of the tenant with the same phone, or the same (non-empty) email."""
    match = Q(phone=lead.phone)
    if lead.email:
        match |= Q(email=lead.email)
    return Lead.objects.filter(match).exclude(pk=lead.pk).order_by("created_at")


# --- create and update ---------------------------------------------------------


LEAD_FIELDS = {
    "branch",
    "first_name",
    "last_name",
    "phone",
    "email",
    "source",
    "stage",
    "lost_reason",
    "owner",
    "interest",
    "time_zone",
    "region",
    "notes",
    "custom_fields",
    "next_action_at",
    "created_at",
}


def is_erased(phone: str) -> bool:
    return ErasureSuppression.objects.filter(phone_hash=suppression_hash(current_tenant_id(), phone)).exists()


def clean_lead_data(data: dict, lead: Lead | None = None, *, check_email_duplicates: bool = True) -> dict:
    """The lead fields of ``data``, cleaned, if ``create_lead`` (``lead`` None) or ``update_lead`` would
    take them; else ValidationError with a field map (``DuplicateLead`` for a number or email taken).
    Writes nothing, so a form can show every problem before anything is saved."""
    data = {k: v for k, v in data.items() if k in LEAD_FIELDS}
    normalize_fields(data, data.get("branch", lead.branch if lead is not None else None))
    if lead is None:
        if is_erased(data.get("phone", "")):
            raise ValidationError({"phone": ["This person asked to be erased; they cannot be added again."]})
        if data.get("stage", Stage.NEW) == Stage.LOST and not data.get("lost_reason"):
            raise ValidationError({"lost_reason": ["Say why the lead was lost."]})
        existing = Lead.objects.filter(phone=data.get("phone", "")).first()
        if existing is not None:
            raise DuplicateLead(existing, "phone")
        if check_email_duplicates and data.get("email"):
            existing = Lead.objects.filter(email=data["email"]).first()
            if existing is not None:
                raise DuplicateLead(existing, "email")
        return data
    if "phone" in data and data["phone"] != lead.phone:
        existing = Lead.objects.filter(phone=data["phone"]).exclude(pk=lead.pk).first()
        if existing is not None:
            raise DuplicateLead(existing, "phone")
    to_stage = data.get("stage")
    if to_stage is not None and to_stage != lead.stage:
        check_move(lead.stage, to_stage, data.get("lost_reason") or lead.lost_reason)
    return data


@transaction.atomic
def create_lead(data: dict, *, actor=None, tags=(), check_email_duplicates: bool = True) -> Lead:
    """Create a lead from clean-able data; raises DuplicateLead if the phone (or email) is taken."""
    lead = Lead(**clean_lead_data(data, check_email_duplicates=check_email_duplicates))
    scoring.apply_scores([lead])
    try:
        with transaction.atomic():
            lead.save()
    except IntegrityError:
        raise DuplicateLead(Lead.objects.get(phone=lead.phone), "phone") from None
    if tags:
        add_tags(lead, tags)
    return lead


@transaction.atomic
def update_lead(lead: Lead, data: dict, *, actor=None) -> Lead:
    """Change fields of a lead; a stage change goes through ``change_stage`` (history, rules)."""
    data = clean_lead_data(data, lead)
    new_stage = data.pop("stage", None)
    for field, value in data.items():
        setattr(lead, field, value)
    change = None
    if new_stage is not None and new_stage != lead.stage:
        change = change_stage(lead, new_stage, actor=actor, lost_reason=data.get("lost_reason", ""), save=False)
    scoring.apply_scores([lead])
    lead.save()
    if change is not None:
        change.save()
    return lead


# --- stages -------------------------------------------------------------------------


def stage_labels() -> dict[str, str]:
    tenant = Tenant.objects.get(pk=current_tenant_id())
    settings = PipelineSettings.objects.first()
    return labels_for(tenant.vertical, settings.stage_labels if settings else None)


def check_move(from_stage: str, to_stage: str, lost_reason: str = "") -> None:
    """Refuse (ValidationError) a move the pipeline does not allow, and a move to lost without a reason."""
    if to_stage not in Stage.values:
        raise ValidationError({"stage": [f"“{to_stage}” is not a stage."]})
    if not STAGE_MOVES.allows(from_stage, to_stage):
        labels = stage_labels()
        raise TransitionRefused(f"A lead cannot move from {labels[from_stage]} to {labels[to_stage]}.", "stage")
    if to_stage == Stage.LOST and not lost_reason:
        raise ValidationError({"lost_reason": ["Say why the lead was lost."]})


def change_stage(
    lead: Lead, to_stage: str, *, actor=None, reason: str = "", lost_reason: str = "", save: bool = True
) -> StageChange:
    """Move a lead along its pipeline, recording who and when; refuses moves the pipeline does not allow.
    With ``save=False`` the lead is changed but not saved, and the caller saves the returned change after it."""
    check_move(lead.stage, to_stage, lost_reason or lead.lost_reason)
    if to_stage == Stage.LOST:
        lead.lost_reason = lost_reason or lead.lost_reason
    change = StageChange(
        lead=lead,
        from_stage=lead.stage,
        to_stage=to_stage,
        reason=reason,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    lead.stage = to_stage
    if save:
        with transaction.atomic():
            # Compare-and-swap: a lead moved meanwhile (another tab, a call's outcome) is not moved from a stale stage.
            if lead.pk is not None and not STAGE_MOVES.swap(lead, change.from_stage, to_stage):
                lead.stage = change.from_stage
                raise TransitionRefused("The lead's stage changed meanwhile; reload and try again.", "stage")
            scoring.apply_scores([lead])
            lead.save(update_fields=["stage", "lost_reason", "score", "score_explanation", "updated_at"])
            change.save()
    return change


@transaction.atomic
def change_stage_bulk(queryset, to_stage: str, *, actor=None, lost_reason: str = "") -> tuple[int, int]:
    """Move many leads; those whose pipeline forbids the move are left alone. Returns (moved, refused)."""
    if to_stage == Stage.LOST and not lost_reason:
        raise ValidationError({"lost_reason": ["Say why the leads were lost."]})
    allowed_from = STAGE_MOVES.sources(to_stage)
    movable = list(queryset.filter(stage__in=allowed_from).values_list("pk", "stage"))
    refused = queryset.exclude(stage__in=allowed_from).exclude(stage=to_stage).count()
    ids = [pk for pk, _ in movable]
    now = timezone.now()
    changer = actor if actor is not None and actor.is_authenticated else None
    StageChange.objects.bulk_create(
        [
            StageChange(lead_id=pk, from_stage=stage, to_stage=to_stage, changed_by=changer, changed_at=now)
            for pk, stage in movable
        ]
    )
    # The stage they leave counts in how far along the funnel they got (set from the old values).
    update = {"stage": to_stage, "updated_at": now, "funnel_step": funnel.furthest_step(F("funnel_step"), to_stage)}
    if to_stage == Stage.LOST:
        update["lost_reason"] = lost_reason
    Lead.objects.filter(pk__in=ids).update(**update)
    scoring.rescore(Lead.objects.filter(pk__in=ids))
    audit.record(
        "leads.stage_changed", object_type="leads.lead", object_id=f"{len(ids)} leads", changes={"to": to_stage}
    )
    return len(ids), refused


def mark_attempted(lead: Lead, when=None) -> None:
    """A call to the lead was placed: the first attempt starts the speed-to-lead clock (docs/kpis.md#speed-to-lead)."""
    when = when or timezone.now()
    Lead.objects.filter(pk=lead.pk, first_contacted_at__isnull=True).update(first_contacted_at=when)
    lead.first_contacted_at = lead.first_contacted_at or when


def mark_contacted(lead: Lead, when=None) -> None:
    """A call reached the lead (a person or their voicemail): last contact, and first contact if none yet."""
    when = when or timezone.now()
    lead.last_contacted_at = when
    if lead.first_contacted_at is None:
        lead.first_contacted_at = when
    lead.save(update_fields=["last_contacted_at", "first_contacted_at", "updated_at"])


# --- tags --------------------------------------------------------------------------------


def tags_named(names) -> list[Tag]:
    """The tenant's tags with these names (case-insensitive), created if missing."""
    wanted: dict[str, str] = {}
    for name in names:
        cleaned = " ".join(str(name).split())[:60]
        if cleaned:
            wanted.setdefault(cleaned.lower(), cleaned)
    if not wanted:
        return []

    def existing():
        found = Tag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=list(wanted))
        return {tag.lower_name: tag for tag in found}

    tags = existing()
    missing = [Tag(name=name) for key, name in wanted.items() if key not in tags]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)  # a concurrent request may create them too
        tags = existing()
    return [tags[key] for key in wanted]


def _tag_objects(tags) -> list[Tag]:
    names = [t for t in tags if not isinstance(t, Tag)]
    objects = [t for t in tags if isinstance(t, Tag)]
    return objects + tags_named(names)


def add_tags(lead: Lead, tags) -> list[Tag]:
    tag_objects = _tag_objects(tags)
    LeadTag.objects.bulk_create([LeadTag(lead=lead, tag=tag) for tag in tag_objects], ignore_conflicts=True)
    return tag_objects


def remove_tags(lead: Lead, tags) -> None:
    tag_objects = _tag_objects(tags)
    LeadTag.objects.filter(lead=lead, tag__in=tag_objects).delete()


def tag_leads(queryset, tags) -> int:
    """Add tags to every lead of ``queryset`` (bulk action)."""
    tag_objects = _tag_objects(tags)
    ids = list(queryset.values_list("pk", flat=True))
    LeadTag.objects.bulk_create(
        [LeadTag(lead_id=pk, tag=tag) for pk in ids for tag in tag_objects], ignore_conflicts=True, batch_size=5000
    )
    return len(ids)


def assign_owner(queryset, owner) -> int:
    from tenants.related import scoped_queryset_for

    if owner is not None and not scoped_queryset_for(type(owner)).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": ["That person does not work in this tenant."]})
    return queryset.update(owner=owner, updated_at=timezone.now())


# --- notes ------------------------------------------------------------------------------


def add_note(lead: Lead, body: str, *, actor=None) -> Note:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["A note needs some text."]})
    return Note.objects.create(lead=lead, body=body, author=actor if actor and actor.is_authenticated else None)


# --- do-not-call --------------------------------------------------------------------------


def is_on_dnc(phone: str) -> bool:
    return DoNotCall.objects.filter(phone=phone).exists()


def add_dnc(phone: str, *, reason: str = "", source: str = DncSource.STAFF, actor=None) -> DoNotCall:
    """Put a number on the do-not-call list (idempotent). Takes effect for every campaign at once."""
    try:
        phone = phones.normalize(phone, phones.default_region())
    except phones.InvalidPhone as exc:
        raise ValidationError({"phone": [str(exc)]}) from None
    entry, created = DoNotCall.objects.get_or_create(
        phone=phone,
        defaults={
            "reason": reason,
            "source": source,
            "created_by": actor if actor and actor.is_authenticated else None,
        },
    )
    if created:
        audit.record("dnc.added", entry, changes={"reason": reason, "source": source})
    return entry


def add_dnc_bulk(queryset, *, reason: str, actor=None) -> int:
    phones_ = set(queryset.values_list("phone", flat=True))
    existing = set(DoNotCall.objects.filter(phone__in=phones_).values_list("phone", flat=True))
    creator = actor if actor and actor.is_authenticated else None
    DoNotCall.objects.bulk_create(
        [DoNotCall(phone=p, reason=reason, source=DncSource.STAFF, created_by=creator) for p in phones_ - existing],
        ignore_conflicts=True,
    )
    audit.record("dnc.added", object_type="leads.donotcall", object_id=f"{len(phones_ - existing)} numbers")
    return len(phones_ - existing)


def _role(actor) -> str | None:
    from tenants.backends import active_membership

    if actor is None:
        return None
    if actor.is_superuser:
        return Role.OWNER
    membership = active_membership(actor, current_tenant_id())
    return membership.role if membership else None


@transaction.atomic
def remove_dnc(entry: DoNotCall, *, actor, reason: str) -> None:
    """Take a number off the list: managers and above only, with a reason, audited."""
    if not at_least(_role(actor), Role.MANAGER):
        raise PermissionDenied("Only a manager or above can take a number off the do-not-call list.")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why this number may be called again."]})
    audit.record("dnc.removed", entry, changes={"phone": entry.phone, "reason": reason.strip()})
    entry.delete()


# --- consent --------------------------------------------------------------------------------


def record_consent(
    lead: Lead, *, kind: str, source: str, purposes=(), phone: str = "", actor=None, **evidence
) -> Consent:
    consent = Consent(
        lead=lead,
        kind=kind,
        source=source,
        purposes=list(purposes),
        phone=phone or lead.phone,
        recorded_by=actor if actor and actor.is_authenticated else None,
        **{k: v for k, v in evidence.items() if k in ("captured_at", "source_detail", "disclosure_version")},
    )
    consent.full_clean(exclude=["lead", "recorded_by"])
    consent.save()
    audit.record("consent.recorded", consent, changes={"kind": kind, "purposes": list(purposes)})
    return consent


def revoke_consent(consent: Consent, *, actor=None) -> Consent:
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        audit.record("consent.revoked", consent)
    return consent


def active_consents(lead: Lead):
    return Consent.objects.filter(lead=lead, phone=lead.phone, revoked_at__isnull=True)


def consented_purposes(lead: Lead) -> list[str]:
    """The purposes someone may be called for by their consents: a marketing purpose needs written consent
    (docs/compliance.md#consent)."""
    consents = list(active_consents(lead))
    return [
        purpose
        for purpose in Purpose.values
        if any(
            c.covers(purpose) and (purpose not in MARKETING_PURPOSES or c.kind == ConsentKind.EXPRESS_WRITTEN)
            for c in consents
        )
    ]


def why_not_called(lead: Lead) -> str | None:
    """In plain words, why the AI never calls this person, and what would change it; None when it may."""
    if is_on_dnc(lead.phone):
        return "Never called: this number is on the do-not-call list (they asked not to be called)."
    if not consented_purposes(lead):
        return (
            "Not called: no consent to be called is recorded. Add one under Consents on this page "
            "(how they agreed, and for which calls)."
        )
    return None


def callable_for(lead: Lead) -> str:
    """The kinds of call someone's consents allow, in words (for a lead that ``why_not_called`` clears)."""
    allowed = consented_purposes(lead)
    if len(allowed) == len(Purpose.values):
        return "every kind of call"
    words = ", ".join(str(Purpose(p).label) for p in allowed)
    spoken_for_sales = any(
        c.kind != ConsentKind.EXPRESS_WRITTEN and any(c.covers(p) for p in MARKETING_PURPOSES)
        for c in active_consents(lead)
    )
    if spoken_for_sales and not MARKETING_PURPOSES & set(allowed):
        words += " (not sales calls: those need written consent)"
    return words


# --- merge --------------------------------------------------------------------------------------


@dataclass
class MergeResult:
    survivor: Lead
    moved: dict[str, int]


@transaction.atomic
def merge_leads(survivor: Lead, duplicate: Lead, *, actor=None) -> MergeResult:
    """Fold ``duplicate`` into ``survivor``: calls, appointments, tags, vehicles, consents and notes move over;
    empty fields of the survivor are filled from the duplicate; the duplicate is deleted. Audited."""
    if survivor.pk == duplicate.pk:
        raise ValidationError({"other": ["A lead cannot be merged into itself."]})
    survivor = Lead.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Lead.objects.select_for_update().get(pk=duplicate.pk)
    moved: dict[str, int] = {}

    tag_ids = set(LeadTag.objects.filter(lead=duplicate).values_list("tag_id", flat=True))
    LeadTag.objects.bulk_create([LeadTag(lead=survivor, tag_id=t) for t in tag_ids], ignore_conflicts=True)
    moved["tags"] = len(tag_ids)

    for relation in Lead._meta.related_objects:
        model = relation.related_model
        if not relation.one_to_many or model._meta.auto_created:  # the tags link is merged above
            continue
        handler = getattr(model, "on_lead_merge", None)
        if handler is not None:
            moved[str(model._meta.verbose_name_plural)] = handler(survivor, duplicate)
            continue
        moved[str(model._meta.verbose_name_plural)] = model.all_tenants.filter(
            **{relation.field.name: duplicate}
        ).update(**{relation.field.name: survivor})

    filled = []
    for field in ("first_name", "last_name", "email", "interest", "region", "time_zone", "branch_id", "owner_id"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
            filled.append(field)
    survivor.custom_fields = {**duplicate.custom_fields, **survivor.custom_fields}
    if duplicate.notes:
        survivor.notes = "\n\n".join(filter(None, [survivor.notes, duplicate.notes]))
    for field in ("first_contacted_at", "last_contacted_at"):
        values = [v for v in (getattr(survivor, field), getattr(duplicate, field)) if v]
        if values:
            setattr(survivor, field, min(values) if field == "first_contacted_at" else max(values))
    survivor.created_at = min(survivor.created_at, duplicate.created_at)

    Note.objects.create(
        lead=survivor,
        body=(
            f"Merged a duplicate lead ({duplicate.full_name or '—'}, {duplicate.phone}, "
            f"{duplicate.email or 'no email'})."
        ),
        author=actor if actor and actor.is_authenticated else None,
    )
    audit.record(
        "lead.merged",
        survivor,
        changes={
            "merged_lead": duplicate.pk,
            "merged_phone": duplicate.phone,
            "merged_email": duplicate.email,  # what erasing the survivor must also find (leads.privacy)
            "moved": moved,
            "filled": filled,
        },
    )
    duplicate.delete()
    scoring.apply_scores([survivor])
    survivor.save()
    return MergeResult(survivor, moved)


# --- outreach order -------------------------------------------------------------------------------


def prioritized(queryset):
    """New, never-contacted leads first (longest waiting first: speed to lead), then by score, then by
    next action time (soonest first, none last)."""
    return queryset.annotate(
        waiting=Case(
            When(stage=Stage.NEW, first_contacted_at__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by(
        "waiting",
        Case(When(stage=Stage.NEW, first_contacted_at__isnull=True, then=F("created_at"))).asc(nulls_last=True),
        F("score").desc(),
        F("next_action_at").asc(nulls_last=True),
        "pk",
    )
