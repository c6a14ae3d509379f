# -*- test-case-name: examples.tutorial -*-
"""
Helpers shared by the tutorial's tests; they exist only for tests.
"""

from __future__ import annotations

import unittest
from io import StringIO
from typing import cast

import attrs
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.internet.protocol import Factory, Protocol, connectionDone
from twisted.python.failure import Failure
from twisted.trial.reporter import Reporter

from examples.tutorial.server import (
    IDLE_TIMEOUT,
    Handler,
    HTTPServer,
    Request,
    Response,
    route,
)
from twistedtesting import ChunkedTransport, ChunkingPolicy, Clock, ScriptedChunks

HELLO = b"GET /hello HTTP/1.0\r\nHost: example.com\r\n\r\n"
"""
A request for ``/hello``.
"""

HELLO_RESPONSE = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: text/plain\r\n"
    b"Content-Length: 14\r\n"
    b"Connection: close\r\n"
    b"\r\n"
    b"Hello, world!\n"
)
"""
The server's answer to :data:`HELLO`.
"""

ECHO = b"POST /echo HTTP/1.0\r\nContent-Length: 13\r\n\r\nHello, again!"
"""
A request with a body, which ``/echo`` sends back.
"""

ECHO_RESPONSE = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Length: 13\r\n"
    b"Connection: close\r\n"
    b"\r\n"
    b"Hello, again!"
)
"""
The server's answer to :data:`ECHO`.
"""


def errorResponse(status: int, reason: str) -> bytes:
    """
    :returns: What the server sends with an error ``status``: the status
        line, the usual headers and no body.
    """
    return (
        f"HTTP/1.0 {status} {reason}\r\n"
        "Content-Type: text/plain\r\n"
        "Content-Length: 0\r\n"
        "Connection: close\r\n"
        "\r\n"
    ).encode("ascii")


def serve(
    request: bytes,
    chunking: ChunkingPolicy | None = None,
    handler: Handler = route,
    clock: IReactorTime | None = None,
) -> ChunkedTransport:
    """
    Connect a new :class:`HTTPServer` to a transport and send it
    ``request``.

    :param request: What the client sends.
    :param chunking: How the network cuts it; by default it arrives whole,
        in one chunk.
    :param handler: The application.
    :param clock: The server's clock; by default a new one that nothing
        advances.
    :returns: The transport, which holds what the server wrote.
    """
    if chunking is None:
        chunking = ScriptedChunks([len(request)])
    server = HTTPServer(handler, Clock() if clock is None else clock, IDLE_TIMEOUT)
    transport = ChunkedTransport(server, chunking)
    transport.peer.feed(request)
    return transport


@attrs.define
class RecordingHandler:
    """
    An application that records the requests it is given and answers each
    with ``200 OK`` and no body.

    :ivar requests: The requests, in order.
    """

    requests: list[Request] = attrs.Factory(list)

    def __call__(self, request: Request) -> Response:
        """
        Record ``request`` and answer it.
        """
        self.requests.append(request)
        return Response(200, "OK")


def runQuietly(*tests: unittest.TestCase) -> tuple[Reporter, str]:
    """
    Run ``tests`` with trial's plain reporter, as ``trial`` would, and
    return the reporter and everything it printed: the report of each
    failure, with its traceback and its seed.
    """
    stream = StringIO()
    result = Reporter(stream=stream)
    unittest.TestSuite(tests).run(result)
    result.done()
    return result, stream.getvalue()


def failuresOf(result: Reporter) -> list[Failure]:
    """
    :returns: The failures that ``result`` recorded, in order.  (trial
        records each as a :class:`~twisted.python.failure.Failure`, where the
        standard library's types say ``str``.)
    """
    failures: list[object] = [failure for _, failure in result.failures]
    assert all(isinstance(failure, Failure) for failure in failures)
    return cast("list[Failure]", failures)


class ResponseCollector(Protocol):
    """
    A client that sends a request as soon as it is connected, and collects
    the response until the server closes the connection.  It exists only
    for tests.

    :ivar request: What it sends.
    :ivar response: What it has received so far.
    :ivar finished: Fires with the whole response once the connection is
        lost.
    """

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.response = b""
        self.finished: Deferred[bytes] = Deferred()

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(self.request)

    def dataReceived(self, data: bytes) -> None:
        self.response += data

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.finished.callback(self.response)


def requesting(request: bytes) -> Factory[ResponseCollector]:
    """
    :returns: A factory of :class:`ResponseCollector` clients that send
        ``request``.
    """
    return Factory.forProtocol(lambda: ResponseCollector(request))
