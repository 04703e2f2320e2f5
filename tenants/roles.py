"""Roles held per tenant, and the model permissions each one grants.

Each role is a Django group of the same name. The groups are created by a data
migration and their permissions are (re)computed from ``ROLE_RULES`` by
``sync_roles``, which also runs after every ``migrate``, so models added by
later apps are picked up without touching this file when a wildcard covers them.

Viewers read; agents work leads, calls and appointments; managers also run
campaigns, scripts, knowledge and imports; admins also manage users and
settings; owners everything a tenant may do. Platform models (users, groups,
beat schedules, lockouts) belong to superusers only.
"""

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    AGENT = "agent", "Agent"
    VIEWER = "viewer", "Viewer"


# Lowest to highest; each role has the permissions of the roles before it.
ROLE_ORDER = [Role.VIEWER, Role.AGENT, Role.MANAGER, Role.ADMIN, Role.OWNER]

# Apps whose models tenant staff see at all.
TENANT_APPS = ("tenants", "leads", "voice", "calls", "campaigns", "appointments", "knowledge")
# Tenants-app models that are platform-level, never granted to a role.
PLATFORM_MODELS = {"tenants.user", "calls.stateemergency"}

ALL = ("view", "add", "change", "delete")

# role -> [(pattern, actions)]; pattern is "app.model" or "app.*"; actions are
# the standard verbs, or full codenames of custom permissions.
ROLE_RULES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    Role.VIEWER: [
        *[(f"{app}.*", ("view",)) for app in TENANT_APPS if app != "tenants"],
        ("tenants.tenant", ("view",)),
        ("tenants.branch", ("view",)),
        ("tenants.membership", ("view",)),
    ],
    Role.AGENT: [
        ("leads.*", ("add", "change")),
        ("calls.*", ("add", "change")),
        ("appointments.*", ("add", "change")),
    ],
    Role.MANAGER: [
        ("leads.*", ALL),
        ("leads.lead", ("export_lead",)),
        ("calls.*", ALL),
        ("appointments.*", ALL),
        ("campaigns.*", ALL),
        ("knowledge.*", ALL),
        ("voice.voiceagent", ALL),
        ("voice.script", ALL),
    ],
    Role.ADMIN: [
        ("tenants.auditlog", ("view",)),
        ("tenants.tenant", ("change",)),
        ("tenants.branch", ALL),
        ("tenants.membership", ALL),
        ("voice.*", ALL),
        ("leads.lead", ("erase_lead",)),
    ],
    Role.OWNER: [],
}

# Permissions a wildcard would give too early: each needs at least this role.
MINIMUM_ROLE = {
    "leads.add_leadimport": Role.MANAGER,
    "leads.change_leadimport": Role.MANAGER,
    "leads.delete_leadimport": Role.MANAGER,
    "leads.delete_donotcall": Role.MANAGER,
    # Do-not-call registry files are a manager's: agents do not replace the business's scrub.
    **{
        f"leads.{verb}_{model}": Role.MANAGER
        for model in ("registryfile", "registrynumber", "reassignedcheck")
        for verb in ALL[1:]
    },
    "leads.change_pipelinesettings": Role.MANAGER,
    "leads.add_pipelinesettings": Role.MANAGER,
    # The calling policy narrows the legal hours: admins and owners only (docs/operations.md#security).
    **{f"calls.{verb}_callingpolicy": Role.ADMIN for verb in ("add", "change", "delete")},
    # Agents book and move appointments; opening hours, closures, reminder settings and feeds are managers'.
    **{
        f"appointments.{verb}_{model}": Role.MANAGER
        for model in ("availabilityrule", "closure", "appointmentsettings", "calendarfeed")
        for verb in ("add", "change")
    },
}

# Permissions never granted to a role, whatever a wildcard says.
NEVER_GRANTED = {
    "tenants.add_tenant",
    "tenants.delete_tenant",
    "tenants.add_auditlog",
    "tenants.change_auditlog",
    "tenants.delete_auditlog",
}


# Operations beyond view/add/change/delete, and every permission each needs. Both doors read this table:
# an admin action names the operation in ``permissions=[...]`` (TenantModelAdmin answers
# ``has_<operation>_permission``), an API action with ``needs(operation)``. tests/tenants/test_role_matrix.py
# walks every admin action and API action, for every role, and fails on one that declares nothing.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "tag_leads": ("leads.change_lead",),
    "change_stage": ("leads.change_lead",),
    "assign_owner": ("leads.change_lead",),
    "write_notes": ("leads.change_lead",),
    "merge_leads": ("leads.change_lead", "leads.delete_lead"),
    "export_leads": ("leads.export_lead",),
    "export_person": ("leads.export_lead",),
    "erase_person": ("leads.erase_lead",),
    "import_leads": ("leads.add_leadimport",),
    "add_to_dnc": ("leads.add_donotcall",),
    "remove_from_dnc": ("leads.delete_donotcall",),
    "import_registry": ("leads.add_registryfile", "leads.add_registrynumber", "leads.add_reassignedcheck"),
    "revoke_consent": ("leads.change_consent",),
    "call_now": ("calls.add_call",),
    "resolve_call": ("calls.change_call",),
    "review_call": ("calls.add_qareview",),
    "run_campaign": ("campaigns.change_campaign",),
    "upload_targets": ("campaigns.change_campaign", "leads.add_leadimport"),
    "move_appointment": ("appointments.change_appointment",),
    "test_connection": ("voice.change_provideraccount",),
    "duplicate_script": ("voice.add_script",),
    "process_again": ("knowledge.change_document",),
    "set_member_active": ("tenants.change_membership",),
    "rotate_feed": ("appointments.change_calendarfeed",),
}


def needs(operation: str) -> list[str]:
    """The permissions an operation needs (all of them), for an API view's ``action_permissions``."""
    return list(OPERATIONS[operation])


def may(user, operation: str) -> bool:
    return user.has_perms(OPERATIONS[operation])


def rank(role: str | None) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else -1


def at_least(role: str | None, minimum: str) -> bool:
    return rank(role) >= rank(minimum)


def rules_for(role: str) -> list[tuple[str, tuple[str, ...]]]:
    """The rules of this role and of every role below it."""
    rules = []
    for lower in ROLE_ORDER[: rank(role) + 1]:
        rules.extend(ROLE_RULES[lower])
    return rules


def permission_codenames(role: str, models_by_label: dict[str, list[str]]) -> set[str]:
    """``app_label.codename`` strings granted to ``role``.

    ``models_by_label`` maps ``app.model`` to the codenames that exist for it.
    """
    granted: set[str] = set()
    for pattern, actions in rules_for(role):
        app_label, model_name = pattern.split(".")
        for label, codenames in models_by_label.items():
            label_app, label_model = label.split(".")
            if label_app != app_label or (model_name != "*" and model_name != label_model):
                continue
            if label in PLATFORM_MODELS:
                continue
            for codename in codenames:
                verb = codename.split("_", 1)[0]
                if (verb in actions and codename == f"{verb}_{label_model}") or codename in actions:
                    granted.add(f"{label_app}.{codename}")
    too_early = {perm for perm, minimum in MINIMUM_ROLE.items() if rank(role) < rank(minimum)}
    return granted - NEVER_GRANTED - too_early


def sync_roles(apps=None) -> dict[str, int]:
    """Create the role groups and set their permissions from ROLE_RULES. Returns role -> count."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    models_by_label: dict[str, list[str]] = {}
    permission_ids: dict[str, int] = {}
    for pk, app_label, model, codename in Permission.objects.values_list(
        "pk", "content_type__app_label", "content_type__model", "codename"
    ):
        models_by_label.setdefault(f"{app_label}.{model}", []).append(codename)
        permission_ids[f"{app_label}.{codename}"] = pk

    counts = {}
    for role in ROLE_ORDER:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = permission_codenames(role, models_by_label)
        group.permissions.set([permission_ids[name] for name in wanted])
        counts[role.value] = len(wanted)
    return counts


def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    """Keep role permissions in step with the models after every ``migrate``.

    ``post_migrate`` fires once per app; the permissions of all apps exist only
    after the last one, so the sync runs when the last installed app reports.
    """
    from django.apps import apps

    from .backends import forget_role_permissions

    last_app = [config for config in apps.get_app_configs() if config.models_module][-1]
    if app_config is not None and app_config.label != last_app.label:
        return
    sync_roles()
    forget_role_permissions()
