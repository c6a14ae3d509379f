# -*- test-case-name: twistedtesting.test.test_starttls -*-
"""
Tests for C{startTLS} on L{twistedtesting.ChunkedTransport}: a protocol
that switches to TLS mid-stream, as SMTP, IMAP and XMPP do.
"""

from __future__ import annotations

from typing import Any, cast

from twisted.internet.interfaces import ISSLTransport, ITLSTransport
from twisted.protocols.basic import LineReceiver
from zope.interface.verify import verifyObject

from twistedtesting import (
    ChunkedTransport,
    Clock,
    OneByteChunks,
    SynchronousTestCase,
    connectChunked,
)
from twistedtesting.test.skips import TLS_SKIP
from twistedtesting.test.tlshelpers import tlsOptions
from twistedtesting.test.transportsuite import RecordingProtocol


class MailServer(LineReceiver):
    """
    An SMTP-like server: it greets, answers C{STARTTLS} by switching to TLS,
    and answers every other line with C{250}.

    @ivar lines: The lines it received.
    """

    def __init__(self, options: Any) -> None:
        self.options = options
        self.lines: list[bytes] = []

    def connectionMade(self) -> None:
        self.sendLine(b"220 ready")

    def lineReceived(self, line: bytes) -> None:
        self.lines.append(line)
        if line == b"STARTTLS":
            self.sendLine(b"220 go ahead")
            cast(ITLSTransport, self.transport).startTLS(self.options)
        else:
            self.sendLine(b"250 " + line)


class MailClient(LineReceiver):
    """
    An SMTP-like client: it asks for TLS once greeted, starts it when told
    to go ahead, then sends C{secret} over TLS.

    @ivar lines: The lines it received.
    """

    def __init__(self, options: Any) -> None:
        self.options = options
        self.lines: list[bytes] = []

    def lineReceived(self, line: bytes) -> None:
        self.lines.append(line)
        if line == b"220 ready":
            self.sendLine(b"STARTTLS")
        elif line == b"220 go ahead":
            cast(ITLSTransport, self.transport).startTLS(self.options)
            self.sendLine(b"secret")


class StartTLSTests(SynchronousTestCase):
    """
    Switching to TLS mid-stream.
    """

    skip = TLS_SKIP

    def test_upgradeOverOneByteChunks(self) -> None:
        """
        A line protocol upgrades to TLS mid-stream over one-byte chunks with
        latency: the lines after C{STARTTLS} arrive, decrypted, and never
        cross the link in clear; both transports then provide
        L{ISSLTransport}, and the client sees the server's certificate.
        """
        serverOptions, clientOptions, _ = tlsOptions()
        clock = Clock()
        server, client = MailServer(serverOptions), MailClient(clientOptions)
        pair = connectChunked(
            server, client, OneByteChunks(), clock=clock, latency=0.01
        )
        sent: list[bytes] = []
        send = pair.toServer.send

        def recordingSend(data: bytes) -> None:
            sent.append(data)
            send(data)

        pair.toServer.send = recordingSend  # type: ignore[method-assign]
        clock.advance(1)
        self.assertEqual(server.lines, [b"STARTTLS", b"secret"])
        self.assertEqual(client.lines, [b"220 ready", b"220 go ahead", b"250 secret"])
        self.assertNotIn(b"secret", b"".join(sent))
        self.assertIn(b"STARTTLS", b"".join(sent))
        for transport in [pair.serverTransport, pair.clientTransport]:
            self.assertTrue(verifyObject(ITLSTransport, transport))
            self.assertTrue(ISSLTransport.providedBy(transport))
        peer = cast(ISSLTransport, pair.clientTransport)
        self.assertIsNotNone(peer.getPeerCertificate())
        self.assertEqual(
            pair.toServer.record.sizes, (1,) * pair.toServer.chunksDelivered
        )

    def test_closeUnderTLS(self) -> None:
        """
        A close after STARTTLS shuts TLS down, then the connection: both
        sides get C{connectionLost}.
        """
        serverOptions, clientOptions, _ = tlsOptions()
        clock = Clock()
        server, client = MailServer(serverOptions), MailClient(clientOptions)
        pair = connectChunked(server, client, OneByteChunks(), clock=clock)
        lost: list[str] = []

        def serverLost(reason: object) -> None:
            lost.append("server")

        def clientLost(reason: object) -> None:
            lost.append("client")

        server.connectionLost = serverLost  # type: ignore[method-assign,assignment]
        client.connectionLost = clientLost  # type: ignore[method-assign,assignment]
        clock.advance(0)
        self.assertEqual(client.lines[-1], b"250 secret")
        pair.clientTransport.loseConnection()
        clock.advance(0)
        self.assertEqual(sorted(lost), ["client", "server"])

    def test_startTwice(self) -> None:
        """
        Starting TLS twice is a L{RuntimeError}.
        """
        serverOptions, _, _ = tlsOptions()
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        transport.startTLS(serverOptions)
        error = self.assertRaises(RuntimeError, transport.startTLS, serverOptions)
        self.assertEqual(str(error), "startTLS(): TLS was already started")
