"""Typo correction for knowledge search: each word of a query that the tenant's vocabulary (every word of
its chunks, ``knowledge.models.Word``) does not hold is replaced by its closest word there. PostgreSQL
finds it by trigram similarity (pg_trgm, GIN-indexed); SQLite compares the words of the same first letter
with difflib ("shedule" and "schedule" share 14 of their 15 letters)."""

import difflib
import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection

from .models import Word

MIN_LETTERS = 4
MAX_WORDS = 8
SQLITE_CUTOFF = 0.8  # difflib's ratio: 2 × letters in common / letters in both words
_WORD = re.compile(r"\w+", re.UNICODE)


def corrected(query: str) -> str | None:
    """The query's words with each unknown one replaced by the closest known word, or None when no word
    was replaced (every word is known, or none has a close one)."""
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(query) if len(w) >= MIN_LETTERS))[:MAX_WORDS]
    known = set(Word.objects.filter(word__in=words).values_list("word", flat=True))
    replaced = {word: closest(word) for word in words if word not in known}
    replaced = {word: better for word, better in replaced.items() if better}
    if not replaced:
        return None
    return " ".join(replaced.get(word, word) for word in words)


def closest(word: str) -> str | None:
    """The tenant's known word closest to ``word``, if any is close enough."""
    if connection.vendor == "sqlite":
        candidates = Word.objects.filter(word__startswith=word[0]).values_list("word", flat=True)
        return next(iter(difflib.get_close_matches(word, list(candidates), n=1, cutoff=SQLITE_CUTOFF)), None)
    return (
        Word.objects.filter(word__trigram_similar=word)
        .annotate(similarity=TrigramSimilarity("word", word))
        .order_by("-similarity", "word")
        .values_list("word", flat=True)
        .first()
    )
