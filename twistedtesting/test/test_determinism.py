# -*- test-case-name: twistedtesting.test.test_determinism -*-
"""
Tests for L{twistedtesting.checkDeterminism}.
"""

from __future__ import annotations

import itertools

from twisted.internet.endpoints import (
    TCP4ClientEndpoint,
    TCP4ServerEndpoint,
    connectProtocol,
)
from twisted.internet.protocol import Factory, Protocol

from twistedtesting import (
    Clock,
    HostReactor,
    Network,
    NondeterminismError,
    SynchronousTestCase,
    checkDeterminism,
)


class Sender(Protocol):
    """
    Writes C{size} bytes when connected.
    """

    def __init__(self, size: int) -> None:
        self.size = size

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(b"x" * self.size)


def scenario(sizes: itertools.count[int] | None) -> object:
    """
    A scenario: a client sends bytes to a server over links with jitter.
    With C{sizes}, each run sends one byte more than the run before: a
    leak of state between runs.
    """

    def run(seed: int) -> Network:
        network = Network(Clock(), seed, latency=0.01, jitter=0.01, traceLimit=None)

        def server(reactor: HostReactor) -> None:
            TCP4ServerEndpoint(reactor, 80).listen(Factory.forProtocol(Protocol))

        network.addHost("server", server)
        client = network.addHost("client").reactor
        size = 10 if sizes is None else next(sizes)
        for _ in range(3):
            connectProtocol(TCP4ClientEndpoint(client, "server", 80), Sender(size))
        network.runUntilQuiet()
        return network

    return run


class DeterminismTests(SynchronousTestCase):
    """
    Two runs with one seed must trace the same events.
    """

    def test_deterministic(self) -> None:
        """
        A scenario that depends on its seed alone passes, and the first
        run's network is returned.
        """
        network = checkDeterminism(scenario(None), 5, runs=3)  # type: ignore[arg-type]
        self.assertEqual(len([e for e in network.trace if e.kind == "data"]), 3)

    def test_reportsFirstDifference(self) -> None:
        """
        A scenario whose runs differ is reported at the first differing
        event, with both versions of it.
        """
        run = scenario(itertools.count(10))
        error = self.assertRaises(NondeterminismError, checkDeterminism, run, 5)
        message = str(error)
        self.assertIn(
            "runs 1 and 2 of the scenario with seed 5 differ at event", message
        )
        self.assertIn("10 bytes", message)
        self.assertIn("11 bytes", message)

    def test_badArguments(self) -> None:
        """
        Fewer than two runs, or a scenario that returns no network, are
        refused.
        """
        self.assertRaises(ValueError, checkDeterminism, scenario(None), 1, runs=1)
        error = self.assertRaises(TypeError, checkDeterminism, lambda seed: None, 1)
        self.assertIn("scenario must return the Network it ran", str(error))
