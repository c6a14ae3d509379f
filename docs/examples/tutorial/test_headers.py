# -*- test-case-name: examples.tutorial.test_headers -*-
"""
Step 2 of the tutorial: the server reads headers, and a body of
``Content-Length`` bytes, and refuses what it cannot or will not read.
"""

from __future__ import annotations

from examples.tutorial.helpers import (
    ECHO,
    ECHO_RESPONSE,
    RecordingHandler,
    errorResponse,
    serve,
)
from examples.tutorial.server import MAX_BODY, MAX_HEADERS, MAX_LINE, Request
from twistedtesting import SynchronousTestCase


class HeaderTests(SynchronousTestCase):
    """
    :class:`HTTPServer` gives the application the request's headers.
    """

    def test_headers(self) -> None:
        """
        Header names are given in lower case, and values without the spaces
        around them.
        """
        handler = RecordingHandler()
        serve(
            b"GET /hello HTTP/1.0\r\nHost: example.com\r\nX-Thing:  a b \r\n\r\n",
            handler=handler,
        )
        self.assertEqual(
            handler.requests,
            [Request("GET", "/hello", {"host": "example.com", "x-thing": "a b"})],
        )

    def test_malformedHeader(self) -> None:
        """
        A header line without a colon, with an empty name, or with spaces
        between the name and the colon is answered ``400 Bad Request``, and
        the application is not called.
        """
        for header in [b"NoColon", b": empty", b"Host : example.com"]:
            handler = RecordingHandler()
            transport = serve(
                b"GET /hello HTTP/1.0\r\n" + header + b"\r\n\r\n", handler=handler
            )
            self.assertEqual(
                transport.peer.value(), errorResponse(400, "Bad Request"), header
            )
            self.assertEqual(handler.requests, [], header)

    def test_tooManyHeaders(self) -> None:
        """
        A request with more than ``MAX_HEADERS`` header lines is answered
        ``431 Request Header Fields Too Large``.
        """
        headers = b"X-A: b\r\n" * (MAX_HEADERS + 1)
        transport = serve(b"GET /hello HTTP/1.0\r\n" + headers + b"\r\n")
        self.assertEqual(
            transport.peer.value(),
            errorResponse(431, "Request Header Fields Too Large"),
        )

    def test_lineTooLong(self) -> None:
        """
        A line longer than ``MAX_LINE`` bytes is answered
        ``431 Request Header Fields Too Large``, even before it ends.
        """
        transport = serve(b"GET /hello HTTP/1.0\r\nX-Long: " + b"a" * MAX_LINE)
        self.assertEqual(
            transport.peer.value(),
            errorResponse(431, "Request Header Fields Too Large"),
        )


class BodyTests(SynchronousTestCase):
    """
    :class:`HTTPServer` reads a body of ``Content-Length`` bytes.
    """

    def test_echo(self) -> None:
        """
        The body is given to the application, which here sends it back.
        """
        self.assertEqual(serve(ECHO).peer.value(), ECHO_RESPONSE)

    def test_waitsForWholeBody(self) -> None:
        """
        Until ``Content-Length`` bytes of body have arrived, the server
        answers nothing.
        """
        transport = serve(ECHO[:-1])
        self.assertEqual(transport.peer.value(), b"")
        self.assertFalse(transport.disconnecting)

    def test_bytesAfterBodyIgnored(self) -> None:
        """
        Bytes after the body are not part of it; without keep-alive there is
        no next request for them to start, so they are ignored.
        """
        handler = RecordingHandler()
        serve(
            b"POST /echo HTTP/1.0\r\nContent-Length: 2\r\n\r\nhiGET / HTTP/1.0\r\n\r\n",
            handler=handler,
        )
        self.assertEqual(
            handler.requests,
            [Request("POST", "/echo", {"content-length": "2"}, b"hi")],
        )

    def test_noContentLength(self) -> None:
        """
        Without ``Content-Length`` the body is empty, and the request is
        answered at the blank line.
        """
        handler = RecordingHandler()
        transport = serve(b"POST /echo HTTP/1.0\r\n\r\n", handler=handler)
        self.assertEqual(handler.requests, [Request("POST", "/echo", {}, b"")])
        self.assertTrue(transport.disconnected)

    def test_badContentLength(self) -> None:
        """
        A ``Content-Length`` that is not a number of ASCII digits is answered
        ``400 Bad Request``.
        """
        for value in [b"", b"abc", b"-1", b"+1", b"1e3", b"0x10", b"\xb2"]:
            transport = serve(
                b"POST /echo HTTP/1.0\r\nContent-Length: " + value + b"\r\n\r\n"
            )
            self.assertEqual(
                transport.peer.value(), errorResponse(400, "Bad Request"), value
            )

    def test_bodyTooLarge(self) -> None:
        """
        A ``Content-Length`` over ``MAX_BODY`` is answered
        ``413 Content Too Large`` at once, before the body arrives.
        """
        transport = serve(
            b"POST /echo HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1,)
        )
        self.assertEqual(
            transport.peer.value(), errorResponse(413, "Content Too Large")
        )
