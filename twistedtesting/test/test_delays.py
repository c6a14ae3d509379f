# -*- test-case-name: twistedtesting.test.test_delays -*-
"""
Tests for the delay policies of L{twistedtesting._delays}.
"""

from __future__ import annotations

import itertools
import math
import random

from twistedtesting import DelayPolicy, FixedDelay, RandomDelay, SynchronousTestCase


class FixedDelayTests(SynchronousTestCase):
    """
    Tests for L{FixedDelay}.
    """

    def test_delays(self) -> None:
        """
        Every delay is the one given, as a float; the repr gives it.
        """
        policy = FixedDelay(2)
        self.assertEqual(list(itertools.islice(policy.delays(), 3)), [2.0, 2.0, 2.0])
        self.assertEqual(repr(FixedDelay(0.5)), "FixedDelay(seconds=0.5)")
        self.assertIsInstance(policy, DelayPolicy)

    def test_errors(self) -> None:
        """
        A negative, infinite or NaN delay, or one that is not a number, is an
        error that names it.
        """
        for bad in (-0.1, math.inf, math.nan):
            error = self.assertRaises(ValueError, FixedDelay, bad)
            self.assertEqual(
                str(error),
                f"FixedDelay() seconds must be a finite number of seconds >= 0, "
                f"got {bad!r}",
            )
        error = self.assertRaises(TypeError, FixedDelay, "1")
        self.assertEqual(
            str(error), "FixedDelay() seconds must be a number of seconds, not str '1'"
        )
        self.assertRaises(TypeError, FixedDelay, True)


class RandomDelayTests(SynchronousTestCase):
    """
    Tests for L{RandomDelay}.
    """

    def test_delays(self) -> None:
        """
        The delays are drawn with C{uniform} from the generator given, when
        they are needed.
        """
        delays = RandomDelay(0.5, 1.5, self.random).delays()
        expected = random.Random(self.seed)
        self.assertEqual(
            list(itertools.islice(delays, 4)),
            [expected.uniform(0.5, 1.5) for _ in range(4)],
        )

    def test_repr(self) -> None:
        """
        The repr gives the range and leaves the generator out.
        """
        self.assertEqual(
            repr(RandomDelay(0, 2.5, self.random)),
            "RandomDelay(minimum=0, maximum=2.5)",
        )

    def test_errors(self) -> None:
        """
        A maximum below the minimum, a negative minimum, or a generator that
        is not a L{random.Random}, is an error that names it.
        """
        error = self.assertRaises(ValueError, RandomDelay, 2, 1, self.random)
        self.assertEqual(
            str(error), "RandomDelay() maximum (1) must be at least minimum (2)"
        )
        error = self.assertRaises(ValueError, RandomDelay, -1, 1, self.random)
        self.assertEqual(
            str(error),
            "RandomDelay() minimum must be a finite number of seconds >= 0, got -1",
        )
        error = self.assertRaises(TypeError, RandomDelay, 0, 1, None)
        self.assertEqual(
            str(error),
            "RandomDelay() rng must be a random.Random (such as a test's "
            "self.random), not NoneType None",
        )
