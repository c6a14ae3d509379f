# -*- test-case-name: examples.test_reconnecting_example -*-
"""
The recipe for testing a reconnecting client: Twisted's
:class:`~twisted.application.internet.ClientService`, with its exponential
backoff, on a :class:`twistedtesting.Clock`, against an endpoint that
refuses the first attempts.
"""

from __future__ import annotations

import random

from twisted.application.internet import ClientService, backoffPolicy
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import (
    IProtocol,
    IProtocolFactory,
    IReactorTime,
    IStreamClientEndpoint,
)
from twisted.internet.protocol import Factory, Protocol
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from zope.interface import implementer
from zope.interface.verify import verifyObject

from twistedtesting import Clock, SynchronousTestCase, advanceUntil


@implementer(IStreamClientEndpoint)
class RefusingEndpoint:
    """
    An endpoint that refuses the first ``refusals`` attempts, then connects
    the protocol to a :class:`~twisted.internet.testing.StringTransport`.

    :ivar attemptTimes: When each attempt was made, on ``clock``.
    :ivar protocols: The protocols of the connections it made.
    """

    def __init__(self, clock: IReactorTime, refusals: int) -> None:
        self.clock = clock
        self.refusals = refusals
        self.attemptTimes: list[float] = []
        self.protocols: list[IProtocol] = []

    def connect(self, protocolFactory: IProtocolFactory) -> Deferred[IProtocol]:
        self.attemptTimes.append(self.clock.seconds())
        if len(self.attemptTimes) <= self.refusals:
            return fail(ConnectionRefusedError())
        protocol = protocolFactory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 8080))
        assert protocol is not None
        protocol.makeConnection(StringTransport())
        self.protocols.append(protocol)
        return succeed(protocol)


class ReconnectingClientTests(SynchronousTestCase):
    """
    A :class:`~twisted.application.internet.ClientService` with Twisted's
    exponential backoff, tested in virtual time.
    """

    def startService(
        self, refusals: int
    ) -> tuple[Clock, RefusingEndpoint, ClientService]:
        """
        Start a service whose endpoint refuses ``refusals`` attempts, on a
        new clock, with a backoff of 2, 4, 8, ... seconds after the first,
        second, third... failed attempt, plus a jitter drawn from the global
        random module (Twisted's default), and stop it when the test ends.
        """
        clock = Clock()
        endpoint = RefusingEndpoint(clock, refusals)
        verifyObject(IStreamClientEndpoint, endpoint)
        service = ClientService(
            endpoint,
            Factory.forProtocol(Protocol),
            retryPolicy=backoffPolicy(initialDelay=1.0, factor=2.0),
            clock=clock,
        )
        service.startService()
        self.addCleanup(service.stopService)
        return clock, endpoint, service

    def test_backoff(self) -> None:
        """
        After each refused attempt the service waits twice as long as the
        time before, plus the jitter, which the test's seed decides: the
        same seed gives the same attempt times.
        """
        clock, endpoint, service = self.startService(refusals=3)
        took = advanceUntil(clock, service.whenConnected(), limit=60)
        jitter = random.Random(self.seed)
        expected = [0.0]
        for failedAttempts in (1, 2, 3):
            delay = 2.0**failedAttempts + jitter.random()
            expected.append(expected[-1] + delay)
        self.assertEqual(endpoint.attemptTimes, expected)
        self.assertEqual(took, expected[-1])

    def test_reconnectsAfterLoss(self) -> None:
        """
        When the connection is lost, the service connects again after the
        first backoff delay (2 seconds, plus the jitter), and gives the new
        protocol to ``whenConnected``.
        """
        clock, endpoint, service = self.startService(refusals=0)
        first = self.successResultOf(service.whenConnected())
        endpoint.protocols[0].connectionLost(Failure(ConnectionDone()))
        took = advanceUntil(clock, lambda: len(endpoint.protocols) == 2, limit=5)
        self.assertEqual(took, 2.0 + random.Random(self.seed).random())
        self.assertIsNot(self.successResultOf(service.whenConnected()), first)
