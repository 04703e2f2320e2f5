"""Uploads owed to a worker (a lead import, a knowledge document) are rows: a wake-up lost with the broker
is made good by beat's sweepers, and nothing waits for good."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from knowledge import services as knowledge
from knowledge.models import Document
from knowledge.tasks import sweep_stuck_documents
from leads.importing import create_import
from leads.models import Lead, LeadImport
from leads.tasks import sweep_waiting_imports
from tenants.scoping import tenant_scope

pytestmark = pytest.mark.django_db
CSV = b"first_name,phone\nAna,+12125550123\nBo,+12125550124\n"


def test_an_import_whose_wake_up_was_lost_is_run_by_the_sweeper(tenant_a, django_capture_on_commit_callbacks):
    with tenant_scope(tenant_a.pk), mock.patch("leads.importing.runs.wake"):  # the broker loses the message
        lead_import = create_import(SimpleUploadedFile("leads.csv", CSV, "text/csv"), queue=True)
    assert LeadImport.all_tenants.get(pk=lead_import.pk).queued_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_waiting_imports() == 0  # queued a moment ago: its message may still be on its way
    with time_machine.travel(timezone.now() + timedelta(minutes=2)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_waiting_imports() == 1
    assert LeadImport.all_tenants.get(pk=lead_import.pk).status == "done"
    assert Lead.all_tenants.filter(tenant=tenant_a).count() == 2


def test_an_import_whose_worker_died_mid_run_is_started_again(tenant_a, django_capture_on_commit_callbacks):
    with tenant_scope(tenant_a.pk), mock.patch("leads.importing.runs.wake"):
        lead_import = create_import(SimpleUploadedFile("leads.csv", CSV, "text/csv"), queue=True)
    # A worker claimed it, wrote the first row, then died (kill -9): RUNNING, and silent from then on.
    started = timezone.now()
    LeadImport.all_tenants.filter(pk=lead_import.pk).update(status="running", started_at=started, alive_at=started)
    with tenant_scope(tenant_a.pk):
        Lead.objects.create(first_name="Ana", phone="+12125550123")
    with time_machine.travel(started + timedelta(minutes=2)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_waiting_imports() == 0  # quiet for two minutes: a slow batch, not a dead worker
    assert LeadImport.all_tenants.get(pk=lead_import.pk).status == "running"
    with time_machine.travel(started + timedelta(minutes=6)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_waiting_imports() == 1
    finished = LeadImport.all_tenants.get(pk=lead_import.pk)
    assert (finished.status, finished.created_count, finished.duplicate_count) == ("done", 1, 1)
    assert Lead.all_tenants.filter(tenant=tenant_a).count() == 2  # nobody created twice


def test_a_preview_is_not_owed(tenant_a):
    with tenant_scope(tenant_a.pk):
        create_import(SimpleUploadedFile("leads.csv", CSV, "text/csv"), queue=False)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert sweep_waiting_imports() == 0


def test_a_preview_nobody_started_loses_its_upload_after_a_day(tenant_a):
    with tenant_scope(tenant_a.pk):
        lead_import = create_import(SimpleUploadedFile("leads.csv", CSV, "text/csv"), queue=False)
    stored = LeadImport.all_tenants.get(pk=lead_import.pk).file
    assert stored.storage.exists(stored.name)
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        sweep_waiting_imports()
    assert stored.storage.exists(stored.name)  # still there to be started
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        sweep_waiting_imports()
    dropped = LeadImport.all_tenants.get(pk=lead_import.pk)
    assert not stored.storage.exists(stored.name) and not dropped.file
    assert dropped.status == "failed" and "deleted" in dropped.failure


def test_a_dry_run_keeps_no_upload(tenant_a, django_capture_on_commit_callbacks):
    with tenant_scope(tenant_a.pk), django_capture_on_commit_callbacks(execute=True):
        lead_import = create_import(SimpleUploadedFile("leads.csv", CSV, "text/csv"), dry_run=True, queue=True)
        name = lead_import.file.name
    checked = LeadImport.all_tenants.get(pk=lead_import.pk)
    assert (checked.status, checked.created_count) == ("done", 2)  # what it would create
    assert not checked.file and not checked.file.storage.exists(name)
    assert Lead.all_tenants.filter(tenant=tenant_a).count() == 0


def test_a_document_whose_processing_was_lost_is_sent_again(tenant_a, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("hours.txt", b"We open at six and close at ten.", "text/plain")
    with tenant_scope(tenant_a.pk), mock.patch("knowledge.services.wake"):
        document = knowledge.upload_document(upload)
    assert Document.all_tenants.get(pk=document.pk).status == "processing"
    assert sweep_stuck_documents() == 0  # it may still be running
    later = timezone.now() + knowledge.STUCK_AFTER + timedelta(minutes=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert sweep_stuck_documents() == 1
    assert Document.all_tenants.get(pk=document.pk).status == "ready"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_document_leave_one_set_of_chunks(tenant_a):
    """A sweep may re-send a document still waiting behind other work: both runs happen, one after the other."""
    import threading

    from django.db import connection

    from knowledge.models import Chunk

    upload = SimpleUploadedFile("hours.txt", b"We open at six.\n\nWe close at ten.\n\nParking is free.", "text/plain")
    with tenant_scope(tenant_a.pk), mock.patch("knowledge.services.wake"):
        document = knowledge.upload_document(upload)
    barrier = threading.Barrier(2)

    def run():
        try:
            with tenant_scope(tenant_a.pk):
                barrier.wait(5)
                knowledge.process_document(Document.objects.get(pk=document.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    once = Chunk.all_tenants.filter(document_id=document.pk).count()
    with tenant_scope(tenant_a.pk):
        knowledge.process_document(Document.objects.get(pk=document.pk))
    assert once == Chunk.all_tenants.filter(document_id=document.pk).count() > 0


def test_an_import_left_running_by_an_older_release_is_started_again(tenant_a, django_capture_on_commit_callbacks):
    """Runs from before ``alive_at`` existed have none: their start time says how long they have been silent."""
    with tenant_scope(tenant_a.pk), mock.patch("leads.importing.runs.wake"):
        lead_import = create_import(SimpleUploadedFile("leads.csv", CSV, "text/csv"), queue=True)
    started = timezone.now()
    LeadImport.all_tenants.filter(pk=lead_import.pk).update(status="running", started_at=started, alive_at=None)
    with time_machine.travel(started + timedelta(minutes=6)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_waiting_imports() == 1
    assert LeadImport.all_tenants.get(pk=lead_import.pk).status == "done"
