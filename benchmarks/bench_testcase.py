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

Each test of a suite is a distinct copy of one test method, with its own
id, as the tests of a real suite are.

To keep the numbers steady on a small, busy machine, whose speed swings by
up to twice for stretches of a fraction of a second to a few seconds, each
suite is built in memory before it is timed and reports to a reporter that
writes to a :class:`io.StringIO`; it is cut into pieces of 50 tests, and
each piece of ours runs next to the same piece of trial's (which goes first
alternates), so that a slow stretch slows both.  Noise only ever adds time,
so the fastest round of each piece is the nearest to its undisturbed time,
and their sum is a side's estimate: it needs a round in which each piece,
rather than a whole suite, went undisturbed.  The ratio of those sums
decides ``--check``; the ratio of the fastest whole rounds and the median
of the per-round ratios are printed as checks.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
import types
from collections.abc import Callable, Sequence

import attrs
from _timings import Runs, fastestPieces, positive
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


TEST_CLASSES = (OursAsyncTests, TrialAsyncTests, OursSyncTests, TrialSyncTests)
"""
The classes whose tests the benchmark runs.
"""


def testName(method: str, index: int) -> str:
    """
    The name of the ``index``-th copy of the test ``method`` (see
    L{addCopies}).
    """
    return f"{method}_{index:05}"


def addCopies(count: int, classes: Sequence[type] = TEST_CLASSES) -> None:
    """
    Give each of ``classes`` ``count`` copies of each of its tests, named by
    L{testName}, so that a suite runs ``count`` distinct tests: each with its
    own id, as in a real suite, so that a seeded test derives its seed anew
    rather than reusing the last test's.
    """
    for testClass in classes:
        for method in ("test_nothing", "test_work"):
            original = vars(testClass)[method]
            for index in range(count):
                name = testName(method, index)
                copy = types.FunctionType(original.__code__, original.__globals__, name)
                copy.__qualname__ = f"{testClass.__qualname__}.{name}"
                copy.__doc__ = original.__doc__
                setattr(testClass, name, copy)


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


BATCH = 50
"""
How many tests make one piece of a suite: the two sides of a pair run their
pieces in turn, so that each piece of ours runs next to the same piece of
trial's, within a few milliseconds.
"""


@attrs.define
class Side:
    """
    One side of a pair in one round: its tests, built before the clock
    starts, cut into suites of L{BATCH} tests, and the reporter they all
    report to.
    """

    pieces: list[unittest.TestSuite]
    result: Reporter

    @classmethod
    def build(
        cls, testClass: type[unittest.SynchronousTestCase], count: int, method: str
    ) -> Side:
        """
        Build ``count`` distinct tests, the copies of ``method`` of
        ``testClass`` that L{addCopies} made, cut into pieces.
        """
        tests = [testClass(testName(method, index)) for index in range(count)]
        pieces = [
            unittest.TestSuite(tests[start : start + BATCH])
            for start in range(0, count, BATCH)
        ]
        return cls(pieces, Reporter(stream=io.StringIO()))

    def runPiece(self, index: int) -> float:
        """
        Run the ``index``-th piece and return how many seconds it took.
        """
        start = time.perf_counter()
        self.pieces[index].run(self.result)
        return time.perf_counter() - start

    def check(self, name: str, count: int) -> None:
        """
        :raises RuntimeError: If not all ``count`` tests passed: then the
            timing measures something other than a passing test.
        """
        result = self.result
        if result.successes != count or not result.wasSuccessful():
            raise RuntimeError(
                f"{name}: expected {count} passing tests, got "
                f"{result.successes} successes, {len(result.failures)} "
                f"failures and {len(result.errors)} errors"
            )


def runRound(pair: Pair, count: int, index: int) -> tuple[list[float], list[float]]:
    """
    Run the round ``index`` of ``pair``: each piece of ours next to the same
    piece of trial's, the side that goes first alternating from piece to
    piece and from round to round, so that neither is favoured by what ran
    just before it.

    Both sides' tests are built, and garbage left by earlier rounds is
    collected, before the clock starts.

    :returns: The seconds each piece took, ours and trial's.
    """
    ours = Side.build(pair.ours, count, pair.method)
    theirs = Side.build(pair.theirs, count, pair.method)
    gc.collect()
    times: tuple[list[float], list[float]] = ([], [])
    for piece in range(len(ours.pieces)):
        if (piece + index) % 2:
            times[1].append(theirs.runPiece(piece))
            times[0].append(ours.runPiece(piece))
        else:
            times[0].append(ours.runPiece(piece))
            times[1].append(theirs.runPiece(piece))
    ours.check(pair.ours.__name__, count)
    theirs.check(pair.theirs.__name__, count)
    return times


def measure(pair: Pair, count: int, rounds: int) -> Runs:
    """
    Time both sides of ``pair`` for ``rounds`` rounds (see L{runRound}),
    after one warm-up round whose times are dropped.
    """
    count = pair.count(count)
    runRound(pair, count, 0)
    runs = Runs()
    for index in range(rounds):
        ours, theirs = runRound(pair, count, index)
        runs.ours.append(ours)
        runs.baseline.append(theirs)
    return runs


def report(results: Sequence[tuple[Pair, Runs]], count: int) -> list[str]:
    """
    Format a table of the timings, then one line per ratio.
    """
    header = (
        f"{'test case':<28} {'side':<6} {'pieces s':>8} {'min s':>8} "
        f"{'median s':>9} {'us/test':>8}"
    )
    lines = [header, "-" * len(header)]
    for pair, runs in results:
        timings = runs.timings()
        for side, pieces, times in (
            ("ours", runs.ours, timings.ours),
            ("trial", runs.baseline, timings.baseline),
        ):
            best = fastestPieces(pieces)
            lines.append(
                f"{pair.name:<28} {side:<6} {best:>8.4f} {min(times):>8.4f} "
                f"{statistics.median(times):>9.4f} "
                f"{best / pair.count(count) * 1e6:>8.1f}"
            )
    lines.append("")
    for pair, runs in results:
        ratio = runs.ratio()
        timings = runs.timings()
        verdict = "ok" if ratio <= pair.target else "OVER TARGET"
        lines.append(
            f"{pair.name}: ours/trial = {ratio:.3f} (fastest pieces; fastest "
            f"rounds {timings.ratio():.3f}, median of per-round ratios "
            f"{timings.medianRatio():.3f}); target <= {pair.target:.2f}: "
            f"{verdict}"
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
    addCopies(count)
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
