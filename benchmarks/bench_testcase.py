"""
How much slower twistedtesting's test cases run a test than trial's own.

Times a suite of trivial tests (2000 by default) on
:class:`twistedtesting.TestCase` against :class:`twisted.trial.unittest.TestCase`,
and on :class:`twistedtesting.SynchronousTestCase` against
:class:`twisted.trial.unittest.SynchronousTestCase`, in one process, and prints
the ratio ours/trial's for each pair.

Run it from anywhere, with twistedtesting installed::

    python benchmarks/bench_testcase.py            # full run, about 20-40 s
    python benchmarks/bench_testcase.py --quick    # fewer rounds, for CI
    python benchmarks/bench_testcase.py --check    # exit 1 if a ratio > 1.05

To keep the numbers steady on a small, busy machine, each suite is built in
memory before it is timed, reports to a reporter that writes to a
:class:`io.StringIO`, and the two sides of a pair take turns over several
rounds (swapping which goes first every round); each side's time is its
fastest round, since noise only ever adds time.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import attrs
from _timings import Timings, positive
from twisted.trial import unittest
from twisted.trial.reporter import Reporter

import twistedtesting

TARGET = 1.05
"""
The largest acceptable ratio of our time to trial's.
"""


class OursAsyncTests(twistedtesting.TestCase):
    """
    One trivial test on twistedtesting's TestCase.
    """

    def test_nothing(self) -> None:
        """
        Nothing happens.
        """


class TrialAsyncTests(unittest.TestCase):
    """
    One trivial test on trial's TestCase.
    """

    def test_nothing(self) -> None:
        """
        Nothing happens.
        """


class OursSyncTests(twistedtesting.SynchronousTestCase):
    """
    One trivial test on twistedtesting's SynchronousTestCase.
    """

    def test_nothing(self) -> None:
        """
        Nothing happens.
        """


class TrialSyncTests(unittest.SynchronousTestCase):
    """
    One trivial test on trial's SynchronousTestCase.
    """

    def test_nothing(self) -> None:
        """
        Nothing happens.
        """


@attrs.frozen
class Pair:
    """
    Our test case class and the trial class it extends, to time against
    each other.

    :ivar name: The name of the trial base class, for the report.
    :ivar ours: A twistedtesting test case class with one trivial test.
    :ivar theirs: The trial test case class with the same trivial test.
    """

    name: str
    ours: type[unittest.SynchronousTestCase]
    theirs: type[unittest.SynchronousTestCase]


PAIRS = (
    Pair("TestCase", OursAsyncTests, TrialAsyncTests),
    Pair("SynchronousTestCase", OursSyncTests, TrialSyncTests),
)


def timeSuite(testClass: type[unittest.SynchronousTestCase], count: int) -> float:
    """
    Run ``count`` instances of the trivial test of ``testClass`` and return
    how many seconds that took.

    The suite and its reporter are built, and garbage left by earlier rounds
    is collected, before the clock starts.

    :raises RuntimeError: If a test did not pass: then the timing measures
        something other than a passing test.
    """
    suite = unittest.TestSuite([testClass("test_nothing") for _ in range(count)])
    result = Reporter(stream=io.StringIO())
    gc.collect()
    start = time.perf_counter()
    suite.run(result)
    elapsed = time.perf_counter() - start
    if result.successes != count or not result.wasSuccessful():
        raise RuntimeError(
            f"{testClass.__name__}: expected {count} passing tests, got "
            f"{result.successes} successes, {len(result.failures)} failures "
            f"and {len(result.errors)} errors"
        )
    return elapsed


def measure(
    pair: Pair,
    count: int,
    rounds: int,
    timer: Callable[[type[unittest.SynchronousTestCase], int], float] = timeSuite,
) -> Timings:
    """
    Time both sides of ``pair`` for ``rounds`` rounds, after one warm-up
    round whose times are dropped.

    The side that runs first alternates from round to round, so that neither
    side is favoured by what ran just before it.
    """
    timer(pair.ours, count)
    timer(pair.theirs, count)
    timings = Timings()
    for index in range(rounds):
        if index % 2:
            theirs = timer(pair.theirs, count)
            ours = timer(pair.ours, count)
        else:
            ours = timer(pair.ours, count)
            theirs = timer(pair.theirs, count)
        timings.ours.append(ours)
        timings.baseline.append(theirs)
    return timings


def report(results: Sequence[tuple[Pair, Timings]], count: int) -> list[str]:
    """
    Format a table of the timings, then one line per ratio.
    """
    header = (
        f"{'test case':<20} {'side':<6} {'min s':>8} {'median s':>9} "
        f"{'us/test':>8} {'rounds':>6}"
    )
    lines = [header, "-" * len(header)]
    for pair, timings in results:
        for side, times in (("ours", timings.ours), ("trial", timings.baseline)):
            best = min(times)
            lines.append(
                f"{pair.name:<20} {side:<6} {best:>8.4f} "
                f"{statistics.median(times):>9.4f} "
                f"{best / count * 1e6:>8.1f} {len(times):>6}"
            )
    lines.append("")
    for pair, timings in results:
        ratio = timings.ratio()
        verdict = "ok" if ratio <= TARGET else "OVER TARGET"
        lines.append(
            f"{pair.name}: ours/trial = {ratio:.3f} (fastest rounds; median of "
            f"per-round ratios {timings.medianRatio():.3f}); target <= "
            f"{TARGET:.2f}: {verdict}"
        )
    return lines


def parseArguments(argv: Sequence[str]) -> argparse.Namespace:
    """
    Parse the command line.
    """
    parser = argparse.ArgumentParser(
        description=(
            "Time trivial tests on twistedtesting's TestCase and "
            "SynchronousTestCase against trial's, and print ours/trial's."
        )
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="run 3 rounds instead of 15 (for CI; noisier)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit with status 1 if a ratio is over {TARGET}",
    )
    parser.add_argument(
        "--tests",
        type=positive,
        default=2000,
        help="tests per suite (default: 2000)",
    )
    parser.add_argument(
        "--rounds",
        type=positive,
        default=None,
        help="timed rounds per side (default: 15, or 3 with --quick)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    """
    Run the benchmark and print its report.

    :returns: The exit status: 1 when ``--check`` is given and a ratio is
        over the target, otherwise 0.
    """
    arguments = parseArguments(argv)
    count: int = arguments.tests
    rounds: int = arguments.rounds or (3 if arguments.quick else 15)
    print(
        f"{count} trivial tests per suite, {rounds} timed rounds per side, "
        f"Python {sys.version.split()[0]}"
    )
    started = time.perf_counter()
    results = [(pair, measure(pair, count, rounds)) for pair in PAIRS]
    for line in report(results, count):
        print(line)
    print(f"(benchmark took {time.perf_counter() - started:.1f}s)")
    if arguments.check and any(t.ratio() > TARGET for _, t in results):
        print(f"--check: a ratio is over the target {TARGET}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
