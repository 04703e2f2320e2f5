"""The demo tenants for seed_demo: a gym with two branches and a dealership with one, the platform
superuser, and an owner and an agent in each tenant. Created through ``tenants.services``; added once."""

from django.contrib.auth import get_user_model

from tenants import services
from tenants.models import Branch, Membership, Tenant
from tenants.roles import Role

SUPERUSER = "admin@platform.test"
ROLES = (Role.OWNER, Role.AGENT)

TENANTS = [
    {
        "slug": "iron-temple",
        "name": "Iron Temple Gym",
        "vertical": "gym",
        "legal_name": "Iron Temple Fitness LLC",
        "callback_phone": "+13055550100",
        "country": "US",
        "time_zone": "America/New_York",
        "branches": [
            {
                "name": "Downtown",
                "address": "120 Flagler St, Miami, FL 33130",
                "time_zone": "America/New_York",
                "phone": "+13055550101",
                "business_hours": {d: [["05:00", "23:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
                | {"sat": [["07:00", "20:00"]], "sun": [["08:00", "18:00"]]},
            },
            {
                "name": "Riverside",
                "address": "88 River Dr, Austin, TX 78701",
                "time_zone": "America/Chicago",
                "phone": "+15125550102",
                "business_hours": {d: [["06:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
                | {"sat": [["08:00", "18:00"]]},
            },
        ],
    },
    {
        "slug": "northside-motors",
        "name": "Northside Motors",
        "vertical": "dealership",
        "legal_name": "Northside Motors Inc.",
        "callback_phone": "+16175550100",
        "country": "US",
        "time_zone": "America/New_York",
        "branches": [
            {
                "name": "Main Rooftop",
                "address": "400 Commonwealth Ave, Boston, MA 02215",
                "time_zone": "America/New_York",
                "phone": "+16175550101",
                "business_hours": {d: [["08:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
                | {"sat": [["09:00", "17:00"]]},
            },
        ],
    },
]


def ensure_user(email: str, password: str, *, superuser: bool = False):
    """The staff user with that email, created with ``password`` if there is none (an existing one keeps its own)."""
    User = get_user_model()
    found = User._default_manager.filter(email__iexact=email).first()
    if found is None:
        found = User(username=email, email=email, is_staff=True, is_superuser=superuser)
        found.set_password(password)
        found.save()
    return found


def ensure_tenant(spec: dict) -> Tenant:
    """The tenant of ``spec``, created if it does not exist."""
    fields = {name: value for name, value in spec.items() if name != "branches"}
    found = Tenant.objects.filter(slug=fields["slug"]).first()
    return found if found is not None else services.create_tenant(**fields)


def seed(tenant: Tenant, spec: dict, password: str) -> None:
    """In the scope of ``tenant``: its branches, and an owner and an agent with their memberships."""
    for branch in spec["branches"]:
        Branch.objects.get_or_create(name=branch["name"], defaults=branch)
    for role in ROLES:
        member = ensure_user(f"{role}@{tenant.slug}.test", password)
        if member.first_name == "":
            member.first_name, member.last_name = role.label, tenant.name.split()[0]
            member.save(update_fields=["first_name", "last_name"])
        Membership.objects.get_or_create(user=member, defaults={"role": role})
