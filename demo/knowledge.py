"""The demo knowledge bases: the gym's prices, timetable, hours and policies; the dealership's service
packages, loaner policy and financing basics. One Markdown file per entry under ``knowledge_base/<vertical>/``,
saved through ``knowledge.services`` as the admin and the API save entries.

A file reads::

    ---
    category: pricing
    tags: membership, pricing, discounts
    branch: Downtown
    ---
    # Membership prices

    ## How much does a membership cost?
    ...

``category`` is required; ``tags`` (comma-separated) and ``branch`` (a branch's exact name; without it the
entry is tenant-wide) are optional. The title is the first heading, as ``import_knowledge`` reads it. The
file's name is ``NN-key.md``: ``NN`` keeps the entries in the order they are saved (ties in search rank
go to the older entry), ``key`` names the entry for the relevance tests.
"""

from pathlib import Path

from knowledge import services
from knowledge.models import KnowledgeEntry
from tenants.models import Branch

FOLDER = Path(__file__).parent / "knowledge_base"
FIELDS = {"category", "tags", "branch"}


def files(vertical: str) -> list[Path]:
    """The vertical's Markdown files in order (any vertical but the dealership gets the gym's)."""
    return sorted((FOLDER / ("dealership" if vertical == "dealership" else "gym")).glob("*.md"))


def read(path: Path) -> dict:
    """One file as ``key``, ``title``, ``body``, ``category``, ``tags`` and ``branch`` (``None``: tenant-wide)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path.name}: no front matter")
    front, _, markdown = text[4:].partition("\n---\n")
    fields = {}
    for line in front.splitlines():
        name, _, value = line.partition(":")
        if name.strip() not in FIELDS:
            raise ValueError(f"{path.name}: unknown field {name.strip()!r}")
        fields[name.strip()] = value.strip()
    if "category" not in fields:
        raise ValueError(f"{path.name}: no category")
    title, body = services.title_and_body(markdown, fallback="")
    if not title:
        raise ValueError(f"{path.name}: no # title")
    return {
        "key": path.stem.partition("-")[2],
        "title": title,
        "body": body,
        "category": fields["category"],
        "tags": [tag.strip() for tag in fields.get("tags", "").split(",") if tag.strip()],
        "branch": fields.get("branch") or None,
    }


def load(vertical: str) -> dict[str, KnowledgeEntry]:
    """The vertical's entries saved in the tenant in scope, by key (a branch that does not exist makes an
    entry tenant-wide)."""
    branches = {branch.name: branch for branch in Branch.objects.all()}
    loaded = {}
    for path in files(vertical):
        item = read(path)
        entry = KnowledgeEntry(
            title=item["title"],
            body=item["body"],
            category=item["category"],
            tags=item["tags"],
            branch=branches.get(item["branch"]) if item["branch"] else None,
        )
        loaded[item["key"]] = services.save_entry(entry)
    return loaded


def seed(tenant, stdout) -> None:
    if KnowledgeEntry.objects.exists():
        return
    loaded = load(tenant.vertical)
    stdout.write(f"  {tenant.name}: {len(loaded)} knowledge entries")
