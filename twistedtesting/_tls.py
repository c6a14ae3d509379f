# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
TLS for :func:`twistedtesting.connectedPair`: Twisted's memory-BIO TLS
layer, with the protocol it wraps being the user's own, and with the end of
the handshake observed.

Imported only when TLS is asked for, since Twisted's TLS needs pyOpenSSL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.protocols.tls import TLSMemoryBIOFactory, TLSMemoryBIOProtocol

from twistedtesting._observe import ObservedConnection


class _ObservedTLSProtocol(TLSMemoryBIOProtocol):
    """
    A TLS layer that says when its handshake has completed, without asking
    the protocol it wraps to provide ``IHandshakeListener``.

    It says so only once the call that completed the handshake has returned
    (``makeConnection`` or ``dataReceived``, the transport's calls), by which
    time Twisted has sent what the protocol wrote while the handshake went
    on: a test that writes as soon as the pair is ready cannot get ahead of
    what the protocol wrote in ``connectionMade``.

    Twisted's only public way to hear of the end of the handshake is to
    call the wrapped protocol's ``handshakeCompleted``, and it calls it
    before sending what was held back, from inside ``dataReceived``; the
    protocol is the user's own, which need not provide
    ``IHandshakeListener``.  So the layer reads ``_handshakeDone``, which
    every supported Twisted release sets when the handshake has completed
    (the TLS tests fail if that changes).

    :ivar onHandshake: Called once, when the handshake has completed.
    """

    onHandshake: Callable[[], None] | None = None

    def makeConnection(self, transport: Any) -> None:
        super().makeConnection(transport)  # type: ignore[no-untyped-call]
        self._reportHandshake()

    def dataReceived(self, data: bytes) -> None:
        super().dataReceived(data)  # type: ignore[no-untyped-call]
        self._reportHandshake()

    def _reportHandshake(self) -> None:
        if self.onHandshake is not None and self._handshakeDone:
            onHandshake, self.onHandshake = self.onHandshake, None
            onHandshake()


class ObservedTLSFactory(TLSMemoryBIOFactory):
    """
    Wraps each protocol a connection attempt's factory builds in TLS, and
    records the end of its handshake on the protocol's connection record.

    A protocol that stands in for a refused one is not wrapped: it only
    closes its connection.

    It is made as :class:`~twisted.protocols.tls.TLSMemoryBIOFactory` is:
    with the TLS connection creator or context factory, whether it is the
    client side, and the attempt's factory, whose ``buildTracked`` gives the
    protocol to wrap (the observer of the user's), its connection record
    and whether it stands in for a refused one.
    """

    protocol = _ObservedTLSProtocol

    def buildProtocol(self, addr: Any) -> Any:
        built: tuple[Any, ObservedConnection, bool] | None = (
            self.wrappedFactory.buildTracked(addr)
        )
        if built is None:
            return None
        protocol, record, standIn = built
        if standIn:
            return protocol
        layer = _ObservedTLSProtocol(self, protocol)
        record.handshaken = False
        layer.onHandshake = record.handshakeCompleted
        return layer
