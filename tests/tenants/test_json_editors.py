"""Issue 19, finding 9: staff edit structured fields as people, not as JSON (tenants.json_editors). Each editor
shows the stored value in words; a post through the real admin page stores exactly the JSON the field's shape
takes; saved unchanged it changes nothing; bad input is an error at the field. Every admin form of every shaped
JSON field has an editor, or stays JSON for a stated reason."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory
from django.urls import reverse

from campaigns.models import FollowUpRule
from core.shapes import problems, resolve
from leads.models import Lead, PipelineSettings
from tenants import json_editors
from tenants.models import AuditLog
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests import clock
from tests.conftest import member
from tests.factories import (
    FACTORIES,
    BranchFactory,
    CallingPolicyFactory,
    CampaignFactory,
    ConsentFactory,
    LeadFactory,
    TenantFactory,
)

pytestmark = pytest.mark.django_db


# --- the page as a browser sends it ------------------------------------------------------------------


class _Form(HTMLParser):
    """The name/value pairs a browser submits for one form: inputs (ticked boxes only, enabled only),
    textareas and selects; never what is inside a <template> (the editors' rows for the script to add)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.template = form_id, False, 0
        self.pairs, self.textarea, self.select, self.options = [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "template":
            self.template += 1
        if tag == "option" and self.select is not None:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        if self.template or "disabled" in attrs or not attrs.get("name"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.pairs.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.pairs.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select, self.options = [attrs["name"], "multiple" in attrs], []

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "template" and self.template:
            self.template -= 1
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.pairs.append((name, text.removeprefix("\n")))  # as a browser reads a textarea
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.pairs += [(name, value) for value in chosen]
            self.select = None


def page_data(html: str, form_id: str) -> dict[str, list[str]]:
    parser = _Form(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


def send(client, url, form_id, change=None):
    """GET the page, then POST its form as shown, with ``change`` (name → value or values) applied."""
    data = page_data(html_of(client, url), form_id)
    assert data, f"no form {form_id} on the page"
    for name, value in (change or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(url, data)


def errors_of(response, field):
    assert response.status_code == 200, "expected the form again, with its errors"
    return response.context["adminform"].form.errors.get(field, [])


def html_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def updates_of(obj) -> list:
    with tenant_scope(obj.tenant_id):
        return list(AuditLog.objects.filter(action="update", object_type=obj._meta.label_lower))


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def owner(client, tenant_a):
    client.force_login(member(tenant_a, Role.OWNER, "olga"))
    return client


# --- weekday time ranges ------------------------------------------------------------------------------


@pytest.fixture
def campaign(tenant_a):
    windows = {"mon": [["10:00", "18:00"]], "wed": [["09:00", "12:00"], ["13:00", "17:30"]]}
    return CampaignFactory(tenant=tenant_a, calling_windows=windows, retry_minutes={"no_answer": [240, 1440]})


def test_calling_windows_show_as_weekday_rows_of_times(owner, campaign):
    html = html_of(owner, change_url(campaign))
    assert 'name="calling_windows"' not in html  # no JSON textarea
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        assert f">{day}<" in html
    assert 'name="calling_windows__mon__0__from" value="10:00"' in html
    assert 'name="calling_windows__wed__1__to" value="17:30"' in html
    assert 'min="08:00" max="21:00"' in html  # the legal calling hours
    assert "always inside the legal calling hours (08:00–21:00)" in html  # the help text, in words, not JSON
    assert "json_editors.js" in html


def test_a_campaign_saved_unchanged_keeps_its_json_exactly(owner, campaign):
    before = (campaign.calling_windows, campaign.retry_minutes)
    response = send(owner, change_url(campaign), "campaign_form")
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert (campaign.calling_windows, campaign.retry_minutes) == before
    assert updates_of(campaign) == []


def test_calling_windows_edited_on_the_page_store_the_shapes_json(owner, campaign):
    response = send(
        owner,
        change_url(campaign),
        "campaign_form",
        change={
            "calling_windows__mon__0__from": "",  # Monday emptied: closed
            "calling_windows__mon__0__to": "",
            "calling_windows__tue__0__from": "8:30",
            "calling_windows__tue__0__to": "12:00",
            "calling_windows__tue__7__from": "13:00",  # a range the script added
            "calling_windows__tue__7__to": "20:45",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.calling_windows == {
        "tue": [["08:30", "12:00"], ["13:00", "20:45"]],
        "wed": [["09:00", "12:00"], ["13:00", "17:30"]],
    }


@pytest.mark.parametrize(
    "start,end,message",
    [
        ("18:00", "10:00", "Monday, hours 1: Opening time 18:00 must be before closing time 10:00."),
        ("07:00", "10:00", "Monday, hours 1: 07:00–10:00 is outside the legal calling hours (08:00–21:00)."),
        ("10:00", "", "Monday, hours 1: Give a start and an end time (HH:MM)."),
    ],
)
def test_a_bad_range_is_an_error_at_the_field(owner, campaign, start, end, message):
    change = {"calling_windows__mon__0__from": start, "calling_windows__mon__0__to": end}
    response = send(owner, change_url(campaign), "campaign_form", change=change)
    assert message in errors_of(response, "calling_windows")
    html = response.content.decode()
    assert f'name="calling_windows__mon__0__from" value="{start}"' in html  # what was typed is shown again
    campaign.refresh_from_db()
    assert campaign.calling_windows["mon"] == [["10:00", "18:00"]]


def test_no_day_open_is_refused_as_an_empty_required_field(owner, campaign):
    shown = page_data(html_of(owner, change_url(campaign)), "campaign_form")
    change = {name: "" for name in shown if name.startswith("calling_windows__") and not name.endswith("__shown")}
    response = send(owner, change_url(campaign), "campaign_form", change=change)
    assert errors_of(response, "calling_windows") == ["This field is required."]


def test_branch_hours_have_no_legal_bounds(owner, tenant_a):
    branch = BranchFactory(tenant=tenant_a, business_hours={"sat": [["06:00", "22:00"]]})
    html = html_of(owner, change_url(branch))
    assert 'name="business_hours__sat__0__from" value="06:00"' in html and 'min="08:00"' not in html
    response = send(
        owner,
        change_url(branch),
        "branch_form",
        change={"business_hours__sun__0__from": "07:00", "business_hours__sun__0__to": "23:00"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    branch.refresh_from_db()
    assert branch.business_hours == {"sat": [["06:00", "22:00"]], "sun": [["07:00", "23:00"]]}


# --- minutes per outcome ------------------------------------------------------------------------------


def test_retries_show_per_outcome_in_words_with_the_default_as_placeholder(owner, campaign):
    html = html_of(owner, change_url(campaign))
    assert ">No answer<" in html and ">Voicemail<" in html and ">Busy<" in html
    assert 'name="retry_minutes__no_answer"' in html and 'value="240, 1440"' in html
    assert "4 h, then 1 day" in html
    assert 'name="retry_minutes__busy" id="id_retry_minutes_busy" value="" placeholder="30, 240"' in html
    assert ">no_answer<" not in html


def test_retries_typed_as_a_comma_list_store_whole_minutes(owner, campaign):
    change = {"retry_minutes__no_answer": "30, 90 ,600", "retry_minutes__voicemail": "1440"}
    response = send(owner, change_url(campaign), "campaign_form", change=change)
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.retry_minutes == {"no_answer": [30, 90, 600], "voicemail": [1440]}


@pytest.mark.parametrize(
    "typed,message",
    [
        ("soon", "No answer, entry 1: Enter a whole number."),
        ("30, 1.5", "No answer, entry 2: Enter a whole number."),
        ("0", "No answer, entry 1: Use 1 or more."),
    ],
)
def test_minutes_that_are_not_whole_minutes_are_an_error_at_the_field(owner, campaign, typed, message):
    response = send(owner, change_url(campaign), "campaign_form", change={"retry_minutes__no_answer": typed})
    assert message in errors_of(response, "retry_minutes")
    campaign.refresh_from_db()
    assert campaign.retry_minutes == {"no_answer": [240, 1440]}


def test_a_field_posted_as_json_text_is_still_taken(owner, campaign):
    response = send(
        owner,
        change_url(campaign),
        "campaign_form",
        change={"retry_minutes": '{"busy": [5]}', "calling_windows": '{"fri": [["09:00", "10:00"]]}'},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert (campaign.retry_minutes, campaign.calling_windows) == ({"busy": [5]}, {"fri": [["09:00", "10:00"]]})


# --- choices as checkboxes ------------------------------------------------------------------------------


@pytest.fixture
def policy(tenant_a):
    return CallingPolicyFactory(
        tenant=tenant_a,
        restricted_regions=["OK", "CT", "FL", "MD"],
        closed_days=[(clock.today() + datetime.timedelta(days=30)).isoformat()],
        escalation_words=["manager", "lawyer"],
    )


def test_restricted_states_are_named_and_the_laws_are_fixed(owner, policy):
    html = html_of(owner, change_url(policy))
    assert "Connecticut" in html and "Florida" in html and "Wyoming" in html
    assert 'value="CT" id="id_restricted_regions_6" class="' in html
    law = page_data(html, "callingpolicy_form")
    assert law["restricted_regions__pick"] == ["CT"]  # Florida, Maryland, Oklahoma: ticked and fixed, not sent
    assert html.count("(always)") == 3


def test_a_policy_saved_unchanged_keeps_its_order(owner, policy):
    response = send(owner, change_url(policy), "callingpolicy_form")
    assert response.status_code == 302, response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.restricted_regions == ["OK", "CT", "FL", "MD"]
    assert updates_of(policy) == []


def test_ticking_a_state_stores_it_with_the_laws_states(owner, tenant_a):
    policy = CallingPolicyFactory(tenant=tenant_a)
    response = send(owner, change_url(policy), "callingpolicy_form", change={"restricted_regions__pick": ["TX", "CT"]})
    assert response.status_code == 302, response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.restricted_regions == ["CT", "FL", "MD", "OK", "TX"]  # by the states' names
    untick = send(owner, change_url(policy), "callingpolicy_form", change={"restricted_regions__pick": []})
    assert untick.status_code == 302
    policy.refresh_from_db()
    assert policy.restricted_regions == []  # the law's states still apply (calls.legal)


def test_closed_days_and_escalation_words(owner, policy):
    day = (clock.today() + datetime.timedelta(days=40)).isoformat()
    change = {"closed_days__0__item": "", "closed_days__1__item": day, "escalation_words__text": "manager,refund, "}
    response = send(owner, change_url(policy), "callingpolicy_form", change=change)
    assert response.status_code == 302, response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.closed_days == [day] and policy.escalation_words == ["manager", "refund"]


def test_a_closed_day_that_is_no_date_is_an_error_at_the_field(owner, policy):
    response = send(owner, change_url(policy), "callingpolicy_form", change={"closed_days__1__item": "soon"})
    assert "Day 2: Enter a date as YYYY-MM-DD." in errors_of(response, "closed_days")


def test_an_unknown_choice_is_an_error_at_the_field(owner, campaign, tenant_a):
    rule = FACTORIES[FollowUpRule](tenant=tenant_a, source_campaign=campaign)
    response = send(owner, change_url(rule), "followuprule_form", change={"outcomes__pick": ["no_answer", "bogus"]})
    errors = errors_of(response, "outcomes")
    assert errors and "“bogus” is not one of" in errors[0]
    good = send(owner, change_url(rule), "followuprule_form", change={"outcomes__pick": ["no_answer", "busy"]})
    assert good.status_code == 302
    rule.refresh_from_db()
    assert rule.outcomes == ["no_answer", "busy"]


def test_consent_purposes_on_the_lead_page_are_ticked_in_words(owner, tenant_a):
    lead = LeadFactory(tenant=tenant_a)
    consent = ConsentFactory(tenant=tenant_a, lead=lead, purposes=["recall"])
    html = html_of(owner, change_url(lead))
    assert "Lead follow-up" in html and "Appointment reminder" in html and "Recall notice" in html
    data = page_data(html, "lead_form")
    assert data["consents-0-purposes__pick"] == ["recall"]
    response = send(
        owner, change_url(lead), "lead_form", change={"consents-0-purposes__pick": ["appointment_reminder", "recall"]}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    consent.refresh_from_db()
    assert consent.purposes == ["appointment_reminder", "recall"]


# --- name and value rows ------------------------------------------------------------------------------


@pytest.fixture
def lead(tenant_a):
    custom = {"plan": "gold", "visits": 3, "vip": True, "note": None, "old": "x"}
    return LeadFactory(tenant=tenant_a, custom_fields=custom)


def rows_of(data: dict, name: str) -> dict[str, int]:
    """A row editor's rows on the page, name → index, "" for the last empty one (PostgreSQL's jsonb keeps an object's
    keys in an order of its own, so the rows' order is not the order they were written in)."""
    keys = [(field, values[0]) for field, values in data.items() if field.startswith(f"{name}__")]
    return {key: int(field.split("__")[1]) for field, key in keys if field.endswith("__key")}


def field_of(name, index, column="key"):
    return f"{name}__{index}__{column}"


def test_custom_fields_show_as_rows(owner, lead):
    html = html_of(owner, change_url(lead))
    data = page_data(html, "lead_form")
    rows = rows_of(data, "custom_fields")
    values = {key: data[field_of("custom_fields", index, "value")] for key, index in rows.items() if key}
    assert values == {"plan": ["gold"], "visits": ["3"], "vip": ["true"], "note": [""], "old": ["x"]}
    assert rows[""] == 6  # two empty rows under the five, for a row to be added without the script
    assert "Add a field" in html


def test_custom_fields_saved_unchanged_keep_their_types(owner, lead):
    response = send(owner, change_url(lead), "lead_form")
    assert response.status_code == 302, response.context["adminform"].form.errors
    lead.refresh_from_db()
    assert lead.custom_fields == {"plan": "gold", "visits": 3, "vip": True, "note": None, "old": "x"}
    assert type(lead.custom_fields["visits"]) is int and lead.custom_fields["vip"] is True


def test_custom_fields_edited_added_and_removed(owner, lead):
    data = page_data(html_of(owner, change_url(lead)), "lead_form")
    rows = rows_of(data, "custom_fields")
    change = {
        field_of("custom_fields", rows["plan"], "value"): "silver",
        field_of("custom_fields", rows["visits"], "value"): "4",  # still a number
        field_of("custom_fields", rows["old"], "key"): "",  # emptied: removed
        field_of("custom_fields", rows["old"], "value"): "",
        field_of("custom_fields", rows[""], "key"): "referrer",  # one of the empty rows
        field_of("custom_fields", rows[""], "value"): "Ana\r\nat the desk",
        "custom_fields__9__key": "locker",  # a row the script added
        "custom_fields__9__value": "12",
    }
    response = send(owner, change_url(lead), "lead_form", change=change)
    assert response.status_code == 302, response.context["adminform"].form.errors
    lead.refresh_from_db()
    assert lead.custom_fields == {
        "plan": "silver",
        "visits": 4,
        "vip": True,
        "note": None,  # untouched: still null
        "referrer": "Ana\nat the desk",
        "locker": "12",
    }


@pytest.mark.parametrize(
    "change,message",
    [
        ({"custom_fields__5__value": "orphan"}, "“orphan” has no name: name it, or empty its row."),
        ({"custom_fields__5__key": "plan", "custom_fields__5__value": "x"}, "“plan” is named twice"),
        ({"custom_fields__5__key": "x" * 101, "custom_fields__5__value": "x"}, "Use at most 100 characters."),
    ],
)
def test_rows_that_cannot_be_stored_are_an_error_at_the_field(owner, lead, change, message):
    response = send(owner, change_url(lead), "lead_form", change=change)
    assert any(message in error for error in errors_of(response, "custom_fields"))
    lead.refresh_from_db()
    assert lead.custom_fields["plan"] == "gold"


def test_a_value_the_editor_cannot_show_is_shown_as_json(owner, tenant_a):
    odd = LeadFactory(tenant=tenant_a)
    Lead.all_tenants.filter(pk=odd.pk).update(custom_fields={"nested": {"a": 1}})  # stored some other way
    html = html_of(owner, change_url(odd))
    assert 'name="custom_fields"' in html and "Shown as JSON" in html
    assert "custom_fields__0__key" not in html


def test_stage_labels_are_a_row_per_stage_with_its_usual_name(owner, tenant_a):
    with tenant_scope(tenant_a.pk):
        settings = PipelineSettings.objects.create(stage_labels={"won": "Member"})
    url = change_url(settings)
    html = html_of(owner, url)
    assert 'name="stage_labels__won" id="id_stage_labels_won" value="Member" placeholder="Won"' in html
    assert 'placeholder="No-show"' in html
    assert 'name="scoring_rules"' in html  # stays JSON (json_editors.STAYS_JSON)
    response = send(
        owner, url, "pipelinesettings_form", change={"stage_labels__won": "", "stage_labels__new": " Fresh "}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    settings.refresh_from_db()
    assert settings.stage_labels == {"new": "Fresh"}


# --- every structured field has its editor ------------------------------------------------------------


def _admin_forms(request, rows):
    """Every admin form class, with the model admin or inline it belongs to: the add form (where rows may be
    added), the change form of a row, and the forms of every inline offered on that row's page."""
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_add_permission(request):
            yield model_admin, model_admin.get_form(request, None, change=False)
        obj = rows.get(model)
        if obj is not None:
            yield model_admin, model_admin.get_form(request, obj, change=True)
            for formset, inline in model_admin.get_formsets_with_inlines(request, obj):
                yield inline, formset.form


def uncovered(request, rows) -> tuple[list[str], set[str]]:
    """Shaped JSON fields of admin forms that show raw JSON without being listed as staying JSON; and the
    shapes seen with an editor."""
    missing, edited = [], set()
    for owner_admin, form in _admin_forms(request, rows):
        for name, field in form.base_fields.items():
            try:
                db_field = owner_admin.model._meta.get_field(name)
            except FieldDoesNotExist:  # a form's own field
                continue
            shape = json_editors.shape_name(db_field)
            if shape is None or name in getattr(form, "declared_fields", {}):
                continue
            if isinstance(field.widget, json_editors.Editor):
                edited.add(shape)
            elif shape not in json_editors.STAYS_JSON:
                missing.append(f"{type(owner_admin).__name__}.{name} ({shape})")
    return sorted(set(missing)), edited


@pytest.fixture
def world(db):
    tenant = TenantFactory(slug="editors", name="Editors Motors", vertical="dealership")
    user = member(tenant, Role.OWNER, "owner-editors")
    rows = {model: factory(tenant=tenant) for model, factory in FACTORIES.items()}
    request = RequestFactory().get("/admin/")
    request.user, request.tenant = user, tenant
    with tenant_scope(tenant.pk):
        yield request, rows


def test_every_admin_form_of_a_shaped_json_field_has_an_editor_or_a_reason(world):
    missing, edited = uncovered(*world)
    assert missing == []
    expected = set(json_editors.EDITORS) - {"knowledge.schemas.TAGS"}  # the entry form has its own tags box
    assert edited == expected


def test_the_walk_notices_a_field_without_an_editor(world, monkeypatch):
    monkeypatch.delitem(json_editors.EDITORS, "leads.schemas.CONSENT_PURPOSES")
    missing, _ = uncovered(*world)
    assert missing == [
        "ConsentAdmin.purposes (leads.schemas.CONSENT_PURPOSES)",
        "ConsentInline.purposes (leads.schemas.CONSENT_PURPOSES)",
    ]


def test_what_stays_json_says_why_and_has_no_editor():
    assert set(json_editors.STAYS_JSON).isdisjoint(json_editors.EDITORS)
    assert all(len(reason) > 40 for reason in json_editors.STAYS_JSON.values())


# --- each editor reads back what it shows --------------------------------------------------------------

SAMPLES = {
    "campaigns.schemas.CALLING_WINDOWS": {"mon": [["09:00", "12:00"], ["13:00", "19:00"]], "sat": [["10:00", "16:00"]]},
    "tenants.schemas.BUSINESS_HOURS": {"sun": [["06:00", "22:00"]]},
    "campaigns.schemas.RETRY_MINUTES": {"busy": [30, 240], "failed": [60]},
    "appointments.schemas.REMINDER_OFFSETS": {"default": [1440, 120], "service": [2880]},
    "campaigns.schemas.FOLLOW_UP_OUTCOMES": ["voicemail", "no_answer"],
    "leads.schemas.CONSENT_PURPOSES": ["recall", "lead_followup"],
    "appointments.schemas.RULE_KINDS": ["service"],
    "appointments.schemas.REMINDER_CHANNELS": ["email", "sms"],
    "voice.schemas.COLLECT": ["interest", "opt_out"],
    "calls.schemas.REGIONS": ["FL", "OK", "MD", "CT"],
    "calls.schemas.CLOSED_DAYS": ["2031-12-25", "2031-01-01"],
    "voice.schemas.CALLER_NUMBERS": ["+13055550100", "+13055550101"],
    "calls.schemas.ESCALATION_WORDS": ["speak to a manager", "lawyer"],
    "knowledge.schemas.TAGS": ["membership", "students"],
    "leads.schemas.CUSTOM_FIELDS": {"plan": "gold", "visits": 3, "ratio": 0.5, "vip": False, "gone": None},
    "leads.schemas.STAGE_LABELS": {"won": "Member", "lost": "Gone"},
    "calls.schemas.QA_CHECKLIST": {"identified_business": True, "handled_objection": False},
}


def test_every_editor_has_a_sample():
    assert set(SAMPLES) == set(json_editors.EDITORS)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_an_editor_reads_back_exactly_what_it_shows(name):
    editor = json_editors.EDITORS[name](resolve(name))
    value = SAMPLES[name]
    assert problems(resolve(name), value) == []
    data = {f"f__{part}": values for part, values in editor.inputs(value).items()}
    data["f__shown"] = json.dumps(value)
    assert json.loads(editor.value_from_datadict(data, {}, "f")) == value
    del data["f__shown"]  # without what was shown: the same value, in the editor's own order
    again = json.loads(editor.value_from_datadict({**data, "f__shown": "null"}, {}, "f"))
    assert again == value or sorted(again) == sorted(value)


@pytest.mark.parametrize(
    "name", sorted(n for n, make in json_editors.EDITORS.items() if make.func is json_editors.Choices)
)
def test_choices_are_labelled_in_words(name):
    editor = json_editors.EDITORS[name](resolve(name))
    html = editor.render("f", "[]")
    for code in editor.codes:
        label = editor.labels[code]
        assert label != code and f"<span>{label}" in html
