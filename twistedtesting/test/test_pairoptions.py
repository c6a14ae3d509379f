# -*- test-case-name: twistedtesting.test.test_pairoptions -*-
"""
Tests for L{twistedtesting._pairoptions}: the arguments of
L{twistedtesting.connectedPair} and L{TestCase.connectedPair}.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any, cast

from twisted.internet import reactor as _reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint
from twisted.internet.interfaces import (
    IOpenSSLClientConnectionCreator,
    IOpenSSLServerConnectionCreator,
)
from twisted.internet.protocol import ClientFactory, Factory, Protocol
from zope.interface import directlyProvides

from twistedtesting import (
    Clock,
    SynchronousTestCase,
    TestCase,
    connectedPair,
)
from twistedtesting._pairoptions import KEYWORDS
from twistedtesting.test.recorders import Hub, Recorder


class Options:
    """
    Stands in for TLS options, given the interface a test needs; a test
    helper.
    """


class ArgumentTests(SynchronousTestCase):
    """
    L{connectedPair} refuses bad arguments at once, with an error that
    names the argument.
    """

    def test_protocolClass(self) -> None:
        """
        A protocol class given as a factory is a L{TypeError} that says how
        to make a factory for it.
        """
        error = self.assertRaises(TypeError, connectedPair, Recorder, Hub().factory())
        self.assertEqual(
            str(error),
            "serverFactory must provide IProtocolFactory (a "
            "twisted.internet.protocol.Factory, for instance), not "
            f"{Recorder!r}; Recorder is a protocol class: pass "
            "Factory.forProtocol(Recorder)",
        )

    def test_factoryClass(self) -> None:
        """
        A factory class given as a factory is a L{TypeError} that says to
        pass an instance.
        """
        error = self.assertRaises(
            TypeError, connectedPair, Hub().factory(), ClientFactory
        )
        self.assertEqual(
            str(error),
            "clientFactory must provide IProtocolFactory (a "
            "twisted.internet.protocol.Factory, for instance), not "
            f"{ClientFactory!r}; ClientFactory is a factory class: pass an "
            "instance of it",
        )

    def test_protocolInstance(self) -> None:
        """
        A protocol given as a factory is a L{TypeError} that says to pass
        its factory.
        """
        protocol = Recorder()
        error = self.assertRaises(TypeError, connectedPair, Hub().factory(), protocol)
        self.assertEqual(
            str(error),
            "clientFactory must provide IProtocolFactory (a "
            "twisted.internet.protocol.Factory, for instance), not "
            f"{protocol!r}; it is a protocol: pass the factory that builds it",
        )

    def test_notAFactory(self) -> None:
        """
        Anything else that is not a factory is a L{TypeError}.
        """
        error = self.assertRaises(TypeError, connectedPair, 8080, Hub().factory())
        self.assertEqual(
            str(error),
            "serverFactory must provide IProtocolFactory (a "
            "twisted.internet.protocol.Factory, for instance), not 8080",
        )

    def test_transport(self) -> None:
        """
        A transport other than C{"tcp"}, C{"tcp6"} and C{"unix"} is a
        L{ValueError}; one that is not a string is a L{TypeError}.
        """
        for notString in [b"tcp", 4]:
            error = self.assertRaises(
                TypeError,
                connectedPair,
                Hub().factory(),
                Hub().factory(),
                transport=notString,
            )
            self.assertEqual(
                str(error),
                "transport must be a string, one of 'tcp', 'tcp6', 'unix', "
                f"not {type(notString).__name__} {notString!r}",
            )
        for transport in ["udp", "TCP"]:
            error = self.assertRaises(
                ValueError,
                connectedPair,
                Hub().factory(),
                Hub().factory(),
                transport=transport,
            )
            self.assertEqual(
                str(error),
                f"transport must be one of 'tcp', 'tcp6', 'unix', not {transport!r}",
            )

    def test_transportAndServerEndpoint(self) -> None:
        """
        A transport and a server endpoint together are a L{ValueError}.
        """
        error = self.assertRaises(
            ValueError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            transport="tcp",
            serverEndpoint=TCP4ServerEndpoint(_reactor, 0),
        )
        self.assertEqual(
            str(error),
            "give transport or serverEndpoint, not both: serverEndpoint "
            "decides the transport",
        )

    def test_serverEndpoint(self) -> None:
        """
        A server endpoint that is not one is a L{TypeError}.
        """
        error = self.assertRaises(
            TypeError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            serverEndpoint="tcp:0",
        )
        self.assertEqual(
            str(error),
            "serverEndpoint must provide IStreamServerEndpoint, not 'tcp:0'",
        )

    def test_clientEndpoint(self) -> None:
        """
        A client endpoint that is not callable is a L{TypeError}.
        """
        endpoint = TCP4ClientEndpoint(_reactor, "127.0.0.1", 1)
        error = self.assertRaises(
            TypeError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            clientEndpoint=endpoint,
        )
        self.assertEqual(
            str(error),
            "clientEndpoint must be a callable that takes the listening port's "
            f"address and returns an endpoint, not {endpoint!r}",
        )

    def test_tlsOnOneSide(self) -> None:
        """
        TLS options for one side only are a L{ValueError}.
        """
        options = object()
        error = self.assertRaises(
            ValueError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            serverTLS=options,
        )
        self.assertEqual(
            str(error),
            "give both serverTLS and clientTLS, or neither: serverTLS is "
            f"{options!r}, clientTLS is None",
        )

    def test_tlsOptions(self) -> None:
        """
        TLS options that are neither connection creators nor context
        factories are a L{TypeError}.
        """
        error = self.assertRaises(
            TypeError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            serverTLS="server.pem",
            clientTLS="client.pem",
        )
        self.assertEqual(
            str(error),
            "serverTLS must provide IOpenSSLServerConnectionCreator or "
            "IOpenSSLContextFactory (such as PrivateCertificate.options()), "
            "not 'server.pem'",
        )

    def test_tlsWithoutPyOpenSSL(self) -> None:
        """
        Without pyOpenSSL, asking for TLS is an L{ImportError} that says
        which extra to install.
        """
        saved = sys.modules.get("twistedtesting._tls")
        sys.modules["twistedtesting._tls"] = None  # type: ignore[assignment]

        def restore() -> None:
            if saved is None:
                del sys.modules["twistedtesting._tls"]
            else:
                sys.modules["twistedtesting._tls"] = saved

        self.addCleanup(restore)
        server, client = Options(), Options()
        directlyProvides(server, IOpenSSLServerConnectionCreator)
        directlyProvides(client, IOpenSSLClientConnectionCreator)
        error = self.assertRaises(
            ImportError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            serverTLS=server,
            clientTLS=client,
        )
        self.assertTrue(str(error).startswith("TLS needs pyOpenSSL ("), str(error))
        self.assertTrue(str(error).endswith("): install twistedtesting[tls]"))

    def test_gracePeriod(self) -> None:
        """
        A grace period that is not a positive, finite number of seconds is
        a L{TypeError} or a L{ValueError}.
        """
        for value, exception, message in [
            (True, TypeError, "gracePeriod must be a number of seconds, not bool True"),
            ("1", TypeError, "gracePeriod must be a number of seconds, not str '1'"),
            (0, ValueError, "gracePeriod must be a positive, finite number, got 0"),
            (
                -1.5,
                ValueError,
                "gracePeriod must be a positive, finite number, got -1.5",
            ),
            (
                float("inf"),
                ValueError,
                "gracePeriod must be a positive, finite number, got inf",
            ),
            (
                float("nan"),
                ValueError,
                "gracePeriod must be a positive, finite number, got nan",
            ),
        ]:
            error = self.assertRaises(
                exception,
                connectedPair,
                Hub().factory(),
                Hub().factory(),
                gracePeriod=value,
            )
            self.assertEqual(str(error), message)

    def test_reactorAndClock(self) -> None:
        """
        A reactor without C{IReactorTime} or C{IReactorTCP}, and a clock
        without C{IReactorTime}, are L{TypeError}s.
        """
        clock = Clock()
        error = self.assertRaises(
            TypeError, connectedPair, Hub().factory(), Hub().factory(), reactor=clock
        )
        self.assertEqual(str(error), f"reactor must provide IReactorTCP: {clock!r}")
        error = self.assertRaises(
            TypeError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            reactor=object(),
        )
        self.assertTrue(str(error).startswith("reactor must provide IReactorTime: "))
        error = self.assertRaises(
            TypeError, connectedPair, Hub().factory(), Hub().factory(), clock=3
        )
        self.assertEqual(str(error), "clock must provide IReactorTime, not 3")


class KeywordTests(TestCase):
    """
    L{TestCase.connectedPair} takes the keyword arguments of
    L{connectedPair}, and no others.
    """

    def test_unknownKeyword(self) -> None:
        """
        A keyword argument that L{connectedPair} does not have is a
        L{TypeError} that names it, from either.
        """
        factories = (Factory.forProtocol(Protocol), Factory.forProtocol(Protocol))
        error = self.assertRaises(
            TypeError, self.connectedPair, *factories, transprot="unix"
        )
        self.assertEqual(
            str(error), "connectedPair() got an unexpected keyword argument 'transprot'"
        )
        error = self.assertRaises(
            TypeError, cast(Any, connectedPair), *factories, grace=1
        )
        self.assertIn("unexpected keyword argument 'grace'", str(error))

    def test_keywordsChecked(self) -> None:
        """
        The keyword arguments L{TestCase.connectedPair} passes on are
        checked as L{connectedPair} checks them.
        """
        factories = (Factory.forProtocol(Protocol), Factory.forProtocol(Protocol))
        error = self.assertRaises(
            ValueError, self.connectedPair, *factories, gracePeriod=0
        )
        self.assertEqual(
            str(error), "gracePeriod must be a positive, finite number, got 0"
        )
        error = self.assertRaises(
            ValueError, self.connectedPair, *factories, transport=cast(Any, "udp")
        )
        self.assertEqual(
            str(error), "transport must be one of 'tcp', 'tcp6', 'unix', not 'udp'"
        )

    def test_keywordsListed(self) -> None:
        """
        The keywords L{TestCase.connectedPair} accepts are exactly those of
        L{connectedPair}.
        """
        parameters = inspect.signature(connectedPair).parameters
        self.assertEqual(
            KEYWORDS,
            {
                name
                for name, parameter in parameters.items()
                if parameter.kind is inspect.Parameter.KEYWORD_ONLY
            },
        )
