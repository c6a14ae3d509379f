# -*- test-case-name: twistedtesting.test.test_network -*-
"""
:class:`NetworkFaults`: the faults a test injects into a simulated network:
partitions, held links, crashed, restarted and paused hosts.
"""

from __future__ import annotations

from collections.abc import Iterable

from twistedtesting._clock import checkSeconds
from twistedtesting._fabric import NetworkFabric
from twistedtesting._host import Host, HostState
from twistedtesting._hostdirectory import HostDirectory
from twistedtesting._hostreactor import HostReactor
from twistedtesting._netscheduler import HostTimers
from twistedtesting._topology import Direction


class NetworkFaults:
    """
    Injects faults into a network, and traces each (see the methods of the
    same names of :class:`twistedtesting.Network`, which call these).

    :ivar directory: The network's hosts.
    :ivar fabric: The network's services to its hosts.
    :ivar timers: The network's own events (never paused), on which a
        pause of a given duration ends.
    """

    def __init__(
        self, directory: HostDirectory, fabric: NetworkFabric, timers: HostTimers
    ) -> None:
        self.directory = directory
        self.fabric = fabric
        self.timers = timers

    def _groups(self, groups: tuple[Iterable[str], ...], name: str) -> list[set[str]]:
        if not groups:
            raise TypeError(f"{name}() needs at least one group of host names")
        sets = []
        for group in groups:
            if isinstance(group, str):
                group = [group]
            names = set(group)
            for host in names:
                self.directory.host(host, f"{name}() host")
            sets.append(names)
        if len(sets) == 1:
            sets.append(self.directory.names - sets[0])
        seen: set[str] = set()
        for names in sets:
            if seen & names:
                raise ValueError(
                    f"{name}() groups overlap: {sorted(seen & names)} in two groups"
                )
            seen |= names
        return sets

    def partition(self, groups: tuple[Iterable[str] | str, ...], oneWay: bool) -> None:
        """
        Cut the network between ``groups`` of hosts.

        :raises TypeError: If there is no group.
        :raises ValueError: If a host is unknown or in two groups.
        """
        sets = self._groups(groups, "partition")
        directions: set[Direction] = set()
        for index, names in enumerate(sets):
            for other in sets[index + 1 :]:
                for a in names:
                    for b in other:
                        directions.add((a, b))
                        if not oneWay:
                            directions.add((b, a))
            if oneWay:
                break
        self.fabric.topology.partition(directions)
        shown = " | ".join(",".join(sorted(names)) for names in sets)
        kind = " one-way" if oneWay else ""
        self.fabric.traceNow("fault", "network", "", f"partition {shown}{kind}")

    def heal(self) -> None:
        """
        Lift every partition.
        """
        self.fabric.topology.heal()
        self.fabric.traceNow("fault", "network", "", "heal")

    def _directions(
        self, source: str, target: str, oneWay: bool, name: str
    ) -> set[Direction]:
        self.directory.host(source, f"{name}() source")
        self.directory.host(target, f"{name}() target")
        if source == target:
            raise ValueError(f"{name}() source and target are both {source!r}")
        return {(source, target)} if oneWay else {(source, target), (target, source)}

    def hold(self, source: str, target: str, oneWay: bool) -> None:
        """
        Hold the link between two hosts.

        :raises ValueError: If a host is unknown, or both are one.
        """
        self.fabric.topology.hold(self._directions(source, target, oneWay, "hold"))
        detail = "hold" + (" one-way" if oneWay else "")
        self.fabric.traceNow("fault", source, target, detail)

    def release(self, source: str, target: str, oneWay: bool) -> None:
        """
        Release a held link.

        :raises ValueError: If a host is unknown, or both are one.
        """
        self.fabric.topology.release(
            self._directions(source, target, oneWay, "release")
        )
        self.fabric.traceNow("fault", source, target, "release")

    def crash(self, name: str) -> None:
        """
        Crash a host.

        :raises ValueError: If the host is unknown or crashed already.
        """
        host = self.directory.host(name, "crash() name")
        if host.state is HostState.CRASHED:
            raise ValueError(f"crash() name {name!r}: the host is crashed already")
        host.state = HostState.CRASHED
        host.reactor.crash()
        self.fabric.traceNow("fault", name, "", "crash")

    def restart(self, name: str) -> HostReactor:
        """
        Restart a crashed host on a fresh reactor, and start it.

        :returns: The new reactor.
        :raises ValueError: If the host is unknown or not crashed.
        """
        host = self.directory.host(name, "restart() name")
        if host.state is not HostState.CRASHED:
            raise ValueError(
                f"restart() name {name!r}: the host is {host.state.value}; crash it "
                "first"
            )
        host.reactor = self.fabric.newReactor(
            name, host.address, host.offset, 1.0 + host.drift
        )
        host.state = HostState.UP
        host.lives += 1
        self.fabric.traceNow("fault", name, "", f"restart (life {host.lives})")
        host.startApplication()
        return host.reactor

    def pause(self, name: str, duration: float | None) -> None:
        """
        Pause a host, until :meth:`resume` or for ``duration`` seconds.

        :raises ValueError: If the host is unknown or not up, or
            ``duration`` is negative or not finite.
        """
        host = self.directory.host(name, "pause() name")
        if host.state is not HostState.UP:
            raise ValueError(f"pause() name {name!r}: the host is {host.state.value}")
        if duration is not None:
            duration = checkSeconds(duration, "pause() duration")
        host.state = HostState.PAUSED
        host.reactor.timers.pause()
        self.fabric.traceNow("fault", name, "", "pause")
        if duration is not None:
            self.timers.schedule(
                self.fabric.clock.seconds() + duration,
                self._resumeIfPaused,
                (host, host.lives),
                {},
            )

    def _resumeIfPaused(self, host: Host, life: int) -> None:
        if host.state is HostState.PAUSED and host.lives == life:
            self.resume(host.name)

    def resume(self, name: str) -> None:
        """
        Resume a paused host.

        :raises ValueError: If the host is unknown or not paused.
        """
        host = self.directory.host(name, "resume() name")
        if host.state is not HostState.PAUSED:
            raise ValueError(f"resume() name {name!r}: the host is {host.state.value}")
        host.state = HostState.UP
        self.fabric.traceNow("fault", name, "", "resume")
        host.reactor.timers.resume()
