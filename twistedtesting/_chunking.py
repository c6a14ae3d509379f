# -*- test-case-name: twistedtesting.test.test_chunking -*-
"""
Chunking policies: where a stream of bytes is cut into the chunks that a
protocol's ``dataReceived`` is given.

A policy is a small immutable value.  Its :meth:`~ChunkingPolicy.chunkSizes`
returns a new iterator of chunk sizes, which mark *cut points* in the stream:
with sizes 3, 4, 5 the stream is cut after its 3rd, 7th and 12th bytes.  A
transport never delivers a chunk that crosses a cut point; it may cut a chunk
short where the bytes fed so far end.
"""

from __future__ import annotations

import array
import itertools
import random
import sys
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

import attrs

from twistedtesting._checks import checkRandom, positiveInt

NO_CUT = sys.maxsize
"""
A chunk size that no stream reaches: after it, bytes are cut only where
the bytes fed so far end.
"""

BATCH = 256
"""
How many chunk sizes are drawn, and handed to a link's cutter, at once.
"""


@runtime_checkable
class ChunkingPolicy(Protocol):
    """
    Decides where a stream of bytes is cut into chunks.

    :class:`twistedtesting.ChunkedTransport` accepts any object with these
    two members, so a project can write its own policy; the ones in
    :mod:`twistedtesting` are immutable values whose ``repr`` says how they
    cut.
    """

    def chunkSizes(self) -> Iterator[int]:
        """
        Return a new iterator of chunk sizes, in stream order.

        Every size must be an ``int`` of at least 1.  The iterator may be
        infinite; a finite one must cover :attr:`totalBytes` bytes.
        """

    @property
    def totalBytes(self) -> int | None:
        """
        The number of bytes the policy cuts, when it describes a stream of
        one exact length (as a script of sizes does), else ``None``.
        """


def _checkPositive(
    instance: object, attribute: attrs.Attribute[int], value: int
) -> None:
    positiveInt(f"{type(instance).__name__}() {attribute.name}", value)


def _checkRandom(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    checkRandom(
        f"{type(instance).__name__}() {attribute.name}", value, "randbytes", "randint"
    )


def _intTuple(name: str, values: Iterable[int]) -> tuple[int, ...]:
    """
    Convert an iterable of ints to a tuple; anything else is a
    :exc:`TypeError` that names the argument ``name``.
    """
    try:
        if isinstance(values, str | bytes):
            raise TypeError(values)
        iterator = iter(values)
    except TypeError:
        raise TypeError(
            f"{name} must be an iterable of ints, not {type(values).__name__} "
            f"{values!r}"
        ) from None
    return tuple(iterator)


def _sizesTuple(values: Iterable[int]) -> tuple[int, ...]:
    return _intTuple("ScriptedChunks() sizes", values)


def _offsetsTuple(values: Iterable[int]) -> tuple[int, ...]:
    return _intTuple("SplitAt() offsets", values)


@attrs.frozen
class OneByteChunks:
    """
    Cut the stream into chunks of one byte each: the harshest test of a
    parser, which must then keep every partial message between calls.
    """

    def chunkSizes(self) -> Iterator[int]:
        """
        :returns: An endless iterator of ``1``.
        """
        return itertools.repeat(1)

    @property
    def totalBytes(self) -> None:
        """
        ``None``: the policy cuts a stream of any length.
        """
        return None


@attrs.frozen
class FixedChunks:
    """
    Cut the stream into chunks of ``size`` bytes; the last chunk may be
    shorter.

    :ivar size: The chunk size, at least 1.
    """

    size: int = attrs.field(validator=_checkPositive)

    def chunkSizes(self) -> Iterator[int]:
        """
        :returns: An endless iterator of ``size``.
        """
        return itertools.repeat(self.size)

    @property
    def totalBytes(self) -> None:
        """
        ``None``: the policy cuts a stream of any length.
        """
        return None


def _checkSizes(
    instance: ScriptedChunks,
    attribute: attrs.Attribute[tuple[int, ...]],
    value: tuple[int, ...],
) -> None:
    if not value:
        raise ValueError("ScriptedChunks() sizes must not be empty")
    for index, size in enumerate(value):
        positiveInt(f"ScriptedChunks() sizes[{index}]", size)


@attrs.frozen
class ScriptedChunks:
    """
    Cut the stream into chunks of exactly the given sizes, in order.

    The script describes the whole stream: feeding more bytes than it covers
    is a :exc:`ValueError`, and so is ending the input before all of them
    were fed.

    :ivar sizes: The chunk sizes, each at least 1; any iterable of ints is
        accepted and kept as a tuple.
    """

    sizes: tuple[int, ...] = attrs.field(converter=_sizesTuple, validator=_checkSizes)

    def chunkSizes(self) -> Iterator[int]:
        """
        :returns: An iterator of the scripted sizes.
        """
        return iter(self.sizes)

    @property
    def totalBytes(self) -> int:
        """
        The number of bytes the script covers: the sum of its sizes.
        """
        return sum(self.sizes)


def _checkOffsets(
    instance: SplitAt,
    attribute: attrs.Attribute[tuple[int, ...]],
    value: tuple[int, ...],
) -> None:
    if not value:
        raise ValueError("SplitAt() offsets must not be empty")
    previous = 0
    for index, offset in enumerate(value):
        positiveInt(f"SplitAt() offsets[{index}]", offset)
        if offset <= previous:
            raise ValueError(
                f"SplitAt() offsets must increase, but offsets[{index}] = {offset} "
                f"follows {previous}"
            )
        previous = offset


@attrs.frozen
class SplitAt:
    """
    Cut the stream at the given byte offsets, and nowhere else: with offsets
    ``(2, 5)`` the first chunk holds bytes 0 and 1, the second bytes 2 to 4,
    and the rest is delivered as it is fed.

    :ivar offsets: The offsets to cut at, increasing, each at least 1; any
        iterable of ints is accepted and kept as a tuple.
    """

    offsets: tuple[int, ...] = attrs.field(
        converter=_offsetsTuple, validator=_checkOffsets
    )

    def chunkSizes(self) -> Iterator[int]:
        """
        :returns: The sizes of the chunks between the offsets, then an
            endless iterator of a size no stream reaches.
        """
        starts = (0, *self.offsets[:-1])
        return itertools.chain(
            (end - start for start, end in zip(starts, self.offsets, strict=True)),
            itertools.repeat(NO_CUT),
        )

    @property
    def totalBytes(self) -> None:
        """
        ``None``: the policy cuts a stream of any length.
        """
        return None


@attrs.frozen
class AsFed:
    """
    Deliver each write (or each :meth:`~twistedtesting.TestPeer.feed`) as
    one chunk, as it came, never joined with the next one nor cut: the
    chunks a protocol gets are exactly the pieces its peer wrote.
    """

    def chunkSizes(self) -> Iterator[int]:
        """
        :returns: An endless iterator of a size no stream reaches: the cuts
            are where the writes end, which a link knows.
        """
        return itertools.repeat(NO_CUT)

    @property
    def totalBytes(self) -> None:
        """
        ``None``: the policy cuts a stream of any length.
        """
        return None


@attrs.frozen
class HalfOfPending:
    """
    Deliver half of the bytes that are there (rounded up), as Go's
    ``iotest.HalfReader`` reads half of what it is asked for: 10 bytes
    arrive as chunks of 5, 3, 1 and 1.
    """

    def chunkSizes(self) -> Iterator[int]:
        """
        :returns: An endless iterator of a size no stream reaches: the cuts
            depend on how many bytes are there, which a link knows.
        """
        return itertools.repeat(NO_CUT)

    @property
    def totalBytes(self) -> None:
        """
        ``None``: the policy cuts a stream of any length.
        """
        return None


def _checkMaxSize(
    instance: RandomChunks, attribute: attrs.Attribute[int], value: int
) -> None:
    positiveInt("RandomChunks() maxSize", value)
    if value < instance.minSize:
        raise ValueError(
            f"RandomChunks() maxSize ({value}) must be at least minSize "
            f"({instance.minSize})"
        )


@attrs.frozen
class RandomChunks:
    """
    Cut the stream into chunks of random sizes between ``minSize`` and
    ``maxSize`` bytes (both included), drawn from ``rng``.

    Give it a test's ``self.random`` (see
    :class:`twistedtesting.SynchronousTestCase`): the sizes then depend on
    nothing but the test's seed, which the report of a failing test gives,
    so a failure caused by one particular cut can be reproduced.

    The ``repr`` leaves ``rng`` out: the seed says how it was seeded.

    :ivar minSize: The smallest chunk size, at least 1.
    :ivar maxSize: The largest chunk size, at least ``minSize``.
    :ivar rng: The generator to draw the sizes from.
    """

    minSize: int = attrs.field(validator=_checkPositive)
    maxSize: int = attrs.field(validator=_checkMaxSize)
    rng: random.Random = attrs.field(validator=_checkRandom, repr=False, eq=False)

    def chunkSizes(self) -> Iterator[int]:
        """
        :returns: An endless iterator of sizes drawn from ``rng``, each
            equally likely.  It draws random bytes from ``rng`` in
            batches, as it needs them.
        """
        return itertools.chain.from_iterable(self.sizeLists())

    def sizeLists(self) -> Iterator[list[int]]:
        """
        The sizes that :meth:`chunkSizes` gives, in lists of about
        :data:`BATCH`: the form a link's cutter uses fastest.
        """
        span = self.maxSize - self.minSize + 1
        if span == 1:
            return itertools.repeat(SizeList(bytes(BATCH), self.minSize))
        bits = (span - 1).bit_length()
        if bits <= 16 and span * 4 >= 3 << bits:
            return _drawnMasked(self.rng, self.minSize, span, bits)
        if span <= 1 << 16:
            return _drawnInBatches(self.rng, self.minSize, span, "H", 16)
        if span <= 1 << 32 and _WORD32 is not None:
            return _drawnInBatches(self.rng, self.minSize, span, _WORD32, 32)
        return inLists(_drawnOneByOne(self.rng, self.minSize, self.maxSize))

    @property
    def totalBytes(self) -> None:
        """
        ``None``: the policy cuts a stream of any length.
        """
        return None


class SizeList(list[int]):
    """
    A batch of chunk sizes that keeps what it was made from: the size at
    each index is ``offset`` more than the word at that index in
    ``words`` (random words, or zeros for a constant size), so that a
    link's record of the sizes keeps the words, one or two bytes a size.

    :ivar words: The words, unsigned, in a :class:`bytes` or an
        :class:`array.array`; never changed.
    :ivar offset: What is added to each word, at least 1.
    """

    __slots__ = ("offset", "words")

    def __init__(
        self,
        words: bytes | array.array[int],
        offset: int,
        sizes: Iterable[int] | None = None,
    ) -> None:
        """
        :param sizes: The sizes, if the caller made them (faster than one
            by one, in Python): each word plus ``offset``, in order.
        """
        super().__init__([word + offset for word in words] if sizes is None else sizes)
        self.words = words
        self.offset = offset


def _word32Typecode() -> str | None:
    """
    The :mod:`array` typecode of an unsigned 32-bit int, if there is one.
    """
    for typecode in "IL":
        if array.array(typecode).itemsize == 4:
            return typecode
    return None


_WORD32 = _word32Typecode()


def _drawnInBatches(
    rng: random.Random, minSize: int, span: int, typecode: str, bits: int
) -> Iterator[list[int]]:
    """
    Batches of sizes from ``minSize`` to ``minSize + span - 1``, made from
    random ``bits``-bit words (``typecode`` in :mod:`array`) read
    little-endian, so the same on every platform;
    the words past the largest multiple of ``span`` are skipped, so that
    every size is equally likely.

    This is the hot path of random chunking: a batch is made by one list
    comprehension, so that drawing a size costs little next to what a
    protocol does with a chunk.
    """
    accepted = (1 << bits) - (1 << bits) % span
    swap = sys.byteorder == "big"
    while True:
        words = array.array(typecode, rng.randbytes(bits // 8 * BATCH))
        if swap:
            words.byteswap()
        if accepted == 1 << bits:
            # span divides 2 ** bits (it is a power of two): no word is
            # skipped, and the comparison is not worth making.
            yield [word % span + minSize for word in words]
        else:
            yield [word % span + minSize for word in words if word < accepted]


def _drawnMasked(
    rng: random.Random, minSize: int, span: int, bits: int
) -> Iterator[list[int]]:
    """
    Batches of sizes from ``minSize`` to ``minSize + span - 1``, made from
    random ``bits``-bit words (``bits`` at most 16), the words of at least
    ``span`` skipped so that every size is equally likely.  For spans that
    fill most of ``2 ** bits`` (at least three quarters), so that few words
    are skipped.

    The words are made by C code: random bytes, masked by
    :meth:`bytes.translate` to ``bits`` bits, read as little-endian 16-bit
    words (the same on every platform) when ``bits`` exceeds 8.  The one
    list comprehension per batch is the only Python code per size.  The
    batches are :class:`SizeList` objects (but for 16-bit words of which
    some are skipped), so that a link records the words, not the sizes.
    """
    maxSize = minSize + span - 1
    if bits <= 8:
        byteMask = bytes(value & ((1 << bits) - 1) for value in range(256))
        # The words of at least span, deleted by C code too.
        skipped = bytes(range(span, 1 << bits))
        # With sizes that fit in a byte, the sizes too: the words plus
        # minSize, by a table (ints of at most 255 are shared objects).
        plus = (
            None
            if maxSize > 0xFF
            else bytes((value + minSize) & 0xFF for value in range(256))
        )
        while True:
            words = rng.randbytes(BATCH).translate(byteMask)
            if skipped:
                words = words.translate(None, skipped)
            yield SizeList(
                words, minSize, None if plus is None else words.translate(plus)
            )
    highMask = bytes(value & ((1 << (bits - 8)) - 1) for value in range(256))
    swap = sys.byteorder == "big"
    # With sizes below 2 ** 16, the sizes are the words plus minSize added
    # as one big int, each word's sum in its own 16 bits (no carry crosses
    # into the next word), read back as words by C code.
    offsets = (
        None
        if maxSize > 0xFFFF
        else int.from_bytes(minSize.to_bytes(2, "little") * BATCH, "little")
    )
    while True:
        raw = bytearray(rng.randbytes(2 * BATCH))
        raw[1::2] = raw[1::2].translate(highMask)
        wide = array.array("H", raw)
        if swap:
            wide.byteswap()
        if span != 1 << bits:
            yield [word + minSize for word in wide if word < span]
        elif offsets is None:
            yield SizeList(wide, minSize)
        else:
            summed = int.from_bytes(raw, "little") + offsets
            sizes = array.array("H", summed.to_bytes(2 * BATCH, "little"))
            if swap:
                sizes.byteswap()
            yield SizeList(wide, minSize, sizes.tolist())


def _drawnOneByOne(rng: random.Random, minSize: int, maxSize: int) -> Iterator[int]:
    """
    Sizes drawn one at a time, for ranges too wide to draw in batches.
    """
    while True:
        yield rng.randint(minSize, maxSize)


def inLists(sizes: Iterator[int]) -> Iterator[list[int]]:
    """
    Batch an endless iterator of sizes into lists.
    """
    while True:
        yield list(itertools.islice(sizes, BATCH))
