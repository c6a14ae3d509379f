# -*- test-case-name: examples.tutorial.test_chunks -*-
"""
Step 3 of the tutorial: a network delivers a request in chunks of any size,
and the server must answer it the same, however it was cut.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from twisted.internet.error import ConnectionLost
from twisted.internet.protocol import Protocol
from twisted.trial.unittest import FailTest

from examples.tutorial.helpers import (
    ECHO,
    ECHO_RESPONSE,
    HELLO,
    HELLO_RESPONSE,
    failuresOf,
    runQuietly,
    serve,
)
from examples.tutorial.server import HTTPServer, route
from twistedtesting import (
    SEED_VARIABLE,
    BreakAfter,
    ChunkedTransport,
    Clock,
    FixedChunks,
    OneByteChunks,
    RandomChunks,
    ScriptedChunks,
    SynchronousTestCase,
    allSplits,
    runSeed,
    seed,
)

DOCS = Path(__file__).resolve().parent.parent.parent
"""
The ``docs`` directory, from which trial imports ``examples``.
"""

REPORT = Path(__file__).parent / "naive-report.txt"
"""
The report of the naive server's failure, under trial, that the tutorial
shows.
"""

PYTEST_REPORT = Path(__file__).parent / "naive-report-pytest.txt"
"""
The lines that twistedtesting adds to that report under pytest, which the
page on running suites shows.
"""


class ChunkedRequestTests(SynchronousTestCase):
    """
    :class:`HTTPServer` answers a request the same, however the network cut
    it.
    """

    def test_oneByteChunks(self) -> None:
        """
        A request that arrives one byte at a time is answered as if it had
        arrived whole.
        """
        self.assertEqual(serve(ECHO, OneByteChunks()).peer.value(), ECHO_RESPONSE)

    def test_fixedChunks(self) -> None:
        """
        A request cut into chunks of any one size is answered as if it had
        arrived whole.
        """
        for size in range(1, len(ECHO) + 1):
            self.assertEqual(
                serve(ECHO, FixedChunks(size)).peer.value(), ECHO_RESPONSE, size
            )

    def test_everySplitOfTheEnd(self) -> None:
        """
        However the end of the headers and the start of the body are cut,
        the request is answered as if it had arrived whole.
        """
        tail = 12
        head = len(ECHO) - tail
        for split in allSplits(ECHO[head:]):
            chunking = ScriptedChunks([head, *split.sizes])
            self.assertEqual(
                serve(ECHO, chunking).peer.value(), ECHO_RESPONSE, chunking
            )

    def test_connectionBreaks(self) -> None:
        """
        When the connection breaks before the whole request has arrived, the
        server answers nothing, and stops its idle timer.
        """
        clock = Clock()
        fault = BreakAfter.atRandom(self.random, len(ECHO) - 1)
        server = HTTPServer(route, clock)
        transport = ChunkedTransport(
            server, RandomChunks(1, 8, self.random), fault=fault
        )
        transport.peer.feed(ECHO)
        self.assertEqual(transport.peer.value(), b"", fault)
        reason = transport.connectionLostReason
        self.assertTrue(reason is not None and reason.check(ConnectionLost))
        self.assertEqual(clock.getDelayedCalls(), [])


class RandomChunkTests(SynchronousTestCase):
    """
    A request cut at random, with the test's seed, is answered as if it had
    arrived whole.
    """

    def makeServer(self, clock: Clock) -> Protocol:
        """
        Make the server to test.
        """
        return HTTPServer(route, clock)

    def test_randomChunks(self) -> None:
        """
        A request cut into chunks of 1 to 8 bytes, at random, is answered
        as if it had arrived whole.
        """
        server = self.makeServer(Clock())
        transport = ChunkedTransport(server, RandomChunks(1, 8, self.random))
        transport.peer.feed(HELLO)
        self.assertEqual(transport.peer.value(), HELLO_RESPONSE)


class SeedReportTests(SynchronousTestCase):
    """
    When a test that cuts at random fails, its report gives the seed that
    reproduces the cuts.
    """

    def temporaryDirectory(self) -> str:
        """
        Make a directory that is removed when the test ends.
        """
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        return directory

    def test_naiveServerFails(self) -> None:
        """
        The random-chunk test fails on a server that reads each chunk as a
        whole request, and its report gives the test's seed, the command
        that reruns it with that seed, and the ``@seed`` that pins it.
        """
        # Imported here: naive.py imports this module for RandomChunkTests.
        from examples.tutorial.naive import NaiveServerTests

        test = NaiveServerTests("test_randomChunks")
        result, report = runQuietly(test)
        [failure] = failuresOf(result)
        self.assertTrue(failure.check(FailTest))
        self.assertIn(
            f"twistedtesting: this test ran with random seed {test.seed}, "
            f"derived from run seed {runSeed()}.\n"
            f"  Rerun it with: {SEED_VARIABLE}={runSeed()} python -m twisted.trial "
            "examples.tutorial.naive.NaiveServerTests.test_randomChunks\n"
            f"  or pin it: add @seed({test.seed}) to the test method "
            "(from twistedtesting import seed).\n",
            report,
        )

    def test_pinnedSeedReproduces(self) -> None:
        """
        Pinned with the ``@seed`` its report gives, the failing test cuts the
        request the same way and fails the same way, and its report says
        that the seed is pinned.
        """
        from examples.tutorial.naive import NaiveServerTests

        unpinned = NaiveServerTests("test_randomChunks")
        [firstFailure] = failuresOf(runQuietly(unpinned)[0])

        class PinnedTests(NaiveServerTests):
            @seed(unpinned.seed)
            def test_randomChunks(self) -> None:
                super().test_randomChunks()

        result, report = runQuietly(PinnedTests("test_randomChunks"))
        [failure] = failuresOf(result)
        self.assertEqual(str(failure.value), str(firstFailure.value))
        self.assertIn(
            f"twistedtesting: this test ran with random seed {unpinned.seed}, "
            f"pinned by @seed({unpinned.seed}) on the test method; rerunning "
            "it reproduces the same random values.\n",
            report,
        )

    def assertReportMatches(
        self, expected: str, command: list[str], directory: Path
    ) -> None:
        """
        Run ``command`` in ``directory`` with the run seed that the report
        ``expected`` names, and check that it fails and prints ``expected``,
        where ``...`` stands for any text.
        """
        found = re.search(r"derived from run seed (\d+)\.", expected)
        assert found is not None, expected
        # A store of failing seeds of its own, empty as on a first run: a
        # seed kept by an earlier run would be replayed first, and the report
        # would say so.
        environment = dict(
            os.environ,
            **{
                SEED_VARIABLE: found.group(1),
                "TWISTEDTESTING_FAILING_SEEDS": os.path.abspath(self.mktemp()),
            },
        )
        run = subprocess.run(
            [sys.executable, "-m", *command],
            cwd=directory,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        checker = doctest.OutputChecker()
        self.assertTrue(
            checker.check_output(expected, run.stdout, doctest.ELLIPSIS),
            checker.output_difference(
                doctest.Example("", expected), run.stdout, doctest.ELLIPSIS
            )
            + run.stderr,
        )
        self.assertEqual(run.returncode, 1)

    def test_reportInTheTutorial(self) -> None:
        """
        The report that the tutorial shows is what the command it gives
        prints: run with the run seed the report names, the naive server's
        test fails in the same way, with the same seeds.
        """
        self.assertReportMatches(
            REPORT.read_text(encoding="utf-8"),
            [
                "twisted.trial",
                f"--temp-directory={self.temporaryDirectory()}/_trial_temp",
                "examples.tutorial.naive",
            ],
            DOCS,
        )

    def test_rerunCommand(self) -> None:
        """
        The command that the report gives, run with ``python -m
        twisted.trial`` from the ``docs`` directory, reruns the test with the
        same seed: it prints the same report.
        """
        expected = REPORT.read_text(encoding="utf-8")
        found = re.search(
            r"Rerun it with: \S+=\d+ python -m twisted.trial (\S+)\n", expected
        )
        assert found is not None, expected
        self.assertReportMatches(
            expected,
            [
                "twisted.trial",
                f"--temp-directory={self.temporaryDirectory()}/_trial_temp",
                found.group(1),
            ],
            DOCS,
        )

    def test_pytestReport(self) -> None:
        """
        Under pytest, run from its root directory, the naive server's test
        fails with the same seeds, and its report gives the pytest command
        that the documentation shows.
        """
        if importlib.util.find_spec("pytest") is None:
            self.skipTest("pytest is not installed")
        self.assertReportMatches(
            "...\n" + PYTEST_REPORT.read_text(encoding="utf-8") + "...",
            ["pytest", "-p", "no:cacheprovider", "docs/examples/tutorial/naive.py"],
            DOCS.parent,
        )
