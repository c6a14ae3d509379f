# -*- test-case-name: twistedtesting.test.test_attempts -*-
"""
Running one test more than once: first with the seed it failed with in an
earlier run, then with many seeds, or twice with one seed to check that its
seed decides its outcome.

This module decides which run seeds a test is tried with and what its
report says; the trial side (:mod:`twistedtesting._trialattempts`) and the
pytest plugin (:mod:`twistedtesting._pytestattempts`) run the attempts.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, MutableMapping
from typing import Generic, Literal, Protocol, TypeVar

import attrs

from twistedtesting._derive import deriveSeed
from twistedtesting._replay import FailingSeed, FailingSeeds, trialFailingSeeds
from twistedtesting._runoptions import _makers
from twistedtesting._seedsummary import SeedsSummary, trialSummary

__all__ = [
    "DETERMINISM_VARIABLE",
    "SEEDS_VARIABLE",
    "Attempt",
    "AttemptOptions",
    "NotReproducible",
    "Outcome",
    "SeedsSummary",
    "Verdict",
    "comparable",
    "currentOptions",
    "extraRunSeed",
    "optionsFromEnvironment",
    "parseCount",
    "seedsProperty",
    "useOptions",
]

SEEDS_VARIABLE = "TWISTEDTESTING_SEEDS"
"""
The name of the environment variable that asks trial runs to run each test
with this many seeds.
"""

DETERMINISM_VARIABLE = "TWISTEDTESTING_CHECK_DETERMINISM"
"""
The name of the environment variable that, set to ``1``, asks trial runs to
run each test twice with each seed and to report a test whose two outcomes
differ.
"""


def extraRunSeed(runSeed: int, index: int) -> int:
    """
    The run seed of a test's ``index``-th seed (counting from 0) in a run
    with many seeds: ``runSeed`` itself first, then seeds derived from it,
    so that a run with many seeds tries the seeds of the plain run first.
    """
    if index == 0:
        return runSeed
    return deriveSeed(runSeed, f"twistedtesting seeds #{index}")


def _runSpecific() -> list[tuple[re.Pattern[str], str]]:
    temporary = re.escape(tempfile.gettempdir().rstrip(os.sep) + os.sep)
    return [
        # Temporary paths (tempfile.mkdtemp(), pytest's tmp_path), whose
        # names are new in every run.
        (re.compile(temporary + r"""[^\s'"(),;]*"""), "<temporary path>"),
        # trial's TestCase.mktemp(): <module>/<class>/<method>/<random>/temp.
        (re.compile(r"[a-z0-9_]{8}([/\\])temp\b"), r"<mktemp>\1temp"),
        # Object ids and memory addresses, "<Foo object at 0x7f...>": eight
        # hexadecimal digits or more, so that a small number written in
        # hexadecimal ("0x1f") is compared as it is.
        (re.compile(r"\b0x[0-9a-fA-F]{8,}\b"), "0x<address>"),
        # Ports the system chose (four or five digits) next to an IP
        # address or localhost: "127.0.0.1:54321", "[::1]:54321",
        # "localhost:54321", "host='127.0.0.1', port=54321",
        # ('127.0.0.1', 54321), ('::1', 54321, 0, 0).
        (
            re.compile(
                r"((?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F.]*:[0-9a-fA-F:.%\w]*\]"
                r"|localhost):\d{4,5}\b"
            ),
            r"\1:<port>",
        ),
        (
            re.compile(r"""(host=['"][^'"]*['"],\s*port=)\d{4,5}\b"""),
            r"\1<port>",
        ),
        (
            re.compile(
                r"""(['"](?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F.]*:[0-9a-fA-F:.%\w]*"""
                r"""|localhost)['"],\s*)\d{4,5}\b"""
            ),
            r"\1<port>",
        ),
    ]


_RUN_SPECIFIC: list[tuple[re.Pattern[str], str]] = []


def comparable(message: str) -> str:
    """
    ``message``, a failure's message, with the values that differ between
    two runs of a deterministic test replaced by placeholders: temporary
    paths, the random directory of trial's ``mktemp()``, object ids and
    addresses (``0x`` and eight hexadecimal digits or more), and ports of
    four or five digits next to an IP address or ``localhost``.  The
    determinism check compares failures' messages in this form, so that a
    test that fails the same way twice is not reported for an object's
    address in its message; a value the seed should decide (a drawn
    number, a token, a time on a :class:`twistedtesting.Clock`) is compared
    as it is, and so is a duration measured on the wall clock, which no
    seed decides.
    """
    if not _RUN_SPECIFIC:
        _RUN_SPECIFIC.extend(_runSpecific())
    for pattern, placeholder in _RUN_SPECIFIC:
        message = pattern.sub(placeholder, message)
    return message


def parseCount(raw: str, name: str) -> int:
    """
    Parse a number of seeds.

    :param raw: The text.
    :param name: How to name it in an error message.
    :raises ValueError: If ``raw`` is not a positive decimal integer.
    """
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return int(text)


@attrs.frozen
class Attempt:
    """
    One run of a test.

    :ivar runSeed: The run seed to derive the test's seed from, or ``None``
        for a test whose seed is pinned.
    :ivar kind: ``"replay"`` for a seed that failed in an earlier run,
        ``"seed"`` for one of the run's seeds, ``"repeat"`` for the second
        run with the seed of the attempt before it.
    :ivar index: For ``"seed"`` and ``"repeat"``, which seed (from 1).
    """

    runSeed: int | None
    kind: Literal["replay", "seed", "repeat"]
    index: int = 1


class Outcome(Protocol):
    """
    What one attempt of a test did.
    """

    @property
    def failed(self) -> bool:
        """
        Whether the test failed or errored.
        """

    @property
    def signature(self) -> tuple[object, ...]:
        """
        What must be equal between two runs with one seed: the kind of each
        result, and for a failure its exception's type, its message in the
        form :func:`comparable` gives, and the file and line it was raised
        at.
        """

    def describe(self) -> str:
        """
        Say in a few words what happened, for the report.
        """


OutcomeT = TypeVar("OutcomeT", bound=Outcome)


@attrs.frozen
class Verdict(Generic[OutcomeT]):
    """
    What to report for a test run with several attempts.

    :ivar attempt: The attempt to report: the first that failed, else the
        last.
    :ivar outcome: What that attempt did.
    :ivar note: A line to add to the report, or ``None``.
    :ivar notReproducible: Whether two runs with one seed differed; the
        report is then an error made of ``note``, not ``outcome``.
    """

    attempt: Attempt
    outcome: OutcomeT
    note: str | None
    notReproducible: bool = False

    @property
    def failed(self) -> bool:
        """
        Whether the test is reported as failed.
        """
        return self.notReproducible or self.outcome.failed

    @property
    def seedsPassed(self) -> int:
        """
        How many of the run's seeds the test passed with before it failed
        (all of them when it did not).
        """
        if self.attempt.kind == "replay":
            return 0
        return self.attempt.index - 1 if self.failed else self.attempt.index


@attrs.define
class AttemptOptions:
    """
    How this run runs each test: how many seeds, whether twice each, and
    where failing seeds are kept and replayed from.

    :ivar seeds: The number of seeds per test (pinned tests run once).
    :ivar checkDeterminism: Whether to run each test twice per seed.
    :ivar store: Where failing seeds are kept, or ``None`` for nowhere.
    :ivar summary: Where to count how many seeds each test passed, or
        ``None``.
    :ivar byNodeId: Whether tests are known by their pytest node id (under
        the pytest plugin) rather than by trial's id.
    """

    seeds: int = 1
    checkDeterminism: bool = False
    store: FailingSeeds | None = None
    summary: SeedsSummary | None = None
    byNodeId: bool = False
    _entries: dict[str, FailingSeed] | None = None

    def entries(self) -> dict[str, FailingSeed]:
        """
        The kept failing seeds, read once.
        """
        if self._entries is None:
            self._entries = {} if self.store is None else self.store.load()
        return self._entries

    def planned(self, testId: str) -> bool:
        """
        Whether ``testId`` runs more than once: with many seeds, to check
        determinism, or to replay a seed it failed with.
        """
        return self.seeds > 1 or self.checkDeterminism or testId in self.entries()

    def keep(self, testId: str, runSeed: int, seed: int) -> None:
        """
        Keep the seed of a test that failed in a run that was not planned.
        """
        if self.store is not None:
            self.store.add(FailingSeed(testId, runSeed, seed))

    def attempts(self, testId: str, runSeed: int | None) -> list[Attempt]:
        """
        The attempts of a test, in order.

        :param runSeed: The run seed, or ``None`` when the test's seed is
            pinned (it then runs once, or twice to check determinism, and
            nothing is replayed).
        """
        attempts: list[Attempt] = []
        entry = self.entries().get(testId)
        if entry is not None and runSeed is not None and entry.runSeed != runSeed:
            attempts.append(Attempt(entry.runSeed, "replay"))
        count = 1 if runSeed is None else self.seeds
        for index in range(count):
            seedRun = None if runSeed is None else extraRunSeed(runSeed, index)
            attempts.append(Attempt(seedRun, "seed", index + 1))
            if self.checkDeterminism:
                attempts.append(Attempt(seedRun, "repeat", index + 1))
        return attempts

    def run(
        self,
        testId: str,
        attempts: list[Attempt],
        runOne: Callable[[Attempt], OutcomeT],
        seedOf: Callable[[int], int],
    ) -> Verdict[OutcomeT]:
        """
        Run ``attempts`` with ``runOne`` until one fails, keep or forget the
        test's failing seed, and say what to report.

        :param seedOf: Gives the test's seed for a run seed, for the notes.
        """
        verdict = self._judge(testId, attempts, runOne, seedOf)
        self._remember(testId, verdict, seedOf)
        if self.summary is not None and attempts[-1].runSeed is not None:
            self.summary.record(testId, verdict.seedsPassed, verdict.failed)
        return verdict

    def _judge(
        self,
        testId: str,
        attempts: list[Attempt],
        runOne: Callable[[Attempt], OutcomeT],
        seedOf: Callable[[int], int],
    ) -> Verdict[OutcomeT]:
        previous: OutcomeT | None = None
        for attempt in attempts:
            outcome = runOne(attempt)
            if attempt.kind == "repeat" and previous is not None:
                if outcome.signature != previous.signature:
                    return Verdict(
                        attempt,
                        outcome,
                        _notReproducible(attempt, previous, outcome, seedOf),
                        notReproducible=True,
                    )
                if outcome.failed:
                    return Verdict(attempt, outcome, None)
            elif outcome.failed and not (
                self.checkDeterminism and attempt.kind == "seed"
            ):
                return Verdict(attempt, outcome, self._failureNote(testId, attempt))
            elif attempt.kind == "replay" and self.store is not None:
                self.store.drop(testId)
            previous = outcome
        assert previous is not None
        return Verdict(attempts[-1], previous, None)

    def _failureNote(self, testId: str, attempt: Attempt) -> str | None:
        if attempt.kind == "replay":
            where = "" if self.store is None else f" (kept in {self.store.directory})"
            return (
                "twistedtesting: this run replayed the seed with which this test "
                f"failed in an earlier run{where}; it is tried first until the "
                "test passes with it."
            )
        if self.seeds > 1 and attempt.runSeed is not None:
            return (
                f"twistedtesting: failed with seed {attempt.index} of "
                f"{self.seeds} for this test, after passing "
                f"{attempt.index - 1}."
            )
        return None

    def _remember(
        self, testId: str, verdict: Verdict[OutcomeT], seedOf: Callable[[int], int]
    ) -> None:
        runSeed = verdict.attempt.runSeed
        if self.store is None or runSeed is None:
            return
        if verdict.outcome.failed and not verdict.notReproducible:
            self.store.add(FailingSeed(testId, runSeed, seedOf(runSeed)))


def _notReproducible(
    attempt: Attempt, first: Outcome, second: Outcome, seedOf: Callable[[int], int]
) -> str:
    seedText = (
        "its pinned seed"
        if attempt.runSeed is None
        else f"random seed {seedOf(attempt.runSeed)} (run seed {attempt.runSeed})"
    )
    return (
        f"twistedtesting: this test is not reproducible from its seed: run "
        f"twice with {seedText}, the first run {first.describe()} and the "
        f"second {second.describe()}.  Something it depends on is not "
        "seeded: see 'A failure that the seed does not reproduce' in the "
        "docs (running.rst)."
    )


SEEDS_PROPERTY = "twistedtesting-seeds"


def seedsProperty(verdict: Verdict[OutcomeT]) -> tuple[str, list[object]]:
    """
    The user property of a pytest report that says how many seeds its test
    passed and whether it then failed, for the summary of a run with many
    seeds (properties travel from pytest-xdist's workers with the report).
    """
    return (SEEDS_PROPERTY, [verdict.seedsPassed, verdict.failed])


class NotReproducible(AssertionError):
    """
    A test run twice with one seed had two different outcomes.
    """


def optionsFromEnvironment(
    environ: MutableMapping[str, str],
    summaryFor: Callable[[int, MutableMapping[str, str]], SeedsSummary] = (
        lambda seeds, environ: SeedsSummary(seeds)
    ),
) -> AttemptOptions:
    """
    The options of a trial run, from ``TWISTEDTESTING_SEEDS``,
    ``TWISTEDTESTING_CHECK_DETERMINISM`` and ``TWISTEDTESTING_FAILING_SEEDS``.

    :param environ: The environment.
    :param summaryFor: Makes the summary of a run with many seeds, given the
        number of seeds and ``environ`` (the process's own is
        :func:`twistedtesting._seedsummary.trialSummary`, which prints it
        when the process exits).
    :raises ValueError: If ``TWISTEDTESTING_SEEDS`` is not a positive
        integer.
    """
    raw = environ.get(SEEDS_VARIABLE, "1")
    seeds = parseCount(raw, f"the environment variable {SEEDS_VARIABLE}")
    check = environ.get(DETERMINISM_VARIABLE, "").strip().lower()
    return AttemptOptions(
        seeds=seeds,
        summary=summaryFor(seeds, environ) if seeds > 1 else None,
        checkDeterminism=check not in ("", "0", "no", "false", "off"),
        store=trialFailingSeeds(environ),
    )


_pluginOptions: list[AttemptOptions] = []
_environmentOptions: list[AttemptOptions] = []


def currentOptions() -> AttemptOptions:
    """
    This process's options: those set with :func:`useOptions`, else those
    the pytest plugin set (:mod:`twistedtesting._runoptions`), or else those of
    the environment, read once per process; a summary of a run with many
    seeds is then written to standard error when the process exits (by the
    process trial was started in, with its ``-j`` workers' counts).

    :raises ValueError: As :func:`optionsFromEnvironment`.
    """
    if _pluginOptions:
        return _pluginOptions[-1]
    if _makers:
        # The pytest plugin's (see _runoptions.pluginOptions), looked up
        # here without that function's call: a trial run asks for them
        # once a test.
        return _makers[-1]()
    if not _environmentOptions:
        _environmentOptions.append(optionsFromEnvironment(os.environ, trialSummary))
    return _environmentOptions[0]


def useOptions(options: AttemptOptions | None) -> None:
    """
    Make ``options`` this process's options, ahead of those the pytest
    plugin gives (see :mod:`twistedtesting._runoptions`), or with ``None``
    go back to those, or else to those of the environment, which are read
    only once in a process, so that a run has one summary.
    """
    del _pluginOptions[:]
    if options is not None:
        _pluginOptions.append(options)
