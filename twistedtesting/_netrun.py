# -*- test-case-name: twistedtesting.test.test_netrun -*-
"""
:class:`NetworkRunner`: running a simulated network: advancing its clock,
until a condition holds or until nothing is left to happen, each with a
limit; an error on the way says what the network was doing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from twisted.internet.defer import Deferred

from twistedtesting._clock import Clock, checkSeconds
from twistedtesting._netscheduler import NetworkScheduler
from twistedtesting._nettrace import NetworkTrace
from twistedtesting._notes import addNote
from twistedtesting._timeouts import WaitError, advanceUntil

TRACE_SHOWN = 20
"""
How many of the latest events of the trace an error shows.
"""


class NetworkRunner:
    """
    Runs a network's clock, and adds the last events of its trace to the
    errors that come out.
    """

    def __init__(
        self, clock: Clock, scheduler: NetworkScheduler, trace: NetworkTrace
    ) -> None:
        self.clock = clock
        self.scheduler = scheduler
        self.trace = trace

    def traceNote(self, last: int = TRACE_SHOWN) -> str:
        """
        :returns: The latest events of the trace, as a failure report shows
            them.
        """
        return (
            f"twistedtesting: the network's last events (t={self.clock.seconds()!r}"
            f", {self.trace.count} in all):\n{self.trace.format(last)}"
        )

    @contextmanager
    def explained(self) -> Iterator[None]:
        """
        A context in which any exception gets the trace's latest events as
        a note: wrap a test's assertions about the network in it.
        """
        __tracebackhide__ = True  # pytest shows the caller's line instead
        try:
            yield
        except WaitError as error:
            # The network's own limits say what was happening in the message.
            if error.args and isinstance(error.args[0], str):
                error.args = (f"{error.args[0]}\n{self.traceNote()}", *error.args[1:])
            raise
        except BaseException as error:
            addNote(error, self.traceNote())
            raise

    def _nextCalls(self) -> str:
        calls = self.scheduler.liveCalls()
        shown = ", ".join(repr(call) for call in calls[:3])
        more = f" and {len(calls) - 3} more" if len(calls) > 3 else ""
        return f"{shown}{more}" if calls else "(none on the network's hosts)"

    def advance(self, seconds: float) -> None:
        """
        Move the clock ``seconds`` on.
        """
        __tracebackhide__ = True
        amount = checkSeconds(seconds, "seconds")
        with self.explained():
            self.clock.advance(amount)

    def advanceUntil(
        self, condition: Deferred[Any] | Callable[[], object], limit: float
    ) -> float:
        """
        Advance from one event to the next until ``condition`` holds.
        """
        __tracebackhide__ = True
        checkSeconds(limit, "limit")
        with self.explained():
            return advanceUntil(self.clock, condition, limit)

    def runUntilQuiet(self, limit: float) -> float:
        """
        Advance until nothing is scheduled, at most ``limit`` seconds.
        """
        __tracebackhide__ = True
        seconds = checkSeconds(limit, "limit")
        clock = self.clock
        start = clock.seconds()
        deadline = start + seconds
        with self.explained():
            while True:
                due = clock.nextCallTime()
                if due is None:
                    return clock.seconds() - start
                if due > deadline:
                    clock.advanceTo(deadline)
                    raise WaitError(
                        f"the network never went quiet: events were still due "
                        f"after the limit of {seconds!r} seconds (the next at "
                        f"t={due!r}); something keeps scheduling more (a "
                        "heartbeat, a retry loop), or the limit is too short.  "
                        f"Next: {self._nextCalls()}"
                    )
                clock.advanceTo(due)
