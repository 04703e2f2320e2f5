"""One role matrix, read by both doors (tenants.roles.OPERATIONS, docs/operations.md#roles).

Walks every registered admin action (changelist, detail, row, list and submit-line) and every API action,
for every role: each declares what it needs (an action that declares nothing fails here, so a new one
cannot slip past a viewer), the admin offers an action exactly to the roles that hold its permissions, and
the API's actions name their operations through the same table (tenants.roles.needs).
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from config.api import router
from core.public_ids import of as pid
from leads.models import DoNotCall
from tenants.roles import OPERATIONS, ROLE_ORDER, TENANT_APPS, Role
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member
from tests.factories import (
    FACTORIES,
    ConsentFactory,
    LeadFactory,
    ProviderAccountFactory,
    ScriptFactory,
    TenantFactory,
)

pytestmark = pytest.mark.django_db
VERBS = {"view", "add", "change", "delete"}
UNFOLD_LISTS = ("actions_detail", "actions_row", "actions_list", "actions_submit_line")


def _admin_actions():
    """(model admin, action name, its function) for every action of every admin staff see (platform pages,
    such as lockouts and beat schedules, are superusers' only)."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in TENANT_APPS:
            continue
        names = [name for name in (model_admin.actions or []) if isinstance(name, str)]
        for attribute in UNFOLD_LISTS:
            names += [name for name in getattr(model_admin, attribute, None) or [] if isinstance(name, str)]
        for name in names:
            found.append((model_admin, name, getattr(type(model_admin), name)))
    return found


ADMIN_ACTIONS = _admin_actions()


def _api_actions():
    found = []
    for prefix, viewset, _basename in router.registry:
        for extra in viewset.get_extra_actions():
            found.append((prefix, viewset, extra.__name__))
    return found


API_ACTIONS = _api_actions()


def test_the_walk_finds_actions():
    assert len(ADMIN_ACTIONS) > 30 and len(API_ACTIONS) > 30


@pytest.mark.parametrize(
    "model_admin,name,function", ADMIN_ACTIONS, ids=[f"{a.model._meta.label_lower}.{n}" for a, n, _ in ADMIN_ACTIONS]
)
def test_every_admin_action_declares_what_it_needs(model_admin, name, function):
    declared = getattr(function, "allowed_permissions", None)
    assert declared, f"{name} declares no permissions: give it permissions=[an operation of tenants.roles.OPERATIONS]"
    for permission in declared:
        assert permission in VERBS or permission in OPERATIONS, f"{name}: {permission!r} is no verb nor operation"


@pytest.mark.parametrize("prefix,viewset,name", API_ACTIONS, ids=[f"{p}.{n}" for p, _, n in API_ACTIONS])
def test_every_api_action_declares_what_it_needs(prefix, viewset, name):
    declared = getattr(viewset, "action_permissions", {})
    assert name in declared, f"{prefix}: action {name} declares nothing in action_permissions"


def test_every_operation_is_named_by_a_door():
    """No dead rows: each operation is named by an admin action, or asked of (may/needs) in the source."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = "\n".join(path.read_text() for app in (*TENANT_APPS, "analytics") for path in (root / app).rglob("*.py"))
    used = {p for _, _, function in ADMIN_ACTIONS for p in getattr(function, "allowed_permissions", ())}
    unused = [op for op in OPERATIONS if op not in used and f'"{op}")' not in source]
    assert unused == [], f"operations no door names: {unused}"


@pytest.fixture
def dealership(db):
    return TenantFactory(slug="matrix", name="Matrix Motors", vertical="dealership")


def _request(user, tenant):
    request = RequestFactory().get("/admin/")
    request.user, request.tenant = user, tenant
    return request


def _needed(model_admin, permissions) -> set[str]:
    needed = set()
    for permission in permissions:
        if permission in OPERATIONS:
            needed |= set(OPERATIONS[permission])
        else:
            opts = model_admin.model._meta
            needed.add(f"{opts.app_label}.{permission}_{opts.model_name}")
    return needed


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_the_admin_offers_each_changelist_action_exactly_to_the_roles_that_may(role, dealership):
    user = member(dealership, role)
    with tenant_scope(dealership.pk):
        request = _request(user, dealership)
        for model, model_admin in admin.site._registry.items():
            if model._meta.app_label not in TENANT_APPS or not model_admin.has_view_permission(request):
                continue
            offered = set(model_admin.get_actions(request))
            for name in model_admin.actions or []:
                function = getattr(type(model_admin), name)
                may = all(user.has_perm(p) for p in _needed(model_admin, function.allowed_permissions))
                assert (name in offered) == may, f"{role}: {model_admin.model._meta.label}.{name}"


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_every_unfold_action_is_refused_to_the_roles_that_may_not(role, dealership, client):
    """Each detail, row and list action's URL, on a row that exists, posted by a role without its
    permissions, is a 403 (not a 404 that a missing check would also give)."""
    user = member(dealership, role)
    client.force_login(user)
    checked = 0
    for model_admin, name, function in ADMIN_ACTIONS:
        url_path = getattr(function, "url_path", None)
        if url_path is None or name in (model_admin.actions or []):
            continue
        with tenant_scope(dealership.pk):
            needed = _needed(model_admin, function.allowed_permissions)
            if all(user.has_perm(p) for p in needed):
                continue
            opts = model_admin.model._meta
            detail = any(name in (getattr(model_admin, a, None) or []) for a in ("actions_detail", "actions_row"))
            row = FACTORIES[model_admin.model](tenant=dealership) if detail else None
        path = f"/admin/{opts.app_label}/{opts.model_name}/{f'{pid(row)}/' if row else ''}{url_path}/"
        assert client.post(path).status_code == 403, f"{role}: POST {path}"
        checked += 1
    assert checked or role in (Role.ADMIN, Role.OWNER)


# What the audit found: a viewer changed these through the admin while the API refused them.
VIEWER_WRITES = [
    ("leads", "lead", "tag_selected", {"apply": "1", "tags": "vip"}),
    ("leads", "lead", "assign_owner", {"apply": "1", "owner": "OWNER"}),
    ("leads", "lead", "change_stage", {"apply": "1", "stage": "contacted"}),
    ("leads", "lead", "add_to_dnc", {"apply": "1", "reason": "asked"}),
    ("leads", "lead", "export_csv", {}),
    ("leads", "consent", "revoke", {}),
    ("voice", "script", "duplicate", {}),
    ("voice", "provideraccount", "test_connection", {}),
]


@pytest.mark.parametrize("app,model,action,extra", VIEWER_WRITES, ids=[w[2] for w in VIEWER_WRITES])
def test_a_viewer_cannot_run_a_writing_admin_action(app, model, action, extra, dealership, client):
    with tenant_scope(dealership.pk):
        lead = LeadFactory(tenant=dealership)
        rows = {
            "lead": lead,
            "consent": ConsentFactory(tenant=dealership, lead=lead),
            "script": ScriptFactory(tenant=dealership),
            "provideraccount": ProviderAccountFactory(tenant=dealership),
        }
    owner = member(dealership, Role.OWNER, "owner-matrix")
    extra = {k: (str(owner.pk) if v == "OWNER" else v) for k, v in extra.items()}  # a real choice to assign
    client.force_login(member(dealership, Role.VIEWER))
    response = client.post(
        f"/admin/{app}/{model}/", {"action": action, "_selected_action": [rows[model].pk], **extra}, follow=True
    )
    assert response.status_code == 200
    assert "text/csv" not in response.headers.get("Content-Type", "")
    with tenant_scope(dealership.pk):
        lead.refresh_from_db()
        assert lead.stage == "new" and not lead.tags.exists() and lead.owner_id is None
        assert not type(rows["consent"]).objects.filter(revoked_at__isnull=False).exists()
        assert type(rows["script"]).objects.count() == 1
        assert not DoNotCall.objects.exists()
        rows["provideraccount"].refresh_from_db()
        assert rows["provideraccount"].health_checked_at is None


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_the_person_export_follows_the_table_on_both_doors(role, dealership, client):
    user = member(dealership, role)
    with tenant_scope(dealership.pk):
        lead = LeadFactory(tenant=dealership)
        allowed = user.has_perms(OPERATIONS["export_person"])
    client.force_login(user)
    admin_answer = client.get(f"/admin/leads/lead/{pid(lead)}/data-export/").status_code
    api_answer = api_client(user, dealership).get(f"/api/v1/leads/{pid(lead)}/data-export/").status_code
    assert (admin_answer == 200, api_answer == 200) == (allowed, allowed)
    assert allowed == (role in (Role.MANAGER, Role.ADMIN, Role.OWNER))
