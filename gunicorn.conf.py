"""gunicorn's settings for production (read from the working directory: `gunicorn config.wsgi`).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# About two sync workers per core: requests wait on PostgreSQL and Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The longest request line gunicorn reads; the API answers a longer query string than it accepts with a JSON 414.
limit_request_line = 8190
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
# The proxy in front sets X-Forwarded-For and X-Forwarded-Proto; Django decides what to trust (TRUSTED_PROXIES,
# USE_X_FORWARDED_PROTO), so gunicorn passes them through from any address.
forwarded_allow_ips = "*"
