"""What the voice agent is told for one call: dynamic variables, and the script rendered with them.

Variables come from the tenant, the branch, the lead, the lead's vehicle
(dealerships), and from other rooms as receivers of
``voice.signals.prompt_variables_requested``: the appointments room adds the
upcoming appointment and free slots, the knowledge room adds the facts the agent
may use. Placeholders are ``{name}``; unknown
ones are left as they are, so a typo shows in the preview instead of failing.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from leads.location import candidate_zones
from leads.models import Lead
from leads.services import branch_of, resolved_time_zone

from . import disclosures
from .models import Script
from .signals import prompt_variables_requested

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

# docs/compliance.md#recording-notice: where all parties must consent to recording (or the state is unknown), say so.
ALL_PARTY_CONSENT = {"CA", "DE", "FL", "IL", "MD", "MA", "MT", "NV", "NH", "PA", "WA", "CT", "MI", "OR"}
RECORDING_NOTICE = "This call is recorded for quality."


@dataclass
class RenderedPrompt:
    opening_line: str
    prompt: str
    system_prompt: str
    variables: dict[str, str]


def _hours_text(hours: dict) -> str:
    names = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
    parts = []
    for day, label in names.items():
        spans = hours.get(day) or []
        parts.append(f"{label} {', '.join(f'{a}-{b}' for a, b in spans)}" if spans else f"{label} closed")
    return "; ".join(parts)


def variables_for(lead: Lead, script: Script, now: datetime | None = None) -> dict[str, str]:
    now = now or timezone.now()
    tenant = lead.tenant  # loaded with the lead where the caller can (dial does)
    branch = branch_of(lead)  # a lead with no branch of its own hears of the business's first
    zone = resolved_time_zone(lead)
    local_now = now.astimezone(ZoneInfo(zone))
    state = (lead.region or "").upper()
    recording_notice = RECORDING_NOTICE if (not state or state in ALL_PARTY_CONSENT) else ""
    values = {
        "business_name": tenant.legal_name,
        "tenant_name": tenant.name,
        "callback_phone": tenant.callback_phone or (branch.phone if branch else ""),
        "branch_name": branch.name if branch else "",
        "branch_address": branch.address if branch else "",
        "branch_phone": branch.phone if branch else "",
        "branch_hours": _hours_text(branch.business_hours) if branch else "",
        "lead_first_name": lead.first_name,
        "lead_last_name": lead.last_name,
        "lead_full_name": lead.full_name,
        "lead_interest": lead.interest,
        "lead_stage": lead.get_stage_display(),
        "lead_source": lead.get_source_display(),
        "lead_time_zone": zone,
        "lead_time_zones": ", ".join(candidate_zones(lead)),
        "today": local_now.strftime("%A %d %B %Y"),
        "local_time": local_now.strftime("%H:%M"),
        "recording_notice": recording_notice,
        "purpose": script.get_purpose_display(),
        "call_about": disclosures.call_about(script),
        "upcoming_appointment": "",
        "free_slots": "",
        "knowledge": "",
    }
    if tenant.vertical == "dealership":
        vehicle = lead.vehicles.order_by("next_service_due").first()
        values.update(
            {
                "vehicle": str(vehicle) if vehicle else "",
                "vehicle_vin_last6": vehicle.vin[-6:] if vehicle else "",
                "vehicle_mileage": f"{vehicle.mileage:,}" if vehicle and vehicle.mileage else "",
                "vehicle_next_service_due": vehicle.next_service_due.strftime("%d %B %Y")
                if vehicle and vehicle.next_service_due
                else "",
            }
        )
    for _, added in prompt_variables_requested.send(sender=Script, lead=lead, script=script):
        values.update({k: "" if v is None else str(v) for k, v in (added or {}).items()})
    return values


def fill(template: str, variables: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: variables.get(m.group(1), m.group(0)), template or "").strip()


def render(lead: Lead, script: Script, agent=None, now: datetime | None = None) -> RenderedPrompt:
    variables = variables_for(lead, script, now)
    # docs/compliance.md#disclosures: an opening saved before a disclosure was required gets it added here.
    opening = fill(disclosures.complete(script.opening_line, is_marketing=script.is_marketing), variables)
    if variables["recording_notice"] and variables["recording_notice"] not in opening:
        opening = f"{opening} {variables['recording_notice']}"
    return RenderedPrompt(
        opening_line=opening,
        prompt=fill(script.prompt_template, variables),
        system_prompt=fill(agent.system_prompt, variables) if agent is not None else "",
        variables=variables,
    )
