# -*- test-case-name: twistedtesting.test.test_link -*-
"""
The bytes waiting in a one-way link, and where they are cut into chunks:
the hot path of chunked delivery, with no notion of time.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator
from operator import length_hint

from twistedtesting._chunking import ChunkingPolicy, sizeBatches


class ChunkCutter:
    """
    A queue of bytes in stream order, handed out in the chunks a chunking
    policy cuts.

    The bytes pending are ``_head[_pos:]`` followed by the bytes in
    ``_queue``; ``_head`` starts at stream offset ``_headBase``.

    :ivar halted: While ``True``, :meth:`deliver` stops before its next
        chunk; the owner sets it (a paused, held or closed link).
    :ivar chunksDelivered: How many chunks were handed out.
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
        self._untilCut = 0
        self._head = b""
        self._pos = 0
        self._headBase = 0
        self._queue: deque[bytes] = deque()
        self._delivering = False
        self._dropped = 0

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
                self._batch = iter(next(self._batches))
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
                    self._batch = iter(next(self._batches))
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
                    count += unread - length_hint(batch) + (tail < 0)
                if tail < 0:
                    continue
                if tail == stop or stop < end or base + end == limit:
                    # The chunk ends at the stop, or crosses the limit
                    # within head.
                    if tail > stop and not cutShort:
                        self._untilCut = tail - pos
                        break
                    self._pos = stop
                    self._untilCut = tail - stop
                    count += 1
                    dataReceived(head[pos:stop])
                    continue
                # The chunk goes on into the bytes queued after head.
                reach = base + tail if base + tail < limit else limit
                if reach < base + tail and not cutShort:
                    self._untilCut = tail - pos
                    break
                chunk = self._joinAcross(head, pos, base + tail, reach)
                count += 1
                dataReceived(chunk)
        finally:
            self._delivering = False
            self.chunksDelivered += count
        return count

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
