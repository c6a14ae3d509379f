# -*- test-case-name: examples.test_seeded_example -*-
"""
Tests for :mod:`examples`, written the way a project using twistedtesting
would write them: random behaviour is tested with known seeds, so that any
failure can be reproduced.
"""

from __future__ import annotations

import random

from twisted.internet.task import Clock

from examples import backoffDelays, jitter, retry, shuffledServers
from examples.flaky import FlakyService
from twistedtesting import SynchronousTestCase, TestCase, registerRandom, seed

# The project's own generator is seeded with each test's seed, and restored
# after the test, like the global random module.  Register it once, when the
# tests are imported: generators are seeded before setUp runs.
registerRandom(jitter)


class BackoffDelaysTests(SynchronousTestCase):
    """
    Tests for :func:`backoffDelays`.
    """

    def test_drawnFromGivenGenerator(self) -> None:
        """
        Delay ``n`` is drawn uniformly from ``[0, base * 2 ** n]`` with the
        given generator: with ``self.random`` the delays are those of a new
        ``random.Random`` seeded with the test's seed.
        """
        expected = random.Random(self.seed)
        self.assertEqual(
            backoffDelays(3, 0.5, self.random),
            [expected.uniform(0, 0.5), expected.uniform(0, 1), expected.uniform(0, 2)],
        )

    @seed(1234)
    def test_pinnedSeed(self) -> None:
        """
        With the seed pinned by ``@seed``, the delays are the same in every
        run, so they can be written down.
        """
        self.assertEqual(self.seed, 1234)
        self.assertEqual(
            backoffDelays(3, 1.0, self.random),
            [0.9664535356921388, 0.8814651983507054, 0.029965880234348763],
        )

    def test_registeredDefaultGenerator(self) -> None:
        """
        Without a generator, the delays come from :data:`examples.jitter`,
        which this module registered with ``registerRandom``: it is seeded
        with the test's seed too.
        """
        expected = random.Random(self.seed)
        self.assertEqual(
            backoffDelays(2, 1.0),
            [expected.uniform(0, 1), expected.uniform(0, 2)],
        )

    def test_negativeArguments(self) -> None:
        """
        A negative number of attempts or a negative base is a ``ValueError``
        that names the argument.
        """
        error = self.assertRaises(ValueError, backoffDelays, -1, 1.0)
        self.assertEqual(str(error), "attempts must be >= 0, got -1")
        error = self.assertRaises(ValueError, backoffDelays, 1, -0.5)
        self.assertEqual(str(error), "base must be >= 0, got -0.5")


SERVERS = ["a.example", "b.example", "c.example", "d.example"]


@seed(2024)
class ShuffledServersTests(SynchronousTestCase):
    """
    Tests for :func:`shuffledServers`, all run with seed 2024 unless a test
    method pins another.
    """

    def test_orderFromClassSeed(self) -> None:
        """
        The order comes from the global ``random`` module, which is seeded
        with the seed pinned on the class.
        """
        self.assertEqual(self.seed, 2024)
        self.assertEqual(
            shuffledServers(SERVERS),
            ["c.example", "b.example", "a.example", "d.example"],
        )

    @seed(7)
    def test_methodSeedWins(self) -> None:
        """
        A ``@seed`` on a test method wins over the one on its class.
        """
        self.assertEqual(self.seed, 7)
        self.assertEqual(
            shuffledServers(SERVERS),
            ["d.example", "b.example", "a.example", "c.example"],
        )


class RetryTests(SynchronousTestCase):
    """
    Tests for :func:`retry`, driven by a :class:`Clock`: they never sleep.
    """

    def test_retriesAfterEachDelay(self) -> None:
        """
        After each failure the operation is tried again once the next delay
        has passed, and the result is that of the first success.
        """
        clock = Clock()
        operation = FlakyService(clock, failures=2)
        delays = backoffDelays(2, 1.0, self.random)
        result = retry(clock, operation, delays)
        self.assertNoResult(result)
        clock.advance(delays[0])
        self.assertNoResult(result)
        clock.advance(delays[1])
        self.assertEqual(self.successResultOf(result), "OK")
        self.assertEqual(
            operation.attemptTimes, [0.0, delays[0], delays[0] + delays[1]]
        )

    def test_failsAfterLastDelay(self) -> None:
        """
        When every attempt fails, there is one attempt more than there are
        delays, and the result is the last attempt's failure.
        """
        clock = Clock()
        operation = FlakyService(clock, failures=3)
        delays = backoffDelays(2, 1.0, self.random)
        result = retry(clock, operation, delays)
        clock.advance(delays[0])
        clock.advance(delays[1])
        self.failureResultOf(result, ConnectionRefusedError)
        self.assertEqual(
            operation.attemptTimes, [0.0, delays[0], delays[0] + delays[1]]
        )


class AsyncRetryTests(TestCase):
    """
    Tests for :func:`retry` written as coroutines, which need
    :class:`twistedtesting.TestCase`:
    :class:`twistedtesting.SynchronousTestCase` reports a test that returns a
    coroutine or a Deferred as an error.
    """

    async def test_awaitRetry(self) -> None:
        """
        A coroutine test runs with its seed like any other: the delay, drawn
        from the registered :data:`examples.jitter`, is the first value of a
        ``random.Random`` seeded with the test's seed, and the awaited result
        is that of the retry made once that delay has passed.
        """
        clock = Clock()
        operation = FlakyService(clock, failures=1)
        result = retry(clock, operation, backoffDelays(1, 1.0))
        self.assertNoResult(result)
        delay = random.Random(self.seed).uniform(0, 1)
        clock.advance(delay)
        self.assertEqual(await result, "OK")
        self.assertEqual(operation.attemptTimes, [0.0, delay])
