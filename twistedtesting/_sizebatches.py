# -*- test-case-name: twistedtesting.test.test_chunking -*-
"""
The chunk sizes of a policy in lists, the form in which a link's cutter
(:mod:`twistedtesting._cutter`) uses them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import cast

from twistedtesting._checks import positiveInt
from twistedtesting._chunking import (
    BATCH,
    NO_CUT,
    AsFed,
    ChunkingPolicy,
    FixedChunks,
    HalfOfPending,
    OneByteChunks,
    RandomChunks,
    ScriptedChunks,
    SizeList,
    SplitAt,
    inLists,
)

_BUILTIN = (
    OneByteChunks,
    FixedChunks,
    ScriptedChunks,
    SplitAt,
    RandomChunks,
    AsFed,
    HalfOfPending,
)


def sizeBatches(policy: ChunkingPolicy) -> Iterator[list[int]]:
    """
    Return the chunk sizes of ``policy`` in lists, endlessly: the form that
    :class:`twistedtesting.ChunkedTransport` iterates fastest.

    The sizes of a policy that is not one of this module's are checked as
    they are drawn: a size that is not an ``int`` of at least 1, or sizes
    that end before :attr:`~ChunkingPolicy.totalBytes` bytes (or, for a
    policy without a total, at all), are an error that names the policy
    and the size, raised when the sizes before it are used up, and raised
    again by every later draw.
    The sizes of a policy with a total are followed by sizes that no stream
    reaches.

    :param policy: The policy whose sizes to iterate.
    :returns: An endless iterator of non-empty lists of chunk sizes.
    """
    kind = type(policy)
    if kind is OneByteChunks:
        return itertools.repeat(SizeList(bytes(BATCH), 1))
    if kind is FixedChunks:
        return itertools.repeat(SizeList(bytes(BATCH), cast(FixedChunks, policy).size))
    if kind is RandomChunks:
        return cast(RandomChunks, policy).sizeLists()
    if kind not in _BUILTIN:
        return _CheckedBatches(policy)
    sizes = policy.chunkSizes()
    if policy.totalBytes is not None:
        sizes = itertools.chain(sizes, itertools.repeat(NO_CUT))
    return inLists(sizes)


def largestSize(policy: ChunkingPolicy) -> int | None:
    """
    The largest size ``policy`` cuts, for the policies of this module that
    say so, else ``None``.
    """
    kind = type(policy)
    if kind is OneByteChunks:
        return 1
    if kind is FixedChunks:
        return cast(FixedChunks, policy).size
    if kind is RandomChunks:
        return cast(RandomChunks, policy).maxSize
    return None


class _CheckedBatches:
    """
    The sizes of a policy that is not one of this module's, in lists, each
    size checked as it is drawn.

    A list ends just before a bad size (or the end of the sizes), so the
    chunks before it are delivered; the next draw raises the error that
    names the policy and the size, and every draw after it raises it again,
    saying that the sizes are broken.
    """

    def __init__(self, policy: ChunkingPolicy) -> None:
        self._policy = policy
        self._sizes = policy.chunkSizes()
        self._drawn = 0
        self._covered = 0
        self._done = False
        self._error: Exception | None = None
        self._raised = False

    def __iter__(self) -> _CheckedBatches:
        return self

    def __next__(self) -> list[int]:
        error = self._error
        if error is not None:
            if self._raised:
                raise type(error)(f"the transport is broken: {error}")
            self._raised = True
            raise error
        if self._done:
            return [NO_CUT] * BATCH
        batch: list[int] = []
        policy = self._policy
        for size in itertools.islice(self._sizes, BATCH):
            self._drawn += 1
            try:
                positiveInt(f"chunk size {self._drawn} from {policy!r}", size)
            except (TypeError, ValueError) as e:
                self._error = e
                break
            self._covered += size
            batch.append(size)
        else:
            if len(batch) < BATCH:
                total = policy.totalBytes
                if total is None or self._covered < total:
                    self._error = ValueError(
                        f"the sizes of {policy!r} ended after {self._covered} bytes"
                        + (
                            ""
                            if total is None
                            else f", short of its totalBytes {total}"
                        )
                    )
                else:
                    self._done = True
                    batch.append(NO_CUT)
        return batch if batch else next(self)
