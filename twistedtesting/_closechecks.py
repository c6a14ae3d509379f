# -*- test-case-name: twistedtesting.test.test_conformance -*-
"""
The conformance checks of how a pair of transports ends: closes, aborts,
half-close, and producers at the end.
"""

from __future__ import annotations

from twisted.internet.error import (
    ConnectionAborted,
    ConnectionDone,
    ConnectionLost,
)

from twistedtesting._pairchecks import (
    HalfCloseRecorder,
    PairChecks,
    Recorder,
    RecordingProducer,
    transportOf,
)


class ClosingChecks(PairChecks):
    """
    The checks of L{twistedtesting.TransportPairTestsMixin} about how a
    connection ends.
    """

    def test_loseConnection(self) -> None:
        """
        What a side writes before C{loseConnection}, and after it in the same
        turn, reaches the other side before the end; both sides then get
        C{connectionLost} with L{ConnectionDone}, once.
        """
        server, client, pump = self._connect(Recorder(), Recorder())
        transport = transportOf(client)
        transport.write(b"good")
        transport.loseConnection()
        transport.write(b"bye")
        pump()
        self.assertEqual(server.received, b"goodbye")
        self.assertEqual(
            server.events, ["connectionMade", "dataReceived", "connectionLost"]
        )
        self._assertLost(server, ConnectionDone, "server")
        self._assertLost(client, ConnectionDone, "client")

    def test_loseConnectionFromDataReceived(self) -> None:
        """
        A protocol that closes from C{dataReceived} gets C{connectionLost}
        once, only after C{dataReceived} returned; its peer gets the answer
        it wrote just before closing, then the end.
        """
        server, client, pump = self._connect(Recorder(), Recorder())

        def onData(data: bytes) -> None:
            transportOf(server).write(b"done")
            transportOf(server).loseConnection()

        server.onData = onData
        transportOf(client).write(b"request")
        pump()
        self.assertFalse(server.reentered, "connectionLost ran within dataReceived")
        self._assertLost(server, ConnectionDone, "server")
        self.assertEqual(client.received, b"done")
        self._assertLost(client, ConnectionDone, "client")

    def test_abortConnection(self) -> None:
        """
        C{abortConnection} drops what was not yet delivered: the peer gets
        none of what was written in the same turn; the side that aborted
        gets L{ConnectionAborted}, the other a L{ConnectionLost} (a reset,
        never the clean L{ConnectionDone}); writes
        after the abort go nowhere.
        """
        server, client, pump = self._connect(Recorder(), Recorder())
        transport = transportOf(client)
        transport.write(b"never sent")
        transport.abortConnection()
        transport.write(b"nor this")
        pump()
        self.assertEqual(server.received, b"", "bytes written before the abort arrived")
        self._assertLost(client, ConnectionAborted, "client")
        self._assertLost(server, ConnectionLost, "server")

    def test_connectionLostOnce(self) -> None:
        """
        Once a side closed, further closes of every kind, on either side,
        change nothing: each side gets C{connectionLost} once.
        """
        server, client, pump = self._connect(Recorder(), Recorder())
        transport = transportOf(client)
        transport.loseConnection()
        transport.loseConnection()
        pump()
        transport.loseConnection()
        transport.abortConnection()
        transportOf(server).loseConnection()
        transportOf(server).abortConnection()
        pump()
        self._assertLost(client, ConnectionDone, "client")
        self._assertLost(server, ConnectionDone, "server")

    def test_halfClose(self) -> None:
        """
        C{loseWriteConnection} ends the peer's input after what was written:
        a half-closeable peer gets C{readConnectionLost} and may still answer;
        the side that shut gets C{writeConnectionLost}, then the answer, then
        C{readConnectionLost} when the peer closes, and stays connected, as
        with TCP, until it closes too.
        """
        self._skipUnlessHalfCloseable()
        answerer = HalfCloseRecorder()

        def onReadLost() -> None:
            transportOf(answerer).write(b"answer")
            transportOf(answerer).loseConnection()

        answerer.onReadLost = onReadLost
        server, client, pump = self._connect(answerer)
        transportOf(client).write(b"question")
        transportOf(client).loseWriteConnection()
        pump()
        self.assertEqual(server.received, b"question")
        self.assertEqual(client.received, b"answer")
        self.assertEqual(
            client.events,
            [
                "connectionMade",
                "writeConnectionLost",
                "dataReceived",
                "readConnectionLost",
            ],
        )
        self._assertLost(server, ConnectionDone, "server")
        transportOf(client).loseConnection()
        pump()
        self._assertLost(client, ConnectionDone, "client")

    def test_halfCloseToWholeProtocol(self) -> None:
        """
        When a side shuts its writing, a peer that is not half-closeable
        gets what was written, then C{connectionLost} with
        L{ConnectionDone}, as with TCP.
        """
        self._skipUnlessHalfCloseable()
        server, client, pump = self._connect(Recorder())
        transportOf(client).write(b"last")
        transportOf(client).loseWriteConnection()
        pump()
        self.assertEqual(server.received, b"last")
        self._assertLost(server, ConnectionDone, "server")

    def test_producerStoppedOnLoss(self) -> None:
        """
        A producer still registered when the connection is lost is stopped.
        """
        server, client, pump = self._connect()
        producer = RecordingProducer()
        transportOf(client).registerProducer(producer, True)
        transportOf(server).abortConnection()
        pump()
        self.assertIn("stop", producer.events)
        self.assertEqual(producer.events[-1], "stop")

    def test_loseConnectionWaitsForProducer(self) -> None:
        """
        With a non-streaming producer registered, C{loseConnection} waits
        until it is unregistered; then what was written arrives, then the
        end.
        """
        server, client, pump = self._connect(Recorder(), Recorder())
        transport = transportOf(client)
        transport.registerProducer(RecordingProducer(), False)
        transport.write(b"data")
        transport.loseConnection()
        pump()
        self.assertEqual(client.reasons, [], "the connection closed under a producer")
        transport.unregisterProducer()
        pump()
        self.assertEqual(server.received, b"data")
        self._assertLost(client, ConnectionDone, "client")
        self._assertLost(server, ConnectionDone, "server")
