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
    The transport that the TLS layer of a
    :class:`twistedtesting.ChunkedTransport` writes its records to and closes:
    it bypasses the TLS layer, and goes to the transport's outbound as it
    is.  Anything else is the transport's own.
    """

    def __init__(self, transport: ChunkedTransport) -> None:
        self._transport = transport

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def write(self, data: bytes) -> None:
        """
        Send TLS records as they are.
        """
        self._transport.writeRaw(data)

    def writeSequence(self, data: Iterable[bytes]) -> None:
        """
        Send TLS records as they are.
        """
        self._transport.writeRaw(b"".join(data))

    def loseConnection(self) -> None:
        """
        Close the connection under TLS, once TLS has shut down.
        """
        self._transport.loseRawConnection()

    def registerProducer(self, producer: IProducer, streaming: bool) -> None:
        """
        Register the TLS layer's producer with the transport itself.
        """
        self._transport.flowRegister(producer, streaming)

    def unregisterProducer(self) -> None:
        """
        Unregister it.
        """
        self._transport.flowUnregister()


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
        transport.flowUnregister()
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
    tls.makeConnection(RawEnd(transport))
    if producer is not None:
        tls.registerProducer(producer, bool(streaming))
    return tls
