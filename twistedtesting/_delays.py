# -*- test-case-name: twistedtesting.test.test_delays -*-
"""
Delay policies: how long, in a clock's virtual seconds, a chunked
transport waits before delivering each chunk.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

import attrs

from twistedtesting._checks import checkNumber, checkRandom


@runtime_checkable
class DelayPolicy(Protocol):
    """
    Decides how long a transport waits before delivering each chunk.

    :class:`twistedtesting.ChunkedTransport` accepts any object with this
    method, so a project can write its own policy.
    """

    def delays(self) -> Iterator[float]:
        """
        Return a new, endless iterator of delays in seconds, each at least 0.
        """


def checkDelay(name: str, value: object) -> float:
    """
    Check that ``value`` is usable as a delay.

    :param name: How to name the value in an error message.
    :returns: ``value`` as a ``float``.
    :raises TypeError: If ``value`` is not an ``int`` or ``float``
        (``bool`` is refused).
    :raises ValueError: If ``value`` is negative, infinite or NaN.
    """
    seconds = checkNumber(name, value)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(
            f"{name} must be a finite number of seconds >= 0, got {value!r}"
        )
    return seconds


def _checkSeconds(
    instance: object, attribute: attrs.Attribute[float], value: float
) -> None:
    checkDelay(f"{type(instance).__name__}() {attribute.name}", value)


def _checkMaximum(
    instance: RandomDelay, attribute: attrs.Attribute[float], value: float
) -> None:
    checkDelay("RandomDelay() maximum", value)
    if value < instance.minimum:
        raise ValueError(
            f"RandomDelay() maximum ({value!r}) must be at least minimum "
            f"({instance.minimum!r})"
        )


def _checkRandom(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    checkRandom("RandomDelay() rng", value, "uniform")


@attrs.frozen
class FixedDelay:
    """
    Wait the same time before every chunk.

    :ivar seconds: The delay, at least 0.
    """

    seconds: float = attrs.field(validator=_checkSeconds)

    def delays(self) -> Iterator[float]:
        """
        :returns: An endless iterator of ``seconds``.
        """
        return itertools.repeat(float(self.seconds))


@attrs.frozen
class RandomDelay:
    """
    Wait a random time between ``minimum`` and ``maximum`` seconds before
    each chunk, drawn from ``rng`` (give it a test's ``self.random``, so that
    the test's seed reproduces the delays).

    :ivar minimum: The shortest delay, at least 0.
    :ivar maximum: The longest delay, at least ``minimum``.
    :ivar rng: The generator to draw the delays from; the ``repr`` leaves it
        out.
    """

    minimum: float = attrs.field(validator=_checkSeconds)
    maximum: float = attrs.field(validator=_checkMaximum)
    rng: random.Random = attrs.field(validator=_checkRandom, repr=False, eq=False)

    def delays(self) -> Iterator[float]:
        """
        :returns: An endless iterator of delays, each drawn with
            ``rng.uniform(minimum, maximum)`` when it is needed.
        """
        uniform = self.rng.uniform
        low, high = self.minimum, self.maximum
        while True:
            yield uniform(low, high)
