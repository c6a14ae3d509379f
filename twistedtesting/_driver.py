# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
:class:`ProtocolDriver`: what calls into the protocol of a
:class:`twistedtesting.ChunkedTransport`.  It takes the chunks its link
delivers, and finishes the closes the connection's lifecycle asks for, never
from within a call into the protocol.
"""

from __future__ import annotations

from collections.abc import Callable

from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.interfaces import (
    IDelayedCall,
    IHalfCloseableProtocol,
    IProtocol,
    IReactorTime,
)
from twisted.logger import Logger
from twisted.python.failure import Failure

from twistedtesting._flow import WriteFlow
from twistedtesting._lifecycle import ConnectionState, Lifecycle
from twistedtesting._link import Link
from twistedtesting._linkends import Outbound

log = Logger()


class ProtocolDriver:
    """
    The one place that calls into a transport's protocol and its producer:
    the receiver of the transport's inbound link (a
    :class:`twistedtesting.LinkReceiver`), and the finisher of closes.

    A close asked for from within a call into the protocol (or its
    producer) is finished once that call returns; asked for from anywhere
    else, with a clock, on it (``callLater(0)``), or without one by the next
    delivery.

    :ivar protocol: The protocol.
    :ivar lifecycle: The connection's :class:`Lifecycle`.
    :ivar flow: The :class:`WriteFlow` of what the protocol writes.
    :ivar connectionLostReason: The failure given to ``connectionLost``, or
        ``None``.
    """

    def __init__(
        self,
        protocol: IProtocol,
        inbound: Link,
        outbound: Outbound,
        clock: IReactorTime | None,
        highWater: int,
        lowWater: int,
        protocolErrors: str = "raise",
    ) -> None:
        """
        :param protocolErrors: ``"raise"`` to let an exception from
            ``dataReceived`` propagate to the caller of the delivery;
            ``"close"`` to log it and close the connection, as Twisted's
            reactor does.
        """
        self.protocol = protocol
        self._closeOnError = protocolErrors == "close"
        self.lifecycle = Lifecycle()
        self.flow = WriteFlow(
            lambda: outbound.bytesPending, highWater, lowWater, self.callProducer
        )
        self.connectionLostReason: Failure | None = None
        self._inbound = inbound
        self._outbound = outbound
        self._clock = clock
        self._busy = False
        self._settleCall: IDelayedCall | None = None
        self._halfCloseable: IHalfCloseableProtocol | None = IHalfCloseableProtocol(
            protocol, None
        )

    @property
    def busy(self) -> bool:
        """
        Whether it is calling the protocol (or its producer) now.
        """
        return self._busy

    def call(self, function: Callable[..., object], *args: object) -> None:
        """
        Call into the protocol (or its producer): closes asked for meanwhile
        wait until it returns.
        """
        if self._busy:
            function(*args)
            return
        self._busy = True
        try:
            function(*args)
        finally:
            self._busy = False

    def callProducer(self, call: Callable[[], object]) -> None:
        """
        Call the producer; a close it asks for is finished once it returns.
        """
        wasBusy = self._busy
        self.call(call)
        if not wasBusy:
            self.settle()

    # LinkReceiver.

    def deliveryDue(self, link: Link, maxChunks: int | None, now: float | None) -> int:
        """
        Give the protocol what ``link`` has for it, then finish the closes
        that can be.

        :raises RuntimeError: If a delivery that does not wait for the
            clock is asked for while the protocol is being called.
        """
        if self._busy:
            if now is None:
                raise RuntimeError(
                    "deliver() was called while the transport is calling its "
                    "protocol (from within dataReceived, say); call it from the "
                    "test instead"
                )
            return 0
        if self.lifecycle.state is ConnectionState.LOST:
            return 0
        self._busy = True
        count = 0
        try:
            while True:
                protocol = self.protocol
                left = None if maxChunks is None else maxChunks - count
                count += link.pour(protocol.dataReceived, left, now)
                # Go on to a new protocol (a TLS layer) put in meanwhile.
                if self.protocol is protocol or left == count:
                    break
        except Exception:
            if not self._closeOnError:
                raise
            # As Twisted's reactor does: log the error (trial then fails
            # the test) and lose the connection with it; the peer sees a
            # clean close.
            failure = Failure()
            log.failure("Unhandled error in dataReceived", failure)
            self.lifecycle.askLoss(failure)
            self._inbound.pause()
        finally:
            self._busy = False
            self.settle()
        return count

    def inputEnded(self) -> None:
        """
        The peer shut its side and every byte before was delivered.
        """
        if self._halfCloseable is None:
            self.requestLoss(Failure(ConnectionDone()))
            return
        self.lifecycle.readShut()
        self.call(self._halfCloseable.readConnectionLost)

    def inputReset(self, reason: Failure) -> None:
        """
        The connection broke or was reset.
        """
        self.requestLoss(reason)

    def drained(self) -> None:
        """
        The other side took some of what the protocol wrote.
        """
        if self.lifecycle.state is not ConnectionState.LOST:
            self.flow.drained()

    # Closing.

    def requestLoss(self, reason: Failure) -> None:
        """
        Lose the connection with ``reason``, as soon as it can be.
        """
        if self.lifecycle.askLoss(reason):
            self._inbound.pause()
        self.settle()

    def _nextStep(self) -> Failure | str | None:
        flow = self.flow
        return self.lifecycle.nextStep(flow.closeAllowed(), flow.producer is not None)

    def settleSoon(self) -> None:
        """
        Finish a close asked for from outside the calls into the protocol:
        with a clock, on it; without one, at the next delivery.
        """
        if self._busy or self._nextStep() is None:
            return
        clock = self._clock
        if clock is not None and self._settleCall is None:
            self._settleCall = clock.callLater(0, self._settleOnClock)

    def _settleOnClock(self) -> None:
        self._settleCall = None
        self.settle()

    def settle(self) -> None:
        """
        Finish what was asked for and can be done now: a loss, a close
        waiting for its producer, a shutdown of the write side.
        """
        while not self._busy:
            step = self._nextStep()
            if step is None:
                return
            if isinstance(step, Failure):
                self._lose(step)
                continue
            self.lifecycle.shutWrite()
            self._outbound.sendEnd()
            if self._halfCloseable is not None:
                self.call(self._halfCloseable.writeConnectionLost)

    def _lose(self, reason: Failure) -> None:
        """
        Lose the connection: drop the undelivered input, tell the peer,
        stop the producer and call ``connectionLost``, once.
        """
        self.lifecycle.lost()
        self.connectionLostReason = reason
        settleCall = self._settleCall
        if settleCall is not None:
            self._settleCall = None
            settleCall.cancel()
        self._inbound.close()
        if reason.check(ConnectionLost) is None:
            self._outbound.sendEnd()
        else:
            self._outbound.sendReset(
                Failure(ConnectionLost("Connection reset by peer"))
            )
        producer = self.flow.unregister()
        self._busy = True
        try:
            if producer is not None:
                # If this raises, connectionLost is still called, and then
                # the error propagates.
                try:
                    producer.stopProducing()
                finally:
                    self.protocol.connectionLost(reason)
            else:
                self.protocol.connectionLost(reason)
        finally:
            self._busy = False
