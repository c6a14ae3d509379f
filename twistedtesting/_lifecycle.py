# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
The lifecycle of a connection, as one value.
"""

from __future__ import annotations

import enum


class ConnectionState(enum.Enum):
    """
    Where a connection is in its life.  A
    :class:`twistedtesting.ChunkedTransport` holds one of these as its
    ``state``; its ``connected``, ``disconnecting`` and ``disconnected``
    follow from it.
    """

    OPEN = "open"
    """
    Both sides are open.
    """

    READ_SHUT = "input ended"
    """
    The peer shut its side, and the protocol, which provides
    ``IHalfCloseableProtocol``, got ``readConnectionLost``; it may write.
    """

    WRITE_SHUT = "write side shut"
    """
    The protocol shut its write side (``loseWriteConnection``); input is
    still delivered.
    """

    BOTH_SHUT = "both sides shut"
    """
    Both sides are shut; the connection stays until the protocol closes it.
    """

    CLOSING = "closing"
    """
    The protocol asked to close (``loseConnection``): no more input; what
    it wrote, and writes in the same turn, go out before the end.
    """

    LOSING = "losing"
    """
    The connection is being lost (an abort, a reset, a break, or the end of
    the input of a protocol that cannot half-close): nothing more is read or
    written, and ``connectionLost`` comes next.
    """

    LOST = "lost"
    """
    ``connectionLost`` was called.
    """

    @property
    def reading(self) -> bool:
        """
        Whether input may still be delivered.
        """
        return self in _READING

    @property
    def writing(self) -> bool:
        """
        Whether what the protocol writes is still sent.
        """
        return self in _WRITING

    @property
    def closing(self) -> bool:
        """
        Whether a close was asked for, or the connection is lost.
        """
        return self in _CLOSING

    def shutRead(self) -> ConnectionState:
        """
        The state once the input ended, for a half-closeable protocol.
        """
        return _SHUT_READ.get(self, self)

    def shutWrite(self) -> ConnectionState:
        """
        The state once the write side is shut.
        """
        return _SHUT_WRITE.get(self, self)


_READING = frozenset({ConnectionState.OPEN, ConnectionState.WRITE_SHUT})
_WRITING = frozenset(
    {ConnectionState.OPEN, ConnectionState.READ_SHUT, ConnectionState.CLOSING}
)
_CLOSING = frozenset(
    {ConnectionState.CLOSING, ConnectionState.LOSING, ConnectionState.LOST}
)
_SHUT_READ = {
    ConnectionState.OPEN: ConnectionState.READ_SHUT,
    ConnectionState.WRITE_SHUT: ConnectionState.BOTH_SHUT,
}
_SHUT_WRITE = {
    ConnectionState.OPEN: ConnectionState.WRITE_SHUT,
    ConnectionState.READ_SHUT: ConnectionState.BOTH_SHUT,
}
