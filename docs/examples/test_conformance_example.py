# -*- test-case-name: examples.test_conformance_example -*-
"""
Checking a pair of in-memory transports against twistedtesting's
conformance suite, the way a project checks its own fake.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from twisted.internet.protocol import Protocol

from twistedtesting import (
    Clock,
    RandomChunks,
    SynchronousTestCase,
    TransportPairTestsMixin,
    connectChunked,
)


def connectSlowly(
    server: Protocol, client: Protocol, clock: Clock, rng: random.Random
) -> None:
    """
    The project's own way of connecting two protocols in its tests: over
    a slow, lossless link that cuts what it carries into small pieces drawn
    from ``rng``.
    """
    connectChunked(
        server,
        client,
        RandomChunks(1, 64, rng),
        clock=clock,
        latency=0.2,
        bandwidth=50_000,
    )


class SlowLinkConformanceTests(TransportPairTestsMixin, SynchronousTestCase):
    """
    ``connectSlowly`` behaves as a TCP connection does.
    """

    def connectPair(self, server: Protocol, client: Protocol) -> Callable[[], object]:
        clock = Clock()
        connectSlowly(server, client, clock, self.random)

        def pump() -> None:
            while clock.getDelayedCalls():
                clock.advance(1)

        return pump
