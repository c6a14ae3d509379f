# -*- test-case-name: twistedtesting.test.test_proxy -*-
"""
What a :class:`twistedtesting.FaultProxy` with no faults costs, against the
same work over a direct connection, in the same run:

- throughput: a client sends a block of bytes to a server that counts
  them, through the proxy (one more hop each way: two more sockets and a
  link) or directly; target ratio <= 2.5;
- cycles: connect, one round trip (4 bytes and their echo), close, and
  wait until every socket is closed (the client's, the server's and, through
  the proxy, both of the proxy's); target ratio <= 2.0.

The proxy listens for the whole round; each connection goes through it.
Both sides run over TCP on 127.0.0.1, taking turns round after round.

Run it from anywhere, with twistedtesting installed::

    python benchmarks/bench_proxy.py            # 15 rounds, about 10 s
    python benchmarks/bench_proxy.py --quick    # 3 rounds, for CI
    python benchmarks/bench_proxy.py --check    # exit 1 if a ratio is over
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from _timings import Timings, positive, reactMain
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, gatherResults
from twisted.internet.protocol import ClientFactory, Factory, Protocol
from twisted.python.failure import Failure

from twistedtesting import FaultProxy, startFaultProxy

THROUGHPUT_TARGET = 2.5
CYCLE_TARGET = 2.0


class Side(Protocol):
    """
    One end: echoes (if told to), counts what it receives, and says when
    it has received ``expected`` bytes and when it is lost.
    """

    def __init__(self, echo: bool, expected: int) -> None:
        self.echo = echo
        self.expected = expected
        self.received = 0
        self.made: Deferred[Side] = Deferred()
        self.done: Deferred[None] = Deferred()
        self.lost: Deferred[None] = Deferred()

    def connectionMade(self) -> None:
        self.made.callback(self)

    def dataReceived(self, data: bytes) -> None:
        self.received += len(data)
        if self.echo:
            self.transport.write(data)  # type: ignore[union-attr]
        if self.received >= self.expected and not self.done.called:
            self.done.callback(None)

    def connectionLost(self, reason: Failure | None = None) -> None:
        self.lost.callback(None)


class Server(Factory):
    """
    Builds :class:`Side` servers and keeps the last one.
    """

    noisy = False

    def __init__(self, echo: bool, expected: int) -> None:
        self.echo = echo
        self.expected = expected
        self.last: Side | None = None
        self.madeOne: Deferred[Side] = Deferred()

    def buildProtocol(self, addr: Any) -> Side:
        side = Side(self.echo, self.expected)
        self.last = side
        waiter, self.madeOne = self.madeOne, Deferred()

        def tell(made: Side) -> Side:
            waiter.callback(made)
            return made

        side.made.addCallback(tell)
        return side


class Client(ClientFactory):
    """
    Connects one given :class:`Side`.
    """

    noisy = False

    def __init__(self, side: Side) -> None:
        self.side = side

    def buildProtocol(self, addr: Any) -> Side:
        return self.side


class Setup:
    """
    A server, and a proxy to it, for one round.
    """

    def __init__(self, reactor: Any, echo: bool, expected: int) -> None:
        self.reactor = reactor
        self.server = Server(echo, expected)
        self.port = reactor.listenTCP(0, self.server, interface="127.0.0.1")
        self.proxy: FaultProxy | None = None

    async def start(self) -> None:
        self.proxy = await startFaultProxy(
            self.port.getHost(), rng=random.Random(0), addCleanup=None
        )
        # The target check's connection: wait until its server side is gone.
        if self.server.last is not None:
            await self.server.last.lost

    def address(self, proxied: bool) -> IPv4Address:
        if proxied:
            assert self.proxy is not None
            address = self.proxy.address
        else:
            address = self.port.getHost()
        assert isinstance(address, IPv4Address)
        return address

    async def stop(self) -> None:
        assert self.proxy is not None
        await self.proxy.stop()
        await self.port.stopListening()


async def connect(setup: Setup, proxied: bool, expected: int) -> tuple[Side, Side]:
    """
    Connect a client, and return it and its server once both connected.
    """
    client = Side(False, expected)
    address = setup.address(proxied)
    serverMade = setup.server.madeOne
    setup.reactor.connectTCP(address.host, address.port, Client(client))
    await client.made
    server = await serverMade
    return client, server


async def closeAll(setup: Setup, proxied: bool, client: Side, server: Side) -> None:
    """
    Close the client, and wait until every socket is closed.
    """
    client.transport.loseConnection()  # type: ignore[union-attr]
    waits: list[Deferred[Any]] = [client.lost, server.lost]
    if proxied:
        assert setup.proxy is not None
        waits.append(setup.proxy.connections[-1].whenClosed())
    await gatherResults(waits)


async def transfer(setup: Setup, proxied: bool, size: int) -> float:
    """
    Time sending ``size`` bytes to the server over one connection.
    """
    client, server = await connect(setup, proxied, 0)
    server.expected = size
    block = b"x" * size
    gc.collect()
    start = time.perf_counter()
    client.transport.write(block)  # type: ignore[union-attr]
    await server.done
    elapsed = time.perf_counter() - start
    await closeAll(setup, proxied, client, server)
    return elapsed


async def cycles(setup: Setup, proxied: bool, count: int) -> float:
    """
    Time ``count`` cycles of connect, one round trip, and close.
    """
    gc.collect()
    start = time.perf_counter()
    for _ in range(count):
        client, server = await connect(setup, proxied, 4)
        client.transport.write(b"ping")  # type: ignore[union-attr]
        await client.done
        await closeAll(setup, proxied, client, server)
    return time.perf_counter() - start


Timed = Callable[[Setup, bool], Awaitable[float]]


async def measure(reactor: Any, echo: bool, timed: Timed, rounds: int) -> Timings:
    """
    Time ``timed`` through the proxy and directly for ``rounds`` rounds,
    after a warm-up round; the side that goes first alternates.
    """
    setup = Setup(reactor, echo, 0)
    await setup.start()
    try:
        await timed(setup, True)
        await timed(setup, False)
        timings = Timings()
        for index in range(rounds):
            order = (False, True) if index % 2 else (True, False)
            results = {proxied: await timed(setup, proxied) for proxied in order}
            timings.ours.append(results[True])
            timings.baseline.append(results[False])
        return timings
    finally:
        await setup.stop()


def parseArguments(argv: Sequence[str]) -> argparse.Namespace:
    """
    Parse the command line.
    """
    parser = argparse.ArgumentParser(
        description=(
            "Time transfers and connection cycles through a FaultProxy with no "
            "faults against direct connections, and print proxied/direct."
        )
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 rounds and less data (for CI)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if over a target"
    )
    parser.add_argument(
        "--rounds",
        type=positive,
        default=None,
        help="timed rounds per side (default: 15, or 3 with --quick)",
    )
    return parser.parse_args(argv)


async def run(reactor: Any, argv: Sequence[str]) -> int:
    """
    Run the benchmark in the reactor and print its report.

    :returns: The exit status: 1 when ``--check`` is given and a ratio is
        over its target, otherwise 0.
    """
    arguments = parseArguments(argv)
    rounds: int = arguments.rounds or (3 if arguments.quick else 15)
    size = (8 if arguments.quick else 32) * 1024 * 1024
    count = 50 if arguments.quick else 200
    print(
        f"FaultProxy with no faults against direct connections, TCP on "
        f"127.0.0.1, {rounds} timed rounds per side, Python "
        f"{sys.version.split()[0]}"
    )
    started = time.perf_counter()

    async def timedTransfer(setup: Setup, proxied: bool) -> float:
        return await transfer(setup, proxied, size)

    async def timedCycles(setup: Setup, proxied: bool) -> float:
        return await cycles(setup, proxied, count)

    throughput = await measure(reactor, False, timedTransfer, rounds)
    cycling = await measure(reactor, True, timedCycles, rounds)
    rows = [
        (
            f"throughput, {size // (1024 * 1024)} MiB",
            f"{size / min(throughput.ours) / 1e6:.0f} MB/s",
            f"{size / min(throughput.baseline) / 1e6:.0f} MB/s",
            throughput,
            THROUGHPUT_TARGET,
        ),
        (
            f"cycles, {count} of them",
            f"{min(cycling.ours) / count * 1e6:.0f} us",
            f"{min(cycling.baseline) / count * 1e6:.0f} us",
            cycling,
            CYCLE_TARGET,
        ),
    ]
    header = (
        f"{'measure':<22} {'proxied':>10} {'direct':>10} {'ratio':>6} "
        f"{'median':>7} {'target':>6}  verdict"
    )
    print(header)
    print("-" * len(header))
    over = False
    for name, proxied, direct, timings, target in rows:
        ratio = timings.ratio()
        over = over or ratio > target
        print(
            f"{name:<22} {proxied:>10} {direct:>10} {ratio:>6.2f} "
            f"{timings.medianRatio():>7.2f} {target:>6.1f}  "
            f"{'ok' if ratio <= target else 'OVER TARGET'}"
        )
    print()
    print(
        "ratio: proxied/direct time, fastest rounds (median: of the per-round ratios)"
    )
    print(f"(benchmark took {time.perf_counter() - started:.1f}s)")
    if arguments.check and over:
        print("--check: a ratio is over its target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    reactMain(run, sys.argv[1:])
