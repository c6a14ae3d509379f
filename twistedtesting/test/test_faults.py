# -*- test-case-name: twistedtesting.test.test_faults -*-
"""
Tests for L{twistedtesting.BreakAfter}, the value; its effect on a transport
is tested in L{twistedtesting.test.test_chunked}.
"""

from __future__ import annotations

import random

import attrs

from twistedtesting import BreakAfter, SynchronousTestCase


class BreakAfterTests(SynchronousTestCase):
    """
    Tests for L{BreakAfter}.
    """

    def test_value(self) -> None:
        """
        L{BreakAfter} is an immutable value whose repr gives the point.
        """
        fault = BreakAfter(12)
        self.assertEqual(repr(fault), "BreakAfter(byteCount=12)")
        self.assertEqual(fault, BreakAfter(12))
        self.assertRaises(
            attrs.exceptions.FrozenInstanceError, setattr, fault, "byteCount", 3
        )

    def test_errors(self) -> None:
        """
        A negative count, or one that is not an int, is an error that names
        it.
        """
        error = self.assertRaises(ValueError, BreakAfter, -1)
        self.assertEqual(str(error), "BreakAfter() byteCount must be >= 0, got -1")
        error = self.assertRaises(TypeError, BreakAfter, 1.0)
        self.assertEqual(
            str(error), "BreakAfter() byteCount must be an int, not float 1.0"
        )

    def test_atRandom(self) -> None:
        """
        L{BreakAfter.atRandom} draws the point from 0 to C{maxBytes} with the
        generator given.
        """
        self.assertEqual(
            BreakAfter.atRandom(self.random, 100),
            BreakAfter(random.Random(self.seed).randint(0, 100)),
        )
        points = {BreakAfter.atRandom(self.random, 3).byteCount for _ in range(200)}
        self.assertEqual(points, {0, 1, 2, 3})

    def test_atRandomErrors(self) -> None:
        """
        A generator that is not a L{random.Random}, or a bad C{maxBytes}, is
        an error that names it.
        """
        error = self.assertRaises(TypeError, BreakAfter.atRandom, 5, 10)
        self.assertEqual(
            str(error),
            "BreakAfter.atRandom() rng must be a random.Random (such as a test's "
            "self.random), not int 5",
        )
        error = self.assertRaises(ValueError, BreakAfter.atRandom, self.random, -1)
        self.assertEqual(
            str(error), "BreakAfter.atRandom() maxBytes must be >= 0, got -1"
        )
        self.assertRaises(TypeError, BreakAfter.atRandom, self.random, "10")
