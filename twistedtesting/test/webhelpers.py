# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
A small web site, a raw request, and an L{Agent} that connects through
L{twistedtesting.TestCase.connectedPair}, for the tests of real HTTP
through pairs and proxies.
"""

from __future__ import annotations

from typing import Any, cast

import attrs
from twisted.internet import reactor as _reactor
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import (
    IProtocol,
    IProtocolFactory,
    IStreamClientEndpoint,
)
from twisted.web.client import Agent, HTTPConnectionPool
from twisted.web.resource import Resource
from twisted.web.server import Request, Site
from zope.interface import implementer

from twistedtesting import ConnectedPair


class Greeting(Resource):
    """
    A small web resource: C{GET} gives a greeting, C{POST} gives back the
    request's body; a test helper.
    """

    isLeaf = True

    def render_GET(self, request: Request) -> bytes:
        request.setHeader(b"content-type", b"text/plain")
        path: bytes = request.path
        return b"hello, " + path

    def render_POST(self, request: Request) -> bytes:
        assert request.content is not None
        body: bytes = request.content.read()
        return b"got " + body


def greetingSite() -> Site:
    """
    :returns: A L{Site} serving L{Greeting} everywhere.
    """
    return Site(Greeting())


def rawRequest(path: bytes) -> bytes:
    """
    :returns: An HTTP/1.1 GET request for C{path}, asking the server to
        close the connection after the response.
    """
    return b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


@implementer(IStreamClientEndpoint)
@attrs.define
class PairEndpoint:
    """
    A client endpoint that connects each factory it is given to a server
    factory with L{TestCase.connectedPair}, so that a client such as
    L{twisted.web.client.Agent} connects through a pair; a test helper.

    :ivar pairs: The pairs it made.
    """

    test: Any
    serverFactory: IProtocolFactory
    options: dict[str, Any] = attrs.Factory(dict)
    pairs: list[ConnectedPair[Any, Any]] = attrs.Factory(list)

    def connect(self, protocolFactory: IProtocolFactory) -> Deferred[IProtocol]:
        """
        Connect C{protocolFactory}'s protocol to the server's.
        """
        connecting: Deferred[ConnectedPair[Any, Any]] = self.test.connectedPair(
            self.serverFactory, protocolFactory, **self.options
        )

        def connected(pair: ConnectedPair[Any, Any]) -> IProtocol:
            self.pairs.append(pair)
            return cast(IProtocol, pair.clientProtocol)

        return connecting.addCallback(connected)

    def endpointForURI(self, uri: object) -> PairEndpoint:
        """
        Be the endpoint of every URI, as L{Agent.usingEndpointFactory}
        asks.
        """
        return self


def pairAgent(endpoint: PairEndpoint) -> Agent:
    """
    :returns: An L{Agent} that connects through C{endpoint} and closes each
        connection after its response.
    """
    pool = HTTPConnectionPool(_reactor, persistent=False)
    agent: Agent = Agent.usingEndpointFactory(_reactor, endpoint, pool=pool)
    return agent


class Page(Resource):
    """
    A web page with fixed content; a test helper.
    """

    isLeaf = True

    def __init__(self, content: bytes) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._content = content

    def render_GET(self, request: Request) -> bytes:
        return self._content
