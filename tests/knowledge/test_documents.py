"""Documents: uploaded, processed by a task into chunks, searchable; a corrupt PDF, a binary file or an
empty one fails with its reason and nothing else is affected; Windows-1252 text is decoded; over 20 MB,
or a type we cannot read, is refused before anything is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import public_ids
from core.public_ids import of as pid
from knowledge import extraction, search
from knowledge.models import Chunk, Document
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member

from .conftest import pdf_with_text

pytestmark = pytest.mark.django_db
URL = "/api/v1/knowledge/documents/"


@pytest.fixture
def client(tenant_a):
    return api_client(member(tenant_a, Role.MANAGER, "maria"), tenant_a)


def upload(client, name, data, capture, **fields):
    with capture(execute=True):
        response = client.post(URL, {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")
    return response


def document(response):
    return Document.all_tenants.get(pk=public_ids.decode(Document, response.json()["id"]))


def test_a_pdf_is_extracted_chunked_and_searchable(client, tenant_a, django_capture_on_commit_callbacks):
    data = pdf_with_text("Service packages", "Synthetic oil change: 89.95 dollars, about 45 minutes.")
    response = upload(client, "service-menu.pdf", data, django_capture_on_commit_callbacks, category="services")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "processing"  # answered before the task ran

    stored = document(response)
    assert (stored.status, stored.error, stored.title, stored.category) == ("ready", "", "service menu", "services")
    detail = client.get(f"{URL}{pid(stored)}/").json()
    assert detail["status"] == "ready" and detail["chunks"] == 1
    with tenant_scope(tenant_a.pk):
        hits = search.search("synthetic oil")
    assert [hit.document_id for hit in hits] == [stored.pk]


def test_a_corrupt_pdf_fails_with_a_reason_and_nothing_else_changes(
    client, tenant_a, django_capture_on_commit_callbacks
):
    good = document(upload(client, "hours.txt", b"Open 6am to 10pm.", django_capture_on_commit_callbacks))
    broken = document(
        upload(client, "prices.pdf", b"%PDF-1.4\n1 0 obj << /Type /Cat", django_capture_on_commit_callbacks)
    )
    assert broken.status == "failed" and "PDF could not be read" in broken.error
    assert not Chunk.all_tenants.filter(document=broken).exists()
    good.refresh_from_db()
    assert good.status == "ready" and Chunk.all_tenants.filter(document=good).count() == 1
    listed = {row["id"]: row for row in client.get(URL).json()["results"]}
    assert listed[pid(broken)]["error"] == broken.error


def test_windows_1252_text_is_decoded_and_binary_is_refused_clearly(client, django_capture_on_commit_callbacks):
    latin = document(
        upload(client, "menu.txt", "Café latte: 3,50 €".encode("cp1252"), django_capture_on_commit_callbacks)
    )
    assert latin.status == "ready"
    assert Chunk.all_tenants.get(document=latin).text == "Café latte: 3,50 €"

    binary = document(upload(client, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x81", django_capture_on_commit_callbacks))
    assert binary.status == "failed" and "not a text file" in binary.error

    empty = document(upload(client, "empty.md", b"   \n", django_capture_on_commit_callbacks))
    assert empty.status == "failed" and empty.error == "The file is empty."


def test_html_keeps_headings_and_drops_scripts(client, django_capture_on_commit_callbacks):
    page = (
        b"<html><head><style>p{}</style></head><body><h2>Loaners</h2><p>Free over 2 hours.</p>"
        b"<script>track()</script></body></html>"
    )
    stored = document(upload(client, "loaners.html", page, django_capture_on_commit_callbacks))
    chunk = Chunk.all_tenants.get(document=stored)
    assert chunk.title == "loaners › Loaners" and chunk.text == "Free over 2 hours."


def test_over_20_mb_or_an_unknown_type_is_refused_and_nothing_is_stored(client):
    big = SimpleUploadedFile("manual.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024))
    response = client.post(URL, {"file": big}, format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"]["file"] == ["The file is 20.0 MB; the limit is 20 MB."]
    word = client.post(URL, {"file": SimpleUploadedFile("prices.docx", b"PK")}, format="multipart")
    assert word.status_code == 400 and "Upload a .txt, .md, .html or .pdf file." in word.json()["fields"]["file"]
    missing = client.post(URL, {"title": "No file"}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["fields"]
    assert not Document.all_tenants.exists()


def test_deactivating_a_document_takes_it_out_of_search(client, tenant_a, django_capture_on_commit_callbacks):
    stored = document(upload(client, "pool.txt", b"The pool is heated.", django_capture_on_commit_callbacks))
    assert client.patch(f"{URL}{pid(stored)}/", {"is_active": False}, format="json").status_code == 200
    with tenant_scope(tenant_a.pk):
        assert search.search("heated") == []


def test_decode_reports_where_it_stopped():
    with pytest.raises(extraction.Unreadable, match="byte 3"):
        extraction.decode(b"abc\xff\x00")
    assert extraction.decode("\ufeffhello".encode()) == "hello"
    assert extraction.decode("hé".encode("utf-16")) == "hé"


def test_a_new_title_reaches_the_chunks_and_search(client, tenant_a, django_capture_on_commit_callbacks):
    stored = document(upload(client, "notes.md", b"## Towels\n\nFree at the desk.", django_capture_on_commit_callbacks))
    assert client.patch(f"{URL}{pid(stored)}/", {"title": "Spa guide"}, format="json").status_code == 200
    assert list(Chunk.all_tenants.filter(document=stored).values_list("title", flat=True)) == ["Spa guide › Towels"]
    with tenant_scope(tenant_a.pk):
        assert [hit.document_id for hit in search.search("spa guide")] == [stored.pk]


def test_a_file_gone_from_storage_fails_then_process_again_recovers(
    client, tenant_a, django_capture_on_commit_callbacks
):
    from django.test import Client
    from django.urls import reverse

    stored = document(upload(client, "hours.txt", b"Open 6am to 10pm.", django_capture_on_commit_callbacks))
    content = stored.file.read()
    stored.file.close()
    stored.file.storage.delete(stored.file.name)
    browser = Client()
    browser.force_login(member(tenant_a, Role.OWNER, "olivia"))
    url = reverse("admin:knowledge_document_process_again", args=[stored.pk])
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(url)
    stored.refresh_from_db()
    assert stored.status == "failed" and "No such file" in stored.error

    stored.file.storage.save(stored.file.name, SimpleUploadedFile("hours.txt", content))
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(url).status_code == 302
    stored.refresh_from_db()
    assert (stored.status, stored.error) == ("ready", "")
