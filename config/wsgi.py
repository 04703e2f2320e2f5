import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Each worker compiles its templates before its first request (core.warmup).
from core.warmup import warm  # noqa: E402

warm()
