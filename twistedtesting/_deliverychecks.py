# -*- test-case-name: twistedtesting.test.test_conformance -*-
"""
The conformance checks of what a pair of transports delivers: connecting,
bytes in order, writes, pausing and producers.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from twisted.internet.interfaces import (
    IAddress,
    IConsumer,
    IPushProducer,
    ITransport,
)
from zope.interface.verify import verifyObject

from twistedtesting._pairchecks import (
    PairChecks,
    Recorder,
    RecordingProducer,
    transportOf,
)


class DeliveryChecks(PairChecks):
    """
    The checks of L{twistedtesting.TransportPairTestsMixin} about what is
    delivered, and how.
    """

    def test_connectionMade(self) -> None:
        """
        Each protocol is connected once, to a transport that provides
        L{ITransport}, L{IConsumer} and L{IPushProducer}, before anything
        else happens to it.
        """
        server, client, pump = self._connect()
        pump()
        for protocol in (server, client):
            self.assertEqual(protocol.events, ["connectionMade"])
            transport = transportOf(protocol)
            for interface in (ITransport, IConsumer, IPushProducer):
                self.assertTrue(verifyObject(interface, transport))
        self.assertIsNot(transportOf(server), transportOf(client))

    def test_addresses(self) -> None:
        """
        Each end's C{getPeer} is the other end's C{getHost}, and the two
        differ.
        """
        server, client, _ = self._connect()
        serverEnd, clientEnd = transportOf(server), transportOf(client)
        for address in (serverEnd.getHost(), serverEnd.getPeer()):
            self.assertTrue(IAddress.providedBy(address), address)
        self.assertEqual(serverEnd.getPeer(), clientEnd.getHost())
        self.assertEqual(clientEnd.getPeer(), serverEnd.getHost())
        self.assertNotEqual(serverEnd.getHost(), serverEnd.getPeer())

    def test_bytesBothWays(self) -> None:
        """
        What each side writes, in several writes, reaches the other exactly
        once, in order, in non-empty chunks, and only once the pump runs.
        """
        server, client, pump = self._connect()
        toServer = [b"hello", b" ", b"server\r\n", bytes(range(256))]
        toClient = [b"hello", b"client", bytes(reversed(range(256)))]
        for piece in toServer:
            self._write(client, server, piece)
        for piece in toClient:
            self._write(server, client, piece)
        self.assertEqual(
            (server.chunks, client.chunks),
            ([], []),
            "nothing should be delivered before the pump runs",
        )
        pump()
        self.assertEqual(server.received, b"".join(toServer))
        self.assertEqual(client.received, b"".join(toClient))
        self.assertNotIn(b"", server.chunks + client.chunks)

    def test_writeSequence(self) -> None:
        """
        C{writeSequence} sends its pieces in order, as one write of them
        joined would.
        """
        server, client, pump = self._connect()
        transportOf(client).writeSequence([b"one ", b"", b"two ", b"three"])
        pump()
        self.assertEqual(server.received, b"one two three")

    def test_manyBytes(self) -> None:
        """
        A megabyte written in one write, and another in many small ones,
        arrive whole and in order.
        """
        server, client, pump = self._connect()
        data = random.Random(1).randbytes(2**20)
        transportOf(client).write(data)
        write = transportOf(client).write
        for start in range(0, len(data), 1000):
            write(data[start : start + 1000])
        pump()
        self.assertEqual(len(server.received), 2 * len(data))
        self.assertTrue(server.received == data + data, "the bytes were changed")

    def test_writeRequiresBytes(self) -> None:
        """
        C{write} and C{writeSequence} refuse what is not bytes with a
        L{TypeError}.
        """
        server, client, pump = self._connect()
        transport = transportOf(client)
        self.assertRaises(TypeError, transport.write, "text")
        self.assertRaises(TypeError, transport.writeSequence, ["text"])
        pump()
        self.assertEqual(server.received, b"")

    def test_noDeliveryWithinWrite(self) -> None:
        """
        No data is delivered from within C{write}, nor to a protocol while
        it is running: two protocols that answer each other from
        C{dataReceived} are each called one call at a time.
        """
        server, client, pump = self._connect()
        rounds: list[bytes] = []

        def answer(protocol: Recorder, peer: Recorder) -> Callable[[bytes], None]:
            def onData(data: bytes) -> None:
                if len(rounds) < 20 and data.endswith(b"."):
                    rounds.append(data)
                    self._write(protocol, peer, b"ping" * 10 + b".")

            return onData

        server.onData = answer(server, client)
        client.onData = answer(client, server)
        self._write(client, server, b"start.")
        pump()
        self.assertEqual(len(rounds), 20, "the protocols stopped answering")
        for protocol in (server, client):
            self.assertFalse(protocol.deliveredInWrite, "delivered within write()")
            self.assertFalse(protocol.reentered, "dataReceived was re-entered")

    def test_pauseProducing(self) -> None:
        """
        While a side's transport is paused, nothing is delivered to that
        side; once resumed, everything is, once and in order.
        """
        server, client, pump = self._connect()
        transportOf(server).pauseProducing()
        transportOf(client).write(b"wait for it")
        pump()
        self.assertEqual(server.chunks, [], "delivered to a paused transport")
        transportOf(server).resumeProducing()
        pump()
        self.assertEqual(server.received, b"wait for it")

    def test_registerProducerTwice(self) -> None:
        """
        Registering a producer while one is registered raises
        L{RuntimeError}; once unregistered, another may be registered.
        """
        _, client, _ = self._connect()
        transport = transportOf(client)
        transport.registerProducer(RecordingProducer(), True)
        self.assertRaises(
            RuntimeError,
            transport.registerProducer,
            RecordingProducer(),
            True,
        )
        transport.unregisterProducer()
        transport.registerProducer(RecordingProducer(), False)
