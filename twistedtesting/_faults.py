# -*- test-case-name: twistedtesting.test.test_faults -*-
"""
Faults to inject into a chunked transport: a connection that breaks
part-way through the data.
"""

from __future__ import annotations

import random

import attrs


def _checkByteCount(
    instance: BreakAfter, attribute: attrs.Attribute[int], value: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            "BreakAfter() byteCount must be an int, "
            f"not {type(value).__name__} {value!r}"
        )
    if value < 0:
        raise ValueError(f"BreakAfter() byteCount must be >= 0, got {value}")


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
        if not callable(getattr(rng, "randint", None)):
            raise TypeError(
                "BreakAfter.atRandom() rng must be a random.Random (such as a "
                f"test's self.random), not {type(rng).__name__} {rng!r}"
            )
        if isinstance(maxBytes, bool) or not isinstance(maxBytes, int):
            raise TypeError(
                "BreakAfter.atRandom() maxBytes must be an int, not "
                f"{type(maxBytes).__name__} {maxBytes!r}"
            )
        if maxBytes < 0:
            raise ValueError(
                f"BreakAfter.atRandom() maxBytes must be >= 0, got {maxBytes}"
            )
        return cls(rng.randint(0, maxBytes))
