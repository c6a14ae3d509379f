# -*- test-case-name: twistedtesting.test.test_starttls -*-
"""
STARTTLS for chunked transports: a TLS layer put between a transport and its
protocol mid-stream, as Twisted's TCP transports do it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from twisted.internet.interfaces import IProducer, ISSLTransport
from zope.interface import directlyProvides, providedBy

if TYPE_CHECKING:
    from twisted.protocols.tls import TLSMemoryBIOProtocol

    from twistedtesting._chunked import ChunkedTransport


class RawEnd:
    """
    The side of a :class:`twistedtesting.ChunkedTransport` under its TLS
    layer: it writes to the transport's outbound and closes the connection
    as it is.  Without TLS, the transport writes and closes through it; with
    TLS, it is the TLS layer's transport.  Anything else is the transport's
    own.
    """

    def __init__(self, transport: ChunkedTransport) -> None:
        self._transport = transport

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def write(self, data: bytes) -> None:
        """
        Send ``data`` as it is, unless the write side is shut or the
        connection is being lost.
        """
        transport = self._transport
        if data and transport.lifecycle.writing:
            transport.outbound.send(data)
            transport.flow.wrote()

    def writeSequence(self, data: Iterable[bytes]) -> None:
        """
        Send each of ``data`` as it is.
        """
        self.write(b"".join(data))

    def loseConnection(self) -> None:
        """
        Close the connection once what was written is sent.
        """
        transport = self._transport
        if transport.lifecycle.askClose():
            transport.inbound.pause()
            transport.driver.settleSoon()

    def registerProducer(self, producer: IProducer, streaming: bool) -> None:
        """
        Register ``producer`` with the transport's flow control; a producer
        registered after the connection was lost is stopped at once.
        """
        transport = self._transport
        if transport.disconnected and transport.flow.producer is None:
            producer.stopProducing()
            return
        transport.flow.register(producer, streaming)

    def unregisterProducer(self) -> None:
        """
        Unregister the producer; a close that waited for it goes ahead.
        """
        transport = self._transport
        transport.flow.unregister()
        transport.driver.settleSoon()


def startTLS(
    transport: ChunkedTransport, contextFactory: Any, normal: bool
) -> TLSMemoryBIOProtocol:
    """
    Put a TLS layer between ``transport`` and its protocol, as Twisted's own
    ``startTLS`` does for TCP: see
    :meth:`twistedtesting.ChunkedTransport.startTLS`.

    :returns: The TLS layer.
    :raises RuntimeError: If TLS was already started.
    """
    if transport.tlsLayer is not None:
        raise RuntimeError("startTLS(): TLS was already started")
    from twisted.protocols.tls import TLSMemoryBIOFactory, TLSMemoryBIOProtocol

    client = transport.tlsClient if normal else not transport.tlsClient
    flow = transport.flow
    producer, streaming = flow.producer, flow.streaming
    if producer is not None:
        transport.raw.unregisterProducer()
    # No wrapped factory, as in Twisted's own startTLS: the TLS protocol
    # wraps the protocol already connected.
    factory = TLSMemoryBIOFactory(contextFactory, client, None)  # type: ignore[arg-type]
    # The unbuffered TLS protocol: the buffering one (the factory's default)
    # flushes on the global reactor, which a test's clock never runs.
    tls = TLSMemoryBIOProtocol(factory, transport.protocol, False)
    driver = transport.driver
    driver.protocol = tls
    if driver.busy:
        # The bytes after the chunk being delivered go to the TLS layer.
        transport.inbound.interrupt()
    transport.getPeerCertificate = tls.getPeerCertificate  # type: ignore[attr-defined]
    transport.getHandle = tls.getHandle  # type: ignore[attr-defined]
    directlyProvides(transport, providedBy(transport), ISSLTransport)
    transport.tlsLayer = tls
    tls.makeConnection(transport.raw)
    if producer is not None:
        tls.registerProducer(producer, bool(streaming))
    return tls
