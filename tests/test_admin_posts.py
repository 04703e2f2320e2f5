"""Every staff form that acts is done once and answered with a redirect (issue 19, build 2; core.once).

The walk posts to every admin URL pattern (pages added later are covered by themselves), as an owner with a
row of each model in place, a form holding nothing but its token, as a form sent by mistake would:
- no answer is an error;
- an answer that is not a redirect wrote nothing: whatever acts redirects, so a reload never acts again;
- a redirect, sent again with the same token (a double click, Back and send), writes nothing and leads
  where the first led.
"""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.once import FIELD
from leads.models import Tag
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import member
from tests.walk import ADMIN_PAGES, fill, model_of, world, writes

pytestmark = pytest.mark.django_db
__all__ = ["world"]  # the walk's fixture
REDIRECTS = (301, 302, 303)


@pytest.mark.parametrize("route", ADMIN_PAGES)
def test_an_admin_post_redirects_when_it_acts_and_acts_once(route, world, client):
    _tenant, owner, rows = world
    client.force_login(owner)
    path = fill(route, rows, model_of(route))
    form = {FIELD: "walk-token-1"}
    with CaptureQueriesContext(connection) as queries:
        first = client.post(path, form)
    assert first.status_code < 500, path
    if first.status_code not in REDIRECTS:
        assert writes(queries) == [], f"POST {path} acted and answered {first.status_code}, not a redirect"
        return
    with CaptureQueriesContext(connection) as queries:
        again = client.post(path, form)
    assert writes(queries) == [], f"POST {path} acted twice"
    assert again.status_code in REDIRECTS and again["Location"] == first["Location"], path


def _add_tag(client, name, token):
    return client.post("/admin/leads/tag/add/", {"name": name, "colour": "#6366f1", FIELD: token})


def test_the_same_form_twice_adds_one_row_and_says_so(owner_a, tenant_a, client):
    client.force_login(owner_a)
    first = _add_tag(client, "vip", "token-double-click")
    again = _add_tag(client, "vip", "token-double-click")
    assert first.status_code == 302 and again.status_code == 302
    assert again["Location"] == first["Location"]
    assert "already sent" in " ".join(str(m) for m in get_messages(again.wsgi_request))
    with tenant_scope(tenant_a.pk):
        assert list(Tag.objects.values_list("name", flat=True)) == ["vip"]


def test_a_form_shown_again_with_its_errors_can_be_sent_again(owner_a, tenant_a, client):
    client.force_login(owner_a)
    assert _add_tag(client, "", "token-fix-and-send").status_code == 200  # the name is required
    assert _add_tag(client, "members", "token-fix-and-send").status_code == 302
    with tenant_scope(tenant_a.pk):
        assert Tag.objects.filter(name="members").exists()


def test_each_member_has_their_own_tokens(owner_a, tenant_a, client):
    client.force_login(owner_a)
    _add_tag(client, "one", "token-shared-by-chance")
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    _add_tag(client, "two", "token-shared-by-chance")
    with tenant_scope(tenant_a.pk):
        assert Tag.objects.count() == 2


def test_a_form_without_a_token_still_works(owner_a, tenant_a, client):
    client.force_login(owner_a)
    _add_tag(client, "walk-in", "")
    _add_tag(client, "walk-in-2", "")
    with tenant_scope(tenant_a.pk):
        assert Tag.objects.count() == 2


def test_every_admin_page_loads_the_script_that_adds_tokens(owner_a, client):
    client.force_login(owner_a)
    assert "/static/voice/js/once.js" in client.get("/admin/leads/lead/").content.decode()


def test_the_same_form_while_the_first_is_still_running_goes_back_to_its_page(owner_a, tenant_a, client):
    from django.core.cache import cache

    from core.once import RUNNING

    client.force_login(owner_a)
    cache.set(f"once:{owner_a.pk}:token-still-running", RUNNING, 60)  # the first of the two is still at work
    again = client.post(
        "/admin/leads/tag/add/",
        {"name": "vip", "colour": "#6366f1", FIELD: "token-still-running"},
        HTTP_REFERER="http://testserver/admin/leads/tag/add/",
    )
    assert again.status_code == 302 and again["Location"] == "http://testserver/admin/leads/tag/add/"
    assert "already being sent" in " ".join(str(m) for m in get_messages(again.wsgi_request))
    with tenant_scope(tenant_a.pk):
        assert not Tag.objects.exists()
