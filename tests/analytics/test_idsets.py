"""Sets of ids for the KPIs (core.idsets): stored and read back, and collected per group from the
database (in one value per group on PostgreSQL, row by row elsewhere) with the same answer."""

import pytest
from django.db.models import Count, Q

from calls.models import Call
from core import idsets
from core.idsets import IdSet
from leads.funnel import reached, reached_at_least
from leads.models import Lead
from tenants.scoping import tenant_scope
from tests.factories import BranchFactory, CallFactory, LeadFactory


def test_a_set_is_stored_and_read_back():
    ids = {1, 7, 2**40 + 3, 65_536 * 9}  # beyond 32 bits, and in several bitmap containers
    assert set(idsets.unpack(idsets.pack(ids))) == ids
    assert idsets.unpack(memoryview(idsets.pack(IdSet([5])))) == IdSet([5])  # as a BinaryField gives it
    assert len(idsets.unpack(idsets.pack(()))) == 0


def test_union_of_several_and_of_none():
    assert idsets.union([IdSet([1, 2]), IdSet([2, 3]), IdSet()]) == IdSet([1, 2, 3])
    assert len(idsets.union([])) == 0
    assert len(idsets.union(s for s in [])) == 0


def test_ids_packed_by_postgresql_are_read_big_endian():
    packed = b"".join(n.to_bytes(8, "big") for n in (2**40 + 3, 7, 7))  # as STRING_AGG(INT8SEND(id)) gives them
    assert idsets._from_packed(packed) == IdSet([7, 2**40 + 3])
    assert len(idsets._from_packed(None)) == 0  # a group whose ids were all null


@pytest.fixture
def calls_of_two_branches(tenant_a, tenant_b):
    """North: ann twice (once reached), bob, and a call whose lead was erased; south: cat, reached."""
    with tenant_scope(tenant_a):
        north, south = BranchFactory(tenant=tenant_a), BranchFactory(tenant=tenant_a)
        ann, bob, cat = (LeadFactory(tenant=tenant_a) for _ in range(3))
        for lead, branch, outcome in [
            (ann, north, "answered"),
            (ann, north, "no_answer"),  # ann twice: one id
            (bob, north, "no_answer"),
            (cat, south, "answered"),
        ]:
            CallFactory(tenant=tenant_a, lead=lead, branch=branch, outcome=outcome)
        orphan = CallFactory(tenant=tenant_a, lead=ann, branch=north, outcome="answered")
        Call.objects.filter(pk=orphan.pk).update(lead=None)  # its lead erased: counted, no id
    with tenant_scope(tenant_b):
        CallFactory(tenant=tenant_b, lead=LeadFactory(tenant=tenant_b), outcome="answered")
    return {
        north.pk: {"calls": 4, "called": IdSet([ann.pk, bob.pk]), "answered": IdSet([ann.pk])},
        south.pk: {"calls": 1, "called": IdSet([cat.pk]), "answered": IdSet([cat.pk])},
    }


def _by_branch(read=None):
    """The calls' lead ids per branch, through ``grouped`` or one of its two ways of reading them."""
    rows, counts, subsets = (
        Call.objects.all(),
        {"calls": Count("*")},
        {"called": None, "answered": Q(outcome="answered")},
    )
    if read is None:
        return idsets.grouped(rows, "branch_id", "lead_id", counts, **subsets)
    return read(rows.order_by(), "branch_id", "lead_id", counts, subsets)


@pytest.mark.django_db
def test_grouped_collects_the_ids_and_counts_of_each_group(calls_of_two_branches, tenant_a):
    with tenant_scope(tenant_a):
        assert _by_branch() == calls_of_two_branches


@pytest.mark.postgres
@pytest.mark.django_db
def test_both_ways_of_reading_the_ids_agree(calls_of_two_branches, tenant_a):
    with tenant_scope(tenant_a):
        assert _by_branch(idsets._packed) == _by_branch(idsets._row_by_row) == calls_of_two_branches


@pytest.mark.django_db
def test_grouped_gives_an_empty_set_to_a_group_with_no_ids_in_a_subset(tenant_a):
    with tenant_scope(tenant_a):
        CallFactory(tenant=tenant_a, lead=LeadFactory(tenant=tenant_a), outcome="no_answer")
        found = idsets.grouped(Call.objects.all(), "tenant_id", "lead_id", answered=Q(outcome="answered"))
    assert found == {tenant_a.pk: {"answered": IdSet()}}


@pytest.mark.django_db
def test_reached_at_least_is_the_furthest_step_compared(tenant_a):
    """The cheap condition the funnel counts with matches ``reached() >= step`` for every stage and
    every kept step."""
    stages = ["new", "contacted", "booked", "no_show", "attended", "won", "lost"]
    with tenant_scope(tenant_a):
        for stage in stages:
            for kept in range(5):
                LeadFactory(tenant=tenant_a, stage=stage, funnel_step=kept)
        leads = Lead.objects.all()
        for step in range(6):
            by_condition = set(leads.filter(reached_at_least(step)).values_list("pk", flat=True))
            by_greatest = set(leads.alias(r=reached()).filter(r__gte=step).values_list("pk", flat=True))
            assert by_condition == by_greatest, step
            assert (len(by_condition) == 0) == (step == 5)  # nobody goes past "won"
