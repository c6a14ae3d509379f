# -*- test-case-name: twistedtesting.test.test_faultschedule -*-
"""
:func:`randomFaults`: a schedule of faults for a network, drawn from its
seed: partitions, crashes with restarts, pauses and held links, each
undone after a while.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from twistedtesting._checks import checkNumber
from twistedtesting._host import HostState
from twistedtesting._network import Network

FAULT_KINDS = ("partition", "crash", "pause", "hold")
"""
The kinds of fault :func:`randomFaults` draws from.
"""


@attrs.frozen
class PlannedFault:
    """
    One fault of a schedule.

    :ivar time: When it starts, in network time.
    :ivar kind: ``"partition"``, ``"crash"``, ``"pause"`` or ``"hold"``.
    :ivar hosts: The hosts it is about: the minority cut off by a
        partition, the host crashed or paused, the two ends of a held link.
    :ivar duration: How long until it is undone (healed, restarted,
        resumed, released).
    """

    time: float
    kind: str
    hosts: tuple[str, ...]
    duration: float

    def __str__(self) -> str:
        return (
            f"t={self.time:.6f} {self.kind} {','.join(self.hosts)} for "
            f"{self.duration:.6f}s"
        )


def _checkRange(name: str, value: tuple[float, float]) -> tuple[float, float]:
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(
            f"randomFaults() {name} must be a (low, high) tuple, not {value!r}"
        )
    low, high = (checkNumber(f"randomFaults() {name}", item) for item in value)
    if not 0 < low <= high < float("inf"):
        raise ValueError(
            f"randomFaults() {name} must be (low, high) with 0 < low <= high, "
            f"got {value!r}"
        )
    return low, high


def randomFaults(
    network: Network,
    duration: float,
    *,
    interval: tuple[float, float] = (1.0, 5.0),
    downtime: tuple[float, float] = (0.5, 3.0),
    kinds: Sequence[str] = FAULT_KINDS,
    hosts: Sequence[str] | None = None,
) -> list[PlannedFault]:
    """
    Plan faults over the next ``duration`` seconds, drawn from the
    network's seed, and schedule them on the network.

    Faults come one after another, ``interval`` seconds apart (drawn
    between its two bounds), each undone after ``downtime`` seconds (drawn
    the same way) and before the next starts: a partition cuts off a
    minority of the hosts and heals; a crash is followed by a restart; a
    pause ends; a held link is released.  A fault whose host is not up
    when it comes is skipped (traced as such).

    :param network: The network.
    :param duration: How many seconds from now to plan faults for.
    :param interval: The bounds of the time between the end of one fault
        and the start of the next.
    :param downtime: The bounds of each fault's length.
    :param kinds: The kinds of fault to draw from.
    :param hosts: The hosts faults may hit; all by default.
    :returns: The plan, in time order, for messages and assertions.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If a kind or host is unknown, or a bound out of
        range.
    """
    if not isinstance(network, Network):
        raise TypeError(f"randomFaults() network must be a Network, not {network!r}")
    seconds = checkNumber("randomFaults() duration", duration)
    if not 0 <= seconds < float("inf"):
        raise ValueError(f"randomFaults() duration must be >= 0, got {duration!r}")
    gaps = _checkRange("interval", interval)
    lengths = _checkRange("downtime", downtime)
    kinds = tuple(kinds)
    for kind in kinds:
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"randomFaults() kinds: {kind!r} is not one of {', '.join(FAULT_KINDS)}"
            )
    if not kinds:
        raise ValueError("randomFaults() kinds must name at least one kind")
    names = [host.name for host in network.hosts] if hosts is None else list(hosts)
    for name in names:
        network.host(name, "randomFaults() host")
    if len(names) < 2 and ("partition" in kinds or "hold" in kinds):
        raise ValueError("randomFaults() partitions and holds need at least 2 hosts")
    rng = network.random
    now = network.clock.seconds()
    plan: list[PlannedFault] = []
    time = rng.uniform(*gaps)
    while time < seconds:
        kind = rng.choice(kinds)
        length = rng.uniform(*lengths)
        if kind == "partition":
            minority = rng.sample(names, rng.randint(1, max(1, (len(names) - 1) // 2)))
            chosen = tuple(sorted(minority))
        elif kind == "hold":
            chosen = tuple(rng.sample(names, 2))
        else:
            chosen = (rng.choice(names),)
        fault = PlannedFault(now + time, kind, chosen, length)
        plan.append(fault)
        network.callLater(time, _start, network, fault)
        time += length + rng.uniform(*gaps)
    return plan


def _start(network: Network, fault: PlannedFault) -> None:
    hosts = fault.hosts
    if fault.kind == "partition":
        network.partition(list(hosts))
        network.callLater(fault.duration, network.heal)
        return
    if fault.kind == "hold":
        network.hold(hosts[0], hosts[1])
        network.callLater(fault.duration, network.release, hosts[0], hosts[1])
        return
    name = hosts[0]
    if network.host(name).state is not HostState.UP:
        network.traceNow("fault", name, "", f"{fault.kind} skipped: host not up")
        return
    if fault.kind == "crash":
        network.crash(name)
        network.callLater(fault.duration, _restart, network, name)
    else:
        network.pause(name, fault.duration)


def _restart(network: Network, name: str) -> None:
    if network.host(name).state is HostState.CRASHED:
        network.restart(name)
