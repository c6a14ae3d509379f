# -*- test-case-name: twistedtesting.test.test_seeds -*-
"""
Where a test's random seed comes from: ``@seed``, the run seed, and the
choice between them.

A test's seed is, first match wins: the value of ``@seed(N)`` on the test
method; the value of ``@seed(N)`` on its class (or a base class); otherwise a
value derived from the *run seed* and the test's id.  The run seed is read
from the ``TWISTEDTESTING_SEED`` environment variable, or chosen from the
operating system's randomness once per process and exported in that variable
so that trial's worker processes (``trial -j``) share it.

How a seed is derived from the run seed is :mod:`twistedtesting._derive`'s,
and which generators a test seeds is :mod:`twistedtesting._generators`';
both are imported from here too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, MutableMapping
from typing import Literal, TypeVar

import attrs

from twistedtesting._derive import (
    METHOD_SEED,
    SEED_VARIABLE,
    checkSeed,
    deriveSeed,
    fastSha256,
    parseRunSeed,
    seedDeriver,
)
from twistedtesting._generators import (
    SeedableRandom,
    SeededGenerators,
    insideTest,
    registerRandom,
    unregisterRandom,
)

# Defined in _derive and _generators (which the pytest plugin imports
# without this module and its attrs), and used from here too.
__all__ = [
    "SEED_MANAGED",
    "SEED_VARIABLE",
    "RunSeedChooser",
    "SeedChoice",
    "SeedParts",
    "SeedableRandom",
    "SeededGenerators",
    "checkSeed",
    "choiceOf",
    "chooseSeed",
    "deriveSeed",
    "fastSha256",
    "insideTest",
    "parseRunSeed",
    "registerRandom",
    "runSeed",
    "runSeedOverride",
    "seed",
    "seedParts",
    "unregisterRandom",
    "useRunSeed",
]

# Where @seed stores its value: a function attribute on test methods (the
# name is _derive's, which the pytest plugin reads), a class attribute
# (found through the MRO, so inherited) on test classes.
_METHOD_SEED = METHOD_SEED
_CLASS_SEED = "_twistedtestingClassSeed"

# Set to True on the test case classes that manage seeds, so that @seed can
# refuse classes whose seed would be silently ignored.
SEED_MANAGED = "_twistedtestingSeedManaged"

_T = TypeVar("_T")

_NO_ATTRIBUTES: dict[str, object] = {}


def seed(value: int) -> Callable[[_T], _T]:
    """
    Pin the random seed of a test method or of every test in a test class.

    Use it on a test method of a :class:`twistedtesting.TestCase` or
    :class:`twistedtesting.SynchronousTestCase`, or on such a class (the pin is
    inherited by subclasses; a pin on a method wins over one on its class)::

        @seed(1234)
        def test_reassembly(self) -> None:
            ...

    :param value: The seed, a non-negative ``int``.
    :returns: A decorator that records the seed on its argument and returns
        the argument unchanged.
    :raises TypeError: If ``value`` is not an ``int`` (a ``bool``, ``float``,
        ``str`` or ``None`` is refused), or if the decorator is applied to
        something that is neither a test method (a function whose name starts
        with ``test``) nor a seed-managing test case class.
    :raises ValueError: If ``value`` is negative, or if the target already
        has a seed pinned by another ``@seed``.
    """
    checkSeed(value, "@seed() argument")

    def pin(target: _T) -> _T:
        if isinstance(target, type):
            if not getattr(target, SEED_MANAGED, False):
                raise TypeError(
                    f"@seed({value}) was applied to class {target.__qualname__}, "
                    "which does not manage seeds; subclass "
                    "twistedtesting.TestCase or twistedtesting.SynchronousTestCase"
                )
            _refuseSecondPin(value, target, vars(target).get(_CLASS_SEED))
            setattr(target, _CLASS_SEED, value)
            return target
        name = getattr(target, "__name__", None)
        if not callable(target) or not isinstance(name, str):
            raise TypeError(
                f"@seed({value}) must decorate a test method or a test case "
                f"class, not {target!r}"
            )
        if not name.startswith("test"):
            raise TypeError(
                f"@seed({value}) must decorate a test method (a method whose "
                f"name starts with 'test') or a test case class, not {name!r}"
            )
        _refuseSecondPin(value, target, getattr(target, _METHOD_SEED, None))
        setattr(target, _METHOD_SEED, value)
        return target

    return pin


def _refuseSecondPin(value: int, target: object, existing: int | None) -> None:
    """
    Refuse a second ``@seed`` on one target: one of the two would be lost.
    """
    if existing is not None:
        raise ValueError(
            f"@seed({value}) applied to {target!r}, which @seed({existing}) "
            "already pins; keep one of them"
        )


@attrs.define
class RunSeedChooser:
    """
    Chooses the run seed once and remembers it.

    :ivar environ: The environment to read the seed from and to export a
        chosen seed to.
    :ivar randomBits: Returns a fresh random run seed.
    :ivar chosen: The run seed once chosen, else ``None``.
    """

    environ: MutableMapping[str, str]
    randomBits: Callable[[], int]
    chosen: int | None = None

    def runSeed(self) -> int:
        """
        Return the run seed, choosing it on the first call.

        :raises ValueError: If the environment variable is set to something
            other than a non-negative integer.  Nothing is remembered then, so
            every later call raises the same error: never a silent random run.
        """
        if self.chosen is None:
            raw = self.environ.get(SEED_VARIABLE)
            if raw is None:
                self.chosen = self.randomBits()
                self.environ[SEED_VARIABLE] = str(self.chosen)
            else:
                self.chosen = parseRunSeed(raw)
        return self.chosen

    def use(self, value: int) -> None:
        """
        Make ``value`` the run seed, and export it.
        """
        self.environ[SEED_VARIABLE] = str(value)
        self.chosen = value


def useRunSeed(value: int) -> None:
    """
    Make ``value`` this process's run seed, and export it, as the pytest
    plugin does with the run seed it chose.
    """
    _chooser.use(value)


def _osRandomBits() -> int:
    return int.from_bytes(os.urandom(4), "big")


_chooser = RunSeedChooser(os.environ, _osRandomBits)


def runSeed() -> int:
    """
    Return this process's run seed.

    It comes from the ``TWISTEDTESTING_SEED`` environment variable when that
    is set; otherwise it is chosen from the operating system's randomness on
    the first call and exported in that variable, so that processes started
    afterwards (trial's ``-j`` workers among them) use the same run seed.

    :returns: The run seed, a non-negative ``int``.
    :raises ValueError: If ``TWISTEDTESTING_SEED`` is set to something other
        than a non-negative integer.
    """
    return _chooser.runSeed()


@attrs.frozen
class SeedChoice:
    """
    A test's seed and where it came from, for the failure report.

    :ivar value: The seed.
    :ivar source: ``"method"`` or ``"class"`` when ``@seed`` pinned it,
        ``"run"`` when it was derived from the run seed.
    :ivar runSeed: The run seed it was derived from, when ``source`` is
        ``"run"``.
    """

    value: int
    source: Literal["method", "class", "run"]
    runSeed: int | None = None


SeedParts = tuple[int, Literal["method", "class", "run"], int | None]
"""
A test's seed, where it came from and the run seed it was derived from: the
fields of a L{SeedChoice}, as a plain tuple, which costs a running test less
to make than the frozen value (that is made only for a note, by
L{choiceOf}).
"""


def seedParts(testClass: type, testMethod: object, testId: str) -> SeedParts:
    """
    Choose the seed for one test, as L{chooseSeed} does, and return the
    fields of its choice.

    The last seed derived is remembered, with the test id and run seed it
    was derived from, and given again for them: a suite may run one test
    many times, and a test's seed is asked for more than once as it starts.

    :param testClass: The test's class.
    :param testMethod: The test method.
    :param testId: The test's id, to derive a seed from.
    :raises ValueError: If a derived seed is needed and the run seed cannot
        be had (see :func:`runSeed`).
    """
    # The function's attributes, through a bound method: quicker than a
    # failed lookup of the one attribute, the usual case.
    pinned = getattr(testMethod, "__dict__", _NO_ATTRIBUTES).get(_METHOD_SEED)
    if pinned is not None:
        return (pinned, "method", None)
    pinned = getattr(testClass, _CLASS_SEED, None)
    if pinned is not None:
        return (pinned, "class", None)
    run: int | None
    if runSeedOverride:
        run = runSeedOverride[-1]
    else:
        # The chosen run seed at once, as runSeed() returns it once chosen.
        run = _chooser.chosen
        if run is None:
            run = _chooser.runSeed()
    last = _lastDerived[0]
    if last is not None and last[0] == testId and last[1] == run:
        return last[2]
    deriver = _deriver[0]
    if deriver[0] != run:
        # A run's tests share one run seed: its part of the hashed text is
        # written out once (see seedDeriver), not for every test.
        deriver = _deriver[0] = (run, seedDeriver(run))
    parts: SeedParts = (deriver[1](testId), "run", run)
    _lastDerived[0] = (testId, run, parts)
    return parts


def choiceOf(parts: SeedParts) -> SeedChoice:
    """
    The L{SeedChoice} of the fields ``parts`` (see L{seedParts}): the one
    made last time for the same derived seed's fields, or for the same
    pinned seed.
    """
    value, source, run = parts
    if source != "run":
        return _pinnedChoice(value, source)
    last = _lastChoice[0]
    if last is not None and last[0] is parts:
        return last[1]
    choice = SeedChoice(value, source, run)
    _lastChoice[0] = (parts, choice)
    return choice


def chooseSeed(testClass: type, testMethod: object, testId: str) -> SeedChoice:
    """
    Choose the seed for one test: method pin, then class pin, then derived.

    The choice depends on nothing but the arguments and the run seed, so the
    last one made is remembered and given again for the same test and run
    seed (see L{seedParts} and L{choiceOf}).

    :param testClass: The test's class.
    :param testMethod: The test method.
    :param testId: The test's id, to derive a seed from.
    :raises ValueError: If a derived seed is needed and the run seed cannot
        be had (see :func:`runSeed`).
    """
    return choiceOf(seedParts(testClass, testMethod, testId))


# The fields of the last seed that seedParts derived, with the test id and
# run seed it derived it from.
_lastDerived: list[tuple[str, int, SeedParts] | None] = [None]

# The run seed that seedParts derived a seed from last, and seedDeriver's
# function for it; at first none (no run seed is None, and int is never
# called).
_deriver: list[tuple[int | None, Callable[[str], int]]] = [(None, int)]

# The last choice that choiceOf made of a derived seed's fields, with them.
_lastChoice: list[tuple[SeedParts, SeedChoice] | None] = [None]

# The choices of pinned seeds made so far, by seed and source.
_pinnedChoices: dict[tuple[int, str], SeedChoice] = {}


def _pinnedChoice(value: int, source: Literal["method", "class"]) -> SeedChoice:
    """
    The choice of the pinned seed ``value``, made once for each seed and
    source.
    """
    choice = _pinnedChoices.get((value, source))
    if choice is None:
        choice = _pinnedChoices[value, source] = SeedChoice(value, source)
    return choice


# The run seed that a test is being run with instead of this process's, while
# twistedtesting._attempts runs it with a replayed seed or with many seeds.
runSeedOverride: list[int] = []
