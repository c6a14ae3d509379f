# -*- test-case-name: twistedtesting.test.test_link -*-
"""
:class:`DeliveryRecord`: how a link cut what it delivered, and when, to show
in failure messages and to replay.
"""

from __future__ import annotations

import attrs

from twistedtesting._chunking import ScriptedChunks

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
