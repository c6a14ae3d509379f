# -*- test-case-name: twistedtesting.test.test_pytestoptions -*-
"""
The pytest plugin's options, its choice of the run seed and its header
lines: what the plugin decides once per run (see
:mod:`twistedtesting._pytestplugin`).

What is decided here is kept in a :class:`RunPlan`, which also says whether
any test of the run is run more than once; a run in which none is takes the
plugin's straight path, without :mod:`twistedtesting._attempts` or attrs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from twistedtesting._derive import (
    FAILING_SEEDS_VARIABLE,
    OFF_WORDS,
    SEED_VARIABLE,
    checkSeed,
    parseRunSeed,
)

if TYPE_CHECKING:
    from twistedtesting._attempts import AttemptOptions

CACHE_KEY = "twistedtesting/run-seed"
CACHE_DIRECTORY = "twistedtesting-failing-seeds"
WORKER_KEY = "twistedtesting_seed"


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
    from twistedtesting._attempts import parseCount

    try:
        return parseCount(text, "--twistedtesting-seeds")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def addOptions(parser: pytest.Parser) -> None:
    """
    Add the plugin's command-line options to ``parser``.
    """
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


def chooseRunSeed(config: pytest.Config) -> tuple[int, str]:
    """
    The run seed, and where it came from, for the header.

    :raises pytest.UsageError: For ``--twistedtesting-seed=last`` with no
        earlier run seed in the cache, or a malformed
        ``TWISTEDTESTING_SEED``.
    """
    workerInput = getattr(config, "workerinput", None)
    if workerInput is not None and WORKER_KEY in workerInput:
        return int(workerInput[WORKER_KEY]), "pytest-xdist's controller"
    option = config.getoption("twistedtesting_seed")
    if option == "last":
        cache = getattr(config, "cache", None)
        last = None if cache is None else cache.get(CACHE_KEY, None)
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
    if randomlyActive(config) and isinstance(randomly, int):
        return randomly % 2**32, "pytest-randomly's --randomly-seed"
    return int.from_bytes(os.urandom(4), "big"), "chosen at random"


def randomlyActive(config: pytest.Config) -> bool:
    """
    Whether pytest-randomly is loaded (by its entry point, or by module name
    with ``-p pytest_randomly``).
    """
    manager = config.pluginmanager
    return manager.hasplugin("randomly") or manager.hasplugin("pytest_randomly")


def useRunSeed(value: int) -> None:
    """
    Make ``value`` this process's run seed, which trial's test cases read,
    and export it to the processes that tests start.
    """
    seeds = sys.modules.get("twistedtesting._seeds")
    if seeds is None:
        # Not imported yet: its run seed, once asked for, is read from the
        # environment, without importing it (and attrs) here.
        os.environ[SEED_VARIABLE] = str(value)
    else:
        seeds.useRunSeed(value)


def _failingSeedsDirectory(config: pytest.Config) -> Path | None:
    cache = getattr(config, "cache", None)
    off = os.environ.get(FAILING_SEEDS_VARIABLE, "").strip().lower()
    if (
        cache is None
        or config.getoption("twistedtesting_no_replay")
        or off in OFF_WORDS
    ):
        return None
    directory: Path = cache.mkdir(CACHE_DIRECTORY)
    return directory


def _empty(directory: Path) -> bool:
    """
    Whether ``directory`` holds nothing (or cannot be read): then it keeps
    no failing seed, which is known without reading any entry.
    """
    try:
        with os.scandir(directory) as entries:
            return next(entries, None) is None
    except OSError:
        return True


class RunPlan:
    """
    What the plugin decided for one pytest run.

    A plain class, not an attrs one: this module must not import attrs (see
    the module's docstring).

    :ivar runSeed: The run seed.
    :ivar source: Where the run seed came from, for the header.
    :ivar seeds: The number of seeds per test.
    :ivar checkDeterminism: Whether each test runs twice per seed.
    :ivar directory: Where failing seeds are kept, or ``None`` for nowhere.
    :ivar randomly: Whether pytest-randomly is active and resets ``random``.
    :ivar replaying: Whether ``directory`` may hold seeds to replay.
    """

    __slots__ = (
        "_options",
        "checkDeterminism",
        "directory",
        "randomly",
        "replaying",
        "runSeed",
        "seeds",
        "source",
    )

    def __init__(
        self,
        runSeed: int,
        source: str,
        seeds: int,
        checkDeterminism: bool,
        directory: Path | None,
        randomly: bool,
    ) -> None:
        self.runSeed = runSeed
        self.source = source
        self.seeds = seeds
        self.checkDeterminism = checkDeterminism
        self.directory = directory
        self.randomly = randomly
        self.replaying = directory is not None and not _empty(directory)
        self._options: AttemptOptions | None = None

    @property
    def planned(self) -> bool:
        """
        Whether some test may run more than once: with many seeds, to check
        determinism, or to replay a seed it failed with.
        """
        return self.seeds > 1 or self.checkDeterminism or self.replaying

    def options(self) -> AttemptOptions:
        """
        The run's options for :mod:`twistedtesting._attempts`, made on the
        first call.
        """
        if self._options is None:
            from twistedtesting._attempts import AttemptOptions
            from twistedtesting._replay import FailingSeeds

            self._options = AttemptOptions(
                seeds=self.seeds,
                checkDeterminism=self.checkDeterminism,
                store=None if self.directory is None else FailingSeeds(self.directory),
                byNodeId=True,
            )
        return self._options

    def keep(self, testId: str, runSeed: int, seed: int) -> None:
        """
        Keep the seed of a test that failed in a run that was not planned.
        """
        if self.directory is not None:
            self.options().keep(testId, runSeed, seed)


def makePlan(config: pytest.Config) -> RunPlan:
    """
    Decide the run: its run seed (exported, and kept in pytest's cache by
    the controller), its options, and who seeds the global ``random`` when
    pytest-randomly is active too.
    """
    runSeed, source = chooseRunSeed(config)
    useRunSeed(runSeed)
    controller = not hasattr(config, "workerinput")
    cache = getattr(config, "cache", None)
    if controller and cache is not None:
        cache.set(CACHE_KEY, runSeed)
    directory = _failingSeedsDirectory(config)
    if (
        directory is not None
        and controller
        and config.getoption("twistedtesting_clear")
    ):
        from twistedtesting._replay import FailingSeeds

        FailingSeeds(directory).clear()
    randomly = randomlyActive(config) and bool(
        getattr(config.option, "randomly_reset_seed", False)
    )
    if randomly:
        # One owner for the global random: twistedtesting seeds it for each
        # test, pytest-randomly keeps shuffling the order (and seeding its
        # other generators once, at the start).
        config.option.randomly_reset_seed = False
    return RunPlan(
        runSeed,
        source,
        config.getoption("twistedtesting_seeds"),
        config.getoption("twistedtesting_check_determinism"),
        directory,
        randomly,
    )


def headerLines(plan: RunPlan) -> list[str]:
    """
    The lines the plugin adds to pytest's header.
    """
    lines = [
        f"twistedtesting: run seed {plan.runSeed} ({plan.source}); rerun "
        f"with --twistedtesting-seed={plan.runSeed} or "
        "--twistedtesting-seed=last"
    ]
    if plan.randomly:
        lines.append(
            "twistedtesting: pytest-randomly shuffles the order; twistedtesting "
            "seeds random for each test (pytest-randomly's reset is off)"
        )
    if plan.seeds > 1:
        lines.append(f"twistedtesting: each test runs with {plan.seeds} seeds")
    if plan.checkDeterminism:
        lines.append(
            "twistedtesting: each test runs twice per seed, to check that its "
            "seed decides its outcome"
        )
    if plan.replaying:
        options = plan.options()
        count = len(options.entries())
        if count:
            lines.append(
                f"twistedtesting: replaying {count} failing seed"
                f"{'' if count == 1 else 's'} first (kept in "
                f"{plan.directory}; --twistedtesting-no-replay to skip)"
            )
    return lines
