# -*- test-case-name: twistedtesting.test.test_pytestplugin -*-
"""
twistedtesting's pytest plugin, registered through the ``pytest11`` entry
point; ``-p no:twistedtesting`` turns it off.

It chooses the run seed once (``--twistedtesting-seed=N|last``, else
``TWISTEDTESTING_SEED``, else pytest-randomly's seed, else at random), names
it in the header and hands it to pytest-xdist's workers; it seeds the global
:mod:`random` module and the registered generators for each plain pytest test
(twistedtesting's test cases seed themselves) and restores them after; it
names the seed and the rerun command in a failure's report; and it runs the
attempts of :mod:`twistedtesting._attempts` (replayed failing seeds, many
seeds, the determinism check).  The fixtures ``twistedtesting_seed``,
``twistedtesting_random`` and ``twistedtesting_clock`` give a test its seed,
a generator seeded with it, and a :class:`twistedtesting.Clock`.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, cast

import attrs
import pytest

# pytest's own protocol, which pytest-rerunfailures and the like call as well.
from _pytest.runner import runtestprotocol
from _pytest.unittest import TestCaseFunction

from twistedtesting._attempts import (
    SEEDS_PROPERTY,
    Attempt,
    AttemptOptions,
    SeedsSummary,
    Verdict,
    comparable,
    parseCount,
    seedsProperty,
    useOptions,
)
from twistedtesting._replay import FAILING_SEEDS_VARIABLE, FailingSeeds
from twistedtesting._seeds import (
    _METHOD_SEED,
    SEED_VARIABLE,
    SeededGenerators,
    checkSeed,
    deriveSeed,
    parseRunSeed,
    useRunSeed,
)

if TYPE_CHECKING:
    from twistedtesting._clock import Clock

_CACHE_KEY = "twistedtesting/run-seed"
_CACHE_DIRECTORY = "twistedtesting-failing-seeds"
_WORKER_KEY = "twistedtesting_seed"


@attrs.define
class _RunState:
    """
    The plugin's state for one pytest run.

    :ivar runSeed: The run seed.
    :ivar source: Where the run seed came from, for the header.
    :ivar options: How each test is run.
    :ivar randomly: Whether pytest-randomly is active and resets ``random``.
    :ivar summary: The count of seeds passed, with many seeds.
    :ivar generators: The generators seeded for the plain test running
        now, with the states to put back after it.
    """

    runSeed: int
    source: str
    options: AttemptOptions
    randomly: bool
    summary: SeedsSummary | None
    generators: SeededGenerators | None = None

    def seed(self, value: int) -> None:
        """
        Save the generators' states and seed them for a plain test, until
        :meth:`restore`.
        """
        self.restore()
        self.generators = SeededGenerators.seedAll(value)

    def restore(self) -> None:
        """
        Put back the states the generators had before the plain test.
        """
        if self.generators is not None:
            self.generators.restore()
            self.generators = None


@attrs.frozen
class _ItemSeed:
    """
    The seed of a plain pytest test.
    """

    value: int
    runSeed: int | None


_stateKey = pytest.StashKey[_RunState]()
_itemKey = pytest.StashKey[_ItemSeed]()
_attemptKey = pytest.StashKey[Attempt]()


def _seedOption(text: str) -> int | str:
    if text == "last":
        return text
    try:
        return checkSeed(int(text), "--twistedtesting-seed")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a non-negative integer or 'last', got {text!r}"
        ) from None


def _countOption(text: str) -> int:
    try:
        return parseCount(text, "--twistedtesting-seeds")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("twistedtesting", "twistedtesting's seeds")
    group.addoption(
        "--twistedtesting-seed",
        dest="twistedtesting_seed",
        metavar="N|last",
        type=_seedOption,
        help="the run seed, from which each test's seed is derived (as "
        f"{SEED_VARIABLE}=N); 'last' reuses the previous run's",
    )
    group.addoption(
        "--twistedtesting-seeds",
        dest="twistedtesting_seeds",
        metavar="N",
        type=_countOption,
        default=1,
        help="run each test with N seeds, stopping at its first failure "
        "(tests pinned with @seed run once)",
    )
    group.addoption(
        "--twistedtesting-check-determinism",
        dest="twistedtesting_check_determinism",
        action="store_true",
        help="run each test twice with each seed and fail a test whose two "
        "outcomes differ",
    )
    group.addoption(
        "--twistedtesting-no-replay",
        dest="twistedtesting_no_replay",
        action="store_true",
        help="neither replay nor keep the seeds of failed tests",
    )
    group.addoption(
        "--twistedtesting-clear-failing-seeds",
        dest="twistedtesting_clear",
        action="store_true",
        help="forget the kept seeds of failed tests before the run",
    )


def _chooseRunSeed(config: pytest.Config) -> tuple[int, str]:
    workerInput = getattr(config, "workerinput", None)
    if workerInput is not None and _WORKER_KEY in workerInput:
        return int(workerInput[_WORKER_KEY]), "pytest-xdist's controller"
    option = config.getoption("twistedtesting_seed")
    if option == "last":
        cache = getattr(config, "cache", None)
        last = None if cache is None else cache.get(_CACHE_KEY, None)
        if not isinstance(last, int):
            raise pytest.UsageError(
                "--twistedtesting-seed=last: pytest's cache has no run seed of "
                "an earlier run (or the cacheprovider plugin is off)"
            )
        return last, "--twistedtesting-seed=last"
    if isinstance(option, int):
        return option, "--twistedtesting-seed"
    raw = os.environ.get(SEED_VARIABLE)
    if raw is not None:
        try:
            return parseRunSeed(raw), SEED_VARIABLE
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
    randomly = getattr(config.option, "randomly_seed", None)
    if _randomlyActive(config) and isinstance(randomly, int):
        return randomly % 2**32, "pytest-randomly's --randomly-seed"
    return int.from_bytes(os.urandom(4), "big"), "chosen at random"


def _randomlyActive(config: pytest.Config) -> bool:
    """
    Whether pytest-randomly is loaded (by its entry point, or by module name
    with ``-p pytest_randomly``).
    """
    manager = config.pluginmanager
    return manager.hasplugin("randomly") or manager.hasplugin("pytest_randomly")


def _failingSeeds(config: pytest.Config) -> FailingSeeds | None:
    cache = getattr(config, "cache", None)
    off = os.environ.get(FAILING_SEEDS_VARIABLE, "").strip().lower()
    if (
        cache is None
        or config.getoption("twistedtesting_no_replay")
        or off in ("off", "0", "no", "false")
    ):
        return None
    return FailingSeeds(cache.mkdir(_CACHE_DIRECTORY))


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    runSeed, source = _chooseRunSeed(config)
    # Trial's test cases read the run seed from here; processes that the
    # tests start inherit it.
    useRunSeed(runSeed)
    controller = not hasattr(config, "workerinput")
    cache = getattr(config, "cache", None)
    if controller and cache is not None:
        cache.set(_CACHE_KEY, runSeed)
    store = _failingSeeds(config)
    if store is not None and controller and config.getoption("twistedtesting_clear"):
        store.clear()
    seeds = config.getoption("twistedtesting_seeds")
    options = AttemptOptions(
        seeds=seeds,
        checkDeterminism=config.getoption("twistedtesting_check_determinism"),
        store=store,
        byNodeId=True,
    )
    useOptions(options)
    randomly = _randomlyActive(config) and bool(
        getattr(config.option, "randomly_reset_seed", False)
    )
    if randomly:
        # One owner for the global random: twistedtesting seeds it for each
        # test, pytest-randomly keeps shuffling the order (and seeding its
        # other generators once, at the start).
        config.option.randomly_reset_seed = False
    state = _RunState(
        runSeed, source, options, randomly, SeedsSummary(seeds) if seeds > 1 else None
    )
    config.stash[_stateKey] = state
    _states.append(state)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _stateKey in config.stash:
        _states.remove(config.stash[_stateKey])
        del config.stash[_stateKey]
        useOptions(None)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """
    Hand the run seed to a pytest-xdist worker.
    """
    node.workerinput[_WORKER_KEY] = node.config.stash[_stateKey].runSeed


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash[_stateKey]
    lines = [
        f"twistedtesting: run seed {state.runSeed} ({state.source}); rerun "
        f"with --twistedtesting-seed={state.runSeed} or "
        "--twistedtesting-seed=last"
    ]
    if state.randomly:
        lines.append(
            "twistedtesting: pytest-randomly shuffles the order; twistedtesting "
            "seeds random for each test (pytest-randomly's reset is off)"
        )
    options = state.options
    if options.seeds > 1:
        lines.append(f"twistedtesting: each test runs with {options.seeds} seeds")
    if options.checkDeterminism:
        lines.append(
            "twistedtesting: each test runs twice per seed, to check that its "
            "seed decides its outcome"
        )
    if options.store is not None and options.entries():
        count = len(options.entries())
        lines.append(
            f"twistedtesting: replaying {count} failing seed"
            f"{'' if count == 1 else 's'} first (kept in "
            f"{options.store.directory}; --twistedtesting-no-replay to skip)"
        )
    return lines


def _managed(item: pytest.Item) -> bool:
    """
    Whether ``item`` is a unittest (or trial) test case, which the plugin
    leaves alone: twistedtesting's seed themselves, others run as they would
    without it.
    """
    return isinstance(item, TestCaseFunction)


def _pinned(item: pytest.Item) -> int | None:
    function = getattr(item, "obj", None)
    pinned = getattr(function, _METHOD_SEED, None)
    return pinned if isinstance(pinned, int) else None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> bool | None:
    state = item.config.stash[_stateKey]
    if _managed(item):
        return None
    options = state.options
    if not options.planned(item.nodeid):
        return None
    pinned = _pinned(item)
    attempts = options.attempts(
        item.nodeid, None if pinned is not None else state.runSeed
    )
    ihook = item.ihook
    ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    live = len(attempts) == 1

    def runOne(attempt: Attempt) -> _PytestOutcome:
        item.stash[_attemptKey] = attempt
        try:
            reports = _runtestprotocol(item, nextitem, live)
        finally:
            del item.stash[_attemptKey]
        return _PytestOutcome(reports)

    verdict = options.run(
        item.nodeid, attempts, runOne, lambda run: deriveSeed(run, item.nodeid)
    )
    if not live:
        for report in _finalReports(verdict, options.seeds):
            ihook.pytest_runtest_logreport(report=report)
    ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


def _runtestprotocol(
    item: pytest.Item, nextitem: pytest.Item | None, log: bool
) -> list[pytest.TestReport]:
    return runtestprotocol(item, nextitem=nextitem, log=log)


def _finalReports(
    verdict: Verdict[_PytestOutcome], seeds: int
) -> list[pytest.TestReport]:
    reports = verdict.outcome.reports
    for report in reports:
        if seeds > 1:
            report.user_properties.append(seedsProperty(verdict))
        if verdict.notReproducible:
            continue
        if report.failed and verdict.note is not None:
            report.sections.append(("twistedtesting", verdict.note))
    if verdict.notReproducible:
        target = next((r for r in reports if r.when == "call"), reports[-1])
        target.outcome = "failed"
        target.longrepr = verdict.note
    return reports


@attrs.frozen
class _PytestOutcome:
    """
    The reports of one attempt of a plain pytest test.
    """

    reports: list[pytest.TestReport]

    @property
    def failed(self) -> bool:
        return any(report.failed for report in self.reports)

    @property
    def signature(self) -> tuple[object, ...]:
        # As a trial test's (see _attempts.Outcome.signature).
        return tuple(
            (report.when, report.outcome, comparable(_crash(report)), _where(report))
            for report in self.reports
        )

    def describe(self) -> str:
        words = []
        for report in self.reports:
            if report.failed:
                words.append(f"failed in {report.when} with {_crash(report)}")
            elif report.skipped:
                words.append(f"was skipped in {report.when}")
        return ", then ".join(words) or "passed"


def _where(report: pytest.TestReport) -> tuple[object, ...]:
    crash = getattr(report.longrepr, "reprcrash", None)
    return () if crash is None else (crash.path, crash.lineno)


def _crash(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None)
    if isinstance(message, str):
        return message
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    return "" if report.longrepr is None else str(report.longrepr)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if not _managed(item):
        _seedItem(item)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, Any, None]:
    yield
    # After the test's fixtures are torn down: the generators are as they
    # were before the test.
    item.config.stash[_stateKey].restore()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    # A run stopped early (-x) ends without a last teardown.
    state = session.config.stash.get(_stateKey, None)
    if state is not None:
        state.restore()


def _seedItem(item: pytest.Item) -> None:
    state = item.config.stash[_stateKey]
    pinned = _pinned(item)
    if pinned is not None:
        seeded = _ItemSeed(pinned, None)
    else:
        attempt = item.stash.get(_attemptKey, None)
        runSeed = state.runSeed
        if attempt is not None and attempt.runSeed is not None:
            runSeed = attempt.runSeed
        seeded = _ItemSeed(deriveSeed(runSeed, item.nodeid), runSeed)
    state.seed(seeded.value)
    item.stash[_itemKey] = seeded


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.failed:
        # The usual case, three times a test: nothing to add.
        return
    seeded = item.stash.get(_itemKey, None)
    if seeded is not None:
        report.sections.append(("twistedtesting", _note(item, seeded)))
        if seeded.runSeed is not None and _attemptKey not in item.stash:
            # A test that runs once: keep its failing seed now.
            options = item.config.stash[_stateKey].options
            options.keep(item.nodeid, seeded.runSeed, seeded.value)


def _note(item: pytest.Item, seeded: _ItemSeed) -> str:
    if seeded.runSeed is None:
        return (
            f"twistedtesting: this test ran with random seed {seeded.value}, "
            f"pinned by @seed({seeded.value}); rerunning it reproduces the "
            "same random values."
        )
    command = (
        f"python -m pytest {shlex.quote(item.nodeid)} "
        f"--twistedtesting-seed={seeded.runSeed}"
    )
    return (
        f"twistedtesting: this test ran with random seed {seeded.value}, "
        f"derived from run seed {seeded.runSeed}.\n"
        f"  Rerun it with: {command}\n"
        f"  or pin it: add @seed({seeded.value}) to the test function "
        "(from twistedtesting import seed)."
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "teardown" or not _states:
        return
    summary = _states[-1].summary
    for name, value in report.user_properties:
        if name == SEEDS_PROPERTY and summary is not None:
            passed, failed = cast("list[object]", value)
            summary.record(report.nodeid, cast(int, passed), bool(failed))


# The state of the run in progress, for the hooks that are given no config.
_states: list[_RunState] = []


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_stateKey, None)
    if state is not None and state.summary is not None:
        for line in state.summary.lines():
            terminalreporter.write_line(line)


@pytest.fixture
def twistedtesting_seed(request: pytest.FixtureRequest) -> int:
    """
    The running test's seed, an ``int``: the one the global :mod:`random`
    module was seeded with.
    """
    seeded: _ItemSeed | None = request.node.stash.get(_itemKey, None)
    if seeded is None:
        raise pytest.UsageError(
            "the twistedtesting_seed fixture is for plain pytest tests; a "
            "twistedtesting test case has self.seed"
        )
    return seeded.value


@pytest.fixture
def twistedtesting_random(twistedtesting_seed: int) -> random.Random:
    """
    A :class:`random.Random` seeded with the running test's seed, for code
    that takes a generator.
    """
    return random.Random(twistedtesting_seed)


@pytest.fixture
def twistedtesting_clock() -> Clock:
    """
    A new :class:`twistedtesting.Clock` at time 0.
    """
    # Imported here: it imports Twisted, which a run that never uses the
    # fixture need not pay for.
    from twistedtesting._clock import Clock

    return Clock()
