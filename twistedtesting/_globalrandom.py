# -*- test-case-name: twistedtesting.test.test_globalrandom -*-
"""
Save and restore the exact state of the global :mod:`random` generator,
fast.

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
"""

from __future__ import annotations

import random
import struct
import sys
from collections.abc import Callable
from typing import Any, Protocol

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
    """

    def __init__(self, generator: random.Random, block: memoryview) -> None:
        """
        :param block: A writable view of the generator's state in memory.
        """
        self.generator = generator
        self._block = block
        # Where random.Random keeps gauss_next, the rest of its state.
        self._attributes = vars(generator)

    def save(self) -> tuple[bytes, Any]:
        return (self._block.tobytes(), self._attributes["gauss_next"])

    def restore(self, state: tuple[bytes, Any]) -> None:
        self._block[:] = state[0]
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
            import ctypes
        except ImportError:
            pass
        else:

            def viewAt(address: int, size: int) -> memoryview:
                block = (ctypes.c_char * size).from_address(address)
                return memoryview(block).cast("B")

            fast = memoryKeeper(generator, viewAt, _random.Random.__basicsize__)
            if fast is not None:
                return fast
    return ApiStateKeeper(generator)


# The global generator: the module-level functions of random are its
# methods.
GLOBAL_STATE: StateKeeper = stateKeeper(random._inst)
