# -*- test-case-name: twistedtesting.test.test_conformance -*-
"""
Tests for L{twistedtesting.TransportPairTestsMixin}: every pair of transports
twistedtesting makes passes it, and fakes broken in one way each fail it,
at the check for what they break.
"""

from __future__ import annotations

import unittest as pyunit
from collections.abc import Callable

from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint
from twisted.internet.error import ConnectionAborted, ConnectionDone
from twisted.internet.interfaces import IReactorTCP
from twisted.internet.protocol import Factory, Protocol
from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase as TrialTestCase

from twistedtesting import (
    ChunkedPair,
    ChunkedTransport,
    Clock,
    FixedChunks,
    Network,
    OneByteChunks,
    RandomChunks,
    SynchronousTestCase,
    TransportPairTestsMixin,
    connectChunked,
)
from twistedtesting.test.pytestruns import runPython


def _runClock(clock: Clock) -> None:
    """
    Advance C{clock} a second at a time until nothing is scheduled on it.
    """
    for _ in range(10_000):
        if not clock.getDelayedCalls():
            return
        clock.advance(1)
    raise RuntimeError("the clock never ran out of delayed calls")


class ChunkedPairOneByteTests(TransportPairTestsMixin, SynchronousTestCase):
    """
    L{connectChunked} without a clock, one byte at a time, flushed, passes
    the conformance suite.
    """

    def connectPair(self, server: Protocol, client: Protocol) -> Callable[[], object]:
        return connectChunked(server, client, OneByteChunks()).flush


class ChunkedPairRandomTests(TransportPairTestsMixin, SynchronousTestCase):
    """
    L{connectChunked} without a clock, in seeded random chunks, flushed,
    passes the conformance suite.
    """

    def connectPair(self, server: Protocol, client: Protocol) -> Callable[[], object]:
        return connectChunked(server, client, RandomChunks(1, 700, self.random)).flush


class ChunkedPairLatencyTests(TransportPairTestsMixin, SynchronousTestCase):
    """
    L{connectChunked} on a clock, with latency, a bandwidth and random
    chunks, the clock run until nothing is scheduled, passes the
    conformance suite.
    """

    def connectPair(self, server: Protocol, client: Protocol) -> Callable[[], object]:
        clock = Clock()
        connectChunked(
            server,
            client,
            RandomChunks(1, 5000, self.random),
            clock=clock,
            latency=0.05,
            bandwidth=10_000_000,
        )
        return lambda: _runClock(clock)


class NetworkConnectionTests(TransportPairTestsMixin, SynchronousTestCase):
    """
    A TCP connection between two hosts of a L{Network}, made with Twisted's
    endpoints, passes the conformance suite.
    """

    def connectPair(self, server: Protocol, client: Protocol) -> Callable[[], object]:
        network = Network(seed=self.random, latency=0.01)
        serverHost = network.addHost("server")
        clientHost = network.addHost("client")
        serverReactor: IReactorTCP = serverHost.reactor
        clientReactor: IReactorTCP = clientHost.reactor
        TCP4ServerEndpoint(serverReactor, 80).listen(
            Factory.forProtocol(lambda: server)
        )
        connected = TCP4ClientEndpoint(clientReactor, serverHost.address, 80).connect(
            Factory.forProtocol(lambda: client)
        )
        network.advanceUntil(connected)
        network.advanceUntil(lambda: server.transport is not None)
        return network.runUntilQuiet


def _connectWith(
    transportClass: type[ChunkedTransport],
) -> Callable[[Protocol, Protocol], ChunkedPair]:
    """
    Connect a pair as L{connectChunked} does, then swap the class of both
    transports for C{transportClass}, a deliberately broken subclass.
    """

    def connect(server: Protocol, client: Protocol) -> ChunkedPair:
        pair = connectChunked(server, client, FixedChunks(7))
        pair.serverTransport.__class__ = transportClass
        pair.clientTransport.__class__ = transportClass
        return pair

    return connect


class AbortThatCloses(ChunkedTransport):
    """
    Broken: C{abortConnection} closes cleanly, delivering what was written.
    """

    def abortConnection(self) -> None:
        self.loseConnection()


class ResetAsClean(ChunkedTransport):
    """
    Broken: C{abortConnection} drops what was written, but the peer's
    connection ends cleanly, with L{ConnectionDone}, rather than with a
    reset.
    """

    def abortConnection(self) -> None:
        if self.lifecycle.askLoss(Failure(ConnectionAborted())):
            self.outbound.sendReset(Failure(ConnectionDone()))
            self.inbound.pause()
            self.driver.settleSoon()


class DropsWrites(ChunkedTransport):
    """
    Broken: C{write} drops every other call.
    """

    dropped = False

    def write(self, data: bytes) -> None:
        dropped = type(self).dropped
        type(self).dropped = not dropped
        if not dropped:
            ChunkedTransport.write(self, data)


class NoHalfClose(ChunkedTransport):
    """
    Broken: C{loseWriteConnection} closes the whole connection.
    """

    def loseWriteConnection(self) -> None:
        self.loseConnection()


class SameAddresses(ChunkedTransport):
    """
    Broken: each end says its peer is itself.
    """

    def getPeer(self):  # type: ignore[no-untyped-def]
        return self.getHost()


def _brokenSuite(
    transportClass: type[ChunkedTransport], synchronous: bool = False
) -> type[TransportPairTestsMixin]:
    """
    A conformance test case class for pairs whose transports are
    C{transportClass}; if C{synchronous}, the pair delivers from within
    C{write}.
    """
    connect = _connectWith(transportClass)

    class Broken(TransportPairTestsMixin, TrialTestCase):
        def connectPair(
            self, server: Protocol, client: Protocol
        ) -> Callable[[], object]:
            pair = connect(server, client)
            if synchronous:
                flushing: list[bool] = []
                for transport in (pair.serverTransport, pair.clientTransport):
                    write = transport.write

                    def writeAndFlush(
                        data: bytes, write: Callable[[bytes], None] = write
                    ) -> None:
                        write(data)
                        if not flushing:
                            flushing.append(True)
                            try:
                                pair.flush()
                            finally:
                                flushing.clear()

                    transport.write = writeAndFlush  # type: ignore[method-assign]
            return pair.flush

    return Broken


def _failures(case: type[TransportPairTestsMixin]) -> dict[str, str]:
    """
    Run every check of C{case} and return the failed and erroring ones, by
    name, with the last line of their tracebacks.
    """
    suite = pyunit.TestLoader().loadTestsFromTestCase(case)
    result = pyunit.TestResult()
    suite.run(result)
    return {
        test.id().rsplit(".", 1)[-1]: text.strip().splitlines()[-1]
        for test, text in result.failures + result.errors
    }


class BrokenFakeTests(SynchronousTestCase):
    """
    Fakes broken in one way each fail the conformance suite where it checks
    what they break, and only there: its checks can fail.
    """

    def test_abortThatCloses(self) -> None:
        """
        A fake whose abort delivers what was written, and leaves a
        half-closeable peer connected, fails the abort check and the check
        that a producer is stopped when its connection is lost.
        """
        failures = _failures(_brokenSuite(AbortThatCloses))
        self.assertEqual(
            sorted(failures), ["test_abortConnection", "test_producerStoppedOnLoss"]
        )
        self.assertIn(
            "bytes written before the abort arrived", failures["test_abortConnection"]
        )

    def test_resetAsClean(self) -> None:
        """
        A fake whose abort ends the peer's connection cleanly, with
        L{ConnectionDone} rather than a reset, fails the abort check, and
        only it.
        """
        failures = _failures(_brokenSuite(ResetAsClean))
        self.assertEqual(sorted(failures), ["test_abortConnection"])
        self.assertIn(
            "the server's connectionLost should be given a ConnectionLost",
            failures["test_abortConnection"],
        )

    def test_droppedWrites(self) -> None:
        """
        A fake that drops writes fails every check of what arrives.
        """
        DropsWrites.dropped = False
        failures = _failures(_brokenSuite(DropsWrites))
        for name in ["test_bytesBothWays", "test_manyBytes", "test_loseConnection"]:
            self.assertIn(name, failures)

    def test_noHalfClose(self) -> None:
        """
        A fake without half-close fails the half-close check; with
        C{halfCloseable = False} that check is skipped instead.
        """
        case = _brokenSuite(NoHalfClose)
        self.assertEqual(list(_failures(case)), ["test_halfClose"])

        class Declared(case):  # type: ignore[valid-type,misc]
            halfCloseable = False

        self.assertEqual(_failures(Declared), {})
        suite = pyunit.TestLoader().loadTestsFromTestCase(Declared)
        result = pyunit.TestResult()
        suite.run(result)
        self.assertEqual(
            sorted(test.id().rsplit(".", 1)[-1] for test, reason in result.skipped),
            ["test_halfClose", "test_halfCloseToWholeProtocol"],
        )

    def test_sameAddresses(self) -> None:
        """
        A fake whose ends both claim one address fails the address check.
        """
        self.assertEqual(
            list(_failures(_brokenSuite(SameAddresses))), ["test_addresses"]
        )

    def test_deliveryWithinWrite(self) -> None:
        """
        A fake that delivers from within C{write} fails the checks that
        nothing arrives before the pump runs, nor within C{write}.
        """
        failures = _failures(_brokenSuite(ChunkedTransport, synchronous=True))
        self.assertIn("test_bytesBothWays", failures)
        self.assertIn("test_noDeliveryWithinWrite", failures)
        self.assertIn(
            "delivered within write()", failures["test_noDeliveryWithinWrite"]
        )

    def test_unbrokenPasses(self) -> None:
        """
        The same harness with an unbroken transport passes every check, so
        the failures above come from what was broken.
        """
        self.assertEqual(_failures(_brokenSuite(ChunkedTransport)), {})

    def test_connectPairRequired(self) -> None:
        """
        A test case that does not implement C{connectPair} fails every
        check, saying what to implement.
        """

        class Unfinished(TransportPairTestsMixin, TrialTestCase):
            pass

        failures = _failures(Unfinished)
        self.assertIn("test_bytesBothWays", failures)
        self.assertEqual(
            failures["test_bytesBothWays"],
            "NotImplementedError: Unfinished must implement connectPair(server, "
            "client), returning a callable that delivers everything pending",
        )

    def test_pairNotConnected(self) -> None:
        """
        A test case whose C{connectPair} returns a pump but connects
        nothing fails every check, saying that the protocols were not
        connected.
        """

        class NotConnecting(TransportPairTestsMixin, TrialTestCase):
            def connectPair(
                self, server: Protocol, client: Protocol
            ) -> Callable[[], object]:
                return lambda: None

        failures = _failures(NotConnecting)
        self.assertEqual(
            sorted(failures),
            sorted(pyunit.TestLoader().getTestCaseNames(NotConnecting)),
        )
        self.assertEqual(
            failures["test_bytesBothWays"],
            "twisted.trial.unittest.FailTest: the server was not connected by "
            "connectPair() and a "
            "pump: its transport is None",
        )


_PROBE = """
import sys
import twistedtesting
twistedtesting.TransportPairTestsMixin
print(sorted(m for m in sys.modules if m.startswith(("twisted.test", "hypothesis"))))
"""


class ImportTests(SynchronousTestCase):
    """
    What the library imports for the conformance suite.
    """

    def test_noTestOnlyImports(self) -> None:
        """
        Using L{twistedtesting.TransportPairTestsMixin} imports neither
        C{twisted.test} nor Hypothesis.
        """
        completed = runPython(_PROBE)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual(completed.stdout.splitlines(), ["[]"])
