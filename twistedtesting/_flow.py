# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
:class:`WriteFlow`: the flow control of what a protocol writes, as
Twisted's transports do it with a registered producer and water marks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from twisted.internet.interfaces import IProducer, IPushProducer


class WriteFlow:
    """
    The producer registered with a transport, paused and resumed by how
    many written bytes the other side has not taken yet.

    A streaming producer is paused when more than ``highWater`` bytes are
    pending, and resumed when they are down to ``lowWater``; a
    non-streaming one is asked for data when it registers, and again each
    time what it wrote is taken down to ``lowWater``.

    :ivar producer: The registered producer, or ``None``.
    :ivar streaming: Whether it is streaming, or ``None``.
    :ivar paused: Whether a streaming producer is paused by this flow.
    """

    def __init__(
        self,
        pending: Callable[[], int],
        highWater: int,
        lowWater: int,
        callProducer: Callable[[Callable[[], object]], None],
    ) -> None:
        """
        :param pending: How many written bytes are not taken yet.
        :param highWater: The high-water mark.
        :param lowWater: The low-water mark.
        :param callProducer: Calls a method of the producer as the
            transport calls into its protocol (closes asked for meanwhile
            wait until it returns).
        """
        self._pending = pending
        self.highWater = highWater
        self.lowWater = lowWater
        self._callProducer = callProducer
        self.producer: IProducer | None = None
        self.streaming: bool | None = None
        self.paused = False
        self._pullRequested = False

    def register(self, producer: IProducer, streaming: bool) -> None:
        """
        Register ``producer``: pause a streaming one at once if past the
        high-water mark; ask a non-streaming one for data.

        :raises RuntimeError: If a producer is already registered.
        """
        if self.producer is not None:
            raise RuntimeError(
                f"Cannot register producer {producer!r}, because producer "
                f"{self.producer!r} was never unregistered."
            )
        self.producer = producer
        self.streaming = bool(streaming)
        self.paused = False
        if streaming:
            self.wrote()
        else:
            self._pullRequested = True
            self._callProducer(cast(IPushProducer, producer).resumeProducing)

    def unregister(self) -> IProducer | None:
        """
        Forget the producer.

        :returns: The producer that was registered, or ``None``.
        """
        producer = self.producer
        self.producer = None
        self.streaming = None
        self.paused = False
        self._pullRequested = False
        return producer

    def closeAllowed(self) -> bool:
        """
        Whether a ``loseConnection`` may go ahead as far as the producer
        goes: none is registered, or a streaming one that is not paused
        (which Twisted's TCP transport stops as it closes); a non-streaming
        one must finish and unregister first.
        """
        return self.producer is None or (bool(self.streaming) and not self.paused)

    def wrote(self) -> None:
        """
        The protocol wrote: a non-streaming producer's request is answered,
        and a streaming one is paused past the high-water mark.
        """
        self._pullRequested = False
        producer = self.producer
        if (
            producer is not None
            and self.streaming
            and not self.paused
            and self._pending() > self.highWater
        ):
            self.paused = True
            self._callProducer(cast(IPushProducer, producer).pauseProducing)

    def drained(self) -> None:
        """
        The other side took some of what was written: resume a paused
        producer, or ask a non-streaming one for more, at the low-water
        mark.
        """
        producer = self.producer
        if producer is None or self._pending() > self.lowWater:
            return
        if self.streaming:
            if self.paused:
                self.paused = False
                self._callProducer(cast(IPushProducer, producer).resumeProducing)
        elif not self._pullRequested:
            self._pullRequested = True
            self._callProducer(cast(IPushProducer, producer).resumeProducing)

    def describe(self) -> str | None:
        """
        :returns: What a ``repr`` says of the producer, or ``None``.
        """
        if self.producer is None:
            return None
        kind = "streaming" if self.streaming else "pull"
        return f"{kind} producer{', paused' if self.paused else ''}"
