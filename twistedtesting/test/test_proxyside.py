# -*- test-case-name: twistedtesting.test.test_proxyside -*-
"""
Tests for L{twistedtesting._proxyside.ProxySide}: one of the two sockets of
a connection through a L{twistedtesting.FaultProxy}: how it ends a socket
asked to end before it connected, what it sends at once and what it leaves
to the reactor, and how a full socket pauses the other side.

With stand-in transports; the sides at work over real sockets are tested in
L{twistedtesting.test.test_proxyconnection}.
"""

from __future__ import annotations

from typing import Any, cast

from twisted.internet.abstract import FileDescriptor
from twisted.internet.error import ConnectionLost

from twistedtesting import SynchronousTestCase
from twistedtesting._proxyside import FLUSH_AT_MOST, ProxySide
from twistedtesting.test.proxyhelpers import PauseRecorder


class _EndRecorder:
    """
    A transport that records which of its ending methods were called.
    """

    def __init__(self) -> None:
        self.calls: list[str] = []

    def unregisterProducer(self) -> None:
        self.calls.append("unregisterProducer")

    def loseConnection(self) -> None:
        self.calls.append("loseConnection")

    def loseWriteConnection(self) -> None:
        self.calls.append("loseWriteConnection")


class _SideMade:
    """
    The one call a L{ProxySide} makes on its connection when it connects.
    """

    def __init__(self) -> None:
        self.made: list[ProxySide] = []

    def sideMade(self, side: ProxySide) -> None:
        self.made.append(side)


class EarlyEndTests(SynchronousTestCase):
    """
    A L{ProxySide} asked to end before its socket connected ends the way
    it was asked to once the socket connects.
    """

    def connectAfter(self, *asks: str) -> list[str]:
        """
        Make a side, call its methods named C{asks} before it connects,
        connect it to an L{_EndRecorder}, and return what the transport
        was asked to do.
        """
        side = ProxySide(cast(Any, _SideMade()), "server")
        for ask in asks:
            getattr(side, ask)()
        transport = _EndRecorder()
        side.makeConnection(cast(Any, transport))
        return transport.calls

    def test_closeBeforeConnect(self) -> None:
        """
        A close asked for before the socket connected closes the whole
        connection once it connects, not just its writing side (with no
        producer to unregister first: none was registered).
        """
        self.assertEqual(self.connectAfter("close"), ["loseConnection"])

    def test_shutWritingBeforeConnect(self) -> None:
        """
        A shut asked for before the socket connected shuts only the
        writing side once it connects.
        """
        self.assertEqual(self.connectAfter("shutWriting"), ["loseWriteConnection"])

    def test_closeWinsOverShut(self) -> None:
        """
        A close asked for before the socket connected wins over a shut
        asked for before or after it, in either order.
        """
        closed = ["loseConnection"]
        self.assertEqual(self.connectAfter("shutWriting", "close"), closed)
        self.assertEqual(self.connectAfter("close", "shutWriting"), closed)


class _Socket(FileDescriptor):
    """
    A reactor's socket that sends everything it is given at once, never
    registers with a reactor, and records what it sent and when its
    writing side was shut.
    """

    def __init__(self) -> None:
        super().__init__(reactor=cast(Any, object()))
        self.connected = 1
        self.sent: list[bytes] = []
        self.shut = 0
        self.takes: int | None = None
        self.error: Exception | None = None
        self.writing = False
        self.aborted = False

    def startWriting(self) -> None:
        self.writing = True

    def stopWriting(self) -> None:
        self.writing = False

    def writeSomeData(self, data: bytes) -> int | Exception:
        """
        Send what the socket takes: everything, or at most L{takes} bytes;
        or nothing, and return L{error}, if set.
        """
        if self.error is not None:
            return self.error
        taken = bytes(data[: self.takes])
        self.sent.append(taken)
        return len(taken)

    def abortConnection(self) -> None:
        self.aborted = True

    def _closeWriteConnection(self) -> None:
        self.shut += 1


class FlushTests(SynchronousTestCase):
    """
    A L{ProxySide} sends what it forwards, and a half-close, in the reactor
    turn it gets them, but only on a socket with nothing waiting to be
    sent: the reactor may hold a stale "writable" event for one that has.
    """

    def connected(self) -> tuple[ProxySide, _Socket]:
        """
        A side connected to a L{_Socket}.
        """
        side = ProxySide(cast(Any, _SideMade()), "server")
        socket = _Socket()
        side.makeConnection(socket)
        return side, socket

    def overfilled(self) -> tuple[ProxySide, _Socket, PauseRecorder]:
        """
        A side connected to a L{_Socket}, paired with a side whose
        transport records pauses, and written more than its socket holds.
        """
        side, socket = self.connected()
        other = ProxySide(cast(Any, _SideMade()), "client")
        reading = PauseRecorder()
        other.makeConnection(cast(Any, reading))
        side.pairWith(other)
        side.write(b"x" * (socket.bufferSize + 1))
        return side, socket, reading

    def test_idleSocketSendsAtOnce(self) -> None:
        """
        Written to a socket with nothing waiting, bytes are sent at once.
        """
        side, socket = self.connected()
        side.write(b"now")
        self.assertEqual(socket.sent, [b"now"])

    def test_partSentAtOnce(self) -> None:
        """
        What an idle socket does not take at once waits for the reactor,
        which sends it when the socket is writable.
        """
        side, socket = self.connected()
        socket.takes = 2
        side.write(b"abcde")
        self.assertEqual((socket.sent, socket.writing), ([b"ab"], True))
        socket.takes = None
        socket.doWrite()
        self.assertEqual((socket.sent, socket.writing), ([b"ab", b"cde"], False))

    def test_failedSendWaits(self) -> None:
        """
        When sending at once fails, everything waits for the reactor, whose
        next write finds the error again and returns it.
        """
        side, socket = self.connected()
        lost = ConnectionLost()
        socket.error = lost
        side.write(b"abc")
        self.assertEqual((socket.sent, socket.writing), ([], True))
        self.assertIs(socket.doWrite(), lost)

    def test_largeWriteWaits(self) -> None:
        """
        A write larger than L{FLUSH_AT_MOST} waits for the reactor, even to
        an idle socket.
        """
        side, socket = self.connected()
        side.write(b"x" * (FLUSH_AT_MOST + 1))
        self.assertEqual((socket.sent, socket.writing), ([], True))
        side.write(b"y")
        socket.doWrite()
        self.assertEqual(socket.sent, [b"x" * (FLUSH_AT_MOST + 1) + b"y"])

    def test_nothingAfterAbort(self) -> None:
        """
        Nothing written to a side after it aborted its socket is sent or
        buffered.
        """
        side, socket = self.connected()
        side.abort()
        side.write(b"late")
        self.assertEqual(
            (socket.aborted, socket.sent, socket.writing), (True, [], False)
        )

    def test_closingSocketWaits(self) -> None:
        """
        Bytes written to a socket that is closing are left to the reactor,
        which sends them before it closes.
        """
        side, socket = self.connected()
        socket.disconnecting = True
        side.write(b"last")
        self.assertEqual((socket.sent, socket.writing), ([], True))

    def test_fullBufferPausesOtherSide(self) -> None:
        """
        Once paired, a side whose socket buffers more than it holds pauses
        reading the other side, and resumes it once the buffer is sent.
        """
        _, socket, reading = self.overfilled()
        self.assertEqual(reading.calls, ["pauseProducing"])
        socket.doWrite()
        self.assertEqual(reading.calls, ["pauseProducing", "resumeProducing"])

    def test_endUnregistersProducer(self) -> None:
        """
        A side whose socket registered the producer that pauses the other
        side unregisters it from the socket when it ends.
        """
        side, socket, _ = self.overfilled()
        self.assertIsNotNone(socket.producer)
        side.shutWriting()
        self.assertIsNone(socket.producer)

    def test_busySocketWaits(self) -> None:
        """
        Written to a socket with bytes already waiting, bytes wait for the
        reactor with them.
        """
        side, socket = self.connected()
        socket.write(b"waiting")
        side.write(b"later")
        self.assertEqual(socket.sent, [])
        socket.doWrite()
        self.assertEqual(socket.sent, [b"waitinglater"])

    def test_idleSocketShutsAtOnce(self) -> None:
        """
        A half-close of a socket with nothing waiting shuts its writing side
        at once, once.
        """
        side, socket = self.connected()
        side.shutWriting()
        self.assertEqual(socket.shut, 1)

    def test_busySocketShutsOnTheReactorsTurn(self) -> None:
        """
        A half-close of a socket with bytes waiting leaves the bytes and the
        shut to the reactor's next write: neither happens early, and the shut
        happens once, after the bytes.
        """
        side, socket = self.connected()
        socket.write(b"waiting")
        side.shutWriting()
        self.assertEqual((socket.sent, socket.shut), ([], 0))
        socket.doWrite()
        self.assertEqual((socket.sent, socket.shut), ([b"waiting"], 1))
