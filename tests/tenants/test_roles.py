"""Roles are groups with model permissions, applied per tenant."""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tenants.roles import ROLE_ORDER, Role
from tenants.scoping import tenant_scope
from tests.conftest import member
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def perms(role):
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_every_role_is_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in ROLE_ORDER}


def test_roles_are_cumulative():
    for lower, higher in itertools.pairwise(ROLE_ORDER):
        assert perms(lower) <= perms(higher), f"{higher} lacks some of {lower}'s permissions"


def test_viewers_only_read():
    assert perms(Role.VIEWER)
    assert all(p.split(".")[1].startswith("view_") for p in perms(Role.VIEWER))


def test_only_admins_and_owners_manage_staff_and_nobody_deletes_tenants():
    for role in ROLE_ORDER:
        manages = "tenants.add_membership" in perms(role)
        assert manages == (role in (Role.ADMIN, Role.OWNER)), role
        assert "tenants.delete_tenant" not in perms(role)
        assert "tenants.change_user" not in perms(role)  # platform users are superusers' business


def test_sync_roles_repairs_a_tampered_group():
    group = Group.objects.get(name="viewer")
    group.permissions.clear()
    call_command("sync_roles", stdout=__import__("io").StringIO())
    assert perms(Role.VIEWER)


def test_permissions_follow_the_tenant_in_scope(tenant_a, tenant_b):
    user = member(tenant_a, Role.OWNER, "carol")
    MembershipFactory(tenant=tenant_b, user=user, role=Role.VIEWER, default_branch=None)
    with tenant_scope(tenant_a.pk):
        assert user.has_perm("tenants.add_branch")
    user = type(user).objects.get(pk=user.pk)
    with tenant_scope(tenant_b.pk):
        assert user.has_perm("tenants.view_branch")
        assert not user.has_perm("tenants.add_branch")
    assert not user.has_perm("tenants.view_branch")  # no scope, no permissions
