# -*- test-case-name: twistedtesting.test.test_chunking -*-
"""
Tests for the chunking policies of L{twistedtesting._chunking}.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator

import attrs

from twistedtesting import (
    ChunkedTransport,
    ChunkingPolicy,
    FixedChunks,
    OneByteChunks,
    RandomChunks,
    ScriptedChunks,
    SplitAt,
    SynchronousTestCase,
    allSplits,
    seed,
)
from twistedtesting._chunking import NO_CUT, SizeList
from twistedtesting._sizebatches import sizeBatches
from twistedtesting.test.transportsuite import RecordingProtocol


def firstSizes(policy: ChunkingPolicy, count: int) -> list[int]:
    """
    The first C{count} sizes of C{policy}.
    """
    return list(itertools.islice(policy.chunkSizes(), count))


class PolicyTests(SynchronousTestCase):
    """
    The sizes, reprs and errors of the fixed policies.
    """

    def test_oneByte(self) -> None:
        """
        L{OneByteChunks} cuts after every byte, for a stream of any length.
        """
        self.assertEqual(firstSizes(OneByteChunks(), 5), [1] * 5)
        self.assertIsNone(OneByteChunks().totalBytes)
        self.assertEqual(repr(OneByteChunks()), "OneByteChunks()")
        self.assertEqual(OneByteChunks(), OneByteChunks())

    def test_fixed(self) -> None:
        """
        L{FixedChunks} cuts every C{size} bytes.
        """
        self.assertEqual(firstSizes(FixedChunks(3), 4), [3] * 4)
        self.assertEqual(repr(FixedChunks(3)), "FixedChunks(size=3)")
        self.assertIsNone(FixedChunks(3).totalBytes)

    def test_fixedErrors(self) -> None:
        """
        A size below 1, or not an int, is an error that names it.
        """
        error = self.assertRaises(ValueError, FixedChunks, 0)
        self.assertEqual(str(error), "FixedChunks() size must be at least 1, got 0")
        error = self.assertRaises(TypeError, FixedChunks, 2.0)
        self.assertEqual(str(error), "FixedChunks() size must be an int, not float 2.0")
        self.assertRaises(TypeError, FixedChunks, True)

    def test_scripted(self) -> None:
        """
        L{ScriptedChunks} gives its sizes, kept as a tuple, and covers their
        sum.
        """
        policy = ScriptedChunks([3, 1, 2])
        self.assertEqual(list(policy.chunkSizes()), [3, 1, 2])
        self.assertEqual(policy.sizes, (3, 1, 2))
        self.assertEqual(policy.totalBytes, 6)
        self.assertEqual(repr(policy), "ScriptedChunks(sizes=(3, 1, 2))")

    def test_scriptedErrors(self) -> None:
        """
        An empty script, a size below 1 or not an int, or a script that is
        not a sequence of sizes, is an error that names it.
        """
        error = self.assertRaises(ValueError, ScriptedChunks, [])
        self.assertEqual(str(error), "ScriptedChunks() sizes must not be empty")
        error = self.assertRaises(ValueError, ScriptedChunks, [2, 0])
        self.assertEqual(
            str(error), "ScriptedChunks() sizes[1] must be at least 1, got 0"
        )
        error = self.assertRaises(TypeError, ScriptedChunks, [2, "3"])
        self.assertEqual(
            str(error), "ScriptedChunks() sizes[1] must be an int, not str '3'"
        )
        error = self.assertRaises(TypeError, ScriptedChunks, 5)
        self.assertEqual(
            str(error), "ScriptedChunks() sizes must be an iterable of ints, not int 5"
        )

    def test_splitAt(self) -> None:
        """
        L{SplitAt} cuts at its offsets, then nowhere.
        """
        policy = SplitAt([2, 5, 6])
        self.assertEqual(firstSizes(policy, 5), [2, 3, 1, NO_CUT, NO_CUT])
        self.assertEqual(repr(policy), "SplitAt(offsets=(2, 5, 6))")
        self.assertIsNone(policy.totalBytes)

    def test_splitAtErrors(self) -> None:
        """
        No offsets, an offset below 1, or offsets that do not increase, are
        an error that names them.
        """
        error = self.assertRaises(ValueError, SplitAt, ())
        self.assertEqual(str(error), "SplitAt() offsets must not be empty")
        error = self.assertRaises(ValueError, SplitAt, (3, 3))
        self.assertEqual(
            str(error),
            "SplitAt() offsets must increase, but offsets[1] = 3 follows 3",
        )
        error = self.assertRaises(ValueError, SplitAt, (0,))
        self.assertEqual(str(error), "SplitAt() offsets[0] must be at least 1, got 0")
        error = self.assertRaises(TypeError, SplitAt, 5)
        self.assertEqual(
            str(error), "SplitAt() offsets must be an iterable of ints, not int 5"
        )
        error = self.assertRaises(TypeError, SplitAt, None)
        self.assertEqual(
            str(error),
            "SplitAt() offsets must be an iterable of ints, not NoneType None",
        )

    def test_frozen(self) -> None:
        """
        Policies are immutable values.
        """
        policy = FixedChunks(3)
        self.assertRaises(
            attrs.exceptions.FrozenInstanceError, setattr, policy, "size", 4
        )
        self.assertEqual(hash(FixedChunks(3)), hash(policy))

    def test_protocol(self) -> None:
        """
        Every policy is a L{ChunkingPolicy}; other objects are not.
        """
        for policy in (
            OneByteChunks(),
            FixedChunks(2),
            ScriptedChunks([1]),
            SplitAt([1]),
            RandomChunks(1, 2, random.Random()),
        ):
            self.assertIsInstance(policy, ChunkingPolicy)
        self.assertNotIsInstance(3, ChunkingPolicy)


class RandomChunksTests(SynchronousTestCase):
    """
    Tests for L{RandomChunks}.
    """

    def test_range(self) -> None:
        """
        Every size is in the range, and each one in a small range is drawn
        about as often as the others.
        """
        sizes = firstSizes(RandomChunks(3, 7, self.random), 5000)
        counts = Counter(sizes)
        self.assertEqual(sorted(counts), [3, 4, 5, 6, 7])
        for count in counts.values():
            self.assertTrue(800 < count < 1200, counts)

    def test_ranges(self) -> None:
        """
        Ranges of every width drawn in each way stay in bounds and reach
        both ends, or near them for wide ones.
        """
        for minSize, maxSize in [
            (1, 2),
            (2, 5),
            (1, 256),
            (5, 300),
            (1, 4096),
            (1, 4000),
            (1, 65536),
            (10, 100_000),
            (1, 2**33),
        ]:
            sizes = firstSizes(RandomChunks(minSize, maxSize, self.random), 3000)
            self.assertTrue(min(sizes) >= minSize, (minSize, maxSize))
            self.assertTrue(max(sizes) <= maxSize, (minSize, maxSize))
            span = maxSize - minSize
            self.assertTrue(min(sizes) - minSize <= span // 100, (minSize, maxSize))
            self.assertTrue(maxSize - max(sizes) <= span // 100, (minSize, maxSize))

    def test_single(self) -> None:
        """
        A range of one size gives that size, drawing nothing.
        """
        rng = random.Random(1)
        state = rng.getstate()
        self.assertEqual(firstSizes(RandomChunks(4, 4, rng), 3), [4, 4, 4])
        self.assertEqual(rng.getstate(), state)

    def test_reproducible(self) -> None:
        """
        The sizes depend only on the generator's seed.
        """
        self.assertEqual(
            firstSizes(RandomChunks(1, 100, random.Random(self.seed)), 600),
            firstSizes(RandomChunks(1, 100, self.random), 600),
        )

    @seed(1234)
    def test_pinned(self) -> None:
        """
        With a pinned seed, the sizes are the same in every run, on every
        platform.
        """
        self.assertEqual(
            firstSizes(RandomChunks(1, 10, self.random), 10),
            [8, 8, 3, 8, 10, 4, 7, 8, 7, 1],
        )
        self.assertEqual(
            firstSizes(RandomChunks(1, 4096, random.Random(1234)), 5),
            [4026, 1898, 3935, 1846, 2592],
        )
        # Spans of at most 8 bits that skip some words.
        self.assertEqual(
            firstSizes(RandomChunks(1, 200, random.Random(1234)), 10),
            [186, 128, 106, 95, 54, 200, 32, 113, 103, 30],
        )
        self.assertEqual(
            firstSizes(RandomChunks(3, 7, random.Random(1234)), 10),
            [5, 5, 5, 5, 7, 6, 4, 5, 4, 3],
        )

    def test_batchesKeepWords(self) -> None:
        """
        The batches of sizes drawn from words that are all used, or of at
        most 8 bits, are L{SizeList}s: each size is the offset (the least
        size) more than its word.  That holds also where the sizes are made
        by adding in C code: sizes that fit in a byte (by a table; 255 the
        largest) or in 16 bits (as one big int; 65535 the largest), and
        where they are added in Python: sizes past 255 from 8-bit words, and
        past 65535 from 16-bit words.
        """
        ranges = [
            (1, 4096),
            (1, 200),
            (5, 12),
            (7, 7),
            (128, 255),
            (129, 256),
            (32768, 65535),
            (32769, 65536),
            (40000, 40000 + 4095),
        ]
        for minSize, maxSize in ranges:
            batches = RandomChunks(minSize, maxSize, self.random).sizeLists()
            for batch in itertools.islice(batches, 3):
                assert isinstance(batch, SizeList)
                self.assertEqual(batch.offset, minSize)
                self.assertEqual(batch, [word + minSize for word in batch.words])
                self.assertTrue(all(type(size) is int for size in batch))
                self.assertTrue(all(minSize <= size <= maxSize for size in batch))
            # The largest size is drawn, so no sum was cut to 16 bits.
            sizes = RandomChunks(minSize, maxSize, random.Random(5)).chunkSizes()
            self.assertEqual(
                max(itertools.islice(sizes, 200_000)), maxSize, (minSize, maxSize)
            )

    def test_repr(self) -> None:
        """
        The repr gives the range and leaves the generator out; policies
        with the same range are equal.
        """
        policy = RandomChunks(1, 16, self.random)
        self.assertEqual(repr(policy), "RandomChunks(minSize=1, maxSize=16)")
        self.assertEqual(policy, RandomChunks(1, 16, random.Random()))
        self.assertIsNone(policy.totalBytes)

    def test_errors(self) -> None:
        """
        Sizes below 1, a maximum below the minimum, or a generator that is
        not a L{random.Random}, are errors that name them.
        """
        error = self.assertRaises(ValueError, RandomChunks, 0, 4, self.random)
        self.assertEqual(str(error), "RandomChunks() minSize must be at least 1, got 0")
        error = self.assertRaises(ValueError, RandomChunks, 5, 4, self.random)
        self.assertEqual(
            str(error), "RandomChunks() maxSize (4) must be at least minSize (5)"
        )
        error = self.assertRaises(TypeError, RandomChunks, 1, 4, 42)
        self.assertEqual(
            str(error),
            "RandomChunks() rng must be a random.Random (such as a test's "
            "self.random), not int 42",
        )


class AllSplitsTests(SynchronousTestCase):
    """
    Tests for L{allSplits}.
    """

    def test_everySplit(self) -> None:
        """
        A message of C{n} bytes has C{2 ** (n - 1)} splits, all different,
        each covering the message, from the whole message to one byte per
        chunk.
        """
        splits = list(allSplits(b"abcde"))
        self.assertEqual(len(splits), 16)
        self.assertEqual(len(set(splits)), 16)
        for split in splits:
            self.assertEqual(split.totalBytes, 5)
        self.assertEqual(splits[0], ScriptedChunks([5]))
        self.assertEqual(splits[-1], ScriptedChunks([1, 1, 1, 1, 1]))
        self.assertEqual(
            list(allSplits(b"abc")),
            [
                ScriptedChunks([3]),
                ScriptedChunks([1, 2]),
                ScriptedChunks([2, 1]),
                ScriptedChunks([1, 1, 1]),
            ],
        )
        self.assertEqual(list(allSplits(b"a")), [ScriptedChunks([1])])

    def test_deliversEachSplit(self) -> None:
        """
        Each split, given to a transport, cuts the message as it says.
        """
        seen = set()
        for split in allSplits(b"abcd"):
            protocol = RecordingProtocol()
            ChunkedTransport(protocol, split).peer.feed(b"abcd")
            self.assertEqual(tuple(map(len, protocol.chunks)), split.sizes)
            seen.add(tuple(protocol.chunks))
        self.assertEqual(len(seen), 8)

    def test_errors(self) -> None:
        """
        An empty message, one too long to enumerate, or one that is not
        bytes, is an error that says so.
        """
        error = self.assertRaises(ValueError, allSplits, b"")
        self.assertEqual(
            str(error), "allSplits() message must not be empty: it has no splits"
        )
        error = self.assertRaises(ValueError, allSplits, bytes(17))
        self.assertEqual(
            str(error),
            "allSplits() message is 17 bytes long, so it has 2 ** 16 = 65536 "
            "splits, too many to enumerate; pass a message of at most 16 bytes "
            "(or a larger maxLength), or cut a long message with RandomChunks",
        )
        self.assertEqual(len(list(allSplits(bytes(17), maxLength=17))), 65536)
        error = self.assertRaises(TypeError, allSplits, "text")
        self.assertEqual(
            str(error), "allSplits() message must be bytes, not str 'text'"
        )
        self.assertRaises(ValueError, allSplits, b"ab", maxLength=0)


class CustomPolicyTests(SynchronousTestCase):
    """
    Policies that are not twistedtesting's own are checked as they are used.
    """

    def policy(self, sizes: list[object], total: int | None = None) -> ChunkingPolicy:
        """
        A policy giving C{sizes}, covering C{total} bytes.
        """

        class Custom:
            totalBytes = total

            def chunkSizes(self) -> Iterator[int]:
                return iter(sizes)  # type: ignore[arg-type]

            def __repr__(self) -> str:
                return "Custom()"

        return Custom()

    def test_used(self) -> None:
        """
        A custom policy's sizes cut the input.
        """
        protocol = RecordingProtocol()
        ChunkedTransport(protocol, self.policy([2, 3], 5)).peer.feed(b"abcde")
        self.assertEqual(protocol.chunks, [b"ab", b"cde"])

    def test_badSize(self) -> None:
        """
        A size below 1, or not an int, is an error that names the policy and
        the size, raised once the sizes before it are drawn.
        """
        batches = sizeBatches(self.policy([2, 0]))
        self.assertEqual(next(batches), [2])
        error = self.assertRaises(ValueError, next, batches)
        self.assertEqual(
            str(error), "chunk size 2 from Custom() must be at least 1, got 0"
        )
        error = self.assertRaises(TypeError, next, sizeBatches(self.policy(["2"])))
        self.assertEqual(
            str(error), "chunk size 1 from Custom() must be an int, not str '2'"
        )

    def test_endsEarly(self) -> None:
        """
        Sizes that end, when the policy covers any length, or before its
        total, are an error that says so; sizes that cover the total are
        followed by sizes no stream reaches.
        """
        batches = sizeBatches(self.policy([2]))
        self.assertEqual(next(batches), [2])
        error = self.assertRaises(ValueError, next, batches)
        self.assertEqual(str(error), "the sizes of Custom() ended after 2 bytes")
        batches = sizeBatches(self.policy([2], 3))
        self.assertEqual(next(batches), [2])
        error = self.assertRaises(ValueError, next, batches)
        self.assertEqual(
            str(error),
            "the sizes of Custom() ended after 2 bytes, short of its totalBytes 3",
        )
        error = self.assertRaises(ValueError, next, batches)
        self.assertEqual(
            str(error),
            "the transport is broken: the sizes of Custom() ended after 2 bytes, "
            "short of its totalBytes 3",
        )
        batches = sizeBatches(self.policy([2], 2))
        self.assertEqual(next(batches), [2, NO_CUT])
        self.assertEqual(next(batches)[0], NO_CUT)
