# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
Real loopback connections between a server and a client factory, made in
one call and torn down completely in one call.

:func:`connectedPair` listens with the server factory, connects the client
factory to it (with the reactor's own methods, or with endpoints the user
gives), and waits until both sides have connected (and, over TLS, completed
their handshake).  :class:`ConnectedPair` holds the result.

Each job has a module of its own: the attempt that waits for both sides in
:mod:`twistedtesting._pairattempt`, listening and connecting in
:mod:`twistedtesting._dialing`, observing the protocols in
:mod:`twistedtesting._observe`, tearing down in
:mod:`twistedtesting._teardown`, TLS in :mod:`twistedtesting._tls`, and the
arguments' checks in :mod:`twistedtesting._pairoptions`.
"""

from __future__ import annotations

from typing import Any, Generic

import attrs
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import (
    IListeningPort,
    IReactorTCP,
    IReactorTime,
    IStreamServerEndpoint,
)

from twistedtesting._pairattempt import PairAttempt
from twistedtesting._pairoptions import (
    ClientEndpointFactory,
    ClientProtocolT,
    ClientTLSOptions,
    ProtocolFactoryOf,
    ServerProtocolT,
    ServerTLSOptions,
    TransportName,
    checkKeywords,
    checkOptions,
)
from twistedtesting._teardown import (
    DEFAULT_GRACE_PERIOD,
)


@attrs.frozen(eq=False, repr=False)
class ConnectedPair(Generic[ServerProtocolT, ClientProtocolT]):
    """
    A real connection between a server protocol and a client protocol, as
    :func:`twistedtesting.connectedPair` makes it.

    :ivar port: The listening port the server accepted the connection on; it
        keeps listening until :meth:`disconnect`.
    :ivar serverProtocol: The protocol the server factory built, the
        factory's own object (not a wrapper).
    :ivar clientProtocol: The protocol the client factory built, the
        factory's own object.
    """

    port: IListeningPort
    serverProtocol: ServerProtocolT
    clientProtocol: ClientProtocolT
    _attempt: PairAttempt = attrs.field(alias="attempt")

    def disconnect(self) -> Deferred[None]:
        """
        Stop listening and lose both connections, and wait until it is all
        done: the port has stopped, and both protocols' ``connectionLost``
        have run (and the client factory's ``doStop``).

        It is safe in any state: a side that has been lost already, or is
        being lost, counts as gone or is waited for; a port already stopped
        counts as stopped; a second call does not tear down again but gives
        the outcome of the first.  A connection still there a grace period
        after ``loseConnection()`` (a protocol that never lets go, a paused
        producer) is aborted with ``abortConnection()``.  Any other server
        connection the port accepted is lost and waited for too.

        :returns: A Deferred that fires with ``None`` once everything has
            gone, or fails with :class:`twistedtesting.DisconnectTimeout`,
            which names what is still there a grace period after it was
            aborted, or with the failure of ``stopListening()``.
        """
        return self._attempt.teardown.run()

    def whenServerLost(self) -> Deferred[BaseException]:
        """
        :returns: A Deferred that fires, once the server protocol's
            ``connectionLost`` has run, with the exception of the reason it
            was given, such as a
            :class:`~twisted.internet.error.ConnectionDone`.
        """
        server = self._attempt.serverConnection
        assert server is not None
        return server.record.whenLost()

    def whenClientLost(self) -> Deferred[BaseException]:
        """
        :returns: A Deferred that fires, once the client protocol's
            ``connectionLost`` has run, with the exception of the reason it
            was given, such as a
            :class:`~twisted.internet.error.ConnectionDone`.
        """
        client = self._attempt.clientConnection
        assert client is not None
        return client.record.whenLost()

    def __repr__(self) -> str:
        return (
            f"<twistedtesting.ConnectedPair {self._attempt.state()} on "
            f"{self._attempt.address}: server {self.serverProtocol!r}, "
            f"client {self.clientProtocol!r}>"
        )


def startPair(
    serverFactory: object, clientFactory: object, **options: object
) -> PairAttempt:
    """
    Check the arguments and start a connection attempt; what
    :func:`connectedPair` and :meth:`twistedtesting.TestCase.connectedPair`
    share.

    :param options: :func:`connectedPair`'s keyword arguments.
    :raises TypeError: See :func:`connectedPair`; also for a keyword
        argument that :func:`connectedPair` does not have.
    :raises ValueError: See :func:`connectedPair`.
    """
    checkKeywords("connectedPair", options)
    return PairAttempt(checkOptions(serverFactory, clientFactory, **options), _pairOf)


def _pairOf(attempt: PairAttempt) -> ConnectedPair[Any, Any]:
    """
    Make the :class:`ConnectedPair` of an attempt whose sides are ready.
    """
    assert attempt.port is not None
    assert attempt.serverConnection is not None
    assert attempt.clientConnection is not None
    return ConnectedPair(
        attempt.port,
        attempt.serverConnection.record.protocol,
        attempt.clientConnection.record.protocol,
        attempt=attempt,
    )


def connectedPair(
    serverFactory: ProtocolFactoryOf[ServerProtocolT],
    clientFactory: ProtocolFactoryOf[ClientProtocolT],
    *,
    transport: TransportName | None = None,
    serverTLS: ServerTLSOptions | None = None,
    clientTLS: ClientTLSOptions | None = None,
    serverEndpoint: IStreamServerEndpoint | None = None,
    clientEndpoint: ClientEndpointFactory | None = None,
    reactor: IReactorTCP | None = None,
    clock: IReactorTime | None = None,
    gracePeriod: float = DEFAULT_GRACE_PERIOD,
) -> Deferred[ConnectedPair[ServerProtocolT, ClientProtocolT]]:
    """
    Connect a protocol of ``serverFactory`` and one of ``clientFactory``
    over a real loopback connection.

    The server factory listens, the client factory connects to it, and the
    result is a :class:`twistedtesting.ConnectedPair` once
    the connection is up on both sides: both protocols' ``connectionMade``
    have run and, over TLS, both handshakes have completed.  Its
    :meth:`~twistedtesting.ConnectedPair.disconnect` tears it all down;
    :meth:`twistedtesting.TestCase.connectedPair` registers that as a
    cleanup.

    The client connects as it would through an endpoint: the client
    factory's ``ClientFactory`` methods (``clientConnectionLost`` and the
    like) are not called, and a ``ReconnectingClientFactory`` does not
    reconnect.

    :param serverFactory: Builds the server's protocol.
    :param clientFactory: Builds the client's protocol.
    :param transport: ``"tcp"`` (the default) for TCP over IPv4 on
        127.0.0.1, ``"tcp6"`` for TCP over IPv6 on ::1, or ``"unix"`` for a
        UNIX socket with a name of its own in the process's private
        directory, which :func:`tempfile.mkdtemp` makes on first use (a
        random name, only its owner can enter it) and which is removed when
        the process exits; the socket's file is removed when the port
        stops.  TCP listens on a port of the system's choosing.
    :param serverTLS: With ``clientTLS``, run TLS over the connection: the
        server's connection creator or context factory, such as
        ``PrivateCertificate.options()``.  TLS needs pyOpenSSL (install
        ``twistedtesting[tls]``).
    :param clientTLS: The client's connection creator or context factory,
        such as ``optionsForClientTLS(hostname, trustRoot=...)``.
    :param serverEndpoint: Listen on this endpoint instead of one made for
        ``transport``.
    :param clientEndpoint: Called with the listening port's address, returns
        the endpoint to connect with.  By default the client connects to
        that address (to the loopback address if the port listens on all
        addresses).
    :param reactor: The reactor to listen, connect and time with (it must
        provide ``IReactorTime``, and ``IReactorUNIX`` for ``"unix"``); the
        global reactor if not given.
    :param clock: Schedules the grace periods; ``reactor`` if not given.  A
        test of a teardown that gets stuck can pass a
        :class:`~twisted.internet.task.Clock`.
    :param gracePeriod: How long, in seconds, to wait for the server's side
        after the client has connected; and, on teardown, for a connection
        to close after ``loseConnection()`` before aborting it, and for
        everything to be gone after that before giving up.
    :returns: A Deferred that fires with the :class:`ConnectedPair`.  If the
        connection cannot be made (refused, or a factory refused it by
        returning ``None`` from ``buildProtocol`` or raising), it fails with
        the reason (:class:`twisted.internet.error.NoProtocol` naming the
        factory that returned ``None``, or what ``buildProtocol`` raised),
        once everything made so far has been torn down: nothing is left
        listening or connected.  Cancelling it does the same.
    :raises TypeError: If a factory is not a protocol factory (a protocol
        class, say), or another argument has the wrong type (``transport``
        not a string, for instance).
    :raises ValueError: If ``transport`` is not one of those above, if
        both ``transport`` and ``serverEndpoint`` are given, if only one of
        ``serverTLS`` and ``clientTLS`` is, or if ``gracePeriod`` is not a
        positive, finite number.
    """
    return PairAttempt(
        checkOptions(
            serverFactory,
            clientFactory,
            transport=transport,
            serverTLS=serverTLS,
            clientTLS=clientTLS,
            serverEndpoint=serverEndpoint,
            clientEndpoint=clientEndpoint,
            reactor=reactor,
            clock=clock,
            gracePeriod=gracePeriod,
        ),
        _pairOf,
    ).deferred
