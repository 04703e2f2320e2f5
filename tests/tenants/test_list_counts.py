"""The lead and call lists say how many rows they hold (issue 19), counting at most 10,001 of them
(tenants.admin_pagination): an exact number up to the cap, "More than 10,000" past it, never a COUNT(*) of all."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants import admin_pagination
from tenants.models import Role
from tests.conftest import member
from tests.factories import CallFactory, LeadFactory


def said(response, pattern) -> bool:
    return re.search(pattern, response.content.decode()) is not None


@pytest.fixture
def manager(tenant_a):
    client = Client()
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    return client


def test_the_lists_count_their_rows(manager, tenant_a, tenant_b):
    for _ in range(3):
        CallFactory(tenant=tenant_a)
    LeadFactory(tenant=tenant_b)
    assert said(manager.get("/admin/leads/lead/"), r"3\s+leads")
    assert said(manager.get("/admin/calls/call/"), r"3\s+calls")
    assert said(manager.get("/admin/leads/lead/", {"q": LeadFactory(tenant=tenant_a).phone}), r">\s*1\s+lead\s*<")


def test_past_the_cap_the_list_says_more_than(manager, tenant_a, monkeypatch):
    monkeypatch.setattr(admin_pagination, "CAP", 2)
    monkeypatch.setattr(admin_pagination.CountedPaginator, "cap_text", "2")
    for _ in range(3):
        LeadFactory(tenant=tenant_a)
    with CaptureQueriesContext(connection) as queries:
        page = manager.get("/admin/leads/lead/").content.decode()
    assert re.search(r"More than 2\s+leads", page) and "Next" in page
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "lead" in q["sql"]]
    assert counts and all("LIMIT 3" in sql for sql in counts), counts
