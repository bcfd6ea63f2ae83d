"""Where a webhook may be sent, and the connection that goes exactly there (SSRF protection).

A subscription's URL is checked when it is saved and again before every attempt: http or
https, a host, no user name or password in it. The host is resolved and *every* address it
resolves to must be public: private, loopback, link-local, multicast, reserved, unspecified and
shared (carrier-grade NAT) addresses are refused, including IPv4 addresses wrapped in IPv6
(`::ffff:10.0.0.1`, 6to4, Teredo) — unless WEBHOOK_ALLOW_PRIVATE is on (development, tests, a
receiver on the same private network). The request then connects to the address that was
checked, never to a fresh look-up of the name, so a DNS answer that changes between check and
connect (DNS rebinding) cannot redirect it; TLS still verifies the certificate for the host
name. Redirects are never followed (an answer is an answer), and every socket operation has a
short timeout with an overall deadline on top.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _

from liaison.integration.models import URL_MAX

EXCERPT = 500  # bytes of the receiver's answer kept in the delivery log
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL may not be called: `message` says why (translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL: the Host header and the TLS server name
    port: int
    path: str  # path and query
    address: str  # the checked IP address the connection goes to


def check_shape(url: str) -> str:
    """The URL without surrounding spaces, if it is one we could call; TargetRefused if not."""
    url = (url or "").strip()
    if not url:
        raise TargetRefused(_("Give the address that should receive the webhooks."))
    if len(url) > URL_MAX:
        raise TargetRefused(_("Use at most %(n)d characters.", n=URL_MAX))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise TargetRefused(_("This is not a valid web address.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("Give a web address starting with http:// or https://."))
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(_("Leave the user name and password out of the address; the "
                              "signature tells the receiver the message is ours."))
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise TargetRefused(_("This is not a valid web address."))
    return url


def _embedded(ip: Address) -> list[Address]:
    """The address and any IPv4 address it carries (mapped, 6to4, Teredo)."""
    found: list[Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in (ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None):
            if inner is not None:
                found.append(inner)
    return found


def is_public(ip: Address) -> bool:
    """A global unicast address, and nothing inside it that is not."""
    for each in _embedded(ip):
        if (not each.is_global or each.is_private or each.is_loopback or each.is_link_local
                or each.is_multicast or each.is_reserved or each.is_unspecified):
            return False
    return True


def resolve(url: str, *, allow_private: bool) -> Target:
    """Check the URL and resolve its host; every address must be public unless
    `allow_private`. The Target names the address to connect to."""
    url = check_shape(url)
    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise TargetRefused(_("The host %(host)s could not be found. Check the address.",
                              host=host)) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise TargetRefused(_("The host %(host)s could not be found. Check the address.",
                              host=host))
    if not allow_private:
        refused = [str(a) for a in addresses if not is_public(a)]
        if refused and refused[0] == host.strip("[]"):
            raise TargetRefused(_("%(address)s is a private or local address. Webhooks go only "
                                  "to addresses on the public internet.", address=refused[0]))
        if refused:
            raise TargetRefused(_(
                "%(host)s leads to a private or local address (%(address)s). Webhooks go only "
                "to addresses on the public internet.", host=host, address=refused[0]))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, str(addresses[0]))


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout,
                         context=ssl.create_default_context())
        self.address = target.address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Answer:
    status: int
    excerpt: str


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST `body` to the checked address; the receiver's status and the start of its answer.
    OSError (including timeouts) and http.client.HTTPException reach the caller."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, timeout)
    # The per-operation timeout alone would let a receiver that trickles bytes hold us far
    # longer; the deadline shuts the socket down under it.
    deadline = threading.Timer(timeout * 2, _shut, args=(connection,))
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT)
        return Answer(response.status, excerpt.decode("utf-8", "replace"))
    finally:
        deadline.cancel()
        connection.close()


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
