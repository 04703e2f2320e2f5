"""factory_boy factories for every model, and the registry the isolation tests walk.

Every tenant-owned model must have a factory here (a test checks it), so the
generic isolation tests pick up models added later. Related tenant-owned rows
are made in the same tenant as the row itself.
"""

import datetime

import factory
from django.contrib.auth import get_user_model

from tenants.models import AuditLog, Branch, IdempotencyKey, Membership, Tenant
from tenants.roles import Role
from tests.clock import FRIDAY, MONDAY, moment, monday_of_next_week, next_weekday, today

FACTORIES: dict = {}

# Default dates, from the suite clock (tests/clock.py). Dated tests stand on the Monday of next week. An
# appointment is on the Monday after it, 10:00 New York (still to come), its reminder a day earlier; rollup
# days and expenses fall on the Friday before that Monday (the first day of the analytics period); a closure
# is a Friday about a month away.
APPOINTMENT_START = moment(next_weekday(MONDAY, weeks_ahead=1), 10)
RECORD_DAY = monday_of_next_week() - datetime.timedelta(days=3)
CLOSURE_DAY = next_weekday(FRIDAY, weeks_ahead=4)


class ModelFactory(factory.django.DjangoModelFactory):
    """Writes through Django's default (plain) manager: factories name the tenant explicitly."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class._default_manager


def registered(factory_class):
    FACTORIES[factory_class._meta.model] = factory_class
    return factory_class


def same_tenant(factory_class, **kwargs):
    """A SubFactory whose row belongs to the parent's tenant."""
    return factory.SubFactory(factory_class, tenant=factory.SelfAttribute("..tenant"), **kwargs)


class TenantFactory(ModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tenant {n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")
    vertical = "gym"
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} LLC")
    callback_phone = "+13055550100"
    country = "US"
    time_zone = "America/New_York"


class UserFactory(ModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw-123-secret")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


@registered
class BranchFactory(ModelFactory):
    class Meta:
        model = Branch

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Branch {n}")
    time_zone = "America/New_York"
    country = "US"


@registered
class MembershipFactory(ModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.AGENT
    default_branch = same_tenant(BranchFactory)


@registered
class AuditLogFactory(ModelFactory):
    class Meta:
        model = AuditLog

    tenant = factory.SubFactory(TenantFactory)
    action = "update"
    object_type = "tenants.branch"
    object_id = factory.Sequence(str)
    object_repr = factory.Sequence(lambda n: f"Object {n}")


# --- leads ------------------------------------------------------------------------

from leads.models import (  # noqa: E402
    Consent,
    DoNotCall,
    ErasureSuppression,
    Lead,
    LeadImport,
    Note,
    PipelineSettings,
    ReassignedCheck,
    RegistryFile,
    RegistryNumber,
    StageChange,
    Tag,
    Vehicle,
)


@registered
class TagFactory(ModelFactory):
    class Meta:
        model = Tag

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


def _phone(n: int) -> str:
    return f"+1305{2000000 + n:07d}"


@registered
class LeadFactory(ModelFactory):
    class Meta:
        model = Lead

    tenant = factory.SubFactory(TenantFactory)
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = "Doe"
    phone = factory.Sequence(_phone)
    email = factory.LazyAttribute(lambda o: f"{o.first_name.lower()}@example.test")
    source = "web_form"
    branch = same_tenant(BranchFactory)


@registered
class VehicleFactory(ModelFactory):
    class Meta:
        model = Vehicle

    tenant = factory.SubFactory(TenantFactory)
    lead = same_tenant(LeadFactory)
    vin = factory.Sequence(lambda n: f"1HGCM82633A{n:06d}")
    year = 2020
    make = "Honda"
    model = "Civic"
    mileage = 30000


@registered
class ConsentFactory(ModelFactory):
    class Meta:
        model = Consent

    tenant = factory.SubFactory(TenantFactory)
    lead = same_tenant(LeadFactory)
    kind = "express_written"
    phone = factory.LazyAttribute(lambda o: o.lead.phone)
    source = "form"


@registered
class RegistryFileFactory(ModelFactory):
    class Meta:
        model = RegistryFile

    tenant = factory.SubFactory(TenantFactory)
    registry = "US"
    area_codes = ["212"]
    downloaded_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=3))
    numbers = 1


@registered
class RegistryNumberFactory(ModelFactory):
    class Meta:
        model = RegistryNumber

    tenant = factory.SubFactory(TenantFactory)
    registry = "US"
    number = factory.Sequence(lambda n: 2125557000 + n)


@registered
class ReassignedCheckFactory(ModelFactory):
    class Meta:
        model = ReassignedCheck

    tenant = factory.SubFactory(TenantFactory)
    phone = factory.Sequence(lambda n: f"+1212{7100000 + n:07d}")
    asked_about = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))
    result = "no"
    checked_on = factory.LazyFunction(today)


@registered
class DoNotCallFactory(ModelFactory):
    class Meta:
        model = DoNotCall

    tenant = factory.SubFactory(TenantFactory)
    phone = factory.Sequence(lambda n: f"+1212{3000000 + n:07d}")
    reason = "asked"


@registered
class StageChangeFactory(ModelFactory):
    class Meta:
        model = StageChange

    tenant = factory.SubFactory(TenantFactory)
    lead = same_tenant(LeadFactory)
    from_stage = "new"
    to_stage = "contacted"


@registered
class NoteFactory(ModelFactory):
    class Meta:
        model = Note

    tenant = factory.SubFactory(TenantFactory)
    lead = same_tenant(LeadFactory)
    body = "Called back, wants evenings."


@registered
class ErasureSuppressionFactory(ModelFactory):
    class Meta:
        model = ErasureSuppression

    tenant = factory.SubFactory(TenantFactory)
    phone_hash = factory.Sequence(lambda n: f"{n:064x}")


@registered
class PipelineSettingsFactory(ModelFactory):
    class Meta:
        model = PipelineSettings
        django_get_or_create = ["tenant"]

    tenant = factory.SubFactory(TenantFactory)


@registered
class LeadImportFactory(ModelFactory):
    class Meta:
        model = LeadImport

    tenant = factory.SubFactory(TenantFactory)
    original_name = factory.Sequence(lambda n: f"file-{n}.csv")
    status = "done"


# --- voice and calls ------------------------------------------------------------------

from calls.models import Call, CallEvent, CallingPolicy, QaReview  # noqa: E402
from voice.models import ProviderAccount, Script, SimulatedEvent, VoiceAgent  # noqa: E402


@registered
class ProviderAccountFactory(ModelFactory):
    class Meta:
        model = ProviderAccount

    tenant = factory.SubFactory(TenantFactory)
    provider = "simulator"
    label = factory.Sequence(lambda n: f"Account {n}")
    api_key = "test-api-key-0123456789"
    webhook_secret = "test-webhook-secret"
    caller_numbers = ["+13055550100"]


@registered
class VoiceAgentFactory(ModelFactory):
    class Meta:
        model = VoiceAgent

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Agent {n}")
    account = same_tenant(ProviderAccountFactory)
    provider_agent_id = "agent_123"


@registered
class SimulatedEventFactory(ModelFactory):
    class Meta:
        model = SimulatedEvent

    tenant = factory.SubFactory(TenantFactory)
    account = same_tenant(ProviderAccountFactory)
    provider_call_id = factory.Sequence(lambda n: f"sim_{n:020d}")
    event = "call_ended"
    body = factory.LazyAttribute(lambda o: {"call_id": o.provider_call_id, "call_status": "ended"})
    due_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


@registered
class ScriptFactory(ModelFactory):
    class Meta:
        model = Script

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Script {n}")
    purpose = "lead_followup"
    opening_line = "Hi {lead_first_name}, this is an automated assistant from {business_name}."
    prompt_template = "Offer a tour to {lead_first_name}."
    collect = ["appointment_time", "opt_out"]


@registered
class CallFactory(ModelFactory):
    class Meta:
        model = Call

    tenant = factory.SubFactory(TenantFactory)
    lead = same_tenant(LeadFactory)
    agent = same_tenant(VoiceAgentFactory)
    script = same_tenant(ScriptFactory)
    account = factory.LazyAttribute(lambda o: o.agent.account)
    provider = "simulator"
    purpose = "lead_followup"
    to_number = factory.LazyAttribute(lambda o: o.lead.phone)
    status = "ended"
    outcome = "answered"


@registered
class CallEventFactory(ModelFactory):
    class Meta:
        model = CallEvent

    tenant = factory.SubFactory(TenantFactory)
    call = same_tenant(CallFactory)
    provider = "simulator"
    provider_call_id = factory.Sequence(lambda n: f"sim_{n}")
    event_type = "call_ended"
    payload = factory.LazyFunction(dict)


@registered
class QaReviewFactory(ModelFactory):
    class Meta:
        model = QaReview

    tenant = factory.SubFactory(TenantFactory)
    call = same_tenant(CallFactory)
    score = 4


@registered
class CallingPolicyFactory(ModelFactory):
    class Meta:
        model = CallingPolicy
        django_get_or_create = ["tenant"]

    tenant = factory.SubFactory(TenantFactory)


# --- campaigns --------------------------------------------------------------------------

from campaigns.models import Campaign, CampaignTarget, Expense, FollowUpRule  # noqa: E402


@registered
class CampaignFactory(ModelFactory):
    class Meta:
        model = Campaign

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    agent = same_tenant(VoiceAgentFactory)
    script = same_tenant(ScriptFactory)
    purpose = factory.LazyAttribute(lambda o: o.script.purpose)
    audience = factory.LazyFunction(lambda: {"kind": "filter"})
    calling_windows = factory.LazyFunction(
        lambda: {d: [["08:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    )


@registered
class CampaignTargetFactory(ModelFactory):
    class Meta:
        model = CampaignTarget

    tenant = factory.SubFactory(TenantFactory)
    campaign = same_tenant(CampaignFactory)
    lead = same_tenant(LeadFactory)


@registered
class FollowUpRuleFactory(ModelFactory):
    class Meta:
        model = FollowUpRule

    tenant = factory.SubFactory(TenantFactory)
    source_campaign = same_tenant(CampaignFactory)
    target_campaign = same_tenant(CampaignFactory)
    outcomes = factory.LazyFunction(lambda: ["voicemail"])


@registered
class ExpenseFactory(ModelFactory):
    class Meta:
        model = Expense

    tenant = factory.SubFactory(TenantFactory)
    date = RECORD_DAY
    amount = "25.00"
    description = factory.Sequence(lambda n: f"Expense {n}")
    campaign = same_tenant(CampaignFactory)
    branch = same_tenant(BranchFactory)


from appointments.models import (  # noqa: E402
    Appointment,
    AppointmentMove,
    AppointmentSettings,
    AvailabilityRule,
    CalendarFeed,
    Closure,
    Reminder,
)


@registered
class AvailabilityRuleFactory(ModelFactory):
    class Meta:
        model = AvailabilityRule

    tenant = factory.SubFactory(TenantFactory)
    branch = same_tenant(BranchFactory)
    weekday = 0
    opens = datetime.time(9, 0)
    closes = datetime.time(17, 0)
    slot_minutes = 60
    capacity = 1
    min_notice_minutes = 0


@registered
class ClosureFactory(ModelFactory):
    class Meta:
        model = Closure

    tenant = factory.SubFactory(TenantFactory)
    branch = same_tenant(BranchFactory)
    start_date = CLOSURE_DAY
    reason = "Holiday"


@registered
class AppointmentFactory(ModelFactory):
    class Meta:
        model = Appointment

    tenant = factory.SubFactory(TenantFactory)
    branch = same_tenant(BranchFactory)
    lead = same_tenant(LeadFactory)
    kind = "tour"
    start = APPOINTMENT_START
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=1))


@registered
class AppointmentMoveFactory(ModelFactory):
    class Meta:
        model = AppointmentMove

    tenant = factory.SubFactory(TenantFactory)
    appointment = same_tenant(AppointmentFactory)
    from_start = APPOINTMENT_START - datetime.timedelta(hours=1)
    to_start = APPOINTMENT_START


@registered
class ReminderFactory(ModelFactory):
    class Meta:
        model = Reminder

    tenant = factory.SubFactory(TenantFactory)
    appointment = same_tenant(AppointmentFactory)
    channel = "sms"
    send_at = APPOINTMENT_START - datetime.timedelta(days=1)


@registered
class AppointmentSettingsFactory(ModelFactory):
    class Meta:
        model = AppointmentSettings
        django_get_or_create = ["tenant"]

    tenant = factory.SubFactory(TenantFactory)


@registered
class CalendarFeedFactory(ModelFactory):
    class Meta:
        model = CalendarFeed

    tenant = factory.SubFactory(TenantFactory)
    branch = same_tenant(BranchFactory)


from django.core.files.base import ContentFile  # noqa: E402

from knowledge.models import Chunk, Document, KnowledgeEntry, Word  # noqa: E402


@registered
class KnowledgeEntryFactory(ModelFactory):
    class Meta:
        model = KnowledgeEntry

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Entry {n}")
    body = "## Prices\n\nBasic membership is $29.99 a month."
    category = "pricing"


@registered
class DocumentFactory(ModelFactory):
    class Meta:
        model = Document

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.LazyFunction(lambda: ContentFile(b"Opening hours: 6am to 10pm.", name="hours.txt"))
    original_name = "hours.txt"
    status = "ready"


@registered
class ChunkFactory(ModelFactory):
    class Meta:
        model = Chunk

    tenant = factory.SubFactory(TenantFactory)
    entry = same_tenant(KnowledgeEntryFactory)
    position = 0
    title = factory.SelfAttribute("entry.title")
    text = "Basic membership is $29.99 a month."
    size = 6
    category = "pricing"


@registered
class WordFactory(ModelFactory):
    class Meta:
        model = Word

    tenant = factory.SubFactory(TenantFactory)
    word = factory.Sequence(lambda n: f"word{n}")


from calls.models import CallDayScope, CallDayState, CallDayTotal  # noqa: E402


@registered
class CallDayStateFactory(ModelFactory):
    class Meta:
        model = CallDayState

    tenant = factory.SubFactory(TenantFactory)
    day = RECORD_DAY
    zone = "America/New_York"


@registered
class CallDayTotalFactory(ModelFactory):
    class Meta:
        model = CallDayTotal

    tenant = factory.SubFactory(TenantFactory)
    day = RECORD_DAY
    outcome = "answered"
    calls = 1
    talk_seconds = 60
    cost = "0.10"
    hours = 1 << 10


@registered
class CallDayScopeFactory(ModelFactory):
    class Meta:
        model = CallDayScope

    tenant = factory.SubFactory(TenantFactory)
    day = RECORD_DAY
    scope = "all"
    peak = 1
    leads_worked = b""
    leads_reached = b""


@registered
class IdempotencyKeyFactory(ModelFactory):
    class Meta:
        model = IdempotencyKey

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"key-{n}")
    method = "POST"
    path = "/api/v1/tags/"
    fingerprint = "0" * 64
    lease_until = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    created_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
