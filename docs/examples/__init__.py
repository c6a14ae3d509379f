# -*- test-case-name: examples.test_seeded_example -*-
"""
A tiny client library, the code under test of the documentation's examples.

In a real project this would be your own package; its tests, in
``test_seeded_example``, show how to test its random behaviour with
:mod:`twistedtesting`.  The tests are run by::

    cd docs && python -m twisted.trial examples
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TypeVar

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.internet.task import deferLater

_T = TypeVar("_T")

jitter = random.Random()
"""
The generator that :func:`backoffDelays` uses when it is given none: the
project's own generator, separate from the global :mod:`random` module.
"""


def backoffDelays(
    attempts: int, base: float, rng: random.Random | None = None
) -> list[float]:
    """
    Return the delays to wait before each retry: exponential backoff with
    full jitter, so that clients that failed together do not retry together.

    :param attempts: How many delays to return.
    :param base: The longest first delay, in seconds; the longest delay
        doubles with each retry.
    :param rng: The generator to draw the delays from; :data:`jitter` if
        not given.
    :returns: ``attempts`` delays; delay ``n`` (from 0) is uniform in
        ``[0, base * 2 ** n]``.
    :raises ValueError: If ``attempts`` or ``base`` is negative.
    """
    if attempts < 0:
        raise ValueError(f"attempts must be >= 0, got {attempts}")
    if base < 0:
        raise ValueError(f"base must be >= 0, got {base}")
    generator = jitter if rng is None else rng
    return [generator.uniform(0, base * 2**n) for n in range(attempts)]


def shuffledServers(servers: Sequence[str]) -> list[str]:
    """
    Return ``servers`` in a random order (from the global :mod:`random`
    module), so that clients spread their first connections over them.

    :param servers: The servers' addresses.
    :returns: A new list with the same addresses.
    """
    order = list(servers)
    random.shuffle(order)
    return order


def retry(
    clock: IReactorTime,
    operation: Callable[[], Deferred[_T]],
    delays: Sequence[float],
) -> Deferred[_T]:
    """
    Call ``operation`` until it succeeds, waiting ``delays[n]`` seconds after
    failure ``n``.

    :param clock: The clock to wait with.
    :param operation: Starts one attempt.
    :param delays: The delays, such as :func:`backoffDelays` returns; there
        are at most ``len(delays) + 1`` attempts.
    :returns: A Deferred that fires with the first successful attempt's
        result, or fails with the last attempt's failure.
    """

    async def attempt() -> _T:
        for delay in delays:
            try:
                return await operation()
            except Exception:
                await deferLater(clock, delay)
        return await operation()

    return Deferred.fromCoroutine(attempt())
