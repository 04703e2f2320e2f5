"""Which codes a page shows a person: every choice code of the product (TextChoices values with an underscore,
such as ``no_consent`` or ``appointment_booked``) found as a word in the page's visible text. Screens must say
``No consent for this purpose``, never the code (issue 19). Form values, links, scripts, icon names and raw
JSON editors are not visible text and are left out."""

import html
import re

from django.db import models

_HIDDEN = re.compile(
    r"<(script|style|textarea)\b.*?</\1>|<span[^>]*material-symbols[^>]*>.*?</span>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^>]+>")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def product_codes() -> set[str]:
    codes = set()
    for choices in _subclasses(models.TextChoices):
        if choices.__module__.split(".")[0] in {"django", "unfold", "django_celery_beat"}:
            continue
        codes |= {str(value) for value in choices.values if "_" in str(value)}
    return codes


def visible_text(page: str) -> str:
    return html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", page)))


def codes_shown(page: str, codes: set[str]) -> list[str]:
    words = set(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", visible_text(page)))
    return sorted(words & codes)
