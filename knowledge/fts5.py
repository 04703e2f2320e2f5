"""Knowledge search on SQLite (the default install): SQLite's own full-text index, FTS5, ranked by BM25.

``knowledge_chunk_fts`` (migration 0006) holds each chunk's title, its entry's tags and its text, Porter
stems with accents folded, and the chunk's tenant. What a person types becomes an FTS5 expression built
here from quoted words only, so nothing typed is FTS5 syntax and nothing typed can make it raise: words
are alternatives ranked by BM25 (a chunk holding more of them, rarer ones, in its title or tags, ranks
higher), stop words ("do you have a") are dropped as PostgreSQL drops them, and as on PostgreSQL quotes
find a phrase and ``-word`` leaves it out. Snippets come from FTS5's ``snippet()``, which marks the
whole words that matched, as PostgreSQL's headline does.
"""

import re

from django.db import connection

from tenants.scoping import current_tenant_id

TABLE = "knowledge_chunk_fts"
WEIGHTS = "4.0, 4.0, 1.0, 0.0"  # title, tags, text, tenant: a title or tag match outweighs a body match
_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+", re.UNICODE)
# PostgreSQL's english.stop (the Snowball list), so both backends ignore the same words.
_ENGLISH_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is
    are was were be been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below to from up down
    in out on off over under again further then once here there when where why how all any both each few more
    most other some such no nor not only own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_ENGLISH_STOP_WORDS.split())


def expression(query: str, *, stop_words=STOP_WORDS) -> str | None:
    """The FTS5 expression for ``query``, or None when it asks for nothing.

    Each word or phrase becomes a quoted FTS5 string of its letters and digits, so operators, quotes,
    brackets and stars typed by a person are never FTS5 syntax."""
    wanted, unwanted = [], []
    for match in _TERM.finditer(query.lower()):
        negative, phrase = bool(match[1] or match[3]), match[2] is not None
        words = _WORD.findall(match[2] if phrase else match[4])
        if not words or (not phrase and words == ["or"]):
            continue  # "a or b": every word is already an alternative
        (unwanted if negative else wanted).append(words)
    if not wanted:
        return None
    useful = [words for words in wanted if len(words) > 1 or words[0] not in stop_words]
    either = _any(useful or wanted)  # a query of stop words only ("how") still searches them
    return f"({either}) NOT ({_any(unwanted)})" if unwanted else either


def _any(terms: list[list[str]]) -> str:
    return " OR ".join('"' + " ".join(words) + '"' for words in terms)


def ranked(base, match: str, limit: int) -> list[tuple[int, float]]:
    """The ids of the best ``limit`` chunks of ``base`` for ``match`` with their BM25 score (higher is
    better), best first, ties to the older chunk.

    The chunks' own table is joined for ``base``'s filters (tenant, active, branch, categories: columns of
    that table only), so what is searchable is said once, in ``knowledge.search.chunks``. FTS5 walks its
    matches in rank order (``ORDER BY rank``: it sorts them itself, several times faster than ``ORDER BY
    bm25()``) and ``CROSS JOIN`` keeps it the outer loop, so chunks are read by id for matches only."""
    chunks = base.model._meta.db_table
    where, params = base.query.get_compiler(connection=connection).compile(base.query.where)
    sql = (
        f"SELECT {TABLE}.rowid, -rank FROM {TABLE} CROSS JOIN {chunks} ON {chunks}.id = {TABLE}.rowid"
        f" WHERE {TABLE} MATCH %s AND rank MATCH 'bm25({WEIGHTS})' AND {TABLE}.tenant_id = %s AND {where}"
        " ORDER BY rank LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, current_tenant_id(), *params, limit])
        return sorted(cursor.fetchall(), key=lambda row: (-row[1], row[0]))


def snippets(ids: list[int], match: str, *, start: str, stop: str, words: int = 32) -> dict[int, str]:
    """About ``words`` words of each chunk's text around its matches, each matched word between
    ``start`` and ``stop``."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT rowid, snippet({TABLE}, 2, %s, %s, ' … ', %s) FROM {TABLE}"
        f" WHERE {TABLE} MATCH %s AND tenant_id = %s AND rowid IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, stop, words, match, current_tenant_id(), *ids])
        return dict(cursor.fetchall())
