# -*- test-case-name: twistedtesting.test.test_topology -*-
"""
:class:`Topology`: the links between the hosts of a simulated network: the
settings of each direction between two hosts (latency, jitter, bandwidth,
chunking), and which directions a fault blocks (a partition or a hold).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import attrs

from twistedtesting._arrivals import checkBandwidth, checkLatency
from twistedtesting._chunkchecks import checkChunking
from twistedtesting._chunking import ChunkingPolicy, FixedChunks
from twistedtesting._delays import DelayPolicy, FixedDelay, RandomDelay
from twistedtesting._link import Link

Direction = tuple[str, str]
"""
A direction between two hosts: the names of the sending and receiving host.
"""

DEFAULT_CHUNKING = FixedChunks(65536)
"""
How links cut bytes unless told otherwise: in reads of up to 64 KiB, as
Twisted's TCP transport reads a socket.
"""


def _checkLatency(
    instance: LinkSettings, attribute: attrs.Attribute[Any], value: object
) -> None:
    checkLatency("LinkSettings() latency", value)


def _checkJitter(
    instance: LinkSettings, attribute: attrs.Attribute[Any], value: object
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"LinkSettings() jitter must be a number of seconds, not "
            f"{type(value).__name__} {value!r}"
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"LinkSettings() jitter must be a finite number of seconds >= 0, "
            f"got {value!r}"
        )
    if value and isinstance(instance.latency, DelayPolicy):
        raise ValueError(
            "LinkSettings() jitter needs a latency given as a number of seconds, "
            f"not the delay policy {instance.latency!r} (which has its own spread)"
        )


def _checkBandwidth(
    instance: LinkSettings, attribute: attrs.Attribute[Any], value: object
) -> None:
    checkBandwidth("LinkSettings() bandwidth", value)


def _checkChunking(
    instance: LinkSettings, attribute: attrs.Attribute[Any], value: object
) -> None:
    checkChunking("LinkSettings() chunking", value)


@attrs.frozen
class LinkSettings:
    """
    How one direction between two hosts carries bytes.

    :ivar latency: Seconds each byte takes to arrive, or a
        :class:`twistedtesting.DelayPolicy`.
    :ivar jitter: With a latency in seconds, each piece of bytes takes a
        latency drawn between ``latency`` and ``latency + jitter`` from the
        network's seed (jitter never reorders bytes of a connection).
    :ivar bandwidth: Bytes a second, or ``None`` for no limit.
    :ivar chunking: Where the receiver's reads cut the bytes.
    """

    latency: float | DelayPolicy = attrs.field(default=0.0, validator=_checkLatency)
    jitter: float = attrs.field(default=0.0, validator=_checkJitter)
    bandwidth: float | None = attrs.field(default=None, validator=_checkBandwidth)
    chunking: ChunkingPolicy = attrs.field(
        default=DEFAULT_CHUNKING, validator=_checkChunking
    )

    def latencyPolicy(self, rng: random.Random) -> DelayPolicy:
        """
        :returns: The delay policy of a link with these settings, drawing
            its jitter from ``rng``.
        """
        latency = self.latency
        if isinstance(latency, DelayPolicy):
            return latency
        if self.jitter:
            return RandomDelay(latency, latency + self.jitter, rng)
        return FixedDelay(latency)

    def describe(self) -> str:
        """
        :returns: The settings in a few words, for a ``repr``.
        """
        latency = self.latency
        text = (
            f"latency {latency!r}"
            if isinstance(latency, DelayPolicy)
            else (f"latency {latency:g}s")
        )
        if self.jitter:
            text += f" +{self.jitter:g}s"
        if self.bandwidth is not None:
            text += f", {self.bandwidth:g} B/s"
        return text


class LinkGate:
    """
    Whether one link may deliver: not while its direction is blocked by a
    fault, nor while its receiving end is not connected yet.
    """

    def __init__(self, link: Link, blocked: bool, waiting: bool) -> None:
        self.link = link
        self.blocked = blocked
        self.waiting = waiting
        self.apply()

    def apply(self) -> None:
        """
        Hold or release the link as its state says.
        """
        link = self.link
        held = self.blocked or self.waiting
        if held and not link.held:
            link.hold()
        elif not held and link.held:
            link.release()

    def open(self) -> None:
        """
        The receiving end is connected.
        """
        self.waiting = False
        self.apply()


class Topology:
    """
    The settings and faults of every direction between two hosts, and the
    links open in each direction.

    :ivar default: The settings of a direction with none of its own.
    """

    def __init__(self, default: LinkSettings, rng: random.Random) -> None:
        self.default = default
        self._rng = rng
        self._settings: dict[Direction, LinkSettings] = {}
        self._packetDelays: dict[Direction, Iterator[float]] = {}
        self._partitioned: set[Direction] = set()
        self._held: set[Direction] = set()
        self._gates: dict[Direction, list[LinkGate]] = {}

    def settingsFor(self, direction: Direction) -> LinkSettings:
        """
        :returns: The settings of ``direction``.
        """
        return self._settings.get(direction, self.default)

    def setSettings(self, direction: Direction, settings: LinkSettings) -> None:
        """
        Give ``direction`` settings of its own, for the connections made
        from now on.
        """
        self._settings[direction] = settings
        self._packetDelays.pop(direction, None)

    def setDefault(self, settings: LinkSettings) -> None:
        """
        Change the default settings, for the connections made from now on.
        """
        self.default = settings
        self._packetDelays.clear()

    def packetDelay(self, direction: Direction) -> float:
        """
        :returns: How long a packet of a handshake (a connection request,
            its answer, a refusal) takes in ``direction``.
        """
        delays = self._packetDelays.get(direction)
        if delays is None:
            delays = self.settingsFor(direction).latencyPolicy(self._rng).delays()
            self._packetDelays[direction] = delays
        return next(delays)

    # Faults.

    def blocked(self, direction: Direction) -> bool:
        """
        :returns: Whether a partition or a hold blocks ``direction``.
        """
        return direction in self._partitioned or direction in self._held

    @property
    def partitioned(self) -> frozenset[Direction]:
        """The directions a partition blocks."""
        return frozenset(self._partitioned)

    @property
    def held(self) -> frozenset[Direction]:
        """The directions a hold blocks."""
        return frozenset(self._held)

    def partition(self, directions: set[Direction]) -> None:
        """
        Block ``directions`` (besides those blocked already).
        """
        self._partitioned |= directions
        self._update(directions)

    def heal(self) -> set[Direction]:
        """
        Lift every partition.

        :returns: The directions it lifted.
        """
        healed, self._partitioned = self._partitioned, set()
        self._update(healed)
        return healed

    def hold(self, directions: set[Direction]) -> None:
        """
        Hold ``directions``: nothing is delivered until :meth:`release`.
        """
        self._held |= directions
        self._update(directions)

    def release(self, directions: set[Direction]) -> None:
        """
        Release ``directions`` held before.
        """
        self._held -= directions
        self._update(directions)

    def _update(self, directions: set[Direction]) -> None:
        for direction in directions:
            blocked = self.blocked(direction)
            for gate in self._liveGates(direction):
                gate.blocked = blocked
                gate.apply()

    # Links.

    def addLink(self, direction: Direction, link: Link, waiting: bool) -> LinkGate:
        """
        Track ``link``, carrying bytes in ``direction``: hold it while its
        direction is blocked, and while ``waiting`` (until the gate is
        opened).
        """
        gate = LinkGate(link, self.blocked(direction), waiting)
        gates = self._gates.setdefault(direction, [])
        gates.append(gate)
        if len(gates) > 64 and len(gates) & (len(gates) - 1) == 0:
            self._liveGates(direction)
        return gate

    def _liveGates(self, direction: Direction) -> list[LinkGate]:
        gates = [
            gate for gate in self._gates.get(direction, ()) if not gate.link.closed
        ]
        self._gates[direction] = gates
        return gates

    def links(self, direction: Direction) -> list[Link]:
        """
        :returns: The links open in ``direction``.
        """
        return [gate.link for gate in self._liveGates(direction)]
