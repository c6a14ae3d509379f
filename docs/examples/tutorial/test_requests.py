# -*- test-case-name: examples.tutorial.test_requests -*-
"""
Step 1 of the tutorial: the server answers a request, whole, with the
response its path calls for, and closes the connection.
"""

from __future__ import annotations

from twisted.internet.error import ConnectionDone

from examples.tutorial.helpers import HELLO, HELLO_RESPONSE, errorResponse, serve
from examples.tutorial.server import Request, Response, route
from twistedtesting import SynchronousTestCase


class RouteTests(SynchronousTestCase):
    """
    Tests for :func:`route`, the application, which knows nothing of the
    network.
    """

    def test_hello(self) -> None:
        """
        ``GET /hello`` is answered with a greeting.
        """
        self.assertEqual(
            route(Request("GET", "/hello", {})),
            Response(200, "OK", b"Hello, world!\n"),
        )

    def test_echo(self) -> None:
        """
        ``POST /echo`` is answered with the request's body.
        """
        self.assertEqual(
            route(Request("POST", "/echo", {}, b"ping")),
            Response(200, "OK", b"ping", "application/octet-stream"),
        )

    def test_wrongMethod(self) -> None:
        """
        A method that a path does not take is not allowed.
        """
        self.assertEqual(
            route(Request("POST", "/hello", {})), Response(405, "Method Not Allowed")
        )

    def test_notFound(self) -> None:
        """
        Any other path is not found.
        """
        self.assertEqual(
            route(Request("GET", "/nowhere", {})),
            Response(404, "Not Found", b"No such page.\n"),
        )


class ResponseTests(SynchronousTestCase):
    """
    Tests for :meth:`Response.toBytes`.
    """

    def test_wire(self) -> None:
        """
        A response is a status line, headers that give the body's type and
        length and say that the connection closes, a blank line and the body.
        """
        self.assertEqual(
            Response(404, "Not Found", b"No such page.\n").toBytes(),
            b"HTTP/1.0 404 Not Found\r\n"
            b"Content-Type: text/plain\r\n"
            b"Content-Length: 14\r\n"
            b"Connection: close\r\n"
            b"\r\n"
            b"No such page.\n",
        )


class RequestLineTests(SynchronousTestCase):
    """
    :class:`HTTPServer` reads a request line and the blank line after the
    headers, answers, and closes the connection.
    """

    def test_hello(self) -> None:
        """
        ``GET /hello`` is answered with the greeting and the connection is
        closed.
        """
        transport = serve(HELLO)
        self.assertEqual(transport.peer.value(), HELLO_RESPONSE)
        reason = transport.connectionLostReason
        self.assertTrue(reason is not None and reason.check(ConnectionDone))

    def test_notFound(self) -> None:
        """
        A request for a path the application does not know is answered with
        its ``404 Not Found``.
        """
        transport = serve(b"GET /nowhere HTTP/1.0\r\n\r\n")
        self.assertEqual(
            transport.peer.value(),
            Response(404, "Not Found", b"No such page.\n").toBytes(),
        )

    def test_waitsForBlankLine(self) -> None:
        """
        Until the blank line that ends the headers arrives, the server
        answers nothing and keeps the connection open.
        """
        transport = serve(b"GET /hello HTTP/1.0\r\n")
        self.assertEqual(transport.peer.value(), b"")
        self.assertFalse(transport.disconnecting)

    def test_malformedRequestLine(self) -> None:
        """
        A request line that is not a method, a path and a version, separated
        by single spaces, is answered ``400 Bad Request``.
        """
        for line in [
            b"HELLO",
            b"GET /hello",
            b"GET  /hello HTTP/1.0",
            b"GET hello HTTP/1.0",
            b"GET /hello HTTP/1.0 extra",
        ]:
            transport = serve(line + b"\r\n\r\n")
            self.assertEqual(
                transport.peer.value(), errorResponse(400, "Bad Request"), line
            )
            self.assertTrue(transport.disconnected, line)

    def test_unsupportedVersion(self) -> None:
        """
        A version other than HTTP/1.0 and HTTP/1.1 is answered
        ``505 HTTP Version Not Supported``.
        """
        transport = serve(b"GET /hello HTTP/2.0\r\n\r\n")
        self.assertEqual(
            transport.peer.value(), errorResponse(505, "HTTP Version Not Supported")
        )
