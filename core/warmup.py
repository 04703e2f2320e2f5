"""A web process ready before its first request: every template compiled and the URLs resolved while the
worker starts (config.wsgi), so the first member to open each page after a deploy does not wait for it.

Django compiles a template the first time a page uses it and keeps it (the cached loader); an admin page
pulls in dozens (Unfold's and ours), about half a second the first time in each worker. Compiling them all
at start costs that once per worker, before it takes requests. bench/pages.py measures pages on fresh
workers.
"""

import logging
import os
import time

from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver

logger = logging.getLogger(__name__)
TEMPLATE_FILES = (".html", ".txt")


def template_names() -> set[str]:
    """Every template name the project's engine can load (its folders and each app's)."""
    names = set()
    for loader in engines["django"].engine.template_loaders:
        for source in getattr(loader, "loaders", [loader]):
            for folder in source.get_dirs():
                for root, _dirs, files in os.walk(folder):
                    names |= {
                        os.path.relpath(os.path.join(root, f), folder) for f in files if f.endswith(TEMPLATE_FILES)
                    }
    return names


def _reverse_ready(resolver) -> None:
    """Build the reverse lookups of the URLs and of each namespace (admin:…): every page reverses dozens."""
    resolver.reverse_dict  # noqa: B018  built on first use and kept
    for _prefix, inner in resolver.namespace_dict.values():
        _reverse_ready(inner)


def warm() -> int:
    """Compile every template and build the URL lookups; returns how many templates were compiled."""
    started = time.perf_counter()
    engine = engines["django"]
    compiled = 0
    for name in sorted(template_names()):
        try:
            engine.get_template(name)
        except TemplateSyntaxError:  # a library's template for a tag library this project does not load
            continue
        compiled += 1
    _reverse_ready(get_resolver())
    logger.info("Warmed %d templates in %.0f ms", compiled, (time.perf_counter() - started) * 1000)
    return compiled
