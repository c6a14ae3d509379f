# -*- test-case-name: twistedtesting.test.test_faults -*-
"""
Faults to inject into a chunked transport: a connection that breaks
part-way through the data.
"""

from __future__ import annotations

import random

import attrs

from twistedtesting._checks import checkRandom, nonNegativeInt


def _checkByteCount(
    instance: BreakAfter, attribute: attrs.Attribute[int], value: int
) -> None:
    nonNegativeInt("BreakAfter() byteCount", value)


@attrs.frozen
class BreakAfter:
    """
    Break the connection once ``byteCount`` bytes of its input have been
    delivered: the protocol gets those bytes (the chunk that crosses the
    point is cut there), then ``connectionLost`` with
    :class:`~twisted.internet.error.ConnectionLost`; the bytes after the
    point are never delivered.

    :ivar byteCount: How many bytes are delivered before the break, at
        least 0.  With 0 the connection breaks when its first bytes arrive.
    """

    byteCount: int = attrs.field(validator=_checkByteCount)

    @classmethod
    def atRandom(cls, rng: random.Random, maxBytes: int) -> BreakAfter:
        """
        Break at a point drawn from ``rng``, so that the test's seed (give
        it ``self.random``) reproduces it.  The ``repr`` of the result says
        which point was drawn.

        :param rng: The generator to draw the point from.
        :param maxBytes: The latest point: the break comes after between 0
            and ``maxBytes`` bytes, each equally likely.
        :returns: A :class:`BreakAfter` at the drawn point.
        :raises TypeError: If ``rng`` is not a :class:`random.Random` or
            ``maxBytes`` is not an ``int``.
        :raises ValueError: If ``maxBytes`` is negative.
        """
        checkRandom("BreakAfter.atRandom() rng", rng, "randint")
        nonNegativeInt("BreakAfter.atRandom() maxBytes", maxBytes)
        return cls(rng.randint(0, maxBytes))
