# -*- test-case-name: twistedtesting.test.test_globalrandom -*-
"""
Save, seed and restore the exact state of the global :mod:`random`
generator, fast.

Every seeded test saves the global generator's state before it is seeded and
puts it back afterwards.  :func:`random.getstate` builds a tuple of 625 Python
ints and :func:`random.setstate` reads them back, which together cost more
than the rest of a trivial test's seeding.  On CPython the generator's state
is a fixed block of memory inside the generator object (the Mersenne Twister's
624 words and its position), so it can be copied out and back as bytes.

That depends on CPython's layout of the object, so it is only used after a
self-check, when this module is imported, has found the block in a probe
generator and shown that copying it reproduces ``getstate()`` exactly and
the same values afterwards; otherwise, and on other interpreters,
``getstate()`` and ``setstate()`` are used.  Either way the saved state
includes the generator's ``gauss_next``, as ``getstate()`` does.

Seeding with an ``int`` goes the same way: :meth:`random.Random.seed` is a
Python method that checks its argument, calls the C generator's own
``seed`` and clears ``gauss_next``; calling the C ``seed`` and clearing
``gauss_next`` directly does exactly that for an ``int``, at a fraction of
the cost, and is used only after a self-check has shown that it gives the
state that :meth:`random.Random.seed` gives, for a few seeds of every size.
"""

from __future__ import annotations

import random
import struct
import sys
from collections.abc import Callable
from typing import Any, Protocol, cast

# The Mersenne Twister's state: its position (a C int), then 624 32-bit words.
_WORDS = 624
_LAYOUT = f"=i{_WORDS}I"
_SIZE = struct.calcsize(_LAYOUT)


class StateKeeper(Protocol):
    """
    Saves and restores the whole state of one :class:`random.Random`.
    """

    def save(self) -> Any:
        """
        :returns: The generator's state, for :meth:`restore`.
        """

    def restore(self, state: Any) -> None:
        """
        Put back a state that :meth:`save` returned.
        """


class ApiStateKeeper:
    """
    Saves and restores with the generator's ``getstate()`` and
    ``setstate()``: the portable way.

    :ivar generator: The generator.
    """

    def __init__(self, generator: random.Random) -> None:
        self.generator = generator

    def save(self) -> Any:
        return self.generator.getstate()

    def restore(self, state: Any) -> None:
        self.generator.setstate(state)


class MemoryStateKeeper:
    """
    Saves and restores by copying the block of memory that holds a CPython
    generator's state, and its ``gauss_next``.  Made only by
    :func:`memoryKeeper`, after the self-check.

    :ivar generator: The generator; held, so that its memory stays valid.
    :ivar block: A writable view of the generator's state in memory (the
        Mersenne Twister's position and words, without ``gauss_next``).
    """

    def __init__(self, generator: random.Random, block: memoryview) -> None:
        self.generator = generator
        self.block = block
        # Where random.Random keeps gauss_next, the rest of its state.
        self._attributes = vars(generator)

    def save(self) -> tuple[bytes, Any]:
        return (self.block.tobytes(), self._attributes["gauss_next"])

    def restore(self, state: tuple[bytes, Any]) -> None:
        self.block[:] = state[0]
        self._attributes["gauss_next"] = state[1]


def _expectedBlock(generator: random.Random) -> bytes:
    """
    The bytes that CPython's generator object holds for ``generator``'s
    current state, built from ``getstate()``.
    """
    _, internal, _ = generator.getstate()
    *words, position = internal
    return struct.pack(_LAYOUT, position, *words)


def findStateOffset(read: Callable[[int, int], bytes], objectSize: int) -> int | None:
    """
    Find where a generator object holds its state, by looking for it in two
    probe generators with different states.

    :param read: Reads ``size`` bytes at an address: ``read(address, size)``.
    :param objectSize: How many bytes of the object to search.
    :returns: The offset of the state from the object's address, or
        ``None`` if the state is not found once, at the same offset, in
        both probes.
    """
    offsets = set()
    for seedValue in (20240531, 7):
        probe = random.Random(seedValue)
        probe.random()
        memory = read(id(probe), objectSize)
        expected = _expectedBlock(probe)
        offset = memory.find(expected)
        if offset < 0 or memory.find(expected, offset + 1) >= 0:
            return None
        offsets.add(offset)
    if len(offsets) != 1:
        return None
    [offset] = offsets
    return offset


def _draws(generator: random.Random) -> list[float | int]:
    """
    A few values of each kind that ``generator`` gives next.
    """
    return [generator.random(), generator.gauss(0, 1), generator.getrandbits(70)]


def reproduces(makeKeeper: Callable[[random.Random], StateKeeper]) -> bool:
    """
    Whether the keepers that ``makeKeeper`` makes restore a saved state
    exactly: ``getstate()`` afterwards is what it was when saved, and the
    same values follow, both in the generator it was saved from and in
    another one.
    """
    source, other = random.Random(1), random.Random(2)
    # gauss() leaves a value in gauss_next, which the state must carry.
    source.gauss(0, 1)
    saved = makeKeeper(source).save()
    expected = source.getstate()
    drawn = _draws(source)
    for target in (source, other):
        makeKeeper(target).restore(saved)
        if target.getstate() != expected or _draws(target) != drawn:
            return False
    return True


def memoryKeeper(
    generator: random.Random,
    viewAt: Callable[[int, int], memoryview],
    objectSize: int,
) -> MemoryStateKeeper | None:
    """
    A :class:`MemoryStateKeeper` for ``generator`` if the self-check passes,
    else ``None``.

    :param viewAt: Gives a writable view of memory: ``viewAt(address,
        size)``.
    :param objectSize: The size of CPython's generator object without its
        Python-level attributes.
    """
    if type(generator) is not random.Random:
        return None
    offset = findStateOffset(lambda a, n: viewAt(a, n).tobytes(), objectSize)
    if offset is None or offset + _SIZE > objectSize:
        return None

    def keeper(g: random.Random) -> MemoryStateKeeper:
        return MemoryStateKeeper(g, viewAt(id(g) + offset, _SIZE))

    try:
        if not reproduces(keeper):
            return None
    except Exception:
        return None
    return keeper(generator)


def stateKeeper(generator: random.Random) -> StateKeeper:
    """
    The fastest keeper of ``generator``'s state that works here.
    """
    if sys.implementation.name == "cpython":
        try:
            import _random

            viewAt = memoryViewer()
        except Exception:
            pass
        else:
            fast = memoryKeeper(generator, viewAt, _random.Random.__basicsize__)
            if fast is not None:
                return fast
    return ApiStateKeeper(generator)


def memoryViewer() -> Callable[[int, int], memoryview]:
    """
    A function that gives a writable view of memory, ``viewAt(address,
    size)``, made with CPython's ``_ctypes``: the arrays of
    :class:`ctypes.c_char` that ``(c_char * size).from_address(address)``
    makes, without the :mod:`ctypes` package, whose import costs several
    times what the rest of the plugin's loading does.

    :raises ImportError: Without ``_ctypes``.
    """
    import _ctypes

    # As ctypes defines c_char.
    char = type("c_char", (_ctypes._SimpleCData,), {"_type_": "c"})

    # The array type of each size, made once (as ctypes caches them).
    arrays: dict[int, Any] = {}

    def viewAt(address: int, size: int) -> memoryview:
        array: Any = arrays.get(size)
        if array is None:
            array = arrays[size] = type(
                "c_char_Array", (_ctypes.Array,), {"_type_": char, "_length_": size}
            )
        return memoryview(array.from_address(address)).cast("B")

    return viewAt


# Seeds that the self-check of a seeding function tries: 0 (which the C
# generator seeds as a key of one word), the largest seed of one 32-bit word
# (a derived seed is one such), and a value of several words (a pinned seed
# may be).  Each probe costs the check, which runs in every process that
# seeds a test, a few generators and states: three cover the three cases.
_PROBE_SEEDS = (0, 2**32 - 1, 3**90)


def seedsExactly(seedWith: Callable[[random.Random, int], None]) -> bool:
    """
    Whether ``seedWith(generator, n)`` leaves a generator in exactly the
    state that ``generator.seed(n)`` does, for a few ``int`` seeds: the same
    ``getstate()`` (``gauss_next`` included) and the same values after.

    :param seedWith: The seeding function to check.
    """
    for value in _PROBE_SEEDS:
        expected, actual = random.Random(5), random.Random(6)
        for generator in (expected, actual):
            # Leave a value in gauss_next, which seeding must clear.
            generator.gauss(0, 1)
        expected.seed(value)
        try:
            seedWith(actual, value)
        except Exception:
            return False
        if actual.getstate() != expected.getstate():
            return False
        if _draws(actual) != _draws(expected):
            return False
    return True


def _seedDirectly(generator: random.Random, value: int) -> None:
    """
    Seed ``generator`` with ``value`` as :meth:`random.Random.seed` does for
    an ``int``: the C generator's ``seed``, then ``gauss_next`` cleared.
    """
    import _random  # CPython's C generator; the self-check fails without it

    _random.Random.seed(generator, value)
    vars(generator)["gauss_next"] = None


def directSeed(
    seedWith: Callable[[random.Random, int], None] = _seedDirectly,
) -> Callable[[random.Random, int], None] | None:
    """
    The C generator's ``seed`` for :data:`DIRECT_SEED`, if the global
    generator is a plain :class:`random.Random` and ``seedWith`` (which
    calls it) passes the self-check, else ``None``.
    """
    if type(random._inst) is not random.Random or not seedsExactly(seedWith):
        return None
    import _random

    return cast("Callable[[random.Random, int], None]", _random.Random.seed)


# The global generator: the module-level functions of random are its
# methods.
GLOBAL_STATE: StateKeeper = stateKeeper(random._inst)

DIRECT_SEED = directSeed()
"""
The C generator's ``seed`` (``_random.Random.seed``) when calling it on the
global generator, then clearing the generator's ``gauss_next``, seeds it
exactly as ``random.seed(n)`` does for an ``int`` ``n`` (the self-check
found so when this module was imported), else ``None``.  Use it only while
``random.seed`` is still the global generator's own method: a test may have
replaced it.
"""

GLOBAL_BLOCK: memoryview | None = (
    GLOBAL_STATE.block if isinstance(GLOBAL_STATE, MemoryStateKeeper) else None
)
"""
When :data:`GLOBAL_STATE` copies memory (the self-check passed), a writable
view of the global generator's state in memory: its state is then this
block's bytes and its ``gauss_next`` (see :class:`MemoryStateKeeper`), which
the seeding of each test copies into a buffer of its own and back, without
a call of :data:`GLOBAL_STATE`'s methods.  Else ``None``.
"""
