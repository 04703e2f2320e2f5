"""The lead pages staff work in: list, filters, phone search, bulk actions, the lead page, do-not-call."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.public_ids import of as pid
from leads.models import DoNotCall, Lead, StageChange
from tenants.models import AuditLog
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import member
from tests.factories import DoNotCallFactory, LeadFactory, TagFactory, VehicleFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:leads_lead_changelist"


@pytest.fixture
def staff(client, owner_a):
    client.force_login(owner_a)
    return client


def shown(response):
    assert response.status_code == 200, response.content[:500]
    return [obj.pk for obj in response.context["cl"].result_list]


def test_changelist_query_count_does_not_grow_with_page_size(staff, tenant_a, django_assert_max_num_queries):
    LeadFactory.create_batch(60, tenant=tenant_a)
    with django_assert_max_num_queries(30) as small:
        staff.get(reverse(CHANGELIST), {"p": 0})
    from leads.admin import LeadAdmin

    LeadAdmin.list_per_page, before = 100, LeadAdmin.list_per_page
    try:
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert len(shown(staff.get(reverse(CHANGELIST)))) == 60
    finally:
        LeadAdmin.list_per_page = before


def test_changelist_never_counts_the_whole_table(staff, tenant_a):
    LeadFactory.create_batch(3, tenant=tenant_a)
    response = staff.get(reverse(CHANGELIST), {"stage__exact": "new"})
    assert response.context["cl"].show_full_result_count is False


@pytest.mark.parametrize("term", ["(305) 555-0123", "305.555.0123", "3055550123"])
def test_search_by_phone_in_any_format(staff, tenant_a, term):
    target = LeadFactory(tenant=tenant_a, phone="+13055550123")
    LeadFactory(tenant=tenant_a)
    assert shown(staff.get(reverse(CHANGELIST), {"q": term})) == [target.pk]


def test_filters_for_stage_tag_score_and_dnc(staff, tenant_a):
    tag = TagFactory(tenant=tenant_a, name="vip")
    a = LeadFactory(tenant=tenant_a, stage="new", score=80)
    a.tags.add(tag)
    b = LeadFactory(tenant=tenant_a, stage="contacted", score=10)
    DoNotCallFactory(tenant=tenant_a, phone=b.phone)
    assert shown(staff.get(reverse(CHANGELIST), {"stage__exact": "new"})) == [a.pk]
    assert shown(staff.get(reverse(CHANGELIST), {"tag": pid(tag)})) == [a.pk]
    assert shown(staff.get(reverse(CHANGELIST), {"score_from": 50, "score_to": 100})) == [a.pk]
    assert shown(staff.get(reverse(CHANGELIST), {"dnc": "yes"})) == [b.pk]


def _act(client, action, leads, **data):
    return client.post(
        reverse(CHANGELIST), {"action": action, ACTION_CHECKBOX_NAME: [lead.pk for lead in leads], **data}
    )


def test_bulk_tag_owner_stage_and_dnc(staff, tenant_a, owner_a):
    leads = LeadFactory.create_batch(3, tenant=tenant_a)
    form_page = _act(staff, "tag_selected", leads)
    assert form_page.status_code == 200 and "This applies to 3 leads" in form_page.content.decode()
    _act(staff, "tag_selected", leads, apply="1", tags="spring, vip")
    _act(staff, "assign_owner", leads, apply="1", owner=pid(owner_a))
    _act(staff, "change_stage", leads, apply="1", stage="contacted", lost_reason="")
    _act(staff, "add_to_dnc", leads[:1], apply="1", reason="asked on the phone")
    with tenant_scope(tenant_a.pk):
        for lead in Lead.objects.all():
            assert sorted(lead.tags.values_list("name", flat=True)) == ["spring", "vip"]
            assert (lead.owner_id, lead.stage) == (owner_a.pk, "contacted")
        assert StageChange.objects.count() == 3
        assert list(DoNotCall.objects.values_list("phone", flat=True)) == [leads[0].phone]


def test_bulk_owner_refuses_someone_from_another_tenant(staff, tenant_a, owner_b):
    leads = LeadFactory.create_batch(2, tenant=tenant_a)
    response = _act(staff, "assign_owner", leads, apply="1", owner=pid(owner_b))
    assert response.status_code == 200 and "owner" in response.context["form"].errors


def test_merge_action_folds_duplicates_into_the_oldest(staff, tenant_a):
    first, second = LeadFactory.create_batch(2, tenant=tenant_a)
    _act(staff, "merge_selected", [first, second])
    with tenant_scope(tenant_a.pk):
        assert list(Lead.objects.values_list("pk", flat=True)) == [first.pk]


def test_lead_page_shows_timeline_dnc_badge_and_no_vehicles_for_a_gym(staff, tenant_a):
    lead = LeadFactory(tenant=tenant_a)
    DoNotCallFactory(tenant=tenant_a, phone=lead.phone)
    page = staff.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert "On the do-not-call list" in page
    assert "Timeline" in page and "Lead created" in page
    assert "VIN" not in page
    assert staff.get(reverse("admin:leads_vehicle_changelist")).status_code == 403


def test_dealership_sees_vehicles(client, tenant_b):
    user = member(tenant_b, Role.OWNER, "dee")
    client.force_login(user)
    lead = LeadFactory(tenant=tenant_b)
    VehicleFactory(tenant=tenant_b, lead=lead)
    page = client.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert "VIN" in page
    assert client.get(reverse("admin:leads_vehicle_changelist")).status_code == 200


def test_admin_create_normalises_the_phone(staff, tenant_a):
    response = staff.post(
        reverse("admin:leads_lead_add"),
        {"first_name": "JO", "phone": "305 555 0123", "stage": "new", "source": "walk_in", "custom_fields": "{}"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    with tenant_scope(tenant_a.pk):
        lead = Lead.objects.get()
    assert (lead.first_name, lead.phone) == ("Jo", "+13055550123")


def test_dnc_removal_needs_a_manager_and_a_reason(client, tenant_a):
    entry = DoNotCallFactory(tenant=tenant_a)
    url = reverse("admin:leads_donotcall_changelist")
    client.force_login(member(tenant_a, Role.AGENT, "agnes"))
    client.post(url, {"action": "remove_from_list", ACTION_CHECKBOX_NAME: [entry.pk], "apply": "1", "reason": "x"})
    assert DoNotCall.all_tenants.filter(pk=entry.pk).exists()
    client.force_login(member(tenant_a, Role.MANAGER, "mo"))
    client.post(url, {"action": "remove_from_list", ACTION_CHECKBOX_NAME: [entry.pk], "apply": "1", "reason": "ok"})
    assert not DoNotCall.all_tenants.filter(pk=entry.pk).exists()
    assert AuditLog.all_tenants.filter(action="dnc.removed").exists()


def test_erase_action_asks_first(staff, tenant_a):
    lead = LeadFactory(tenant=tenant_a)
    confirm = _act(staff, "erase_selected", [lead])
    assert "cannot be undone" in confirm.content.decode()
    _act(staff, "erase_selected", [lead], confirm="1")
    assert not Lead.all_tenants.filter(pk=lead.pk).exists()
