"""What the voice agent is told it may say: the knowledge entries that matter for a call.

``for_script(script, lead)`` picks the active entries of the lead's branch (and of every branch) in
the categories the script's purpose needs, ranks them by category for that purpose and by how well
they match the lead (interest, vehicle), and writes them out whole, best first, within a size
budget. It fills the ``{knowledge}`` prompt variable, so the script preview shows exactly this.
"""

import re

from django.db.models import Q

from .models import Category, KnowledgeEntry

BUDGET_CHARS = 4000
MAX_CANDIDATES = 200
C = Category
PURPOSE_CATEGORIES = {
    "lead_followup": [C.PRICING, C.CLASSES, C.HOURS, C.AMENITIES, C.POLICIES, C.FAQ, C.FINANCING, C.SERVICES],
    "trial_booking": [C.CLASSES, C.HOURS, C.PRICING, C.POLICIES, C.AMENITIES, C.FAQ, C.SERVICES],
    "appointment_reminder": [C.HOURS, C.POLICIES, C.SERVICES, C.FAQ],
    "service_reminder": [C.SERVICES, C.HOURS, C.POLICIES, C.PRICING, C.FINANCING, C.FAQ],
    "recall": [C.SERVICES, C.POLICIES, C.HOURS, C.FAQ],
    "win_back": [C.PRICING, C.CLASSES, C.AMENITIES, C.POLICIES, C.HOURS],
}
_WORD = re.compile(r"[a-z0-9]{3,}")


def _stems(text: str) -> set[str]:
    return {word[:5] for word in _WORD.findall((text or "").lower())}


def context_words(lead) -> set[str]:
    parts = [lead.interest or ""]
    if lead.tenant.vertical == "dealership":
        parts += [f"{v.make} {v.model}" for v in lead.vehicles.all()[:3]]
    return _stems(" ".join(parts))


def ranked_entries(script, lead) -> list[KnowledgeEntry]:
    categories = PURPOSE_CATEGORIES.get(script.purpose) or list(Category.values)
    entries = list(
        KnowledgeEntry.objects.filter(is_active=True, category__in=categories)
        .filter(Q(branch__isnull=True) | Q(branch_id=lead.branch_id))
        .order_by("pk")[:MAX_CANDIDATES]
    )
    wanted = context_words(lead)

    def score(entry: KnowledgeEntry) -> float:
        priority = len(categories) - categories.index(entry.category)
        title, body = _stems(entry.title), _stems(entry.body)
        fit = 3 * len(wanted & title) + min(len(wanted & body), 3) + len(wanted & _stems(" ".join(entry.tags or [])))
        return 3 * priority + fit + (2 if entry.branch_id else 0)

    return sorted(entries, key=lambda e: (-score(e), e.pk))


def for_script(script, lead, *, budget: int = BUDGET_CHARS) -> str:
    """The facts for this call, as Markdown sections, at most ``budget`` characters."""
    parts: list[str] = []
    used = 0
    for entry in ranked_entries(script, lead):
        section = f"### {entry.title}\n{entry.body.strip()}"
        if used + len(section) > budget:
            continue  # a smaller entry further down may still fit
        parts.append(section)
        used += len(section) + 2
    return "\n\n".join(parts)


def prompt_variables(lead, script) -> dict[str, str]:
    return {"knowledge": for_script(script, lead)}
