"""Who may see, rotate and keep a calendar feed's secret URL (docs/operations.md#calendar-feeds).

- Managers and up (they may change feeds) see and rotate every feed of the tenant; anyone else sees
  only the feeds that are theirs (for their own appointments, or made by them).
- A feed lives as long as the people it belongs to are members: leaving the tenant (a membership
  deactivated or removed) deletes the feeds they made or that show their appointments, and serving
  checks it again, so a feed whose owner left answers 404 even before that.
"""

import secrets

from django.db.models import Q

from tenants.models import Membership

from .models import CalendarFeed


def visible_feeds(user, queryset=None):
    queryset = CalendarFeed.objects.all() if queryset is None else queryset
    if user.has_perm("appointments.change_calendarfeed"):
        return queryset
    return queryset.filter(Q(staff=user) | Q(created_by=user))


def rotate(feed: CalendarFeed) -> CalendarFeed:
    """A new secret URL; the old one answers 404 at once."""
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    return feed


def revoke_for_member(tenant_id: int, user_id: int) -> int:
    """Delete the tenant's feeds that belong to this person; returns how many."""
    feeds = CalendarFeed.all_tenants.filter(tenant_id=tenant_id).filter(Q(staff_id=user_id) | Q(created_by_id=user_id))
    return feeds.delete()[0]


def owners_still_members(feed: CalendarFeed) -> bool:
    """Everyone the feed belongs to is still an active member of its tenant (and an active user)."""
    people = {pk for pk in (feed.created_by_id, feed.staff_id) if pk is not None}
    if feed.created_by_id is not None and feed.created_by.is_superuser and feed.created_by.is_active:
        people.discard(feed.created_by_id)  # a platform superuser vouches without a membership
        if not people:
            return True
    if not people:
        return False  # made by someone since deleted: nobody vouches for it
    active = Membership.all_tenants.filter(
        tenant_id=feed.tenant_id, user_id__in=people, is_active=True, user__is_active=True
    ).count()
    return active == len(people)
