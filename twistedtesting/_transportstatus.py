# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
:class:`TransportStatus`: what a :class:`twistedtesting.ChunkedTransport`
tells about itself: its state as Twisted's transports name it, its
counters, its addresses and its TCP options.
"""

from __future__ import annotations

from typing import Literal

from twisted.internet.interfaces import IProducer
from twisted.python.failure import Failure

from twistedtesting._chunkchecks import TCPAddress
from twistedtesting._driver import ProtocolDriver
from twistedtesting._flow import WriteFlow
from twistedtesting._lifecycle import ConnectionState, Lifecycle
from twistedtesting._link import Link

_State = ConnectionState


class TransportStatus:
    """
    The read-only side of a transport, and its recorded TCP options: a base
    of :class:`twistedtesting.ChunkedTransport`, which sets the attributes
    below.

    :ivar inbound: The link the protocol's input comes through.
    :ivar driver: What calls into the protocol.
    :ivar lifecycle: The connection's state and the closes asked for.
    :ivar flow: The flow control of what the protocol writes.
    :ivar hostAddress: What :meth:`getHost` returns.
    :ivar peerAddress: What :meth:`getPeer` returns.
    """

    inbound: Link
    driver: ProtocolDriver
    lifecycle: Lifecycle
    flow: WriteFlow
    hostAddress: TCPAddress
    peerAddress: TCPAddress
    _readPaused: bool
    _noDelay: bool
    _keepAlive: bool

    # The state, as Twisted's transports name it.

    @property
    def state(self) -> ConnectionState:
        """The connection's :class:`twistedtesting.ConnectionState`."""
        return self.lifecycle.state

    @property
    def producer(self) -> IProducer | None:
        """The registered producer, or ``None``."""
        return self.flow.producer

    @property
    def streaming(self) -> bool | None:
        """Whether the registered producer is streaming, or ``None``."""
        return self.flow.streaming

    @property
    def connected(self) -> bool:
        """``True`` until the connection is lost."""
        return self.state is not _State.LOST

    @property
    def disconnecting(self) -> bool:
        """``True`` once a close was asked for, or the connection is lost."""
        return self.state.closing

    @property
    def disconnected(self) -> bool:
        """``True`` once ``connectionLost`` was called."""
        return self.state is _State.LOST

    @property
    def writeDisconnected(self) -> bool:
        """``True`` once the write side is shut."""
        return self.lifecycle.writeShut

    @property
    def readDisconnected(self) -> bool:
        """``True`` once the end of the input was delivered."""
        return self.inbound.endDelivered

    @property
    def busy(self) -> bool:
        """Whether the transport is calling its protocol (or its producer) now."""
        return self.driver.busy

    @property
    def connectionLostReason(self) -> Failure | None:
        """The failure given to ``connectionLost``, or ``None``."""
        return self.driver.connectionLostReason

    @property
    def bytesDelivered(self) -> int:
        """How many bytes the protocol was given."""
        return self.inbound.bytesDelivered

    @property
    def chunksDelivered(self) -> int:
        """How many chunks the protocol was given."""
        return self.inbound.chunksDelivered

    @property
    def bytesPending(self) -> int:
        """How many bytes were sent to the protocol and not yet delivered."""
        return self.inbound.bytesPending

    @property
    def bytesDiscarded(self) -> int:
        """How many bytes sent to the protocol were dropped, never delivered."""
        return self.inbound.bytesDiscarded

    @property
    def producerState(self) -> Literal["producing", "paused", "stopped"]:
        """
        This transport's state as a producer of input, named as
        ``StringTransport`` names it.
        """
        if self.disconnecting or self.readDisconnected:
            return "stopped"
        return "paused" if self._readPaused else "producing"

    # ITCPTransport's addresses and options.

    def getHost(self) -> TCPAddress:
        """:returns: This side's address."""
        return self.hostAddress

    def getPeer(self) -> TCPAddress:
        """:returns: The peer's address."""
        return self.peerAddress

    def getTcpNoDelay(self) -> bool:
        """The value last given to :meth:`setTcpNoDelay`, at first ``False``."""
        return self._noDelay

    def setTcpNoDelay(self, enabled: bool) -> None:
        """Record the ``TCP_NODELAY`` option; it changes nothing here."""
        self._noDelay = bool(enabled)

    def getTcpKeepAlive(self) -> bool:
        """The value last given to :meth:`setTcpKeepAlive`, at first ``False``."""
        return self._keepAlive

    def setTcpKeepAlive(self, enabled: bool) -> None:
        """Record the ``SO_KEEPALIVE`` option; it changes nothing here."""
        self._keepAlive = bool(enabled)
