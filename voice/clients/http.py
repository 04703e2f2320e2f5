"""HTTP for the provider clients: timeouts, retries with backoff on 429 and 5xx only, errors by category.

A create-call request that timed out *after* it was sent is not retried: the
provider may have placed the call, and a retry could ring the person twice.
Such a call is left to its webhooks (or the stale-call sweeper).
"""

import time

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from .base import ErrorCategory, ProviderError

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10
RETRIES = 3
BACKOFF_SECONDS = 0.5
RETRY_STATUSES = {429, 500, 502, 503, 504}


def _category(status: int, text: str) -> str:
    lowered = text.lower()
    if status in (401, 403):
        return ErrorCategory.BAD_CREDENTIALS
    if status == 402 or "payment" in lowered or "insufficient" in lowered or "balance" in lowered:
        return ErrorCategory.OUT_OF_FUNDS
    if status == 429:
        return ErrorCategory.CONCURRENCY_EXHAUSTED if "concurren" in lowered else ErrorCategory.RATE_LIMITED
    if status >= 500:
        return ErrorCategory.PROVIDER_DOWN
    if "number" in lowered and any(word in lowered for word in ("invalid", "not valid", "not a valid")):
        return ErrorCategory.INVALID_NUMBER
    return ErrorCategory.INVALID_REQUEST


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "error_message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:300]
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"][:300]
    return str(body)[:300]


def _never_sent(exc: Exception) -> bool:
    """The connection was never made (refused, unresolvable, connect timeout): the request did not leave."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ReadTimeout):
        return False
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | NameResolutionError)


class JsonHttp:
    """JSON answers; requests as JSON, or as a form (``data=``, e.g. Twilio's API)."""

    def __init__(self, base_url: str, headers: dict[str, str], session: requests.Session | None = None, auth=None):
        self.base_url = base_url.rstrip("/")
        self.headers = {"Content-Type": "application/json", "Accept": "application/json", **headers}
        self.session = session or requests.Session()
        self.auth = auth

    def request(self, method: str, path: str, json=None, *, data=None, retries: int = RETRIES) -> dict:
        url = f"{self.base_url}{path}"
        headers = self.headers if data is None else {k: v for k, v in self.headers.items() if k != "Content-Type"}
        for attempt in range(retries + 1):
            try:
                response = self.session.request(
                    method,
                    url,
                    json=json,
                    data=data,
                    headers=headers,
                    auth=self.auth,
                    timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if not _never_sent(exc):
                    raise ProviderError(ErrorCategory.UNCERTAIN) from exc
                # Refused or unreachable: nothing was sent, so trying again cannot call anyone twice.
                if attempt < retries:
                    time.sleep(BACKOFF_SECONDS * 2**attempt)
                    continue
                raise ProviderError(ErrorCategory.PROVIDER_DOWN, f"Cannot reach {self.base_url}.") from exc
            if response.status_code in RETRY_STATUSES and attempt < retries:
                retry_after = response.headers.get("Retry-After", "")
                delay = (
                    float(retry_after) if retry_after.replace(".", "", 1).isdigit() else BACKOFF_SECONDS * 2**attempt
                )
                time.sleep(min(delay, 10))
                continue
            if response.status_code >= 400:
                message = _message(response)
                raise ProviderError(_category(response.status_code, message), message, status=response.status_code)
            if not response.content:
                return {}
            try:
                return response.json()
            except ValueError as exc:
                raise ProviderError(
                    ErrorCategory.PROVIDER_DOWN,
                    "The provider answered something that is not JSON.",
                    status=response.status_code,
                ) from exc
        raise ProviderError(ErrorCategory.PROVIDER_DOWN)  # unreachable: the loop returns or raises
