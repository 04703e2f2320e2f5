"""The appointment page offers exactly the buttons whose move appointments.models.STATUS_MOVES allows from
its status (and "Move" while it is still to come): the admin restates no table of its own."""

import pytest
from django.urls import reverse

from appointments.admin import ACTIONS_BY_STATUS, BUTTON_MOVES
from appointments.models import ACTIVE_STATUSES, STATUS_MOVES, Status
from tenants.roles import Role
from tests.conftest import member
from tests.factories import AppointmentFactory

from .conftest import TUE, at

pytestmark = pytest.mark.django_db

BUTTONS = [*BUTTON_MOVES, "detail_reschedule"]


def expected(status: str) -> set[str]:
    moves = {name for name, to in BUTTON_MOVES.items() if to in STATUS_MOVES.targets(status)}
    return moves | ({"detail_reschedule"} if status in ACTIVE_STATUSES else set())


def url(name, *args):
    return reverse(f"admin:appointments_appointment_{name}", args=args)


def test_every_status_offers_the_moves_of_the_table():
    assert set(ACTIONS_BY_STATUS) == set(Status.values)
    for status in Status.values:
        assert ACTIONS_BY_STATUS[status] == expected(status), status
    # the table's own words: a canceled or attended appointment goes nowhere, a no-show may still be checked in
    assert ACTIONS_BY_STATUS[Status.CANCELED] == set() == ACTIONS_BY_STATUS[Status.ATTENDED]
    assert ACTIONS_BY_STATUS[Status.NO_SHOW] == {"detail_check_in"}


@pytest.mark.parametrize("status", Status.values)
def test_the_page_shows_those_buttons(client, clock, tenant_a, branch, lead, status):
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    appointment = AppointmentFactory(tenant=tenant_a, branch=branch, lead=lead, start=at(TUE, 10), status=status)
    html = client.get(url("change", appointment.pk)).content.decode()
    shown = {name for name in BUTTONS if url(name, appointment.pk) in html}
    assert shown == expected(status)
