"""Where the product may send requests when a tenant can influence the address (a provider account's
``base_url``; later, webhook endpoints): docs/operations.md#outbound-requests.

- The platform may allow hosts outright (``OUTBOUND_ALLOWED_HOSTS``: a local test server, a proxy of its own).
- Any other address must be ``https``, and every address its host resolves to must be public: no private,
  loopback, link-local, shared, reserved or multicast address (cloud metadata at 169.254.169.254 included).
  The check runs again just before each request, so a name that later resolves elsewhere is caught then.
- Redirects are never followed (the caller sends with ``allow_redirects=False``).
"""

import ipaddress
import socket

from django.conf import settings
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url


class UnsafeAddress(ValueError):
    """The product will not send a request there; the message says why, without anything it found there."""


def _host_port(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port as the HTTP client will read them (urllib3's parser: another parser can read
    another host out of ``http://169.254.169.254\\@allowed.example``). Credentials and backslashes are refused."""
    if "\\" in url or any(ord(ch) < 33 for ch in url):
        raise UnsafeAddress("The address holds characters an address may not.")
    try:
        parts = parse_url(url)
    except LocationParseError as exc:
        raise UnsafeAddress("The address is not a URL.") from exc
    if parts.auth:
        raise UnsafeAddress("The address may not carry a user or password.")
    return (parts.scheme or "").lower(), (parts.host or "").strip("[]").lower(), parts.port


def allowed_by_platform(url: str) -> bool:
    try:
        scheme, host, port = _host_port(url)
    except UnsafeAddress:
        return False
    if scheme not in ("http", "https") or not host:
        return False
    allowed = {entry.lower() for entry in settings.OUTBOUND_ALLOWED_HOSTS}
    return host in allowed or (port is not None and f"{host}:{port}" in allowed)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check(url: str) -> None:
    """Raise UnsafeAddress unless a request may be sent to ``url``."""
    if allowed_by_platform(url):
        return
    scheme, host, port = _host_port(url)
    if scheme != "https" or not host:
        raise UnsafeAddress("Only https addresses are allowed.")
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeAddress(f"{host} does not resolve.") from exc
    if not infos or not all(_is_public(info[4][0]) for info in infos):
        raise UnsafeAddress(f"{host} is not a public address.")
