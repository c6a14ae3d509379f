# -*- test-case-name: twistedtesting.test.test_conformance -*-
"""
The parts of the conformance suite (L{twistedtesting.TransportPairTestsMixin}):
the protocols and the producer that record what a pair of transports does
to them, and L{PairChecks}, the base of the checks, which connects them.
"""

from __future__ import annotations

import unittest
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from twisted.internet.error import (
    ConnectionDone,
)
from twisted.internet.interfaces import (
    IHalfCloseableProtocol,
    IPushProducer,
)
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from zope.interface import implementer

if TYPE_CHECKING:
    _Base = unittest.TestCase
else:
    _Base = object


class Recorder(Protocol):
    """
    A protocol that records what happens to it: the conformance suite's
    view of each end.

    @ivar chunks: The chunks given to C{dataReceived}, in order.
    @ivar events: The names of the calls made to it, in order, without
        C{dataReceived} repeated for consecutive chunks.
    @ivar reasons: The reasons given to C{connectionLost}.
    @ivar onData: Called with each chunk, after it is recorded.
    @ivar onMade: Called from C{connectionMade}.
    @ivar reentered: Whether one of its methods was called while another
        was running.
    @ivar inWrite: Set by the suite while it calls the peer's C{write}: data
        delivered meanwhile is delivered from within C{write}.
    @ivar deliveredInWrite: Whether data was delivered from within the
        peer's C{write}.
    """

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.events: list[str] = []
        self.reasons: list[Failure] = []
        self.onData: Callable[[bytes], object] | None = None
        self.onMade: Callable[[], object] | None = None
        self.reentered = False
        self.inWrite = False
        self.deliveredInWrite = False
        self._running = False

    @property
    def received(self) -> bytes:
        """
        Every byte received, joined.
        """
        return b"".join(self.chunks)

    def _enter(self, event: str) -> None:
        if self._running:
            self.reentered = True
        if not (event == "dataReceived" and self.events[-1:] == [event]):
            self.events.append(event)

    def _run(self, call: Callable[[], object]) -> None:
        self._running = True
        try:
            call()
        finally:
            self._running = False

    def connectionMade(self) -> None:
        self._enter("connectionMade")
        onMade = self.onMade
        if onMade is not None:
            self._run(onMade)

    def dataReceived(self, data: bytes) -> None:
        self._enter("dataReceived")
        if self.inWrite:
            self.deliveredInWrite = True
        self.chunks.append(data)
        onData = self.onData
        if onData is not None:
            self._run(lambda: onData(data))

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        self._enter("connectionLost")
        self.reasons.append(reason)


@implementer(IHalfCloseableProtocol)
class HalfCloseRecorder(Recorder):
    """
    A L{Recorder} that can be half-closed.

    @ivar onReadLost: Called from C{readConnectionLost}.
    """

    onReadLost: Callable[[], object] | None = None

    def readConnectionLost(self) -> None:
        self._enter("readConnectionLost")
        onReadLost = self.onReadLost
        if onReadLost is not None:
            self._run(onReadLost)

    def writeConnectionLost(self) -> None:
        self._enter("writeConnectionLost")


@implementer(IPushProducer)
class RecordingProducer:
    """
    A producer that records the calls made to it.

    @ivar events: C{"pause"}, C{"resume"} and C{"stop"}, in order.
    """

    def __init__(self) -> None:
        self.events: list[str] = []

    def pauseProducing(self) -> None:
        self.events.append("pause")

    def resumeProducing(self) -> None:
        self.events.append("resume")

    def stopProducing(self) -> None:
        self.events.append("stop")


def transportOf(protocol: Protocol) -> Any:
    """
    The transport of a connected protocol, typed as C{Any}: the suite calls
    the methods of C{ITCPTransport}, L{IConsumer} and L{IPushProducer} on
    it, which no one interface names.
    """
    transport = protocol.transport
    assert transport is not None, f"{protocol!r} has no transport"
    return transport


class PairChecks(_Base):
    """
    The base of the conformance checks: connects recording protocols with
    the test case's L{connectPair}, and asserts what they saw.
    """

    halfCloseable: ClassVar[bool] = True

    def connectPair(self, server: Protocol, client: Protocol) -> Callable[[], object]:
        """
        Connect ``server`` and ``client`` with the transports under test.
        Your test case implements it.

        Connecting calls each protocol's ``makeConnection``; nothing
        written may be delivered until the returned pump is called.

        :param server: The server protocol.
        :param client: The client protocol.
        :returns: The pump: called with no arguments, it delivers everything
            that can be delivered in both directions, and the ends and losses
            of the connection that were asked for, until both sides are
            quiet; as :meth:`twistedtesting.ChunkedPair.flush` does, or
            ``IOPump.flush`` in ``twisted.test.iosim``, or advancing a clock
            until nothing is scheduled on it.
        :raises NotImplementedError: Unless your test case implements it.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement connectPair(server, client), "
            "returning a callable that delivers everything pending"
        )

    def _connect(
        self, server: Recorder | None = None, client: Recorder | None = None
    ) -> tuple[Recorder, Recorder, Callable[[], object]]:
        """
        Connect two recorders (new L{HalfCloseRecorder}s unless given) and
        check that C{connectPair} returned a pump and that, once it has
        pumped, each recorder has a transport and was told it connected.
        """
        if server is None:
            server = HalfCloseRecorder()
        if client is None:
            client = HalfCloseRecorder()
        pump = self.connectPair(server, client)
        if not callable(pump):
            self.fail(f"connectPair() returned {pump!r}, not a pump to call")
        pump()
        for side, protocol in (("server", server), ("client", client)):
            if protocol.transport is None or not protocol.connected:
                self.fail(
                    f"the {side} was not connected by connectPair() and a pump: "
                    f"its transport is {protocol.transport!r}"
                )
        return server, client, pump

    def _skipUnlessHalfCloseable(self) -> None:
        if not type(self).halfCloseable:
            raise unittest.SkipTest(
                f"{type(self).__name__}.halfCloseable is False: the transports "
                "do not support half-close"
            )

    def _write(self, writer: Recorder, reader: Recorder, data: bytes) -> None:
        """
        Write C{data} with C{writer}'s transport, noting whether C{reader}
        receives anything from within the C{write}.
        """
        reader.inWrite = True
        try:
            transportOf(writer).write(data)
        finally:
            reader.inWrite = False

    def _assertLost(
        self, protocol: Recorder, error: type[Exception], side: str
    ) -> None:
        """
        C{protocol} lost its connection once, last, with C{error}.
        """
        self.assertEqual(
            len(protocol.reasons),
            1,
            f"the {side} should get connectionLost once; it got {protocol.events}",
        )
        self.assertEqual(protocol.events[-1], "connectionLost")
        reason = protocol.reasons[0]
        self.assertIsInstance(
            reason.value,
            error,
            f"the {side}'s connectionLost should be given a {error.__name__}; "
            f"it was given {reason.value!r}",
        )
