"""Do-not-call registries (docs/compliance.md#do-not-call-registries): a registered seller's files imported by
area code and kept with their date, a bad file changing nothing and saying why by line, marketing calls to a
listed number refused without written consent, the scrub's age on the call's file and stale scrubs shown."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from calls.compliance import Reason, check
from leads import registries
from leads.models import RegistryFile, RegistryNumber
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.clock import moment, monday_of_next_week, today
from tests.conftest import member
from tests.factories import ConsentFactory, LeadFactory, RegistryFileFactory

pytestmark = pytest.mark.django_db
MONDAY_11 = moment(monday_of_next_week(), 11)


def national(tenant, lines, days_ago=2, registry="US"):
    with tenant_scope(tenant.pk):
        return registries.import_file(lines, registry=registry, downloaded_on=today() - timedelta(days=days_ago))


def numbers(tenant) -> set[int]:
    return set(RegistryNumber.all_tenants.filter(tenant=tenant).values_list("number", flat=True))


def test_a_file_replaces_the_numbers_of_the_area_codes_it_covers(tenant_a):
    national(tenant_a, ["2125550101", "212,5550102", "(305) 555-0103", "", "2125550101"], days_ago=5)
    assert numbers(tenant_a) == {2125550101, 2125550102, 3055550103}
    newer = national(tenant_a, ["2125550199"], days_ago=1)  # 212 again: its numbers replaced; 305 kept
    assert numbers(tenant_a) == {2125550199, 3055550103}
    assert (newer.area_codes, newer.numbers) == (["212"], 1)
    national(tenant_a, ["9195550100"], registry="NC")  # a state's list: its own registry
    assert RegistryNumber.all_tenants.filter(tenant=tenant_a, registry="NC").count() == 1


@pytest.mark.parametrize(
    "lines,days_ago,registry,says",
    [
        (["2125550101", "not a number", "21255501"], 2, "US", "line 2: “not a number” is not a ten-digit number"),
        (["2125550101"], -1, "US", "after today"),
        (["2125550101"], 32, "US", "more than 31 days ago"),
        (["2125550101"], 2, "XX", "is not a registry"),
        ([], 2, "US", "holds no numbers"),
    ],
    ids=["bad line", "future date", "past the safe harbour", "unknown registry", "empty"],
)
def test_a_bad_file_changes_nothing_and_says_why(tenant_a, lines, days_ago, registry, says):
    national(tenant_a, ["2125550155"], days_ago=3)
    with pytest.raises(registries.RegistryFileError) as refused:
        national(tenant_a, lines, days_ago=days_ago, registry=registry)
    assert any(says in message for message in refused.value.messages), refused.value.messages
    assert numbers(tenant_a) == {2125550155} and RegistryFile.all_tenants.filter(tenant=tenant_a).count() == 1


def test_every_bad_line_is_counted_and_the_first_twenty_named(tenant_a):
    with pytest.raises(registries.RegistryFileError) as refused:
        national(tenant_a, [f"bad {n}" for n in range(25)])
    assert refused.value.messages[0].startswith("line 1:") and refused.value.messages[-1] == "… and 5 more"


def test_an_older_file_than_the_one_in_use_is_refused(tenant_a):
    national(tenant_a, ["2125550101"], days_ago=2)
    with pytest.raises(registries.RegistryFileError, match="A newer file is in use"):
        national(tenant_a, ["2125550102"], days_ago=10)
    national(tenant_a, ["3055550102"], days_ago=10)  # another area code: nothing newer there
    assert numbers(tenant_a) == {2125550101, 3055550102}


def test_tenants_keep_their_own_registries(tenant_a, tenant_b):
    national(tenant_a, ["2125550101"])
    assert numbers(tenant_b) == set()
    with tenant_scope(tenant_b.pk):
        assert registries.listed(["+12125550101"]).listed == {}


def gate(lead, marketing=True):
    purpose = "lead_followup" if marketing else "appointment_reminder"
    return check(lead, purpose=purpose, is_marketing=marketing, when=MONDAY_11)


def test_a_listed_number_needs_written_consent_for_marketing(tenant_a):
    national(tenant_a, ["2125550101", "2125550102"])
    national(tenant_a, ["3175550103"], registry="IN")
    written = LeadFactory(tenant=tenant_a, phone="+12125550101", branch=None)
    ConsentFactory(tenant=tenant_a, lead=written, kind="express_written")
    long_ago = MONDAY_11 - timedelta(days=400)  # no business relationship left: the registry binds
    spoken = LeadFactory(tenant=tenant_a, phone="+12125550102", branch=None, created_at=long_ago)
    ConsentFactory(tenant=tenant_a, lead=spoken, kind="express")
    indiana = LeadFactory(tenant=tenant_a, phone="+13175550103", branch=None, created_at=long_ago)
    with tenant_scope(tenant_a.pk):
        assert gate(written).allowed  # the person's written consent to this seller outranks the registry
        assert gate(spoken).code == Reason.DNC_NATIONAL
        assert gate(spoken, marketing=False).allowed  # a reminder is not a solicitation
        assert (gate(indiana).code, "IN" in gate(indiana).detail) == (Reason.DNC_STATE, True)


def test_the_command_imports_or_says_why_nothing_was(tenant_a, tmp_path):
    good, bad = tmp_path / "212.txt", tmp_path / "bad.txt"
    good.write_text("2125550101\n2125550102\n")
    bad.write_text("2125550101\nhello\n")
    day = (today() - timedelta(days=1)).isoformat()
    out = StringIO()
    call_command("import_dnc_registry", str(good), tenant=tenant_a.slug, downloaded_on=day, stdout=out)
    assert "Imported 2 numbers" in out.getvalue()
    with pytest.raises(CommandError, match="line 2: “hello”"):
        call_command("import_dnc_registry", str(bad), tenant=tenant_a.slug, downloaded_on=day)
    with pytest.raises(CommandError, match="not a date"):
        call_command("import_dnc_registry", str(good), tenant=tenant_a.slug, downloaded_on="yesterday")
    assert numbers(tenant_a) == {2125550101, 2125550102}


def test_the_admin_imports_looks_up_and_warns_of_stale_scrubs(client, tenant_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    RegistryFileFactory(tenant=tenant_a, area_codes=["305"], downloaded_on=today() - timedelta(days=40))
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    form = {"registry": "US", "downloaded_on": (today() - timedelta(days=1)).isoformat()}
    refused = client.post(
        reverse("admin:leads_registryfile_import"),
        {**form, "file": SimpleUploadedFile("bad.txt", b"2125550101\nnope\n")},
    )
    assert refused.status_code == 200 and "line 2: “nope”" in refused.content.decode()
    done = client.post(
        reverse("admin:leads_registryfile_import"),
        {**form, "file": SimpleUploadedFile("212.txt", b"2125550101\n")},
    )
    assert done.status_code == 302 and numbers(tenant_a) == {2125550101}
    listing = client.get(reverse("admin:leads_registryfile_changelist"), {"number": "(212) 555-0101"})
    page = listing.content.decode()
    assert "+12125550101: listed on the National Do Not Call Registry" in page
    assert "Scrub past the 31-day safe harbour" in page and "305" in page
    agent = member(tenant_a, Role.AGENT, "andy")
    client.force_login(agent)
    assert client.get(reverse("admin:leads_registryfile_import")).status_code == 403


def test_the_compliance_file_records_the_scrub_and_the_listing(tenant_a):
    from calls.compliance import check_with_file

    national(tenant_a, ["2125550177"], days_ago=3)
    lead = LeadFactory(tenant=tenant_a, phone="+12125550177", branch=None)
    ConsentFactory(tenant=tenant_a, lead=lead, kind="express_written")
    with tenant_scope(tenant_a.pk):
        decision, file = check_with_file(lead, purpose="lead_followup", is_marketing=True, when=MONDAY_11)
        late = MONDAY_11 + timedelta(days=40)
        _, later = check_with_file(lead, purpose="lead_followup", is_marketing=True, when=late)
    assert decision.allowed and file["registries_listing"] == ["US"]
    assert file["national_scrub"] == {"downloaded_on": (today() - timedelta(days=3)).isoformat(), "stale": False}
    assert later["national_scrub"]["stale"] is True
