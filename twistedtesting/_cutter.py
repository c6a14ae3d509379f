# -*- test-case-name: twistedtesting.test.test_cutter,twistedtesting.test.test_link -*-
"""
The bytes waiting in a one-way link, and where they are cut into chunks:
the hot path of chunked delivery, with no notion of time.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from io import BytesIO
from operator import length_hint

from twistedtesting._chunking import AsFed, ChunkingPolicy, HalfOfPending
from twistedtesting._record import SizeRecord
from twistedtesting._sizebatches import largestSize, sizeBatches

RECORD_LIMIT = 1_000_000
"""
How many chunk sizes a link records (at most 8 bytes each): it stops
recording at the first delivery that finds this many recorded.
"""


GATHER = 256 * 1024
"""
The size up to which a cutter joins small pieces of bytes into one (see
:func:`gathered`): well within a processor's second-level cache.
"""


def gathered(
    queue: deque[bytes], head: bytes, pos: int, base: int, limit: int
) -> bytes | None:
    """
    Join the rest of ``head``, from ``pos``, and the small pieces first in
    ``queue`` (which start at the stream offset ``base``) that start
    before ``limit``, taking them from ``queue``, into bytes of up to about
    :data:`GATHER`, if there are such pieces.

    One copy at the speed of memory, after which a cutter reads the chunks
    from bytes still in the processor's cache, in runs as long as the
    joined bytes, instead of a run and a chunk joined across two pieces
    per piece.  The chunks are the same.

    :returns: The joined bytes, or ``None`` if no piece was taken.
    """
    size = len(head) - pos
    parts: list[bytes | memoryview] = [memoryview(head)[pos:]]
    while queue and size < GATHER and base < limit:
        piece = queue[0]
        if len(piece) >= GATHER:
            break
        parts.append(queue.popleft())
        size += len(piece)
        base += len(piece)
    return None if len(parts) == 1 else b"".join(parts)


class _Remaining:
    """
    An iterator over a list that says how many items it has left, by
    ``__length_hint__``: for an interpreter whose list iterators do not (see
    :func:`_listIteratorsTell`).
    """

    def __init__(self, items: list[int]) -> None:
        self._items = items
        self._next = 0

    def __iter__(self) -> _Remaining:
        return self

    def __next__(self) -> int:
        index = self._next
        if index >= len(self._items):
            raise StopIteration
        self._next = index + 1
        return self._items[index]

    def __length_hint__(self) -> int:
        return len(self._items) - self._next


def _listIteratorsTell() -> bool:
    """
    Whether a list's iterator says exactly how many items it has left
    (CPython's and PyPy's do): a run counts its chunks by it.
    """
    iterator = iter([1, 2, 3])
    next(iterator)
    return length_hint(iterator, -1) == 2


_remaining: Callable[[list[int]], Iterator[int]] = (
    iter if _listIteratorsTell() else _Remaining
)


class ChunkCutter:
    """
    A queue of bytes in stream order, handed out in the chunks a chunking
    policy cuts.

    The bytes pending are ``_head[_pos:]`` followed by the bytes in
    ``_queue``; ``_head`` starts at stream offset ``_headBase``.  The next
    cut is ``_untilCut`` bytes after ``_pos`` if that is not 0, else
    ``_batch[_index]`` bytes after it.  While :meth:`deliver` hands out a
    run of whole chunks, the position is kept by a reader over ``_head``
    and the index by the iterator over the run's sizes (``_live``), not
    in ``_pos`` and ``_index``: what a protocol asks meanwhile (the bytes
    delivered or pending, the next cut) is read from them.

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
        self._maxSize = largestSize(chunking)
        self._ahead: deque[list[int]] = deque()
        self._batch: list[int] = []
        self._index = 0
        self._ends: list[int] | None = None
        self._untilCut = 0
        self._head = b""
        self._pos = 0
        self._headBase = 0
        self._reader: BytesIO | None = None
        self._live: tuple[BytesIO, Iterator[int]] | None = None
        self._queue: deque[bytes] = deque()
        self._delivering = False
        self._dropped = 0
        self._joinPieces = not isinstance(chunking, AsFed)
        self._halving = isinstance(chunking, HalfOfPending)
        self.sizes = SizeRecord()
        self.recordLimit = RECORD_LIMIT

    def _position(self) -> int:
        """
        Where the bytes not handed out start in ``_head``.
        """
        live = self._live
        return self._pos if live is None else live[0].tell()

    @property
    def delivered(self) -> int:
        """
        How many bytes were handed out (not counting those dropped).
        """
        return self._headBase + self._position() - self._dropped

    @property
    def pending(self) -> int:
        """
        How many bytes wait to be handed out.
        """
        return self.fed - self._headBase - self._position()

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
                f"{len(data)} more bytes after the {self.fed} already given make "
                f"{self.fed + len(data)}: the script does not add up to "
                f"{self._inputName}.  To cut the "
                "first bytes at given offsets and pass the rest as it comes, "
                "use SplitAt(offsets) instead"
            )
        if not self._delivering and self._pos == len(self._head) and not self._queue:
            self._setHead(data, self._headBase + self._pos, 0)
        else:
            self._queue.append(data)
        self.fed += len(data)

    def drop(self) -> int:
        """
        Discard every byte pending.  A delivery under way hands out no
        more: the owner halts it.

        :returns: How many were discarded.
        """
        dropped = self.pending
        self._dropped += dropped
        self._live = None
        self._setHead(b"", self.fed, 0)
        self._queue.clear()
        return dropped

    def nextCut(self) -> int:
        """
        The stream offset of the next cut after the bytes handed out: the
        end of the next chunk, if enough bytes come.
        """
        return self.delivered + (self._untilCut or self._peekSize())

    def _peekSize(self) -> int:
        """
        The size of the next chunk to be cut from the batches, drawing the
        next batch if need be (kept for :meth:`_newBatch`).
        """
        index = self._index
        live = self._live
        if live is not None:
            index -= length_hint(live[1])
        if index < len(self._batch):
            return self._batch[index]
        for batch in self._ahead:
            if batch:
                return batch[0]
        while True:
            batch = next(self._batches)
            self._ahead.append(batch)
            if batch:
                return batch[0]

    def _setHead(self, head: bytes, base: int, pos: int) -> None:
        self._head = head
        self._headBase = base
        self._pos = pos
        self._reader = None

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

        This is the hot path: the chunks that end within the bytes in
        ``_head`` are handed out in runs by :meth:`_deliverRun`; a chunk
        that crosses the end of ``_head`` or ``limit`` is cut here.

        :param limit: The offset not to hand out bytes past, at most
            :attr:`fed`.
        :param cutShort: Whether a chunk that crosses ``limit`` is handed
            out cut there (the bytes after it then start the next chunk), or
            kept whole until a later call.
        :returns: How many chunks were handed out.
        """
        sizes = self.sizes if len(self.sizes) < self.recordLimit else None
        if self._halving:
            return self._deliverHalves(dataReceived, limit, maxChunks, sizes)
        queue = self._queue
        count = 0
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
                    self._setHead(queue.popleft(), base + end, 0)
                    continue
                stop = limit - base if limit - base < end else end
                untilCut = self._untilCut
                if not untilCut:
                    index = self._index
                    if index == len(self._batch):
                        self._newBatch()
                        continue
                    run = self._fitting(index, stop - pos)
                    if maxChunks is not None and run > maxChunks - count:
                        run = maxChunks - count
                    if run:
                        count += self._deliverRun(dataReceived, index, run, sizes)
                        continue
                    # The next chunk crosses the stop.
                    untilCut = self._batch[index]
                    self._index = index + 1
                cut = pos + untilCut
                if cut <= stop:
                    # What was left of a chunk cut short.
                    chunk = head[pos:cut]
                    self._pos = cut
                    self._untilCut = 0
                elif stop < end or base + end == limit or not self._joinPieces:
                    # The chunk crosses the limit within head.
                    if not cutShort:
                        self._untilCut = untilCut
                        break
                    chunk = head[pos:stop]
                    self._pos = stop
                    self._untilCut = cut - stop
                else:
                    # The chunk goes on into the bytes queued after head.
                    reach = base + cut if base + cut < limit else limit
                    if reach < base + cut and not cutShort:
                        self._untilCut = untilCut
                        break
                    if end - pos < GATHER and self._gather(head, pos, limit):
                        self._untilCut = untilCut
                        continue
                    chunk = self._joinAcross(head, pos, base + cut, reach)
                count += 1
                self.chunksDelivered += 1
                if sizes is not None:
                    sizes.append(len(chunk))
                dataReceived(chunk)
        finally:
            self._delivering = False
        return count

    def _gather(self, head: bytes, pos: int, limit: int) -> bool:
        """
        Make the rest of ``head`` and small pieces queued after it the head,
        if :func:`gathered` joins any.
        """
        joined = gathered(self._queue, head, pos, self._headBase + len(head), limit)
        if joined is None:
            return False
        self._setHead(joined, self._headBase + pos, 0)
        return True

    def _fitting(self, index: int, room: int) -> int:
        """
        How many of the batch's sizes from ``index`` on end within ``room``
        bytes.
        """
        batch = self._batch
        left = len(batch) - index
        maxSize = self._maxSize
        if maxSize is not None and left * maxSize <= room:
            return left
        ends = self._ends
        if ends is None:
            ends = self._ends = list(itertools.accumulate(batch))
        before = ends[index - 1] if index else 0
        return bisect_right(ends, before + room, index) - index

    def _deliverRun(
        self,
        dataReceived: Callable[[bytes], object],
        index: int,
        run: int,
        sizes: SizeRecord | None,
    ) -> int:
        """
        Hand out, until :attr:`halted`, the ``run`` chunks whose sizes are
        the batch's from ``index`` on, all of them within ``_head``.

        Per chunk, this is a C iterator that reads the chunk from a
        :class:`io.BytesIO` over ``_head`` (which shares its bytes), the
        call of ``dataReceived`` and the check of :attr:`halted`.  The
        chunks are counted, and recorded, after the loop (also when
        ``dataReceived`` raises), from how far the sizes were read.

        :returns: How many chunks were handed out.
        """
        batch = self._batch
        reader = self._reader
        if reader is None:
            reader = self._reader = BytesIO(self._head)
        reader.seek(self._pos)
        runSizes = batch if run == len(batch) else batch[index : index + run]
        remaining = _remaining(runSizes)
        self._index = index + run
        self._live = (reader, remaining)
        try:
            for chunk in map(reader.read, remaining):
                dataReceived(chunk)
                # Free it before the next is read, as a slicing loop does:
                # the next then reuses its memory, still in the cache.
                del chunk
                if self.halted:
                    break
        finally:
            given = run - length_hint(remaining)
            self._index = index + given
            self.chunksDelivered += given
            # Not if drop() discarded the bytes meanwhile.
            if self._live is not None:
                self._live = None
                self._pos = reader.tell()
            if given and sizes is not None:
                sizes.extend(batch, index, given)
        return given

    def _deliverHalves(
        self,
        dataReceived: Callable[[bytes], object],
        limit: int,
        maxChunks: int | None,
        sizes: SizeRecord | None,
    ) -> int:
        """
        :meth:`deliver` for :class:`HalfOfPending`: each chunk is half of
        the bytes there are up to ``limit``, rounded up.
        """
        count = 0
        self._delivering = True
        try:
            while not self.halted and (maxChunks is None or count < maxChunks):
                head, pos = self._head, self._pos
                position = self._headBase + pos
                if position >= limit:
                    break
                if pos == len(head):
                    self._setHead(self._queue.popleft(), position, 0)
                    continue
                size = (limit - position + 1) // 2
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
        ahead = self._ahead
        self._batch = ahead.popleft() if ahead else next(self._batches)
        self._index = 0
        self._ends = None

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
        self._setHead(newHead, base, newPos)
        self._untilCut = cut - base - newPos
        return b"".join(parts)
