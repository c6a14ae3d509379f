# -*- test-case-name: twistedtesting.test.test_seedsummary -*-
"""
The summary of a run with many seeds: how many seeds each test passed.

Under pytest, the plugin counts the reports (which pytest-xdist's workers
send to the controller) and prints the summary in its terminal summary.
Under trial, the process that trial was started in prints it to standard
error when it exits; under ``trial -j``, whose tests run in worker
processes that trial's reporter protocol gives no way to send it through,
each worker appends a line per test to a file of its own in a directory
that the main process made (and named in an environment variable before
the workers started), and the main process reads them all when it exits.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import TextIO

import attrs

TALLY_VARIABLE = "TWISTEDTESTING_SEEDS_TALLY"
"""
The name of the environment variable through which the main process of a
``trial -j`` run with many seeds tells its workers where to send their
counts.  It is set by twistedtesting, not by users.
"""

_WORKER_SCRIPT = "twisted.trial._dist.workertrial"


@attrs.define
class SeedsSummary:
    """
    How many seeds each test passed, in a run with many seeds.

    :ivar seeds: The number of seeds per test.
    :ivar passed: How many tests passed with every seed.
    :ivar failed: The tests that failed, each with the number of seeds it
        passed first.
    :ivar tally: Where to send each count instead of keeping it (in a
        ``trial -j`` worker), or ``None``.
    """

    seeds: int
    passed: int = 0
    failed: list[tuple[str, int]] = attrs.Factory(list)
    tally: Tally | None = None

    def record(self, testId: str, passed: int, failed: bool) -> None:
        """
        Count one test, which passed ``passed`` seeds and then ``failed``.
        """
        if self.tally is not None:
            self.tally.send(testId, passed, failed)
        elif failed:
            self.failed.append((testId, passed))
        else:
            self.passed += 1

    def lines(self) -> list[str]:
        """
        The summary: a line for the passing tests, then one for each failing
        test, by test id.
        """
        lines = [
            f"twistedtesting: {self.seeds} seeds per test: {self.passed} "
            f"test{'' if self.passed == 1 else 's'} passed with every seed, "
            f"{len(self.failed)} failed"
        ]
        for testId, passed in sorted(self.failed):
            lines.append(
                f"  {testId}: passed {passed} seed{'' if passed == 1 else 's'}, "
                "then failed"
            )
        return lines


@attrs.frozen
class Tally:
    """
    A directory where ``trial -j`` workers send their counts to the main
    process: each worker appends one JSON line per test to a file named
    after its process id, so no two processes write one file.

    :ivar directory: The directory.
    """

    directory: Path

    def send(self, testId: str, passed: int, failed: bool) -> None:
        """
        Append the count of one test.
        """
        line = json.dumps({"testId": testId, "passed": passed, "failed": failed})
        path = self.directory / f"{os.getpid()}.jsonl"
        with path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")

    def collect(self, summary: SeedsSummary) -> None:
        """
        Count every test sent so far into ``summary``, in the order each
        worker sent them, workers by process id; a line a worker did not
        finish (it was killed) is left out.
        """
        paths = sorted(self.directory.glob("*.jsonl"), key=lambda p: p.name)
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue
            for line in text.splitlines():
                try:
                    data = json.loads(line)
                    count = (str(data["testId"]), int(data["passed"]))
                    failed = bool(data["failed"])
                except (ValueError, KeyError, TypeError):
                    continue
                summary.record(count[0], count[1], failed)


def isTrialWorker(argv: list[str]) -> bool:
    """
    Whether this process is a ``trial -j`` worker: trial starts the script
    of :mod:`twisted.trial._dist.workertrial` as the program.

    :param argv: The process's arguments, ``sys.argv``.
    """
    if not argv or not argv[0]:
        return False
    try:
        spec = importlib.util.find_spec(_WORKER_SCRIPT)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.origin is None:
        return False
    try:
        return os.path.samefile(argv[0], spec.origin)
    except OSError:
        return False


def summaryForProcess(
    seeds: int,
    environ: MutableMapping[str, str],
    worker: bool,
    atExit: Callable[..., object],
    stream: TextIO,
) -> SeedsSummary:
    """
    The summary of a trial process's run with ``seeds`` seeds per test.

    In a ``trial -j`` worker whose main process named a tally directory, the
    counts are sent there.  Anywhere else, the process prints the summary
    to ``stream`` when it exits, with the counts its workers sent: it makes
    a tally directory and names it in ``environ`` for them (trial starts
    its workers after loading the tests, which is when this is called),
    and removes it after.

    :param environ: The environment to read, and to name the directory in.
    :param worker: Whether this process is a ``trial -j`` worker.
    :param atExit: Registers a call for when the process exits
        (:func:`atexit.register`).
    :param stream: Where to print the summary.
    """
    raw = environ.get(TALLY_VARIABLE)
    if worker and raw:
        return SeedsSummary(seeds, tally=Tally(Path(raw)))
    summary = SeedsSummary(seeds)
    directory = Path(tempfile.mkdtemp(prefix="twistedtesting-seeds-"))
    environ[TALLY_VARIABLE] = str(directory)
    atExit(_report, summary, Tally(directory), stream, os.getpid())
    return summary


def _report(summary: SeedsSummary, tally: Tally, stream: TextIO, owner: int) -> None:
    """
    Print ``summary``, with the counts in ``tally``, and remove the tally
    directory; only in the process ``owner`` that made it, not in a child
    forked from it, which runs its exit handlers too.
    """
    if os.getpid() != owner:
        return
    try:
        tally.collect(summary)
    finally:
        shutil.rmtree(tally.directory, ignore_errors=True)
    stream.write("\n".join(summary.lines()) + "\n")


def trialSummary(seeds: int, environ: MutableMapping[str, str]) -> SeedsSummary:
    """
    :func:`summaryForProcess` for this process: its arguments, exit and
    standard error.
    """
    return summaryForProcess(
        seeds, environ, isTrialWorker(sys.argv), atexit.register, sys.stderr
    )
