# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
Helpers shared by the tests of loopback connections: protocols that record
what happens to them, the reactor's state, TLS options, fake transports and
ports.
"""

from __future__ import annotations

import functools
import os
import socket
import unittest as pyunit
from collections.abc import Callable
from io import StringIO
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
from twisted.internet import reactor as _reactor
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.interfaces import (
    IListeningPort,
    IProtocol,
    IProtocolFactory,
    IPullProducer,
    IReactorTCP,
    IReactorTime,
    IStreamClientEndpoint,
    ITransport,
)
from twisted.internet.protocol import Factory, Protocol
from twisted.internet.task import deferLater
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.trial import reporter
from twisted.trial import unittest as trial
from twisted.web.client import Agent, HTTPConnectionPool
from twisted.web.resource import Resource
from twisted.web.server import Request, Site
from zope.interface import implementer

from twistedtesting import ConnectedPair, TestCase

reactor = cast(IReactorTCP, _reactor)


reactorTime = cast(IReactorTime, _reactor)


_E = TypeVar("_E", bound=BaseException)


async def failureOf(deferred: Deferred[Any], exceptionType: type[_E]) -> _E:
    """
    Wait for C{deferred} to fail with C{exceptionType}.

    :returns: The exception.
    :raises trial.FailTest: If C{deferred} succeeds.
    """
    try:
        result = await deferred
    except exceptionType as error:
        return error
    raise trial.FailTest(
        f"expected {exceptionType.__name__}, but the Deferred fired with {result!r}"
    )


def _ipv6Skip() -> str | None:
    """
    Say why TCP over IPv6 cannot be tested here, or return C{None}.
    """
    if not socket.has_ipv6:
        return "Python was built without IPv6 support"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        return f"this machine has no IPv6 loopback: binding to ::1 failed ({error})"
    return None


def _tlsSkip() -> str | None:
    """
    Say why TLS cannot be tested here, or return C{None}.
    """
    try:
        import OpenSSL  # noqa: F401
        import service_identity  # noqa: F401
    except ImportError as error:
        return (
            f"TLS needs pyOpenSSL and service_identity ({error}); install "
            "twistedtesting[tls]"
        )
    return None


IPV6_SKIP = _ipv6Skip()


TLS_SKIP = _tlsSkip()


def _alpnSkip() -> str | None:
    """
    Say why a factory that offers protocols by ALPN, such as L{Site} (which
    offers HTTP/2), cannot serve over TLS here, or return C{None}.

    Older Twisted releases (24.3 among them) set the protocols on the TLS
    context after making a connection from it, which recent pyOpenSSL
    releases refuse with L{ValueError}, for every server and client that
    offers protocols; that is for Twisted to fix, not twistedtesting.
    """
    if TLS_SKIP is not None:
        return TLS_SKIP
    from OpenSSL import SSL
    from twisted.protocols.tls import TLSMemoryBIOFactory

    if not hasattr(TLSMemoryBIOFactory, "_applyProtocolNegotiation"):
        return None
    context = SSL.Context(SSL.TLS_METHOD)
    SSL.Connection(context, None)
    try:
        context.set_alpn_protos([b"h2"])
    except ValueError as error:
        return (
            "this Twisted sets ALPN protocols on a TLS context already in use, "
            f"which this pyOpenSSL refuses ({error}): no factory that offers "
            "protocols by ALPN, Site among them, can serve over TLS"
        )
    return None


ALPN_SKIP = _alpnSkip()


UNIX_SKIP = None if hasattr(socket, "AF_UNIX") else "this platform has no UNIX sockets"


FD_DIRECTORY = "/proc/self/fd"


FD_SKIP = (
    None
    if os.path.isdir(FD_DIRECTORY)
    else f"{FD_DIRECTORY} does not exist: the operating system does not list "
    "a process's open file descriptors there"
)


@attrs.define(eq=False)
class Hub:
    """
    Collects the protocols that a factory built, and tells a test when they
    connect; a test helper.

    :ivar built: Every protocol built, in order.
    """

    built: list[Recorder] = attrs.Factory(list)
    _madeWaiters: list[Deferred[Recorder]] = attrs.Factory(list)

    def factory(
        self, protocolClass: Callable[[Hub], Recorder] | None = None
    ) -> Factory[Recorder]:
        """
        :returns: A plain L{Factory} whose protocols report to this hub.
        """
        make = Recorder if protocolClass is None else protocolClass
        return Factory.forProtocol(lambda: make(self))

    def made(self, protocol: Recorder) -> None:
        """
        Note that C{protocol} has connected.
        """
        waiters, self._madeWaiters = self._madeWaiters, []
        for waiter in waiters:
            waiter.callback(protocol)

    def whenMade(self) -> Deferred[Recorder]:
        """
        :returns: A Deferred that fires with the next protocol to connect.
        """
        waiter: Deferred[Recorder] = Deferred()
        self._madeWaiters.append(waiter)
        return waiter


class Recorder(Protocol):
    """
    A protocol that records what happens to it; a test helper.

    :ivar events: C{"made"} and C{"lost"}, as they happened.
    :ivar received: Everything received.
    :ivar reason: The reason C{connectionLost} was given.
    """

    def __init__(self, hub: Hub | None = None) -> None:
        self.hub = hub
        self.events: list[str] = []
        self.received = b""
        self.reason: Failure | None = None
        self.lost = False
        self._receiveWaiters: list[tuple[int, Deferred[bytes]]] = []
        self._lostWaiters: list[Deferred[None]] = []
        if hub is not None:
            hub.built.append(self)

    def connectionMade(self) -> None:
        self.events.append("made")
        if self.hub is not None:
            self.hub.made(self)

    def dataReceived(self, data: bytes) -> None:
        self.received += data
        waiting = [w for w in self._receiveWaiters if len(self.received) >= w[0]]
        for item in waiting:
            self._receiveWaiters.remove(item)
            item[1].callback(self.received)

    def connectionLost(self, reason: Failure | None = None) -> None:
        self.events.append("lost")
        self.reason = reason
        self.lost = True
        waiters, self._lostWaiters = self._lostWaiters, []
        for waiter in waiters:
            waiter.callback(None)

    def whenLost(self) -> Deferred[None]:
        """
        :returns: A Deferred that fires once C{connectionLost} has run.
        """
        waiter: Deferred[None] = Deferred()
        if not self.lost:
            self._lostWaiters.append(waiter)
        else:
            waiter.callback(None)
        return waiter

    def whenReceived(self, count: int) -> Deferred[bytes]:
        """
        :returns: A Deferred that fires with everything received once at
            least C{count} bytes have been.
        """
        waiter: Deferred[bytes] = Deferred()
        self._receiveWaiters.append((count, waiter))
        self.dataReceived(b"")
        return waiter

    def send(self, data: bytes) -> None:
        """
        Write C{data} to the transport.
        """
        assert self.transport is not None
        self.transport.write(data)


class Echo(Recorder):
    """
    A L{Recorder} that writes back what it receives; a test helper.
    """

    def dataReceived(self, data: bytes) -> None:
        super().dataReceived(data)
        self.send(data)


@implementer(IPullProducer)
class NeverProduces:
    """
    A pull producer that never writes and never unregisters, so that the
    connection it is registered with cannot close; a test helper.
    """

    def resumeProducing(self) -> None:
        """
        Produce nothing.
        """

    def stopProducing(self) -> None:
        """
        Ignore being stopped.
        """


class Clinging(Recorder):
    """
    A L{Recorder} whose connection does not close after C{loseConnection()}:
    it registers a L{NeverProduces}; a test helper.
    """

    def connectionMade(self) -> None:
        super().connectionMade()
        transport: Any = self.transport
        transport.registerProducer(NeverProduces(), False)


@attrs.frozen
class ReactorState:
    """
    What the reactor is watching and has scheduled, besides its own readers
    (which it adds when it starts running) and trial's timeout of the
    running test (which trial schedules once the test method has started);
    a test helper.
    """

    readers: frozenset[object]
    writers: frozenset[object]
    delayedCalls: frozenset[object]

    @classmethod
    def now(cls) -> ReactorState:
        """
        :returns: The global reactor's state now.
        """
        core: Any = _reactor
        internal = set(getattr(core, "_internalReaders", ()))
        return cls(
            frozenset(set(core.getReaders()) - internal),
            frozenset(core.getWriters()),
            frozenset(
                call
                for call in core.getDelayedCalls()
                if not getattr(call.func, "__module__", "").startswith("twisted.trial")
            ),
        )


async def reactorTurns(count: int = 3) -> None:
    """
    Let the reactor run C{count} iterations (not a sleep: each is one pass
    over the I/O that is ready), enough for a connection asked to close to
    have closed, if nothing holds it open.
    """
    for _ in range(count):
        await deferLater(reactorTime, 0, lambda: None)


@functools.cache
def tlsOptions() -> tuple[Any, Any, Any]:
    """
    Make TLS options from certificates generated now: the server's (a
    self-signed certificate for C{localhost}), a client's that trusts it,
    and a client's that trusts another certificate only.
    """
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from twisted.internet import ssl

    def selfSigned() -> tuple[bytes, bytes]:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        now = datetime.datetime.now(datetime.timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                critical=False,
            )
            .add_extension(
                x509.BasicConstraints(ca=True, path_length=None), critical=True
            )
            .sign(key, hashes.SHA256())
        )
        return (
            certificate.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )

    certificate, key = selfSigned()
    other, _ = selfSigned()
    server = ssl.PrivateCertificate.loadPEM(certificate + key).options()
    client = ssl.optionsForClientTLS(
        "localhost", trustRoot=ssl.Certificate.loadPEM(certificate)
    )
    untrusting = ssl.optionsForClientTLS(
        "localhost", trustRoot=ssl.Certificate.loadPEM(other)
    )
    return server, client, untrusting


if TYPE_CHECKING:
    _Mixin = TestCase
else:
    _Mixin = object


async def connectRecorder(address: Any) -> Recorder:
    """
    Connect a L{Recorder} to the TCP port at C{address}, as code under test
    would, with its own factory.
    """
    endpoint = TCP4ClientEndpoint(_reactor, address.host, address.port)
    return cast(Recorder, await endpoint.connect(Factory.forProtocol(Recorder)))


@implementer(ITransport)
class NoAbortTransport:
    """
    A transport that ignores C{loseConnection()} and has no
    C{abortConnection()}; a test helper.

    :ivar protocol: The protocol it holds, as a reactor's transports do.
    """

    disconnecting = False
    protocol: Any = None

    def write(self, data: bytes) -> None:
        """
        Discard C{data}.
        """

    def writeSequence(self, data: Any) -> None:
        """
        Discard C{data}.
        """

    def loseConnection(self) -> None:
        """
        Note the request, and do nothing.
        """
        self.disconnecting = True

    def getPeer(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.1", 1234)

    def getHost(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.2", 4321)

    def __repr__(self) -> str:
        return "<NoAbortTransport>"


@implementer(IListeningPort)
@attrs.define
class FakePort:
    """
    A listening port whose C{stopListening()} returns C{result}; a test
    helper.

    :ivar stops: How many times C{stopListening()} was called.
    """

    result: Any = None
    stops: int = 0

    def startListening(self) -> None:
        """
        Do nothing.
        """

    def stopListening(self) -> Any:
        """
        Count the call, and return (or raise) C{result}.
        """
        self.stops += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result

    def getHost(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.2", 4321)

    def __repr__(self) -> str:
        return "<FakePort>"


class NamedRecorder(Recorder):
    """
    A L{Recorder} with a short representation; a test helper.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


def runQuietly(*tests: pyunit.TestCase) -> tuple[reporter.Reporter, str]:
    """
    Run C{tests} with trial's plain reporter and return the reporter and
    what it printed.
    """
    stream = StringIO()
    result = reporter.Reporter(stream=stream)
    pyunit.TestSuite(tests).run(result)
    result.done()
    return result, stream.getvalue()


class HoldingTransport(StringTransport):
    """
    A L{StringTransport} that holds its protocol, as a reactor's transports
    do, and can lose the connection as they do, by calling its
    C{connectionLost}; a test helper.

    :ivar protocol: What the transport calls.
    """

    protocol: Any = None

    @classmethod
    def connect(cls, protocol: Any) -> HoldingTransport:
        """
        Connect C{protocol} to a new transport, as a reactor does.
        """
        transport = cls()
        transport.protocol = protocol
        protocol.makeConnection(transport)
        return transport

    def lose(self, reason: Exception) -> None:
        """
        Tell the protocol that the connection was lost with C{reason}.
        """
        self.protocol.connectionLost(Failure(reason))


class Greeting(Resource):
    """
    A small web resource: C{GET} gives a greeting, C{POST} gives back the
    request's body; a test helper.
    """

    isLeaf = True

    def render_GET(self, request: Request) -> bytes:
        request.setHeader(b"content-type", b"text/plain")
        path: bytes = request.path
        return b"hello, " + path

    def render_POST(self, request: Request) -> bytes:
        assert request.content is not None
        body: bytes = request.content.read()
        return b"got " + body


def greetingSite() -> Site:
    """
    :returns: A L{Site} serving L{Greeting} everywhere.
    """
    return Site(Greeting())


def rawRequest(path: bytes) -> bytes:
    """
    :returns: An HTTP/1.1 GET request for C{path}, asking the server to
        close the connection after the response.
    """
    return b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


@implementer(IStreamClientEndpoint)
@attrs.define
class PairEndpoint:
    """
    A client endpoint that connects each factory it is given to a server
    factory with L{TestCase.connectedPair}, so that a client such as
    L{twisted.web.client.Agent} connects through a pair; a test helper.

    :ivar pairs: The pairs it made.
    """

    test: Any
    serverFactory: IProtocolFactory
    options: dict[str, Any] = attrs.Factory(dict)
    pairs: list[ConnectedPair[Any, Any]] = attrs.Factory(list)

    def connect(self, protocolFactory: IProtocolFactory) -> Deferred[IProtocol]:
        """
        Connect C{protocolFactory}'s protocol to the server's.
        """
        connecting: Deferred[ConnectedPair[Any, Any]] = self.test.connectedPair(
            self.serverFactory, protocolFactory, **self.options
        )

        def connected(pair: ConnectedPair[Any, Any]) -> IProtocol:
            self.pairs.append(pair)
            return cast(IProtocol, pair.clientProtocol)

        return connecting.addCallback(connected)

    def endpointForURI(self, uri: object) -> PairEndpoint:
        """
        Be the endpoint of every URI, as L{Agent.usingEndpointFactory}
        asks.
        """
        return self


def pairAgent(endpoint: PairEndpoint) -> Agent:
    """
    :returns: An L{Agent} that connects through C{endpoint} and closes each
        connection after its response.
    """
    pool = HTTPConnectionPool(_reactor, persistent=False)
    agent: Agent = Agent.usingEndpointFactory(_reactor, endpoint, pool=pool)
    return agent
