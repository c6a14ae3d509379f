# -*- test-case-name: twistedtesting.test.test_proxypolicy -*-
"""
:class:`ProxyPolicy`: what one direction of a :class:`twistedtesting.FaultProxy`
does to the bytes it forwards, and the :class:`twistedtesting.Link` it makes
for them.
"""

from __future__ import annotations

import math
import random
from typing import Any

import attrs
from twisted.internet.interfaces import IReactorTime

from twistedtesting._chunking import AsFed, ChunkingPolicy
from twistedtesting._delays import DelayPolicy, FixedDelay, RandomDelay
from twistedtesting._faults import BreakAfter
from twistedtesting._link import Link


def _seconds(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    name = f"ProxyPolicy() {attribute.name}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number of seconds, not {type(value).__name__} {value!r}"
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{name} must be a finite number of seconds >= 0, got {value!r}"
        )


def _optionalSeconds(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None:
        _seconds(instance, attribute, value)


def _bandwidth(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            "ProxyPolicy() bandwidth must be a number of bytes a second or "
            f"None, not {type(value).__name__} {value!r}"
        )
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            "ProxyPolicy() bandwidth must be a finite number of bytes a second "
            f"> 0, got {value!r}"
        )


def _breakAfter(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            "ProxyPolicy() breakAfter must be an int or None, not "
            f"{type(value).__name__} {value!r}"
        )
    if value < 0:
        raise ValueError(f"ProxyPolicy() breakAfter must be >= 0, got {value}")


def _chunking(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, ChunkingPolicy):
        raise TypeError(
            "ProxyPolicy() chunking must be a chunking policy (such as "
            f"OneByteChunks()) or None, not {type(value).__name__} {value!r}"
        )
    if value is not None and value.totalBytes is not None:
        raise ValueError(
            f"ProxyPolicy() chunking {value!r} covers an exact number of bytes; "
            "a proxy forwards streams of any length: use SplitAt(offsets) to "
            "cut at given offsets"
        )


@attrs.frozen
class ProxyPolicy:
    """
    What one direction of a :class:`twistedtesting.FaultProxy` does to the
    bytes it forwards: the policies of a :class:`twistedtesting.Link`, in
    real seconds.

    On the real reactor, latency, jitter and spacing are real time: they
    are meant for small values (a few milliseconds to a few tens), so that
    a test stays fast.

    :ivar chunking: Where to cut what the proxy forwards, such as
        :class:`twistedtesting.OneByteChunks` (one write to the socket a
        byte), or ``None`` to forward each read from the socket as it came
        (:class:`twistedtesting.AsFed`).  A policy that covers an exact
        number of bytes (a script) is refused: a stream through a proxy has
        no set length.
    :ivar latency: Seconds each byte takes to pass, at least 0.
    :ivar jitter: Seconds of jitter, at least 0: each write's latency is
        drawn between ``latency`` and ``latency + jitter`` from the proxy's
        random generator; bytes are never reordered.
    :ivar bandwidth: Bytes a second, or ``None`` for no limit.
    :ivar spacing: Seconds between two forwarded chunks, or ``None``: a peer
        that trickles bytes.
    :ivar breakAfter: Break the connection once this many bytes were
        forwarded in this direction, or ``None``: the proxy closes its
        socket to the receiving side after those bytes (as toxiproxy's
        ``limit_data`` does), and then resets the sending side's.
    """

    chunking: ChunkingPolicy | None = attrs.field(default=None, validator=_chunking)
    latency: float = attrs.field(default=0, validator=_seconds)
    jitter: float = attrs.field(default=0, validator=_seconds)
    bandwidth: float | None = attrs.field(default=None, validator=_bandwidth)
    spacing: float | None = attrs.field(default=None, validator=_optionalSeconds)
    breakAfter: int | None = attrs.field(default=None, validator=_breakAfter)

    def makeLink(
        self, clock: IReactorTime, rng: random.Random, alreadySent: int = 0
    ) -> Link:
        """
        Make a link with this policy, for one direction of one connection.

        :param clock: The reactor, whose time is the link's.
        :param rng: The generator the jitter is drawn from.
        :param alreadySent: How many bytes the direction forwarded before
            this link: ``breakAfter`` counts them.
        """
        latency: DelayPolicy = FixedDelay(self.latency)
        if self.jitter:
            latency = RandomDelay(self.latency, self.latency + self.jitter, rng)
        fault = None
        if self.breakAfter is not None:
            fault = BreakAfter(max(0, self.breakAfter - alreadySent))
        chunking = self.chunking
        return Link(
            AsFed() if chunking is None else chunking,
            clock=clock,
            latency=latency,
            bandwidth=self.bandwidth,
            spacing=None if self.spacing is None else FixedDelay(self.spacing),
            fault=fault,
            label="ProxyPolicy() ",
        )


NO_FAULTS = ProxyPolicy()
"""
The policy with no faults, a direction's default: what a proxy reads, it
forwards at once, as it came.
"""
