"""HTTP for the provider clients: timeouts, retries with backoff on 429 and 5xx only, errors by category.

Retries are urllib3's ``Retry`` on the session's adapter. What is retried, for every method (a
create-call POST included):

- a connection that was never made (refused, unresolvable, connect timeout): nothing left, so
  trying again cannot call anyone twice;
- an answer of 429, 500, 502, 503 or 504: the provider says it did not take the request. The wait
  is the answer's ``Retry-After`` (capped at 10 s), else ``BACKOFF_SECONDS`` doubled each time.

A request that failed *after* it was sent (read timeout, connection dropped) is never retried: the
provider may have placed the call, and a retry could ring the person twice. Such a call is left to
its webhooks (or the stale-call sweeper).

The provider facts this relies on: docs/providers.md#common-ground.
"""

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, NameResolutionError, NewConnectionError
from urllib3.util import Retry

from core import outbound

from .base import ErrorCategory, ProviderError

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10
RETRIES = 3
BACKOFF_SECONDS = 0.5
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_WAIT_SECONDS = 10


class _ProviderRetry(Retry):
    """urllib3's ``Retry`` with the three things it cannot be told through its arguments.

    - Its backoff skips the wait before the first retry; a rate-limited provider should get one, so the
      wait is ``BACKOFF_SECONDS * 2**n`` before retry n (0.5 s, 1 s, 2 s), as before.
    - It would also retry a 413 that carries ``Retry-After``; only ``RETRY_STATUSES`` are retried.
    - An unparsable ``Retry-After`` (``1.5``, ``soon``) would raise; a decimal is honoured, anything
      else falls back to the backoff.
    """

    RETRY_AFTER_STATUS_CODES = frozenset(RETRY_STATUSES)

    def get_backoff_time(self) -> float:
        return min(self.backoff_max, self.backoff_factor * 2 ** max(0, len(self.history) - 1))

    def get_retry_after(self, response) -> float | None:
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            try:
                seconds = float(response.headers.get("Retry-After", ""))
            except ValueError:
                return None
            return min(max(seconds, 0.0), self.retry_after_max) if seconds == seconds else None  # NaN: no


def retry_policy(retries: int) -> Retry:
    return _ProviderRetry(
        total=retries,
        read=False,  # sent, then lost: never again (see the module docstring)
        other=0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # every method: the statuses above mean "not taken", the connects "not sent"
        backoff_factor=BACKOFF_SECONDS,
        backoff_max=MAX_WAIT_SECONDS,
        respect_retry_after_header=True,
        retry_after_max=MAX_WAIT_SECONDS,
        raise_on_status=False,  # the last answer comes back, and is read as an error below
    )


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
    """The provider's own error message (a JSON field it documents); never the raw body, which staff would
    read and which could come from anything listening at the address."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "error_message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:300]
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"][:300]
    return f"The provider answered {response.status_code}."


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
        self._adapters: dict[int, HTTPAdapter] = {}

    def request(self, method: str, path: str, json=None, *, data=None, retries: int = RETRIES) -> dict:
        url = f"{self.base_url}{path}"
        try:
            outbound.check(url)
        except outbound.UnsafeAddress as exc:
            raise ProviderError(ErrorCategory.INVALID_REQUEST, f"Refused to send: {exc}") from exc
        headers = self.headers if data is None else {k: v for k, v in self.headers.items() if k != "Content-Type"}
        self.session.mount(f"{self.base_url}/", self._adapter(retries))
        try:
            response = self.session.request(
                method,
                url,
                json=json,
                data=data,
                headers=headers,
                auth=self.auth,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                allow_redirects=False,
            )
        except outbound.UnsafeAddress as exc:  # the connection reached an address the check did not see
            raise ProviderError(ErrorCategory.INVALID_REQUEST, f"Refused to send: {exc}") from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            if not _never_sent(exc):
                raise ProviderError(ErrorCategory.UNCERTAIN) from exc
            # Refused or unreachable, after the retries: nothing was sent.
            raise ProviderError(ErrorCategory.PROVIDER_DOWN, f"Cannot reach {self.base_url}.") from exc
        if response.is_redirect:
            message = f"The provider redirected the request ({response.status_code}); redirects are not followed."
            raise ProviderError(ErrorCategory.INVALID_REQUEST, message, status=response.status_code)
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

    def _adapter(self, retries: int) -> HTTPAdapter:
        """The adapter for this many retries (a connection check asks for none); it keeps its connections."""
        adapter = self._adapters.get(retries)
        if adapter is None:
            adapter = self._adapters[retries] = outbound.adapter_for(self.base_url, max_retries=retry_policy(retries))
        return adapter
