# -*- test-case-name: twistedtesting.test.test_seeds -*-
"""
Where a test's random seed comes from, and which generators it seeds.

A test's seed is, first match wins: the value of ``@seed(N)`` on the test
method; the value of ``@seed(N)`` on its class (or a base class); otherwise a
value derived from the *run seed* and the test's id.  The run seed is read
from the ``TWISTEDTESTING_SEED`` environment variable, or chosen from the
operating system's randomness once per process and exported in that variable
so that trial's worker processes (``trial -j``) share it.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import random
from collections.abc import Callable, MutableMapping
from typing import Any, Literal, Protocol, TypeVar, cast

import attrs

from twistedtesting._checks import checkInt
from twistedtesting._globalrandom import DIRECT_SEED, GLOBAL_STATE

SEED_VARIABLE = "TWISTEDTESTING_SEED"
"""
The name of the environment variable that holds the run seed.
"""

# Where @seed stores its value: a function attribute on test methods, a class
# attribute (found through the MRO, so inherited) on test classes.
_METHOD_SEED = "__twistedtesting_seed__"
_CLASS_SEED = "_twistedtestingClassSeed"

# Set to True on the test case classes that manage seeds, so that @seed can
# refuse classes whose seed would be silently ignored.
SEED_MANAGED = "_twistedtestingSeedManaged"

_T = TypeVar("_T")

_NO_ATTRIBUTES: dict[str, object] = {}


def checkSeed(value: object, name: str) -> int:
    """
    Check that ``value`` is usable as a seed.

    :param value: The candidate seed.
    :param name: How to name the value in an error message.
    :returns: ``value``, typed as an ``int``.
    :raises TypeError: If ``value`` is not an ``int`` (``bool`` is refused).
    :raises ValueError: If ``value`` is negative.
    """
    number = checkInt(name, value, "a non-negative int")
    if number < 0:
        raise ValueError(f"{name} must be a non-negative int, got {number}")
    return number


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


def fastSha256(
    names: tuple[str, ...] = ("_sha2", "_sha256"),
) -> Callable[[bytes], Any]:
    """
    CPython's own SHA-256, when it has one that agrees with
    :func:`hashlib.sha256`, else :func:`hashlib.sha256`.

    :func:`hashlib.sha256` usually goes through OpenSSL, whose set-up for
    each hash, between tests whose work has pushed it out of the processor's
    caches, costs several times what CPython's own implementation does for
    a test id.  That implementation is a private module (``_sha2`` from
    Python 3.12 on, ``_sha256`` before), so it is checked before it is used.

    :param names: The modules to look in, in order.
    """
    expected = hashlib.sha256(b"twistedtesting").digest()
    for name in names:
        try:
            candidate = getattr(importlib.import_module(name), "sha256", None)
            if candidate is not None and candidate(b"twistedtesting").digest() == (
                expected
            ):
                return cast("Callable[[bytes], Any]", candidate)
        except Exception:
            continue
    return hashlib.sha256


_sha256 = fastSha256()


def deriveSeed(runSeed: int, testId: str) -> int:
    """
    Derive a test's seed from the run seed and the test's id.

    The derivation is a cryptographic hash, so it is the same in every
    process, on every platform and in every test order (unlike Python's
    salted ``hash()``), and distinct tests get unrelated seeds.

    :param runSeed: The run seed.
    :param testId: The test's id, such as ``pkg.test.test_x.XTests.test_y``.
    :returns: A seed in ``range(2 ** 32)``, so that generators with a 32-bit
        seed (such as NumPy's legacy one) accept it.
    """
    digest = _sha256(f"{runSeed}\0{testId}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def parseRunSeed(raw: str) -> int:
    """
    Parse the text of the ``TWISTEDTESTING_SEED`` variable.

    :param raw: The variable's value.
    :returns: The run seed.
    :raises ValueError: If ``raw`` is not a non-negative decimal integer;
        the message names the variable.
    """
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(
            f"the environment variable {SEED_VARIABLE} must be a non-negative "
            f"integer (the run seed), got {raw!r}; unset it for a random run seed"
        )
    return int(text)


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


def chooseSeed(testClass: type, testMethod: object, testId: str) -> SeedChoice:
    """
    Choose the seed for one test: method pin, then class pin, then derived.

    The choice depends on nothing but the arguments and the run seed, so the
    last one made is remembered and given again for the same test and run
    seed (a test's seed is asked for more than once as it starts: a frozen
    value and a hash cost a passing test more than the rest of its
    bookkeeping does).

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
        return _pinnedChoice(pinned, "method")
    pinned = getattr(testClass, _CLASS_SEED, None)
    if pinned is not None:
        return _pinnedChoice(pinned, "class")
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
    choice = SeedChoice(deriveSeed(run, testId), "run", run)
    _lastDerived[0] = (testId, run, choice)
    return choice


# The last seed that chooseSeed derived, with the test id and run seed it
# derived it from.
_lastDerived: list[tuple[str, int, SeedChoice] | None] = [None]

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


def insideTest() -> bool:
    """
    Whether a seeded test is running now (so a test starting now is run by
    another test, as this project's own tests run theirs).
    """
    return bool(_running)


class SeedableRandom(Protocol):
    """
    A random generator that can be seeded and whose state can be saved and
    restored, such as a :class:`random.Random`.
    """

    def seed(self, a: int, /) -> None:
        """
        Seed the generator.

        :param a: The seed, a non-negative ``int``.
        """

    def getstate(self) -> Any:
        """
        :returns: The generator's state, for :meth:`setstate`.
        """

    def setstate(self, state: Any, /) -> None:
        """
        Restore a state.

        :param state: A state that :meth:`getstate` returned.
        """


_registered: list[SeedableRandom] = []


def registerRandom(generator: SeedableRandom) -> None:
    """
    Seed ``generator`` with each test's seed and restore it after the test,
    as is done for the global :mod:`random` module.

    Register a project's generators once, when the module that defines them
    (or a test package's ``__init__``) is imported.  A generator registered
    while a test runs is seeded with that test's seed at once, and its state
    from before the registration is put back when the test ends.
    Registering a generator that is already registered changes nothing.

    :param generator: An object with ``seed(int)``, ``getstate()`` and
        ``setstate(state)`` methods, such as a :class:`random.Random`.  For a
        generator with other method names, register a small adapter.
    :raises TypeError: If ``generator`` lacks one of those methods.
    """
    missing = [
        name
        for name in ("seed", "getstate", "setstate")
        if not callable(getattr(generator, name, None))
    ]
    if missing:
        raise TypeError(
            f"registerRandom() generator must have seed(), getstate() and "
            f"setstate() methods; {generator!r} lacks {', '.join(missing)}"
        )
    if not any(generator is known for known in _registered):
        _registered.append(generator)
        if _running:
            _running[-1].adopt(generator)


def unregisterRandom(generator: SeedableRandom) -> None:
    """
    Stop seeding a generator that :func:`registerRandom` registered.

    :param generator: The registered generator.
    :raises ValueError: If ``generator`` is not registered.
    """
    for index, known in enumerate(_registered):
        if known is generator:
            del _registered[index]
            return
    raise ValueError(f"unregisterRandom() generator {generator!r} is not registered")


@attrs.define(eq=False)
class SeededGenerators:
    """
    The generators seeded for a running test, and the states to put back
    when it ends.

    :ivar value: The running test's seed.
    """

    value: int
    _globalState: Any
    _saved: list[tuple[SeedableRandom, Any]]

    @classmethod
    def seedAll(cls, value: int) -> SeededGenerators:
        """
        Save the state of every generator, then seed each with ``value``,
        until :meth:`restore`.
        """
        seeded = cls(value, None, [])
        seeded.seedAgain(value)
        return seeded

    def seedAgain(self, value: int) -> None:
        """
        Save the state of every generator, then seed each with ``value``,
        until :meth:`restore`, as :meth:`seedAll` does, with this object,
        which is restored already (a run's outermost tests take turns with
        one, rather than each allocating its own).
        """
        self.value = value
        self._globalState = GLOBAL_STATE.save()
        if DIRECT_SEED is not None and random.seed is _MODULE_SEED:
            # As random.seed(value) does, without its Python layer.
            DIRECT_SEED(_GLOBAL, value)
            _GLOBAL_ATTRIBUTES["gauss_next"] = None
        else:
            random.seed(value)
        if _registered:
            for generator in _registered:
                self.adopt(generator)
        _running.append(self)

    def adopt(self, generator: SeedableRandom) -> None:
        """
        Save the state of ``generator``, then seed it with :attr:`value`.
        """
        self._saved.append((generator, generator.getstate()))
        generator.seed(self.value)

    def restore(self) -> None:
        """
        Put back the states saved by :meth:`seedAll` and :meth:`adopt`.
        """
        _running.remove(self)
        saved = self._saved
        if saved:
            for generator, state in reversed(saved):
                generator.setstate(state)
            del saved[:]
        GLOBAL_STATE.restore(self._globalState)
        self._globalState = None


# The global generator, its own seed method (which random.seed is, unless
# replaced) and its attributes (where it keeps gauss_next).
_GLOBAL = random._inst
_MODULE_SEED = random.seed
_GLOBAL_ATTRIBUTES = vars(_GLOBAL)

# The seeded generators of the tests running now, innermost last (a test may
# run another test, as this project's own tests do).
_running: list[SeededGenerators] = []
