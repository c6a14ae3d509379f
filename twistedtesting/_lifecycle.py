# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
The lifecycle of a connection, as one value.
"""

from __future__ import annotations

import enum

from twisted.internet.error import ConnectionDone
from twisted.python.failure import Failure


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
        return self._value_ in _READING

    @property
    def writing(self) -> bool:
        """
        Whether what the protocol writes is still sent.
        """
        return self._value_ in _WRITING

    @property
    def closing(self) -> bool:
        """
        Whether a close was asked for, or the connection is lost.
        """
        return self._value_ in _CLOSING

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


# The values of the states, not the states: a state's hash is Python code
# (Enum.__hash__), a string's is cached; a write asks for one.
_READING = frozenset(
    state.value for state in (ConnectionState.OPEN, ConnectionState.WRITE_SHUT)
)
_WRITING = frozenset(
    state.value
    for state in (
        ConnectionState.OPEN,
        ConnectionState.READ_SHUT,
        ConnectionState.CLOSING,
    )
)
_CLOSING = frozenset(
    state.value
    for state in (ConnectionState.CLOSING, ConnectionState.LOSING, ConnectionState.LOST)
)
_SHUT_READ = {
    ConnectionState.OPEN: ConnectionState.READ_SHUT,
    ConnectionState.WRITE_SHUT: ConnectionState.BOTH_SHUT,
}
_SHUT_WRITE = {
    ConnectionState.OPEN: ConnectionState.WRITE_SHUT,
    ConnectionState.READ_SHUT: ConnectionState.BOTH_SHUT,
}


SHUT_WRITE = "shut the write side"
"""
What :meth:`Lifecycle.nextStep` returns when the write side is to be shut.
"""


class Lifecycle:
    """
    A connection's :class:`ConnectionState` and the closes asked for that
    are not finished yet: it decides what a transport finishes next.

    :ivar state: The state.
    :ivar writeShut: Whether the write side was shut.
    """

    def __init__(self) -> None:
        self.state = ConnectionState.OPEN
        self.writeShut = False
        self._writeShutAsked = False
        self._lossReason: Failure | None = None

    @property
    def writing(self) -> bool:
        """
        Whether what the protocol writes is still sent.
        """
        return self.state.writing and not self._writeShutAsked

    def askClose(self) -> bool:
        """
        ``loseConnection``: close once what was written is sent.

        :returns: Whether this changed anything.
        """
        if self.state.closing:
            return False
        self.state = ConnectionState.CLOSING
        return True

    def askLoss(self, reason: Failure) -> bool:
        """
        Lose the connection with ``reason`` (an abort, a reset, a break);
        a loss asked for before keeps its reason.

        :returns: Whether this changed anything.
        """
        if self.state in (ConnectionState.LOSING, ConnectionState.LOST):
            return False
        self._lossReason = reason
        self.state = ConnectionState.LOSING
        return True

    def askWriteShut(self) -> bool:
        """
        ``loseWriteConnection``: shut the write side once no producer is
        registered.

        :returns: Whether this changed anything.
        """
        if self.state is ConnectionState.LOST or self._writeShutAsked:
            return False
        self._writeShutAsked = True
        return True

    def readShut(self) -> None:
        """
        The input ended, and the protocol can half-close.
        """
        self.state = self.state.shutRead()

    def nextStep(self, closeAllowed: bool, producing: bool) -> Failure | str | None:
        """
        What to finish now: the reason to lose the connection with,
        :data:`SHUT_WRITE`, or ``None`` for nothing.

        :param closeAllowed: Whether the producer lets a clean close go
            ahead.
        :param producing: Whether a producer is registered.
        """
        state = self.state
        if state is ConnectionState.LOSING:
            assert self._lossReason is not None
            return self._lossReason
        if state is ConnectionState.CLOSING and closeAllowed:
            return Failure(ConnectionDone())
        if (
            self._writeShutAsked
            and state.writing
            and not producing
            and not self.writeShut
        ):
            return SHUT_WRITE
        return None

    def shutWrite(self) -> None:
        """
        The write side is shut.
        """
        self.state = self.state.shutWrite()
        self.writeShut = True

    def lost(self) -> None:
        """
        ``connectionLost`` is being called.
        """
        self.state = ConnectionState.LOST
        self._lossReason = None
