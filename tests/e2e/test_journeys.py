"""Browser journeys (issue 19, build 12): what three people do in a day, in Chromium, on a desk and on a phone.

A gym manager imports a file with consent, adds a walk-in, starts a campaign and watches its calls arrive, books
and moves a tour; a dealership manager runs a recall and books the service lane; an agent is refused what agents
may not do. Each asserts what a person sees: plain words (never a raw code, on every page visited), times in
the branch's zone, pages that keep themselves current. ``SCREENSHOT_DIR`` keeps a picture of every step
(``journey-<name>-<viewport>-<step>.png``; CI keeps them as artifacts).
"""

import os
from datetime import time as clock_time
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from appointments.models import Appointment
from calls.models import CallingPolicy
from campaigns.models import Campaign
from core.public_ids import of as pid
from leads.models import Consent, Lead
from tenants.models import Membership
from tenants.roles import Role
from tests.clock import moment, monday_of_next_week
from tests.e2e.conftest import stand_in_for_the_worker
from tests.factories import (
    AvailabilityRuleFactory,
    BranchFactory,
    CallingPolicyFactory,
    ConsentFactory,
    LeadFactory,
    MembershipFactory,
    ProviderAccountFactory,
    ScriptFactory,
    TenantFactory,
    UserFactory,
    VehicleFactory,
    VoiceAgentFactory,
)
from tests.plain_words import codes_shown, product_codes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")
CODES = product_codes()
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1400, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
SOON = 10_000  # ms: a live page asks every 3 s, and this machine may be busy
CHICAGO, DENVER = "America/Chicago", "America/Denver"
MON = monday_of_next_week()
TUE = MON + timedelta(days=1)


class Journey:
    """One person's browser: each ``step`` notes the raw codes the page shows and keeps a screenshot;
    ``no_raw_codes`` (at the end of the journey) fails naming every page and code, so one page that shows a code
    does not hide what the rest of the journey finds."""

    def __init__(self, browser, base_url, name, viewport, zone):
        self.context = browser.new_context(**VIEWPORTS[viewport], timezone_id=zone)  # the browser is at the branch
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base, self.name, self.viewport = base_url, name, viewport
        self.codes_seen = {}

    def sign_in(self, user):
        self.open("/admin/login/")
        self.page.fill("input[name=username]", user.email)
        self.page.fill("input[name=password]", "pw-123-secret")
        self.page.click("button[type=submit]")
        self.settle()
        return self

    def open(self, path):
        response = self.page.goto(self.base + path)
        self.settle()
        return response

    def settle(self):
        self.page.wait_for_load_state("load")

    def click(self, selector):
        self.page.click(selector)
        self.settle()

    def action(self, title):
        """A page's action button (Start, Move, …); a phone may fold them behind "…"."""
        button = self.page.locator(f"a:visible:has-text('{title}')").first
        if not button.count():
            self.page.locator("span:text-is('more_horiz'):visible").first.click()
            button = self.page.locator(f"a:visible:has-text('{title}')").first
        button.click()
        self.settle()

    def pick_lead(self, name):
        """The lead field's autocomplete (select2): type part of the name, pick the person."""
        field = self.page.locator("select[name=lead] + .select2 .select2-selection")
        field.click()
        self.page.locator(".select2-search__field").fill(name.split()[0])
        self.page.locator(".select2-results__option", has_text=name).first.click()

    def text(self, selector="body") -> str:
        return " ".join(self.page.locator(selector).first.inner_text().split())

    def step(self, step):
        """The page as the person sees it: the raw codes on it (there should be none); a screenshot for CI."""
        if SHOTS:
            self.page.screenshot(path=f"{SHOTS}/journey-{self.name}-{self.viewport}-{step}.png", full_page=True)
        shown = codes_shown(self.page.content(), CODES)
        if shown:
            path = self.page.url.removeprefix(self.base)
            self.codes_seen[f"{step} ({path})"] = shown

    def no_raw_codes(self):
        assert self.codes_seen == {}, f"pages of the {self.name} journey that show raw codes: {self.codes_seen}"

    def close(self):
        self.context.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def journeys(browser, live_server, viewport):
    opened = []

    def start(name, zone):
        opened.append(Journey(browser, live_server.url, name, viewport, zone))
        return opened[-1]

    yield start
    for journey in opened:
        journey.close()


def staff(tenant, role, username, branch):
    """A member whose default branch is ``branch``: they read times in its zone."""
    user = UserFactory(username=username, first_name=username.title())
    MembershipFactory(tenant=tenant, user=user, role=role, default_branch=branch)
    return user


def simulated_agent(tenant, name):
    """A simulator account whose every call is answered by someone not interested (nothing is booked by it)."""
    account = ProviderAccountFactory(
        tenant=tenant,
        provider="simulator",
        api_key="sim",
        provider_ids={"mix": {"answered": 1}, "conversation_mix": {"not_interested": 1}},
    )
    return VoiceAgentFactory(tenant=tenant, account=account, name=name)


def opening_hours(tenant, branch, kinds):
    for weekday in range(5):
        AvailabilityRuleFactory(
            tenant=tenant, branch=branch, weekday=weekday, opens=clock_time(9), closes=clock_time(17), kinds=kinds
        )


# --- 1. the gym manager ---------------------------------------------------------------------------------------


def sign_up_sheet() -> bytes:
    added = [MON - timedelta(days=n) for n in (9, 8, 3)]
    rows = [("Ann", "Lee", "(212) 555-0141"), ("Bob", "Ray", "212-555-0142"), ("Cy", "Fox", "2125550143")]
    lines = ["First Name,Last Name,Phone,Date Added"]
    lines += [f"{first},{last},{phone},{day:%m/%d/%Y}" for (first, last, phone), day in zip(rows, added, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def test_a_gym_manager_imports_adds_a_walk_in_runs_a_campaign_and_books_a_tour(journeys, settings):
    settings.VOICE_SIMULATOR_PACE = 0.5  # calls answered after 1 s and over after 4 s: there is time to watch
    gym = TenantFactory(slug="iron-temple", name="Iron Temple Gym", vertical="gym")
    downtown = BranchFactory(tenant=gym, name="Downtown", time_zone=CHICAGO)
    manager = staff(gym, Role.MANAGER, "maria", downtown)
    opening_hours(gym, downtown, ["tour"])
    simulated_agent(gym, "Front desk")
    ScriptFactory(tenant=gym, name="Tour follow-up", purpose="lead_followup")

    with time_machine.travel(moment(MON, 11), tick=True):  # 10:00 in Chicago, inside everyone's calling hours
        j = journeys("gym", CHICAGO).sign_in(manager)
        j.step("signed-in")
        assert "iron temple gym · manager · chicago time" in j.text().casefold()  # the header's badge

        # Leads → Import: the file, then its preview with the consent the sheet carries.
        j.open("/admin/leads/lead/")
        j.action("Import leads")
        j.page.set_input_files(
            "input[name=file]", files=[{"name": "open-day.csv", "mimeType": "text/csv", "buffer": sign_up_sheet()}]
        )
        j.step("import-upload")
        j.click("button:text-is('Upload and preview')")
        j.step("import-preview")
        assert "Callable afterwards: 0" in j.text("[data-testid=callable]")
        consent = j.page.get_by_test_id("consent")
        consent.locator("input[name=consent_attested]").check()
        j.page.select_option("select[name=consent_source]", label="A paper form or sign-up sheet")
        j.page.fill("input[name=consent_source_detail]", "Spring open day sign-up sheet")
        j.page.fill("input[name=consent_disclosure_version]", "sheet-v2")
        j.page.fill("input[name=consent_given_on]", f"{MON - timedelta(days=3):%Y-%m-%d}")
        consent.get_by_label("Lead follow-up").check()
        consent.get_by_label("Tour / trial booking").check()
        j.click("button[name=update]")
        j.step("import-attested")
        assert "Callable afterwards: 3" in j.text("[data-testid=callable]")
        j.click("button[name=confirm]")
        j.step("import-done")
        result = j.text("[data-testid=import-live]")
        assert "3 rows read · 3 new leads" in result
        assert "Callable afterwards: 3 · without consent: 0" in result

        # A walk-in, with how they agreed to be called.
        j.open("/admin/leads/lead/add/")
        j.page.fill("input[name=first_name]", "Ana")
        j.page.fill("input[name=last_name]", "Silva")
        j.page.fill("input[name=phone]", "(212) 555-0150")
        j.page.select_option("select[name=consent_source]", label="A paper form or sign-up sheet")
        j.page.get_by_label("Lead follow-up").check()
        j.page.get_by_label("Tour / trial booking").check()
        j.page.fill("input[name=consent_source_detail]", "Front desk sign-up sheet")
        j.page.fill("input[name=consent_disclosure_version]", "desk form v2")
        j.step("walk-in-form")
        j.click("button[name=_continue]")
        j.step("walk-in-added")
        assert "May be called for: Lead follow-up, Tour / trial booking" in j.text()

        # A campaign for every new lead: built, previewed, started; its calls arrive on the page as they end.
        j.open("/admin/campaigns/campaign/add/")
        j.page.fill("input[name=name]", "Open day: book a tour")
        j.page.select_option("select[name=agent]", label="Front desk")
        j.page.select_option("select[name=script]", label="Tour follow-up (v1) · Lead follow-up · marketing")
        j.page.select_option("select[name=audience_kind]", value="filter")
        j.page.select_option("select[name=stages]", value="new")
        j.step("campaign-form")
        j.click("button[name=_continue]")
        j.step("campaign-draft")
        assert "4 leads: 4 would be called; 0 skipped" in j.text()
        j.action("Start")
        j.click("button:text-is('Start')")
        j.step("campaign-started")
        assert "Running: 4 targets; skipped: none." in j.text()
        live = j.page.get_by_test_id("campaign-live")
        started = j.text("[data-testid=campaign-live]")
        assert "Progress 0% of 4" in started and "Calls · in progress 4 · 4" in started  # dialled, none over yet
        j.page.evaluate("window.notReloaded = true")  # still there at the end: the page was never reloaded

        stand_in_for_the_worker(gym)

        expect(live).to_contain_text("100% of 4", timeout=SOON)
        expect(live).to_contain_text("Not interested")
        j.step("campaign-calls-in")
        assert "Calls · in progress 4 · 0" in j.text("[data-testid=campaign-live]")
        assert j.page.evaluate("window.notReloaded === true"), "the page was reloaded"

        # A tour from the calendar's "+ book", then moved to another day.
        j.open(f"/admin/appointments/appointment/calendar/?branch={pid(downtown)}")
        j.step("calendar")
        j.click("[data-testid=week-calendar] a[title='Book on this day']:visible >> nth=0")  # today, Monday
        j.page.select_option("select[name=kind]", value="tour")
        j.click("button:text-is('Show free times')")
        j.page.select_option("select[name=slot]", label=f"{MON:%a %d %b} 14:00 (1 free)")
        j.pick_lead("Ana Silva")
        j.step("book")
        j.click("button:text-is('Book')")
        j.step("booked")
        assert f"Booked: Tour {MON:%a %d %b} 14:00 for Ana Silva." in j.text()
        j.action("Move")
        j.page.select_option("select[name=slot]", label=f"{TUE:%a %d %b} 16:00 (1 free)")
        j.page.fill("input[name=reason]", "Asked for the afternoon")
        j.step("move")
        j.click("button:text-is('Move')")
        j.step("moved")
        moved = j.text()
        assert f"Moved: Ana Silva (Tour {TUE:%a %d %b} 16:00)." in moved  # the message names the new time
        assert f"{TUE:%A %d %B %Y}, 16:00–17:00 ({CHICAGO})" in moved  # the appointment's When, on the shop's wall

    j.no_raw_codes()
    walk_in = Lead.all_tenants.get(tenant=gym, first_name="Ana")
    assert Appointment.all_tenants.get(lead=walk_in).start == moment(TUE, 16, zone=CHICAGO)
    assert Consent.all_tenants.filter(tenant=gym, source="paper").count() == 4
    assert Campaign.all_tenants.get(tenant=gym).status == "completed"
    # Last, so that everything above has run: the move's own line under "Moves (reschedules)" reads from 14:00
    # to 16:00 on the shop's wall too, like the rest of the page.
    assert f"{MON:%d %b} 14:00 → {TUE:%d %b} 16:00" in moved, "the move is labelled in another zone's time (UTC)"


# --- 2. the dealership manager --------------------------------------------------------------------------------

RECALLED = ["1HGCM82633A004352", "1HGCM82633A004353"]
NOT_OURS = "5YJSA1E26HF000316"  # on the manufacturer's list, but no customer's car on file
OWNERS = [("Dan", "Diaz", "+13035550181", 2021), ("Eve", "Park", "+13035550182", 2022)]  # name, phone, car's year


def recall_list() -> bytes:
    rows = [f"{vin},Civic,Airbag inflator" for vin in RECALLED] + [f"{NOT_OURS},Accord,Airbag inflator"]
    return ("VIN,Model,Campaign\n" + "\n".join(rows) + "\n").encode()


def test_a_dealership_manager_runs_a_recall_and_books_the_service_lane(journeys):
    motors = TenantFactory(slug="northside-motors", name="Northside Motors", vertical="dealership")
    service = BranchFactory(tenant=motors, name="Service center", time_zone=DENVER)
    manager = staff(motors, Role.MANAGER, "dana", service)
    opening_hours(motors, service, ["service"])
    simulated_agent(motors, "Service desk")
    ScriptFactory(tenant=motors, name="Recall notice", purpose="recall")
    owners = []
    for (first, last, phone, year), vin in zip(OWNERS, RECALLED, strict=True):
        owner = LeadFactory(tenant=motors, branch=service, first_name=first, last_name=last, phone=phone, stage="won")
        VehicleFactory(tenant=motors, lead=owner, vin=vin, year=year, make="Honda", model="Civic")
        ConsentFactory(tenant=motors, lead=owner, kind="express", purposes=["recall", "service_reminder"])
        owners.append(owner)
    finn = LeadFactory(tenant=motors, branch=service, first_name="Finn")
    VehicleFactory(tenant=motors, lead=finn, make="Ford", model="Focus")  # a car the recall is not about

    with time_machine.travel(moment(MON, 12), tick=True):  # 10:00 in Denver
        j = journeys("dealership", DENVER).sign_in(manager)
        j.step("signed-in")
        assert "northside motors · manager · denver time" in j.text().casefold()

        # The manufacturer's recall list, uploaded into a recall campaign: who owns those cars, and which VINs
        # are nobody's here.
        j.open("/admin/campaigns/campaign/add/")
        j.page.fill("input[name=name]", "Airbag inflator recall")
        j.page.select_option("select[name=agent]", label="Service desk")
        j.page.select_option("select[name=script]", label="Recall notice (v1) · Recall notice · informational")
        j.page.select_option("select[name=audience_kind]", value="recall")
        j.page.set_input_files(
            "input[name=recall_file]", files=[{"name": "recall.csv", "mimeType": "text/csv", "buffer": recall_list()}]
        )
        j.step("recall-form")
        j.click("button[name=_continue]")
        j.step("recall-draft")
        draft = j.text()
        assert "2 leads: 2 would be called; 0 skipped" in draft
        assert "VINs of the recall that matched no vehicle (1)" in draft
        assert j.text("[data-testid=unmatched-vins]") == NOT_OURS
        j.action("Start")
        j.click("button:text-is('Start')")
        j.step("recall-running")
        assert "Running: 2 targets; skipped: none." in j.text()
        live = j.page.get_by_test_id("campaign-live")
        stand_in_for_the_worker(motors)
        expect(live).to_contain_text("100% of 2")  # the simulator plays each call at once in tests
        expect(live).to_contain_text("Not interested")

        # The service lane, from the calendar's "+ book" on today.
        j.open(f"/admin/appointments/appointment/calendar/?branch={pid(service)}")
        j.step("calendar")
        j.click("[data-testid=week-calendar] a[title='Book on this day']:visible >> nth=0")
        assert j.page.input_value("select[name=kind]") == "service"  # what the service lane offers first
        j.pick_lead("Dan Diaz")
        j.click("button:text-is('Show free times')")  # his cars, and the day's free times
        j.page.select_option("select[name=vehicle]", label="2021 Honda Civic")
        j.page.select_option("select[name=slot]", label=f"{MON:%a %d %b} 15:00 (1 free)")
        j.step("book")
        j.click("button:text-is('Book')")
        j.step("booked")
        assert f"Booked: Service {MON:%a %d %b} 15:00 for Dan Diaz." in j.text()
        assert f"{MON:%A %d %B %Y}, 15:00–16:00 ({DENVER})" in j.text()  # the When, on the service lane's wall

    j.no_raw_codes()
    campaign = Campaign.all_tenants.get(tenant=motors)
    assert campaign.audience["vins"] == [*RECALLED, NOT_OURS]
    assert campaign.status == "completed"
    booked = Appointment.all_tenants.get(tenant=motors)
    assert (booked.lead, booked.kind, booked.vehicle.vin) == (owners[0], "service", RECALLED[0])
    assert booked.start == moment(MON, 15, zone=DENVER)
    # Last, so that everything above has run: the preview's people read with their stage's name, as the lead
    # list shows it (a dealership's own word for "won": "Sold / serviced"), not its code.
    assert "Dan Diaz · +13035550181 · Sold / serviced" in draft, "the audience preview shows the stage's code"


# --- 3. the agent ---------------------------------------------------------------------------------------------


def forged_post(j, path, data):
    """What a person could still try from this browser (an old bookmark, a hand-made form): a POST with the
    session's CSRF token (redirects followed)."""
    token = next(c["value"] for c in j.context.cookies() if c["name"] == "csrftoken")
    return j.page.request.post(
        j.base + path, form={"csrfmiddlewaretoken": token, **data}, headers={"Referer": j.base + path}
    )


def test_an_agent_is_refused_what_agents_may_not_do(journeys):
    gym = TenantFactory(slug="iron-temple", name="Iron Temple Gym", vertical="gym")
    downtown = BranchFactory(tenant=gym, name="Downtown", time_zone=CHICAGO)
    agent = staff(gym, Role.AGENT, "alex", downtown)
    staff(gym, Role.MANAGER, "maria", downtown)
    policy = CallingPolicyFactory(tenant=gym, window_start=clock_time(9), window_end=clock_time(20))
    lead = LeadFactory(tenant=gym, branch=downtown, first_name="Ana", last_name="Silva")
    ConsentFactory(tenant=gym, lead=lead)
    maria = Membership.all_tenants.get(tenant=gym, user__username="maria")

    def held():
        """What the agent must leave as it was."""
        return (
            CallingPolicy.all_tenants.filter(pk=policy.pk).values_list("window_start", "window_end").get(),
            Lead.all_tenants.filter(pk=lead.pk).values_list("first_name", "last_name", "phone").get(),
            Membership.all_tenants.filter(tenant=gym).order_by("pk").values_list("role", "is_active")[::1],
            Consent.all_tenants.filter(lead=lead).count(),
        )

    before = held()
    with time_machine.travel(moment(MON, 11), tick=True):
        j = journeys("agent", CHICAGO).sign_in(agent)
        j.step("signed-in")
        assert "iron temple gym · agent · chicago time" in j.text().casefold()

        # The lead list: their own work (tag, stage, owner) but no export, no erasing, no import.
        j.open("/admin/leads/lead/")
        j.step("leads")
        actions = j.page.locator("select[name=action] option").all_inner_texts()
        assert "Tag selected leads" in actions
        assert not {"Export selected as CSV", "Erase selected people (data subject request)"} & set(actions)
        assert j.page.get_by_text("Import leads").count() == 0
        for action in ("export_csv", "erase_selected"):
            answer = forged_post(
                j, "/admin/leads/lead/", {"action": action, "_selected_action": pid(lead), "index": "0"}
            )
            assert answer.headers["content-type"].startswith("text/html"), action  # no file, no erasure form
            assert "No action selected." in answer.text(), action  # back on the list: not an action of theirs

        # The person's data export: not offered on the lead's page, and refused in plain words from a bookmark.
        j.open(f"/admin/leads/lead/{pid(lead)}/change/")
        j.step("lead")
        assert "Download everything held about this person" not in j.text()
        assert j.open(f"/admin/leads/lead/{pid(lead)}/data-export/").status == 403
        j.step("data-export-refused")
        assert "Your role does not allow this" in j.text()

        # The import page, opened from a bookmark.
        assert j.open("/admin/leads/lead/import/").status == 403
        j.step("import-refused")

        # The calling policy: read, never changed.
        j.open("/admin/calls/callingpolicy/")
        j.step("calling-policy")
        assert j.page.get_by_test_id("policy-in-force").is_visible()
        assert j.page.locator("input[name=window_start]").count() == 0
        assert j.page.locator("button[name=_save]:visible").count() == 0
        change = f"/admin/calls/callingpolicy/{pid(policy)}/change/"
        assert forged_post(j, change, {"window_start": "06:00", "window_end": "23:00"}).status == 403

        # A colleague's role: read, never changed.
        j.open(f"/admin/tenants/membership/{pid(maria)}/change/")
        j.step("member")
        assert j.page.locator("select[name=role]").count() == 0
        assert j.page.locator("button[name=_save]:visible").count() == 0
        change = f"/admin/tenants/membership/{pid(maria)}/change/"
        assert forged_post(j, change, {"role": "owner", "is_active": "on"}).status == 403

    j.no_raw_codes()
    assert held() == before
