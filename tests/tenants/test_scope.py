"""The tenant scope fails closed: no scope, no rows."""

import threading

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery

from tenants.models import Branch
from tenants.scoping import TenantScopeError, get_current_tenant_id, tenant_scope, with_tenant_scope
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(tenant_a, tenant_b):
    return BranchFactory(tenant=tenant_a), BranchFactory(tenant=tenant_b)


def test_query_without_scope_raises(rows):
    with pytest.raises(TenantScopeError):
        list(Branch.objects.all())


@pytest.mark.parametrize(
    "touch",
    [
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.first(),
        lambda qs: qs.get(name="x"),
        lambda qs: qs.update(name="x"),
        lambda qs: qs.delete(),
        lambda qs: list(qs.values_list("pk", flat=True)),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.aggregate(n=__import__("django.db.models").db.models.Count("pk")),
        lambda qs: list(qs[:5]),
    ],
    ids=["count", "exists", "first", "get", "update", "delete", "values_list", "iterator", "aggregate", "slice"],
)
def test_every_way_to_reach_the_database_raises_without_scope(rows, touch):
    with pytest.raises(TenantScopeError):
        touch(Branch.objects.filter(name__startswith=""))


def test_unscoped_queryset_used_as_subquery_raises(rows):
    with tenant_scope(rows[0].tenant_id):
        outer = Branch.objects.all()
    inner = Branch.objects.all()  # built without a scope
    with pytest.raises(TenantScopeError):
        list(outer.filter(pk__in=inner.values("pk")))


def test_scope_returns_only_that_tenants_rows(rows, tenant_a, tenant_b):
    with tenant_scope(tenant_a.pk):
        assert list(Branch.objects.all()) == [rows[0]]
    with tenant_scope(tenant_b.pk):
        assert list(Branch.objects.all()) == [rows[1]]


def test_unscoped_sees_all(rows):
    assert set(Branch.objects.unscoped()) == set(rows)


def test_declared_queryset_runs_for_the_tenant_in_scope_when_run(rows, tenant_a, tenant_b):
    declared = Branch.objects.order_by("name")  # e.g. a viewset's class attribute
    with tenant_scope(tenant_a.pk):
        assert list(declared.all()) == [rows[0]]
    with tenant_scope(tenant_b.pk):
        assert list(declared.all()) == [rows[1]]


def test_a_queryset_built_inside_one_tenants_scope_binds_nobody(rows, tenant_a, tenant_b):
    """A module imported lazily during tenant A's request must not serve A's rows to tenant B."""
    with tenant_scope(tenant_a.pk):
        imported = Branch.objects.filter(name__isnull=False)
        names = Branch.objects.values("name")
    with tenant_scope(tenant_b.pk):
        assert list(imported.all()) == [rows[1]]
        assert imported.count() == 1 and imported.exists()
        assert list(Branch.objects.filter(name__in=names)) == [rows[1]]
        assert Branch.objects.filter(name__in=names.all()).update(address="B street") == 1
    rows[0].refresh_from_db()
    assert rows[0].address == ""


def test_rows_fetched_for_one_tenant_are_not_read_again_for_another(rows, tenant_a, tenant_b):
    with tenant_scope(tenant_a.pk):
        fetched = Branch.objects.all()
        assert list(fetched) == [rows[0]]
    with tenant_scope(tenant_b.pk), pytest.raises(TenantScopeError):
        list(fetched)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Subquery(Branch.objects.values("pk")[:1]),
        lambda: Exists(Branch.objects.filter(pk=OuterRef("pk"))),
    ],
    ids=["Subquery", "Exists"],
)
def test_expressions_built_in_scope_take_the_scope_of_the_query_that_runs_them(rows, tenant_a, tenant_b, build):
    with tenant_scope(tenant_a.pk):
        expression = build()
    with tenant_scope(tenant_b.pk):
        annotated = Branch.objects.unscoped().annotate(found=expression).order_by("pk")
        assert [bool(found) for found in annotated.values_list("found", flat=True)] == [
            isinstance(expression, Subquery) and not isinstance(expression, Exists),
            True,
        ]
    with pytest.raises(TenantScopeError):
        list(Branch.objects.unscoped().annotate(found=expression))


def test_union_parts_run_in_scope(rows, tenant_a):
    with tenant_scope(tenant_a.pk):
        union = Branch.objects.filter(pk=rows[0].pk).order_by().union(Branch.objects.order_by())
        assert list(union) == [rows[0]]


def test_raw_delete_runs_in_scope(rows, tenant_a):
    with tenant_scope(tenant_a.pk):
        assert Branch.objects.all()._raw_delete("default") == 1
    assert set(Branch.all_tenants.all()) == {rows[1]}


def test_new_rows_take_the_tenant_in_scope(tenant_a):
    with tenant_scope(tenant_a.pk):
        branch = Branch.objects.create(name="New", time_zone="UTC")
    assert branch.tenant_id == tenant_a.pk


def test_saving_another_tenants_row_in_scope_raises(rows, tenant_a):
    with tenant_scope(tenant_a.pk), pytest.raises(TenantScopeError):
        rows[1].save()


def test_creating_without_scope_or_tenant_raises(db):
    with pytest.raises(TenantScopeError):
        Branch(name="Nowhere", time_zone="UTC").save()


def test_bulk_create_takes_the_scope_and_refuses_other_tenants(tenant_a, tenant_b):
    with tenant_scope(tenant_a.pk):
        created = Branch.objects.bulk_create([Branch(name="One", time_zone="UTC")])
        assert created[0].tenant_id == tenant_a.pk
        with pytest.raises(TenantScopeError):
            Branch.objects.bulk_create([Branch(name="Two", time_zone="UTC", tenant=tenant_b)])


def test_bulk_create_takes_a_generator_too(tenant_a):
    with tenant_scope(tenant_a.pk):
        Branch.objects.bulk_create(Branch(name=f"B{i}", time_zone="UTC") for i in range(3))
        assert Branch.objects.filter(name__startswith="B").count() == 3


def test_scope_is_restored_after_the_block_even_on_error(tenant_a):
    with pytest.raises(ValueError), tenant_scope(tenant_a.pk):
        raise ValueError("boom")
    assert get_current_tenant_id() is None


def test_scope_demands_an_int():
    with pytest.raises(TenantScopeError), tenant_scope("1"):
        pass


def test_task_decorator_enters_the_scope_of_its_tenant_id(rows, tenant_a):
    @with_tenant_scope
    def task(tenant_id, name):
        return [b.pk for b in Branch.objects.all()], get_current_tenant_id()

    assert task(tenant_a.pk, "x") == ([rows[0].pk], tenant_a.pk)
    assert task(tenant_id=tenant_a.pk, name="x")[1] == tenant_a.pk
    assert get_current_tenant_id() is None


def test_task_decorator_refuses_functions_without_tenant_id():
    with pytest.raises(TypeError):

        @with_tenant_scope
        def task(call_id):
            return call_id


@pytest.mark.django_db(transaction=True)
def test_two_threads_with_different_tenants_never_see_each_others_scope(tenant_a, tenant_b):
    BranchFactory(tenant=tenant_a, name="A-only")
    BranchFactory(tenant=tenant_b, name="B-only")
    barrier = threading.Barrier(2)
    seen = {}

    def work(tenant):
        try:
            with tenant_scope(tenant.pk):
                barrier.wait(timeout=5)  # both scopes are open at the same time
                for _ in range(20):
                    seen.setdefault(tenant.slug, set()).update(Branch.objects.values_list("name", flat=True))
                barrier.wait(timeout=5)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in (tenant_a, tenant_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"tenant-a": {"A-only"}, "tenant-b": {"B-only"}}


def test_beat_fan_outs_visit_each_tenant_once(tenant_a, tenant_b):
    """Models with a default ordering would make DISTINCT count rows, not tenants."""
    from appointments.reminders import tenants_with_due
    from campaigns.dispatch import tenants_with_work
    from tests.factories import CampaignFactory, ReminderFactory

    for tenant in (tenant_a, tenant_a, tenant_a, tenant_b):
        ReminderFactory(tenant=tenant)
        CampaignFactory(tenant=tenant, status="running")
    when = ReminderFactory._meta.model.all_tenants.latest("send_at").send_at
    assert tenants_with_due(when) == sorted([tenant_a.pk, tenant_b.pk])
    assert tenants_with_work() == sorted([tenant_a.pk, tenant_b.pk])
