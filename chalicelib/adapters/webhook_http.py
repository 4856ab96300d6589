"""POSTs a webhook delivery: a hard time limit, no redirects followed, private addresses refused.

http.client never follows redirects. The host is resolved once, checked, and that very address is
connected to (TLS still checks the certificate against the host name), so a name that resolves to a
public address when checked cannot point at an internal one when connected.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from chalicelib.config import Settings

USER_AGENT = "ServiceCRM-Webhooks/1"
READ_BYTES = 2048  # of the answer, for the delivery log


@dataclass(frozen=True)
class HttpResult:
    status_code: int | None
    body: str = ""
    error: str = ""
    duration_ms: int = 0


class HttpPoster:
    def __init__(self, *, timeout: float = 10.0, allow_private: bool = False) -> None:
        self.timeout = timeout
        self.allow_private = allow_private

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
        started = time.monotonic()
        try:
            status, text = self._post(url, body, headers)
        except Exception as error:  # any failure of the receiver's side is an attempt's outcome
            late = time.monotonic() - started >= self.timeout
            reason = f"timed out after {self.timeout:g} s" if late else _describe(error)
            return HttpResult(None, "", reason, _since(started))
        return HttpResult(status, text, "", _since(started))

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._address(host, port)
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            context = ssl.create_default_context()
            connection = http.client.HTTPSConnection(host, port, timeout=self.timeout, context=context)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        connection._create_connection = _connect_to(address)  # type: ignore[attr-defined]
        # The socket timeout bounds each read; this bounds the whole exchange.
        watchdog = threading.Timer(self.timeout, _abort, (connection,))
        watchdog.daemon = True
        watchdog.start()
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", path, body=body, headers={"User-Agent": USER_AGENT, **headers})
            response = connection.getresponse()
            text = response.read(READ_BYTES).decode("utf-8", "replace")
            return response.status, text
        finally:
            watchdog.cancel()
            connection.close()

    def _address(self, host: str, port: int) -> str:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise OSError(f"{host} has no address")
        if not self.allow_private:
            for address in addresses:
                if not ipaddress.ip_address(address.split("%")[0]).is_global:
                    raise PermissionError(f"{host} resolves to a private address ({address}): not sent")
        return addresses[0]


def _connect_to(address: str) -> Any:
    def create(target: tuple[str, int], timeout: float, source: Any = None) -> socket.socket:
        return socket.create_connection((address, target[1]), timeout, source)

    return create


def _abort(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, PermissionError):
        return str(error)
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or error}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "host name not found"
    if isinstance(error, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError):
        return "the connection was closed without an answer"
    return f"{type(error).__name__}: {error}"[:300]


def poster_for(settings: Settings) -> HttpPoster:
    """Loopback and private receivers only where plain http is allowed (the local stage)."""
    return HttpPoster(timeout=10.0, allow_private=settings.webhooks_allow_http)
