# -*- test-case-name: twistedtesting.test.test_netrun -*-
"""
Tests for running a L{twistedtesting.Network}: advancing, advancing until a
condition, running until quiet, each with a limit, and errors that show the
trace.
"""

from __future__ import annotations

from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from twistedtesting import Clock, HostReactor, Network, SynchronousTestCase, WaitError


def heartbeat(reactor: HostReactor) -> None:
    """
    A start function that connects to nobody and ticks forever.
    """
    loop = LoopingCall(lambda: None)
    loop.clock = reactor
    loop.start(1.0)


class RunTests(SynchronousTestCase):
    """
    The running methods stop at their limits and say why.
    """

    def test_quietReturnsElapsed(self) -> None:
        """
        C{runUntilQuiet} returns the time it took for nothing to be left.
        """
        network = Network(Clock(), 1)
        reactor = network.addHost("a").reactor
        reactor.callLater(2.5, lambda: None)
        self.assertEqual(network.runUntilQuiet(), 2.5)
        self.assertEqual(network.runUntilQuiet(), 0.0)

    def test_neverQuiet(self) -> None:
        """
        A network that never goes quiet ends at the limit with a
        C{WaitError} whose message ends with the trace's last events.
        """
        network = Network(Clock(), 1)
        network.addHost("a", heartbeat)
        error = self.assertRaises(WaitError, network.runUntilQuiet, 10)
        message = str(error)
        self.assertIn("the network never went quiet", message)
        self.assertIn("limit of 10.0 seconds (the next at t=11.0)", message)
        self.assertIn("Next: <NetCall due at t=11.0 on a: LoopingCall<1.0>(", message)
        self.assertIn("t=0.000000   fault     a host added at 10.0.0.1", message)
        self.assertEqual(network.clock.seconds(), 10.0)

    def test_advanceUntilLimit(self) -> None:
        """
        C{advanceUntil} on a Deferred that never fires stops at the limit,
        with the trace in the message.
        """
        network = Network(Clock(), 1)
        network.addHost("a", heartbeat)
        error = self.assertRaises(WaitError, network.advanceUntil, Deferred(), 3)
        self.assertIn("limit of 3.0 seconds", str(error))
        self.assertIn("the network's last events (t=3.0, 1 in all)", str(error))

    def test_errorsGetTraceNote(self) -> None:
        """
        An exception raised by an event while advancing carries the trace as
        a note, which twistedtesting's test cases show in the report.
        """
        network = Network(Clock(), 1)
        reactor = network.addHost("a").reactor

        def fail() -> None:
            raise RuntimeError("boom")

        reactor.callLater(1, fail)
        error = self.assertRaises(RuntimeError, network.advance, 2)
        notes = getattr(error, "__notes__", [])
        self.assertEqual(len(notes), 1)
        self.assertIn("fault     a host added at 10.0.0.1", notes[0])

    def test_badLimits(self) -> None:
        """
        Negative limits and amounts are refused, naming the argument.
        """
        network = Network(Clock(), 1)
        self.assertRaises(ValueError, network.runUntilQuiet, -1)
        self.assertRaises(ValueError, network.advance, -1)
        error = self.assertRaises(ValueError, network.advanceUntil, lambda: True, -1)
        self.assertIn("limit", str(error))
