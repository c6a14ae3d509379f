# -*- test-case-name: twistedtesting.test.test_link -*-
"""
The interfaces where a :class:`twistedtesting.Link` meets the ends of a
connection: what it delivers to (:class:`LinkReceiver`) and what an end
writes into (:class:`Outbound`, which a link provides).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from twisted.python.failure import Failure

if TYPE_CHECKING:
    from twistedtesting._link import Link


class LinkReceiver(Protocol):
    """
    What a :class:`Link` delivers to: the receiving end of a connection,
    such as a :class:`twistedtesting.ChunkedTransport`.
    """

    def deliveryDue(self, link: Link, maxChunks: int | None, now: float | None) -> int:
        """
        Bytes (or the end of the input, or a reset) are due: take them now,
        if the receiver can, by calling ``link.pour`` with the function to
        give each chunk to.

        :returns: How many chunks were delivered.
        """

    def inputEnded(self) -> None:
        """
        The sender shut its side, and every byte before was delivered.
        """

    def inputReset(self, reason: Failure) -> None:
        """
        The connection broke: the bytes not yet delivered are gone.
        """


class Outbound(Protocol):
    """
    Where a :class:`twistedtesting.ChunkedTransport`'s writes go: a
    :class:`Link` to the peer, or, standing alone, the test's
    :class:`twistedtesting.TestPeer`.

    :ivar onDrained: Set by the transport: called when the other side took
        some of the bytes, for the transport's flow control.
    """

    onDrained: Callable[[], object]

    @property
    def bytesPending(self) -> int:
        """
        Bytes written and not yet taken by the other side.
        """

    def send(self, data: bytes) -> None:
        """
        Send bytes.
        """

    def sendEnd(self) -> None:
        """
        Shut the sending side cleanly.
        """

    def sendReset(self, reason: Failure) -> None:
        """
        Reset the connection.
        """
