# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
:class:`ChunkedTransport`: an in-memory TCP-like transport that hands the
bytes fed to it to its protocol in chunks chosen by a chunking policy, over
virtual time if it is given a clock, with flow control and faults.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from io import BytesIO
from operator import length_hint
from typing import Any, Literal, cast

import attrs
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.error import ConnectionAborted, ConnectionDone, ConnectionLost
from twisted.internet.interfaces import (
    IConsumer,
    IDelayedCall,
    IHalfCloseableProtocol,
    IProducer,
    IProtocol,
    IPushProducer,
    IReactorTime,
    ITCPTransport,
)
from twisted.python.failure import Failure
from zope.interface import implementer

from twistedtesting._checks import nonNegativeInt, positiveInt
from twistedtesting._chunking import ChunkingPolicy, sizeBatches
from twistedtesting._delays import DelayPolicy
from twistedtesting._faults import BreakAfter

TCPAddress = IPv4Address | IPv6Address
"""
The type of the addresses of a TCP transport.
"""

DEFAULT_HIGH_WATER = 65536
"""
The default high-water mark, in bytes: Twisted's own transports pause a
streaming producer when more than this much is waiting to be sent.
"""


def defaultHostAddress() -> IPv4Address:
    """
    The address :meth:`ChunkedTransport.getHost` gives unless told
    otherwise: the same as :class:`twisted.internet.testing.StringTransport`'s.
    """
    return IPv4Address("TCP", "10.0.0.1", 12345)


def defaultPeerAddress() -> IPv4Address:
    """
    The address :meth:`ChunkedTransport.getPeer` gives unless told
    otherwise: the same as :class:`twisted.internet.testing.StringTransport`'s.
    """
    return IPv4Address("TCP", "192.168.1.1", 54321)


def _classGiven(name: str, value: object, what: str) -> None:
    """
    Refuse a class given where an instance is wanted, saying so.
    """
    if isinstance(value, type):
        raise TypeError(
            f"{name} must be {what} instance, not the class {value.__name__}: "
            f"pass {value.__name__}() instead"
        )


def checkProtocol(name: str, value: object) -> None:
    """
    Check that ``value`` is usable as a protocol.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is a class, or lacks a method of ``IProtocol``.
    """
    _classGiven(name, value, "a protocol")
    missing = [
        method
        for method in ("makeConnection", "dataReceived", "connectionLost")
        if not callable(getattr(value, method, None))
    ]
    if missing:
        raise TypeError(
            f"{name} must be an IProtocol provider (a "
            f"twisted.internet.protocol.Protocol); {value!r} lacks "
            f"{', '.join(missing)}"
        )


def checkChunking(name: str, value: object) -> None:
    """
    Check that ``value`` is a chunking policy.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is not.
    """
    _classGiven(name, value, "a chunking policy")
    if not isinstance(value, ChunkingPolicy):
        raise TypeError(
            f"{name} must be a chunking policy, such as "
            "OneByteChunks() or RandomChunks(1, 16, self.random), not "
            f"{type(value).__name__} {value!r}"
        )


def checkClock(name: str, value: object) -> None:
    """
    Check that ``value`` is ``None`` or provides ``IReactorTime``.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is neither.
    """
    if value is not None and not IReactorTime.providedBy(value):
        raise TypeError(
            f"{name} must provide IReactorTime (such as "
            f"twisted.internet.task.Clock()), not {type(value).__name__} {value!r}"
        )


def checkDelay(name: str, value: object) -> None:
    """
    Check that ``value`` is ``None`` or a delay policy.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is neither.
    """
    if value is not None and not isinstance(value, DelayPolicy):
        raise TypeError(
            f"{name} must be a delay policy, such as "
            f"FixedDelay(0.1), not {type(value).__name__} {value!r}"
        )


def checkDelayHasClock(name: str, delay: object, clock: object) -> None:
    """
    Check that a delay comes with a clock to wait on.

    :param name: How to name the delay in an error message.
    :raises ValueError: If ``delay`` is given without ``clock``.
    """
    if delay is not None and clock is None:
        raise ValueError(
            f"{name} {delay!r} needs a clock to wait on; pass "
            "clock=Clock() (from twisted.internet.task) as well"
        )


def checkFault(name: str, value: object) -> None:
    """
    Check that ``value`` is ``None`` or a :class:`BreakAfter`.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is neither.
    """
    if value is not None and not isinstance(value, BreakAfter):
        raise TypeError(
            f"{name} must be a BreakAfter, not {type(value).__name__} {value!r}"
        )


def checkWaterMark(name: str, value: object) -> int:
    """
    Check that ``value`` is usable as a water mark.

    :param name: How to name the value in an error message.
    :returns: ``value``.
    :raises TypeError: If ``value`` is not an ``int`` (``bool`` is refused).
    :raises ValueError: If ``value`` is negative.
    """
    return nonNegativeInt(name, value, "an int number of bytes")


def checkWaterMarks(function: str, highWater: object, lowWater: object) -> None:
    """
    Check a pair of water marks.

    :param function: How to name the function called, as ``"f()"``.
    :raises TypeError: If a mark is not an ``int``.
    :raises ValueError: If a mark is negative or ``lowWater`` exceeds
        ``highWater``.
    """
    high = checkWaterMark(f"{function} highWater", highWater)
    low = checkWaterMark(f"{function} lowWater", lowWater)
    if low > high:
        raise ValueError(
            f"{function} lowWater ({low}) must not exceed highWater ({high})"
        )


def checkAddress(name: str, value: object) -> None:
    """
    Check that ``value`` is a TCP address.

    :param name: How to name the argument in an error message.
    :raises TypeError: If it is not an ``IPv4Address`` or ``IPv6Address``.
    """
    if not isinstance(value, IPv4Address | IPv6Address):
        raise TypeError(
            f"{name} must be an IPv4Address or IPv6Address (such as "
            f"IPv4Address('TCP', '127.0.0.1', 8080)), not {type(value).__name__} "
            f"{value!r}"
        )


def _validator(
    check: Callable[[str, object], object],
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """
    Make an attrs validator of ``ChunkedTransport`` from a check.
    """

    def validate(
        instance: object, attribute: attrs.Attribute[Any], value: object
    ) -> None:
        check(f"ChunkedTransport() {attribute.name}", value)

    return validate


@implementer(ITCPTransport, IConsumer, IPushProducer)
# No on_setattr hooks: attrs would then give the class a __setattr__ written
# in Python, and the delivery loop sets an attribute per chunk.
@attrs.define(
    init=False, kw_only=True, eq=False, repr=False, on_setattr=attrs.setters.NO_OP
)
class ChunkedTransport:
    """
    An in-memory transport for one protocol that delivers the bytes fed to
    it in chunks, the way a network does.

    Creating it connects ``protocol`` (calls its ``makeConnection``).  Then
    the test plays the peer:

    * :meth:`feed` sends bytes to the protocol, which gets them in chunks
      cut by ``chunking``: at once, before :meth:`feed` returns, or, given a
      ``clock``, one chunk at a time over virtual time, ``delay`` seconds
      apart; :meth:`deliver` delivers what is pending at once;
    * :meth:`feedEnd` ends the input cleanly and :meth:`resetConnection`
      breaks the connection;
    * what the protocol writes is kept, as
      :class:`~twisted.internet.testing.StringTransport` keeps it:
      :meth:`value` returns it, :meth:`clear` discards it and :meth:`read`
      takes some of it, as a peer reading it would.

    The protocol sees a TCP transport (it provides ``ITCPTransport``,
    ``IConsumer`` and ``IPushProducer``) that behaves as Twisted's own does:

    * ``pauseProducing`` stops the delivery of chunks until
      ``resumeProducing``; after a resume, the bytes still pending are
      delivered by the next :meth:`feed` or :meth:`deliver`, or, with a
      clock, after the next delay;
    * a producer registered with ``registerProducer`` is paused when more
      than ``highWater`` bytes are written and unread, and resumed (a
      non-streaming one asked for more) when they are read down to
      ``lowWater``;
    * ``loseConnection`` stops delivery and ends the connection with
      :class:`~twisted.internet.error.ConnectionDone`; what was written is
      kept.  As with Twisted's TCP transport, a registered non-streaming
      producer is waited for until it unregisters, and a streaming one is
      stopped as the connection closes, unless it is paused: then the
      close waits until what was written is read down to ``lowWater``, the
      producer is resumed, and then stopped.  ``abortConnection`` ends it with
      :class:`~twisted.internet.error.ConnectionAborted` (a
      :class:`~twisted.internet.error.ConnectionLost`) and drops the bytes
      not yet delivered.  ``loseWriteConnection`` shuts the write side; a
      protocol that provides
      :class:`~twisted.internet.interfaces.IHalfCloseableProtocol` gets
      ``writeConnectionLost``, and ``readConnectionLost`` when the input
      ends, instead of ``connectionLost``;
    * ``connectionLost`` is called exactly once, and nothing is delivered
      after it.  A close asked for (by ``loseConnection``,
      ``abortConnection``, ``unregisterProducer`` or
      ``loseWriteConnection``) from within a call the transport makes into
      the protocol or its producer is finished once that call has returned,
      never from inside it.  Asked for from anywhere else (a timer, the
      test), it is finished, with a clock, by ``clock.callLater(0, ...)``,
      on the clock's next ``advance``, as a real TCP transport finishes it
      in a later reactor iteration; *without a clock, before the call that
      asked for it returns*, so ``connectionLost`` then runs inside that
      call, which real TCP never does.  Give the transport a clock if the
      protocol cares.  If a producer's ``stopProducing`` raises,
      ``connectionLost`` is still called, and then the exception
      propagates.

    An exception that the protocol raises propagates to the caller of
    :meth:`feed`, :meth:`deliver` or the clock's ``advance``; the chunk it
    was given counts as delivered, and the bytes after it are still
    delivered, by the next :meth:`feed` or :meth:`deliver` or, with a
    clock, on later advances.  A custom chunking policy that gives a bad
    size breaks the transport: the chunks before it are delivered, then a
    :exc:`ValueError` or :exc:`TypeError` that names the policy and the
    size, raised again by every later delivery.

    :param protocol: The protocol to connect.
    :param chunking: Where to cut the input into chunks: a
        :class:`twistedtesting.ChunkingPolicy` such as
        :class:`twistedtesting.OneByteChunks`.
    :param clock: Deliver chunks over this clock's virtual time, such as a
        :class:`twisted.internet.task.Clock`; without one, chunks are
        delivered by :meth:`feed` itself.
    :param delay: How long to wait before each chunk, with a ``clock``: a
        :class:`twistedtesting.DelayPolicy`.  Each chunk is delivered that
        long after the previous one, or after its first byte was fed when
        nothing was waiting.  The default, with a clock, is no delay: chunks
        are delivered on the clock's next ``advance``.
    :param fault: Break the connection part-way, as
        :class:`twistedtesting.BreakAfter` says.
    :param highWater: Pause a registered streaming producer when more than
        this many bytes are written and unread.
    :param lowWater: Resume it when they are down to this many.
    :param hostAddress: What :meth:`getHost` returns; by default, as
        ``StringTransport``, ``IPv4Address("TCP", "10.0.0.1", 12345)``.
    :param peerAddress: What :meth:`getPeer` returns; by default
        ``IPv4Address("TCP", "192.168.1.1", 54321)``.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If ``delay`` is given without a ``clock``, a water
        mark is negative or ``lowWater`` exceeds ``highWater``.

    :ivar protocol: The connected protocol.
    :ivar chunking: The chunking policy.
    :ivar clock: The clock, or ``None``.
    :ivar connected: ``True`` until the connection is lost.
    :ivar disconnecting: ``True`` once the protocol asked to close the
        connection, or it was lost.
    :ivar disconnected: ``True`` once ``connectionLost`` was called.
    :ivar writeDisconnected: ``True`` once the write side is shut by
        ``loseWriteConnection``.
    :ivar readDisconnected: ``True`` once the end of the input was
        delivered.
    :ivar connectionLostReason: The :class:`~twisted.python.failure.Failure`
        given to ``connectionLost``, or ``None``.
    :ivar producer: The registered producer, or ``None``.
    :ivar streaming: Whether the registered producer is streaming, or
        ``None``.
    :ivar io: A :class:`io.BytesIO` holding what the protocol wrote and the
        test has not read or cleared; use :meth:`value` rather than this.
    :ivar chunksDelivered: How many chunks the protocol was given.
    :ivar bytesDiscarded: How many bytes of input were dropped, never
        delivered: those pending when the connection was lost, and those
        sent by a peer after it was.
    """

    # The settings: given to __init__ (which has their defaults) or
    # _unconnected, and checked by these validators and
    # __attrs_post_init__.
    protocol: IProtocol = attrs.field(validator=_validator(checkProtocol))
    chunking: ChunkingPolicy = attrs.field(validator=_validator(checkChunking))
    clock: IReactorTime | None = attrs.field(validator=_validator(checkClock))
    delay: DelayPolicy | None = attrs.field(validator=_validator(checkDelay))
    fault: BreakAfter | None = attrs.field(validator=_validator(checkFault))
    highWater: int = attrs.field(validator=_validator(checkWaterMark))
    lowWater: int = attrs.field(validator=_validator(checkWaterMark))
    hostAddress: TCPAddress = attrs.field(validator=_validator(checkAddress))
    peerAddress: TCPAddress = attrs.field(validator=_validator(checkAddress))

    connected: bool = attrs.field(init=False, default=True)
    disconnecting: bool = attrs.field(init=False, default=False)
    disconnected: bool = attrs.field(init=False, default=False)
    writeDisconnected: bool = attrs.field(init=False, default=False)
    readDisconnected: bool = attrs.field(init=False, default=False)
    connectionLostReason: Failure | None = attrs.field(init=False, default=None)
    producer: IProducer | None = attrs.field(init=False, default=None)
    streaming: bool | None = attrs.field(init=False, default=None)
    # What the protocol wrote, when there is no peer: _written holds it
    # from offset _readPos on (the bytes before were read); the io property
    # drops those before it shows it.
    _written: BytesIO = attrs.field(init=False, factory=BytesIO)
    _readPos: int = attrs.field(init=False, default=0)
    chunksDelivered: int = attrs.field(init=False, default=0)
    bytesDiscarded: int = attrs.field(init=False, default=0)

    # The input: bytes fed and not yet delivered are _head[_pos:] followed
    # by the bytes in _queue; _head starts at stream offset _headBase, so
    # _headBase + _pos bytes have been delivered, out of _fed.
    _head: bytes = attrs.field(init=False, default=b"")
    _pos: int = attrs.field(init=False, default=0)
    _headBase: int = attrs.field(init=False, default=0)
    _queue: deque[bytes] = attrs.field(init=False, factory=deque)
    _fed: int = attrs.field(init=False, default=0)
    # The chunk sizes, in lists, the list being used, and how many bytes
    # are left before the next cut (0: draw the next size).
    # _batches, _totalBytes, _delays, _breakAt and _halfCloseable are
    # derived from the settings by __attrs_post_init__.
    _batches: Iterator[list[int]] = attrs.field(init=False)
    _batch: Iterator[int] = attrs.field(init=False, default=iter(()))
    _untilCut: int = attrs.field(init=False, default=0)
    _totalBytes: int | None = attrs.field(init=False)
    _delays: Iterator[float] = attrs.field(init=False)
    _scheduled: IDelayedCall | None = attrs.field(init=False, default=None)
    # With a clock: the call that finishes a close asked for from outside
    # the transport's calls into its protocol.
    _settleCall: IDelayedCall | None = attrs.field(init=False, default=None)
    # How errors about a script that does not add up name the policy and
    # the input: set by connectChunked for the direction.
    _policyLabel: str = attrs.field(init=False, default="")
    _inputName: str = attrs.field(init=False, default="the input")
    _breakAt: int | None = attrs.field(init=False)
    # The end of the input: fed (feedEnd, or the peer closed its side), or
    # a reset from the peer (delivered before anything else).
    _inputEnded: bool = attrs.field(init=False, default=False)
    _inputReset: Failure | None = attrs.field(init=False, default=None)
    # True while this transport calls into its protocol; closes that the
    # protocol asks for meanwhile wait until the call returns.
    _busy: bool = attrs.field(init=False, default=False)
    # True when no chunk may be delivered: paused, closing, lost or at the
    # end of the input.  Checked after every chunk.
    _halted: bool = attrs.field(init=False, default=False)
    _paused: bool = attrs.field(init=False, default=False)
    _lossRequested: Failure | None = attrs.field(init=False, default=None)
    _writeDisconnecting: bool = attrs.field(init=False, default=False)
    _halfCloseable: IHalfCloseableProtocol | None = attrs.field(init=False)
    # The write side: bytes written and unread (when there is no peer), and
    # the state of the registered producer.
    _unread: int = attrs.field(init=False, default=0)
    _producerPaused: bool = attrs.field(init=False, default=False)
    _pullRequested: bool = attrs.field(init=False, default=False)
    # The transport of the peer protocol, when a ChunkedPair joins two.
    _peer: ChunkedTransport | None = attrs.field(init=False, default=None)
    # The TCP options, recorded only.
    _noDelay: bool = attrs.field(init=False, default=False)
    _keepAlive: bool = attrs.field(init=False, default=False)

    def __init__(
        self,
        protocol: IProtocol,
        chunking: ChunkingPolicy,
        *,
        clock: IReactorTime | None = None,
        delay: DelayPolicy | None = None,
        fault: BreakAfter | None = None,
        highWater: int = DEFAULT_HIGH_WATER,
        lowWater: int = 0,
        hostAddress: TCPAddress | None = None,
        peerAddress: TCPAddress | None = None,
    ) -> None:
        self.__attrs_init__(
            protocol=protocol,
            chunking=chunking,
            clock=clock,
            delay=delay,
            fault=fault,
            highWater=highWater,
            lowWater=lowWater,
            hostAddress=defaultHostAddress() if hostAddress is None else hostAddress,
            peerAddress=defaultPeerAddress() if peerAddress is None else peerAddress,
        )
        self._connect()

    @classmethod
    def _unconnected(
        cls, protocol: IProtocol, chunking: ChunkingPolicy, **settings: Any
    ) -> ChunkedTransport:
        """
        Make a transport without connecting its protocol yet, for
        :func:`twistedtesting.connectChunked`, which joins two transports
        before it connects their protocols (with :meth:`_connect`).

        :param settings: Every keyword argument of ``__init__``, each given
            (there are no defaults here), the addresses not ``None``.
        """
        transport = cls.__new__(cls)
        transport.__attrs_init__(protocol=protocol, chunking=chunking, **settings)
        return transport

    def __attrs_post_init__(self) -> None:
        """
        Check the settings against each other, once each is checked alone,
        and set up the state they decide, without calling into the protocol.
        """
        checkDelayHasClock("ChunkedTransport() delay", self.delay, self.clock)
        checkWaterMarks("ChunkedTransport()", self.highWater, self.lowWater)
        self._batches = sizeBatches(self.chunking)
        self._totalBytes = self.chunking.totalBytes
        delay = self.delay
        self._delays = itertools.repeat(0.0) if delay is None else delay.delays()
        fault = self.fault
        self._breakAt = None if fault is None else fault.byteCount
        self._halfCloseable = IHalfCloseableProtocol(self.protocol, None)

    @property
    def io(self) -> BytesIO:
        """
        A :class:`io.BytesIO` holding what the protocol wrote and the test
        has not read or cleared.
        """
        if self._readPos:
            self._compact()
        return self._written

    @io.setter
    def io(self, value: BytesIO) -> None:
        self._written = value
        self._readPos = 0

    def _compact(self) -> None:
        """
        Drop the bytes that were read from the front of ``_written``.
        """
        written = self._written
        written.seek(self._readPos)
        rest = written.read()
        self._written = BytesIO()
        self._written.write(rest)
        self._readPos = 0

    def _connect(self) -> None:
        """
        Connect the protocol: call its ``makeConnection``.
        """
        self._busy = True
        try:
            self.protocol.makeConnection(self)
        finally:
            self._busy = False
        self._settle()

    # The test's side: feeding input, delivering it, reading output.

    @property
    def bytesDelivered(self) -> int:
        """
        How many bytes the protocol was given.
        """
        return self._headBase + self._pos

    @property
    def bytesPending(self) -> int:
        """
        How many bytes were fed and are not yet delivered.
        """
        return self._fed - self._headBase - self._pos

    @property
    def producerState(self) -> Literal["producing", "paused", "stopped"]:
        """
        This transport's state as a producer of input, named as
        ``StringTransport`` names it: ``"stopped"`` once it will deliver no
        more (the connection is closing or lost, or the input ended),
        ``"paused"`` while the protocol has it paused, else
        ``"producing"``.
        """
        if self.disconnecting or self.readDisconnected:
            return "stopped"
        return "paused" if self._paused else "producing"

    def feed(self, data: bytes) -> None:
        """
        Send ``data`` to the protocol, as the peer would.

        Without a clock the protocol gets it, chunked, before this returns,
        unless the transport is paused; with a clock, the chunks are
        scheduled on it.  Bytes fed while the protocol is closing the
        connection are never delivered (Twisted stops reading then); they
        count in ``bytesDiscarded`` once the connection is lost.

        :param data: The bytes; empty bytes change nothing.
        :raises TypeError: If ``data`` is not ``bytes``.
        :raises ValueError: If the chunking policy covers a fixed number of
            bytes (as :class:`twistedtesting.ScriptedChunks` does) and
            ``data`` goes past it.
        :raises RuntimeError: If the connection is lost, the input was
            ended by :meth:`feedEnd`, or the transport is joined to a peer
            by :func:`twistedtesting.connectChunked` (write with the peer
            protocol's transport instead); the message says which.
        """
        if not isinstance(data, bytes):
            raise TypeError(
                f"feed() data must be bytes, not {type(data).__name__} {data!r}"
            )
        self._checkInputOpen(f"feed {len(data)} bytes")
        if not data:
            return
        self._append(data)
        if self.clock is None:
            self._deliverNow(None)
        else:
            self._reschedule()

    def feedEnd(self) -> None:
        """
        End the input cleanly, as a peer closing its side of the connection
        does.

        Once the bytes fed before it are delivered, a protocol that provides
        :class:`~twisted.internet.interfaces.IHalfCloseableProtocol` gets
        ``readConnectionLost`` and may go on writing; any other gets
        ``connectionLost`` with :class:`~twisted.internet.error.ConnectionDone`.

        :raises ValueError: If the chunking policy covers a fixed number of
            bytes and fewer were fed.
        :raises RuntimeError: If the connection is lost, the input was
            already ended, or the transport is joined to a peer.
        """
        self._checkInputOpen("end the input")
        total = self._totalBytes
        if total is not None and self._fed != total:
            raise ValueError(
                f"{self.chunking!r} covers {total} bytes, but the input ends after "
                f"{self._fed}: feed the rest first"
            )
        self._inputEnded = True
        if self.clock is None:
            self._deliverNow(None)
        else:
            self._reschedule()

    def resetConnection(self) -> None:
        """
        Break the connection now, as a reset from the peer does: the bytes
        not yet delivered are dropped and the protocol gets
        ``connectionLost`` with :class:`~twisted.internet.error.ConnectionLost`.
        On a transport of a :class:`twistedtesting.ChunkedPair`, the peer
        protocol's connection is reset as well.

        :raises RuntimeError: If the connection is already lost.
        """
        if self.disconnected:
            raise RuntimeError(f"cannot reset the connection: {self._lostState()}")
        self._requestLoss(
            Failure(ConnectionLost("Connection reset by peer (resetConnection())"))
        )

    def deliver(self, maxChunks: int | None = None) -> int:
        """
        Deliver the chunks that are pending now, without waiting for the
        clock: what a reactor does when the socket is readable.

        Delivery stops when the protocol pauses the transport or closes the
        connection, when no byte is pending, or after ``maxChunks`` chunks.
        When the input was ended and every byte is delivered, the end is
        delivered as well.

        :param maxChunks: The most chunks to deliver; ``None`` for no limit.
        :returns: How many chunks were delivered.
        :raises TypeError: If ``maxChunks`` is not an ``int`` or ``None``.
        :raises ValueError: If ``maxChunks`` is less than 1.
        :raises RuntimeError: If called while this transport is calling its
            protocol (from within ``dataReceived``, say).
        """
        if maxChunks is not None:
            positiveInt("deliver() maxChunks", maxChunks, "an int or None")
        if self._busy:
            raise RuntimeError(
                "deliver() was called while the transport is calling its protocol "
                "(from within dataReceived, say); call it from the test instead"
            )
        scheduled = self._scheduled
        if scheduled is not None:
            self._scheduled = None
            scheduled.cancel()
        try:
            return self._deliverNow(maxChunks)
        finally:
            self._reschedule()

    def value(self) -> bytes:
        """
        Return what the protocol wrote and the test has not read or
        cleared, as ``StringTransport.value()`` does.

        :returns: The bytes, in the order they were written.
        :raises RuntimeError: If the transport is joined to a peer: then
            what the protocol writes goes to the peer.
        """
        self._checkNoPeer("value()")
        return self.io.getvalue()

    def clear(self) -> None:
        """
        Discard what the protocol wrote, as ``StringTransport.clear()``
        does.  For flow control this counts as the peer reading it all.

        :raises RuntimeError: If the transport is joined to a peer.
        """
        self._checkNoPeer("clear()")
        self._written = BytesIO()
        self._readPos = 0
        self._unread = 0
        self._drained()

    def read(self, maxBytes: int | None = None) -> bytes:
        """
        Take what the protocol wrote from the front, as a peer reading it
        would: the bytes taken are no longer in :meth:`value`, and no longer
        count against the water marks.

        :param maxBytes: The most bytes to take; ``None`` for all.
        :returns: The bytes taken, which may be fewer than ``maxBytes``.
        :raises TypeError: If ``maxBytes`` is not an ``int`` or ``None``.
        :raises ValueError: If ``maxBytes`` is negative.
        :raises RuntimeError: If the transport is joined to a peer.
        """
        if maxBytes is not None:
            checkWaterMark("read() maxBytes", maxBytes)
        self._checkNoPeer("read()")
        # Take the bytes from _written after those read before, copying
        # only them; drop the bytes read once they are at least as many as
        # those left, so a byte is copied a bounded number of times.
        written = self._written
        start = self._readPos
        size = written.seek(0, 2)
        stop = size if maxBytes is None else min(size, start + maxBytes)
        written.seek(start)
        taken = written.read(stop - start)
        written.seek(0, 2)
        self._readPos = stop
        if stop == size:
            self._written = BytesIO()
            self._readPos = 0
        elif stop >= size - stop:
            self._compact()
        self._unread = size - stop
        self._drained()
        return taken

    # ITransport, ITCPTransport: the protocol's side.

    def write(self, data: bytes) -> None:
        """
        Send ``data`` to the peer: keep it for :meth:`value`, or, in a
        :class:`twistedtesting.ChunkedPair`, pass it to the peer's
        transport.  As with Twisted's TCP transport, data written after the
        connection is lost, or after ``loseWriteConnection``, is ignored.

        :param data: The bytes.
        :raises TypeError: If ``data`` is not ``bytes``.
        """
        if not isinstance(data, bytes):
            raise TypeError(f"Data must be bytes, not {type(data).__name__} {data!r}")
        if self.disconnected or self.writeDisconnected or not data:
            return
        self._pullRequested = False
        peer = self._peer
        if peer is None:
            self._written.write(data)
            self._unread += len(data)
        else:
            peer._receive(data)
        if self.producer is not None:
            self._checkHighWater()

    def writeSequence(self, data: Iterable[bytes]) -> None:
        """
        Write each of ``data``, in order, as one write.

        :param data: The bytes to write.
        :raises TypeError: If an item is not ``bytes``.
        """
        items = list(data)
        for item in items:
            if not isinstance(item, bytes):
                raise TypeError(
                    f"Data must be bytes, not {type(item).__name__} {item!r}"
                )
        self.write(b"".join(items))

    def loseConnection(self) -> None:
        """
        Close the connection: stop delivering input and call
        ``connectionLost`` with
        :class:`~twisted.internet.error.ConnectionDone`, once a registered
        non-streaming producer unregisters, or stopping a registered
        streaming producer that is not paused (a paused one is waited for
        until it is resumed).  What was written is kept (and, in a pair,
        delivered to the peer before its end).  See the class docstring
        for when ``connectionLost`` is called.
        """
        if self.disconnected or self.disconnecting:
            return
        self.disconnecting = True
        self._updateHalted()
        self._reschedule()
        self._settleSoon()

    def abortConnection(self) -> None:
        """
        Close the connection now: drop the input not yet delivered and
        call ``connectionLost`` with
        :class:`~twisted.internet.error.ConnectionAborted` (with a clock and
        from outside the transport's calls into the protocol, on the
        clock's next ``advance``: see the class docstring).
        """
        if self.disconnected:
            return
        self.disconnecting = True
        if self._lossRequested is None:
            self._lossRequested = Failure(ConnectionAborted())
        self._updateHalted()
        self._reschedule()
        self._settleSoon()

    def loseWriteConnection(self) -> None:
        """
        Shut the write side, once no producer is registered: the peer's
        input ends after what was written, and a protocol that provides
        :class:`~twisted.internet.interfaces.IHalfCloseableProtocol` gets
        ``writeConnectionLost``.  Input is still delivered.
        """
        if self.disconnected or self._writeDisconnecting:
            return
        self._writeDisconnecting = True
        self._settleSoon()

    def getHost(self) -> TCPAddress:
        """
        :returns: This side's address, ``hostAddress``.
        """
        return self.hostAddress

    def getPeer(self) -> TCPAddress:
        """
        :returns: The peer's address, ``peerAddress``.
        """
        return self.peerAddress

    def getTcpNoDelay(self) -> bool:
        """
        :returns: The value last given to :meth:`setTcpNoDelay`, initially
            ``False``; it changes nothing here.
        """
        return self._noDelay

    def setTcpNoDelay(self, enabled: bool) -> None:
        """
        Record the ``TCP_NODELAY`` option.

        :param enabled: The option's value.
        """
        self._noDelay = bool(enabled)

    def getTcpKeepAlive(self) -> bool:
        """
        :returns: The value last given to :meth:`setTcpKeepAlive`, initially
            ``False``; it changes nothing here.
        """
        return self._keepAlive

    def setTcpKeepAlive(self, enabled: bool) -> None:
        """
        Record the ``SO_KEEPALIVE`` option.

        :param enabled: The option's value.
        """
        self._keepAlive = bool(enabled)

    # IConsumer

    def registerProducer(self, producer: IProducer, streaming: bool) -> None:
        """
        Register a producer of the data to write, as Twisted's transports
        do: a streaming one is paused past the high-water mark; a
        non-streaming one is asked for data now and whenever what was
        written is read down to the low-water mark.  If the connection is
        lost, the producer is stopped.

        :param producer: The producer.
        :param streaming: ``True`` for an ``IPushProducer``, ``False`` for
            an ``IPullProducer``.
        :raises RuntimeError: If a producer is already registered.
        """
        if self.producer is not None:
            raise RuntimeError(
                f"Cannot register producer {producer!r}, because producer "
                f"{self.producer!r} was never unregistered."
            )
        if self.disconnected:
            producer.stopProducing()
            return
        self.producer = producer
        self.streaming = bool(streaming)
        self._producerPaused = False
        if streaming:
            self._checkHighWater()
        else:
            self._pullRequested = True
            self._callProducer(cast(IPushProducer, producer).resumeProducing)

    def unregisterProducer(self) -> None:
        """
        Unregister the producer; a close that waited for it goes ahead.
        """
        self.producer = None
        self.streaming = None
        self._producerPaused = False
        self._pullRequested = False
        self._settleSoon()

    # IPushProducer: the protocol (or what it registered with) controls the
    # flow of input.

    def pauseProducing(self) -> None:
        """
        Stop delivering chunks, from the next one on, until
        :meth:`resumeProducing`.
        """
        if self.disconnected:
            return
        self._paused = True
        self._updateHalted()
        self._reschedule()

    def resumeProducing(self) -> None:
        """
        Allow chunks to be delivered again.  They are not delivered from
        within this call: without a clock, the next :meth:`feed` or
        :meth:`deliver` delivers them; with one, they are scheduled.
        """
        if self.disconnected:
            return
        self._paused = False
        self._updateHalted()
        self._reschedule()

    def stopProducing(self) -> None:
        """
        Close the connection, as Twisted's transports do:
        :meth:`loseConnection`.
        """
        self.loseConnection()

    # Delivery.

    def _checkInputOpen(self, action: str) -> None:
        if self._peer is not None:
            raise RuntimeError(
                f"cannot {action}: this transport is joined to a peer by "
                "connectChunked(); write with the peer protocol's transport instead"
            )
        if self.disconnected:
            raise RuntimeError(f"cannot {action}: {self._lostState()}")
        if self._inputEnded:
            raise RuntimeError(f"cannot {action}: feedEnd() already ended the input")

    def _checkNoPeer(self, method: str) -> None:
        if self._peer is not None:
            raise RuntimeError(
                f"{method} is not available on a transport joined to a peer by "
                "connectChunked(): what its protocol writes goes to the peer "
                "protocol; look at what that received"
            )

    def _lostState(self) -> str:
        reason = self.connectionLostReason
        name = "?" if reason is None else getattr(reason.type, "__name__", "?")
        return (
            f"the connection was lost ({name}) after {self.bytesDelivered} bytes "
            "were delivered"
        )

    def _append(self, data: bytes) -> None:
        """
        Add ``data`` to the input.
        """
        total = self._totalBytes
        if total is not None and self._fed + len(data) > total:
            raise ValueError(
                f"{self._policyLabel}{self.chunking!r} covers {total} bytes, but "
                f"{len(data)} more after {self._fed} make {self._fed + len(data)}: "
                f"the script does not add up to {self._inputName}"
            )
        if not self._busy and self._pos == len(self._head) and not self._queue:
            self._headBase += self._pos
            self._head = data
            self._pos = 0
        else:
            self._queue.append(data)
        self._fed += len(data)

    def _receive(self, data: bytes) -> None:
        """
        Take bytes that the peer's protocol wrote.
        """
        if self.disconnected or self._inputEnded or self._inputReset is not None:
            # Sent to a connection that is gone: lost, as on a network.
            self.bytesDiscarded += len(data)
            return
        self._append(data)
        self._reschedule()

    def _receiveEnd(self) -> None:
        """
        The peer shut its write side: the input ends after what it wrote.
        """
        if self.disconnected or self._inputEnded:
            return
        self._inputEnded = True
        self._reschedule()

    def _receiveReset(self, reason: Failure) -> None:
        """
        The peer's connection broke: this one breaks at its next delivery.
        """
        if self.disconnected or self._inputReset is not None:
            return
        self._inputReset = reason
        self._reschedule()

    def _hasWork(self) -> bool:
        """
        Whether a delivery now would do something.
        """
        if self.disconnected:
            return False
        if self._inputReset is not None:
            return True
        if self._halted:
            return False
        return self._fed > self._headBase + self._pos or self._inputEnded

    def _reschedule(self) -> None:
        """
        With a clock: schedule the next delivery if there is work, and
        cancel the scheduled one if there is none.
        """
        clock = self.clock
        if clock is None:
            return
        scheduled = self._scheduled
        if self._hasWork():
            if scheduled is None:
                self._scheduled = clock.callLater(next(self._delays), self._tick)
        elif scheduled is not None:
            self._scheduled = None
            scheduled.cancel()

    def _tick(self) -> None:
        """
        The clock's delivery of one chunk.
        """
        self._scheduled = None
        try:
            self._deliverNow(1)
        finally:
            self._reschedule()

    def _deliverNow(self, maxChunks: int | None) -> int:
        """
        Deliver what can be delivered now: a reset from the peer, then up to
        ``maxChunks`` chunks, then the break of a fault or the end of the
        input; then finish the closes the protocol asked for.

        :returns: How many chunks were delivered.
        """
        if self._busy or self.disconnected:
            return 0
        if self._inputReset is not None:
            self._requestLoss(self._inputReset)
            return 0
        count = 0
        breakAt = self._breakAt
        if not self._halted:
            if self._fed > self.bytesDelivered and (
                breakAt is None or self.bytesDelivered < breakAt
            ):
                self._busy = True
                try:
                    count = self._deliverChunks(maxChunks)
                except BaseException:
                    # The protocol (or the policy) raised: finish a close
                    # the protocol asked for, and let the error propagate.
                    self._busy = False
                    self._settle()
                    raise
                finally:
                    self._busy = False
            if not self._halted:
                delivered = self.bytesDelivered
                if breakAt is not None and delivered >= breakAt:
                    self._requestLoss(
                        Failure(
                            ConnectionLost(
                                f"the connection broke after {delivered} bytes, "
                                f"as {self.fault!r} says"
                            )
                        )
                    )
                elif self._inputEnded and delivered == self._fed:
                    self._endOfInput()
        self._settle()
        if count and self._peer is not None:
            self._peer._drained()
        return count

    def _deliverChunks(self, maxChunks: int | None) -> int:
        """
        Give the protocol chunks of the input until it pauses or closes,
        the input runs out or reaches the break point, or ``maxChunks``
        chunks were given.

        This is the hot path.  Per chunk it slices the input once, stores
        the position and calls ``dataReceived``; the cut points come from
        C iterators over a list of sizes, and the chunks are counted from
        how far that list was read, after the loop.

        :returns: How many chunks were given.
        """
        dataReceived = self.protocol.dataReceived
        queue = self._queue
        breakAt = self._breakAt
        count = 0
        try:
            while not self._halted and (maxChunks is None or count < maxChunks):
                head = self._head
                pos = self._pos
                end = len(head)
                if pos == end:
                    if not queue:
                        break
                    self._headBase += end
                    self._head = queue.popleft()
                    self._pos = 0
                    continue
                whole = True
                if breakAt is not None:
                    limit = breakAt - self._headBase
                    if limit <= pos:
                        break
                    if limit < end:
                        end = limit
                        whole = False
                batch = self._batch
                untilCut = self._untilCut or next(batch, 0)
                if not untilCut:
                    self._batch = iter(next(self._batches))
                    continue
                self._untilCut = 0
                # Cut points as offsets into head: the next cut, then one
                # more per size read from the batch.
                unread = length_hint(batch)
                cuts: Iterator[int] = itertools.accumulate(
                    batch, initial=pos + untilCut
                )
                if maxChunks is not None:
                    cuts = itertools.islice(cuts, maxChunks - count)
                tail = -1
                try:
                    for cut in cuts:
                        if cut >= end:
                            tail = cut
                            break
                        chunk = head[pos:cut]
                        pos = self._pos = cut
                        dataReceived(chunk)
                        # dataReceived may have paused or closed; mypy
                        # assumes the attribute is what the loop found.
                        if self._halted:
                            break  # type: ignore[unreachable]
                finally:
                    # Every cut read was a chunk given, but the one past
                    # the end.
                    count += unread - length_hint(batch) + (tail < 0)
                if tail < 0:
                    continue
                if whole and tail > end and queue:
                    # The chunk goes on into bytes fed later.
                    chunk = self._joinAcross(head, pos, tail)
                    count += 1
                    dataReceived(chunk)
                    continue
                # The chunk is cut short where the input (or the part before
                # the break point) ends.
                self._pos = end
                self._untilCut = tail - end
                count += 1
                dataReceived(head[pos:end])
        finally:
            self.chunksDelivered += count
        return count

    def _joinAcross(self, head: bytes, pos: int, tail: int) -> bytes:
        """
        Take the chunk that starts at ``head[pos:]`` and ends at the cut
        ``tail`` (an offset past the end of ``head``), in the bytes queued
        after ``head``; cut it short where they end, or at the break point.
        The state is left just after the chunk, with the segment it ends in
        as the new head, so that only the chunk is copied.

        :returns: The chunk.
        """
        queue = self._queue
        parts = [head[pos:]]
        base = self._headBase + len(head)
        cut = self._headBase + tail
        stop = cut if self._breakAt is None else min(cut, self._breakAt)
        newHead = b""
        newPos = 0
        while queue and base < stop:
            segment = queue.popleft()
            take = stop - base
            if take < len(segment):
                parts.append(segment[:take])
                newHead = segment
                newPos = take
                break
            parts.append(segment)
            base += len(segment)
        self._head = newHead
        self._headBase = base
        self._pos = newPos
        self._untilCut = cut - base - newPos
        return b"".join(parts)

    def _endOfInput(self) -> None:
        """
        Deliver the end of the input.
        """
        self.readDisconnected = True
        self._updateHalted()
        halfCloseable = self._halfCloseable
        if halfCloseable is None:
            self._requestLoss(Failure(ConnectionDone()))
            return
        self._busy = True
        try:
            halfCloseable.readConnectionLost()
        finally:
            self._busy = False

    # Closing.

    def _updateHalted(self) -> None:
        self._halted = (
            self._paused
            or self.disconnecting
            or self.disconnected
            or self.readDisconnected
            or self._lossRequested is not None
        )

    def _requestLoss(self, reason: Failure) -> None:
        """
        Lose the connection with ``reason``: now, or, while the transport is
        calling its protocol, once that call returns.
        """
        if self.disconnected:
            return
        if self._lossRequested is None:
            self._lossRequested = reason
        self._updateHalted()
        self._settle()

    def _closeAllowed(self) -> bool:
        """
        Whether a close asked for by ``loseConnection`` may go ahead as far
        as the producer goes: none is registered, or a streaming one that is
        not paused (which Twisted's TCP transport stops as it closes); a
        non-streaming one must finish and unregister first.
        """
        return self.producer is None or (
            bool(self.streaming) and not self._producerPaused
        )

    def _settleWork(self) -> bool:
        """
        Whether :meth:`_settle` has something to do now.
        """
        if self.disconnected:
            return False
        return (
            self._lossRequested is not None
            or (self.disconnecting and self._closeAllowed())
            or (
                self._writeDisconnecting
                and not self.writeDisconnected
                and self.producer is None
            )
        )

    def _settleSoon(self) -> None:
        """
        Finish a close asked for from outside the transport's calls into its
        protocol: with a clock, on the clock (as a real TCP transport does,
        in a later reactor iteration); without one, now.  Within such a
        call, the close is finished when it returns.
        """
        if self._busy or not self._settleWork():
            return
        clock = self.clock
        if clock is None:
            self._settle()
        elif self._settleCall is None:
            self._settleCall = clock.callLater(0, self._settleOnClock)

    def _settleOnClock(self) -> None:
        self._settleCall = None
        self._settle()

    def _callProducer(self, call: Callable[[], object]) -> None:
        """
        Call a method of the registered producer as a call into the
        protocol: closes it asks for wait until it returns.
        """
        if self._busy:
            call()
            return
        self._busy = True
        try:
            call()
        finally:
            self._busy = False
        self._settleSoon()

    def _settle(self) -> None:
        """
        Finish what the protocol asked for and can now be done: a loss of
        the connection, a close waiting for its producer, a shutdown of the
        write side.  Does nothing while the transport is calling its
        protocol.
        """
        while not self._busy and self._settleWork():
            if self._lossRequested is not None:
                self._lose(self._lossRequested)
            elif self.disconnecting and self._closeAllowed():
                self._lose(Failure(ConnectionDone()))
            else:
                self.writeDisconnected = True
                if self._peer is not None:
                    self._peer._receiveEnd()
                if self._halfCloseable is not None:
                    self._busy = True
                    try:
                        self._halfCloseable.writeConnectionLost()
                    finally:
                        self._busy = False

    def _lose(self, reason: Failure) -> None:
        """
        Lose the connection: drop the undelivered input, stop the producer,
        tell the peer, and call ``connectionLost`` (once).
        """
        if self.disconnected:
            return
        self.disconnected = True
        self.disconnecting = True
        self.connected = False
        self.connectionLostReason = reason
        self._lossRequested = None
        self._updateHalted()
        self._reschedule()
        settleCall = self._settleCall
        if settleCall is not None:
            self._settleCall = None
            settleCall.cancel()
        delivered = self.bytesDelivered
        self.bytesDiscarded += self._fed - delivered
        self._fed = self._headBase = delivered
        self._head = b""
        self._pos = 0
        self._queue.clear()
        producer = self.producer
        self.producer = None
        self.streaming = None
        peer = self._peer
        if peer is not None:
            if reason.check(ConnectionDone) is not None:
                if not self.writeDisconnected:
                    peer._receiveEnd()
            else:
                peer._receiveReset(Failure(ConnectionLost("Connection reset by peer")))
        self._busy = True
        try:
            if producer is not None:
                # If this raises, connectionLost is still called, and then
                # the error propagates.
                try:
                    producer.stopProducing()
                finally:
                    self.protocol.connectionLost(reason)
            else:
                self.protocol.connectionLost(reason)
        finally:
            self._busy = False

    # Flow control of what the protocol writes.

    def _unreadBytes(self) -> int:
        """
        How many bytes the protocol wrote that the peer has not read: kept
        here, or, in a pair, pending at the peer.
        """
        peer = self._peer
        if peer is None:
            return self._unread
        return peer.bytesPending

    def _checkHighWater(self) -> None:
        producer = self.producer
        if (
            producer is not None
            and self.streaming
            and not self._producerPaused
            and self._unreadBytes() > self.highWater
        ):
            self._producerPaused = True
            self._callProducer(cast(IPushProducer, producer).pauseProducing)

    def _drained(self) -> None:
        """
        The peer (or the test) read some of what the protocol wrote: resume
        a paused producer, or ask a non-streaming one for more, at the
        low-water mark.
        """
        producer = self.producer
        if producer is None or self.disconnected or self._unreadBytes() > self.lowWater:
            return
        if self.streaming:
            if self._producerPaused:
                self._producerPaused = False
                self._callProducer(cast(IPushProducer, producer).resumeProducing)
        elif not self._pullRequested:
            self._pullRequested = True
            self._callProducer(cast(IPushProducer, producer).resumeProducing)

    def __repr__(self) -> str:
        if self.disconnected:
            reason = self.connectionLostReason
            name = "?" if reason is None else getattr(reason.type, "__name__", "?")
            state = f"lost ({name})"
        elif self.disconnecting:
            state = "closing"
        else:
            state = "connected"
        notes = []
        if self._paused and not self.disconnected:
            notes.append("paused")
        if self._inputEnded:
            notes.append("input ended")
        if self.writeDisconnected:
            notes.append("write side shut")
        if self.producer is not None:
            kind = "streaming" if self.streaming else "pull"
            paused = ", paused" if self._producerPaused else ""
            notes.append(f"{kind} producer{paused}")
        written = (
            "writes go to the peer"
            if self._peer is not None
            else f"{self._unread} bytes written and unread"
        )
        extra = f" ({', '.join(notes)})" if notes else ""
        return (
            f"<ChunkedTransport {self.chunking!r} {state}{extra}: "
            f"{self.bytesDelivered} bytes delivered in {self.chunksDelivered} "
            f"chunks, {self.bytesPending} pending, {self.bytesDiscarded} "
            f"discarded; {written}>"
        )
