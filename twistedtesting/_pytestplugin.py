# -*- test-case-name: twistedtesting.test.test_pytestplugin -*-
"""
twistedtesting's pytest plugin, registered through the ``pytest11`` entry
point; ``-p no:twistedtesting`` turns it off.

It chooses the run seed once (``--twistedtesting-seed=N|last``, else
``TWISTEDTESTING_SEED``, else pytest-randomly's seed, else at random), names
it in the header and hands it to pytest-xdist's workers
(:mod:`twistedtesting._pytestoptions`); it seeds the global :mod:`random`
module and the registered generators for each plain pytest test
(twistedtesting's test cases seed themselves) and restores them after, and
names the seed and the rerun command in a failure's report
(:mod:`twistedtesting._pytestseeding`); and it runs the attempts of
:mod:`twistedtesting._attempts` (replayed failing seeds, many seeds, the
determinism check; :mod:`twistedtesting._pytestattempts`).  The fixtures
``twistedtesting_seed``, ``twistedtesting_random`` and
``twistedtesting_clock`` give a test its seed, a generator seeded with it,
and a :class:`twistedtesting.Clock`.

This module is imported in every pytest run where the plugin is installed,
so it, and what it imports, stay cheap: neither attrs nor Twisted is
imported unless a run needs them, and a run whose tests each run once (no
failing seed to replay, one seed, no determinism check) takes a straight
path with three hook functions per test.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import pytest

from twistedtesting._pytestoptions import (
    WORKER_KEY,
    addOptions,
    headerLines,
    makePlan,
)
from twistedtesting._pytestseeding import PlainSeeding
from twistedtesting._runoptions import useOptionsMaker

if TYPE_CHECKING:
    from twistedtesting._clock import Clock

_stateKey = pytest.StashKey[PlainSeeding]()
# The plugin objects of one run: its plain tests' seeding (whose hooks run
# for every test) and, in a run that needs them, its attempts.
_SEEDING = "twistedtesting-seeding"
_ATTEMPTS = "twistedtesting-attempts"


def pytest_addoption(parser: pytest.Parser) -> None:
    addOptions(parser)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    plan = makePlan(config)
    # Trial's test cases in this run use the plugin's options, made if one
    # of them asks.
    useOptionsMaker(plan.options)
    seeding = PlainSeeding(plan)
    config.stash[_stateKey] = seeding
    config.pluginmanager.register(seeding, _SEEDING)
    if plan.planned:
        from twistedtesting._pytestattempts import Attempts

        config.pluginmanager.register(Attempts(seeding), _ATTEMPTS)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _stateKey in config.stash:
        config.stash[_stateKey].restore()
        del config.stash[_stateKey]
        useOptionsMaker(None)
        for name in (_ATTEMPTS, _SEEDING):
            plugin = config.pluginmanager.get_plugin(name)
            if plugin is not None:
                config.pluginmanager.unregister(plugin)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """
    Hand the run seed to a pytest-xdist worker.
    """
    node.workerinput[WORKER_KEY] = node.config.stash[_stateKey].plan.runSeed


def pytest_report_header(config: pytest.Config) -> list[str]:
    return headerLines(config.stash[_stateKey].plan)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    # A run stopped early (-x) ends without a last teardown.
    state = session.config.stash.get(_stateKey, None)
    if state is not None:
        state.restore()


@pytest.fixture
def twistedtesting_seed(request: pytest.FixtureRequest) -> int:
    """
    The running test's seed, an ``int``: the one the global :mod:`random`
    module was seeded with.
    """
    state = request.config.stash.get(_stateKey, None)
    seeded = None if state is None else state.seedOf(request.node)
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
