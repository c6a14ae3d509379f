# -*- test-case-name: examples.tutorial -*-
"""
A small HTTP/1.0 server, built test first in the tutorial
(``docs/tutorial.rst``).

It reads one request (a request line, headers, and a body of
``Content-Length`` bytes), answers it through a handler function, and closes
the connection: there is no keep-alive.  A connection on which nothing
arrives for ``idleTimeout`` seconds is answered ``408 Request Timeout`` and
closed.  Everything that waits takes its clock as an argument, so that the
tests can give it a :class:`twistedtesting.Clock`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
from twisted.internet.interfaces import IAddress, IDelayedCall, IReactorTime
from twisted.internet.protocol import Factory, connectionDone
from twisted.protocols.basic import LineReceiver
from twisted.protocols.policies import TimeoutMixin
from twisted.python.failure import Failure

IDLE_TIMEOUT = 30.0
"""
How many seconds a connection may stay silent before the server gives up on
it, unless told otherwise.
"""

MAX_LINE = 8192
"""
The longest request line or header line, in bytes, without its ``CRLF``.
"""

MAX_HEADERS = 100
"""
The most header lines a request may have.
"""

MAX_BODY = 1_000_000
"""
The largest ``Content-Length`` the server accepts, in bytes.
"""

VERSIONS = (b"HTTP/1.0", b"HTTP/1.1")
"""
The protocol versions the server understands.
"""

_DIGITS = re.compile(rb"[0-9]+")


@attrs.frozen
class Request:
    """
    A request as the server read it.

    :ivar method: Such as ``"GET"``.
    :ivar path: Such as ``"/hello"``.
    :ivar headers: Header names in lower case, and their values, without
        the spaces around them.
    :ivar body: The body, ``Content-Length`` bytes long.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@attrs.frozen
class Response:
    """
    A response to send.

    :ivar status: Such as ``200``.
    :ivar reason: Such as ``"OK"``.
    :ivar body: The body; ``Content-Length`` is sent for it.
    :ivar contentType: The ``Content-Type`` header.
    """

    status: int
    reason: str
    body: bytes = b""
    contentType: str = "text/plain"

    def toBytes(self) -> bytes:
        """
        :returns: The response as it goes on the wire: the status line, the
            headers (``Connection: close``, as the server closes the
            connection after every response), a blank line and the body.
        """
        head = (
            f"HTTP/1.0 {self.status} {self.reason}\r\n"
            f"Content-Type: {self.contentType}\r\n"
            f"Content-Length: {len(self.body)}\r\n"
            "Connection: close\r\n"
            "\r\n"
        )
        return head.encode("ascii") + self.body


Handler = Callable[[Request], Response]
"""
The application: a function from a request to its response.
"""


def route(request: Request) -> Response:
    """
    The tutorial's application: ``GET /hello`` greets, ``POST /echo`` sends
    the body back, any other method on those paths is not allowed, and any
    other path is not found.
    """
    if request.path == "/hello":
        if request.method != "GET":
            return Response(405, "Method Not Allowed")
        return Response(200, "OK", b"Hello, world!\n")
    if request.path == "/echo":
        if request.method != "POST":
            return Response(405, "Method Not Allowed")
        return Response(200, "OK", request.body, "application/octet-stream")
    return Response(404, "Not Found", b"No such page.\n")


class HTTPServer(LineReceiver, TimeoutMixin):
    """
    Serves one HTTP/1.0 request per connection.

    :param handler: Answers the request.
    :param clock: The clock that times the connection's idleness (the
        reactor, or a :class:`twistedtesting.Clock` in tests).
    :param idleTimeout: How many seconds without any data the server waits
        before it answers ``408 Request Timeout`` and closes the connection.
    """

    delimiter = b"\r\n"
    MAX_LENGTH = MAX_LINE

    def __init__(
        self, handler: Handler, clock: IReactorTime, idleTimeout: float = IDLE_TIMEOUT
    ) -> None:
        self.handler = handler
        self.clock = clock
        self.idleTimeout = idleTimeout
        self._requestLine: tuple[str, str] | None = None
        self._headers: dict[str, str] = {}
        self._headerCount = 0
        self._length = 0
        self._body = bytearray()
        self._answered = False

    def callLater(self, period: float, func: Callable[[], object]) -> IDelayedCall:
        """
        Schedule the idle timer of
        :class:`~twisted.protocols.policies.TimeoutMixin` on our clock rather
        than on the global reactor.
        """
        return self.clock.callLater(period, func)

    def connectionMade(self) -> None:
        self.setTimeout(self.idleTimeout)

    def dataReceived(self, data: bytes) -> None:
        # Any data, even part of a line, shows the client is still there.
        self.resetTimeout()
        super().dataReceived(data)  # type: ignore[no-untyped-call]

    def lineReceived(self, line: bytes) -> None:
        if self._answered:
            return
        if self._requestLine is None:
            self._readRequestLine(line)
        elif line:
            self._readHeader(line)
        elif self._length:
            # The body follows; LineReceiver hands what is left of this
            # chunk, and all later data, to rawDataReceived.
            self.setRawMode()
        else:
            self._respond()

    def rawDataReceived(self, data: bytes) -> None:
        if self._answered:
            return
        self._body += data
        if len(self._body) >= self._length:
            # No keep-alive: bytes after the body are ignored.
            del self._body[self._length :]
            self._respond()

    def lineLengthExceeded(self, line: bytes) -> None:
        self._fail(431, "Request Header Fields Too Large")

    def timeoutConnection(self) -> None:
        self._fail(408, "Request Timeout")

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.setTimeout(None)

    def _readRequestLine(self, line: bytes) -> None:
        parts = line.split(b" ")
        if len(parts) != 3 or not parts[0] or not parts[1].startswith(b"/"):
            self._fail(400, "Bad Request")
        elif parts[2] not in VERSIONS:
            self._fail(505, "HTTP Version Not Supported")
        else:
            self._requestLine = (parts[0].decode("latin-1"), parts[1].decode("latin-1"))

    def _readHeader(self, line: bytes) -> None:
        self._headerCount += 1
        if self._headerCount > MAX_HEADERS:
            self._fail(431, "Request Header Fields Too Large")
            return
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            self._fail(400, "Bad Request")
            return
        key = name.decode("latin-1").lower()
        self._headers[key] = value.strip().decode("latin-1")
        if key == "content-length":
            self._readLength(value.strip())

    def _readLength(self, value: bytes) -> None:
        if not _DIGITS.fullmatch(value):
            self._fail(400, "Bad Request")
        elif int(value) > MAX_BODY:
            self._fail(413, "Content Too Large")
        else:
            self._length = int(value)

    def _respond(self) -> None:
        assert self._requestLine is not None
        method, path = self._requestLine
        request = Request(method, path, dict(self._headers), bytes(self._body))
        self._send(self.handler(request))

    def _fail(self, status: int, reason: str) -> None:
        self._send(Response(status, reason))

    def _send(self, response: Response) -> None:
        self._answered = True
        self.setTimeout(None)
        assert self.transport is not None
        self.transport.write(response.toBytes())
        self.transport.loseConnection()


class HTTPFactory(Factory):
    """
    Makes an :class:`HTTPServer` for each connection.

    :param handler: Answers the requests.
    :param clock: The clock that times the connections' idleness.
    :param idleTimeout: See :class:`HTTPServer`.
    """

    def __init__(
        self, handler: Handler, clock: IReactorTime, idleTimeout: float = IDLE_TIMEOUT
    ) -> None:
        self.handler = handler
        self.clock = clock
        self.idleTimeout = idleTimeout

    def buildProtocol(self, addr: IAddress | None) -> HTTPServer:
        server = HTTPServer(self.handler, self.clock, self.idleTimeout)
        server.factory = self
        return server
