"""Reassigned numbers (docs/compliance.md#reassigned-numbers): the Reassigned Numbers Database's answers imported
(a bad row changes nothing and is named by row and column), and a number disconnected since the person consented
not called on that consent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from calls.compliance import Reason, check
from leads import reassigned
from leads.models import ReassignedCheck
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.clock import moment, monday_of_next_week, today
from tests.conftest import member
from tests.factories import ConsentFactory, LeadFactory, ReassignedCheckFactory

pytestmark = pytest.mark.django_db
MONDAY_11 = moment(monday_of_next_week(), 11)


def consented(tenant, phone, days_ago):
    lead = LeadFactory(tenant=tenant, phone=phone, branch=None)
    ConsentFactory(tenant=tenant, lead=lead, captured_at=moment(today() - timedelta(days=days_ago), 10))
    return lead


def gate(lead):
    with tenant_scope(lead.tenant_id):
        return check(lead, purpose="lead_followup", is_marketing=True, when=MONDAY_11)


def test_a_number_disconnected_since_the_consent_is_not_called_on_it(tenant_a):
    lead = consented(tenant_a, "+12125550161", days_ago=200)
    assert gate(lead).allowed
    ReassignedCheckFactory(tenant=tenant_a, phone=lead.phone, result="yes", checked_on=today())
    decision = gate(lead)
    assert decision.code == Reason.REASSIGNED_NUMBER and "re-confirm it with whoever holds" in decision.detail
    ConsentFactory(tenant=tenant_a, lead=lead)  # re-confirmed today, after the check: it stands
    assert gate(lead).allowed


def test_no_data_sets_aside_only_an_old_consent(tenant_a):
    old = consented(tenant_a, "+12125550162", days_ago=120)
    recent = consented(tenant_a, "+12125550163", days_ago=20)
    for lead in (old, recent):
        ReassignedCheckFactory(tenant=tenant_a, phone=lead.phone, result="no_data", checked_on=today())
    assert gate(old).code == Reason.REASSIGNED_NUMBER
    assert gate(recent).allowed


def test_a_later_no_about_a_later_date_does_not_wipe_out_a_yes(tenant_a):
    lead = consented(tenant_a, "+12125550164", days_ago=200)
    ReassignedCheckFactory(tenant=tenant_a, phone=lead.phone, result="yes", checked_on=today() - timedelta(days=9))
    ReassignedCheckFactory(tenant=tenant_a, phone=lead.phone, result="no", checked_on=today())  # about 30 days ago
    assert gate(lead).code == Reason.REASSIGNED_NUMBER


def test_a_no_about_the_consents_date_vouches_for_it(tenant_a):
    lead = consented(tenant_a, "+12125550166", days_ago=200)
    consent_day = today() - timedelta(days=200)
    ReassignedCheckFactory(tenant=tenant_a, phone=lead.phone, result="no_data", checked_on=today() - timedelta(days=3))
    assert gate(lead).code == Reason.REASSIGNED_NUMBER  # no data, and a consent over 90 days old
    ReassignedCheckFactory(tenant=tenant_a, phone=lead.phone, result="no", asked_about=consent_day, checked_on=today())
    assert gate(lead).allowed


CSV = "Phone Number,Date,Result\n(212) 555-0161,2026-01-05,Yes\n212-555-0162,01/05/2026,No Data\n"


def test_a_results_file_is_imported_or_nothing_is(tenant_a):
    with tenant_scope(tenant_a.pk):
        assert reassigned.import_results(StringIO(CSV).readlines()) == 2
        results = dict(ReassignedCheck.objects.values_list("phone", "result"))
        assert results == {"+12125550161": "yes", "+12125550162": "no_data"}
        bad = "phone,date,result\n2125550170,2026-01-05,Yes\nnope,yesterday,Maybe\n"
        with pytest.raises(reassigned.ReassignedFileError) as refused:
            reassigned.import_results(StringIO(bad).readlines())
        assert refused.value.messages == [
            "row 3, phone: “nope” is not a phone number",
            "row 3, date: “yesterday” is not a date (YYYY-MM-DD)",
            "row 3, result: “Maybe” is not Yes, No or No data",
        ]
        with pytest.raises(reassigned.ReassignedFileError, match="no result column"):
            reassigned.import_results(["phone,date\n", "2125550170,2026-01-05\n"])
        assert ReassignedCheck.objects.count() == 2


def test_the_command_and_the_admin_import_the_answers(client, tenant_a, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = tmp_path / "rnd.csv"
    path.write_text(CSV)
    out = StringIO()
    call_command("import_reassigned_checks", str(path), tenant=tenant_a.slug, stdout=out)
    assert "Imported 2 answers" in out.getvalue()
    with pytest.raises(CommandError, match="No business"):
        call_command("import_reassigned_checks", str(path), tenant="nobody")
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    upload = SimpleUploadedFile("rnd.csv", b"phone,date,result\n2125550199,2026-02-01,No\n")
    answer = client.post(reverse("admin:leads_reassignedcheck_import"), {"file": upload})
    assert answer.status_code == 302
    assert ReassignedCheck.all_tenants.filter(tenant=tenant_a).count() == 3
    listing = client.get(reverse("admin:leads_reassignedcheck_changelist")).content.decode()
    assert "+12125550199" in listing and "Import reassigned-number checks" in listing


def test_the_compliance_file_records_the_check(tenant_a):
    from calls.compliance import check_with_file

    lead = consented(tenant_a, "+12125550165", days_ago=10)
    ReassignedCheckFactory(tenant=tenant_a, phone=lead.phone, result="no", checked_on=today())
    with tenant_scope(tenant_a.pk):
        decision, file = check_with_file(lead, purpose="lead_followup", is_marketing=True, when=MONDAY_11)
    assert decision.allowed and file["reassigned_check"]["result"] == "no"
