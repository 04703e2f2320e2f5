"""Ranked search over the knowledge chunks of the tenant in scope.

On PostgreSQL: full-text search with ``websearch_to_tsquery`` in the tenant's language (quotes,
``or`` and ``-word`` work as on a web search engine; nothing a person types can make it raise),
ranked with title matches weighted over body matches, with highlighted snippets from
``ts_headline``. When full-text search finds nothing (a typo: "shedule"), each unknown word is
replaced by the closest word of the tenant's vocabulary (pg_trgm, GIN-indexed) and full-text search
runs again. Elsewhere (SQLite, ``make run``) a plain scan matches every word as a substring and
ranks title hits over body hits.

Snippets are safe HTML: the text is escaped and only ``<mark>`` is added.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import F, Q, Value

from tenants.scoping import current_tenant_id

from .models import Chunk, Word

MAX_QUERY_CHARS = 300
PG_CONFIGS = {"en": "english", "es": "spanish", "fr": "french", "de": "german", "pt": "portuguese"}
_START, _STOP = "\x02", "\x03"  # highlight markers no text contains; become <mark> after escaping
_MARKUP = re.compile(r"(^|\s)#{1,6}\s|\*\*|__|`")
_WORD = re.compile(r"\w+", re.UNICODE)
FUZZY_MIN_LETTERS = 4
PLAIN_CANDIDATES = 500


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
    match: str  # "fulltext", "fuzzy" or "plain"

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
    if connection.vendor != "postgresql":
        return _plain(base, query, limit)
    config = language_config()
    hits = _fulltext(base, query, limit, config)
    return hits or _fuzzy(base, query, limit, config)


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
            rank=round(float(row["rank"]), 4),
            match=match,
        )
        for row in rows
    ]


FIELDS = ("pk", "entry_id", "document_id", "title", "category", "rank")
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
        .values(*FIELDS)[: limit * OVERFETCH]
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


def _words(query: str) -> list[str]:
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(query) if len(w) >= FUZZY_MIN_LETTERS))[:8]


def _fuzzy(base, query: str, limit: int, config: str) -> list[Hit]:
    """Each word the tenant's vocabulary does not hold is replaced by its closest word there (trigram
    similarity, GIN-indexed), then full-text search runs again."""
    words = _words(query)
    known = set(Word.objects.filter(word__in=words).values_list("word", flat=True))
    corrected, changed = [], False
    for word in words:
        if word in known:
            corrected.append(word)
            continue
        closest = (
            Word.objects.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        corrected.append(closest or word)
        changed = changed or closest is not None
    if not changed:
        return []
    hits = _fulltext(base, " ".join(corrected), limit, config)
    for hit in hits:
        hit.match = "fuzzy"
    return hits


def _window(text: str, words: list[str], *, fuzzy: bool = False, size: int = 220) -> str:
    """About ``size`` characters of ``text`` around the first word found, the words marked."""
    lowered = text.lower()
    found = [lowered.find(w) for w in words if lowered.find(w) >= 0]
    if not found and fuzzy:
        found = [lowered.find(w[:3]) for w in words if lowered.find(w[:3]) >= 0]
    at = min(found) if found else 0
    start = max(0, at - size // 3)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    piece = text[start : start + size]
    if start + size < len(text):
        piece = piece[: piece.rfind(" ")] + " …" if " " in piece else piece
    if start:
        piece = "… " + piece
    marked = piece
    for word in sorted(words, key=len, reverse=True):
        marked = re.sub(re.escape(word), lambda m: f"{_START}{m.group(0)}{_STOP}", marked, flags=re.IGNORECASE)
    return _safe(" ".join(marked.split()))


def _plain(base, query: str, limit: int) -> list[Hit]:
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))[:8]
    every = Q()
    for word in words:
        every &= Q(title__icontains=word) | Q(text__icontains=word)
    rows = list(
        base.filter(every).values("pk", "entry_id", "document_id", "title", "category", "text")[:PLAIN_CANDIDATES]
    )
    if not rows:
        some = Q()
        for word in words:
            some |= Q(title__icontains=word) | Q(text__icontains=word)
        rows = list(
            base.filter(some).values("pk", "entry_id", "document_id", "title", "category", "text")[:PLAIN_CANDIDATES]
        )
    for row in rows:
        title, text = row["title"].lower(), row["text"].lower()
        row["rank"] = sum(3 * title.count(w) + min(text.count(w), 5) for w in words) / (1 + len(text) / 2000)
    rows.sort(key=lambda row: (-row["rank"], row["pk"]))
    top = best_per_source(rows)[:limit]
    return _hits(top, {row["pk"]: _window(row["text"], words) for row in top}, "plain")
