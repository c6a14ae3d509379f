# -*- test-case-name: twistedtesting.test.test_globalrandom -*-
"""
Tests for L{twistedtesting._globalrandom}: saving and restoring the global
generator's exact state, and the self-check that guards the fast way.
"""

from __future__ import annotations

import _random
import ctypes
import random
import sys

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._globalrandom import (
    DIRECT_SEED,
    GLOBAL_BLOCK,
    GLOBAL_STATE,
    ApiStateKeeper,
    MemoryStateKeeper,
    StateKeeper,
    _expectedBlock,
    directSeed,
    findStateOffset,
    memoryKeeper,
    memoryViewer,
    reproduces,
    seedsExactly,
    stateKeeper,
)

OBJECT_SIZE = _random.Random.__basicsize__


def realView(address: int, size: int) -> memoryview:
    """
    A writable view of C{size} bytes of memory at C{address}.
    """
    return memoryview((ctypes.c_char * size).from_address(address)).cast("B")


def copiedView(address: int, size: int) -> memoryview:
    """
    A writable view of a copy of C{size} bytes at C{address}: reads are
    right, writes change nothing.
    """
    return memoryview(bytearray(realView(address, size)))


def zeroView(address: int, size: int) -> memoryview:
    """
    A writable view of C{size} zero bytes, whatever the address.
    """
    return memoryview(bytearray(size))


def skipUnlessCPython(test: SynchronousTestCase) -> None:
    """
    Skip C{test} on interpreters other than CPython, whose memory layout
    the fast way relies on.
    """
    if sys.implementation.name != "cpython":
        test.skipTest("the memory layout is CPython's")


class KeeperTests(SynchronousTestCase):
    """
    Every keeper puts back the exact state it saved.
    """

    def assertRestores(self, keeper: StateKeeper, generator: random.Random) -> None:
        """
        Check that C{keeper} restores C{generator} to a saved state, with a
        pending Gaussian value, after it was reseeded and drawn from.
        """
        generator.seed(99)
        generator.gauss(0, 1)
        saved = keeper.save()
        before = generator.getstate()
        drawn = [generator.random(), generator.gauss(0, 1), generator.random()]
        generator.seed(12345)
        generator.getrandbits(10_000)
        keeper.restore(saved)
        self.assertEqual(generator.getstate(), before)
        self.assertEqual(
            [generator.random(), generator.gauss(0, 1), generator.random()], drawn
        )

    def test_apiKeeper(self) -> None:
        """
        L{ApiStateKeeper} restores the exact state.
        """
        generator = random.Random()
        self.assertRestores(ApiStateKeeper(generator), generator)
        self.assertTrue(reproduces(ApiStateKeeper))

    def test_memoryKeeper(self) -> None:
        """
        On CPython, the self-check passes and L{MemoryStateKeeper} restores
        the exact state.
        """
        skipUnlessCPython(self)
        generator = random.Random()
        keeper = memoryKeeper(generator, realView, OBJECT_SIZE)
        assert keeper is not None
        self.assertIsInstance(keeper, MemoryStateKeeper)
        self.assertRestores(keeper, generator)

    def test_memoryViewer(self) -> None:
        """
        A view that L{memoryViewer}'s function gives, without the C{ctypes}
        package, reads and writes the memory at its address, as a view of
        C{ctypes}' array of C{c_char} there does.
        """
        skipUnlessCPython(self)
        viewAt = memoryViewer()
        buffer = ctypes.create_string_buffer(b"abcdefgh")
        view = viewAt(ctypes.addressof(buffer) + 2, 4)
        self.assertEqual(view.tobytes(), b"cdef")
        view[:] = b"WXYZ"
        self.assertEqual(buffer.raw, b"abWXYZgh\x00")
        self.assertEqual(view.tobytes(), realView(ctypes.addressof(buffer) + 2, 4))

    def test_globalGenerator(self) -> None:
        """
        On CPython, the global generator's state is kept by copying memory,
        and restored exactly.
        """
        skipUnlessCPython(self)
        self.assertIsInstance(GLOBAL_STATE, MemoryStateKeeper)
        outside = random.getstate()
        self.addCleanup(random.setstate, outside)
        self.assertRestores(GLOBAL_STATE, random._inst)

    def test_globalBlock(self) -> None:
        """
        On CPython, L{GLOBAL_BLOCK} is the view of the global generator's
        state that L{GLOBAL_STATE} copies: its bytes are the state that
        C{getstate()} gives, and change with it.
        """
        skipUnlessCPython(self)
        assert isinstance(GLOBAL_STATE, MemoryStateKeeper)
        self.assertIs(GLOBAL_BLOCK, GLOBAL_STATE.block)
        assert GLOBAL_BLOCK is not None
        outside = random.getstate()
        self.addCleanup(random.setstate, outside)
        for value in (1, 2):
            random.seed(value)
            random.random()
            self.assertEqual(GLOBAL_BLOCK.tobytes(), _expectedBlock(random._inst))


class SelfCheckTests(SynchronousTestCase):
    """
    The fast way is used only where the self-check shows it works.
    """

    def test_stateNotFound(self) -> None:
        """
        Memory that does not hold the state gives no offset and no keeper.
        """
        self.assertIsNone(findStateOffset(lambda a, n: bytes(n), OBJECT_SIZE))
        self.assertIsNone(memoryKeeper(random.Random(), zeroView, OBJECT_SIZE))

    def test_tooSmall(self) -> None:
        """
        When the searched size cannot hold the state, there is no keeper.
        """
        self.assertIsNone(memoryKeeper(random.Random(), realView, 100))

    def test_writesThatDoNothing(self) -> None:
        """
        When the state is found but writing it back does not restore it, the
        self-check refuses the fast way.
        """
        skipUnlessCPython(self)
        self.assertIsNotNone(
            findStateOffset(lambda a, n: realView(a, n).tobytes(), OBJECT_SIZE)
        )
        self.assertIsNone(memoryKeeper(random.Random(), copiedView, OBJECT_SIZE))

    def test_subclassUsesApi(self) -> None:
        """
        A subclass of L{random.Random} may keep state elsewhere: it gets the
        portable keeper.
        """

        class Sub(random.Random):
            pass

        generator = Sub()
        self.assertIsNone(memoryKeeper(generator, realView, OBJECT_SIZE))
        keeper = stateKeeper(generator)
        self.assertIsInstance(keeper, ApiStateKeeper)
        self.assertIs(keeper.generator, generator)  # type: ignore[attr-defined]


class DirectSeedTests(SynchronousTestCase):
    """
    Tests for L{seedsExactly} and L{directSeed}: seeding the global generator
    without C{random.Random.seed}'s Python layer, after a self-check.
    """

    def test_directOnCPython(self) -> None:
        """
        On CPython the self-check passes, and L{DIRECT_SEED} is the C
        generator's own C{seed}.
        """
        skipUnlessCPython(self)
        self.assertIs(DIRECT_SEED, _random.Random.seed)

    def test_exactSeeding(self) -> None:
        """
        A function that seeds as C{Random.seed} does passes the check.
        """
        self.assertTrue(seedsExactly(lambda generator, n: generator.seed(n)))

    def test_gaussNextKept(self) -> None:
        """
        The C generator's C{seed} alone leaves C{gauss_next} as it was,
        which C{Random.seed} clears: the check refuses it.
        """
        self.assertFalse(seedsExactly(_random.Random.seed))
        self.assertIsNone(directSeed(_random.Random.seed))

    def test_wrongState(self) -> None:
        """
        A function that seeds with another value fails the check.
        """
        self.assertFalse(seedsExactly(lambda generator, n: generator.seed(n + 1)))

    def test_raising(self) -> None:
        """
        A function that raises fails the check, and gives no direct seed.
        """

        def broken(generator: random.Random, value: int) -> None:
            raise AttributeError("no seed here")

        self.assertFalse(seedsExactly(broken))
        self.assertIsNone(directSeed(broken))

    def test_notPlainRandom(self) -> None:
        """
        When the global generator is not a plain C{random.Random} (another
        interpreter's, or a replaced one), nothing is seeded directly.
        """

        class Other(random.Random):
            pass

        self.patch(random, "_inst", Other())
        self.assertIsNone(directSeed(lambda generator, n: generator.seed(n)))
