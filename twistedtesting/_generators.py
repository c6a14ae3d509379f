# -*- test-case-name: twistedtesting.test.test_generators -*-
"""
The generators a test seeds: the global :mod:`random` module and those
given to :func:`registerRandom`; each is seeded with the test's seed and put
back as it was when the test ends.

Only the standard library is imported here (no attrs), so that the pytest
plugin, which seeds every plain test with :class:`SeededGenerators`, loads
cheaply.
"""

from __future__ import annotations

import random
from typing import Any, Protocol

from twistedtesting._checks import missingMethods
from twistedtesting._globalrandom import DIRECT_SEED, GLOBAL_BLOCK, GLOBAL_STATE


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
    missing = missingMethods(generator, ("seed", "getstate", "setstate"))
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


class SeededGenerators:
    """
    The generators seeded for a running test, and the states to put back
    when it ends.

    A plain class rather than an attrs one: it is made for every test, and
    this module must not import attrs (see the module's docstring).

    :ivar value: The running test's seed.
    """

    __slots__ = ("_block", "_gauss", "_globalState", "_saved", "value")

    def __init__(
        self, value: int, globalState: Any, saved: list[tuple[SeedableRandom, Any]]
    ) -> None:
        self.value = value
        self._globalState = globalState
        self._saved = saved
        # Where the global generator's state is copied, when it is copied
        # as memory (see GLOBAL_BLOCK): one buffer, written over by each
        # test that this object seeds, rather than bytes made for each.  A
        # view of it: copying between two views copies once, where a
        # bytearray would first copy the block into a temporary one.
        self._block = (
            None if GLOBAL_BLOCK is None else memoryview(bytearray(len(GLOBAL_BLOCK)))
        )
        self._gauss: Any = None

    def __repr__(self) -> str:
        return f"<SeededGenerators value={self.value}>"

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
        block = self._block
        if block is not None:
            # As GLOBAL_STATE.save() does, into this object's buffer.
            block[:] = GLOBAL_BLOCK  # type: ignore[assignment]
            self._gauss = _GLOBAL_ATTRIBUTES["gauss_next"]
        else:
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
        block = self._block
        if block is not None:
            # As GLOBAL_STATE.restore() does, from this object's buffer.
            GLOBAL_BLOCK[:] = block  # type: ignore[index]
            _GLOBAL_ATTRIBUTES["gauss_next"] = self._gauss
        else:
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
