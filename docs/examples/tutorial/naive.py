# -*- test-case-name: examples.tutorial.test_chunks -*-
"""
A naive HTTP server, for the tutorial's step on chunked delivery: it assumes
that each ``dataReceived`` call brings a whole request.  Tests that deliver
whole requests, as ``StringTransport`` tests do, pass; a network does not
deliver whole requests.

:class:`NaiveServerTests` runs the tutorial's random-chunk test on it, and
fails.  Its module's name does not start with ``test_``, so ``trial
examples`` does not run it; run it by its name to see the report of a
failure, with its seed::

    cd docs && python -m twisted.trial examples.tutorial.naive
"""

from __future__ import annotations

from twisted.internet.protocol import Protocol

from examples.tutorial import test_chunks
from examples.tutorial.server import Handler, Request, Response, route
from twistedtesting import Clock


class NaiveHTTPServer(Protocol):
    """
    Serves a request that arrives in one chunk; answers any other
    ``400 Bad Request``.

    :param handler: Answers the request.
    """

    def __init__(self, handler: Handler) -> None:
        self.handler = handler

    def dataReceived(self, data: bytes) -> None:
        # The bug: a request may arrive in any number of chunks, but this
        # reads the first as if it were the whole request.
        head, _, body = data.partition(b"\r\n\r\n")
        requestLine, *headerLines = head.decode("latin-1").split("\r\n")
        parts = requestLine.split(" ")
        if len(parts) == 3:
            headers = {}
            for line in headerLines:
                name, _, value = line.partition(":")
                headers[name.lower()] = value.strip()
            response = self.handler(Request(parts[0], parts[1], headers, body))
        else:
            response = Response(400, "Bad Request")
        assert self.transport is not None
        self.transport.write(response.toBytes())
        self.transport.loseConnection()


class NaiveServerTests(test_chunks.RandomChunkTests):
    """
    The tutorial's random-chunk test, run on :class:`NaiveHTTPServer`: it
    fails, and its report gives the seed that reproduces the chunks.
    """

    def makeServer(self, clock: Clock) -> NaiveHTTPServer:
        return NaiveHTTPServer(route)
