"""Where the product may send requests when a tenant can influence the address (a provider account's
``base_url``; later, webhook endpoints): docs/operations.md#outbound-requests.

- The platform may allow hosts outright (``OUTBOUND_ALLOWED_HOSTS``: a local test server, a proxy of its own).
- Any other address must be ``https``, and every address its host resolves to must be public: no private,
  loopback, link-local, shared, reserved or multicast address (cloud metadata at 169.254.169.254 included).
  The check runs before each request, and again on the connection itself (``PublicOnlyAdapter``): the
  address a socket actually reached must be public, so a name that resolves elsewhere between the check
  and the connection (DNS rebinding) reaches nothing.
- Redirects are never followed (the caller sends with ``allow_redirects=False``).
"""

import ipaddress
import socket

from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
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


class _PeerCheck:
    """A connection that closes before sending a byte unless the address it reached is public."""

    def _new_conn(self):
        sock = super()._new_conn()
        try:
            peer = sock.getpeername()[0]
        except OSError:
            peer = ""
        if not peer or not _is_public(peer):
            sock.close()
            raise UnsafeAddress(f"{self.host} is not a public address.")
        return sock


class _CheckedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """A requests adapter whose connections reach public addresses only (raises UnsafeAddress)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}


def adapter_for(url: str, **kwargs) -> HTTPAdapter:
    """The adapter requests to ``url`` go through: a plain one for hosts the platform allows, else one that
    checks every connection's address."""
    return HTTPAdapter(**kwargs) if allowed_by_platform(url) else PublicOnlyAdapter(**kwargs)
