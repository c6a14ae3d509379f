"""
How much slower twistedtesting's test cases run a test than trial's own.

Times a suite of trivial tests (2000 by default), and one of tests doing
about 200 us of work (a quarter as many), on :class:`twistedtesting.TestCase`
against :class:`twisted.trial.unittest.TestCase`, and on
:class:`twistedtesting.SynchronousTestCase` against
:class:`twisted.trial.unittest.SynchronousTestCase`, in one process, and
prints the ratio ours/trial's for each pair.  The targets are 1.15 for
trivial tests and 1.03 for the others.

Run it from anywhere, with twistedtesting installed::

    python benchmarks/bench_testcase.py            # full run, about 1 min
    python benchmarks/bench_testcase.py --quick    # fewer rounds, for CI
    python benchmarks/bench_testcase.py --check    # exit 1 if over a target

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

TRIVIAL_TARGET = 1.15
"""
The largest acceptable ratio of our time to trial's for trivial tests.
"""

WORK_TARGET = 1.03
"""
The largest acceptable ratio of our time to trial's for tests doing about
200 us of work.
"""

WORK_SECONDS = 200e-6
"""
How long the work of a working test takes.
"""

_workLoops = 0


def work() -> int:
    """
    The work of a working test: a loop that :func:`calibrate` sizes to take
    about L{WORK_SECONDS}.
    """
    total = 0
    for i in range(_workLoops):
        total += i * i
    return total


def calibrate() -> int:
    """
    Size L{work} to take about L{WORK_SECONDS}, and return its loop count.
    """
    global _workLoops
    _workLoops = 10_000
    elapsed = min(_timeOnce(work) for _ in range(20))
    _workLoops = max(1, round(_workLoops * WORK_SECONDS / elapsed))
    return _workLoops


def _timeOnce(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


class OursAsyncTests(twistedtesting.TestCase):
    """
    A trivial test and a working test on twistedtesting's TestCase.
    """

    def test_nothing(self) -> None:
        """
        Nothing happens.
        """

    def test_work(self) -> None:
        """
        About 200 us of work happens.
        """
        work()


class TrialAsyncTests(unittest.TestCase):
    """
    A trivial test and a working test on trial's TestCase.
    """

    def test_nothing(self) -> None:
        """
        Nothing happens.
        """

    def test_work(self) -> None:
        """
        About 200 us of work happens.
        """
        work()


class OursSyncTests(twistedtesting.SynchronousTestCase):
    """
    A trivial test and a working test on twistedtesting's SynchronousTestCase.
    """

    def test_nothing(self) -> None:
        """
        Nothing happens.
        """

    def test_work(self) -> None:
        """
        About 200 us of work happens.
        """
        work()


class TrialSyncTests(unittest.SynchronousTestCase):
    """
    A trivial test and a working test on trial's SynchronousTestCase.
    """

    def test_nothing(self) -> None:
        """
        Nothing happens.
        """

    def test_work(self) -> None:
        """
        About 200 us of work happens.
        """
        work()


@attrs.frozen
class Pair:
    """
    Our test case class and the trial class it extends, to time against
    each other.

    :ivar name: The name of the trial base class and of the kind of test,
        for the report.
    :ivar ours: A twistedtesting test case class.
    :ivar theirs: The trial test case class with the same tests.
    :ivar method: The name of the test method to run.
    :ivar share: The share of ``--tests`` to run in each suite.
    :ivar target: The largest acceptable ratio ours/trial's.
    """

    name: str
    ours: type[unittest.SynchronousTestCase]
    theirs: type[unittest.SynchronousTestCase]
    method: str = "test_nothing"
    share: float = 1.0
    target: float = TRIVIAL_TARGET

    def count(self, tests: int) -> int:
        """
        How many tests to run in each suite, for ``--tests`` ``tests``.
        """
        return max(1, round(tests * self.share))


PAIRS = (
    Pair("TestCase", OursAsyncTests, TrialAsyncTests),
    Pair("SynchronousTestCase", OursSyncTests, TrialSyncTests),
    Pair(
        "TestCase, 200 us",
        OursAsyncTests,
        TrialAsyncTests,
        "test_work",
        0.25,
        WORK_TARGET,
    ),
    Pair(
        "SynchronousTestCase, 200 us",
        OursSyncTests,
        TrialSyncTests,
        "test_work",
        0.25,
        WORK_TARGET,
    ),
)


def timeSuite(
    testClass: type[unittest.SynchronousTestCase],
    count: int,
    method: str = "test_nothing",
) -> float:
    """
    Run ``count`` instances of the test ``method`` of ``testClass`` and
    return how many seconds that took.

    The suite and its reporter are built, and garbage left by earlier rounds
    is collected, before the clock starts.

    :raises RuntimeError: If a test did not pass: then the timing measures
        something other than a passing test.
    """
    suite = unittest.TestSuite([testClass(method) for _ in range(count)])
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
    timer: Callable[[type[unittest.SynchronousTestCase], int, str], float] = timeSuite,
) -> Timings:
    """
    Time both sides of ``pair`` for ``rounds`` rounds, after one warm-up
    round whose times are dropped.

    The side that runs first alternates from round to round, so that neither
    side is favoured by what ran just before it.
    """
    count = pair.count(count)
    timer(pair.ours, count, pair.method)
    timer(pair.theirs, count, pair.method)
    timings = Timings()
    for index in range(rounds):
        if index % 2:
            theirs = timer(pair.theirs, count, pair.method)
            ours = timer(pair.ours, count, pair.method)
        else:
            ours = timer(pair.ours, count, pair.method)
            theirs = timer(pair.theirs, count, pair.method)
        timings.ours.append(ours)
        timings.baseline.append(theirs)
    return timings


def report(results: Sequence[tuple[Pair, Timings]], count: int) -> list[str]:
    """
    Format a table of the timings, then one line per ratio.
    """
    header = (
        f"{'test case':<28} {'side':<6} {'min s':>8} {'median s':>9} "
        f"{'us/test':>8} {'rounds':>6}"
    )
    lines = [header, "-" * len(header)]
    for pair, timings in results:
        for side, times in (("ours", timings.ours), ("trial", timings.baseline)):
            best = min(times)
            lines.append(
                f"{pair.name:<28} {side:<6} {best:>8.4f} "
                f"{statistics.median(times):>9.4f} "
                f"{best / pair.count(count) * 1e6:>8.1f} {len(times):>6}"
            )
    lines.append("")
    for pair, timings in results:
        ratio = timings.ratio()
        verdict = "ok" if ratio <= pair.target else "OVER TARGET"
        lines.append(
            f"{pair.name}: ours/trial = {ratio:.3f} (fastest rounds; median of "
            f"per-round ratios {timings.medianRatio():.3f}); target <= "
            f"{pair.target:.2f}: {verdict}"
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
        help="exit with status 1 if a ratio is over its target",
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
        f"{count} trivial tests per suite ({PAIRS[-1].count(count)} working "
        f"tests of {calibrate()} loops), {rounds} timed rounds per side, "
        f"Python {sys.version.split()[0]}"
    )
    started = time.perf_counter()
    results = [(pair, measure(pair, count, rounds)) for pair in PAIRS]
    for line in report(results, count):
        print(line)
    print(f"(benchmark took {time.perf_counter() - started:.1f}s)")
    if arguments.check and any(t.ratio() > p.target for p, t in results):
        print("--check: a ratio is over its target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
