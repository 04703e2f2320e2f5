"""The compliance file of a call (docs/compliance.md#compliance-file): what the gate checked when the call was about
to be dialled, and what it decided, kept on the call so staff (and the business's lawyer) can read why it was
allowed or refused.

It is built from the same loaded context the gate decided on (calls.compliance.check_with_file), so it records
exactly the facts the decision used: the rule set's version, the zones and states the person may be in and the
state rules that bound the call, the consent relied on (with its evidence), whether the number was on the
do-not-call list, the calls counted towards the caps, the rule that decided; the dialler adds the disclosures
the opening carried.
"""

from datetime import datetime

from core import public_ids
from core.formats import timestamp
from leads.location import candidate_zones
from leads.models import ConsentKind, ConsentSource, Lead
from leads.purposes import Purpose

from . import state_rules
from .decisions import Decision

VERSION = 1


def _consent(lead: Lead, context, purpose: str, is_marketing: bool) -> dict | None:
    usable = [c for c in context.consents.get(lead.pk, []) if c.phone == lead.phone and c.covers(purpose)]
    if is_marketing:
        usable = [c for c in usable if c.kind == "express_written"]
    if not usable:
        return None
    consent = max(usable, key=lambda c: c.captured_at)
    return {
        "id": public_ids.of(consent),
        "kind": consent.kind,
        "purposes": consent.purposes or "all",
        "captured_at": timestamp(consent.captured_at),
        "source": consent.source,
        "source_detail": consent.source_detail,
        "disclosure_version": consent.disclosure_version,
    }


def _scrub(lead: Lead, context, when: datetime) -> dict | None:
    """The national registry file covering the number's area code: its date, and whether it was past the
    31-day safe harbour when the call was checked."""
    from leads import registries

    day = context.scrubbed.get(lead.phone[2:5]) if lead.phone.startswith("+1") else None
    if day is None:
        return None
    return {"downloaded_on": day.isoformat(), "stale": registries.is_stale(day, when.date())}


def _reassigned(check) -> dict | None:
    if check is None:
        return None
    asked, checked = check.asked_about.isoformat(), check.checked_on.isoformat()
    return {"result": check.result, "asked_about": asked, "checked_on": checked}


def build(lead: Lead, context, decision: Decision, *, purpose: str, is_marketing: bool, when: datetime) -> dict:
    from .compliance import applicable_regions

    states = applicable_regions(lead)
    rows = state_rules.binding(states, is_marketing=is_marketing, has_consent=True)
    caps = state_rules.caps_binding(states, is_marketing=is_marketing)
    bans = [b for b in state_rules.BANS if b.region in states and (is_marketing or b.scope == state_rules.ALL_CALLS)]
    day_ago = when.timestamp() - 24 * 3600
    return {
        "version": VERSION,
        "checked_at": timestamp(when),
        "rules_version": state_rules.VERSION,
        "purpose": purpose,
        "marketing": is_marketing,
        "allowed": decision.allowed,
        "code": decision.code,
        "decided_by": decision.rule or decision.code or "",
        "detail": decision.detail.replace(lead.phone, "the number") if lead.phone else decision.detail,  # no number
        "next_allowed_at": timestamp(decision.next_allowed_at),
        "zones": candidate_zones(lead),
        "states": states,
        "state_rules": [row.id for row in (*rows, *caps, *bans)],
        "consent": _consent(lead, context, purpose, is_marketing),
        "do_not_call_listed": lead.phone in context.dnc,
        "registries_listing": sorted(context.registries.get(lead.phone, ())),
        "national_scrub": _scrub(lead, context, when),
        "reassigned_check": _reassigned((context.reassigned.get(lead.phone) or [None])[0]),  # the newest
        "relationship": relationship.as_dict() if (relationship := context.relationships.get(lead.pk)) else None,
        "calls_in_24h": {
            "to_number": sum(d.timestamp() > day_ago for d in context.dialed.get(lead.phone, [])),
            "to_person": sum(d.timestamp() > day_ago for d in context.dialed_person.get(lead.pk, [])),
        },
    }


def _label(choices, code) -> str:
    return dict(choices.choices).get(code, code or "")


def _scrub_words(scrub: dict | None) -> str:
    if not scrub:
        return "no registry file covers this area code"
    return f"downloaded {scrub['downloaded_on']}" + (" (past the 31-day safe harbour)" if scrub["stale"] else "")


def _reassigned_words(check: dict | None) -> str:
    if not check:
        return "not checked"
    return f"“{check['result'].replace('_', ' ')}” for {check['asked_about']}, checked {check['checked_on']}"


def _relationship_words(relation: dict | None) -> str:
    if not relation:
        return "none"
    return f"{relation['kind']} since {relation['since']}: {relation['evidence']} (never a substitute for consent)"


def _counts(counts: dict) -> tuple[int, int]:
    return counts.get("to_number", 0), counts.get("to_person", 0)


def in_words(file: dict) -> list[tuple[str, str]]:
    """The file as the call page shows it: (label, value) rows."""
    if not file:
        return [("Compliance file", "None: this call was placed before files were kept.")]
    consent = file.get("consent")
    counts = file.get("calls_in_24h") or {}
    decided = file.get("decided_by") or ""
    rule = state_rules.BY_ID.get(decided)
    kind = "marketing" if file.get("marketing") else "informational"
    return [
        ("Checked at", file.get("checked_at") or ""),
        ("Decision", "allowed" if file.get("allowed") else (file.get("detail") or file.get("code") or "refused")),
        ("Rule that decided", f"{rule.says} ({rule.source})" if rule else decided or "none: every rule allowed it"),
        ("Purpose", f"{_label(Purpose, file.get('purpose'))} ({kind})"),
        ("Time zones checked", ", ".join(file.get("zones") or []) or "—"),
        ("States whose rules apply", ", ".join(file.get("states") or []) or "none known (federal rules)"),
        ("State rules applied", ", ".join(file.get("state_rules") or []) or "none"),
        (
            "Consent relied on",
            f"{_label(ConsentKind, consent['kind'])}, captured {consent['captured_at']}, "
            f"{_label(ConsentSource, consent['source']).lower()}"
            + (f" ({consent['source_detail']})" if consent.get("source_detail") else "")
            if consent
            else "none",
        ),
        ("On the do-not-call list", "yes" if file.get("do_not_call_listed") else "no"),
        ("On do-not-call registries", ", ".join(file.get("registries_listing") or []) or "none"),
        ("National registry scrub", _scrub_words(file.get("national_scrub"))),
        ("Reassigned Numbers Database", _reassigned_words(file.get("reassigned_check"))),
        ("Established business relationship", _relationship_words(file.get("relationship"))),
        ("Calls in the 24 hours before", "{} to the number, {} to them".format(*_counts(counts))),
        ("Disclosures in the opening", ", ".join(file.get("disclosures") or []) or "—"),
        ("Rule set version", file.get("rules_version") or ""),
    ]


def for_lead(lead: Lead) -> dict:
    """Everything a lawyer asks about one person's calls, as JSON: the consents (revoked ones too) with their
    evidence, the do-not-call entries of their number, and each call with its compliance file. Three queries."""
    from leads.models import Consent, DoNotCall

    from .models import Call

    consents = Consent.objects.filter(lead=lead).order_by("captured_at")
    calls = Call.objects.filter(lead=lead).order_by("created_at", "pk")
    return {
        "lead": public_ids.of(lead),
        "rules_version": state_rules.VERSION,
        "consents": [
            {
                "id": public_ids.of(c),
                "kind": c.kind,
                "phone": c.phone,
                "purposes": c.purposes or "all",
                "captured_at": timestamp(c.captured_at),
                "source": c.source,
                "source_detail": c.source_detail,
                "disclosure_version": c.disclosure_version,
                "revoked_at": timestamp(c.revoked_at),
            }
            for c in consents
        ],
        "do_not_call": [
            {"phone": d.phone, "source": d.source, "reason": d.reason, "since": timestamp(d.created_at)}
            for d in DoNotCall.objects.filter(phone=lead.phone)
        ],
        "calls": [
            {
                "id": public_ids.of(call),
                "created_at": timestamp(call.created_at),
                "to_number": call.to_number,
                "status": call.status,
                "outcome": call.outcome,
                "compliance_code": call.compliance_code,
                "compliance_file": call.compliance_file,
            }
            for call in calls
        ],
    }
