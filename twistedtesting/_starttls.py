# -*- test-case-name: twistedtesting.test.test_starttls -*-
"""
STARTTLS for chunked transports: a TLS layer put between a transport and its
protocol mid-stream, as Twisted's TCP transports do it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from twisted.internet.interfaces import IProducer

if TYPE_CHECKING:
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
