"""core.warmup: a web worker compiles every template and builds the URL lookups before its first request."""

from django.template import engines
from django.urls import get_resolver

from core.warmup import template_names, warm


def _cached_loader():
    return next(loader for loader in engines["django"].engine.template_loaders if hasattr(loader, "get_template_cache"))


def test_every_template_is_compiled_and_kept():
    names = template_names()
    assert {"admin/calls/call_now.html", "admin/change_list.html", "unfold/layouts/base.html"} <= names
    _cached_loader().reset()
    compiled = warm()
    assert compiled >= 0.95 * len(names)  # a few of the libraries' templates need tag libraries not installed here
    assert "admin/calls/call_now.html" in _cached_loader().get_template_cache


def test_the_url_lookups_are_built():
    warm()
    resolver = get_resolver()
    assert resolver._populated and all(inner._populated for _, inner in resolver.namespace_dict.values())
