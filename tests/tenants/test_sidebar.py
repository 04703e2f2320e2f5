"""The sidebar follows the day's work (issue 19): leads, calls, campaigns, appointments, knowledge, voice agents,
then settings; inside a room its daily page first ("Appointments" before "Appointment settings")."""

import re

from django.test import Client

from tenants.models import Role
from tests.conftest import member


def _sidebar_links(page: str) -> list[str]:
    return re.findall(r'href="/admin/(\w+/\w+)/"', page)


def test_the_sidebar_is_in_the_order_of_the_day(tenant_a):
    client = Client()
    client.force_login(member(tenant_a, Role.OWNER, "olga"))
    links = list(dict.fromkeys(_sidebar_links(client.get("/admin/").content.decode())))
    rooms = list(dict.fromkeys(link.split("/")[0] for link in links))
    assert rooms[:7] == ["leads", "calls", "campaigns", "appointments", "knowledge", "voice", "tenants"], rooms
    assert links.index("leads/lead") < links.index("leads/tag")
    assert links.index("appointments/appointment") < links.index("appointments/appointmentsettings")
    assert links.index("voice/voiceagent") < links.index("voice/provideraccount")
