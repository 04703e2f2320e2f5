"""``Idempotency-Key``: a POST sent again with the same key and body is answered as the first time and done
once; the same key with another body is a 422; an error frees the key."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from leads.models import LeadImport, Tag
from tenants.models import IdempotencyKey
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member

pytestmark = pytest.mark.django_db


def _tags(tenant):
    with tenant_scope(tenant.pk):
        return list(Tag.objects.values_list("name", flat=True))


def test_the_same_key_and_body_are_done_once_and_answered_alike(owner, tenant_a):
    first = owner.post("/api/v1/tags/", {"name": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = owner.post("/api/v1/tags/", {"name": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert _tags(tenant_a) == ["once"]


def test_without_a_slash_it_is_the_same_request(owner, tenant_a):
    owner.post("/api/v1/tags/", {"name": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = owner.post("/api/v1/tags", {"name": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_a_422(owner, tenant_a):
    owner.post("/api/v1/tags/", {"name": "first"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = owner.post("/api/v1/tags/", {"name": "second"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert _tags(tenant_a) == ["first"]


def test_an_error_frees_the_key_for_the_corrected_request(owner, tenant_a):
    bad = owner.post("/api/v1/tags/", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert bad.status_code == 400
    fixed = owner.post("/api/v1/tags/", {"name": "fixed"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed


def test_keys_belong_to_one_user(owner, tenant_a):
    colleague = api_client(member(tenant_a, "owner", "carol"), tenant_a)
    owner.post("/api/v1/tags/", {"name": "mine"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    theirs = colleague.post("/api/v1/tags/", {"name": "theirs"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert theirs.status_code == 201
    assert sorted(_tags(tenant_a)) == ["mine", "theirs"]


def test_a_key_older_than_a_day_may_be_used_again(owner, tenant_a):
    owner.post("/api/v1/tags/", {"name": "old"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    IdempotencyKey.all_tenants.update(created_at=timezone.now() - timedelta(hours=25))
    again = owner.post("/api/v1/tags/", {"name": "new"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and sorted(_tags(tenant_a)) == ["new", "old"]


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_its_lease(owner, tenant_a):
    from tenants.api import idempotency

    claimed = owner.post("/api/v1/tags/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert claimed.status_code == 201
    # As if the first request had died mid-way: its claim is in progress and its lease has run out.
    IdempotencyKey.all_tenants.update(state=IdempotencyKey.IN_PROGRESS, lease_until=timezone.now() - idempotency.LEASE)
    Tag.all_tenants.all().delete()
    retried = owner.post("/api/v1/tags/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert retried.status_code == 201 and _tags(tenant_a) == ["x"]


def test_a_request_still_running_is_waited_for_then_answered_409(owner, tenant_a, monkeypatch):
    from tenants.api import idempotency

    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    owner.post("/api/v1/tags/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    IdempotencyKey.all_tenants.update(state=IdempotencyKey.IN_PROGRESS, lease_until=timezone.now() + idempotency.LEASE)
    waiting = owner.post("/api/v1/tags/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert waiting.status_code == 409 and waiting.json()["code"] == "idempotency_in_progress"


@pytest.mark.parametrize("key", ["", "x" * 256, "line\nbreak"])
def test_a_key_that_is_not_one_is_a_400(owner, key):
    response = owner.post("/api/v1/tags/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400 and list(response.json()["fields"]) == ["Idempotency-Key"]


def test_old_keys_are_forgotten_by_the_hourly_task(owner, tenant_a):
    from tenants.tasks import forget_expired_idempotency_keys

    owner.post("/api/v1/tags/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.all_tenants.update(created_at=timezone.now() - timedelta(hours=25))
    owner.post("/api/v1/tags/", {"name": "y"}, format="json", HTTP_IDEMPOTENCY_KEY="new")
    assert forget_expired_idempotency_keys() == 1
    assert list(IdempotencyKey.all_tenants.values_list("key", flat=True)) == ["new"]


def test_an_upload_retried_with_its_key_is_imported_once(owner, tenant_a):
    """A multipart body is compared by its fields and its files' content (the boundary differs per try)."""

    def upload(content: bytes):
        file = io.BytesIO(content)
        file.name = "leads.csv"
        return owner.post("/api/v1/leads/imports/", {"file": file}, format="multipart", HTTP_IDEMPOTENCY_KEY="up-1")

    csv = b"first_name,phone\nAna,+13055550123\n"
    first, again = upload(csv), upload(csv)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["id"] == first.json()["id"]
    assert LeadImport.all_tenants.count() == 1
    other = upload(b"first_name,phone\nBen,+13055550124\n")
    assert other.status_code == 422
