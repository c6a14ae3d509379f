# -*- test-case-name: twistedtesting.test.test_proxyconnection -*-
"""
Tests for L{twistedtesting.ProxiedConnection}: one connection through a
L{twistedtesting.FaultProxy}, its two sockets, how it forwards the end of
each side's input and a close, and what it does when the target refuses.

Over real sockets on 127.0.0.1, ::1 and UNIX sockets, with the global
reactor; and, with transports that record what they are asked, when the
client's socket is read while the proxy connects to the target.
"""

from __future__ import annotations

from typing import Any, cast

from twisted.internet.defer import gatherResults
from twisted.internet.error import ConnectionRefusedError
from twisted.internet.protocol import ClientFactory

from twistedtesting import SynchronousTestCase, TestCase, startFaultProxy
from twistedtesting._proxyconnection import ProxiedConnection
from twistedtesting._proxypolicy import NO_FAULTS
from twistedtesting.test.proxyhelpers import (
    PauseRecorder,
    ProxyTestsMixin,
    connectClient,
    listenTarget,
)
from twistedtesting.test.reactorhelpers import reactorTime
from twistedtesting.test.recorders import HalfCloser
from twistedtesting.test.skips import IPV6_SKIP, UNIX_SKIP


class ProxiedConnectionMixin(ProxyTestsMixin):
    """
    What a connection through a proxy over one transport does.
    """

    async def test_halfClose(self) -> None:
        """
        A client that shuts its writing side is seen by the target as the
        end of its input, and still gets the target's answer.
        """
        hub, proxy = await self.start(HalfCloser)
        made = hub.whenMade()
        client = await connectClient(self, proxy.address, HalfCloser)
        server = await made
        client.send(b"last words")
        client.transport.loseWriteConnection()  # type: ignore[union-attr]
        await cast(HalfCloser, server).inputEnded
        self.assertEqual(server.received, b"last words")
        await client.whenLost()
        self.assertEqual(client.received, b"bye")
        [connection] = proxy.connections
        await connection.whenClosed()
        self.assertFalse(connection.open)
        self.assertTrue(connection.toServer.endForwarded)

    async def test_slowClose(self) -> None:
        """
        With C{slowClose}, the proxy forwards a side's close that long after
        it came.
        """
        hub, proxy = await self.start(slowClose=0.04)
        made = hub.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        closed = reactorTime.seconds()
        client.transport.loseConnection()  # type: ignore[union-attr]
        await server.whenLost()
        self.assertGreaterEqual(reactorTime.seconds() - closed, 0.04)

    async def test_closeAfterRoundTrip(self) -> None:
        """
        When the client closes after a round trip, the proxy forwards the
        end to the target, which closes too, and then closes both of its
        own sockets: every byte arrived once, every C{whenClosed()} asked
        for before fires, one asked for after has fired, and the
        connection's record says it is closed.
        """
        hub, proxy = await self.start()
        made = hub.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        client.send(b"ping")
        self.assertEqual(await client.whenReceived(4), b"ping")
        [connection] = proxy.connections
        waiters = [connection.whenClosed(), connection.whenClosed()]
        client.transport.loseConnection()  # type: ignore[union-attr]
        self.assertEqual(await gatherResults(waiters), [None, None])
        self.assertIsNone(self.successResultOf(connection.whenClosed()))
        await server.whenLost()
        self.assertEqual((server.received, client.received), (b"ping", b"ping"))
        self.assertEqual(
            (connection.open, connection.toServer.endForwarded), (False, True)
        )
        self.assertEqual(proxy.openConnections, [])


class TCPProxiedConnectionTests(ProxiedConnectionMixin, TestCase):
    """
    Connections through a proxy on 127.0.0.1.
    """

    async def test_targetGoesAway(self) -> None:
        """
        When the target refuses a connection after the proxy started, the
        proxy closes the client's connection, records why, and keeps
        listening.
        """
        _hub, port = listenTarget(self)
        proxy = await startFaultProxy(
            port.getHost(), rng=self.random, addCleanup=self.addCleanup
        )
        stopping = port.stopListening()
        assert stopping is not None
        await stopping
        client = await connectClient(self, proxy.address)
        await client.whenLost()
        [connection] = proxy.connections
        await connection.whenClosed()
        self.assertIsNotNone(connection.targetError)
        assert connection.targetError is not None
        self.assertTrue(connection.targetError.check(ConnectionRefusedError))
        self.assertIn("target error: Connection was refused", repr(connection))
        self.assertFalse(proxy.stopped)
        self.assertIn("<FaultProxy listening on", repr(proxy))


class TCP6ProxiedConnectionTests(ProxiedConnectionMixin, TestCase):
    """
    Connections through a proxy on ::1.
    """

    transport = "tcp6"
    skip = IPV6_SKIP


class UNIXProxiedConnectionTests(ProxiedConnectionMixin, TestCase):
    """
    Connections through a proxy on a UNIX socket.
    """

    transport = "unix"
    skip = UNIX_SKIP


class _Dialer:
    """
    Connects the target's side of a connection when told to: at once, in
    the call (as a loopback connection is), or later.
    """

    def __init__(self, atOnce: bool) -> None:
        self.atOnce = atOnce
        self.factory: ClientFactory | None = None
        self.server = PauseRecorder()

    def __call__(self, factory: ClientFactory) -> object:
        self.factory = factory
        if self.atOnce:
            self.connect()
        return self

    def connect(self) -> None:
        assert self.factory is not None
        side = self.factory.buildProtocol(None)
        assert side is not None
        side.makeConnection(cast(Any, self.server))

    def disconnect(self) -> None:
        pass


class WaitForTargetTests(SynchronousTestCase):
    """
    The client's socket is read only once the connection to the target is
    made.
    """

    def made(self, atOnce: bool) -> tuple[PauseRecorder, _Dialer]:
        """
        Connect the client's side of a connection whose dialer connects
        the target's side at once or not.
        """
        dialer = _Dialer(atOnce)
        connection = ProxiedConnection(
            0, cast(Any, None), 1, NO_FAULTS, NO_FAULTS, 0.0, dialer
        )
        client = PauseRecorder()
        connection.client.makeConnection(cast(Any, client))
        return client, dialer

    def test_connectedInTheCall(self) -> None:
        """
        When the dialer connects the target's side before it returns, the
        client's socket is never paused.
        """
        client, dialer = self.made(True)
        self.assertEqual(client.calls, [])
        self.assertEqual(dialer.server.calls, [])

    def test_connectedLater(self) -> None:
        """
        When the connection to the target is still under way as the dialer
        returns, the client's socket is paused until it is made.
        """
        client, dialer = self.made(False)
        self.assertEqual(client.calls, ["pauseProducing"])
        dialer.connect()
        self.assertEqual(client.calls, ["pauseProducing", "resumeProducing"])
        self.assertEqual(dialer.server.calls, [])
