# -*- test-case-name: twistedtesting.test.test_teardown -*-
"""
Fake transports and ports for the tests of teardown and tracking, and a
way to run a test quietly.
"""

from __future__ import annotations

import unittest as pyunit
from io import StringIO
from typing import Any

import attrs
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import (
    IListeningPort,
    ITransport,
)
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.trial import reporter
from zope.interface import implementer


@implementer(ITransport)
class NoAbortTransport:
    """
    A transport that ignores C{loseConnection()} and has no
    C{abortConnection()}; a test helper.

    :ivar protocol: The protocol it holds, as a reactor's transports do.
    """

    disconnecting = False
    protocol: Any = None

    def write(self, data: bytes) -> None:
        """
        Discard C{data}.
        """

    def writeSequence(self, data: Any) -> None:
        """
        Discard C{data}.
        """

    def loseConnection(self) -> None:
        """
        Note the request, and do nothing.
        """
        self.disconnecting = True

    def getPeer(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.1", 1234)

    def getHost(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.2", 4321)

    def __repr__(self) -> str:
        return "<NoAbortTransport>"


@implementer(IListeningPort)
@attrs.define
class FakePort:
    """
    A listening port whose C{stopListening()} returns C{result}; a test
    helper.

    :ivar stops: How many times C{stopListening()} was called.
    """

    result: Any = None
    stops: int = 0

    def startListening(self) -> None:
        """
        Do nothing.
        """

    def stopListening(self) -> Any:
        """
        Count the call, and return (or raise) C{result}.
        """
        self.stops += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result

    def getHost(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.2", 4321)

    def __repr__(self) -> str:
        return "<FakePort>"


def runQuietly(*tests: pyunit.TestCase) -> tuple[reporter.Reporter, str]:
    """
    Run C{tests} with trial's plain reporter and return the reporter and
    what it printed.
    """
    stream = StringIO()
    result = reporter.Reporter(stream=stream)
    pyunit.TestSuite(tests).run(result)
    result.done()
    return result, stream.getvalue()


class HoldingTransport(StringTransport):
    """
    A L{StringTransport} that holds its protocol, as a reactor's transports
    do, and can lose the connection as they do, by calling its
    C{connectionLost}; a test helper.

    :ivar protocol: What the transport calls.
    """

    protocol: Any = None

    @classmethod
    def connect(cls, protocol: Any) -> HoldingTransport:
        """
        Connect C{protocol} to a new transport, as a reactor does.
        """
        transport = cls()
        transport.protocol = protocol
        protocol.makeConnection(transport)
        return transport

    def lose(self, reason: Exception) -> None:
        """
        Tell the protocol that the connection was lost with C{reason}.
        """
        self.protocol.connectionLost(Failure(reason))
