# -*- test-case-name: twistedtesting.test.test_chunkedproperties -*-
"""
Property tests, with Hypothesis, of L{twistedtesting.ChunkedTransport} and
L{twistedtesting.connectChunked}: for any bytes, any policy and any
interleaving of pauses, resumes and deliveries, the protocol receives
exactly the bytes sent, in order; and the water marks hold.

The examples are derandomized and not stored, so that a run does not depend
on an earlier one or on the order of tests, and few enough to keep the
suite quick.
"""

from __future__ import annotations

import random
from typing import Any

from twistedtesting import (
    ChunkedTransport,
    ChunkingPolicy,
    Clock,
    FixedChunks,
    FixedDelay,
    OneByteChunks,
    RandomChunks,
    SplitAt,
    SynchronousTestCase,
    connectChunked,
)
from twistedtesting.test.hypothesissupport import given, settings, st
from twistedtesting.test.transportsuite import RecordingProducer, RecordingProtocol

quick = settings(max_examples=75, deadline=None, derandomize=True, database=None)

policySpecs = st.one_of(
    st.tuples(st.just("one")),
    st.tuples(st.just("fixed"), st.integers(1, 8)),
    st.tuples(
        st.just("split"),
        st.lists(st.integers(1, 60), min_size=1, max_size=5, unique=True).map(sorted),
    ),
    st.tuples(
        st.just("random"),
        st.integers(1, 6),
        st.integers(0, 6),
        st.integers(0, 2**32 - 1),
    ),
)
"""
A chunking policy, described by plain values so that a failing example
shows the random policy's seed.
"""


def makePolicy(spec: tuple[Any, ...]) -> ChunkingPolicy:
    """
    The policy that C{spec}, drawn from L{policySpecs}, describes.
    """
    kind = spec[0]
    if kind == "one":
        return OneByteChunks()
    if kind == "fixed":
        return FixedChunks(spec[1])
    if kind == "split":
        return SplitAt(spec[1])
    return RandomChunks(spec[1], spec[1] + spec[2], random.Random(spec[3]))


pieceLists = st.lists(st.binary(min_size=1, max_size=24), max_size=8)
operations = st.lists(
    st.one_of(
        st.just(("feed", 0)),
        st.just(("pause", 0)),
        st.just(("resume", 0)),
        st.tuples(st.just("deliver"), st.integers(1, 4)),
    ),
    max_size=30,
)


class DeliveryPropertyTests(SynchronousTestCase):
    """
    Nothing is dropped, duplicated or reordered.
    """

    def check(
        self,
        pieces: list[bytes],
        spec: tuple[Any, ...],
        ops: list[tuple[str, int]],
        pauses: list[bool],
        clocked: bool,
    ) -> None:
        """
        Feed C{pieces} to a transport with the policy of C{spec}, while
        C{ops} pause, resume and deliver, and the protocol pauses the
        transport after chunk C{n} when C{pauses[n]}; then resume and
        deliver the rest, and check that no chunk came while the transport
        was paused, and that the protocol got exactly the bytes fed, in
        non-empty chunks.
        """
        protocol = RecordingProtocol()
        clock = Clock() if clocked else None
        transport = ChunkedTransport(
            protocol,
            makePolicy(spec),
            clock=clock,
            spacing=FixedDelay(1) if clocked else None,
        )

        paused = [False]
        deliveredWhilePaused: list[bytes] = []

        def maybePause(data: bytes) -> None:
            if paused[0]:
                deliveredWhilePaused.append(data)
            index = len(protocol.chunks) - 1
            if index < len(pauses) and pauses[index]:
                paused[0] = True
                transport.pauseProducing()

        protocol.onData = maybePause
        waiting = list(pieces)
        for name, count in ops:
            if name == "feed" and waiting:
                transport.peer.feed(waiting.pop(0))
            elif name == "pause":
                paused[0] = True
                transport.pauseProducing()
            elif name == "resume":
                paused[0] = False
                transport.resumeProducing()
            elif name == "deliver":
                if clock is None:
                    transport.peer.deliver(count)
                else:
                    clock.advance(count)
        self.assertEqual(deliveredWhilePaused, [])
        protocol.onData = None
        for piece in waiting:
            transport.peer.feed(piece)
        transport.resumeProducing()
        transport.peer.deliver()
        self.assertEqual(protocol.received, b"".join(pieces))
        self.assertNotIn(b"", protocol.chunks)
        self.assertEqual(transport.bytesPending, 0)
        self.assertEqual(transport.chunksDelivered, len(protocol.chunks))
        if clock is not None:
            self.assertEqual(clock.getDelayedCalls(), [])

    @quick
    @given(pieceLists, policySpecs, operations, st.lists(st.booleans(), max_size=20))
    def test_exactBytes(
        self,
        pieces: list[bytes],
        spec: tuple[Any, ...],
        ops: list[tuple[str, int]],
        pauses: list[bool],
    ) -> None:
        """
        Without a clock, the protocol receives exactly the bytes fed, in
        order, whatever the policy, pauses, resumes and deliveries.
        """
        self.check(pieces, spec, ops, pauses, clocked=False)

    @quick
    @given(pieceLists, policySpecs, operations, st.lists(st.booleans(), max_size=20))
    def test_exactBytesClocked(
        self,
        pieces: list[bytes],
        spec: tuple[Any, ...],
        ops: list[tuple[str, int]],
        pauses: list[bool],
    ) -> None:
        """
        With a clock, the protocol receives exactly the bytes fed, in
        order, whatever the policy, pauses, resumes and clock advances.
        """
        self.check(pieces, spec, ops, pauses, clocked=True)

    @quick
    @given(pieceLists, pieceLists, policySpecs, policySpecs, operations)
    def test_pairExactBytes(
        self,
        toServer: list[bytes],
        toClient: list[bytes],
        serverSpec: tuple[Any, ...],
        clientSpec: tuple[Any, ...],
        ops: list[tuple[str, int]],
    ) -> None:
        """
        In a pair, each side receives exactly what the other wrote, in
        order, whatever the policies and the pauses of the server's
        transport between writes and flushes.
        """
        client, server = RecordingProtocol(), RecordingProtocol()
        pair = connectChunked(
            server, client, makePolicy(serverSpec), makePolicy(clientSpec)
        )
        clientWrites, serverWrites = list(toServer), list(toClient)
        for name, _ in ops:
            if name == "feed":
                if clientWrites:
                    pair.clientTransport.write(clientWrites.pop(0))
                if serverWrites:
                    pair.serverTransport.write(serverWrites.pop(0))
            elif name == "pause":
                pair.serverTransport.pauseProducing()
            elif name == "resume":
                pair.serverTransport.resumeProducing()
            else:
                pair.flush()
        for data in clientWrites:
            pair.clientTransport.write(data)
        for data in serverWrites:
            pair.serverTransport.write(data)
        pair.serverTransport.resumeProducing()
        pair.flush()
        self.assertEqual(server.received, b"".join(toServer))
        self.assertEqual(client.received, b"".join(toClient))


waterOperations = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(1, 30)),
        st.tuples(st.just("read"), st.integers(0, 30)),
        st.tuples(st.just("clear"), st.just(0)),
    ),
    max_size=40,
)


class WaterMarkPropertyTests(SynchronousTestCase):
    """
    The high- and low-water marks hold.
    """

    @quick
    @given(st.integers(0, 40), st.integers(0, 40), waterOperations)
    def test_waterMarks(
        self, lowWater: int, extra: int, ops: list[tuple[str, int]]
    ) -> None:
        """
        After every write, read and clear, a streaming producer is paused
        exactly when it was last paused on more than C{highWater} unread
        bytes and not resumed since reads brought them to C{lowWater}; it is
        never paused or resumed twice in a row.
        """
        highWater = lowWater + extra
        transport = ChunkedTransport(
            RecordingProtocol(),
            OneByteChunks(),
            highWater=highWater,
            lowWater=lowWater,
        )
        producer = RecordingProducer()
        transport.registerProducer(producer, True)
        expected: list[str] = []
        unread = 0
        paused = False
        for name, count in ops:
            if name == "write":
                transport.write(b"w" * count)
                unread += count
                if not paused and unread > highWater:
                    paused = True
                    expected.append("pause")
            else:
                if name == "read":
                    transport.peer.read(count)
                    unread = max(0, unread - count)
                else:
                    transport.peer.clear()
                    unread = 0
                if paused and unread <= lowWater:
                    paused = False
                    expected.append("resume")
            self.assertEqual(producer.events, expected)
            self.assertEqual(len(transport.peer.value()), unread)
            if unread > highWater:
                self.assertEqual(producer.events[-1:], ["pause"])

    @quick
    @given(st.integers(0, 20), st.integers(0, 20), waterOperations)
    def test_pairWaterMarks(
        self, lowWater: int, extra: int, ops: list[tuple[str, int]]
    ) -> None:
        """
        In a pair, the server's streaming producer is paused whenever more
        than C{highWater} of the bytes it wrote are not yet delivered to
        the client, and running whenever they are down to C{lowWater} after
        a delivery.
        """
        highWater = lowWater + extra
        client, server = RecordingProtocol(), RecordingProtocol()
        pair = connectChunked(
            server, client, OneByteChunks(), highWater=highWater, lowWater=lowWater
        )
        producer = RecordingProducer()
        pair.serverTransport.registerProducer(producer, True)
        for name, count in ops:
            if name == "write":
                pair.serverTransport.write(b"w" * count)
            elif name == "read":
                if count:
                    pair.toClient.deliver(count)
            else:
                pair.flush()
            pending = pair.clientTransport.bytesPending
            paused = producer.events[-1:] == ["pause"]
            if pending > highWater:
                self.assertTrue(paused, (pending, producer.events))
            if name != "write" and pending <= lowWater:
                self.assertFalse(paused, (pending, producer.events))
        for first, second in zip(producer.events, producer.events[1:], strict=False):
            self.assertNotEqual(first, second, producer.events)
