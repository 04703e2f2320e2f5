"""The calls list finds a call by the person called (name without accents or case, several words, email),
by the number called in any format (whole, its beginning, its last digits) and by the provider's call id,
on the admin's list and ``/api/v1/calls/?search=``; never another tenant's call."""

import pytest
from django.db import connection
from django.urls import reverse

from calls.models import Call
from calls.search import search_calls
from tenants.scoping import tenant_scope
from tests.factories import CallFactory, LeadFactory
from tests.search_doors import DOORS, finder

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:calls_call_changelist"


@pytest.fixture
def calls(tenant_a, tenant_b):
    """Tenant A's calls, and calls of tenant B's namesakes whose numbers match the same searches."""
    garcia = LeadFactory(tenant=tenant_a, first_name="María", last_name="García", phone="+17865550037")
    cruz = LeadFactory(tenant=tenant_a, first_name="Farah", last_name="de la Cruz", phone="+13055550037")
    smith = LeadFactory(tenant=tenant_a, first_name="Farah", last_name="Smith", phone="+12125550100")
    found = {
        "garcia": CallFactory(tenant=tenant_a, lead=garcia, provider_call_id="sim_3f9c0a1b2c3d4e5f6a7b"),
        "garcia_again": CallFactory(tenant=tenant_a, lead=garcia),
        "cruz": CallFactory(tenant=tenant_a, lead=cruz),
        "smith": CallFactory(tenant=tenant_a, lead=smith),
    }
    for first, last, phone in [("María", "García", "+17865550037"), ("Farah", "de la Cruz", "+13055551037")]:
        CallFactory(tenant=tenant_b, lead=LeadFactory(tenant=tenant_b, first_name=first, last_name=last, phone=phone))
    return found


@pytest.fixture
def find(client, owner_a, tenant_a):
    """``find(door, term)``: the calls tenant A's owner finds with ``term`` on the admin list or the API."""
    return finder(client, owner_a, tenant_a, changelist=CHANGELIST, api_path="/api/v1/calls/", model=Call)


def pks(calls, *names):
    return {calls[name].pk for name in names}


@DOORS
@pytest.mark.parametrize("term", ["garcia", "GARCÍA", "maria garcia", "garcia maria"])
def test_by_the_persons_name_without_accents_or_case(find, calls, door, term):
    assert find(door, term) == pks(calls, "garcia", "garcia_again")


@DOORS
@pytest.mark.parametrize("term", ["Farah de la Cruz", "cruz farah"])
def test_by_a_multi_word_name(find, calls, door, term):
    assert find(door, term) == pks(calls, "cruz")


@DOORS
def test_by_the_persons_email(find, calls, door):
    assert find(door, "maría@") == pks(calls, "garcia", "garcia_again")


@DOORS
@pytest.mark.parametrize("term", ["(786) 555-0037", "786.555.0037", "+1 786 555 0037", "7865550037"])
def test_by_the_whole_number_in_any_format(find, calls, door, term):
    assert find(door, term) == pks(calls, "garcia", "garcia_again")


@DOORS
@pytest.mark.parametrize("term", ["(786) 555-", "786-555", "+1 786 55", "(786)"])
def test_by_the_numbers_beginning(find, calls, door, term):
    assert find(door, term) == pks(calls, "garcia", "garcia_again")


@DOORS
@pytest.mark.parametrize("term", ["0037", "555-0037"])
def test_by_the_numbers_last_digits(find, calls, door, term):
    assert find(door, term) == pks(calls, "garcia", "garcia_again", "cruz")


@DOORS
def test_by_the_providers_call_id(find, calls, door):
    assert find(door, "sim_3f9c0a1b2c3d4e5f6a7b") == pks(calls, "garcia")


@DOORS
def test_the_whole_number_finds_the_calls_dialled_to_it_after_the_person_changed_number(find, calls, door):
    lead = calls["garcia"].lead
    lead.phone = "+17865550999"
    lead.save()
    assert find(door, "(786) 555-0037") == pks(calls, "garcia", "garcia_again")


@DOORS
@pytest.mark.parametrize("term", ["García", "farah de la cruz", "(786) 555-0037", "(786) 555-", "0037", "1037"])
def test_another_tenants_call_is_never_found(find, calls, door, term, tenant_b):
    with tenant_scope(tenant_b.pk):
        theirs = set(Call.objects.values_list("pk", flat=True))
    assert not find(door, term) & theirs


# The call list's queries, searched or not: the session and its user, the agent filter's choices, the capped
# count (tenants.admin_pagination), three checks of the tenant's settings, the page (with its leads and agents).
LIST_QUERIES = 8


@pytest.mark.parametrize(
    "term", ["", "garcia", "farah de la cruz", "(786) 555-", "7865550037", "sim_3f9c0a1b2c3d4e5f6a7b"]
)
def test_the_admin_search_costs_no_query_of_its_own(client, owner_a, calls, term, django_assert_num_queries):
    client.force_login(owner_a)
    client.get(reverse(CHANGELIST))  # the signed-in user and the tenant are cached from now on
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse(CHANGELIST), {"q": term}).status_code == 200


@pytest.mark.postgres
def test_a_search_by_name_reads_the_calls_of_the_people_found(calls, tenant_a):
    # The people are found first (leads.search's indexes), then their calls by the lead index: a semi-join,
    # never a filter run against every call of the tenant.
    with tenant_scope(tenant_a.pk), connection.cursor() as cursor:
        sql, params = search_calls(Call.objects.order_by(), "garcia").values("pk").query.sql_with_params()
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "SubPlan" not in plan and ("Semi Join" in plan or "Nested Loop" in plan or "Hash Join" in plan), plan
