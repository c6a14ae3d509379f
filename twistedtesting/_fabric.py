# -*- test-case-name: twistedtesting.test.test_network -*-
"""
:class:`NetworkFabric`: what the hosts of a simulated network ask of it:
their reactors, name resolution, the host at an address, handshake
packets, the links of a new connection, and the trace.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable

from twistedtesting._clock import Clock
from twistedtesting._hostclock import HostClock
from twistedtesting._hostdirectory import LOOPBACK_NAMES, HostDirectory
from twistedtesting._hostreactor import HostReactor
from twistedtesting._link import Link
from twistedtesting._netscheduler import HostTimers, NetworkScheduler
from twistedtesting._nettrace import NetworkTrace
from twistedtesting._topology import Topology

LINK_RECORD_LIMIT = 1000
"""
How many chunks each link of a network records (see
:attr:`twistedtesting.Link.record`): the first ones of each connection, so
that the memory of a long run stays flat.
"""


class NetworkFabric:
    """
    The services of a network to its hosts' reactors.

    :ivar clock: The network's clock.
    :ivar random: The network's generator.
    :ivar topology: The links' settings and faults.
    :ivar trace: The network's trace.
    :ivar scheduler: The network's event queue.
    :ivar directory: The network's hosts.
    """

    def __init__(
        self,
        clock: Clock,
        random: random.Random,
        topology: Topology,
        trace: NetworkTrace,
        scheduler: NetworkScheduler,
        directory: HostDirectory,
    ) -> None:
        self.clock = clock
        self.random = random
        self.topology = topology
        self.trace = trace
        self.scheduler = scheduler
        self.directory = directory

    def newReactor(
        self, name: str, address: str, offset: float, rate: float
    ) -> HostReactor:
        """
        Make the reactor of a new life of a host.

        :param offset: Seconds its clock reads ahead of the network's.
        :param rate: Its seconds per network second.
        """
        timers = HostTimers(self.scheduler, name)
        return HostReactor(self, name, address, timers, offset, rate)

    def makeLinks(self, client: HostReactor, server: HostReactor) -> tuple[Link, Link]:
        """
        Make the two links of a new connection: to the server (delivering
        on its clock, and tracked in its direction) and to the client (not
        tracked: the caller tracks it, held until the client is connected).
        """
        topology = self.topology
        links = []
        for source, target in ((client, server), (server, client)):
            settings = topology.settingsFor((source.name, target.name))
            links.append(
                Link(
                    settings.chunking,
                    clock=HostClock(target.timers, ownLane=True),
                    latency=settings.latencyPolicy(self.random),
                    bandwidth=settings.bandwidth,
                    recordLimit=LINK_RECORD_LIMIT,
                )
            )
        topology.addLink((client.name, server.name), links[0], False)
        return links[0], links[1]

    def resolve(self, name: str, asking: HostReactor) -> str | None:
        """
        :returns: The address of ``name`` (a host name or an address), as
            ``asking`` sees it, or ``None`` for an unknown name.
        """
        if name in LOOPBACK_NAMES or name.startswith("127."):
            return asking.address
        host = self.directory.get(name)
        if host is not None:
            return host.address
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return None
        return name

    def reactorAt(self, address: str) -> HostReactor | None:
        """
        :returns: The reactor of the host at ``address``, unless it is down.
        """
        host = self.directory.atAddress(address)
        if host is None or host.state.value == "crashed":
            return None
        return host.reactor

    def sendPacket(
        self,
        source: HostReactor,
        target: HostReactor,
        arrive: Callable[[HostReactor], object],
    ) -> None:
        """
        Send a handshake packet: ``arrive(target)`` runs on ``target``
        after the direction's latency, unless a fault blocks the direction
        (the packet is lost) or ``target`` crashes first.
        """
        direction = (source.name, target.name)
        if self.topology.blocked(direction):
            return
        delay = self.topology.packetDelay(direction)
        target.timers.schedule(
            self.clock.seconds() + delay, arrive, (target,), {}, source.name
        )

    def traceNow(
        self, kind: str, source: str, target: str = "", detail: str = ""
    ) -> None:
        """
        Add an event at the current time to the trace.
        """
        self.trace.record(self.clock.seconds(), kind, source, target, detail)
