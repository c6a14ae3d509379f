# -*- test-case-name: twistedtesting.test.test_relay -*-
"""
:class:`Relay`: one direction of a connection through a
:class:`twistedtesting.FaultProxy`: the bytes one socket read, through
links, to the other socket, with a record of how they were cut.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from typing import Protocol

from twisted.internet.interfaces import IReactorTime
from twisted.python.failure import Failure

from twistedtesting._link import Link
from twistedtesting._proxypolicy import NO_FAULTS, ProxyPolicy
from twistedtesting._record import DeliveryRecord


class LazyRandom:
    """
    A random generator seeded with ``seed``, made the first time it is
    asked for: a connection through a proxy gets its seed when it is
    accepted, but most never draw from it (only jitter does), and seeding a
    generator costs more than the rest of accepting a connection.  Made
    later, it draws the same numbers as made at once.

    :ivar seed: The seed.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._made: random.Random | None = None

    def __call__(self) -> random.Random:
        """
        The generator: the same one every time.
        """
        made = self._made
        if made is None:
            made = self._made = random.Random(self.seed)
        return made


class RelayOutput(Protocol):
    """
    Where a :class:`Relay` forwards to: the socket on its far side.
    """

    def forward(self, data: bytes) -> None:
        """
        Write ``data`` to the socket.
        """

    def forwardEnd(self) -> None:
        """
        The input ended cleanly, after every byte: shut the socket's
        writing side.
        """

    def forwardReset(self, reason: Failure) -> None:
        """
        The direction was reset: reset the socket, dropping what it buffers.
        """

    def forwardBreak(self, reason: Failure) -> None:
        """
        The direction broke after the bytes forwarded: close the socket
        after them.
        """

    def backlogChanged(self) -> None:
        """
        Bytes were forwarded or dropped: :attr:`Relay.bytesPending` fell.
        """


class Relay:
    """
    One direction of a proxied connection: the bytes read from one socket
    (``send``), on their way to the other (a ``RelayOutput``),
    through a :class:`twistedtesting.Link` with the direction's
    :class:`twistedtesting.ProxyPolicy`.

    A change of policy (``change``) applies to the bytes sent from then
    on: they go into a new link, which delivers once the links before it
    have delivered all of theirs, so that nothing is reordered.  The bytes
    already on their way keep the policy they were sent under, as packets
    in flight do.

    :ivar name: The direction's name, ``"toServer"`` or ``"toClient"``.
    :ivar chunkSizes: The size of every chunk forwarded, in order.
    :ivar chunkTimes: The reactor's time when each was forwarded.
    :ivar bytesReceived: How many bytes the direction was sent.
    :ivar bytesForwarded: How many bytes it forwarded.
    :ivar ended: Whether the sending socket shut its side.
    :ivar endForwarded: Whether that end was forwarded.
    :ivar resetReason: Why the direction broke or was reset, or ``None``.
    """

    def __init__(
        self,
        name: str,
        policy: ProxyPolicy,
        clock: IReactorTime,
        rng: Callable[[], random.Random],
        output: RelayOutput,
    ) -> None:
        """
        :param rng: Gives the generator the links draw from, when one needs
            it (such as a :class:`LazyRandom`).
        """
        self.name = name
        self.policy = policy
        self.chunkSizes: list[int] = []
        self.chunkTimes: list[float] = []
        self.bytesReceived = 0
        self.bytesForwarded = 0
        self.ended = False
        self.endForwarded = False
        self.resetReason: Failure | None = None
        self._clock = clock
        self._rng = rng
        self._output = output
        self._links: deque[Link] = deque()
        self._held = False
        self._resetting = False
        self._closed = False

    @property
    def policy(self) -> ProxyPolicy:
        """The policy of the bytes sent now."""
        return self._policy

    @policy.setter
    def policy(self, policy: ProxyPolicy) -> None:
        self._policy = policy
        self._plain = policy is NO_FAULTS or policy == NO_FAULTS

    def _addLink(self) -> Link:
        """
        Make a link with the policy for the bytes sent from now on; it waits
        until the links before it have delivered everything.
        """
        link = self._policy.makeLink(self._clock, self._rng(), self.bytesReceived)
        link.receiver = self
        link.onDrained = self._output.backlogChanged
        if self._links:
            link.pause()
        if self._held:
            link.hold()
        self._links.append(link)
        return link

    def _current(self) -> Link:
        """
        The link the bytes sent now go into, made when first needed.
        """
        return self._links[-1] if self._links else self._addLink()

    @property
    def bytesPending(self) -> int:
        """How many bytes were sent and are neither forwarded nor dropped."""
        links = self._links
        if not links:
            return 0
        return sum(link.bytesPending for link in links)

    @property
    def held(self) -> bool:
        """Whether ``hold`` stalls the direction."""
        return self._held

    @property
    def closed(self) -> bool:
        """Whether the direction forwards nothing more."""
        return self._closed

    def record(self) -> DeliveryRecord:
        """
        The chunks forwarded so far, as a :class:`twistedtesting.DeliveryRecord`
        (whose ``toScript()`` replays the same cuts in memory).
        """
        return DeliveryRecord(tuple(self.chunkSizes), tuple(self.chunkTimes))

    # The sending socket's side.

    def _direct(self) -> bool:
        """
        Whether what is sent now may be forwarded at once: the policy has no
        fault, delay or cut, nothing is held or waits, and no reset is on
        its way.  The link would forward it as it came, on the reactor's
        next turn; forwarding it in this one is the same, and cheaper.
        """
        links = self._links
        return (
            self._plain
            and not self._held
            and not self._resetting
            and (not links or (len(links) == 1 and not links[0].bytesPending))
        )

    def send(self, data: bytes) -> None:
        """
        Take bytes read from the sending socket.
        """
        if self._closed or self.ended:
            return
        if self._direct():
            self.bytesReceived += len(data)
            self._forward(data)
            return
        # The link counts the bytes before it for its breakAfter.
        link = self._current()
        self.bytesReceived += len(data)
        link.send(data)

    def sendEnd(self) -> None:
        """
        The sending socket shut its side: forward the end after every byte.
        """
        if self._closed or self.ended:
            return
        self.ended = True
        if self._direct():
            self.inputEnded()
            return
        self._current().sendEnd()

    def reset(self, reason: Failure) -> None:
        """
        Reset the direction: once the reset arrives (after the latency), the
        bytes not forwarded are dropped and the far socket is reset.
        """
        if self._closed or self._resetting:
            return
        direct = self._direct()
        self._resetting = True
        if direct:
            self.inputReset(reason)
            return
        (self._links[0] if self._links else self._addLink()).sendReset(reason)

    # Control, for the proxy.

    def change(self, policy: ProxyPolicy) -> None:
        """
        Use ``policy`` for the bytes sent from now on.
        """
        if policy == self.policy:
            return
        self.policy = policy
        if self._closed or self.ended or not self._links:
            return
        self._addLink()
        self._retire()

    def hold(self) -> None:
        """
        Stall the direction: nothing is forwarded until :meth:`release`.
        """
        self._held = True
        for link in self._links:
            link.hold()

    def release(self) -> None:
        """
        End a :meth:`hold`: what arrived meanwhile is forwarded.
        """
        self._held = False
        for link in self._links:
            link.release()

    def close(self) -> None:
        """
        The far socket is gone, or the proxy stops: drop what is pending,
        forward nothing more, and cancel every timer.
        """
        if self._closed:
            return
        self._closed = True
        for link in self._links:
            link.close()

    # What the links deliver to (LinkReceiver).

    def deliveryDue(self, link: Link, maxChunks: int | None, now: float | None) -> int:
        """
        Forward what is due on the first link; the later links wait.
        """
        if self._closed or link is not self._links[0]:
            return 0
        count = link.pour(self._forward, maxChunks, now)
        self._retire()
        return count

    def inputEnded(self) -> None:
        """
        The end of the input went through: shut the far socket's side.
        """
        self.endForwarded = True
        self._output.forwardEnd()

    def inputReset(self, reason: Failure) -> None:
        """
        A reset went through: reset the far socket.  Or the link broke
        (its ``breakAfter``): close the far socket after the bytes before
        the break.
        """
        if self.resetReason is None:
            self.resetReason = reason
        self.close()
        if self._resetting:
            self._output.forwardReset(reason)
        else:
            self._output.forwardBreak(reason)

    def _forward(self, chunk: bytes) -> None:
        self.chunkSizes.append(len(chunk))
        self.chunkTimes.append(self._clock.seconds())
        self.bytesForwarded += len(chunk)
        self._output.forward(chunk)

    def _retire(self) -> None:
        """
        Drop the first links once they have delivered everything, and let
        the next one deliver.
        """
        links = self._links
        if self._resetting or self._closed:
            return
        while len(links) > 1 and not links[0].bytesPending:
            links.popleft().close()
            links[0].resume()

    def __repr__(self) -> str:
        notes = []
        if self._held:
            notes.append("held")
        if self.endForwarded:
            notes.append("end forwarded")
        elif self.ended:
            notes.append("ended")
        if self.resetReason is not None:
            notes.append(f"reset ({self.resetReason.getErrorMessage()})")
        elif self._closed:
            notes.append("closed")
        extra = f", {', '.join(notes)}" if notes else ""
        return (
            f"<Relay {self.name} {self.policy!r}: {self.bytesForwarded} of "
            f"{self.bytesReceived} bytes forwarded in {len(self.chunkSizes)} "
            f"chunks{extra}>"
        )
