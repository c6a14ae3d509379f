# -*- test-case-name: twistedtesting.test.test_nettrace -*-
"""
:class:`NetworkTrace`: what happened on a simulated network, event by
event, with its time and hosts: connections made, refused and closed, bytes
delivered, faults.  Short enough to read at the end of a failure report.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import attrs

from twistedtesting._checks import positiveInt

DEFAULT_TRACE_LIMIT = 10_000
"""
How many of the latest events a :class:`NetworkTrace` keeps unless told
otherwise: the memory it takes stays flat however long the run.
"""


@attrs.frozen
class TraceEvent:
    """
    One event on the network.

    :ivar index: Its position in the whole run, from 0.
    :ivar time: The network time it happened at.
    :ivar kind: What happened: ``"listen"``, ``"connect"``, ``"accept"``,
        ``"connected"``, ``"refused"``, ``"timeout"``, ``"data"``,
        ``"close"``, ``"reset"``, ``"unlisten"`` or ``"fault"``.
    :ivar source: The host it came from (or the one a fault is about).
    :ivar target: The host it went to, or ``""``.
    :ivar detail: The rest: ports, byte counts, reasons.
    """

    index: int
    time: float
    kind: str
    source: str
    target: str
    detail: str

    def __str__(self) -> str:
        hosts = f"{self.source} -> {self.target}" if self.target else self.source
        detail = f" {self.detail}" if self.detail else ""
        return f"t={self.time:<10.6f} {self.kind:<9} {hosts}{detail}"


class NetworkTrace:
    """
    The events of a network, oldest first: the latest ``limit`` of them
    (all, if ``limit`` is ``None``).

    :ivar count: How many events happened in all.
    """

    def __init__(self, limit: int | None = DEFAULT_TRACE_LIMIT) -> None:
        """
        :raises TypeError: If ``limit`` is not an ``int`` or ``None``.
        :raises ValueError: If ``limit`` is less than 1.
        """
        if limit is not None:
            positiveInt("trace limit", limit, "an int or None")
        self.limit = limit
        self.count = 0
        self._events: deque[tuple[float, str, str, str, str | int]] = deque(
            maxlen=limit
        )

    def record(
        self,
        time: float,
        kind: str,
        source: str,
        target: str = "",
        detail: str | int = "",
    ) -> None:
        """
        Add an event.

        :param detail: What else to say, or a number of bytes.
        """
        self._events.append((time, kind, source, target, detail))
        self.count += 1

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[TraceEvent]:
        first = self.count - len(self._events)
        for offset, (time, kind, source, target, detail) in enumerate(self._events):
            if isinstance(detail, int):
                detail = f"{detail} bytes"
            yield TraceEvent(first + offset, time, kind, source, target, detail)

    @property
    def events(self) -> list[TraceEvent]:
        """The events kept, oldest first."""
        return list(self)

    def last(self, count: int = 20) -> list[TraceEvent]:
        """
        :returns: The latest ``count`` events, oldest first.
        """
        events = self.events
        return events[-count:] if count else []

    def format(self, last: int = 20) -> str:
        """
        :returns: The latest ``last`` events, one a line, after a line
            saying how many came before.
        """
        shown = self.last(last)
        lines = [str(event) for event in shown]
        earlier = self.count - len(shown)
        if earlier:
            lines.insert(0, f"... {earlier} earlier events")
        if not lines:
            lines.append("(no network events)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<NetworkTrace {self.count} events, {len(self._events)} kept>"
