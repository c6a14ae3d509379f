# -*- test-case-name: twistedtesting.test.test_link -*-
"""
The bytes waiting in a one-way link, and where they are cut into chunks:
the hot path of chunked delivery, with no notion of time.
"""

from __future__ import annotations

import itertools
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from operator import length_hint
from struct import pack
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
    SplitAt,
    inLists,
)

RECORD_LIMIT = 1_000_000
"""
How many chunk sizes a link records (8 bytes each): it stops recording at
the first delivery that finds this many recorded.
"""


class ChunkCutter:
    """
    A queue of bytes in stream order, handed out in the chunks a chunking
    policy cuts.

    The bytes pending are ``_head[_pos:]`` followed by the bytes in
    ``_queue``; ``_head`` starts at stream offset ``_headBase``.

    :ivar halted: While ``True``, :meth:`deliver` stops before its next
        chunk; the owner sets it (a paused, held or closed link).
    :ivar chunksDelivered: How many chunks were handed out.
    :ivar sizes: The sizes of the chunks handed out, in order, the first
        ``recordLimit`` of them.
    :ivar fed: How many bytes were appended in all.
    """

    def __init__(
        self, chunking: ChunkingPolicy, label: str = "", inputName: str = "the input"
    ) -> None:
        """
        :param chunking: Where to cut.
        :param label: How errors name the policy's argument, such as
            ``"connectChunked() toServer "``.
        :param inputName: How errors name the bytes, such as ``"what the
            client wrote"``.
        """
        self.chunking = chunking
        self.halted = False
        self.chunksDelivered = 0
        self.fed = 0
        self._label = label
        self._inputName = inputName
        self._totalBytes = chunking.totalBytes
        self._batches = sizeBatches(chunking)
        self._batch: Iterator[int] = iter(())
        self._batchList: list[int] = []
        self._untilCut = 0
        self._head = b""
        self._pos = 0
        self._headBase = 0
        self._queue: deque[bytes] = deque()
        self._delivering = False
        self._dropped = 0
        self._joinPieces = not isinstance(chunking, AsFed)
        self._halving = isinstance(chunking, HalfOfPending)
        self.sizes = array("q")
        self.recordLimit = RECORD_LIMIT

    @property
    def delivered(self) -> int:
        """
        How many bytes were handed out (not counting those dropped).
        """
        return self._headBase + self._pos - self._dropped

    @property
    def pending(self) -> int:
        """
        How many bytes wait to be handed out.
        """
        return self.fed - self._headBase - self._pos

    def checkEnd(self) -> None:
        """
        Check that the input may end here: a policy that covers an exact
        number of bytes (a script) must have been fed all of them.

        :raises ValueError: If it was fed fewer.
        """
        total = self._totalBytes
        if total is not None and self.fed != total:
            raise ValueError(
                f"{self._label}{self.chunking!r} covers {total} bytes, but "
                f"{self._inputName} ends after {self.fed}: feed the rest first"
            )

    def append(self, data: bytes) -> None:
        """
        Add ``data`` (not empty) after the bytes pending.

        :raises ValueError: If the policy covers an exact number of bytes
            and ``data`` goes past it; then nothing is added.
        """
        total = self._totalBytes
        if total is not None and self.fed + len(data) > total:
            raise ValueError(
                f"{self._label}{self.chunking!r} covers {total} bytes, but "
                f"{len(data)} more after {self.fed} make {self.fed + len(data)}: "
                f"the script does not add up to {self._inputName}.  To cut the "
                "first bytes at given offsets and pass the rest as it comes, "
                "use SplitAt(offsets) instead"
            )
        if not self._delivering and self._pos == len(self._head) and not self._queue:
            self._headBase += self._pos
            self._head = data
            self._pos = 0
        else:
            self._queue.append(data)
        self.fed += len(data)

    def drop(self) -> int:
        """
        Discard every byte pending.

        :returns: How many were discarded.
        """
        dropped = self.pending
        self._dropped += dropped
        self._headBase = self.fed
        self._head = b""
        self._pos = 0
        self._queue.clear()
        return dropped

    def nextCut(self) -> int:
        """
        The stream offset of the next cut after the bytes handed out: the
        end of the next chunk, if enough bytes come.
        """
        untilCut = self._untilCut
        while not untilCut:
            untilCut = next(self._batch, 0)
            if not untilCut:
                self._newBatch()
        self._untilCut = untilCut
        return self.delivered + untilCut

    def deliver(
        self,
        dataReceived: Callable[[bytes], object],
        limit: int,
        cutShort: bool,
        maxChunks: int | None,
    ) -> int:
        """
        Hand chunks to ``dataReceived`` until :attr:`halted`, until the
        bytes before the stream offset ``limit`` are handed out, or
        ``maxChunks`` chunks were.

        This is the hot path.  Per chunk it slices the bytes once, stores
        the position and calls ``dataReceived``; the cut points come from C
        iterators over a list of sizes, and the chunks are counted from how
        far that list was read, after the loop.

        :param limit: The offset not to hand out bytes past, at most
            :attr:`fed`.
        :param cutShort: Whether a chunk that crosses ``limit`` is handed
            out cut there (the bytes after it then start the next chunk), or
            kept whole until a later call.
        :returns: How many chunks were handed out.
        """
        queue = self._queue
        count = 0
        sizes = self.sizes if len(self.sizes) < self.recordLimit else None
        if self._halving:
            return self._deliverHalves(dataReceived, limit, maxChunks, sizes)
        joinPieces = self._joinPieces
        self._delivering = True
        try:
            while not self.halted and (maxChunks is None or count < maxChunks):
                head = self._head
                pos = self._pos
                base = self._headBase
                end = len(head)
                if base + pos >= limit:
                    break
                if pos == end:
                    self._headBase = base + end
                    self._head = queue.popleft()
                    self._pos = 0
                    continue
                stop = limit - base if limit - base < end else end
                batch = self._batch
                untilCut = self._untilCut or next(batch, 0)
                if not untilCut:
                    self._newBatch()
                    continue
                self._untilCut = 0
                # Cut points as offsets into head: the next cut, then one
                # more per size read from the batch.
                unread = length_hint(batch)
                cuts: Iterator[int] = itertools.accumulate(
                    batch, initial=pos + untilCut
                )
                if maxChunks is not None:
                    cuts = itertools.islice(cuts, maxChunks - count)
                tail = -1
                try:
                    for cut in cuts:
                        if cut >= stop:
                            tail = cut
                            break
                        chunk = head[pos:cut]
                        pos = self._pos = cut
                        dataReceived(chunk)
                        # dataReceived may have halted delivery; mypy
                        # assumes the attribute is what the loop found.
                        if self.halted:
                            break  # type: ignore[unreachable]
                finally:
                    # Every cut read was a chunk handed out, but the one at
                    # or past the stop.
                    consumed = unread - length_hint(batch)
                    given = consumed + (tail < 0)
                    count += given
                    if given and sizes is not None:
                        start = len(self._batchList) - unread
                        sizes.append(untilCut)
                        # From packed bytes: array.extend parses each int
                        # with a format string, several times slower.
                        more = given - 1
                        sizes.frombytes(
                            pack(f"{more}q", *self._batchList[start : start + more])
                        )
                if tail < 0:
                    continue
                if tail == stop or stop < end or base + end == limit or not joinPieces:
                    # The chunk ends at the stop, or crosses the limit
                    # within head.
                    if tail > stop and not cutShort:
                        self._untilCut = tail - pos
                        break
                    self._pos = stop
                    self._untilCut = tail - stop
                    count += 1
                    if sizes is not None:
                        sizes.append(stop - pos)
                    dataReceived(head[pos:stop])
                    continue
                # The chunk goes on into the bytes queued after head.
                reach = base + tail if base + tail < limit else limit
                if reach < base + tail and not cutShort:
                    self._untilCut = tail - pos
                    break
                chunk = self._joinAcross(head, pos, base + tail, reach)
                count += 1
                if sizes is not None:
                    sizes.append(len(chunk))
                dataReceived(chunk)
        finally:
            self._delivering = False
            self.chunksDelivered += count
        return count

    def _deliverHalves(
        self,
        dataReceived: Callable[[bytes], object],
        limit: int,
        maxChunks: int | None,
        sizes: array[int] | None,
    ) -> int:
        """
        :meth:`deliver` for :class:`HalfOfPending`: each chunk is half of
        the bytes there are up to ``limit``, rounded up.
        """
        count = 0
        self._delivering = True
        try:
            while not self.halted and (maxChunks is None or count < maxChunks):
                position = self._headBase + self._pos
                if position >= limit:
                    break
                if self._pos == len(self._head):
                    self._headBase += len(self._head)
                    self._head = self._queue.popleft()
                    self._pos = 0
                    continue
                size = (limit - position + 1) // 2
                head, pos = self._head, self._pos
                if pos + size <= len(head):
                    chunk = head[pos : pos + size]
                    self._pos = pos + size
                else:
                    end = position + size
                    chunk = self._joinAcross(head, pos, end, end)
                count += 1
                if sizes is not None:
                    sizes.append(size)
                dataReceived(chunk)
        finally:
            self._delivering = False
            self.chunksDelivered += count
        return count

    def _newBatch(self) -> None:
        batchList = next(self._batches)
        self._batchList = batchList
        self._batch = iter(batchList)

    def _joinAcross(self, head: bytes, pos: int, cut: int, reach: int) -> bytes:
        """
        Take the chunk that starts at ``head[pos:]`` and ends at the stream
        offset ``reach`` (past the end of ``head``, at most the cut
        ``cut``), from the bytes queued after ``head``.  The state is left
        just after the chunk, with the piece it ends in as the new head, so
        that only the chunk is copied.

        :returns: The chunk.
        """
        queue = self._queue
        parts = [head[pos:]]
        base = self._headBase + len(head)
        newHead = b""
        newPos = 0
        while queue and base < reach:
            piece = queue.popleft()
            take = reach - base
            if take < len(piece):
                parts.append(piece[:take])
                newHead = piece
                newPos = take
                break
            parts.append(piece)
            base += len(piece)
        self._head = newHead
        self._headBase = base
        self._pos = newPos
        self._untilCut = cut - base - newPos
        return b"".join(parts)


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
        return itertools.repeat([1] * BATCH)
    if kind is FixedChunks:
        return itertools.repeat([cast(FixedChunks, policy).size] * BATCH)
    if kind is RandomChunks:
        return cast(RandomChunks, policy).sizeLists()
    if kind not in _BUILTIN:
        return _CheckedBatches(policy)
    sizes = policy.chunkSizes()
    if policy.totalBytes is not None:
        sizes = itertools.chain(sizes, itertools.repeat(NO_CUT))
    return inLists(sizes)


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
