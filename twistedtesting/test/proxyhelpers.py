# -*- test-case-name: twistedtesting.test.test_proxy -*-
"""
Helpers shared by the tests of L{twistedtesting.FaultProxy} and of the
parts it is made of: a target server, clients that connect to the proxy,
and the base of the tests that run over each transport.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IAddress, IListeningPort
from twisted.internet.protocol import ClientFactory
from twisted.python.failure import Failure

from twistedtesting import ConnectionTracker, FaultProxy, TestCase, startFaultProxy
from twistedtesting._dialing import connectTo
from twistedtesting._sockets import socketDirectory
from twistedtesting.test.reactorhelpers import MixinBase
from twistedtesting.test.reactorhelpers import reactor as _reactor
from twistedtesting.test.recorders import Echo, Hub, Recorder

reactor: Any = _reactor


def listenTarget(
    test: TestCase,
    protocol: type[Recorder] = Echo,
    transport: str = "tcp",
    tls: Any = None,
) -> tuple[Hub, IListeningPort]:
    """
    Start a target server for a proxy on C{transport} (with TLS, if C{tls}
    gives the server's options), whose port and protocols a
    L{ConnectionTracker} tears down when the test ends.

    :returns: The hub of the protocols it builds, and its port.
    """
    hub = Hub()
    tracker = ConnectionTracker()
    test.addCleanup(tracker.disconnect)
    factory = tracker.trackFactory(hub.factory(protocol))
    port: IListeningPort
    if transport == "unix":
        port = reactor.listenUNIX(socketDirectory.socketPath(), factory)
    elif tls is not None:
        port = reactor.listenSSL(0, factory, tls, interface="127.0.0.1")
    else:
        interface = "::1" if transport == "tcp6" else "127.0.0.1"
        port = reactor.listenTCP(0, factory, interface=interface)
    tracker.trackPort(port)
    return hub, port


class Given(ClientFactory):
    """
    A client factory that connects a given protocol; a test helper.
    """

    def __init__(self, protocol: Recorder) -> None:
        self._protocol = protocol

    def buildProtocol(self, addr: IAddress | None) -> Recorder:
        return self._protocol


class Refusal(ClientFactory):
    """
    A client factory for a connection that should fail; a test helper.

    :ivar failed: Fails with the reason the connection failed.
    """

    protocol = Recorder

    def __init__(self) -> None:
        self.failed: Deferred[None] = Deferred()

    def clientConnectionFailed(self, connector: object, reason: Failure) -> None:
        self.failed.errback(reason)


class PauseRecorder:
    """
    A transport that records when its reading is paused and resumed.

    :ivar calls: The names of the calls, in order.
    """

    def __init__(self) -> None:
        self.calls: list[str] = []

    def pauseProducing(self) -> None:
        self.calls.append("pauseProducing")

    def resumeProducing(self) -> None:
        self.calls.append("resumeProducing")


def connectClient(
    test: TestCase | None, address: IAddress, protocol: type[Recorder] = Recorder
) -> Deferred[Recorder]:
    """
    Connect a client to C{address}; unless C{test} is C{None}, lose and
    wait for its connection when the test ends.

    :returns: A Deferred that fires with the client once it connected.
    """
    hub = Hub()
    client = protocol(hub)
    made = hub.whenMade()
    factory: Any = Given(client)
    if test is not None:
        tracker = ConnectionTracker()
        test.addCleanup(tracker.disconnect)
        factory = tracker.trackFactory(factory)
    connectTo(reactor, address, factory)
    return made


class ProxyTestsMixin(MixinBase):
    """
    Tests of a L{FaultProxy} over one transport; subclasses set
    L{transport}.
    """

    transport = "tcp"
    timeout = 5

    async def start(
        self, protocol: type[Recorder] = Echo, **options: Any
    ) -> tuple[Hub, FaultProxy]:
        """
        Start a target server and a proxy to it, both torn down when the
        test ends.

        :returns: The hub of the server's protocols, and the proxy.
        """
        hub, port = listenTarget(self, protocol, self.transport)
        proxy = await startFaultProxy(
            port.getHost(),
            rng=self.random,
            addCleanup=self.addCleanup,
            listenOn=self.transport,
            **options,
        )
        return hub, proxy
