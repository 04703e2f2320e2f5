"""The campaign page's live region (core.live): status, the dialer's health, progress, calls, bookings and
the targets by status, outcome and skip reason, current within seconds until the campaign is finished."""

from django.urls import reverse
from django.views.decorators.http import require_safe

from calls.models import Outcome
from core import live, public_ids

from . import services
from .models import Campaign, CampaignStatus, TargetStatus

TEMPLATE = "admin/campaigns/campaign_live.html"
FINISHED = {CampaignStatus.COMPLETED, CampaignStatus.CANCELED}


def context(campaign) -> dict:
    """What the region shows: the same for the page and for a poll."""
    from .admin import labelled  # the admin's words for codes (the admin imports this module)

    stats = services.stats(campaign)
    targets = reverse("admin:campaigns_campaigntarget_changelist")
    return {
        "original": campaign,
        "stats": stats,
        "skipped": labelled(stats["skipped_by_reason"]),
        "target_rows": labelled(stats["targets_by_status"], dict(TargetStatus.choices)),
        "outcome_rows": labelled(stats["outcomes"], dict(Outcome.choices)),
        "dialer": services.dialer_status(since=campaign.resumed_at or campaign.started_at),
        "targets_url": f"{targets}?campaign__id__exact={public_ids.of(campaign)}",
        "campaign_finished": campaign.status in FINISHED,
    }


@require_safe
def view(request, object_id, *, model_admin):
    campaign = live.admin_object(model_admin, request, object_id, Campaign.objects.all())
    data = context(campaign)
    return live.fragment(request, TEMPLATE, data, final=data["campaign_finished"])
