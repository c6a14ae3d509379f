"""
What the benchmark scripts share: the timings of two contenders over rounds,
whole or cut into pieces, a command line argument check, and the entry
point of the benchmarks that run in a reactor.  Not a benchmark itself.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import attrs
from twisted.internet.defer import Deferred
from twisted.internet.task import react


@attrs.define
class Timings:
    """
    The seconds each round took, for our side and for the baseline it is
    measured against in the same run.
    """

    ours: list[float] = attrs.Factory(list)
    baseline: list[float] = attrs.Factory(list)

    def ratio(self) -> float:
        """
        Our fastest round over the baseline's fastest round: noise only ever
        adds time, so the fastest rounds are the fairest comparison.
        """
        return min(self.ours) / min(self.baseline)

    def medianRatio(self) -> float:
        """
        The median, over rounds, of our time over the baseline's in the same
        round: a check on :meth:`ratio`.
        """
        pairs = zip(self.ours, self.baseline, strict=True)
        return statistics.median(ours / theirs for ours, theirs in pairs)


def fastestPieces(runs: Sequence[Sequence[float]]) -> float:
    """
    The sum, over the pieces of a side's runs, of each piece's fastest
    round: the estimate of the side's time when undisturbed.

    :param runs: The pieces of each round's run.
    """
    return float(sum(min(piece) for piece in zip(*runs, strict=True)))


@attrs.define
class Runs:
    """
    The pieces of each round's run, for our side and for the baseline.
    """

    ours: list[list[float]] = attrs.Factory(list)
    baseline: list[list[float]] = attrs.Factory(list)

    def timings(self) -> Timings:
        """
        The whole runs' times.
        """
        return Timings(
            [sum(run) for run in self.ours], [sum(run) for run in self.baseline]
        )

    def ratio(self) -> float:
        """
        Our estimate over the baseline's, from the fastest round of each
        piece (see :func:`fastestPieces`).
        """
        return fastestPieces(self.ours) / fastestPieces(self.baseline)


def positive(text: str) -> int:
    """
    Parse a positive int command line argument.
    """
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def reactMain(
    run: Callable[[Any, Sequence[str]], Awaitable[int]], argv: Sequence[str]
) -> None:
    """
    Run a benchmark's C{run(reactor, argv)} in a reactor, and exit with the
    status it returns.
    """

    async def start(reactor: Any) -> None:
        status = await run(reactor, argv)
        if status:
            raise SystemExit(status)

    react(lambda reactor: Deferred.fromCoroutine(start(reactor)))
