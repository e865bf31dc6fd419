"""Which addresses the fetcher may connect to: public ones, plus an explicit allow-list.

A feed is untrusted input: its links (and the redirects its server sends) could point at
`http://169.254.169.254/` (cloud metadata), `http://localhost:6379/` or a host on the office
network. So by default the fetcher refuses URLs that are not http(s) and any address that is
loopback, private, link-local, multicast, reserved, unspecified or otherwise not globally
routable. The check runs twice:

* before each request and each redirect hop, on the URL (`check_url`): the scheme, and a host
  written as an IP literal, so the reason is clear without a DNS lookup;
* when a TCP connection is opened (`GuardedBackend`, an httpcore network backend): the host
  name is resolved once, every address is checked, and the connection goes to a checked
  address. A name that resolves to a public address for the check and a private one for the
  connection (DNS rebinding) therefore cannot get through.

`allow_hosts` (Settings) lists host names, IP addresses or CIDR networks that may be fetched
anyway: tests and the offline demo use it for 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedURL(Exception):
    """A URL or address the fetcher must not touch. `reason` is a quarantine reason code.

    Deliberately not an OSError: httpcore maps OSErrors to ConnectError, which would turn a
    refusal into an ordinary (transient) connection problem.
    """

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class AddressPolicy:
    """Public addresses pass; others only when a host name, address or network is allowed."""

    def __init__(self, allow: Iterable[str] = ()):
        self.allowed_names: set[str] = set()
        self.allowed_networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allow:
            entry = entry.strip().lower().strip("[]")
            if not entry:
                continue
            try:
                self.allowed_networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.allowed_names.add(entry.rstrip("."))

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".").strip("[]") in self.allowed_names

    def address_allowed(self, addr: IPAddress) -> bool:
        """True for a globally routable unicast address or one in an allowed network."""
        if any(addr in net for net in self.allowed_networks if net.version == addr.version):
            return True
        return is_public(addr)

    def check_url(self, url: str) -> None:
        """Raise BlockedURL for a non-http(s) URL or a host that is a non-public IP literal."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
            parts.port  # noqa: B018 - ValueError on a bad port
        except ValueError as exc:
            raise BlockedURL("bad_url", f"cannot parse {url!r}: {exc}") from None
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            raise BlockedURL("blocked_scheme", f"only http and https are fetched, not {parts.scheme!r}:")
        if not host:
            raise BlockedURL("bad_url", f"no host in {url!r}")
        if self.host_allowed(host):
            return
        addr = parse_ip(host)
        if addr is not None and not self.address_allowed(addr):
            raise BlockedURL("blocked_address", f"{host} is a {describe(addr)} address")
        name = host.lower().rstrip(".")
        if addr is None and (name in ("localhost", "localhost.localdomain")
                             or name.endswith(".localhost")):
            raise BlockedURL("blocked_address", f"{host} is a loopback name")

    def resolve(self, host: str, port: int) -> list[str]:
        """Addresses of `host` that may be connected to; BlockedURL when none may."""
        literal = parse_ip(host)
        if literal is not None:
            if self.host_allowed(host) or self.address_allowed(literal):
                return [str(literal)]
            raise BlockedURL("blocked_address", f"{host} is a {describe(literal)} address")
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise BlockedURL("dns_error", f"cannot resolve {host}: {exc}") from None
        addresses: list[str] = []
        for *_, sockaddr in infos:
            ip = str(sockaddr[0]).split("%", 1)[0]
            if ip not in addresses:
                addresses.append(ip)
        if self.host_allowed(host):
            return addresses
        allowed = [a for a in addresses if self.address_allowed(ipaddress.ip_address(a))]
        if len(allowed) < len(addresses):
            # One bad address is enough to refuse: a name that also points inside is suspect.
            bad = next(a for a in addresses if a not in allowed)
            raise BlockedURL("blocked_address",
                             f"{host} resolves to {bad}, a {describe(ipaddress.ip_address(bad))} "
                             "address (set NEWSETL_ALLOW_HOSTS to allow it)")
        return allowed


def parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _unwrap(addr: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address."""
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return addr.ipv4_mapped
        if addr in _NAT64:
            return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return addr


def is_public(addr: IPAddress) -> bool:
    addr = _unwrap(addr)
    return addr.is_global and not (addr.is_multicast or addr.is_reserved or addr.is_unspecified)


def describe(addr: IPAddress) -> str:
    addr = _unwrap(addr)
    for attr in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(addr, f"is_{attr}"):
            return attr.replace("_", "-")
    return "non-public"


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads and writes never outlast the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, backend: GuardedBackend):
        self._inner = inner
        self._backend = backend

    def _timeout(self, timeout: float | None) -> float | None:
        deadline = getattr(self._backend.local, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the request's total time limit was reached")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout))
        return _DeadlineStream(inner, self._backend)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the policy allows.

    Also enforces a per-thread deadline (`local.deadline`, a time.monotonic() value set by the
    fetcher) on every socket operation, so a server that drips bytes cannot outlast the total
    timeout, whether in the headers, the TLS handshake or the body.
    """

    def __init__(self, policy: AddressPolicy):
        self.policy = policy
        self.local = threading.local()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options=None) -> httpcore.NetworkStream:
        addresses = self.policy.resolve(host, port)
        deadline = getattr(self.local, "deadline", None)
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise httpcore.ConnectTimeout("the request's total time limit was reached")
            timeout = left if timeout is None else min(timeout, left)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return _DeadlineStream(stream, self)
        assert last is not None
        raise last

    def connect_unix_socket(self, *args, **kwargs):  # pragma: no cover - never configured
        raise BlockedURL("blocked_address", "unix sockets are not used by the fetcher")
