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

from twisted.internet.interfaces import (
    IOpenSSLClientConnectionCreator,
    IOpenSSLContextFactory,
    IOpenSSLServerConnectionCreator,
)
from twisted.protocols.tls import TLSMemoryBIOFactory, TLSMemoryBIOProtocol

from twistedtesting._teardown import Connection


class _ObservedTLSProtocol(TLSMemoryBIOProtocol):
    """
    A TLS layer that says when its handshake has completed, without asking
    the protocol it wraps to provide ``IHandshakeListener``.

    :ivar onHandshake: Called once, when the handshake has completed.
    """

    onHandshake: Callable[[], None] | None = None

    def _checkHandshakeStatus(self) -> None:
        # Twisted calls this whenever the handshake may have progressed, and
        # sets _handshakeDone when it has completed (the same in every
        # supported release; the TLS tests fail if that changes).
        super()._checkHandshakeStatus()  # type: ignore[no-untyped-call]
        if self._handshakeDone and self.onHandshake is not None:
            onHandshake, self.onHandshake = self.onHandshake, None
            onHandshake()


class ObservedTLSFactory(TLSMemoryBIOFactory):
    """
    Wraps each protocol a connection attempt's factory builds in TLS, and
    records the end of its handshake on the protocol's connection record.

    A protocol that stands in for a refused one is not wrapped: it only
    closes its connection.
    """

    protocol = _ObservedTLSProtocol

    def __init__(
        self,
        contextFactory: IOpenSSLContextFactory
        | IOpenSSLClientConnectionCreator
        | IOpenSSLServerConnectionCreator,
        isClient: bool,
        wrapped: Any,
    ) -> None:
        """
        :param contextFactory: The TLS connection creator or context factory.
        :param isClient: Whether this is the client side.
        :param wrapped: The attempt's factory; its ``buildTracked`` gives the
            protocol, its connection record and whether it stands in for a
            refused one.
        """
        super().__init__(contextFactory, isClient, wrapped)

    def buildProtocol(self, addr: Any) -> Any:
        built: tuple[Any, Connection, bool] | None = self.wrappedFactory.buildTracked(
            addr
        )
        if built is None:
            return None
        protocol, connection, standIn = built
        if standIn:
            return protocol
        layer = _ObservedTLSProtocol(self, protocol)
        connection.handshaken = False
        layer.onHandshake = connection.handshakeCompleted
        return layer
