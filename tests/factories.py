"""factory_boy factories for every model, and the registry the isolation tests walk.

Every tenant-owned model must have a factory here (a test checks it), so the
generic isolation tests pick up models added later. Related tenant-owned rows
are made in the same tenant as the row itself.
"""

import factory
from django.contrib.auth import get_user_model

from tenants.models import AuditLog, Branch, Membership, Tenant
from tenants.roles import Role

FACTORIES: dict = {}


def registered(factory_class):
    FACTORIES[factory_class._meta.model] = factory_class
    return factory_class


def same_tenant(factory_class, **kwargs):
    """A SubFactory whose row belongs to the parent's tenant."""
    return factory.SubFactory(factory_class, tenant=factory.SelfAttribute("..tenant"), **kwargs)


class TenantFactory(factory.django.DjangoModelFactory):
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


class UserFactory(factory.django.DjangoModelFactory):
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
class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Branch {n}")
    time_zone = "America/New_York"
    country = "US"


@registered
class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.AGENT
    default_branch = same_tenant(BranchFactory)


@registered
class AuditLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditLog

    tenant = factory.SubFactory(TenantFactory)
    action = "update"
    object_type = "tenants.branch"
    object_id = factory.Sequence(str)
    object_repr = factory.Sequence(lambda n: f"Object {n}")
