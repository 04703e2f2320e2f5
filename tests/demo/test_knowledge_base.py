"""The demo knowledge bases are Markdown files (demo/knowledge_base/<vertical>/NN-key.md) saved through
knowledge.services; seed_demo makes one entry per file, with the file's title, text and front matter."""

import io

import pytest
from django.core.management import call_command

from demo import knowledge as demo_knowledge
from demo import tenants as demo_tenants
from knowledge.models import Category, Chunk, KnowledgeEntry
from tenants.models import Tenant
from tenants.scoping import tenant_scope

VERTICALS = ["gym", "dealership"]


@pytest.mark.parametrize("vertical", VERTICALS)
def test_the_files_are_found_next_to_the_module(vertical):
    files = demo_knowledge.files(vertical)
    assert files, f"no Markdown under {demo_knowledge.FOLDER / vertical}"
    assert all(path.is_relative_to(demo_knowledge.FOLDER) for path in files)


@pytest.mark.parametrize("vertical", VERTICALS)
def test_every_file_has_a_known_category_a_branch_of_its_tenant_and_a_unique_key(vertical):
    spec = next(spec for spec in demo_tenants.TENANTS if spec["vertical"] == vertical)
    branch_names = {branch["name"] for branch in spec["branches"]}
    items = [demo_knowledge.read(path) for path in demo_knowledge.files(vertical)]
    assert all(item["category"] in Category.values for item in items)
    assert {item["branch"] for item in items} - {None} <= branch_names
    assert len({item["key"] for item in items}) == len(items)


def test_a_file_without_front_matter_or_with_an_unknown_field_is_refused(tmp_path):
    bare = tmp_path / "01-bare.md"
    bare.write_text("# Title\n\nText\n", encoding="utf-8")
    typo = tmp_path / "02-typo.md"
    typo.write_text("---\ncategory: faq\ntag: x\n---\n# Title\n\nText\n", encoding="utf-8")
    for path in (bare, typo):
        with pytest.raises(ValueError, match=path.name):
            demo_knowledge.read(path)


@pytest.mark.django_db
def test_seed_demo_makes_one_entry_per_markdown_file_with_its_text():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    for spec in demo_tenants.TENANTS:
        tenant = Tenant.objects.get(slug=spec["slug"])
        files = demo_knowledge.files(spec["vertical"])
        with tenant_scope(tenant.pk):
            entries = list(KnowledgeEntry.objects.select_related("branch").order_by("pk"))
            assert len(entries) == len(files)
            for entry, path in zip(entries, files, strict=True):
                text = path.read_text(encoding="utf-8")
                assert text.endswith(f"\n# {entry.title}\n\n{entry.body}\n"), path.name
                front = demo_knowledge.read(path)
                assert (entry.category, entry.tags) == (front["category"], front["tags"])
                assert (entry.branch.name if entry.branch else None) == front["branch"]
                assert Chunk.objects.filter(entry=entry).exists(), f"{path.name} was not indexed"
