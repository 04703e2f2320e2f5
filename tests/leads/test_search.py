"""Search that finds people, on the admin's lead list and ``/api/v1/leads/?search=``: names without
accents or case, several words in any order, emails, a phone number in any format (whole, its
beginning, its last digits); never another tenant's lead; its column kept up to date by every writer;
and on PostgreSQL every form is served by an index."""

import io
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from core.public_ids import of as pid
from leads import services
from leads.importing import ImportOptions, import_csv
from leads.models import Lead
from leads.search import search_leads
from tenants.scoping import tenant_scope
from tests.conftest import api_client
from tests.factories import LeadFactory
from tests.search_doors import DOORS, finder

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:leads_lead_changelist"


@pytest.fixture
def people(tenant_a, tenant_b):
    """Tenant A's people, and tenant B's namesakes with numbers that match the same searches."""
    a = {
        "garcia": LeadFactory(tenant=tenant_a, first_name="María", last_name="García", phone="+17865550037"),
        "muller": LeadFactory(tenant=tenant_a, first_name="Jürgen", last_name="Müller", phone="+17865550038"),
        "cruz": LeadFactory(
            tenant=tenant_a,
            first_name="Farah",
            last_name="de la Cruz",
            phone="+13055550037",
            email="farah.dlc@sunrise-gym.com",
        ),
        "obrien": LeadFactory(tenant=tenant_a, first_name="Jean-Luc", last_name="O'Brien", phone="+19545550199"),
        "smith": LeadFactory(tenant=tenant_a, first_name="Farah", last_name="Smith", phone="+12125550100"),
    }
    LeadFactory(tenant=tenant_b, first_name="María", last_name="García", phone="+17865550099")
    LeadFactory(tenant=tenant_b, first_name="Farah", last_name="de la Cruz", phone="+13055551037")
    LeadFactory(tenant=tenant_b, first_name="Jürgen", last_name="Müller", phone="+17865550037")
    return a


@pytest.fixture
def find(client, owner_a, tenant_a):
    """``find(door, term)``: the leads tenant A's owner finds with ``term`` on the admin list or the API."""
    return finder(client, owner_a, tenant_a, changelist=CHANGELIST, api_path="/api/v1/leads/", model=Lead)


def pks(people, *names):
    return {people[name].pk for name in names}


@DOORS
@pytest.mark.parametrize("term", ["garcia", "GARCIA", "García", "maria garcia", "Maria"])
def test_names_are_found_without_accents_or_case(find, people, door, term):
    assert find(door, term) == pks(people, "garcia")


@DOORS
@pytest.mark.parametrize("term", ["Muller", "müller", "jurgen muller"])
def test_umlauts_are_found_from_plain_letters(find, people, door, term):
    assert find(door, term) == pks(people, "muller")


@DOORS
def test_a_name_typed_without_accents_is_found_with_them(find, tenant_a, door):
    jose = LeadFactory(tenant=tenant_a, first_name="Jose", last_name="Nunez")
    assert find(door, "José Núñez") == {jose.pk}


@DOORS
@pytest.mark.parametrize("term", ["Farah de la Cruz", "cruz farah", "de la cruz", "FARAH DE LA"])
def test_every_word_of_a_multi_word_name_must_start_a_word(find, people, door, term):
    assert find(door, term) == pks(people, "cruz")


@DOORS
def test_one_word_finds_everyone_it_starts_a_name_of(find, people, door):
    assert find(door, "farah") == pks(people, "cruz", "smith")


@DOORS
@pytest.mark.parametrize("term", ["arcia", "ruz", "farah jones"])
def test_a_word_must_start_a_word_of_the_name(find, people, door, term):
    assert find(door, term) == set()


@DOORS
@pytest.mark.parametrize("term", ["jean-luc", "luc", "obrien", "o'brien", "Jean Luc O'Brien"])
def test_hyphens_and_apostrophes_in_names(find, people, door, term):
    assert find(door, term) == pks(people, "obrien")


@DOORS
@pytest.mark.parametrize("term", ["farah.dlc@", "Farah.DLC@sunrise-gym.com", "farah.dlc", "@sunrise-gym.com"])
def test_emails_by_their_start_or_domain(find, people, door, term):
    assert find(door, term) == pks(people, "cruz")


@DOORS
@pytest.mark.parametrize("term", ["(786) 555-0037", "786.555.0037", "+1 786 555 0037", "7865550037", "17865550037"])
def test_a_whole_number_in_any_format_finds_that_number_only(find, people, door, term):
    assert find(door, term) == pks(people, "garcia")


@DOORS
@pytest.mark.parametrize("term", ["(786) 555-", "786-555", "+1 786 55", "(786)", "786 555 003"])
def test_the_beginning_of_a_number_finds_every_number_it_starts(find, people, door, term):
    assert find(door, term) == pks(people, "garcia", "muller")


@DOORS
def test_a_numbers_beginning_with_the_country_code(find, people, door):
    assert find(door, "+1 305") == pks(people, "cruz")


@DOORS
@pytest.mark.parametrize("term", ["0037", "5550037", "555-0037"])
def test_the_last_digits_find_every_number_they_end(find, people, door, term):
    assert find(door, term) == pks(people, "garcia", "cruz")


@DOORS
@pytest.mark.parametrize("term", ["García", "farah de la cruz", "(786) 555-", "7865550037", "0037", "+1 305"])
def test_another_tenants_lead_is_never_found(find, people, door, term, tenant_b):
    with tenant_scope(tenant_b.pk):
        theirs = set(Lead.objects.values_list("pk", flat=True))
    assert not find(door, term) & theirs


@DOORS
def test_a_numbers_beginning_is_read_in_the_tenants_country(find, tenant_a, door):
    tenant_a.country = "GB"
    tenant_a.save()
    london = LeadFactory(tenant=tenant_a, phone="+442079460958")
    LeadFactory(tenant=tenant_a, phone="+13055550123")
    assert find(door, "020 7946") == {london.pk}


# The lead list's queries, searched or not: the session and its user, the tag, owner and branch filters'
# choices, the capped count (tenants.admin_pagination), three checks of the tenant's settings, the page.
LIST_QUERIES = 10


@pytest.mark.parametrize("term", ["", "garcia", "farah de la cruz", "(786) 555-", "7865550037", "0037"])
def test_the_admin_search_costs_no_query_of_its_own(client, owner_a, tenant_a, term, django_assert_num_queries):
    client.force_login(owner_a)
    LeadFactory.create_batch(3, tenant=tenant_a, last_name="García", first_name="Farah")
    LeadFactory.create_batch(20, tenant=tenant_a, last_name="de la Cruz", first_name="Farah")
    client.get(reverse(CHANGELIST))  # the signed-in user and the tenant are cached from now on
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse(CHANGELIST), {"q": term}).status_code == 200


# --- the search column is kept up to date -----------------------------------------------------------


def found_by(tenant, term) -> set[int]:
    with tenant_scope(tenant.pk):
        return set(search_leads(Lead.objects.all(), term).values_list("pk", flat=True))


def test_saving_a_lead_refreshes_its_search_text(tenant_a):
    lead = LeadFactory(tenant=tenant_a, first_name="Ana", last_name="Lopez")
    lead.last_name = "Muñoz"
    lead.save(update_fields=["last_name"])
    assert (found_by(tenant_a, "munoz"), found_by(tenant_a, "lopez")) == ({lead.pk}, set())


def test_a_lead_made_and_changed_by_the_services_is_found_by_its_new_name(tenant_a):
    with tenant_scope(tenant_a.pk):
        lead = services.create_lead({"first_name": "Zoë", "last_name": "Brontë", "phone": "(305) 555-0101"})
        assert found_by(tenant_a, "zoe bronte") == {lead.pk}
        services.update_lead(lead, {"email": "zoe@brontë.example"})
    assert found_by(tenant_a, "zoe@") == {lead.pk}


def test_an_api_update_refreshes_the_search(owner_a, tenant_a):
    lead = LeadFactory(tenant=tenant_a, first_name="Ana", last_name="Lopez")
    api = api_client(owner_a, tenant_a)
    response = api.patch(f"/api/v1/leads/{pid(lead)}/", {"last_name": "Peña"}, format="json")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in api.get("/api/v1/leads/", {"search": "ana pena"}).json()["results"]] == [pid(lead)]
    assert api.get("/api/v1/leads/", {"search": "lopez"}).json()["results"] == []


def test_imported_leads_are_found_by_name(tenant_a):
    rows = b"First name,Last name,Phone,Email\nJos\xc3\xa9,Garc\xc3\xada,(305) 555-0142,jg@example.com\n"
    with tenant_scope(tenant_a.pk):
        import_csv(io.BytesIO(rows), ImportOptions())
        imported = Lead.objects.get(phone="+13055550142")
    assert found_by(tenant_a, "jose garcia") == {imported.pk}


def test_an_import_that_updates_a_lead_refreshes_its_search_text(tenant_a):
    lead = LeadFactory(tenant=tenant_a, first_name="Ana", last_name="Lopez", phone="+13055550142")
    rows = b"First name,Last name,Phone\nAna,Ib\xc3\xa1\xc3\xb1ez,(305) 555-0142\n"
    with tenant_scope(tenant_a.pk):
        report = import_csv(io.BytesIO(rows), ImportOptions(on_duplicate="update"))
    assert report.updated == 1
    assert (found_by(tenant_a, "ibanez"), found_by(tenant_a, "lopez")) == ({lead.pk}, set())


def test_bulk_writes_of_the_lead_manager_fill_the_search_text(tenant_a):
    with tenant_scope(tenant_a.pk):
        [lead] = Lead.objects.bulk_create([Lead(first_name="Élodie", last_name="Durand", phone="+13055550143")])
    assert found_by(tenant_a, "elodie durand") == {lead.pk}
    with tenant_scope(tenant_a.pk):
        lead.last_name = "Lefèvre"
        Lead.objects.bulk_update([lead], ["last_name"])
    assert (found_by(tenant_a, "elodie lefevre"), found_by(tenant_a, "durand")) == ({lead.pk}, set())


def test_the_migration_fills_the_search_text_of_existing_leads(tenant_a):
    lead = LeadFactory(tenant=tenant_a, first_name="Søren", last_name="Ødegård")
    Lead.all_tenants.filter(pk=lead.pk).update(search_text="")  # as every lead was before the migration
    migration = import_module("leads.migrations.0010_lead_search_text")
    migration.fill_search_text(apps, SimpleNamespace(connection=connection))
    assert found_by(tenant_a, "soren odegard") == {lead.pk}


# --- on PostgreSQL, indexes serve every form --------------------------------------------------------


def fill(tenant, count: int) -> None:
    """``count`` leads made by the database itself, then counted by the planner."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO leads_lead (tenant_id, first_name, last_name, phone, email, source, stage, lost_reason,
                score, score_explanation, interest, time_zone, region, notes, custom_fields, created_at, updated_at,
                search_text)
            SELECT %s, 'Person' || g, 'Family' || (g %% 997), '+1' || (2000000000 + g)::text, '', 'other', 'new', '',
                   0, '[]', '', '', '', '', '{}', now(), now(), ' person' || g || ' family' || (g %% 997)
            FROM generate_series(1, %s) AS g
            """,
            [tenant.pk, count],
        )
        cursor.execute("SELECT gin_clean_pending_list(to_regclass('lead_search_text_trgm'))")  # as autovacuum would
        cursor.execute("ANALYZE leads_lead")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("term", "indexes"),
    [
        ("garcia", ["lead_search_text_trgm"]),
        ("farah de la cruz", ["lead_search_text_trgm"]),
        # Under the C collation the unique (tenant, phone) index serves a LIKE prefix too.
        ("(786) 555-", ["lead_phone_prefix", "lead_phone_unique_per_tenant"]),
        ("0037", ["lead_phone_reversed"]),
    ],
)
def test_each_search_form_is_an_index_lookup(people, tenant_a, term, indexes):
    fill(tenant_a, 20_000)  # so that reading every lead of the tenant costs more than the search's own index
    with tenant_scope(tenant_a.pk), connection.cursor() as cursor:
        sql, params = search_leads(Lead.objects.order_by(), term).values("pk").query.sql_with_params()
        cursor.execute("SET LOCAL enable_seqscan = off")  # too few rows still for the planner's own choice
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert any(index in plan for index in indexes), plan
