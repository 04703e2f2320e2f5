"""Finding people: the lead search of the admin, the API and the calls list.

A lead keeps ``search_text``, its name and email folded (lower case, accents and ligatures
undone: "García" → "garcia", "Müller" → "muller", "Straße" → "strasse"), each word after a
space: `` farah de la cruz farah@example.com``. ``Lead.save`` and the lead manager's bulk
writes fill it (``leads.models``), the importer's COPY too, all through ``search_text``.

A term finds a lead when each of its words, folded the same way, starts a word of that text
("cruz farah", "GARCIA", "Muller", "Farah de la Cruz"), or when it is a phone number in any
format (the whole number exactly; its beginning, "(305) 555-", "+1 305 55"; or its last four
digits or more). On PostgreSQL every form is an index lookup (migration 0010): a trigram GIN
index on ``search_text``, and on the phone a pattern btree (beginning) and one on the reversed
number (end).
"""

import re
import unicodedata

from django.db.models import Q
from django.db.models.functions import Reverse

from . import phones

SEARCH_HELP = (
    "Names (each word starts a word of the name, accents and case ignored: garcia finds García), "
    "the start of an email, or a phone number in any format: whole, its beginning or its last digits."
)
SEARCHED_FIELDS = frozenset({"first_name", "last_name", "email"})
MAX_WORDS = 8  # a longer term is cut here: each word is one more condition

# Letters that are not a base letter plus accents, so Unicode decomposition leaves them as they are.
_LETTERS = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ŀ": "l", "þ": "th", "ı": "i"})
_APOSTROPHES = re.compile(r"['’`ʼ]")  # O'Brien is one word: obrien
_NOT_WORD = re.compile(r"[\W_]+")
_EDGE_PUNCTUATION = ".,;:!?\"'()[]<>"


def fold(text: str) -> str:
    """``text`` in lower case without accents: what is stored and what is searched for."""
    text = text or ""
    if text.isascii():  # most names: nothing to undo (the importer folds 100,000 rows)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LETTERS)


def name_words(text: str) -> list[str]:
    """The folded words of a name ("Jean-Luc O'Brien" → jean, luc, obrien)."""
    folded = fold(text)
    if folded.isascii() and folded.replace(" ", "").isalnum():  # most names: no punctuation to read
        return folded.split()
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", folded)).split()


def search_text(first_name: str, last_name: str, email: str) -> str:
    """The text a lead is found by (its ``search_text``): a space before each word, so "starts a
    word" is one ``LIKE '% word%'``."""
    words = [*name_words(first_name), *name_words(last_name)]
    if email:
        words.append(fold(email).strip())
    return "".join(f" {word}" for word in words)


def search_text_of(lead) -> str:
    return search_text(lead.first_name, lead.last_name, lead.email)


def _word_condition(token: str) -> Q:
    """One word of the term: it starts a name word, or (with "@" or ".") the email."""
    token = token.strip(_EDGE_PUNCTUATION)
    names = name_words(token)
    by_name = Q()
    for word in names:
        by_name &= Q(search_text__contains=f" {word}")
    if "@" not in token and "." not in token:
        return by_name
    if token.startswith("@"):  # a domain: anywhere in the email
        return Q(search_text__contains=fold(token))
    by_email = Q(search_text__contains=f" {fold(token)}")
    return by_email if "@" in token or not names else by_email | by_name


def name_condition(term: str) -> Q | None:
    """Every word of ``term`` starts a word of the lead's name or its email; None if it has no word."""
    condition = None
    for token in term.split()[:MAX_WORDS]:
        if not name_words(token):
            continue
        part = _word_condition(token)
        condition = part if condition is None else condition & part
    return condition


def phone_condition(found: phones.PhoneSearch) -> Q:
    if found.number:
        return Q(phone=found.number)
    condition = Q(phone__startswith=found.starts)
    if found.ends:
        condition |= Q(phone_reversed__startswith=found.ends[::-1])  # served by the reversed-number index
    return condition


def search_region(request) -> str:
    """The country a searched number without a country code is read in: the tenant's."""
    tenant = getattr(request, "tenant", None)
    return phones.default_region(tenant=tenant) if tenant is not None else "US"


def search_leads(queryset, term: str, region: str = "US"):
    """The leads of ``queryset`` that ``term`` finds (all of them for an empty term)."""
    term = (term or "").strip()
    if not term:
        return queryset
    found = phones.phone_search(term, region)
    if found is not None:
        return queryset.alias(phone_reversed=Reverse("phone")).filter(phone_condition(found))
    condition = name_condition(term)
    return queryset if condition is None else queryset.filter(condition)
