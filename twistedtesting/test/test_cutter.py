# -*- test-case-name: twistedtesting.test.test_cutter -*-
"""
Tests for L{twistedtesting._cutter.ChunkCutter}: the runs of whole chunks
it hands out, and what a protocol sees of it while a run is under way; and
for L{twistedtesting._record.SizeRecord}, its record of the sizes.
"""

from __future__ import annotations

import itertools
import operator
import random
from array import array
from collections.abc import Callable

from twistedtesting import FixedChunks, RandomChunks, SynchronousTestCase, _cutter
from twistedtesting._chunking import SizeList
from twistedtesting._cutter import ChunkCutter
from twistedtesting._record import SizeRecord


def policySizes(seed: int, total: int) -> list[int]:
    """
    The sizes a C{RandomChunks(1, 4096)} seeded with C{seed} cuts C{total}
    bytes into.
    """
    sizes: list[int] = []
    for size in RandomChunks(1, 4096, random.Random(seed)).chunkSizes():
        if total <= 0:
            return sizes
        sizes.append(min(size, total))
        total -= size
    raise AssertionError("unreachable: the sizes are endless")


def randomCutter(seed: int) -> ChunkCutter:
    """
    A cutter of random chunks of 1 to 4096 bytes seeded with C{seed}.
    """
    return ChunkCutter(RandomChunks(1, 4096, random.Random(seed)))


class RunTests(SynchronousTestCase):
    """
    L{ChunkCutter.deliver} hands out the chunks that end within the bytes
    it holds in runs; what a protocol asks meanwhile is up to date.
    """

    data = random.Random(0).randbytes(1_500_000)

    def deliverAll(
        self, cutter: ChunkCutter, onChunk: Callable[[bytes], object] = lambda c: None
    ) -> list[bytes]:
        """
        Feed C{self.data} to C{cutter} and deliver all of it.
        """
        chunks: list[bytes] = []

        def dataReceived(chunk: bytes) -> None:
            chunks.append(chunk)
            onChunk(chunk)

        cutter.append(self.data)
        self.assertEqual(
            cutter.deliver(dataReceived, len(self.data), True, None), len(chunks)
        )
        return chunks

    def test_sizesOfThePolicy(self) -> None:
        """
        The chunks are the policy's sizes, in order, across its batches; the
        record and the count say so.
        """
        cutter = randomCutter(7)
        chunks = self.deliverAll(cutter)
        expected = policySizes(7, len(self.data))
        self.assertEqual([len(chunk) for chunk in chunks], expected)
        self.assertEqual(b"".join(chunks), self.data)
        self.assertEqual(list(cutter.sizes), expected)
        self.assertEqual(cutter.chunksDelivered, len(expected))
        self.assertEqual((cutter.delivered, cutter.pending), (len(self.data), 0))

    def test_progressDuringRun(self) -> None:
        """
        A protocol that asks, from C{dataReceived}, how many bytes were
        delivered and are pending gets the counts after the chunk it is
        given.
        """
        cutter = randomCutter(8)
        seen: list[tuple[int, int]] = []
        chunks = self.deliverAll(
            cutter, lambda chunk: seen.append((cutter.delivered, cutter.pending))
        )
        ends = list(itertools.accumulate(len(chunk) for chunk in chunks))
        self.assertEqual(seen, [(end, len(self.data) - end) for end in ends])

    def test_nextCutDuringRun(self) -> None:
        """
        L{ChunkCutter.nextCut}, called from C{dataReceived}, gives the end of
        the next chunk (across batches too), and does not change the cuts.
        """
        expected = policySizes(9, len(self.data))[:700]
        ends = list(itertools.accumulate(expected))
        cutter = randomCutter(9)
        cutter.append(self.data[: ends[-2]])
        chunks: list[bytes] = []
        cuts: list[int] = []

        def dataReceived(chunk: bytes) -> None:
            chunks.append(chunk)
            cuts.append(cutter.nextCut())

        self.assertEqual(cutter.deliver(dataReceived, ends[-2], True, None), 699)
        self.assertEqual([len(chunk) for chunk in chunks], expected[:699])
        self.assertEqual(cuts, ends[1:])
        self.assertEqual(list(cutter.sizes), expected[:699])

    def test_haltDuringRun(self) -> None:
        """
        Halting from C{dataReceived} stops the run after that chunk; the
        next delivery goes on with the next chunk of the policy.
        """
        cutter = randomCutter(10)
        chunks: list[bytes] = []

        def dataReceived(chunk: bytes) -> None:
            chunks.append(chunk)
            if len(chunks) in (3, 300):
                cutter.halted = True

        cutter.append(self.data)
        counts = []
        while cutter.pending:
            cutter.halted = False
            counts.append(cutter.deliver(dataReceived, len(self.data), True, None))
        expected = policySizes(10, len(self.data))
        self.assertEqual(counts, [3, 297, len(expected) - 300])
        self.assertEqual([len(chunk) for chunk in chunks], expected)
        self.assertEqual(list(cutter.sizes), expected)

    def test_dropDuringRun(self) -> None:
        """
        Bytes dropped from C{dataReceived} (when the link closes, which
        halts it) are not delivered; the counts stay right, and bytes
        appended later are delivered from the next cut on.
        """
        cutter = ChunkCutter(FixedChunks(10))
        chunks: list[bytes] = []
        dropped: list[int] = []

        def dataReceived(chunk: bytes) -> None:
            chunks.append(chunk)
            if len(chunks) == 2:
                cutter.halted = True
                dropped.append(cutter.drop())

        cutter.append(b"x" * 100)
        self.assertEqual(cutter.deliver(dataReceived, 100, True, None), 2)
        self.assertEqual((dropped, cutter.delivered, cutter.pending), ([80], 20, 0))
        cutter.halted = False
        cutter.append(b"y" * 15)
        self.assertEqual(cutter.deliver(dataReceived, 115, True, None), 2)
        self.assertEqual(chunks, [b"x" * 10, b"x" * 10, b"y" * 10, b"y" * 5])
        self.assertEqual(list(cutter.sizes), [10, 10, 10, 5])
        self.assertEqual((cutter.delivered, cutter.chunksDelivered), (35, 4))

    def test_errorDuringRun(self) -> None:
        """
        An exception from C{dataReceived} propagates; the chunk it was given
        counts as delivered and is recorded, and the next delivery goes on
        after it.
        """
        cutter = ChunkCutter(FixedChunks(3))
        chunks: list[bytes] = []

        def dataReceived(chunk: bytes) -> None:
            chunks.append(chunk)
            if len(chunks) == 2:
                raise ZeroDivisionError()

        cutter.append(b"abcdefghi")
        self.assertRaises(
            ZeroDivisionError, cutter.deliver, dataReceived, 9, True, None
        )
        self.assertEqual(
            (cutter.delivered, cutter.chunksDelivered, list(cutter.sizes)),
            (6, 2, [3, 3]),
        )
        self.assertEqual(cutter.deliver(dataReceived, 9, True, None), 1)
        self.assertEqual(chunks, [b"abc", b"def", b"ghi"])

    def test_feedDuringRun(self) -> None:
        """
        Bytes appended from C{dataReceived} wait for a delivery with a limit
        past them, and are cut where the policy cuts, with no cut where they
        were appended: a chunk cut short at the limit goes on to its cut,
        and one not cut short is delivered whole.
        """
        cutter = ChunkCutter(FixedChunks(4))
        chunks: list[bytes] = []

        def dataReceived(chunk: bytes) -> None:
            chunks.append(chunk)
            if len(chunks) == 1:
                cutter.append(b"123456")

        cutter.append(b"abcdef")
        self.assertEqual(cutter.deliver(dataReceived, 6, True, None), 2)
        self.assertEqual(cutter.deliver(dataReceived, 12, True, None), 2)
        self.assertEqual(chunks, [b"abcd", b"ef", b"12", b"3456"])
        cutter = ChunkCutter(FixedChunks(4))
        chunks.clear()
        cutter.append(b"abcdef")
        self.assertEqual(cutter.deliver(dataReceived, 6, False, None), 1)
        self.assertEqual(cutter.deliver(dataReceived, 12, False, None), 2)
        self.assertEqual(chunks, [b"abcd", b"ef12", b"3456"])


class GatherTests(SynchronousTestCase):
    """
    Small pieces queued behind a chunk that crosses the end of the bytes
    being handed out are joined into one (up to L{_cutter.GATHER} bytes,
    those that start before the limit): the chunks, the record and the
    counts are those of the same bytes appended as one piece.
    """

    data = random.Random(1).randbytes(1_200_000)

    def deliverPieces(
        self, pieceSize: int, limits: list[int], cutShort: bool
    ) -> tuple[ChunkCutter, list[bytes], list[tuple[int, int, int]]]:
        """
        Append C{self.data} in pieces of C{pieceSize} bytes to a cutter of
        random chunks, then deliver up to each of C{limits}.

        @returns: The cutter, the chunks, and per delivery its count and
            the bytes delivered and pending after it.
        """
        cutter = randomCutter(11)
        for start in range(0, len(self.data), pieceSize):
            cutter.append(self.data[start : start + pieceSize])
        chunks: list[bytes] = []
        counts = []
        for limit in limits:
            count = cutter.deliver(chunks.append, limit, cutShort, None)
            counts.append((count, cutter.delivered, cutter.pending))
        return cutter, chunks, counts

    def test_sameChunks(self) -> None:
        """
        Pieces of 1000 and of 65536 bytes (joined) and of 300,000 bytes (not
        joined, being larger) are delivered in the same chunks as the data
        in one piece, up to limits in the middle of pieces, whether a chunk
        that crosses a limit is cut short there or waits for its last bytes.
        """
        total = len(self.data)
        limits = [5000, 70000, 70001, 333333, 600000, 1_000_000, total]
        for cutShort in (True, False):
            expected = self.deliverPieces(total, limits, cutShort)
            # All of it, or all but the last chunk, which waits for bytes.
            delivered = b"".join(expected[1])
            self.assertEqual(delivered, self.data[: len(delivered)])
            self.assertEqual(len(delivered) == total, cutShort)
            for pieceSize in (1000, 65536, 300_000):
                cutter, chunks, counts = self.deliverPieces(pieceSize, limits, cutShort)
                self.assertEqual(chunks, expected[1], (pieceSize, cutShort))
                self.assertEqual(counts, expected[2], (pieceSize, cutShort))
                self.assertEqual(list(cutter.sizes), [len(c) for c in chunks])
                self.assertEqual(cutter.chunksDelivered, len(chunks))

    def test_joinsUpToGather(self) -> None:
        """
        The bytes handed out come from heads of at most C{GATHER} bytes
        and a piece: pieces are joined, but not past that, and not past
        the limit.
        """
        cutter = randomCutter(12)
        for start in range(0, len(self.data), 65536):
            cutter.append(self.data[start : start + 65536])
        heads: list[int] = []
        cutter.deliver(
            lambda chunk: heads.append(len(cutter._head)), 800_000, True, None
        )
        self.assertGreater(max(heads), 65536)
        self.assertLessEqual(max(heads), _cutter.GATHER + 65536)
        # Only the pieces that start before the limit were taken.
        queued = sum(len(piece) for piece in cutter._queue)
        self.assertGreater(queued, 0)
        self.assertLessEqual(len(self.data) - queued, 800_000 + 65536)


class CountingFallbackTests(SynchronousTestCase):
    """
    On an interpreter whose list iterators do not say how many items they
    have left, the runs count their chunks with an iterator that does.
    """

    def test_listIteratorsTell(self) -> None:
        """
        The self-check says whether a list iterator's length hint is the
        number of items left; the fallback's always is.
        """
        self.assertEqual(
            _cutter._listIteratorsTell(),
            operator.length_hint(iter([1, 2]), -1) == 2,
        )
        remaining = _cutter._Remaining([4, 5, 6])
        self.assertEqual((next(remaining), operator.length_hint(remaining)), (4, 2))
        self.assertEqual(list(remaining), [5, 6])
        self.assertEqual(operator.length_hint(remaining), 0)

    def haltedRun(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """
        Deliver 1,000,000 bytes in random chunks, halting after the 300th
        chunk from C{dataReceived}, which asks for the next cut each time.

        @return: The counts the two deliveries returned, the chunk sizes,
            the cuts and the record.
        """
        cutter = randomCutter(11)
        cutter.append(RunTests.data)
        chunks: list[int] = []
        cuts: list[int] = []

        def dataReceived(chunk: bytes) -> None:
            chunks.append(len(chunk))
            cuts.append(cutter.nextCut())
            if len(chunks) == 300:
                cutter.halted = True

        counts = [cutter.deliver(dataReceived, 1_000_000, True, None)]
        cutter.halted = False
        counts.append(cutter.deliver(dataReceived, 1_000_000, True, None))
        return counts, chunks, cuts, list(cutter.sizes)

    def test_fallback(self) -> None:
        """
        With the fallback, a delivery halted from C{dataReceived}, and the
        next cuts asked for from it, are as with a list iterator.
        """
        self.patch(_cutter, "_remaining", iter)
        expected = self.haltedRun()
        self.patch(_cutter, "_remaining", _cutter._Remaining)
        self.assertEqual(self.haltedRun(), expected)
        counts, chunks, cuts, sizes = expected
        self.assertEqual((counts[0], sum(chunks), sizes), (300, 1_000_000, chunks))
        # The last chunk is cut short at the limit: the cuts before it.
        self.assertEqual(cuts[:-2], list(itertools.accumulate(chunks))[1:-1])


class SizeRecordTests(SynchronousTestCase):
    """
    Tests for L{SizeRecord}, the record of the chunk sizes a cutter handed
    out.
    """

    def test_partsInOrder(self) -> None:
        """
        Sizes appended one by one, runs of a L{SizeList} (kept as its words
        and offset) and runs of a plain list come back in the order they
        were added, each exactly; the length counts them all.
        """
        record = SizeRecord()
        record.append(5)
        words = array("H", [0, 9, 4095, 7] * 10)
        record.extend(SizeList(words, 1), 1, 34)
        record.append(2**40)
        record.extend([3, 4, 6, 8], 1, 3)
        record.extend(SizeList(bytes(40), 7), 0, 40)
        record.extend(SizeList(words, 2), 2, 2)
        record.append(1)
        expected = [5, *[10, 4096, 8, 1] * 8, 10, 4096, 2**40, 4, 6, 8]
        expected += [7] * 40 + [4097, 9, 1]
        self.assertEqual(list(record), expected)
        self.assertEqual(len(record), len(expected))

    def test_fewSizesPacked(self) -> None:
        """
        Fewer than 16 sizes of a L{SizeList} are packed as 64-bit ints, as
        other sizes are: chunks delivered one at a time add no part each.
        """
        record = SizeRecord()
        batch = SizeList(array("H", range(256)), 3)
        for index in range(256):
            record.extend(batch, index, 1)
        record.extend(batch, 0, 15)
        self.assertEqual(list(record), list(batch) + list(batch)[:15])
        self.assertEqual(len(record._parts), 1)

    def test_keepsWords(self) -> None:
        """
        A whole L{SizeList} is kept as its words, not copied: a record of
        many random chunks takes about two bytes a chunk.
        """
        record = SizeRecord()
        batch = SizeList(array("H", range(256)), 3)
        for _ in range(1000):
            record.extend(batch, 0, 256)
        self.assertEqual(len(record), 256_000)
        self.assertEqual(list(record)[255:258], [258, 3, 4])
        self.assertEqual({id(part) for part in record._parts}, {id(batch.words)})
