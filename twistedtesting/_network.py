# -*- test-case-name: twistedtesting.test.test_network -*-
"""
:class:`Network`: many hosts in one process, on one clock, driven by one
seed: their reactors, the links between them, and the faults a test
injects.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall

from twistedtesting._chunking import ChunkingPolicy
from twistedtesting._clock import DEFAULT_MAX_INSTANT_CALLS, Clock, checkSeconds
from twistedtesting._delays import DelayPolicy
from twistedtesting._fabric import NetworkFabric
from twistedtesting._host import Host, StartFunction
from twistedtesting._hostdirectory import HostDirectory
from twistedtesting._hostreactor import HostReactor
from twistedtesting._netfaults import NetworkFaults
from twistedtesting._netrun import NetworkRunner
from twistedtesting._netscheduler import HostTimers, NetworkScheduler
from twistedtesting._nettrace import DEFAULT_TRACE_LIMIT, NetworkTrace
from twistedtesting._topology import DEFAULT_CHUNKING, LinkSettings, Topology


def _seeded(seed: object) -> random.Random:
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(
            "Network() seed must be an int or a random.Random (such as a test's "
            f"self.random), not {type(seed).__name__} {seed!r}"
        )
    return random.Random(seed)


class Network:
    """
    A simulated network of hosts, in one process, on one clock.

    Each host has a name, an IPv4 address and a :class:`HostReactor` that
    its application runs on unchanged: Twisted's endpoints, ``Site`` and
    ``Agent``, AMP, ``ClientService``.  Connections between hosts are
    :class:`twistedtesting.ChunkedTransport` pairs over one-way
    :class:`twistedtesting.Link` s, with each direction's latency, jitter,
    bandwidth and chunking.  Everything random (jitter, the order of
    events due at one instant, random faults) is drawn from ``seed``, so
    one seed replays a run exactly.

    :param clock: The clock of the whole network; a new
        :class:`twistedtesting.Clock` if not given.
    :param seed: An ``int``, or a ``random.Random`` (a test's
        ``self.random``).
    :param latency: The default latency of every direction, in seconds or
        as a :class:`twistedtesting.DelayPolicy`.
    :param jitter: The default jitter (see :class:`LinkSettings`).
    :param bandwidth: The default bandwidth in bytes a second, or ``None``.
    :param chunking: The default chunking of what a host reads.
    :param traceLimit: How many of the latest events the trace keeps, or
        ``None`` for all.
    :param maxInstantCalls: How long a chain of events at one instant may
        be before :class:`twistedtesting.ClockLoopError`.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If a setting is out of range.

    :ivar clock: The clock.
    :ivar random: The generator everything random is drawn from.
    :ivar topology: The links' settings and faults.
    :ivar trace: The :class:`NetworkTrace` of what happened.
    :ivar scheduler: The network's event queue.
    :ivar runner: Advances the clock, with limits.
    :ivar directory: The hosts by name and address.
    :ivar fabric: What the hosts' reactors ask of the network.
    :ivar faults: Injects the faults.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        seed: int | random.Random = 0,
        *,
        latency: float | DelayPolicy = 0.0,
        jitter: float = 0.0,
        bandwidth: float | None = None,
        chunking: ChunkingPolicy = DEFAULT_CHUNKING,
        traceLimit: int | None = DEFAULT_TRACE_LIMIT,
        maxInstantCalls: int = DEFAULT_MAX_INSTANT_CALLS,
    ) -> None:
        if clock is None:
            clock = Clock()
        elif not isinstance(clock, Clock):
            raise TypeError(
                "Network() clock must be a twistedtesting.Clock, not "
                f"{type(clock).__name__} {clock!r}"
            )
        self.clock = clock
        self.random = _seeded(seed)
        self.trace = NetworkTrace(traceLimit)
        self.scheduler = NetworkScheduler(clock, self.random, maxInstantCalls)
        self.topology = Topology(
            LinkSettings(latency, jitter, bandwidth, chunking), self.random
        )
        self.runner = NetworkRunner(clock, self.scheduler, self.trace)
        self._timers = HostTimers(self.scheduler, "network")
        self.directory = HostDirectory()
        self.fabric = NetworkFabric(
            self.clock,
            self.random,
            self.topology,
            self.trace,
            self.scheduler,
            self.directory,
        )
        self.faults = NetworkFaults(self.directory, self.fabric, self._timers)

    # Hosts.

    def addHost(
        self,
        name: str,
        start: StartFunction | None = None,
        *,
        address: str | None = None,
        offset: float = 0.0,
        drift: float = 0.0,
    ) -> Host:
        """
        Add a host, and start it: call ``start`` with its reactor, now.

        :param name: Its name, which the other hosts can connect to.
        :param start: Starts its application (listens, connects, schedules);
            called again on a fresh reactor each time the host restarts.
        :param address: Its IPv4 address; by default the next of
            ``10.0.0.1``, ``10.0.0.2``, ...
        :param offset: Seconds its clock reads ahead of the network's.
        :param drift: How much faster its clock runs: ``0.01`` is 1% faster,
            ``-0.01`` 1% slower.
        :raises TypeError: If an argument has the wrong type.
        :raises ValueError: If the name or address is taken, or invalid.
        """
        name = self.directory.checkName(name)
        if start is not None and not callable(start):
            raise TypeError(f"addHost() start must be callable, not {start!r}")
        address = self.directory.checkAddress(address)
        offsetSeconds = float(_number("addHost() offset", offset))
        rate = 1.0 + _number("addHost() drift", drift)
        if not rate > 0:
            raise ValueError(f"addHost() drift must be more than -1, got {drift!r}")
        reactor = self.fabric.newReactor(name, address, offsetSeconds, rate)
        host = Host(name, address, start, offsetSeconds, drift, reactor)
        self.directory.add(host)
        self.traceNow("fault", name, "", f"host added at {address}")
        host.startApplication()
        return host

    def host(self, name: str, argument: str = "name") -> Host:
        """
        :returns: The host named ``name``.
        :raises ValueError: If there is none.
        """
        return self.directory.host(name, argument)

    @property
    def hosts(self) -> list[Host]:
        """The hosts, in the order they were added."""
        return self.directory.hosts

    def reactor(self, name: str) -> HostReactor:
        """
        :returns: The reactor of host ``name``'s current life.
        :raises ValueError: If there is no such host.
        """
        return self.host(name).reactor

    # Links.

    def setLink(
        self,
        source: str,
        target: str,
        *,
        latency: float | DelayPolicy | None = None,
        jitter: float | None = None,
        bandwidth: float | None = None,
        chunking: ChunkingPolicy | None = None,
        oneWay: bool = False,
    ) -> None:
        """
        Give the directions between ``source`` and ``target`` settings of
        their own, for the connections made from now on; what is not given
        is the network's default.

        :param oneWay: Only the direction from ``source`` to ``target``.
        :raises ValueError: If a host is unknown or a setting out of range.
        """
        self.host(source, "setLink() source")
        self.host(target, "setLink() target")
        default = self.topology.default
        settings = LinkSettings(
            default.latency if latency is None else latency,
            default.jitter if jitter is None else jitter,
            default.bandwidth if bandwidth is None else bandwidth,
            default.chunking if chunking is None else chunking,
        )
        self.topology.setSettings((source, target), settings)
        if not oneWay:
            self.topology.setSettings((target, source), settings)

    def traceNow(
        self, kind: str, source: str, target: str = "", detail: str = ""
    ) -> None:
        """
        Add an event at the current time to the trace.
        """
        self.fabric.traceNow(kind, source, target, detail)

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: object, **kw: object
    ) -> IDelayedCall:
        """
        Call ``callable(*args, **kw)`` in ``delay`` seconds, as an event of
        the network (never paused): inject a fault at a given time, say.
        """
        return self._timers.schedule(
            self.clock.seconds() + checkSeconds(delay, "delay"), callable, args, kw
        )

    # Faults.

    def partition(self, *groups: Iterable[str] | str, oneWay: bool = False) -> None:
        """
        Cut the network between groups of hosts: nothing goes from a host in
        one group to a host in another until :meth:`heal`.  Bytes on open
        connections wait (TCP retransmits them once healed); connection
        requests are lost.  With one group, the other is every other host.

        :param groups: Host names, or iterables of them.
        :param oneWay: Only cut from the first group to the others.
        :raises ValueError: If a host is unknown or in two groups.
        """
        self.faults.partition(groups, oneWay)

    def heal(self) -> None:
        """
        Lift every partition.
        """
        self.faults.heal()

    def hold(self, source: str, target: str, *, oneWay: bool = False) -> None:
        """
        Hold the link between two hosts: nothing is delivered (bytes wait)
        until :meth:`release`.

        :raises ValueError: If a host is unknown.
        """
        self.faults.hold(source, target, oneWay)

    def release(self, source: str, target: str, *, oneWay: bool = False) -> None:
        """
        Release a link held by :meth:`hold`.

        :raises ValueError: If a host is unknown.
        """
        self.faults.release(source, target, oneWay)

    def crash(self, name: str) -> None:
        """
        Crash a host: nothing of it runs any more; its connections are reset
        (its peers get ``ConnectionLost`` after the latency, as from a TCP
        reset), its listening ports and delayed calls are gone, and
        connection requests to it go unanswered until :meth:`restart`.

        :raises ValueError: If the host is unknown or crashed already.
        """
        self.faults.crash(name)

    def restart(self, name: str) -> HostReactor:
        """
        Restart a crashed host: a fresh reactor with the same name and
        address, and its start function called with it.

        :returns: The new reactor.
        :raises ValueError: If the host is unknown or not crashed.
        """
        return self.faults.restart(name)

    def pause(self, name: str, duration: float | None = None) -> None:
        """
        Pause a host, as a long garbage-collection pause or a stopped VM:
        nothing of it runs (its calls and the bytes that arrive for it
        wait), and its peers hear nothing from it, until :meth:`resume`, or
        for ``duration`` seconds.

        :raises ValueError: If the host is unknown or not up.
        """
        self.faults.pause(name, duration)

    def resume(self, name: str) -> None:
        """
        Resume a paused host: what waited runs now.

        :raises ValueError: If the host is unknown or not paused.
        """
        self.faults.resume(name)

    # Running.

    def advance(self, seconds: float) -> None:
        """
        Move the network's clock ``seconds`` on.
        """
        __tracebackhide__ = True  # pytest shows the caller's line instead
        self.runner.advance(seconds)

    def advanceUntil(
        self, condition: Deferred[Any] | Callable[[], object], limit: float = 60.0
    ) -> float:
        """
        Advance from one event to the next until ``condition`` holds (a
        Deferred has a result, or a callable returns true).

        :returns: The seconds that passed.
        :raises twistedtesting.WaitError: If nothing is left to happen, or
            ``limit`` seconds pass first; the message ends with the trace.
        """
        __tracebackhide__ = True
        return self.runner.advanceUntil(condition, limit)

    def runUntilQuiet(self, limit: float = 3600.0) -> float:
        """
        Advance until nothing is left to happen.

        :returns: The seconds that passed.
        :raises twistedtesting.WaitError: If events are still due after
            ``limit`` seconds (hosts that never stop: heartbeats, retry
            loops); the message ends with the last events of the trace.
        """
        __tracebackhide__ = True
        return self.runner.runUntilQuiet(limit)

    def __repr__(self) -> str:
        hosts = ", ".join(f"{h.name}({h.state.value})" for h in self.directory.hosts)
        return f"<Network t={self.clock.seconds()!r} hosts: {hosts or 'none'}>"


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number, not {type(value).__name__} {value!r}"
        )
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)
