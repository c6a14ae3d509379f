# -*- test-case-name: twistedtesting.test.test_proxyconnection -*-
"""
:class:`ProxiedConnection`: one connection through a
:class:`twistedtesting.FaultProxy`: the client's socket the proxy
accepted, its own socket to the target (each a :class:`ProxySide`), the
two :class:`Relay` directions between them, and their complete teardown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import IAddress, IDelayedCall, IReactorTime
from twisted.internet.protocol import ClientFactory
from twisted.python.failure import Failure

from twistedtesting._proxypolicy import ProxyPolicy
from twistedtesting._proxyside import LOW_WATER, ProxySide
from twistedtesting._relay import LazyRandom, Relay


class _TargetFactory(ClientFactory):
    """
    Connects the proxy's socket to the target.
    """

    noisy = False

    def __init__(self, connection: ProxiedConnection) -> None:
        self._connection = connection

    def buildProtocol(self, addr: IAddress | None) -> ProxySide:
        return self._connection.server

    def clientConnectionFailed(self, connector: object, reason: Failure) -> None:
        self._connection.targetFailed(reason)


class ProxiedConnection:
    """
    One connection through a :class:`twistedtesting.FaultProxy`, and its
    record: what went each way and how it was cut, to assert on.

    :ivar number: The connection's number, from 0, in the order the proxy
        accepted them.
    :ivar toServer: The direction from the client to the target: a
        :class:`Relay` whose ``bytesForwarded``, ``chunkSizes`` and
        ``chunkTimes`` say what was forwarded.
    :ivar toClient: The direction from the target to the client.
    :ivar targetError: Why the proxy could not connect to the target for
        this connection (then it closed the client's connection), or
        ``None``.
    """

    def __init__(
        self,
        number: int,
        reactor: Any,
        seed: int,
        toServer: ProxyPolicy,
        toClient: ProxyPolicy,
        slowClose: float,
        connectToTarget: Any,
        onClosed: Callable[[ProxiedConnection], object] | None = None,
    ) -> None:
        self.number = number
        self.targetError: Failure | None = None
        self.client = client = ProxySide(self, "client")
        self.server = server = ProxySide(self, "server")
        clock: IReactorTime = reactor
        self._clock = clock
        # Both directions draw from one generator, made if one needs it.
        rng = LazyRandom(seed)
        self.toServer = Relay("toServer", toServer, clock, rng, server)
        self.toClient = Relay("toClient", toClient, clock, rng, client)
        client.readInto(self.toServer)
        server.readInto(self.toClient)
        self.slowClose = slowClose
        self._connectToTarget = connectToTarget
        self._connector: Any = None
        # Whether the connection to the target is over: made, failed or
        # given up.
        self._attemptOver = False
        self._onClosed = onClosed
        self._closing: list[IDelayedCall] | None = None
        self._cancelled = False
        self._closed = False
        self._waiters: list[Deferred[None]] | None = None

    @property
    def open(self) -> bool:
        """Whether a socket of the connection is open."""
        if not self.client.gone:
            return True
        return self.server.transport is not None and not self.server.gone

    def whenClosed(self) -> Deferred[None]:
        """
        :returns: A Deferred that fires with ``None`` once both of the
            proxy's sockets of the connection are closed (or the client's is,
            and the connection to the target failed or was given up).
        """
        waiter: Deferred[None] = Deferred()
        if self._closed:
            waiter.callback(None)
        else:
            if self._waiters is None:
                self._waiters = []
            self._waiters.append(waiter)
        return waiter

    def _checkClosed(self) -> None:
        if not self.open and self._attemptOver and not self._closed:
            self._closed = True
            if self._onClosed is not None:
                self._onClosed(self)
            waiters, self._waiters = self._waiters, None
            for waiter in waiters or ():
                waiter.callback(None)

    # Events from the sides.

    def sideMade(self, side: ProxySide) -> None:
        """
        A socket connected: the client's starts the connection to the
        target, the target's lets the client's be read.  The client's is
        paused until then only if the connection to the target is still
        under way when the dialer returns (one to a loopback target is
        usually made in the call).
        """
        if side is self.client:
            self._connector = self._connectToTarget(_TargetFactory(self))
            if not self._attemptOver:
                self.client.pauseFor("target")
            return
        self._attemptOver = True
        self.client.pairWith(self.server)
        self.server.pairWith(self.client)
        self.client.resumeFor("target")

    def targetFailed(self, reason: Failure) -> None:
        """
        The target did not accept the proxy's connection: close the
        client's.
        """
        if not self._cancelled:
            self.targetError = reason
        self.toServer.close()
        self.toClient.close()
        self.client.abort()
        self._attemptOver = True
        self._checkClosed()

    def sideLost(self, side: ProxySide, reason: Failure) -> None:
        """
        A socket closed: nothing more goes to it, and, unless it closed
        cleanly after its input ended, the other socket is reset.
        """
        into, out = (
            (self.toClient, self.toServer)
            if side is self.client
            else (self.toServer, self.toClient)
        )
        into.close()
        if not (out.ended and isinstance(reason.value, ConnectionDone)):
            out.reset(reason)
        if (
            side is self.client
            and self._connector is not None
            and not self._attemptOver
        ):
            self._cancelled = True
            self._connector.disconnect()
        self._checkClosed()

    def endArrived(self, side: ProxySide) -> None:
        """
        A direction's end went through: shut the side's writing, after the
        slow close.
        """
        if not self.slowClose:
            side.shutWriting()
            return
        if self._closing is None:
            self._closing = []
        self._closing.append(self._clock.callLater(self.slowClose, side.shutWriting))

    def backlogChanged(self) -> None:
        for relay, side in ((self.toServer, self.client), (self.toClient, self.server)):
            if relay.bytesPending < LOW_WATER:
                side.resumeFor("backlog")

    # For the proxy.

    def reset(self, reason: Failure) -> None:
        """
        Reset both directions: each resets its far socket once the reset
        arrives.
        """
        self.toServer.reset(reason)
        self.toClient.reset(reason)

    def stop(self) -> Deferred[None]:
        """
        Close both sockets now, and cancel every timer and the connection
        attempt to the target.

        :returns: A Deferred that fires once both sockets are closed (or
            the attempt is over).
        """
        self._cancelled = True
        for call in self._closing or ():
            if call.active():
                call.cancel()
        self._closing = None
        self.toServer.close()
        self.toClient.close()
        if not self._attemptOver:
            if self._connector is None:
                self._attemptOver = True
            else:
                self._connector.disconnect()
        self.client.abort()
        self.server.abort()
        self._checkClosed()
        return self.whenClosed()

    def __repr__(self) -> str:
        state = "open" if self.open else "closed"
        if self.targetError is not None:
            state += f", target error: {self.targetError.getErrorMessage()}"
        return (
            f"<ProxiedConnection {self.number} ({state}): toServer "
            f"{self.toServer.bytesForwarded} bytes in "
            f"{len(self.toServer.chunkSizes)} chunks, toClient "
            f"{self.toClient.bytesForwarded} bytes in "
            f"{len(self.toClient.chunkSizes)} chunks>"
        )


def notifyAfter(deferred: Deferred[Any]) -> Deferred[None]:
    """
    A Deferred that fires with ``None`` once ``deferred`` has fired,
    leaving ``deferred``'s result to its own callbacks.
    """
    copy: Deferred[None] = Deferred()

    def passOn(result: object) -> object:
        copy.callback(None)
        return result

    deferred.addBoth(passOn)
    return copy
