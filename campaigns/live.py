"""The campaign page's live regions (core.live): status, the dialer's health, progress, calls, bookings and
the targets by status, outcome and skip reason, current within seconds until the campaign is finished; and a large
draft audience's preview, fetched once just after its page is shown."""

from django.urls import reverse
from django.views.decorators.http import require_safe

from calls.models import Outcome
from core import live, public_ids

from . import audiences, services
from .models import Campaign, CampaignStatus, TargetStatus

TEMPLATE = "admin/campaigns/campaign_live.html"
PREVIEW_TEMPLATE = "admin/campaigns/campaign_preview.html"
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


def preview_context(campaign) -> dict:
    """A draft's audience preview, in words (campaigns.audiences.preview)."""
    from .admin import labelled

    preview = audiences.preview(campaign)
    return {
        "original": campaign,
        "preview": preview,
        "preview_skipped": labelled(preview["skipped_by_reason"]),
        "unmatched_vins": preview["unmatched_vins"],
    }


@require_safe
def preview_view(request, object_id, *, model_admin):
    """The preview of a draft whose audience is large, fetched once the page is shown (final at once: the page
    is reloaded whenever the audience is saved). A campaign no longer a draft has no preview."""
    campaign = live.admin_object(model_admin, request, object_id, Campaign.objects.all())
    data = preview_context(campaign) if campaign.status == CampaignStatus.DRAFT else {"original": campaign}
    return live.fragment(request, PREVIEW_TEMPLATE, data, final=True)
