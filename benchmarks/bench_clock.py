# -*- test-case-name: twistedtesting.test.test_clock -*-
"""
Schedule and run N delayed calls with twistedtesting.Clock, with
twisted.internet.task.Clock and with a bare heapq loop, in the same run, and
print the ratios.

    python benchmarks/bench_clock.py            # N = 1,000, 10,000, 100,000
    python benchmarks/bench_clock.py --quick    # fewer rounds, for CI

task.Clock sorts all its calls on every callLater() and after every call it
runs, so it is quadratic; it is measured up to 10,000 calls and skipped
above (the table says so).  Targets: at least 100 times faster than
task.Clock at 10,000 calls, and within 3 times the bare heapq loop.
"""

from __future__ import annotations

import argparse
import heapq
import random
import sys
import time
from collections.abc import Callable
from functools import partial

from twisted.internet import task

from twistedtesting import Clock

TASK_CLOCK_CAP = 10_000
SPAN = 1000.0


def delaysFor(count: int) -> list[float]:
    """
    The same seeded delays for every contender: ``count`` calls spread over
    ``SPAN`` seconds, with some sharing a due time.
    """
    generator = random.Random(count)
    return [round(generator.uniform(0, SPAN), 1) for _ in range(count)]


def runClock(makeClock: Callable[[], Clock | task.Clock], delays: list[float]) -> int:
    """
    Schedule a call for each delay on a new clock, advance past them all,
    and return how many ran.
    """
    clock = makeClock()
    ran = [0]

    def call() -> None:
        ran[0] += 1

    for delay in delays:
        clock.callLater(delay, call)
    clock.advance(SPAN)
    return ran[0]


def runHeap(delays: list[float]) -> int:
    """
    The baseline: the same calls in a bare heap of (time, sequence,
    callable) tuples, popped and called in order.
    """
    ran = [0]

    def call() -> None:
        ran[0] += 1

    heap: list[tuple[float, int, Callable[[], None]]] = []
    for sequence, delay in enumerate(delays):
        heapq.heappush(heap, (delay, sequence, call))
    while heap:
        heapq.heappop(heap)[2]()
    return ran[0]


def timed(function: Callable[[], int], expected: int, repeats: int) -> float:
    """
    Time ``repeats`` runs of ``function``, checking each ran every call.
    """
    start = time.perf_counter()
    for _ in range(repeats):
        ran = function()
        if ran != expected:
            raise RuntimeError(f"ran {ran} calls instead of {expected}")
    return (time.perf_counter() - start) / repeats


def compare(
    ours: Callable[[], int], bare: Callable[[], int], count: int, rounds: int
) -> tuple[float, float]:
    """
    The fastest time of each side over ``rounds`` rounds, taking turns after
    an untimed warm-up; small counts are repeated so a round lasts long
    enough to time.
    """
    repeats = max(1, 100_000 // count)
    timed(ours, count, 1)
    timed(bare, count, 1)
    oursTimes, bareTimes = [], []
    for _ in range(rounds):
        oursTimes.append(timed(ours, count, repeats))
        bareTimes.append(timed(bare, count, repeats))
    return min(oursTimes), min(bareTimes)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for CI")
    options = parser.parse_args(argv)
    rounds = 3 if options.quick else 7
    print(
        f"{'calls':>8} {'ours s':>9} {'heapq s':>9} {'task.Clock s':>13}"
        f" {'ours/heapq':>11} {'task.Clock/ours':>16}"
    )
    for count in [1_000, 10_000, 100_000]:
        delays = delaysFor(count)
        ours, bare = compare(
            partial(runClock, Clock, delays),
            partial(runHeap, delays),
            count,
            rounds,
        )
        if count <= TASK_CLOCK_CAP:
            theirs = timed(partial(runClock, task.Clock, delays), count, 1)
            theirsText, speedup = f"{theirs:13.4f}", f"{theirs / ours:16.1f}"
        else:
            theirsText, speedup = f"{'skipped':>13}", f"{'-':>16}"
        print(
            f"{count:>8} {ours:9.4f} {bare:9.4f} {theirsText}"
            f" {ours / bare:11.2f} {speedup}"
        )
    print(
        f"task.Clock is skipped above {TASK_CLOCK_CAP:,} calls: it is quadratic "
        "(about 20 s for 16,000 calls)."
    )
    print("Targets: task.Clock/ours >= 100 at 10,000 calls; ours/heapq <= 3.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
