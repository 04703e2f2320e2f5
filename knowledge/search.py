"""Ranked search over the knowledge chunks of the tenant in scope.

On PostgreSQL: full-text search with ``websearch_to_tsquery`` in the tenant's language (quotes,
``or`` and ``-word`` work as on a web search engine; nothing a person types can make it raise),
ranked with title matches weighted over body matches, with highlighted snippets from
``ts_headline``. On SQLite (the default install): SQLite's own full-text index, FTS5, ranked by BM25,
with the same syntax (``knowledge/fts5.py``). On both, when search finds nothing (a typo: "shedule"),
each unknown word is replaced by the closest word of the tenant's vocabulary (``knowledge/spelling.py``)
and search runs again.

Snippets are safe HTML: the text is escaped and only ``<mark>`` is added, around whole words that matched.
A hit's ``rank`` orders the hits of one search (higher first); it means nothing across searches or
databases, so pages show the order, never the number.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, Value

from tenants.scoping import current_tenant_id

from . import fts5, spelling
from .models import Chunk

MAX_QUERY_CHARS = 300
PG_CONFIGS = {"en": "english", "es": "spanish", "fr": "french", "de": "german", "pt": "portuguese"}
_START, _STOP = "\x02", "\x03"  # highlight markers no text contains; become <mark> after escaping
_MARKUP = re.compile(r"(^|\s)#{1,6}\s|\*\*|__|`")
_WORD = re.compile(r"\w+", re.UNICODE)


class EmptyQuery(ValueError):
    """Nothing to search for."""


@dataclass
class Hit:
    chunk_id: int
    entry_id: int | None
    document_id: int | None
    title: str
    category: str
    snippet: str
    rank: float
    match: str  # "fulltext" or "fuzzy"

    @property
    def source(self) -> str:
        return "entry" if self.entry_id else "document"


def language_config() -> str:
    from tenants.models import Tenant

    language = Tenant.objects.filter(pk=current_tenant_id()).values_list("language", flat=True).first()
    return PG_CONFIGS.get(language or "en", "simple")


def chunks(*, branch_id: int | None = None, categories=None):
    """Active chunks, of every branch and of ``branch_id`` when given, optionally of some categories."""
    queryset = Chunk.objects.filter(is_active=True)
    if branch_id is not None:
        queryset = queryset.filter(Q(branch__isnull=True) | Q(branch_id=branch_id))
    if categories:
        queryset = queryset.filter(category__in=list(categories))
    return queryset


def cleaned(query: str) -> str:
    query = " ".join((query or "").split())[:MAX_QUERY_CHARS]
    if not _WORD.search(query):
        raise EmptyQuery("Type a word or two to search for.")
    return query


def search(query: str, *, limit: int = 10, branch_id: int | None = None, categories=None) -> list[Hit]:
    """The best ``limit`` chunks for ``query``, best first. Raises ``EmptyQuery`` for a blank query."""
    query = cleaned(query)
    base = chunks(branch_id=branch_id, categories=categories)
    config = language_config()
    run = _fts5 if connection.vendor == "sqlite" else _fulltext
    return run(base, query, limit, config) or _fuzzy(base, query, limit, config, run)


def _safe(text: str) -> str:
    text = _MARKUP.sub(lambda m: m.group(1), text)
    return html.escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")


def _hits(rows, snippets: dict, match: str) -> list[Hit]:
    return [
        Hit(
            chunk_id=row["pk"],
            entry_id=row["entry_id"],
            document_id=row["document_id"],
            title=row["title"],
            category=row["category"],
            snippet=snippets.get(row["pk"], ""),
            rank=float(f"{row['rank']:.4g}"),  # BM25 of a word in most chunks is tiny, yet still orders them
            match=match,
        )
        for row in rows
    ]


FIELDS = ("pk", "entry_id", "document_id", "title", "category")
OVERFETCH = 3  # chunks fetched per result wanted, so that one entry's several chunks count once


def best_per_source(rows: list[dict]) -> list[dict]:
    """Rows ranked best first, keeping each entry's or document's best chunk only."""
    seen, kept = set(), []
    for row in rows:
        source = ("entry", row["entry_id"]) if row["entry_id"] else ("document", row["document_id"])
        if source not in seen:
            seen.add(source)
            kept.append(row)
    return kept


def _fulltext(base, query: str, limit: int, config: str) -> list[Hit]:
    tsquery = SearchQuery(query, search_type="websearch", config=config)
    rows = list(
        base.filter(search=tsquery)
        .annotate(rank=SearchRank(F("search"), tsquery, normalization=Value(1)))
        .order_by("-rank", "pk")
        .values(*FIELDS, "rank")[: limit * OVERFETCH]
    )
    rows = best_per_source(rows)[:limit]
    if not rows:
        return []
    # Highlight any of the words: a chunk found through its title may hold only some of them in its text.
    words = [w for w in _WORD.findall(query) if w.lower() != "or"]
    either = SearchQuery(" or ".join(words), search_type="websearch", config=config) if words else tsquery
    headlines = Chunk.objects.filter(pk__in=[row["pk"] for row in rows]).annotate(
        snippet=SearchHeadline(
            "text",
            either,
            config=config,
            start_sel=_START,
            stop_sel=_STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )
    snippets = {pk: _safe(snippet) for pk, snippet in headlines.values_list("pk", "snippet")}
    return _hits(rows, snippets, "fulltext")


def _fuzzy(base, query: str, limit: int, config: str, run) -> list[Hit]:
    """Found nothing: search again (with ``run``) with each unknown word replaced by its closest known word."""
    better = spelling.corrected(query)
    if better is None:
        return []
    hits = run(base, better, limit, config)
    for hit in hits:
        hit.match = "fuzzy"
    return hits


def _fts5(base, query: str, limit: int, config: str) -> list[Hit]:
    match = fts5.expression(query, stop_words=fts5.STOP_WORDS if config == "english" else ())
    if match is None:
        return []
    scores = fts5.ranked(base, match, limit * OVERFETCH)
    found = {row["pk"]: row for row in Chunk.objects.filter(pk__in=[pk for pk, _ in scores]).values(*FIELDS)}
    rows = best_per_source([found[pk] | {"rank": score} for pk, score in scores if pk in found])[:limit]
    marked = fts5.snippets([row["pk"] for row in rows], match, start=_START, stop=_STOP)
    return _hits(rows, {pk: _safe(text) for pk, text in marked.items()}, "fulltext")
