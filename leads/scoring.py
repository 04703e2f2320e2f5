"""Lead scoring: transparent rules a tenant can tune, and an explanation stored with every score.

The score (0–100) is the sum of the points of each rule that applies, clamped.
Each rule that applied is kept in ``score_explanation`` as
``{"rule": ..., "detail": ..., "points": ...}`` so staff can see why.

Rules (``DEFAULT_RULES``; a tenant overrides any part in ``PipelineSettings.scoring_rules``):

- ``base``: points every lead starts with;
- ``source``: points per lead source;
- ``recency``: ``[[days, points], ...]``, the first band the lead's last activity
  (last contact, else creation) falls within;
- ``stage``: points per stage (negative for parked stages);
- ``interest``: ``{"keywords": {word: points}, "any": points}``: what the lead asked about;
- ``engagement``: points per answered call (up to ``answered_calls_max``), per
  appointment booked and attended. Other rooms report engagement by answering the
  ``engagement_requested`` signal (calls and appointments do), so leads never imports them.
"""

import copy
from collections.abc import Iterable

from django.utils import timezone

from .signals import engagement_requested

DEFAULT_RULES: dict = {
    "base": 10,
    "source": {
        "referral": 25,
        "walk_in": 20,
        "web_form": 15,
        "phone": 15,
        "google_ads": 12,
        "facebook_lead_ad": 10,
        "instagram": 8,
        "import": 5,
        "other": 5,
    },
    "recency": [[1, 20], [7, 12], [30, 5]],
    "stage": {
        "new": 0,
        "contacted": 5,
        "booked": 15,
        "attended": 20,
        "won": 10,
        "no_show": -5,
        "unreachable": -10,
        "not_interested": -30,
        "lost": -30,
    },
    "interest": {
        "keywords": {
            "free trial": 10,
            "personal training": 8,
            "membership": 8,
            "test drive": 10,
            "trade-in": 8,
            "financing": 6,
            "service": 5,
        },
        "any": 5,
    },
    "engagement": {
        "answered_call": 8,
        "answered_calls_max": 16,
        "appointment_booked": 12,
        "appointment_attended": 15,
    },
}


def _merge(base: dict, overrides: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def tenant_rules() -> dict:
    """The rules of the tenant in scope: the defaults with its overrides."""
    from .models import PipelineSettings

    settings = PipelineSettings.objects.first()
    return _merge(DEFAULT_RULES, settings.scoring_rules if settings else {})


def engagement_for(lead_ids: list[int]) -> dict[int, dict[str, int]]:
    """What the other rooms report about these leads (``engagement_requested``), added up per lead."""
    from .models import Lead

    combined: dict[int, dict[str, int]] = {}
    for _receiver, answer in engagement_requested.send(sender=Lead, lead_ids=lead_ids):
        for lead_id, counts in answer.items():
            bucket = combined.setdefault(lead_id, {})
            for name, value in counts.items():
                bucket[name] = bucket.get(name, 0) + value
    return combined


def _recency_band(lead, rules: dict, now) -> int | None:
    """Index of the recency band the lead's last activity falls in (None: older than all)."""
    last_activity = lead.last_contacted_at or lead.created_at
    if last_activity is None:
        return None
    days = max(0, (now - last_activity).total_seconds() / 86400)
    for index, (limit, _points) in enumerate(rules.get("recency", [])):
        if days <= limit:
            return index
    return None


def _parts(rules: dict, source: str, stage: str, interest: str, band, engagement: tuple) -> tuple[int, list[dict]]:
    parts: list[dict] = []

    def add(rule, detail, points):
        if points:
            parts.append({"rule": rule, "detail": detail, "points": int(points)})

    add("base", "every lead", rules.get("base", 0))
    add("source", source, rules.get("source", {}).get(source, 0))
    if band is not None:
        limit, points = rules["recency"][band]
        add("recency", f"active within {limit} day{'s' if limit != 1 else ''}", points)
    add("stage", stage, rules.get("stage", {}).get(stage, 0))
    if interest:
        keywords = rules.get("interest", {}).get("keywords", {})
        matched = [(word, pts) for word, pts in keywords.items() if word in interest]
        if matched:
            word, pts = max(matched, key=lambda item: item[1])
            add("interest", f"asked about {word}", pts)
        else:
            add("interest", "said what they want", rules.get("interest", {}).get("any", 0))
    answered, booked, attended = engagement
    weights = rules.get("engagement", {})
    if answered:
        points = min(answered * weights.get("answered_call", 0), weights.get("answered_calls_max", 0))
        add("engagement", f"{answered} answered call{'s' if answered != 1 else ''}", points)
    if booked:
        add("engagement", "booked an appointment", weights.get("appointment_booked", 0))
    if attended:
        add("engagement", "attended an appointment", weights.get("appointment_attended", 0))
    return max(0, min(100, sum(p["points"] for p in parts))), parts


def _key(lead, rules, engagement, now) -> tuple:
    engagement = engagement or {}
    return (
        lead.source,
        lead.stage,
        (lead.interest or "").lower(),
        _recency_band(lead, rules, now),
        (
            engagement.get("answered_calls", 0),
            bool(engagement.get("appointments_booked")),
            bool(engagement.get("appointments_attended")),
        ),
    )


def score(lead, rules: dict, engagement: dict[str, int] | None = None, now=None) -> tuple[int, list[dict]]:
    """The lead's score and the rules that made it."""
    return _parts(rules, *_key(lead, rules, engagement, now or timezone.now()))


def apply_scores(leads: Iterable, rules: dict | None = None) -> list:
    """Set ``score`` and ``score_explanation`` on the given (unsaved) leads; engagement read in one go.

    Leads that agree on every input share one computation (imports score thousands at a time).
    """
    leads = list(leads)
    rules = rules if rules is not None else tenant_rules()
    ids = [lead.pk for lead in leads if lead.pk]
    engagement = engagement_for(ids) if ids else {}
    now = timezone.now()
    memo: dict[tuple, tuple[int, list[dict]]] = {}
    for lead in leads:
        key = _key(lead, rules, engagement.get(lead.pk), now)
        result = memo.get(key)
        if result is None:
            result = memo[key] = _parts(rules, *key)
        lead.score, lead.score_explanation = result
    return leads


def rescore(queryset, batch_size: int = 2000) -> int:
    """Recompute and save the scores of every lead in ``queryset``, a batch at a time."""
    from .models import Lead

    rules = tenant_rules()
    count = 0
    last_id = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            return count
        apply_scores(batch, rules)
        Lead.objects.bulk_update(batch, ["score", "score_explanation"], batch_size=batch_size)
        count += len(batch)
        last_id = batch[-1].pk
