"""Search, on whichever database the suite runs on (SQLite in ``make test``, PostgreSQL in CI): relevance on
the labelled set, title over body, typos by close spelling, safe snippets marking whole words, filters (active,
branch, category), one tenant's knowledge only, and nothing a person types ever raises."""

import re

import pytest
from django.db import connection

from knowledge import chunking, search, services
from knowledge.models import Chunk, Document, KnowledgeEntry
from tenants.models import Branch
from tenants.scoping import TenantScopeError, tenant_scope

from .relevance_set import QUERIES

pytestmark = pytest.mark.django_db
NASTY = [
    '"',
    '""',
    "'",
    "-",
    "!!!",
    "a & b | c",
    "(((",
    "price:*",
    "\\",
    "OR OR or",
    "<script>alert(1)</script>",
    "-sauna",
    '"unclosed phrase',
    "%_%",
    "😀 pool",
    "membership' OR 1=1 --",
    "x" * 1000,
    # FTS5's own syntax (SQLite): operators, prefixes, columns, groups, escapes
    "*",
    "pool*",
    "AND",
    "NOT",
    "OR pool",
    "pool AND",
    "NEAR(",
    "NEAR(pool sauna, 2)",
    "title:pool",
    "{title text}: pool",
    "^pool",
    "pool + sauna",
    '"pool" NOT',
    "pool's",
    "it's 'quoted'",
    '""pool""',
    "🏊",
    "🏊‍♀️ swim",
]


def top(query, k=3, **options):
    return search.search(query, limit=k, **options)


def entry(title, body, **fields):
    return services.save_entry(KnowledgeEntry(title=title, body=body, **fields))


def test_relevance_on_the_labelled_set(gym_knowledge, dealership_knowledge, tenant_a, tenant_b):
    """On the database the suite runs on: SQLite in ``make test``, PostgreSQL in CI."""
    misses = []
    for vertical, query, key in QUERIES:
        tenant, knowledge = (tenant_a, gym_knowledge) if vertical == "gym" else (tenant_b, dealership_knowledge)
        with tenant_scope(tenant.pk):
            found = [hit.entry_id for hit in top(query)]
        if knowledge[key].pk not in found:
            misses.append((query, key))
    assert len(QUERIES) >= 20
    assert 1 - len(misses) / len(QUERIES) >= 0.9, misses


def test_a_title_match_outranks_a_body_match(tenant_a):
    with tenant_scope(tenant_a.pk):
        in_body = entry("Amenities", "Towels, lockers, a steam room and a sauna after your workout.")
        in_title = entry("Sauna rules", "Fifteen minutes at most; shower first.")
        hits = top("sauna")
    assert [hit.entry_id for hit in hits] == [in_title.pk, in_body.pk]
    assert hits[0].rank > hits[1].rank and hits[0].match == "fulltext"


def test_a_typo_is_found_by_close_spelling(gym_knowledge, tenant_a):
    with tenant_scope(tenant_a.pk):
        hits = top("shedule")
    assert gym_knowledge["class-timetable"].pk in [hit.entry_id for hit in hits]
    assert hits[0].match == "fuzzy"


def test_stop_words_do_not_decide_the_order(gym_knowledge, tenant_a):
    with tenant_scope(tenant_a.pk):
        hits = top("do you have a pool")
    assert hits[0].entry_id == gym_knowledge["amenities"].pk
    assert all("pool" in hit.snippet.lower() for hit in hits)


def test_web_search_syntax_phrases_and_exclusions(tenant_a):
    with tenant_scope(tenant_a.pk):
        pool = entry("Pool", "The indoor pool is heated to 28 degrees.")
        sauna = entry("Sauna", "The sauna is next to the heated pool changing rooms.")
        assert {h.entry_id for h in top("heated pool")} == {pool.pk, sauna.pk}
        assert [h.entry_id for h in top("heated pool -sauna")] == [pool.pk]
        assert [h.entry_id for h in top('"pool is heated"')] == [pool.pk]
        assert {h.entry_id for h in top("degrees or sauna")} == {pool.pk, sauna.pk}


def test_snippets_are_escaped_with_only_marks_added(tenant_a):
    with tenant_scope(tenant_a.pk):
        entry("Spa", "Our <b>sauna</b> & steam room open at 6am. <script>alert(1)</script>")
        snippet = top("sauna")[0].snippet
    assert "<mark>sauna</mark>" in snippet
    assert "<b>" not in snippet and "<script>" not in snippet and "&amp;" in snippet


def marked(snippet: str) -> list[tuple[str, str, str]]:
    """Each highlight as (the character before it, the marked text, the character after it)."""
    return re.findall(r"(.?)<mark>(.*?)</mark>(.?)", snippet, flags=re.DOTALL)


def test_highlights_are_whole_words_only(gym_knowledge, tenant_a):
    with tenant_scope(tenant_a.pk):
        hits = top("class a pass", k=10) + top("do you have a pool", k=10)
    highlights = [mark for hit in hits for mark in marked(hit.snippet)]
    assert highlights
    for before, word, after in highlights:
        assert re.fullmatch(r"\w+", word), word
        assert not re.match(r"\w", before) and not re.match(r"\w", after), (before, word, after)
    assert {word.lower() for _, word, _ in highlights} >= {"class", "pass", "pool"}
    assert "a" not in {word.lower() for _, word, _ in highlights}  # a stop word; never inside "class"


def test_inactive_other_branch_and_other_category_are_left_out(tenant_a):
    with tenant_scope(tenant_a.pk):
        downtown = Branch.objects.create(name="Downtown", time_zone="America/New_York")
        riverside = Branch.objects.create(name="Riverside", time_zone="America/Chicago")
        everywhere = entry("Towels", "Fresh towels at the front desk.", category="amenities")
        only_riverside = entry("Towel service", "Riverside lends towels for $1.", branch=riverside)
        entry("Old towel policy", "Bring your own towels.", is_active=False)

        assert {h.entry_id for h in top("towels", k=10)} == {everywhere.pk, only_riverside.pk}
        assert {h.entry_id for h in top("towels", k=10, branch_id=downtown.pk)} == {everywhere.pk}
        assert {h.entry_id for h in top("towels", k=10, branch_id=riverside.pk)} == {everywhere.pk, only_riverside.pk}
        assert {h.entry_id for h in top("towels", k=10, categories=["amenities"])} == {everywhere.pk}


def test_anything_typed_either_searches_or_says_it_is_empty(gym_knowledge, tenant_a):
    with tenant_scope(tenant_a.pk):
        for query in NASTY:
            try:
                hits = search.search(query)
            except search.EmptyQuery:
                assert not any(ch.isalnum() for ch in query), query
            else:
                assert isinstance(hits, list), query
        with pytest.raises(search.EmptyQuery):
            search.search("   ")


def test_search_reads_the_tenant_in_scope_only(tenant_a, tenant_b):
    with tenant_scope(tenant_b.pk):
        entry("Pool hours", "The pool opens at 6am.", tags=["pool"])
    with tenant_scope(tenant_a.pk):
        ours = entry("Pool", "Our pool is heated.")
        assert [hit.entry_id for hit in top("pool", k=10)] == [ours.pk]
        assert top("6am") == [] and top("opens") == []
    with pytest.raises(TenantScopeError):
        search.search("pool")


def indexed_chunks() -> int:
    """Rows of SQLite's full-text index (the chunk count on PostgreSQL, where the index is a column)."""
    if connection.vendor != "sqlite":
        return Chunk.all_tenants.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM knowledge_chunk_fts")
        return cursor.fetchone()[0]


def test_the_index_follows_every_write(tenant_a):
    from django.core.files.base import ContentFile

    with tenant_scope(tenant_a.pk):
        towels = entry("Towels", "Fresh towels at the desk.", tags=["linen"])
        assert [hit.entry_id for hit in top("linen")] == [towels.pk]  # tags are searched
        document = Document(title="Handbook", original_name="h.md", status="ready")
        document.file.save("h.md", ContentFile(b"-"), save=False)
        document.save()
        Chunk.objects.create(document=document, position=0, title="Handbook", text="Lockers.", size=1, category="other")
        document.title = "Member guide"
        services.update_document(document, ["title"])
        assert [hit.document_id for hit in top("guide")] == [document.pk] and top("handbook") == []
        assert indexed_chunks() == Chunk.objects.count() == 2
        towels.delete()
        document.delete()
        assert top("towels") == [] and top("lockers") == []
    assert indexed_chunks() == 0


def test_entries_are_cut_at_headings_and_paragraphs_with_a_little_overlap():
    paragraph = " ".join(f"word{i}" for i in range(120)) + "."
    text = "Intro line.\n\n## Prices\n\n" + "\n\n".join([paragraph] * 5) + "\n\n## Hours\n\nOpen 6am to 10pm."
    pieces = chunking.chunk(text)
    assert pieces[0].heading == "" and pieces[-1].heading == "Hours"
    prices = [p for p in pieces if p.heading == "Prices"]
    assert len(prices) >= 2 and all(p.words <= chunking.MAX_WORDS for p in pieces)
    tail = prices[0].text.split()[-chunking.OVERLAP_WORDS :]
    assert prices[1].text.split()[: chunking.OVERLAP_WORDS] == tail  # the overlap


def test_a_very_long_paragraph_without_sentences_is_still_cut():
    pieces = chunking.chunk(" ".join(["price"] * 1000))
    assert len(pieces) >= 3 and all(p.words <= chunking.MAX_WORDS for p in pieces)


def test_saving_an_entry_reindexes_it(tenant_a):
    with tenant_scope(tenant_a.pk):
        item = entry("Parking", "Free parking behind the gym.")
        item.body = "Paid parking on Flagler Street."
        services.save_entry(item)
        texts = list(Chunk.objects.filter(entry=item).values_list("text", flat=True))
        assert texts == ["Paid parking on Flagler Street."]
        assert not top("behind")
        assert [h.entry_id for h in top("flagler")] == [item.pk]
