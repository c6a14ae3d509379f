# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
One :func:`twistedtesting.connectedPair` call: the factories the reactor
is given, the records of the connections they build (or refuse), and the
wait for both sides to be ready, with its grace period, failure and
cancellation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred, succeed
from twisted.internet.error import NoProtocol, TimeoutError
from twisted.internet.interfaces import (
    IAddress,
    IDelayedCall,
    IListeningPort,
    ILoggingContext,
    IProtocolFactory,
    IProtocolNegotiationFactory,
)
from twisted.internet.protocol import Protocol as _TwistedProtocol
from twisted.python import log
from twisted.python.failure import Failure
from zope.interface import alsoProvides, implementer

from twistedtesting._dialing import Dialer
from twistedtesting._observe import ObservedConnection, observeBuilt
from twistedtesting._pairoptions import PairOptions
from twistedtesting._pairproxy import ProxyPart
from twistedtesting._proxy import FaultProxy
from twistedtesting._teardown import ClosingConnection, Teardown, logTeardownFailure


class _StandIn(_TwistedProtocol):
    """
    The protocol of a client connection that the client factory refused:
    it closes the connection at once.
    """

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.loseConnection()


@implementer(IProtocolFactory, ILoggingContext)
class _AttemptFactory:
    """
    The factory a connection attempt listens or connects with: builds with the
    user's factory, returns the user's protocol itself, and keeps a record
    of each connection.

    As the client factory it is also part of the teardown, which waits for
    its ``doStop`` (the connector stopping after the connection is lost).
    """

    def __init__(
        self, wrapped: IProtocolFactory, attempt: PairAttempt, name: str
    ) -> None:
        self.wrapped = wrapped
        self.attempt = attempt
        self.name = name
        self.label = f"the {name} factory"
        self.isClient = name == "client"
        self.running = 0
        if IProtocolNegotiationFactory.providedBy(wrapped):
            alsoProvides(self, IProtocolNegotiationFactory)

    def acceptableProtocols(self) -> list[bytes]:
        """
        The wrapped factory's protocols for TLS negotiation.
        """
        return list(self.wrapped.acceptableProtocols())  # type: ignore[attr-defined]

    def logPrefix(self) -> str:
        """
        The wrapped factory's log prefix.
        """
        if ILoggingContext.providedBy(self.wrapped):
            return str(self.wrapped.logPrefix())
        return type(self.wrapped).__name__

    def doStart(self) -> None:
        """
        Start the wrapped factory.
        """
        self.running += 1
        if self.running == 1 and self.isClient:
            self.attempt.teardown.partBusy()
        self.wrapped.doStart()

    def doStop(self) -> None:
        """
        Stop the wrapped factory.
        """
        self.running -= 1
        try:
            self.wrapped.doStop()
        finally:
            if self.running == 0 and self.isClient:
                self.attempt.teardown.partDone()

    def buildProtocol(self, addr: IAddress) -> Any:
        """
        Build the user's protocol, and record its connection.

        :returns: The observer of the user's protocol, which the transport
            calls.
        """
        built = self.attempt.build(self, addr)
        return None if built is None else built[0]

    def startedConnecting(self, connector: object) -> None:
        """
        Nothing to do when the reactor starts connecting the client.
        """

    def clientConnectionFailed(self, connector: object, reason: Failure) -> None:
        """
        Fail the attempt: the reactor could not connect the client.
        """
        self.attempt.connectionFailed(reason)

    def clientConnectionLost(self, connector: object, reason: Failure) -> None:
        """
        Nothing to do: the connection's record has seen it lost.
        """

    def buildTracked(
        self, addr: IAddress
    ) -> tuple[Any, ObservedConnection, bool] | None:
        """
        Build the user's protocol, and record its connection.

        :returns: ``None`` if the server factory refused the connection;
            otherwise the protocol to give the transport (an observer of
            the user's), its connection's record, and whether it stands in
            for one that the client factory refused.
        """
        return self.attempt.build(self, addr)

    # The teardown waits for the client factory: see _teardown._Part.

    @property
    def done(self) -> bool:
        """
        Whether every connector using the factory has stopped.
        """
        return self.running <= 0

    def start(self) -> None:
        """
        Nothing to do: losing the connection stops the connector.
        """

    def abort(self) -> None:
        """
        Nothing to do: aborting the connection stops the connector.
        """

    def problem(self, gracePeriod: float) -> str | None:
        """
        Say that the factory has not been stopped, unless its connection is
        still there: that connection's problem says why.
        """
        connection = self.attempt.clientConnection
        if connection is not None and not connection.done:
            return None
        return (
            f"{self.label} ({self.wrapped!r}) was still in use (doStop() had "
            f"not been called) {2 * gracePeriod:g} s after the teardown began"
        )


class PairAttempt:
    """
    One :func:`connectedPair` call: has a :class:`Dialer` listen and
    connect, records the connections the factories build (or refuse),
    waits for both sides to be ready, gives up a grace period after the
    client connected, and on failure or cancellation tears down what it
    made before failing.

    :ivar deferred: Fires with what ``makePair`` makes of the attempt once
        both sides are ready (a :class:`twistedtesting.ConnectedPair`), or
        fails.
    :ivar teardown: Tears down everything the attempt made.
    :ivar settled: Whether the outcome is decided.
    """

    def __init__(
        self, options: PairOptions, makePair: Callable[[PairAttempt], Any]
    ) -> None:
        self.options = options
        self._makePair = makePair
        self.teardown = Teardown(options.clock, options.gracePeriod)
        self.server = _AttemptFactory(options.serverFactory, self, "server")
        self.client = _AttemptFactory(options.clientFactory, self, "client")
        self.teardown.addPart(self.client)
        self.serverConnection: ClosingConnection | None = None
        self.clientConnection: ClosingConnection | None = None
        self.serverRefusal: Failure | None = None
        self.clientRefusal: Failure | None = None
        self.port: IListeningPort | None = None
        self.address: IAddress | None = None
        self.pair: Any = None
        self.proxy: FaultProxy | None = None
        self.settled = False
        self._settleWaiters: list[Deferred[None]] = []
        self._timer: IDelayedCall | None = None
        serverOuter: Any = self.server
        clientOuter: Any = self.client
        if options.serverTLS is not None:
            try:
                from twistedtesting._tls import ObservedTLSFactory
            except ImportError as error:
                raise ImportError(
                    f"TLS needs pyOpenSSL ({error}): install twistedtesting[tls]"
                ) from error

            assert options.clientTLS is not None
            serverOuter = ObservedTLSFactory(options.serverTLS, False, self.server)
            clientOuter = ObservedTLSFactory(options.clientTLS, True, self.client)
        self._dialer = Dialer(
            options, serverOuter, clientOuter, self._listening, self._fail
        )
        self.deferred: Deferred[Any] = Deferred(self._cancel)
        # Whatever the failure (cancellation included), the Deferred's own
        # callbacks run once the teardown of what was made is done.
        self.deferred.addErrback(self._afterTeardown)
        self._dialer.start()

    def _listening(self, port: IListeningPort) -> IAddress | None:
        """
        Record the port the server listens on, to stop it on teardown; with
        a ``faultProxy`` option, start the proxy to it.

        :returns: The port's (or the proxy's) address, to connect the client
            to; or ``None``
            not to connect it (the attempt has failed or was cancelled).
        """
        self.port = port
        self.teardown.addPort(port, "the listening port")
        if self.settled:
            return None
        self.address = port.getHost()
        proxyOptions = self.options.faultProxy
        if proxyOptions is None:
            return self.address
        try:
            self.proxy = proxyOptions.start(self.options.reactor, self.address)
        except Exception:
            self._fail(Failure())
            return None
        self.teardown.addPart(ProxyPart("the fault proxy", self.proxy, self.teardown))
        return self.proxy.address

    def connectionFailed(self, reason: Failure) -> None:
        """
        The reactor could not connect the client.
        """
        self._fail(reason)

    def build(
        self, factory: _AttemptFactory, addr: IAddress
    ) -> tuple[Any, ObservedConnection, bool] | None:
        """
        Build a protocol with the user's factory behind ``factory``, and
        record its connection.  A refusal (``buildProtocol`` returning
        ``None`` or raising) is recorded as the attempt's failure.
        """
        isServer = not factory.isClient
        if isServer and self.serverConnection is not None:
            label = "another server connection"
        else:
            label = f"the {factory.name} connection"
        standIn = False
        try:
            protocol = factory.wrapped.buildProtocol(addr)
            if protocol is None:
                raise NoProtocol(
                    f"{factory.name}Factory "
                    f"{factory.wrapped!r} refused the connection: its "
                    "buildProtocol() returned None"
                )
        except Exception:
            refusal = Failure()
            if isServer:
                if self.serverConnection is None and self.serverRefusal is None:
                    self.serverRefusal = refusal
                    self._changed()
                elif not refusal.check(NoProtocol):
                    # Another connection, which the server factory may
                    # refuse by returning None (the reactor closes it), but
                    # not by raising.
                    log.err(refusal, "twistedtesting: the server factory failed")
                return None
            # The reactor needs a protocol for the connection it made; this
            # one closes it, and the teardown waits for that.
            self.clientRefusal = refusal
            protocol = _StandIn()
            standIn = True
        observer, record = observeBuilt(protocol)
        connection = ClosingConnection(label, record)
        if not isServer:
            self.clientConnection = connection
            record.listen(self._changed)
        elif self.serverConnection is None:
            self.serverConnection = connection
            record.listen(self._changed)
        self.teardown.addConnection(connection)
        return observer, record, standIn

    def state(self) -> str:
        """
        Say how the pair stands, for its representation: ``"connected"``,
        ``"server side lost"``, ``"client side lost"`` or
        ``"connection lost"`` (both sides, while the port still listens)
        until its teardown; then ``"disconnecting"`` and
        ``"disconnected"``.
        """
        if self.teardown.state == "closing":
            return "disconnecting"
        if self.teardown.state == "closed":
            return "disconnected"
        server, client = self.serverConnection, self.clientConnection
        serverLost = server is not None and server.done
        clientLost = client is not None and client.done
        if serverLost and clientLost:
            return "connection lost"
        if serverLost:
            return "server side lost"
        if clientLost:
            return "client side lost"
        return "connected"

    def _verdict(self) -> Failure | bool:
        """
        :returns: Why the attempt failed, or whether both sides are ready.
        """
        if self.clientRefusal is not None:
            return self.clientRefusal
        if self.serverRefusal is not None:
            return self.serverRefusal
        ready = True
        for connection in (self.clientConnection, self.serverConnection):
            record = None if connection is None else connection.record
            if record is None or record.transport is None:
                ready = False
            elif not record.handshaken:
                if record.lostReason is not None:
                    return record.lostReason
                ready = False
        return ready

    def _changed(self) -> None:
        if self.settled:
            return
        verdict = self._verdict()
        if verdict is True:
            self._succeed()
        elif verdict is not False:
            assert isinstance(verdict, Failure)
            self._fail(verdict)
        elif (
            self._timer is None
            and self.clientConnection is not None
            and self.clientConnection.record.transport is not None
        ):
            # The client is up: the server's side and the handshakes should
            # follow at once over loopback.
            self._timer = self.options.clock.callLater(
                self.options.gracePeriod, self._deadline
            )

    def _deadline(self) -> None:
        # Look in the next reactor iteration, after its I/O (see
        # Teardown._giveUp).
        self._timer = self.options.clock.callLater(0, self._lastLook)

    def _lastLook(self) -> None:
        self._timer = None
        self._changed()
        if self.settled:
            return
        # The client has connected (the timer starts only then), so what can
        # be missing is the server's side and the handshakes.
        server = self.serverConnection
        missing = []
        if server is None or not server.record.made:
            missing.append(f"the server accepted no connection on {self.address}")
        for side, connection in (("server", server), ("client", self.clientConnection)):
            record = None if connection is None else connection.record
            if record is not None and record.made and not record.handshaken:
                missing.append(f"the {side} connection's TLS handshake had not ended")
        self._fail(
            Failure(
                TimeoutError(
                    string=(
                        "connectedPair() gave up waiting "
                        f"{self.options.gracePeriod:g} s after the client "
                        f"connected: {'; '.join(missing)}"
                    )
                )
            )
        )

    def _stopWaiting(self) -> None:
        self.settled = True
        if self._timer is not None:
            if self._timer.active():
                self._timer.cancel()
            self._timer = None
        for connection in (self.serverConnection, self.clientConnection):
            if connection is not None:
                connection.record.unlisten(self._changed)

    def _succeed(self) -> None:
        self._stopWaiting()
        server, client = self.serverConnection, self.clientConnection
        assert server is not None and client is not None
        assert self.port is not None and self.address is not None
        if isinstance(self.address, (IPv4Address, IPv6Address)):
            # The teardown closes the server's side of a TCP connection once
            # the client's has gone, so that only the client's side is left
            # in the TIME_WAIT state, holding a port for a minute, rather
            # than both.
            server.startAfter(client)
        self.pair = self._makePair(self)
        self._settle()
        self.deferred.callback(self.pair)

    def _fail(self, reason: Failure) -> None:
        if self.settled:
            return
        self._stopWaiting()
        self.deferred.errback(reason)

    def _cancel(self, deferred: Deferred[Any]) -> None:
        self._stopWaiting()
        self._dialer.cancel()

    def _afterTeardown(self, reason: Failure) -> Deferred[Any]:
        done = self.teardown.run()
        done.addErrback(logTeardownFailure)
        done.addCallback(lambda _: self._settle())
        # The attempt's Deferred waits on this one, which a cancellation of
        # it (a timeout, say) cancels: the teardown must not be cut short.
        failed: Deferred[Any] = Deferred()

        def finished(_: object) -> None:
            if not failed.called:
                failed.errback(reason)

        done.addCallback(finished)
        return failed

    def _settle(self) -> None:
        waiters, self._settleWaiters = self._settleWaiters, []
        for waiter in waiters:
            waiter.callback(None)

    def disconnect(self) -> Deferred[None]:
        """
        Tear down the pair once the attempt has settled: the cleanup of
        :meth:`twistedtesting.TestCase.connectedPair`.

        :returns: A Deferred that fires once everything the attempt made has
            gone (at once if the attempt failed: it tore down what it made).
        """
        if self.pair is not None:
            return self.teardown.run()
        if self.teardown.state == "closed":
            return succeed(None)
        waiter: Deferred[None] = Deferred()
        self._settleWaiters.append(waiter)
        return waiter.addCallback(lambda _: self.disconnect())
