"""Static files named by their content (``app.3f2a9c.css``) so browsers keep them for a year and a page's
second visit asks for none of them (docs/operations.md#static-files).

Used when ``STATIC_HASHED`` is on (production, and ``make run``, which collects the files first): WhiteNoise
then serves every hashed name with ``Cache-Control: max-age=315360000, immutable``. Django names hashed files
only with DEBUG off; these storages name them with DEBUG on too, so the embedded default is as fast as
production. Without ``STATIC_HASHED`` (tests, a bare ``runserver``) files are served as they are on disk."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(ManifestStaticFilesStorage):
    """``make run``: hashed names; not compressed (a browser on the same machine gains nothing from gzip)."""

    def url(self, name, force=False):
        return super().url(name, force=True)


class CompressedHashedStaticFiles(CompressedManifestStaticFilesStorage):
    """Production: hashed names, and gzip and Brotli copies WhiteNoise sends to browsers that accept them."""

    def url(self, name, force=False):
        return super().url(name, force=True)
