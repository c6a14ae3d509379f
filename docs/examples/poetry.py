# -*- test-case-name: examples.test_poetry_example -*-
"""
A poetry server and client: the code under test of the documentation's page
on connections.

They are those of Dave Peticolas's introduction to Twisted (part 15,
"Tested Poetry"), with types and Twisted's naming style: the server sends
its poem to each client and closes the connection; the client collects what
it receives until then.
"""

from __future__ import annotations

from typing import cast

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTCP
from twisted.internet.protocol import ClientFactory, Protocol, ServerFactory
from twisted.python.failure import Failure


class PoetryServeProtocol(Protocol):
    """
    Sends its factory's poem, then closes the connection.
    """

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(cast(PoetryServerFactory, self.factory).poem)
        self.transport.loseConnection()


class PoetryServerFactory(ServerFactory):
    """
    Serves one poem.

    :ivar poem: The poem.
    """

    protocol = PoetryServeProtocol

    def __init__(self, poem: bytes) -> None:
        self.poem = poem


class PoetryClientProtocol(Protocol):
    """
    Collects a poem until the server closes the connection.

    :ivar poem: What it has received so far.
    """

    def __init__(self) -> None:
        self.poem = b""

    def dataReceived(self, data: bytes) -> None:
        self.poem += data

    def connectionLost(self, reason: Failure | None = None) -> None:
        cast(PoetryClientFactory, self.factory).poemFinished(self.poem)


class PoetryClientFactory(ClientFactory):
    """
    Gets one poem.

    :ivar deferred: Fires with the poem, or fails if the client could not
        connect.
    """

    protocol = PoetryClientProtocol

    def __init__(self) -> None:
        self.deferred: Deferred[bytes] = Deferred()
        self._done = False

    def poemFinished(self, poem: bytes) -> None:
        """
        Fire :attr:`deferred` with ``poem``, unless it has fired.
        """
        if not self._done:
            self._done = True
            self.deferred.callback(poem)

    def clientConnectionFailed(self, connector: object, reason: Failure) -> None:
        if not self._done:
            self._done = True
            self.deferred.errback(reason)


def getPoetry(reactor: IReactorTCP, host: str, port: int) -> Deferred[bytes]:
    """
    Get a poem from the poetry server at ``host`` and ``port``.

    :param reactor: The reactor to connect with.
    :param host: The server's address.
    :param port: The server's port.
    :returns: A Deferred that fires with the poem, or fails with the reason
        the client could not connect.
    """
    factory = PoetryClientFactory()
    reactor.connectTCP(host, port, factory)
    return factory.deferred
