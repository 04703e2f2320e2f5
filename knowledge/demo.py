"""The demo knowledge bases for seed_demo: the gym's prices, timetable, hours and policies; the
dealership's service packages, loaner policy and financing basics (``demo_content.py``)."""

from tenants.models import Branch

from . import services
from .demo_content import DEALERSHIP_ENTRIES, GYM_ENTRIES
from .models import KnowledgeEntry


def content_for(vertical: str) -> list[dict]:
    return DEALERSHIP_ENTRIES if vertical == "dealership" else GYM_ENTRIES


def load(entries: list[dict]) -> dict[str, KnowledgeEntry]:
    """The entries in the tenant in scope, by key (a branch that does not exist makes it tenant-wide)."""
    branches = {branch.name: branch for branch in Branch.objects.all()}
    loaded = {}
    for item in entries:
        entry = KnowledgeEntry(
            title=item["title"],
            body=item["body"],
            category=item["category"],
            tags=list(item["tags"]),
            branch=branches.get(item["branch"]) if item["branch"] else None,
        )
        loaded[item["key"]] = services.save_entry(entry)
    return loaded


def seed(tenant, stdout) -> None:
    if KnowledgeEntry.objects.exists():
        return
    loaded = load(content_for(tenant.vertical))
    stdout.write(f"  {tenant.name}: {len(loaded)} knowledge entries")
