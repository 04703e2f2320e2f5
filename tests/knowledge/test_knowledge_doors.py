"""The knowledge base through its doors: entries and search in the API (400s with a message or a field
map), the admin (Markdown preview, sanitised; "Try a search"; document upload), the import command, and
grounding: the facts a call's prompt carries, visible in the script preview."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from core.public_ids import of as pid
from knowledge import retrieval
from knowledge.models import Chunk, Document, KnowledgeEntry
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member
from tests.factories import LeadFactory, ScriptFactory, VehicleFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/knowledge/"


@pytest.fixture
def manager(tenant_a):
    return member(tenant_a, Role.MANAGER, "maria")


@pytest.fixture
def client(manager, tenant_a):
    return api_client(manager, tenant_a)


def test_entries_crud_keeps_search_in_step(client, manager, tenant_a):
    created = client.post(
        f"{URL}entries/",
        {"title": "Parking", "body": "Free parking behind the club.", "category": "amenities", "tags": ["car"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["updated_by"], body["tags"]) == (pid(manager), ["car"])
    assert [h["entry"] for h in client.get(f"{URL}search/", {"q": "parking"}).json()] == [body["id"]]

    client.patch(f"{URL}entries/{body['id']}/", {"body": "Paid parking on Flagler Street."}, format="json")
    assert client.get(f"{URL}search/", {"q": "behind"}).json() == []
    assert client.delete(f"{URL}entries/{body['id']}/").status_code == 204
    assert client.get(f"{URL}search/", {"q": "flagler"}).json() == []
    assert not Chunk.all_tenants.exists()


def test_search_answers_ranked_hits_with_snippets(client, gym_knowledge):
    hits = client.get(f"{URL}search/", {"q": "family membership", "limit": 3}).json()
    assert hits[0]["entry"] == pid(gym_knowledge["membership-prices"])
    assert hits[0]["source"] == "entry" and "<mark>" in hits[0]["snippet"]
    assert hits[0]["rank"] >= hits[-1]["rank"]
    only_hours = client.get(f"{URL}search/", {"q": "sunday", "category": "hours"}).json()
    assert only_hours and {h["category"] for h in only_hours} == {"hours"}


def test_bad_searches_get_a_400_with_a_message(client, gym_knowledge):
    empty = client.get(f"{URL}search/", {"q": "  "})
    assert empty.status_code == 400 and empty.json()["fields"]["q"] == ["Type a word or two to search for."]
    assert client.get(f"{URL}search/").status_code == 400
    bad = client.get(f"{URL}search/", {"q": "pool", "limit": 500, "category": "gossip"})
    assert bad.status_code == 400 and {"limit", "category"} <= set(bad.json()["fields"])
    for query in ['"', "(((", "-", "a & b | c", "price:*", "<script>", "*", "AND", "NEAR(", "'", "title:pool", "🏊"]:
        assert client.get(f"{URL}search/", {"q": query}).status_code in (200, 400), query


def test_search_in_a_fixed_number_of_queries(client, gym_knowledge, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(f"{URL}search/", {"q": "membership"}).status_code == 200


def test_agents_read_but_do_not_write(tenant_a, gym_knowledge):
    agent = api_client(member(tenant_a, Role.AGENT, "andy"), tenant_a)
    assert agent.get(f"{URL}search/", {"q": "pool"}).status_code == 200
    assert agent.post(f"{URL}entries/", {"title": "x", "body": "y"}, format="json").status_code == 403


def test_the_admin_preview_renders_markdown_and_drops_scripts(tenant_a, manager):
    from django.test import Client

    browser = Client()
    browser.force_login(manager)
    response = browser.post(
        reverse("admin:knowledge_knowledgeentry_add"),
        {
            "title": "Towels",
            "category": "amenities",
            "branch": "",
            "tags_text": "towels, spa",
            "body": "## Towels\n\n- **Free** at the desk\n\n<script>alert(1)</script>",
            "is_active": "on",
            "chunks-TOTAL_FORMS": "0",
            "chunks-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = KnowledgeEntry.all_tenants.get(title="Towels")
    assert entry.tags == ["towels", "spa"] and entry.updated_by == manager
    page = browser.get(reverse("admin:knowledge_knowledgeentry_change", args=[entry.pk])).content.decode()
    assert "<h2>Towels</h2>" in page and "<strong>Free</strong>" in page
    assert "<script>alert(1)</script>" not in page

    results = browser.get(reverse("admin:knowledge_knowledgeentry_search"), {"q": "desk"})
    assert [row["hit"].entry_id for row in results.context["rows"]] == [entry.pk]
    assert "<mark>" in results.content.decode()
    empty = browser.get(reverse("admin:knowledge_knowledgeentry_search"), {"q": ""})
    assert "Type a word or two" in empty.content.decode()


def test_the_admin_search_shows_the_best_match_never_a_rank_number(manager, gym_knowledge):
    from django.test import Client

    browser = Client()
    browser.force_login(manager)
    response = browser.get(reverse("admin:knowledge_knowledgeentry_search"), {"q": "membership price"})
    hits = [row["hit"] for row in response.context["rows"]]
    page = response.content.decode()
    start = page.index('data-testid="search-results"')
    results = page[start : page.index("</ol>", start)]
    assert len(hits) >= 2 and results.count("best match") == 1
    assert "rank" not in results.lower()
    assert not [hit.rank for hit in hits if str(hit.rank) in results]


def test_uploading_a_document_in_the_admin(tenant_a, manager, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    browser = Client()
    browser.force_login(manager)
    form = {"title": "", "category": "policies", "branch": "", "is_active": "on"}
    form |= {"chunks-TOTAL_FORMS": "0", "chunks-INITIAL_FORMS": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("admin:knowledge_document_add"),
            {**form, "file": SimpleUploadedFile("guest-policy.md", b"# Guests\n\nOne guest a month, free.")},
        )
    assert response.status_code == 302
    stored = Document.all_tenants.get()
    assert (stored.status, stored.title, stored.uploaded_by) == ("ready", "guest policy", manager)
    too_big = browser.post(
        reverse("admin:knowledge_document_add"),
        {**form, "file": SimpleUploadedFile("video.pdf", b"0" * (20 * 1024 * 1024 + 1))},
    )
    assert "the limit is 20 MB" in too_big.content.decode()
    assert Document.all_tenants.count() == 1


def test_import_knowledge_loads_a_folder(tmp_path, tenant_a, capsys):
    (tmp_path / "pricing").mkdir()
    (tmp_path / "pricing" / "membership.md").write_text("# Membership prices\n\nBasic: $29.99 a month.")
    (tmp_path / "opening-hours.txt").write_bytes("Open daily, café from 7am.".encode("cp1252"))
    (tmp_path / "logo.md").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")  # not a Markdown or text file: ignored

    call_command("import_knowledge", str(tmp_path), tenant="tenant-a")
    out = capsys.readouterr().out
    assert "2 created, 0 updated, 0 unchanged, 1 not imported." in out and "logo.md: This is not a text file" in out
    with tenant_scope(tenant_a.pk):
        entries = {e.title: e for e in KnowledgeEntry.objects.all()}
    assert entries["Membership prices"].category == "pricing"
    assert entries["Membership prices"].body == "Basic: $29.99 a month."
    assert entries["Opening hours"].body == "Open daily, café from 7am."

    call_command("import_knowledge", str(tmp_path), tenant="tenant-a")
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No tenant"):
        call_command("import_knowledge", str(tmp_path), tenant="nobody")


def test_a_gym_call_carries_prices_classes_and_its_branchs_hours(tenant_a, gym_knowledge):
    with tenant_scope(tenant_a.pk):
        riverside = gym_knowledge["hours-riverside"].branch
        lead = LeadFactory(tenant=tenant_a, branch=riverside, interest="yoga classes")
        script = ScriptFactory(tenant=tenant_a, purpose="trial_booking")
        facts = retrieval.for_script(script, lead)
    timetable = gym_knowledge["class-timetable"].title
    assert facts.startswith(f"### {timetable}")  # classes first for a trial booking, and yoga fits
    assert f"### {gym_knowledge['hours-riverside'].title}" in facts
    assert gym_knowledge["hours-downtown"].title not in facts  # another branch's hours
    assert len(facts) <= retrieval.BUDGET_CHARS


def test_a_service_reminder_carries_service_facts(tenant_b, dealership_knowledge):
    with tenant_scope(tenant_b.pk):
        lead = LeadFactory(tenant=tenant_b, interest="")
        VehicleFactory(tenant=tenant_b, lead=lead, make="Toyota", model="RAV4")
        script = ScriptFactory(tenant=tenant_b, purpose="service_reminder")
        ranked = retrieval.ranked_entries(script, lead)
    assert ranked[0].category == "services"
    assert {e.category for e in ranked} <= {"services", "hours", "policies", "pricing", "financing", "faq"}


def test_the_script_preview_shows_the_facts_the_agent_receives(tenant_a, gym_knowledge):
    from django.test import Client

    owner = member(tenant_a, Role.OWNER, "olivia")
    browser = Client()
    browser.force_login(owner)
    with tenant_scope(tenant_a.pk):
        lead = LeadFactory(tenant=tenant_a, interest="spin")
        script = ScriptFactory(tenant=tenant_a, purpose="trial_booking", prompt_template="Facts: {knowledge}")
    page = browser.get(reverse("admin:voice_script_preview", args=[script.pk]), {"lead": pid(lead)})
    assert page.status_code == 200
    rendered = page.context["rendered"]
    timetable = gym_knowledge["class-timetable"].title
    assert f"### {timetable}" in rendered.prompt and "{knowledge}" not in rendered.prompt
    assert timetable in page.content.decode()


def test_search_never_reaches_another_tenants_knowledge(client, manager, tenant_a, tenant_b, dealership_knowledge):
    from django.test import Client

    assert client.get(f"{URL}search/", {"q": "loaner car"}).json() == []
    browser = Client()
    browser.force_login(manager)
    page = browser.get(reverse("admin:knowledge_knowledgeentry_search"), {"q": "loaner car"})
    assert page.context["rows"] == []
    with tenant_scope(tenant_b.pk):
        assert retrieval.for_script(ScriptFactory(tenant=tenant_b), LeadFactory(tenant=tenant_b))
    lead_a = LeadFactory(tenant=tenant_a)
    with tenant_scope(tenant_a.pk):
        assert retrieval.for_script(ScriptFactory(tenant=tenant_a, purpose="service_reminder"), lead_a) == ""


def test_reindex_knowledge_rebuilds_every_chunk(tenant_a, gym_knowledge, capsys):
    with tenant_scope(tenant_a.pk):
        before = set(Chunk.objects.values_list("pk", flat=True))
    call_command("reindex_knowledge", tenant="tenant-a")
    assert f"{tenant_a.name}: {len(before)} chunks indexed." in capsys.readouterr().out
    with tenant_scope(tenant_a.pk):
        after = set(Chunk.objects.values_list("pk", flat=True))
    assert len(after) == len(before) and not before & after
