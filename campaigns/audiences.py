"""Who a campaign calls: the audience definition, as a lead queryset, and its preview.

An audience is a ``kind`` plus optional narrowing filters, stored as JSON on the campaign:

- ``{"kind": "filter", ...}``: every lead the filters keep;
- ``{"kind": "leads", "lead_ids": [...]}``: an explicit list;
- ``{"kind": "service_due", "within_days": 30}``: dealerships, a vehicle due for service within N days;
- ``{"kind": "recall", "vins": [...]}``: dealerships, the owners of these VINs (an uploaded recall list);
- ``{"kind": "speed_to_lead", "within_minutes": 5}``: gyms, a standing campaign: new leads (of the last
  day) nobody contacted within N minutes, enrolled as they arrive (imported history is no arrival:
  leads.importing.history);
- ``{"kind": "no_shows", "since_days": 30}`` and ``{"kind": "attended_not_joined", "since_days": 60}``;
- ``{"kind": "follow_ups"}``: nobody at the start; it takes the leads its follow-up rules send.

Filters, for any kind: ``stages``, ``tags`` (ids), ``sources``, ``branch``, ``created_after``,
``created_before``, ``score_min``, ``score_max``, ``not_contacted_days`` (no contact for N days).

The preview says who would be called and who is skipped, each skipped lead with the reason in words
(campaigns.models.SKIP_LABELS), and, for a recall, the VINs that matched no vehicle. It counts the whole audience
in SQL, but puts at most PREVIEW_CHECKED leads through the compliance gate: a larger audience is estimated from an
spread of it, and the preview says so (``estimated``, ``checked``). The spread is the leads whose id, mixed by
Knuth's multiplicative hash, falls in the lowest PREVIEW_CHECKED/total of the hash's range: one pass of arithmetic
over the audience (no sort, no window), and unbiased whatever pattern the ids follow (a tenant whose leads hold
every other id, because another tenant imported beside it, is sampled as evenly as one with consecutive ids). A
million leads are previewed in about the time of two thousand; the campaign, once started, checks every one.
"""

from collections import Counter
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import public_ids
from leads.importing.history import arrivals
from leads.models import Lead, LeadTag, StageChange, Tag, Vehicle
from leads.pipeline import Stage

from .models import SKIP_LABELS, AudienceKind

PREVIEW_BATCH = 2000
PREVIEW_CHECKED = 2000  # the most leads a preview puts through the gate; above, an even spread of about this many
SPREAD_MIX = 2654435761  # Knuth's multiplicative hash: id * SPREAD_MIX mod 2**32 spreads ids evenly over the range
SPREAD_RANGE = 2**32
PREVIEW_SKIPPED_LISTED = 200  # the skipped leads a preview names (all are counted)
SPEED_TO_LEAD_HORIZON = timedelta(days=1)


def problems(audience: dict) -> list[tuple[str, str]]:
    """Every problem of an audience, as (path, message): its shape (campaigns.schemas.AUDIENCE), what its kind
    needs, and the tenant's own rows (``("tags.0", "No such tag.")``)."""
    from core.shapes import problems as shape_problems

    from .schemas import AUDIENCE

    found = shape_problems(AUDIENCE, audience)
    if not found:
        kind = audience.get("kind", AudienceKind.FILTER)
        if kind == AudienceKind.LEADS and not audience.get("lead_ids"):
            found.append(("lead_ids", "List the leads to call."))
        if kind == AudienceKind.RECALL and not audience.get("vins"):
            found.append(("vins", "List the VINs of the recall."))
        found += _foreign_ids(audience)
    return found


def validate(audience: dict) -> dict:
    """The audience, checked (``problems``); raises ValidationError with one message per problem, each naming
    its path ("tags.0: No such tag.")."""
    found = problems(audience)
    if found:
        raise ValidationError([f"{path}: {message}" if path else message for path, message in found])
    return normalized(audience)


def normalized(audience: dict) -> dict:
    """A valid audience as stored: its kind first, and said (``filter`` when it was left out)."""
    kind = audience.get("kind", AudienceKind.FILTER)
    return {"kind": str(kind), **{k: v for k, v in audience.items() if k != "kind"}}


def _id_keys() -> dict:
    from tenants.models import Branch

    return {"tags": Tag, "lead_ids": Lead, "branch": Branch}


def to_public(audience: dict) -> dict:
    """The audience as the API shows it: its rows by public id (core.public_ids)."""
    shown = dict(audience or {})
    for key, model in _id_keys().items():
        value = shown.get(key)
        if isinstance(value, list):
            shown[key] = [public_ids.encode(model, pk) for pk in value]
        elif value is not None:
            shown[key] = public_ids.encode(model, value)
    return shown


def from_public(audience: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The audience as stored (keys) from the API's public ids, and each id that names nothing, at its path."""
    stored, found = dict(audience), []
    for key, model in _id_keys().items():
        value = stored.get(key)
        what = model._meta.verbose_name
        if isinstance(value, list):
            keys = [public_ids.decode(model, item) for item in value]
            found += [(f"{key}.{index}", f"No such {what}.") for index, pk in enumerate(keys) if pk is None]
            stored[key] = keys
        elif value is not None:
            stored[key] = public_ids.decode(model, value)
            if stored[key] is None:
                found.append((key, f"No such {what}."))
    return stored, found


def _foreign_ids(audience: dict) -> list[tuple[str, str]]:
    """Ids that are not rows of the tenant in scope (another tenant's are as unknown as missing ones)."""
    from tenants.models import Branch

    found = []
    for key, model, what in (("tags", Tag, "tag"), ("lead_ids", Lead, "lead")):
        wanted = set(audience.get(key) or [])
        known = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()
        found += [
            (f"{key}.{index}", f"No such {what}.")
            for index, pk in enumerate(audience.get(key) or [])
            if pk not in known
        ]
    branch = audience.get("branch")
    if branch is not None and not Branch.objects.filter(pk=branch).exists():
        found.append(("branch", "No such branch."))
    return found


def _filtered(queryset, audience: dict, now):
    if audience.get("stages"):
        queryset = queryset.filter(stage__in=audience["stages"])
    if audience.get("sources"):
        queryset = queryset.filter(source__in=audience["sources"])
    if audience.get("tags"):
        queryset = queryset.filter(Exists(LeadTag.objects.filter(lead_id=OuterRef("pk"), tag_id__in=audience["tags"])))
    if audience.get("branch"):
        queryset = queryset.filter(branch_id=audience["branch"])
    if audience.get("created_after"):
        queryset = queryset.filter(created_at__gte=parse_datetime(audience["created_after"]))
    if audience.get("created_before"):
        queryset = queryset.filter(created_at__lt=parse_datetime(audience["created_before"]))
    if audience.get("score_min") is not None:
        queryset = queryset.filter(score__gte=audience["score_min"])
    if audience.get("score_max") is not None:
        queryset = queryset.filter(score__lte=audience["score_max"])
    if audience.get("not_contacted_days"):
        cutoff = now - timedelta(days=audience["not_contacted_days"])
        queryset = queryset.filter(Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=cutoff))
    return queryset


def leads_for(audience: dict, now=None):
    """The leads an audience names (in the tenant in scope)."""
    now = now or timezone.now()
    audience = audience or {"kind": AudienceKind.FILTER}
    kind = audience.get("kind", AudienceKind.FILTER)
    queryset = Lead.objects.all()
    if kind == AudienceKind.FOLLOW_UPS:
        return queryset.none()
    if kind == AudienceKind.LEADS:
        queryset = queryset.filter(pk__in=audience.get("lead_ids") or [])
    elif kind == AudienceKind.SERVICE_DUE:
        horizon = timezone.localdate() + timedelta(days=audience.get("within_days", 30))
        queryset = queryset.filter(
            Exists(Vehicle.all_tenants.filter(lead_id=OuterRef("pk"), next_service_due__lte=horizon))
        )
    elif kind == AudienceKind.RECALL:
        vins = audience.get("vins") or []
        queryset = queryset.filter(Exists(Vehicle.all_tenants.filter(lead_id=OuterRef("pk"), vin__in=vins)))
    elif kind == AudienceKind.SPEED_TO_LEAD:
        # Arrivals: the last day's new leads nobody has contacted (not a backlog of months, nor imported history).
        queryset = queryset.filter(
            arrivals(), stage=Stage.NEW, first_contacted_at__isnull=True, created_at__gte=now - SPEED_TO_LEAD_HORIZON
        )
    elif kind in (AudienceKind.NO_SHOWS, AudienceKind.ATTENDED_NOT_JOINED):
        stage = Stage.NO_SHOW if kind == AudienceKind.NO_SHOWS else Stage.ATTENDED
        since = now - timedelta(days=audience.get("since_days", 30 if kind == AudienceKind.NO_SHOWS else 60))
        reached = StageChange.all_tenants.filter(lead_id=OuterRef("pk"), to_stage=stage, changed_at__gte=since)
        queryset = queryset.filter(stage=stage).filter(Exists(reached))
    return _filtered(queryset, audience, now)


def first_attempt_at(audience: dict, lead, start):
    """When a lead should first be tried: at once, or (speed to lead) N minutes after it arrived."""
    if audience.get("kind") == AudienceKind.SPEED_TO_LEAD:
        return max(start, lead.created_at + timedelta(minutes=audience.get("within_minutes", 5)))
    return start


def unmatched_vins(audience: dict) -> list[str]:
    """A recall's VINs that match no vehicle of the tenant, in the list's order (nobody to call about them)."""
    vins = list(dict.fromkeys((audience or {}).get("vins") or []))
    if (audience or {}).get("kind") != AudienceKind.RECALL or not vins:
        return []
    known = set(Vehicle.objects.filter(vin__any=vins).values_list("vin", flat=True))
    return [vin for vin in vins if vin not in known]


def _person(lead, stages: dict[str, str]) -> dict:
    return {
        "id": public_ids.of(lead),
        "name": lead.full_name,
        "phone": lead.phone,
        "stage": lead.stage,
        "stage_label": stages.get(lead.stage, lead.stage),
    }


def spread_below(total: int) -> int:
    """The spread takes the leads whose mixed id is below this: PREVIEW_CHECKED/total of the range."""
    return SPREAD_RANGE * PREVIEW_CHECKED // total


def _spread(queryset, total: int):
    """About PREVIEW_CHECKED leads of the audience, evenly spread over it, and whether that is not all of them."""
    if total <= PREVIEW_CHECKED:
        return queryset, False
    mixed = ExpressionWrapper(F("pk") * SPREAD_MIX % SPREAD_RANGE, output_field=BigIntegerField())
    ids = queryset.order_by().annotate(mixed=mixed).filter(mixed__lt=spread_below(total)).values_list("pk", flat=True)
    return Lead.objects.filter(pk__in=list(ids)).order_by("pk"), True


def estimated_preview(audience: dict) -> bool:
    """Whether a preview of this audience would be an estimate (more than PREVIEW_CHECKED leads): known from at
    most PREVIEW_CHECKED + 1 rows, so asking is cheap however large the audience. The campaign page then
    sends itself at once and fetches the preview after (campaigns.live.preview_view)."""
    return leads_for(audience)[: PREVIEW_CHECKED + 1].count() > PREVIEW_CHECKED


def preview(campaign, sample_size: int = 10) -> dict:
    """How many leads the audience holds, the first who would be called (``sample``), how many would be
    skipped and why, and who: the first skipped leads, each with its reason (a code, and the words staff
    read); a recall's unmatched VINs. Above PREVIEW_CHECKED leads, who would be called and who skipped are
    estimated from an even spread (``estimated``: true; ``checked``: how many were put through the gate)."""
    from calls.compliance import Reason, check_many
    from leads.services import stage_labels

    stages = stage_labels()  # the tenant's words for its stages
    audience = leads_for(campaign.audience).order_by("pk")
    total = audience.count()
    spread, estimated = _spread(audience, total)
    checked = list(spread.select_related("branch"))  # at most PREVIEW_CHECKED leads
    reasons: Counter = Counter()
    skipped_leads, callable_ = [], []
    now = timezone.now()
    for start in range(0, len(checked), PREVIEW_BATCH):
        batch = checked[start : start + PREVIEW_BATCH]
        decisions = check_many(
            batch, purpose=campaign.script.purpose, is_marketing=campaign.script.is_marketing, when=now
        )
        for lead in batch:
            decision = decisions[lead.pk]
            if decision.allowed or decision.deferred:
                if len(callable_) < sample_size:
                    callable_.append(lead)
                continue
            reasons[decision.code] += 1
            if len(skipped_leads) < PREVIEW_SKIPPED_LISTED:
                label = SKIP_LABELS.get(decision.code, decision.code)
                skipped_leads.append({**_person(lead, stages), "reason": decision.code, "reason_label": label})
    if estimated and checked:
        reasons = Counter({code: round(n * total / len(checked)) for code, n in reasons.items()})
    skipped = min(total, sum(reasons.values()))
    return {
        "count": total,
        "would_call": total - skipped,
        "skipped": skipped,
        "estimated": estimated,
        "checked": len(checked),
        "skipped_by_reason": {
            code: reasons.get(code, 0) for code in (Reason.DNC, Reason.NO_CONSENT, Reason.INVALID_NUMBER, Reason.ERASED)
        }
        | dict(reasons),
        "skipped_leads": skipped_leads,
        "sample": [_person(lead, stages) for lead in callable_],
        "unmatched_vins": unmatched_vins(campaign.audience),
    }
