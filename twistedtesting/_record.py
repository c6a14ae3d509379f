# -*- test-case-name: twistedtesting.test.test_link,twistedtesting.test.test_cutter -*-
"""
:class:`DeliveryRecord`: how a link cut what it delivered, and when, to show
in failure messages and to replay.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from struct import pack

import attrs

from twistedtesting._chunking import ScriptedChunks, SizeList

_SHOWN = 12


@attrs.frozen
class DeliveryRecord:
    """
    The chunks one direction of a connection delivered: their sizes, in
    order, and the virtual time each was delivered at.

    :ivar sizes: The sizes of the chunks, in order.
    :ivar times: The time each chunk was delivered at, on the link's clock,
        or ``None`` for a link without a clock.
    :ivar complete: ``False`` if the link delivered more chunks than it
        records (see ``twistedtesting._cutter.RECORD_LIMIT``).
    """

    sizes: tuple[int, ...]
    times: tuple[float | None, ...]
    complete: bool = True

    @classmethod
    def of(
        cls,
        sizes: Iterable[int],
        marks: Sequence[tuple[int, float | None]],
        delivered: int,
    ) -> DeliveryRecord:
        """
        Make the record of a link.

        :param sizes: The sizes recorded.
        :param marks: Per delivery, the index of its first chunk in
            ``sizes`` and its time.
        :param delivered: How many chunks were delivered, recorded or not.
        """
        sizes = tuple(sizes)
        times: list[float | None] = []
        for index, (start, at) in enumerate(marks):
            end = marks[index + 1][0] if index + 1 < len(marks) else len(sizes)
            times.extend([at] * (end - start))
        return cls(sizes, tuple(times), len(sizes) == delivered)

    def toScript(self) -> ScriptedChunks:
        """
        A policy that cuts the same bytes into the same chunks, to replay
        a failure with exactly these cuts.

        :raises ValueError: If nothing was delivered, or the record is not
            complete.
        """
        if not self.complete:
            raise ValueError(
                "the record is not complete: the link delivered more chunks than "
                "it records, so no script replays them all"
            )
        if not self.sizes:
            raise ValueError("nothing was delivered, so there are no cuts to replay")
        return ScriptedChunks(self.sizes)

    def describe(self) -> str:
        """
        A short account, for failure messages: how many chunks and bytes,
        and the first chunks' sizes and times.
        """
        count = len(self.sizes)
        if not count:
            return "no chunks delivered"
        shown = []
        for size, time in zip(self.sizes[:_SHOWN], self.times[:_SHOWN], strict=True):
            shown.append(f"{size}" if time is None else f"{size}@{time:g}")
        more = f", ... {count - _SHOWN} more" if count > _SHOWN else ""
        partial = "" if self.complete else " (record truncated)"
        return (
            f"{count} chunks, {sum(self.sizes)} bytes: "
            f"[{', '.join(shown)}{more}]{partial}"
        )

    def __repr__(self) -> str:
        return f"<DeliveryRecord {self.describe()}>"


_WORDS_AT_LEAST = 16
"""
The fewest sizes of a :class:`~twistedtesting._chunking.SizeList` kept as
its words: fewer are packed, so that a record of single chunks (delivered
one at a time, as with a bandwidth) takes no more than 8 bytes a chunk.
"""


class SizeRecord:
    """
    The sizes of the chunks a link delivered, in order, kept compactly and
    added to cheaply: in parts, each a sequence of unsigned ints and an
    offset added to each of them.  A run of sizes from a
    :class:`~twistedtesting._chunking.SizeList` is kept as its words and
    offset (a slice of them: one or two bytes a size, no conversion), if
    there are at least ``_WORDS_AT_LEAST`` of them; other sizes are kept in
    arrays of 64-bit ints, with the offset 0.
    """

    def __init__(self) -> None:
        self._parts: list[Sequence[int]] = []
        self._offsets: list[int] = []
        self._sizes: array[int] | None = None
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[int]:
        for part, offset in zip(self._parts, self._offsets, strict=True):
            if offset:
                for word in part:
                    yield word + offset
            else:
                yield from part

    def _last(self) -> array[int]:
        """
        The array of sizes at the end of the parts, added if need be.
        """
        sizes = self._sizes
        if sizes is None:
            sizes = self._sizes = array("q")
            self._parts.append(sizes)
            self._offsets.append(0)
        return sizes

    def append(self, size: int) -> None:
        """
        Add one size.
        """
        self._last().append(size)
        self._length += 1

    def extend(self, sizes: list[int], start: int, count: int) -> None:
        """
        Add ``count`` sizes of ``sizes`` from ``start`` on.
        """
        if count >= _WORDS_AT_LEAST and type(sizes) is SizeList:
            words = sizes.words
            self._parts.append(
                words if count == len(words) else words[start : start + count]
            )
            self._offsets.append(sizes.offset)
            self._sizes = None
        else:
            # From packed bytes: array.extend parses each int with a format
            # string, several times slower.
            self._last().frombytes(pack(f"{count}q", *sizes[start : start + count]))
        self._length += count
